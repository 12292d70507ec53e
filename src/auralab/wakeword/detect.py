"""Detection over a WAV file: the sentry streaming in 80 ms hops, optionally confirmed by the judge.

Detectors come from the MLflow registry (``auralab-wakeword-sentry``/``-judge``, with the feature
spec, event rule and thresholds in their metadata) or from a local export folder plus the
evaluation report (thresholds).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from auralab.wakeword.audio import decode
from auralab.wakeword.cascade import fused_score, lookahead_score, lookahead_windows
from auralab.wakeword.features import FeatureSpec, log_mel
from auralab.wakeword.onnx_export import onnx_session
from auralab.wakeword.pooling import Pooling, pool
from auralab.wakeword.scoring import EventRule, smooth
from auralab.wakeword.streaming import Detection, StreamingDetector, detect_events


@dataclass
class Detector:
    session: Any
    spec: FeatureSpec
    hop_frames: int
    rule: EventRule
    threshold: float
    judge_weight: float = 1.0  # a judge's threshold applies to the fused score (wakeword.cascade)
    lookahead_hops: int = 0  # a judge also scores this many hops after the sentry fires
    judge_pooling: Pooling = "max"  # how a judge's probabilities over those windows combine
    sentry_pooling: Pooling = "max"  # how the sentry's smoothed scores over those hops combine

    def score(self, windows: np.ndarray) -> float:
        """The probability over ``[k, frames, n_mels]`` windows, pooled by ``judge_pooling``."""
        (probability,) = self.session.run(["probability"], {"features": windows.astype(np.float32)})
        return pool(probability, self.judge_pooling)


def _from_metadata(session: Any, metadata: dict[str, Any], threshold: float | None) -> Detector:
    spec = FeatureSpec.from_dict(metadata["feature_spec"])
    rule = metadata["event_rule"]
    hop = int(metadata["hop_frames"])
    return Detector(
        session,
        spec,
        hop,
        EventRule(hop, int(rule["smoothing_hops"]), float(rule["refractory_seconds"])),
        float(metadata["threshold"] if threshold is None else threshold),
        float(metadata.get("judge_weight", 1.0)),
        int(metadata.get("lookahead_hops", 0)),
        # Judges registered before these keys existed were evaluated with the highest of each.
        "mean" if metadata.get("judge_pooling") == "mean" else "max",
        "mean" if metadata.get("sentry_pooling") == "mean" else "max",
    )


def registered_detector(name: str, threshold: float | None = None) -> Detector:
    """A detector from the registry (``name`` or ``name/version``)."""
    import mlflow

    model_name, _, version = name.partition("/")
    loaded = mlflow.pyfunc.load_model(f"models:/{model_name}/{version or 'latest'}")
    python_model = loaded.unwrap_python_model()
    return _from_metadata(python_model.session, loaded.metadata.metadata or {}, threshold)


def local_detector(
    onnx_path: Path, feature_spec: Path, evaluation: Path, kind: str, threshold: float | None
) -> Detector:
    """A detector from an exported ONNX file, the feature spec and the evaluation report."""
    spec_record = json.loads(feature_spec.read_text())
    report = json.loads(evaluation.read_text())
    cascade_path = evaluation.parent / "cascade_report.json"
    cascade = json.loads(cascade_path.read_text()) if cascade_path.exists() else {}
    metadata = {
        "feature_spec": spec_record,
        "hop_frames": spec_record["hop_frames"],
        "event_rule": report["event_rule"],
        "threshold": report["sentry"]["operating_threshold"]
        if kind == "sentry"
        else cascade.get("judge_threshold", 0.5),
        "judge_weight": 1.0 if kind == "sentry" else cascade.get("judge_weight", 1.0),
        "lookahead_hops": 0 if kind == "sentry" else cascade.get("lookahead_hops", 0),
        "judge_pooling": "max" if kind == "sentry" else cascade.get("judge_pooling", "max"),
        "sentry_pooling": "max" if kind == "sentry" else cascade.get("sentry_pooling", "max"),
    }
    return _from_metadata(onnx_session(onnx_path.read_bytes()), metadata, threshold)


def detect_file(path: Path, sentry: Detector, judge: Detector | None = None) -> list[Detection]:
    """Detections in an audio file (any format/rate; resampled), judged when a judge is given."""
    audio, _, _ = decode(path.read_bytes(), sentry.spec.sample_rate)
    stream = StreamingDetector(sentry.score, sentry.spec, sentry.hop_frames)
    step = sentry.hop_frames * sentry.spec.hop_length
    scores: list[float] = []
    for start in range(0, len(audio), step):
        scores.extend(stream.push(audio[start : start + step]))
    detections = detect_events(scores, sentry.rule, sentry.spec, sentry.threshold)
    if judge is None:
        return detections
    features = log_mel(audio, sentry.spec)
    smoothed = smooth(np.asarray(scores, dtype=np.float64), sentry.rule.smoothing_hops)
    kept = []
    for detection in detections:  # as the cascade evaluation does (auralab.wakeword.cascade)
        hop = detection.hop
        windows = lookahead_windows(
            features, hop, sentry.hop_frames, sentry.spec.window_frames, judge.lookahead_hops
        )
        detection.judge_score = judge.score(windows)
        sentry_score = lookahead_score(smoothed, hop, judge.lookahead_hops, judge.sentry_pooling)
        if fused_score(sentry_score, detection.judge_score, judge.judge_weight) >= judge.threshold:
            kept.append(detection)
    return kept
