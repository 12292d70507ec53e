"""The augment stage's check: augment a sample of training windows at several epochs of the SNR
schedule and record, per clip, what was applied and whether the output is sound."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from auralab.core.plotting import plt, png
from auralab.wakeword.audio import encode
from auralab.wakeword.augment import WaveformAugmenter, schedule_table
from auralab.wakeword.clips import ClipSet
from auralab.wakeword.features import FeatureSpec, log_mel
from auralab.wakeword.params import AugmentParams


def train_items(items: Mapping[str, np.ndarray]) -> list[np.ndarray]:
    """The training split's backgrounds or rooms (keys ``<split>/<name>``), in name order."""
    return [items[k] for k in sorted(items) if k.startswith("train/")]


def plan(params: AugmentParams, n_backgrounds: int, n_rooms: int) -> dict[str, Any]:
    """What the training dataset will apply, with the SNR schedule epoch by epoch."""
    epochs = params.snr_schedule.ramp_epochs + 1
    return {
        "order": ["reverb", "background", "gain", "shift", "peak_limit"],
        "params": params.model_dump(mode="json"),
        "snr_schedule": schedule_table(params, epochs),
        "train_backgrounds": n_backgrounds,
        "train_rooms": n_rooms,
    }


def check(
    windows: ClipSet, backgrounds: list[np.ndarray], rirs: list[np.ndarray], params: AugmentParams
) -> tuple[pd.DataFrame, dict[str, list[np.ndarray]]]:
    """A row per (epoch, sampled clip) and the augmented audio of the first clip per epoch."""
    train = np.flatnonzero((windows.table["split"] == "train").to_numpy())
    rng = np.random.default_rng(params.seed)
    sample = rng.choice(train, size=min(params.check_sample_size, len(train)), replace=False)
    labels = windows.table["label"].to_numpy()[sample]
    shown = int(sample[np.argmax(labels)])  # a positive when the sample has one
    rows: list[dict[str, Any]] = []
    examples: dict[str, list[np.ndarray]] = {}
    for epoch in params.check_epochs:
        augmenter = WaveformAugmenter(
            backgrounds, rirs, params, windows.sample_rate, seed=params.seed + epoch
        )
        low, high = augmenter.set_epoch(epoch)
        for index in sample:
            clean = windows.clip(int(index))
            out, record = augmenter.augment(clean)
            if index == shown:
                examples[f"epoch{epoch}"] = [clean, out]
            rows.append(
                {
                    "epoch": epoch,
                    "clip_id": windows.table["clip_id"].iat[int(index)],
                    "split": windows.table["split"].iat[int(index)],
                    "length_in": len(clean),
                    "length_out": len(out),
                    "finite": bool(np.isfinite(out).all()),
                    "peak": float(np.abs(out).max()),
                    "background": record.background,
                    "snr_db": record.snr_db,
                    "snr_low_db": low,
                    "snr_high_db": high,
                    "snr_in_schedule": (not record.background) or low <= record.snr_db <= high,
                    "reverb": record.reverb,
                    "gain": record.gain,
                    "shift": record.shift,
                    "limited": record.limited,
                }
            )
    return pd.DataFrame(rows), examples


def example_files(
    examples: dict[str, list[np.ndarray]], spec: FeatureSpec, params: AugmentParams
) -> dict[str, bytes]:
    """Clean vs augmented log-mel per checked epoch (PNG), the audio (WAV), the schedule (PNG)."""
    files: dict[str, bytes] = {}
    figure, axes = plt.subplots(len(examples), 2, figsize=(10, 2.6 * len(examples)), squeeze=False)
    for row, (name, (clean, augmented)) in enumerate(sorted(examples.items())):
        mels = [log_mel(clean, spec), log_mel(augmented, spec)]
        low, high = min(float(m.min()) for m in mels), max(float(m.max()) for m in mels)
        for col, (label, audio) in enumerate((("clean", clean), (name, augmented))):
            axes[row, col].imshow(
                mels[col].T, origin="lower", aspect="auto", vmin=max(low, high - 80), vmax=high
            )
            axes[row, col].set(title=label, xlabel="frame (10 ms)", ylabel="mel bin")
            files[f"{name}_{label}.wav"] = encode(audio, spec.sample_rate)
    figure.tight_layout()
    files["spectrograms.png"] = png(figure)
    table = pd.DataFrame(schedule_table(params, params.snr_schedule.ramp_epochs + 3))
    figure, ax = plt.subplots(figsize=(6, 3))
    ax.fill_between(table["epoch"], table["snr_low_db"], table["snr_high_db"], alpha=0.4)
    ax.set(title="background SNR schedule", xlabel="epoch", ylabel="SNR (dB)")
    files["snr_schedule.png"] = png(figure)
    return files
