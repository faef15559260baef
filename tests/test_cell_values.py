"""Every parse of a cell is total: one rule for separators, digits of any script, no infinity, any
date — each cell ends in a value or an issue at that cell, and the one-cell reader the worksheet
functions use (`pmo_xl.parse.read_cell`) says exactly what the register parser says."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_validation_cells import SCORES, project, raw_table, tables, validate

from pmo_xl.parse import cells as cells_module
from pmo_xl.parse.cells import convert_column
from pmo_xl.parse.read_cell import CellRefused, read_date, read_number, read_percent, read_text
from pmo_xl.parse.register import parse_register
from pmo_xl.parse.text_numbers import SEPARATOR_RULE
from pmo_xl.raw import Factorized
from pmo_xl.schema.registers import PROJECTS, RESOURCES, RISKS

BAC = PROJECTS.column("bac")
FINISH = PROJECTS.column("finish")
PROJECT_ID = PROJECTS.column("project_id")
D = dt.datetime


def outcome(column, values: list[object]) -> list[tuple[object, str | None]]:
    """(value, code) per cell: the code of its problem (None when read cleanly)."""
    converted = convert_column(pd.Series(values, dtype=object), column)
    codes: dict[int, str] = {}
    for problem in converted.problems:
        for position in problem.positions.tolist():
            codes.setdefault(position, problem.code)
    shown = [None if pd.isna(v) else v for v in converted.values.tolist()]
    return [(shown[i], codes.get(i)) for i in range(len(values))]


# --- one separator rule ---------------------------------------------------------------------------

def test_one_separator_rule_for_points_and_commas():
    found = outcome(BAC, ["1.500", "1,500", "-12,000", "12.500", "0.500", "1.5", "1.5000", "1,5", "1,5000",
                          "1.234,56", "1.500.000", "1,234,567", "1,234.5", "1 234 567.5", "1500", "1e3"])
    assert found == [
        (None, "ambiguous-number"), (None, "ambiguous-number"), (None, "ambiguous-number"), (None, "ambiguous-number"),
        (0.5, "number-as-text"), (1.5, "number-as-text"), (1.5, "number-as-text"), (None, "decimal-comma"),
        (None, "decimal-comma"), (None, "decimal-comma"), (None, "decimal-comma"), (1234567.0, "number-as-text"),
        (1234.5, "number-as-text"), (1234567.5, "number-as-text"), (1500.0, "number-as-text"), (1000.0, "number-as-text"),
    ]


def test_the_rule_is_stated_in_the_refusal_and_in_the_contract():
    for text in ("1.500", "1,500", "1,5"):
        assert SEPARATOR_RULE in read_number(text, "Budget").message
    from pmo_xl.checks.codes import CODES_BY_NAME
    assert "'1.500'" in CODES_BY_NAME["ambiguous-number"].meaning and "'1,500'" in CODES_BY_NAME["ambiguous-number"].meaning
    assert "decimal point" in CODES_BY_NAME["decimal-comma"].meaning
    contract = (Path(__file__).resolve().parents[1] / "workbooks" / "CONTRACT.md").read_text(encoding="utf-8")
    assert SEPARATOR_RULE in contract and "`1.500`, `1,500`" in contract


# --- digits of other scripts ---------------------------------------------------------------------

def test_non_ascii_digits_are_converted_at_the_cell_never_blanked():
    found = outcome(BAC, ["١٥٠٠", "１５００", "٣٫٥", "१२", "۱۲۳", "１，５００", "１．５", "٣,٥"])
    assert found == [
        (1500.0, "non-ascii-digits"), (1500.0, "non-ascii-digits"), (3.5, "non-ascii-digits"), (12.0, "non-ascii-digits"),
        (123.0, "non-ascii-digits"), (None, "ambiguous-number"), (1.5, "non-ascii-digits"), (None, "decimal-comma"),
    ]


def test_a_required_budget_in_arabic_indic_digits_is_read_not_blank():
    portfolio = validate(tables(Projects=[project("P1", bac="١٥٠٠"), project("P2")]))
    assert portfolio.registers["Projects"]["bac"].tolist() == [1500.0, 100000.0]
    assert [(i.row, i.column, i.code) for i in portfolio.issues if i.sheet == "Projects"] == [(2, "L", "non-ascii-digits")]


# --- infinity and NaN ----------------------------------------------------------------------------

@pytest.mark.parametrize("column", [BAC, FINISH, PROJECT_ID, PROJECTS.column("status"), PROJECTS.column("name")])
def test_infinity_and_nan_are_refused_at_the_cell_in_every_kind_of_column(column):
    values = [float("inf"), float("-inf"), float("nan"), np.float64("inf")]
    assert [code for _, code in outcome(column, values)] == ["not-finite"] * 4


def test_infinity_typed_as_text_is_refused_in_number_columns():
    found = outcome(BAC, ["1e309", "1e999", "INF", "-Infinity", "nan", "∞", "1e308"])
    assert found == [(None, "not-finite")] * 6 + [(1e308, "number-as-text")]


def test_an_infinite_budget_rejects_its_row_only():
    portfolio = validate(tables(Projects=[project("P1", bac=float("inf")), project("P2", bac="1e999"), project("P3")]))
    assert portfolio.registers["Projects"]["project_id"].tolist() == ["P3"]
    assert portfolio.rejected["Projects"] == [2, 3]
    assert sorted((i.row, i.column, i.code) for i in portfolio.issues if i.code == "not-finite") == [(2, "L", "not-finite"), (3, "L", "not-finite")]


# --- dates of any year ---------------------------------------------------------------------------

def test_dates_outside_pandas_range_are_located_errors_not_crashes():
    values = ["9999-12-31", "0001-01-01", D(9999, 12, 31), dt.date(1, 1, 1), "2026-02-30", "0000-01-01",
              pd.Timestamp("2026-03-04 10:00"), np.datetime64("2026-05-01"), "２０２６-０３-３１", 2958465.0, "Sept 2026"]
    found = outcome(FINISH, values)
    assert found == [
        (None, "date-as-text"), (None, "date-as-text"), (None, "date-out-of-range"), (None, "date-out-of-range"),
        (None, "not-a-date"), (None, "not-a-date"), (pd.Timestamp("2026-03-04"), None), (pd.Timestamp("2026-05-01"), None),
        (pd.Timestamp("2026-03-31"), "date-as-text"), (None, "not-a-date"), (None, "not-a-date"),
    ]
    codes = {p.code for p in convert_column(pd.Series(values[:2], dtype=object), FINISH).problems}
    assert codes == {"date-as-text", "date-out-of-range"}  # read as that date, then refused as implausible


def test_date_cells_read_fast_give_the_day_numpy_gives():
    """The toordinal path (plain dates, naive datetimes) and numpy's cast agree on every kind of date cell."""
    aware = D(2026, 1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=5)))  # numpy reads it in UTC: 2025-12-31
    values = [dt.date(2026, 3, 4), D(2026, 3, 4, 23, 59), D(1, 1, 1), dt.date(9999, 12, 31), pd.Timestamp("2026-03-04 10:00"),
              np.datetime64("2026-05-01"), aware, D(2100, 12, 31, 12)]
    cells = cells_module.classify(np.array(values + [None], dtype=object)[:-1])
    with pytest.warns(UserWarning):  # numpy's own warning about the aware datetime, on both sides
        expected = np.array(values + [None], dtype=object)[:-1].astype("datetime64[D]").astype("datetime64[us]")
        found = cells_module._date_cells(cells, np.arange(len(values)))
    assert found.tolist() == expected.tolist()
    assert outcome(FINISH, [D(2026, 3, 4, 23, 59), dt.date(2100, 12, 31), dt.date(2101, 1, 1)]) == [
        (pd.Timestamp("2026-03-04"), None), (pd.Timestamp("2100-12-31"), None), (None, "date-out-of-range")]


