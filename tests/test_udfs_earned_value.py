"""The `=PMO_...` earned value worksheet functions, called as Excel would call them.

Numbers are the published cases of tests/test_earned_value.py and test_earned_schedule.py
(EVM-01 Mulcahy fence, EVM-21 wikislate, ES-01 PrepCast). The last tests import the module
under xlwings' real Windows decorators (pywin32 stubbed, as in research/xlwings-on-linux.md
§1.2), which is where Excel-specific mistakes (keyword-only arguments...) would surface.
"""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import udfs.earned_value as udf
from pmo_xl.compute.earned_value import compute_earned_value
from pmo_xl.io.read_workbook import RawTable
from pmo_xl.model import Portfolio, Settings
from pmo_xl.parse.read_cell import read_number
from pmo_xl.parse.register import parse_register
from pmo_xl.schema.registers import ALLOCATIONS

EXACT = {"rel": 1e-12, "abs": 1e-12}
NAMES = [
    "PMO_SV", "PMO_CV", "PMO_SPI", "PMO_CPI", "PMO_SV_PCT", "PMO_CV_PCT", "PMO_EAC", "PMO_ETC",
    "PMO_VAC", "PMO_TCPI", "PMO_ES", "PMO_SV_T", "PMO_SPI_T", "PMO_TSPI", "PMO_IEAC_T",
]
SIGNATURES = {
    "PMO_SV": "(ev, pv)", "PMO_CV": "(ev, ac)", "PMO_SPI": "(ev, pv)", "PMO_CPI": "(ev, ac)",
    "PMO_SV_PCT": "(ev, pv)", "PMO_CV_PCT": "(ev, ac)",
    "PMO_EAC": "(bac, ev, ac, method='cpi', pv=None, weight=None)", "PMO_ETC": "(eac, ac)",
    "PMO_VAC": "(bac, eac)", "PMO_TCPI": "(bac, ev, ac, eac=None)", "PMO_ES": "(pv_cum, ev)",
    "PMO_SV_T": "(es, at)", "PMO_SPI_T": "(es, at)", "PMO_TSPI": "(pd, es, at, ed=None)",
    "PMO_IEAC_T": "(pd, spi_t)",
}


def test_evm_01_through_the_worksheet_functions() -> None:
    assert udf.PMO_SV(2500, 3000) == -500
    assert udf.PMO_CV(2500, 2800) == -300
    assert udf.PMO_SPI(2500, 3000) == pytest.approx(2500 / 3000, **EXACT)
    assert udf.PMO_CPI(2500, 2800) == pytest.approx(2500 / 2800, **EXACT)
    assert udf.PMO_SV_PCT(2500, 3000) == pytest.approx(-1 / 6, **EXACT)  # a fraction, not -16.67
    assert udf.PMO_CV_PCT(2500, 2800) == pytest.approx(-0.12, **EXACT)
    eac = udf.PMO_EAC(4000, 2500, 2800)
    assert eac == pytest.approx(4480.0, **EXACT)
    assert udf.PMO_ETC(eac, 2800) == pytest.approx(1680.0, **EXACT)
    assert udf.PMO_VAC(4000, eac) == pytest.approx(-480.0, **EXACT)
    assert udf.PMO_TCPI(4000, 2500, 2800) == pytest.approx(1.25, **EXACT)
    assert udf.PMO_TCPI(4000, 2500, 2800, eac) == pytest.approx(2500 / 2800, **EXACT)


def test_evm_21_eac_methods() -> None:
    assert udf.PMO_EAC(100, 40, 45, "cpi") == pytest.approx(112.5, **EXACT)
    assert udf.PMO_EAC(100, 40, 45, "atypical") == 105
    assert udf.PMO_EAC(100, 40, 45, "cpi_spi", 50) == pytest.approx(129.375, **EXACT)
    assert udf.PMO_EAC(100, 40, 45, " Weighted ", 50, 0.8) == pytest.approx(45 + 60 / (0.8 * 40 / 45 + 0.2 * 0.8), **EXACT)
    assert udf.PMO_EAC(100, 40, 45, None) == pytest.approx(112.5, **EXACT)  # an empty method cell means cpi


def test_es_01_through_the_worksheet_functions() -> None:
    es = udf.PMO_ES([0.2, 0.4, 0.6, 0.8, 1.0], 0.5)
    assert es == pytest.approx(2.5, **EXACT)
    assert udf.PMO_SV_T(es, 3) == pytest.approx(-0.5, **EXACT)
    spi_t = udf.PMO_SPI_T(es, 3)
    assert spi_t == pytest.approx(2.5 / 3, **EXACT)
    assert udf.PMO_IEAC_T(5, spi_t) == pytest.approx(6.0, **EXACT)
    assert udf.PMO_TSPI(5, es, 3) == pytest.approx(1.25, **EXACT)
    assert udf.PMO_TSPI(5, es, 3, 6) == pytest.approx(2.5 / 3, **EXACT)  # to ED = IEAC(t)


