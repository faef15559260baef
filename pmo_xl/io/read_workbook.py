"""Read a workbook file into raw tables: cell values exactly as stored, with their Excel rows.

python-calamine reads the cells (5-10x faster than openpyxl here, see
research/perf-limits.md §1) and the Excel Table definitions. A register is found by its table
name first; when the table is gone (copied as values, renamed), by its sheet and the row whose
cells best match the register's headers. Nothing here interprets values: that is parsing.
Macros are never run: calamine reads only the cell XML of `.xlsm` files.
"""

from __future__ import annotations

import html
import os
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine as calamine

from pmo_xl.issues import column_letter
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
    # Formulas Excel never calculated (no cached value; their cell reads as ''): (index into
    # rows, index into headers) -> formula text. Error cells need no field: they read as '#N/A'.
    uncalculated: dict[tuple[int, int], str] = field(default_factory=dict)
    hidden_rows: list[int] = field(default_factory=list)  # 1-based Excel rows of data rows that are hidden
    merged: list[str] = field(default_factory=list)  # merged ranges over the table, e.g. 'A4:C4'


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
        # calamine reads error cells and formulas without a cached value as '' (or 0): a scan of
        # the sheet XML finds them, so they are reported instead of passing for blanks or zeros.
        scans = scan_sheets(path, _register_sheets(book, registers, table_names))
        for register in registers:
            try:
                table = _read_register(book, register, table_names, sheet_cache, scans)
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


def _register_sheets(book: calamine.CalamineWorkbook, registers: tuple[Register, ...], table_names: dict[str, str]) -> set[str]:
    """The sheets that may hold the registers, so only those are scanned."""
    sheets = set()
    for register in registers:
        actual = table_names.get(register.table.casefold())
        if actual is not None:
            try:
                sheets.add(book.get_table_by_name(actual).sheet)
            except Exception:  # a damaged table definition: the header scan will look instead
                pass
        found = _find_sheet(book, register.sheet_name)
        if found is not None:
            sheets.add(found)
    return sheets


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
    scans: dict[str, SheetScan] | None = None,
) -> RawTable | None:
    scans = scans or {}
    actual_table = table_names.get(register.table.casefold())
    if actual_table is not None:
        table = book.get_table_by_name(actual_table)
        data_row0, first_col0 = table.start
        end_row0, _ = table.end
        # Read through the sheet so error-free cells beyond calamine's table view stay aligned.
        grid = _sheet_grid(book, table.sheet, sheet_cache, scans.get(table.sheet))
        width = table.width
        header_cells = _row_slice(grid, data_row0 - 1, first_col0, width)
        headers = [c if c not in ("", None) else name for c, name in zip(header_cells, table.columns, strict=False)]
        scan = scans.get(table.sheet)
        rows, numbers = _data_rows(grid, data_row0, end_row0 + 1, first_col0, width, scan)
        found = RawTable(table.sheet, actual_table, data_row0, first_col0 + 1, headers, rows, numbers)
        return _with_scan(found, scan, book)

    sheet = _find_sheet(book, register.sheet_name)
    if sheet is None:
        return None
    scan = scans.get(sheet)
    grid = _sheet_grid(book, sheet, sheet_cache, scan)
    found_header = _find_header_row(grid, register)
    if found_header is None:
        return None
    header_row0, first_col0, width = found_header
    headers = _row_slice(grid, header_row0, first_col0, width)
    # On a sheet of its own a register runs to the last row (blank rows are skipped); on a
    # shared sheet such as Settings it ends at the first blank row, where the next table starts.
    end = len(grid) if register.sheet is None else _first_blank_row(grid, header_row0 + 1, first_col0, width)
    rows, numbers = _data_rows(grid, header_row0 + 1, end, first_col0, width, scan)
    return _with_scan(RawTable(sheet, None, header_row0 + 1, first_col0 + 1, headers, rows, numbers), scan, book)


def _with_scan(table: RawTable, scan: SheetScan | None, book: calamine.CalamineWorkbook) -> RawTable:
    """Add what the XML scan and calamine's merged ranges say about the table's cells."""
    width = len(table.headers)
    col0 = table.first_column - 1
    if scan is not None and table.row_numbers:
        index = {row: i for i, row in enumerate(table.row_numbers)}
        for (row0, cell_col0), formula in scan.uncalculated.items():
            position = cell_col0 - col0
            if row0 + 1 in index and 0 <= position < width:
                table.uncalculated[(index[row0 + 1], position)] = formula
        table.hidden_rows = sorted(row for row in scan.hidden_rows if row in index)
    try:
        merged = book.get_sheet_by_name(table.sheet).merged_cell_ranges or []
    except Exception:  # formats without merge information
        merged = []
    last_row0 = (table.row_numbers[-1] if table.row_numbers else table.header_row) - 1
    for (top, left), (bottom, right) in merged:
        if bottom >= table.header_row - 1 and top <= last_row0 and right >= col0 and left < col0 + width:
            table.merged.append(f"{column_letter(left + 1)}{top + 1}:{column_letter(right + 1)}{bottom + 1}")
    return table


