"""One detector trained again on a finished run's data, outside the pipeline: as the pipeline's
first training of that kind trains it, with another seed, other teachers or the mined hard
negatives. A single training is one draw from a wide range (README, seed spread), so a recipe
change is judged over several seeds: ``auralab train-detector`` runs this, ``auralab
evaluate-detector`` scores the results."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from auralab.wakeword.detector import detector_payload, load_teacher
from auralab.wakeword.models import ModelKind
from auralab.wakeword.params import WakewordParams
from auralab.wakeword.scoring import EventRule
from auralab.wakeword.train_inputs import (
    feature_spec_of,
    selection_set,
    split_windows,
    training_data,
)
from auralab.wakeword.training import Teacher, TrainingData, fit_detector


def read_training_data(data_root: Path, hard_negatives: bool = False) -> TrainingData:
    """The training data a pipeline run wrote under ``data_root`` (the catalog's layout), with
    its mined hard negatives when ``hard_negatives``."""
    from auralab.datasets import ClipSetDataset, FeatureSetDataset, FilesDataset

    model_input = data_root / "05_model_input/wakeword"
    intermediate = data_root / "02_intermediate/wakeword"
    needed = [model_input / "windows", model_input / "feature_spec.json", intermediate / "longform"]
    if hard_negatives:
        needed.append(model_input / "hard_negatives")
    for path in needed:
        if not path.exists():
            raise FileNotFoundError(
                f"{path} not found: run `kedro run --namespaces wakeword` first,"
                " or point --data-root at a run's data folder"
            )
    return training_data(
        ClipSetDataset(path=str(model_input / "windows")).load(),
        FeatureSetDataset(path=str(model_input / "training_features")).load(),
        FilesDataset(path=str(intermediate / "background")).load(),
        FilesDataset(path=str(intermediate / "rir")).load(),
        FilesDataset(path=str(intermediate / "longform")).load(),
        ClipSetDataset(path=str(model_input / "hard_negatives")).load() if hard_negatives else None,
    )


def train_on_run_data(
    kind: ModelKind,
    params: WakewordParams,
    data_root: Path,
    teachers: Sequence[Path] | None = None,
    hard_negatives: bool = False,
) -> dict[str, Any]:
    """Train a ``kind`` detector with ``params.train`` (its ``seed`` included) on the run's data,
    distilled (the sentry's alpha and temperature) from ``teachers`` (checkpoints, equal weights)
    or, when None, from a sentry's teachers in ``params`` as the pipeline's first sentry is
    (``judge``: the run's ``judge_unmined.pt``); returns its checkpoint payload, whose ``trained``
    records seed, teachers, steps and validation loss."""
    from auralab.datasets import FeatureSetDataset, FilesDataset

    data = read_training_data(data_root, hard_negatives)  # first: it says when a file is missing
    model_input = data_root / "05_model_input/wakeword"
    spec_record = json.loads((model_input / "feature_spec.json").read_text())
    spec = feature_spec_of(spec_record)
    if teachers is not None:
        sources = [(str(path), 1.0) for path in teachers]
    elif kind == "sentry":
        judge = str(data_root / "06_models/wakeword/judge_unmined.pt")
        sources = [
            (judge if t.source == "judge" else t.source, t.weight)
            for t in params.train.sentry.distillation.teachers
        ]
    else:
        sources = []
    loaded = [Teacher(load_teacher(source, spec), weight, source) for source, weight in sources]
    evaluation = FeatureSetDataset(path=str(model_input / "evaluation_features")).load()
    train = params.train.model_copy(update={"resume": False})
    distillation = train.sentry.distillation
    selection = None
    if kind in train.selection.detectors:  # checkpoints chosen on validation audio, as there
        selection = selection_set(
            FilesDataset(path=str(data_root / "02_intermediate/wakeword/longform")).load(),
            evaluation,
            spec_record,
            EventRule.of(spec_record, params.evaluate.detection),
            train.selection.fa_per_hour,
        )
    trained = fit_detector(
        kind,
        data,
        split_windows(evaluation, spec_record, "validation"),
        train.sentry if kind == "sentry" else train.judge,
        train,
        params.augment,
        spec,
        loaded,
        (distillation.alpha, distillation.temperature) if loaded else (0.0, 1.0),
        selection=selection,
    )
    summary = {
        "seed": train.seed,
        "teachers": [t.source for t in loaded],
        "hard_negatives": hard_negatives,
        "best_val_loss": trained.result.best_val_loss,
        "steps": trained.result.steps,
    }
    return detector_payload(trained.model, spec, {"trained": summary})
