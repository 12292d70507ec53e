"""Run the real Kedro project in a subprocess, with its data and MLflow store in a temp folder."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import mlflow
import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
KEDRO = str(Path(sys.executable).with_name("kedro"))


@dataclass
class KedroProject:
    """The project wired to a private data root and MLflow store."""

    data_root: Path
    tracking_uri: str
    secret: str = "hunter2-not-for-mlflow"  # a credential the run must never record

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "AURALAB_DATA_ROOT": str(self.data_root),
            "MLFLOW_TRACKING_URI": self.tracking_uri,
            "KEDRO_DISABLE_TELEMETRY": "1",
            "DVC_NO_ANALYTICS": "1",
            "AURALAB_PROGRESS": "0",
            "MLFLOW_TRACKING_PASSWORD": self.secret,
            "AURALAB_LOG_DIR": str(self.data_root.parent / "logs"),
        }

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [KEDRO, "run", "--env", "ci", *args],
            cwd=PROJECT_ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=600,
        )

    def runs(self) -> list[mlflow.entities.Run]:
        client = mlflow.MlflowClient(self.tracking_uri)
        experiment = client.get_experiment_by_name("auralab")
        if experiment is None:
            return []
        return client.search_runs([experiment.experiment_id], order_by=["attributes.start_time"])


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> KedroProject:
    root = tmp_path_factory.mktemp("project")
    return KedroProject(root / "data", f"sqlite:///{root / 'mlflow.db'}")
