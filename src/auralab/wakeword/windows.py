"""Fixed-length windows of clips, and the fixed evaluation mixtures of the validation/test splits.

A positive is placed so that its speech ends at a position drawn from ``phrase_end_position``
(a fraction of the window): a streaming detector sees the phrase just finished. So is a context
negative ("hey we", "the aura"), the same shape in the same place with other words. Other
negatives longer than the window are cropped at a random point; shorter ones are placed at a
random offset.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.signal import fftconvolve

from auralab.core.splits import hash_unit
from auralab.wakeword.audio import fit_length, rms
from auralab.wakeword.clips import ClipSet, pack
from auralab.wakeword.params import EvaluationMixParams, PreprocessParams


def window_offset(row: pd.Series, window: int, params: PreprocessParams) -> int:
    """Where the clip starts inside the window (negative: the clip's head is cut)."""
    length = int(row["length"])
    u = hash_unit(str(row["clip_id"]), "window")
    if int(row["label"]) == 1 or row.get("category") == "context":
        position = params.phrase_end_position
        end = int((position.low + u * (position.high - position.low)) * window)
        return end - int(row["speech_end"])
    if length >= window:
        return -int(u * (length - window))
    return int(u * (window - length))


def make_windows(clips: ClipSet, params: PreprocessParams) -> ClipSet:
    """Every clip as a window of ``window_seconds``; the table gains ``window_offset``."""
    window = round(params.window_seconds * clips.sample_rate)
    audio, offsets = [], []
    for i in range(len(clips)):
        row = clips.table.iloc[i]
        offset = window_offset(row, window, params)
        audio.append(fit_length(clips.clip(i), window, offset))
        offsets.append(offset)
    table = clips.table.drop(columns=["offset", "length"]).assign(window_offset=offsets)
    return pack(audio, table, clips.sample_rate)


def mix_evaluation(
    windows: ClipSet,
    backgrounds: dict[str, np.ndarray],
    rirs: dict[str, np.ndarray],
    params: EvaluationMixParams,
    context_samples: int = 0,
) -> ClipSet:
    """Validation and test windows as short streams: ``context_samples`` of background, the window,
    the same again after. Each is reverberated (with the probability given; the tail rings into
    the context) and mixed with a background of its own split at a uniform SNR measured over the
    window. The table records background, room, SNR and ``context_samples``.

    Backgrounds and rooms are keyed ``<split>/<name>``; a split with none falls back to all.
    """
    rng = np.random.default_rng(params.seed)
    keep = windows.table["split"].isin(["validation", "test"]).to_numpy()
    subset = windows.subset(keep)
    out, rows = [], []
    for i in range(len(subset)):
        row = subset.table.iloc[i].to_dict()
        split = row["split"]
        bg_names = [n for n in sorted(backgrounds) if n.startswith(f"{split}/")] or sorted(
            backgrounds
        )
        room_names = [n for n in sorted(rirs) if n.startswith(f"{split}/")] or sorted(rirs)
        window = subset.clip(i)
        inside = slice(context_samples, context_samples + len(window))
        clip = np.pad(window, context_samples)
        room = ""
        if room_names and rng.random() < params.reverb_probability:
            room = room_names[int(rng.integers(len(room_names)))]
            wet = fftconvolve(clip, rirs[room])[: len(clip)]
            clip = (wet * rms(window) / max(rms(wet[inside]), 1e-9)).astype(np.float32)
        name = bg_names[int(rng.integers(len(bg_names)))]
        noise = backgrounds[name]
        if len(noise) < len(clip):
            noise = np.resize(noise, len(clip))
        start = int(rng.integers(0, len(noise) - len(clip) + 1))
        noise = noise[start : start + len(clip)]
        snr = float(rng.uniform(params.snr_db.low, params.snr_db.high))
        level = rms(clip[inside])
        scale = level / max(rms(noise), 1e-9) / 10 ** (snr / 20) if level > 1e-6 else 1.0
        mixed = (clip + scale * noise).astype(np.float32)
        peak = float(np.abs(mixed).max())
        out.append(mixed * (0.99 / peak) if peak > 0.99 else mixed)
        rows.append(
            {
                **row,
                "background": name,
                "room": room,
                "snr_db": snr,
                "context_samples": context_samples,
            }
        )
    table = pd.DataFrame(rows).drop(columns=["offset", "length"])
    return pack(out, table, windows.sample_rate)