CELLS = st.one_of(
    st.none(), st.sampled_from(["", "  ", "P1", " P1 ", "Active", "1,500", "2026-03-31", "#N/A", "x" * 5]),
    st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**6, 10**6), st.booleans(),
    st.dates(dt.date(1980, 1, 1), dt.date(2110, 1, 1)), st.datetimes(dt.datetime(1980, 1, 1), dt.datetime(2110, 1, 1)),
    st.sampled_from([Decimal("1"), Decimal("NaN"), np.float64(1.0), np.datetime64("2026-05-01"), pd.NaT, dt.time(10)]))


@settings(max_examples=150)
@given(st.lists(st.sampled_from([0, 1, 2, 3]), min_size=0, max_size=40).flatmap(
    lambda picks: st.lists(CELLS, min_size=len(picks), max_size=len(picks))),
       st.sampled_from([BAC, FINISH, PROJECT_ID, PROJECTS.column("status"), PROJECTS.column("start")]))
def test_classifying_by_value_reads_every_cell_as_classifying_by_type(values, column):
    """The fast path (one factorize, types of the distinct values) and the cell-by-cell one agree on every
    value and every problem, whatever the mix: equal values of different kinds (True, 1, 1.0), NaN, NaT, text."""
    cells = np.array(values + [None], dtype=object)[:-1]

    def read(by_value: bool) -> tuple[list[object], list[tuple[str, list[int]]]]:
        real = cells_module._classify_by_value
        cells_module._classify_by_value = real if by_value else (lambda _values, _factorized=None: None)
        try:
            converted = convert_column(cells, column)
        finally:
            cells_module._classify_by_value = real
        shown = [None if pd.isna(v) else v for v in converted.values.tolist()]
        return shown, sorted((p.code, sorted(p.positions.tolist())) for p in converted.problems)

    assert read(True) == read(False)


