"""Every portfolio shape a real PMO has gets a full report (issue: a new PMO's first reports crashed).

Hypothesis draws tiny shapes (tests/portfolio_shapes.py), and 200 more are drawn with a fixed seed: first month, one project,
no Baseline, no Resources or Allocations, every project closed, only proposals, progress only
in the status month, a status date mid-month, before any progress or after every finish,
`--period` before the first and after the last progress month, empty optional registers, the
1904 date system. For each, the report use case runs in-process (strict: a failing computation
raises) and must write every sheet with every accepted project on the Portfolio sheet; the CLI
exit code is 0 or 1, never 2. A few fixed shapes are also opened by LibreOffice.
"""

from __future__ import annotations

import multiprocessing
import tempfile
import traceback
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from portfolio_shapes import Shape, many_shapes, report_period, shape_data, shapes, write_shape
from python_calamine import CalamineWorkbook

from pmo_xl.cli import main
from pmo_xl.report.sheets import GOVERNANCE_SHEETS, OPTIONAL_SHEETS, SCENARIO_SHEETS, SHEET_NAMES
from pmo_xl.usecases import load_portfolio, write_report

SHAPES = 20  # shapes Hypothesis draws (one after the other, shrinking a failure to its simplest shape)
MANY = 200  # further distinct shapes, a fixed draw, reported in two worker processes (about 1.4 s of CPU each)
FIXED = {
    "one project, first month": Shape(("Active",), 1, False, "month end", "status month", False, False, False, False, False),
    "1904 dates, all closed, after every finish": Shape(("Closed", "Cancelled"), 3, False, "after every finish",
                                                        "after the last progress month", True, True, True, True, True),
    "only proposals, nothing else": Shape(("Proposed",), 0, False, "blank", "before the first progress month",
                                          False, False, False, False, False),
}


def run_report(folder: Path, shape: Shape) -> Path:
    source = write_shape(folder / "PMO.xlsx", shape)
    portfolio = load_portfolio(source)
    typed = shape_data(shape)[1].get("status_date")
    if typed is not None:  # dates read back as typed, in either date system
        assert portfolio.settings.status_date == typed.date(), shape.describe()
    out = write_report(portfolio, folder / "report.xlsx", report_period(shape))
    book = CalamineWorkbook.from_path(str(out))
    # The project pages (and their index) are there only when a project has one.
    paged = "Project pages" in book.sheet_names
    # The shapes keep no scenarios and none of the registers beside the plan: none of their sheets.
    assert book.sheet_names == [n for n in SHEET_NAMES if (paged or n not in OPTIONAL_SHEETS) and n not in SCENARIO_SHEETS
                                and n not in GOVERNANCE_SHEETS], shape.describe()
    listed = {str(row[0]) for row in book.get_sheet_by_name("Portfolio").to_python() if row}
    accepted = set(portfolio.projects["project_id"].astype(str))
    assert accepted <= listed, (shape.describe(), accepted - listed)
    return out


@settings(max_examples=SHAPES, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(shape=shapes())
@example(shape=FIXED["one project, first month"])
@example(shape=FIXED["1904 dates, all closed, after every finish"])
@example(shape=FIXED["only proposals, nothing else"])
def test_every_shape_gets_the_whole_report(shape: Shape) -> None:
    with tempfile.TemporaryDirectory() as folder:
        run_report(Path(folder), shape)


def _report_or_failure(shape: Shape) -> str | None:
    """None when the shape gets its whole report; else the shape and the traceback."""
    try:
        with tempfile.TemporaryDirectory() as folder:
            run_report(Path(folder), shape)
    except Exception:  # noqa: BLE001 — every failure is collected and shown together
        return f"{shape.describe()}\n{traceback.format_exc()}"
    return None


def test_two_hundred_more_shapes_get_the_whole_report() -> None:
    shapes_drawn = many_shapes(MANY)
    assert len(set(shapes_drawn)) == MANY
    # fork: the workers inherit the test session's strict options (a failing computation raises)
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("fork")) as pool:
        failures = [f for f in pool.map(_report_or_failure, shapes_drawn, chunksize=10) if f is not None]
    assert not failures, f"{len(failures)} of {MANY} shapes failed; the first:\n{failures[0]}"


@pytest.mark.parametrize("name", sorted(FIXED))
def test_the_cli_reports_a_shape_with_exit_0_or_1(tmp_path: Path, name: str) -> None:
    source = write_shape(tmp_path / "PMO.xlsx", FIXED[name])
    assert main(["report", str(source), "-o", str(tmp_path / "out.xlsx"), "-q"]) in (0, 1)


def test_libreoffice_opens_the_reports_of_a_few_shapes(tmp_path: Path) -> None:
    from pmo_xl.report.pdf import convert_to_pdf, find_soffice

    if find_soffice() is None:
        import os

        if os.environ.get("PMO_REQUIRE_LIBREOFFICE"):
            pytest.fail("LibreOffice is required here (PMO_REQUIRE_LIBREOFFICE) but was not found")
        pytest.skip("LibreOffice is not installed")
    for k, name in enumerate(sorted(FIXED)):
        folder = tmp_path / str(k)
        folder.mkdir()
        pdf = convert_to_pdf(run_report(folder, FIXED[name]))
        assert pdf.stat().st_size > 1000, name
