"""Train/validation/test assignment of music files by a stable hash of the source file name."""

from __future__ import annotations

from auralab.core.splits import SPLITS, hash_split, hash_unit
from auralab.music.params import SplitParams

__all__ = ["SPLITS", "hash_unit", "split_of"]


def split_of(source: str, params: SplitParams) -> str:
    """``"test"``, ``"validation"`` or ``"train"`` for one source file."""
    return hash_split(source, params.salt, params.validation_fraction, params.test_fraction)
