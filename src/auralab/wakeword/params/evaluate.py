"""Parameters of ``wakeword.evaluate``: the event rule, bootstrap and the cascade."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, model_validator

from auralab.core.params import StrictModel
from auralab.wakeword.pooling import Pooling


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
        default=12,
        ge=0,
        le=25,
        description="hops after the sentry fires whose windows the judge also scores (pooled by"
        " judge_pooling, with the sentry's smoothed scores over them, pooled by sentry_pooling):"
        " the decision comes this many x 80 ms later; about twice detection.smoothing_hops, or"
        " the cascade misses what the sentry alone detects",
    )
    sentry_pooling: Pooling = Field(
        default="mean",
        description="the sentry's score for a trigger: the mean or the highest of its smoothed"
        " scores over the trigger's hops",
    )
    judge_pooling: Pooling = Field(
        default="mean",
        description="the judge's score for a trigger: its mean or its highest probability over"
        " the trigger's windows",
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
    scoring_backend: Literal["onnxruntime", "pytorch"] = Field(
        default="onnxruntime",
        description="what scores the evaluation audio: onnxruntime (the detector exported in"
        " memory and checked against PyTorch; about 1.8 times faster on CPU) or pytorch",
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
