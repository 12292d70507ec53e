"""Musical statistics of pieces (via muspy) and repetition/collapse measures of token sequences."""

from __future__ import annotations

import math
from collections.abc import Sequence

import muspy
import numpy as np
import pandas as pd
from scipy.stats import wasserstein_distance

from auralab.music.notes import DRUM_PROGRAM, QuantizedNotes

PIECE_METRICS = [
    "pitch_class_entropy",
    "scale_consistency",
    "polyphony",
    "empty_beat_rate",
    "groove_consistency",
    "pitch_range",
]
TOKEN_METRICS = ["distinct_4gram_ratio", "longest_token_run"]


def to_muspy(notes: QuantizedNotes, ticks_per_beat: int) -> muspy.Music:
    """One muspy track per program; times stay in ticks (``resolution`` ticks per beat)."""
    tracks = []
    for program in np.unique(notes.program).tolist():
        mask = notes.program == program
        track = muspy.Track(
            program=0 if program == DRUM_PROGRAM else program, is_drum=program == DRUM_PROGRAM
        )
        for s, e, p, v in zip(
            notes.start[mask].tolist(),
            notes.end[mask].tolist(),
            notes.pitch[mask].tolist(),
            notes.velocity[mask].tolist(),
            strict=True,
        ):
            track.notes.append(muspy.Note(time=s, pitch=p, duration=e - s, velocity=v))
        tracks.append(track)
    return muspy.Music(resolution=ticks_per_beat, tracks=tracks)


def piece_metrics(
    notes: QuantizedNotes, ticks_per_beat: int, ticks_per_bar: int
) -> dict[str, float]:
    """muspy's pitch-class entropy (bits), scale consistency, polyphony, empty-beat rate, groove
    consistency (per bar) and pitch range (semitones); NaN where a metric is undefined."""
    if len(notes) == 0:
        return dict.fromkeys(PIECE_METRICS, math.nan)
    music = to_muspy(notes, ticks_per_beat)
    return {
        "pitch_class_entropy": float(muspy.pitch_class_entropy(music)),
        "scale_consistency": float(muspy.scale_consistency(music)),
        "polyphony": float(muspy.polyphony(music)),
        "empty_beat_rate": float(muspy.empty_beat_rate(music)),
        "groove_consistency": float(muspy.groove_consistency(music, ticks_per_bar)),
        "pitch_range": float(muspy.pitch_range(music)),
    }


def longest_run(tokens: Sequence[int]) -> int:
    """Length of the longest stretch of one repeated token."""
    best = run = 0
    previous = None
    for token in tokens:
        run = run + 1 if token == previous else 1
        best, previous = max(best, run), token
    return best


def distinct_ngram_ratio(tokens: Sequence[int], n: int = 4) -> float:
    """Distinct n-grams / all n-grams: near 0 for a collapsed, looping sequence."""
    grams = [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
    return len(set(grams)) / len(grams) if grams else 0.0


def token_metrics(tokens: Sequence[int]) -> dict[str, float]:
    return {
        "distinct_4gram_ratio": distinct_ngram_ratio(tokens, 4),
        "longest_token_run": float(longest_run(tokens)),
    }


def distribution_distances(real: pd.DataFrame, generated: pd.DataFrame) -> pd.DataFrame:
    """Per metric: means, standard deviations and the Wasserstein-1 distance between the two
    distributions, also divided by the real standard deviation (0 = indistinguishable)."""
    rows = []
    for metric in real.columns:
        r, g = real[metric].dropna().to_numpy(), generated[metric].dropna().to_numpy()
        if len(r) == 0 or len(g) == 0:
            continue
        distance = float(wasserstein_distance(r, g))
        spread = float(r.std()) or 1.0
        rows.append(
            {
                "metric": metric,
                "real_mean": float(r.mean()),
                "real_std": float(r.std()),
                "generated_mean": float(g.mean()),
                "generated_std": float(g.std()),
                "wasserstein": distance,
                "wasserstein_in_real_std": distance / spread,
            }
        )
    return pd.DataFrame(rows)
