"""Music ingest nodes: thin calls into ``auralab.music``."""

from __future__ import annotations

from typing import Any

import pandas as pd

from auralab.core.tracking import as_mlflow_metrics
from auralab.datasets import MidiSources
from auralab.music.params import IngestParams
from auralab.music.tables import build_tables


def parse_midi_sources(
    corpus: MidiSources, user: MidiSources, params: dict[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Corpus and user MIDI -> note table, file table, quarantine table and count metrics."""
    files = {**corpus.files, **user.files}
    tables = build_tables(files, [*corpus.failures, *user.failures], IngestParams(**params))
    ok = tables.files["status"] == "ok"
    metrics = {
        "n_files_seen": len(files) + len(corpus.failures) + len(user.failures),
        "n_files_ok": int(ok.sum()),
        "n_files_quarantined": len(tables.quarantine),
        "n_user_files": len(user.files),
        "n_notes": len(tables.notes),
        "hours_of_music": float(tables.files.loc[ok, "duration_s"].sum()) / 3600,
    }
    return tables.notes, tables.files, tables.quarantine, as_mlflow_metrics(metrics)
