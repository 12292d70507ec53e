"""The event definition, streaming = offline scoring, ONNX parity, the teacher check and the
judge client's policy when the service is down."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import numpy as np
import pandas as pd
import pytest
import torch

from auralab.core.errors import TeacherError
from auralab.wakeword.cascade import (
    CascadeDecisions,
    fused_score,
    lookahead_score,
    lookahead_windows,
)
from auralab.wakeword.detector import check_teacher, detector_payload, score_windows
from auralab.wakeword.evaluation import ScoredSet, equal_frr_comparison, frr, threshold_at_frr
from auralab.wakeword.features import FeatureSpec
from auralab.wakeword.judge_client import JudgeClient
from auralab.wakeword.judge_service import free_port
from auralab.wakeword.models import DetectorConfig, build_detector, n_params
from auralab.wakeword.onnx_export import onnx_session, to_onnx
from auralab.wakeword.scoring import (
    EventRule,
    NegativeStreams,
    backend_scorer,
    event_hops,
    score_feature_streams,
    score_stream,
    smooth,
)
from auralab.wakeword.streaming import StreamingDetector

SPEC = FeatureSpec(16000, 40, 400, 160, 60.0, 7600.0, 148)


def tiny(kind: str = "sentry") -> torch.nn.Module:
    torch.manual_seed(0)
    return build_detector(DetectorConfig(kind, 40, (16, 16))).eval()  # type: ignore[arg-type]


def test_smoothing_is_a_causal_mean_of_the_last_hops():
    np.testing.assert_allclose(smooth(np.array([0.0, 0.3, 0.9, 0.6]), 3), [0, 0.15, 0.4, 0.6])


def test_a_burst_is_one_event_and_the_refractory_period_separates_events():
    smoothed = np.array([0, 0.9, 0.95, 0.9, 0, 0, 0.8, 0, 0, 0, 0, 0.9])
    assert event_hops(smoothed, 0.5, refractory_hops=5).tolist() == [1, 6, 11]
    assert event_hops(smoothed, 0.5, refractory_hops=6).tolist() == [1, 11]


def test_threshold_for_a_rate_is_the_lowest_that_meets_it():
    rng = np.random.default_rng(0)
    streams = NegativeStreams([rng.random(4000) ** 8], hours=2.0, refractory_hops=25)
    for target in (0.5, 1.0, 5.0):
        threshold = streams.threshold_for(target)
        assert streams.fa_per_hour(threshold) <= target
        assert streams.fa_per_hour(np.nextafter(threshold, 0)) > target or threshold == 0


def test_the_threshold_at_a_false_reject_rate_misses_no_more_than_it():
    streams = pd.DataFrame({"label": [1] * 5 + [0], "max_score": [0.4, 0.1, 0.9, 0.2, 0.3, 0.99]})
    assert threshold_at_frr(streams, 0.2) == 0.2 and frr(streams, 0.2) == pytest.approx(0.2)
    assert threshold_at_frr(streams, 0.0) == 0.1 and frr(streams, 0.1) == 0.0
    assert threshold_at_frr(streams, 0.39) == 0.2  # one miss allowed, not two


def test_detectors_are_compared_at_the_same_false_reject_rate():
    def scored(positive_scores: list[float], negative_peaks: list[float]) -> ScoredSet:
        stream = np.zeros(2000)
        stream[100 :: 2000 // len(negative_peaks)][: len(negative_peaks)] = negative_peaks
        streams = pd.DataFrame({"label": 1, "max_score": positive_scores})
        return ScoredSet(
            NegativeStreams([stream], 1.0, 10), [stream], streams, [], ["negative.flac"]
        )

    positives = [0.5, 0.6, 0.7, 0.8, 0.95]
    noisy = scored(positives, [0.55, 0.65, 0.75, 0.9])
    quiet = scored(positives, [0.3, 0.35, 0.4, 0.45])  # same positives, weaker false accepts
    (row,) = equal_frr_comparison(noisy, quiet, [2.0])
    assert row["frr"] == pytest.approx(0.4)  # 2 FA/h: two peaks kept, threshold above 0.65
    assert row["reference_fa_per_hour"] <= 2.0 and row["other_fa_per_hour"] == 0.0
    assert row["other_frr"] <= row["frr"]


def test_the_cascade_decides_on_the_judge_or_the_mean_of_both():
    assert fused_score(0.9, 0.3, 1.0) == 0.3
    assert fused_score(0.9, 0.3, 0.5) == pytest.approx(0.6)
    assert fused_score(0.9, 0.3, 0.2) == pytest.approx(0.78)


def test_the_cascade_finds_its_own_frr_at_a_false_accept_rate():
    # Two hours; four positive streams (stream 1 triggered twice); three false triggers.
    decisions = CascadeDecisions(
        scores=np.array([0.9, 0.8, 0.3, 0.7, 0.95, 0.6, 0.5, -np.inf]),
        is_negative=np.array([False, False, False, False, True, True, True, False]),
        stream_of=np.array([0, 1, 1, 2, -1, -1, -1, 3]),
        n_positive=4,
        hours=2.0,
    )
    assert decisions.at(0.0) == (1.5, 0.25)  # stream 3's judge was down and it was rejected
    threshold = decisions.loosest_within_fa(0.5)  # one false accept in two hours
    assert threshold == 0.7 and decisions.at(threshold) == (0.5, 0.25)
    assert decisions.loosest_within_fa(0.0) == np.inf  # the loudest false trigger tops them all
    assert decisions.strictest_within_frr(0.5) == 0.8


def test_a_trigger_carries_the_windows_and_pooled_score_of_the_hops_after_it():
    features = np.arange(60, dtype=np.float32).reshape(30, 2)  # 30 frames
    windows = lookahead_windows(features, hop=1, hop_frames=4, window_frames=10, lookahead_hops=6)
    assert windows.shape == (5, 10, 2)  # hops 1..5 fit (frames 4..30); hops 6 and 7 do not
    np.testing.assert_array_equal(windows[2], features[12:22])
    assert lookahead_windows(features, 1, 4, 10, lookahead_hops=0).shape == (1, 10, 2)
    smoothed = np.array([0.1, 0.6, 0.7, 0.95, 0.4, 0.2])
    assert lookahead_score(smoothed, 1, 0, "max") == 0.6
    assert lookahead_score(smoothed, 1, 2, "max") == 0.95
    assert lookahead_score(smoothed, 1, 2, "mean") == pytest.approx(0.75)  # (0.6 + 0.7 + 0.95) / 3
    assert lookahead_score(smoothed, 4, 6, "max") == 0.4  # only hops 4 and 5 exist
    assert lookahead_score(smoothed, 4, 6, "mean") == pytest.approx(0.3)


def test_the_judge_scores_a_triggers_windows_in_one_request_and_pools_them():
    requests_seen = []

    class Judge(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            windows = np.asarray(body["inputs"])
            requests_seen.append(windows.shape)
            reply = json.dumps({"predictions": windows.mean(axis=(1, 2)).tolist()}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Judge)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client = JudgeClient(f"http://127.0.0.1:{server.server_port}", 0.5)
        windows = np.stack([np.full((148, 40), v, np.float32) for v in (0.2, 0.7, 0.4)])
        verdict = client.judge(windows)
        assert requests_seen == [(3, 148, 40)]
        assert verdict.score == pytest.approx(0.7) and verdict.accepted
        assert client.judge(windows[0]).score == pytest.approx(0.2)  # one [frames, mels] window
        mean = JudgeClient(f"http://127.0.0.1:{server.server_port}", 0.5, pooling="mean")
        verdict = mean.judge(windows)  # one window over the threshold is not enough for the mean
        assert verdict.score == pytest.approx((0.2 + 0.7 + 0.4) / 3) and not verdict.accepted
    finally:
        server.shutdown()


def test_the_sentry_is_about_100k_parameters():
    from auralab.wakeword.params import load_wakeword_params

    channels = tuple(load_wakeword_params().train.sentry.model.channels)
    assert 60_000 <= n_params(build_detector(DetectorConfig("sentry", 40, channels))) <= 150_000


def test_streaming_in_hops_gives_the_offline_scores():
    model = tiny()
    audio = np.random.default_rng(1).normal(0, 0.1, 16000 * 4).astype(np.float32)
    offline = score_stream(model, audio, SPEC, hop_frames=8)
    stream = StreamingDetector(lambda w: float(score_windows(model, w)[0]), SPEC, 8)
    online = []
    for start in range(0, len(audio), 777):  # chunks that do not line up with hops
        online.extend(stream.push(audio[start : start + 777]))
    assert len(online) == len(offline)
    np.testing.assert_allclose(online, offline, atol=1e-5)


@pytest.mark.parametrize("kind", ["sentry", "judge"])
def test_onnx_matches_pytorch(kind):
    model = tiny(kind)
    data, difference = to_onnx(model, SPEC.window_frames, SPEC.n_mels)
    assert difference <= 1e-4
    windows = np.random.default_rng(2).normal(-6, 3, (3, 148, 40)).astype(np.float32)
    (probability,) = onnx_session(data).run(["probability"], {"features": windows})  # type: ignore[attr-defined]
    np.testing.assert_allclose(probability, score_windows(model, windows), atol=1e-5)


def test_the_onnxruntime_backend_scores_streams_as_pytorch_does():
    model = tiny()
    assert backend_scorer(model, SPEC, "pytorch") is model
    scorer = backend_scorer(model, SPEC, "onnxruntime")
    audio = np.random.default_rng(3).normal(0, 0.1, 16000 * 5).astype(np.float32)
    np.testing.assert_allclose(
        score_stream(scorer, audio, SPEC, 8), score_stream(model, audio, SPEC, 8), atol=1e-5
    )
    # 80 streams of 13 hops: more windows than one onnxruntime call takes
    streams = np.random.default_rng(4).normal(-6, 3, (80, 244, 40)).astype(np.float32)
    ours = score_feature_streams(scorer, streams, SPEC.window_frames, 8)
    assert ours.shape == (80, 13)
    np.testing.assert_allclose(
        ours, score_feature_streams(model, streams, SPEC.window_frames, 8), atol=1e-5
    )


def test_a_teacher_with_other_features_or_classes_is_refused_with_the_reason():
    payload = detector_payload(tiny(), SPEC)
    check_teacher(payload, SPEC, "ok.pt")
    other = {**payload, "feature_spec": {**payload["feature_spec"], "sample_rate": 8000}}
    with pytest.raises(TeacherError, match="sample_rate: teacher 8000, student 16000"):
        check_teacher(other, SPEC, "other.pt")
    with pytest.raises(TeacherError, match="classes"):
        check_teacher({**payload, "classes": ["noise", "speech", "wakeword"]}, SPEC, "x.pt")


@pytest.mark.parametrize(("policy", "accepted"), [("accept", True), ("reject", False)])
def test_an_unreachable_judge_retries_then_applies_the_policy(policy, accepted):
    client = JudgeClient(
        f"http://127.0.0.1:{free_port()}", 0.5, timeout_seconds=0.2, retries=2,
        backoff_seconds=0.01, on_unreachable=policy,
    )  # fmt: skip
    verdict = client.judge(np.zeros((148, 40), np.float32))
    assert verdict.reachable is False and verdict.attempts == 3
    assert verdict.accepted is accepted and verdict.score is None


@pytest.mark.parametrize("architecture", ["separable1d", "conv2d"])
def test_window_mean_norm_ignores_a_fixed_spectral_colouring(architecture):
    torch.manual_seed(0)
    config = DetectorConfig("judge", 40, (8, 8), 3, 0.0, architecture, window_mean_norm=True)
    model = build_detector(config).eval()
    windows = torch.randn(4, 148, 40)
    colouring = torch.linspace(-3, 3, 40)  # a per-bin gain in log-mel: an EQ, a timbre
    with torch.no_grad():
        torch.testing.assert_close(model(windows + colouring), model(windows), atol=1e-4, rtol=0)
        plain = build_detector(DetectorConfig("judge", 40, (8, 8), 3, 0.0, architecture)).eval()
        assert not torch.allclose(plain(windows + colouring), plain(windows), atol=1e-3)
    _, difference = to_onnx(model, 148, 40)
    assert difference <= 1e-4


def test_detect_judges_each_sentry_detection_on_the_windows_after_it(tmp_path):
    import soundfile

    from auralab.wakeword.detect import Detector, detect_file
    from auralab.wakeword.features import log_mel

    audio = np.random.default_rng(5).normal(0, 0.1, 16000 * 6).astype(np.float32)
    soundfile.write(tmp_path / "x.wav", audio, 16000)
    rule = EventRule(8, 3, 2.0)

    def detector(kind: str, threshold: float, lookahead: int) -> Detector:
        session = onnx_session(to_onnx(tiny(kind), SPEC.window_frames, SPEC.n_mels)[0])
        return Detector(session, SPEC, 8, rule, threshold, 1.0, lookahead)

    sentry = detector("sentry", 0.0, 0)  # fires on every refractory period
    judge = detector("judge", 0.0, 3)
    found = detect_file(tmp_path / "x.wav", sentry, judge)
    assert [d.hop for d in found] == [d.hop for d in detect_file(tmp_path / "x.wav", sentry)]
    features = log_mel(audio, SPEC)
    for d in found:
        windows = np.stack([features[(d.hop + k) * 8 :][:148] for k in range(4)])
        assert d.judge_score == pytest.approx(judge.score(windows), abs=1e-6)


def test_detect_decides_on_the_cascades_fused_score_of_the_pooled_look_ahead(tmp_path):
    import soundfile

    from auralab.wakeword.detect import Detector, detect_file

    audio = np.random.default_rng(6).normal(0, 0.1, 16000 * 8).astype(np.float32)
    soundfile.write(tmp_path / "x.wav", audio, 16000)
    rule, lookahead = EventRule(8, 3, 0.5), 4
    sessions = {k: onnx_session(to_onnx(tiny(k), 148, 40)[0]) for k in ("sentry", "judge")}
    sentry = Detector(sessions["sentry"], SPEC, 8, rule, 0.0)  # fires every refractory period
    fired = detect_file(tmp_path / "x.wav", sentry)
    smoothed = smooth(score_stream(tiny("sentry"), audio, SPEC, 8), 3)
    judge = Detector(sessions["judge"], SPEC, 8, rule, 0.0, 0.5, lookahead, "mean", "mean")
    fused = [  # what the cascade evaluation decides on (auralab.wakeword.cascade)
        fused_score(lookahead_score(smoothed, d.hop, lookahead, "mean"), d.judge_score, 0.5)
        for d in detect_file(tmp_path / "x.wav", sentry, judge)
    ]
    assert len(fused) == len(fired) >= 4
    judge.threshold = float(np.median(fused))
    kept = [d.hop for d in detect_file(tmp_path / "x.wav", sentry, judge)]
    assert kept == [d.hop for d, f in zip(fired, fused, strict=True) if f >= judge.threshold]
    assert 0 < len(kept) < len(fired)


def test_pcen_smooths_each_band_like_its_recurrence_and_ignores_loudness():
    from auralab.wakeword.pcen import WindowPcen

    pcen = WindowPcen(40, time_constant_frames=20.0)
    log_mel = torch.randn(2, 148, 40) - 8.0
    energy = log_mel.exp()
    decay, numerator, denominator = float(np.exp(-1 / 20)), torch.zeros(2, 40), 0.0
    for t in range(148):  # M[t] = normalised EMA, restarted at the window's first frame
        numerator, denominator = numerator * decay + energy[:, t], denominator * decay + 1.0
        torch.testing.assert_close(pcen.smoothed(energy)[:, t], numerator / denominator)
    with torch.no_grad():  # 40 dB louder: E / M^0.98 changes by 10^(4 * 0.02) = 1.2, not 10^4
        quiet, loud = pcen(log_mel), pcen(log_mel + np.log(1e4))
        assert (loud - quiet).abs().max() < 0.2 * quiet.abs().max()


def test_a_pcen_detector_streams_and_exports_with_the_offline_scores():
    torch.manual_seed(0)
    model = build_detector(DetectorConfig("sentry", 40, (16, 16), front_end="pcen")).eval()
    audio = np.random.default_rng(1).normal(0, 0.1, 16000 * 3).astype(np.float32)
    offline = score_stream(model, audio, SPEC, hop_frames=8)
    stream = StreamingDetector(lambda w: float(score_windows(model, w)[0]), SPEC, 8)
    online = [s for start in range(0, len(audio), 777) for s in stream.push(audio[start:][:777])]
    np.testing.assert_allclose(online, offline, atol=1e-5)
    _, difference = to_onnx(model, SPEC.window_frames, SPEC.n_mels)
    assert difference <= 1e-4