# What a reader that reads by columns hands over (io.typed_sheet): text, whole-day dates and '' for an empty cell
FACTORIZED_CELLS = st.one_of(st.sampled_from(["", "  ", "P1", " P1 ", "Active", "active ", "1,500", "2026-03-31", "#N/A", "x" * 5]),
                             st.dates(dt.date(1980, 1, 1), dt.date(2110, 1, 1)))


@settings(max_examples=150)
@given(st.lists(FACTORIZED_CELLS, max_size=40),
       st.sampled_from([BAC, FINISH, PROJECT_ID, PROJECTS.column("status"), PROJECTS.column("start")]))
def test_cells_handed_over_factorized_read_as_cells_factorized_here(values, column):
    """A column whose factorization the reader gives (`pmo_xl.raw.Factorized`) converts to the same values and
    problems as the same cells factorized by parsing, in every kind of column (numbers: classified by type)."""
    cells = np.array(values + [None], dtype=object)[:-1]
    codes, uniques = pd.factorize(cells)

    def read(factorized: Factorized | None) -> tuple[list[object], list[tuple[str, str, list[int]]]]:
        converted = convert_column(cells.copy(), column, factorized=factorized)
        shown = [None if pd.isna(v) else v for v in converted.values.tolist()]
        return shown, [(p.code, p.message, p.positions.tolist()) for p in converted.problems]

    assert read(Factorized(codes, np.asarray(uniques, dtype=object))) == read(None)


@settings(max_examples=100)
@given(st.lists(st.one_of(st.none(), st.sampled_from([0.0, -0.0, 1.5, 40.0, 1e300, -2.0]),
                          st.floats(allow_nan=False, allow_infinity=True)), max_size=40))
