"""Benchmark: per-hop latency of the streaming sentry, ONNX Runtime against PyTorch eager.

One process, one thread for both. Audio is pushed in 80 ms hops through the same
``StreamingDetector`` (ring buffers, log-mel of the hop's new frames, one model call on the
window), first with the exported ONNX sentry in onnxruntime, then with the PyTorch sentry in eager
mode. Each hop is timed end to end (features plus model); the script prints p50/p95/p99 per hop,
the real-time factor (p95 / hop duration; target <= 0.05), the feature share of a hop, and the
eager/ONNX ratio (target > 1). Scores of the two runs are compared (they must agree).

    python benchmarks/wakeword_stream.py                 # 60 s of evaluation audio
    python benchmarks/wakeword_stream.py --seconds 300

The trained sentry (``data/06_models/wakeword/sentry.pt``) and its export are used when present,
else a freshly initialised sentry of the default size (latency does not depend on the weights).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from auralab.core.checkpoint import load_checkpoint
from auralab.wakeword.detector import detector_config, detector_from_payload
from auralab.wakeword.features import FeatureSpec, log_mel
from auralab.wakeword.models import build_detector, n_params
from auralab.wakeword.onnx_export import onnx_session, to_onnx
from auralab.wakeword.params import load_wakeword_params
from auralab.wakeword.streaming import StreamingDetector

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "data" / "06_models" / "wakeword"
EXPORTED = ROOT / "data" / "06_models" / "wakeword" / "exported" / "sentry.onnx"
LONGFORM = ROOT / "data" / "02_intermediate" / "wakeword" / "longform" / "evaluation"


def default_sentry() -> tuple[torch.nn.Module, FeatureSpec, int, str]:
    """The sentry, its feature spec, hop frames and where it came from."""
    params = load_wakeword_params(ROOT / "params.yaml")
    pre = params.preprocess
    spec = FeatureSpec.build(pre.features, params.ingest.sample_rate, pre.window_seconds)
    hop_frames = round(pre.stream_hop_seconds * spec.sample_rate / spec.hop_length)
    checkpoint = MODELS / "sentry.pt"
    if checkpoint.exists():
        payload = load_checkpoint(checkpoint)
        return (
            detector_from_payload(payload),
            FeatureSpec.from_dict(payload["feature_spec"]),
            hop_frames,
            str(checkpoint.relative_to(ROOT)),
        )
    model = build_detector(detector_config("sentry", params.train.sentry.model, spec)).eval()
    return model, spec, hop_frames, "untrained default-size sentry"


def benchmark_audio(seconds: float, sample_rate: int) -> tuple[np.ndarray, str]:
    """``seconds`` of the long-form evaluation audio when it exists, else pink-ish noise."""
    chunks = sorted(LONGFORM.glob("*.flac")) if LONGFORM.exists() else []
    if chunks:
        import soundfile

        audio, rate = soundfile.read(chunks[0], dtype="float32")
        if rate == sample_rate and len(audio) >= seconds * sample_rate:
            return audio[: int(seconds * sample_rate)], str(chunks[0].relative_to(ROOT))
    rng = np.random.default_rng(0)
    noise = np.cumsum(rng.normal(0, 1, int(seconds * sample_rate))).astype(np.float32)
    noise -= np.convolve(noise, np.ones(64) / 64, mode="same")
    return 0.05 * noise / (np.abs(noise).max() + 1e-9), "synthetic noise"


def stream_latencies(
    scorer: Callable[[np.ndarray], float],
    spec: FeatureSpec,
    hop_frames: int,
    audio: np.ndarray,
    warmup_hops: int = 20,
) -> tuple[np.ndarray, list[float]]:
    """Seconds per hop (after warm-up) and every score, pushing one hop at a time."""
    stream = StreamingDetector(scorer, spec, hop_frames)
    step = stream.hop_samples
    latencies, scores = [], []
    for index, start in enumerate(range(0, len(audio) - step + 1, step)):
        hop = audio[start : start + step]
        began = time.perf_counter()
        new = stream.push(hop)
        elapsed = time.perf_counter() - began
        scores.extend(new)
        if index >= warmup_hops and new:  # only hops that scored a window
            latencies.append(elapsed)
    return np.array(latencies), scores


def feature_latency(spec: FeatureSpec, hop_frames: int, repeats: int = 500) -> float:
    """Median seconds to compute one hop's new frames (the feature share of a hop)."""
    samples = np.random.default_rng(1).normal(0, 0.1, hop_frames * spec.hop_length + spec.n_fft)
    samples = samples.astype(np.float32)
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        log_mel(samples, spec)
        times.append(time.perf_counter() - began)
    return float(np.median(times))


