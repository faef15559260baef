"""A register's column numbered once for all the checks: per row the number of its value, -1 for a blank.

Several checks ask the same question of the same million cells: is the resource ID blank (the effort
check), which rows repeat a key (the duplicate allocations), which IDs are unknown (the references),
which project a row's dates come from (the windows). Each asked pandas, and pandas hashed or tested the
million Python strings each time (~50 ms a column, for `isna` as for `factorize`). Numbered once
(`pd.factorize`), each answer is a look-up by number into the few distinct values.

`run_checks` opens `shared_codes()`: within it a column is numbered once per frame and kept until the
checks end (the frame is held, so its identity cannot pass to another). Outside it, each question numbers
the column again: a check called on its own gives the same answers. The checks never change a frame.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import numpy as np
import pandas as pd

Numbered = tuple[np.ndarray, np.ndarray]  # per row its value's number (-1: blank), and the distinct values
_SHARED: ContextVar[dict[tuple[int, str], tuple[pd.DataFrame, Numbered]] | None] = ContextVar("shared_codes", default=None)


@contextmanager
def shared_codes() -> Iterator[None]:
    """Within this block, each frame's column is numbered once (the checks of one run)."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def codes_of(frame: pd.DataFrame, column: str) -> Numbered:
    """`pd.factorize(frame[column].to_numpy())`: per row the number of its value in order of first appearance,
    -1 for a blank (None, NaN, NaT), and the distinct values."""
    shared = _SHARED.get()
    if shared is None:
        return _numbered(frame[column])
    key = (id(frame), column)
    kept = shared.get(key)
    if kept is None or kept[0] is not frame:
        kept = shared[key] = (frame, _numbered(frame[column]))
    return kept[1]


def _numbered(values: pd.Series) -> Numbered:
    codes, uniques = pd.factorize(values.to_numpy())
    return codes, np.asarray(uniques)


def blank(frame: pd.DataFrame, column: str) -> np.ndarray:
    """`frame[column].isna()` as an array; for text, from the column's numbers."""
    if frame[column].dtype != object:
        return frame[column].isna().to_numpy()
    return codes_of(frame, column)[0] < 0


def unknown(frame: pd.DataFrame, column: str, known: Collection[object]) -> np.ndarray:
    """`frame[column].notna() & ~frame[column].isin(known)` as an array: rows naming a value not in `known`
    (each distinct value looked up once)."""
    codes, uniques = codes_of(frame, column)
    found = pd.Series(uniques, dtype=uniques.dtype).isin(list(known)).to_numpy()
    return (codes >= 0) & ~np.append(found, True)[codes]  # code -1 (a blank) picks the trailing True

