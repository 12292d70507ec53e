"""Export stage: one namespaced sub-pipeline per family."""

from __future__ import annotations

from kedro.pipeline import Pipeline, node

from auralab.pipelines.export import music_nodes, wakeword_nodes


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


def wakeword() -> Pipeline:
    return Pipeline(
        [
            node(
                wakeword_nodes.export_detectors,
                inputs=[
                    "sentry",
                    "judge",
                    "evaluation",
                    "cascade_report",
                    "evaluation_features",
                    "feature_spec",
                    "params:evaluate",
                ],
                outputs=["exported_detectors", "export_report", "export_metrics"],
                name="export_detectors",
            )
        ],
        namespace="wakeword",
    )


# Each family's sub-pipeline for this stage, by namespace.
FAMILIES = {"music": music, "wakeword": wakeword}
