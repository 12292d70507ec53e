"""Parameters of ``wakeword.ingest`` (speech, negatives, backgrounds, rooms, long-form audio)
and ``wakeword.validate`` (the dataset scanner)."""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator

from auralab.core.params import StrictModel


class Range(StrictModel):
    """A closed interval ``[low, high]``."""

    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.high < self.low:
            raise ValueError(f"high ({self.high}) must be >= low ({self.low})")
        return self


class GeneratedVoiceParams(StrictModel):
    """Voice variants recombined from the training variants, speaking training clips only
    (auralab/wakeword/voices.py)."""

    count: int = Field(default=0, ge=0, le=999, description="generated variants; 0 = none")
    share: float = Field(
        default=0.5, ge=0, le=1, description="share of training clips spoken by them"
    )
    seed: int = 0
    pitch_scale: Range = Range(low=0.8, high=1.25)
    tract_scale: Range = Field(
        default=Range(low=0.85, high=1.18), description="formant frequency scale (F1..F5)"
    )
    whisper_share: float = Field(default=0.1, ge=0, le=1, description="whispered phonation")
    breathy_share: float = Field(default=0.15, ge=0, le=1, description="breathy phonation")
    trait_jitter: float = Field(
        default=0.0,
        ge=0,
        le=0.5,
        description="each formant's frequency and bandwidth and each tone frequency scaled by"
        " its own factor in 1 +- this: voices beyond the donors' traits; 0 = recombined only",
    )

    @model_validator(mode="after")
    def _shares(self) -> Self:
        if self.whisper_share + self.breathy_share > 1:
            raise ValueError("whisper_share + breathy_share must be at most 1")
        if not (self.pitch_scale.low >= 0.3 and self.pitch_scale.high <= 3):
            raise ValueError("pitch_scale must lie within 0.3..3")
        if not (self.tract_scale.low >= 0.5 and self.tract_scale.high <= 1.6):
            raise ValueError("tract_scale must lie within 0.5..1.6")
        return self


class SpeakerParams(StrictModel):
    """espeak-ng speakers: every (language voice, variant) pair; split by variant."""

    languages: list[str] = Field(
        min_length=1, description="espeak-ng language voices, e.g. en-us, en-gb-x-rp, de"
    )
    exclude_variants: list[str] = Field(default=[], description="variants never used")
    validation_fraction: float = Field(default=0.1, ge=0, lt=1)
    test_fraction: float = Field(default=0.15, gt=0, lt=1)
    salt: str = Field(default="auralab-wakeword-v1", min_length=1)
    generated: GeneratedVoiceParams = GeneratedVoiceParams()

    @model_validator(mode="after")
    def _fractions(self) -> Self:
        if self.validation_fraction + self.test_fraction >= 1:
            raise ValueError("validation_fraction + test_fraction must leave room for training")
        return self


class NegativeCounts(StrictModel):
    """How many negative clips of each kind to synthesize."""

    adversarial: int = Field(ge=0, description="near-miss phrases and phoneme substitutions")
    partial: int = Field(ge=0, description="parts of the phrase alone (`hey`, `aura`)")
    speech: int = Field(ge=0, description="everyday sentences")
    context: int = Field(
        default=0,
        ge=0,
        description="the phrase's shape with other words (`hey we`, `the aura`), windowed like "
        "positives; none for a one-word phrase",
    )
    silence: int = Field(ge=0, description="near-silent clips (low noise floor)")


class BackgroundParams(StrictModel):
    """Background clips for augmentation and mixing, per kind; each ``seconds`` long."""

    noise: int = Field(ge=0, description="coloured noise clips (white, pink, brown, blue)")
    music: int = Field(ge=0, description="clips rendered from the music family's MIDI")
    babble: int = Field(ge=0, description="clips of 3 to 6 overlapping talkers")
    seconds: float = Field(gt=0, le=600)


class RoomParams(StrictModel):
    """Shoebox rooms simulated with pyroomacoustics (image source method)."""

    count: int = Field(ge=0)
    length_m: Range
    width_m: Range
    height_m: Range
    rt60_s: Range
    max_order: int = Field(default=24, ge=1, le=80, description="image-source reflection order")


class LongformParams(StrictModel):
    """Long negative recordings: evaluation audio (false accepts per hour), validation audio
    (checkpoint selection) and a mining pool (hard negatives and random negative windows)."""

    evaluation_minutes: float = Field(gt=0)
    mining_minutes: float = Field(gt=0)
    validation_minutes: float = Field(
        default=20.0, ge=0, description="validation speakers and material; 0 = none"
    )
    chunk_minutes: float = Field(default=5.0, gt=0, description="one FLAC file per chunk")
    speech_share: float = Field(default=0.4, ge=0, le=1)
    music_share: float = Field(default=0.3, ge=0, le=1)
    noise_share: float = Field(default=0.15, ge=0, le=1)
    babble_share: float = Field(default=0.15, ge=0, le=1)
    noise_floor_dbfs: float = Field(default=-55.0, le=-20)

    @model_validator(mode="after")
    def _shares(self) -> Self:
        total = self.speech_share + self.music_share + self.noise_share + self.babble_share
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"speech/music/noise/babble shares must sum to 1, got {total:.3f}")
        return self


class IngestParams(StrictModel):
    """What to synthesize, and how user recordings are read."""

    phrase: str = Field(min_length=2, description="the wake phrase")
    seed: int
    sample_rate: int = Field(default=16000, ge=8000, le=48000)
    speakers: SpeakerParams
    rate_wpm: Range
    pitch: Range
    positives: int = Field(ge=1)
    negatives: NegativeCounts
    near_phrases: list[str] = Field(description="similar-sounding phrases used as negatives")
    backgrounds: BackgroundParams
    rooms: RoomParams
    longform: LongformParams
    max_user_file_seconds: float = Field(default=600.0, gt=0)
    workers: int = Field(default=2, ge=1, le=64)

    @model_validator(mode="after")
    def _ranges(self) -> Self:
        if not 80 <= self.rate_wpm.low <= self.rate_wpm.high <= 450:
            raise ValueError("rate_wpm must lie within 80..450 words per minute")
        if not 0 <= self.pitch.low <= self.pitch.high <= 99:
            raise ValueError("pitch must lie within 0..99")
        return self


class ValidateParams(StrictModel):
    """Dataset scanner thresholds."""

    example_rows: int = Field(default=5, ge=1)
    clipping_level: float = Field(
        default=0.999, gt=0, le=1, description="|sample| counted as clipped"
    )
    max_clipped_share: float = Field(default=0.01, ge=0, le=1, description="per file")
    silence_dbfs: float = Field(default=-60.0, lt=0, description="RMS below this is silence")
