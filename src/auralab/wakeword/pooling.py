"""How the scores of a cascade trigger's look-ahead hops combine into one: their mean or their
highest. The sentry's smoothed scores and the judge's probabilities are pooled this way
(``cascade.sentry_pooling``, ``cascade.judge_pooling``)."""

from __future__ import annotations

from typing import Literal

import numpy as np

Pooling = Literal["mean", "max"]


def pool(values: np.ndarray | list[float], pooling: Pooling) -> float:
    """The mean or the highest of ``values`` (one score per hop or window)."""
    array = np.asarray(values, dtype=np.float64)
    return float(array.mean() if pooling == "mean" else array.max())
