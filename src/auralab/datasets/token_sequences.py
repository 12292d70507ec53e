"""Token sequences on disk: ``tokens.npy`` + ``offsets.npy`` (memory-mapped on load) + ``index.parquet``.

Written by hand because kedro-datasets has no ragged-array type; the folder is replaced atomically.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from kedro.io import AbstractDataset

from auralab.core.atomic import atomic_directory
from auralab.music.sequences import TokenSequences


class TokenSequencesDataset(AbstractDataset[TokenSequences, TokenSequences]):
    """Save and load :class:`TokenSequences` in a folder ``path``."""

    def __init__(
        self, path: str, mmap: bool = True, metadata: dict[str, Any] | None = None
    ) -> None:
        self.metadata = metadata  # free-form catalog metadata (e.g. DVC options)
        self._path = Path(path)
        self._mmap = mmap

    def _describe(self) -> dict[str, Any]:
        return {"path": str(self._path), "mmap": self._mmap}

    def load(self) -> TokenSequences:
        return TokenSequences(
            tokens=np.load(self._path / "tokens.npy", mmap_mode="r" if self._mmap else None),
            offsets=np.load(self._path / "offsets.npy"),
            index=pd.read_parquet(self._path / "index.parquet"),
        )

    def save(self, data: TokenSequences) -> None:
        with atomic_directory(self._path) as staging:
            np.save(staging / "tokens.npy", np.ascontiguousarray(data.tokens))
            np.save(staging / "offsets.npy", np.ascontiguousarray(data.offsets))
            data.index.to_parquet(staging / "index.parquet", index=False)

    def _exists(self) -> bool:
        return (self._path / "offsets.npy").exists()
