"""Typed parameters of the wakeword family, one model per Kedro stage (``wakeword.<stage>``),
in one module per stage."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from auralab.core.params import StrictModel, validate_params
from auralab.wakeword.params.evaluate import (
    BootstrapParams,
    CascadeParams,
    DetectionParams,
    EvaluateParams,
)
from auralab.wakeword.params.ingest import (
    BackgroundParams,
    GeneratedVoiceParams,
    IngestParams,
    LongformParams,
    NegativeCounts,
    Range,
    RoomParams,
    SpeakerParams,
    ValidateParams,
)
from auralab.wakeword.params.preprocess import (
    AugmentParams,
    EvaluationMixParams,
    FeatureParams,
    FrequencyWarpParams,
    GainParams,
    PreprocessParams,
    Probability,
    ShiftParams,
    SnrSchedule,
    SpecMaskParams,
)
from auralab.wakeword.params.train import (
    DetectorParams,
    DistillationParams,
    FitParams,
    MiningParams,
    SelectionParams,
    SentryFitParams,
    SweepParams,
    TeacherParams,
    TrainParams,
)

__all__ = [
    "AugmentParams",
    "BackgroundParams",
    "BootstrapParams",
    "CascadeParams",
    "DetectionParams",
    "DetectorParams",
    "DistillationParams",
    "EvaluateParams",
    "EvaluationMixParams",
    "FeatureParams",
    "FitParams",
    "FrequencyWarpParams",
    "GainParams",
    "GeneratedVoiceParams",
    "IngestParams",
    "LongformParams",
    "MiningParams",
    "NegativeCounts",
    "PreprocessParams",
    "Probability",
    "Range",
    "RoomParams",
    "SelectionParams",
    "SentryFitParams",
    "ShiftParams",
    "SnrSchedule",
    "SpeakerParams",
    "SpecMaskParams",
    "SweepParams",
    "TeacherParams",
    "TrainParams",
    "ValidateParams",
    "WakewordParams",
    "load_wakeword_params",
]


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