@pytest.mark.parametrize(
    "pv_cum",
    [
        [[0.2, 0.4, 0.6, 0.8, 1.0]],  # a row, as xlwings passes a 1×5 range with ndim=2
        [[0.2], [0.4], [0.6], [0.8], [1.0]],  # a column
        [[0.2], [0.4], [0.6], [0.8], [1.0], [None], [None]],  # a column with blank cells below
        (0.2, 0.4, 0.6, 0.8, 1.0),
        np.array([[0.2], [0.4], [0.6], [0.8], [1.0]]),  # from Python code rather than Excel
    ],
)
def test_es_accepts_a_row_or_a_column(pv_cum: object) -> None:
    assert udf.PMO_ES(pv_cum, 0.5) == pytest.approx(2.5, **EXACT)


@pytest.mark.parametrize(
    ("call", "why"),
    [
        (lambda: udf.PMO_SPI(10, 0), "PV is 0"),
        (lambda: udf.PMO_CPI(10, 0), "AC is 0"),
        (lambda: udf.PMO_CV_PCT(0, 10), "EV is 0"),
        (lambda: udf.PMO_TCPI(100, 50, 100), "AC has reached BAC"),
        (lambda: udf.PMO_EAC(100, 0, 10), "nothing earned: no CPI to forecast with"),
        (lambda: udf.PMO_SPI_T(1, 0), "AT is 0"),
        (lambda: udf.PMO_IEAC_T(5, 0), "SPI(t) is 0"),
        (lambda: udf.PMO_TSPI(5, 2, 5), "planned duration elapsed"),
        (lambda: udf.PMO_SPI(None, 10), "EV cell blank"),
        (lambda: udf.PMO_EAC(100, None, 45, "cpi_spi", 50), "EV cell blank"),
        (lambda: udf.PMO_ES([[1, 2, 3]], None), "EV cell blank"),
        (lambda: udf.PMO_SV("", 10), "empty text cell"),
    ],
)
def test_undefined_or_blank_gives_an_empty_cell(call, why: str) -> None:
    assert call() is None, why


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: udf.PMO_SPI("abc", 10), "'abc' is text where ev needs a number"),
        (lambda: udf.PMO_CPI(True, 10), "ev must be a number, not TRUE/FALSE"),
        (lambda: udf.PMO_EAC(100, 40, 45, "magic"), "method must be one of cpi, atypical, cpi_spi, weighted"),
        (lambda: udf.PMO_EAC(100, 40, 45, "bottom_up"), "bottom-up EAC is simply AC + ETC"),
        (lambda: udf.PMO_EAC(100, 40, 45, "cpi_spi"), "method cpi_spi needs pv"),
        (lambda: udf.PMO_EAC(100, 40, 45, "weighted", 50), "method weighted needs weight"),
        (lambda: udf.PMO_EAC(100, 40, 45, "weighted", 50, 80), "weight must be between 0 and 1"),
        (lambda: udf.PMO_ES([[1, 2], [3, 4]], 1), "one row or one column"),
        (lambda: udf.PMO_ES([[10, 5, 20]], 1), "pv_cum falls in period 2: give cumulative PV"),
        (lambda: udf.PMO_ES([[10, None, 20]], 1), "pv_cum is blank in period 2"),
        (lambda: udf.PMO_ES([[None, None]], 1), "pv_cum is empty"),
        (lambda: udf.PMO_ES([[10, 20]], -1), "ev must not be negative"),
    ],
)
def test_wrong_arguments_say_what_is_wrong(call, message: str) -> None:
    shown = call()  # the cell's text, never a traceback
    assert isinstance(shown, str) and shown.startswith("PMO_") and message in shown


def test_numbers_typed_as_text_are_read_as_the_registers_read_them() -> None:
    assert udf.PMO_SPI("2500", "3000") == pytest.approx(2500 / 3000, **EXACT)
    assert udf.PMO_SPI("1,234.5", 1) == pytest.approx(1234.5, **EXACT)


