"""Log-mel features, identical offline and in streaming (frames are never centred or padded).

Frame ``i`` covers samples ``[i * hop, i * hop + n_fft)``; a window of ``W`` frames needs
``(W - 1) * hop + n_fft`` samples. The mel filterbank is librosa's (Slaney); the framing is done
here so that a streaming caller computing only the newest frames gets the same numbers.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from auralab.wakeword.params import FeatureParams

LOG_FLOOR = 1e-6


@dataclass(frozen=True)
class FeatureSpec:
    """Everything a model's input depends on; stored in checkpoints and compared for teachers."""

    sample_rate: int
    n_mels: int
    n_fft: int
    hop_length: int
    fmin: float
    fmax: float
    window_frames: int

    @classmethod
    def build(cls, params: FeatureParams, sample_rate: int, window_seconds: float) -> FeatureSpec:
        window_samples = round(window_seconds * sample_rate)
        frames = 1 + (window_samples - params.n_fft) // params.hop_length
        return cls(
            sample_rate,
            params.n_mels,
            params.n_fft,
            params.hop_length,
            params.fmin,
            params.fmax,
            frames,
        )

    @property
    def window_samples(self) -> int:
        return (self.window_frames - 1) * self.hop_length + self.n_fft

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> FeatureSpec:
        return cls(**{k: values[k] for k in cls.__dataclass_fields__})


@dataclass
class FeatureSet:
    """``features``: [N, frames, n_mels] log-mel; ``table``: one row per item; ``spec``: dict."""

    features: np.ndarray
    table: pd.DataFrame
    spec: dict[str, Any]


@functools.lru_cache(maxsize=8)
def _filterbank(sample_rate: int, n_fft: int, n_mels: int, fmin: float, fmax: float) -> np.ndarray:
    import librosa

    return librosa.filters.mel(
        sr=sample_rate, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax
    ).astype(np.float32)


@functools.lru_cache(maxsize=8)
def _window(n_fft: int) -> np.ndarray:
    return np.hanning(n_fft + 1)[:-1].astype(np.float32)  # periodic Hann


def n_frames(n_samples: int, spec: FeatureSpec) -> int:
    return 0 if n_samples < spec.n_fft else 1 + (n_samples - spec.n_fft) // spec.hop_length


def log_mel(audio: np.ndarray, spec: FeatureSpec) -> np.ndarray:
    """Mono float32 samples -> [frames, n_mels] float32 natural-log mel power."""
    frames = n_frames(len(audio), spec)
    if frames == 0:
        return np.zeros((0, spec.n_mels), dtype=np.float32)
    view = np.lib.stride_tricks.sliding_window_view(audio.astype(np.float32), spec.n_fft)
    windowed = view[:: spec.hop_length][:frames] * _window(spec.n_fft)
    power = np.abs(np.fft.rfft(windowed, axis=-1)) ** 2
    mel = (
        power.astype(np.float32)
        @ _filterbank(spec.sample_rate, spec.n_fft, spec.n_mels, spec.fmin, spec.fmax).T
    )
    return np.log(mel + LOG_FLOOR).astype(np.float32)


def log_mel_batch(clips: np.ndarray, spec: FeatureSpec) -> np.ndarray:
    """[N, samples] -> [N, frames, n_mels]."""
    return (
        np.stack([log_mel(c, spec) for c in clips])
        if len(clips)
        else np.zeros((0, n_frames(clips.shape[-1], spec), spec.n_mels), dtype=np.float32)
    )
