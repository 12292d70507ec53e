"""Tracking helpers: git state, DVC content hashes, dataset paths, MLflow metric shapes."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def git_state(project_path: Path) -> dict[str, str]:
    """``git_commit`` and ``git_dirty`` tags (``unknown`` outside a git checkout)."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=project_path, capture_output=True, text=True, check=True
        ).stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
        dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    except (subprocess.CalledProcessError, FileNotFoundError):
        return {"git_commit": "unknown", "git_dirty": "unknown"}
    return {"git_commit": commit, "git_dirty": str(dirty).lower()}


def dvc_hash(path: Path) -> str:
    """The md5 DVC records for ``path``: a file's md5, or a folder's ``<md5>.dir`` tree hash."""
    from dvc_data.hashfile.build import build
    from dvc_data.hashfile.db import HashFileDB
    from dvc_objects.fs.local import LocalFileSystem

    fs = LocalFileSystem()
    scratch = HashFileDB(fs, str(path.parent / ".dvc-hash-scratch"))
    _, _, obj = build(scratch, str(path), fs, "md5", dry_run=True, ignore=None)
    return str(obj.hash_info.value)


def local_path(catalog: Any, dataset_name: str) -> Path | None:
    """Local file or folder behind a catalog entry (unwrapping MLflow artifact datasets)."""
    try:
        dataset = catalog.get(dataset_name)
    except Exception:
        return None
    for candidate in (dataset, getattr(dataset, "_dataset", None)):
        if candidate is None:
            continue
        for attribute in ("_filepath", "_path"):
            value = getattr(candidate, attribute, None)
            if value:
                return Path(str(value))
    return None


def as_mlflow_metrics(values: Mapping[str, float], step: int = 0) -> dict[str, dict[str, float]]:
    """``{"name": v}`` -> the shape kedro-mlflow's MlflowMetricsHistoryDataset saves."""
    return {name: {"value": float(value), "step": step} for name, value in values.items()}


class MlflowObserver:
    """Logs training metrics to the active MLflow run as they happen.

    Step metrics go through MLflow's asynchronous logging queue: a synchronous write to the
    sqlite store costs about 13 ms a step on 2 cores, 2 to 4% of a wake-word training step. The
    queue is flushed at each evaluation and when the run ends (``mlflow.end_run``)."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix

    def on_step(self, step: int, metrics: dict[str, float]) -> None:
        import mlflow

        if mlflow.active_run():
            named = {self.prefix + k: v for k, v in metrics.items()}
            mlflow.log_metrics(named, step=step, synchronous=False)

    def on_eval(self, step: int, metrics: dict[str, float], model: Any) -> None:
        import mlflow

        self.on_step(step, metrics)
        if mlflow.active_run():
            mlflow.flush_async_logging()


def log_artifact_bytes(files: Mapping[str, bytes], artifact_path: str) -> None:
    """Write ``name -> bytes`` to a temporary folder and log it under ``artifact_path``."""
    import tempfile

    import mlflow

    if not mlflow.active_run() or not files:
        return
    with tempfile.TemporaryDirectory() as folder:
        for name, data in files.items():
            (Path(folder) / name).write_bytes(data)
        mlflow.log_artifacts(folder, artifact_path)


class SamplingObserver(MlflowObserver):
    """An MlflowObserver that also logs generated files (e.g. MIDI, PNG) every ``every`` steps."""

    def __init__(self, every: int, make_files: Any, artifact_path: str, prefix: str = "") -> None:
        super().__init__(prefix)
        self.every, self.make_files, self.artifact_path = every, make_files, artifact_path
        self._last = 0

    def on_eval(self, step: int, metrics: dict[str, float], model: Any) -> None:
        super().on_eval(step, metrics, model)
        if step - self._last >= self.every:
            self._last = step
            log_artifact_bytes(self.make_files(model), f"{self.artifact_path}/step_{step:06d}")
