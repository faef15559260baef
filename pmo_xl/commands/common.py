"""Small presentation helpers shared by the commands."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


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


def positive_int(text: str) -> int:
    """An argparse type: a whole number of 1 or more (`--projects -5` is refused, not run with nothing)."""
    import argparse

    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: a whole number of 1 or more is expected")
    return number


def wrong_suffix(path: Path, suffixes: tuple[str, ...], what: str) -> str | None:
    """The one-line refusal for an output whose suffix does not match what is written, else None.

    A report written to `out.pdf` would be an .xlsx that no PDF reader opens: refused, never
    silently renamed or written under the wrong name.
    """
    if path.suffix.lower() in suffixes:
        return None
    wanted = " or ".join(suffixes)
    return (f"pmo-xl: {path.name}: {what} is written as {wanted}, so the file name must end in {wanted} "
            f"(e.g. {path.with_suffix(suffixes[0]).name})")


def print_written(out: Path, contains: str, not_carried: list[str], backup: Path | None) -> None:
    """What a merge (collect, import) wrote: OUT and what it holds, what the input had that OUT
    does not carry, and the backup kept of a replaced portfolio."""
    print(f"wrote {out}: {contains}")
    if not_carried:
        print("not carried over from the input: " + "; ".join(not_carried))
    if backup:
        print(f"the previous portfolio was kept as {backup}")
