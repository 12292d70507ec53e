"""The training observer: every step's metrics reach MLflow, though they are logged asynchronously."""

from __future__ import annotations

import mlflow

from auralab.core.tracking import MlflowObserver


def _history(run_id: str, key: str) -> list[tuple[int, float]]:
    return [(m.step, m.value) for m in mlflow.MlflowClient().get_metric_history(run_id, key)]


def test_step_metrics_are_all_stored_by_each_evaluation_and_by_the_runs_end(tmp_path):
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path}/mlflow.db")
    mlflow.set_experiment("observer-test")
    observer = MlflowObserver("train.")
    with mlflow.start_run() as run:
        for step in range(1, 31):
            observer.on_step(step, {"loss": 1.0 / step})
        observer.on_eval(30, {"val_loss": 0.5}, None)
        assert [s for s, _ in _history(run.info.run_id, "train.loss")] == list(range(1, 31))
        assert _history(run.info.run_id, "train.val_loss") == [(30, 0.5)]
        for step in range(31, 41):
            observer.on_step(step, {"loss": 1.0 / step})
    after = sorted(_history(run.info.run_id, "train.loss"))
    assert [s for s, _ in after] == list(range(1, 41))
    assert after[-1][1] == 1.0 / 40


def test_without_an_active_run_nothing_is_logged(tmp_path):
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path}/mlflow.db")
    observer = MlflowObserver()
    observer.on_step(1, {"loss": 1.0})
    observer.on_eval(1, {"val_loss": 1.0}, None)
    assert mlflow.active_run() is None
