"""Background audio: coloured noise, music rendered from MIDI with a General MIDI soundfont, and
babble (several synthetic talkers at once). All mono float32 at the requested sample rate."""

from __future__ import annotations

import functools
import random
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from auralab.wakeword.audio import set_level

NOISE_COLOURS = ("white", "pink", "brown", "blue")
_SPECTRAL_SLOPE = {"white": 0.0, "pink": -0.5, "brown": -1.0, "blue": 0.5}  # amplitude ~ f**slope


def coloured_noise(colour: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` samples of noise whose power spectrum falls as f^(2*slope), unit RMS."""
    spectrum = rng.standard_normal(n // 2 + 1) + 1j * rng.standard_normal(n // 2 + 1)
    freqs = np.fft.rfftfreq(n)
    freqs[0] = freqs[1] if n > 1 else 1.0
    noise = np.fft.irfft(spectrum * freqs ** _SPECTRAL_SLOPE[colour], n=n)
    return (noise / max(float(np.sqrt(np.mean(noise**2))), 1e-12)).astype(np.float32)


@functools.cache
def soundfont_path() -> str:
    """The General MIDI soundfont that ships inside pretty_midi (TimGM6mb.sf2)."""
    import pretty_midi

    return str(Path(pretty_midi.__file__).parent / "TimGM6mb.sf2")


def render_midi(midi: bytes, sample_rate: int, program: int | None = None) -> np.ndarray:
    """Render a MIDI file with tinysoundfont; ``program`` replaces every melodic instrument."""
    import tinysoundfont

    synth = tinysoundfont.Synth(samplerate=sample_rate)
    sfid = synth.sfload(soundfont_path())
    events = tinysoundfont.midi.load_memory(midi)
    if program is not None:
        events = [e for e in events if e.action.__class__.__name__ != "ProgramChange"]
        for channel in range(16):
            if channel != 9:
                synth.program_select(channel, sfid, 0, program)
    else:
        for channel in range(16):
            synth.program_select(channel, sfid, 0, 0, is_drums=channel == 9)
    sequencer = tinysoundfont.Sequencer(synth)
    sequencer.add(events)
    end = max((e.t for e in events), default=0.0) + 1.0
    stereo = np.frombuffer(synth.generate(int(end * sample_rate)), dtype=np.float32)
    return stereo.reshape(-1, 2).mean(axis=1).astype(np.float32)


# Programs that suit chorale textures and differ in timbre: piano, organ, strings, brass, reeds.
MUSIC_PROGRAMS = (0, 4, 19, 24, 40, 48, 52, 56, 61, 68, 71, 73)


def music_clip(
    midi: bytes, seconds: float, sample_rate: int, rng: np.random.Generator
) -> np.ndarray:
    """A ``seconds``-long excerpt of a rendering in a random program, looped if too short."""
    audio = render_midi(midi, sample_rate, int(rng.choice(MUSIC_PROGRAMS)))
    n = int(seconds * sample_rate)
    if len(audio) < n:
        audio = np.tile(audio, n // max(len(audio), 1) + 1)
    start = int(rng.integers(0, len(audio) - n + 1))
    return set_level(audio[start : start + n], float(rng.uniform(-30, -18)))


def babble(
    utterances: Sequence[np.ndarray],
    seconds: float,
    sample_rate: int,
    talkers: int,
    rng: random.Random,
) -> np.ndarray:
    """``talkers`` streams of back-to-back utterances, summed; -25 dBFS."""
    n = int(seconds * sample_rate)
    out = np.zeros(n, dtype=np.float32)
    for _ in range(talkers):
        stream: list[np.ndarray] = [np.zeros(rng.randint(0, sample_rate), dtype=np.float32)]
        while sum(len(s) for s in stream) < n:
            stream.append(rng.choice(utterances))
            stream.append(np.zeros(rng.randint(sample_rate // 20, sample_rate // 3), np.float32))
        talker = np.concatenate(stream)[:n]
        out += set_level(talker, -25.0) * rng.uniform(0.5, 1.0)
    return set_level(out, -25.0)
