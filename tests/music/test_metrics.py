"""Musical metrics on hand-computed cases."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from auralab.music.metrics import (
    distinct_ngram_ratio,
    distribution_distances,
    longest_run,
    piece_metrics,
)
from auralab.music.notes import make_notes

TPB = 12  # ticks per beat


def c_major_scale():
    pitches = [60, 62, 64, 65, 67, 69, 71, 72]
    return make_notes(
        [0] * 8, pitches, [4] * 8, [i * TPB for i in range(8)], [(i + 1) * TPB for i in range(8)]
    )


def test_a_c_major_scale():
    m = piece_metrics(c_major_scale(), TPB, 4 * TPB)
    assert m["scale_consistency"] == 1.0
    assert m["pitch_range"] == 12
    assert m["polyphony"] == 1.0
    assert m["empty_beat_rate"] == 0.0
    # 8 notes over 7 pitch classes: C twice -> entropy of (2,1,1,1,1,1,1)/8 in bits
    expected = -(2 / 8) * math.log2(2 / 8) - 6 * (1 / 8) * math.log2(1 / 8)
    assert m["pitch_class_entropy"] == pytest.approx(expected)
    # muspy counts length // bar + 1 = 3 bars (the third empty): bars 1-2 agree, bar 3 differs
    # in 4 of 48 positions -> 1 - 4 / (48 * 2).
    assert m["groove_consistency"] == pytest.approx(1 - 4 / 96)


def test_a_chord_then_silence():
    notes = make_notes([0, 0, 0], [60, 64, 67], [4, 4, 4], [0, 0, 0], [TPB, TPB, TPB])
    silent_tail = make_notes([0], [60], [4], [3 * TPB], [4 * TPB])
    both = make_notes(
        *(
            list(getattr(notes, f)) + list(getattr(silent_tail, f))
            for f in ("program", "pitch", "velocity", "start", "end")
        )
    )
    m = piece_metrics(both.sorted(), TPB, 4 * TPB)
    assert m["polyphony"] == pytest.approx((3 * TPB + TPB) / (2 * TPB))  # 3 voices, then 1
    # muspy: length // beat + 1 = 5 beats; a note marks every beat from its onset to the beat its
    # end falls in (inclusive), so beats 0, 1, 3, 4 are marked and only beat 2 is empty.
    assert m["empty_beat_rate"] == pytest.approx(1 / 5)


def test_repetition_measures():
    assert longest_run([1, 2, 2, 2, 3, 3]) == 3
    assert distinct_ngram_ratio([5, 5, 5, 5, 5, 5], 4) == pytest.approx(1 / 3)
    assert distinct_ngram_ratio(list(range(10)), 4) == 1.0


def test_distances_are_zero_for_identical_distributions():
    frame = pd.DataFrame({"pitch_range": [10.0, 12.0, 20.0]})
    table = distribution_distances(frame, frame)
    assert table.loc[0, "wasserstein"] == 0.0
    shifted = distribution_distances(frame, frame + 4)
    assert shifted.loc[0, "wasserstein"] == pytest.approx(4.0)
