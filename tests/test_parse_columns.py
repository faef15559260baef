"""A register read by columns (`raw.ColumnRows`, the large-sheet reader's hand-over) parses to what the
same cells give as rows, without a copy of its columns: converting never writes to a cell. And the short
cuts of the cell conversion (`parse/cells.py`) give what the straightforward ways give, on awkward cells."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from test_cell_values import CELLS

from pmo_xl.parse import cells as cells_module
from pmo_xl.parse.register import parse_register
from pmo_xl.raw import ColumnRows, Factorized, RawTable
from pmo_xl.schema.registers import ALLOCATIONS, PROJECTS

# What a reader by columns hands over (text, whole-day dates, floats, '' where empty), with awkward text among it
COLUMN_CELLS = {
    "text": st.sampled_from(["", "  ", "P1", " P1 ", "p1", "Developer", "#N/A", "1,500", "2026-03-31", "Flat", " flat", "Bell"]),
    "date": st.one_of(st.just(""), st.dates(dt.date(1980, 1, 1), dt.date(2110, 1, 1))),
    "number": st.one_of(st.just(""), st.sampled_from([0.0, -0.0, 1.5, 40.0, 8.0, 1e300, -2.0, 7.25])),
}
KIND_OF = {"project_id": "text", "resource_id": "text", "role": "text", "start": "date", "finish": "date",
           "effort_hours": "number", "fte": "number", "profile": "text", "state": "text", "actual_hours": "number"}


def _column(values: list[object]) -> np.ndarray:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _raw(rows: list[list[object]], by_columns: bool) -> RawTable:
    headers = [column.header for column in ALLOCATIONS.columns]
    cells: object = rows
    if by_columns:
        columns = [_column([row[k] for row in rows]) for k in range(len(headers))]
        factorized = []
        for column in columns:
            codes, uniques = pd.factorize(column)
            factorized.append(Factorized(codes, np.asarray(uniques, dtype=object)))
            column.flags.writeable = False  # a write into a cell raises
        cells = ColumnRows(columns, factorized)
    return RawTable(ALLOCATIONS.sheet_name, ALLOCATIONS.table, 1, 1, headers, cells, list(range(2, len(rows) + 2)))


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 30).flatmap(lambda count: st.lists(
    st.tuples(*[COLUMN_CELLS[KIND_OF[column.field]] for column in ALLOCATIONS.columns]).map(list),
    min_size=count, max_size=count)))
def test_a_register_read_by_columns_parses_as_its_rows_without_writing_to_a_cell(rows):
    before = [list(row) for row in rows]
    by_rows = parse_register(_raw(rows, by_columns=False), ALLOCATIONS, keep_rows=True)
    raw = _raw(rows, by_columns=True)
    by_columns = parse_register(raw, ALLOCATIONS, keep_rows=True)  # read-only columns: any write would raise
    pd.testing.assert_frame_equal(by_columns.frame, by_rows.frame, check_index_type=True, check_column_type=True)
    assert list(by_columns.frame.dtypes) == list(by_rows.frame.dtypes)
    assert by_columns.issues == by_rows.issues
    assert (by_columns.rejected_rows, by_columns.layout, by_columns.known_ids, by_columns.rejected_ids) == (
        by_rows.rejected_rows, by_rows.layout, by_rows.known_ids, by_rows.rejected_ids)
    assert [list(row) for row in raw.rows] == before  # the table's cells are as read


def _text_cell_by_cell(cells: cells_module.Cells) -> list[object]:
    """`_to_text` the straightforward way: each cell alone, from its class."""
    text: list[object] = []
    for position, (value, kind) in enumerate(zip(cells.values.tolist(), cells.classes.tolist(), strict=True)):
        if kind == cells_module.TEXT:
            text.append(cells.text_uniques[cells.text_codes[int(np.searchsorted(cells.text_index, position))]])
        elif kind == cells_module.BLANK:
            text.append(None)
        else:
            text.append(cells_module._cell_text(value))
    return text


@settings(max_examples=200, deadline=None)
@given(st.lists(CELLS, max_size=40))
def test_text_of_a_column_is_each_cells_text(values):
    """`_to_text` (one take from the distinct stripped texts) gives each cell's text as read alone."""
    cells = cells_module.classify(_column(values))

    def outcome(text) -> object:  # a cell that has no text (NaT) raises, and the column is then read cell by cell
        try:
            return list(text(cells))
        except ValueError as error:
            return type(error)

    assert outcome(cells_module._to_text) == outcome(_text_cell_by_cell)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 8).flatmap(lambda count: st.tuples(st.just(count), st.lists(st.integers(-1, count - 1), max_size=60))))
