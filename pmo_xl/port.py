"""The live-workbook port: everything a macro may do to the open PMO workbook, and nothing more.

The macro use cases (`pmo_xl.excel.actions`) are written against `WorkbookPort`, so they run
unchanged on Excel (`XlwingsPort`, over the `xw.Book` that called the macro) and in tests
(`MemoryPort`, an in-memory double with a log of calls). The port reads whole tables and
writes whole blocks, one call each, because every call is a round trip to Excel (research §4).

Writes go only to tool-owned places: tables on the grey-tab sheets, the named Home cells,
fill colour and "PMO check:" notes on register cells. The workbook is never saved by Python:
the user decides when to save.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

from pmo_xl.excel.layout import NOTE_PREFIX, STATUS
from pmo_xl.raw import RawTable


@dataclass(frozen=True)
class Formula:
    """A formula we write on purpose (e.g. a HYPERLINK). Every plain `str` is written as text."""

    text: str


class WorkbookPort(Protocol):
    """What the macros need from the open workbook."""

    @property
    def workbook_path(self) -> str:
        """The workbook's FullName: a local path, or an https:// URL for OneDrive/SharePoint."""
        ...

    @property
    def is_cloud(self) -> bool:
        """True when the workbook lives on OneDrive/SharePoint (FullName is a URL)."""
        ...

    def read_table(self, table: str) -> RawTable | None:
        """An Excel Table by name (case-insensitive), as raw cell values; None when absent."""
        ...

    def write_table(
        self, sheet: str, table: str, frame: pd.DataFrame, number_formats: Mapping[str, str] | None = None
    ) -> None:
        """Replace a tool-owned table's header and body with `frame`, resizing the table.

        `number_formats` maps column headings to Excel formats; date columns default to yyyy-mm-dd.
        """
        ...

    def clear_highlights(self, sheet: str, cells: Sequence[str]) -> None:
        """Remove our fill colour and our notes from these cells (A1 addresses)."""
        ...

    def highlight_cells(
        self, sheet: str, cells: Sequence[str], color: str, notes: Sequence[str] | None = None
    ) -> None:
        """Fill these cells with `color`; with `notes`, add one note per cell (same order)."""
        ...

    def set_status(self, text: str) -> None:
        """Show progress or the result of the last run in the Home status cell."""
        ...

    def set_value(self, name: str, value: object) -> None:
        """Write one named cell (a workbook-level defined name such as pmoLastRun)."""
        ...

    def get_value(self, name: str) -> object:
        """Read one named cell; None when the name does not exist."""
        ...

    def alert(self, message: str, title: str) -> None:
        """A message box the user must acknowledge."""
        ...

    def open_workbook(self, path: str) -> None:
        """Open another workbook (the report) in the same Excel."""
        ...

    def show_sheet(self, sheet: str) -> None:
        """Bring a sheet to the front."""
        ...

    def batch(self) -> contextlib.AbstractContextManager[None]:
        """Group many writes: screen updating off for the duration."""
        ...


# --- turning Python values into what Excel is given -------------------------------------------


def excel_value(value: object) -> object:
    """One cell value as handed to Excel: blanks as None, dates as datetime, text kept as text.

    Every string gets Excel's text prefix `'`, so nothing a PM typed can turn into a formula
    (`=`, `+`, `-`, `@`) or be re-read as a number or date ("1-2", "50%", "TRUE"): Excel stores
    the text unchanged and hides the prefix.
    """
    if isinstance(value, Formula):
        return value.text
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, str):
        return "'" + value if value else None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().replace(tzinfo=None)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, (np.integer, np.floating)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (int, float)):
        return value
    return "'" + str(value)


