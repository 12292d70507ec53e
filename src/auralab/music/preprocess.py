"""From the note table to the token dataset: quantize, reduce polyphony, tokenize, split."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from auralab.core.progress import progress
from auralab.music.notes import QuantizedNotes
from auralab.music.params import PreprocessParams
from auralab.music.polyphony import limit_polyphony
from auralab.music.quantize import quantize
from auralab.music.sequences import TokenSequences
from auralab.music.splits import split_of
from auralab.music.tokenizer import Tokenizer
from auralab.music.vocabulary import Vocabulary

_NOTE_INPUTS = ["start_beat", "end_beat", "pitch", "program", "is_drum", "velocity"]
INDEX_COLUMNS = ["source", "split", "n_tokens", "n_notes_in", "n_notes", "time_signature"]


@dataclass(frozen=True)
class FileNotes:
    """One file's rows of the note table, as arrays (shape (n_notes,))."""

    source: str
    columns: dict[str, np.ndarray]

    @property
    def time_signature(self) -> str:
        """The time signature in force at the first note, ``"n/d"``."""
        return f"{self.columns['ts_numerator'][0]}/{self.columns['ts_denominator'][0]}"


def iter_files(notes: pd.DataFrame) -> Iterator[FileNotes]:
    """Split the note table by source without copying it per file, in sorted source order."""
    wanted = [*_NOTE_INPUTS, "ts_numerator", "ts_denominator"]
    arrays = {name: notes[name].to_numpy() for name in wanted}
    groups = notes.groupby("source", sort=True, observed=True).indices
    for source, rows in groups.items():
        yield FileNotes(str(source), {name: array[rows] for name, array in arrays.items()})


def quantize_file(file: FileNotes, params: PreprocessParams) -> QuantizedNotes:
    """Quantize, bin velocities and limit polyphony for one file."""
    c = file.columns
    notes = quantize(
        c["start_beat"],
        c["end_beat"],
        c["pitch"],
        c["program"],
        c["is_drum"],
        c["velocity"],
        params.quantize,
        params.velocity.n_bins,
    )
    return limit_polyphony(notes, params.polyphony.max_voices)


def tokenize_notes(
    notes: pd.DataFrame, params: PreprocessParams
) -> tuple[TokenSequences, Vocabulary]:
    """Token sequences (one per source file, with its split) and the vocabulary that wrote them."""
    vocabulary = Vocabulary.from_params(params)
    tokenizer = Tokenizer(vocabulary)
    arrays: list[np.ndarray] = []
    rows: list[dict[str, object]] = []
    n_files = notes["source"].nunique()
    for file in progress(iter_files(notes), "tokenize", n_files):
        quantized = quantize_file(file, params)
        tokens = tokenizer.encode(quantized, file.time_signature)
        arrays.append(tokens)
        rows.append(
            {
                "source": file.source,
                "split": split_of(file.source, params.split),
                "n_tokens": len(tokens),
                "n_notes_in": len(file.columns["pitch"]),
                "n_notes": len(quantized),
                "time_signature": file.time_signature,
            }
        )
    return TokenSequences.from_arrays(arrays, pd.DataFrame(rows, columns=INDEX_COLUMNS)), vocabulary


def token_statistics(sequences: TokenSequences) -> dict[str, float]:
    """Counts worth tracking: tokens and sequences per split, notes dropped by preprocessing."""
    index = sequences.index
    stats: dict[str, float] = {
        "n_sequences": float(len(sequences)),
        "n_tokens": float(index["n_tokens"].sum()),
        "n_notes_dropped": float((index["n_notes_in"] - index["n_notes"]).sum()),
        "mean_tokens_per_sequence": float(index["n_tokens"].mean()) if len(index) else 0.0,
    }
    for split, group in index.groupby("split"):
        stats[f"n_sequences_{split}"] = float(len(group))
        stats[f"n_tokens_{split}"] = float(group["n_tokens"].sum())
    return stats
