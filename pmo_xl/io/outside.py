"""What a register's sheet holds that no register reads: a second table, cells beside or below the register.

Reading takes a register's table (or, without a table, its header block) and the rows typed just
below it; anything else on the sheet would be lost without a word. Each kind of leftover gets one
located warning at its first cell, saying how much was left out and where, so a PMO who pasted
notes beside the table or a second list under it knows those cells were not read.
Rows above the register (a title, instructions) are not reported: a sheet may carry them by design.

Pure functions over the grid of values calamine returns (rows from A1, lists indexed from 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from pmo_xl.io.package import TableDef
from pmo_xl.issues import Issue, Severity, column_letter

Bounds = tuple[int, int, int, int]  # 0-based top, left, bottom, right (inclusive)


class ReadRegister(Protocol):
    """What is needed of a register as read (a RawTable)."""

    sheet: str
    table: str | None
    header_row: int
    first_column: int
    headers: list[object]
    row_numbers: list[int]


def outside_register(grid: list[list[object]], found: ReadRegister, declared: TableDef | None, others: Sequence[TableDef],
             read: set[str]) -> list[Issue]:
    """Warnings for what the sheet holds outside the register `found` (header to the last row read).

    `declared` is its Excel Table (None when found by its headers); `others` the sheet's other
    Excel Tables; `read` the casefolded names of those a register reads (they are not left out).
    """
    last = (found.row_numbers[-1] if found.row_numbers else found.header_row) - 1
    if declared is not None:
        area = (declared.top, declared.left, max(declared.bottom, last), declared.right)
        what = f"the table {declared.name}"
    else:
        left = found.first_column - 1  # found by its headers on its own sheet, it runs to the sheet's last row
        area = (found.header_row - 1, left, max(found.header_row - 1, len(grid) - 1), left + len(found.headers) - 1)
        what = f"the register found by its headers in row {found.header_row}"
    return _outside_register(grid, found.sheet, what, area, others, read)


def _outside_register(grid: list[list[object]], sheet: str, what: str, area: Bounds, others: Sequence[TableDef],
              read: set[str]) -> list[Issue]:
    issues: list[Issue] = []
    first = min([(t.top, t.left) for t in others if t.name.casefold() in read] + [area[:2]])
    if first == area[:2]:  # with two registers on one sheet, the first one names the other tables, once
        issues += [_second_table(sheet, what, table) for table in others if table.name.casefold() not in read]
    covered = [area, *((t.top, t.left, t.bottom, t.right) for t in others)]
    top, left, bottom, right = area
    rows = grid[top:bottom + 1]
    wide = max(map(len, rows), default=0) > right + 1  # calamine's rows all span the sheet's used columns
    beside = _cells(grid, range(top, min(bottom + 1, len(grid))), left, right, covered) if left > 0 or wide else []
    if beside:
        issues.append(_outside(sheet, what, beside, "beside", "add them to the table as a column, or move them to another sheet"))
    below = _cells(grid, range(bottom + 1, len(grid)), 0, -1, covered)
    if below:
        issues.append(_outside(sheet, what, below, "below", "move them into the table, or to another sheet"))
    return issues


def _second_table(sheet: str, what: str, table: TableDef) -> Issue:
    ref = f"{column_letter(table.left + 1)}{table.top + 1}:{column_letter(table.right + 1)}{table.bottom + 1}"
    return Issue(code="second-table", severity=Severity.WARNING, sheet=sheet, row=table.top + 1, column=column_letter(table.left + 1),
                 field=None, value=table.name,
                 message=f"The sheet {sheet!r} also holds the table {table.name} ({ref}), which is not part of {what}: "
                 "it was not read — move it to a sheet of its own")


def _outside(sheet: str, what: str, cells: list[tuple[int, int]], where: str, fix: str) -> Issue:
    row0, col0 = cells[0]
    first, last = cells[0][0] + 1, max(r for r, _ in cells) + 1
    rows = f"row {first}" if first == last else f"rows {first}-{last}"
    count = f"{len(cells):,} cell{'s' if len(cells) > 1 else ''}"
    return Issue(code="outside-table", severity=Severity.WARNING, sheet=sheet, row=row0 + 1, column=column_letter(col0 + 1), field=None,
                 value=None, message=f"{count} with values {where} {what}, outside it ({rows}, from "
                 f"{column_letter(col0 + 1)}{row0 + 1}), were not read — {fix}")


def _cells(grid: list[list[object]], rows: range, left: int, right: int, covered: list[Bounds]) -> list[tuple[int, int]]:
    """(row0, col0) of every non-blank cell in `rows` outside the columns left..right (right < left: every column)
    and outside every `covered` range. Rows whose outside cells are all blank cost one C-level count each."""
    found: list[tuple[int, int]] = []
    for row0 in rows:
        row = grid[row0]
        if right < left:
            pieces = [(0, row)]
        else:
            pieces = [(0, row[:left]), (right + 1, row[right + 1:])]
        for start, cells in pieces:
            if not cells or cells.count("") + cells.count(None) == len(cells):
                continue
            for offset, value in enumerate(cells):
                col0 = start + offset
                if value not in ("", None) and not any(t <= row0 <= b and lo <= col0 <= hi for t, lo, b, hi in covered):
                    found.append((row0, col0))
    return found
