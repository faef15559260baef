"""`collect_updates` and `pmo-xl collect` on a mailbox built by code: every file's fate, every
problem at its cell, the merged registers row by row, late projects, feedback copies and OUT."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import shutil
from pathlib import Path

import pytest
import xlsxwriter

from pmo_xl.cli import main
from pmo_xl.collect import Limits, Status, collect_updates
from pmo_xl.collect.form import VERSION_NAME, UpdateData
from pmo_xl.collect.template import write_update_template
from pmo_xl.io.read_workbook import read_workbook
from pmo_xl.io.write_template import (
    Styles,
    new_workbook,
    write_cell,
    write_instructions,
    write_portfolio_workbook,
    write_register,
    write_settings_sheet,
)
from pmo_xl.schema.registers import PROJECTS, REGISTERS, RISKS
from pmo_xl.schema.settings import (
    AHP,
    BUDGETS,
    CRITERIA,
    DEFAULT_CRITERIA,
    HOLIDAYS,
    SETTINGS_TABLE,
    THRESHOLDS,
)

D = dt.date
OCT, SEP = D(2026, 10, 1), D(2026, 9, 1)
MANAGERS = {"PRJ-001": "Ann Lee", "PRJ-002": "Bo Chen", "PRJ-003": "Cy Diaz", "PRJ-004": "Di Eze", "PRJ-005": "Ed Fox",
            "PRJ-006": "Fay Gu", "PRJ-007": "Gus Ho", "PRJ-008": "Hal Ito", "PRJ-009": "Ivy Jo", "PRJ-010": "Jan Ko"}
STATUSES = {"PRJ-006": "Closed", "PRJ-007": "Actve", "PRJ-010": "On hold"}  # PRJ-007: a typo the PMO has not fixed
ALL_TABLES = (*REGISTERS, SETTINGS_TABLE, CRITERIA, HOLIDAYS, THRESHOLDS, BUDGETS, AHP)


def _project(pid: str) -> list[object]:
    return [pid, f"Project {pid[-2:]}", "Digital", "IT", "Sam Sponsor", MANAGERS[pid], "Grow", STATUSES.get(pid, "Active"),
            "Execution", D(2026, 1, 1), D(2027, 6, 30), 500000.0, None, None, None, None, "Green", 3, 3, 3, 3, 3, 3]


def _progress(pid: str, period: dt.date, pv: float, ev: float, ac: float, comment: str | None = None) -> list[object]:
    return [pid, period, pv, ev, None, ac, None, "Green", "Green", "Green", "Green", comment]


PORTFOLIO_DATA: dict[str, list[list[object]]] = {
    "Projects": [_project(p) for p in MANAGERS],
    "Resources": [["RES-1", "Ann Dev", "Developer", "Engineering", 1.0, None, None, None, None, None, 80.0],
                  ["RES-2", "Bo Test", "Tester", "Quality", 1.0, None, None, None, None, None, 70.0]],
    "Allocations": [
        ["PRJ-001", "RES-1", "Developer", D(2026, 9, 1), D(2026, 9, 30), 100.0, None, "Flat", "Committed", 90.0],  # before the window
        ["PRJ-001", "RES-1", "Developer", D(2026, 10, 15), D(2026, 11, 14), 62.0, None, "Flat", "Committed", 20.0],  # straddles it
        ["PRJ-001", "RES-2", "Tester", D(2026, 11, 1), D(2026, 11, 30), 80.0, None, "Flat", "Committed", None],  # inside it
        ["PRJ-001", "RES-2", "Tester", D(2027, 2, 1), D(2027, 2, 28), 40.0, None, "Flat", "Proposed", None],  # after it
        ["PRJ-002", "RES-2", "Tester", D(2026, 11, 1), D(2026, 12, 31), 60.0, None, "Flat", "Committed", None],
    ],
    "Progress": [*(_progress(p, SEP, 100000.0, 90000.0, 95000.0) for p in MANAGERS if p not in ("PRJ-006", "PRJ-007")),
                 _progress("PRJ-001", OCT, 110000.0, 99000.0, 104000.0, "before the update")],
    "Baseline": [],
    "Risks": [["R-1", "PRJ-001", "Vendor late", "Schedule", "Ann Lee", 2, 3, 10000.0, "Mitigate", "Open", D(2026, 5, 1), None],
              ["R-2", "PRJ-002", "Key person leaves", "Resource", "Bo Chen", 2, 2, 5000.0, "Accept", "Open", D(2026, 6, 1), None]],
    "Milestones": [["PRJ-001", "Design signed off", D(2026, 9, 15), None, D(2026, 9, 20), 0.2],
                   ["PRJ-001", "Go-live", D(2026, 12, 1), None, None, 0.5]],
}
SETTINGS = {"portfolio_name": "Test portfolio", "status_date": D(2026, 10, 31), "currency": "EUR"}


def write_test_portfolio(path: Path, criteria: tuple[tuple[object, ...], ...] = DEFAULT_CRITERIA) -> Path:
    """The portfolio, with an extra column and an extra sheet OUT cannot carry (built by code, as a PMO might)."""
    workbook = new_workbook(path)
    styles = Styles(workbook)
    write_instructions(workbook, styles)
    family = [f"Score: {c[0]}" for c in criteria]
    for register in REGISTERS:
        rows = PORTFOLIO_DATA.get(register.name, [])  # History: never closed
        if register is PROJECTS:
            rows = [[*r[:17], *([3] * len(criteria)), "Finance"] for r in rows]
        write_register(workbook, styles, register, rows, [*family, "Budget owner"] if register is PROJECTS else [])
    write_settings_sheet(workbook, styles, SETTINGS, criteria)
    workbook.add_worksheet("Home").write_string(0, 0, "PMO home")
    workbook.close()
    return path


def update(pid: str, submitted: dt.date | None, ac: float, *, risks: list | None = None, milestones: list | None = None,
           needs: list | None = None, pv: float = 120000.0, ev: object = 105000.0, commentary: str = "On track.") -> UpdateData:
    header = {"project_id": pid, "project_name": f"Project {pid[-2:]}", "period": OCT, "manager": MANAGERS[pid],
              "submitted": submitted}
    progress = {"pv": pv, "ev": ev, "ac": ac, "etc": 50000.0, "rag_scope": "Green", "rag_schedule": "Amber",
                "rag_cost": "Amber", "rag_resources": "Green", "commentary": commentary}
    return UpdateData(header, progress, risks or [], milestones or [], needs or [])


def risk(rid: str, title: str, probability: object, impact: object = 3, status: str = "Open") -> dict[str, object]:
    return {"risk_id": rid, "title": title, "probability": probability, "impact": impact, "status": status}


def craft_update(path: Path, lines: list[tuple[str, object]], tables: dict[str, tuple[str, list[str], list[list[object]]]],
                 *, version: int | None = 2, hidden: tuple[str, ...] = (), vba: bool = False, header_row0: int = 3,
                 date_1904: bool = False) -> Path:
    """An update workbook laid out by hand: older templates, macro-enabled files, hidden sheets, the 1904 date system."""
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "date_1904": date_1904})
    if version is not None:
        workbook.define_name(VERSION_NAME, f"={version}")
    if vba:
        workbook.add_vba_project(io.BytesIO(b"Attribute VB_Name = 'not run'"), is_stream=True)
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})

    def fill(sheet, first_row0: int, name: str, headers: list[str], rows: list[list[object]]) -> None:  # noqa: ANN001
        for r, row in enumerate(rows, start=first_row0 + 1):
            for c, value in enumerate(row):
                write_cell(sheet, r, c, value, date_format if isinstance(value, dt.date) else None)
        sheet.add_table(first_row0, 0, first_row0 + max(1, len(rows)), len(headers) - 1,
                        {"name": name, "columns": [{"header": h} for h in headers]})

    form = workbook.add_worksheet("Update")
    fill(form, header_row0, "tblUpdate", ["Item", "Value", "Guidance"], [[k, v, None] for k, v in lines])
    for sheet_name, (table, headers, rows) in tables.items():
        sheet = workbook.add_worksheet(sheet_name)
        fill(sheet, 0, table, headers, rows)
        if sheet_name in hidden:
            sheet.hide()
    form.activate()
    workbook.close()
    return path


def standard_lines(pid: str, *, labels: dict[str, str] | None = None, extra: list[tuple[str, object]] = ()) -> list[tuple[str, object]]:
    names = {"pv": "PV (cumulative)", "ev": "EV (cumulative)", "ac": "AC (cumulative)", **(labels or {})}
    return [("Project ID", pid), ("Project name", f"Project {pid[-2:]}"), ("Period", "2026-10"), ("Project manager", MANAGERS[pid]),
            ("Submitted on", D(2026, 11, 4)), (names["pv"], 120000.0), (names["ev"], 100000.0), (names["ac"], 110000.0), *extra]


RISK_HEADERS = [c.header for c in RISKS.columns if c.field != "project_id"]


@pytest.fixture(scope="module")
def mailbox(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The folder of updates a PMO finds on the 5th of the month, and one collection run over it."""
    root = tmp_path_factory.mktemp("collect")
    portfolio = write_test_portfolio(root / "PMO.xlsx")
    box = root / "updates"
    (box / "inbox").mkdir(parents=True)
    good = update("PRJ-001", D(2026, 11, 3), 112000.0, commentary="=SUM(A1) is what the PM typed: text, not a formula",
                  risks=[risk("R-1", "Vendor late", 3), risk("R-10", "Test data not ready", 2, 4)],
                  milestones=[{"milestone": "go-live", "baseline_date": D(2026, 12, 1), "forecast_date": D(2026, 12, 15)},
                              {"milestone": "Handover", "baseline_date": D(2027, 1, 31)}],
                  needs=[{"resource_id": "RES-1", "role": "Developer", "start": D(2026, 11, 1), "finish": D(2026, 12, 31),
                          "effort_hours": 120.0, "state": "Committed"},
                         {"role": "Tester", "start": D(2026, 11, 15), "finish": D(2026, 12, 15), "fte": 0.5, "state": "Proposed"}])
    write_update_template(box / "inbox" / "PRJ-001-2026-10.xlsx", prefill=good)
    shutil.copy(box / "inbox" / "PRJ-001-2026-10.xlsx", box / "inbox" / "copy of PRJ-001-2026-10.xlsx")
    (box / "inbox" / "~$PRJ-001-2026-10.xlsx").write_bytes(b"\x00" * 165)
    bad = update("PRJ-002", None, "12500,50",  # type: ignore[arg-type]
                 risks=[risk("R-2", "Key person leaves", 7), risk("R-1", "Borrowed an ID", 2), risk("R-20", "Budget freeze", 3)],
                 milestones=[{"milestone": "Kick-off", "baseline_date": "next week"}, {"milestone": "Build", "baseline_date": D(2027, 3, 1)}],
                 needs=[{"resource_id": "RES-9", "start": D(2026, 11, 1), "finish": D(2026, 11, 30), "effort_hours": 10.0, "state": "Committed"},
                        {"resource_id": "RES-2", "start": D(2026, 12, 1), "finish": D(2026, 11, 1), "effort_hours": 10.0, "state": "Committed"},
                        {"resource_id": "RES-2", "start": D(2027, 1, 1), "finish": D(2027, 1, 31), "effort_hours": 30.0, "state": "Committed"}])
    write_update_template(box / "PRJ-002-2026-10.xlsx", prefill=bad)
    write_update_template(box / "PRJ-003-a.xlsx", prefill=update("PRJ-003", D(2026, 11, 4), 150000.0))
    write_update_template(box / "PRJ-003-b.xlsx", prefill=update("PRJ-003", D(2026, 11, 4), 151000.0))
    write_update_template(box / "PRJ-004-old.xlsx", prefill=update("PRJ-004", D(2026, 11, 2), 96000.0))
    write_update_template(box / "PRJ-004-new.xlsx", prefill=update("PRJ-004", D(2026, 11, 5), 97000.0))
    write_update_template(box / "PRJ-999.xlsx", {"project_id": "PRJ-999", "manager": "Nobody"}, "2026-10")
    # Template v1: BCWS/BCWP/ACWP lines, one Overall RAG, no version recorded, no Resource needs sheet.
    craft_update(box / "PRJ-008-v1.xlsx", standard_lines("PRJ-008", labels={"pv": "BCWS", "ev": "BCWP", "ac": "ACWP"},
                                                         extra=[("Overall RAG", "Amber")]),
                 {"Risks": ("tblRisks", RISK_HEADERS, []), "Milestones": ("tblMilestones", ["Milestone", "Baseline date"], [])},
                 version=None, header_row0=0)
    craft_update(box / "PRJ-009.xlsm", standard_lines("PRJ-009"), {"Risks": ("tblRisks", RISK_HEADERS, [])}, vba=True)
    craft_update(box / "PRJ-010-hidden.xlsx", standard_lines("PRJ-010"),
                 {"Risks": ("tblRisks", ["Risk ID", "Title", "Probability (1-5)", "Impact (1-5)", "Status"],
                            [["R-30", "Hidden but real", 4, 4, "Open"]])}, hidden=("Risks",))
    craft_update(box / "v4.xlsx", standard_lines("PRJ-006"), {}, version=4)
    write_update_template(box / "huge.xlsx", prefill=update("PRJ-005", D(2026, 11, 4), 1.0,
                                                            risks=[risk(f"R-{k:04d}", "Copied too far", 1) for k in range(150)]))
    whole = (box / "inbox" / "PRJ-001-2026-10.xlsx").read_bytes()
    (box / "broken.xlsx").write_bytes(whole[: len(whole) // 2])
    (box / "fake.xlsx").write_text("this was never a workbook")
    (box / "notes.txt").write_text("call Bo about the budget")
    write_portfolio_workbook(box / "old-portfolio.xlsx")
    _encrypt(box / "PRJ-004-new.xlsx", box / "locked.xlsx")
    for k, path in enumerate(sorted(p for p in box.rglob("*") if p.is_file())):
        os.utime(path, (1_790_000_000 + k, 1_790_000_000 + k))  # fixed times: nothing depends on the clock
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in [portfolio, *box.rglob("*")] if p.is_file()}
    result = collect_updates(box, portfolio, limits=Limits(max_rows=100))
    return {"root": root, "portfolio": portfolio, "box": box, "result": result, "before": before}


def _encrypt(source: Path, target: Path) -> None:
    try:
        from msoffcrypto.format.ooxml import OOXMLFile
    except ImportError:  # the same container signature Excel writes for a password-protected workbook
        target.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
        return
    with open(source, "rb") as plain, open(target, "wb") as locked:
        OOXMLFile(plain).encrypt("secret", locked)


def flat(result, name: str) -> list[tuple[str, str, str, str]]:  # noqa: ANN001
    file = next(f for f in result.files if f.name == name)
    return sorted((i.sheet, i.cell, str(i.severity), i.code) for i in file.issues)


def out_rows(path: Path, register: str) -> list[list[object]]:
    table = read_workbook(path, ALL_TABLES).tables[register]
    width = len(next(r for r in REGISTERS if r.name == register).columns)
    return [[None if v == "" else v for v in row[:width]] for row in table.rows]


def test_every_file_has_its_status(mailbox: dict[str, object]) -> None:
    result = mailbox["result"]
    assert {f.name: str(f.status) for f in result.files} == {
        "PRJ-002-2026-10.xlsx": "partly accepted",
        "PRJ-003-a.xlsx": "held back",
        "PRJ-003-b.xlsx": "held back",
        "PRJ-004-new.xlsx": "accepted",
        "PRJ-004-old.xlsx": "superseded",
        "PRJ-008-v1.xlsx": "accepted",
        "PRJ-009.xlsm": "accepted",
        "PRJ-010-hidden.xlsx": "accepted",
        "PRJ-999.xlsx": "rejected",
        "broken.xlsx": "rejected",
        "fake.xlsx": "rejected",
        "huge.xlsx": "rejected",
        "inbox/PRJ-001-2026-10.xlsx": "accepted",
        "inbox/copy of PRJ-001-2026-10.xlsx": "duplicate",
        "inbox/~$PRJ-001-2026-10.xlsx": "skipped",
        "locked.xlsx": "rejected",
        "notes.txt": "skipped",
        "old-portfolio.xlsx": "rejected",
        "v4.xlsx": "rejected",
    }
    assert not result.all_merged


def test_every_problem_is_at_its_cell(mailbox: dict[str, object]) -> None:
    result = mailbox["result"]
    assert flat(result, "inbox/PRJ-001-2026-10.xlsx") == []
    assert flat(result, "PRJ-002-2026-10.xlsx") == [
        ("Milestones", "B2", "error", "not-a-date"),
        ("Resource needs", "A2", "error", "unknown-reference"),
        ("Resource needs", "D3", "error", "finish-before-start"),
        ("Risks", "A3", "error", "risk-of-other-project"),
        ("Risks", "E2", "error", "out-of-range"),
        ("Update", "B14", "error", "decimal-comma"),
        ("Update", "B9", "warning", "no-submitted-date"),
    ]
    assert flat(result, "PRJ-003-a.xlsx") == [("Update", "B9", "error", "conflicting-submission")]
    assert flat(result, "PRJ-004-old.xlsx") == [("Update", "B9", "warning", "superseded")]
    assert flat(result, "PRJ-008-v1.xlsx") == [
        ("Resource needs", "", "info", "missing-sheet"),
        ("Update", "", "info", "old-template"),
        ("Update", "A10", "warning", "retired-line"),
        ("Update", "A7", "info", "renamed-line"),
        ("Update", "A8", "info", "renamed-line"),
        ("Update", "A9", "info", "renamed-line"),
    ]
    assert flat(result, "PRJ-009.xlsm") == [("Issue log", "", "info", "missing-sheet"),  # one note for the sheets of template v3
                                            ("Milestones", "", "warning", "missing-sheet"),
                                            ("Resource needs", "", "warning", "missing-sheet")]
    assert ("Risks", "", "warning", "hidden-sheet") in flat(result, "PRJ-010-hidden.xlsx")
    assert flat(result, "PRJ-999.xlsx") == [("Update", "B5", "error", "unknown-project")]
    for name, code in (("broken.xlsx", "unreadable"), ("fake.xlsx", "unreadable"), ("locked.xlsx", "unreadable"),
                       ("old-portfolio.xlsx", "not-an-update"), ("v4.xlsx", "newer-template")):
        assert [i[2:] for i in flat(result, name)] == [("error", code)], name
    assert flat(result, "huge.xlsx") == [("Risks", "", "error", "too-large")]


def test_messages_say_what_to_do(mailbox: dict[str, object]) -> None:
    files = {f.name: f for f in mailbox["result"].files}
    messages = {i.code: i.message for f in files.values() for i in f.issues}
    assert messages["risk-of-other-project"] == "Risk R-1 belongs to PRJ-001 in the portfolio — give this risk a new ID"
    assert messages["too-large"] == "Sheet 'Risks' has 150 rows; an update is capped at 100 rows per sheet"
    assert messages["unknown-project"].startswith("Project PRJ-999 is not in the portfolio's Projects register")
    assert "password-protected" in next(i.message for i in files["locked.xlsx"].issues)
    assert files["inbox/copy of PRJ-001-2026-10.xlsx"].note == "byte-identical to inbox/PRJ-001-2026-10.xlsx; counted once"
    assert files["notes.txt"].note.startswith("not a workbook (.txt)")
    assert files["inbox/~$PRJ-001-2026-10.xlsx"].note.startswith("Excel lock file")
    assert files["PRJ-003-b.xlsx"].issues[-1].message.startswith(
        "Conflicts with PRJ-003-a.xlsx: the same project (PRJ-003) and month (2026-10), submitted 2026-11-04 on both")
    assert files["PRJ-004-old.xlsx"].note == "replaced by PRJ-004-new.xlsx"


def test_progress_is_upserted_by_project_and_period(mailbox: dict[str, object]) -> None:
    rows = out_rows(mailbox["result"].out, "Progress")
    october = {r[0]: r for r in rows if r[1] == OCT}
    assert set(october) == {"PRJ-001", "PRJ-004", "PRJ-008", "PRJ-009", "PRJ-010"}  # PRJ-002 refused, PRJ-003 held back
    assert october["PRJ-001"] == ["PRJ-001", OCT, 120000.0, 105000.0, None, 112000.0, 50000.0, "Green", "Amber", "Amber",
                                  "Green", "=SUM(A1) is what the PM typed: text, not a formula", None]
    assert october["PRJ-004"][5] == 97000.0  # the newer submission
    assert october["PRJ-008"][2:6] == [120000.0, 100000.0, None, 110000.0]  # v1 BCWS/BCWP/ACWP migrated
    assert [r[0] for r in rows].count("PRJ-001") == 2  # replaced in place, not appended
    assert rows.index(october["PRJ-001"]) == len(PORTFOLIO_DATA["Progress"]) - 1


def test_risks_and_milestones_are_upserted(mailbox: dict[str, object]) -> None:
    risks = {r[0]: r for r in out_rows(mailbox["result"].out, "Risks")}
    assert sorted(risks) == ["R-1", "R-10", "R-2", "R-20", "R-30"]
    assert risks["R-1"][:7] == ["R-1", "PRJ-001", "Vendor late", None, None, 3, 3]  # the update restates the whole row
    assert risks["R-2"][5] == 2  # PRJ-002's probability 7 was refused: the portfolio's row stands
    assert risks["R-20"][:2] == ["R-20", "PRJ-002"] and risks["R-30"][:2] == ["R-30", "PRJ-010"]
    milestones = out_rows(mailbox["result"].out, "Milestones")
    assert milestones == [
        ["PRJ-001", "Design signed off", D(2026, 9, 15), None, D(2026, 9, 20), 0.2],
        ["PRJ-001", "go-live", D(2026, 12, 1), D(2026, 12, 15), None, None],  # matched ignoring case
        ["PRJ-002", "Build", D(2027, 3, 1), None, None, None],  # undated, so it stands at its file date: merged first
        ["PRJ-001", "Handover", D(2027, 1, 31), None, None, None],
    ]


def test_resource_needs_replace_their_window(mailbox: dict[str, object]) -> None:
    rows = out_rows(mailbox["result"].out, "Allocations")
    assert rows == [
        ["PRJ-001", "RES-1", "Developer", D(2026, 9, 1), D(2026, 9, 30), 100.0, None, "Flat", "Committed", 90.0],
        ["PRJ-001", "RES-1", "Developer", D(2026, 10, 15), D(2026, 10, 31), 34.0, None, "Flat", "Committed", 20.0],
        ["PRJ-001", "RES-2", "Tester", D(2027, 2, 1), D(2027, 2, 28), 40.0, None, "Flat", "Proposed", None],
        ["PRJ-002", "RES-2", "Tester", D(2026, 11, 1), D(2026, 12, 31), 60.0, None, "Flat", "Committed", None],
        # Appended in merge order: PRJ-002 (no submitted date: its file date, September) before PRJ-001 (2026-11-03).
        ["PRJ-002", "RES-2", None, D(2027, 1, 1), D(2027, 1, 31), 30.0, None, None, "Committed", None],
        ["PRJ-001", "RES-1", "Developer", D(2026, 11, 1), D(2026, 12, 31), 120.0, None, None, "Committed", None],
        ["PRJ-001", None, "Tester", D(2026, 11, 15), D(2026, 12, 15), None, 0.5, None, "Proposed", None],
    ]
    merged = next(f for f in mailbox["result"].files if f.name == "inbox/PRJ-001-2026-10.xlsx").merged
    assert (merged.allocations_removed, merged.allocations_cut, merged.allocations_added) == (1, 1, 2)


def test_out_carries_every_input_row_and_the_settings(mailbox: dict[str, object]) -> None:
    out = mailbox["result"].out
    assert out == mailbox["root"] / "PMO-collected-2026-10.xlsx"
    projects = out_rows(out, "Projects")
    assert [r[0] for r in projects] == list(MANAGERS)
    assert projects[6][7] == "Actve"  # a row with an error is carried as typed, for the PMO to fix
    raw = read_workbook(out, ALL_TABLES)
    assert raw.tables["Projects"].headers[len(PROJECTS.columns):] == [f"Score: {c[0]}" for c in DEFAULT_CRITERIA]
    settings = {r[0]: r[1] for r in raw.tables["Settings"].rows}
    assert settings["Portfolio name"] == "Test portfolio" and settings["Status date"] == D(2026, 10, 31)
    assert len(raw.tables["Holidays"].rows) == 12 and raw.tables["AHP"].rows[0][:3] == ["Strategic alignment", 1.0, 2.0]
    assert mailbox["result"].not_carried == ["Projects: column 'Budget owner'", "sheets 'Home'"]
    assert len(out_rows(out, "Resources")) == 2


def test_late_updates_are_listed(mailbox: dict[str, object]) -> None:
    late = [(x.project_id, x.manager, x.note) for x in mailbox["result"].late]
    assert late == [
        ("PRJ-002", "Bo Chen", "PRJ-002-2026-10.xlsx partly accepted"),
        ("PRJ-003", "Cy Diaz", "PRJ-003-a.xlsx held back (conflicts with PRJ-003-b.xlsx); "
                               "PRJ-003-b.xlsx held back (conflicts with PRJ-003-a.xlsx)"),
        ("PRJ-005", "Ed Fox", "no update received"),
    ]


def test_collection_sheet_reports_the_same(mailbox: dict[str, object]) -> None:
    result = mailbox["result"]
    raw = read_workbook(result.out, ())
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(result.out), load_tables=True)
    assert "Collection" in raw.sheet_names
    table = book.get_table_by_name("tblCollectionFiles")
    assert table.columns[:2] == ["File", "Status"]
    assert [(r[0], r[1]) for r in table.to_python()] == [(f.name, str(f.status)) for f in result.files]
    issues = book.get_table_by_name("tblCollectionIssues").to_python()
    assert len(issues) == sum(len(f.issues) for f in result.files)
    assert ["PRJ-002-2026-10.xlsx", "Update", "B14", "error", "decimal-comma"] in [r[:5] for r in issues]
    # a shared check's finding (collect/checking.py) at the cell of the update file, not of a register
    assert ["PRJ-002-2026-10.xlsx", "Resource needs", "A2", "error", "unknown-reference"] in [r[:5] for r in issues]
    late = book.get_table_by_name("tblLateUpdates").to_python()
    assert [r[0] for r in late] == ["PRJ-002", "PRJ-003", "PRJ-005"]


