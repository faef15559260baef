"""Collecting updates that carry the registers beside the plan: an update adds an action, answers a
decision and raises a change request; each shows in the merged workbook and in its report. Rows are
merged like risks: by ID, a row of another project refused at its cell."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from pmo_xl.collect import collect_updates
from pmo_xl.collect.form import UpdateData
from pmo_xl.collect.template import write_update_template
from pmo_xl.io.write_template import write_portfolio_workbook
from pmo_xl.options import RunOptions
from pmo_xl.pipeline import load, run_portfolio
from pmo_xl.report.model import build_report_model

D = dt.date
OCT = D(2026, 10, 1)
OPTIONS = RunOptions(strict=True, as_of=D(2026, 11, 30))


def _project(pid: str, manager: str) -> list[object]:
    return [pid, f"Project {pid}", "Digital", "IT", "Sam", manager, "Grow", "Active", "Execution", D(2026, 1, 1), D(2027, 6, 30),
            500000.0, None, None, None, None, "Green", 3, 3, 3, 3, 3, 3]


def _progress(pid: str) -> list[object]:
    return [pid, D(2026, 9, 1), 100000.0, 90000.0, None, 95000.0, None, "Green", "Green", "Green", "Green", None]


DATA = {
    "Projects": [_project("PRJ-001", "Ann Lee"), _project("PRJ-002", "Bo Chen")],
    "Progress": [_progress("PRJ-001"), _progress("PRJ-002")],
    "Decisions": [["DEC-1", "PRJ-001", "Approve the go-live date", "Ann Lee", D(2026, 11, 10), "Steering committee", "Nov or Jan",
                   None, None, "Pending"],
                  ["DEC-2", "PRJ-002", "Choose the vendor", "Bo Chen", D(2026, 11, 20), "Steering committee", "A or B", None, None, "Pending"]],
    "Actions": [["ACT-1", "PRJ-002", "Send the pack", "Bo Chen", D(2026, 9, 1), D(2026, 9, 30), None, "Open", "Meeting", None]],
}


def _update(pid: str, manager: str, **registers: list[dict[str, object]]) -> UpdateData:
    header = {"project_id": pid, "project_name": f"Project {pid}", "period": OCT, "manager": manager, "submitted": D(2026, 11, 4)}
    progress = {"pv": 120000.0, "ev": 110000.0, "ac": 115000.0, "rag_scope": "Green", "rag_schedule": "Green", "rag_cost": "Green",
                "rag_resources": "Green", "commentary": "On track."}
    return UpdateData(header, progress, registers=dict(registers))


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("collect")
    portfolio = write_portfolio_workbook(folder / "PMO.xlsx", DATA, {"status_date": D(2026, 10, 31)})
    box = folder / "updates"
    box.mkdir()
    write_update_template(box / "PRJ-001.xlsx", prefill=_update(
        "PRJ-001", "Ann Lee",
        Actions=[{"action_id": "ACT-7", "action": "Book the cut-over weekend", "owner": "Ann Lee", "raised": D(2026, 10, 2),
                  "due": D(2026, 10, 20), "status": "Open", "source": "Meeting"}],
        Decisions=[{"decision_id": "DEC-1", "decision": "Approve the go-live date", "requested_by": "Ann Lee", "decide_by": D(2026, 11, 10),
                    "forum": "Steering committee", "options": "Nov or Jan", "decided_on": D(2026, 10, 28), "outcome": "January",
                    "status": "Decided"}],
        **{"Change requests": [{"change_id": "CR-9", "title": "Add a data-migration rehearsal", "raised": D(2026, 10, 22),
                                "cost_impact": 25000.0, "schedule_impact_days": 10, "status": "Proposed"}]},
    ))
    write_update_template(box / "PRJ-002.xlsx", prefill=_update(
        "PRJ-002", "Bo Chen",
        Decisions=[{"decision_id": "DEC-1", "decision": "Sneaky", "status": "Withdrawn"}],  # PRJ-001's decision: refused
    ))
    result = collect_updates(box, portfolio, folder / "merged.xlsx", write_feedback_files=False, jobs=1)
    merged = load(folder / "merged.xlsx", OPTIONS)
    return result, merged


def test_the_update_shows_in_the_merged_workbook(collected):
    result, merged = collected
    actions = merged.registers["Actions"].set_index("action_id")
    assert actions.loc["ACT-7", "project_id"] == "PRJ-001" and actions.loc["ACT-7", "status"] == "Open"
    assert "ACT-1" in actions.index  # kept
    decision = merged.registers["Decisions"].set_index("decision_id").loc["DEC-1"]
    assert (decision["status"], decision["outcome"], decision["decided_on"]) == ("Decided", "January", pd.Timestamp(2026, 10, 28))
    change = merged.registers["Change requests"].set_index("change_id").loc["CR-9"]
    assert (change["project_id"], change["status"], change["cost_impact"]) == ("PRJ-001", "Proposed", 25000.0)
    files = {Path(f.path).name: f for f in result.files}
    assert files["PRJ-001.xlsx"].merged.added == {"Actions": 1, "Change requests": 1}
    assert files["PRJ-001.xlsx"].merged.updated == {"Decisions": 1}


def test_a_row_of_another_project_is_refused_at_its_cell(collected):
    result, merged = collected
    files = {Path(f.path).name: f for f in result.files}
    refused = [(i.sheet, i.row, i.column, i.code) for i in files["PRJ-002.xlsx"].issues if i.code == "id-of-other-project"]
    assert refused == [("Decisions", 2, "A", "id-of-other-project")]
    assert merged.registers["Decisions"].set_index("decision_id").loc["DEC-1", "project_id"] == "PRJ-001"


def test_the_update_shows_in_the_report(collected):
    _, merged = collected
    view = build_report_model(run_portfolio(merged, OPTIONS)).governance
    assert "ACT-7" in view.overdue_actions["action_id"].tolist()  # due 20 Oct, still open on 31 Oct
    assert view.decisions_taken["decision_id"].tolist() == ["DEC-1"]
    assert view.committee_decisions["decision_id"].tolist() == ["DEC-2"]  # DEC-1 is no longer waiting
    assert "CR-9" in view.change_requests.loc[view.change_requests["awaiting"], "change_id"].tolist()
