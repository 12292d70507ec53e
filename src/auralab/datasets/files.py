"""A folder of named files (``{name: bytes}``), replaced atomically, optionally logged to MLflow.

Written by hand: kedro-datasets has no "dict of bytes" type, and kedro-mlflow's artifact wrapper
logs single files; generated MIDI, piano rolls and reports come as sets of files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kedro.io import AbstractDataset

from auralab.core.atomic import atomic_directory


class FilesDataset(AbstractDataset[dict[str, bytes], dict[str, bytes]]):
    """Save ``{relative name: bytes}`` into ``path``; log the folder to MLflow when asked."""

    def __init__(
        self,
        path: str,
        mlflow_artifact_path: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        self.metadata = metadata  # free-form catalog metadata (e.g. DVC options)
        self._path = Path(path)
        self._artifact_path = mlflow_artifact_path

    def _describe(self) -> dict[str, Any]:
        return {"path": str(self._path), "mlflow_artifact_path": self._artifact_path}

    def load(self) -> dict[str, bytes]:
        return {
            p.relative_to(self._path).as_posix(): p.read_bytes()
            for p in sorted(self._path.rglob("*"))
            if p.is_file()
        }

    def save(self, data: dict[str, bytes]) -> None:
        with atomic_directory(self._path) as staging:
            for name, content in data.items():
                target = staging / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
        if self._artifact_path is not None:
            import mlflow

            if mlflow.active_run():
                mlflow.log_artifacts(str(self._path), self._artifact_path)

    def _exists(self) -> bool:
        return self._path.exists()
