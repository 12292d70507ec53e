"""Checkpoint selection by what a wake word is judged on: missed wake words at a low false-accept
rate, on validation audio (validation speakers, music and rooms; never the evaluation audio).

The validation loss weighs every window alike, while false accepts per hour are set by the few
loudest negatives in hours of audio, so the epoch with the lowest loss is often not the one with
the fewest misses at 0.5 FA/h. As openWakeWord does with its false-positive validation set, each
epoch's weights are scored on long validation negatives and on the validation positives as short
streams, and the epoch with the lowest mean false-reject rate over ``fa_per_hour`` wins.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from torch import nn

from auralab.wakeword.scoring import (
    EventRule,
    NegativeStreams,
    max_smoothed,
    score_feature_streams,
    smooth,
)

LOSS_TIEBREAK = 1e-3  # the loss only orders epochs that miss the same share of wake words


@dataclass(frozen=True)
class SelectionSet:
    """Validation audio as log-mel features.

    ``negatives``: one [frames, n_mels] array per long negative recording; ``positives``:
    [N, frames, n_mels] positive streams (the window and its context); ``fa_per_hour``: the rates
    whose thresholds the false-reject rate is averaged over.
    """

    negatives: Sequence[np.ndarray]
    hours: float
    positives: np.ndarray
    rule: EventRule
    refractory_hops: int
    window_frames: int
    fa_per_hour: tuple[float, ...]


def detection_metrics(model: nn.Module, data: SelectionSet) -> dict[str, float]:
    """``val_frr_at_<rate>_fa_per_hour`` for each rate and their mean ``val_frr``."""
    hop = data.rule.hop_frames
    raw = [
        score_feature_streams(model, f[None], data.window_frames, hop)[0] for f in data.negatives
    ]
    negatives = NegativeStreams(
        [smooth(r, data.rule.smoothing_hops) for r in raw], data.hours, data.refractory_hops
    )
    scores = score_feature_streams(model, data.positives, data.window_frames, hop)
    peaks = max_smoothed(list(scores), data.rule.smoothing_hops)
    metrics = {
        f"val_frr_at_{rate:g}_fa_per_hour": float((peaks < negatives.threshold_for(rate)).mean())
        for rate in data.fa_per_hour
    }
    metrics["val_frr"] = float(np.mean(list(metrics.values())))
    return metrics


def selection_score(metrics: dict[str, float], val_loss: float) -> float:
    """Lower is better: the mean false-reject rate, the loss breaking ties."""
    return metrics["val_frr"] + LOSS_TIEBREAK * min(val_loss, 1.0)
