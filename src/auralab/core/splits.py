"""Train/validation/test assignment by a stable hash of an item's group (file, speaker, room).

Everything derived from one group inherits its split, so nothing leaks across splits, and adding
groups never moves existing ones.
"""

from __future__ import annotations

import hashlib

SPLITS = ("train", "validation", "test")


def hash_unit(key: str, salt: str) -> float:
    """A number in [0, 1) that depends only on ``salt`` and ``key``."""
    digest = hashlib.sha256(f"{salt}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def hash_split(key: str, salt: str, validation_fraction: float, test_fraction: float) -> str:
    """``"test"``, ``"validation"`` or ``"train"`` for one group key."""
    unit = hash_unit(key, salt)
    if unit < test_fraction:
        return "test"
    if unit < test_fraction + validation_fraction:
        return "validation"
    return "train"