def _find_sheet(book: calamine.CalamineWorkbook, name: str) -> str | None:
    wanted = normalise_header(name)
    for sheet in book.sheet_names:
        if normalise_header(sheet) == wanted:
            return sheet
    return None


def _sheet_grid(
    book: calamine.CalamineWorkbook, sheet: str, cache: dict[str, list[list[object]]], scan: SheetScan | None = None
) -> list[list[object]]:
    """All rows of a sheet from A1 (so list indexes are Excel row/column numbers minus one).

    Error cells get their error text back ('#N/A', as Excel shows it) and formulas without a
    cached value read as '' (calamine may give 0), so neither passes for a real value.
    """
    if sheet not in cache:
        grid = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        if scan is not None:
            for cells, value in ((scan.errors, None), (scan.uncalculated, "")):
                for (row0, col0), text in cells.items():
                    if row0 < len(grid) and col0 < len(grid[row0]):
                        grid[row0][col0] = text if value is None else value
        cache[sheet] = grid
    return cache[sheet]


def _row_slice(grid: list[list[object]], row0: int, col0: int, width: int) -> list[object]:
    if row0 < 0 or row0 >= len(grid):
        return [""] * width
    row = grid[row0][col0 : col0 + width]
    return row + [""] * (width - len(row))


def _data_rows(
    grid: list[list[object]], start0: int, stop0: int, col0: int, width: int, scan: SheetScan | None = None
) -> tuple[list[list[object]], list[int]]:
    rows: list[list[object]] = []
    numbers: list[int] = []
    # A row whose only content is an uncalculated formula reads as blank but is not empty.
    formula_rows = {row0 for row0, c0 in scan.uncalculated if col0 <= c0 < col0 + width} if scan else set()
    for row0 in range(start0, min(stop0, len(grid))):
        row = grid[row0]
        # A table that fills its sheet's rows exactly (the usual register) needs no copy per row.
        cells = row if col0 == 0 and len(row) == width else row[col0 : col0 + width]
        # list.count runs in C: ~10x a generator over the cells, which matters at a million rows.
        if cells.count("") + cells.count(None) < len(cells) or row0 in formula_rows:
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            rows.append(cells)
            numbers.append(row0 + 1)
    return rows, numbers


def _find_header_row(grid: list[list[object]], register: Register) -> tuple[int, int, int] | None:
    """The row (within the first rows) whose cells match most of the register's headers.

    On a register's own sheet the header spans the row's filled cells (a blank header inside
    the table is kept as a column). On a shared sheet such as Settings, tables sit side by side
    separated by a blank column, so only the run of adjacent headers holding the matches counts.
    """
    known = {key for column in register.columns for key in column.header_keys()}
    best: tuple[int, int, int, int] | None = None  # matches, row0, first_col0, width
    for row0, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        keys = [normalise_header(c) for c in row]
        filled = [i for i, k in enumerate(keys) if k]
        if not filled:
            continue
        runs = [(filled[0], filled[-1])] if register.sheet is None else _runs_of(filled)
        for first, last in runs:
            matches = sum(1 for k in keys[first : last + 1] if k in known)
            if matches and (best is None or matches > best[0]):
                best = (matches, row0, first, last - first + 1)
    if best is None or best[0] < 2:  # one stray matching word is not a header row
        return None
    return best[1], best[2], best[3]


def _runs_of(positions: list[int]) -> list[tuple[int, int]]:
    """Runs of adjacent column positions: [1, 2, 3, 5, 6] -> [(1, 3), (5, 6)]."""
    runs: list[tuple[int, int]] = []
    for position in positions:
        if runs and position == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], position)
        else:
            runs.append((position, position))
    return runs


def _first_blank_row(grid: list[list[object]], start0: int, col0: int, width: int) -> int:
    for row0 in range(start0, len(grid)):
        if all(c == "" or c is None for c in grid[row0][col0 : col0 + width]):
            return row0
    return len(grid)


# --- The sheet-XML scan -----------------------------------------------------------------------
# What calamine cannot tell: error cells (t="e"), formulas with no cached value (openpyxl and
# other libraries write none; Excel computes them on open) and hidden rows. The sheet XML is
# inflated in chunks and searched with bytes.find, so a sheet without any of these costs one
# inflate plus a few memchr-speed passes; only the cells found are parsed. Measured in
# benchmarks/bench_validate.py. .xls/.xlsb/.ods are not scanned (errors there read as blanks).

