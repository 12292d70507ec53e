"""Synthetic speakers: every (espeak-ng language voice, voice variant) pair, split by variant.

Splitting by variant (the voice identity: ``f3``, ``Andy``, ``whisper``...) rather than by clip or
by pair means a test speaker's voice is never heard in training, in any accent.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from auralab.core.splits import hash_split
from auralab.wakeword.params import SpeakerParams

DEFAULT_VARIANT = "default"


@dataclass(frozen=True)
class Speaker:
    language: str
    variant: str
    split: str

    @property
    def voice(self) -> str:
        """The name espeak-ng's SetVoiceByName takes."""
        return (
            self.language if self.variant == DEFAULT_VARIANT else f"{self.language}+{self.variant}"
        )

    @property
    def speaker_id(self) -> str:
        return f"{self.language}+{self.variant}"


def installed_variants() -> list[str]:
    """Variant names shipped with espeakng-loader's data (``voices/!v``), sorted."""
    import espeakng_loader

    folder = Path(espeakng_loader.get_data_path()) / "voices" / "!v"
    return sorted(p.name for p in folder.iterdir() if p.is_file())


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
