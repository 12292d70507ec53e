"""Empty until a family adds nodes to this stage."""

from __future__ import annotations

from collections.abc import Callable

from kedro.pipeline import Pipeline

# Each family's sub-pipeline for this stage, by namespace.
FAMILIES: dict[str, Callable[[], Pipeline]] = {}


def create_pipeline() -> Pipeline:
    return sum((build() for build in FAMILIES.values()), Pipeline([]))