SCAN_CHUNK = 16 * 1024 * 1024
_RELS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SHEET_ENTRY = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_ATTRIBUTE = re.compile(rb'([\w:]+)="([^"]*)"')
_CELL = re.compile(rb'<(\w+:)?c\b([^>]*?)(/>|>(.*?)</(?:\w+:)?c>)', re.S)
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_FORMULA = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>([^<]*)</(?:\w+:)?f>)")
_HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\bhidden="(?:1|true)"[^>]*>')


@dataclass
class SheetScan:
    """Cells of one sheet that calamine reads as blanks, by 0-based (row, column)."""

    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # -> '#N/A', '#REF!', ...
    uncalculated: dict[tuple[int, int], str] = field(default_factory=dict)  # -> '=formula'
    hidden_rows: set[int] = field(default_factory=set)  # 1-based


def scan_sheets(path: str | os.PathLike[str], sheets: set[str]) -> dict[str, SheetScan]:
    """Scan the XML of the named sheets of an .xlsx/.xlsm; {} for other formats or odd files."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = _sheet_members(archive)
            return {name: _scan_member(archive, members[name]) for name in sheets if members.get(name) in archive.NameToInfo}
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError, zlib.error):
        # A damaged member: calamine reports it when it reads the sheet (one clear line).
        return {}


def _sheet_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its XML member, from xl/workbook.xml and its relationships."""
    if "xl/workbook.xml" not in archive.NameToInfo:
        return {}
    targets = {}
    rels = archive.read("xl/_rels/workbook.xml.rels")
    for match in re.finditer(rb"<(?:\w+:)?Relationship\b[^>]*>", rels):
        attributes = dict(_ATTRIBUTE.findall(match.group(0)))
        target = attributes.get(b"Target", b"").decode()
        member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        targets[attributes.get(b"Id", b"").decode()] = member
    members = {}
    for match in _SHEET_ENTRY.finditer(archive.read("xl/workbook.xml")):
        attributes = {key.split(b":")[-1]: value for key, value in _ATTRIBUTE.findall(match.group(0))}
        name = html.unescape(attributes.get(b"name", b"").decode("utf-8"))
        members[name] = targets.get(attributes.get(b"id", b"").decode(), "")
    return members


def _scan_member(archive: zipfile.ZipFile, member: str) -> SheetScan:
    """Scan one sheet's XML, a chunk of whole rows at a time, up to the end of its cells."""
    scan = SheetScan()
    carry, prefix = b"", None
    with archive.open(member) as stream:
        while True:
            data = stream.read(SCAN_CHUNK)
            buffer = carry + data
            if prefix is None:  # some writers use a namespace prefix: <x:c>, <x:f>
                root = re.search(rb"<(\w+:)?worksheet\b", buffer)
                prefix = (root.group(1) or b"") if root else b""
            close = buffer.find(b"</" + prefix + b"sheetData>")
            if close >= 0 or not data:
                _scan_cells(buffer if close < 0 else buffer[:close], scan, prefix)
                return scan
            cut = buffer.rfind(b"</" + prefix + b"row>")
            cut = cut + len(prefix) + 6 if cut >= 0 else 0
            _scan_cells(buffer[:cut], scan, prefix)
            carry = buffer[cut:]


def _scan_cells(buffer: bytes, scan: SheetScan, prefix: bytes) -> None:
    """Find error cells, value-less formulas and hidden rows in whole rows of sheet XML."""
    starts = set()
    cell_open = b"<" + prefix + b"c "
    for needle in (b't="e"', b"<" + prefix + b"f>", b"<" + prefix + b"f ", b"<" + prefix + b"f/>"):
        position = buffer.find(needle)
        while position >= 0:
            starts.add(buffer.rfind(b"<", 0, position) if needle.startswith(b"t=") else buffer.rfind(cell_open, 0, position))
            position = buffer.find(needle, position + 1)
    for start in sorted(starts):
        match = _CELL.match(buffer, start) if start >= 0 else None
        if match is None:
            continue
        where = _CELL_REF.search(match.group(2))
        if where is None:
            continue  # a cell without a reference cannot be placed (rare writers); calamine still read it
        cell = (int(where.group(2)) - 1, _column_number(where.group(1)) - 1)
        attributes, body = match.group(2), match.group(4) or b""
        value = _VALUE.search(body)
        if b't="e"' in attributes:
            scan.errors[cell] = html.unescape(value.group(1).decode("utf-8", "replace")) if value else "#N/A"
            continue
        formula = _FORMULA.search(body)
        result_is_text = b't="str"' in attributes or b't="inlineStr"' in attributes
        if formula is not None and (value is None or not value.group(1)) and not result_is_text:
            text = html.unescape((formula.group(1) or b"").decode("utf-8", "replace"))
            scan.uncalculated[cell] = "=" + text if text else "(a shared formula)"
    if b"hidden=" in buffer:
        for match in _HIDDEN_ROW.finditer(buffer):
            number = re.search(rb'\br="(\d+)"', match.group(0))
            if number:
                scan.hidden_rows.add(int(number.group(1)))


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number

