from __future__ import annotations

import pandas as pd
import pytest

from auralab.core.errors import DataValidationError
from auralab.core.expectations import note_table_suite, raise_if_failed, run_suite
from auralab.music.checks import note_check_frame
from auralab.music.params import IngestParams
from auralab.music.tables import build_tables


@pytest.fixture(scope="module")
def notes(bach_midi):
    subset = dict(list(bach_midi.items())[:5])
    return build_tables(subset, [], IngestParams()).notes


def test_real_notes_pass_the_note_suite(notes):
    report = run_suite(note_check_frame(notes), "notes", note_table_suite(), ["source"])
    assert report["success"], report
    assert report["statistics"]["evaluated_expectations"] == len(note_table_suite())


def test_a_broken_table_fails_with_each_expectation_and_example_rows(notes):
    broken = notes.copy()
    broken.loc[3, "pitch"] = 130
    broken.loc[7, "velocity"] = 0
    first_source = broken["source"].iloc[0]
    later = broken.index[broken["source"] == first_source][10]
    broken.loc[later, "start_beat"] = -0.5  # negative and out of order
    report = run_suite(note_check_frame(broken), "notes", note_table_suite(), ["source"])
    assert not report["success"]
    with pytest.raises(DataValidationError) as error:
        raise_if_failed(report, example_rows=2)
    message = str(error.value)
    assert "'column': 'pitch'" in message and "'pitch': 130" in message
    assert "'column': 'velocity'" in message
    assert "prev_start_beat" in message
    assert message.count("e.g.") >= 4


def test_reports_are_deterministic(notes):
    frame = note_check_frame(notes)
    first = run_suite(frame, "notes", note_table_suite(), ["source"])
    second = run_suite(frame, "notes", note_table_suite(), ["source"])
    assert first == second
    assert "meta" not in first and "id" not in first


def test_an_empty_table_fails():
    empty = pd.DataFrame(
        {
            c: pd.Series(dtype="float64")
            for c in [
                "source",
                "pitch",
                "velocity",
                "program",
                "start_s",
                "end_s",
                "start_beat",
                "end_beat",
                "prev_start_beat",
                "tempo_bpm",
                "ts_numerator",
                "ts_denominator",
            ]
        }
    )
    report = run_suite(empty, "notes", note_table_suite(), ["source"])
    assert not report["success"]