def test_feedback_copies_go_to_each_pm(mailbox: dict[str, object]) -> None:
    result, root = mailbox["result"], mailbox["root"]
    sent = sorted(str(f.feedback.relative_to(root)) for f in result.files if f.feedback)
    assert sent == ["feedback/Bo Chen/PRJ-002-2026-10-feedback.xlsx", "feedback/Cy Diaz/PRJ-003-a-feedback.xlsx",
                    "feedback/Cy Diaz/PRJ-003-b-feedback.xlsx", "feedback/Hal Ito/PRJ-008-v1-feedback.xlsx",
                    "feedback/Ivy Jo/PRJ-009-feedback.xlsx", "feedback/Jan Ko/PRJ-010-hidden-feedback.xlsx",
                    "feedback/Nobody/PRJ-999-feedback.xlsx"]
    import openpyxl

    book = openpyxl.load_workbook(root / "feedback/Bo Chen/PRJ-002-2026-10-feedback.xlsx")
    assert book.sheetnames[0] == "Feedback"
    assert book["Update"]["B14"].value == "12500,50" and book["Update"]["B14"].fill.fgColor.rgb.endswith("FFC7CE")
    assert "decimal comma" in book["Update"]["B14"].comment.text
    assert book["Risks"]["E2"].value == 7 and book["Risks"]["E2"].comment is not None
    listed = [(r[0].value, r[1].value, r[2].value) for r in book["Feedback"].iter_rows(min_row=5) if r[0].value]
    assert ("Update", "B14", "error") in listed and ("Resource needs", "D3", "error") in listed
    assert "Finish 2026-11-01 is before Start 2026-12-01" in book["Resource needs"]["D3"].comment.text  # the shared check's words
    v1 = openpyxl.load_workbook(root / "feedback/Hal Ito/PRJ-008-v1-feedback.xlsx")
    assert v1["Update"]["B12"].value == 100000.0  # the v1 BCWP line comes back on the current EV line


