"""Read a workbook file into raw tables: cell values exactly as stored, with their Excel rows.

Each sheet a register needs is parsed once. For .xlsx/.xlsm the package is opened by
`io.package` (inflate budget; sheets, Table definitions and the 1904 flag from the small parts)
and each sheet's XML is streamed once by `io.sheet_scan` (error cells, formulas without a value,
hidden rows, merged ranges, and the last cell): a sheet whose grid would not fit in memory is
refused with a located issue before calamine sees it. Then python-calamine parses the sheet's
values, once, into a grid from A1 (5-10x faster than openpyxl, research/perf-limits.md §1).
A register is found by its table name first; when the table is gone (copied as values,
renamed), by its sheet and the row whose cells best match the register's headers.

Which reader, by the sheet's size (measured, benchmarks/bench_validate.py, CPU seconds on 2 shared cores):
python-calamine gives each cell as typed, which is what parsing and its messages are built on, and it
imports fast, so it reads every sheet below ~2 M cells (`io.typed_sheet.MIN_CELLS`). A larger Excel
Table alone on its sheet is read by fastexcel into typed columns instead (io/typed_sheet.py): at
1,048,575 rows load_portfolio takes 15.6 s instead of 21.3 s, peak 0.98 GB instead of 1.13 GB.
fastexcel types each column as a whole, so a text "1,500" among numbers or a date typed as text
would be coerced before parsing could say which cell it was; the typed read therefore asks for
strict typing over all rows and hands back columns only when they are cell for cell what calamine
gives, else calamine reads the sheet (tests/test_typed_sheet.py compares the two). Arrow is taken by
polars, not pyarrow: with pyarrow installed pandas 3 stores every text column as Arrow strings.

Nothing here interprets values: that is parsing. Macros are never run.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import python_calamine as calamine

from pmo_xl.io.extent import ZipSheets, sheet_extents
from pmo_xl.io.grid import data_rows, find_header_row, first_blank_row, formula_rows, has_content, row_slice
from pmo_xl.io.null_texts import holds_null_like_text
from pmo_xl.io.outside import outside_register
from pmo_xl.io.package import Package, PackageError, TableDef
from pmo_xl.io.sheet_scan import SheetScan, scan_sheet_xml
from pmo_xl.io.typed_sheet import TypedColumns, read_typed_columns, worth_typed_read
from pmo_xl.issues import Issue, Severity, column_letter
from pmo_xl.raw import ColumnRows, RawTable, RawWorkbook, WorkbookReadError
from pmo_xl.schema.columns import Register, normalise_header

READABLE_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
# The largest grid (rows x columns from A1) calamine is asked to build: ~1 GiB in calamine plus
# 256 MiB of Python lists. A register at Excel's row limit with 32 columns fits; a stray value at
# XFD5000 (82 M cells, 3.2 GB measured) or XFD1048576 (17 billion cells: calamine aborts) does not.
MAX_GRID_CELLS = 1 << 25
MAX_TABLE_COLUMNS = 1024  # a table wider than this is cut to the sheet's last column with content


@dataclass
class _Sheet:
    """A sheet as read once: its grid of values and what the XML scan found."""

    grid: list[list[object]]
    scan: SheetScan | None
    merged: list[tuple[int, int, int, int]]
    typed: TypedColumns | None = None  # a large table read by columns instead (then `grid` is empty)


def read_workbook(path: str | os.PathLike[str], registers: tuple[Register, ...]) -> RawWorkbook:
    """Read every register that can be found; missing ones are simply absent from `tables`."""
    kind = _identify(Path(path))
    if kind == "ooxml":
        return _read_ooxml(str(path), registers)
    return _read_other(str(path), registers)


def _identify(path: Path) -> str:
    """'ooxml' (.xlsx/.xlsm), or 'other' (.xls/.xlsb/.ods) by the file's content, whatever its name."""
    shown = str(path)
    if path.is_symlink() and not path.exists():
        raise WorkbookReadError(f"{shown}: a link to a file that does not exist (or a link loop)")
    if not path.exists():
        raise WorkbookReadError(f"{shown}: no such file")
    if path.is_dir():
        raise WorkbookReadError(f"{shown}: is a folder, not a workbook")
    if not path.is_file():
        raise WorkbookReadError(f"{shown}: not a regular file, not a workbook")
    if path.stat().st_size == 0:
        raise WorkbookReadError(f"{shown}: the file is empty (0 bytes), not a workbook")
    try:
        with open(path, "rb") as handle:
            head = handle.read(1 << 16)
    except OSError as error:
        raise WorkbookReadError(f"{shown}: cannot be opened ({error.strerror or error})") from None
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        # An OLE container is either an old .xls or an encrypted OOXML workbook (its streams say which).
        if _is_encrypted_ole(path):
            raise WorkbookReadError(f"{shown}: the workbook is password-protected; save a copy without a password")
        return "other"
    if head.startswith(b"PK"):
        return _identify_zip(path)
    if b"urn:schemas-microsoft-com:office:spreadsheet" in head:
        raise WorkbookReadError(f"{shown}: an Excel 2003 XML spreadsheet, which pmo-xl cannot read; save it as .xlsx")
    if head.lstrip().lower().startswith((b"<!doctype html", b"<html", b"<table")):
        raise WorkbookReadError(f"{shown}: a web page (HTML) named as a workbook, not an Excel file; save it as .xlsx")
    raise WorkbookReadError(f"{shown}: not an Excel workbook (expected .xlsx, .xlsm, .xls, .xlsb or .ods content)")


