"""Long negative recordings: a timeline of speech passages, music, noise and babble over a noise
floor, cut into fixed-length chunks. None of it contains the wake phrase.

The segment table has one row per sentence of speech (with its text) and one per music, noise or
babble segment, so a false accept can be traced to the words under it.

Composed three times from disjoint material: the evaluation audio (held-out speakers, test music
and rooms) that false accepts per hour are measured on, validation audio that checkpoints may be
selected on, and the mining pool (training material) that training crops random negative windows
from and hard negatives are mined from.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.signal import fftconvolve

from auralab.wakeword.audio import set_level
from auralab.wakeword.backgrounds import NOISE_COLOURS, babble, coloured_noise, music_clip
from auralab.wakeword.params import LongformParams

logger = logging.getLogger(__name__)

KINDS = ("speech", "music", "noise", "babble")
SEGMENT_SECONDS = {
    "speech": (8.0, 40.0),
    "music": (15.0, 60.0),
    "noise": (5.0, 30.0),
    "babble": (10.0, 30.0),
}


@dataclass(frozen=True)
class Utterance:
    """One synthesized sentence, who spoke it and what was said."""

    audio: np.ndarray
    speaker: str
    text: str = ""


@dataclass(frozen=True)
class Segment:
    """One stretch of the timeline: its audio, a detail (speaker, MIDI piece, noise colour...) and,
    for speech, each sentence's start (seconds into the segment), text and speaker."""

    audio: np.ndarray
    detail: str
    sentences: tuple[tuple[float, str, str], ...] = ()


@dataclass(frozen=True)
class LongformMaterial:
    utterances: Sequence[Utterance]
    midi: Sequence[bytes]
    rirs: Sequence[np.ndarray]


def _next_kind(used: dict[str, float], params: LongformParams) -> str:
    """The kind furthest below its target share of the time so far (deterministic)."""
    shares = {
        "speech": params.speech_share,
        "music": params.music_share,
        "noise": params.noise_share,
        "babble": params.babble_share,
    }
    total = sum(used.values()) + 1e-9
    return max(KINDS, key=lambda k: (shares[k] - used[k] / total) if shares[k] > 0 else -1.0)


class SentenceDeck:
    """Each speaker's sentences, dealt without replacement: no sentence is heard twice until every
    sentence has been, so each stretch of speech is a fresh chance to false-accept (a sentence that
    a detector confuses counts once, not once per repeat). A speaker with none left hands over to
    another; when all are used, the deck is shuffled again (counted in ``reshuffles``)."""

    def __init__(self, utterances: Sequence[Utterance], rng: random.Random) -> None:
        self._utterances = list(utterances)
        self._left: dict[str, list[Utterance]] = {}
        self.reshuffles = 0
        self._fill(rng)

    def _fill(self, rng: random.Random) -> None:
        for u in self._utterances:
            self._left.setdefault(u.speaker, []).append(u)
        for speaker in sorted(self._left):
            rng.shuffle(self._left[speaker])

    def speaker(self, rng: random.Random) -> str:
        """A speaker with sentences left, at random."""
        if not self._left:
            self._fill(rng)
            self.reshuffles += 1
        return rng.choice(sorted(self._left))

    def deal(self, speaker: str, rng: random.Random) -> Utterance:
        """The speaker's next sentence, or another speaker's when theirs are used up."""
        if speaker not in self._left:
            speaker = self.speaker(rng)
        left = self._left[speaker]
        utterance = left.pop()
        if not left:
            del self._left[speaker]
        return utterance


def _speech_passage(
    deck: SentenceDeck, rooms: Sequence[np.ndarray], n: int, sample_rate: int, rng: random.Random
) -> Segment:
    """One speaker's sentences with pauses (another's once theirs are used up), ``n`` samples."""
    speaker = deck.speaker(rng)
    parts: list[np.ndarray] = []
    sentences: list[tuple[float, str, str]] = []
    length = 0
    while length < n:
        utterance = deck.deal(speaker, rng)
        speaker = utterance.speaker
        sentences.append((length / sample_rate, utterance.text, speaker))
        pause = np.zeros(int(rng.uniform(0.2, 1.0) * sample_rate), dtype=np.float32)
        parts += [utterance.audio, pause]
        length += len(utterance.audio) + len(pause)
    passage = np.concatenate(parts)[:n]
    if rooms and rng.random() < 0.5:
        passage = fftconvolve(passage, rng.choice(rooms))[:n].astype(np.float32)
    return Segment(set_level(passage, rng.uniform(-32, -18)), sentences[0][2], tuple(sentences))


