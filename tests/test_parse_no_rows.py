"""A register with no rows (a new workbook's) is parsed on a short path (`parse/register.py`,
`_frame_of_no_rows`): its frame, issues and layout must be what the rows' path gives.

The rows' path is forced by giving the same table one row: a row of blanks (left out when a
column is required) or a row whose cells are then dropped from the frame. Everything the short
path answers — columns, their order and types, the index, the header issues, the layout — must
match; only the row's own cells may add issues.
"""

from __future__ import annotations

import pandas as pd
import pytest

from pmo_xl.parse.register import parse_register
from pmo_xl.raw import RawTable
from pmo_xl.schema.registers import REGISTERS
from pmo_xl.schema.settings import SETTINGS_TABLES

TABLES = [table for table in (*REGISTERS, *SETTINGS_TABLES) if table.columns]


def _layouts(table):
    """Header rows as a workbook may have them: the template's, reversed, one required and one
    optional column missing, an extra column, a repeated column, a score column (Projects)."""
    headers = [column.header for column in table.columns]
    yield "template", headers
    yield "reversed", headers[::-1]
    required = [c.header for c in table.columns if c.required]
    if required:
        yield "required-missing", [h for h in headers if h != required[0]]
    optional = [c.header for c in table.columns if not c.required]
    if optional:
        yield "optional-missing", [h for h in headers if h != optional[-1]]
    yield "extra-and-repeated", [*headers, "Notes of my own", headers[0].upper(), ""]
    if table.family_prefix:
        yield "scores", [*headers, f"{table.family_prefix}Urgency", f"{table.family_prefix} Cost"]


CASES = [(table, name, headers) for table in TABLES for name, headers in _layouts(table)]


def _raw(table, headers, rows, date1904=False):
    return RawTable(sheet=table.sheet_name, table=table.table, header_row=3, first_column=2, headers=list(headers),
                    rows=rows, row_numbers=[4 + k for k in range(len(rows))], date1904=date1904)


@pytest.mark.parametrize(("keep_rows", "date1904"), [(False, False), (True, False), (True, True)])
@pytest.mark.parametrize(("table", "layout", "headers"), CASES, ids=[f"{t.name}-{n}" for t, n, _ in CASES])
def test_no_rows_parse_as_the_rows_path_would(table, layout, headers, keep_rows, date1904):
    quick = parse_register(_raw(table, headers, [], date1904), table, keep_rows=keep_rows)
    full = parse_register(_raw(table, headers, [[""] * len(headers)], date1904), table, keep_rows=keep_rows)
    pd.testing.assert_frame_equal(quick.frame, full.frame.iloc[:0], check_index_type=True, check_column_type=True)
    assert list(quick.frame.dtypes) == list(full.frame.dtypes)
    assert type(quick.frame.index) is type(full.frame.iloc[:0].index) and quick.frame.index.equals(pd.RangeIndex(0))
    assert quick.frame.columns.dtype == full.frame.columns.dtype
    # the header's issues (the blank row adds its own, at row 4)
    assert quick.issues == [issue for issue in full.issues if issue.row != 4]
    assert (quick.layout, quick.header_row, quick.known_ids, quick.rejected_rows, quick.rejected_ids) == (
        full.layout, full.header_row, set(), [], {})


def test_no_rows_frames_are_not_shared():
    """Each parse gets its own frame: a caller changing one leaves the next parse as it was."""
    table = REGISTERS[0]
    headers = [column.header for column in table.columns]
    first = parse_register(_raw(table, headers, []), table).frame
    first[table.columns[0].field] = pd.Series(dtype=object)
    first["added"] = 1.0
    again = parse_register(_raw(table, headers, []), table).frame
    assert "added" not in again.columns and len(again) == 0
