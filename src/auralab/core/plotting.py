"""Matplotlib without a display, and figures as PNG bytes (logged to MLflow by the catalog)."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

__all__ = ["Figure", "plt", "png"]


def png(figure: Figure) -> bytes:
    """The figure as PNG bytes (100 dpi); the figure is closed."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()