def test_a_value_a_register_refuses_is_refused_with_the_registers_words() -> None:
    """'1,5' in an Effort cell of the Allocations register and as PMO_CPI's EV: one reader."""
    header = [ALLOCATIONS.column(f).header for f in ("project_id", "resource_id", "effort_hours")]
    raw = RawTable(sheet="Allocations", table=None, header_row=1, first_column=1, headers=header,
                   rows=[["P1", "R1", "1,5"]], row_numbers=[2])  # fmt: skip
    register = [i.message for i in parse_register(raw, ALLOCATIONS).issues if "1,5" in i.message]
    assert register, "the register parser should refuse '1,5'"
    assert udf.PMO_CPI("1,5", 1) == f"PMO_CPI: {register[0]}"
    assert udf.PMO_CPI("1,5", 1) == f"PMO_CPI: {read_number('1,5', 'ev').message}"


def test_the_module_exports_exactly_the_pmo_functions() -> None:
    assert udf.__all__ == NAMES
    for name in NAMES:
        function = getattr(udf, name)
        parameters = inspect.signature(function).parameters.values()
        shown = ", ".join(p.name if p.default is inspect.Parameter.empty else f"{p.name}={p.default!r}" for p in parameters)
        assert f"({shown})" == SIGNATURES[name]
        assert all(p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD for p in parameters), name
        assert function.__doc__ and len(function.__doc__.strip()) > 20, name


def test_worksheet_functions_agree_with_the_engine() -> None:
    registers = {
        "Projects": pd.DataFrame([{"project_id": "P", "name": "P", "programme": None, "business_unit": None, "status": "Active",
                                   "start": pd.Timestamp("2025-01-01"), "finish": pd.Timestamp("2025-05-31"), "bac": 100.0,
                                   "ev_technique": None, "_row": 2}]),
        "Progress": pd.DataFrame([{"project_id": "P", "period": pd.Timestamp("2025-03-01"), "pv": 50.0, "ev": 40.0,
                                   "pct_complete": float("nan"), "ac": 45.0, "etc": float("nan"), "_row": 2}]),
        "Baseline": pd.DataFrame(columns=["project_id", "period", "planned_value", "_row"]),
        "Milestones": pd.DataFrame(),
    }
    result, _ = compute_earned_value(Portfolio(Settings(eac_method="cpi_spi"), registers))
    row = result.current.iloc[0]
    assert udf.PMO_SPI(40, 50) == row["spi"] and udf.PMO_CPI(40, 45) == row["cpi"]
    assert udf.PMO_EAC(100, 40, 45, "cpi_spi", 50) == row["eac"]
    assert udf.PMO_TCPI(100, 40, 45) == row["tcpi_bac"]
    # Plan drawn from Progress PV: Dec 0 -> Mar 50 -> May 100, i.e. 16.67, 33.33, 50, 75, 100.
    pv_cum = [50 / 3, 100 / 3, 50, 75, 100]
    assert udf.PMO_ES(pv_cum, 40) == pytest.approx(row["es"], rel=1e-12)
    assert udf.PMO_SPI_T(row["es"], row["at"]) == row["spi_t"]


REAL_DECORATORS = textwrap.dedent(
    """
    import io, json, sys, types
    for name in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
        sys.modules.setdefault(name, types.ModuleType(name))
    sys.modules["pythoncom"].CoInitialize = lambda: None
    sys.modules["pywintypes"].com_error = type("com_error", (Exception,), {})
    sys.modules["win32com.client"].Dispatch = lambda *a, **k: None
    sys.modules["win32com"].client = sys.modules["win32com.client"]
    import xlwings, xlwings.udfs as udfs
    xlwings.func, xlwings.arg, xlwings.ret = udfs.xlfunc, udfs.xlarg, udfs.xlret
    import udfs.earned_value as module
    meta = {name: getattr(module, name).__xlfunc__ for name in module.__all__}
    vba = io.StringIO()
    udfs.generate_vba_wrapper("udfs.earned_value", module, vba, type("WB", (), {"Name": "PMO.xlsm"})())
    print(json.dumps({"meta": {n: {"category": m["category"], "volatile": m["volatile"],
                                     "args": [a["name"] for a in m["args"]],
                                     "docs": [a.get("doc") for a in m["args"]]} for n, m in meta.items()},
                      "vba": vba.getvalue()}))
    """
)


def test_real_xlwings_decorators_accept_every_function() -> None:
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", REAL_DECORATORS], cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert sorted(report["meta"]) == sorted(NAMES)
    for name, meta in report["meta"].items():
        assert meta["category"] == "PMO" and meta["volatile"] is False, name
        assert all(meta["docs"]), f"{name}: every argument has a function-wizard description"
    assert "Function PMO_EAC(bac, ev, ac, Optional method, Optional pv, Optional weight)" in report["vba"]
    assert "Function PMO_ES(pv_cum, ev)" in report["vba"]
    assert "Application.Volatile" not in report["vba"]
