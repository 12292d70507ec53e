"""Generated espeak-ng voice variants: more training voices than the ~80 that ship for training.

A detector trained on a few dozen fixed synthetic voices learns those voices; a held-out voice
whose pitch, formants, spectral tone or phonation lie outside them is then missed. Each generated
variant recombines the training variants (the shipped ``voices/!v`` files of the training split,
never a validation or test one): every trait (pitch, each of the nine formants, tone, echo,
voicing, roughness, flutter, consonants, stress, intonation, the Klatt synthesizer) comes from a
donor drawn at random, then the pitch is scaled, formants F1..F5 are scaled together as by a
longer or shorter vocal tract, and a share of voices is made breathy or whispered. With
``trait_jitter`` every formant's frequency and bandwidth and every tone (EQ) frequency moves by its
own factor as well, so a voice can have a spectral envelope that no donor has.

Written by hand: no library generates espeak-ng voices; the file format is espeak-ng's
(docs/voices.md in espeak-ng).
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping

from auralab.wakeword.params import GeneratedVoiceParams

GENERATED_PREFIX = "auralab-"  # no shipped variant starts with this
# espeak-ng amplitude (percent) for generated voices: strong formants with a high pitch (Klatt
# especially) saturate espeak's 16-bit output at 100; levels are randomised by augmentation anyway.
GENERATED_VOLUME = 50
TRAITS = (
    "pitch",
    *(f"formant {n}" for n in range(9)),
    "tone",
    "echo",
    "voicing",
    "roughness",
    "flutter",
    "consonants",
    "intonation",
    "stressAdd",
    "stressAmp",
    "stressLength",
    "klatt",
)
_TRACT_FORMANTS = range(1, 6)  # F1..F5 follow the vocal tract length
# A voice voiced less than this is inaudible unless it breathes: a donor's whisper (``caleb``:
# voicing 0) gets the whisper's breath lines, which are not among the traits drawn.
MIN_VOICING = 20
_WHISPER_BREATH = (75, 75, 50, 40, 15, 10)  # espeak-ng's own whisper variant
_BREATH_WIDTH = (150, 150, 200, 200, 400, 400)


def variant_name(index: int) -> str:
    return f"{GENERATED_PREFIX}{index:03d}"


def variant_traits(text: str) -> dict[str, list[str]]:
    """A variant file's lines by trait (``formant 3`` is one trait): values as strings."""
    traits: dict[str, list[str]] = {}
    for raw in text.splitlines():
        line = raw.split("//")[0].strip()
        if not line or line.startswith("#"):
            continue
        key, *values = line.split()
        if key == "formant" and values and values[0].isdigit():
            key, values = f"formant {values[0]}", values[1:]
        if key in TRAITS and values and all(re.fullmatch(r"-?\d+", v) for v in values):
            traits[key] = values
    return traits


def _phonation(rng: random.Random, params: GeneratedVoiceParams) -> list[str] | None:
    """Voicing and breath lines for a breathy or whispered voice; None keeps the donor's."""
    draw = rng.random()
    if draw < params.whisper_share:
        voicing, breath = rng.randint(10, 30), rng.uniform(0.8, 1.1)
    elif draw < params.whisper_share + params.breathy_share:
        voicing, breath = rng.randint(35, 80), rng.uniform(0.2, 0.6)
    else:
        return None
    return _breathing(voicing, breath)


def _breathing(voicing: int, breath: float) -> list[str]:
    """Voicing and breath lines: ``breath`` scales espeak-ng's whisper noise per formant."""
    return [
        f"voicing {voicing}",
        "breath " + " ".join(str(round(b * breath)) for b in _WHISPER_BREATH),
        "breathw " + " ".join(map(str, _BREATH_WIDTH)),
    ]


def _jitter(rng: random.Random, jitter: float) -> float:
    """A factor in ``1 +- jitter``; no draw at 0, so unjittered voices stay as they were."""
    return rng.uniform(1 - jitter, 1 + jitter) if jitter else 1.0


def generated_variant(
    name: str,
    rng: random.Random,
    params: GeneratedVoiceParams,
    donors: list[dict[str, list[str]]],
) -> str:
    """One variant file's text: each trait from a random donor, then scaled; with
    ``trait_jitter`` each formant's frequency and bandwidth and each tone (EQ) frequency by its
    own factor too, a spectral envelope no donor has. Amplitudes are left alone: raised, they
    saturate espeak's output."""
    pitch_scale = rng.uniform(params.pitch_scale.low, params.pitch_scale.high)
    tract = rng.uniform(params.tract_scale.low, params.tract_scale.high)
    lines = ["language variant", f"name {name}"]
    phonation = _phonation(rng, params)
    for trait in TRAITS:
        values = rng.choice(donors).get(trait)
        if trait == "pitch":
            base, top = (int(v) for v in (values or ["82", "118"])[:2])  # espeak's default
            lines.append(f"pitch {round(base * pitch_scale)} {round(max(base, top) * pitch_scale)}")
        elif trait.startswith("formant"):
            n = int(trait.split()[1])
            frequency, height, width = (int(v) for v in [*(values or []), "100", "100", "100"][:3])
            scale = (tract if n in _TRACT_FORMANTS else 1.0) * _jitter(rng, params.trait_jitter)
            width = round(width * _jitter(rng, params.trait_jitter))
            lines.append(f"{trait} {max(1, round(frequency * scale))} {height} {width}")
        elif trait == "voicing" and phonation is not None:
            lines += phonation
        elif trait == "voicing" and values and int(values[0]) < MIN_VOICING:
            lines += _breathing(int(values[0]), 1.0)
        elif trait == "tone" and values and params.trait_jitter:
            # Pairs of (frequency Hz, amplitude): the frequencies move, the amplitudes stay.
            tone = [
                round(int(v) * _jitter(rng, params.trait_jitter)) if i % 2 == 0 else int(v)
                for i, v in enumerate(values)
            ]
            lines.append("tone " + " ".join(map(str, tone)))
        elif values:
            lines.append(f"{trait} {' '.join(values)}")
    return "\n".join(lines) + "\n"


def generated_variants(params: GeneratedVoiceParams, donors: Mapping[str, str]) -> dict[str, str]:
    """``params.count`` variants by name from the ``donors`` variant files (name -> text),
    deterministic in ``params.seed`` and the donors."""
    if params.count and not donors:
        raise ValueError("generated voices need at least one donor variant")
    rng = random.Random(params.seed)
    traits = [variant_traits(donors[name]) for name in sorted(donors)]
    return {
        variant_name(i): generated_variant(variant_name(i), rng, params, traits)
        for i in range(params.count)
    }
