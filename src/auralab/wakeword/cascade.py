"""Sentry then judge: each sentry event sends its windows to the judge service; the event stands only
if the judge accepts it. A sentry event the judge rejects still starts a refractory period.

The sentry fires at the first hop over its (loose) threshold, often before the phrase has ended in
its window. So a trigger waits ``lookahead_hops`` more hops and carries the windows of every one
of those hops, which the judge scores, and the sentry's smoothed scores over them. Each model's
scores over the look-ahead are pooled by their mean (``sentry_pooling``, ``judge_pooling``;
``max``: their highest). The look-ahead must cover the rise of the smoothed score: the loose
trigger fires early in it, and the sentry alone fires at the hop where it reaches the strict
threshold, up to about twice the smoothing span later. With a shorter look-ahead the cascade
misses wake words that the sentry alone detects, whatever the judge says. A wake phrase holds
both models' scores up over the look-ahead while a confusable word lifts them for a hop or a
few, which the mean separates, as the event rule's smoothing does over a shorter span. The
decision comes ``lookahead_hops`` x 80 ms after the trigger.

The decision score is ``(1 - judge_weight) * sentry + judge_weight * judge`` of the two pooled
scores: ``judge_weight`` 1 lets the judge alone decide (``fusion="judge"``); below it, the two
models err on different windows, so their weighted mean separates wake words from false triggers
better than either alone."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from auralab.wakeword.evaluation import ScoredSet, frr
from auralab.wakeword.features import FeatureSpec, log_mel
from auralab.wakeword.judge_client import JudgeClient
from auralab.wakeword.pooling import Pooling, pool
from auralab.wakeword.scoring import EventRule, event_hops, smooth


@dataclass
class Trigger:
    positive_stream: int | None  # index of the test positive it belongs to; None on negatives
    windows: np.ndarray  # [1 + lookahead hops, frames, n_mels]: the firing hop's window and after
    sentry_score: float  # the sentry's smoothed score over those hops, pooled (mean or highest)


def lookahead_windows(
    features: np.ndarray, hop: int, hop_frames: int, window_frames: int, lookahead_hops: int
) -> np.ndarray:
    """``[k, window_frames, n_mels]``: the windows of ``hop`` and of up to ``lookahead_hops`` hops
    after it that lie inside ``features`` ``[frames, n_mels]`` (the first one always)."""
    starts = [(hop + k) * hop_frames for k in range(lookahead_hops + 1)]
    inside = [s for s in starts if s + window_frames <= len(features)] or starts[:1]
    return np.stack([features[s : s + window_frames] for s in inside]).astype(np.float32)


def lookahead_score(
    smoothed: np.ndarray, hop: int, lookahead_hops: int, pooling: Pooling = "mean"
) -> float:
    """The smoothed scores from ``hop`` through ``lookahead_hops`` hops after it (those inside
    ``smoothed``), pooled: their mean or their highest."""
    return pool(smoothed[hop : hop + lookahead_hops + 1], pooling)


def fused_score(sentry_score: float, judge_score: float, judge_weight: float) -> float:
    """The cascade's decision score for one trigger (probabilities in, probability out)."""
    return (1 - judge_weight) * sentry_score + judge_weight * judge_score


def triggers(
    scored: ScoredSet,
    longform: Mapping[str, np.ndarray],
    stream_features: np.ndarray,
    spec: FeatureSpec,
    rule: EventRule,
    threshold: float,
    lookahead_hops: int = 0,
    sentry_pooling: Pooling = "mean",
) -> list[Trigger]:
    """Every sentry event at ``threshold`` on the negatives and on test positives, with the windows
    of its hop and the ``lookahead_hops`` after it and its smoothed score over them, pooled by
    ``sentry_pooling``."""
    out: list[Trigger] = []
    refractory = rule.refractory_hops(spec)

    def trigger(
        stream: int | None, features: np.ndarray, smoothed: np.ndarray, hop: int
    ) -> Trigger:
        windows = lookahead_windows(
            features, hop, rule.hop_frames, spec.window_frames, lookahead_hops
        )
        score = lookahead_score(smoothed, hop, lookahead_hops, sentry_pooling)
        return Trigger(stream, windows, score)

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