def summary(name: str, latencies: np.ndarray, hop_seconds: float) -> dict[str, float]:
    p50, p95, p99 = np.percentile(latencies, [50, 95, 99]) * 1000
    print(
        f"{name:<14} hops {len(latencies):>5}   p50 {p50:6.3f} ms   p95 {p95:6.3f} ms   "
        f"p99 {p99:6.3f} ms   RTF(p95) {p95 / 1000 / hop_seconds:.4f}"
    )
    return {"p50": p50, "p95": p95, "p99": p99}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="audio streamed per runtime")
    args = parser.parse_args()

    torch.set_num_threads(1)
    model, spec, hop_frames, origin = default_sentry()
    hop_seconds = hop_frames * spec.hop_length / spec.sample_rate
    if EXPORTED.exists() and origin != "untrained default-size sentry":
        onnx_bytes, export_origin = EXPORTED.read_bytes(), str(EXPORTED.relative_to(ROOT))
    else:
        onnx_bytes, _ = to_onnx(model, spec.window_frames, spec.n_mels)
        export_origin = "exported now"
    session = onnx_session(onnx_bytes, threads=1)
    audio, audio_origin = benchmark_audio(args.seconds, spec.sample_rate)

    def onnx_score(window: np.ndarray) -> float:
        return float(session.run(["probability"], {"features": window})[0][0])  # type: ignore[attr-defined]

    def eager_score(window: np.ndarray) -> float:
        with torch.inference_mode():
            return float(torch.sigmoid(model(torch.from_numpy(window)))[0])

    print(f"sentry: {origin} ({n_params(model):,} parameters); ONNX: {export_origin}")
    print(
        f"audio: {audio_origin}, {len(audio) / spec.sample_rate:.0f} s; hop "
        f"{hop_seconds * 1000:.0f} ms; window {spec.window_frames} frames x {spec.n_mels} mels; "
        f"1 thread (torch {torch.get_num_threads()}, onnxruntime intra-op 1)"
    )
    onnx_latencies, onnx_scores = stream_latencies(onnx_score, spec, hop_frames, audio)
    eager_latencies, eager_scores = stream_latencies(eager_score, spec, hop_frames, audio)
    onnx = summary("onnxruntime", onnx_latencies, hop_seconds)
    eager = summary("pytorch eager", eager_latencies, hop_seconds)
    features_ms = feature_latency(spec, hop_frames) * 1000
    print(
        f"features alone: {features_ms:.3f} ms per hop "
        f"({features_ms / onnx['p50']:.0%} of an ONNX hop at p50)"
    )
    difference = float(np.abs(np.array(onnx_scores) - np.array(eager_scores)).max())
    print(f"max |score difference| onnx vs eager over {len(onnx_scores)} windows: {difference:.2e}")
    rtf = onnx["p95"] / 1000 / hop_seconds
    print(
        f"ratio eager/onnx: p50 {eager['p50'] / onnx['p50']:.2f}x, "
        f"p95 {eager['p95'] / onnx['p95']:.2f}x (target > 1)"
    )
    print(f"real-time factor of the ONNX sentry at p95: {rtf:.4f} (target <= 0.05)")


if __name__ == "__main__":
    main()
