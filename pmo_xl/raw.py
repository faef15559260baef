"""The first data shape of a run: a workbook's registers as raw tables of cell values.

Core, not adapter: the io reader (python-calamine) and the live-Excel port both produce these,
and parsing turns them into typed registers. Nothing here reads a file.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from pmo_xl.issues import Issue, one_line


class WorkbookReadError(Exception):
    """The file cannot be used at all. The message is one line for the user (control characters escaped)."""

    def __init__(self, message: str) -> None:
        super().__init__(one_line(message))


@dataclass(frozen=True)
class Factorized:
    """A column's cells as `pandas.factorize` gives them: cell i is `uniques[codes[i]]`, the codes numbered
    in order of first appearance, no blank (None, NaN) among the uniques.

    A reader that has this for free hands it over with the cells (io.typed_sheet: polars hashes its own
    strings and numpy the dates' day numbers), so parsing need not hash a million Python objects again.
    """

    codes: Any  # np.ndarray of integers, one per cell
    uniques: Any  # np.ndarray of objects, the distinct cells


class ColumnRows(Sequence[list[object]]):
    """The rows of a table read by columns (a large register, `io.typed_sheet`), each row made when asked for.

    `columns` holds one object array of cells per header; parsing takes them as they are. `factorized`:
    per column, its cells factorized (`Factorized`) when the reader knows them so, else None.
    """

    def __init__(self, columns: list[Any], factorized: list[Factorized | None] | None = None) -> None:
        self.columns = columns
        self.factorized = factorized if factorized is not None else [None] * len(columns)

    def __len__(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return [column[index] for column in self.columns]

    def __iter__(self) -> Iterator[list[object]]:
        return map(list, zip(*self.columns, strict=True))


@dataclass
class RawTable:
    """A register as found in the workbook: headers and rows of raw cell values."""

    sheet: str
    table: str | None  # the Excel Table name, or None when found by its headers
    header_row: int  # 1-based Excel row of the header
    first_column: int  # 1-based column of the first header cell
    headers: list[object]
    rows: list[list[object]]  # data rows, blank rows removed (a `ColumnRows` when the reader read them by column)
    row_numbers: list[int]  # the 1-based Excel row of each data row
    hidden: bool = False  # the sheet is hidden
    # Formulas Excel never calculated (no cached value; their cell reads as ''): (index into
    # rows, index into headers) -> formula text. Error cells need no field: they read as '#N/A'.
    uncalculated: dict[tuple[int, int], str] = field(default_factory=dict)
    hidden_rows: list[int] = field(default_factory=list)  # 1-based Excel rows of data rows that are hidden
    merged: list[str] = field(default_factory=list)  # merged ranges over the table, e.g. 'A4:C4'
    date1904: bool = False  # the workbook counts date serial numbers from 1904 (old Mac Excel)
    issues: list[Issue] = field(default_factory=list)  # what reading found about the table (rows typed below it)


@dataclass
class RawWorkbook:
    path: str
    sheet_names: list[str]
    tables: dict[str, RawTable] = field(default_factory=dict)  # keyed by register name
    hidden_sheets: set[str] = field(default_factory=set)
    date1904: bool = False
    issues: list[Issue] = field(default_factory=list)  # sheets refused before reading (a stray far cell)
