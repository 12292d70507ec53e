"""The event vocabulary: token names and id ranges, serialisable and versioned by content hash."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from auralab.core.errors import ConfigError
from auralab.music.notes import DRUM_PROGRAM
from auralab.music.params import PreprocessParams

SPECIALS = ("PAD", "BOS", "EOS", "BAR")


@dataclass(frozen=True)
class Vocabulary:
    """Token layout; each family of tokens occupies one contiguous id range."""

    ticks_per_beat: int
    n_velocity_bins: int
    max_shift_ticks: int
    time_signatures: tuple[str, ...]
    default_time_signature: str
    bar_tokens: bool
    names: tuple[str, ...] = field(init=False)
    offsets: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        groups: list[tuple[str, list[str]]] = [
            ("SPECIAL", list(SPECIALS)),
            ("TIMESIG", [f"TIMESIG_{ts}" for ts in self.time_signatures]),
            ("PROGRAM", [f"PROGRAM_{p}" for p in range(DRUM_PROGRAM)] + ["PROGRAM_DRUMS"]),
            ("VELOCITY", [f"VELOCITY_{b}" for b in range(self.n_velocity_bins)]),
            ("NOTE_ON", [f"NOTE_ON_{p}" for p in range(128)]),
            ("NOTE_OFF", [f"NOTE_OFF_{p}" for p in range(128)]),
            ("TIME_SHIFT", [f"TIME_SHIFT_{t}" for t in range(1, self.max_shift_ticks + 1)]),
        ]
        names: list[str] = []
        offsets: dict[str, int] = {}
        for group, group_names in groups:
            offsets[group] = len(names)
            names += group_names
        object.__setattr__(self, "names", tuple(names))
        object.__setattr__(self, "offsets", offsets)
        for signature in self.time_signatures:
            self.ticks_per_bar(signature)

    @classmethod
    def from_params(cls, params: PreprocessParams) -> Vocabulary:
        tpb = params.quantize.ticks_per_beat
        return cls(
            ticks_per_beat=tpb,
            n_velocity_bins=params.velocity.n_bins,
            max_shift_ticks=params.tokenizer.max_time_shift_beats * tpb,
            time_signatures=tuple(params.tokenizer.time_signatures),
            default_time_signature=params.tokenizer.default_time_signature,
            bar_tokens=params.tokenizer.bar_tokens,
        )

    @property
    def size(self) -> int:
        return len(self.names)

    def ticks_per_bar(self, signature: str) -> int:
        """Bar length in ticks of a ``"n/d"`` time signature; ConfigError if not a whole number."""
        numerator, denominator = (int(x) for x in signature.split("/"))
        ticks = numerator * 4 * self.ticks_per_beat / denominator
        if ticks != int(ticks):
            raise ConfigError(
                f"time signature {signature} is not a whole number of ticks at "
                f"{self.ticks_per_beat} ticks per beat; add a finer grid division or drop it"
            )
        return int(ticks)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, with a ``version`` that changes whenever any token changes."""
        config = {
            "ticks_per_beat": self.ticks_per_beat,
            "n_velocity_bins": self.n_velocity_bins,
            "max_shift_ticks": self.max_shift_ticks,
            "time_signatures": list(self.time_signatures),
            "default_time_signature": self.default_time_signature,
            "bar_tokens": self.bar_tokens,
        }
        digest = hashlib.sha256(json.dumps([config, self.names]).encode()).hexdigest()[:12]
        return {"version": digest, "size": self.size, "config": config, "tokens": list(self.names)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Vocabulary:
        """Inverse of :meth:`to_dict`; refuses a file whose tokens do not match its config."""
        config = dict(data["config"])
        config["time_signatures"] = tuple(config["time_signatures"])
        vocabulary = cls(**config)
        if list(vocabulary.names) != list(data["tokens"]):
            raise ConfigError("vocabulary file is inconsistent: its tokens do not match its config")
        return vocabulary
