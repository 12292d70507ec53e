"""Preprocess stage: one namespaced sub-pipeline per family."""

from __future__ import annotations

from kedro.pipeline import Pipeline, node

from auralab.pipelines.preprocess import music_nodes, wakeword_nodes


def music() -> Pipeline:
    return Pipeline(
        [
            node(
                music_nodes.tokenize,
                inputs=["notes", "params:preprocess"],
                outputs=["tokens", "vocabulary", "preprocess_metrics"],
                name="tokenize",
            )
        ],
        namespace="music",
    )


def wakeword() -> Pipeline:
    return Pipeline(
        [
            node(
                wakeword_nodes.window_clips,
                ["clips", "params:preprocess", "validation_status"],
                "windows",
                name="window_clips",
            ),
            node(
                wakeword_nodes.mix_evaluation_sets,
                ["windows", "backgrounds", "rirs", "params:preprocess"],
                "evaluation_mixtures",
                name="mix_evaluation_sets",
            ),
            node(
                wakeword_nodes.compute_features,
                ["windows", "evaluation_mixtures", "params:preprocess"],
                [
                    "evaluation_features",
                    "training_features",
                    "feature_spec",
                    "preprocess_metrics",
                ],
                name="compute_features",
            ),
        ],
        namespace="wakeword",
    )


# Each family's sub-pipeline for this stage, by namespace.
FAMILIES = {"music": music, "wakeword": wakeword}
