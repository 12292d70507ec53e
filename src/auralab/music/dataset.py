"""The on-the-fly training dataset: token sequences of one split, augmented per epoch and item.

No augmented copy is ever written: each ``__getitem__`` decodes the stored sequence, augments the
notes with a generator seeded by (seed, epoch, item) and re-encodes them. It has the map-style
``__len__``/``__getitem__`` protocol of ``torch.utils.data.Dataset``, without importing torch.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from auralab.music.augment import augment_notes
from auralab.music.params import AugmentParams
from auralab.music.sequences import TokenSequences
from auralab.music.tokenizer import Tokenizer


class AugmentedSequences:
    """Sequences of ``split``; augmented when ``augment`` is true (normally for train only)."""

    def __init__(
        self,
        sequences: TokenSequences,
        split: str,
        tokenizer: Tokenizer | None,
        plan: AugmentParams,
        augment: bool = True,
    ) -> None:
        self.sequences = sequences
        self.split = split
        self.rows = sequences.rows_in(split)
        self.tokenizer = tokenizer
        self.plan = plan
        self.augment = augment
        self.epoch = 0

    def __len__(self) -> int:
        return len(self.rows)

    def set_epoch(self, epoch: int) -> None:
        """Draw new augmentations: item i of epoch e always gets the same ones."""
        self.epoch = epoch

    def source(self, item: int) -> str:
        return str(self.sequences.index["source"].iloc[self.rows[item]])

    def sample(self, item: int) -> tuple[np.ndarray, dict[str, Any]]:
        """Tokens of ``item`` (uint16, shape (n,)) and the augmentations applied to it."""
        tokens = np.asarray(self.sequences[int(self.rows[item])])
        if not self.augment or self.tokenizer is None:
            return tokens, {}
        notes, time_signature = self.tokenizer.decode(tokens)
        rng = np.random.default_rng([self.plan.seed, self.epoch, int(self.rows[item])])
        vocabulary = self.tokenizer.vocabulary
        augmented, applied = augment_notes(
            notes, rng, self.plan, vocabulary.ticks_per_beat, vocabulary.n_velocity_bins
        )
        return self.tokenizer.encode(augmented, time_signature), applied

    def __getitem__(self, item: int) -> np.ndarray:
        return self.sample(item)[0]
