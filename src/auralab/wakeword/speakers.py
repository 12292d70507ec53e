"""Synthetic speakers: every (espeak-ng language voice, voice variant) pair, split by variant.

Splitting by variant (the voice identity: ``f3``, ``Andy``, ``whisper``...) rather than by clip or
by pair means a test speaker's voice is never heard in training, in any accent. Generated variants
(:mod:`auralab.wakeword.voices`) are training speakers only.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from auralab.core.splits import hash_split
from auralab.wakeword.params import SpeakerParams
from auralab.wakeword.voices import generated_variants

DEFAULT_VARIANT = "default"


@dataclass(frozen=True)
class Speaker:
    language: str
    variant: str
    split: str
    definition: str | None = None  # a generated variant's espeak-ng variant file

    @property
    def voice(self) -> str:
        """The name espeak-ng's SetVoiceByName takes."""
        return (
            self.language if self.variant == DEFAULT_VARIANT else f"{self.language}+{self.variant}"
        )

    @property
    def speaker_id(self) -> str:
        return f"{self.language}+{self.variant}"


def _variant_folder() -> Path:
    import espeakng_loader

    return Path(espeakng_loader.get_data_path()) / "voices" / "!v"


def installed_variants() -> list[str]:
    """Variant names shipped with espeakng-loader's data (``voices/!v``), sorted."""
    return sorted(p.name for p in _variant_folder().iterdir() if p.is_file())


def variant_split(variant: str, params: SpeakerParams) -> str:
    return hash_split(variant, params.salt, params.validation_fraction, params.test_fraction)


def speakers(params: SpeakerParams, variants: list[str] | None = None) -> list[Speaker]:
    """All speakers, in a stable order."""
    names = [DEFAULT_VARIANT, *(variants if variants is not None else installed_variants())]
    chosen = [v for v in names if v not in set(params.exclude_variants)]
    return [
        Speaker(language, variant, variant_split(variant, params))
        for language in params.languages
        for variant in chosen
    ]


def generated_speakers(params: SpeakerParams) -> list[Speaker]:
    """Every (language, generated variant) pair, all in the training split; the variants
    recombine the shipped training variants."""
    if params.generated.count == 0:
        return []
    folder = _variant_folder()
    donors = {
        name: (folder / name).read_text(errors="replace")
        for name in installed_variants()
        if variant_split(name, params) == "train" and name not in set(params.exclude_variants)
    }
    variants = generated_variants(params.generated, donors)
    return [
        Speaker(language, name, "train", text)
        for language in params.languages
        for name, text in variants.items()
    ]


class SpeakerDraw:
    """Picks the speaker of each clip.

    A clip's split follows the shipped speakers (each is equally likely), so validation and test
    sizes do not depend on how many voices are generated; a clip that falls to a training speaker
    is spoken by a generated one with probability ``generated.share``.
    """

    def __init__(self, params: SpeakerParams) -> None:
        self.shipped = sorted(speakers(params), key=lambda s: s.speaker_id)
        self.generated = generated_speakers(params)
        self.share = params.generated.share

    def draw(self, rng: random.Random, split: str | None = None) -> Speaker:
        """A speaker from ``split`` (any split when None)."""
        pool = [s for s in self.shipped if split is None or s.split == split]
        speaker = rng.choice(pool)
        if speaker.split == "train" and self.generated and rng.random() < self.share:
            speaker = rng.choice(self.generated)
        return speaker
