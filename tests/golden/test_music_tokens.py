"""Golden numbers of the Bach corpus through ingest and preprocess.

They change only when parsing, quantization, polyphony reduction or the token format change. After
a deliberate change, regenerate with ``python tests/golden/test_music_tokens.py`` and review the diff.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from auralab.music.params import IngestParams, PreprocessParams
from auralab.music.preprocess import token_statistics, tokenize_notes
from auralab.music.tables import build_tables

GOLDEN = Path(__file__).with_name("music_tokens.json")
PINNED_FILES = ["bach/bwv1.6.mid", "bach/bwv10.7.mid", "bach/bwv66.6.mid"]


def summarise(sources: dict[str, bytes]) -> dict[str, Any]:
    tables = build_tables(sources, [], IngestParams())
    sequences, vocabulary = tokenize_notes(tables.notes, PreprocessParams())
    stats = token_statistics(sequences)
    index = sequences.index.set_index("source")
    return {
        "n_files": len(sources),
        "n_notes": len(tables.notes),
        "vocabulary_size": vocabulary.size,
        "vocabulary_version": vocabulary.to_dict()["version"],
        "n_tokens": int(stats["n_tokens"]),
        "n_notes_dropped": int(stats["n_notes_dropped"]),
        "split_sizes": {k: int(v) for k, v in index["split"].value_counts().sort_index().items()},
        "files": {
            s: {
                k: index.loc[s, k] if k == "split" else int(index.loc[s, k])
                for k in ("n_tokens", "n_notes", "split")
            }
            for s in PINNED_FILES
        },
    }


def test_corpus_tokens_match_the_golden_numbers(bach_midi):
    golden = json.loads(GOLDEN.read_text())
    current = summarise(bach_midi)
    # Exact: the pipeline is deterministic. Token totals get a 0.1% band only so that a music21
    # upgrade that re-spells a score or two reads as "review me" rather than a hard break.
    for key in ("vocabulary_size", "vocabulary_version", "files", "split_sizes", "n_files"):
        assert current[key] == golden[key], key
    for key in ("n_notes", "n_tokens", "n_notes_dropped"):
        assert abs(current[key] - golden[key]) <= 0.001 * golden[key], key


if __name__ == "__main__":
    from auralab.music.corpus import materialize_corpus

    cache = Path(__file__).resolve().parents[2] / "data" / "01_raw" / "music" / "bach"
    materialize_corpus("bach", cache, "bach")
    sources = {f"bach/{p.name}": p.read_bytes() for p in sorted(cache.glob("*.mid"))}
    GOLDEN.write_text(json.dumps(summarise(sources), indent=1, sort_keys=True) + "\n")
    print(f"wrote {GOLDEN}")
