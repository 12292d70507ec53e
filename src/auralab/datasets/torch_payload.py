"""A dict of tensors and plain values saved atomically with torch, loaded with weights_only=True."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kedro.io import AbstractDataset

from auralab.core.checkpoint import load_checkpoint, save_checkpoint


class TorchPayloadDataset(AbstractDataset[dict[str, Any], dict[str, Any]]):
    """E.g. a model: ``{"config": ..., "state_dict": ..., "vocabulary": ...}``."""

    def __init__(self, filepath: str, metadata: dict[str, Any] | None = None) -> None:
        self.metadata = metadata  # free-form catalog metadata (e.g. DVC options)
        self._filepath = Path(filepath)

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath)}

    def load(self) -> dict[str, Any]:
        return load_checkpoint(self._filepath)

    def save(self, data: dict[str, Any]) -> None:
        save_checkpoint(self._filepath, data)

    def _exists(self) -> bool:
        return self._filepath.exists()


class FolderDataset(AbstractDataset[None, Path]):
    """A working folder a node manages itself (e.g. resumable checkpoints); loads as its Path."""

    def __init__(self, path: str, metadata: dict[str, Any] | None = None) -> None:
        self.metadata = metadata  # free-form catalog metadata (e.g. DVC options)
        self._path = Path(path)

    def _describe(self) -> dict[str, Any]:
        return {"path": str(self._path)}

    def load(self) -> Path:
        self._path.mkdir(parents=True, exist_ok=True)
        return self._path

    def save(self, data: None) -> None:
        raise NotImplementedError("a working folder is written by the node that loads it")

    def _exists(self) -> bool:
        return self._path.exists()
