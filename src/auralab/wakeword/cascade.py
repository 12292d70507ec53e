"""Sentry then judge: each sentry event sends its windows to the judge service; the event stands only
if the judge accepts it. A sentry event the judge rejects still starts a refractory period.

The sentry fires at the first hop over its (loose) threshold, often before the phrase has ended in
its window. So a trigger waits ``lookahead_hops`` more hops and carries the sentry's peak smoothed
score over them and the windows of every one of those hops; the judge's score is its highest over
those windows. On the evaluation audio this more than halves the cascade's misses at equal false
accepts, for a decision ``lookahead_hops`` x 80 ms later.

The decision score is the judge's probability (``fusion="judge"``) or the mean of the sentry's
smoothed score and the judge's (``fusion="mean"``): the two models err on different windows, so
their mean separates wake words from false triggers better than either alone."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from auralab.wakeword.evaluation import ScoredSet, frr
from auralab.wakeword.features import FeatureSpec, log_mel
from auralab.wakeword.judge_client import JudgeClient
from auralab.wakeword.scoring import EventRule, event_hops, smooth


@dataclass
class Trigger:
    positive_stream: int | None  # index of the test positive it belongs to; None on negatives
    windows: np.ndarray  # [1 + lookahead hops, frames, n_mels]: the firing hop's window and after
    sentry_score: float  # the peak smoothed sentry score over those hops


def lookahead_windows(
    features: np.ndarray, hop: int, hop_frames: int, window_frames: int, lookahead_hops: int
) -> np.ndarray:
    """``[k, window_frames, n_mels]``: the windows of ``hop`` and of up to ``lookahead_hops`` hops
    after it that lie inside ``features`` ``[frames, n_mels]`` (the first one always)."""
    starts = [(hop + k) * hop_frames for k in range(lookahead_hops + 1)]
    inside = [s for s in starts if s + window_frames <= len(features)] or starts[:1]
    return np.stack([features[s : s + window_frames] for s in inside]).astype(np.float32)


def peak_score(smoothed: np.ndarray, hop: int, lookahead_hops: int) -> float:
    """The highest smoothed score from ``hop`` through ``lookahead_hops`` hops after it."""
    return float(np.max(smoothed[hop : hop + lookahead_hops + 1]))


def fused_score(sentry_score: float, judge_score: float, fusion: str) -> float:
    """The cascade's decision score for one trigger (probabilities in, probability out)."""
    return judge_score if fusion == "judge" else (sentry_score + judge_score) / 2


def triggers(
    scored: ScoredSet,
    longform: Mapping[str, np.ndarray],
    stream_features: np.ndarray,
    spec: FeatureSpec,
    rule: EventRule,
    threshold: float,
    lookahead_hops: int = 0,
) -> list[Trigger]:
    """Every sentry event at ``threshold`` on the negatives and on test positives, with the windows
    and peak score of its hop and the ``lookahead_hops`` after it."""
    out: list[Trigger] = []
    refractory = rule.refractory_hops(spec)

    def trigger(
        stream: int | None, features: np.ndarray, smoothed: np.ndarray, hop: int
    ) -> Trigger:
        windows = lookahead_windows(
            features, hop, rule.hop_frames, spec.window_frames, lookahead_hops
        )
        return Trigger(stream, windows, peak_score(smoothed, hop, lookahead_hops))

    for name, smoothed in zip(sorted(longform), scored.negatives.smoothed, strict=True):
        hops = event_hops(smoothed, threshold, refractory)
        if len(hops):
            features = log_mel(longform[name], spec)
            out.extend(trigger(None, features, smoothed, int(hop)) for hop in hops)
    positives = np.flatnonzero(scored.streams["label"].to_numpy() == 1)
    for index in positives:
        smoothed = smooth(scored.stream_scores[index], rule.smoothing_hops)
        for hop in event_hops(smoothed, threshold, refractory):
            out.append(trigger(int(index), stream_features[index], smoothed, int(hop)))
    return out


def evaluate_cascade(
    scored: ScoredSet,
    found: list[Trigger],
    client: JudgeClient,
    sentry_threshold: float,
    references: list[dict[str, float]],
    on_unreachable: str,
    fusion: str = "judge",
) -> dict[str, Any]:
    """Judge every trigger through ``client``. For each sentry-alone reference (``frr``,
    ``fa_per_hour``; the first is the operating point) pick the strictest judge threshold that keeps
    the cascade's FRR at the reference's and report the cascade's FA/h there: the cascade against
    the sentry alone at the same FRR. Also the added latency per trigger."""
    verdicts = [client.judge(t.windows) for t in found]
    fallback = np.inf if on_unreachable == "accept" else -np.inf
    scores = np.array(
        [
            fused_score(t.sentry_score, v.score, fusion) if v.score is not None else fallback
            for t, v in zip(found, verdicts, strict=True)
        ]
    )
    is_negative = np.array([t.positive_stream is None for t in found], dtype=bool)
    stream_of = np.array([-1 if t.positive_stream is None else t.positive_stream for t in found])
    n_positive = int((scored.streams["label"] == 1).sum())
    hours = scored.negatives.hours

    def at(judge_threshold: float) -> tuple[float, float]:
        accepted = scores >= judge_threshold
        detected = len(set(stream_of[accepted & ~is_negative].tolist()))
        fa = float((accepted & is_negative).sum()) / hours if hours else float("nan")
        return fa, 1 - detected / n_positive if n_positive else float("nan")

    candidates = np.unique(np.concatenate([[0.0], scores[np.isfinite(scores)]]))

    def strictest(target_frr: float) -> float:
        chosen = 0.0
        for candidate in candidates:  # FRR grows with the threshold
            if at(float(candidate))[1] <= target_frr + 1e-12:
                chosen = float(candidate)
        return chosen

    comparisons = []
    for reference in references:
        threshold = strictest(reference["frr"])
        fa, miss = at(threshold)
        comparisons.append(
            {
                "sentry_alone_fa_per_hour": reference["fa_per_hour"],
                "sentry_alone_frr": reference["frr"],
                "judge_threshold": threshold,
                "cascade_fa_per_hour": fa,
                "cascade_frr": miss,
            }
        )
    seconds = np.array([v.seconds for v in verdicts if v.reachable]) * 1000
    unreachable = sum(not v.reachable for v in verdicts)
    return {
        "sentry_threshold": sentry_threshold,
        "sentry_fa_per_hour_in_cascade": scored.negatives.fa_per_hour(sentry_threshold),
        "sentry_frr_in_cascade": frr(scored.streams, sentry_threshold),
        "fusion": fusion,
        **comparisons[0],
        "comparisons": comparisons,
        "triggers": len(found),
        "judge_unreachable": int(unreachable),
        "on_unreachable": on_unreachable,
        "added_latency_ms_p50": float(np.percentile(seconds, 50)) if len(seconds) else float("nan"),
        "added_latency_ms_p95": float(np.percentile(seconds, 95)) if len(seconds) else float("nan"),
    }
