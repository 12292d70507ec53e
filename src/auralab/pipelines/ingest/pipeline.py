"""Ingest stage: one namespaced sub-pipeline per family."""

from __future__ import annotations

from kedro.pipeline import Pipeline, node

from auralab.pipelines.ingest import music_nodes


def music() -> Pipeline:
    return Pipeline(
        [
            node(
                music_nodes.parse_midi_sources,
                inputs=["corpus_midi", "user_midi", "params:ingest"],
                outputs=["notes", "files", "quarantine", "ingest_metrics"],
                name="parse_midi_sources",
            )
        ],
        namespace="music",
    )


# Each family's sub-pipeline for this stage, by namespace.
FAMILIES = {"music": music}
