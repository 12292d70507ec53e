"""Ingest stage: one namespaced sub-pipeline per family."""

from __future__ import annotations

from kedro.pipeline import Pipeline, node

from auralab.pipelines.ingest import music_nodes, wakeword_nodes


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


def wakeword() -> Pipeline:
    return Pipeline(
        [
            node(
                wakeword_nodes.read_user_folders,
                ["user_recordings", "params:ingest"],
                "user_audio",
                name="read_user_folders",
            ),
            node(
                wakeword_nodes.synthesize_speech,
                "params:ingest",
                "synthetic_clips",
                name="synthesize_speech",
            ),
            node(
                wakeword_nodes.assemble_clips,
                ["synthetic_clips", "user_audio", "params:ingest"],
                "clips",
                name="assemble_clips",
            ),
            node(
                wakeword_nodes.render_backgrounds,
                ["music.corpus_midi", "user_audio", "params:ingest"],
                ["backgrounds", "background_table"],
                name="render_backgrounds",
            ),
            node(
                wakeword_nodes.simulate_rooms,
                ["user_audio", "params:ingest"],
                ["rirs", "rir_table"],
                name="simulate_rooms",
            ),
            node(
                wakeword_nodes.compose_longform,
                ["music.corpus_midi", "rirs", "params:ingest"],
                ["longform", "longform_table"],
                name="compose_longform",
            ),
            node(
                wakeword_nodes.ingest_report,
                ["clips", "background_table", "rir_table", "longform_table", "user_audio"],
                ["quarantine", "ingest_metrics"],
                name="ingest_report",
            ),
        ],
        namespace="wakeword",
        inputs={"music.corpus_midi"},  # the music family's MIDI, rendered as background music
    )


# Each family's sub-pipeline for this stage, by namespace.
FAMILIES = {"music": music, "wakeword": wakeword}
