"""A large register read as typed columns (fastexcel + polars), cell for cell what calamine's grid holds.

Why, measured on a 1,048,575-row Allocations sheet (CPU seconds, 2 shared cores, load 5):
python-calamine builds its grid in 14.2 s (11.2 s to parse the sheet, with a second walk of the XML for
merged ranges the scan already found, and 3.0 s to make 10 M Python values in 1 M row lists), and
finding the data rows and cutting them into columns costs 1.4 s more. fastexcel parses the same sheet
into typed columns in 7.1 s and exports them as Arrow in 0.9 s; polars (0.4-0.7 s to import) takes
them in 1.0 s and hands each column to numpy in ~0.1 s: ~10 s in all, and no row lists (load_portfolio
21.3 -> 15.1 s, peak 1.13 -> 0.98 GB). Below `MIN_CELLS` the grid path stays: polars' import and
fastexcel's whole-column typing are not worth it on a small sheet, and small sheets are where the
hostile inputs (stray cells, tables side by side, error cells) live.

Text and date columns also come back factorized (`pmo_xl.raw.Factorized`: polars hashes its own strings,
pandas numbers the hashes and the dates' stamps as integers), so parsing classifies each distinct value once and hashes no Python
object: 1,048,575 rows, load_portfolio 16.2 -> 13.7 s CPU (with the duplicate check on one grouping).

Only the sheet's values change hands: a column comes back only when it is sure to hold exactly what
`to_python` would give (text as str, numbers as float, whole-day dates as datetime.date, empty cells
as ''). The typed read is used only for an Excel Table alone on its sheet from A1, as the XML scan
and fastexcel both see it, with no error cells, uncalculated formulas or ISO-dated cells, every
column of one type (fastexcel's strict typing over all rows: a column mixing numbers and text makes it
refuse) and dates as whole days from 1900-03-01 on. Anything else returns None and the reader takes
calamine's grid, so every located issue is the one the grid path gives (tests/test_typed_sheet.py
compares the two, case by case). The price of a refusal: a large sheet with a mixed column is parsed by
fastexcel before calamine reads it (~7 s more at a million rows); a register that size is generated or
exported, and its columns are uniform.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import numpy as np

from pmo_xl.io.package import TableDef
from pmo_xl.io.sheet_scan import SheetScan
from pmo_xl.raw import Factorized

# The table's cells (its last row, as the XML scan finds it, times its columns) from which the typed
# read is tried: 200k rows of a 10-column register, where it saves 0.8 s of 4.0 s (load_portfolio,
# CPU); the 1,000-project sample's largest register (Allocations, ~100k rows) stays below and keeps
# calamine's grid, for which polars' import (0.4-0.7 s) would eat most of the gain.
MIN_CELLS = 2_000_000
_DAY_MS = 86_400_000
_NO_DAY = np.iinfo(np.int64).min  # a missing date's day number while dates are factorized
_FIRST_DAY_MS = int(np.datetime64("1900-03-01", "ms").astype(np.int64))  # after Excel's 1900-02-29
# pandas' factorize sizes its hash table for every cell unless told: a register's columns repeat a few
# thousand values, and a small table that grows stays in cache (int64 days: 26 -> 7 ms a million cells).
_SIZE_HINT = 1024
# A header that reads as a number, a date or a boolean may be one in its cell; fastexcel gives the
# header's text, so only plainly textual headers can be taken from it.
_NOT_PLAIN_TEXT = re.compile(r"[\d\s.,:/+\-eE]*|true|false", re.IGNORECASE)


@dataclass
class TypedColumns:
    """The data rows of a table, by column: the cells as calamine would give them, blank rows left out."""

    columns: list[np.ndarray]  # one object array per table column, the data rows kept
    row_numbers: list[int]  # 1-based Excel row of each kept row
    # per column, its cells factorized (text and dates: found by polars and numpy on their own values, with
    # no Python object hashed), else None (numbers: parsing classifies them by type, not by value)
    factorized: list[Factorized | None] = field(default_factory=list)


def worth_typed_read(scan: SheetScan | None, table: TableDef, others: list[TableDef], date1904: bool) -> bool:
    """What the reader knows before reading: a large sheet holding only this table, from A1, nothing odd in it."""
    return (scan is not None and scan.last_row * len(table.columns) >= MIN_CELLS and not scan.errors and not scan.uncalculated
            and not scan.iso_dates and not others and not date1904
            and table.top == 0 and table.left == 0 and table.header_rows == 1 and table.totals_rows == 0
            and scan.last_row == table.bottom + 1 and len(table.columns) == table.right + 1
            and all(isinstance(name, str) and name and not _NOT_PLAIN_TEXT.fullmatch(name) for name in table.columns))


def read_typed_columns(path: str, table: TableDef, null_like_text: bool = False) -> TypedColumns | None:
    """The table's columns read by fastexcel, or None when they might differ from calamine's cells.

    `null_like_text`: the sheet may hold a text fastexcel takes for no value ("N/A", io.null_texts); a number
    or date column with empty cells might then be hiding one, and the grid reads the sheet instead."""
    try:
        import fastexcel
        import polars as pl
    except ImportError:
        return None
    logging.getLogger("fastexcel").setLevel(logging.ERROR)  # its notes on column types are not the user's business
    try:
        sheet = fastexcel.read_excel(path).load_sheet(table.sheet, header_row=0, schema_sample_rows=None, dtype_coercion="strict")
        # every column (none was chosen): what available_columns() gives, without its second pass over
        # the cells (0.5 s at a million rows)
        found = sheet.selected_columns
        if (sheet.height != table.bottom or sheet.width != len(table.columns)
                or [c.name for c in found] != table.columns or [c.absolute_index for c in found] != list(range(len(found)))
                or any(c.column_name_from != "looked_up" for c in found)):
            return None
        frame = pl.DataFrame(sheet)
    except Exception:  # noqa: BLE001 — a mixed column (strict typing), or anything fastexcel cannot take: the grid path reads it
        return None
    del sheet
    columns: list[np.ndarray] = []
    factorized: list[Factorized | None] = []
    count = table.bottom
    blank = np.ones(count, dtype=bool)  # rows whose every cell reads '' (left out, as from the grid)
    for name in frame.columns:
        converted = _as_calamine_cells(frame[name], pl)
        if converted is None or (null_like_text and frame[name].dtype != pl.String and converted[1].any()):
            return None
        columns.append(converted[0])
        blank &= converted[1]
        factorized.append(converted[2])
    del frame
    if not blank.any():
        return TypedColumns(columns, list(range(2, count + 2)), factorized)
    keep = np.flatnonzero(~blank)
    return TypedColumns([column[keep] for column in columns], (keep + 2).tolist(),
                        [None if f is None else _kept(f, keep) for f in factorized])


def _kept(factorized: Factorized, keep: np.ndarray) -> Factorized:
    """The factorization of the kept rows: numbered again, a value seen only in a blank row ('') dropped."""
    import pandas as pd  # imported by parsing anyway; not by a reader that never meets a large sheet

    codes, present = pd.factorize(factorized.codes[keep], size_hint=_SIZE_HINT)
    return Factorized(codes, factorized.uniques[present])


def _as_calamine_cells(series: object, pl: object) -> tuple[np.ndarray, np.ndarray, Factorized | None] | None:
    """One polars column as the object array calamine's `to_python` would give, where it reads '' (the
    test done by polars on its own strings, not on a million Python ones) and, for text and dates, the
    cells factorized; or None if it cannot say."""
    dtype = series.dtype  # type: ignore[attr-defined]
    missing = series.is_null().to_numpy()  # type: ignore[attr-defined]
    if dtype == pl.String:  # type: ignore[attr-defined]
        cells = series.fill_null("")  # type: ignore[attr-defined]
        codes, distinct = _factorized_text(cells, pl)
        uniques = _objects(distinct.to_list())  # one Python str per distinct text
        empty = np.zeros(len(codes), dtype=bool) if "" not in uniques else codes == uniques.tolist().index("")
        return uniques[codes], empty, Factorized(codes, uniques)
    if dtype == pl.Datetime("ms"):  # type: ignore[attr-defined]
        stamps = series.to_numpy().astype("datetime64[ms]").view(np.int64)  # type: ignore[attr-defined]  # NaT where empty
        import pandas as pd
        # The stamps factorized as integers (by numpy's values, in order of first appearance), then each distinct
        # one checked and turned into a day: the same codes as the days' when every stamp is a whole day.
        codes, distinct = pd.factorize(stamps, size_hint=_SIZE_HINT)
        empty = distinct == _NO_DAY
        present = distinct[~empty]
        # python-calamine gives a datetime.date for a whole-day serial (a datetime or a time otherwise)
        if len(present) and (present.min() < _FIRST_DAY_MS or (present % _DAY_MS).any()):
            return None
        days = (distinct // _DAY_MS).astype("datetime64[D]")
        uniques = _objects([d.item() if not blank else "" for d, blank in zip(days, empty, strict=True)])
        return uniques[codes], missing, Factorized(codes, uniques)
    if dtype == pl.Float64:  # type: ignore[attr-defined]
        numbers = series.to_numpy()  # type: ignore[attr-defined]
        values = numbers.astype(object)
        values[missing] = ""  # calamine gives '' for an empty cell
        return values, missing, _factorized_numbers(numbers, missing)
    if dtype == pl.Null:  # type: ignore[attr-defined]
        values = np.full(len(missing), "", dtype=object)
        return values, missing, Factorized(np.zeros(len(values), dtype=np.intp), _objects([""])) if len(values) else None
    return None  # integers, booleans, durations, dates typed otherwise: rare in a register, left to the grid path


def _factorized_text(cells: object, pl: object) -> tuple[np.ndarray, object]:
    """A text column's codes (numbered in order of first appearance) and its distinct texts (a polars Series).

    By polars' 64-bit hash of each text, factorized by pandas as integers: ~25 ms a million cells, against
    ~60 ms for polars' unique-then-Enum. Two texts with one hash would share a code: every cell is compared
    with its code's text, and on any difference the exact way (unique, then the Enum they make) numbers them.
    """
    import pandas as pd

    codes, _ = pd.factorize(cells.hash(0).to_numpy(), size_hint=_SIZE_HINT)  # type: ignore[attr-defined]
    new = np.flatnonzero(np.diff(np.maximum.accumulate(codes), prepend=-1) > 0)  # each code's first cell, in order
    distinct = cells.gather(new)  # type: ignore[attr-defined]
    if (distinct.gather(codes) == cells).all():
        return codes, distinct
    distinct = cells.unique(maintain_order=True)  # type: ignore[attr-defined]
    return cells.cast(pl.Enum(distinct)).to_physical().to_numpy().astype(np.intp), distinct  # type: ignore[attr-defined]


def _factorized_numbers(numbers: np.ndarray, missing: np.ndarray) -> Factorized | None:
    """A number column's cells (floats, '' where empty) factorized from the floats themselves: pd.factorize of
    the float64 array, the empty cells' '' numbered in its place (where the first empty cell first appears).
    None if a cell holds NaN (a hostile file: pd.factorize would take it for an empty cell)."""
    import pandas as pd

    codes, distinct = pd.factorize(numbers, size_hint=_SIZE_HINT)  # an empty cell reads NaN here: code -1
    if (codes[~missing] < 0).any():
        return None
    uniques = _objects(distinct.tolist())
    if missing.any():
        first_empty = int(np.argmax(missing))
        before = int(codes[:first_empty].max()) + 1 if first_empty else 0  # distinct numbers seen before it
        codes = codes + (codes >= before)
        codes[missing] = before
        uniques = np.concatenate([uniques[:before], _objects([""]), uniques[before:]])
    return Factorized(codes, uniques)


def _objects(values: list[object]) -> np.ndarray:
    """A list as a 1-d object array, whatever its items."""
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array
