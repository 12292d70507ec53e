"""Typed parameters of the music family, one model per Kedro stage (``music.<stage>`` in params.yaml)."""

from __future__ import annotations

import math
from functools import reduce
from pathlib import Path
from typing import Literal, Self

from pydantic import Field, model_validator

from auralab.core.params import FloatRange, StrictModel, validate_params

GridDivision = Literal[1, 2, 3, 4, 6, 8, 12, 16]
TIME_SIGNATURE_PATTERN = r"^[1-9][0-9]?/(1|2|4|8|16|32)$"


class IngestParams(StrictModel):
    """Which files to parse and what counts as a usable file."""

    max_files: int | None = Field(
        default=None, ge=1, description="cap, in sorted order; None = all"
    )
    min_notes: int = Field(default=8, ge=1, description="files with fewer notes are quarantined")
    max_file_megabytes: float = Field(
        default=16.0, gt=0, description="larger files are quarantined"
    )


class QuantizeParams(StrictModel):
    """Snap onsets and offsets to the union of beat subdivisions (4 = 16ths, 3 = 8th triplets)."""

    grid_divisions: list[GridDivision] = Field(default=[4, 3], min_length=1)
    max_note_beats: float = Field(default=8.0, gt=0, description="longer notes are shortened")

    @property
    def ticks_per_beat(self) -> int:
        """Tick resolution: the least common multiple of the grid divisions."""
        return reduce(math.lcm, self.grid_divisions, 1)


class VelocityParams(StrictModel):
    """Velocity normalization into uniform bins over 1..127."""

    n_bins: int = Field(default=8, ge=1, le=127)


class PolyphonyParams(StrictModel):
    """Voice limit; the lowest (bass) and highest (melody) sounding notes are kept first."""

    max_voices: int = Field(default=6, ge=1, le=32)


class TokenizerParams(StrictModel):
    """Event vocabulary options."""

    max_time_shift_beats: int = Field(default=4, ge=1, le=16, description="longest TIME_SHIFT")
    bar_tokens: bool = True
    time_signatures: list[str] = Field(
        default=["2/4", "3/4", "4/4", "2/2", "3/2", "3/8", "6/8", "9/8", "12/8"], min_length=1
    )
    default_time_signature: str = Field(default="4/4", pattern=TIME_SIGNATURE_PATTERN)

    @model_validator(mode="after")
    def _default_is_listed(self) -> Self:
        if self.default_time_signature not in self.time_signatures:
            raise ValueError(
                f"default_time_signature {self.default_time_signature!r} must be one of "
                f"time_signatures {self.time_signatures}"
            )
        return self


class SplitParams(StrictModel):
    """Train/validation/test split by a stable hash of the source file name."""

    validation_fraction: float = Field(default=0.1, ge=0.0, le=0.5)
    test_fraction: float = Field(default=0.1, ge=0.0, le=0.5)
    salt: str = "auralab-music-v1"


class PreprocessParams(StrictModel):
    """Everything between the note table and the token dataset."""

    quantize: QuantizeParams = QuantizeParams()
    velocity: VelocityParams = VelocityParams()
    polyphony: PolyphonyParams = PolyphonyParams()
    tokenizer: TokenizerParams = TokenizerParams()
    split: SplitParams = SplitParams()


class ValidateParams(StrictModel):
    """How much of a failed expectation the error message shows."""

    example_rows: int = Field(default=5, ge=1, le=100)


class RangeAugmentation(StrictModel):
    """An augmentation applied with ``probability``, its amount drawn uniformly in [low, high]."""

    probability: float = Field(ge=0.0, le=1.0)
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.low > self.high:
            raise ValueError(f"low ({self.low}) must not exceed high ({self.high})")
        return self


class InstrumentSubstitution(StrictModel):
    """Replace each program with another of the same General MIDI family, or any program."""

    probability: float = Field(ge=0.0, le=1.0)
    scope: Literal["same_family", "any"] = "same_family"


class AugmentParams(StrictModel):
    """On-the-fly augmentation plan: each entry's probability and range, plus the seed."""

    seed: int = 20261122
    min_pitch: int = Field(
        default=21, ge=0, le=127, description="transposition keeps notes >= this"
    )
    max_pitch: int = Field(default=108, ge=0, le=127, description="... and <= this")
    transpose: RangeAugmentation = RangeAugmentation(probability=0.8, low=-5, high=6)
    time_stretch: RangeAugmentation = RangeAugmentation(probability=0.3, low=0.8, high=1.25)
    velocity_scale: RangeAugmentation = RangeAugmentation(probability=0.5, low=0.7, high=1.3)
    instrument_substitution: InstrumentSubstitution = InstrumentSubstitution(probability=0.2)
    swing: RangeAugmentation = RangeAugmentation(probability=0.2, low=0.0, high=0.17)
    humanize: RangeAugmentation = RangeAugmentation(probability=0.3, low=0.0, high=0.09)
    check_sample_size: int = Field(default=64, ge=1)

    @model_validator(mode="after")
    def _pitch_range(self) -> Self:
        if self.min_pitch > self.max_pitch:
            raise ValueError(f"min_pitch ({self.min_pitch}) exceeds max_pitch ({self.max_pitch})")
        return self


