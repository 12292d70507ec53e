"""Optuna sweeps: trials are nested MLflow runs, bad trials are pruned, the best is on the parent."""

from __future__ import annotations

import mlflow
import pytest

from auralab.core.sweep import run_study


def test_trials_are_nested_runs_and_bad_ones_are_pruned(tmp_path):
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path}/mlflow.db")
    mlflow.set_experiment("sweep-test")
    curves = {0: [3.0, 2.0, 1.5, 1.2], 1: [3.1, 2.1, 1.6, 1.3], 2: [4.0, 3.9, 3.8, 3.7]}

    def objective(trial, observer):
        trial.suggest_float("lr", 1e-4, 1e-2, log=True)
        for step, value in enumerate(curves[min(trial.number, 2)], start=1):
            observer.on_eval(step, {"val_loss": value}, None)
        return curves[min(trial.number, 2)][-1]

    with mlflow.start_run(run_name="parent") as parent:
        study = run_study(objective, f"sqlite:///{tmp_path}/optuna.db", "s", 4, seed=0)
    client = mlflow.MlflowClient()
    children = client.search_runs(
        [parent.info.experiment_id], f"tags.mlflow.parentRunId = '{parent.info.run_id}'"
    )
    assert len(children) == 4
    states = sorted(c.data.tags["optuna_state"] for c in children)
    assert states.count("pruned") >= 1 and states.count("complete") >= 2
    assert all("val_loss" in c.data.metrics for c in children)
    best = client.get_run(parent.info.run_id).data
    assert best.metrics["sweep.best_val_loss"] == pytest.approx(1.2)
    assert "sweep.best.lr" in best.params
    assert study.best_value == pytest.approx(1.2)


def test_a_study_is_shared_through_its_storage(tmp_path):
    storage = f"sqlite:///{tmp_path}/optuna.db"
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path}/mlflow.db")
    mlflow.set_experiment("shared-study-test")

    def objective(trial, observer):
        return trial.suggest_float("x", 0, 1)

    run_study(objective, storage, "shared", 2, seed=0)
    second = run_study(objective, storage, "shared", 2, seed=1)  # another machine joining
    assert len(second.trials) == 4
