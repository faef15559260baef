"""Printed pages planned in Python: one print scale per sheet, page breaks between groups.

Every sheet prints on A4 landscape (one paper size for the whole pack). A sheet printed "fit
to one page wide" lets Excel and LibreOffice choose the scale, and then Excel ignores manual
page breaks; so a sheet whose rows fall into groups (programmes, statuses, project pages) gets
an explicit scale here, the one that fits its print width, and its breaks are placed here too,
where every row height is known (XlsxWriter keeps them): a group starts a page when it would
not fit on what is left of the current one, a page is never left holding a spill of a few rows,
and a group longer than a page breaks where the page is full.

LibreOffice is the renderer we test with; its pages hold a little more than the estimate below
(SAFETY), so it never adds a break of its own between ours.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from xlsxwriter.worksheet import Worksheet

A4 = 9
PAGE_WIDTH, PAGE_HEIGHT = 841.9, 595.3  # A4 landscape, points
MARGIN_SIDE, MARGIN_TOP = 0.4, 0.6  # inches (the header and footer sit in the top and bottom margins)
PRINT_WIDTH = PAGE_WIDTH - 2 * MARGIN_SIDE * 72
PRINT_HEIGHT = PAGE_HEIGHT - 2 * MARGIN_TOP * 72
SAFETY = 0.94  # of the page height: row-height rounding in the renderers
# LibreOffice prints a column about 6 % wider than Excel's pixel width (measured on its PDFs,
# Carlito for Calibri); the width is fitted for the wider of the two.
WIDTH_FACTOR = 1.07
MIN_TAIL_ROWS = 4  # fewer rows than this on the last page: shrink the scale a little instead
MAX_SHRINK = 0.85  # ... by at most this factor
MAX_BREAKS = 1023  # Excel's limit on manual page breaks per sheet


def column_points(sheet: Worksheet, first_col: int, last_col: int) -> float:
    """Printed width of columns first..last in points (XlsxWriter stores widths in pixels)."""
    default_px = 64
    total = 0.0
    for col in range(first_col, last_col + 1):
        info = sheet.col_info.get(col)
        total += (info.width if info is not None and info.width is not None else default_px) * 0.75
    return total * WIDTH_FACTOR


def row_points(sheet: Worksheet, row: int) -> float:
    size = sheet.row_sizes.get(row)
    if size is None:
        return sheet.default_row_height * 0.75
    return 0.0 if size[1] else size[0] * 0.75


def scale_to_width(sheet: Worksheet, last_col: int, first_col: int = 0) -> int:
    """The print scale (10-100 %) at which columns first..last fit one A4 landscape page across."""
    width = column_points(sheet, first_col, last_col)
    return max(10, min(100, math.floor(PRINT_WIDTH * 100 / width))) if width else 100


def group_starts(first_row: int, keys: Sequence[object]) -> list[int]:
    """The rows (from `first_row`) where a run of equal `keys` begins: where a page may break between groups."""
    return [first_row + i for i in range(len(keys)) if i == 0 or keys[i] != keys[i - 1]]


def plan_breaks(heights: Sequence[float], scale: int, starts: Iterable[int] = (), repeat_height: float = 0.0,
                first_row: int = 0) -> list[int]:
    """Rows (0-based, of the sheet) before which a page starts, for rows `first_row` onwards.

    `heights`: the points of each row from `first_row`; `starts`: rows where a group begins
    (a break is preferred there); `repeat_height`: points of the print titles repeated on
    every page after the first.
    """
    usable = PRINT_HEIGHT * SAFETY * 100 / scale
    ordered = sorted(set(starts))
    group_end: dict[int, int] = {}  # group start -> its last row (inclusive)
    last = first_row + len(heights) - 1
    for index, start in enumerate(ordered):
        group_end[start] = (ordered[index + 1] - 1) if index + 1 < len(ordered) else last
    breaks: list[int] = []
    used = 0.0
    capacity = usable
    row = first_row
    while row <= last:
        height = heights[row - first_row]
        if row in group_end and used > 0:
            group = sum(heights[row - first_row:group_end[row] - first_row + 1])
            # A group that fits a page starts one; a longer one starts one when only its first few rows
            # (a heading and a header, say) would fit on this page.
            head = sum(heights[row - first_row:min(group_end[row], row + MIN_TAIL_ROWS) - first_row + 1])
            if used + group > capacity and (group <= usable - repeat_height or used + head > capacity):
                breaks.append(row)
                used, capacity = 0.0, usable - repeat_height
        if used + height > capacity and used > 0:
            breaks.append(row)
            used, capacity = 0.0, usable - repeat_height
        used += height
        row += 1
    return breaks


def paginate(sheet: Worksheet, last_row: int, last_col: int, *, starts: Iterable[int] = (), repeat: tuple[int, int] | None = None,
             first_col: int = 0) -> tuple[int, list[int]]:
    """Set the scale and the page breaks of rows 0..last_row; return (scale, breaks).

    The scale fits the width; when the last page would hold only a few rows, a slightly smaller
    scale (down to MAX_SHRINK of it) that takes them onto the page before is used instead.
    """
    heights = [row_points(sheet, r) for r in range(last_row + 1)]
    repeat_height = sum(heights[r] for r in range(repeat[0], repeat[1] + 1)) if repeat else 0.0
    starts = list(starts)
    scale = scale_to_width(sheet, last_col, first_col)
    breaks = plan_breaks(heights, scale, starts, repeat_height)
    for smaller in range(scale - 1, max(10, math.floor(scale * MAX_SHRINK)) - 1, -1):
        if not breaks or last_row + 1 - breaks[-1] >= MIN_TAIL_ROWS:
            break
        fewer = plan_breaks(heights, smaller, starts, repeat_height)
        if len(fewer) < len(breaks):
            scale, breaks = smaller, fewer
            break
    sheet.set_print_scale(scale)
    if breaks:
        sheet.set_h_pagebreaks(breaks[:MAX_BREAKS])
    return scale, breaks
