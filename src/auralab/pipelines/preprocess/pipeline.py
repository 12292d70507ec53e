"""Preprocess stage: one namespaced sub-pipeline per family."""

from __future__ import annotations

from kedro.pipeline import Pipeline, node

from auralab.pipelines.preprocess import music_nodes


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


# Each family's sub-pipeline for this stage, by namespace.
FAMILIES = {"music": music}
