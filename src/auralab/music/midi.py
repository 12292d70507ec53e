"""Parse standard MIDI files into note arrays with symusic (C++ parser, ~50x faster than mido).

A file that cannot be used raises :class:`MidiParseError` with a short reason for the quarantine table.
Beats are quarter notes (MIDI's unit); seconds follow the file's tempo map.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import symusic

from auralab.core.errors import MidiParseError

# Column names and dtypes of the note table, in order (one row per note).
NOTE_COLUMNS: dict[str, str] = {
    "track": "int16",
    "program": "int16",
    "is_drum": "bool",
    "pitch": "int16",
    "velocity": "int16",
    "start_s": "float64",
    "end_s": "float64",
    "start_beat": "float64",
    "end_beat": "float64",
    "tempo_bpm": "float64",
    "ts_numerator": "int16",
    "ts_denominator": "int16",
}

_MAJOR = ["C", "G", "D", "A", "E", "B", "F#", "C#", "F", "Bb", "Eb", "Ab", "Db", "Gb", "Cb"]
_MINOR = ["A", "E", "B", "F#", "C#", "G#", "D#", "A#", "D", "G", "C", "F", "Bb", "Eb", "Ab"]


@dataclass(frozen=True)
class ParsedMidi:
    """The notes of one file as parallel arrays (``notes[column]`` has shape (n_notes,))."""

    notes: dict[str, np.ndarray]
    ticks_per_quarter: int
    duration_s: float
    duration_beats: float
    n_tracks: int
    n_tempo_changes: int
    n_time_signatures: int
    key: str | None

    @property
    def n_notes(self) -> int:
        return int(self.notes["pitch"].shape[0])


def key_name(sharps: int, tonality: int) -> str | None:
    """MIDI key signature (sharps, 0 major / 1 minor) -> ``"F major"``; None when not a real key."""
    if not -7 <= sharps <= 7 or tonality not in (0, 1):
        return None
    names = _MINOR if tonality else _MAJOR
    return f"{names[sharps if sharps >= 0 else 7 - sharps]} {'minor' if tonality else 'major'}"


def _lookup(times: np.ndarray, change_times: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Value in force at each time, given sorted change points (the first applies from 0)."""
    index = np.searchsorted(change_times, times, side="right") - 1
    return values[np.clip(index, 0, len(values) - 1)]


def _score(data: bytes) -> symusic.Score:
    if len(data) == 0:
        raise MidiParseError("empty file", "0 bytes")
    try:
        return symusic.Score.from_midi(data)
    except RuntimeError as error:
        raise MidiParseError("corrupt or truncated MIDI", str(error)) from None


def parse_midi(data: bytes, min_notes: int = 1) -> ParsedMidi:
    """Parse MIDI bytes into a :class:`ParsedMidi`, notes sorted by onset, track, then pitch."""
    score = _score(data)
    if score.note_num() < min_notes:
        reason = "no notes" if score.note_num() == 0 else f"fewer than {min_notes} notes"
        raise MidiParseError(reason, f"{score.note_num()} notes")
    seconds = score.to("second")
    tpq = int(score.ticks_per_quarter)
    per_track = ["track", "program", "is_drum", "pitch", "velocity", "start_s", "end_s"]
    columns: dict[str, list[np.ndarray]] = {n: [] for n in [*per_track, "start_beat", "end_beat"]}
    for index, (track, track_s) in enumerate(zip(score.tracks, seconds.tracks, strict=True)):
        ticks, secs = track.notes.numpy(), track_s.notes.numpy()
        n = len(ticks["pitch"])
        if n == 0:
            continue
        columns["track"].append(np.full(n, index))
        columns["program"].append(np.full(n, track.program))
        columns["is_drum"].append(np.full(n, track.is_drum))
        columns["pitch"].append(ticks["pitch"])
        columns["velocity"].append(ticks["velocity"])
        columns["start_s"].append(secs["time"])
        columns["end_s"].append(secs["time"] + secs["duration"])
        columns["start_beat"].append(ticks["time"] / tpq)
        columns["end_beat"].append((ticks["time"] + ticks["duration"]) / tpq)
    if not columns["pitch"]:
        raise MidiParseError("no notes", "every track is empty")
    notes = {name: np.concatenate(parts) for name, parts in columns.items()}
    _add_context_columns(notes, score, tpq)
    order = np.lexsort((notes["pitch"], notes["track"], notes["start_beat"]))
    notes = {name: notes[name][order].astype(NOTE_COLUMNS[name]) for name in NOTE_COLUMNS}
    keys = score.key_signatures.numpy()
    return ParsedMidi(
        notes=notes,
        ticks_per_quarter=tpq,
        duration_s=float(seconds.end()),
        duration_beats=float(score.end()) / tpq,
        n_tracks=sum(1 for t in score.tracks if len(t.notes)),
        n_tempo_changes=max(len(score.tempos) - 1, 0),
        n_time_signatures=len(score.time_signatures),
        key=key_name(int(keys["key"][0]), int(keys["tonality"][0])) if len(keys["key"]) else None,
    )


def _add_context_columns(notes: dict[str, np.ndarray], score: symusic.Score, tpq: int) -> None:
    """Tempo and time signature in force at each note onset."""
    onset_ticks = np.round(notes["start_beat"] * tpq)
    tempos = score.tempos.numpy()
    if len(tempos["time"]):
        notes["tempo_bpm"] = _lookup(onset_ticks, tempos["time"], 60_000_000 / tempos["mspq"])
    else:
        notes["tempo_bpm"] = np.full(len(onset_ticks), 120.0)
    signatures = score.time_signatures.numpy()
    if len(signatures["time"]):
        notes["ts_numerator"] = _lookup(onset_ticks, signatures["time"], signatures["numerator"])
        notes["ts_denominator"] = _lookup(
            onset_ticks, signatures["time"], signatures["denominator"]
        )
    else:
        notes["ts_numerator"] = np.full(len(onset_ticks), 4)
        notes["ts_denominator"] = np.full(len(onset_ticks), 4)