def test_keys_numbered_in_order_of_appearance_as_pd_factorize_numbers_them(case):
    count, keys = case
    key = np.array(keys, dtype=np.intp)
    codes, order = cells_module._in_order_of_appearance(key, count)
    expected_codes, expected_order = pd.factorize(np.where(key >= 0, key, np.nan))
    assert codes.tolist() == expected_codes.tolist()
    assert order.tolist() == expected_order.astype(np.intp).tolist()


DATE_CELLS = st.one_of(st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)), st.datetimes(dt.datetime(1980, 1, 1), dt.datetime(2110, 1, 1)),
                       st.sampled_from([pd.NaT, np.datetime64("2026-05-01"), pd.Timestamp("2026-05-01 10:00"), None, "", 3.5]))


@settings(max_examples=200, deadline=None)
@given(st.lists(DATE_CELLS, max_size=40), st.randoms(use_true_random=False))
def test_the_days_of_date_cells_are_each_cells_day(values, random):
    """`_date_cells` (each distinct date read once, looked up by code) gives each date cell's own day, whether
    every cell is a date or some are not (blanks, text, numbers)."""
    cells = cells_module.classify(_column(values))
    dates = np.flatnonzero(cells.classes == cells_module.DATE)
    some = np.array(sorted(random.sample(dates.tolist(), len(dates) // 2)), dtype=np.intp)
    for index in (dates, some):
        expected = np.array([cells_module._days(_column([values[k]]))[0] for k in index.tolist()], dtype="datetime64[us]")
        assert cells_module._date_cells(cells, index).view(np.int64).tolist() == expected.view(np.int64).tolist()  # NaT too


NUMBER_CELLS = st.one_of(st.floats(), st.integers(-10**20, 10**20), st.sampled_from([0.0, -0.0, 0, False, True, 1, 1.0, np.float64(-0.0), np.int64(3)]),
                         st.sampled_from([None, "", "1,5", Decimal("1"), 10**400]))


@settings(max_examples=300, deadline=None)
@given(st.lists(NUMBER_CELLS, max_size=40), st.booleans())
def test_the_floats_of_number_cells_are_each_cells_float(values, factorized):
    """`_number_floats` (each distinct number read once when the column is numbered) gives each number cell's
    own float bit for bit: -0.0 and 0.0 apart, though pd.factorize takes them for one value; an int too large
    for a float raises as the cell's own conversion does."""
    column = _column(values)
    if factorized:  # as a reader by columns hands them over: classified by type from the distinct values
        codes, uniques = pd.factorize(column)
        cells = cells_module.classify(column, by_value=False, factorized=Factorized(codes, np.asarray(uniques, dtype=object)))
    else:
        cells = cells_module.classify(column)
    number = np.flatnonzero(cells.classes == cells_module.NUMBER)

    def outcome(read) -> object:
        try:
            return read().view(np.int64).tolist()
        except OverflowError as error:
            return type(error)

    assert outcome(lambda: cells_module._number_floats(cells, number)) == outcome(lambda: column[number].astype("float64"))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(CELLS, st.sampled_from(sorted(cells_module.EXCEL_ERRORS)), st.sampled_from([" #REF! ", "#n/a", "#DIV/0"])),
                max_size=40))
def test_error_values_and_classes_found_by_lookup_are_those_np_isin_finds(values):
    """The error texts found by a set lookup per distinct text, and the classes picked by a table, are what
    np.isin picks; and the excel-error problem sits at exactly the error cells."""
    cells = cells_module.classify(_column(values))
    found = np.fromiter(map(cells_module.EXCEL_ERRORS.__contains__, cells.text_uniques), dtype=bool, count=len(cells.text_uniques))
    assert found.tolist() == np.isin(cells.text_uniques, list(cells_module.EXCEL_ERRORS)).tolist()
    for table, kinds in ((cells_module._BY_OWN_TYPE, (cells_module.BOOL, cells_module.NUMBER, cells_module.OTHER)),
                         (cells_module._TEXT_OR_BLANK, (cells_module.TEXT, cells_module.BLANK))):
        assert table[cells.classes].tolist() == np.isin(cells.classes, kinds).tolist()
    problems = cells_module.convert_column(_column(values), PROJECTS.column("name")).problems
    flagged = sorted(p for problem in problems if problem.code == "excel-error" for p in problem.positions.tolist())
    assert flagged == [k for k, v in enumerate(values) if isinstance(v, str) and v.strip() in cells_module.EXCEL_ERRORS]
