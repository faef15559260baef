"""The report's RAID, Benefits, Strategic alignment and Lessons figures against hand-computed
values on a small text-first portfolio (status date 2026-10-31), and the lessons on project pages."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from test_governance_registers import settings_rows
from test_validation_cells import D, project, tables

from pmo_xl.options import RunOptions
from pmo_xl.pipeline import load_tables, run_portfolio
from pmo_xl.report.model import build_report_model
from pmo_xl.report.write import write_report_model

OPTIONS = RunOptions(strict=True, as_of=dt.date(2026, 11, 30))


def progress(pid: str, **values: object) -> dict[str, object]:
    return {"project_id": pid, "period": "2026-10", "pv": 50_000, "ev": 50_000, "ac": 50_000, **values}


def raw():
    return tables(
        Settings=settings_rows(status_date="2026-10-31"),
        Projects=[project("P1", category="Grow", programme="Digital", bac=100_000.0),
                  project("P2", category="Run", programme="Ops", bac=200_000.0),
                  project("P3", category="Grow", programme="Digital", status="Closed"),
                  project("P4", category="Grow", programme="Ops", status="Proposed", bac=40_000.0),
                  project("P5", category="Transform", programme="Digital", bac=70_000.0)],
        Progress=[progress("P1"), progress("P2", rag_schedule="Red"), progress("P5")],
        Objectives=[{"objective_id": "O1", "objective": "Grow"}, {"objective_id": "O2", "objective": "Save", "weight": 2},
                    {"objective_id": "O3", "objective": "Comply"}],
        Contributions=[{"project_id": "P1", "objective_id": "O1"}, {"project_id": "P2", "objective_id": "O1"},
                       {"project_id": "P2", "objective_id": "O2"}, {"project_id": "P4", "objective_id": "O2"}],
        Benefits=[
            {"benefit_id": "B1", "project_id": "P1", "benefit": "Sales", "objective_id": "O1", "baseline_value": 0, "target_value": 100,
             "realisation_from": D(2026, 1, 1), "target_date": D(2026, 12, 31)},
            {"benefit_id": "B2", "project_id": "P2", "benefit": "Cost", "objective_id": "O2", "baseline_value": 10, "target_value": 20,
             "realisation_from": D(2027, 1, 1), "target_date": D(2027, 12, 31)},
            {"benefit_id": "B3", "project_id": "P1", "benefit": "Handling time", "objective_id": "O1", "baseline_value": 50,
             "target_value": 30, "realisation_from": D(2026, 7, 1), "target_date": D(2026, 12, 28)},
            {"benefit_id": "B4", "project_id": "P5", "benefit": "NPS", "target_value": 5, "realisation_from": D(2026, 5, 1),
             "target_date": D(2026, 9, 30)},
        ],
        **{"Benefit progress": [{"benefit_id": "B1", "period": "2026-09", "realised_value": 80},
                                {"benefit_id": "B1", "period": "2026-10", "realised_value": 70},
                                {"benefit_id": "B3", "period": "2026-10", "realised_value": 36}],
           "Issue log": [
               {"issue_id": "I1", "project_id": "P1", "title": "a", "raised": D(2026, 10, 25), "priority": "High", "status": "Open"},
               {"issue_id": "I2", "project_id": "P1", "title": "b", "raised": D(2026, 10, 1), "priority": "High", "status": "In progress"},
               {"issue_id": "I3", "project_id": "P2", "title": "c", "raised": D(2026, 7, 1), "priority": "Medium", "status": "Open"},
               {"issue_id": "I4", "project_id": "P2", "title": "d", "raised": D(2026, 7, 1), "priority": "Low", "status": "Resolved",
                "resolved_date": D(2026, 8, 1)}],
           "Change requests": [
               {"change_id": "CR1", "project_id": "P1", "title": "x", "cost_impact": 10_000, "schedule_impact_days": 20, "status": "Approved",
                "decided_on": D(2026, 10, 1)},
               {"change_id": "CR2", "project_id": "P1", "title": "y", "cost_impact": -2_000, "schedule_impact_days": 5, "status": "Implemented",
                "decided_on": D(2026, 9, 1)},
               {"change_id": "CR3", "project_id": "P2", "title": "z", "cost_impact": 50_000, "status": "Proposed"},
               {"change_id": "CR4", "project_id": "P2", "title": "w", "status": "Assessed"},
               {"change_id": "CR5", "project_id": "P2", "title": "v", "cost_impact": 9_000, "status": "Rejected", "decided_on": D(2026, 10, 2)}]},
        Actions=[
            {"action_id": "A1", "project_id": "P1", "action": "a", "due": D(2026, 10, 20), "status": "Open"},
            {"action_id": "A2", "project_id": "P2", "action": "b", "due": D(2026, 9, 30), "status": "In progress"},
            {"action_id": "A3", "project_id": "P2", "action": "c", "due": D(2026, 9, 30), "status": "Done", "done_date": D(2026, 9, 29)},
            {"action_id": "A4", "project_id": "P1", "action": "d", "due": D(2026, 11, 15), "status": "Open"}],
        Decisions=[
            {"decision_id": "D1", "project_id": "P1", "decision": "a", "decide_by": D(2026, 11, 20), "forum": "Steering committee", "status": "Pending"},
            {"decision_id": "D2", "project_id": "P2", "decision": "b", "decide_by": D(2026, 10, 15), "forum": "Steering committee", "status": "Pending"},
            {"decision_id": "D3", "project_id": "P1", "decision": "c", "decide_by": D(2026, 11, 5), "forum": "Project board", "status": "Pending"},
            {"decision_id": "D4", "project_id": "P2", "decision": "d", "decide_by": D(2026, 12, 15), "forum": "Steering committee", "status": "Pending"},
            {"decision_id": "D5", "project_id": "P1", "decision": "e", "decide_by": D(2026, 10, 1), "forum": "Steering committee", "status": "Decided",
             "decided_on": D(2026, 9, 30)}],
        Lessons=[
            {"lesson_id": "L1", "project_id": "P3", "what_happened": "a", "recommendation": "r1", "category": "Planning", "applies_to": "Category"},
            {"lesson_id": "L2", "project_id": "P1", "what_happened": "b", "recommendation": "r2", "category": "Risk", "applies_to": "All projects"},
            {"lesson_id": "L3", "project_id": "P2", "what_happened": "c", "recommendation": "r3", "tags": "supplier, Digital"},
            {"lesson_id": "L4", "project_id": "P5", "what_happened": "d", "recommendation": "r4", "applies_to": "Programme", "applies_to_name": "ops"},
            {"lesson_id": "L5", "project_id": "P2", "what_happened": "e", "recommendation": "r5", "tags": "Transform"}],
    )


@pytest.fixture(scope="module")
def model():
    portfolio = load_tables(raw(), options=OPTIONS)
    assert not [i for i in portfolio.issues if i.severity.value == "error"], portfolio.issues
    return build_report_model(run_portfolio(portfolio, OPTIONS), project_pages="all")


def test_raid_figures(model):
    view = model.governance
    by_priority = view.issues_by_priority.set_index("priority")
    assert by_priority.loc["High", ["open", "0-30 days", "over_limit", "oldest_days"]].tolist() == [2, 2, 1, 30]
    assert by_priority.loc["Medium", ["open", "over 90 days", "over_limit", "oldest_days"]].tolist() == [1, 1, 1, 122]
    assert by_priority.loc["Low", "open"] == 0
    assert view.open_issues["issue_id"].tolist() == ["I2", "I1", "I3"]
    assert view.overdue_actions[["action_id", "days_late"]].values.tolist() == [["A2", 31], ["A1", 11]]
    assert view.committee_decisions[["decision_id", "days_left"]].values.tolist() == [["D2", -16], ["D1", 20], ["D4", 45]]
    assert view.change_requests["change_id"].tolist()[:2] == ["CR3", "CR4"]  # awaiting approval first
    plan = view.plan_changes.set_index("project_id")
    assert plan.loc["P1", ["bac", "cost_change", "bac_after", "days_change"]].tolist() == [100_000, 8_000, 108_000, 25]
    assert plan.loc["P1", "finish_after"] == D(2027, 1, 25) and plan.loc["P1", "changes"] == "CR1, CR2"
    assert list(plan.index) == ["P1"]  # proposed, assessed and rejected changes change no plan


def test_benefits_figures(model):
    benefits = model.governance.benefits.set_index("benefit_id")
    assert benefits.loc["B1", "planned_share"] == pytest.approx(303 / 364)
    assert benefits.loc["B1", "planned_value"] == pytest.approx(100 * 303 / 364)
    assert benefits.loc["B1", "realised_value"] == 70 and benefits.loc["B1", "realised_share"] == pytest.approx(0.7)
    assert benefits.loc["B3", "planned_share"] == pytest.approx(122 / 180)
    assert benefits.loc["B3", "realised_share"] == pytest.approx(0.7)  # (36 − 50) / (30 − 50): a decrease counts the same way
    assert benefits["behind"].to_dict() == {"B1": True, "B2": False, "B3": False, "B4": True}
    assert benefits["at_risk"].to_dict() == {"B1": True, "B2": True, "B3": False, "B4": True}  # B2: project P2 is Red
    assert benefits.loc["B2", "at_risk_reason"] == "project Red" and benefits.loc["B4", "at_risk_reason"] == "not measured"
    assert benefits.loc["B1", "at_risk_reason"] == "70% of the change realised, 83% planned"
    o1 = model.governance.objectives.set_index("objective_id").loc["O1"]
    assert o1["planned_share"] == pytest.approx((303 / 364 + 122 / 180) / 2) and o1["realised_share"] == pytest.approx(0.7)
    assert o1["behind"] == 1


def test_alignment_figures(model):
    objectives = model.governance.objectives.set_index("objective_id")
    assert objectives[["projects", "active_projects", "budget"]].values.tolist() == [[2, 2, 300_000], [2, 1, 240_000], [0, 0, 0]]
    assert model.governance.objectives_without_active["objective_id"].tolist() == ["O3"]
    assert model.governance.unaligned["project_id"].tolist() == ["P5"]  # P3 is closed


def test_dashboard_tiles(model):
    tiles = {k.key: k.value for k in model.kpis}
    assert (tiles["decisions_due"], tiles["actions_overdue"], tiles["changes_awaiting"], tiles["benefits_at_risk"]) == (3, 2, 2, 3)


def test_lessons_reach_the_projects_they_apply_to_and_no_other(model):
    pages = {p.project_id: [lesson[0] for lesson in p.lessons] for p in model.project_pages.pages}
    assert pages == {"P1": ["L1", "L3"], "P2": ["L4", "L2"], "P5": ["L3", "L5", "L2"]}  # the ones for all projects last
    run = run_portfolio(load_tables(raw(), options=OPTIONS), OPTIONS)
    applies = run.results.governance.lessons_for(["P1", "P2", "P3", "P4", "P5"])
    by_lesson = applies.groupby("lesson_id")["project_id"].apply(sorted).to_dict()
    assert by_lesson["L1"] == ["P1", "P4"]  # category Grow (its own project's), not P3 that learned it
    assert by_lesson["L5"] == ["P5"]  # tagged for the category Transform: every project of it, and no other
    assert by_lesson["L2"] == ["P2", "P3", "P4", "P5"]
    assert by_lesson["L4"] == ["P2", "P4"]  # programme named 'ops', as Excel compares names
    assert by_lesson["L3"] == ["P1", "P3", "P5"]


def test_the_sheets_are_written(model, tmp_path):
    out = write_report_model(model, tmp_path / "r.xlsx")
    book = openpyxl.load_workbook(out)
    for name in ("RAID", "Benefits", "Strategic alignment", "Lessons"):
        assert name in book.sheetnames
    raid = book["RAID"]
    table = raid.tables["tblCommitteeDecisions"]
    cells = raid[table.ref]
    assert [row[2].value for row in cells[1:]] == ["D2", "D1", "D4"]
    assert "L1 (P3, Category Grow): r1" in "".join(str(c.value) for row in book["Project pages"].iter_rows() for c in row if c.value)


def test_a_workbook_without_the_registers_gets_none_of_the_sheets(tmp_path):
    portfolio = load_tables(tables(Settings=settings_rows(status_date="2026-10-31"), Projects=[project("P1")], Progress=[progress("P1")]),
                            options=OPTIONS)
    model = build_report_model(run_portfolio(portfolio, OPTIONS))
    assert not [k for k in model.kpis if k.key in ("decisions_due", "benefits_at_risk")]
    book = openpyxl.load_workbook(write_report_model(model, tmp_path / "r.xlsx"))
    assert not {"RAID", "Benefits", "Strategic alignment", "Lessons"} & set(book.sheetnames)


def test_only_some_registers_kept_only_their_sheets(tmp_path):
    portfolio = load_tables(tables(Settings=settings_rows(status_date="2026-10-31"), Projects=[project("P1")], Progress=[progress("P1")],
                                   Actions=[{"action_id": "A1", "project_id": "P1", "action": "a", "due": D(2026, 10, 20), "status": "Open"}]),
                            options=OPTIONS)
    model = build_report_model(run_portfolio(portfolio, OPTIONS))
    assert {k.key: k.value for k in model.kpis}["actions_overdue"] == 1
    book = openpyxl.load_workbook(write_report_model(model, tmp_path / "r.xlsx"))
    assert {"RAID"} == {"RAID", "Benefits", "Strategic alignment", "Lessons"} & set(book.sheetnames)
