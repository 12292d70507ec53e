"""The loudest false accepts: one row per event (not per hop), loudest first, with the segment
that was playing."""

import numpy as np
import pandas as pd

from auralab.wakeword.false_accepts import loudest_events, with_segments
from auralab.wakeword.scoring import NegativeStreams


def test_loudest_events_are_one_per_burst_and_ranked_by_peak() -> None:
    a = np.zeros(100)
    a[10:14] = [0.5, 0.9, 0.7, 0.6]  # one burst, peak 0.9 at hop 11
    a[60] = 0.4
    b = np.zeros(50)
    b[30] = 0.95
    negatives = NegativeStreams([a, b], hours=1.0, refractory_hops=25)
    table = loudest_events(negatives, ["x/x-000.flac", "x/x-001.flac"], 0.08, 1.5, n=3)
    assert list(table["recording"]) == ["x/x-001.flac", "x/x-000.flac", "x/x-000.flac"]
    assert np.allclose(table["score"], [0.95, 0.9, 0.4])
    assert np.allclose(table["end_s"], [30 * 0.08 + 1.5, 11 * 0.08 + 1.5, 60 * 0.08 + 1.5])
    assert list(table["rank"]) == [1, 2, 3]
    assert len(loudest_events(negatives, ["x/x-000.flac", "x/x-001.flac"], 0.08, 1.5, n=1)) == 1


def test_each_event_is_matched_to_the_segment_under_its_window_end() -> None:
    events = pd.DataFrame({"recording": ["x/x-000.flac", "x/x-001.flac"], "end_s": [12.0, 3.0]})
    segments = pd.DataFrame(
        {
            "file": ["x/x-000.flac", "x/x-000.flac", "x/x-001.flac"],
            "start_s": [0.0, 10.0, 0.0],
            "end_s": [10.0, 20.0, 20.0],
            "kind": ["music", "speech", "noise"],
            "detail": ["midi#3", "Alicia", "pink"],
            "text": ["", "we closed the map", ""],
        }
    )
    table = with_segments(events, segments)
    assert list(table["kind"]) == ["speech", "noise"]
    assert list(table["detail"]) == ["Alicia", "pink"]
    assert list(table["text"]) == ["we closed the map", ""]
    assert np.allclose(table["seconds_into"], [2.0, 3.0])  # the window ends 2 s into the sentence
    # A table from before sentences were recorded has no text column: the text is left empty.
    assert list(with_segments(events, segments.drop(columns="text"))["text"]) == ["", ""]
