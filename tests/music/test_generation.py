from __future__ import annotations

import numpy as np
import pytest
import torch

from auralab.music.generate import generate_midi
from auralab.music.generation import SamplingSettings, filter_logits, generate
from auralab.music.grammar import Constraints
from auralab.music.midi import parse_midi
from auralab.music.model import ModelConfig, MusicTransformer
from auralab.music.params import GenerationParams, PreprocessParams
from auralab.music.tokenizer import EOS, Tokenizer
from auralab.music.vocabulary import Vocabulary


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return Tokenizer(Vocabulary.from_params(PreprocessParams()))


@pytest.fixture(scope="module")
def model(tokenizer) -> MusicTransformer:
    """An untrained model: the worst case for validity, so constraints must do all the work."""
    torch.manual_seed(0)
    config = ModelConfig(
        vocab_size=tokenizer.vocabulary.size,
        block_size=64,
        n_layer=2,
        n_head=2,
        n_embd=32,
        dropout=0.0,
    )
    return MusicTransformer(config).eval()


def test_constrained_sampling_is_always_valid_even_past_the_context(model, tokenizer):
    settings = SamplingSettings(
        max_new_tokens=150, batch_size=6, seed=3, constraints=Constraints(48, 4, 3)
    )
    result = generate(model, tokenizer, settings)
    assert result.valid == [True] * 6
    for tokens in result.sequences:
        assert tokens[-1] == EOS
        notes, _ = tokenizer.decode(tokens)
        assert len(notes) >= 3


def test_without_constraints_an_untrained_model_is_mostly_invalid(model, tokenizer):
    result = generate(
        model,
        tokenizer,
        SamplingSettings(max_new_tokens=60, batch_size=6, constrained=False, seed=3),
    )
    assert sum(result.valid) < 6


def test_the_cache_changes_speed_not_results(model, tokenizer):
    common = {"max_new_tokens": 100, "batch_size": 2, "top_k": 1, "seed": 1}  # greedy
    cached = generate(model, tokenizer, SamplingSettings(**common, use_cache=True))
    uncached = generate(model, tokenizer, SamplingSettings(**common, use_cache=False))
    for a, b in zip(cached.sequences, uncached.sequences, strict=True):
        assert np.array_equal(a, b)


def test_same_seed_same_pieces(model, tokenizer):
    settings = SamplingSettings(max_new_tokens=60, batch_size=2, seed=11)
    first, second = generate(model, tokenizer, settings), generate(model, tokenizer, settings)
    assert all(np.array_equal(a, b) for a, b in zip(first.sequences, second.sequences, strict=True))


def test_top_k_and_top_p_keep_the_most_likely_tokens():
    logits = torch.log(torch.tensor([[0.5, 0.3, 0.15, 0.05]]))
    assert torch.isfinite(filter_logits(logits, 2, None)).tolist() == [[True, True, False, False]]
    assert torch.isfinite(filter_logits(logits, None, 0.7)).tolist() == [[True, True, False, False]]
    assert torch.isfinite(filter_logits(logits, None, 0.5)).tolist() == [
        [True, False, False, False]
    ]


def test_a_midi_prompt_is_continued(model, tokenizer, bach_midi):
    params = GenerationParams(n_pieces=2, max_new_tokens=40, min_notes=1, seed=2)
    pieces = generate_midi(model, tokenizer, params, bach_midi["bach/bwv66.6.mid"])
    assert all(p.valid for p in pieces)
    prompt_notes = parse_midi(bach_midi["bach/bwv66.6.mid"]).n_notes
    continued = parse_midi(pieces[0].midi)
    assert continued.n_notes > 0
    assert continued.ticks_per_quarter == 480
    assert prompt_notes > 0
