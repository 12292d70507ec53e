"""One detector on the evaluation set: FRR at each target rate (bootstrap intervals) and its
loudest false accepts with what was playing. The evaluate node runs it for this run's detectors;
``auralab evaluate-detector`` runs it for any saved one (another run's, a sweep trial's, a
teacher), so a detector trained outside the pipeline is compared on the same footing."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from torch import nn

from auralab.wakeword.detector import detector_from_payload, is_ensemble, same_weights
from auralab.wakeword.evaluation import (
    ScoredSet,
    mean_scored_set,
    operating_points,
    score_detector,
)
from auralab.wakeword.false_accepts import loudest_events, with_segments
from auralab.wakeword.features import FeatureSet, FeatureSpec
from auralab.wakeword.ingest import decode_folder
from auralab.wakeword.params import EvaluateParams
from auralab.wakeword.scoring import EventRule, backend_scorer
from auralab.wakeword.train_inputs import feature_spec_of


@dataclass
class EvaluationSet:
    """What a detector is evaluated on: the long-form negatives (arrays by recording name) and
    their segment table, the test streams' features, and the feature record they share."""

    audio: dict[str, np.ndarray]
    segments: pd.DataFrame
    features: FeatureSet
    feature_spec: dict[str, Any]


@dataclass
class DetectorEvaluation:
    scored: ScoredSet
    operating_points: list[dict[str, float]]
    loudest_false_accepts: pd.DataFrame  # loudest_events + with_segments


def evaluation_set(
    longform: Mapping[str, bytes],
    segments: pd.DataFrame,
    features: FeatureSet,
    feature_spec: Mapping[str, Any],
) -> EvaluationSet:
    """The evaluation recordings among the long-form files, decoded at the features' rate."""
    rate = feature_spec_of(feature_spec).sample_rate
    audio = decode_folder(longform, rate, under="evaluation")
    return EvaluationSet(audio, segments, features, dict(feature_spec))


def read_evaluation_set(data_root: Path) -> EvaluationSet:
    """The evaluation set a pipeline run wrote under ``data_root`` (the catalog's layout)."""
    from auralab.datasets import FeatureSetDataset, FilesDataset

    longform = data_root / "02_intermediate/wakeword/longform"
    features = data_root / "05_model_input/wakeword/evaluation_features"
    for needed in (longform, features):
        if not needed.is_dir():
            raise FileNotFoundError(
                f"{needed} not found: run `kedro run --namespaces wakeword` first,"
                " or point --data-root at a run's data folder"
            )
    return evaluation_set(
        FilesDataset(path=str(longform)).load(),
        pd.read_parquet(data_root / "02_intermediate/wakeword/longform_table.parquet"),
        FeatureSetDataset(path=str(features)).load(),
        json.loads((data_root / "05_model_input/wakeword/feature_spec.json").read_text()),
    )


def evaluate_detector(
    model: nn.Module, data: EvaluationSet, params: EvaluateParams
) -> DetectorEvaluation:
    """Score ``model`` on every hop of the evaluation audio and on every test stream."""
    spec = feature_spec_of(data.feature_spec)
    rule = EventRule.of(data.feature_spec, params.detection)
    scorer = backend_scorer(model, spec, params.scoring_backend)
    return evaluation_of(
        score_detector(scorer, data.audio, data.features, spec, rule), data, params
    )


def evaluate_payloads(
    payloads: Mapping[str, dict[str, Any]], data: EvaluationSet, params: EvaluateParams
) -> dict[str, DetectorEvaluation]:
    """Each saved detector's evaluation, by name. An ensemble whose members are all among the
    single detectors here is evaluated from their scores (the same numbers, without scoring the
    audio again: the evaluation audio is 2 h, a sentry takes about 20 s over it on 2 cores)."""
    spec = feature_spec_of(data.feature_spec)
    rule = EventRule.of(data.feature_spec, params.detection)
    backend = params.scoring_backend
    scored: dict[str, ScoredSet] = {}

    def scored_twin(payload: dict[str, Any]) -> str | None:
        return next((n for n in scored if same_weights(payload, payloads[n])), None)

    for name, payload in payloads.items():  # single detectors first, each scored once
        if not is_ensemble(payload):
            twin = scored_twin(payload)
            scored[name] = scored[twin] if twin else _score(payload, data, spec, rule, backend)
    for name, payload in payloads.items():
        if is_ensemble(payload):
            found = [scored_twin(member) for member in payload["members"]]
            scored[name] = (
                mean_scored_set([scored[str(f)] for f in found], spec, rule)
                if all(found)
                else _score(payload, data, spec, rule, backend)
            )
    return {name: evaluation_of(scored[name], data, params) for name in payloads}


def _score(
    payload: dict[str, Any],
    data: EvaluationSet,
    spec: FeatureSpec,
    rule: EventRule,
    backend: str,
) -> ScoredSet:
    scorer = backend_scorer(detector_from_payload(payload), spec, backend)
    return score_detector(scorer, data.audio, data.features, spec, rule)


def evaluation_of(
    scored: ScoredSet, data: EvaluationSet, params: EvaluateParams
) -> DetectorEvaluation:
    """Operating points (bootstrap intervals) and the loudest false accepts of a scored detector."""
    spec = feature_spec_of(data.feature_spec)
    rule = EventRule.of(data.feature_spec, params.detection)
    points = operating_points(scored, params.target_fa_per_hour, spec, rule, params.bootstrap)
    window_seconds = spec.window_frames * spec.hop_length / spec.sample_rate
    loudest = loudest_events(
        scored.negatives,
        scored.recordings,
        rule.hop_seconds(spec),
        window_seconds,
        params.loudest_false_accepts,
    )
    return DetectorEvaluation(scored, points, with_segments(loudest, data.segments))
