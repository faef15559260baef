"""One rule engine: a bad row gets the same code, severity and message whether it is typed in the
portfolio workbook (`pmo-xl validate`) or sent in a PM update (`collect`); only the place differs.

The same bad rows are written twice: into the registers of a portfolio workbook, checked by the
pipeline, and into PM updates, validated by collect against the portfolio without them. Every
shared row-level check that applies to an update's rows has a case here (`UPDATE_CHECKS`), and
the rows with an error are the rows collect refuses.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pmo_xl.collect.checking import UPDATE_CHECKS
from pmo_xl.collect.form import UpdateData
from pmo_xl.collect.model import Limits
from pmo_xl.collect.portfolio import build_context, read_portfolio
from pmo_xl.collect.read import read_update_file
from pmo_xl.collect.template import write_update_template
from pmo_xl.collect.validate import assemble, assemble_all, parse_reads, validate_reads
from pmo_xl.io.write_template import Styles, new_workbook, write_register, write_settings_sheet
from pmo_xl.issues import Issue
from pmo_xl.pipeline import load
from pmo_xl.schema.registers import PROJECTS, REGISTERS
from pmo_xl.schema.settings import DEFAULT_CRITERIA

D = dt.date
SEP, OCT = D(2026, 9, 1), D(2026, 10, 1)
MANAGERS = {"PRJ-A": "Ann Lee", "PRJ-B": "Bo Chen", "PRJ-C": "Cy Diaz"}


def _project(pid: str) -> dict[str, object]:
    return {"project_id": pid, "name": f"Project {pid[-1]}", "manager": MANAGERS[pid], "status": "Active", "phase": "Execution",
            "start": D(2026, 1, 1), "finish": D(2027, 6, 30), "bac": 500000.0}


CONTEXT = {
    "Projects": [_project(p) for p in MANAGERS],
    "Resources": [{"resource_id": "RES-1", "name": "Ann Dev", "role": "Developer", "fte": 1.0},
                  {"resource_id": "RES-2", "name": "Bo Test", "role": "Tester", "fte": 1.0,
                   "available_from": D(2026, 1, 1), "available_to": D(2026, 12, 31)}],
    "Progress": [{"project_id": p, "period": SEP, "pv": 100000.0, "ev": 90000.0, "ac": 95000.0, "pct_complete": 0.2}
                 for p in MANAGERS],
}
# The bad rows of PRJ-A's tables, one case (or two) a row, in update order (Excel rows 2, 3 ...).
NEED = {"resource_id": "RES-1", "role": "Developer", "start": D(2026, 11, 1), "finish": D(2026, 11, 30), "effort_hours": 40.0,
        "state": "Committed"}
NEEDS = [
    {**NEED, "start": D(2026, 12, 1), "finish": D(2026, 11, 1)},  # finish-before-start (error)
    {**NEED, "resource_id": None, "role": None},  # resource-or-role (error)
    {**NEED, "effort_hours": None},  # no-effort (error)
    {**NEED, "resource_id": "RES-9"},  # unknown-reference (error)
    {**NEED, "resource_id": None, "role": "Develper", "start": D(2027, 1, 1), "finish": D(2027, 1, 31)},  # unknown-role (error)
    {**NEED, "resource_id": None, "role": "Develper", "start": D(2027, 1, 1), "finish": D(2027, 1, 31)},  # ... and a repeat
    {**NEED, "role": "Develper", "start": D(2027, 2, 1), "finish": D(2027, 2, 28)},  # unknown-role (warning: a resource is named)
    {**NEED, "start": D(2027, 6, 1), "finish": D(2027, 7, 31)},  # allocation-outside-project (warning)
    {**NEED, "resource_id": "RES-2", "role": "Tester", "start": D(2026, 12, 1), "finish": D(2027, 1, 31)},  # outside-availability
    {**NEED, "start": D(2026, 12, 1), "finish": D(2026, 12, 31)},  # a clean need, then its repeat: duplicate-allocation
    {**NEED, "start": D(2026, 12, 1), "finish": D(2026, 12, 31)},
]
RISK = {"title": "Vendor late", "probability": 2, "impact": 3, "status": "Open", "raised": D(2026, 5, 1)}
RISKS_ROWS = [
    {**RISK, "risk_id": "R-1"},
    {**RISK, "risk_id": "R-1", "title": "Borrowed an ID"},  # duplicate-id (error)
    {**RISK, "risk_id": "r-1", "title": "Another case"},  # near-duplicate (warning)
    {**RISK, "risk_id": "R-2", "due": D(2026, 4, 1)},  # review due before raised: finish-before-start (warning)
]
MILESTONE_ROWS = [
    {"milestone": "Go-live", "baseline_date": D(2027, 3, 1)},
    {"milestone": "go-live", "baseline_date": D(2027, 4, 1)},  # duplicate-key (error)
    {"milestone": "Handover", "baseline_date": D(2027, 9, 1)},  # milestone-outside-project (warning)
    {"milestone": "Design  review", "baseline_date": D(2026, 11, 1)},
    {"milestone": "design review", "baseline_date": D(2026, 12, 1)},  # duplicate-key: spacing does not matter either
]
ACTION = {"action": "Book the room", "owner": "Ann Lee", "raised": D(2026, 10, 5), "due": D(2026, 11, 30), "status": "Open"}
ACTION_ROWS = [  # due after the status date: the dated checks (overdue) judge the workbook only
    {**ACTION, "action_id": "A-1"},
    {**ACTION, "action_id": "A-1", "action": "Borrowed an ID"},  # duplicate-id (error)
    {**ACTION, "action_id": "A-2", "raised": D(2026, 12, 5)},  # due before raised: finish-before-start (warning)
    {**ACTION, "action_id": "A-3", "source": "Risk", "source_id": "R-9"},  # a risk that does not exist: unknown-reference (warning)
]
MONTH = {"pv": 120000.0, "ev": 100000.0, "ac": 110000.0, "pct_complete": 0.25}
PROGRESS_ROWS = {
    "PRJ-A": {**MONTH, "ev": 600000.0},  # above-bac (error)
    "PRJ-B": {**MONTH, "ev": None, "pct_complete": None},  # no-earned-value (error)
    "PRJ-C": {**MONTH, "ev": 80000.0, "pct_complete": 0.15},  # cumulative-decrease of EV and % complete (warnings)
}
# Every shared check run on an update has a case above (codes as the catalogue names them).
CASES = {
    "check_dates_in_order": {"finish-before-start"}, "check_earned_value": {"above-bac", "no-earned-value"},
    "check_effort_given": {"resource-or-role", "no-effort"}, "check_unique_ids": {"duplicate-id", "near-duplicate"},
    "check_duplicate_keys": {"duplicate-key"}, "check_duplicate_allocations": {"duplicate-allocation"},
    "check_references": {"unknown-reference"}, "check_roles": {"unknown-role"},
    "check_allocation_windows": {"allocation-outside-project", "allocation-outside-availability"},
    "check_milestone_windows": {"milestone-outside-project"}, "check_cumulative_progress": {"cumulative-decrease"},
    "check_governance_keys": {"duplicate-id"}, "check_governance_references": {"unknown-reference"},
    "check_governance_dates": {"finish-before-start"},
}
TABLE_SHEETS = {"Allocations": "Resource needs", "Risks": "Risks", "Milestones": "Milestones", "Actions": "Actions"}


def _rows(register, records: list[dict[str, object]]) -> list[list[object]]:  # noqa: ANN001
    return [[record.get(f) for f in register.fields] for record in records]


def _portfolio(path: Path, with_bad_rows: bool) -> Path:
    data: dict[str, list[dict[str, object]]] = {r.name: list(CONTEXT.get(r.name, [])) for r in REGISTERS}
    if with_bad_rows:
        data["Allocations"] = [{**n, "project_id": "PRJ-A"} for n in NEEDS]
        data["Risks"] = [{**r, "project_id": "PRJ-A"} for r in RISKS_ROWS]
        data["Milestones"] = [{**m, "project_id": "PRJ-A"} for m in MILESTONE_ROWS]
        data["Actions"] = [{**a, "project_id": "PRJ-A"} for a in ACTION_ROWS]
        data["Progress"] += [{**row, "project_id": p, "period": OCT} for p, row in PROGRESS_ROWS.items()]
    workbook = new_workbook(path)
    styles = Styles(workbook)
    family = [f"Score: {c[0]}" for c in DEFAULT_CRITERIA]
    for register in REGISTERS:
        rows = _rows(register, data[register.name])
        if register is PROJECTS:
            rows = [[*r, *([3] * len(family))] for r in rows]
        write_register(workbook, styles, register, rows, family if register is PROJECTS else [])
    write_settings_sheet(workbook, styles, {"status_date": D(2026, 10, 31)}, DEFAULT_CRITERIA)
    workbook.close()
    return path


def _update(path: Path, pid: str) -> Path:
    header = {"project_id": pid, "project_name": f"Project {pid[-1]}", "period": OCT, "manager": MANAGERS[pid],
              "submitted": D(2026, 11, 3)}
    tables = (RISKS_ROWS, MILESTONE_ROWS, NEEDS) if pid == "PRJ-A" else ([], [], [])
    beside = {"Actions": ACTION_ROWS} if pid == "PRJ-A" else {}
    return write_update_template(path, prefill=UpdateData(header, PROGRESS_ROWS[pid], *tables, registers=beside))


def _said(issue: Issue) -> tuple[object, ...]:
    return (issue.field, issue.code, str(issue.severity), issue.message)


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("engine")
    checked = load(_portfolio(root / "typed.xlsx", with_bad_rows=True))
    context = build_context(read_portfolio(_portfolio(root / "clean.xlsx", with_bad_rows=False)))
    paths = [_update(root / f"{pid}.xlsx", pid) for pid in MANAGERS]
    reads = [read_update_file(str(p), p.name, p.stat().st_size, p.stat().st_mtime, p.name, Limits()) for p in paths]
    return {"portfolio": checked, "submissions": dict(zip(MANAGERS, validate_reads(reads, context), strict=True))}


def test_every_check_run_on_an_update_has_a_case() -> None:
    assert sorted(check.__name__ for check in UPDATE_CHECKS) == sorted(CASES)


def test_a_bad_table_row_says_the_same_in_the_workbook_and_in_an_update(both: dict[str, object]) -> None:
    portfolio, update = both["portfolio"], both["submissions"]["PRJ-A"]
    for register, sheet in TABLE_SHEETS.items():
        typed = sorted((i.row, *_said(i)) for i in portfolio.issues if i.sheet == register)
        sent = sorted((i.row, *_said(i)) for i in update.issues if i.sheet == sheet)
        assert sent == typed, register  # the same Excel rows too: both tables start in row 2
    codes = {i.code for i in update.issues if i.sheet in TABLE_SHEETS.values()}
    assert codes == set().union(*CASES.values()) - {"above-bac", "no-earned-value", "cumulative-decrease"}


def test_a_bad_progress_line_says_the_same_in_the_workbook_and_in_an_update(both: dict[str, object]) -> None:
    portfolio, submissions = both["portfolio"], both["submissions"]
    for pid, submission in submissions.items():
        typed = sorted(_said(i) for i in portfolio.issues if i.sheet == "Progress" and pid in i.message)
        sent = sorted(_said(i) for i in submission.issues if i.sheet == "Update")
        assert sent == typed and sent, pid
    assert [i.code for i in submissions["PRJ-C"].issues] == ["cumulative-decrease", "cumulative-decrease"]
    assert {i.cell for i in submissions["PRJ-C"].issues} == {"B12", "B13"}  # EV and % complete lines of the form


def test_the_rows_with_an_error_are_the_rows_refused(both: dict[str, object]) -> None:
    portfolio, submissions = both["portfolio"], both["submissions"]
    update = submissions["PRJ-A"]
    for register, sheet in TABLE_SHEETS.items():
        errors = {i.row for i in portfolio.issues if i.sheet == register and str(i.severity) == "error"}
        assert errors == {i.row for i in update.issues if i.sheet == sheet and str(i.severity) == "error"}
        kept = portfolio.registers[register]
        assert len(update.rows[register]) == len(kept), register  # merged exactly as the workbook keeps them
    assert update.progress is None and submissions["PRJ-B"].progress is None  # above BAC; no EV nor % complete
    assert submissions["PRJ-C"].progress is not None  # a decrease is a warning: merged, and the PM told
    assert [str(s.status) for s in submissions.values()] == ["partly accepted", "rejected", "accepted"]


def test_context_rows_stay_the_portfolios_business(both: dict[str, object]) -> None:
    """Issues on the portfolio's own rows (the project, resources, earlier months) are not the PM's."""
    for submission in both["submissions"].values():
        assert {i.sheet for i in submission.issues} <= {"Update", *TABLE_SHEETS.values()}


def test_updates_checked_together_are_told_what_each_alone_is(tmp_path: Path) -> None:
    """`collect` checks all updates in a few runs (at most one update per project in each), and
    each update found with something alone: two projects' updates with the same new risk ID, two
    updates of one project, clean and bad ones together give exactly what each gets checked alone."""
    context = build_context(read_portfolio(_portfolio(tmp_path / "clean.xlsx", with_bad_rows=False)))
    paths = [_update(tmp_path / f"{pid}.xlsx", pid) for pid in MANAGERS]
    for pid in ("PRJ-B", "PRJ-C"):  # the same new risk ID in two projects' updates: each alone is clean
        header = {"project_id": pid, "project_name": f"Project {pid[-1]}", "period": OCT, "manager": MANAGERS[pid],
                  "submitted": D(2026, 11, 4)}
        data = UpdateData(header, MONTH, [{**RISK, "risk_id": "R-9"}], [], [dict(NEEDS[-1])])
        paths.append(write_update_template(tmp_path / f"{pid}-again.xlsx", prefill=data))
    reads = [read_update_file(str(p), p.name, p.stat().st_size, p.stat().st_mtime, p.name, Limits()) for p in paths]
    parsed = parse_reads(reads)
    together = assemble_all(parsed, context)
    alone = [assemble(p, context) for p in parsed]

    def told(submission) -> tuple[object, ...]:  # noqa: ANN001
        return (str(submission.status), [(i.cell, *_said(i)) for i in submission.issues], submission.progress, submission.rows)

    assert [told(s) for s in together] == [told(s) for s in alone]
    assert [str(s.status) for s in together[3:]] == ["accepted", "accepted"]
    assert [len(s.rows["Risks"]) for s in together[3:]] == [1, 1]
