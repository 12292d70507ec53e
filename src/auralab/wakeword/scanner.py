"""The dataset scanner: one health row per item (clip, background, room, long-form file) and a
summary of counts, hours, rates, levels, clipping, silence, duplicates and speaker overlap."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from auralab.core.plotting import plt, png
from auralab.wakeword.audio import decode, from_pcm16
from auralab.wakeword.clips import ClipSet
from auralab.wakeword.params import ValidateParams

INTENTIONALLY_QUIET = ("silence",)  # categories that are meant to be near-silent
# The evaluation audio is built from test material, the mining pool from training material.
LONGFORM_SPLITS = {"evaluation": "test", "validation": "validation", "mining": "train"}


def _levels(audio: np.ndarray, params: ValidateParams) -> dict[str, Any]:
    peak = float(np.abs(audio).max()) if audio.size else 0.0
    level = float(np.sqrt(np.mean(np.square(audio, dtype=np.float64)))) if audio.size else 0.0
    return {
        "peak": peak,
        "rms_dbfs": float(20 * np.log10(max(level, 1e-10))),
        "clipped_share": float(np.mean(np.abs(audio) >= params.clipping_level))
        if audio.size
        else 0.0,
        "content_hash": hashlib.sha1(np.ascontiguousarray(audio).tobytes()).hexdigest()[:16],
    }


def _column(table: pd.DataFrame, name: str, default: int) -> np.ndarray:
    """An integer column, ``default`` where absent or missing (synthetic clips)."""
    if name not in table:
        return np.full(len(table), default, dtype=np.int64)
    values = pd.to_numeric(table[name], errors="coerce").fillna(default)
    return values.to_numpy(dtype=np.int64)


def clip_rows(clips: ClipSet, params: ValidateParams) -> pd.DataFrame:
    """A health row per clip."""
    table = clips.table
    rate = clips.sample_rate
    original_rate = _column(table, "original_sample_rate", rate)
    original_channels = _column(table, "original_channels", 1)
    rows = []
    for i, record in enumerate(table.to_dict(orient="records")):
        start, length = int(record["offset"]), int(record["length"])
        audio = from_pcm16(np.asarray(clips.audio[start : start + length]))
        rows.append(
            {
                "set": "clips",
                "name": record["clip_id"],
                "class": "positive" if record["label"] else "negative",
                "category": record["category"],
                "split": record["split"],
                "speaker": record["speaker"],
                "source": record["source"],
                "seconds": length / rate,
                "sample_rate": int(original_rate[i]),
                "channels": int(original_channels[i]),
                **_levels(audio, params),
            }
        )
    return pd.DataFrame(rows)


def file_rows(
    kind: str,
    files: Mapping[str, bytes],
    table: pd.DataFrame,
    sample_rate: int,
    params: ValidateParams,
) -> pd.DataFrame:
    """A health row per audio file of a folder (backgrounds, rooms, long-form chunks).

    ``table`` has a ``name`` column matching the file names, and ``split`` (and maybe ``kind``,
    ``source``) for each."""
    info: dict[str, dict[Any, Any]] = {str(r["name"]): r for r in table.to_dict(orient="records")}
    rows = []
    for name in sorted(files):
        audio, rate, channels = decode(files[name], sample_rate)
        meta = info.get(name, {})
        rows.append(
            {
                "set": kind,
                "name": name,
                "class": kind,
                "category": str(meta.get("kind", kind)),
                "split": str(meta.get("split", name.split("/")[0])),
                "speaker": "none",
                "source": str(meta.get("source", "")),
                "seconds": len(audio) / sample_rate,
                "sample_rate": rate,
                "channels": channels,
                **_levels(audio, params),
            }
        )
    return pd.DataFrame(rows)


def health_table(
    clips: ClipSet,
    backgrounds: Mapping[str, bytes],
    background_table: pd.DataFrame,
    rirs: Mapping[str, bytes],
    rir_table: pd.DataFrame,
    longform: Mapping[str, bytes],
    params: ValidateParams,
) -> pd.DataFrame:
    """Every item with its levels and the derived flags the expectations check."""
    rate = clips.sample_rate
    longform_table = pd.DataFrame({"name": sorted(longform)})
    longform_table["split"] = [LONGFORM_SPLITS[n.split("/")[0]] for n in longform_table["name"]]
    frame = pd.concat(
        [
            clip_rows(clips, params),
            file_rows("background", backgrounds, background_table, rate, params),
            file_rows("rir", rirs, rir_table, rate, params),
            file_rows("longform", longform, longform_table, rate, params),
        ],
        ignore_index=True,
    )
    frame["clipped"] = frame["clipped_share"] > params.max_clipped_share
    frame["silent"] = frame["rms_dbfs"] < params.silence_dbfs
    # Near-silent clips are negatives by design; anything else that is silent is a problem.
    frame["unexpected_silence"] = frame["silent"] & ~frame["category"].isin(INTENTIONALLY_QUIET)
    frame.loc[frame["set"] == "rir", "unexpected_silence"] = False  # an RIR is mostly decay
    # The same audio in two splits leaks test data into training.
    splits_per_hash = frame.groupby("content_hash")["split"].transform("nunique")
    frame["duplicate"] = frame.duplicated("content_hash", keep=False)
    frame["duplicate_across_splits"] = splits_per_hash > 1
    speakers = frame[(frame["set"] == "clips") & (frame["speaker"] != "none")]
    splits_per_speaker = speakers.groupby("speaker")["split"].nunique()
    frame["speaker_splits"] = frame["speaker"].map(splits_per_speaker).fillna(1).astype(int)
    return frame


def summary(frame: pd.DataFrame) -> dict[str, Any]:
    """Counts, hours, rates, channels, level percentiles and problem counts (JSON-ready)."""
    group = frame["class"] + "/" + frame["split"]
    items = frame.groupby(group).size()
    hours = frame.groupby(group)["seconds"].sum() / 3600
    levels = {
        str(name): [round(float(np.percentile(g, q)), 1) for q in (5, 50, 95)]
        for name, g in frame.groupby("class")["rms_dbfs"]
    }
    overlap = sorted(frame.loc[frame["speaker_splits"] > 1, "speaker"].unique())
    return {
        "items": {str(k): int(v) for k, v in items.items()},
        "hours": {str(k): round(float(v), 4) for k, v in hours.items()},
        "sample_rates": {str(k): int(v) for k, v in frame["sample_rate"].value_counts().items()},
        "channels": {str(k): int(v) for k, v in frame["channels"].value_counts().items()},
        "level_dbfs_p05_p50_p95": levels,
        "clipped": int(frame["clipped"].sum()),
        "silent": int(frame["silent"].sum()),
        "unexpected_silence": int(frame["unexpected_silence"].sum()),
        "duplicates": int(frame["duplicate"].sum()),
        "duplicates_across_splits": int(frame["duplicate_across_splits"].sum()),
        "speakers": int(frame.loc[frame["set"] == "clips", "speaker"].nunique()),
        "speakers_in_several_splits": overlap,
    }


def health_plot(frame: pd.DataFrame) -> bytes:
    """Hours per class and split; level, duration and sample-rate distributions (PNG)."""
    figure, axes = plt.subplots(2, 2, figsize=(12, 8))
    hours = frame.groupby(["class", "split"])["seconds"].sum().unstack(fill_value=0) / 3600
    hours.plot.bar(ax=axes[0, 0], title="hours per class and split")
    for name, group in frame.groupby("class"):
        axes[0, 1].hist(group["rms_dbfs"], bins=40, alpha=0.5, label=str(name))
    axes[0, 1].set(title="RMS level (dBFS)", xlabel="dBFS")
    axes[0, 1].legend()
    clips = frame[frame["set"] == "clips"]
    for name, group in clips.groupby("category"):
        axes[1, 0].hist(group["seconds"], bins=40, alpha=0.5, label=str(name))
    axes[1, 0].set(title="clip duration", xlabel="seconds")
    axes[1, 0].legend()
    frame["sample_rate"].value_counts().sort_index().plot.bar(
        ax=axes[1, 1], title="original sample rates (items)"
    )
    figure.tight_layout()
    return png(figure)


def split_balance(frame: pd.DataFrame) -> pd.DataFrame:
    """Positives and negatives per split of the clips (one row per split present)."""
    clips = frame[frame["set"] == "clips"]
    counts = clips.groupby(["split", "class"]).size().unstack(fill_value=0)
    return pd.DataFrame(
        {
            "split": counts.index,
            "positives": counts.get("positive", pd.Series(0, index=counts.index)).to_numpy(),
            "negatives": counts.get("negative", pd.Series(0, index=counts.index)).to_numpy(),
        }
    )
