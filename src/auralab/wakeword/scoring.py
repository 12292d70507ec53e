"""Stream scoring and the one definition of a detection event.

**Detection event** (the same for false accepts on long negative audio, for detecting positives,
for the cascade's triggers and for the ``detect`` command; mining scans with the same steps and
its own ``mining.smoothing_hops``):

1. Every hop (``hop_frames`` feature frames, 80 ms by default) the detector scores the last
   window (``window_frames`` frames, 1.5 s) of audio; the first score is at the first full window.
2. The score is smoothed causally: the mean of the last ``smoothing_hops`` scores (fewer at the
   start of a stream).
3. An event fires at a hop whose smoothed score is at or above the threshold, unless another event
   fired less than ``refractory_seconds`` before it. A burst of high scores is therefore one event.

False accepts per hour = events on negative audio / hours of that audio. A positive stream is
detected when at least one event fires in it, i.e. when its highest smoothed score reaches the
threshold.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import torch
from torch import nn

from auralab.wakeword.detector import score_windows
from auralab.wakeword.features import FeatureSpec, log_mel
from auralab.wakeword.params import DetectionParams


@dataclass(frozen=True)
class EventRule:
    """Smoothing and refractory period of the event definition (see the module docstring)."""

    hop_frames: int
    smoothing_hops: int = 3
    refractory_seconds: float = 2.0

    @classmethod
    def of(cls, feature_spec: Mapping[str, Any], detection: DetectionParams) -> EventRule:
        """The rule of the ``evaluate.detection`` parameters at the feature record's hop."""
        return cls(
            int(feature_spec["hop_frames"]), detection.smoothing_hops, detection.refractory_seconds
        )

    def hop_seconds(self, spec: FeatureSpec) -> float:
        return self.hop_frames * spec.hop_length / spec.sample_rate

    def refractory_hops(self, spec: FeatureSpec) -> int:
        return max(1, round(self.refractory_seconds / self.hop_seconds(spec)))


WindowScorer = Callable[[np.ndarray], np.ndarray]
"""[N, frames, n_mels] log-mel windows -> [N] float32 wake-word probabilities."""


def window_scorer(model: nn.Module | WindowScorer) -> WindowScorer:
    """A scorer of windows: a PyTorch detector's (``score_windows``) or ``model`` itself when it
    is one already (an onnxruntime session's, ``auralab.wakeword.onnx_export.onnx_scorer``)."""
    return partial(score_windows, model) if isinstance(model, nn.Module) else model


def backend_scorer(model: nn.Module, spec: FeatureSpec, backend: str) -> nn.Module | WindowScorer:
    """What scores windows offline for ``evaluate.scoring_backend``: the model itself (pytorch)
    or its onnxruntime export on as many threads as PyTorch uses (onnxruntime)."""
    if backend == "pytorch":
        return model
    from auralab.wakeword.onnx_export import onnx_scorer  # onnxruntime only where it is used

    return onnx_scorer(model, spec.window_frames, spec.n_mels, torch.get_num_threads())


def stream_windows(features: np.ndarray, window_frames: int, hop_frames: int) -> np.ndarray:
    """[frames, n_mels] -> [hops, window_frames, n_mels] (a strided view, no copy)."""
    if len(features) < window_frames:
        return np.zeros((0, window_frames, features.shape[1]), dtype=features.dtype)
    view = np.lib.stride_tricks.sliding_window_view(features, window_frames, axis=0)
    return view[::hop_frames].transpose(0, 2, 1)


def score_stream(
    model: nn.Module | WindowScorer,
    audio: np.ndarray,
    spec: FeatureSpec,
    hop_frames: int,
    batch_size: int = 256,
) -> np.ndarray:
    """Raw scores of every hop of ``audio`` (float32 mono at ``spec.sample_rate``) -> [hops]."""
    score = window_scorer(model)
    features = log_mel(audio, spec)
    windows = stream_windows(features, spec.window_frames, hop_frames)
    out = []
    for start in range(0, len(windows), batch_size):
        out.append(score(np.ascontiguousarray(windows[start : start + batch_size])))
    return np.concatenate(out) if out else np.zeros(0, np.float32)


def smooth(scores: np.ndarray, hops: int) -> np.ndarray:
    """Causal moving average over the last ``hops`` scores (fewer at the start)."""
    if hops <= 1 or len(scores) == 0:
        return scores.astype(np.float64)
    cumulative = np.concatenate([[0.0], np.cumsum(scores, dtype=np.float64)])
    index = np.arange(1, len(scores) + 1)
    first = np.maximum(index - hops, 0)
    return (cumulative[index] - cumulative[first]) / (index - first)


def event_hops(smoothed: np.ndarray, threshold: float, refractory_hops: int) -> np.ndarray:
    """Hop indices where events fire (the loop runs once per event, not once per hop)."""
    candidates = np.flatnonzero(smoothed >= threshold)
    events: list[int] = []
    position = 0
    while position < len(candidates):
        hop = int(candidates[position])
        events.append(hop)
        position = int(np.searchsorted(candidates, hop + refractory_hops, side="left"))
    return np.asarray(events, dtype=np.int64)


@dataclass
class NegativeStreams:
    """Smoothed scores of negative recordings, for false accepts per hour at any threshold."""

    smoothed: list[np.ndarray]  # one array of hop scores per recording
    hours: float
    refractory_hops: int

    def events(self, threshold: float) -> int:
        return sum(len(event_hops(s, threshold, self.refractory_hops)) for s in self.smoothed)

    def fa_per_hour(self, threshold: float) -> float:
        return self.events(threshold) / self.hours if self.hours > 0 else float("nan")

    def threshold_for(self, target_fa_per_hour: float) -> float:
        """The lowest threshold whose false accepts per hour are at most the target (a binary
        search over the observed scores; false accepts fall as the threshold rises)."""
        pooled = np.concatenate(self.smoothed) if self.smoothed else np.zeros(1)
        allowed = int(np.floor(target_fa_per_hour * self.hours))
        top = np.sort(pooled)[::-1][: max(64, 40 * (allowed + 1) * self.refractory_hops)]
        candidates = np.unique(np.concatenate([top, np.nextafter(top, 2.0), [1.0 + 1e-9]]))
        low, high = 0, len(candidates) - 1  # candidates[high] always meets the target
        while low < high:
            middle = (low + high) // 2
            if self.fa_per_hour(float(candidates[middle])) <= target_fa_per_hour:
                high = middle
            else:
                low = middle + 1
        return float(candidates[high])


def max_smoothed(scores_per_stream: list[np.ndarray], smoothing_hops: int) -> np.ndarray:
    """The highest smoothed score of each stream (a stream is detected iff this >= threshold)."""
    return np.array(
        [float(smooth(s, smoothing_hops).max()) if len(s) else 0.0 for s in scores_per_stream]
    )


@torch.no_grad()
def score_feature_streams(
    model: nn.Module | WindowScorer, features: np.ndarray, window_frames: int, hop_frames: int
) -> np.ndarray:
    """[N streams, frames, n_mels] -> [N, hops] raw scores (all streams have equal length)."""
    n = len(features)
    views = [stream_windows(f, window_frames, hop_frames) for f in features]
    hops = views[0].shape[0] if n else 0
    flat = np.ascontiguousarray(np.concatenate(views)) if n else np.zeros((0, window_frames, 1))
    return window_scorer(model)(flat.astype(np.float32)).reshape(n, hops)
