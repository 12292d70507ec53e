"""Preprocess: features for the evaluation mixtures, and for training when features are cached."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import structlog

from auralab.core.progress import progress
from auralab.wakeword.clips import ClipSet
from auralab.wakeword.features import FeatureSet, FeatureSpec, log_mel, n_frames
from auralab.wakeword.params import PreprocessParams

log = structlog.get_logger(__name__)

PRECOMPUTED_WARNING = (
    "use_precomputed_features_for_training is on: training reads features computed once from the "
    "clean clips, so waveform augmentation (background noise, SNR schedule, reverb, gain, shift) "
    "cannot apply"
)


def feature_spec(params: PreprocessParams, sample_rate: int) -> FeatureSpec:
    return FeatureSpec.build(params.features, sample_rate, params.window_seconds)


def hop_frames(params: PreprocessParams, spec: FeatureSpec) -> int:
    """Feature frames per stream hop (at least 1)."""
    return max(1, round(params.stream_hop_seconds * spec.sample_rate / spec.hop_length))


def context_samples(params: PreprocessParams, spec: FeatureSpec) -> int:
    """The evaluation context, rounded to whole stream hops (so hop positions meet the window)."""
    hop = hop_frames(params, spec)
    frames = hop * round(
        params.evaluation_mix.context_seconds * spec.sample_rate / spec.hop_length / hop
    )
    return frames * spec.hop_length


def clip_features(
    clips: ClipSet, spec: FeatureSpec, desc: str, extra_samples: int = 0
) -> FeatureSet:
    """[N, frames, n_mels] log-mel of every clip, each fitted to ``window_samples + extra_samples``
    (``extra_samples``: the context of evaluation streams)."""
    length = spec.window_samples + extra_samples
    features = np.zeros((len(clips), n_frames(length, spec), spec.n_mels), dtype=np.float32)
    for i in progress(range(len(clips)), desc):
        clip = clips.clip(i)[:length]
        if len(clip) < length:
            clip = np.pad(clip, (0, length - len(clip)))
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
    spec = feature_spec(params, sample_rate)
    return {
        **spec.as_dict(),
        "window_seconds": params.window_seconds,
        "hop_frames": hop_frames(params, spec),
        "evaluation_context_frames": context_samples(params, spec) // spec.hop_length,
        "use_precomputed_features_for_training": params.use_precomputed_features_for_training,
        "waveform_augmentation": not params.use_precomputed_features_for_training,
    }
