"""Turn a collection of MIDI files into the note, file and quarantine tables.

Nothing here raises on a bad file: each one becomes a quarantine row and the rest go on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

import numpy as np
import pandas as pd

from auralab.core.errors import MidiParseError
from auralab.core.progress import progress
from auralab.music.corpus import ConversionFailure
from auralab.music.midi import NOTE_COLUMNS, ParsedMidi, parse_midi
from auralab.music.params import IngestParams

MIDI_SUFFIXES = frozenset({".mid", ".midi"})
QUARANTINE_COLUMNS = ["source", "stage", "reason", "detail"]
FILE_COLUMNS = [
    "source",
    "origin",
    "status",
    "sha256",
    "n_bytes",
    "duration_s",
    "duration_beats",
    "n_notes",
    "n_tracks",
    "n_tempo_changes",
    "n_time_signatures",
    "ticks_per_quarter",
    "key",
]


@dataclass(frozen=True)
class IngestTables:
    """The three tables the ingest stage writes."""

    notes: pd.DataFrame
    files: pd.DataFrame
    quarantine: pd.DataFrame


def _quarantine_row(source: str, stage: str, reason: str, detail: str = "") -> dict[str, str]:
    return {"source": source, "stage": stage, "reason": reason, "detail": detail[:500]}


def _check_file(name: str, data: bytes, params: IngestParams) -> ParsedMidi:
    if PurePosixPath(name).suffix.lower() not in MIDI_SUFFIXES:
        raise MidiParseError("unsupported format", f"expected .mid or .midi, got {name!r}")
    if len(data) > params.max_file_megabytes * 1e6:
        raise MidiParseError("file too large", f"{len(data)} bytes")
    return parse_midi(data, min_notes=params.min_notes)


def build_tables(
    sources: Mapping[str, bytes],
    conversion_failures: Sequence[ConversionFailure],
    params: IngestParams,
) -> IngestTables:
    """Parse every source (``origin/name`` -> bytes) into notes, files and quarantine tables."""
    names = sorted(sources)[: params.max_files] if params.max_files else sorted(sources)
    note_parts: list[dict[str, np.ndarray]] = []
    file_rows: list[dict[str, object]] = []
    quarantine = [
        _quarantine_row(f"{f.origin}/{f.score}", "convert", "conversion failed", f.reason)
        for f in conversion_failures
    ]
    for name in progress(names, "parse MIDI"):
        data = sources[name]
        row: dict[str, object] = {
            "source": name,
            "origin": name.split("/", 1)[0],
            "sha256": hashlib.sha256(data).hexdigest(),
            "n_bytes": len(data),
        }
        try:
            parsed = _check_file(name, data, params)
        except MidiParseError as error:
            quarantine.append(_quarantine_row(name, "ingest", error.reason, error.detail))
            file_rows.append({**row, "status": "quarantined"})
            continue
        file_rows.append({**row, **_file_summary(parsed), "status": "ok"})
        note_parts.append(_with_source(parsed, name))
    return IngestTables(
        notes=_notes_frame(note_parts),
        files=pd.DataFrame(file_rows, columns=FILE_COLUMNS),
        quarantine=pd.DataFrame(quarantine, columns=QUARANTINE_COLUMNS),
    )


def _file_summary(parsed: ParsedMidi) -> dict[str, object]:
    return {
        "duration_s": parsed.duration_s,
        "duration_beats": parsed.duration_beats,
        "n_notes": parsed.n_notes,
        "n_tracks": parsed.n_tracks,
        "n_tempo_changes": parsed.n_tempo_changes,
        "n_time_signatures": parsed.n_time_signatures,
        "ticks_per_quarter": parsed.ticks_per_quarter,
        "key": parsed.key,
    }


def _with_source(parsed: ParsedMidi, name: str) -> dict[str, np.ndarray]:
    n = parsed.n_notes
    return {
        "source": np.full(n, name, dtype=object),
        **parsed.notes,
        "key": np.full(n, parsed.key, dtype=object),
    }


def _notes_frame(parts: list[dict[str, np.ndarray]]) -> pd.DataFrame:
    columns = ["source", *NOTE_COLUMNS, "key"]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=NOTE_COLUMNS.get(c, "object")) for c in columns})
    frame = pd.DataFrame({c: np.concatenate([p[c] for p in parts]) for c in columns})
    frame["source"] = frame["source"].astype("category")
    return frame
