from __future__ import annotations

import json

import numpy as np
import pytest

from auralab.core.errors import ConfigError, TokenizationError
from auralab.music.notes import make_notes
from auralab.music.params import IngestParams, PreprocessParams
from auralab.music.preprocess import iter_files, quantize_file
from auralab.music.tables import build_tables
from auralab.music.tokenizer import BOS, EOS, Tokenizer
from auralab.music.vocabulary import Vocabulary

PARAMS = PreprocessParams()


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return Tokenizer(Vocabulary.from_params(PARAMS))


@pytest.fixture(scope="module")
def corpus_notes(bach_midi):
    return build_tables(bach_midi, [], IngestParams()).notes


def test_every_corpus_file_decodes_to_exactly_its_quantized_notes(corpus_notes, tokenizer):
    checked = 0
    for file in iter_files(corpus_notes):
        quantized = quantize_file(file, PARAMS)
        tokens = tokenizer.encode(quantized, file.time_signature)
        decoded, signature = tokenizer.decode(tokens)
        assert decoded.equals(quantized), file.source
        assert (
            signature
            == tokenizer.vocabulary.time_signatures[
                tokens[1] - tokenizer.vocabulary.offsets["TIMESIG"]
            ]
        )
        checked += 1
    assert checked >= 400


def test_round_trip_holds_without_bar_tokens_and_on_another_grid(corpus_notes):
    params = PreprocessParams.model_validate(
        {"quantize": {"grid_divisions": [4]}, "tokenizer": {"bar_tokens": False}}
    )
    tokenizer = Tokenizer(Vocabulary.from_params(params))
    for file in list(iter_files(corpus_notes))[:40]:
        quantized = quantize_file(file, params)
        decoded, _ = tokenizer.decode(tokenizer.encode(quantized, file.time_signature))
        assert decoded.equals(quantized)


def test_sequence_framing_and_bars(tokenizer):
    notes = make_notes([0, 0], [60, 64], [3, 3], [0, 48], [12, 60])
    tokens = tokenizer.encode(notes, "4/4")
    names = [tokenizer.vocabulary.names[t] for t in tokens]
    assert tokens[0] == BOS and tokens[-1] == EOS
    assert names[1] == "TIMESIG_4/4"
    assert names.count("BAR") == 2  # bar 1 at tick 0, bar 2 at tick 48
    assert "TIME_SHIFT_12" in names


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["BOS", "TIMESIG_4/4", "BAR", "PROGRAM_0", "NOTE_OFF_60", "EOS"], "not sounding"),
        (
            ["BOS", "TIMESIG_4/4", "BAR", "PROGRAM_0", "VELOCITY_3", "NOTE_ON_60", "NOTE_ON_60"],
            "already sounding",
        ),
        (
            ["BOS", "TIMESIG_4/4", "BAR", "PROGRAM_0", "NOTE_ON_60"],
            "before any PROGRAM and VELOCITY",
        ),
        (["BOS", "TIMESIG_4/4", "BAR", "TIME_SHIFT_48"], "crosses a bar line"),
        (
            ["BOS", "TIMESIG_4/4", "BAR", "PROGRAM_0", "VELOCITY_3", "NOTE_ON_60", "EOS"],
            "still sounding",
        ),
        (["BOS", "TIMESIG_4/4", "BAR", "EOS", "BAR"], "after EOS"),
        (["BOS", "BAR"], "time signature"),
        (["BOS", "TIMESIG_4/4", "BAR"], "without EOS"),
    ],
)
def test_grammar_violations_are_named(tokenizer, names, message):
    ids = np.array([tokenizer.vocabulary.names.index(n) for n in names])
    with pytest.raises(TokenizationError, match=message):
        tokenizer.decode(ids)


def test_vocabulary_round_trips_through_json_and_is_versioned():
    vocabulary = Vocabulary.from_params(PARAMS)
    data = json.loads(json.dumps(vocabulary.to_dict()))
    assert Vocabulary.from_dict(data) == vocabulary
    assert data["size"] == vocabulary.size == len(data["tokens"])
    other = Vocabulary.from_params(PreprocessParams.model_validate({"velocity": {"n_bins": 16}}))
    assert other.to_dict()["version"] != data["version"]


def test_a_tampered_vocabulary_file_is_refused():
    data = Vocabulary.from_params(PARAMS).to_dict()
    data["tokens"][5] = "SOMETHING_ELSE"
    with pytest.raises(ConfigError, match="inconsistent"):
        Vocabulary.from_dict(data)


def test_unknown_time_signature_falls_back_to_the_default(tokenizer):
    notes = make_notes([0], [60], [3], [0], [12])
    _, signature = tokenizer.decode(tokenizer.encode(notes, "7/8"))
    assert signature == "4/4"
