"""great_expectations suites for every dataset that crosses a stage, and the runner for them.

Suites are plain lists of GX expectations built by the functions below; :func:`run_suite` validates a
DataFrame in an ephemeral GX context and returns a deterministic JSON report (no timestamps), and
:func:`raise_if_failed` turns a failed report into a :class:`DataValidationError` that lists every
failed expectation with example rows.
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from auralab.core.errors import DataValidationError

_MAX_STORED_EXAMPLES = 100


def _gx() -> Any:
    """Import great_expectations lazily (its import costs ~4 s) and quiet its progress bars."""
    import great_expectations as gx

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    return gx


def note_table_suite() -> list[Any]:
    """The note table: MIDI ranges, non-negative and ordered times, sane tempo and metre."""
    e = _gx().expectations
    return [
        e.ExpectTableRowCountToBeBetween(min_value=1),
        e.ExpectColumnValuesToNotBeNull(column="source"),
        e.ExpectColumnValuesToBeBetween(column="pitch", min_value=0, max_value=127),
        e.ExpectColumnValuesToBeBetween(column="velocity", min_value=1, max_value=127),
        e.ExpectColumnValuesToBeBetween(column="program", min_value=0, max_value=127),
        e.ExpectColumnValuesToBeBetween(column="start_s", min_value=0),
        e.ExpectColumnValuesToBeBetween(column="start_beat", min_value=0),
        e.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="end_s", column_B="start_s", or_equal=True
        ),
        e.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="end_beat", column_B="start_beat", or_equal=True
        ),
        # Onsets never go backwards within a file (prev_start_beat is the previous row's onset).
        e.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="start_beat", column_B="prev_start_beat", or_equal=True
        ),
        e.ExpectColumnValuesToBeBetween(column="tempo_bpm", min_value=10, max_value=600),
        e.ExpectColumnValuesToBeBetween(column="ts_numerator", min_value=1, max_value=32),
        e.ExpectColumnValuesToBeInSet(column="ts_denominator", value_set=[1, 2, 4, 8, 16, 32]),
    ]


def file_table_suite(min_notes: int) -> list[Any]:
    """Files that passed ingest: non-empty, with a duration and at least ``min_notes`` notes."""
    e = _gx().expectations
    return [
        e.ExpectColumnValuesToBeUnique(column="source"),
        e.ExpectColumnValuesToBeInSet(column="status", value_set=["ok"]),
        e.ExpectColumnValuesToBeBetween(column="n_bytes", min_value=1),
        e.ExpectColumnValuesToBeBetween(column="n_notes", min_value=min_notes),
        e.ExpectColumnValuesToBeBetween(column="duration_s", min_value=0, strict_min=True),
        e.ExpectColumnValuesToBeBetween(column="n_tracks", min_value=1),
    ]


def token_sequence_suite(vocabulary_size: int, splits: list[str], bos: int, eos: int) -> list[Any]:
    """One row per token sequence: ids in the vocabulary, BOS...EOS, disjoint and stable splits."""
    e = _gx().expectations
    return [
        e.ExpectTableRowCountToBeBetween(min_value=1),
        e.ExpectColumnValuesToBeUnique(column="source"),  # a file lives in exactly one split
        e.ExpectColumnValuesToBeInSet(column="split", value_set=splits),
        e.ExpectColumnPairValuesToBeEqual(column_A="split", column_B="expected_split"),
        e.ExpectColumnValuesToBeBetween(column="n_tokens", min_value=3),
        e.ExpectColumnPairValuesToBeEqual(column_A="n_tokens", column_B="stored_length"),
        e.ExpectColumnValuesToBeBetween(column="min_token", min_value=1),  # no PAD inside
        e.ExpectColumnValuesToBeBetween(column="max_token", max_value=vocabulary_size - 1),
        e.ExpectColumnValuesToBeInSet(column="first_token", value_set=[bos]),
        e.ExpectColumnValuesToBeInSet(column="last_token", value_set=[eos]),
    ]


def augmented_sample_suite() -> list[Any]:
    """Augmented items: decode under the grammar, write valid MIDI, stay in range and in split."""
    e = _gx().expectations
    return [
        e.ExpectTableRowCountToBeBetween(min_value=1),
        e.ExpectColumnValuesToBeInSet(column="decodes", value_set=[True]),
        e.ExpectColumnValuesToBeInSet(column="midi_round_trip", value_set=[True]),
        e.ExpectColumnValuesToBeBetween(column="n_notes", min_value=1),
        e.ExpectColumnValuesToBeBetween(column="min_pitch", min_value=0),
        e.ExpectColumnValuesToBeBetween(column="max_pitch", max_value=127),
        e.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="min_pitch", column_B="allowed_min_pitch", or_equal=True
        ),
        e.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="allowed_max_pitch", column_B="max_pitch", or_equal=True
        ),
        e.ExpectColumnPairValuesToBeEqual(column_A="split", column_B="expected_split"),
    ]


def audio_health_suite() -> list[Any]:
    """The wakeword scanner's table: sane levels, no leaks between splits, no silent speech."""
    e = _gx().expectations
    return [
        e.ExpectTableRowCountToBeBetween(min_value=1),
        e.ExpectColumnValuesToBeInSet(column="split", value_set=["train", "validation", "test"]),
        e.ExpectColumnValuesToBeBetween(column="seconds", min_value=0, strict_min=True),
        e.ExpectColumnValuesToBeBetween(column="peak", min_value=0, max_value=1.0),
        e.ExpectColumnValuesToBeInSet(column="clipped", value_set=[False]),
        e.ExpectColumnValuesToBeInSet(column="unexpected_silence", value_set=[False]),
        e.ExpectColumnValuesToBeInSet(column="duplicate_across_splits", value_set=[False]),
        # A speaker (voice identity) belongs to exactly one split.
        e.ExpectColumnValuesToBeBetween(column="speaker_splits", min_value=1, max_value=1),
    ]


