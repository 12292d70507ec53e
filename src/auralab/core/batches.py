"""Resumable, shuffled batches of ``(epoch, item)`` keys, shared by every family's training.

An item's content (crop, augmentation) depends only on ``(seed, epoch, item)``, so any data
position can be replayed exactly on resume and DataLoader workers need no shared state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Protocol

import numpy as np
import torch

DataPosition = tuple[int, int]  # (epoch, batch index within the epoch) of the last batch consumed


class EpochItems(Protocol):
    """What a family's training data offers: ``items[(epoch, item)]`` and its size."""

    def __len__(self) -> int: ...

    def __getitem__(self, key: tuple[int, int]) -> Any: ...


class EpochBatches:
    """Infinite batch sampler: shuffled batches of ``(epoch, item)`` keys, epoch after epoch.

    ``start`` is the data position (epoch, batch) of the last batch already consumed.
    """

    def __init__(self, n_items: int, batch_size: int, seed: int, start: DataPosition | None):
        self.n_items, self.batch_size, self.seed = n_items, batch_size, seed
        self.epoch, self.batch = (start[0], start[1] + 1) if start else (0, 0)

    def batches_per_epoch(self) -> int:
        return max(1, self.n_items // self.batch_size)  # drop the ragged last batch

    def __iter__(self) -> Iterator[list[tuple[int, int, int, int]]]:
        while True:
            order = np.random.default_rng([self.seed, self.epoch]).permutation(self.n_items)
            if self.n_items < self.batch_size:
                order = np.resize(order, self.batch_size)
            while self.batch < self.batches_per_epoch():
                picks = order[self.batch * self.batch_size : (self.batch + 1) * self.batch_size]
                yield [(self.epoch, self.batch, self.epoch, int(i)) for i in picks]
                self.batch += 1
            self.epoch, self.batch = self.epoch + 1, 0


class KeyedItems(torch.utils.data.Dataset[tuple[Any, int, int]]):
    """Adapter: sampler keys ``(epoch, batch, epoch, item)`` -> (item, epoch, batch)."""

    def __init__(self, items: EpochItems) -> None:
        self.items = items

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, key: Any) -> tuple[Any, int, int]:
        epoch, batch, _, item = key
        return self.items[(epoch, item)], epoch, batch


def epoch_loader(
    items: EpochItems,
    collate: Callable[[list[Any]], Any],
    batch_size: int,
    seed: int,
    start: DataPosition | None,
    num_workers: int,
    prefetch_factor: int,
) -> torch.utils.data.DataLoader[Any]:
    """A DataLoader over ``items`` starting after data position ``start``; ``collate`` gets a list
    of ``(item, epoch, batch)``."""
    return torch.utils.data.DataLoader(
        KeyedItems(items),
        batch_sampler=EpochBatches(len(items), batch_size, seed, start),
        collate_fn=collate,
        num_workers=num_workers,
        pin_memory=torch.cuda.is_available(),
        persistent_workers=num_workers > 0,
        prefetch_factor=prefetch_factor if num_workers else None,
        # Its own generator: creating the loader must not draw from the global RNG, or a
        # resumed run would see different dropout masks than an uninterrupted one.
        generator=torch.Generator().manual_seed(seed),
    )


def device() -> torch.device:
    """CUDA when present, else CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")
