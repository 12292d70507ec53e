"""Wakeword preprocess nodes: thin calls into ``auralab.wakeword``."""

from __future__ import annotations

from typing import Any

from auralab.core.tracking import as_mlflow_metrics
from auralab.wakeword.clips import ClipSet
from auralab.wakeword.features import FeatureSet
from auralab.wakeword.ingest import decode_folder
from auralab.wakeword.params import PreprocessParams
from auralab.wakeword.preprocess import (
    clip_features,
    context_samples,
    feature_spec,
    spec_record,
    training_features,
)
from auralab.wakeword.windows import make_windows, mix_evaluation


def window_clips(clips: ClipSet, params: dict[str, Any], status: dict[str, Any]) -> ClipSet:
    """Every clip fitted to the model's window (runs only on validated data)."""
    del status  # a dependency on validation, not a value
    return make_windows(clips, PreprocessParams(**params))


def mix_evaluation_sets(
    windows: ClipSet, backgrounds: dict[str, bytes], rirs: dict[str, bytes], params: dict[str, Any]
) -> ClipSet:
    """Validation and test windows with a fixed background, SNR and room each."""
    rate = windows.sample_rate
    p = PreprocessParams(**params)
    return mix_evaluation(
        windows,
        decode_folder(backgrounds, rate),
        decode_folder(rirs, rate),
        p.evaluation_mix,
        context_samples(p, feature_spec(p, rate)),
    )


def compute_features(
    windows: ClipSet, mixtures: ClipSet, params: dict[str, Any]
) -> tuple[FeatureSet, FeatureSet, dict[str, Any], dict[str, Any]]:
    """Log-mel of the evaluation mixtures, of the training windows when cached, and the spec."""
    p = PreprocessParams(**params)
    spec = feature_spec(p, windows.sample_rate)
    evaluation = clip_features(mixtures, spec, "evaluation features", 2 * context_samples(p, spec))
    train = training_features(windows, p)
    metrics = {
        "n_windows": len(windows),
        "n_evaluation_mixtures": len(mixtures),
        "n_training_features": len(train.table),
        "window_frames": spec.window_frames,
        "precomputed_features": float(p.use_precomputed_features_for_training),
    }
    return evaluation, train, spec_record(p, windows.sample_rate), as_mlflow_metrics(metrics)
