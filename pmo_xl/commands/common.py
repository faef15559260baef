"""Small presentation helpers shared by the commands."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def step(message: str, quiet: bool = False) -> Iterator[None]:
    """Show progress on stderr for a step of a long run: `reading workbook… 1.2 s`."""
    if quiet:
        yield
        return
    print(f"{message}…", end="", file=sys.stderr, flush=True)
    started = time.perf_counter()
    try:
        yield
    except BaseException:
        print(" failed", file=sys.stderr, flush=True)
        raise
    print(f" {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
