"""Train stage: one namespaced sub-pipeline per family."""

from __future__ import annotations

from kedro.pipeline import Pipeline, node

from auralab.pipelines.train import music_nodes


def music() -> Pipeline:
    return Pipeline(
        [
            node(
                music_nodes.train_model,
                inputs=[
                    "tokens",
                    "vocabulary",
                    "augmentation_plan",
                    "augmentation_check",
                    "params:train",
                    "params:preprocess",
                    "checkpoints",
                ],
                outputs=["model", "train_report", "train_metrics"],
                name="train_model",
            )
        ],
        namespace="music",
    )


# Each family's sub-pipeline for this stage, by namespace.
FAMILIES = {"music": music}