def test_a_number_column_factorized_from_its_floats_is_its_cells_factorized(numbers):
    """io.typed_sheet factorizes a number column (floats, '' where empty) from the float64 array: the codes and
    distinct values pd.factorize gives the object cells, the empty cells' '' in its place of first appearance."""
    from pmo_xl.io.typed_sheet import _factorized_numbers

    floats = np.array([np.nan if n is None else n for n in numbers], dtype="float64")
    missing = np.array([n is None for n in numbers], dtype=bool)
    cells = floats.astype(object)
    cells[missing] = ""
    factorized = _factorized_numbers(floats, missing)
    codes, uniques = pd.factorize(cells)
    assert factorized is not None
    assert factorized.codes.tolist() == codes.tolist() and factorized.uniques.tolist() == list(uniques)
    assert _factorized_numbers(np.array([1.0, np.nan]), np.array([False, False])) is None  # NaN stored as a number


@settings(max_examples=150)
@given(st.lists(st.one_of(st.none(), st.sampled_from(["", "  ", "Flat", " Flat", "flat ", "Bell", "#N/A", "Back loaded"])),
                max_size=40))
def test_choices_numbered_from_their_text_codes_as_by_factorizing_their_text(values):
    """`_factorized_text` (from the codes the text cells have) is `pd.factorize` of the column's trimmed text."""
    cells = np.array(values + [None], dtype=object)[:-1]
    classified = cells_module.classify(cells)
    assert cells_module._text_or_blank(classified)
    codes, uniques = cells_module._factorized_text(classified)
    expected_codes, expected_uniques = pd.factorize(cells_module._to_text(classified))
    assert codes.tolist() == expected_codes.tolist() and list(uniques) == list(expected_uniques)


def test_one_far_date_costs_its_row_never_the_register():
    portfolio = validate(tables(Projects=[project("P1", finish="9999-12-31"), project("P2", start="0001-01-01"), project("P3")]))
    assert portfolio.registers["Projects"]["project_id"].tolist() == ["P3"]
    assert not [i for i in portfolio.issues if i.code == "internal-error"]
    assert sorted((i.row, i.column, i.code) for i in portfolio.issues if i.code == "date-out-of-range") == [
        (2, "K", "date-out-of-range"), (3, "J", "date-out-of-range")]


# --- totality ------------------------------------------------------------------------------------

def test_a_failing_conversion_costs_only_its_cell(monkeypatch):
    real = cells_module._to_number

    def fragile(cells, column, problems):
        if any(v == 666.0 for v in cells.values.tolist()):
            raise RuntimeError("a bug")
        return real(cells, column, problems)

    monkeypatch.setattr(cells_module, "_to_number", fragile)
    parsed = parse_register(raw_table(PROJECTS, [project("P1", bac=666.0), project("P2")], [c.header for c in PROJECTS.columns] + SCORES),
                            PROJECTS)
    assert parsed.frame["project_id"].tolist() == ["P2"]
    assert [(i.row, i.column, i.code) for i in parsed.issues if i.severity == "error"] == [(2, "L", "unreadable-value")]


def test_huge_integers_and_odd_objects_never_raise():
    converted = convert_column(pd.Series([10**400, object(), [1, 2], b"12", dt.time(10)], dtype=object), BAC)
    assert len(converted.values) == 5 and converted.values.isna().all()
    assert sorted(int(p) for problem in converted.problems for p in problem.positions) == [0, 1, 2, 3, 4]


def test_a_family_header_with_braces_does_not_break_messages():
    headers = [c.header for c in PROJECTS.columns] + SCORES + ["Score: {weird}"]
    parsed = parse_register(raw_table(PROJECTS, [project("P1", **{"Score: {weird}": "x"})], headers), PROJECTS)
    assert any(i.code == "not-a-number" and "'x'" in i.message for i in parsed.issues)


# --- the one-cell reader the worksheet functions use ----------------------------------------------

