"""A detector ensemble scores the members' mean probability, saves, loads and exports like one
detector, and is evaluated from its members' scores when they were evaluated too."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from auralab.core.checkpoint import load_checkpoint, save_checkpoint
from auralab.wakeword.detector import (
    check_teacher,
    detector_from_payload,
    detector_payload,
    ensemble_payload,
    same_weights,
    score_windows,
)
from auralab.wakeword.detector_evaluation import (
    EvaluationSet,
    evaluate_detector,
    evaluate_payloads,
)
from auralab.wakeword.ensemble import DetectorEnsemble
from auralab.wakeword.features import FeatureSet, FeatureSpec
from auralab.wakeword.models import DetectorConfig, build_detector
from auralab.wakeword.onnx_export import to_onnx
from auralab.wakeword.params import EvaluateParams
from auralab.wakeword.retraining import shipped_sentry

SPEC = FeatureSpec(16000, 40, 400, 160, 60.0, 7600.0, 148)


def _sentry(seed: int) -> torch.nn.Module:
    torch.manual_seed(seed)
    return build_detector(DetectorConfig("sentry", 40, (16, 16))).eval()


def test_an_ensemble_scores_the_mean_of_its_members_probabilities():
    members = [_sentry(0), _sentry(1), _sentry(2)]
    windows = np.random.default_rng(0).normal(size=(6, 148, 40)).astype(np.float32)
    alone = np.stack([score_windows(m, windows) for m in members])
    assert np.ptp(alone, axis=0).max() > 1e-3  # the members disagree
    together = score_windows(DetectorEnsemble(members), windows)
    assert np.allclose(together, alone.mean(axis=0), atol=1e-5)
    _, difference = to_onnx(DetectorEnsemble(members), 148, 40)
    assert difference < 1e-4
    with pytest.raises(ValueError, match="at least one"):
        DetectorEnsemble([])


def _payload(seed: int, spec: FeatureSpec = SPEC) -> dict:
    return detector_payload(_sentry(seed), spec)


def test_an_ensemble_checkpoint_loads_safely_and_rebuilds_as_the_ensemble(tmp_path):
    members = [_payload(0), _payload(1)]
    save_checkpoint(tmp_path / "sentry.pt", ensemble_payload(members))
    payload = load_checkpoint(tmp_path / "sentry.pt")  # weights_only=True
    model = detector_from_payload(payload)
    windows = np.random.default_rng(0).normal(-6, 3, (4, 148, 40)).astype(np.float32)
    expected = np.mean([score_windows(detector_from_payload(m), windows) for m in members], 0)
    assert isinstance(model, DetectorEnsemble)
    assert np.allclose(score_windows(model, windows), expected, atol=1e-6)
    check_teacher(payload, SPEC, "ensemble")  # an ensemble may teach
    other_rate = FeatureSpec(8000, 40, 400, 160, 60.0, 3800.0, 148)
    with pytest.raises(ValueError, match="share their feature spec"):
        ensemble_payload([_payload(0), _payload(1, other_rate)])


def test_the_shipped_sentry_is_the_ensemble_unless_mining_changed_nothing():
    unmined, mined = _payload(0), _payload(1)
    shipped = shipped_sentry(unmined, mined, "ensemble")
    assert [
        same_weights(m, p) for m, p in zip(shipped["members"], (unmined, mined), strict=True)
    ] == [1, 1]
    assert shipped_sentry(unmined, mined, "mined") is mined
    assert shipped_sentry(unmined, unmined, "ensemble") is unmined  # mining did not retrain


def _evaluation_set() -> tuple[EvaluationSet, dict]:
    """Two 20 s noise recordings and six test streams (three labelled positive)."""
    rng = np.random.default_rng(3)
    audio = {
        f"evaluation/{i}.flac": rng.normal(0, 0.1, 16000 * 20).astype(np.float32) for i in (0, 1)
    }
    segments = pd.DataFrame(
        {
            "file": list(audio),
            "start_s": 0.0,
            "end_s": 20.0,
            "kind": "noise",
            "detail": "",
            "text": "",
        }
    )
    table = pd.DataFrame({"split": "test", "label": [1, 1, 1, 0, 0, 0], "speaker": list("abcabc")})
    features = FeatureSet(rng.normal(-6, 3, (6, 200, 40)).astype(np.float16), table, {})
    spec = SPEC.as_dict() | {"hop_frames": 8}
    return EvaluationSet(audio, segments, features, spec), spec


def test_an_ensemble_of_evaluated_members_is_evaluated_from_their_scores_as_if_scored_itself():
    data, _ = _evaluation_set()
    params = EvaluateParams(bootstrap={"samples": 20}, target_fa_per_hour=[1.0, 400.0])
    members = [_payload(0), _payload(1)]
    payloads = {"a": members[0], "b": members[1], "a again": _payload(0)}
    payloads["ensemble"] = ensemble_payload(members)
    evaluations = evaluate_payloads(payloads, data, params)
    assert evaluations["a again"].scored is evaluations["a"].scored  # scored once
    direct = evaluate_detector(detector_from_payload(payloads["ensemble"]), data, params)
    reused = evaluations["ensemble"]
    for ours, theirs in zip(reused.scored.raw_negatives, direct.scored.raw_negatives, strict=True):
        assert np.allclose(ours, theirs, atol=1e-6)
    assert np.allclose(reused.scored.stream_scores, direct.scored.stream_scores, atol=1e-6)
    assert np.allclose(reused.scored.streams["max_score"], direct.scored.streams["max_score"])
    for ours, theirs in zip(reused.operating_points, direct.operating_points, strict=True):
        assert ours["frr"] == theirs["frr"]
        assert ours["threshold"] == pytest.approx(theirs["threshold"], abs=1e-6)
