"""Wakeword evaluate nodes: FRR at fixed FA/h for each detector, then the cascade over HTTP."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from auralab.core.tracking import as_mlflow_metrics
from auralab.wakeword.cascade import evaluate_cascade, triggers
from auralab.wakeword.detector import detector_from_payload
from auralab.wakeword.detector_evaluation import evaluate_payloads, evaluation_set
from auralab.wakeword.evaluation import (
    ScoredSet,
    breakdown_png,
    breakdowns,
    det_curve,
    det_png,
    equal_frr_comparison,
    frr,
)
from auralab.wakeword.features import FeatureSet
from auralab.wakeword.ingest import decode_folder
from auralab.wakeword.judge_client import JudgeClient
from auralab.wakeword.judge_service import serve_model
from auralab.wakeword.onnx_export import to_onnx
from auralab.wakeword.params import EvaluateParams
from auralab.wakeword.scoring import EventRule
from auralab.wakeword.serving import save_local
from auralab.wakeword.train_inputs import feature_spec_of

# Before mining, after it, the one the run ships (by default the ensemble of the two), the judge.
DETECTORS = ("sentry_unmined", "sentry_mined", "sentry", "judge")


def _evaluation_audio(longform: dict[str, bytes], sample_rate: int) -> dict[str, np.ndarray]:
    return decode_folder(longform, sample_rate, under="evaluation")


def evaluate_detectors(
    sentry_unmined: dict[str, Any],
    sentry_mined: dict[str, Any],
    sentry: dict[str, Any],
    judge: dict[str, Any],
    longform: dict[str, bytes],
    evaluation_features: FeatureSet,
    feature_spec: dict[str, Any],
    rir_table: pd.DataFrame,
    longform_table: pd.DataFrame,
    params: dict[str, Any],
) -> tuple[dict[str, Any], dict[str, bytes], dict[str, Any], ScoredSet]:
    """FRR at each target FA/h (bootstrap CIs), DET curves, breakdowns, the loudest false
    accepts and what was playing; before/after mining (the unmined against the mined sentry)."""
    p = EvaluateParams(**params)
    spec = feature_spec_of(feature_spec)
    rule = EventRule.of(feature_spec, p.detection)
    data = evaluation_set(longform, longform_table, evaluation_features, feature_spec)
    report: dict[str, Any] = {"event_rule": rule.__dict__ | {"hop_seconds": rule.hop_seconds(spec)}}
    curves, points, metrics, files = {}, {}, {}, {}
    scored_sets = {}
    payloads = dict(zip(DETECTORS, (sentry_unmined, sentry_mined, sentry, judge), strict=True))
    for name, evaluation in evaluate_payloads(payloads, data, p).items():
        scored = scored_sets[name] = evaluation.scored
        rows, loudest = evaluation.operating_points, evaluation.loudest_false_accepts
        curves[name], points[name] = det_curve(scored), rows
        operating = scored.negatives.threshold_for(p.operating_fa_per_hour)
        parts = breakdowns(scored.streams, operating, rir_table, p.snr_bins_db)
        report[name] = {
            "operating_points": rows,
            "operating_threshold": operating,
            "hours_of_negatives": scored.negatives.hours,
            "test_positives": int((scored.streams["label"] == 1).sum()),
            "breakdowns": {k: v.to_dict("records") for k, v in parts.items()},
            "loudest_false_accepts": loudest.to_dict("records"),
        }
        files[f"{name}_loudest_false_accepts.csv"] = loudest.to_csv(index=False).encode()
        files[f"{name}_det_curve.csv"] = curves[name].to_csv(index=False).encode()
        files[f"{name}_breakdowns.png"] = breakdown_png(parts)
        for row in rows:
            target = f"{row['target_fa_per_hour']:g}"
            for key in ("frr", "fa_per_hour", "threshold", "frr_low", "frr_high"):
                metrics[f"{name}.{key}_at_{target}_fa_per_hour"] = row[key]
    files["det.png"] = det_png(curves, points)
    report["mining_effect"] = mining_effect(
        scored_sets["sentry_unmined"],
        scored_sets["sentry_mined"],
        p.target_fa_per_hour,
        p.comparison_fa_per_hour,
    )
    metrics.update(_mining_metrics(report["mining_effect"], p.comparison_fa_per_hour))
    return report, files, as_mlflow_metrics(metrics), scored_sets["sentry"]


def mining_effect(
    before: ScoredSet, after: ScoredSet, targets: list[float], levels: list[float]
) -> dict[str, Any]:
    """FA/h of the sentry before and after mining at the same FRR (the unmined sentry's FRR at
    each comparison rate), and each one's FRR at the target rates."""
    rows = equal_frr_comparison(before, after, levels)
    return {
        "at_same_frr": [
            {
                "frr": row["frr"],
                "fa_per_hour_before": row["reference_fa_per_hour"],
                "fa_per_hour_after": row["other_fa_per_hour"],
            }
            for row in rows
        ],
        "frr_at_target": [
            {
                "target_fa_per_hour": target,
                "before": frr(before.streams, before.negatives.threshold_for(target)),
                "after": frr(after.streams, after.negatives.threshold_for(target)),
            }
            for target in targets
        ],
    }


