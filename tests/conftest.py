"""Shared fixtures: the real Bach corpus as MIDI (converted once, cached like the pipeline does)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from filelock import FileLock

from auralab.music.corpus import materialize_corpus

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CORPUS_CACHE = PROJECT_ROOT / "data" / "01_raw" / "music" / "bach"

os.environ.setdefault("KEDRO_DISABLE_TELEMETRY", "1")
os.environ.setdefault("DVC_NO_ANALYTICS", "1")
os.environ.setdefault("AURALAB_PROGRESS", "0")


@pytest.fixture(scope="session")
def bach_midi() -> dict[str, bytes]:
    """Every Bach score of the music21 corpus as MIDI bytes, keyed ``bach/<name>.mid``."""
    CORPUS_CACHE.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(CORPUS_CACHE.parent / ".bach.lock"):  # xdist workers convert it only once
        failures = materialize_corpus("bach", CORPUS_CACHE, "bach")
    assert len(failures) <= 2, failures  # music21 cannot expand one score's repeats (bwv277.krn)
    return {f"bach/{p.name}": p.read_bytes() for p in sorted(CORPUS_CACHE.glob("*.mid"))}