def _segment(
    kind: str,
    material: LongformMaterial,
    deck: SentenceDeck,
    seconds: float,
    sample_rate: int,
    rng: random.Random,
) -> Segment:
    n = int(seconds * sample_rate)
    nprng = np.random.default_rng(rng.getrandbits(32))
    if kind == "speech":
        return _speech_passage(deck, material.rirs, n, sample_rate, rng)
    if kind == "music":
        index = rng.randrange(len(material.midi))
        return Segment(
            music_clip(material.midi[index], seconds, sample_rate, nprng), f"midi#{index}"
        )
    if kind == "noise":
        colour = rng.choice(NOISE_COLOURS)
        return Segment(set_level(coloured_noise(colour, n, nprng), rng.uniform(-45, -25)), colour)
    talkers = rng.randint(3, 6)
    audio = babble([u.audio for u in material.utterances], seconds, sample_rate, talkers, rng)
    return Segment(set_level(audio, rng.uniform(-35, -22)), f"{talkers} talkers")


def _rows(
    file: str, start_s: float, seconds: float, kind: str, segment: Segment
) -> list[dict[str, Any]]:
    """Table rows of one segment: one per sentence of speech (each running to the next sentence,
    its pause included, its speaker the detail), else one."""
    sentences = segment.sentences or ((0.0, "", segment.detail),)
    starts = [offset for offset, _, _ in sentences] + [seconds]
    return [
        {
            "file": file,
            "start_s": start_s + starts[i],
            "end_s": start_s + min(starts[i + 1], seconds),
            "kind": kind,
            "detail": speaker,
            "text": text,
        }
        for i, (offset, text, speaker) in enumerate(sentences)
        if offset < seconds
    ]


def compose(
    material: LongformMaterial,
    minutes: float,
    params: LongformParams,
    sample_rate: int,
    seed: int,
    name: str,
) -> tuple[list[np.ndarray], pd.DataFrame]:
    """Chunks of ``params.chunk_minutes`` totalling ``minutes``; a segment table (seconds): file,
    start_s, end_s, kind, detail, text (the sentence spoken, for speech)."""
    rng = random.Random(seed)
    if params.music_share > 0 and not material.midi:
        raise ValueError("long-form audio needs music but no MIDI files were given")
    chunk_seconds = params.chunk_minutes * 60
    n_chunks = max(1, int(np.ceil(minutes / params.chunk_minutes)))
    chunks, rows = [], []
    used = dict.fromkeys(KINDS, 0.0)
    deck = SentenceDeck(material.utterances, rng)
    for c in range(n_chunks):
        length = min(chunk_seconds, minutes * 60 - c * chunk_seconds)
        parts: list[np.ndarray] = []
        t = 0.0
        while t < length:
            kind = _next_kind(used, params)
            low, high = SEGMENT_SECONDS[kind]
            seconds = min(rng.uniform(low, high), length - t)
            segment = _segment(kind, material, deck, seconds, sample_rate, rng)
            parts.append(segment.audio)
            rows += _rows(f"{name}/{name}-{c:03d}.flac", t, seconds, kind, segment)
            used[kind] += seconds
            t += seconds
        # Segments are cut to whole samples, so they fall a few short: pad to the exact length
        # (an hour of evaluation audio must be an hour, or 1 FA/h would allow no false accept).
        n = round(length * sample_rate)
        chunk = np.concatenate(parts)[:n]
        chunk = np.pad(chunk, (0, n - len(chunk)))
        floor = coloured_noise("pink", len(chunk), np.random.default_rng(seed + c))
        chunk = chunk + floor * 10 ** (params.noise_floor_dbfs / 20)
        chunks.append(np.clip(chunk, -0.99, 0.99).astype(np.float32))
    if deck.reshuffles:
        logger.warning(
            "%s: its %d sentences ran out and were dealt %d more time(s): sentences repeat",
            name,
            len(material.utterances),
            deck.reshuffles,
        )
    return chunks, pd.DataFrame(rows)
