"""Kedro hooks: validate parameters before any work, and tag/measure every MLflow run."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from typing import Any

import mlflow
import structlog
from kedro.framework.context import KedroContext
from kedro.framework.hooks import hook_impl
from kedro.io import DataCatalog
from kedro.pipeline import Pipeline
from kedro.pipeline.node import Node

from auralab.core.logging import configure_logging
from auralab.core.params import StrictModel, validate_params
from auralab.core.tracking import dvc_hash, git_state, local_path
from auralab.music.params import MusicParams
from auralab.wakeword.params import WakewordParams

log = structlog.get_logger(__name__)

FAMILY_PARAMS: dict[str, type[StrictModel]] = {"music": MusicParams, "wakeword": WakewordParams}


class ParameterValidationHook:
    """Validate every family's parameters as soon as the context exists, before any node runs."""

    @hook_impl
    def after_context_created(self, context: KedroContext) -> None:
        configure_logging(
            Path(os.environ.get("AURALAB_LOG_DIR", Path(context.project_path) / "logs"))
        )
        params = context.params
        for family, model in FAMILY_PARAMS.items():
            validate_params(model, params.get(family), family)


class RunTrackingHook:
    """Tags the MLflow run with the git commit and the DVC hash of each input; logs node durations.

    kedro-mlflow starts the run in its own ``before_pipeline_run``; these hooks only add to it.
    """

    def __init__(self) -> None:
        self._inputs: set[str] = set()
        self._catalog: DataCatalog | None = None
        self._started: dict[str, float] = {}
        self._run_start = 0.0
        self._hashes: dict[str, str] = {}

    @hook_impl
    def before_pipeline_run(
        self, run_params: dict[str, Any], pipeline: Pipeline, catalog: DataCatalog
    ) -> None:
        self._inputs = {name for name in pipeline.inputs() if not name.startswith("params:")}
        self._catalog = catalog
        self._run_start = time.perf_counter()
        self._hashes = {}
        if mlflow.active_run():
            mlflow.set_tags(git_state(Path(run_params["project_path"])))

    @hook_impl
    def after_dataset_loaded(self, dataset_name: str, data: Any) -> None:
        if dataset_name not in self._inputs or dataset_name in self._hashes or not self._catalog:
            return
        path = local_path(self._catalog, dataset_name)
        if path is None or not path.exists():
            return
        self._hashes[dataset_name] = dvc_hash(path)
        if mlflow.active_run():
            mlflow.set_tag(f"data_version.{dataset_name}", self._hashes[dataset_name])

    @hook_impl
    def before_node_run(self, node: Node) -> None:
        self._started[node.name] = time.perf_counter()

    @hook_impl
    def after_node_run(self, node: Node) -> None:
        seconds = time.perf_counter() - self._started.pop(node.name, time.perf_counter())
        log.info("node finished", node=node.name, seconds=round(seconds, 3))
        if mlflow.active_run():
            mlflow.log_metric(f"duration_s.{node.name}", seconds)

    @hook_impl
    def after_pipeline_run(self) -> None:
        if mlflow.active_run():
            mlflow.log_metric("duration_s.pipeline", time.perf_counter() - self._run_start)
            if self._hashes:
                mlflow.set_tag("data_version", combined_version(self._hashes))


def combined_version(hashes: dict[str, str]) -> str:
    """One short id for all inputs: md5 of the sorted ``name=hash`` lines."""
    lines = "\n".join(f"{name}={value}" for name, value in sorted(hashes.items()))
    return hashlib.md5(lines.encode()).hexdigest()
