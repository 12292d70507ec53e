"""Music validation nodes: run the suites, save the reports, then stop the run if one failed.

Checking and stopping are separate nodes so that a failed report is still saved and logged.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from auralab.core.expectations import (
    file_table_suite,
    note_table_suite,
    raise_if_failed,
    run_suite,
    token_sequence_suite,
)
from auralab.music.checks import note_check_frame, token_check_frame
from auralab.music.params import IngestParams, PreprocessParams, ValidateParams
from auralab.music.sequences import TokenSequences
from auralab.music.splits import SPLITS
from auralab.music.tokenizer import BOS, EOS


def validate_note_table(notes: pd.DataFrame) -> dict[str, Any]:
    """Pitch/velocity ranges, ordered non-negative times, tempo and metre of every note."""
    return run_suite(note_check_frame(notes), "music_notes", note_table_suite(), ["source"])


def validate_file_table(files: pd.DataFrame, ingest: dict[str, Any]) -> dict[str, Any]:
    """Every file that passed ingest is non-empty and long enough."""
    ok = files[files["status"] == "ok"]
    suite = file_table_suite(IngestParams(**ingest).min_notes)
    return run_suite(ok, "music_files", suite, ["source"])


def validate_token_sequences(
    tokens: TokenSequences, vocabulary: dict[str, Any], preprocess: dict[str, Any]
) -> dict[str, Any]:
    """Ids within the vocabulary, BOS...EOS framing, stored lengths, disjoint hash splits."""
    frame = token_check_frame(tokens, PreprocessParams(**preprocess).split)
    suite = token_sequence_suite(int(vocabulary["size"]), list(SPLITS), BOS, EOS)
    return run_suite(frame, "music_tokens", suite, ["source"])


def require_valid_data(
    notes_report: dict[str, Any],
    files_report: dict[str, Any],
    tokens_report: dict[str, Any],
    params: dict[str, Any],
) -> dict[str, Any]:
    """Raise DataValidationError listing each failed expectation; else a status for later stages."""
    example_rows = ValidateParams(**params).example_rows
    reports = (notes_report, files_report, tokens_report)
    for report in reports:
        raise_if_failed(report, example_rows)
    return {"passed": True, "suites": {r["suite_name"]: r["statistics"] for r in reports}}
