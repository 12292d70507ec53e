"""Checkpoints: written atomically, read with ``weights_only=True`` (no arbitrary unpickling).

A checkpoint is a dict of tensors and plain Python values (numbers, strings, lists, dicts).
"""

from __future__ import annotations

import io
import random
from pathlib import Path
from typing import Any

import numpy as np
import torch

from auralab.core.atomic import write_bytes_atomic
from auralab.core.errors import DataLoadError


def save_checkpoint(path: Path, state: dict[str, Any]) -> None:
    """Serialize ``state`` and move it into place in one rename."""
    buffer = io.BytesIO()
    torch.save(state, buffer)
    write_bytes_atomic(path, buffer.getvalue())


def load_checkpoint(path: Path, device: str | torch.device = "cpu") -> dict[str, Any]:
    """Read a checkpoint safely; DataLoadError if it is missing or not a safe checkpoint."""
    if not path.exists():
        raise DataLoadError(f"no checkpoint at {path}")
    try:
        state = torch.load(path, map_location=device, weights_only=True)
    except Exception as error:  # torch raises UnpicklingError, RuntimeError, EOFError...
        raise DataLoadError(f"cannot read checkpoint {path}: {error}") from None
    if not isinstance(state, dict):
        raise DataLoadError(f"{path} does not hold a checkpoint dict")
    return state


def rng_state() -> dict[str, Any]:
    """Python, NumPy and torch generator states, in checkpoint-safe types."""
    state: dict[str, Any] = {
        "python": _to_lists(random.getstate()),
        "numpy": _numpy_state(),
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def restore_rng(state: dict[str, Any]) -> None:
    """Inverse of :func:`rng_state`."""
    version, internal, gauss = state["python"]
    random.setstate((version, tuple(internal), gauss))
    numpy_state = dict(state["numpy"])
    numpy_state["state"] = {
        **numpy_state["state"],
        "key": np.array(numpy_state["state"]["key"], np.uint32),
    }
    np.random.set_state(numpy_state)
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def _numpy_state() -> dict[str, Any]:
    state = dict(np.random.get_state(legacy=False))
    state["state"] = {**state["state"], "key": state["state"]["key"].tolist()}
    return state


def _to_lists(value: Any) -> Any:
    return [_to_lists(v) for v in value] if isinstance(value, tuple) else value
