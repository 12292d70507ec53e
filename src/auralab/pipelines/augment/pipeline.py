"""Augment stage: one namespaced sub-pipeline per family."""

from __future__ import annotations

from kedro.pipeline import Pipeline, node

from auralab.pipelines.augment import music_nodes


def music() -> Pipeline:
    return Pipeline(
        [
            node(
                music_nodes.plan_augmentation,
                ["params:augment", "vocabulary", "validation_status"],
                "augmentation_plan",
                name="plan_augmentation",
            ),
            node(
                music_nodes.check_augmentation,
                ["tokens", "vocabulary", "augmentation_plan", "params:preprocess"],
                ["augmentation_check", "augment_metrics"],
                name="check_augmentation",
            ),
            node(
                music_nodes.require_valid_augmentation,
                ["augmentation_check", "params:validate"],
                None,
                name="require_valid_augmentation",
            ),
        ],
        namespace="music",
    )


# Each family's sub-pipeline for this stage, by namespace.
FAMILIES = {"music": music}
