"""Training the music transformer on token windows with on-the-fly augmentation.

Glue between the family's data (token sequences, augmentation plan) and the shared loop in
``auralab.core.trainer``.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from auralab.core.batches import device as _device
from auralab.core.batches import epoch_loader
from auralab.core.trainer import DataPosition, LoopConfig, Observer, TrainingResult, train
from auralab.music.dataset import AugmentedSequences
from auralab.music.model import ModelConfig, MusicTransformer
from auralab.music.params import AugmentParams, TrainParams
from auralab.music.sequences import TokenSequences
from auralab.music.tokenizer import PAD, Tokenizer
from auralab.music.windows import TrainingWindows, scoring_windows


@dataclass
class TrainedModel:
    """The best model (eval mode) and what training reported."""

    model: MusicTransformer
    result: TrainingResult


def model_config(params: TrainParams, vocabulary_size: int) -> ModelConfig:
    m = params.model
    return ModelConfig(
        vocab_size=vocabulary_size,
        block_size=params.seq_len,
        n_layer=m.n_layer,
        n_head=m.n_head,
        n_embd=m.n_embd,
        dropout=m.dropout,
        pad_id=PAD,
    )


def window_loss(model: nn.Module, batch: torch.Tensor) -> tuple[torch.Tensor, int]:
    """Mean next-token NLL (nats) of a (B, T+1) batch, and the number of scored tokens."""
    inputs, targets = batch[:, :-1], batch[:, 1:]
    logits = model(inputs)
    loss = F.cross_entropy(
        logits.reshape(-1, logits.size(-1)).float(), targets.reshape(-1), ignore_index=PAD
    )
    return loss, int((targets != PAD).sum())


@torch.no_grad()
def sum_nll(
    model: nn.Module,
    sequences: TokenSequences,
    rows: np.ndarray,
    length: int,
    stride: int,
    batch_size: int = 16,
    max_windows: int | None = None,
) -> tuple[float, int]:
    """Total NLL (nats) and token count over ``rows``, each token scored once (see scoring_windows);
    only the first ``max_windows`` windows when set (a cheaper validation estimate)."""
    model.eval()
    device = next(model.parameters()).device
    total, count = 0.0, 0
    windows = list(itertools.islice(scoring_windows(sequences, rows, length, stride), max_windows))
    for first in range(0, len(windows), batch_size):
        chunk = torch.from_numpy(np.stack(windows[first : first + batch_size])).to(device)
        inputs, targets = chunk[:, 0, :-1], chunk[:, 1, 1:]
        logits = model(inputs).float()
        nll = F.cross_entropy(
            logits.reshape(-1, logits.size(-1)),
            targets.reshape(-1),
            ignore_index=PAD,
            reduction="sum",
        )
        total, count = total + float(nll), count + int((targets != PAD).sum())
    return total, count


def _collate(items: list[tuple[np.ndarray, int, int]]) -> tuple[torch.Tensor, DataPosition]:
    windows = torch.from_numpy(np.stack([w for w, _, _ in items]))
    return windows, (items[-1][1], items[-1][2])


@dataclass(frozen=True)
class Augmentation:
    """On-the-fly augmentation of event-token sequences: decoded, augmented, re-encoded."""

    tokenizer: Tokenizer
    plan: AugmentParams


def make_batches(
    sequences: TokenSequences, augmentation: Augmentation | None, params: TrainParams
) -> Callable[[DataPosition | None], Iterator[tuple[torch.Tensor, DataPosition]]]:
    """A factory of batch iterators starting after any data position (for resume)."""
    items = AugmentedSequences(
        sequences,
        "train",
        augmentation.tokenizer if augmentation else None,
        augmentation.plan if augmentation else AugmentParams(),
        augment=augmentation is not None,
    )
    windows = TrainingWindows(items, params.seq_len, params.seed, params.piece_start_probability)

    def batches(start: DataPosition | None) -> Iterator[tuple[torch.Tensor, DataPosition]]:
        loader = epoch_loader(
            windows,
            _collate,
            params.batch_size,
            params.seed,
            start,
            params.num_workers,
            params.prefetch_factor,
        )
        for batch, position in loader:
            yield batch.to(_device(), non_blocking=True), position

    return batches


def fit(
    sequences: TokenSequences,
    vocabulary_size: int,
    params: TrainParams,
    augmentation: Augmentation | None = None,
    checkpoint_path: Path | None = None,
    observer: Observer | None = None,
    stop_after: int | None = None,
) -> TrainedModel:
    """Train a model from ``params``; resume from ``checkpoint_path`` when it exists."""
    torch.manual_seed(params.seed)
    model = MusicTransformer(model_config(params, vocabulary_size)).to(_device())
    validation = sequences.rows_in("validation")
    if len(validation) == 0:
        validation = sequences.rows_in("train")[:4]

    def evaluate(m: nn.Module) -> float:
        total, count = sum_nll(
            m,
            sequences,
            validation,
            params.seq_len,
            params.seq_len,
            max_windows=params.eval_windows,
        )
        return total / max(count, 1)

    config = LoopConfig(
        max_steps=params.max_steps,
        lr=params.lr,
        min_lr_ratio=params.min_lr_ratio,
        warmup_steps=params.warmup_steps,
        weight_decay=params.weight_decay,
        grad_clip=params.grad_clip,
        eval_every=params.eval_every,
        checkpoint_every=params.checkpoint_every,
        patience=params.patience,
        compile=params.compile,
        gradient_checkpointing=params.gradient_checkpointing,
        seed=params.seed,
    )
    batches = make_batches(sequences, augmentation, params)
    result = train(
        model,
        window_loss,
        batches,
        evaluate,
        config,
        checkpoint_path,
        observer,
        stop_after,
        fingerprint(sequences, vocabulary_size, augmentation, params),
    )
    model.load_state_dict(result.best_state)
    return TrainedModel(model.eval(), result)


def fingerprint(
    sequences: TokenSequences,
    vocabulary_size: int,
    augmentation: Augmentation | None,
    params: TrainParams,
) -> str:
    """Identity of a training run's inputs: resuming is only valid when this matches."""
    identity = {
        "vocabulary_size": vocabulary_size,
        "tokens": [int(sequences.offsets[-1]), sequences.index["source"].tolist()],
        "plan": augmentation.plan.model_dump(mode="json") if augmentation else None,
        "params": params.model_dump(mode="json", exclude={"resume", "sweep"}),
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:16]


def model_payload(
    model: MusicTransformer, vocabulary: dict[str, Any], preprocess: dict[str, Any]
) -> dict[str, Any]:
    """What a saved model holds: config, weights, the vocabulary and the preprocessing that made
    its tokens (to turn a MIDI prompt into tokens the same way)."""
    return {
        "config": model.config.to_dict(),
        "state_dict": model.state_dict(),
        "vocabulary": vocabulary,
        "preprocess": preprocess,
    }


def model_from_payload(payload: dict[str, Any]) -> MusicTransformer:
    """Inverse of :func:`model_payload` (weights only; the vocabulary stays in the payload)."""
    model = MusicTransformer(ModelConfig(**payload["config"]))
    model.load_state_dict(payload["state_dict"])
    return model.eval()
