"""Nothing leaves silently (issue 21, item 4), each seen wrong before:

- a project with one bad cell (status 'Actve'; a finish before its start) disappeared from the
  report with exit 0 and no word on screen, while its allocations still loaded people (and named
  it as a cause of over-allocation), its milestone showed with a blank project name and Data
  Quality called its progress "not in the Projects register";
- a bad optional cell (a milestone forecast typed as text) dropped the whole row, so the
  dashboard undercounted slipped milestones.

The rule: a bad cell in an optional column is blanked with a warning at its cell and the row
stays; only a bad key or required cell leaves a row out. What is left out is said, with the
true reason, on the Dashboard, in Data Quality and in the CLI's closing summary; the rows that
depend on it leave with it, each saying so.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pmo_xl.checks.cascade import left_out, left_out_line
from pmo_xl.io.write_template import write_portfolio_workbook
from pmo_xl.model import Portfolio
from pmo_xl.pipeline import run_portfolio
from pmo_xl.report.model import ReportModel, build_report_model
from pmo_xl.usecases import load_portfolio

D = dt.datetime
STATUS = D(2026, 3, 31)
FINISH = D(2026, 12, 31)


def project(pid: str, status: str = "Active", finish: dt.datetime = FINISH) -> list[object]:
    return [pid, f"Project {pid}", "Digital", "HR", "Sponsor", "Manager", "Run", status, "Execution",
            D(2026, 1, 5), finish, 100000.0, None, None, None, None, "Green", 3, 3, 3, 3, 3, 3]


def allocation(pid: str, rid: str = "RES-001") -> list[object]:
    return [pid, rid, "Developer", D(2026, 3, 2), D(2026, 3, 31), 300.0, None, None, "Committed", None]


def progress(pid: str) -> list[object]:
    return [pid, D(2026, 3, 1), 1000.0, 900.0, None, 950.0, None, None, None, None, None, "ok"]


def milestone(pid: str, forecast: object) -> list[object]:
    return [pid, "Go live", D(2026, 2, 27), forecast, None, None]


def person(rid: str, hours: object = 40.0) -> list[object]:
    return [rid, f"Person {rid}", "Developer", "Web", 1, hours, None, None, None, None, 60.0]


def workbook(tmp_path: Path) -> Path:
    """PRJ-001 is fine; PRJ-007's status is 'Actve' (row 3); PRJ-008 finishes before it starts (row 4).
    Each has an allocation, progress, a risk and a milestone; PRJ-001's milestone forecast is text."""
    ids = ("PRJ-001", "PRJ-007", "PRJ-008")
    data = {
        "Projects": [project("PRJ-001"), project("PRJ-007", "Actve"), project("PRJ-008", finish=D(2025, 12, 1))],
        "Resources": [person("RES-001")],
        "Allocations": [allocation(pid) for pid in ids],
        "Progress": [progress(pid) for pid in ids],
        "Risks": [[f"R-{k}", pid, "Supplier late", "External", "Owner", 4, 4, 5000.0, "Mitigate", "Open", D(2026, 1, 10), None]
                  for k, pid in enumerate(ids, 1)],
        "Milestones": [milestone("PRJ-001", "2026-03-15x"), milestone("PRJ-007", D(2026, 3, 20)), milestone("PRJ-008", None)],
    }
    return write_portfolio_workbook(tmp_path / "PMO.xlsx", data, {"status_date": STATUS})


def model_of(portfolio: Portfolio) -> ReportModel:
    return build_report_model(run_portfolio(portfolio))


@pytest.fixture
def portfolio(tmp_path: Path) -> Portfolio:
    return load_portfolio(workbook(tmp_path))


def test_a_bad_optional_cell_is_blanked_and_the_row_stays(portfolio: Portfolio) -> None:
    milestones = portfolio.milestones
    assert milestones["project_id"].tolist() == ["PRJ-001"]  # the row with the text forecast is kept
    assert milestones["forecast_date"].isna().all()
    issue = next(i for i in portfolio.issues if i.sheet == "Milestones" and i.row == 2)
    assert (issue.code, str(issue.severity), issue.column) == ("not-a-date", "warning", "D")
    assert "read as blank and the row is kept" in issue.message


def test_a_bad_required_cell_still_leaves_its_row_out(portfolio: Portfolio) -> None:
    assert portfolio.projects["project_id"].tolist() == ["PRJ-001"]
    status = next(i for i in portfolio.issues if i.sheet == "Projects" and i.row == 3)
    assert (status.code, str(status.severity)) == ("not-allowed", "error")


