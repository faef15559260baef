"""`MemoryPort`: the open workbook as an in-memory double, for tests and dry runs of the macros.

It behaves like Excel under xlwings where the macros can tell the difference: tables are
found by name case-insensitively, unknown sheets and tables raise `KeyError`, written values
come back the way Excel hands them over COM (numbers as float, dates as datetime, blanks as
None, text without the `'` prefix the port adds, blank rows skipped), and a written table is
resized to its new content. Every call is logged in `calls` so tests can assert what a macro
did and in which order.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import pandas as pd

from pmo_xl.excel.layout import HOME_SHEET, NAMED_CELLS, NOTE_PREFIX, STATUS, TOOL_TABLES
from pmo_xl.io.read_workbook import RawTable, read_workbook
from pmo_xl.port import Formula, excel_value
from pmo_xl.schema.columns import Register


def as_com_value(value: object) -> object:
    """What a cell written with `value` reads back as through xlwings/COM."""
    value = excel_value(value)
    if isinstance(value, str):
        return value[1:] if value.startswith("'") else value  # the text prefix is not part of the value
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return float(value)  # Excel stores every number as a double
    return value


def _from_file_value(value: object) -> object:
    """A value as calamine read it from a file, turned into what COM would hand over."""
    if value == "":
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


class MemoryPort:
    """`WorkbookPort` over tables held in memory, logging every call."""

    def __init__(
        self,
        tables: Iterable[RawTable] = (),
        *,
        path: str = r"C:\Users\pmo\Documents\PMO.xlsm",
        sheets: Iterable[str] = (),
        values: Mapping[str, object] | None = None,
        tool_tables: bool = True,
    ) -> None:
        self.path = path
        self.tables: dict[str, RawTable] = {}
        self.sheets: set[str] = {HOME_SHEET, *sheets}
        self.values: dict[str, object] = {cell.name: None for cell in NAMED_CELLS}
        self.values.update(values or {})
        self.fills: dict[tuple[str, str], str] = {}
        self.notes: dict[tuple[str, str], str] = {}
        self.alerts: list[tuple[str, str]] = []
        self.opened: list[str] = []
        self.shown: list[str] = []
        self.statuses: list[str] = []
        self.frames: dict[str, pd.DataFrame] = {}  # last frame written per table, as given
        self.formats: dict[str, dict[str, str]] = {}  # number formats asked for, per table
        self.calls: list[tuple[object, ...]] = []
        for table in tables:
            self.add_table(table)
        if tool_tables:
            for tool in TOOL_TABLES:
                header_row = tool.first_row + 1
                self.add_table(RawTable(tool.sheet, tool.table, header_row, 1, list(tool.columns), [], []))

    @classmethod
    def from_workbook(
        cls,
        file: str | os.PathLike[str],
        registers: Sequence[Register],
        path: str | None = None,
        **kwargs: object,
    ) -> MemoryPort:
        """A port over a workbook file's registers, with values as Excel would hand them over.

        `path` is the FullName the port reports (default: the file itself).
        """
        raw = read_workbook(file, tuple(registers))
        tables = []
        for table in raw.tables.values():
            # Excel calculates every formula, so live Excel has no "uncalculated" cells.
            rows = [[_from_file_value(v) for v in row] for row in table.rows]
            tables.append(dataclasses.replace(table, rows=rows, uncalculated={}))
        return cls(tables, path=path or str(file), sheets=raw.sheet_names, **kwargs)  # type: ignore[arg-type]

    def add_table(self, table: RawTable) -> None:
        if table.table is None:
            raise ValueError("a MemoryPort table needs a table name")
        self.tables[table.table.casefold()] = table
        self.sheets.add(table.sheet)

    # --- WorkbookPort ------------------------------------------------------------------------

    @property
    def workbook_path(self) -> str:
        return self.path

    @property
    def is_cloud(self) -> bool:
        return "://" in self.path

    def read_table(self, table: str) -> RawTable | None:
        self.calls.append(("read_table", table))
        found = self.tables.get(table.casefold())
        if found is None:
            return None
        return dataclasses.replace(
            found,
            headers=list(found.headers),
            rows=[list(r) for r in found.rows],
            row_numbers=list(found.row_numbers),
        )

    def write_table(
        self, sheet: str, table: str, frame: pd.DataFrame, number_formats: Mapping[str, str] | None = None
    ) -> None:
        self.calls.append(("write_table", sheet, table, len(frame)))
        unknown = set(number_formats or {}) - {str(c) for c in frame.columns}
        if unknown:
            raise KeyError(f"number formats for columns not written: {sorted(unknown)}")
        self.formats[table] = dict(number_formats or {})
        existing = self.tables.get(table.casefold())
        if existing is None or existing.sheet != sheet:
            raise KeyError(f"no table {table!r} on sheet {sheet!r}")
        header = [as_com_value(str(h)) for h in frame.columns]
        rows, numbers = [], []
        for offset, row in enumerate(frame.itertuples(index=False, name=None), start=1):
            # A formula reads back as its result in Excel; here it stays the formula text.
            values = [v.text if isinstance(v, Formula) else as_com_value(v) for v in row]
            if any(v is not None for v in values):
                rows.append(values)
                numbers.append(existing.header_row + offset)
        self.tables[table.casefold()] = RawTable(sheet, existing.table, existing.header_row, existing.first_column,
                                                 header, rows, numbers, existing.hidden)  # fmt: skip
        self.frames[existing.table or table] = frame.copy()

    def clear_highlights(self, sheet: str, cells: Sequence[str]) -> None:
        self.calls.append(("clear_highlights", sheet, len(cells)))
        self._sheet(sheet)
        for cell in cells:
            self.fills.pop((sheet, cell), None)
            if self.notes.get((sheet, cell), "").startswith(NOTE_PREFIX):
                del self.notes[(sheet, cell)]

    def highlight_cells(
        self, sheet: str, cells: Sequence[str], color: str, notes: Sequence[str] | None = None
    ) -> None:
        self.calls.append(("highlight_cells", sheet, len(cells), color))
        self._sheet(sheet)
        for cell in cells:
            self.fills[(sheet, cell)] = color
        for cell, text in zip(cells, notes or (), strict=False):
            current = self.notes.get((sheet, cell))
            if current is None or current.startswith(NOTE_PREFIX):
                self.notes[(sheet, cell)] = NOTE_PREFIX + text

    def set_status(self, text: str) -> None:
        self.calls.append(("set_status", text))
        self.statuses.append(text)
        self.values[STATUS.name] = as_com_value(text)

    def set_value(self, name: str, value: object) -> None:
        self.calls.append(("set_value", name))
        if name in self.values:  # like XlwingsPort: a name the workbook lacks is skipped
            self.values[name] = value.text if isinstance(value, Formula) else as_com_value(value)

    def get_value(self, name: str) -> object:
        self.calls.append(("get_value", name))
        return self.values.get(name)

    def alert(self, message: str, title: str) -> None:
        self.calls.append(("alert", title))
        self.alerts.append((title, message))

    def open_workbook(self, path: str) -> None:
        self.calls.append(("open_workbook", path))
        if not Path(path).exists():
            raise FileNotFoundError(2, "No such file", path)  # Excel cannot open it either
        self.opened.append(path)

    def show_sheet(self, sheet: str) -> None:
        self.calls.append(("show_sheet", sheet))
        self._sheet(sheet)
        self.shown.append(sheet)

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        self.calls.append(("batch", "start"))
        try:
            yield
        finally:
            self.calls.append(("batch", "end"))

    def _sheet(self, sheet: str) -> None:
        if sheet not in self.sheets:
            raise KeyError(f"no sheet {sheet!r}")
