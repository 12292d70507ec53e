"""Wakeword train nodes after the first sentry: mining hard negatives, the judge and sentry
trained again with them, and the sentry the run ships."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from auralab.core.tracking import as_mlflow_metrics
from auralab.pipelines.train.wakeword_nodes import (
    optional_selection,
    sentry_teachers,
    train_detector,
    trained_outputs,
)
from auralab.wakeword.clips import ClipSet
from auralab.wakeword.detector import detector_from_payload, is_ensemble
from auralab.wakeword.features import FeatureSet
from auralab.wakeword.ingest import decode_folder
from auralab.wakeword.mining import mine_hard_negatives
from auralab.wakeword.params import AugmentParams, EvaluateParams, FitParams, TrainParams
from auralab.wakeword.retraining import retrain_plan, shipped_sentry
from auralab.wakeword.scoring import EventRule, backend_scorer
from auralab.wakeword.selection import SelectionSet
from auralab.wakeword.train_inputs import feature_spec_of
from auralab.wakeword.training import Teacher, TrainingData


def mine_negatives(
    sentry: dict[str, Any],
    longform: dict[str, bytes],
    feature_spec: dict[str, Any],
    params: dict[str, Any],
    evaluate_params: dict[str, Any],
) -> tuple[ClipSet, dict[str, Any], dict[str, Any]]:
    """Hard negatives from the mining pool (``mining/`` long-form files), versioned by DVC."""
    train = TrainParams(**params)
    spec = feature_spec_of(feature_spec)
    evaluate = EvaluateParams(**evaluate_params)
    rule = EventRule(int(feature_spec["hop_frames"]), train.mining.smoothing_hops)
    pool = decode_folder(longform, spec.sample_rate, under="mining") if train.mining.enabled else {}
    scorer = backend_scorer(detector_from_payload(sentry), spec, evaluate.scoring_backend)
    mined, stats = mine_hard_negatives(scorer, pool, spec, rule, train.mining)
    report = {
        "stats": stats,
        "mining": train.mining.model_dump(),
        "clips": mined.table.to_dict("records"),
    }
    return mined, report, as_mlflow_metrics({f"mining.{k}": v for k, v in stats.items()})


@dataclass(frozen=True)
class RetrainInputs:
    """What every training after mining reads besides the models it starts from and learns
    from (one pipeline dataset, ``retraining_inputs``)."""

    hard_negatives: ClipSet
    data: TrainingData
    evaluation_features: FeatureSet
    feature_spec: dict[str, Any]
    train: TrainParams
    augment: AugmentParams
    checkpoints: Path
    selection: SelectionSet | None


def retraining_inputs(
    hard_negatives: ClipSet,
    data: TrainingData,
    evaluation_features: FeatureSet,
    feature_spec: dict[str, Any],
    selection: list[SelectionSet],
    params: dict[str, Any],
    augment_params: dict[str, Any],
    checkpoints: Path,
) -> RetrainInputs:
    """The inputs the retraining nodes share, gathered and validated once."""
    return RetrainInputs(
        hard_negatives,
        data,
        evaluation_features,
        feature_spec,
        TrainParams(**params),
        AugmentParams(**augment_params),
        checkpoints,
        optional_selection(selection),
    )


def _retrain(
    name: str,
    kind: str,
    unmined: dict[str, Any],
    fit: FitParams,
    inputs: RetrainInputs,
    teachers: list[Teacher],
    from_scratch: bool = False,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """``unmined`` fine-tuned with the hard negatives when ``mining.retrain`` (else unchanged), or
    its architecture trained afresh with them (``from_scratch``), distilled from ``teachers``
    (none: on labels). With a selection set, a fine-tune also scores the unmined weights: it
    never ships a model that misses more validation wake words."""
    train, hard_negatives = inputs.train, inputs.hard_negatives
    if not (train.mining.enabled and train.mining.retrain) or len(hard_negatives) == 0:
        summary = {"retrained": False, "hard_negatives": len(hard_negatives)}
        return unmined, {"summary": summary}, as_mlflow_metrics({f"{name}.retrained": 0.0})
    plan = retrain_plan(unmined, fit, train.mining, from_scratch)
    trained = train_detector(
        name,
        kind,
        replace(inputs.data, hard_negatives=hard_negatives),
        inputs.evaluation_features,
        inputs.feature_spec,
        plan.fit,
        train,
        inputs.augment,
        inputs.checkpoints,
        teachers,
        initial_state=plan.initial_state,
        first_epoch=plan.first_epoch,
        selection=inputs.selection,
    )
    extra = {
        "retrained": "from scratch" if from_scratch else "fine-tuned",
        "hard_negatives": len(hard_negatives),
        "kept_unmined_weights": plan.initial_state is not None and trained.result.best_step == 0,
        "teachers": [t.source for t in teachers],
    }
    return trained_outputs(name, trained, inputs.feature_spec, extra)


def retrain_judge(
    judge_unmined: dict[str, Any],
    inputs: RetrainInputs,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The judge fine-tuned with the hard negatives on labels alone: the second sentry's teacher
    (``judge_mined``)."""
    return _retrain("judge_mined", "judge", judge_unmined, inputs.train.judge, inputs, [])


def distil_judge(
    judge_unmined: dict[str, Any],
    judge_mined: dict[str, Any],
    sentry_unmined: dict[str, Any],
    inputs: RetrainInputs,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The judge the run ships: with ``mining.judge_teacher: sentry_unmined``, the first judge
    fine-tuned with the hard negatives again, distilled from the first sentry (its own student,
    which misses fewer held-out wake words than it); with ``none``, ``judge_mined``. Distilled,
    it is the better judge and the worse teacher, so the second sentry keeps learning from
    ``judge_mined`` (``README``, runs U and V)."""
    if inputs.train.mining.judge_teacher == "none":
        summary = {"distilled": False, "same_as": "judge_mined"}
        return judge_mined, {"summary": summary}, as_mlflow_metrics({"judge.distilled": 0.0})
    teacher = Teacher(detector_from_payload(sentry_unmined), 1.0, "sentry_unmined")
    return _retrain("judge", "judge", judge_unmined, inputs.train.judge, inputs, [teacher])


def retrain_sentry(
    sentry: dict[str, Any],
    judge: dict[str, Any],
    inputs: RetrainInputs,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The sentry trained again with the hard negatives (afresh or fine-tuned, by
    ``mining.sentry_retrain``), distilled from the judge fine-tuned on labels (``judge_mined``)."""
    train = inputs.train
    return _retrain(
        "sentry_mined",
        "sentry",
        sentry,
        train.sentry,
        inputs,
        sentry_teachers(train, judge, inputs.feature_spec),
        from_scratch=train.mining.sentry_retrain == "from_scratch",
    )


def ship_sentry(
    sentry_unmined: dict[str, Any], sentry_mined: dict[str, Any], params: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The sentry that is evaluated, exported and registered (``mining.shipped_sentry``): the
    ensemble of the sentries before and after mining, or the mined one alone."""
    train = TrainParams(**params)
    sentry = shipped_sentry(sentry_unmined, sentry_mined, train.mining.shipped_sentry)
    members = len(sentry["members"]) if is_ensemble(sentry) else 1
    n_params = sum(p.numel() for p in detector_from_payload(sentry).parameters())
    metrics = {"sentry.members": float(members), "sentry.n_params": float(n_params)}
    return sentry, as_mlflow_metrics(metrics)
