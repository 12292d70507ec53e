"""What training reads from the catalog: the training split's windows, backgrounds and rooms, the
validation windows cut from the evaluation streams, and the validation audio checkpoints are
selected on."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from auralab.wakeword.augment_check import train_items
from auralab.wakeword.clips import ClipSet
from auralab.wakeword.features import FeatureSet, FeatureSpec, log_mel
from auralab.wakeword.ingest import decode_folder
from auralab.wakeword.scoring import EventRule
from auralab.wakeword.selection import SelectionSet
from auralab.wakeword.training import TrainingData


def training_data(
    windows: ClipSet,
    training_features: FeatureSet,
    backgrounds: Mapping[str, bytes],
    rirs: Mapping[str, bytes],
    longform: Mapping[str, bytes],
    hard_negatives: ClipSet | None = None,
) -> TrainingData:
    """The training split, augmented on the fly unless features were precomputed, with the
    mining pool's recordings (``mining/``, training material) that negative windows are cropped
    from."""
    train = windows.subset((windows.table["split"] == "train").to_numpy())
    precomputed = None
    if len(training_features.table):
        order = training_features.table.reset_index(drop=True).reset_index().set_index("clip_id")
        rows = order.loc[train.table["clip_id"], "index"].to_numpy()
        precomputed = training_features.features[rows].astype(np.float32)  # stored as float16
    rate = windows.sample_rate
    return TrainingData(
        windows=train,
        # Only the training split is decoded (train_items then orders it by name).
        backgrounds=train_items(decode_folder(backgrounds, rate, under="train")),
        rirs=train_items(decode_folder(rirs, rate, under="train")),
        longform=[
            audio for _, audio in sorted(decode_folder(longform, rate, under="mining").items())
        ],
        hard_negatives=hard_negatives,
        precomputed=precomputed,
    )


def central_windows(features: FeatureSet, spec_record: Mapping[str, Any]) -> np.ndarray:
    """[N, window_frames, n_mels]: each evaluation stream without its context."""
    start = int(spec_record.get("evaluation_context_frames", 0))
    frames = features.features[:, start : start + int(spec_record["window_frames"])]
    return np.ascontiguousarray(frames, dtype=np.float32)  # stored as float16


def split_windows(
    features: FeatureSet, spec_record: Mapping[str, Any], split: str
) -> tuple[np.ndarray, np.ndarray]:
    """(central windows, labels) of one split of the evaluation streams; the training split's
    first rows stand in when ``split`` is empty (tiny profiles)."""
    mask = (features.table["split"] == split).to_numpy()
    if not mask.any():
        mask = np.ones(len(features.table), dtype=bool)
    windows = central_windows(features, spec_record)[mask]
    return windows, features.table.loc[mask, "label"].to_numpy(np.float32)


def feature_spec_of(spec_record: Mapping[str, Any]) -> FeatureSpec:
    return FeatureSpec.from_dict(dict(spec_record))


def selection_set(
    longform: Mapping[str, bytes],
    features: FeatureSet,
    spec_record: Mapping[str, Any],
    rule: EventRule,
    fa_per_hour: Sequence[float],
) -> SelectionSet | None:
    """The validation long-form recordings (``validation/``) and validation positive streams as
    features; None when there is no validation long-form audio."""
    spec = feature_spec_of(spec_record)
    audio = decode_folder(longform, spec.sample_rate, under="validation")
    positives = (
        (features.table["split"] == "validation") & (features.table["label"] == 1)
    ).to_numpy()
    if not audio or not positives.any():
        return None
    return SelectionSet(
        negatives=[log_mel(audio[name], spec) for name in sorted(audio)],
        hours=sum(len(a) for a in audio.values()) / spec.sample_rate / 3600,
        positives=np.asarray(features.features[positives], dtype=np.float32),
        rule=rule,
        refractory_hops=rule.refractory_hops(spec),
        window_frames=spec.window_frames,
        fa_per_hour=tuple(fa_per_hour),
    )
