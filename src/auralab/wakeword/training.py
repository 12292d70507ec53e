"""Training a sentry or a judge on augmented windows, with class weighting and distillation.

Glue between the family's data (clean training windows, backgrounds, rooms, hard negatives) and
the shared loop in ``auralab.core.trainer``. Every item's augmentation depends only on
``(seed, epoch, item)``, so a resumed run replays the same data and DataLoader workers share
nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from auralab.core.batches import DataPosition, device, epoch_loader
from auralab.core.trainer import LoopConfig, Observer, TrainingResult, train
from auralab.wakeword.augment import WaveformAugmenter
from auralab.wakeword.clips import ClipSet
from auralab.wakeword.detector import detector_config
from auralab.wakeword.features import FeatureSpec, log_mel
from auralab.wakeword.models import build_detector
from auralab.wakeword.params import AugmentParams, FitParams, TrainParams
from auralab.wakeword.selection import SelectionSet, detection_metrics, selection_score
from auralab.wakeword.spec_augment import MelWarp, SpecMasks, mask_features, warp_features

BACKGROUND_GAIN_DB = (-20.0, 0.0)  # level of a background-only window relative to its source


@dataclass
class TrainingData:
    """Clean training windows, the training split's backgrounds and rooms, long-form recordings of
    training material (the mining pool), mined hard negatives, and (when features are
    precomputed) the cached features of the windows."""

    windows: ClipSet
    backgrounds: Sequence[np.ndarray]
    rirs: Sequence[np.ndarray]
    longform: Sequence[np.ndarray] = ()
    hard_negatives: ClipSet | None = None
    precomputed: np.ndarray | None = None  # [N windows, frames, n_mels]

    @property
    def n_hard(self) -> int:
        return len(self.hard_negatives) if self.hard_negatives is not None else 0


class TrainingItems:
    """``items[(epoch, i)] -> (log-mel [frames, n_mels], label)``: the windows, then the hard
    negatives, then ``background_windows`` crops of backgrounds and ``longform_windows`` crops of
    the long-form recordings (label 0, drawn afresh each epoch), each augmented with the epoch's
    SNR range; or the precomputed features as they are (no crops then: they are waveforms)."""

    def __init__(
        self,
        data: TrainingData,
        augment: AugmentParams,
        spec: FeatureSpec,
        background_windows: int,
        seed: int,
        first_epoch: int = 0,
        longform_windows: int = 0,
    ) -> None:
        self.data, self.augment_params, self.spec, self.seed = data, augment, spec, seed
        self.first_epoch = first_epoch  # where in the SNR schedule (and seed stream) epoch 0 is
        self.n_windows = len(data.windows)
        waveforms = data.precomputed is None
        self.n_backgrounds = background_windows if waveforms and data.backgrounds else 0
        self.n_longform = longform_windows if waveforms and data.longform else 0
        self.labels = np.concatenate(
            [
                data.windows.table["label"].to_numpy(np.float32),
                np.zeros(data.n_hard + self.n_backgrounds + self.n_longform, np.float32),
            ]
        )
        self._augmenter: WaveformAugmenter | None = None  # built in each worker on first use

    def __len__(self) -> int:
        return len(self.labels)

    def counts(self) -> tuple[int, int]:
        """(positives, negatives)."""
        positives = int(self.labels.sum())
        return positives, len(self.labels) - positives

    def _audio(self, item: int, rng: np.random.Generator) -> np.ndarray:
        if item < self.n_windows:
            return self.data.windows.clip(item)
        item -= self.n_windows
        if item < self.data.n_hard:
            assert self.data.hard_negatives is not None
            return self.data.hard_negatives.clip(item)
        item -= self.data.n_hard
        if item < self.n_backgrounds:
            gain = 10 ** (rng.uniform(*BACKGROUND_GAIN_DB) / 20)
            return self._crop(self.data.backgrounds, rng) * gain
        return self._crop(self.data.longform, rng)

    def _crop(self, sources: Sequence[np.ndarray], rng: np.random.Generator) -> np.ndarray:
        """A window-long excerpt of a random source, at a random place."""
        source = sources[int(rng.integers(len(sources)))]
        length = self.spec.window_samples
        if len(source) < length:
            source = np.resize(source, length)
        start = int(rng.integers(0, len(source) - length + 1))
        return source[start : start + length].astype(np.float32)

    def __getitem__(self, key: tuple[int, int]) -> tuple[np.ndarray, np.float32]:
        epoch, item = key
        epoch += self.first_epoch
        label = self.labels[item]
        if self.data.precomputed is not None and item < self.n_windows:
            return self.data.precomputed[item], label
        rng = np.random.default_rng([self.seed, epoch, item])
        if self._augmenter is None:
            self._augmenter = WaveformAugmenter(
                self.data.backgrounds, self.data.rirs, self.augment_params, self.spec.sample_rate
            )
        self._augmenter.set_epoch(epoch)
        audio = self._audio(item, rng)
        if self.data.precomputed is None:
            audio, _ = self._augmenter.augment(audio, seed=int(rng.integers(2**62)))
        audio = audio[: self.spec.window_samples]
        if len(audio) < self.spec.window_samples:
            audio = np.pad(audio, (0, self.spec.window_samples - len(audio)))
        return log_mel(audio, self.spec), label


def _collate(
    rows: list[tuple[tuple[np.ndarray, np.float32], int, int]],
) -> tuple[tuple[torch.Tensor, torch.Tensor], DataPosition]:
    features = torch.from_numpy(np.stack([r[0][0] for r in rows]))
    labels = torch.tensor([float(r[0][1]) for r in rows])
    return (features, labels), (rows[-1][1], rows[-1][2])


@dataclass
class Teacher:
    """A model whose soft targets a student learns from, with its weight among the teachers;
    ``source`` names it in reports (``judge``, a checkpoint path, ``sentry_unmined``)."""

    model: nn.Module
    weight: float
    source: str = "teacher"


@dataclass
class Objective:
    """Class-weighted binary cross-entropy, mixed with distillation from weighted teachers:
    ``(1 - alpha) * BCE(s, y) + alpha * T^2 * BCE(s / T, sum_k w_k sigmoid(t_k / T) / sum_k w_k)``.
    A model in training mode sees its input through ``warp`` then ``masks``; the teachers see it
    as it is.
    """

    pos_weight: float = 1.0
    teachers: list[Teacher] = field(default_factory=list)
    alpha: float = 0.0
    temperature: float = 1.0
    masks: SpecMasks = field(default_factory=SpecMasks)
    warp: MelWarp = field(default_factory=MelWarp)

    def student_input(self, features: torch.Tensor) -> torch.Tensor:
        return mask_features(warp_features(features, self.warp), self.masks)

    def labels_loss(self, logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        weight = torch.tensor(self.pos_weight, device=logits.device)
        return F.binary_cross_entropy_with_logits(logits.float(), labels, pos_weight=weight)

    def __call__(
        self, model: nn.Module, batch: tuple[torch.Tensor, torch.Tensor]
    ) -> tuple[torch.Tensor, int]:
        features, labels = batch
        logits = model(self.student_input(features) if model.training else features)
        loss = self.labels_loss(logits, labels)
        if self.teachers and self.alpha > 0:
            t = self.temperature
            with torch.no_grad():
                total = sum(teacher.weight for teacher in self.teachers)
                soft = torch.zeros_like(labels)
                for teacher in self.teachers:
                    soft += teacher.weight * torch.sigmoid(teacher.model(features).float() / t)
                soft = soft / total
            distill = F.binary_cross_entropy_with_logits(logits.float() / t, soft) * t * t
            loss = (1 - self.alpha) * loss + self.alpha * distill
        return loss, len(labels)


def class_weight(train: TrainParams, items: TrainingItems) -> float:
    """``pos_weight`` of the loss: negatives / positives when balanced (the stream is mostly
    negative, the training set less so; balancing keeps positives from being drowned)."""
    positives, negatives = items.counts()
    if train.class_weighting == "none" or positives == 0:
        return 1.0
    return negatives / positives


@dataclass
class TrainedDetector:
    model: nn.Module
    result: TrainingResult
    pos_weight: float
    n_items: int


def _weights_digest(state: Mapping[str, torch.Tensor]) -> str:
    digest = hashlib.sha256()
    for name in sorted(state):
        digest.update(name.encode())
        digest.update(state[name].detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()[:16]


def fingerprint(
    kind: str,
    data: TrainingData,
    fit: FitParams,
    train: TrainParams,
    teachers: Sequence[Teacher] = (),
    initial_state: Mapping[str, torch.Tensor] | None = None,
    first_epoch: int = 0,
    augment: AugmentParams | None = None,
) -> str:
    """Identity of a training run's inputs (teachers' and starting weights, augmentation
    included): resuming is valid only when this matches."""
    identity = {
        "kind": kind,
        "windows": [len(data.windows), int(data.windows.audio[::997].astype(np.int64).sum())],
        "hard": data.n_hard,
        "longform": [len(data.longform), sum(len(a) for a in data.longform)],
        "precomputed": data.precomputed is not None,
        "fit": fit.model_dump(mode="json"),
        "train": train.model_dump(mode="json", exclude={"resume", "sweep", "mining"}),
        "teachers": [[_weights_digest(t.model.state_dict()), t.weight] for t in teachers],
        "initial": _weights_digest(initial_state) if initial_state is not None else None,
        "first_epoch": first_epoch,
        "augment": augment.model_dump(mode="json") if augment is not None else None,
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:16]


@contextmanager
def intra_op_threads(n: int | None) -> Iterator[None]:
    """Torch's intra-op thread count set to ``n`` inside the block and restored after it (None:
    unchanged), so training beside DataLoader workers leaves later work its threads."""
    previous = torch.get_num_threads()
    if n is not None:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def fit_detector(
    kind: str,
    data: TrainingData,
    validation: tuple[np.ndarray, np.ndarray],
    fit: FitParams,
    train_params: TrainParams,
    augment: AugmentParams,
    spec: FeatureSpec,
    teachers: Sequence[Teacher] = (),
    distillation: tuple[float, float] = (0.0, 1.0),
    checkpoint_path: Path | None = None,
    observer: Observer | None = None,
    on_epoch: Callable[[int], None] | None = None,
    stop_after: int | None = None,
    initial_state: dict[str, torch.Tensor] | None = None,
    first_epoch: int = 0,
    selection: SelectionSet | None = None,
) -> TrainedDetector:
    """Train a ``kind`` detector; validation = (features [N, frames, n_mels], labels [N]).

    With ``selection``, the epoch (or, when fine-tuning, the starting weights) with the fewest
    missed validation wake words at low false-accept rates is kept instead of the lowest loss.

    ``distillation`` is (alpha, temperature); ``on_epoch(epoch)`` is called as each epoch starts
    (e.g. to log the SNR schedule); training resumes from ``checkpoint_path`` when it matches;
    ``initial_state`` starts from given weights (fine-tuning) instead of a fresh model, and
    ``first_epoch`` continues the SNR schedule (and the augmentation seeds) from that epoch.
    """
    torch.manual_seed(train_params.seed)
    threads = None
    if train_params.num_workers > 0 and device().type == "cpu":
        # Workers augment and featurize on their own cores; more intra-op threads here only
        # compete with them.
        threads = max(1, (os.cpu_count() or 2) - train_params.num_workers)
    model = build_detector(detector_config(kind, fit.model, spec))
    if initial_state is not None:
        model.load_state_dict(initial_state)
    model = model.to(device())
    items = TrainingItems(
        data,
        augment,
        spec,
        train_params.background_windows,
        train_params.seed,
        first_epoch,
        train_params.longform_windows,
    )
    alpha, temperature = distillation
    objective = Objective(
        class_weight(train_params, items),
        list(teachers),
        alpha,
        temperature,
        SpecMasks(**augment.spec_masks.model_dump()),
        MelWarp.for_bins(augment.frequency_warp.max_factor, spec.n_mels, spec.fmin, spec.fmax),
    )
    for teacher in teachers:
        teacher.model.to(device()).eval()
    steps_per_epoch = max(1, len(items) // train_params.batch_size)
    val_features = torch.from_numpy(validation[0])
    val_labels = torch.from_numpy(validation[1].astype(np.float32))

    def evaluate(m: nn.Module) -> float | dict[str, float]:
        total = 0.0
        for start in range(0, len(val_labels), 256):
            x = val_features[start : start + 256].to(device())
            y = val_labels[start : start + 256].to(device())
            total += float(objective.labels_loss(m(x), y)) * len(y)
        val_loss = total / max(len(val_labels), 1)
        if selection is None:
            return val_loss
        metrics = detection_metrics(m, selection)
        return metrics | {"val_loss": val_loss, "selection": selection_score(metrics, val_loss)}

    def batches(
        start: DataPosition | None,
    ) -> Iterator[tuple[tuple[torch.Tensor, torch.Tensor], DataPosition]]:
        loader = epoch_loader(
            items,
            _collate,
            train_params.batch_size,
            train_params.seed,
            start,
            train_params.num_workers,
            train_params.prefetch_factor,
        )
        epoch = -1
        for (features, labels), position in loader:
            if position[0] != epoch and on_epoch is not None:
                on_epoch(first_epoch + position[0])
            epoch = position[0]
            yield (features.to(device()), labels.to(device())), position

    config = LoopConfig(
        max_steps=fit.epochs * steps_per_epoch,
        lr=fit.lr,
        min_lr_ratio=fit.min_lr_ratio,
        warmup_steps=min(fit.warmup_steps, steps_per_epoch),
        weight_decay=fit.weight_decay,
        eval_every=steps_per_epoch,
        checkpoint_every=steps_per_epoch,
        patience=fit.patience,
        compile=train_params.compile,
        gradient_checkpointing=train_params.gradient_checkpointing,
        seed=train_params.seed,
        evaluate_initial=selection is not None and initial_state is not None,
        ema_decay=fit.ema_decay,
    )
    with intra_op_threads(threads):
        result = train(
            model,
            objective,
            batches,
            evaluate,
            config,
            checkpoint_path,
            observer,
            stop_after,
            fingerprint(
                kind, data, fit, train_params, teachers, initial_state, first_epoch, augment
            ),
        )
    model.load_state_dict(result.best_state)
    return TrainedDetector(model.eval().cpu(), result, objective.pos_weight, len(items))
