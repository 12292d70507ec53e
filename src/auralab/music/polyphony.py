"""Polyphony reduction: at most ``max_voices`` notes sound at once, bass and melody kept first."""

from __future__ import annotations

import numpy as np

from auralab.music.notes import QuantizedNotes, make_notes


def max_polyphony(notes: QuantizedNotes) -> int:
    """Largest number of notes sounding at any onset."""
    if len(notes) == 0:
        return 0
    starts, ends = np.sort(notes.start), np.sort(notes.end)
    sounding = np.searchsorted(starts, starts, side="right") - np.searchsorted(
        ends, starts, "right"
    )
    return int(sounding.max())


def _choose(candidates: list[int], sustained: set[int], pitch: np.ndarray, limit: int) -> set[int]:
    """Keep the highest (melody), then the lowest (bass), then held notes, then new ones, high first."""
    by_pitch = sorted(candidates, key=lambda i: int(pitch[i]))
    chosen: list[int] = [by_pitch[-1]]
    if limit > 1 and by_pitch[0] != by_pitch[-1]:
        chosen.append(by_pitch[0])
    rest = sorted(candidates, key=lambda i: (i not in sustained, -int(pitch[i])))
    for index in rest:
        if len(chosen) >= limit:
            break
        if index not in chosen:
            chosen.append(index)
    return set(chosen)


def limit_polyphony(notes: QuantizedNotes, max_voices: int) -> QuantizedNotes:
    """Drop new notes (or cut held ones) wherever more than ``max_voices`` would sound."""
    if max_polyphony(notes) <= max_voices:
        return notes
    keep = np.ones(len(notes), dtype=bool)
    end = notes.end.copy()
    active: list[int] = []
    onsets, first = np.unique(notes.start, return_index=True)
    bounds = [*first.tolist(), len(notes)]
    for group, onset in enumerate(onsets.tolist()):
        new = list(range(bounds[group], bounds[group + 1]))
        active = [i for i in active if end[i] > onset]
        if len(active) + len(new) <= max_voices:
            active += new
            continue
        chosen = _choose(active + new, set(active), notes.pitch, max_voices)
        for index in active:
            if index not in chosen:
                end[index] = onset
        for index in new:
            keep[index] = index in chosen
        active = [i for i in active + new if i in chosen]
    reduced = make_notes(notes.program, notes.pitch, notes.velocity, notes.start, end)
    return reduced.take(keep & (end > notes.start))
