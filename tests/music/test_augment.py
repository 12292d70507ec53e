from __future__ import annotations

import numpy as np
import pytest

from auralab.music.augment import augment_notes
from auralab.music.dataset import AugmentedSequences
from auralab.music.notes import DRUM_PROGRAM, make_notes
from auralab.music.params import AugmentParams, IngestParams, PreprocessParams
from auralab.music.preprocess import tokenize_notes
from auralab.music.splits import split_of
from auralab.music.tables import build_tables
from auralab.music.tokenizer import Tokenizer

ALWAYS = {"probability": 1.0}


def plan(**overrides) -> AugmentParams:
    off = {
        name: {"probability": 0.0, "low": 0, "high": 0}
        for name in ("transpose", "time_stretch", "velocity_scale", "swing", "humanize")
    }
    off["instrument_substitution"] = {"probability": 0.0}
    return AugmentParams.model_validate({**off, **overrides})


@pytest.fixture(scope="module")
def sequences(bach_midi):
    subset = dict(list(bach_midi.items())[:60])
    notes = build_tables(subset, [], IngestParams()).notes
    return tokenize_notes(notes, PreprocessParams())


def melody():
    return make_notes(
        [0, 0, 0, DRUM_PROGRAM], [40, 60, 100, 36], [3, 3, 3, 3], [0, 6, 12, 0], [6, 12, 24, 3]
    )


def test_transposition_keeps_pitched_notes_in_range_and_leaves_drums():
    p = plan(transpose={"probability": 1.0, "low": -12, "high": 12}, min_pitch=30, max_pitch=105)
    for seed in range(50):
        out, applied = augment_notes(melody(), np.random.default_rng(seed), p, 12, 8)
        pitched = out.pitch[out.program != DRUM_PROGRAM]
        assert pitched.min() >= 30 and pitched.max() <= 105
        assert -10 <= applied["transpose"] <= 5
        assert out.pitch[out.program == DRUM_PROGRAM].tolist() == [36]


def test_time_stretch_scales_onsets():
    p = plan(time_stretch={"probability": 1.0, "low": 2.0, "high": 2.0})
    out, _ = augment_notes(melody(), np.random.default_rng(0), p, 12, 8)
    assert sorted(out.start.tolist()) == [0, 0, 12, 24]


def test_instrument_substitution_stays_in_the_general_midi_family():
    notes = make_notes([41, 41], [60, 62], [3, 3], [0, 6], [6, 12])
    p = plan(instrument_substitution={"probability": 1.0, "scope": "same_family"})
    for seed in range(20):
        out, _ = augment_notes(notes, np.random.default_rng(seed), p, 12, 8)
        assert set((out.program // 8).tolist()) == {5}


def test_swing_delays_only_off_beat_eighths():
    notes = make_notes([0, 0, 0], [60, 62, 64], [3, 3, 3], [0, 6, 12], [6, 12, 18])
    p = plan(swing={"probability": 1.0, "low": 0.25, "high": 0.25})
    out, _ = augment_notes(notes, np.random.default_rng(0), p, 12, 8)
    assert out.start.tolist() == [0, 9, 12]


def test_same_seed_same_augmentation_and_items_stay_in_their_split(sequences):
    tokens, vocabulary = sequences
    tokenizer = Tokenizer(vocabulary)
    full = AugmentParams()
    first = AugmentedSequences(tokens, "train", tokenizer, full)
    second = AugmentedSequences(tokens, "train", tokenizer, full)
    for item in range(len(first)):
        assert np.array_equal(first[item], second[item])
        assert split_of(first.source(item), PreprocessParams().split) == "train"
    second.set_epoch(1)
    assert any(not np.array_equal(first[i], second[i]) for i in range(len(first)))


@pytest.mark.parametrize(
    "operation",
    [
        {"transpose": {"probability": 1.0, "low": -5, "high": 6}},
        {"time_stretch": {"probability": 1.0, "low": 0.8, "high": 1.25}},
        {"velocity_scale": {"probability": 1.0, "low": 0.5, "high": 1.5}},
        {"instrument_substitution": {"probability": 1.0, "scope": "any"}},
        {"swing": {"probability": 1.0, "low": 0.0, "high": 0.17}},
        {"humanize": {"probability": 1.0, "low": 0.0, "high": 0.2}},
    ],
)
def test_each_operation_yields_sequences_that_decode(sequences, operation):
    tokens, vocabulary = sequences
    tokenizer = Tokenizer(vocabulary)
    dataset = AugmentedSequences(tokens, "train", tokenizer, plan(**operation))
    for item in range(min(len(dataset), 25)):
        augmented, applied = dataset.sample(item)
        notes, _ = tokenizer.decode(augmented)
        assert len(notes) > 0 and next(iter(operation)) in applied
