"""Token sequences stored compactly: one flat token array plus offsets, memory-mappable.

``tokens[offsets[i]:offsets[i + 1]]`` is sequence ``i``; ``index`` holds one row per sequence
(source, split, n_tokens, ...). Millions of tokens, three files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class TokenSequences:
    """A ragged array of token sequences with a metadata row per sequence."""

    tokens: np.ndarray  # (total_tokens,) uint16
    offsets: np.ndarray  # (n_sequences + 1,) int64, offsets[0] == 0
    index: pd.DataFrame  # n_sequences rows

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i: int) -> np.ndarray:
        return self.tokens[self.offsets[i] : self.offsets[i + 1]]

    def rows_in(self, split: str) -> np.ndarray:
        """Positions of the sequences in ``split``."""
        return np.flatnonzero(self.index["split"].to_numpy() == split)

    @classmethod
    def from_arrays(cls, arrays: Sequence[np.ndarray], index: pd.DataFrame) -> TokenSequences:
        """Pack separate arrays (one per sequence) into the flat form."""
        lengths = np.array([len(a) for a in arrays], dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        tokens = np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.uint16)
        return cls(tokens=tokens, offsets=offsets, index=index.reset_index(drop=True))