def _mining_metrics(effect: dict[str, Any], levels: list[float]) -> dict[str, float]:
    metrics = {}
    for level, row in zip(levels, effect["at_same_frr"], strict=True):
        for when in ("before", "after"):
            key = f"mining.fa_per_hour_{when}_at_sentry_frr_of_{level:g}_fa_per_hour"
            metrics[key] = row[f"fa_per_hour_{when}"]
    for row in effect["frr_at_target"]:
        for when in ("before", "after"):
            metrics[f"mining.frr_{when}_at_{row['target_fa_per_hour']:g}_fa_per_hour"] = row[when]
    return metrics


def evaluate_cascade_node(
    scored: ScoredSet,
    judge: dict[str, Any],
    longform: dict[str, bytes],
    evaluation_features: FeatureSet,
    feature_spec: dict[str, Any],
    evaluation: dict[str, Any],
    params: dict[str, Any],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The cascade against the judge service at ``cascade.judge_url``, or against this run's judge
    served by ``mlflow models serve`` for the duration of the node."""
    p = EvaluateParams(**params)
    c = p.cascade
    spec = feature_spec_of(feature_spec)
    rule = EventRule.of(feature_spec, p.detection)
    audio = _evaluation_audio(longform, spec.sample_rate)
    test = (evaluation_features.table["split"] == "test").to_numpy()
    streams = np.asarray(evaluation_features.features[test], dtype=np.float32)
    sentry_threshold = scored.negatives.threshold_for(c.sentry_fa_per_hour)
    found = triggers(
        scored, audio, streams, spec, rule, sentry_threshold, c.lookahead_hops, c.sentry_pooling
    )
    # The sentry alone at the operating rate, then at each comparison rate.
    levels = [p.operating_fa_per_hour, *p.comparison_fa_per_hour]
    references = [
        {
            "fa_per_hour": scored.negatives.fa_per_hour(scored.negatives.threshold_for(level)),
            "frr": frr(scored.streams, scored.negatives.threshold_for(level)),
        }
        for level in levels
    ]

    def run(url: str) -> dict[str, Any]:
        client = JudgeClient(
            url,
            0.5,
            c.timeout_seconds,
            c.retries,
            c.backoff_seconds,
            c.on_unreachable,
            pooling=c.judge_pooling,
        )
        return evaluate_cascade(
            scored,
            found,
            client,
            sentry_threshold,
            references,
            c.on_unreachable,
            c.judge_share,
            p.target_fa_per_hour,
        )

    if c.judge_url:
        report = run(c.judge_url) | {"judge_url": c.judge_url}
    else:
        with tempfile.TemporaryDirectory() as folder:
            model = detector_from_payload(judge)
            onnx_bytes, _ = to_onnx(model, spec.window_frames, spec.n_mels)
            onnx_path = Path(folder) / "judge.onnx"
            onnx_path.write_bytes(onnx_bytes)
            example = np.zeros((1, spec.window_frames, spec.n_mels), np.float32)
            save_local(onnx_path, Path(folder) / "judge", example, {"feature_spec": spec.as_dict()})
            with serve_model(Path(folder) / "judge") as url:
                report = run(url) | {"judge_url": "local mlflow models serve"}
    report["lookahead_hops"] = c.lookahead_hops
    report["judge_pooling"] = c.judge_pooling
    report["sentry_pooling"] = c.sentry_pooling
    report["decision_delay_ms"] = c.lookahead_hops * rule.hop_seconds(spec) * 1000
    numbers = {k: float(v) for k, v in report.items() if isinstance(v, int | float)}
    for level, row in zip(levels[1:], report["comparisons"][1:], strict=True):
        numbers[f"fa_per_hour_at_sentry_frr_of_{level:g}_fa_per_hour"] = row["cascade_fa_per_hour"]
    for point in report["operating_points"]:
        numbers[f"frr_at_{point['target_fa_per_hour']:g}_fa_per_hour"] = point["frr"]
    return report, as_mlflow_metrics({f"cascade.{k}": v for k, v in numbers.items()})
