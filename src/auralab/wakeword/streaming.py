"""Streaming detection over fixed hops with ring buffers: the same scores as offline scoring.

Audio arrives in hops of ``hop_frames * hop_length`` samples (80 ms). A ring buffer keeps the last
``n_fft - hop_length`` samples needed to compute the hop's new feature frames; a second ring
buffer keeps the last ``window_frames`` frames. Each hop costs ``hop_frames`` FFTs and one model
call on the window, and the score equals offline scoring of that window (features are never
centred; ``auralab.wakeword.features``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from auralab.wakeword.features import FeatureSpec, log_mel
from auralab.wakeword.scoring import EventRule

Scorer = Callable[[np.ndarray], float]  # [1, frames, n_mels] float32 -> probability


class FrameRing:
    """The last ``capacity`` rows of a [*, width] stream, in order, without reallocation."""

    def __init__(self, capacity: int, width: int) -> None:
        self.buffer = np.zeros((2 * capacity, width), dtype=np.float32)
        self.capacity, self.end, self.filled = capacity, capacity, 0

    def push(self, rows: np.ndarray) -> None:
        n = len(rows)
        if self.end + n > len(self.buffer):  # slide the live rows to the front half once
            keep = self.buffer[self.end - self.capacity : self.end].copy()
            self.buffer[: self.capacity] = keep
            self.end = self.capacity
        self.buffer[self.end : self.end + n] = rows
        self.end += n
        self.filled = min(self.capacity, self.filled + n)

    def view(self) -> np.ndarray:
        return self.buffer[self.end - self.capacity : self.end]


@dataclass
class Detection:
    time_seconds: float  # end of the window that fired
    score: float  # smoothed sentry score
    hop: int  # index of the hop that fired (its window starts at hop x hop_frames)
    judge_score: float | None = None


class StreamingDetector:
    """Push audio of any length; get one raw score per completed hop (after the first window)."""

    def __init__(self, scorer: Scorer, spec: FeatureSpec, hop_frames: int) -> None:
        self.scorer, self.spec, self.hop_frames = scorer, spec, hop_frames
        self.hop_samples = hop_frames * spec.hop_length
        self.tail = np.zeros(0, dtype=np.float32)  # samples not yet turned into frames
        # One hop of slack: a window may end a few frames before the newest frame.
        self.frames = FrameRing(spec.window_frames + hop_frames, spec.n_mels)
        self.pending = np.zeros(0, dtype=np.float32)
        self.frames_seen = 0
        self.next_end = spec.window_frames  # offline windows end at window_frames + k * hop

    def push(self, audio: np.ndarray) -> list[float]:
        """Scores of every window completed by ``audio`` (on the hop grid of offline scoring)."""
        self.pending = np.concatenate([self.pending, audio.astype(np.float32)])
        scores = []
        while len(self.pending) >= self.hop_samples:
            hop, self.pending = self.pending[: self.hop_samples], self.pending[self.hop_samples :]
            scores.extend(self._hop(hop))
        return scores

    def _hop(self, hop: np.ndarray) -> list[float]:
        samples = np.concatenate([self.tail, hop])
        new = log_mel(samples, self.spec)
        used = len(new) * self.spec.hop_length
        self.tail = samples[used:]
        if len(new) == 0:
            return []
        self.frames.push(new)
        self.frames_seen += len(new)
        scores = []
        first = self.frames_seen - self.frames.capacity  # frame index of view()[0]
        while self.next_end <= self.frames_seen:
            stop = self.next_end - first
            window = self.frames.view()[stop - self.spec.window_frames : stop]
            scores.append(float(self.scorer(window[None])))
            self.next_end += self.hop_frames
        return scores


def detect_events(
    scores: Iterator[float] | list[float], rule: EventRule, spec: FeatureSpec, threshold: float
) -> list[Detection]:
    """Events over a stream of raw scores, by the one event definition (online form)."""
    detections, history = [], []
    refractory = rule.refractory_hops(spec)
    last = -(10**9)
    window_seconds = (spec.window_samples) / spec.sample_rate
    for hop, score in enumerate(scores):
        history.append(score)
        smoothed = float(np.mean(history[-rule.smoothing_hops :]))
        if smoothed >= threshold and hop - last >= refractory:
            last = hop
            end = hop * rule.hop_seconds(spec) + window_seconds
            detections.append(Detection(round(end, 3), smoothed, hop))
    return detections
