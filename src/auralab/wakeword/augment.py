"""On-the-fly waveform augmentation: room reverb, background at a scheduled SNR, gain, time shift.

Gain and Shift are audiomentations' transforms. Reverb and background are audiomentations
transforms too, but over arrays in memory: audiomentations' own ApplyImpulseResponse and
AddBackgroundNoise read files from a folder, and ours get the catalog's backgrounds and rooms
(kept pure and loaded once per DataLoader worker). The SNR range follows the schedule:
:meth:`WaveformAugmenter.set_epoch` moves it from easy to hard.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from audiomentations import Gain, Shift
from audiomentations.core.transforms_interface import BaseWaveformTransform
from scipy.signal import fftconvolve

from auralab.wakeword.audio import rms
from auralab.wakeword.params import AugmentParams


class ApplyRoom(BaseWaveformTransform):
    """Convolve with a random impulse response from ``rirs``; length and RMS level kept."""

    supports_multichannel = False

    def __init__(self, rirs: Sequence[np.ndarray], p: float = 0.5) -> None:
        super().__init__(p=p)
        self.rirs = list(rirs)

    def randomize_parameters(self, samples: np.ndarray, sample_rate: int) -> None:
        super().randomize_parameters(samples, sample_rate)
        if not self.rirs:
            self.parameters["should_apply"] = False
        if self.parameters["should_apply"]:
            self.parameters["rir_index"] = random.randrange(len(self.rirs))

    def apply(self, samples: np.ndarray, sample_rate: int) -> np.ndarray:
        rir = self.rirs[self.parameters["rir_index"]]
        wet = fftconvolve(samples, rir)[: len(samples)]
        return (wet * (rms(samples) / max(rms(wet), 1e-9))).astype(np.float32)


class AddBackground(BaseWaveformTransform):
    """Add a random excerpt of a random background at an SNR drawn from [min_snr_db, max_snr_db]."""

    supports_multichannel = False

    def __init__(
        self, backgrounds: Sequence[np.ndarray], min_snr_db: float, max_snr_db: float, p: float
    ) -> None:
        super().__init__(p=p)
        self.backgrounds = [b for b in backgrounds if len(b) > 0]
        self.min_snr_db = min_snr_db
        self.max_snr_db = max_snr_db

    def randomize_parameters(self, samples: np.ndarray, sample_rate: int) -> None:
        super().randomize_parameters(samples, sample_rate)
        if not self.backgrounds:
            self.parameters["should_apply"] = False
        if self.parameters["should_apply"]:
            index = random.randrange(len(self.backgrounds))
            span = max(len(self.backgrounds[index]) - len(samples), 0)
            self.parameters.update(
                background_index=index,
                start=random.randint(0, span),
                snr_db=random.uniform(self.min_snr_db, self.max_snr_db),
            )

    def apply(self, samples: np.ndarray, sample_rate: int) -> np.ndarray:
        background = self.backgrounds[self.parameters["background_index"]]
        start = self.parameters["start"]
        noise = background[start : start + len(samples)]
        if len(noise) < len(samples):
            noise = np.resize(noise, len(samples))  # loop a short background
        signal_rms = rms(samples)
        if signal_rms < 1e-6:  # a silent clip: the background at its own level
            return (samples + noise).astype(np.float32)
        scale = signal_rms / max(rms(noise), 1e-9) / 10 ** (self.parameters["snr_db"] / 20)
        return (samples + scale * noise).astype(np.float32)


@dataclass(frozen=True)
class AugmentationRecord:
    """What was applied to one clip (for checks and plots)."""

    reverb: bool
    background: bool
    snr_db: float
    gain: bool
    shift: bool
    limited: bool


class WaveformAugmenter:
    """Callable ``clip -> augmented clip``; call :meth:`set_epoch` at the start of each epoch."""

    def __init__(
        self,
        backgrounds: Sequence[np.ndarray],
        rirs: Sequence[np.ndarray],
        params: AugmentParams,
        sample_rate: int,
        seed: int | None = None,
    ) -> None:
        self.params = params
        self.sample_rate = sample_rate
        self._rng = random.Random(params.seed if seed is None else seed)
        low, high = params.snr_schedule.range_at(0)
        self.room = ApplyRoom(rirs, p=params.reverb.probability)
        self.background = AddBackground(backgrounds, low, high, params.background.probability)
        self.gain = Gain(params.gain.low_db, params.gain.high_db, p=params.gain.probability)
        shift = params.shift.max_seconds
        self.shift = Shift(
            -shift, shift, shift_unit="seconds", rollover=False, p=params.shift.probability
        )
        self.epoch = 0

    def set_epoch(self, epoch: int) -> tuple[float, float]:
        """Move the SNR range to ``epoch``'s; returns it (dB)."""
        self.epoch = epoch
        low, high = self.params.snr_schedule.range_at(epoch)
        self.background.min_snr_db, self.background.max_snr_db = low, high
        return low, high

    def augment(
        self, clip: np.ndarray, seed: int | None = None
    ) -> tuple[np.ndarray, AugmentationRecord]:
        """One augmented copy and what was done. audiomentations draws from the global ``random``;
        it is seeded from ``seed`` (or this augmenter's own generator) so a seed gives one output."""
        random.seed(self._rng.getrandbits(64) if seed is None else seed)
        out = np.asarray(clip, dtype=np.float32)
        out = self.room(out, self.sample_rate)
        out = self.background(out, self.sample_rate)
        out = self.gain(out, self.sample_rate)
        out = self.shift(out, self.sample_rate)
        peak = float(np.abs(out).max()) if out.size else 0.0
        limited = peak > 0.99
        if limited:
            out = out * (0.99 / peak)
        bg = self.background.parameters
        return out.astype(np.float32), AugmentationRecord(
            reverb=bool(self.room.parameters["should_apply"]),
            background=bool(bg["should_apply"]),
            snr_db=float(bg["snr_db"]) if bg["should_apply"] else float("nan"),
            gain=bool(self.gain.parameters["should_apply"]),
            shift=bool(self.shift.parameters["should_apply"]),
            limited=limited,
        )

    def __call__(self, clip: np.ndarray) -> np.ndarray:
        return self.augment(clip)[0]


def schedule_table(params: AugmentParams, epochs: int) -> list[dict[str, Any]]:
    """The SNR range of each epoch, for the plan and for MLflow."""
    return [
        {"epoch": e, "snr_low_db": low, "snr_high_db": high}
        for e in range(epochs)
        for low, high in [params.snr_schedule.range_at(e)]
    ]
