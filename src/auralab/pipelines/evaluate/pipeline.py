"""Evaluate stage: one namespaced sub-pipeline per family."""

from __future__ import annotations

from kedro.pipeline import Pipeline, node

from auralab.pipelines.evaluate import music_nodes, wakeword_nodes


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


def wakeword() -> Pipeline:
    return Pipeline(
        [
            node(
                wakeword_nodes.evaluate_detectors,
                inputs=[
                    "sentry_unmined",
                    "sentry_mined",
                    "sentry",
                    "judge",
                    "longform",
                    "evaluation_features",
                    "feature_spec",
                    "rir_table",
                    "longform_table",
                    "params:evaluate",
                ],
                outputs=["evaluation", "evaluation_plots", "evaluation_metrics", "sentry_scores"],
                name="evaluate_detectors",
            ),
            node(
                wakeword_nodes.evaluate_cascade_node,
                inputs=[
                    "sentry_scores",
                    "judge",
                    "longform",
                    "evaluation_features",
                    "feature_spec",
                    "evaluation",
                    "params:evaluate",
                ],
                outputs=["cascade_report", "cascade_metrics"],
                name="evaluate_cascade",
            ),
        ],
        namespace="wakeword",
    )


# Each family's sub-pipeline for this stage, by namespace.
FAMILIES = {"music": music, "wakeword": wakeword}
