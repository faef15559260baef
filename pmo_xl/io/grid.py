"""Finding a register in a sheet's grid of values (rows from A1): its header row, its data rows.

Pure functions over the lists calamine returns, shared by every format the reader accepts.
"""

from __future__ import annotations

from itertools import compress, repeat

import numpy as np

from pmo_xl.io.sheet_scan import SheetScan
from pmo_xl.schema.columns import Register, normalise_header

HEADER_SCAN_ROWS = 30  # how far down a sheet we look for a header row when there is no table


def row_slice(grid: list[list[object]], row0: int, col0: int, width: int) -> list[object]:
    if row0 < 0 or row0 >= len(grid):
        return [""] * width
    row = grid[row0][col0 : col0 + width]
    return row + [""] * (width - len(row))


def has_content(row: list[object], col0: int, width: int) -> bool:
    cells = row[col0 : col0 + width]
    return cells.count("") + cells.count(None) < len(cells)


def formula_rows(scan: SheetScan | None, col0: int, width: int) -> set[int]:
    """Rows whose only content may be an uncalculated formula: they read as blank but are not empty."""
    return {row0 for row0, c0 in scan.uncalculated if col0 <= c0 < col0 + width} if scan else set()


def data_rows(
    grid: list[list[object]], start0: int, stop0: int, col0: int, width: int, scan: SheetScan | None = None
) -> tuple[list[list[object]], list[int]]:
    rows_with_formulas = formula_rows(scan, col0, width)
    stop0 = min(stop0, len(grid))
    block = grid[start0:stop0]
    if block and col0 == 0 and not rows_with_formulas and _all_of_width(block, width):
        # The usual register: a table that fills its sheet's rows exactly, so no copy per row. calamine
        # gives '' for every empty cell (never None), so a row is blank when it counts `width` of them:
        # one C-level map over the rows, ~2x the loop below at a million rows.
        empty = np.fromiter(map(list.count, block, repeat("")), dtype=np.int64, count=len(block))
        keep = empty < width
        if keep.all():  # no blank row: the slice and a range are the answer, nothing to filter
            return block, list(range(start0 + 1, stop0 + 1))
        keep_list = keep.tolist()
        return list(compress(block, keep_list)), list(compress(range(start0 + 1, stop0 + 1), keep_list))
    rows: list[list[object]] = []
    numbers: list[int] = []
    for row0 in range(start0, stop0):
        row = grid[row0]
        cells = row if col0 == 0 and len(row) == width else row[col0 : col0 + width]
        # list.count runs in C: ~10x a generator over the cells, which matters at a million rows.
        if cells.count("") + cells.count(None) < len(cells) or row0 in rows_with_formulas:
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            rows.append(cells)
            numbers.append(row0 + 1)
    return rows, numbers


def _all_of_width(block: list[list[object]], width: int) -> bool:
    """Every row exactly `width` cells long (one pass over the lengths, in C)."""
    lengths = np.fromiter(map(len, block), dtype=np.int64, count=len(block))
    return bool((lengths == width).all())


def find_header_row(grid: list[list[object]], register: Register) -> tuple[int, int, int] | None:
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


def first_blank_row(grid: list[list[object]], start0: int, col0: int, width: int) -> int:
    for row0 in range(start0, len(grid)):
        if all(c == "" or c is None for c in grid[row0][col0 : col0 + width]):
            return row0
    return len(grid)



