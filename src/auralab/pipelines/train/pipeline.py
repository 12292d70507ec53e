"""Train stage: one namespaced sub-pipeline per family."""

from __future__ import annotations

from kedro.pipeline import Pipeline, node

from auralab.pipelines.train import music_nodes, wakeword_mining_nodes, wakeword_nodes
from auralab.wakeword.train_inputs import training_data


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


def wakeword() -> Pipeline:
    data = ["training_data", "evaluation_features"]
    return Pipeline(
        [
            node(
                # Decoded once; every training below reads the same TrainingData.
                training_data,
                inputs=["windows", "training_features", "backgrounds", "rirs", "longform"],
                outputs="training_data",
                name="assemble_training_data",
            ),
            node(
                wakeword_nodes.check_teachers,
                inputs=["params:train", "feature_spec"],
                outputs="teacher_check",
                name="check_teachers",
            ),
            node(
                wakeword_nodes.validation_selection_set,
                inputs=[
                    "longform",
                    "evaluation_features",
                    "feature_spec",
                    "params:train",
                    "params:evaluate",
                ],
                outputs="selection_set",
                name="validation_selection_set",
            ),
            node(
                wakeword_nodes.train_judge,
                inputs=[
                    *data,
                    "feature_spec",
                    "augmentation_check",
                    "teacher_check",
                    "selection_set",
                    "params:train",
                    "params:augment",
                    "checkpoints",
                ],
                outputs=["judge_unmined", "judge_unmined_report", "judge_unmined_metrics"],
                name="train_judge",
            ),
            node(
                wakeword_nodes.train_sentry,
                inputs=[
                    *data,
                    "feature_spec",
                    "judge_unmined",
                    "teacher_check",
                    "selection_set",
                    "params:train",
                    "params:augment",
                    "checkpoints",
                ],
                outputs=["sentry_unmined", "sentry_unmined_report", "sentry_unmined_metrics"],
                name="train_sentry",
            ),
            node(
                wakeword_mining_nodes.mine_negatives,
                inputs=[
                    "sentry_unmined",
                    "longform",
                    "feature_spec",
                    "params:train",
                    "params:evaluate",
                ],
                outputs=["hard_negatives", "mining_report", "mining_metrics"],
                name="mine_hard_negatives",
            ),
            node(
                wakeword_mining_nodes.retraining_inputs,
                inputs=[
                    "hard_negatives",
                    *data,
                    "feature_spec",
                    "selection_set",
                    "params:train",
                    "params:augment",
                    "checkpoints",
                ],
                outputs="retraining_inputs",
                name="gather_retraining_inputs",
            ),
            node(
                wakeword_mining_nodes.retrain_judge,
                inputs=["judge_unmined", "retraining_inputs"],
                outputs=["judge_mined", "judge_mined_report", "judge_mined_metrics"],
                name="retrain_judge_with_hard_negatives",
            ),
            node(
                wakeword_mining_nodes.distil_judge,
                inputs=["judge_unmined", "judge_mined", "sentry_unmined", "retraining_inputs"],
                outputs=["judge", "judge_report", "judge_metrics"],
                name="distil_judge_from_first_sentry",
            ),
            node(
                wakeword_mining_nodes.retrain_sentry,
                inputs=["sentry_unmined", "judge_mined", "retraining_inputs"],
                outputs=["sentry_mined", "sentry_mined_report", "sentry_mined_metrics"],
                name="retrain_sentry_with_hard_negatives",
            ),
            node(
                wakeword_mining_nodes.ship_sentry,
                inputs=["sentry_unmined", "sentry_mined", "params:train"],
                outputs=["sentry", "sentry_metrics"],
                name="ship_sentry",
            ),
        ],
        namespace="wakeword",
    )


# Each family's sub-pipeline for this stage, by namespace.
FAMILIES = {"music": music, "wakeword": wakeword}