def excel_rows(frame: pd.DataFrame) -> list[list[object]]:
    """Header and body of a frame as one 2-D block; an empty frame keeps one blank body row."""
    header = [excel_value(str(c)) for c in frame.columns]
    body = [[excel_value(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    if not body:
        body = [[None] * len(header)]
    return [header, *body]


def chunk_addresses(cells: Sequence[str], limit: int = 240) -> list[str]:
    """Join A1 addresses into union ranges ("A1,B7,C9") under Excel's 255-character limit."""
    chunks: list[str] = []
    current = ""
    for cell in cells:
        candidate = f"{current},{cell}" if current else cell
        if len(candidate) > limit and current:
            chunks.append(current)
            candidate = cell
        current = candidate
    if current:
        chunks.append(current)
    return chunks


def datetime_columns(frame: pd.DataFrame) -> list[int]:
    """Positions of the columns holding dates, which get a date number format after writing."""
    positions = []
    for index, (_, column) in enumerate(frame.items()):
        if pd.api.types.is_datetime64_any_dtype(column.dtype):
            positions.append(index)
        elif column.dtype == object and len(column) and column.map(lambda v: isinstance(v, dt.date)).any():
            positions.append(index)
    return positions


# --- the real thing: a workbook open in Excel -------------------------------------------------

NOTE_LIMIT = 300  # notes are one round trip each; past this many the fill colour alone marks cells


class XlwingsPort:
    """`WorkbookPort` over the `xw.Book` that called the macro (Windows COM or Mac AppleScript).

    Bulk reads and writes only (one call per table or block). Never saves the workbook.
    """

    def __init__(self, book: Any, note_prefix: str = NOTE_PREFIX) -> None:
        self.book = book
        self.note_prefix = note_prefix
        self._tables: dict[str, Any] | None = None

    @property
    def workbook_path(self) -> str:
        return str(self.book.fullname)

    @property
    def is_cloud(self) -> bool:
        return "://" in self.workbook_path

    def _table(self, name: str) -> Any | None:
        if self._tables is None:  # one pass over the sheets, reused for every register
            self._tables = {t.name.casefold(): t for sheet in self.book.sheets for t in sheet.tables}
        return self._tables.get(name.casefold())

    def read_table(self, table: str) -> RawTable | None:
        found = self._table(table)
        if found is None:
            return None
        rng = found.range
        # err_to_str: an error cell (#N/A) reads as its text, not as a blank that hides it.
        values = rng.options(ndim=2, err_to_str=True).value
        if found.show_totals:
            values = values[:-1]
        top, left = rng.row, rng.column
        headers = list(values[0]) if values else []
        rows: list[list[object]] = []
        numbers: list[int] = []
        for offset, row in enumerate(values[1:], start=1):
            if any(v is not None and v != "" for v in row):
                rows.append(list(row))
                numbers.append(top + offset)
        sheet = found.parent
        return RawTable(sheet.name, found.name, top, left, headers, rows, numbers, hidden=not sheet.visible)

    def write_table(
        self, sheet: str, table: str, frame: pd.DataFrame, number_formats: Mapping[str, str] | None = None
    ) -> None:
        target = self.book.sheets[sheet].tables[table]
        block = excel_rows(frame)
        n_rows, n_cols = len(block), len(block[0])
        old = target.range
        old_rows, old_cols = old.shape
        top_left = old[0, 0]
        target.resize(top_left.resize(row_size=n_rows, column_size=n_cols))
        # Cells the table no longer covers still hold last run's values: clear them.
        xl_sheet = self.book.sheets[sheet]
        if old_rows > n_rows:
            xl_sheet.range(
                (old.row + n_rows, old.column),
                (old.row + old_rows - 1, old.column + max(old_cols, n_cols) - 1),
            ).clear_contents()
        if old_cols > n_cols:
            xl_sheet.range(
                (old.row, old.column + n_cols), (old.row + n_rows - 1, old.column + old_cols - 1)
            ).clear_contents()
        top_left.resize(row_size=n_rows, column_size=n_cols).value = block
        formats = {col: "yyyy-mm-dd" for col in datetime_columns(frame)}
        positions = {str(c): i for i, c in enumerate(frame.columns)}
        formats.update({positions[h]: f for h, f in (number_formats or {}).items() if h in positions})
        for col, number_format in sorted(formats.items()):  # one call per column, not per cell
            top_left.offset(1, col).resize(row_size=n_rows - 1, column_size=1).number_format = number_format
        self._tables = None

    def clear_highlights(self, sheet: str, cells: Sequence[str]) -> None:
        xl_sheet = self.book.sheets[sheet]
        for union in chunk_addresses(cells):
            xl_sheet.range(union).color = None
        for cell in cells[:NOTE_LIMIT]:
            note = xl_sheet.range(cell).note
            if note is not None and str(note.text).startswith(self.note_prefix):
                note.delete()

    def highlight_cells(
        self, sheet: str, cells: Sequence[str], color: str, notes: Sequence[str] | None = None
    ) -> None:
        xl_sheet = self.book.sheets[sheet]
        for union in chunk_addresses(cells):
            xl_sheet.range(union).color = color
        for cell, text in list(zip(cells, notes or (), strict=False))[:NOTE_LIMIT]:
            rng = xl_sheet.range(cell)
            note = rng.note
            if note is None:
                rng.add_note(self.note_prefix + text)
            elif str(note.text).startswith(self.note_prefix):
                note.text = self.note_prefix + text
            # a note the user wrote is left alone: the fill colour still marks the cell

    def _named_range(self, name: str) -> Any | None:
        if not self.book.names.contains(name):
            return None
        return self.book.names(name).refers_to_range

    def set_status(self, text: str) -> None:
        self.set_value(STATUS.name, text)

    def set_value(self, name: str, value: object) -> None:
        rng = self._named_range(name)
        if rng is not None:
            rng.value = excel_value(value)

    def get_value(self, name: str) -> object:
        rng = self._named_range(name)
        return None if rng is None else rng.value

    def alert(self, message: str, title: str) -> None:
        self.book.app.alert(message, title=title)

    def open_workbook(self, path: str) -> None:
        self.book.app.books.open(path)

    def show_sheet(self, sheet: str) -> None:
        self.book.sheets[sheet].activate()

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        with self.book.app.properties(screen_updating=False):
            yield
