"""Parse a raw register table into a typed DataFrame plus located issues.

Columns are matched by header text (case and spacing ignored, declared aliases accepted), so
moved and extra columns do not matter. Rows with an error are left out of the frame and listed
as rejected; warnings keep the row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pmo_xl.io.read_workbook import RawTable
from pmo_xl.issues import Issue, Severity, column_letter
from pmo_xl.model import ROW, SCORE_PREFIX
from pmo_xl.parse.cells import CellProblem, convert_column
from pmo_xl.schema.columns import Column, Kind, Register, normalise_header

ESSENTIAL_REGISTERS = ("Projects",)


@dataclass
class ParsedRegister:
    frame: pd.DataFrame
    issues: list[Issue]
    rejected_rows: list[int]
    layout: dict[str, str] = field(default_factory=dict)  # field -> column letter in this workbook
    known_ids: set[str] = field(default_factory=set)  # every ID typed, rejected rows included


def empty_frame(register: Register) -> pd.DataFrame:
    data: dict[str, pd.Series] = {}
    for column in register.columns:
        data[column.field] = pd.Series(dtype=_dtype(column))
    data[ROW] = pd.Series(dtype="int64")
    return pd.DataFrame(data)


def _dtype(column: Column) -> str:
    if column.kind in (Kind.DATE, Kind.MONTH):
        return "datetime64[ns]"
    if column.kind in (Kind.TEXT, Kind.ID, Kind.CHOICE):
        return "object"
    return "float64"


def parse_register(raw: RawTable | None, register: Register) -> ParsedRegister:
    if raw is None:
        severity = Severity.ERROR if register.name in ESSENTIAL_REGISTERS else Severity.WARNING
        issue = Issue(
            "missing-register", severity, register.sheet_name, None, None, None, register.table,
            f"No {register.name} register found (no table {register.table} and no sheet {register.sheet_name!r} "
            "with its headers) — add it from the template",
        )
        return ParsedRegister(empty_frame(register), [issue], [])

    issues: list[Issue] = []
    mapping = _map_headers(raw, register, issues)
    missing_required = [c for c in register.columns if c.required and c.field not in mapping]
    for column in missing_required:
        issues.append(Issue(
            "missing-column", Severity.ERROR, raw.sheet, raw.header_row, None, column.header, None,
            f"The required column {column.header!r} is missing from {register.name} — add it back from the template",
        ))

    grid = pd.DataFrame(raw.rows, dtype=object) if raw.rows else pd.DataFrame()
    numbers = np.asarray(raw.row_numbers, dtype="int64")
    error_rows = np.zeros(len(numbers), dtype=bool)
    data: dict[str, pd.Series] = {}
    for field_name, (position, column, header_text) in mapping.items():
        cells = grid[position] if position in grid.columns else pd.Series([""] * len(numbers), dtype=object)
        converted = convert_column(cells, column)
        data[field_name] = converted.values.reset_index(drop=True)
        letter = column_letter(raw.first_column + position)
        for problem in converted.problems:
            issues.extend(_issues_for(problem, raw.sheet, numbers, letter, header_text, cells))
            if problem.severity == Severity.ERROR:
                error_rows[problem.positions] = True
    for column in register.columns:
        if column.field not in data:
            data[column.field] = pd.Series([None] * len(numbers) if _dtype(column) == "object" else np.nan, index=range(len(numbers)), dtype=_dtype(column)) if len(numbers) else pd.Series(dtype=_dtype(column))
    frame = pd.DataFrame(data, index=range(len(numbers)))
    frame[ROW] = numbers
    if missing_required:
        error_rows[:] = True
    rejected = numbers[error_rows].tolist()
    layout = {name: column_letter(raw.first_column + position) for name, (position, _, _) in mapping.items()}
    known: set[str] = set()
    if len(register.key) == 1 and register.key[0] in frame.columns:
        known = set(frame[register.key[0]].dropna())
    frame = frame.loc[~error_rows].reset_index(drop=True)
    return ParsedRegister(frame, issues, rejected, layout, known)


def _map_headers(raw: RawTable, register: Register, issues: list[Issue]) -> dict[str, tuple[int, Column, str]]:
    """field -> (position in the raw row, its Column, the header text as typed)."""
    by_key = {key: column for column in register.columns for key in column.header_keys()}
    prefix = normalise_header(register.family_prefix) if register.family_prefix else None
    mapping: dict[str, tuple[int, Column, str]] = {}
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
                "extra-column", Severity.INFO, raw.sheet, raw.header_row, letter, str(header), header,
                f"Column {header!r} is not part of the {register.name} register; it is kept in the workbook and ignored",
            ))
            continue
        if column.field in mapping:
            issues.append(Issue(
                "duplicate-column", Severity.ERROR, raw.sheet, raw.header_row, letter, str(header), header,
                f"Column {header!r} appears twice in {register.name}; the first one is used — delete or rename this one",
            ))
            continue
        mapping[column.field] = (position, column, str(header).strip())
    return mapping


def _issues_for(problem: CellProblem, sheet: str, numbers: np.ndarray, letter: str, header: str, cells: pd.Series) -> list[Issue]:
    found = []
    for position in problem.positions.tolist():
        value = cells.iloc[position]
        found.append(Issue(
            problem.code, problem.severity, sheet, int(numbers[position]), letter, header, value,
            problem.message.format(value=_show(value)),
        ))
    return found


def _show(value: object) -> str:
    if isinstance(value, str):
        return repr(value.strip()) if value.strip() else "blank"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[union-attr]
    return str(value)
