"""Music train node: optional Optuna sweep, then the final model, logged live to MLflow."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import optuna

from auralab.core.expectations import raise_if_failed
from auralab.core.plotting import curves_png
from auralab.core.sweep import PruningObserver, run_study
from auralab.core.tracking import SamplingObserver, as_mlflow_metrics, log_artifact_bytes
from auralab.music.params import AugmentParams, PreprocessParams, TrainParams
from auralab.music.samples import sample_files
from auralab.music.sequences import TokenSequences
from auralab.music.tokenizer import Tokenizer
from auralab.music.training import Augmentation, fit, model_payload
from auralab.music.vocabulary import Vocabulary


def _trial_params(trial: optuna.Trial, params: TrainParams) -> TrainParams:
    """The base parameters with this trial's learning rate, width, depth and dropout."""
    sweep = params.sweep
    model = params.model.model_copy(
        update={
            "n_embd": trial.suggest_categorical("n_embd", sweep.n_embd),
            "n_layer": trial.suggest_categorical("n_layer", sweep.n_layer),
            "dropout": trial.suggest_float("dropout", sweep.dropout.low, sweep.dropout.high),
        }
    )
    lr = trial.suggest_float("lr", sweep.lr.low, sweep.lr.high, log=sweep.lr.log)
    steps = sweep.steps_per_trial
    return params.model_copy(
        update={
            "model": model,
            "lr": lr,
            "max_steps": steps,
            "eval_every": max(1, steps // 4),
            "warmup_steps": min(params.warmup_steps, max(1, steps // 10)),
            "n_samples": 0,
        }
    )


def _with_best(params: TrainParams, best: dict[str, Any]) -> TrainParams:
    model = params.model.model_copy(
        update={k: best[k] for k in ("n_embd", "n_layer", "dropout") if k in best}
    )
    return params.model_copy(update={"model": model, "lr": best.get("lr", params.lr)})


def train_model(
    tokens: TokenSequences,
    vocabulary: dict[str, Any],
    augmentation_plan: dict[str, Any],
    augmentation_check: dict[str, Any],
    params: dict[str, Any],
    preprocess: dict[str, Any],
    checkpoints: Path,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Sweep when ``sweep.n_trials > 0``, then train; return the model, its history and metrics.

    Refuses to start when the augmentation check failed.
    """
    raise_if_failed(augmentation_check)
    train = TrainParams(**params)
    tokenizer = Tokenizer(Vocabulary.from_dict(vocabulary))
    augmentation = Augmentation(tokenizer, AugmentParams(**augmentation_plan["operations"]))
    size = tokenizer.vocabulary.size
    if train.sweep.n_trials > 0:

        def objective(trial: optuna.Trial, observer: PruningObserver) -> float:
            trial_params = _trial_params(trial, train)
            trained = fit(tokens, size, trial_params, augmentation, None, observer)
            return trained.result.best_val_loss

        sweep = train.sweep
        study = run_study(objective, sweep.storage, sweep.study_name, sweep.n_trials, train.seed)
        if any(t.state == optuna.trial.TrialState.COMPLETE for t in study.trials):
            train = _with_best(train, study.best_params)

    def samples(model: Any) -> dict[str, bytes]:
        return sample_files(model, tokenizer, train.n_samples, train.sample_tokens, train.seed)

    observer = SamplingObserver(train.sample_every, samples, "music/train/samples", "train.")
    checkpoint = checkpoints / "last.pt" if train.resume else None
    trained = fit(tokens, size, train, augmentation, checkpoint, observer)
    result = trained.result
    log_artifact_bytes(
        {
            "loss.png": curves_png(
                {k: result.history[k] for k in ("loss", "val_loss") if k in result.history},
                "next-token NLL (nats)",
            ),
        },
        "music/train",
    )
    summary = {
        "steps": result.steps,
        "best_val_loss": result.best_val_loss,
        "best_step": result.best_step,
        "stopped_early": result.stopped_early,
        "n_params": trained.model.n_params(),
        "data_wait_share": result.data_wait_share,
        "tokens_per_second": result.tokens_per_second,
        "model": trained.model.config.to_dict(),
        "lr": train.lr,
    }
    metrics = {
        "best_val_loss": result.best_val_loss,
        "steps": float(result.steps),
        "n_params": float(trained.model.n_params()),
        "data_wait_share": result.data_wait_share,
        "tokens_per_second": result.tokens_per_second,
    }
    report = {"summary": summary, "history": result.history}
    payload = model_payload(trained.model, vocabulary, PreprocessParams(**preprocess).model_dump())
    return payload, report, as_mlflow_metrics(metrics)
