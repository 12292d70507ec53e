"""Pictures a person would rather look at than read: piano rolls and loss curves (PNG bytes)."""

from __future__ import annotations

from typing import Any

from auralab.core.plotting import plt
from auralab.core.plotting import png as _png
from auralab.music.notes import QuantizedNotes


def piano_roll_png(notes: QuantizedNotes, ticks_per_beat: int, title: str = "") -> bytes:
    """Pitch over time in beats, one bar per note, colour by velocity bin."""
    figure, axis = plt.subplots(figsize=(10, 3.5))
    if len(notes):
        starts = notes.start / ticks_per_beat
        lengths = (notes.end - notes.start) / ticks_per_beat
        colours = plt.get_cmap("viridis")(notes.velocity / max(1, int(notes.velocity.max())))
        axis.barh(notes.pitch, lengths, left=starts, height=0.8, color=colours)
        axis.set_ylim(int(notes.pitch.min()) - 2, int(notes.pitch.max()) + 2)
    axis.set_xlabel("beats")
    axis.set_ylabel("MIDI pitch")
    axis.set_title(title or f"{len(notes)} notes")
    return _png(figure)


def metric_histograms_png(pieces: Any, metrics: list[str], title: str) -> bytes:
    """One histogram per metric, real and generated pieces overlaid (``pieces`` has ``kind``)."""
    columns = 3
    rows = -(-len(metrics) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(4 * columns, 3 * rows), squeeze=False)
    for axis, metric in zip(axes.flat, metrics, strict=False):
        for kind, colour in (("real", "tab:blue"), ("generated", "tab:orange")):
            values = pieces.loc[pieces["kind"] == kind, metric].dropna()
            if len(values):
                axis.hist(values, bins=12, alpha=0.55, color=colour, label=kind)
        axis.set_title(metric)
    for axis in list(axes.flat)[len(metrics) :]:
        axis.axis("off")
    axes.flat[0].legend()
    figure.suptitle(title)
    return _png(figure)
