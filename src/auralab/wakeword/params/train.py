"""Parameters of ``wakeword.train``: the detectors, distillation, sweep, checkpoint selection
and mining."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from auralab.core.params import FloatRange, StrictModel


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
    front_end: Literal["log_mel", "pcen"] = Field(
        default="log_mel", description="pcen: trainable per-channel energy normalisation"
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
    smoothing_hops: int = Field(
        default=3,
        ge=1,
        description="the scan's causal mean of the last N scores, its own: a shorter mean than "
        "the event rule's also keeps windows that spike for a hop or two",
    )
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
        description="the judge the run ships is the first judge fine-tuned again with the hard "
        "negatives, distilled from the first sentry (alpha and temperature of "
        "sentry.distillation); none: the label-only fine-tune (the second sentry's teacher)",
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
