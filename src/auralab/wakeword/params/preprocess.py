"""Parameters of ``wakeword.preprocess`` (windows, features, evaluation mixtures) and
``wakeword.augment`` (on-the-fly augmentation and its SNR schedule)."""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator

from auralab.core.params import StrictModel
from auralab.wakeword.params.ingest import Range


class FeatureParams(StrictModel):
    """Log-mel features; a model's checkpoint records these and a teacher must match them."""

    n_mels: int = Field(default=40, ge=8, le=256)
    n_fft: int = Field(default=400, ge=64)
    hop_length: int = Field(default=160, ge=16)
    fmin: float = Field(default=60.0, ge=0)
    fmax: float = Field(default=7600.0, gt=0)

    @model_validator(mode="after")
    def _bands(self) -> Self:
        if self.fmax <= self.fmin:
            raise ValueError("fmax must be above fmin")
        if self.hop_length > self.n_fft:
            raise ValueError("hop_length must not exceed n_fft")
        return self


class EvaluationMixParams(StrictModel):
    """How validation and test clips are mixed (fixed per clip, so scores are comparable)."""

    snr_db: Range
    reverb_probability: float = Field(default=1.0, ge=0, le=1)
    context_seconds: float = Field(
        default=0.5,
        ge=0,
        le=5,
        description="background before and after each window, so positives are scored as streams"
        " (rounded to whole stream hops)",
    )
    seed: int = 7


class PreprocessParams(StrictModel):
    """Fixed-length windows, evaluation mixtures and features."""

    window_seconds: float = Field(default=1.5, gt=0.2, le=5)
    stream_hop_seconds: float = Field(
        default=0.08, gt=0, le=0.5, description="a streaming detector scores a window every hop"
    )
    phrase_end_position: Range = Field(
        description="where a positive's speech ends, as a fraction of the window"
    )
    features: FeatureParams
    use_precomputed_features_for_training: bool = Field(
        default=False,
        description="train on features computed once; waveform augmentation then cannot apply",
    )
    evaluation_mix: EvaluationMixParams


class SnrSchedule(StrictModel):
    """Background SNR range by epoch: from ``start`` (easy) to ``end`` (hard) over ``ramp_epochs``."""

    start_db: Range
    end_db: Range
    ramp_epochs: int = Field(ge=1)

    def range_at(self, epoch: int) -> tuple[float, float]:
        """The (low, high) SNR in dB for ``epoch`` (0-based), linear then flat."""
        t = min(max(epoch, 0) / self.ramp_epochs, 1.0)
        low = self.start_db.low + t * (self.end_db.low - self.start_db.low)
        high = self.start_db.high + t * (self.end_db.high - self.start_db.high)
        return low, high


class Probability(StrictModel):
    probability: float = Field(ge=0, le=1)


class GainParams(Probability):
    low_db: float = Field(ge=-40, le=20)
    high_db: float = Field(ge=-40, le=20)


class ShiftParams(Probability):
    max_seconds: float = Field(ge=0, le=1)


class SpecMaskParams(StrictModel):
    """SpecAugment bands on the training features (auralab/wakeword/spec_augment.py); 0 = off."""

    freq_masks: int = Field(default=0, ge=0, le=8)
    freq_width: int = Field(default=0, ge=0, description="mel bins, at most")
    time_masks: int = Field(default=0, ge=0, le=8)
    time_width: int = Field(default=0, ge=0, description="frames (10 ms), at most")


class FrequencyWarpParams(StrictModel):
    """Vocal tract length perturbation of the training features (auralab/wakeword/spec_augment.py):
    each window's frequency axis stretched by a factor in 1 +- ``max_factor``; 0 = off."""

    max_factor: float = Field(default=0.0, ge=0, le=0.3)


class AugmentParams(StrictModel):
    """On-the-fly waveform augmentation (audiomentations) applied by the training dataset, then
    SpecAugment masks on the features."""

    seed: int
    background: Probability
    snr_schedule: SnrSchedule
    reverb: Probability
    gain: GainParams
    shift: ShiftParams
    spec_masks: SpecMaskParams = SpecMaskParams()
    frequency_warp: FrequencyWarpParams = FrequencyWarpParams()
    check_sample_size: int = Field(default=32, ge=1)
    check_epochs: list[int] = Field(default=[0, 3, 6], min_length=1)
