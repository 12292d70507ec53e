"""Benchmark: generation speed of the default music model on 2 CPU threads.

Tokens/s at batch 1 and 8, with the preallocated KV cache and without it (recomputing the window
every step), at 256, 512 and 1024 new tokens; and constrained vs unconstrained decoding. Every
run samples exactly the stated number of tokens (EOS masked) so the rates compare.

    python benchmarks/music_generate.py           # batch 8 without the cache only at 256 tokens
    python benchmarks/music_generate.py --full    # every no-cache cell (several more minutes)
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from auralab.core.checkpoint import load_checkpoint
from auralab.music.generation import SamplingSettings, generate
from auralab.music.model import MusicTransformer
from auralab.music.params import load_music_params
from auralab.music.tokenizer import Tokenizer
from auralab.music.training import model_config, model_from_payload
from auralab.music.vocabulary import Vocabulary

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "data" / "06_models" / "music" / "model.pt"


def load_default_model() -> tuple[MusicTransformer, Tokenizer, str]:
    """The trained model when there is one, else a freshly initialised one of the default size."""
    if MODEL.exists():
        payload = load_checkpoint(MODEL)
        return (
            model_from_payload(payload),
            Tokenizer(Vocabulary.from_dict(payload["vocabulary"])),
            str(MODEL),
        )
    params = load_music_params(ROOT / "params.yaml")
    vocabulary = Vocabulary.from_params(params.preprocess)
    model = MusicTransformer(model_config(params.train, vocabulary.size)).eval()
    return model, Tokenizer(vocabulary), "untrained default-size model"


def rate(
    model: MusicTransformer,
    tokenizer: Tokenizer,
    batch: int,
    tokens: int,
    cache: bool,
    constrained: bool = True,
) -> float:
    settings = SamplingSettings(
        max_new_tokens=tokens,
        batch_size=batch,
        use_cache=cache,
        constrained=constrained,
        fixed_length=True,
        seed=0,
    )
    return generate(model, tokenizer, settings).tokens_per_second


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="also the slow no-cache cells")
    args = parser.parse_args()
    torch.set_num_threads(2)
    model, tokenizer, source = load_default_model()
    print(
        f"model: {source}, {model.n_params() / 1e6:.2f}M parameters, "
        f"context {model.config.block_size}, {torch.get_num_threads()} threads"
    )
    rate(model, tokenizer, 1, 16, True)  # warm-up
    print(
        f"{'batch':>5} {'new tokens':>10} {'cache tok/s':>12} {'no-cache tok/s':>15} {'ratio':>7}"
    )
    for batch in (1, 8):
        for tokens in (256, 512, 1024):
            cached = rate(model, tokenizer, batch, tokens, True)
            slow = args.full or batch == 1 or tokens == 256
            uncached = rate(model, tokenizer, batch, tokens, False) if slow else float("nan")
            ratio = f"{cached / uncached:6.1f}x" if slow else "   (--full)"
            print(f"{batch:>5} {tokens:>10} {cached:>12.1f} {uncached:>15.1f} {ratio}")
    constrained = rate(model, tokenizer, 1, 512, True, constrained=True)
    free = rate(model, tokenizer, 1, 512, True, constrained=False)
    print(
        f"constrained vs unconstrained, batch 1, 512 tokens, cache: {constrained:.1f} vs "
        f"{free:.1f} tok/s -> constraints cost {100 * (1 - constrained / free):.1f}%"
        "  (target < 10%)"
    )
    print("targets: >= 300 tok/s at batch 1 with the cache; cache >= 5x no-cache at 512 tokens")


if __name__ == "__main__":
    main()
