"""Fixed-length training and scoring windows over token sequences.

A window is ``length + 1`` tokens: inputs are the first ``length``, targets the last ``length``.
Short sequences are padded with PAD, which the loss ignores.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from auralab.music.dataset import AugmentedSequences
from auralab.music.sequences import TokenSequences
from auralab.music.tokenizer import PAD


def pad_to(tokens: np.ndarray, size: int) -> np.ndarray:
    """``tokens`` right-padded with PAD to ``size`` (int64)."""
    out = np.full(size, PAD, dtype=np.int64)
    out[: len(tokens)] = tokens[:size]
    return out


class TrainingWindows:
    """Random crops of augmented training sequences; indexed by ``(epoch, item)``.

    The crop and the augmentation depend only on (seed, epoch, item), so any data position can be
    replayed exactly (resume) and DataLoader workers need no shared state.
    """

    def __init__(
        self, items: AugmentedSequences, length: int, seed: int, start_probability: float = 0.0
    ) -> None:
        self.items, self.length, self.seed = items, length, seed
        # Uniform crops almost never include BOS, so openings would go unlearned: a share of
        # windows starts at the beginning of the piece.
        self.start_probability = start_probability

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, key: tuple[int, int]) -> np.ndarray:
        epoch, item = key
        self.items.set_epoch(epoch)
        tokens = self.items[item]
        span = self.length + 1
        if len(tokens) > span:
            rng = np.random.default_rng([self.seed, epoch, item, 7])
            at_start = rng.random() < self.start_probability
            start = 0 if at_start else int(rng.integers(0, len(tokens) - span + 1))
            tokens = tokens[start : start + span]
        return pad_to(tokens, span)


def scoring_windows(
    sequences: TokenSequences, rows: np.ndarray, length: int, stride: int
) -> Iterator[np.ndarray]:
    """Windows of ``length + 1`` tokens with ``stride``; in each later window, targets already
    scored by the previous one are PAD, so every token is scored once with >= length-stride context.

    Yields arrays of shape (2, length + 1): row 0 the tokens, row 1 the scoring targets.
    """
    span = length + 1
    for row in rows.tolist():
        tokens = np.asarray(sequences[row], dtype=np.int64)
        start = 0
        while True:
            chunk = tokens[start : start + span]
            targets = chunk.copy()
            if start:
                targets[: span - stride] = PAD  # already scored by the previous window
            yield np.stack([pad_to(chunk, span), pad_to(targets, span)])
            if start + span >= len(tokens):
                break
            start += stride
