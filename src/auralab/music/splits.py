"""Train/validation/test assignment by a stable hash of the source file name.

Every item derived from a file (tokens, augmented copies) inherits the file's split, so nothing
leaks across splits, and adding files never moves existing ones.
"""

from __future__ import annotations

import hashlib

from auralab.music.params import SplitParams

SPLITS = ("train", "validation", "test")


def hash_unit(source: str, salt: str) -> float:
    """A number in [0, 1) that depends only on ``salt`` and ``source``."""
    digest = hashlib.sha256(f"{salt}:{source}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def split_of(source: str, params: SplitParams) -> str:
    """``"test"``, ``"validation"`` or ``"train"`` for one source file."""
    unit = hash_unit(source, params.salt)
    if unit < params.test_fraction:
        return "test"
    if unit < params.test_fraction + params.validation_fraction:
        return "validation"
    return "train"
