"""Evaluate stage: one namespaced sub-pipeline per family."""

from __future__ import annotations

from kedro.pipeline import Pipeline, node

from auralab.pipelines.evaluate import music_nodes


def music() -> Pipeline:
    return Pipeline(
        [
            node(
                music_nodes.evaluate_model,
                inputs=["model", "tokens", "notes", "params:evaluate", "params:preprocess"],
                outputs=[
                    "evaluation",
                    "generated_pieces",
                    "evaluation_report",
                    "evaluation_metrics",
                ],
                name="evaluate_model",
            )
        ],
        namespace="music",
    )


# Each family's sub-pipeline for this stage, by namespace.
FAMILIES = {"music": music}
