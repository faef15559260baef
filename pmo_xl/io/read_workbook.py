"""Read a workbook file into raw tables: cell values exactly as stored, with their Excel rows.

python-calamine reads the cells (5-10x faster than openpyxl here, see
research/perf-limits.md §1) and the Excel Table definitions. A register is found by its table
name first; when the table is gone (copied as values, renamed), by its sheet and the row whose
cells best match the register's headers. Nothing here interprets values: that is parsing.
Macros are never run: calamine reads only the cell XML of `.xlsm` files.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine as calamine

from pmo_xl.schema.columns import Register, normalise_header

HEADER_SCAN_ROWS = 30  # how far down a sheet we look for a header row when there is no table
READABLE_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


class WorkbookReadError(Exception):
    """The file cannot be used at all. The message is one line for the user."""


@dataclass
class RawTable:
    """A register as found in the workbook: headers and rows of raw cell values."""

    sheet: str
    table: str | None  # the Excel Table name, or None when found by its headers
    header_row: int  # 1-based Excel row of the header
    first_column: int  # 1-based column of the first header cell
    headers: list[object]
    rows: list[list[object]]  # data rows, blank rows removed
    row_numbers: list[int]  # the 1-based Excel row of each data row
    hidden: bool = False  # the sheet is hidden


@dataclass
class RawWorkbook:
    path: str
    sheet_names: list[str]
    tables: dict[str, RawTable] = field(default_factory=dict)  # keyed by register name
    hidden_sheets: set[str] = field(default_factory=set)


def open_workbook(path: str | os.PathLike[str]) -> calamine.CalamineWorkbook:
    """Open with calamine, turning every way a file can be unusable into one clear line."""
    path = Path(path)
    if not path.exists():
        raise WorkbookReadError(f"{path}: no such file")
    if path.is_dir():
        raise WorkbookReadError(f"{path}: is a folder, not a workbook")
    if path.stat().st_size == 0:
        raise WorkbookReadError(f"{path}: the file is empty (0 bytes), not a workbook")
    with open(path, "rb") as handle:
        head = handle.read(8)
    is_zip = head.startswith(b"PK")
    is_ole = head.startswith(b"\xd0\xcf\x11\xe0")
    if is_ole and path.suffix.lower() in (".xlsx", ".xlsm"):
        # An OOXML file wrapped in an OLE container is an encrypted (password-protected) workbook.
        raise WorkbookReadError(f"{path}: the workbook is password-protected; save a copy without a password")
    if not (is_zip or is_ole):
        raise WorkbookReadError(f"{path}: not an Excel workbook (expected .xlsx, .xlsm or .xls content)")
    if is_zip:
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            raise WorkbookReadError(f"{path}: the file is damaged (not a readable zip); ask for it again") from None
        if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names and "content.xml" not in names:
            raise WorkbookReadError(f"{path}: a zip file, but not an Excel workbook")
    try:
        return calamine.CalamineWorkbook.from_path(str(path), load_tables=is_zip)
    except calamine.PasswordError:
        raise WorkbookReadError(f"{path}: the workbook is password-protected; save a copy without a password") from None
    except Exception as error:  # calamine raises several types for damaged files
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise WorkbookReadError(f"{path}: the workbook cannot be read ({first_line})") from None


def read_workbook(path: str | os.PathLike[str], registers: tuple[Register, ...]) -> RawWorkbook:
    """Read every register that can be found; missing ones are simply absent from `tables`."""
    book = open_workbook(path)
    try:
        hidden = {m.name for m in book.sheets_metadata if m.visible != calamine.SheetVisibleEnum.Visible}
        raw = RawWorkbook(path=str(path), sheet_names=list(book.sheet_names), hidden_sheets=hidden)
        table_names = _table_index(book)
        sheet_cache: dict[str, list[list[object]]] = {}
        for register in registers:
            try:
                table = _read_register(book, register, table_names, sheet_cache)
            except WorkbookReadError:
                raise
            except Exception as error:
                first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
                raise WorkbookReadError(f"{path}: sheet {register.sheet_name!r} cannot be read ({first_line})") from None
            if table is not None:
                table.hidden = table.sheet in hidden
                raw.tables[register.name] = table
        return raw
    finally:
        book.close()


def _table_index(book: calamine.CalamineWorkbook) -> dict[str, str]:
    """Table names by their case-folded form (Excel table names are case-insensitive)."""
    try:
        return {name.casefold(): name for name in book.table_names}
    except Exception:  # .xls/.ods have no tables, and calamine says so by raising
        return {}


def _read_register(
    book: calamine.CalamineWorkbook,
    register: Register,
    table_names: dict[str, str],
    sheet_cache: dict[str, list[list[object]]],
) -> RawTable | None:
    actual_table = table_names.get(register.table.casefold())
    if actual_table is not None:
        table = book.get_table_by_name(actual_table)
        data_row0, first_col0 = table.start
        end_row0, _ = table.end
        # Read through the sheet so error-free cells beyond calamine's table view stay aligned.
        grid = _sheet_grid(book, table.sheet, sheet_cache)
        width = table.width
        header_cells = _row_slice(grid, data_row0 - 1, first_col0, width)
        headers = [c if c not in ("", None) else name for c, name in zip(header_cells, table.columns, strict=False)]
        rows, numbers = _data_rows(grid, data_row0, end_row0 + 1, first_col0, width)
        return RawTable(table.sheet, actual_table, data_row0, first_col0 + 1, headers, rows, numbers)

    sheet = _find_sheet(book, register.sheet_name)
    if sheet is None:
        return None
    grid = _sheet_grid(book, sheet, sheet_cache)
    found = _find_header_row(grid, register)
    if found is None:
        return None
    header_row0, first_col0, width = found
    headers = _row_slice(grid, header_row0, first_col0, width)
    # On a sheet of its own a register runs to the last row (blank rows are skipped); on a
    # shared sheet such as Settings it ends at the first blank row, where the next table starts.
    end = len(grid) if register.sheet is None else _first_blank_row(grid, header_row0 + 1, first_col0, width)
    rows, numbers = _data_rows(grid, header_row0 + 1, end, first_col0, width)
    return RawTable(sheet, None, header_row0 + 1, first_col0 + 1, headers, rows, numbers)


def _find_sheet(book: calamine.CalamineWorkbook, name: str) -> str | None:
    wanted = normalise_header(name)
    for sheet in book.sheet_names:
        if normalise_header(sheet) == wanted:
            return sheet
    return None


def _sheet_grid(book: calamine.CalamineWorkbook, sheet: str, cache: dict[str, list[list[object]]]) -> list[list[object]]:
    """All rows of a sheet from A1 (so list indexes are Excel row/column numbers minus one)."""
    if sheet not in cache:
        cache[sheet] = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    return cache[sheet]


def _row_slice(grid: list[list[object]], row0: int, col0: int, width: int) -> list[object]:
    if row0 < 0 or row0 >= len(grid):
        return [""] * width
    row = grid[row0][col0 : col0 + width]
    return row + [""] * (width - len(row))


def _data_rows(
    grid: list[list[object]], start0: int, stop0: int, col0: int, width: int
) -> tuple[list[list[object]], list[int]]:
    rows: list[list[object]] = []
    numbers: list[int] = []
    for row0 in range(start0, min(stop0, len(grid))):
        cells = grid[row0][col0 : col0 + width]
        if any(c != "" and c is not None for c in cells):
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            rows.append(cells)
            numbers.append(row0 + 1)
    return rows, numbers


def _find_header_row(grid: list[list[object]], register: Register) -> tuple[int, int, int] | None:
    """The row (within the first rows) whose cells match most of the register's headers."""
    known = {key for column in register.columns for key in column.header_keys()}
    best: tuple[int, int, int, int] | None = None  # matches, row0, first_col0, width
    for row0, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        keys = [normalise_header(c) for c in row]
        matches = sum(1 for k in keys if k in known)
        if matches and (best is None or matches > best[0]):
            filled = [i for i, k in enumerate(keys) if k]
            first, last = filled[0], filled[-1]
            best = (matches, row0, first, last - first + 1)
    if best is None or best[0] < 2:  # one stray matching word is not a header row
        return None
    return best[1], best[2], best[3]


def _first_blank_row(grid: list[list[object]], start0: int, col0: int, width: int) -> int:
    for row0 in range(start0, len(grid)):
        if all(c == "" or c is None for c in grid[row0][col0 : col0 + width]):
            return row0
    return len(grid)