def audio_split_balance_suite(splits: list[str]) -> list[Any]:
    """One row per split of the clips: every split has positives and negatives."""
    e = _gx().expectations
    return [
        e.ExpectColumnDistinctValuesToEqualSet(column="split", value_set=splits),
        e.ExpectColumnValuesToBeBetween(column="positives", min_value=1),
        e.ExpectColumnValuesToBeBetween(column="negatives", min_value=1),
    ]


def augmented_audio_suite() -> list[Any]:
    """Augmented training clips: finite, same length, no clipping, SNR inside the schedule."""
    e = _gx().expectations
    return [
        e.ExpectTableRowCountToBeBetween(min_value=1),
        e.ExpectColumnValuesToBeInSet(column="finite", value_set=[True]),
        e.ExpectColumnPairValuesToBeEqual(column_A="length_in", column_B="length_out"),
        e.ExpectColumnValuesToBeBetween(column="peak", min_value=0, max_value=1.0),
        e.ExpectColumnValuesToBeInSet(column="snr_in_schedule", value_set=[True]),
        e.ExpectColumnValuesToBeInSet(column="split", value_set=["train"]),
    ]


def run_suite(
    frame: pd.DataFrame, suite_name: str, expectations: list[Any], id_columns: list[str]
) -> dict[str, Any]:
    """Validate ``frame`` and return the GX result as a JSON-ready dict without run-specific fields.

    ``id_columns`` identify example rows in the report (e.g. the source file).
    """
    gx = _gx()
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}
    batch_definition = (
        context.data_sources.add_pandas("pandas")
        .add_dataframe_asset(suite_name)
        .add_batch_definition_whole_dataframe("whole")
    )
    suite = context.suites.add(gx.ExpectationSuite(name=suite_name, expectations=expectations))
    batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
    result = batch.validate(
        suite,
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": id_columns},
    ).to_json_dict()
    return _deterministic(result)


def _deterministic(result: dict[str, Any]) -> dict[str, Any]:
    """Drop ids and timestamps, cap example lists, so equal data gives an equal report."""
    report = {k: result[k] for k in ("suite_name", "success", "statistics")}
    report["results"] = []
    for item in result["results"]:
        config = item["expectation_config"]
        kwargs = {k: v for k, v in config["kwargs"].items() if k != "batch_id"}
        outcome = {
            k: (v[:_MAX_STORED_EXAMPLES] if isinstance(v, list) else v)
            for k, v in item.get("result", {}).items()
            if k not in {"unexpected_index_query"}
        }
        report["results"].append(
            {
                "expectation": config["type"],
                "kwargs": kwargs,
                "success": item["success"],
                "result": outcome,
                "exception": item.get("exception_info", {}).get("exception_message"),
            }
        )
    return report


def failure_summary(report: dict[str, Any], example_rows: int) -> str:
    """Readable lines: each failed expectation, its arguments and a few offending rows."""
    lines = [f"suite '{report['suite_name']}' failed:"]
    for item in report["results"]:
        if item["success"]:
            continue
        result = item["result"]
        examples = (
            result.get("unexpected_index_list") or result.get("partial_unexpected_list") or []
        )
        detail = f"{result.get('unexpected_count', '?')} unexpected" if examples else ""
        if "observed_value" in result:
            detail = f"observed {result['observed_value']!r}"
        if item.get("exception"):
            detail = f"error: {item['exception']}"
        lines.append(f"  - {item['expectation']} {item['kwargs']}: {detail}")
        lines += [f"      e.g. {row}" for row in examples[:example_rows]]
    return "\n".join(lines)


def raise_if_failed(report: dict[str, Any], example_rows: int = 5) -> None:
    """Raise DataValidationError listing every failed expectation when ``report`` did not pass."""
    if not report["success"]:
        raise DataValidationError(failure_summary(report, example_rows))