def _is_encrypted_ole(path: Path) -> bool:
    """An encrypted OOXML package is an OLE file with an "EncryptedPackage" stream (its name in UTF-16)."""
    name = "EncryptedPackage".encode("utf-16-le")
    tail = b""
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            if name in tail + chunk:
                return True
            tail = chunk[-len(name):]
    return False


def _identify_zip(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise WorkbookReadError(f"{path}: the file is damaged (not a readable zip); ask for it again") from None
    if "xl/workbook.xml" in names:
        return "ooxml"
    if "xl/workbook.bin" in names or "content.xml" in names:
        return "other"  # inflated within the budget by `sheet_extents` before calamine reads it
    raise WorkbookReadError(f"{path}: a zip file, but not an Excel workbook")


# --- .xlsx / .xlsm ------------------------------------------------------------------------------


def _read_ooxml(path: str, registers: tuple[Register, ...]) -> RawWorkbook:
    try:
        package = Package(path)
    except PackageError as error:
        raise WorkbookReadError(f"{path}: {error}") from None
    with package:
        names = [sheet.name for sheet in package.sheets]
        raw = RawWorkbook(path, names, hidden_sheets={s.name for s in package.sheets if s.hidden}, date1904=package.date1904)
        tables = {table.name.casefold(): table for table in package.tables}
        wanted: dict[str, TableDef | str] = {}  # register -> its table, or the sheet to search for headers
        for register in registers:
            table = tables.get(register.table.casefold())
            sheet = table.sheet if table is not None else _find_sheet(names, register.sheet_name)
            if sheet is not None:
                wanted[register.name] = table if table is not None else sheet
        members = {sheet.name: sheet.member for sheet in package.sheets}
        sheets: dict[str, _Sheet | None] = {}
        book = None
        sheet_of = [t.sheet if isinstance(t, TableDef) else t for t in wanted.values()]
        try:
            for register in registers:
                target = wanted.get(register.name)
                if target is None:
                    continue
                sheet = target.sheet if isinstance(target, TableDef) else target
                others = [t for t in package.tables if t.sheet == sheet and t is not target]
                if sheet not in sheets:
                    if book is None:
                        book = _open_calamine(path, package.source)
                    # A table alone on a sheet no other register reads may be read by columns when large (io.typed_sheet)
                    alone = isinstance(target, TableDef) and not others and sheet_of.count(sheet) == 1 and isinstance(package.source, str)
                    sheets[sheet] = _read_sheet(package, book, sheet, members.get(sheet, ""), raw, target if alone else None)  # type: ignore[arg-type]
                found = sheets[sheet]
                if found is None:
                    continue
                if found.typed is not None:
                    raw.tables[register.name] = _typed_register(found, target, raw)  # type: ignore[arg-type]
                    continue
                table = _table_register(found, target, others) if isinstance(target, TableDef) else _header_register(found, sheet, register)
                if table is not None:
                    table.hidden = table.sheet in raw.hidden_sheets
                    table.date1904 = raw.date1904
                    if register.sheet is None:  # its own sheet: say what else it holds (Settings shares one by design)
                        declared = target if isinstance(target, TableDef) else None
                        table.issues.extend(outside_register(found.grid, table, declared, others, {r.table.casefold() for r in registers}))
                    raw.tables[register.name] = table
        except PackageError as error:
            raise WorkbookReadError(f"{path}: {error}") from None
        finally:
            if book is not None:
                book.close()
    return raw


def _open_calamine(path: str, source: object) -> calamine.CalamineWorkbook:
    try:
        if isinstance(source, str):
            return calamine.CalamineWorkbook.from_path(source, load_tables=False)
        source.seek(0)  # type: ignore[attr-defined]  # the in-memory UTF-8 copy of a package with UTF-16 parts
        return calamine.CalamineWorkbook.from_filelike(source, load_tables=False)  # type: ignore[arg-type]
    except calamine.PasswordError:
        raise WorkbookReadError(f"{path}: the workbook is password-protected; save a copy without a password") from None
    except Exception as error:  # calamine raises several types for damaged files
        raise WorkbookReadError(f"{path}: the workbook cannot be read ({_first_line(error)})") from None


def _read_sheet(package: Package, book: calamine.CalamineWorkbook, sheet: str, member: str, raw: RawWorkbook,
                table: TableDef | None = None) -> _Sheet | None:
    """Scan the sheet's XML, refuse it if its grid is too large, else parse its values once.

    `table`: an Excel Table alone on the sheet, which a large sheet may have read by columns (io.typed_sheet:
    fastexcel, ~1.7x faster at a million rows); when that read cannot promise calamine's cells, calamine reads.
    """
    scan = scan_sheet_xml(package.ahead(member)) if package.has(member) else None
    if scan is not None and scan.grid_cells > MAX_GRID_CELLS:
        raw.issues.append(_too_large(sheet, scan.last_row, scan.last_column))
        return None
    if table is not None and worth_typed_read(scan, table, [], raw.date1904):
        null_like = scan is not None and scan.null_like_text or any(holds_null_like_text(package.read(part)) for part in package.shared_strings())
        typed = read_typed_columns(raw.path, table, null_like)
        if typed is not None:
            return _Sheet([], scan, scan.merged if scan is not None else [], typed)
    grid = _parse_values(book, sheet, raw.path)
    if scan is not None:
        for cells, value in ((scan.errors, None), (scan.uncalculated, "")):
            for (row0, col0), text in cells.items():
                if row0 < len(grid) and col0 < len(grid[row0]):
                    grid[row0][col0] = text if value is None else value
    return _Sheet(grid, scan, scan.merged if scan is not None else [])


def _too_large(sheet: str, last_row: int, last_column: int) -> Issue:
    far = f"{column_letter(last_column)}{last_row}"
    return Issue(
        code="sheet-too-large", severity=Severity.ERROR, sheet=sheet, row=last_row, column=column_letter(last_column), field=None, value=far,
        message=f"The sheet {sheet!r} has a value as far as {far}: read from A1 that is {last_row * last_column:,} cells, more than "
        f"any register needs ({MAX_GRID_CELLS:,}), so the sheet was not read — delete the stray cells past the "
        "register (Ctrl+End shows the last one) and save")


def _parse_values(book: calamine.CalamineWorkbook, sheet: str, path: str) -> list[list[object]]:
    """The one parse of a sheet: all rows from A1 (list indexes are Excel row/column numbers minus one).

    Error cells get their error text back ('#N/A', as Excel shows it) and formulas without a
    cached value read as '' (calamine may give 0), so neither passes for a real value.
    """
    try:
        return book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except Exception as error:
        raise WorkbookReadError(f"{path}: sheet {sheet!r} cannot be read ({_first_line(error)})") from None


def _table_register(found: _Sheet, table: TableDef, others: list[TableDef]) -> RawTable:
    grid = found.grid
    first_col0 = table.left
    width = table.right - table.left + 1
    if width > MAX_TABLE_COLUMNS:  # columns past the sheet's last value are empty: not worth a grid
        width = max(1, min(width, max((len(row) for row in grid), default=0) - first_col0))
    data_row0 = table.top + table.header_rows
    end_row0 = table.bottom - table.totals_rows
    if table.header_rows:
        cells = row_slice(grid, table.top, first_col0, width)
        names = table.columns + [""] * (width - len(table.columns))
        headers = [c if c not in ("", None) else name for c, name in zip(cells, names, strict=False)]
    else:
        headers = (table.columns + [""] * width)[:width]
    rows, numbers = data_rows(grid, data_row0, end_row0 + 1, first_col0, width, found.scan)
    result = RawTable(table.sheet, table.name, data_row0, first_col0 + 1, headers, rows, numbers)
    if not table.totals_rows:
        _rows_below(result, grid, end_row0 + 1, first_col0, width, found.scan, others)
    return _with_scan(result, found)


def _typed_register(found: _Sheet, table: TableDef, raw: RawWorkbook) -> RawTable:
    """A table read by columns: alone on its sheet from A1 (io.typed_sheet checked it), so nothing is
    below or beside it, and its header cells are its column names."""
    typed = found.typed
    assert typed is not None
    result = RawTable(table.sheet, table.name, table.top + table.header_rows, table.left + 1, list(table.columns),
                      ColumnRows(typed.columns, typed.factorized), typed.row_numbers)  # type: ignore[arg-type]
    result.hidden = table.sheet in raw.hidden_sheets
    result.date1904 = raw.date1904
    return _with_scan(result, found)


def _rows_below(table: RawTable, grid: list[list[object]], start0: int, col0: int, width: int,
                scan: SheetScan | None, others: list[TableDef]) -> None:
    """Rows typed directly under the table (a paste that did not extend it): read, and flagged."""
    stop0 = start0
    limit = min([t.top for t in others if t.top >= start0 and t.left < col0 + width and t.right >= col0], default=len(grid))
    with_formulas = formula_rows(scan, col0, width)
    while stop0 < min(limit, len(grid)) and (has_content(grid[stop0], col0, width) or stop0 in with_formulas):
        stop0 += 1
    if stop0 == start0:
        return
    rows, numbers = data_rows(grid, start0, stop0, col0, width, scan)
    table.rows.extend(rows)
    table.row_numbers.extend(numbers)
    first, last = numbers[0], numbers[-1]
    where = f"Row {first} is" if first == last else f"Rows {first}-{last} are"
    table.issues.append(Issue(
        code="typed-below-table", severity=Severity.WARNING, sheet=table.sheet, row=first, column=column_letter(col0 + 1), field=None, value=table.table,
        message=f"{where} typed just below the table {table.table}, outside it: they were read, but Excel's filters, sorting and "
        "formulas miss them — extend the table over them (drag its corner handle)"))


def _header_register(found: _Sheet, sheet: str, register: Register) -> RawTable | None:
    grid = found.grid
    found_header = find_header_row(grid, register)
    if found_header is None:
        return None
    header_row0, first_col0, width = found_header
    headers = row_slice(grid, header_row0, first_col0, width)
    # On a sheet of its own a register runs to the last row (blank rows are skipped); on a
    # shared sheet such as Settings it ends at the first blank row, where the next table starts.
    end = len(grid) if register.sheet is None else first_blank_row(grid, header_row0 + 1, first_col0, width)
    rows, numbers = data_rows(grid, header_row0 + 1, end, first_col0, width, found.scan)
    return _with_scan(RawTable(sheet, None, header_row0 + 1, first_col0 + 1, headers, rows, numbers), found)


def _with_scan(table: RawTable, found: _Sheet) -> RawTable:
    """Add what the XML scan and the merged ranges say about the table's cells."""
    width = len(table.headers)
    col0 = table.first_column - 1
    scan = found.scan
    if scan is not None and table.row_numbers and (scan.uncalculated or scan.hidden_rows):
        # Only when there is something to place: a dict of every row costs 0.27 s at a million rows.
        index = {row: i for i, row in enumerate(table.row_numbers)}
        for (row0, cell_col0), formula in scan.uncalculated.items():
            position = cell_col0 - col0
            if row0 + 1 in index and 0 <= position < width:
                table.uncalculated[(index[row0 + 1], position)] = formula
        table.hidden_rows = sorted(row for row in scan.hidden_rows if row in index)
    last_row0 = (table.row_numbers[-1] if table.row_numbers else table.header_row) - 1
    for top, left, bottom, right in found.merged:
        if bottom >= table.header_row - 1 and top <= last_row0 and right >= col0 and left < col0 + width:
            table.merged.append(f"{column_letter(left + 1)}{top + 1}:{column_letter(right + 1)}{bottom + 1}")
    return table


# --- .xls / .xlsb / .ods: no Excel Tables, registers found by sheet and headers ---------------------


def _read_other(path: str, registers: tuple[Register, ...]) -> RawWorkbook:
    """Formats without Excel Tables (or whose tables calamine cannot read): by sheet and headers.

    calamine picks the format from the content (so an .xls renamed .xlsx reads as what it is).
    A zip (.xlsb, .ods) is first inflated within the budget and each sheet's extent found, so a
    sheet too large for a grid is refused with a located issue before calamine sees it.
    """
    try:
        found = sheet_extents(path) if zipfile.is_zipfile(path) else ZipSheets({}, False, False)  # an .xls: no zip
    except PackageError as error:
        raise WorkbookReadError(f"{path}: {error}") from None
    extents = found.extents
    if found.parsed_on_open:  # an .ods: calamine parses every sheet as it opens the file, so one too large stops all
        for sheet, extent in extents.items():
            if extent.grid_cells > MAX_GRID_CELLS:
                far = f"{column_letter(extent.last_column)}{extent.last_row}"
                raise WorkbookReadError(f"{path}: the sheet {sheet!r} has a value as far as {far} ({extent.grid_cells:,} cells "
                                        f"from A1, more than any register needs) and an .ods is read whole, so the workbook "
                                        "was not read — delete the stray cells past the register (Ctrl+End) and save")
    try:
        with open(path, "rb") as handle:
            book = calamine.CalamineWorkbook.from_filelike(handle, load_tables=False)
    except calamine.PasswordError:
        raise WorkbookReadError(f"{path}: the workbook is password-protected; save a copy without a password") from None
    except Exception as error:
        raise WorkbookReadError(f"{path}: the workbook cannot be read ({_first_line(error)})") from None
    try:
        names = list(book.sheet_names)
        hidden = {m.name for m in book.sheets_metadata if m.visible != calamine.SheetVisibleEnum.Visible}
        raw = RawWorkbook(path, names, hidden_sheets=hidden, date1904=found.date1904)
        sheets: dict[str, _Sheet | None] = {}
        for register in registers:
            sheet = _find_sheet(names, register.sheet_name)
            if sheet is None:
                continue
            extent = extents.get(sheet)
            if sheet not in sheets and extent is not None and extent.grid_cells > MAX_GRID_CELLS:
                raw.issues.append(_too_large(sheet, extent.last_row, extent.last_column))
                sheets[sheet] = None
            if sheet not in sheets:
                try:
                    parsed = book.get_sheet_by_name(sheet)
                    grid = parsed.to_python(skip_empty_area=False)
                    merged = [(top, left, bottom, right) for (top, left), (bottom, right) in (parsed.merged_cell_ranges or [])]
                except Exception as error:
                    raise WorkbookReadError(f"{path}: sheet {sheet!r} cannot be read ({_first_line(error)})") from None
                sheets[sheet] = _Sheet(grid, None, merged)
            read = sheets[sheet]
            table = _header_register(read, sheet, register) if read is not None else None
            if table is not None:
                table.hidden = sheet in hidden
                table.date1904 = raw.date1904
                if register.sheet is None:
                    table.issues.extend(outside_register(read.grid, table, None, [], set()))
                raw.tables[register.name] = table
        return raw
    finally:
        book.close()


# --- helpers ---------------------------------------------------------------------------------------


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _find_sheet(names: list[str], name: str) -> str | None:
    wanted = normalise_header(name)
    for sheet in names:
        if normalise_header(sheet) == wanted:
            return sheet
    return None


def scan_sheets(path: str | os.PathLike[str], sheets: set[str]) -> dict[str, SheetScan]:
    """Scan the XML of the named sheets of an .xlsx/.xlsm (for tests and the benchmark); {} for other files."""
    try:
        with Package(path) as package:
            members = {sheet.name: sheet.member for sheet in package.sheets}
            return {name: scan_sheet_xml(package.ahead(members[name])) for name in sheets
                    if package.has(members.get(name, ""))}
    except PackageError:
        return {}