@dataclass(frozen=True)
class CascadeDecisions:
    """The fused score of every trigger, and which of them fired on negative audio."""

    scores: np.ndarray  # [T] fused decision scores (+-inf where the judge was unreachable)
    is_negative: np.ndarray  # [T] bool
    stream_of: np.ndarray  # [T] index of the positive test stream, -1 on negatives
    n_positive: int
    hours: float

    def at(self, threshold: float) -> tuple[float, float]:
        """(FA/h, FRR) of the cascade when triggers scoring at least ``threshold`` stand."""
        accepted = self.scores >= threshold
        detected = len(set(self.stream_of[accepted & ~self.is_negative].tolist()))
        fa = float((accepted & self.is_negative).sum()) / self.hours if self.hours else np.nan
        return fa, 1 - detected / self.n_positive if self.n_positive else float("nan")

    def candidates(self) -> np.ndarray:
        return np.unique(np.concatenate([[0.0], self.scores[np.isfinite(self.scores)]]))

    def strictest_within_frr(self, target_frr: float) -> float:
        """The highest threshold whose FRR is at most ``target_frr`` (0 when none is)."""
        chosen = 0.0
        for candidate in self.candidates():  # FRR grows with the threshold
            if self.at(float(candidate))[1] <= target_frr + 1e-12:
                chosen = float(candidate)
        return chosen

    def loosest_within_fa(self, target_fa_per_hour: float) -> float:
        """The lowest threshold whose FA/h is at most ``target_fa_per_hour`` (inf when none is)."""
        for candidate in self.candidates():  # FA/h falls as the threshold rises
            if self.at(float(candidate))[0] <= target_fa_per_hour + 1e-12:
                return float(candidate)
        return float("inf")


def evaluate_cascade(
    scored: ScoredSet,
    found: list[Trigger],
    client: JudgeClient,
    sentry_threshold: float,
    references: list[dict[str, float]],
    on_unreachable: str,
    judge_weight: float = 1.0,
    target_fa_per_hour: Sequence[float] = (),
) -> dict[str, Any]:
    """Judge every trigger through ``client``. For each sentry-alone reference (``frr``,
    ``fa_per_hour``; the first is the operating point) pick the strictest judge threshold that keeps
    the cascade's FRR at the reference's and report the cascade's FA/h there: the cascade against
    the sentry alone at the same FRR. Then the cascade's own FRR at each of
    ``target_fa_per_hour`` (the loosest decision threshold within the rate), and the added
    latency per trigger."""
    verdicts = [client.judge(t.windows) for t in found]
    fallback = np.inf if on_unreachable == "accept" else -np.inf
    decisions = CascadeDecisions(
        scores=np.array(
            [
                fused_score(t.sentry_score, v.score, judge_weight)
                if v.score is not None
                else fallback
                for t, v in zip(found, verdicts, strict=True)
            ]
        ),
        is_negative=np.array([t.positive_stream is None for t in found], dtype=bool),
        stream_of=np.array([-1 if t.positive_stream is None else t.positive_stream for t in found]),
        n_positive=int((scored.streams["label"] == 1).sum()),
        hours=scored.negatives.hours,
    )
    comparisons = []
    for reference in references:
        threshold = decisions.strictest_within_frr(reference["frr"])
        fa, miss = decisions.at(threshold)
        comparisons.append(
            {
                "sentry_alone_fa_per_hour": reference["fa_per_hour"],
                "sentry_alone_frr": reference["frr"],
                "judge_threshold": threshold,
                "cascade_fa_per_hour": fa,
                "cascade_frr": miss,
            }
        )
    operating_points = []
    for target in target_fa_per_hour:
        threshold = decisions.loosest_within_fa(target)
        fa, miss = decisions.at(threshold)
        operating_points.append(
            {"target_fa_per_hour": target, "threshold": threshold, "fa_per_hour": fa, "frr": miss}
        )
    seconds = np.array([v.seconds for v in verdicts if v.reachable]) * 1000
    unreachable = sum(not v.reachable for v in verdicts)
    return {
        "sentry_threshold": sentry_threshold,
        "sentry_fa_per_hour_in_cascade": scored.negatives.fa_per_hour(sentry_threshold),
        "sentry_frr_in_cascade": frr(scored.streams, sentry_threshold),
        "judge_weight": judge_weight,
        **comparisons[0],
        "comparisons": comparisons,
        "operating_points": operating_points,
        "triggers": len(found),
        "judge_unreachable": int(unreachable),
        "on_unreachable": on_unreachable,
        "added_latency_ms_p50": float(np.percentile(seconds, 50)) if len(seconds) else float("nan"),
        "added_latency_ms_p95": float(np.percentile(seconds, 95)) if len(seconds) else float("nan"),
    }
