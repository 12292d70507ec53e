"""Benchmark: auralab's full MIDI preprocessing against MidiTok's REMI tokenization.

Ours = parse (symusic) + quantize to the 16th/triplet grid + velocity bins + polyphony reduction +
event tokenization, per file, with the project's default parameters. Baseline = MidiTok REMI with
its default config (symusic parse + REMI tokenization) on the same bytes, in the same process.
Both read each file from disk when they need it, so memory should not grow with the corpus:
each corpus size also runs in a fresh subprocess to report its own peak RSS.

    python benchmarks/music_preprocess.py            # the Bach corpus, then it repeated 10 times
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "01_raw" / "music" / "bach"


def corpus_files(repeat: int) -> list[Path]:
    """The Bach MIDI files, the list repeated ``repeat`` times."""
    return sorted(CORPUS.glob("*.mid")) * repeat


def ensure_corpus() -> None:
    """Convert the music21 Bach scores to MIDI once (cached where the pipeline caches them)."""
    from auralab.music.corpus import materialize_corpus

    materialize_corpus("bach", CORPUS, "bach")


def ours() -> Callable[[bytes], int]:
    """Parse, quantize, reduce and tokenize one file; return its token count."""
    from auralab.music.midi import parse_midi
    from auralab.music.params import PreprocessParams
    from auralab.music.preprocess import FileNotes, quantize_file
    from auralab.music.tokenizer import Tokenizer
    from auralab.music.vocabulary import Vocabulary

    params = PreprocessParams()
    tokenizer = Tokenizer(Vocabulary.from_params(params))

    def run(data: bytes) -> int:
        file = FileNotes("bench", parse_midi(data).notes)
        return len(tokenizer.encode(quantize_file(file, params), file.time_signature))

    return run


def miditok_remi() -> Callable[[bytes], int]:
    """MidiTok REMI (default config): parse with symusic and tokenize; return its token count."""
    import miditok
    import symusic

    tokenizer = miditok.REMI(miditok.TokenizerConfig())

    def run(data: bytes) -> int:
        encoded = tokenizer.encode(symusic.Score.from_midi(data))
        sequences = encoded if isinstance(encoded, list) else [encoded]
        return sum(len(s.ids) for s in sequences)

    return run


def measure(name: str, files: list[Path]) -> dict[str, float]:
    """Time one method over ``files`` (each read from disk), after one warm-up file."""
    method = {"auralab": ours, "miditok_remi": miditok_remi}[name]()
    method(files[0].read_bytes())
    tokens = 0
    start = time.perf_counter()
    for path in files:
        tokens += method(path.read_bytes())
    seconds = time.perf_counter() - start
    return {
        "files": len(files),
        "seconds": seconds,
        "files_per_s": len(files) / seconds,
        "tokens": tokens,
    }


def peak_rss_of_this_process() -> float:
    """VmHWM in MiB. Not ru_maxrss: on Linux that survives exec and would report the parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_rss_mib(name: str, repeat: int) -> float:
    """Peak resident memory of a fresh process that runs ``name`` over the corpus x ``repeat``."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", name, "--repeat", str(repeat)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(json.loads(out.strip().splitlines()[-1])["peak_rss_mib"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="corpus repetitions for memory")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = measure(args.child, corpus_files(args.repeat))
        result["peak_rss_mib"] = peak_rss_of_this_process()
        print(json.dumps(result))
        return
    ensure_corpus()
    files = corpus_files(1)
    measure("auralab", files[:20])  # warm imports and caches for both before timing
    measure("miditok_remi", files[:20])
    mine, theirs = measure("auralab", files), measure("miditok_remi", files)
    print(f"corpus: {len(files)} Bach MIDI files")
    for name, r in (("auralab (parse+quantize+reduce+tokenize)", mine), ("MidiTok REMI", theirs)):
        print(f"  {name:<42} {r['files_per_s']:8.1f} files/s  {r['tokens']:>9,} tokens")
    print(
        f"speed ratio auralab / MidiTok REMI: {mine['files_per_s'] / theirs['files_per_s']:.2f}"
        "  (target >= 1.0)"
    )
    for name in ("auralab", "miditok_remi"):
        small, large = peak_rss_mib(name, 1), peak_rss_mib(name, args.repeat)
        print(
            f"peak RSS {name:<13} x1: {small:7.1f} MiB   x{args.repeat}: {large:7.1f} MiB   "
            f"ratio {large / small:.2f}  (target <= 1.5)"
        )


if __name__ == "__main__":
    main()