class ModelParams(StrictModel):
    """Transformer size (about 5M parameters by default)."""

    n_layer: int = Field(default=4, ge=1, le=48)
    n_head: int = Field(default=8, ge=1, le=64)
    n_embd: int = Field(default=320, ge=16, le=4096)
    dropout: float = Field(default=0.05, ge=0.0, lt=1.0)

    @model_validator(mode="after")
    def _heads_divide_width(self) -> Self:
        if self.n_embd % self.n_head:
            raise ValueError(f"n_embd ({self.n_embd}) must be a multiple of n_head ({self.n_head})")
        return self


class SweepParams(StrictModel):
    """Optuna study over learning rate, width, depth and dropout; off when ``n_trials`` is 0."""

    n_trials: int = Field(default=0, ge=0)
    storage: str = Field(default="sqlite:///optuna.db", description="any SQLAlchemy URL")
    study_name: str = "auralab-music"
    steps_per_trial: int = Field(default=200, ge=1)
    lr: FloatRange = FloatRange(low=3e-4, high=3e-3, log=True)
    n_embd: list[int] = Field(default=[128, 192, 256, 320], min_length=1)
    n_layer: list[int] = Field(default=[2, 3, 4], min_length=1)
    dropout: FloatRange = FloatRange(low=0.0, high=0.3)


class TrainParams(StrictModel):
    """Training of the music transformer (the ``music.train`` section)."""

    model: ModelParams = ModelParams()
    seq_len: int = Field(
        default=256, ge=8, le=8192, description="tokens per training window = the model's context"
    )
    batch_size: int = Field(default=16, ge=1)
    piece_start_probability: float = Field(
        default=0.2, ge=0.0, le=1.0, description="share of windows cropped at the piece's start"
    )
    max_steps: int = Field(default=400, ge=1)
    lr: float = Field(default=2e-3, gt=0)
    min_lr_ratio: float = Field(default=0.1, ge=0, le=1)
    warmup_steps: int = Field(default=30, ge=1)
    weight_decay: float = Field(default=0.1, ge=0)
    grad_clip: float = Field(default=1.0, gt=0)
    eval_every: int = Field(default=50, ge=1)
    eval_windows: int = Field(default=32, ge=1, description="validation windows per evaluation")
    checkpoint_every: int = Field(default=50, ge=1)
    patience: int = Field(default=4, ge=1, description="evaluations without improvement")
    compile: bool = False
    gradient_checkpointing: bool = False
    num_workers: int = Field(default=1, ge=0)
    prefetch_factor: int = Field(default=4, ge=1)
    resume: bool = True
    seed: int = 1234
    sample_every: int = Field(default=200, ge=1, description="steps between logged samples")
    n_samples: int = Field(default=2, ge=0)
    sample_tokens: int = Field(default=384, ge=16)
    sweep: SweepParams = SweepParams()


class GenerationParams(StrictModel):
    """Sampling settings and grammar constraints for generated pieces."""

    n_pieces: int = Field(default=16, ge=1)
    max_new_tokens: int = Field(default=512, ge=16)
    temperature: float = Field(default=1.0, gt=0)
    top_k: int | None = Field(default=None, ge=1)
    top_p: float | None = Field(default=0.95, gt=0, le=1)
    seed: int = 7
    max_note_beats: float = Field(default=4.0, gt=0, description="constraint: longest note")
    max_polyphony: int | None = Field(default=6, ge=1, description="constraint: voices at once")
    min_notes: int = Field(default=8, ge=1, description="constraint: notes before EOS")
    tempo_bpm: float = Field(default=90.0, gt=0, description="tempo written into the MIDI files")


class JsbParams(StrictModel):
    """The same model family trained and scored in the published JSB-chorale (SATB) framing."""

    enabled: bool = True
    train: TrainParams = TrainParams(
        model=ModelParams(n_layer=3, n_embd=256, n_head=8, dropout=0.05),
        max_steps=300, eval_every=50, checkpoint_every=10_000, n_samples=0, num_workers=0,
    )  # fmt: skip


class EvaluateParams(StrictModel):
    """Held-out scoring and the comparison of generated pieces with real ones."""

    score_stride: int = Field(default=128, ge=1, description="window stride for test NLL")
    ngram_smoothing: float = Field(default=0.1, gt=0)
    generation: GenerationParams = GenerationParams()
    jsb: JsbParams = JsbParams()


class ExportParams(StrictModel):
    """Where the exported model goes."""

    register_model: bool = True
    registered_model_name: str = Field(default="auralab-music", min_length=1)


class MusicParams(StrictModel):
    """The whole ``music`` section of params.yaml."""

    ingest: IngestParams = IngestParams()
    validate_: ValidateParams = Field(default=ValidateParams(), alias="validate")
    preprocess: PreprocessParams = PreprocessParams()
    augment: AugmentParams = AugmentParams()
    train: TrainParams = TrainParams()
    evaluate: EvaluateParams = EvaluateParams()
    export: ExportParams = ExportParams()


def load_music_params(path: Path) -> MusicParams:
    """The validated ``music`` section of a params.yaml (for scripts outside Kedro)."""
    import yaml

    return validate_params(MusicParams, yaml.safe_load(path.read_text()).get("music"), "music")
