"""Typed parameters of the wakeword family, one model per Kedro stage (``wakeword.<stage>``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Self

from pydantic import Field, field_validator, model_validator

from auralab.core.params import FloatRange, StrictModel, validate_params


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
    check_sample_size: int = Field(default=32, ge=1)
    check_epochs: list[int] = Field(default=[0, 3, 6], min_length=1)


class DetectorParams(StrictModel):
    """Architecture: ``channels`` per 1-D block (``separable1d``, the sentry's default) or per
    2-D stage (``conv2d``, the judge's default)."""

    architecture: Literal["separable1d", "conv2d"] | None = Field(
        default=None, description="None = the model's default"
    )
    channels: list[int] = Field(min_length=1)
    window_mean_norm: bool = Field(
        default=False, description="remove each mel bin's mean over the window (timbre, channel)"
    )
    kernel_size: int = Field(default=5, ge=1, le=15)
    dropout: float = Field(default=0.1, ge=0, le=0.5)


class FitParams(StrictModel):
    """How one detector is trained; one epoch = every training item once."""

    model: DetectorParams
    epochs: int = Field(ge=1)
    lr: float = Field(gt=0)
    min_lr_ratio: float = Field(default=0.05, ge=0, le=1)
    warmup_steps: int = Field(default=30, ge=1)
    weight_decay: float = Field(default=0.01, ge=0)
    patience: int = Field(default=3, ge=1, description="epochs without validation improvement")
    ema_decay: float | None = Field(
        default=None,
        gt=0,
        lt=1,
        description="evaluate and keep an exponential moving average of the weights; null = off",
    )


class TeacherParams(StrictModel):
    """A distillation teacher: ``judge`` (this run's judge) or a path to a saved detector."""

    source: str = Field(min_length=1)
    weight: float = Field(default=1.0, gt=0)


class DistillationParams(StrictModel):
    """Loss = (1 - alpha) * labels + alpha * T^2 * teachers' weighted soft targets at T."""

    teachers: list[TeacherParams] = Field(default=[], max_length=2)
    alpha: float = Field(default=0.5, ge=0, le=1)
    temperature: float = Field(default=2.0, gt=0)


class SentryFitParams(FitParams):
    distillation: DistillationParams = DistillationParams()


class SweepParams(StrictModel):
    """Optuna study over the sentry's learning rate, width, depth and dropout; off at 0 trials."""

    n_trials: int = Field(default=0, ge=0)
    storage: str = Field(default="sqlite:///optuna.db", description="any SQLAlchemy URL")
    study_name: str = "auralab-wakeword-sentry"
    epochs_per_trial: int = Field(default=2, ge=1)
    lr: FloatRange = FloatRange(low=1e-3, high=1e-2, log=True)
    width: list[int] = Field(default=[64, 96, 128], min_length=1)
    depth: list[int] = Field(default=[4, 6], min_length=1)
    dropout: FloatRange = FloatRange(low=0.0, high=0.3)


class SelectionParams(StrictModel):
    """Which trainings keep the epoch with the fewest missed validation wake words at low false
    accepts per hour (``auralab.wakeword.selection``) instead of the lowest validation loss."""

    detectors: list[Literal["sentry", "judge"]] = Field(
        default=[], description="trainings that select this way; [] = all by loss"
    )
    fa_per_hour: list[float] = Field(
        default=[3.0, 6.0, 9.0],
        min_length=1,
        description="the FRR is averaged over these rates on the validation long-form audio",
    )

    @field_validator("fa_per_hour")
    @classmethod
    def _positive(cls, rates: list[float]) -> list[float]:
        if any(rate <= 0 for rate in rates):
            raise ValueError(f"rates must be positive, got {rates}")
        return rates


class MiningParams(StrictModel):
    """Hard negatives: mining-pool windows the first sentry scores above ``threshold``."""

    enabled: bool = True
    threshold: float = Field(default=0.2, gt=0, lt=1, description="sentry probability")
    refractory_seconds: float = Field(default=1.0, ge=0, description="one window per event")
    max_negatives: int = Field(default=2000, ge=1)
    retrain: bool = Field(default=True, description="train the sentry again with them")
    sentry_retrain: Literal["from_scratch", "fine_tune"] = Field(
        default="from_scratch",
        description="the sentry again from scratch with the hard negatives, or fine-tuned",
    )
    shipped_sentry: Literal["ensemble", "mined"] = Field(
        default="ensemble",
        description="ensemble: the mean of the sentries before and after mining; mined: the "
        "retrained sentry alone",
    )
    judge_teacher: Literal["sentry_unmined", "none"] = Field(
        default="sentry_unmined",
        description="the judge's fine-tune on hard negatives is distilled from the first sentry "
        "(alpha and temperature of sentry.distillation), or from the labels alone (none)",
    )
    retrain_epochs: int = Field(default=4, ge=1)
    retrain_lr_ratio: float = Field(
        default=0.3, gt=0, le=1, description="fine-tuning learning rate / the sentry's"
    )


class TrainParams(StrictModel):
    """Judge, then sentry (distilled), then mining and an optional sentry retrain."""

    seed: int
    batch_size: int = Field(default=64, ge=2)
    num_workers: int = Field(default=1, ge=0)
    prefetch_factor: int = Field(default=4, ge=1)
    background_windows: int = Field(
        default=1000, ge=0, description="background-only negative windows per epoch"
    )
    longform_windows: int = Field(
        default=0,
        ge=0,
        description="negative windows cropped afresh each epoch from the mining pool",
    )
    class_weighting: Literal["balanced", "none"] = Field(
        default="balanced", description="balanced: positives weighted by negatives/positives"
    )
    compile: bool = False
    gradient_checkpointing: bool = False
    resume: bool = True
    judge: FitParams
    sentry: SentryFitParams
    sweep: SweepParams = SweepParams()
    mining: MiningParams = MiningParams()
    selection: SelectionParams = SelectionParams()


class DetectionParams(StrictModel):
    """The event definition (``auralab.wakeword.scoring``): smoothing and refractory period."""

    smoothing_hops: int = Field(default=3, ge=1, description="causal mean of the last N scores")
    refractory_seconds: float = Field(default=2.0, ge=0, description="one event per burst")


class BootstrapParams(StrictModel):
    samples: int = Field(default=1000, ge=10)
    block_seconds: float = Field(
        default=60.0, gt=0, description="negative audio is resampled in blocks this long"
    )
    confidence: float = Field(default=0.95, gt=0, lt=1)
    seed: int = 11


class CascadeParams(StrictModel):
    """Sentry on the stream, judge over HTTP on each trigger."""

    judge_url: str | None = Field(
        default=None,
        description="a judge service (e.g. `mlflow models serve`); null: serve this run's judge"
        " locally for the evaluation",
    )
    timeout_seconds: float = Field(default=2.0, gt=0)
    retries: int = Field(default=2, ge=0)
    backoff_seconds: float = Field(default=0.05, ge=0)
    on_unreachable: Literal["accept", "reject"] = Field(
        default="accept",
        description="accept: keep the sentry's trigger (fail open); reject: drop it (fail closed)",
    )
    fusion: Literal["judge", "mean"] = Field(
        default="mean",
        description="judge: the judge's probability decides; mean: a weighted mean of the"
        " sentry's smoothed score and the judge's",
    )
    judge_weight: float = Field(
        default=0.2,
        ge=0,
        le=1,
        description="the judge's share of the mean fusion (0.5: the plain mean)",
    )
    sentry_fa_per_hour: float = Field(
        default=10.0,
        gt=0,
        description="the sentry's (looser) operating point inside the cascade; above every"
        " comparison rate",
    )
    lookahead_hops: int = Field(
        default=6,
        ge=0,
        le=25,
        description="hops after the sentry fires whose windows the judge also scores (its highest"
        " counts, and the sentry's peak): the decision comes this many x 80 ms later",
    )

    @property
    def judge_share(self) -> float:
        """The judge's weight in the decision score (1: the judge alone decides)."""
        return 1.0 if self.fusion == "judge" else self.judge_weight


class EvaluateParams(StrictModel):
    detection: DetectionParams = DetectionParams()
    target_fa_per_hour: list[float] = Field(default=[0.1, 0.5, 1.0], min_length=1)
    operating_fa_per_hour: float = Field(
        default=0.5, gt=0, description="breakdowns and the exported threshold use this rate"
    )
    comparison_fa_per_hour: list[float] = Field(
        default=[1.0, 2.0, 5.0],
        min_length=1,
        description="rates of the sentry alone at whose FRR mining and the cascade are compared",
    )
    bootstrap: BootstrapParams = BootstrapParams()
    cascade: CascadeParams = CascadeParams()
    snr_bins_db: list[float] = Field(default=[0, 2.5, 5, 7.5, 10], min_length=2)
    loudest_false_accepts: int = Field(
        default=20, ge=0, description="highest-scoring events on the evaluation audio to list"
    )

    @model_validator(mode="after")
    def _cascade_is_looser(self) -> Self:
        highest = max([self.operating_fa_per_hour, *self.comparison_fa_per_hour])
        if self.cascade.sentry_fa_per_hour <= highest:
            raise ValueError(
                f"cascade.sentry_fa_per_hour ({self.cascade.sentry_fa_per_hour}) must exceed every"
                f" rate the cascade is compared at (highest: {highest})"
            )
        return self


class WakewordParams(StrictModel):
    ingest: IngestParams
    validate_: ValidateParams = Field(default=ValidateParams(), alias="validate")
    preprocess: PreprocessParams
    augment: AugmentParams
    train: TrainParams
    evaluate: EvaluateParams = EvaluateParams()


def load_wakeword_params(path: Path = Path("params.yaml")) -> WakewordParams:
    """Read and validate the ``wakeword`` section of ``params.yaml``."""
    import yaml

    values = yaml.safe_load(path.read_text()).get("wakeword")
    return validate_params(WakewordParams, values, "wakeword")
