"""Frames that the expectation suites check: derived columns a suite cannot compute itself."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import symusic

from auralab.core.errors import TokenizationError
from auralab.music.dataset import AugmentedSequences
from auralab.music.midi_export import notes_to_midi
from auralab.music.params import SplitParams
from auralab.music.sequences import TokenSequences
from auralab.music.splits import split_of
from auralab.music.tokenizer import Tokenizer


def note_check_frame(notes: pd.DataFrame) -> pd.DataFrame:
    """The note table plus ``prev_start_beat`` (previous onset in the same file)."""
    frame = notes.copy()
    previous = frame.groupby("source", observed=True)["start_beat"].shift(1)
    frame["prev_start_beat"] = previous.fillna(frame["start_beat"])
    return frame


def token_check_frame(sequences: TokenSequences, split: SplitParams) -> pd.DataFrame:
    """One row per sequence: stored length, smallest/largest/first/last id, expected split."""
    offsets = sequences.offsets
    lengths = np.diff(offsets)
    tokens = np.asarray(sequences.tokens)
    nonempty = lengths > 0
    starts = offsets[:-1][nonempty]
    frame = sequences.index[["source", "split", "n_tokens"]].copy()
    frame["stored_length"] = lengths
    for column, reducer in (("min_token", np.minimum), ("max_token", np.maximum)):
        values = np.full(len(lengths), -1, dtype=np.int64)
        values[nonempty] = reducer.reduceat(tokens, starts) if len(starts) else []
        frame[column] = values
    frame["first_token"] = np.where(nonempty, tokens[np.minimum(offsets[:-1], len(tokens) - 1)], -1)
    frame["last_token"] = np.where(nonempty, tokens[np.maximum(offsets[1:] - 1, 0)], -1)
    frame["expected_split"] = [split_of(s, split) for s in frame["source"]]
    return frame


def augmented_sample_frame(
    datasets: list[AugmentedSequences],
    tokenizer: Tokenizer,
    sample_size: int,
    seed: int,
    split: SplitParams,
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Augment a sample from each split; one row per item, plus how often each operation fired.

    Each item is decoded under the grammar, written as MIDI and read back. ``allowed_min_pitch``
    and ``allowed_max_pitch`` widen the plan's pitch range to the original piece's own range.
    """
    rng = np.random.default_rng(seed)
    rows: list[dict[str, object]] = []
    fired: Counter[str] = Counter()
    for dataset in datasets:
        if len(dataset) == 0:
            continue
        vocabulary = tokenizer.vocabulary
        picks = rng.choice(len(dataset), size=min(sample_size, len(dataset)), replace=False)
        for item in sorted(picks.tolist()):
            tokens, applied = dataset.sample(item)
            fired.update(applied.keys())
            row: dict[str, object] = {
                "source": dataset.source(item),
                "split": dataset.split,
                "decodes": False,
                "midi_round_trip": False,
                "n_notes": 0,
                "min_pitch": -1,
                "max_pitch": -1,
            }
            original, _ = tokenizer.decode(dataset.sequences[int(dataset.rows[item])])
            row["allowed_min_pitch"] = min(dataset.plan.min_pitch, int(original.pitch.min()))
            row["allowed_max_pitch"] = max(dataset.plan.max_pitch, int(original.pitch.max()))
            row["expected_split"] = split_of(str(row["source"]), split)
            try:
                notes, time_signature = tokenizer.decode(tokens)
            except TokenizationError:
                rows.append(row)
                continue
            midi = notes_to_midi(
                notes, vocabulary.ticks_per_beat, vocabulary.n_velocity_bins, time_signature
            )
            row.update(
                decodes=True,
                midi_round_trip=symusic.Score.from_midi(midi).note_num() == len(notes),
                n_notes=len(notes),
                min_pitch=int(notes.pitch.min()) if len(notes) else -1,
                max_pitch=int(notes.pitch.max()) if len(notes) else -1,
            )
            rows.append(row)
    return pd.DataFrame(rows), dict(sorted(fired.items()))
