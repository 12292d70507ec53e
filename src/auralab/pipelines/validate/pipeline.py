"""Validate stage: one namespaced sub-pipeline per family.

It runs after preprocess because it checks the token dataset as well as the tables; augment and
train take its ``validation_status`` as input, so they never run on data that failed.
"""

from __future__ import annotations

from kedro.pipeline import Pipeline, node

from auralab.pipelines.validate import music_nodes, wakeword_nodes


def music() -> Pipeline:
    return Pipeline(
        [
            node(
                music_nodes.validate_note_table,
                "notes",
                "notes_validation",
                name="validate_note_table",
            ),
            node(
                music_nodes.validate_file_table,
                ["files", "params:ingest"],
                "files_validation",
                name="validate_file_table",
            ),
            node(
                music_nodes.validate_token_sequences,
                ["tokens", "vocabulary", "params:preprocess"],
                "tokens_validation",
                name="validate_token_sequences",
            ),
            node(
                music_nodes.require_valid_data,
                ["notes_validation", "files_validation", "tokens_validation", "params:validate"],
                "validation_status",
                name="require_valid_data",
            ),
        ],
        namespace="music",
    )


def wakeword() -> Pipeline:
    return Pipeline(
        [
            node(
                wakeword_nodes.scan_dataset,
                [
                    "clips",
                    "backgrounds",
                    "background_table",
                    "rirs",
                    "rir_table",
                    "longform",
                    "quarantine",
                    "params:validate",
                ],
                ["health_table", "health_summary", "health_plots", "validate_metrics"],
                name="scan_dataset",
            ),
            node(
                wakeword_nodes.validate_health,
                "health_table",
                "health_validation",
                name="validate_health",
            ),
            node(
                wakeword_nodes.validate_split_balance,
                "health_table",
                "split_balance_validation",
                name="validate_split_balance",
            ),
            node(
                wakeword_nodes.require_valid_data,
                ["health_validation", "split_balance_validation", "params:validate"],
                "validation_status",
                name="require_valid_data",
            ),
        ],
        namespace="wakeword",
    )


# Each family's sub-pipeline for this stage, by namespace.
FAMILIES = {"music": music, "wakeword": wakeword}
