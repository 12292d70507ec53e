"""Generated espeak-ng voice variants: more training voices than the ~100 that ship.

A detector trained on a few dozen fixed synthetic voices learns those voices; a held-out voice
whose pitch, vocal tract or phonation lies outside them (a whisper, a breathy or a very high
voice) is then missed. Each generated variant is an espeak-ng variant file (the format of
``espeak-ng-data/voices/!v/*``) drawn at random: base pitch and range, formant frequencies scaled
as by a longer or shorter vocal tract, formant heights and widths, voicing and breath noise
(whispered and breathy phonation), roughness, flutter, consonant strength, an optional echo and,
sometimes, the Klatt synthesizer. Generated voices speak training clips only; the held-out test
voices stay the shipped ones, never heard in training.

Written by hand: no library generates espeak-ng voices; the file format is espeak-ng's
(docs/voices.md in espeak-ng).
"""

from __future__ import annotations

import random

from auralab.wakeword.params import GeneratedVoiceParams

GENERATED_PREFIX = "auralab-"  # no shipped variant starts with this
_FORMANTS_SCALED = range(1, 6)  # F1..F5 follow the vocal tract; F0 (nasal) and F6-F8 vary freely
_WHISPER_BREATH = (75, 75, 50, 40, 15, 10)  # espeak-ng's own whisper variant
_BREATH_WIDTH = (150, 150, 200, 200, 400, 400)
# espeak-ng amplitude (percent) for generated voices: strong formants with a high pitch (Klatt
# especially) saturate espeak's 16-bit output at 100; levels are randomised by augmentation anyway.
GENERATED_VOLUME = 50


def variant_name(index: int) -> str:
    return f"{GENERATED_PREFIX}{index:03d}"


def _phonation(rng: random.Random, params: GeneratedVoiceParams) -> list[str]:
    """Voicing and breath lines: modal, breathy or whispered."""
    draw = rng.random()
    if draw < params.whisper_share:
        voicing, breath = rng.randint(10, 30), rng.uniform(0.8, 1.1)
    elif draw < params.whisper_share + params.breathy_share:
        voicing, breath = rng.randint(35, 80), rng.uniform(0.2, 0.6)
    else:
        return [f"voicing {rng.randint(80, 170)}"]
    return [
        f"voicing {voicing}",
        "breath " + " ".join(str(round(b * breath)) for b in _WHISPER_BREATH),
        "breathw " + " ".join(map(str, _BREATH_WIDTH)),
    ]


def generated_variant(name: str, rng: random.Random, params: GeneratedVoiceParams) -> str:
    """One random espeak-ng variant file's text."""
    female = rng.random() < 0.5
    pitch = params.female_pitch_hz if female else params.male_pitch_hz
    base = rng.uniform(pitch.low, pitch.high)
    top = base * rng.uniform(1.15, 1.9)
    tract = rng.uniform(params.tract_scale.low, params.tract_scale.high)
    lines = [
        "language variant",
        f"name {name}",
        f"gender {'female' if female else 'male'}",
        f"pitch {round(base)} {round(top)}",
    ]
    for n in range(9):
        jitter = rng.uniform(0.93, 1.07) if n in _FORMANTS_SCALED else rng.uniform(0.85, 1.15)
        frequency = 100 * (tract if n in _FORMANTS_SCALED else 1.0) * jitter
        height, width = rng.randint(55, 125), rng.randint(70, 150)
        lines.append(f"formant {n} {round(frequency)} {height} {width}")
    lines += _phonation(rng, params)
    lines += [
        f"roughness {rng.randint(0, 6)}",
        f"flutter {rng.randint(0, 40)}",
        f"consonants {rng.randint(70, 140)}",
    ]
    if rng.random() < params.echo_share:
        lines.append(f"echo {rng.randint(10, 60)} {rng.randint(5, 30)}")
    if rng.random() < params.klatt_share:
        lines.append(f"klatt {rng.randint(1, 6)}")
    return "\n".join(lines) + "\n"


def generated_variants(params: GeneratedVoiceParams) -> dict[str, str]:
    """``params.count`` variants by name, deterministic in ``params.seed``."""
    rng = random.Random(params.seed)
    return {
        variant_name(i): generated_variant(variant_name(i), rng, params)
        for i in range(params.count)
    }
