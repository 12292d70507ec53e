"""Augment stage: one namespaced sub-pipeline per family."""

from __future__ import annotations

from kedro.pipeline import Pipeline, node

from auralab.pipelines.augment import music_nodes, wakeword_nodes


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


def wakeword() -> Pipeline:
    return Pipeline(
        [
            node(
                wakeword_nodes.plan_augmentation,
                ["params:augment", "background_table", "rir_table"],
                ["augmentation_plan", "augment_schedule_metrics"],
                name="plan_augmentation",
            ),
            node(
                wakeword_nodes.check_augmentation,
                [
                    "windows",
                    "backgrounds",
                    "rirs",
                    "feature_spec",
                    "augmentation_plan",
                    "params:augment",
                ],
                ["augmentation_check", "augmentation_examples", "augment_metrics"],
                name="check_augmentation",
            ),
            node(
                wakeword_nodes.require_valid_augmentation,
                ["augmentation_check", "params:validate"],
                None,
                name="require_valid_augmentation",
            ),
        ],
        namespace="wakeword",
    )


# Each family's sub-pipeline for this stage, by namespace.
FAMILIES = {"music": music, "wakeword": wakeword}
