"""Validate stage: one namespaced sub-pipeline per family.

It runs after preprocess because it checks the token dataset as well as the tables; augment and
train take its ``validation_status`` as input, so they never run on data that failed.
"""

from __future__ import annotations

from kedro.pipeline import Pipeline, node

from auralab.pipelines.validate import music_nodes


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


# Each family's sub-pipeline for this stage, by namespace.
FAMILIES = {"music": music}
