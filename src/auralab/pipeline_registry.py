"""Pipelines by stage, by family, and everything.

``kedro run --pipelines preprocess --namespaces music`` runs one family's stage;
``kedro run --pipelines music`` runs that family end to end; ``kedro run`` runs everything.
"""

from __future__ import annotations

from types import ModuleType

from kedro.pipeline import Pipeline

from auralab.pipelines.augment import pipeline as augment
from auralab.pipelines.evaluate import pipeline as evaluate
from auralab.pipelines.export import pipeline as export
from auralab.pipelines.ingest import pipeline as ingest
from auralab.pipelines.preprocess import pipeline as preprocess
from auralab.pipelines.train import pipeline as train
from auralab.pipelines.validate import pipeline as validate

# Stage order is data order; validate follows preprocess because it also checks the tokens.
STAGES: dict[str, ModuleType] = {
    "ingest": ingest,
    "validate": validate,
    "preprocess": preprocess,
    "augment": augment,
    "train": train,
    "evaluate": evaluate,
    "export": export,
}
FAMILIES = ("music", "wakeword")


def stage_pipeline(stage: ModuleType) -> Pipeline:
    """One stage, every family that has nodes in it (each under its namespace)."""
    return sum((build() for build in stage.FAMILIES.values()), Pipeline([]))


def family_pipeline(family: str) -> Pipeline:
    """All stages of one family, in its namespace."""
    parts = [m.FAMILIES[family]() for m in STAGES.values() if family in m.FAMILIES]
    return sum(parts, Pipeline([]))


def register_pipelines() -> dict[str, Pipeline]:
    """Stage pipelines, one pipeline per family (all its stages), and ``__default__``."""
    stages = {name: stage_pipeline(module) for name, module in STAGES.items()}
    families = {family: family_pipeline(family) for family in FAMILIES}
    return {**stages, **families, "__default__": sum(stages.values(), Pipeline([]))}
