"""Parse a raw register table into a typed DataFrame plus located issues.

Columns are matched by header text (case and spacing ignored, declared aliases accepted), so
moved and extra columns do not matter, and every issue names the column letter of the workbook
actually read. Rows with an error are left out of the frame and listed as rejected; warnings
keep the row.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from operator import itemgetter

import numpy as np
import pandas as pd

from pmo_xl.issues import Issue, Severity, column_letter
from pmo_xl.model import ROW, SCORE_PREFIX
from pmo_xl.parse.cells import CellProblem, ConvertedColumn, convert_column, show_value
from pmo_xl.raw import ColumnRows, RawTable
from pmo_xl.schema.columns import Column, Kind, Register, normalise_header

ESSENTIAL_REGISTERS = ("Projects",)


@dataclass
class ParsedRegister:
    """One register after parsing: the clean frame and everything found on the way."""

    frame: pd.DataFrame
    issues: list[Issue]
    rejected_rows: list[int]
    layout: dict[str, str] = field(default_factory=dict)  # field -> column letter in this workbook
    known_ids: set[str] = field(default_factory=set)  # every ID typed, rejected rows included
    header_row: int | None = None  # 1-based Excel row of the header, where column issues point
    rejected_ids: dict[int, str] = field(default_factory=dict)  # Excel row -> the ID typed in a rejected row


def empty_frame(register: Register) -> pd.DataFrame:
    """The typed frame of a register with no rows (the register is absent or empty)."""
    data: dict[str, pd.Series] = {column.field: pd.Series(dtype=_dtype(column)) for column in register.columns}
    data[ROW] = pd.Series(dtype="int64")
    return pd.DataFrame(data)


def records_frame(register: Register, records: list[dict[str, object]], rows: list[int]) -> pd.DataFrame:
    """The typed frame of a register from plain values already parsed (dates as `datetime.date`,
    blanks as None), one record per row, `rows` their Excel rows: the frame `parse_register`
    would have made of them (collect checks a PM update's rows as the portfolio's own)."""
    data: dict[str, pd.Series] = {}
    for column in register.columns:
        values = [record.get(column.field) for record in records]
        kind = _dtype(column)
        if kind == "datetime64[ns]":
            data[column.field] = pd.to_datetime(pd.Series(values, dtype=object)).astype(kind)
        elif kind == "float64":
            data[column.field] = pd.Series([np.nan if v is None else v for v in values], dtype=kind)
        else:
            data[column.field] = pd.Series(values, dtype=kind)
    data[ROW] = pd.Series(rows, dtype="int64")
    return pd.DataFrame(data, index=range(len(records)))


def _dtype(column: Column) -> str:
    if column.kind in (Kind.DATE, Kind.MONTH):
        return "datetime64[ns]"
    if column.kind in (Kind.TEXT, Kind.ID, Kind.CHOICE):
        return "object"
    return "float64"


def parse_register(raw: RawTable | None, register: Register, keep_rows: bool = False) -> ParsedRegister:
    """Typed frame, issues and rejected rows of one register (an absent register is an issue).

    `keep_rows`: a cell in an *optional* column (not required, not part of the key) that cannot
    be read is blanked with a warning at its cell and its row stays, so one mistyped milestone
    forecast does not take the milestone out of the counts; only a bad key or required cell
    leaves a row out. (Collect keeps errors as errors: a PM's update is refused cell by cell.)
    """
    if raw is None and register.optional:
        return ParsedRegister(empty_frame(register), [], [])
    if raw is None:
        severity = Severity.ERROR if register.name in ESSENTIAL_REGISTERS else Severity.WARNING
        issue = Issue(
            code="missing-register", severity=severity, sheet=register.sheet_name, row=None, column=None, field=None, value=register.table,
            message=f"No {register.name} register found (no table {register.table} and no sheet {register.sheet_name!r} "
            "with its headers) — add it from the template",
        )
        return ParsedRegister(empty_frame(register), [issue], [])

    issues: list[Issue] = _layout_issues(raw, register)
    mapping = _map_headers(raw, register, issues)
    missing_required = [c for c in register.columns if c.required and c.field not in mapping]
    for column in missing_required:
        issues.append(Issue(
            code="missing-column", severity=Severity.ERROR, sheet=raw.sheet, row=raw.header_row, column=None, field=column.header, value=None,
            message=f"The required column {column.header!r} is missing from {register.name} — add it back from the template",
        ))

    numbers = np.asarray(raw.row_numbers, dtype="int64")
    count = len(numbers)
    error_rows = np.zeros(count, dtype=bool)
    uncalculated = getattr(raw, "uncalculated", {}) or {}
    layout = {name: column_letter(raw.first_column + position) for name, (position, _, _) in mapping.items()}
    if count == 0 and not uncalculated:  # a new workbook's register: no cell to convert, no row to leave out
        return ParsedRegister(_frame_of_no_rows(register, mapping, numbers), issues, [], layout, set(), raw.header_row)
    data: dict[str, pd.Series] = {}
    by_column = raw.rows if isinstance(raw.rows, ColumnRows) else None  # a large register read by columns
    shortest = min(map(len, raw.rows)) if count and by_column is None else 0
    for field_name, (position, column, header_text) in mapping.items():
        # a column read by columns is taken as it is: converting never writes to its cells (tests/test_parse_columns.py
        # parses read-only columns), so the table's own cells stay as read without a copy (0.1 s at a million rows)
        cells = by_column.columns[position] if by_column is not None else column_cells(raw.rows, position, count, shortest)
        formulas = {row: text for (row, col), text in uncalculated.items() if col == position}
        converted = convert_column(cells, column, formulas, date1904=getattr(raw, "date1904", False),
                                   factorized=by_column.factorized[position] if by_column is not None else None)
        if keep_rows and not (column.required or column.field in register.key):
            converted = blank_unreadable(converted)
        data[field_name] = converted.values
        letter = column_letter(raw.first_column + position)
        for problem in converted.problems:
            issues.extend(_issues_for(problem, raw.sheet, numbers, letter, header_text, cells, formulas))
            if problem.severity == Severity.ERROR:
                error_rows[problem.positions] = True
    for column in register.columns:
        if column.field not in data:
            data[column.field] = pd.Series([None] * count if _dtype(column) == "object" else np.nan,
                                           index=range(count), dtype=_dtype(column))
    frame = pd.DataFrame(data, index=range(count))
    frame[ROW] = numbers
    if missing_required:
        error_rows[:] = True
    known: set[str] = set()
    rejected_ids: dict[int, str] = {}
    if len(register.key) == 1 and register.key[0] in frame.columns:
        known = set(frame[register.key[0]].dropna())
        ids = frame.loc[error_rows, register.key[0]]
        rejected_ids = {int(row): str(key) for row, key in zip(numbers[error_rows].tolist(), ids.tolist(), strict=True) if key}
    frame = frame.loc[~error_rows].reset_index(drop=True)
    return ParsedRegister(frame, issues, numbers[error_rows].tolist(), layout, known, raw.header_row, rejected_ids=rejected_ids)


def _frame_of_no_rows(register: Register, mapping: dict[str, tuple[int, Column, str]], numbers: np.ndarray) -> pd.DataFrame:
    """The frame the rows' path of `parse_register` makes of no rows (same columns, order and types:
    an empty column converts to its kind's type, `_dtype`), built from empty arrays: a new workbook's
    ~24 empty registers made from empty Series took ~40 ms of a blank workbook's `validate`, this
    ~5 ms (tests/test_parse_no_rows.py compares the two)."""
    arrays = {name: np.empty(0, dtype=_dtype(column)) for name, (_, column, _) in mapping.items()}
    for column in register.columns:
        if column.field not in arrays:
            arrays[column.field] = np.empty(0, dtype=_dtype(column))
    arrays[ROW] = numbers
    return pd.DataFrame(arrays, index=range(0))


BLANKED = " — it is read as blank and the row is kept"


def blank_unreadable(converted: ConvertedColumn) -> ConvertedColumn:
    """An optional column's unreadable cells as blanks: each error becomes a warning that says so."""
    problems: list[CellProblem] = []
    values = converted.values
    for problem in converted.problems:
        if problem.severity != Severity.ERROR:
            problems.append(problem)
            continue
        if values is converted.values:
            values = values.copy()
        values.iloc[problem.positions] = None  # NaN, NaT or None, as the column's type has it
        problems.append(dataclasses.replace(problem, severity=Severity.WARNING, message=problem.message + BLANKED))
    return ConvertedColumn(values, problems)


def column_cells(rows: list[list[object]], position: int, count: int, shortest: int) -> np.ndarray:
    """One column of raw cells as an object array, in one C-level pass over the rows."""
    if count == 0:
        return np.empty(0, dtype=object)
    if shortest > position:
        return np.fromiter(map(itemgetter(position), rows), dtype=object, count=count)
    return np.array([row[position] if position < len(row) else "" for row in rows] + [None], dtype=object)[:-1]


def _layout_issues(raw: RawTable, register: Register) -> list[Issue]:
    """How the register sits in the workbook: hidden sheet or rows, merged cells, a lost table."""
    issues: list[Issue] = list(getattr(raw, "issues", []) or [])  # what reading found (rows typed below the table)
    if raw.table is None and register.sheet is None:
        issues.append(Issue(
            code="no-table", severity=Severity.INFO, sheet=raw.sheet, row=raw.header_row, column=column_letter(raw.first_column), field=None, value=register.table,
            message=f"{register.name} is not an Excel Table named {register.table}; it was found by its headers in row "
            f"{raw.header_row} — recreate the table (or rename it) so new rows are picked up reliably",
        ))
    if raw.hidden:
        issues.append(Issue(code="hidden-sheet", severity=Severity.INFO, sheet=raw.sheet, row=None, column=None, field=None, value=None,
                            message=f"The sheet {raw.sheet!r} is hidden; its {register.name} rows are read like any others"))
    for first, last in _runs(sorted(getattr(raw, "hidden_rows", []) or [])):
        rows = f"Row {first} is" if first == last else f"Rows {first}-{last} are"
        issues.append(Issue(code="hidden-rows", severity=Severity.INFO, sheet=raw.sheet, row=first, column=column_letter(raw.first_column), field=None, value=None,
                            message=f"{rows} hidden; hidden rows are read like any others — unhide them so everyone sees them"))
    for merged in getattr(raw, "merged", []) or []:
        top_left = merged.split(":")[0]
        letters = "".join(ch for ch in top_left if ch.isalpha())
        row = int("".join(ch for ch in top_left if ch.isdigit()))
        issues.append(Issue(code="merged-cells", severity=Severity.WARNING, sheet=raw.sheet, row=row, column=letters, field=None, value=merged,
                            message=f"Cells {merged} are merged: only {top_left} keeps a value and the others read as blank — unmerge them"))
    return issues


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and row == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


def _map_headers(raw: RawTable, register: Register, issues: list[Issue]) -> dict[str, tuple[int, Column, str]]:
    """field -> (position in the raw row, its Column, the header text as typed)."""
    by_key = {key: column for column in register.columns for key in column.header_keys()}
    prefix = normalise_header(register.family_prefix) if register.family_prefix else None
    mapping: dict[str, tuple[int, Column, str]] = {}
    fields_by_key: dict[str, str] = {}  # fields as Excel tells names apart (case, spacing) -> the field mapped
    for position, header in enumerate(raw.headers):
        key = normalise_header(header)
        if not key:
            continue
        letter = column_letter(raw.first_column + position)
        column = by_key.get(key)
        if column is None and prefix and key.startswith(prefix.rstrip()):
            criterion = str(header).split(":", 1)[1].strip() if ":" in str(header) else str(header)[len(prefix):].strip()
            column = Column(
                SCORE_PREFIX + criterion, str(header).strip(), register.family_kind or Kind.NUMBER,
                register.family_meaning,
                minimum=register.family_range[0] if register.family_range else None,
                maximum=register.family_range[1] if register.family_range else None,
            )
        if column is None:
            issues.append(Issue(
                code="extra-column", severity=Severity.INFO, sheet=raw.sheet, row=raw.header_row, column=letter, field=str(header), value=header,
                message=f"Column {header!r} is not part of the {register.name} register; it is kept in the workbook and ignored",
            ))
            continue
        same = fields_by_key.get(normalise_header(column.field))  # 'Score: Cost' and 'Score: cost' are one column
        if same is not None:
            first = column_letter(raw.first_column + mapping[same][0])
            issues.append(Issue(
                code="duplicate-column", severity=Severity.ERROR, sheet=raw.sheet, row=raw.header_row, column=letter, field=str(header), value=header,
                message=f"Column {header!r} appears twice in {register.name}; column {first} is used and this one is ignored — "
                "delete or rename one of them",
            ))
            continue
        mapping[column.field] = (position, column, str(header).strip())
        fields_by_key[normalise_header(column.field)] = column.field
    return mapping


def _issues_for(problem: CellProblem, sheet: str, numbers: np.ndarray, letter: str, header: str,
                cells: np.ndarray, formulas: dict[int, str]) -> list[Issue]:
    found = []
    for position in problem.positions.tolist():
        value = formulas.get(position, cells[position])
        found.append(Issue(
            code=problem.code, severity=problem.severity, sheet=sheet, row=int(numbers[position]), column=letter, field=header, value=value,
            message=problem.message.replace("{value}", show_value(value)),
        ))
    return found
