"""Export stage: one namespaced sub-pipeline per family."""

from __future__ import annotations

from kedro.pipeline import Pipeline, node

from auralab.pipelines.export import music_nodes


def music() -> Pipeline:
    return Pipeline(
        [
            node(
                music_nodes.export_model,
                inputs=["model", "params:export", "params:train"],
                outputs=["exported_model", "export_report"],
                name="export_model",
            )
        ],
        namespace="music",
    )


# Each family's sub-pipeline for this stage, by namespace.
FAMILIES = {"music": music}
