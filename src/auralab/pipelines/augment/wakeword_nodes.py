"""Wakeword augment nodes: the augmentation plan, and its check on a sample of training windows."""

from __future__ import annotations

from typing import Any

import pandas as pd

from auralab.core.expectations import augmented_audio_suite, raise_if_failed, run_suite
from auralab.wakeword.augment_check import check, example_files, plan, train_items
from auralab.wakeword.clips import ClipSet
from auralab.wakeword.features import FeatureSpec
from auralab.wakeword.ingest import decode_folder
from auralab.wakeword.params import AugmentParams, ValidateParams


def plan_augmentation(
    params: dict[str, Any], backgrounds: pd.DataFrame, rirs: pd.DataFrame
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The plan (saved and logged) and the SNR schedule as MLflow metric history (step = epoch)."""
    p = AugmentParams(**params)
    result = plan(
        p, int((backgrounds["split"] == "train").sum()), int((rirs["split"] == "train").sum())
    )
    schedule = result["snr_schedule"]
    history = {
        name: [{"value": float(row[f"{name}"]), "step": int(row["epoch"])} for row in schedule]
        for name in ("snr_low_db", "snr_high_db")
    }
    return result, {f"schedule_{k}": v for k, v in history.items()}


def check_augmentation(
    windows: ClipSet,
    backgrounds: dict[str, bytes],
    rirs: dict[str, bytes],
    feature_spec: dict[str, Any],
    augmentation_plan: dict[str, Any],
    params: dict[str, Any],
) -> tuple[dict[str, Any], dict[str, bytes], dict[str, Any]]:
    """Augment a training sample at the checked epochs; GX report, example files, metrics."""
    del augmentation_plan  # a dependency: the plan is saved before it is checked
    p = AugmentParams(**params)
    rate = windows.sample_rate
    table, examples = check(
        windows,
        train_items(decode_folder(backgrounds, rate)),
        train_items(decode_folder(rirs, rate)),
        p,
    )
    report = run_suite(table, "wakeword_augmented", augmented_audio_suite(), ["epoch", "clip_id"])
    files = example_files(examples, FeatureSpec.from_dict(feature_spec), p)
    metrics = {
        "checked_clips": {"value": float(len(table)), "step": 0},
        "share_with_background": {"value": float(table["background"].mean()), "step": 0},
        "share_reverberated": {"value": float(table["reverb"].mean()), "step": 0},
        "share_peak_limited": {"value": float(table["limited"].mean()), "step": 0},
    }
    return report, files, metrics


def require_valid_augmentation(report: dict[str, Any], params: dict[str, Any]) -> None:
    raise_if_failed(report, ValidateParams(**params).example_rows)
