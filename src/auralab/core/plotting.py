"""Matplotlib without a display, and figures as PNG bytes (logged to MLflow by the catalog)."""

from __future__ import annotations

import io

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

__all__ = ["Figure", "curves_png", "plt", "png"]


def png(figure: Figure) -> bytes:
    """The figure as PNG bytes (100 dpi); the figure is closed."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def curves_png(series: dict[str, list[list[float]]], title: str, x_label: str = "step") -> bytes:
    """Lines of ``name -> [[step, value], ...]`` on one axis."""
    figure, axis = plt.subplots(figsize=(7, 4))
    for name, points in series.items():
        data = np.asarray(points)
        if len(data):
            axis.plot(data[:, 0], data[:, 1], label=name)
    axis.set_xlabel(x_label)
    axis.set_title(title)
    axis.legend()
    return png(figure)
