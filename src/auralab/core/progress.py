"""Progress bars for long loops, quiet when stderr is not a terminal or AURALAB_PROGRESS=0."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm.auto import tqdm

T = TypeVar("T")


def progress(items: Iterable[T], desc: str, total: int | None = None) -> Iterator[T]:
    """Wrap ``items`` in a tqdm bar named ``desc``."""
    enabled = os.environ.get("AURALAB_PROGRESS", "1") != "0" and sys.stderr.isatty()
    yield from tqdm(items, desc=desc, total=total, disable=not enabled, leave=False)
