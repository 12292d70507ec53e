"""Quantized notes: the canonical symbolic form that tokens encode exactly.

Times are integer ticks at ``ticks_per_beat`` per quarter note; ``velocity`` is a bin index;
``program`` is the General MIDI program, with ``DRUM_PROGRAM`` (128) standing for any drum track.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DRUM_PROGRAM = 128


@dataclass(frozen=True)
class QuantizedNotes:
    """Parallel int arrays of shape (n_notes,), sorted by (start, program, pitch)."""

    program: np.ndarray
    pitch: np.ndarray
    velocity: np.ndarray
    start: np.ndarray
    end: np.ndarray

    def __len__(self) -> int:
        return int(self.pitch.shape[0])

    def take(self, index: np.ndarray) -> QuantizedNotes:
        """The notes at ``index`` (integer positions or a boolean mask)."""
        return QuantizedNotes(
            self.program[index],
            self.pitch[index],
            self.velocity[index],
            self.start[index],
            self.end[index],
        )

    def sorted(self) -> QuantizedNotes:
        """Sorted by onset, then program, then pitch (the order tokens use)."""
        return self.take(np.lexsort((self.pitch, self.program, self.start)))

    def equals(self, other: QuantizedNotes) -> bool:
        """Same notes in the same order."""
        return all(
            np.array_equal(getattr(self, f), getattr(other, f))
            for f in ("program", "pitch", "velocity", "start", "end")
        )


def make_notes(
    program: np.ndarray, pitch: np.ndarray, velocity: np.ndarray, start: np.ndarray, end: np.ndarray
) -> QuantizedNotes:
    """Build notes with the canonical dtypes (int16 / int64 times)."""
    return QuantizedNotes(
        program=np.asarray(program, dtype=np.int16),
        pitch=np.asarray(pitch, dtype=np.int16),
        velocity=np.asarray(velocity, dtype=np.int16),
        start=np.asarray(start, dtype=np.int64),
        end=np.asarray(end, dtype=np.int64),
    )


def resolve_overlaps(notes: QuantizedNotes) -> QuantizedNotes:
    """Make each (program, pitch) monophonic, as MIDI note-on/off requires.

    Two notes of one pitch on one program starting together become one (the longer); a note still
    sounding when the same pitch starts again ends there. Returns notes sorted canonically.
    """
    if len(notes) == 0:
        return notes
    by_key = notes.take(np.lexsort((-notes.end, notes.start, notes.pitch, notes.program)))
    same_key_prev = np.zeros(len(by_key), dtype=bool)
    same_key_prev[1:] = (by_key.program[1:] == by_key.program[:-1]) & (
        by_key.pitch[1:] == by_key.pitch[:-1]
    )
    duplicate = np.zeros(len(by_key), dtype=bool)
    duplicate[1:] = same_key_prev[1:] & (by_key.start[1:] == by_key.start[:-1])
    unique = by_key.take(~duplicate)
    next_same = np.zeros(len(unique), dtype=bool)
    next_same[:-1] = (unique.program[1:] == unique.program[:-1]) & (
        unique.pitch[1:] == unique.pitch[:-1]
    )
    end = unique.end.copy()
    next_start = np.roll(unique.start, -1)
    end[next_same] = np.minimum(end[next_same], next_start[next_same])
    return make_notes(unique.program, unique.pitch, unique.velocity, unique.start, end).sorted()
