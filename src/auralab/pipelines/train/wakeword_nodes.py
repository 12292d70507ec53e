"""Wakeword train nodes up to the first sentry: teacher check, judge, distilled sentry (mining and
what follows it: ``wakeword_mining_nodes``).

Each training logs loss, learning rate, gradient norm and items/s per step, validation loss per
epoch and the SNR range of each epoch to the active MLflow run (prefix ``wakeword.train.<model>.``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mlflow
import optuna
import structlog

from auralab.core.expectations import raise_if_failed
from auralab.core.plotting import curves_png
from auralab.core.sweep import PruningObserver, run_study
from auralab.core.tracking import MlflowObserver, as_mlflow_metrics, log_artifact_bytes
from auralab.wakeword.detector import detector_from_payload, detector_payload, load_teacher
from auralab.wakeword.features import FeatureSet
from auralab.wakeword.models import n_params
from auralab.wakeword.params import (
    AugmentParams,
    EvaluateParams,
    FitParams,
    SentryFitParams,
    TrainParams,
)
from auralab.wakeword.scoring import EventRule
from auralab.wakeword.selection import SelectionSet
from auralab.wakeword.train_inputs import (
    feature_spec_of,
    selection_set,
    split_windows,
)
from auralab.wakeword.training import Teacher, TrainedDetector, TrainingData, fit_detector

log = structlog.get_logger(__name__)


def check_teachers(params: dict[str, Any], feature_spec: dict[str, Any]) -> dict[str, Any]:
    """Refuse, before any training, a teacher checkpoint that is missing or was trained on other
    features or classes (TeacherError says which). ``judge`` is this run's judge: same features."""
    train = TrainParams(**params)
    spec = feature_spec_of(feature_spec)
    checked = []
    for teacher in train.sentry.distillation.teachers:
        if teacher.source != "judge":
            load_teacher(teacher.source, spec)
        checked.append({"source": teacher.source, "weight": teacher.weight, "status": "ok"})
    return {"teachers": checked, "feature_spec": spec.as_dict()}


def _schedule_logger(name: str, augment: AugmentParams) -> Any:
    def log_epoch(epoch: int) -> None:
        low, high = augment.snr_schedule.range_at(epoch)
        if mlflow.active_run():
            prefix = f"wakeword.train.{name}."
            mlflow.log_metrics({prefix + "snr_low_db": low, prefix + "snr_high_db": high}, epoch)

    return log_epoch


def train_detector(
    name: str,
    kind: str,
    data: TrainingData,
    evaluation_features: FeatureSet,
    feature_spec: dict[str, Any],
    fit: FitParams,
    train: TrainParams,
    augment: AugmentParams,
    checkpoints: Path,
    teachers: list[Teacher] | None = None,
    initial_state: Any = None,
    observer: MlflowObserver | None = None,
    first_epoch: int = 0,
    selection: SelectionSet | None = None,
) -> TrainedDetector:
    distillation = (0.0, 1.0)
    if teachers:  # the sentry's and the judge's fine-tune's teachers: one alpha and temperature
        distillation = (train.sentry.distillation.alpha, train.sentry.distillation.temperature)
    return fit_detector(
        kind,
        data,
        split_windows(evaluation_features, feature_spec, "validation"),
        fit,
        train,
        augment,
        feature_spec_of(feature_spec),
        teachers or [],
        distillation,
        checkpoints / f"{name}.pt" if train.resume else None,
        observer or MlflowObserver(f"wakeword.train.{name}."),
        _schedule_logger(name, augment),
        initial_state=initial_state,
        first_epoch=first_epoch,
        selection=selection if kind in train.selection.detectors else None,
    )


def validation_selection_set(
    longform: dict[str, bytes],
    evaluation_features: FeatureSet,
    feature_spec: dict[str, Any],
    params: dict[str, Any],
    evaluate_params: dict[str, Any],
) -> list[SelectionSet]:
    """The validation audio checkpoints are selected on, as a list of zero or one (Kedro cannot
    pass None): empty when no training selects this way, or, with a warning, when there is no
    validation audio; every training then keeps its lowest-loss epoch."""
    train = TrainParams(**params)
    if not train.selection.detectors:
        return []
    rule = EventRule.of(feature_spec, EvaluateParams(**evaluate_params).detection)
    found = selection_set(
        longform, evaluation_features, feature_spec, rule, train.selection.fa_per_hour
    )
    if found is None:
        log.warning(
            "no validation long-form audio (ingest.longform.validation_minutes) or validation "
            "positives: checkpoints are selected by validation loss"
        )
    return [found] if found is not None else []


def optional_selection(selection: list[SelectionSet]) -> SelectionSet | None:
    return selection[0] if selection else None


