"""Wakeword validation nodes: the dataset scanner's report, its expectations, then a stop on failure.

Checking and stopping are separate nodes so that a failed report is still saved and logged.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from auralab.core.expectations import (
    audio_health_suite,
    audio_split_balance_suite,
    raise_if_failed,
    run_suite,
)
from auralab.core.splits import SPLITS
from auralab.core.tracking import as_mlflow_metrics
from auralab.wakeword.clips import ClipSet
from auralab.wakeword.params import ValidateParams
from auralab.wakeword.scanner import health_plot, health_table, split_balance, summary


def scan_dataset(
    clips: ClipSet,
    backgrounds: dict[str, bytes],
    background_table: pd.DataFrame,
    rirs: dict[str, bytes],
    rir_table: pd.DataFrame,
    longform: dict[str, bytes],
    quarantine: pd.DataFrame,
    params: dict[str, Any],
) -> tuple[pd.DataFrame, dict[str, Any], dict[str, bytes], dict[str, Any]]:
    """Health table, summary (with the quarantine), plot and headline metrics."""
    table = health_table(
        clips, backgrounds, background_table, rirs, rir_table, longform, ValidateParams(**params)
    )
    report = summary(table)
    report["quarantined"] = quarantine.to_dict(orient="records")
    metrics = {
        "n_items": len(table),
        "hours_total": float(table["seconds"].sum()) / 3600,
        "n_clipped": report["clipped"],
        "n_silent": report["silent"],
        "n_duplicates": report["duplicates"],
        "n_speakers_in_several_splits": len(report["speakers_in_several_splits"]),
        "n_quarantined": len(quarantine),
    }
    return table, report, {"health.png": health_plot(table)}, as_mlflow_metrics(metrics)


def validate_health(table: pd.DataFrame) -> dict[str, Any]:
    """Levels, clipping, unexpected silence, leaks and speaker overlap between splits."""
    return run_suite(table, "wakeword_health", audio_health_suite(), ["set", "name"])


def validate_split_balance(table: pd.DataFrame) -> dict[str, Any]:
    """Every split has positive and negative clips."""
    return run_suite(
        split_balance(table), "wakeword_splits", audio_split_balance_suite(list(SPLITS)), ["split"]
    )


def require_valid_data(
    health: dict[str, Any], balance: dict[str, Any], params: dict[str, Any]
) -> dict[str, Any]:
    """Raise DataValidationError listing each failed expectation; else a status for later stages."""
    example_rows = ValidateParams(**params).example_rows
    for report in (health, balance):
        raise_if_failed(report, example_rows)
    return {"passed": True, "suites": {r["suite_name"]: r["statistics"] for r in (health, balance)}}
