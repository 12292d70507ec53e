from __future__ import annotations

import pytest
import torch

from auralab.music.model import KVCache, ModelConfig, MusicTransformer
from auralab.music.params import TrainParams
from auralab.music.training import model_config

SMALL = ModelConfig(vocab_size=60, block_size=32, n_layer=2, n_head=2, n_embd=32, dropout=0.0)


def test_the_default_model_has_four_to_eight_million_parameters():
    model = MusicTransformer(model_config(TrainParams(), vocabulary_size=454))
    assert 4e6 <= model.n_params() <= 8e6


def test_logits_with_the_kv_cache_match_the_full_forward():
    torch.manual_seed(0)
    model = MusicTransformer(SMALL).eval()
    tokens = torch.randint(1, 60, (3, 20))
    with torch.no_grad():
        full = model(tokens)
        cache = KVCache(SMALL, 3, 32, torch.device("cpu"))
        parts = [
            model(tokens[:, :7], cache),
            model(tokens[:, 7:8], cache),
            model(tokens[:, 8:], cache),
        ]
    assert torch.allclose(torch.cat(parts, dim=1), full, atol=1e-5)
    assert cache.length == 20


def test_the_model_is_causal():
    model = MusicTransformer(SMALL).eval()
    tokens = torch.randint(1, 60, (1, 16))
    changed = tokens.clone()
    changed[0, 10] = (changed[0, 10] + 1) % 60
    with torch.no_grad():
        assert torch.allclose(model(tokens)[0, :10], model(changed)[0, :10], atol=1e-6)


def test_too_long_inputs_are_refused():
    with pytest.raises(ValueError, match="exceeds block_size"):
        MusicTransformer(SMALL)(torch.ones(1, 33, dtype=torch.long))


def test_gradient_checkpointing_gives_the_same_gradients():
    torch.manual_seed(0)
    model = MusicTransformer(SMALL).train()
    tokens = torch.randint(1, 60, (2, 16))
    model.loss(tokens[:, :-1], tokens[:, 1:]).backward()
    plain = [p.grad.clone() for p in model.parameters()]
    model.zero_grad()
    model.gradient_checkpointing = True
    model.loss(tokens[:, :-1], tokens[:, 1:]).backward()
    assert all(
        torch.allclose(a, p.grad, atol=1e-6) for a, p in zip(plain, model.parameters(), strict=True)
    )