def trained_outputs(
    name: str, trained: TrainedDetector, feature_spec: dict[str, Any], extra: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    result = trained.result
    plots = {
        f"{name}_loss.png": curves_png(
            {k: result.history[k] for k in ("loss", "val_loss") if k in result.history},
            f"{name}: class-weighted BCE",
        )
    }
    misses = {k: v for k, v in result.history.items() if k.startswith("val_frr")}
    if misses:
        plots[f"{name}_validation_frr.png"] = curves_png(
            misses, f"{name}: validation FRR at low FA/h (selects the checkpoint)"
        )
    log_artifact_bytes(plots, "wakeword/train")
    summary = {
        "steps": result.steps,
        "best_val_loss": result.best_val_loss,
        "best_score": result.best_score,
        "selected_by": "validation FRR at low FA/h" if misses else "validation loss",
        **{f"best_{k}": v for k, v in result.best_metrics.items() if k.startswith("val_frr")},
        "best_step": result.best_step,
        "stopped_early": result.stopped_early,
        "n_params": n_params(trained.model),
        "pos_weight": trained.pos_weight,
        "items_per_epoch": trained.n_items,
        "data_wait_share": result.data_wait_share,
        "items_per_second": result.tokens_per_second,
        **extra,
    }
    numbers = {k: float(v) for k, v in summary.items() if isinstance(v, int | float)}
    payload = detector_payload(trained.model, feature_spec_of(feature_spec), {"trained": summary})
    metrics = as_mlflow_metrics({f"{name}.{k}": v for k, v in numbers.items()})
    return payload, {"summary": summary, "history": result.history}, metrics


def train_judge(
    data: TrainingData,
    evaluation_features: FeatureSet,
    feature_spec: dict[str, Any],
    augmentation_check: dict[str, Any],
    teacher_check: dict[str, Any],
    selection: list[SelectionSet],
    params: dict[str, Any],
    augment_params: dict[str, Any],
    checkpoints: Path,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The judge: the larger model, trained on labels alone (after the teacher check, so that a
    bad teacher stops the run before any training)."""
    del teacher_check  # a dependency, not a value
    raise_if_failed(augmentation_check)
    train = TrainParams(**params)
    trained = train_detector(
        "judge_unmined",
        "judge",
        data,
        evaluation_features,
        feature_spec,
        train.judge,
        train,
        AugmentParams(**augment_params),
        checkpoints,
        selection=optional_selection(selection),
    )
    return trained_outputs("judge_unmined", trained, feature_spec, {})


def sentry_teachers(
    train: TrainParams, judge: dict[str, Any], feature_spec: dict[str, Any]
) -> list[Teacher]:
    spec = feature_spec_of(feature_spec)
    return [
        Teacher(
            detector_from_payload(judge) if t.source == "judge" else load_teacher(t.source, spec),
            t.weight,
            t.source,
        )
        for t in train.sentry.distillation.teachers
    ]


def _trial_fit(
    trial: optuna.Trial | optuna.trial.FixedTrial, train: TrainParams
) -> SentryFitParams:
    sweep = train.sweep
    width = trial.suggest_categorical("width", sweep.width)
    depth = trial.suggest_categorical("depth", sweep.depth)
    model = train.sentry.model.model_copy(
        update={
            "channels": [width] * depth,
            "dropout": trial.suggest_float("dropout", sweep.dropout.low, sweep.dropout.high),
        }
    )
    lr = trial.suggest_float("lr", sweep.lr.low, sweep.lr.high, log=sweep.lr.log)
    return train.sentry.model_copy(
        update={"model": model, "lr": lr, "epochs": sweep.epochs_per_trial}
    )


def train_sentry(
    data: TrainingData,
    evaluation_features: FeatureSet,
    feature_spec: dict[str, Any],
    judge: dict[str, Any],
    teacher_check: dict[str, Any],
    selection: list[SelectionSet],
    params: dict[str, Any],
    augment_params: dict[str, Any],
    checkpoints: Path,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The sentry, distilled from its teachers; an Optuna sweep first when ``sweep.n_trials > 0``."""
    del teacher_check  # a dependency: teachers were checked before any training
    train = TrainParams(**params)
    augment = AugmentParams(**augment_params)
    teachers = sentry_teachers(train, judge, feature_spec)
    fit = train.sentry
    if train.sweep.n_trials > 0:

        def objective(trial: optuna.Trial, observer: PruningObserver) -> float:
            trial_train = train.model_copy(update={"resume": False})
            trained = train_detector(
                "sentry_trial",
                "sentry",
                data,
                evaluation_features,
                feature_spec,
                _trial_fit(trial, train),
                trial_train,
                augment,
                checkpoints,
                teachers,
                observer=observer,
                selection=optional_selection(selection),
            )
            return trained.result.best_score

        sweep = train.sweep
        study = run_study(objective, sweep.storage, sweep.study_name, sweep.n_trials, train.seed)
        if any(t.state == optuna.trial.TrialState.COMPLETE for t in study.trials):
            best = optuna.trial.FixedTrial(study.best_params)
            fit = _trial_fit(best, train).model_copy(update={"epochs": train.sentry.epochs})
    trained = train_detector(
        "sentry",
        "sentry",
        data,
        evaluation_features,
        feature_spec,
        fit,
        train,
        augment,
        checkpoints,
        teachers,
        selection=optional_selection(selection),
    )
    extra = {"teachers": [t.source for t in teachers]}
    return trained_outputs("sentry", trained, feature_spec, extra)
