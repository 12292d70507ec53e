from __future__ import annotations

import numpy as np
import pytest

from auralab.music.grammar import PROGRAM, VELOCITY, Constraints, GrammarState, TokenTable
from auralab.music.params import IngestParams, PreprocessParams
from auralab.music.preprocess import tokenize_notes
from auralab.music.tables import build_tables
from auralab.music.tokenizer import EOS, Tokenizer
from auralab.music.vocabulary import Vocabulary


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return Tokenizer(Vocabulary.from_params(PreprocessParams()))


def random_walk(tokenizer, constraints, seed, length):
    table = TokenTable(tokenizer)
    state = GrammarState(tokenizer, constraints, table)
    rng = np.random.default_rng(seed)
    tokens = []
    while len(tokens) < length or state.last_kind in (VELOCITY, PROGRAM):
        allowed = np.flatnonzero(state.allowed())
        assert len(allowed) > 0, f"dead end after {tokens[-5:]}"
        token = int(rng.choice(allowed))
        state.step(token)
        tokens.append(token)
        if state.finished:
            return tokens
    for token in state.closing_tokens():
        state.step(token)
        tokens.append(token)
    return tokens


@pytest.mark.parametrize("seed", range(30))
def test_sampling_only_allowed_tokens_always_decodes(tokenizer, seed):
    constraints = Constraints(max_note_ticks=96, max_polyphony=4, min_notes=1)
    tokens = random_walk(tokenizer, constraints, seed, length=300)
    notes, _ = tokenizer.decode(np.array(tokens))
    assert tokens[-1] == EOS
    assert notes.end.max() - notes.start.min() > 0 if len(notes) else True


def test_constraints_hold_in_sampled_music(tokenizer):
    constraints = Constraints(max_note_ticks=24, max_polyphony=3, min_notes=5)
    for seed in range(10):
        notes, _ = tokenizer.decode(np.array(random_walk(tokenizer, constraints, seed, 400)))
        assert len(notes) >= 1
        # Notes end by their deadline, except those released by the closing tokens (+1 tick).
        assert (notes.end - notes.start).max() <= 24 + 1
        sounding = [(notes.start <= t) & (notes.end > t) for t in np.unique(notes.start)]
        assert max(int(s.sum()) for s in sounding) <= 3


def test_every_corpus_token_is_allowed_where_it_occurs(bach_midi, tokenizer):
    notes = build_tables(dict(list(bach_midi.items())[:25]), [], IngestParams()).notes
    sequences, _ = tokenize_notes(notes, PreprocessParams())
    table = TokenTable(tokenizer)
    for i in range(len(sequences)):
        state = GrammarState(tokenizer, Constraints(), table)
        for token in sequences[i].tolist():
            assert state.allowed()[token], (i, state.position, tokenizer.vocabulary.names[token])
            state.step(token)
        assert state.finished


def test_no_eos_before_the_minimum_number_of_notes(tokenizer):
    state = GrammarState(tokenizer, Constraints(min_notes=2))
    for name in [
        "BOS",
        "TIMESIG_4/4",
        "BAR",
        "PROGRAM_0",
        "VELOCITY_3",
        "NOTE_ON_60",
        "TIME_SHIFT_6",
        "NOTE_OFF_60",
    ]:
        state.step(tokenizer.vocabulary.names.index(name))
    assert not state.allowed()[EOS]
