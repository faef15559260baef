"""A new PMO's first reports: one project, the first month or two of progress, `--period` at the
start of the portfolio. These crashed before (`Cannot cast DatetimeArray to dtype float64`: no
update exists before the first reported month)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pmo_xl.cli import main
from pmo_xl.io.write_template import write_portfolio_workbook
from pmo_xl.report.sheets import GOVERNANCE_SHEETS, OPTIONAL_SHEETS, SCENARIO_SHEETS, SHEET_NAMES

# openpyxl drops the sparklines it cannot read, and says so
pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group extension is not supported")

D = dt.datetime
# every sheet the report always writes, in its order (project pages come only when a project has one,
# the Scenarios sheet only when the workbook holds scenarios, the RAID, Benefits, alignment and Lessons
# sheets only when their registers are kept, which a new PMO's are not)
SHEETS = [name for name in SHEET_NAMES if name not in OPTIONAL_SHEETS and name not in SCENARIO_SHEETS
          and name not in GOVERNANCE_SHEETS]
PROJECT = ["PRJ-001", "Intranet refresh", "Digital", "HR", "Sponsor", "Manager", "Run", "Active", "Execution",
           D(2026, 1, 5), D(2026, 6, 30), 60000, None, None, None, None, "Green", 3, 3, 3, 3, 3, 3]
RESOURCE = ["RES-001", "Ann Lee", "Developer", "Web", 1, None, None, None, None, None, 60]
ALLOCATION = ["PRJ-001", "RES-001", "Developer", D(2026, 1, 5), D(2026, 6, 30), 500, None, None, "Committed", None]


def progress(months: int) -> list[list[object]]:
    return [["PRJ-001", D(2026, m, 1), 10000 * m, 9000 * m, None, 9500 * m, None, None, None, None, None, f"month {m}"]
            for m in range(1, months + 1)]


def portfolio(path: Path, months: int) -> Path:
    status = D(2026, months + 1, 1) - dt.timedelta(days=1)
    data = {"Projects": [PROJECT], "Resources": [RESOURCE], "Allocations": [ALLOCATION], "Progress": progress(months)}
    return write_portfolio_workbook(path, data, {"status_date": status})


def report(path: Path, *options: str) -> openpyxl.Workbook:
    out = path.with_name(path.stem + "-report.xlsx")
    assert main(["report", str(path), "-o", str(out), "-q", *options]) == 0
    book = openpyxl.load_workbook(out)
    assert [name for name in book.sheetnames if name not in OPTIONAL_SHEETS] == SHEETS
    return book


@pytest.mark.parametrize("months", [1, 2])
def test_first_and_second_month_of_a_new_portfolio(tmp_path: Path, months: int) -> None:
    book = report(portfolio(tmp_path / "PMO.xlsx", months))
    ids = [row[0] for row in book["Portfolio"].iter_rows(values_only=True)]
    assert "PRJ-001" in ids


@pytest.mark.parametrize("period", ["2026-01", "2026-02", "2025-12", "2026-09"])
def test_period_at_the_start_before_and_after_the_progress(tmp_path: Path, period: str) -> None:
    book = report(portfolio(tmp_path / "PMO.xlsx", 6), "--period", period)
    assert f"Monthly report {pd.Timestamp(period).strftime('%B %Y')}" in book["Dashboard"]["A2"].value
    assert "PRJ-001" in [row[0] for row in book["Portfolio"].iter_rows(values_only=True)]