@pytest.mark.parametrize("text", ["1,5", "1.500", "1,500", "TBD", "1e999", "١٥٠٠", "1500"])
def test_read_number_gives_the_register_words(text):
    register_messages = [i.message for i in parse_register(raw_table(RESOURCES, [
        {"resource_id": "R1", "name": "Ann", "role": "Developer", "cost_rate": text}]), RESOURCES).issues
        if i.column == "K"]
    read = read_number(text, RESOURCES.column("cost_rate").header)
    assert [read.message] == register_messages


def test_read_cell_values_and_refusals():
    assert read_number(2).value == 2.0 and type(read_number(2).value) is float
    assert read_number(None).value is None and read_number(None).code is None and read_number("  ").value is None
    assert read_number(True).refused and read_number(float("nan")).code == "not-finite"
    assert read_number(2.5, whole=True).code == "not-whole-number"
    assert read_number(-1, minimum=0).code == "out-of-range"
    assert read_percent(0.4).value == 0.4 and read_percent("40%").value == 0.4
    assert read_percent(40).code == "percent-as-whole-number"
    assert read_date(D(2026, 3, 31, 9)).value == dt.date(2026, 3, 31)
    assert read_date(46100.0).value == dt.date(2026, 3, 19) and read_date(46100.0).code == "serial-date"
    assert read_date("03/04/2026").code == "not-a-date" and read_date("31/03/2026").value == dt.date(2026, 3, 31) and read_date("9999-12-31").code == "date-out-of-range"
    assert read_text(1001.0).value == "1001" and read_text("  x ").value == "x"
    with pytest.raises(CellRefused, match="decimal comma") as refused:
        read_number("1,5", "AC").get()
    assert refused.value.code == "decimal-comma" and isinstance(refused.value, ValueError)
    assert read_number("1500").get() == 1500.0


def test_text_over_excels_cell_limit_is_refused_at_its_cell():
    title = RISKS.column("title")
    found = outcome(title, ["x" * 32_767, "x" * 32_768, "short"])
    assert [code for _, code in found] == [None, "text-too-long", None]
    assert found[1][0] is None
    message = next(p.message for p in convert_column(pd.Series(["y" * 40_000], dtype=object), title).problems)
    assert "32,767" in message and len(message) < 200


def test_messages_quote_the_start_of_a_long_value():
    assert read_number("z" * 5000, "Budget").message.startswith("'" + "z" * 80 + "'… (5,000 characters) is text")


@pytest.mark.parametrize("period", ["9999-12", "1900-01", "0001-01", "0000-01", "2026-13"])
def test_a_reporting_month_outside_excels_dates_is_one_line_exit_2(sample_workbook, tmp_path, period):
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-m", "pmo_xl", "report", str(sample_workbook), "-o", str(tmp_path / "r.xlsx"),
                          "--period", period], capture_output=True, text=True, timeout=300)
    assert run.returncode == 2 and run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    assert f"--period '{period}'" in run.stderr and not (tmp_path / "r.xlsx").exists()


@pytest.mark.parametrize("date1904", [False, True])
def test_an_empty_column_converts_as_the_full_conversion_would(date1904):
    """Empty columns (a new workbook's registers) are answered once per kind: the answer must be
    the full conversion's for every column of every register and Settings table."""
    from pmo_xl.schema.registers import REGISTERS
    from pmo_xl.schema.settings import SETTINGS_TABLES

    offset = cells_module.DAYS_1900_TO_1904 if date1904 else 0
    for table in (*REGISTERS, *SETTINGS_TABLES):
        for column in table.columns:
            for raw in (pd.Series([], dtype=object), np.array([], dtype=object)):
                quick = convert_column(raw, column, date1904=date1904)
                full = cells_module._convert(np.empty(0, dtype=object), column, {}, offset)
                pd.testing.assert_series_equal(quick.values, full.values)
                assert quick.problems == full.problems == []
    first = convert_column(pd.Series([], dtype=object), PROJECTS.columns[0])
    first.values.loc[0] = "changed"  # each caller gets its own Series
    assert len(convert_column(pd.Series([], dtype=object), PROJECTS.columns[0]).values) == 0
