"""Typed parameters of the music family, one model per Kedro stage (``music.<stage>`` in params.yaml)."""

from __future__ import annotations

import math
from functools import reduce
from typing import Literal, Self

from pydantic import Field, model_validator

from auralab.core.params import StrictModel

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


class MusicParams(StrictModel):
    """The whole ``music`` section of params.yaml."""

    ingest: IngestParams = IngestParams()
    validate_: ValidateParams = Field(default=ValidateParams(), alias="validate")
    preprocess: PreprocessParams = PreprocessParams()
    augment: AugmentParams = AugmentParams()
