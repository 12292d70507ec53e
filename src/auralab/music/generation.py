"""Sampling music from a trained model: KV cache, temperature/top-k/top-p, grammar constraints.

With ``constrained=True`` every step samples only from the grammar's allowed tokens, so 100% of the
sequences decode to valid MIDI by construction; with it off the grammar only watches, to measure
how often the model alone stays valid.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import torch

from auralab.core.errors import TokenizationError
from auralab.music.grammar import PROGRAM, VELOCITY, Constraints, GrammarState, TokenTable
from auralab.music.model import KVCache, MusicTransformer
from auralab.music.params import GenerationParams
from auralab.music.tokenizer import BOS, EOS, PAD, Tokenizer


@dataclass(frozen=True)
class SamplingSettings:
    """How to sample: all pieces of a batch continue the same prompt."""

    max_new_tokens: int = 512
    batch_size: int = 1
    temperature: float = 1.0
    top_k: int | None = None
    top_p: float | None = None
    seed: int = 0
    constrained: bool = True
    use_cache: bool = True
    fixed_length: bool = False  # benchmarks: sample exactly max_new_tokens, ignoring EOS/validity
    constraints: Constraints = field(default_factory=lambda: Constraints(96, 6, 8))


@dataclass
class Generated:
    """Token sequences (uint16), whether each decodes, and throughput."""

    sequences: list[np.ndarray]
    valid: list[bool]
    new_tokens: int
    seconds: float
    first_error: list[int | None] = field(default_factory=list)  # new tokens before a violation

    @property
    def tokens_per_second(self) -> float:
        return self.new_tokens / self.seconds if self.seconds else 0.0


def sampling_settings(
    params: GenerationParams, tokenizer: Tokenizer, constrained: bool, batch_size: int | None = None
) -> SamplingSettings:
    """Generation parameters -> sampler settings (constraints in ticks)."""
    tpb = tokenizer.vocabulary.ticks_per_beat
    constraints = Constraints(
        max_note_ticks=round(params.max_note_beats * tpb),
        max_polyphony=params.max_polyphony,
        min_notes=params.min_notes,
    )
    return SamplingSettings(
        max_new_tokens=params.max_new_tokens,
        batch_size=batch_size or params.n_pieces,
        temperature=params.temperature,
        top_k=params.top_k,
        top_p=params.top_p,
        seed=params.seed,
        constrained=constrained,
        constraints=constraints,
    )


def filter_logits(logits: torch.Tensor, top_k: int | None, top_p: float | None) -> torch.Tensor:
    """Keep the ``top_k`` largest and the smallest set with probability >= ``top_p``; (B, V)."""
    if top_k is not None and top_k < logits.size(-1):
        kth = torch.topk(logits, top_k, dim=-1).values[:, -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    if top_p is not None and top_p < 1.0:
        ordered, order = torch.sort(logits, descending=True, dim=-1)
        cumulative = torch.softmax(ordered, dim=-1).cumsum(dim=-1)
        drop = cumulative - torch.softmax(ordered, dim=-1) >= top_p  # keep the token crossing p
        unsorted = torch.zeros_like(drop).scatter(1, order, drop)
        logits = logits.masked_fill(unsorted, float("-inf"))
    return logits


class _Stepper:
    """Runs the model one token at a time, with or without the KV cache.

    Both modes see the same context: the tokens since ``start``. When the context would outgrow
    the model's block, it slides: ``start`` jumps so that the recent half block stays (the cache is
    then refilled from it). So the cache changes speed, never results.
    """

    def __init__(self, model: MusicTransformer, batch: int, use_cache: bool) -> None:
        self.model = model
        self.block = model.config.block_size
        self.start = 0
        device = next(model.parameters()).device
        self.cache = KVCache(model.config, batch, self.block, device) if use_cache else None

    def logits(self, history: torch.Tensor, new: int) -> torch.Tensor:
        """Logits of the next token after ``history`` (B, T), of which the last ``new`` are unseen."""
        length = history.size(1)
        slide = length - self.start > self.block
        if slide:
            self.start = length - self.block // 2
        if self.cache is None:
            return self.model(history[:, self.start :])[:, -1]
        if slide or self.cache.length + new > self.block:
            self.cache.reset()
            return self.model(history[:, self.start :], self.cache)[:, -1]
        return self.model(history[:, -new:], self.cache)[:, -1]


@torch.inference_mode()
def generate(
    model: MusicTransformer,
    tokenizer: Tokenizer,
    settings: SamplingSettings,
    prompt: np.ndarray | None = None,
) -> Generated:
    """Sample ``settings.batch_size`` pieces continuing ``prompt`` (default: just BOS)."""
    model.eval()
    table = TokenTable(tokenizer)
    start = [BOS] if prompt is None else [int(t) for t in prompt]
    states = [
        GrammarState(tokenizer, settings.constraints, table) for _ in range(settings.batch_size)
    ]
    for state in states:
        for token in start:
            state.step(token)
    valid = [True] * settings.batch_size
    first_error: list[int | None] = [None] * settings.batch_size
    device = next(model.parameters()).device
    history = torch.tensor([start] * settings.batch_size, dtype=torch.long, device=device)
    generator = torch.Generator(device=device).manual_seed(settings.seed)
    stepper = _Stepper(model, settings.batch_size, settings.use_cache)
    began, new, step = time.perf_counter(), history.size(1), 0
    while (
        step < settings.max_new_tokens
        if settings.fixed_length
        else _keep_going(states, valid, step >= settings.max_new_tokens)
    ):
        step += 1
        logits = stepper.logits(history, new).float() / max(settings.temperature, 1e-5)
        if settings.constrained:
            masks = np.stack([_mask(s, table.size, settings.fixed_length) for s in states])
            logits = logits.masked_fill(~torch.from_numpy(masks).to(device), float("-inf"))
        logits = filter_logits(logits, settings.top_k, settings.top_p)
        tokens = torch.multinomial(torch.softmax(logits, dim=-1), 1, generator=generator)  # (B, 1)
        for i, token in enumerate(tokens[:, 0].tolist()):
            was_valid, valid[i] = valid[i], _advance(states[i], token, valid[i])
            if was_valid and not valid[i]:
                first_error[i] = step - 1
        history, new = torch.cat([history, tokens], dim=1), 1
    seconds = time.perf_counter() - began
    sequences = [
        _finish(state, row, ok)
        for state, row, ok in zip(states, history.tolist(), valid, strict=True)
    ]
    n_new = sum(len(s) for s in sequences) - len(start) * settings.batch_size
    return Generated(
        [np.asarray(s, dtype=np.uint16) for s in sequences],
        [ok and s.finished for s, ok in zip(states, valid, strict=True)],
        n_new,
        seconds,
        first_error,
    )


def _keep_going(states: list[GrammarState], valid: list[bool], out_of_budget: bool) -> bool:
    """Sample on while a piece is open; past the budget only to complete a VELOCITY/PROGRAM."""
    open_ = [ok and not s.finished for s, ok in zip(states, valid, strict=True)]
    if not out_of_budget:
        return any(open_)
    return any(o and s.last_kind in (VELOCITY, PROGRAM) for s, o in zip(states, open_, strict=True))


def _mask(state: GrammarState, size: int, fixed_length: bool) -> np.ndarray:
    """Allowed tokens; PAD only once finished; no EOS when the length is fixed."""
    if state.finished:
        mask = np.zeros(size, dtype=bool)
        mask[PAD] = True
        return mask
    mask = state.allowed()
    if fixed_length:
        mask[EOS] = False
    return mask


def _advance(state: GrammarState, token: int, ok: bool) -> bool:
    """Feed a sampled token to the watching grammar; False once the sequence broke it."""
    if not ok or state.finished:
        return ok
    try:
        state.step(token)
    except TokenizationError:
        return False
    return True


def _finish(state: GrammarState, row: list[int], ok: bool) -> list[int]:
    """Cut after EOS; close a valid unfinished piece so it decodes (release notes, EOS)."""
    if EOS in row[1:]:
        return row[: row.index(EOS, 1) + 1]
    if not ok or state.last_kind in (VELOCITY, PROGRAM):
        return [t for t in row if t != PAD]
    closing = state.closing_tokens()
    for token in closing:
        state.step(token)
    return row + closing
