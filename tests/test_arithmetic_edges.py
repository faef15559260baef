"""Edges of the arithmetic a real month reaches (issue 21, item 5), each seen wrong before:

- a person planned at exactly 100 % was over-allocated by 8.5e-14 h (hours are float sums) and
  counted on the dashboard;
- when actual cost passed the budget with work remaining, TCPI went blank, dropped out of the
  RAG, and a project Red last month turned Amber with an "improved" arrow;
- completed projects showed TCPI 0 when under budget and blank when over;
- a reason read "SPI(t) 1.10 above 1.05" for 1.0987, where the Red threshold is 1.10.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from test_loading import alloc, person
from test_loading import portfolio as loading_portfolio

from pmo_xl.compute.earned_value.rag import Band, classify
from pmo_xl.compute.loading import compute_loading
from pmo_xl.io.write_template import write_portfolio_workbook
from pmo_xl.report.model import ReportModel, build_report_model
from pmo_xl.report.model_views import BETTER
from pmo_xl.report.write import write_report_model
from pmo_xl.usecases import validate_file

pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group extension is not supported")

D = dt.datetime
MARCH_HOURS = 176.0  # 22 working days of 8 h in March 2026
START, FINISH = D(2025, 9, 1), D(2026, 6, 30)


def project(pid: str, bac: float, start: dt.datetime = START, finish: dt.datetime = FINISH) -> list[object]:
    return [pid, f"Project {pid}", "Digital", "HR", "Sponsor", "Manager", "Run", "Active", "Execution",
            start, finish, bac, None, None, None, None, "Green", 3, 3, 3, 3, 3, 3]


def progress(pid: str, month: int, pv: float, ev: float, ac: float, *pm_rags: str | None) -> list[object]:
    rags = (list(pm_rags) + [None] * 4)[:4]
    return [pid, D(2026, month, 1), pv, ev, None, ac, None, *rags, "commentary"]


def model_of(tmp_path: Path, data: dict[str, list[list[object]]], status: dt.datetime) -> ReportModel:
    path = write_portfolio_workbook(tmp_path / "PMO.xlsx", data, {"status_date": status})
    return build_report_model(validate_file(path))


def row(frame, pid: str):  # noqa: ANN001, ANN201 — a DataFrame row by project ID
    rows = frame[frame["project_id"] == pid]
    assert len(rows) == 1, pid
    return rows.iloc[0]


# --- hours: over-allocated means more than capacity by at least 0.01 h ------------------------


def thirteen_shares(tmp_path: Path, extra: float) -> ReportModel:
    """One person, 13 projects sharing exactly her March capacity (176/13 h each), plus `extra` h."""
    ids = [f"PRJ-{i:03d}" for i in range(1, 14)]
    allocations = [[pid, "RES-001", "Developer", D(2026, 3, 2), D(2026, 3, 31), MARCH_HOURS / 13 + (extra if k == 0 else 0.0),
                    None, None, "Committed", None] for k, pid in enumerate(ids)]
    data = {"Projects": [project(pid, 1000, D(2026, 3, 1), D(2026, 3, 31)) for pid in ids],
            "Resources": [["RES-001", "Ann Lee", "Developer", "Web", 1, None, None, None, None, None, 60]],
            "Allocations": allocations}
    return model_of(tmp_path, data, D(2026, 3, 31))


def test_thirteen_shares_of_capacity_add_up_to_a_hair_over_it() -> None:
    """The premise of the next test: the float sum really is above capacity."""
    people = [person("R1")]
    allocations = [alloc(f"P{i}", "R1", "2026-03-02", "2026-03-31", MARCH_HOURS / 13) for i in range(13)]
    result, _ = compute_loading(loading_portfolio(people, allocations), "Month")
    demand = result.resource_load["demand_hours"].iloc[0]
    assert demand > MARCH_HOURS and demand - MARCH_HOURS < 1e-12
    assert result.overallocations.empty


def test_a_person_planned_at_exactly_capacity_is_not_over_allocated(tmp_path: Path) -> None:
    model = thirteen_shares(tmp_path, 0.0)
    assert model.resources is not None and model.resources.overallocations.empty
    assert next(k for k in model.kpis if k.key == "over").value == 0
    assert "Over-allocated" not in set(model.exceptions["kind"])


@pytest.mark.parametrize(("extra", "listed"), [(0.009, False), (0.01, True)])
def test_over_allocation_starts_a_hundredth_of_an_hour_above_capacity(extra: float, listed: bool) -> None:
    people = [person("R1")]
    allocations = [alloc(f"P{i}", "R1", "2026-03-02", "2026-03-31", MARCH_HOURS / 13 + (extra if i == 0 else 0)) for i in range(13)]
    result, _ = compute_loading(loading_portfolio(people, allocations), "Month")
    assert (len(result.overallocations) == 1) is listed


def test_no_capacity_with_a_trace_of_demand_is_not_over_allocated() -> None:
    people = [person("R1", available_from=dt.date(2026, 4, 1))]
    result, _ = compute_loading(loading_portfolio(people, [alloc("P1", "R1", "2026-03-02", "2026-03-31", 0.001)]), "Month")
    assert result.overallocations.empty


def test_an_over_allocation_reason_prints_the_digits_that_make_it_one(tmp_path: Path) -> None:
    model = thirteen_shares(tmp_path, 0.4)
    reason = row(model.exceptions.rename(columns={"id": "project_id"}), "RES-001")["reason"]
    # "100% of capacity (176 h of 176 h)" before: an over-allocation that reads as none
    assert reason.startswith("100.2% of capacity (176.4 h of 176 h)"), reason


# --- TCPI: unachievable is Red; complete work shows it one way --------------------------------


def overspent(tmp_path: Path) -> ReportModel:
    """PRJ-001 is Red in January on TCPI 1.5 (CPI Amber); in February AC passes BAC with 5 % of the
    work left. PRJ-002 finished under budget, PRJ-003 over budget."""
    data = {
        "Projects": [project("PRJ-001", 100000), project("PRJ-002", 100000), project("PRJ-003", 100000)],
        "Progress": [progress("PRJ-001", 1, 85000, 85000, 90000), progress("PRJ-001", 2, 95000, 95000, 101000),
                     progress("PRJ-002", 1, 100000, 100000, 90000), progress("PRJ-002", 2, 100000, 100000, 90000),
                     progress("PRJ-003", 1, 100000, 100000, 104000), progress("PRJ-003", 2, 100000, 100000, 104000)],
    }
    return model_of(tmp_path, data, D(2026, 2, 28))


def test_tcpi_with_the_budget_spent_and_work_remaining_is_unachievable_and_red(tmp_path: Path) -> None:
    model = overspent(tmp_path)
    assert model.earned_value is not None
    metrics = row(model.earned_value.metrics, "PRJ-001")
    assert metrics["tcpi_bac"] == "unachievable"
    assert metrics["rag_tcpi"] == "Red" and metrics["rag_tcpi_reason"] == "TCPI unachievable (budget spent, work remaining)"
    portfolio = row(model.portfolio, "PRJ-001")
    # Red last month (TCPI 1.50), Red now: never "Amber, improved" because the figure went blank
    assert (portfolio["rag_previous"], portfolio["rag_overall"]) == ("Red", "Red")
    assert portfolio["trend"] != BETTER
    assert "TCPI unachievable" in portfolio["overall_reason"]


def test_completed_projects_show_tcpi_one_way_under_or_over_budget(tmp_path: Path) -> None:
    model = overspent(tmp_path)
    assert model.earned_value is not None
    for pid in ("PRJ-002", "PRJ-003"):  # 0 under budget and blank over budget, before
        metrics = row(model.earned_value.metrics, pid)
        assert np.isnan(metrics["tcpi_bac"]) and np.isnan(metrics["tcpi_eac"]), pid
        assert pd.isna(metrics["rag_tcpi"]) and metrics["rag_tcpi_reason"] == "TCPI not needed (work complete)", pid


def test_the_earned_value_sheet_says_unachievable(tmp_path: Path) -> None:
    model = overspent(tmp_path)
    out = write_report_model(model, tmp_path / "report.xlsx")
    sheet = openpyxl.load_workbook(out)["Earned Value"]
    cells = [(c.row, c.column) for line in sheet.iter_rows() for c in line if c.value == "unachievable"]
    assert cells, "TCPI 'unachievable' is not on the Earned Value sheet"
    header_row = next(r for r in range(1, sheet.max_row + 1) if any(sheet.cell(r, c).value == "Project ID" for c in range(1, 5)))
    tcpi_col = next(c for c in range(1, sheet.max_column + 1) if sheet.cell(header_row, c).value == "TCPI")
    assert (next(r for r in range(header_row, sheet.max_row + 1) if sheet.cell(r, 1).value == "PRJ-001"), tcpi_col) in cells


def test_the_portfolio_roll_up_rates_an_overspent_portfolio_red(tmp_path: Path) -> None:
    data = {"Projects": [project("PRJ-001", 100000)],
            "Progress": [progress("PRJ-001", 2, 95000, 95000, 101000)]}
    model = model_of(tmp_path, data, D(2026, 2, 28))
    assert model.earned_value is not None
    rollup = model.earned_value.rollup
    portfolio = rollup[rollup["level"] == "portfolio"].iloc[0]
    assert portfolio["tcpi_bac"] == "unachievable" and portfolio["rag"] == "Red"


# --- trend arrows: a rating that disappears is not an improvement ----------------------------


def test_a_rating_that_became_undefined_never_reads_as_improved(tmp_path: Path) -> None:
    """January: the PM reports cost Red. February: the PM leaves the cost rating blank and every
    index is Green. The overall falls from Red to Green only because a rating went missing."""
    data = {"Projects": [project("PRJ-001", 100000)],
            "Progress": [progress("PRJ-001", 1, 40000, 40000, 40000, None, None, "Red"),
                         progress("PRJ-001", 2, 50000, 50000, 50000)]}
    model = model_of(tmp_path, data, D(2026, 2, 28))
    portfolio = row(model.portfolio, "PRJ-001")
    assert (portfolio["rag_previous"], portfolio["rag_overall"]) == ("Red", "Green")
    assert portfolio["trend"] == ""
    assert "no trend: PM cost not rated this month" in portfolio["overall_reason"]


def test_a_real_improvement_still_gets_its_arrow(tmp_path: Path) -> None:
    data = {"Projects": [project("PRJ-001", 100000)],
            "Progress": [progress("PRJ-001", 1, 40000, 40000, 40000, None, None, "Red"),
                         progress("PRJ-001", 2, 50000, 50000, 50000, None, None, "Green")]}
    portfolio = row(model_of(tmp_path, data, D(2026, 2, 28)).portfolio, "PRJ-001")
    assert (portfolio["rag_previous"], portfolio["rag_overall"], portfolio["trend"]) == ("Red", "Green", BETTER)


# --- reasons print enough digits to agree with every threshold -------------------------------


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (1.0987, "SPI(t) 1.099 above 1.05"),  # "1.10 above 1.05" before, beside a Red threshold of 1.10
        (0.9004, "SPI(t) 0.9004 below 0.95"),  # printed "0.90", the Red threshold
        (0.9496, "SPI(t) 0.9496 below 0.95"),
        (1.10, "SPI(t) 1.10 above 1.05"),  # exactly the threshold prints as it
        (1.07, "SPI(t) 1.07 above 1.05"),
    ],
)
def test_a_reason_never_prints_a_value_equal_to_a_threshold_it_is_not(value: float, reason: str) -> None:
    _, reasons = classify(np.array([value]), Band("SPI(t)", 0.90, 0.95, 1.05, 1.10))
    assert reasons[0] == reason


def test_thresholds_print_as_typed() -> None:
    _, reasons = classify(np.array([1.08]), Band("CPI", 0.9, 0.95, 1.075, 1.1))
    assert reasons[0] == "CPI 1.08 above 1.075"
