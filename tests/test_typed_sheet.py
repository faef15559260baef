"""A large register read by columns (io.typed_sheet) gives exactly what calamine's grid gives.

Each workbook is loaded twice: as it is (small, so calamine's grid) and with the typed read's size
threshold at 0; the raw table, the parsed registers and every located issue must be the same, and
the typed read must have been taken where it can promise that, and refused where it cannot.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from streamed_xlsx import Raw, write_streamed_workbook
from test_hostile_values import HEADERS as PROJECT_HEADERS
from test_hostile_values import _rows as hostile_project_rows

import pmo_xl.io.read_workbook as reader
from pmo_xl.io import typed_sheet
from pmo_xl.raw import ColumnRows
from pmo_xl.schema.registers import ALLOCATIONS, PROJECTS
from pmo_xl.usecases import ALL_TABLES, load_portfolio

HEADERS = [c.header for c in ALLOCATIONS.columns]
START, HOURS = HEADERS.index("Start"), HEADERS.index("Effort (hours)")


def _allocations(count: int = 60) -> list[list[object]]:
    first = dt.date(2026, 1, 5)
    return [[f"PRJ-{i % 7:04d}", f"RES-{i % 11:04d}", "Developer", first + dt.timedelta(days=i),
             first + dt.timedelta(days=i + 30), float(8 * (i % 9 + 1)), None, ("Flat", "Bell")[i % 2],
             ("Committed", "Proposed", "Draft")[i % 3], float(i) if i % 4 == 0 else None] for i in range(count)]


def _with(rows: list[list[object]], row: int, column: int, value: object) -> list[list[object]]:
    rows[row][column] = value
    return rows


def _filled(rows: list[list[object]]) -> list[list[object]]:
    """Every row's actual hours given (the only number column with empty cells)."""
    for row in rows:
        row[-1] = row[-1] if row[-1] is not None else 0.0
    return rows


def _blank_row(rows: list[list[object]], row: int) -> list[list[object]]:
    rows[row] = [None] * len(rows[row])
    return rows


# (case, rows, whether the typed read can take it)
CASES = [
    ("uniform columns", _allocations(), True),
    ("a blank row inside the table", _blank_row(_allocations(), 10), True),
    ("spaces in a text cell", _with(_allocations(), 3, 2, "  "), True),
    ("hours typed as text among numbers", _with(_allocations(), 20, HOURS, "1,500"), False),
    ("a number among IDs", _with(_allocations(), 5, 0, 1001.0), False),
    ("a date with a time of day", _with(_allocations(), 7, START, Raw('<c r="{ref}" s="1"><v>46000.5</v></c>')), False),
    ("a time where a date goes", _with(_allocations(), 7, START, Raw('<c r="{ref}" s="1"><v>0.25</v></c>')), False),
    ("an error cell", _with(_allocations(), 9, HOURS, Raw('<c r="{ref}" t="e"><v>#N/A</v></c>')), False),
    ("a formula never calculated", _with(_allocations(), 9, HOURS, Raw('<c r="{ref}"><f>1+1</f></c>')), False),
    ("an ISO date cell", _with(_allocations(), 4, START, Raw('<c r="{ref}" t="d"><v>2026-02-03T00:00:00</v></c>')), False),
    ("a boolean among numbers", _with(_allocations(), 2, HOURS, True), False),
    ("a value beside the table", _with(_allocations(), 12, len(HEADERS) - 1, Raw('<c r="{ref}"><v>4</v></c><c r="M14"><v>7</v></c>')), False),
    # fastexcel types a text such as "N/A" as no value: in a number or date column it would read as empty
    ("'N/A' typed in the hours", _with(_allocations(), 20, HOURS, "N/A"), False),
    ("'NA' typed in a start date", _with(_allocations(), 8, START, "NA"), False),
    ("'nan' as an inline string in the hours", _with(_allocations(), 3, HOURS, Raw('<c r="{ref}" t="inlineStr"><is><t>nan</t></is></c>')), False),
    ("'None' as a formula's text in the hours", _with(_allocations(), 3, HOURS, Raw('<c r="{ref}" t="str"><f>"None"</f><v>None</v></c>')), False),
    ("'N/A' in a text column, empty number cells", _with(_allocations(), 5, 2, "N/A"), False),
    ("'N/A' in a text column, every number cell filled", _with(_filled(_allocations()), 5, 2, "N/A"), True),
]


