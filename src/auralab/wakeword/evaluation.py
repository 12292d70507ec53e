"""False rejects at fixed false accepts per hour, with bootstrap intervals, a DET curve and
breakdowns by held-out voice, SNR and room. Events follow ``auralab.wakeword.scoring``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from torch import nn

from auralab.core.plotting import plt, png
from auralab.wakeword.ensemble import PROBABILITY_EPS
from auralab.wakeword.features import FeatureSet, FeatureSpec
from auralab.wakeword.params import BootstrapParams
from auralab.wakeword.scoring import (
    EventRule,
    NegativeStreams,
    WindowScorer,
    event_hops,
    max_smoothed,
    score_feature_streams,
    score_stream,
    smooth,
)


@dataclass
class ScoredSet:
    """One detector's scores: long negative recordings, and the test streams (positives and
    negatives) with their highest smoothed score."""

    negatives: NegativeStreams
    raw_negatives: list[np.ndarray]
    streams: pd.DataFrame  # the test table + ``max_score``
    stream_scores: np.ndarray  # [N test streams, hops] raw
    recordings: list[str]  # names of the long negative recordings, in ``negatives`` order


def score_detector(
    model: nn.Module | WindowScorer,
    longform: Mapping[str, np.ndarray],
    features: FeatureSet,
    spec: FeatureSpec,
    rule: EventRule,
) -> ScoredSet:
    """Scores of every hop of the long-form negatives and of every test stream."""
    recordings = sorted(longform)
    raw = [score_stream(model, longform[name], spec, rule.hop_frames) for name in recordings]
    hours = sum(len(a) for a in longform.values()) / spec.sample_rate / 3600
    test = (features.table["split"] == "test").to_numpy()
    streams = features.table[test].reset_index(drop=True)
    stream_features = np.asarray(features.features[test], dtype=np.float32)
    scores = score_feature_streams(model, stream_features, spec.window_frames, rule.hop_frames)
    return _scored_set(raw, hours, streams, scores, recordings, spec, rule)


def _scored_set(
    raw: list[np.ndarray],
    hours: float,
    streams: pd.DataFrame,
    stream_scores: np.ndarray,
    recordings: list[str],
    spec: FeatureSpec,
    rule: EventRule,
) -> ScoredSet:
    negatives = NegativeStreams(
        [smooth(r, rule.smoothing_hops) for r in raw], hours, rule.refractory_hops(spec)
    )
    streams = streams.assign(max_score=max_smoothed(list(stream_scores), rule.smoothing_hops))
    return ScoredSet(negatives, raw, streams, stream_scores, recordings)


def mean_scored_set(members: Sequence[ScoredSet], spec: FeatureSpec, rule: EventRule) -> ScoredSet:
    """The scores of a ``DetectorEnsemble`` of detectors from theirs (the mean of their raw
    probabilities, clamped as the ensemble clamps it) without scoring the audio again."""
    first = members[0]

    def mean(arrays: Sequence[np.ndarray]) -> np.ndarray:
        average = np.mean(np.stack(arrays), axis=0, dtype=np.float64)
        return np.clip(average, PROBABILITY_EPS, 1 - PROBABILITY_EPS).astype(np.float32)

    raw = [mean([m.raw_negatives[i] for m in members]) for i in range(len(first.raw_negatives))]
    stream_scores = mean([m.stream_scores for m in members])
    streams = first.streams.drop(columns="max_score")
    return _scored_set(
        raw, first.negatives.hours, streams, stream_scores, first.recordings, spec, rule
    )


def frr(streams: pd.DataFrame, threshold: float) -> float:
    positives = streams[streams["label"] == 1]
    return float((positives["max_score"] < threshold).mean()) if len(positives) else float("nan")


def threshold_at_frr(streams: pd.DataFrame, target_frr: float) -> float:
    """The highest threshold whose FRR is at most ``target_frr`` (positives' max smoothed scores)."""
    scores = np.sort(streams.loc[streams["label"] == 1, "max_score"].to_numpy())
    if not len(scores):
        return 1.0
    allowed_misses = int(np.floor(target_frr * len(scores) + 1e-9))
    return float(scores[min(allowed_misses, len(scores) - 1)])


def equal_frr_comparison(
    reference: ScoredSet, other: ScoredSet, levels: Sequence[float]
) -> list[dict[str, float]]:
    """At each FA/h ``level`` of ``reference``: its FRR there, and the FA/h of each set at that FRR
    (a fair comparison: the same share of wake words missed)."""
    rows = []
    for level in levels:
        miss = frr(reference.streams, reference.negatives.threshold_for(level))
        rows.append(
            {
                "fa_per_hour_level": level,
                "frr": miss,
                "reference_fa_per_hour": reference.negatives.fa_per_hour(
                    threshold_at_frr(reference.streams, miss)
                ),
                "other_fa_per_hour": other.negatives.fa_per_hour(
                    threshold_at_frr(other.streams, miss)
                ),
                "other_frr": frr(other.streams, threshold_at_frr(other.streams, miss)),
            }
        )
    return rows


def _interval(values: np.ndarray, confidence: float) -> tuple[float, float]:
    tail = (1 - confidence) / 2 * 100
    return float(np.percentile(values, tail)), float(np.percentile(values, 100 - tail))


def bootstrap(
    scored: ScoredSet, threshold: float, spec: FeatureSpec, rule: EventRule, params: BootstrapParams
) -> dict[str, float]:
    """Intervals of FRR (positives resampled by held-out speaker: clips of one voice are not
    independent) and of FA/h (negative audio resampled in blocks of ``block_seconds``)."""
    rng = np.random.default_rng(params.seed)
    positives = scored.streams[scored.streams["label"] == 1]
    by_speaker = [g["max_score"].to_numpy() for _, g in positives.groupby("speaker")]
    frrs = []
    for _ in range(params.samples):
        picks = rng.integers(len(by_speaker), size=len(by_speaker))
        sample = np.concatenate([by_speaker[i] for i in picks]) if len(picks) else np.zeros(0)
        frrs.append(float((sample < threshold).mean()) if len(sample) else np.nan)
    block_hops = max(1, round(params.block_seconds / rule.hop_seconds(spec)))
    events, hours = [], []
    refractory = rule.refractory_hops(spec)
    for smoothed in scored.negatives.smoothed:
        hits = event_hops(smoothed, threshold, refractory)
        for start in range(0, len(smoothed), block_hops):
            events.append(int(((hits >= start) & (hits < start + block_hops)).sum()))
            hours.append(min(block_hops, len(smoothed) - start) * rule.hop_seconds(spec) / 3600)
    events_a, hours_a = np.array(events), np.array(hours)
    fas = []
    for _ in range(params.samples):
        picks = rng.integers(len(events_a), size=len(events_a))
        fas.append(events_a[picks].sum() / max(hours_a[picks].sum(), 1e-9))
    frr_low, frr_high = _interval(np.array(frrs, dtype=float), params.confidence)
    fa_low, fa_high = _interval(np.array(fas), params.confidence)
    return {"frr_low": frr_low, "frr_high": frr_high, "fa_low": fa_low, "fa_high": fa_high}


def operating_points(
    scored: ScoredSet,
    targets: Sequence[float],
    spec: FeatureSpec,
    rule: EventRule,
    params: BootstrapParams,
) -> list[dict[str, float]]:
    """For each target FA/h: the lowest threshold meeting it, the FA/h and FRR there, and CIs."""
    rows = []
    for target in targets:
        threshold = scored.negatives.threshold_for(target)
        rows.append(
            {
                "target_fa_per_hour": target,
                "threshold": threshold,
                "fa_per_hour": scored.negatives.fa_per_hour(threshold),
                "frr": frr(scored.streams, threshold),
                **bootstrap(scored, threshold, spec, rule, params),
            }
        )
    return rows


def det_curve(scored: ScoredSet, n_points: int = 120) -> pd.DataFrame:
    """(threshold, FA/h, FRR) over thresholds spread in logit space."""
    logits = np.linspace(-6, 12, n_points)
    thresholds = 1 / (1 + np.exp(-logits))
    return pd.DataFrame(
        [
            {
                "threshold": t,
                "fa_per_hour": scored.negatives.fa_per_hour(t),
                "frr": frr(scored.streams, t),
            }
            for t in thresholds
        ]
    )


def det_png(
    curves: Mapping[str, pd.DataFrame], points: Mapping[str, list[dict[str, float]]]
) -> bytes:
    """DET plot: false-reject rate against false accepts per hour (log), one line per detector."""
    figure, axis = plt.subplots(figsize=(7, 5))
    for name, curve in curves.items():
        data = curve[curve["fa_per_hour"] > 0]
        line = axis.plot(data["fa_per_hour"], 100 * data["frr"], label=name)[0]
        for point in points.get(name, []):
            axis.errorbar(
                max(point["fa_per_hour"], 1e-2),
                100 * point["frr"],
                yerr=[
                    [100 * (point["frr"] - point["frr_low"])],
                    [100 * (point["frr_high"] - point["frr"])],
                ],
                fmt="o",
                color=line.get_color(),
                capsize=3,
            )
    axis.set_xscale("log")
    axis.set_xlabel("false accepts per hour")
    axis.set_ylabel("false-reject rate (%)")
    axis.set_title("DET: held-out voices, 0-10 dB SNR, reverberant")
    axis.grid(True, which="both", alpha=0.3)
    axis.legend()
    return png(figure)


def breakdowns(
    streams: pd.DataFrame,
    threshold: float,
    rooms: pd.DataFrame,
    snr_bins: Sequence[float],
) -> dict[str, pd.DataFrame]:
    """FRR at ``threshold`` by held-out voice (``speaker``: language+variant), by voice variant
    over its languages (``variant``: the part after ``+``, the held-out dimension), by SNR bin and
    by room reverberation (RT60 bin); and the share of test negatives that fire, by category
    (adversarial, partial, context, speech, silence)."""
    table = streams.copy()
    table["detected"] = table["max_score"] >= threshold
    positives = table[table["label"] == 1].copy()
    positives["voice_variant"] = positives["speaker"].astype(str).str.split("+").str[-1]
    positives["snr_bin"] = pd.cut(positives["snr_db"], list(snr_bins), include_lowest=True).astype(
        str
    )
    rt60 = rooms.set_index("name")["rt60_s"] if len(rooms) else pd.Series(dtype=float)
    positives["rt60_s"] = positives["room"].map(rt60)
    positives["rt60_bin"] = pd.cut(
        positives["rt60_s"], [0, 0.3, 0.5, 0.7, 10], include_lowest=True
    ).astype(str)

    def frr_by(column: str) -> pd.DataFrame:
        grouped = positives.groupby(column, observed=True)["detected"]
        return pd.DataFrame({"n": grouped.size(), "frr": 1 - grouped.mean()}).reset_index()

    negatives = table[table["label"] == 0]
    grouped = negatives.groupby("category")["detected"]
    return {
        "speaker": frr_by("speaker"),
        "variant": frr_by("voice_variant"),
        "snr": frr_by("snr_bin"),
        "room": frr_by("rt60_bin"),
        "negative_category": pd.DataFrame(
            {"n": grouped.size(), "fire_rate": grouped.mean()}
        ).reset_index(),
    }


def breakdown_png(parts: Mapping[str, pd.DataFrame]) -> bytes:
    """Bars of FRR by voice variant, SNR bin and room RT60 bin, and the fire rate of test
    negatives by category."""
    figure, axes = plt.subplots(1, 4, figsize=(19, 4))
    for axis, (name, column, value) in zip(
        axes,
        (
            ("variant", "voice_variant", "frr"),
            ("snr", "snr_bin", "frr"),
            ("room", "rt60_bin", "frr"),
            ("negative_category", "category", "fire_rate"),
        ),
        strict=True,
    ):
        data = parts[name]
        axis.bar(data[column].astype(str), 100 * data[value])
        axis.set_title(f"{value} by {column} (%)")
        axis.tick_params(axis="x", rotation=30)
    return png(figure)
