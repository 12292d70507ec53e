"""Wakeword export node: sentry and judge to ONNX (parity-checked), streaming parity, registry."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import mlflow
import numpy as np

from auralab.core.tracking import as_mlflow_metrics
from auralab.wakeword.detector import detector_from_payload, is_ensemble, score_windows
from auralab.wakeword.features import FeatureSet
from auralab.wakeword.onnx_export import PARITY_TOLERANCE, ExportError, onnx_session, to_onnx
from auralab.wakeword.scoring import score_stream
from auralab.wakeword.serving import log_and_register
from auralab.wakeword.streaming import StreamingDetector
from auralab.wakeword.train_inputs import central_windows, feature_spec_of

REGISTERED = {"sentry": "auralab-wakeword-sentry", "judge": "auralab-wakeword-judge"}


def _streaming_difference(
    session: Any, model: Any, audio: np.ndarray, spec: Any, hop: int
) -> float:
    """Max |streaming ONNX score - offline PyTorch score| over ``audio`` pushed in 80 ms hops."""

    def scorer(window: np.ndarray) -> float:
        return float(session.run(["probability"], {"features": window.astype(np.float32)})[0][0])

    stream = StreamingDetector(scorer, spec, hop)
    online: list[float] = []
    step = hop * spec.hop_length
    for start in range(0, len(audio), step):
        online.extend(stream.push(audio[start : start + step]))
    offline = score_stream(model, audio, spec, hop)
    n = min(len(online), len(offline))
    return float(np.abs(np.array(online[:n]) - offline[:n]).max()) if n else 0.0


def export_detectors(
    sentry: dict[str, Any],
    judge: dict[str, Any],
    evaluation: dict[str, Any],
    cascade_report: dict[str, Any],
    evaluation_features: FeatureSet,
    feature_spec: dict[str, Any],
    params: dict[str, Any],
) -> tuple[dict[str, bytes], dict[str, Any], dict[str, Any]]:
    """ONNX files, the parity report and the registered versions (metadata: feature spec, event
    rule, thresholds at the operating rate)."""
    spec = feature_spec_of(feature_spec)
    hop = int(feature_spec["hop_frames"])
    windows = central_windows(evaluation_features, feature_spec)[:32]
    rule = evaluation["event_rule"]
    thresholds = {
        "sentry": evaluation["sentry"]["operating_threshold"],
        "judge": cascade_report.get("judge_threshold", 0.5),
    }
    files: dict[str, bytes] = {}
    report: dict[str, Any] = {"tolerance": PARITY_TOLERANCE}
    rng = np.random.default_rng(0)
    audio = (rng.normal(0, 0.05, spec.sample_rate * 4)).astype(np.float32)
    with tempfile.TemporaryDirectory() as folder:
        for name, payload in (("sentry", sentry), ("judge", judge)):
            model = detector_from_payload(payload)
            data, difference = to_onnx(model, spec.window_frames, spec.n_mels)
            session: Any = onnx_session(data)
            (onnx_scores,) = session.run(["probability"], {"features": windows})
            real_difference = float(np.abs(onnx_scores - score_windows(model, windows)).max())
            if max(difference, real_difference) > PARITY_TOLERANCE:
                raise ExportError(f"{name} ONNX differs from PyTorch by {difference:.2e}")
            entry: dict[str, Any] = {
                "onnx_max_abs_diff_random": difference,
                "onnx_max_abs_diff_evaluation_windows": real_difference,
            }
            if name == "sentry":
                entry["streaming_max_abs_diff"] = _streaming_difference(
                    session, model, audio, spec, hop
                )
                if entry["streaming_max_abs_diff"] > PARITY_TOLERANCE:
                    raise ExportError("streaming sentry scores differ from offline scoring")
            path = Path(folder) / f"{name}.onnx"
            path.write_bytes(data)
            files[f"{name}.onnx"] = data
            metadata = {
                "feature_spec": spec.as_dict(),
                "hop_frames": hop,
                "event_rule": rule,
                "threshold": thresholds[name],
                "classes": payload["classes"],
            }
            if is_ensemble(payload):  # one ONNX graph: the mean of the members' probabilities
                metadata["ensemble_members"] = len(payload["members"])
            if name == "judge":  # the threshold applies to the cascade's fused score
                metadata["judge_weight"] = cascade_report.get("judge_weight", 1.0)
                metadata["lookahead_hops"] = cascade_report.get("lookahead_hops", 0)
                metadata["judge_pooling"] = cascade_report.get("judge_pooling", "max")
                metadata["sentry_pooling"] = cascade_report.get("sentry_pooling", "max")
            if mlflow.active_run():
                entry["registered"] = log_and_register(
                    path, REGISTERED[name], windows[:1], metadata
                )
            report[name] = entry
    metrics = {
        f"{name}.{key}": value
        for name in ("sentry", "judge")
        for key, value in report[name].items()
        if isinstance(value, float)
    }
    del params
    return files, report, as_mlflow_metrics(metrics)
