"""Every `=PMO_...` function called the way Windows Excel calls it: through xlwings' own CallUDF.

The other udf tests call the Python functions directly (the decorators are no-ops on Linux).
These run xlwings 0.37.8's real COM-server entry point, decorators and converters on arguments
shaped as Excel's COM passes them (see tests/excel_com.py), so a declaration that breaks in
Excel (a type hint read as a converter, an option xlwings rejects) fails here. Every function
must have at least one call below that returns a checked value; the published cases' numbers
come from tests/data/published_cases.json.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import json
import multiprocessing
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import excel_com
import pytest
from excel_com import MISSING, Cells, Currency, ExcelError, Outcome

import udfs.pmo_udfs
from pmo_xl.parse.read_cell import read_number

CASES = json.loads((Path(__file__).parent / "data" / "published_cases.json").read_text(encoding="utf-8"))
EXACT = {"rel": 1e-12, "abs": 1e-12}
SIX_DIGITS = {"rel": 1e-6, "abs": 1e-6}  # the cases file gives recomputed figures to 6 decimals
FUNCTIONS = sorted(name for name in dir(udfs.pmo_udfs) if name.startswith("PMO_"))


def recomputed(case_id: str) -> dict[str, Any]:
    for family in CASES["families"].values():
        for case in family.get("cases", []):
            if case["id"] == case_id:
                return {**case["inputs"], **case["recomputed"]}
    raise KeyError(case_id)


class Excel:
    """A spawned process in which xlwings believes it runs under Windows Excel."""

    def __init__(self, pool: concurrent.futures.ProcessPoolExecutor) -> None:
        self._pool = pool

    def call(self, function: str, *arguments: Any, module: str = excel_com.UDF_MODULE, path: str | None = None) -> Outcome:
        return self._pool.submit(excel_com.call, function, *arguments, module=module, path=path).result(timeout=600)

    def value(self, function: str, *arguments: Any) -> Any:
        """What the cell (or the spilled range) shows; fails on a Python error in the call."""
        outcome = self.call(function, *arguments)
        assert outcome.error is None, f"{function}: {outcome.error_type}: {outcome.error}\n{outcome.traceback}"
        return outcome.value


@pytest.fixture(scope="module")
def excel() -> Iterator[Excel]:
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no stand-in leaks here
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=context, initializer=excel_com.install_windows_stand_ins) as pool:
        yield Excel(pool)


def cell(value: Any) -> Cells:
    """A reference to one cell holding `value`."""
    return Cells([[value]])


# ---- the published cases, with every argument a cell reference --------------------------------


def test_evm_01_every_cost_and_schedule_figure(excel: Excel) -> None:
    case = recomputed("EVM-01")
    bac, pv, ev, ac = (cell(case[k]) for k in ("BAC", "PV", "EV", "AC"))
    assert excel.value("PMO_SV", ev, pv) == case["SV"]
    assert excel.value("PMO_CV", ev, ac) == case["CV"]
    assert excel.value("PMO_SPI", ev, pv) == pytest.approx(case["EV"] / case["PV"], **EXACT)
    assert excel.value("PMO_CPI", ev, ac) == pytest.approx(case["EV"] / case["AC"], **EXACT)
    eac = excel.value("PMO_EAC", bac, ev, ac)  # method, pv and weight left out: VBA passes "missing"
    assert eac == pytest.approx(case["EAC_BAC_over_CPI"], **EXACT)
    assert excel.value("PMO_ETC", cell(eac), ac) == pytest.approx(case["ETC"], **EXACT)
    assert excel.value("PMO_VAC", bac, cell(eac)) == pytest.approx(case["VAC"], **EXACT)
    assert excel.value("PMO_TCPI", bac, ev, ac) == pytest.approx(case["TCPI_BAC"], **SIX_DIGITS)
    assert excel.value("PMO_TCPI", bac, ev, ac, cell(eac)) == pytest.approx(case["TCPI_EAC"], **SIX_DIGITS)


def test_evm_05_percent_variances_as_fractions(excel: Excel) -> None:
    case = recomputed("EVM-05")
    ev, pv, ac = cell(case["EV"]), cell(case["PV"]), cell(case["AC"])
    assert excel.value("PMO_SPI", ev, pv) == pytest.approx(case["SPI"], **EXACT)
    assert excel.value("PMO_SV_PCT", ev, pv) == pytest.approx(case["SV_pct"] / 100, **EXACT)
    assert excel.value("PMO_CV_PCT", ev, ac) == pytest.approx(case["CV_pct"] / 100, **EXACT)
    assert excel.value("PMO_EAC", cell(case["BAC"]), ev, ac, "cpi_spi", pv) == pytest.approx(
        case["EAC_AC_plus_remaining_over_CPIxSPI"], **SIX_DIGITS
    )


def test_evm_21_eac_methods_named_in_a_cell(excel: Excel) -> None:
    case = recomputed("EVM-21")
    bac, ev, ac, pv = (cell(case[k]) for k in ("BAC", "EV", "AC", "PV"))
    assert excel.value("PMO_EAC", bac, ev, ac, cell("cpi")) == pytest.approx(case["EAC_BAC_over_CPI"], **EXACT)
    assert excel.value("PMO_EAC", bac, ev, ac, cell("atypical")) == case["EAC_AC_plus_BAC_minus_EV"]
    assert excel.value("PMO_EAC", bac, ev, ac, cell("cpi_spi"), pv) == pytest.approx(
        case["EAC_AC_plus_remaining_over_CPIxSPI"], **SIX_DIGITS
    )
    assert excel.value("PMO_EAC", bac, ev, ac, cell(None), MISSING, MISSING) == pytest.approx(case["EAC"], **EXACT)


def test_es_01_earned_schedule_from_a_row_a_column_and_a_whole_column(excel: Excel) -> None:
    case = recomputed("ES-01")
    pv_cum = case["PV_cum_fraction_by_period"][1:]  # cumulative PV at the end of periods 1..PD
    ev = cell(case["fraction_complete"])
    assert excel.value("PMO_ES", Cells([pv_cum]), ev) == pytest.approx(case["ES"], **EXACT)
    column = [[v] for v in pv_cum]
    assert excel.value("PMO_ES", Cells(column), ev) == pytest.approx(case["ES"], **EXACT)
    assert excel.value("PMO_ES", Cells(column, whole_column=True), ev) == pytest.approx(case["ES"], **EXACT)
    es, at, pd_ = cell(case["ES"]), cell(case["AT"]), cell(case["PD"])
    assert excel.value("PMO_SV_T", es, at) == pytest.approx(case["SV_t"], **EXACT)
    spi_t = excel.value("PMO_SPI_T", es, at)
    assert spi_t == pytest.approx(case["SPI_t"], **SIX_DIGITS)
    assert excel.value("PMO_IEAC_T", pd_, cell(spi_t)) == pytest.approx(case["IEAC_t"], **EXACT)
    assert excel.value("PMO_TSPI", pd_, es, at) == pytest.approx(case["TSPI"], **EXACT)


def test_ws_01_weighted_scores_from_rows_columns_and_array_constants(excel: Excel) -> None:
    ws01 = recomputed("WS-01")
    weights = ws01["weights_pct"]
    for project, scores in ws01["scores_0_100"].items():
        assert excel.value("PMO_SCORE", Cells([scores]), Cells([weights])) == pytest.approx(ws01[project], **EXACT)
    scores = ws01["scores_0_100"]["Project 1"]
    column = excel.value("PMO_SCORE", Cells([[s] for s in scores]), Cells([[w] for w in weights]))
    constants = excel.value("PMO_SCORE", (tuple(scores),), (tuple(weights),))  # ={90,70,...}
    assert column == constants == pytest.approx(ws01["Project 1"], **EXACT)


def ahp_01_matrix() -> tuple[dict[str, Any], list[list[Any]]]:
    ahp = recomputed("AHP-01")
    names = list(ahp["criteria"])  # criterion -> its published weight
    matrix: list[list[Any]] = [[1.0 if a == b else None for b in names] for a in names]
    for pair, value in ahp["criteria_pairwise"].items():
        a, b = pair.split("|")
        matrix[names.index(a)][names.index(b)] = value  # the lower triangle stays blank
    return ahp, matrix


def test_ahp_01_weights_spill_and_consistency_ratio(excel: Excel) -> None:
    ahp, matrix = ahp_01_matrix()
    weights = excel.value("PMO_AHP_WEIGHTS", Cells(matrix))
    assert [row[0] for row in weights] == pytest.approx(list(ahp["criteria"].values()), **SIX_DIGITS)
    assert excel.value("PMO_AHP_CR", Cells(matrix)) == pytest.approx(ahp["criteria_CR_saaty1980_RI"], **SIX_DIGITS)


# ---- Excel 2016/2019: no dynamic arrays ----------------------------------------------------


def test_ahp_weights_one_criterion_per_cell_where_nothing_spills(excel: Excel) -> None:
    _, matrix = ahp_01_matrix()
    column = excel.value("PMO_AHP_WEIGHTS", Cells(matrix))
    for k in range(1, len(matrix) + 1):
        assert excel.value("PMO_AHP_WEIGHTS", Cells(matrix), cell(k)) == column[k - 1][0]
    assert excel.value("PMO_AHP_WEIGHTS", Cells(matrix), cell(5)) == "PMO_AHP_WEIGHTS: criterion must be a whole number from 1 to 4"
    assert excel.value("PMO_AHP_WEIGHTS", Cells(matrix), cell(None)) == column  # a blank criterion: the column


SPILLING = ("PMO_AHP_WEIGHTS", "PMO_SPREAD", "PMO_LOADING")


def test_spilling_functions_fill_an_array_formula_range_and_say_how(excel: Excel) -> None:
    """An array formula (Ctrl+Shift+Enter) puts element [r][c] of the result in row r, column c
    of the selected range: every spilling function returns a rectangle, header or first value
    top-left, and its wizard description tells Excel 2016/2019 users what to do."""
    _, matrix = ahp_01_matrix()
    start, finish = cell(dt.datetime(2026, 3, 2)), cell(dt.datetime(2026, 3, 6))
    results = {
        "PMO_AHP_WEIGHTS": excel.value("PMO_AHP_WEIGHTS", Cells(matrix)),
        "PMO_SPREAD": excel.value("PMO_SPREAD", cell(40), start, finish),
        "PMO_LOADING": excel.value("PMO_LOADING", Cells(ALLOCATIONS), Cells(RESOURCES), cell("Week")),
    }
    for name, result in results.items():
        assert len(result) > 1 and len({len(row) for row in result}) == 1, name
        description = getattr(udfs.pmo_udfs, name).__doc__.split("\n\n")[0]
        assert "Excel 2016/2019" in description and len(description) <= 255, name
    assert results["PMO_SPREAD"][0][0] == dt.datetime(2026, 3, 2) and results["PMO_LOADING"][0][0] == "Resource ID"


# ---- resource loading: dates in, dates out -------------------------------------------------


def test_spread_takes_date_cells_and_gives_dates_and_hours(excel: Excel) -> None:
    start, finish = cell(dt.datetime(2026, 3, 2)), cell(dt.datetime(2026, 3, 6))
    rows = excel.value("PMO_SPREAD", cell(40), start, finish, MISSING, MISSING)
    assert rows == [[dt.datetime(2026, 3, d), 8.0] for d in range(2, 7)]
    holidays = Cells([[dt.datetime(2026, 3, 3)]] + [[None]] * 200)  # a holiday column with room to grow
    rows = excel.value("PMO_SPREAD", cell(40), start, finish, cell("Flat"), holidays)
    assert [r[0].day for r in rows] == [2, 4, 5, 6] and [r[1] for r in rows] == [10.0] * 4


ALLOCATIONS = [
    ["Project ID", "Resource ID", "Role", "Start", "Finish", "Effort (hours)", "FTE", "Profile", "State", "Actual hours"],
    ["P1", "R1", None, dt.datetime(2026, 3, 2), dt.datetime(2026, 3, 13), 80, None, "Flat", "Committed", None],
    ["P2", "R1", None, dt.datetime(2026, 3, 2), dt.datetime(2026, 3, 6), None, 0.5, "bell", "Proposed", None],
    ["P3", "R2", None, dt.datetime(2026, 3, 9), dt.datetime(2026, 3, 13), 10, None, None, "Draft", None],
]  # fmt: skip
RESOURCES = [
    ["Resource ID", "Name", "Role", "Team", "FTE", "Hours per week"],
    ["R1", "Ann", "Developer", "Core", 1, None],
    ["R2", "Bob", "Analyst", None, None, 20],
]


def test_loading_spills_a_matrix_with_blank_cells_as_empty_text(excel: Excel) -> None:
    out = excel.value("PMO_LOADING", Cells(ALLOCATIONS), Cells(RESOURCES), cell("Week"), MISSING, MISSING, MISSING, MISSING)
    assert out[0] == ["Resource ID", "Name", "Role", "Team", dt.datetime(2026, 3, 2), dt.datetime(2026, 3, 9)]
    assert out[1] == ["R1", "Ann", "Developer", "Core", pytest.approx(60 / 40), pytest.approx(1.0)]
    assert out[2] == ["R2", "Bob", "Analyst", "", 0.0, 0.0]  # xlwings writes a blank as ""


# ---- what Excel's COM hands over, beyond plain numbers -------------------------------------


def test_currency_formatted_cells_arrive_as_decimal_and_are_numbers(excel: Excel) -> None:
    assert excel.value("PMO_CPI", cell(Currency("2500")), cell(Currency("2800.00"))) == pytest.approx(2500 / 2800, **EXACT)


def test_blank_cells_give_an_empty_cell(excel: Excel) -> None:
    assert excel.value("PMO_SPI", cell(None), cell(3000)) == ""
    assert excel.value("PMO_SCORE", Cells([[None, None]]), Cells([[1, 1]])) == ""


@pytest.mark.parametrize("error", ["#N/A", "#DIV/0!", "#REF!"])
def test_error_values_are_named_not_taken_for_blanks(excel: Excel, error: str) -> None:
    assert excel.value("PMO_SPI", cell(ExcelError(error)), cell(3000)) == f"PMO_SPI: {read_number(error, 'ev').message}"
    assert excel.value("PMO_CPI", 2500, ExcelError(error)) == f"PMO_CPI: {read_number(error, 'ac').message}"  # =PMO_CPI(2500, NA())


@pytest.mark.parametrize("typed", ["1,5", "2,500", "abc"])
def test_text_is_read_by_the_registers_reader_with_its_words(excel: Excel, typed: str) -> None:
    assert excel.value("PMO_CPI", typed, 1.0) == f"PMO_CPI: {read_number(typed, 'ev').message}"  # =PMO_CPI("1,5", 1)
    assert excel.value("PMO_CPI", cell(typed), cell(1)) == f"PMO_CPI: {read_number(typed, 'ev').message}"
    assert excel.value("PMO_CPI", cell("2500"), cell(2800)) == pytest.approx(2500 / 2800, **EXACT)


def test_wrong_arguments_are_the_cells_text_not_a_traceback(excel: Excel) -> None:
    assert excel.value("PMO_CPI", cell(True), cell(1)) == f"PMO_CPI: {read_number(True, 'ev').message}"
    assert excel.value("PMO_EAC", 100, 40, 45, "magic", MISSING, MISSING).startswith("PMO_EAC: method must be one of")
    assert excel.value("PMO_SPI", Cells([[1, 2]]), cell(1)) == "PMO_SPI: ev must be a single number, not a range"
    assert "square" in excel.value("PMO_AHP_CR", Cells([[1, 2, 3]]))
    assert excel.value("PMO_SPREAD", cell(8), cell("next week"), cell(dt.datetime(2026, 3, 6)), MISSING, MISSING).startswith(
        "PMO_SPREAD:"
    )


# ---- coverage and the declarations xlwings reads --------------------------------------------

CALLED = {
    "PMO_SV", "PMO_CV", "PMO_SPI", "PMO_CPI", "PMO_SV_PCT", "PMO_CV_PCT", "PMO_EAC", "PMO_ETC", "PMO_VAC",
    "PMO_TCPI", "PMO_ES", "PMO_SV_T", "PMO_SPI_T", "PMO_TSPI", "PMO_IEAC_T", "PMO_SCORE", "PMO_AHP_WEIGHTS",
    "PMO_AHP_CR", "PMO_SPREAD", "PMO_LOADING",
}  # fmt: skip


def test_every_worksheet_function_has_a_call_test_here() -> None:
    source = Path(__file__).read_text(encoding="utf-8")
    assert set(FUNCTIONS) == CALLED
    for name in FUNCTIONS:
        assert f'excel.value("{name}"' in source, f"{name} is never called through xlwings here"


def test_no_worksheet_function_carries_a_type_hint() -> None:
    for name in FUNCTIONS:
        assert typing.get_type_hints(getattr(udfs.pmo_udfs, name)) == {}, f"{name}: xlwings reads hints as converters"


HINTED = '''
import xlwings as xw

@xw.func(category="PMO")
def PMO_HINTED(ev: object, ac: object) -> float | None:
    """CPI, declared with the hints that broke 18 of the 20 functions in Excel."""
    return ev / ac
'''


def test_the_replay_fails_a_function_whose_hints_xlwings_cannot_convert(excel: Excel, tmp_path: Path) -> None:
    (tmp_path / "hinted_udfs.py").write_text(HINTED, encoding="utf-8")
    outcome = excel.call("PMO_HINTED", cell(2500), cell(2800), module="hinted_udfs", path=str(tmp_path))
    assert outcome.error_type == "AttributeError"
    assert "type object 'object' has no attribute 'reader'" in outcome.error
