"""A set of short clips stored as one flat int16 array plus a table (one row per clip).

Thousands of one-second clips as separate files would cost DVC and the file system far more than
one memory-mappable array; the table says where each clip starts and what it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from auralab.wakeword.audio import from_pcm16, to_pcm16

# Columns every clip table has; generators may add more (text, voice, snr_db, ...).
REQUIRED_COLUMNS = (
    "clip_id",
    "label",
    "category",
    "split",
    "speaker",
    "source",
    "offset",
    "length",
)


@dataclass
class ClipSet:
    """``audio``: int16 [total samples]; ``table``: one row per clip with ``offset``/``length``."""

    audio: np.ndarray
    table: pd.DataFrame
    sample_rate: int

    def __len__(self) -> int:
        return len(self.table)

    def clip(self, index: int) -> np.ndarray:
        """Float32 samples of the clip at row ``index``."""
        row = self.table.iloc[index]
        start = int(row["offset"])
        return from_pcm16(self.audio[start : start + int(row["length"])])

    def subset(self, mask: np.ndarray | pd.Series) -> ClipSet:
        """A new ClipSet with the selected rows (audio is copied and re-packed)."""
        rows = self.table[np.asarray(mask, dtype=bool)]
        clips = [self.audio[o : o + n] for o, n in zip(rows["offset"], rows["length"], strict=True)]
        return pack(
            [from_pcm16(c) for c in clips],
            rows.drop(columns=["offset", "length"]),
            self.sample_rate,
        )


def pack(clips: Sequence[np.ndarray], table: pd.DataFrame, sample_rate: int) -> ClipSet:
    """Float clips + their metadata rows -> ClipSet (offsets and lengths filled in)."""
    if len(clips) != len(table):
        raise ValueError(f"{len(clips)} clips but {len(table)} table rows")
    lengths = np.array([len(c) for c in clips], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]) if len(clips) else lengths
    audio = to_pcm16(np.concatenate(clips)) if clips else np.zeros(0, dtype=np.int16)
    table = table.reset_index(drop=True).copy()
    table["offset"] = offsets
    table["length"] = lengths
    return ClipSet(audio=audio, table=table, sample_rate=sample_rate)


def concat(sets: Sequence[ClipSet]) -> ClipSet:
    """Clip sets of one sample rate, one after another."""
    rates = {s.sample_rate for s in sets}
    if len(rates) != 1:
        raise ValueError(f"clip sets have different sample rates: {sorted(rates)}")
    shift = 0
    tables = []
    for s in sets:
        table = s.table.copy()
        table["offset"] = table["offset"] + shift
        shift += len(s.audio)
        tables.append(table)
    return ClipSet(
        audio=np.concatenate([s.audio for s in sets]),
        table=pd.concat(tables, ignore_index=True),
        sample_rate=rates.pop(),
    )
