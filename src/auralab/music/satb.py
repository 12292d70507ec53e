"""The JSB-chorale framing of the published results (Coconet, Music Transformer).

Four voices (soprano, alto, tenor, bass: the first four parts music21 writes) on a 16th-note grid,
one token per voice per step, voices interleaved: ``BOS S0 A0 T0 B0 S1 A1 ... EOS``. A token is the
pitch sounding in that voice at that step, or REST. Held and re-struck notes look the same, as in
the published pianoroll data, so NLL per token here can be set beside their numbers (their data is
the JSB dataset of 382 chorales; ours is music21's Bach set, so the comparison is indicative).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from auralab.music.params import SplitParams
from auralab.music.sequences import TokenSequences
from auralab.music.splits import split_of

PAD, BOS, EOS, REST = 0, 1, 2, 3
PITCH_OFFSET = 4
VOCABULARY_SIZE = PITCH_OFFSET + 128
STEPS_PER_BEAT = 4  # 16th notes
VOICES = 4


def pianoroll(notes: pd.DataFrame) -> np.ndarray | None:
    """(4, steps) pitches of the first four tracks (-1 = rest), or None with fewer than 4 voices."""
    tracks = sorted(notes["track"].unique().tolist())
    if len(tracks) < VOICES:
        return None
    steps = int(np.ceil(notes["end_beat"].max() * STEPS_PER_BEAT))
    roll = np.full((VOICES, steps), -1, dtype=np.int64)
    for voice, track in enumerate(tracks[:VOICES]):
        part = notes[notes["track"] == track].sort_values("start_beat")
        starts = np.round(part["start_beat"].to_numpy() * STEPS_PER_BEAT).astype(np.int64)
        ends = np.round(part["end_beat"].to_numpy() * STEPS_PER_BEAT).astype(np.int64)
        for start, end, pitch in zip(starts, np.maximum(ends, starts + 1),
                                     part["pitch"].to_numpy(), strict=True):  # fmt: skip
            roll[voice, start:end] = pitch  # a later onset in the same voice wins
    return roll


def encode(roll: np.ndarray) -> np.ndarray:
    """Voice-interleaved tokens of a (4, steps) pianoroll, framed by BOS and EOS."""
    body = np.where(roll.T >= 0, roll.T + PITCH_OFFSET, REST).reshape(-1)
    return np.concatenate([[BOS], body, [EOS]]).astype(np.uint16)


def decode(tokens: np.ndarray) -> np.ndarray:
    """Inverse of :func:`encode`: the (4, steps) pianoroll."""
    body = np.asarray(tokens[1:-1], dtype=np.int64).reshape(-1, VOICES).T
    return np.where(body == REST, -1, body - PITCH_OFFSET)


def satb_sequences(notes: pd.DataFrame, split: SplitParams) -> TokenSequences:
    """One SATB sequence per file with at least four voices, split like the event tokens."""
    arrays, rows = [], []
    for source, part in notes.groupby("source", observed=True, sort=True):
        roll = pianoroll(part)
        if roll is None:
            continue
        tokens = encode(roll)
        arrays.append(tokens)
        rows.append({"source": str(source), "split": split_of(str(source), split),
                     "n_tokens": len(tokens)})  # fmt: skip
    return TokenSequences.from_arrays(arrays, pd.DataFrame(rows))