@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each typed read returned columns (records the calls the reader makes)."""
    calls: list[bool] = []
    real = reader.read_typed_columns

    def recorded(path: str, table: object, *more: object) -> object:
        result = real(path, table, *more)  # type: ignore[arg-type]
        calls.append(result is not None)
        return result

    monkeypatch.setattr(reader, "read_typed_columns", recorded)
    return calls


def _both_ways(path, monkeypatch: pytest.MonkeyPatch):
    grid = (reader.read_workbook(path, ALL_TABLES), load_portfolio(path))
    monkeypatch.setattr(typed_sheet, "MIN_CELLS", 0)
    typed = (reader.read_workbook(path, ALL_TABLES), load_portfolio(path))
    monkeypatch.undo()
    return grid, typed


def _assert_same(grid, typed, register: str) -> None:
    (raw_grid, loaded_grid), (raw_typed, loaded_typed) = grid, typed
    a, b = raw_grid.tables[register], raw_typed.tables[register]
    assert (b.sheet, b.table, b.header_row, b.first_column, b.headers) == (a.sheet, a.table, a.header_row, a.first_column, a.headers)
    assert [[repr(v) for v in row] for row in b.rows] == [[repr(v) for v in row] for row in a.rows]  # values and types (NaN too)
    assert (b.row_numbers, b.uncalculated, b.hidden_rows, b.merged, b.issues) == (a.row_numbers, a.uncalculated, a.hidden_rows, a.merged, a.issues)
    assert raw_typed.issues == raw_grid.issues
    assert repr(loaded_typed.issues) == repr(loaded_grid.issues)  # repr: an issue's value may be NaN
    assert (loaded_typed.rejected, loaded_typed.known_ids, loaded_typed.layout) == (loaded_grid.rejected, loaded_grid.known_ids, loaded_grid.layout)
    for name, frame in loaded_grid.registers.items():
        pd.testing.assert_frame_equal(loaded_typed.registers[name], frame)


@pytest.mark.parametrize(("case", "rows", "typed"), CASES, ids=[c[0] for c in CASES])
def test_a_register_read_by_columns_is_the_grid_cell_for_cell(tmp_path, monkeypatch, taken, case, rows, typed):
    path = write_streamed_workbook(tmp_path / "allocations.xlsx", "Allocations", HEADERS, rows, table=ALLOCATIONS.table)
    grid, by_columns = _both_ways(path, monkeypatch)
    _assert_same(grid, by_columns, "Allocations")
    assert isinstance(by_columns[0].tables["Allocations"].rows, ColumnRows) is typed
    assert any(taken) is typed


def test_the_hostile_values_read_the_same_by_columns(tmp_path, monkeypatch, taken):
    path = write_streamed_workbook(tmp_path / "values.xlsx", "Projects", PROJECT_HEADERS, hostile_project_rows(), table=PROJECTS.table)
    grid, by_columns = _both_ways(path, monkeypatch)
    _assert_same(grid, by_columns, "Projects")
    assert taken and not any(taken)  # INF and NaN stored as numbers, text among numbers: strict typing refuses the sheet


def test_a_small_sheet_keeps_calamines_grid(tmp_path, taken):
    path = write_streamed_workbook(tmp_path / "allocations.xlsx", "Allocations", HEADERS, _allocations(), table=ALLOCATIONS.table)
    raw = reader.read_workbook(path, ALL_TABLES)
    assert not isinstance(raw.tables["Allocations"].rows, ColumnRows)
    assert taken == []  # below MIN_CELLS fastexcel is not even asked


def test_rows_read_by_columns_serve_every_reader_of_rows(tmp_path, monkeypatch):
    """Whoever reads `RawTable.rows` (collect carries them, the Excel port copies them) gets the grid's rows."""
    from pmo_xl.collect.portfolio import portfolio_rows

    path = write_streamed_workbook(tmp_path / "allocations.xlsx", "Allocations", HEADERS, _blank_row(_allocations(), 4),
                                   table=ALLOCATIONS.table)
    grid = reader.read_workbook(path, ALL_TABLES)
    monkeypatch.setattr(typed_sheet, "MIN_CELLS", 0)
    typed = reader.read_workbook(path, ALL_TABLES)
    rows, expected = typed.tables["Allocations"].rows, grid.tables["Allocations"].rows
    assert isinstance(rows, ColumnRows)
    assert (len(rows), rows[3], rows[-1], rows[1:3]) == (len(expected), expected[3], expected[-1], expected[1:3])
    assert pd.DataFrame(rows, columns=HEADERS, dtype=object).equals(pd.DataFrame(expected, columns=HEADERS, dtype=object))
    assert portfolio_rows(path, typed).rows == portfolio_rows(path, grid).rows


