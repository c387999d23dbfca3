"""A progress bar on the terminal for long imports (tqdm), silent when not on a terminal
(tests, cron, pages): importers wrap what they iterate over in progress()."""

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")
LONG = 500  # fewer items than this go by too fast for a bar to help


def progress(items: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
    if total is None:
        total = len(items) if hasattr(items, "__len__") else None
    quiet = not sys.stderr.isatty() or (total is not None and total < LONG)
    yield from tqdm(items, desc=description, total=total, disable=quiet, unit=" rows", leave=False)
