"""Wakeword ingest nodes: thin calls into ``auralab.wakeword``."""

from __future__ import annotations

from typing import Any

import pandas as pd

from auralab.core.tracking import as_mlflow_metrics
from auralab.datasets import MidiSources
from auralab.wakeword.clips import ClipSet, concat
from auralab.wakeword.ingest import (
    UserRecordings,
    build_backgrounds,
    build_longform,
    build_rirs,
    decode_folder,
    read_user_recordings,
    user_clip_set,
)
from auralab.wakeword.params import IngestParams
from auralab.wakeword.speech import synthesize_speech_clips


def read_user_folders(files: dict[str, bytes], params: dict[str, Any]) -> UserRecordings:
    """The user's ``positive/ negative/ background/ rir/`` files, decoded and resampled."""
    return read_user_recordings(files, IngestParams(**params))


def synthesize_speech(params: dict[str, Any]) -> ClipSet:
    """Positives and negatives spoken by espeak-ng voices."""
    return synthesize_speech_clips(IngestParams(**params))


def assemble_clips(synthetic: ClipSet, user: UserRecordings, params: dict[str, Any]) -> ClipSet:
    """Synthetic and user clips in one set."""
    return concat([synthetic, user_clip_set(user, IngestParams(**params).sample_rate)])


def render_backgrounds(
    corpus: MidiSources, user: UserRecordings, params: dict[str, Any]
) -> tuple[dict[str, bytes], pd.DataFrame]:
    """Noise, music rendered from the music family's MIDI, babble, and the user's backgrounds."""
    return build_backgrounds(corpus.files, user.backgrounds, IngestParams(**params))


def simulate_rooms(
    user: UserRecordings, params: dict[str, Any]
) -> tuple[dict[str, bytes], pd.DataFrame]:
    """Simulated room impulse responses and the user's."""
    return build_rirs(user.rirs, IngestParams(**params))


def compose_longform(
    corpus: MidiSources, rirs: dict[str, bytes], params: dict[str, Any]
) -> tuple[dict[str, bytes], pd.DataFrame]:
    """Long negative audio: the evaluation set and the mining pool."""
    p = IngestParams(**params)
    return build_longform(corpus.files, decode_folder(rirs, p.sample_rate), p)


def ingest_report(
    clips: ClipSet,
    backgrounds: pd.DataFrame,
    rirs: pd.DataFrame,
    longform: pd.DataFrame,
    user: UserRecordings,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The quarantine table and the counts worth a metric."""
    quarantine = pd.DataFrame(user.quarantine, columns=["source", "reason", "detail"])
    table = clips.table
    rate = clips.sample_rate
    metrics = {
        "n_clips": len(table),
        "n_positive": int((table["label"] == 1).sum()),
        "n_negative": int((table["label"] == 0).sum()),
        "n_speakers": int(table["speaker"].nunique()),
        "n_user_files": len(user.clip_rows) + len(user.backgrounds) + len(user.rirs),
        "n_files_quarantined": len(quarantine),
        "n_backgrounds": len(backgrounds),
        "n_rirs": len(rirs),
        "hours_of_clips": float(table["length"].sum()) / rate / 3600,
        "hours_longform_evaluation": _hours(longform, "evaluation"),
        "hours_longform_validation": _hours(longform, "validation"),
        "hours_longform_mining": _hours(longform, "mining"),
    }
    return quarantine, as_mlflow_metrics(metrics)


def _hours(longform: pd.DataFrame, name: str) -> float:
    rows = longform[longform["set"] == name]
    return float((rows["end_s"] - rows["start_s"]).sum()) / 3600
