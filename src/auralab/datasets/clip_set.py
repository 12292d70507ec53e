"""Clip sets on disk: ``audio.npy`` (int16, memory-mapped on load) + ``clips.parquet`` +
``format.json`` (sample rate). Feature sets: ``features.npy`` (float16 [N, frames, mels]) + table.

Written by hand because kedro-datasets has no packed-audio type; folders are replaced atomically.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from kedro.io import AbstractDataset

from auralab.core.atomic import atomic_directory
from auralab.wakeword.clips import ClipSet
from auralab.wakeword.features import FeatureSet


class ClipSetDataset(AbstractDataset[ClipSet, ClipSet]):
    """Save and load a :class:`ClipSet` in a folder ``path``."""

    def __init__(
        self, path: str, mmap: bool = True, metadata: dict[str, Any] | None = None
    ) -> None:
        self.metadata = metadata  # free-form catalog metadata (e.g. DVC options)
        self._path = Path(path)
        self._mmap = mmap

    def _describe(self) -> dict[str, Any]:
        return {"path": str(self._path), "mmap": self._mmap}

    def load(self) -> ClipSet:
        meta = json.loads((self._path / "format.json").read_text())
        return ClipSet(
            audio=np.load(self._path / "audio.npy", mmap_mode="r" if self._mmap else None),
            table=pd.read_parquet(self._path / "clips.parquet"),
            sample_rate=int(meta["sample_rate"]),
        )

    def save(self, data: ClipSet) -> None:
        with atomic_directory(self._path) as staging:
            np.save(staging / "audio.npy", np.ascontiguousarray(data.audio, dtype=np.int16))
            data.table.to_parquet(staging / "clips.parquet", index=False)
            (staging / "format.json").write_text(json.dumps({"sample_rate": data.sample_rate}))

    def _exists(self) -> bool:
        return (self._path / "format.json").exists()


class FeatureSetDataset(AbstractDataset[FeatureSet, FeatureSet]):
    """Save and load a :class:`FeatureSet` (features + table + the feature spec) in ``path``."""

    def __init__(
        self, path: str, mmap: bool = True, metadata: dict[str, Any] | None = None
    ) -> None:
        self.metadata = metadata
        self._path = Path(path)
        self._mmap = mmap

    def _describe(self) -> dict[str, Any]:
        return {"path": str(self._path), "mmap": self._mmap}

    def load(self) -> FeatureSet:
        return FeatureSet(
            features=np.load(self._path / "features.npy", mmap_mode="r" if self._mmap else None),
            table=pd.read_parquet(self._path / "clips.parquet"),
            spec=json.loads((self._path / "spec.json").read_text()),
        )

    def save(self, data: FeatureSet) -> None:
        with atomic_directory(self._path) as staging:
            np.save(staging / "features.npy", np.ascontiguousarray(data.features, dtype=np.float16))
            data.table.to_parquet(staging / "clips.parquet", index=False)
            (staging / "spec.json").write_text(json.dumps(data.spec, sort_keys=True, indent=1))

    def _exists(self) -> bool:
        return (self._path / "spec.json").exists()
