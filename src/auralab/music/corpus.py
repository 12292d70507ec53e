"""Convert scores from the music21 corpus (embedded, offline) to MIDI files, once.

music21 needs ~0.3 s per score, so converted files are cached in a folder and only missing ones are
converted. The result is deterministic: the same score always gives the same bytes.
"""

from __future__ import annotations

import json
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import structlog

from auralab.core.atomic import write_bytes_atomic
from auralab.core.progress import progress

log = structlog.get_logger(__name__)

MANIFEST_NAME = "_manifest.json"


@dataclass(frozen=True)
class ConversionFailure:
    """A score music21 could not write as MIDI."""

    origin: str
    score: str
    reason: str


def corpus_scores(composer: str) -> list[Path]:
    """Paths of every score by ``composer`` in the music21 corpus, sorted."""
    from music21 import corpus

    return sorted(Path(p) for p in corpus.getComposer(composer))


def midi_name(score: Path) -> str:
    """``bwv66.6.mxl`` -> ``bwv66.6.mid``; the source format stays visible for non-MusicXML."""
    suffix = "" if score.suffix in {".mxl", ".xml", ".musicxml"} else score.suffix.replace(".", "_")
    return f"{score.stem}{suffix}.mid"


def convert_score(score: Path) -> bytes:
    """Parse one music21 score and return its standard MIDI file bytes."""
    from music21 import converter
    from music21.midi.translate import music21ObjectToMidiFile

    parsed = converter.parse(score)
    midi_file = music21ObjectToMidiFile(parsed)
    return bytes(midi_file.writestr())


def _convert_or_fail(score: Path) -> bytes | str:
    """MIDI bytes, or the reason music21 could not convert the score."""
    try:
        return convert_score(score)
    except Exception as error:  # music21 raises many unrelated types; each becomes a quarantine row
        return f"{type(error).__name__}: {error}"


def materialize_corpus(
    composer: str, folder: Path, origin: str, workers: int = 2, limit: int | None = None
) -> list[ConversionFailure]:
    """Make sure ``folder`` holds a MIDI file for every score by ``composer``; return failures.

    Already converted files are kept; failures are recorded in ``_manifest.json`` so they are not
    retried on every run.
    """
    folder.mkdir(parents=True, exist_ok=True)
    manifest_path = folder / MANIFEST_NAME
    manifest: dict[str, str] = (
        json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    )
    scores = corpus_scores(composer)[:limit]
    todo = [s for s in scores if s.name not in manifest or not _present(folder, manifest[s.name])]
    if todo:
        log.info("converting music21 scores to MIDI", composer=composer, count=len(todo))
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = pool.map(_convert_or_fail, todo, chunksize=4)
            for score, result in progress(
                zip(todo, results, strict=True), "music21 -> MIDI", len(todo)
            ):
                if isinstance(result, str):
                    manifest[score.name] = "!" + result
                else:
                    write_bytes_atomic(folder / midi_name(score), result)
                    manifest[score.name] = midi_name(score)
        write_bytes_atomic(manifest_path, json.dumps(manifest, indent=1, sort_keys=True).encode())
    wanted = {score.name for score in scores}
    return [
        ConversionFailure(origin, score, entry[1:])
        for score, entry in sorted(manifest.items())
        if entry.startswith("!") and score in wanted
    ]


def _present(folder: Path, entry: str) -> bool:
    return entry.startswith("!") or (folder / entry).exists()
