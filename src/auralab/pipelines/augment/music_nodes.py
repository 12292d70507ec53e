"""Music augment nodes: save the plan, check it on a sample of every split."""

from __future__ import annotations

from typing import Any

from auralab.core.expectations import augmented_sample_suite, raise_if_failed, run_suite
from auralab.core.tracking import as_mlflow_metrics
from auralab.music.checks import augmented_sample_frame
from auralab.music.dataset import AugmentedSequences
from auralab.music.params import AugmentParams, PreprocessParams, ValidateParams
from auralab.music.sequences import TokenSequences
from auralab.music.splits import SPLITS
from auralab.music.tokenizer import Tokenizer
from auralab.music.vocabulary import Vocabulary


def plan_augmentation(
    params: dict[str, Any], vocabulary: dict[str, Any], validation_status: dict[str, Any]
) -> dict[str, Any]:
    """The plan the training dataset applies on the fly, tied to the vocabulary version."""
    plan = AugmentParams(**params)
    return {
        "vocabulary_version": vocabulary["version"],
        "validated": bool(validation_status["passed"]),
        "applies_to_splits": ["train"],
        "operations": plan.model_dump(mode="json"),
    }


def check_augmentation(
    tokens: TokenSequences,
    vocabulary: dict[str, Any],
    plan: dict[str, Any],
    preprocess: dict[str, Any],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Augment a sample of each split; every item must decode, write MIDI and stay in its split."""
    augment = AugmentParams(**plan["operations"])
    tokenizer = Tokenizer(Vocabulary.from_dict(vocabulary))
    datasets = [AugmentedSequences(tokens, split, tokenizer, augment) for split in SPLITS]
    split_params = PreprocessParams(**preprocess).split
    frame, fired = augmented_sample_frame(
        datasets, tokenizer, augment.check_sample_size, augment.seed, split_params
    )
    report = run_suite(frame, "music_augmented_sample", augmented_sample_suite(), ["source"])
    report["operations_fired"] = fired
    metrics = {"n_checked": float(len(frame)), **{f"fired_{k}": float(v) for k, v in fired.items()}}
    return report, as_mlflow_metrics(metrics)


def require_valid_augmentation(report: dict[str, Any], params: dict[str, Any]) -> None:
    """Stop the run when an augmented item broke the grammar, MIDI, range or split rules."""
    raise_if_failed(report, ValidateParams(**params).example_rows)
