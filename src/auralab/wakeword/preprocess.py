"""Preprocess: features for the evaluation mixtures, and for training when features are cached."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import structlog

from auralab.core.progress import progress
from auralab.wakeword.clips import ClipSet
from auralab.wakeword.features import FeatureSet, FeatureSpec, log_mel
from auralab.wakeword.params import PreprocessParams

log = structlog.get_logger(__name__)

PRECOMPUTED_WARNING = (
    "use_precomputed_features_for_training is on: training reads features computed once from the "
    "clean clips, so waveform augmentation (background noise, SNR schedule, reverb, gain, shift) "
    "cannot apply"
)


def feature_spec(params: PreprocessParams, sample_rate: int) -> FeatureSpec:
    return FeatureSpec.build(params.features, sample_rate, params.window_seconds)


def clip_features(clips: ClipSet, spec: FeatureSpec, desc: str) -> FeatureSet:
    """[N, window_frames, n_mels] log-mel of every clip (each fitted to the window)."""
    features = np.zeros((len(clips), spec.window_frames, spec.n_mels), dtype=np.float32)
    for i in progress(range(len(clips)), desc):
        clip = clips.clip(i)[: spec.window_samples]
        if len(clip) < spec.window_samples:
            clip = np.pad(clip, (0, spec.window_samples - len(clip)))
        features[i] = log_mel(clip, spec)
    table = clips.table.drop(columns=["offset", "length"]).reset_index(drop=True)
    return FeatureSet(features=features, table=table, spec=spec.as_dict())


def training_features(windows: ClipSet, params: PreprocessParams) -> FeatureSet:
    """Clean training windows' features when they are to be cached; else an empty set."""
    spec = feature_spec(params, windows.sample_rate)
    if not params.use_precomputed_features_for_training:
        empty = np.zeros((0, spec.window_frames, spec.n_mels), dtype=np.float32)
        return FeatureSet(empty, pd.DataFrame(columns=["clip_id"]), spec.as_dict())
    log.warning(PRECOMPUTED_WARNING)
    train = windows.subset((windows.table["split"] == "train").to_numpy())
    return clip_features(train, spec, "train features")


def spec_record(params: PreprocessParams, sample_rate: int) -> dict[str, Any]:
    """The feature spec and how training will read its inputs (saved beside the features)."""
    return {
        **feature_spec(params, sample_rate).as_dict(),
        "window_seconds": params.window_seconds,
        "use_precomputed_features_for_training": params.use_precomputed_features_for_training,
        "waveform_augmentation": not params.use_precomputed_features_for_training,
    }
