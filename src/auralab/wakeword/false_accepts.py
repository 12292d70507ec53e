"""The loudest false accepts on long negative audio, and what was playing when they fired.

A user tuning a wake word asks first *what* sets it off: this lists the highest-scoring events on
the evaluation audio (one per refractory period, as the event definition counts them) with the
recording, the time and the long-form segment (speech and its speaker, music, noise, babble) under
the end of the window that fired, with the sentence being spoken when it was speech.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from auralab.wakeword.scoring import NegativeStreams, event_hops


def loudest_events(
    negatives: NegativeStreams,
    recordings: list[str],
    hop_seconds: float,
    window_seconds: float,
    n: int,
) -> pd.DataFrame:
    """The ``n`` highest-scoring events -> columns recording, end_s (end of the window that fired,
    seconds into the recording), score (the peak smoothed score of the event), rank."""
    rows = []
    for name, smoothed in zip(recordings, negatives.smoothed, strict=True):
        if not len(smoothed):
            continue
        # Events at the n-th highest hop score catch every event that can be among the n loudest.
        floor = float(np.sort(smoothed)[::-1][: n * negatives.refractory_hops][-1])
        for hop in event_hops(smoothed, floor, negatives.refractory_hops):
            burst = smoothed[hop : hop + negatives.refractory_hops]
            peak = int(hop + np.argmax(burst))
            rows.append(
                {
                    "recording": name,
                    "end_s": peak * hop_seconds + window_seconds,
                    "score": float(smoothed[peak]),
                }
            )
    table = pd.DataFrame(rows, columns=["recording", "end_s", "score"])
    table = table.sort_values("score", ascending=False, kind="stable").head(n)
    return table.reset_index(drop=True).assign(rank=lambda t: np.arange(1, len(t) + 1))


def with_segments(events: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """``events`` + kind, detail and text of the long-form segment playing at each event's
    ``end_s`` (``segments``: file, start_s, end_s, kind, detail and, for speech, the sentence in
    text, as ``longform.compose`` writes them), and ``seconds_into`` it: how far into the sentence
    (or passage) the window that fired ends."""
    columns = ("kind", "detail", "text")
    found: dict[str, list[str]] = {column: [] for column in columns}
    seconds_into: list[float] = []
    for recording, end_s in zip(events["recording"], events["end_s"], strict=True):
        rows = segments[
            (segments["file"] == recording)
            & (segments["start_s"] <= end_s)
            & (segments["end_s"] > end_s)
        ]
        for column in columns:
            present = len(rows) and column in rows and pd.notna(rows[column].iloc[0])
            found[column].append(str(rows[column].iloc[0]) if present else "")
        seconds_into.append(float(end_s - rows["start_s"].iloc[0]) if len(rows) else float("nan"))
    return events.assign(**found, seconds_into=seconds_into)
