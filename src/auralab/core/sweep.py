"""Optuna studies whose trials are nested MLflow runs (kedro-mlflow has no nested runs).

The study lives in any SQLAlchemy URL (sqlite by default, Postgres to share one study between
machines: ``load_if_exists`` lets each machine join). Trials report validation loss as they train
and are pruned by a median rule.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mlflow
import optuna
import structlog
from torch import nn

from auralab.core.tracking import MlflowObserver

log = structlog.get_logger(__name__)


class PruningObserver(MlflowObserver):
    """Logs a trial's metrics to its nested run and prunes it when Optuna says so."""

    def __init__(self, trial: optuna.Trial) -> None:
        super().__init__()
        self.trial = trial

    def on_eval(self, step: int, metrics: dict[str, float], model: nn.Module) -> None:
        super().on_eval(step, metrics, model)
        score = metrics.get("selection", metrics["val_loss"])  # what the trial is judged on
        self.trial.report(score, step)
        if self.trial.should_prune():
            raise optuna.TrialPruned(f"score {score:.4f} at step {step}")


def run_study(
    objective: Callable[[optuna.Trial, PruningObserver], float],
    storage: str,
    study_name: str,
    n_trials: int,
    seed: int,
) -> optuna.Study:
    """Run ``n_trials`` trials, each in a nested MLflow run; log the best on the parent run."""
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(
        study_name=study_name,
        storage=storage,
        direction="minimize",
        load_if_exists=True,
        sampler=optuna.samplers.TPESampler(seed=seed),
        pruner=optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=1),
    )

    def nested(trial: optuna.Trial) -> float:
        with mlflow.start_run(run_name=f"{study_name}-trial-{trial.number}", nested=True):
            mlflow.set_tags({"optuna_study": study_name, "optuna_trial": str(trial.number)})
            try:
                value = objective(trial, PruningObserver(trial))
            except optuna.TrialPruned:
                mlflow.set_tag("optuna_state", "pruned")
                mlflow.log_params(trial.params)
                raise
            mlflow.log_params(trial.params)
            mlflow.set_tag("optuna_state", "complete")
            mlflow.log_metric("best_val_loss", value)
            return value

    study.optimize(nested, n_trials=n_trials)
    best = _best(study)
    if best and mlflow.active_run():
        mlflow.log_params({f"sweep.best.{k}": v for k, v in best.params.items()})
        mlflow.log_metric("sweep.best_val_loss", float(best.value or 0.0))
        mlflow.set_tag("sweep.best_trial", str(best.number))
    log.info("sweep finished", trials=len(study.trials), best=best.params if best else None)
    return study


def _best(study: optuna.Study) -> Any:
    complete = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    return min(complete, key=lambda t: float(t.value or 0.0)) if complete else None