def test_the_rows_of_a_left_out_project_leave_with_it_and_say_so(portfolio: Portfolio) -> None:
    for register in ("Allocations", "Progress", "Risks", "Milestones"):
        assert set(portfolio.registers[register]["project_id"]) == {"PRJ-001"}, register  # never half in
        assert portfolio.rejected[register] == [3, 4], register
    cascaded = {(i.sheet, i.row, i.column): i.message for i in portfolio.issues if i.code == "left-out-with-parent"}
    assert cascaded[("Allocations", 3, "A")] == "Left out because PRJ-007 was left out ('Projects'!H3) — fix that row and this one counts again"
    assert "PRJ-008 was left out ('Projects'!K4)" in cascaded[("Milestones", 4, "A")]
    assert len(cascaded) == 8
    # never "not in the register": the project is there, with an error
    assert not [i for i in portfolio.issues if i.code in ("unknown-reference", "unknown-project")]


def test_left_out_projects_are_listed_with_the_true_reason(portfolio: Portfolio) -> None:
    items = left_out(portfolio)
    assert [(i.key, i.reason) for i in items] == [
        ("PRJ-007", "status 'Actve' at 'Projects'!H3"),
        ("PRJ-008", "planned finish 2025-12-01 at 'Projects'!K4, finish-before-start"),
    ]
    assert items[0].dependents == {"Allocations": 1, "Progress": 1, "Risks": 1, "Milestones": 1}
    assert left_out_line(items).startswith(
        "2 projects left out of the figures: PRJ-007 (status 'Actve' at 'Projects'!H3; with 1 allocation, 1 progress row, 1 risk, "
        "1 milestone); PRJ-008 (")


def test_nothing_of_a_left_out_project_reaches_the_figures(portfolio: Portfolio) -> None:
    model = model_of(portfolio)
    assert model.resources is not None
    demand = model.resources.heatmap  # one person, one project's 300 h in March (3 × 300 before)
    march = [c for c in demand.columns if getattr(c, "month", None) == 3]
    assert march and float(demand[march[0]].iloc[0]) < 2.0
    assert model.milestones is not None and set(model.milestones.table["project_id"]) == {"PRJ-001"}
    data_quality = model.data_quality.issues
    assert not data_quality["message"].str.contains("not in the Projects register").any()


def test_the_dashboard_lists_what_was_left_out_first(portfolio: Portfolio) -> None:
    exceptions = model_of(portfolio).exceptions
    left = exceptions[exceptions["kind"] == "Left out"]
    assert left["id"].tolist() == ["PRJ-007", "PRJ-008"]
    assert exceptions.index[exceptions["kind"] == "Left out"].tolist() == [0, 1]
    assert left["reason"].iloc[0].startswith("status 'Actve' at 'Projects'!H3; with 1 allocation")


def test_a_left_out_person_takes_their_allocations_along(tmp_path: Path) -> None:
    data = {"Projects": [project("PRJ-001")], "Resources": [person("RES-001"), person("RES-002", hours=-5)],
            "Allocations": [allocation("PRJ-001", "RES-001"), allocation("PRJ-001", "RES-002")]}
    portfolio = load_portfolio(write_portfolio_workbook(tmp_path / "PMO.xlsx", data, {"status_date": STATUS}))
    # hours per week is optional: -5 is blanked with a warning and RES-002 stays
    assert set(portfolio.resources["resource_id"]) == {"RES-001", "RES-002"}
    data["Resources"][1] = ["RES-002", None, "Developer", "Web", 1, None, None, None, None, None, 60.0]  # the name is required
    portfolio = load_portfolio(write_portfolio_workbook(tmp_path / "PMO2.xlsx", data, {"status_date": STATUS}))
    assert portfolio.allocations["resource_id"].tolist() == ["RES-001"]
    assert [(i.key, i.dependents) for i in left_out(portfolio)] == [("RES-002", {"Allocations": 1})]
    assert left_out_line(left_out(portfolio), "Resources").startswith("1 person left out of the figures: RES-002 (name blank at")


def test_data_quality_lists_what_was_left_out_first(portfolio: Portfolio, tmp_path: Path) -> None:
    from python_calamine import CalamineWorkbook

    from pmo_xl.report.write import write_report_model

    model = model_of(portfolio)
    table = model.data_quality.left_out_items
    assert table[["what", "id", "sheet", "with_it", "address"]].values.tolist() == [
        ["Project", "PRJ-007", "Projects", 4, "'Projects'!H3"], ["Project", "PRJ-008", "Projects", 4, "'Projects'!K4"]]
    rows = CalamineWorkbook.from_path(str(write_report_model(model, tmp_path / "report.xlsx"))).get_sheet_by_name("Data Quality").to_python()
    assert rows[3][0].startswith("Left out of every figure (2)")
    assert [r[1] for r in rows[5:7]] == ["PRJ-007", "PRJ-008"]