@pytest.mark.parametrize("hashes", ["polars' own", "one hash for every text"])
def test_columns_come_factorized_as_pandas_would_factorize_their_cells(tmp_path, monkeypatch, hashes):
    """Text is numbered by polars' hash of each text and checked cell by cell: texts sharing a hash (here all of
    them) are numbered the exact way instead, and every column's codes and uniques are pd.factorize's."""
    import numpy as np
    import polars as pl

    if hashes != "polars' own":
        monkeypatch.setattr(pl.Series, "hash", lambda self, *args, **kwargs: pl.Series(np.zeros(len(self), dtype=np.uint64)))
    rows = _with(_blank_row(_allocations(300), 40), 7, 2, "")
    path = write_streamed_workbook(tmp_path / "allocations.xlsx", "Allocations", HEADERS, rows, table=ALLOCATIONS.table)
    grid, by_columns = _both_ways(path, monkeypatch)
    _assert_same(grid, by_columns, "Allocations")
    read = by_columns[0].tables["Allocations"].rows
    assert isinstance(read, ColumnRows)
    for values, factorized in zip(read.columns, read.factorized, strict=True):
        codes, uniques = pd.factorize(values)
        assert factorized is not None and (factorized.codes == codes).all()
        assert [repr(u) for u in factorized.uniques] == [repr(u) for u in uniques]


@pytest.mark.parametrize(("xml", "holds"), [
    (b"<sst><si><t>N/A</t></si></sst>", True),
    (b'<sst><si><t xml:space="preserve"> n/a </t></si></sst>', True),
    (b"<sst><si><t>&lt;NA&gt;</t></si></sst>", True),
    (b"<x:sst><x:si><x:r><x:t>N</x:t></x:r><x:r><x:rPr/><x:t>/A</x:t></x:r></x:si></x:sst>", True),  # a rich text's runs
    (b"<sst><si><r><t>N</t></r><r><t>/Ax</t></r></si><si><t>NA2</t></si><si><t>N/A x</t></si></sst>", False),
    (b'<c r="B2" t="inlineStr"><is><t>NULL</t></is></c>', True),
    (b"<sst><si><t></t></si><si><t>Nancy</t></si></sst>", False),  # '' reads as '' in calamine too
    (b"<sst><si><t>&#78;/&#x41;</t></si></sst>", True),  # characters written as numbers
    (b"<sst><si><t><![CDATA[N/A]]></t></si></sst>", True),
])
def test_texts_fastexcel_takes_for_no_value_are_found(xml, holds):
    from pmo_xl.io.null_texts import holds_null_like_text

    assert holds_null_like_text(xml) is holds
