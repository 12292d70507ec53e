"""Background mining: windows of the mining pool that the sentry fires on become hard negatives."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from torch import nn

from auralab.core.progress import progress
from auralab.wakeword.clips import ClipSet, pack
from auralab.wakeword.features import FeatureSpec
from auralab.wakeword.params import MiningParams
from auralab.wakeword.scoring import EventRule, WindowScorer, event_hops, score_stream, smooth


def mine_hard_negatives(
    model: nn.Module | WindowScorer,
    pool: Mapping[str, np.ndarray],
    spec: FeatureSpec,
    rule: EventRule,
    params: MiningParams,
) -> tuple[ClipSet, dict[str, float]]:
    """Each event at ``params.threshold`` (scores smoothed over ``rule.smoothing_hops``, the
    mining node's ``mining.smoothing_hops``; one event per ``params.refractory_seconds``) gives
    the window at its highest raw score; the ``max_negatives`` highest are kept.

    Returns the windows (label 0, split train) and statistics of the pass.
    """
    hop_samples = rule.hop_frames * spec.hop_length
    refractory = max(1, round(params.refractory_seconds / rule.hop_seconds(spec)))
    clips, rows = [], []
    seconds = 0.0
    for name in progress(sorted(pool), "mining"):
        audio = pool[name]
        seconds += len(audio) / spec.sample_rate
        scores = score_stream(model, audio, spec, rule.hop_frames)
        smoothed = smooth(scores, rule.smoothing_hops)
        for hop in event_hops(smoothed, params.threshold, refractory):
            peak = int(hop + np.argmax(scores[hop : hop + refractory]))
            start = peak * hop_samples
            clips.append(audio[start : start + spec.window_samples].astype(np.float32))
            rows.append(
                {
                    "clip_id": f"hard/{name}@{start}",
                    "label": 0,
                    "category": "hard_negative",
                    "split": "train",
                    "speaker": "",
                    "source": name,
                    "start_seconds": start / spec.sample_rate,
                    "score": float(scores[peak]),
                }
            )
    table = pd.DataFrame(
        rows,
        columns=[
            "clip_id",
            "label",
            "category",
            "split",
            "speaker",
            "source",
            "start_seconds",
            "score",
        ],
    )
    order = table.sort_values(["score", "clip_id"], ascending=[False, True]).index[
        : params.max_negatives
    ]
    kept = sorted(order)
    mined = pack([clips[i] for i in kept], table.loc[kept], spec.sample_rate)
    stats = {
        "pool_hours": seconds / 3600,
        "events": float(len(rows)),
        "events_per_hour": len(rows) / max(seconds / 3600, 1e-9),
        "hard_negatives": float(len(kept)),
    }
    return mined, stats
