"""A folder of MIDI files, optionally filled once from the music21 corpus.

Written by hand because no kedro-datasets type reads raw bytes from a folder into one mapping, and
the corpus conversion must be cached between runs (music21 takes ~0.3 s per score).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kedro.io import AbstractDataset, DatasetError

from auralab.music.corpus import ConversionFailure, materialize_corpus


@dataclass(frozen=True)
class MidiSources:
    """Raw file bytes keyed ``origin/relative/path`` and the scores that could not be converted."""

    files: dict[str, bytes]
    failures: list[ConversionFailure] = field(default_factory=list)


class MidiFolderDataset(AbstractDataset[None, MidiSources]):
    """Read every file under ``path`` (dot-files skipped); read-only.

    Args:
        path: folder to read; created when missing.
        origin: prefix of every key, e.g. ``bach`` or ``user``.
        music21_composer: when set, the folder is a cache of that composer's music21 scores,
            converted to MIDI on first load.
        limit: convert only the first ``limit`` scores (sorted), for small profiles.
    """

    def __init__(
        self,
        path: str,
        origin: str,
        music21_composer: str | None = None,
        limit: int | None = None,
        workers: int = 2,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        self.metadata = metadata  # free-form catalog metadata (e.g. DVC options)
        self._path = Path(path)
        self._origin = origin
        self._composer = music21_composer
        self._limit = limit
        self._workers = workers

    def _describe(self) -> dict[str, Any]:
        return {"path": str(self._path), "origin": self._origin, "composer": self._composer}

    def load(self) -> MidiSources:
        self._path.mkdir(parents=True, exist_ok=True)
        failures: list[ConversionFailure] = []
        if self._composer:
            failures = materialize_corpus(
                self._composer, self._path, self._origin, self._workers, self._limit
            )
        files = {
            f"{self._origin}/{p.relative_to(self._path).as_posix()}": p.read_bytes()
            for p in sorted(self._path.rglob("*"))
            if p.is_file()
            and not any(part.startswith(("_", ".")) for part in p.relative_to(self._path).parts)
        }
        return MidiSources(files=files, failures=failures)

    def save(self, data: None) -> None:
        raise DatasetError(f"{self._path} is an input folder; drop MIDI files into it instead")

    def _exists(self) -> bool:
        return self._path.exists()