def test_nothing_the_user_gave_is_modified(mailbox: dict[str, object]) -> None:
    for path, digest in mailbox["before"].items():
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, path


def test_cli_prints_the_report_and_exits_1_when_something_was_refused(mailbox: dict[str, object], tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "merged.xlsx"
    code = main(["collect", str(mailbox["box"]), "--into", str(mailbox["portfolio"]), "-o", str(out), "--jobs", "1",
                 "--feedback", str(tmp_path / "fb"), "-q"])
    printed = capsys.readouterr().out
    assert code == 1 and out.exists()
    assert "partly accepted  PRJ-002  2026-10  PRJ-002-2026-10.xlsx" in printed
    assert "    'Update'!B14: error [decimal-comma]" in printed
    assert "error [unreadable] The workbook is password-protected" in printed
    # No row cap given here: the default (2,000 rows) lets huge.xlsx's 150 risks in, so PRJ-005 is not late.
    assert "late: 2 active project(s) without progress for 2026-10:" in printed
    assert "not carried over from the input: Projects: column 'Budget owner'; sheets 'Home'" in printed
    assert (tmp_path / "fb" / "Bo Chen" / "PRJ-002-2026-10-feedback.xlsx").exists()


def test_cli_unusable_portfolio_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "pmo.xlsx").write_text("not a workbook")
    assert main(["collect", str(tmp_path / "in"), "--into", str(tmp_path / "pmo.xlsx")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not an Excel workbook" in err[0]


def test_replace_keeps_a_byte_copy_and_refuses_a_macro_workbook(tmp_path: Path) -> None:
    portfolio = write_test_portfolio(tmp_path / "PMO.xlsx")
    original = portfolio.read_bytes()
    box = tmp_path / "updates"
    box.mkdir()
    write_update_template(box / "a.xlsx", prefill=update("PRJ-005", D(2026, 11, 3), 99000.0))
    result = collect_updates(box, portfolio, replace=True, write_feedback_files=False)
    assert result.out == portfolio and result.backup is not None and result.backup.read_bytes() == original
    assert ["PRJ-005", OCT] in [r[:2] for r in out_rows(portfolio, "Progress")]
    macro = tmp_path / "PMO.xlsm"
    shutil.copy(portfolio, macro)
    from pmo_xl.errors import OutputError

    with pytest.raises(OutputError, match="--replace would turn this .xlsm into a plain .xlsx"):
        collect_updates(box, macro, replace=True)


def test_dates_decide_and_a_missing_date_never_settles_a_disagreement(tmp_path: Path) -> None:
    portfolio = write_test_portfolio(tmp_path / "PMO.xlsx")
    box = tmp_path / "updates"
    box.mkdir()
    noon = lambda day: dt.datetime(day.year, day.month, day.day, 12).timestamp()  # noqa: E731
    for name, pid, submitted, ac, saved in (
        ("undated-1.xlsx", "PRJ-001", None, 1.0, D(2026, 11, 2)), ("undated-2.xlsx", "PRJ-001", None, 2.0, D(2026, 11, 6)),
        ("dated.xlsx", "PRJ-004", D(2026, 11, 2), 3.0, D(2026, 11, 9)), ("undated-later.xlsx", "PRJ-004", None, 4.0, D(2026, 11, 5)),
        ("undated-earlier.xlsx", "PRJ-005", None, 5.0, D(2026, 11, 1)), ("dated-later.xlsx", "PRJ-005", D(2026, 11, 3), 6.0, D(2026, 11, 1)),
    ):
        write_update_template(box / name, prefill=update(pid, submitted, ac))
        os.utime(box / name, (noon(saved), noon(saved)))
    result = collect_updates(box, portfolio, write_feedback_files=False)
    assert {f.name: str(f.status) for f in result.files} == {
        # Both undated, different figures: held back, whatever the file times say.
        "undated-1.xlsx": "held back", "undated-2.xlsx": "held back",
        # An undated update stands at its file's date: 2026-11-05 is after the other's 2026-11-02.
        "dated.xlsx": "superseded", "undated-later.xlsx": "accepted",
        "undated-earlier.xlsx": "superseded", "dated-later.xlsx": "accepted",
    }
    october = {r[0]: r[5] for r in out_rows(result.out, "Progress") if r[1] == OCT}
    assert october == {"PRJ-001": 104000.0, "PRJ-004": 4.0, "PRJ-005": 6.0}  # PRJ-001 keeps the portfolio's figures


def test_same_figures_in_different_bytes_count_once(tmp_path: Path) -> None:
    portfolio = write_test_portfolio(tmp_path / "PMO.xlsx")
    box = tmp_path / "updates"
    box.mkdir()
    data = update("PRJ-005", D(2026, 11, 2), 5.0)
    write_update_template(box / "a.xlsx", prefill=data)
    craft_update(box / "b.xlsx", [("Project ID", "PRJ-005"), ("Project name", "Project 05"), ("Period", OCT),
                                  ("Project manager", "Ed Fox"), ("Submitted on", D(2026, 11, 2)), ("PV (cumulative)", 120000.0),
                                  ("EV (cumulative)", 105000.0), ("AC (cumulative)", 5.0), ("ETC (bottom-up)", 50000.0),
                                  ("RAG scope", "Green"), ("RAG schedule", "Amber"), ("RAG cost", "Amber"),
                                  ("RAG resources", "Green"), ("Commentary", "On track."), ("% complete", None)], {})
    os.utime(box / "b.xlsx", (1_790_000_000, 1_790_000_000))
    result = collect_updates(box, portfolio, write_feedback_files=False)
    assert {f.name: str(f.status) for f in result.files} == {"a.xlsx": "accepted", "b.xlsx": "duplicate"}


def test_many_files_in_two_processes_give_the_same_result_as_one(tmp_path: Path) -> None:
    portfolio = write_test_portfolio(tmp_path / "PMO.xlsx")
    box = tmp_path / "updates"
    box.mkdir()
    pids = [p for p in MANAGERS if p not in ("PRJ-006", "PRJ-007")]
    for k in range(26):
        pid = pids[k % len(pids)]
        period = D(2025 + (k // len(pids)) // 12, (k // len(pids)) % 12 + 1, 1)
        data = update(pid, D(2026, 11, 3), 1000.0 + k, risks=[risk(f"R-{100 + k}", "r", 2)])
        data.header["period"] = period
        write_update_template(box / f"u{k:02d}.xlsx", prefill=data)
    (box / "u99-broken.xlsx").write_bytes(b"PK\x03\x04 truncated")
    seen: list[tuple[str, int, int]] = []
    parallel = collect_updates(box, portfolio, tmp_path / "p.xlsx", jobs=2, write_feedback_files=False,
                               progress=lambda *a: seen.append(a))
    serial = collect_updates(box, portfolio, tmp_path / "s.xlsx", jobs=1, write_feedback_files=False)
    assert [(f.name, f.status) for f in parallel.files] == [(f.name, f.status) for f in serial.files]
    assert sum(f.status == Status.ACCEPTED for f in parallel.files) == 26
    assert seen[-1] == ("reading updates", 27, 27)
    for register in ("Progress", "Risks", "Allocations"):
        assert out_rows(tmp_path / "p.xlsx", register) == out_rows(tmp_path / "s.xlsx", register)


@pytest.mark.libreoffice
def test_an_xls_update_is_read(tmp_path: Path) -> None:
    import subprocess

    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("PMO_REQUIRE_LIBREOFFICE"):
            pytest.fail("LibreOffice is required here (PMO_REQUIRE_LIBREOFFICE) to make an .xls")
        pytest.skip("LibreOffice is not installed")
    portfolio = write_test_portfolio(tmp_path / "PMO.xlsx")
    write_update_template(tmp_path / "PRJ-005.xlsx", prefill=update("PRJ-005", D(2026, 11, 3), 99000.0))
    box = tmp_path / "updates"
    subprocess.run([soffice, "--headless", "--convert-to", "xls", "--outdir", str(box), str(tmp_path / "PRJ-005.xlsx")],
                   check=True, capture_output=True, timeout=120)
    result = collect_updates(box, portfolio, write_feedback_files=False)
    assert [(f.name, str(f.status)) for f in result.files] == [("PRJ-005.xls", "accepted")]
    assert ["PRJ-005", OCT, 120000.0, 105000.0, None, 99000.0] in [r[:6] for r in out_rows(result.out, "Progress")]


def test_a_formula_excel_never_calculated_is_pointed_at(tmp_path: Path) -> None:
    """A value computed by a formula in a file no spreadsheet ever saved reads as blank: say so at its cell."""
    portfolio = write_test_portfolio(tmp_path / "PMO.xlsx")
    box = tmp_path / "updates"
    box.mkdir()
    workbook = xlsxwriter.Workbook(str(box / "scripted.xlsx"))
    workbook.define_name(VERSION_NAME, "=2")
    sheet = workbook.add_worksheet("Update")
    for row0, (item, value) in enumerate((("Project ID", "PRJ-004"), ("Period", "2026-10"), ("Submitted on", D(2026, 11, 4)),
                                          ("PV (cumulative)", 120000), ("EV (cumulative)", 100000)), start=1):
        sheet.write_string(row0, 0, item)
        write_cell(sheet, row0, 1, value, workbook.add_format({"num_format": "yyyy-mm-dd"}) if isinstance(value, dt.date) else None)
    sheet.write_string(6, 0, "AC (cumulative)")
    sheet.write_formula(6, 1, "=B5*1.1", None, "")
    sheet.add_table(0, 0, 6, 1, {"name": "tblUpdate", "columns": [{"header": "Item"}, {"header": "Value"}]})
    workbook.close()
    result = collect_updates(box, portfolio, write_feedback_files=False)
    [file] = result.files
    assert (file.status, file.note) == (Status.REJECTED, "every part of it has errors")
    assert [(i.cell, i.code) for i in file.issues if i.severity == "error"] == [("B7", "uncalculated-formula")]


def test_a_file_beyond_the_size_cap_is_refused_unread(tmp_path: Path) -> None:
    portfolio = write_test_portfolio(tmp_path / "PMO.xlsx")
    box = tmp_path / "updates"
    box.mkdir()
    write_update_template(box / "big.xlsx", prefill=update("PRJ-005", D(2026, 11, 3), 99000.0))
    result = collect_updates(box, portfolio, limits=Limits(max_bytes=5000), write_feedback_files=False)
    [file] = result.files
    assert file.status == Status.REJECTED
    assert [(i.code, i.message.split(";")[1]) for i in file.issues] == [
        ("too-large", " a project update is capped at 5 KB — is this really an update? Send the filled-in template only")]


def test_a_file_that_cannot_be_opened_stops_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows refuses to open a file another program holds; here the refusal is simulated (tests run as root)."""
    import pmo_xl.collect.usecase as usecase

    portfolio = write_test_portfolio(tmp_path / "PMO.xlsx")
    box = tmp_path / "updates"
    box.mkdir()
    write_update_template(box / "a.xlsx", prefill=update("PRJ-005", D(2026, 11, 3), 99000.0))
    write_update_template(box / "b.xlsx", prefill=update("PRJ-004", D(2026, 11, 3), 99000.0))
    real = usecase.hashlib.file_digest

    def refuse_b(handle, digest):  # noqa: ANN001, ANN202
        if handle.name.endswith("b.xlsx"):
            raise PermissionError(13, "Permission denied")
        return real(handle, digest)

    monkeypatch.setattr(usecase.hashlib, "file_digest", refuse_b)
    result = collect_updates(box, portfolio, write_feedback_files=False)
    assert {f.name: str(f.status) for f in result.files} == {"a.xlsx": "accepted", "b.xlsx": "rejected"}
    assert result.files[1].issues[0].message == "The file cannot be opened (Permission denied); is it open in another program?"


def test_out_may_not_be_the_portfolio_without_replace(tmp_path: Path) -> None:
    from pmo_xl.errors import OutputError

    portfolio = write_test_portfolio(tmp_path / "PMO.xlsx")
    (tmp_path / "updates").mkdir()
    with pytest.raises(OutputError, match="OUT would overwrite the portfolio"):
        collect_updates(tmp_path / "updates", portfolio, portfolio)
