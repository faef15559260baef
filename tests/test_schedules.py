"""`pmo-xl import`: schedules written by the test itself, one per mapping rule, checked by hand figures."""

from __future__ import annotations

import datetime as dt
import hashlib
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from schedule_files import NS, A, R, T, mspdi, xer

from pmo_xl.cli import main
from pmo_xl.collect.model import Status
from pmo_xl.compute.earned_value import compute_earned_value
from pmo_xl.schedules.mapping import map_schedule
from pmo_xl.schedules.read import read_schedule
from pmo_xl.schedules.usecase import import_schedules
from pmo_xl.usecases import load_portfolio

TEMPLATE = Path(__file__).resolve().parents[1] / "workbooks" / "PMO-template.xlsx"
SAMPLE = Path(__file__).resolve().parents[1] / "workbooks" / "samples" / "PMO-sample.xlsx"
D = dt.date

PLAN = [
    T(0, "Portal", summary=True, outline_level=0, start="2026-01-05", finish="2026-03-06"),
    T(1, "Design", start="2026-01-05", finish="2026-01-16", baseline_start="2026-01-05", baseline_finish="2026-01-16",
      baseline_cost=1000, cost=1200, actual_cost=1200, actual_start="2026-01-05", actual_finish="2026-01-16", pct=100),
    T(2, "Build", start="2026-01-19", finish="2026-02-13", baseline_start="2026-01-19", baseline_finish="2026-02-13",
      baseline_cost=2000, cost=2100, actual_cost=450, actual_start="2026-01-19", pct=25),
    T(3, "Go live", start="2026-03-06", finish="2026-03-06", baseline_start="2026-02-27", baseline_finish="2026-02-27",
      milestone=True),
]
PEOPLE = [R(1, "Kim Lee", "Developer", rate=80, calendar_uid=9), R(2, "Concrete", kind=0)]
WORK = [A(1, 2, 1, work=160, actual_work=40, contour=6, start="2026-01-19", finish="2026-02-13"), A(2, 2, 2, work=10)]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def rows(path: Path, sheet: str) -> list[list[object]]:
    data = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
    return [r for r in data[1:] if any(v not in ("", None) for v in r)]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_round_trip_gives_the_hand_computed_cpi_and_spi(tmp_path: Path) -> None:
    """Status 30 Jan 2026. PV = Design 1,000 + Build 2,000 × 10/20 working days = 2,000; EV = 100 % × 1,000 +
    25 % × 2,000 = 1,500; AC = 1,200 + 450 = 1,650. CPI = 1,500 / 1,650 = 0.9091, SPI = 1,500 / 2,000 = 0.75."""
    plan = write(tmp_path / "PRJ-901 Portal.xml", mspdi(PLAN, PEOPLE, WORK, status_date="2026-01-30", manager="Ann"))
    out = tmp_path / "out.xlsx"
    result = import_schedules([plan], TEMPLATE, out)
    assert [f.status for f in result.files] == [Status.ACCEPTED]
    portfolio = load_portfolio(out)
    figures, _ = compute_earned_value(portfolio)
    row = figures.by_period.set_index("project_id").loc["PRJ-901 Portal"]
    assert (row["pv"], row["ev"], row["ac"]) == (2000.0, 1500.0, 1650.0)
    assert row["cpi"] == pytest.approx(1500 / 1650)
    assert row["spi"] == pytest.approx(0.75)
    assert rows(out, "Baseline") == [["PRJ-901 Portal", D(2026, 1, 1), 2000.0], ["PRJ-901 Portal", D(2026, 2, 1), 1000.0]]
    project = rows(out, "Projects")[0]
    assert project[:2] == ["PRJ-901 Portal", "Portal"] and project[5] == "Ann" and project[7] == "Active"
    assert project[9:12] == [D(2026, 1, 5), D(2026, 2, 27), 3000.0]


def test_milestones_resources_and_allocations(tmp_path: Path) -> None:
    plan = write(tmp_path / "plan.xml", mspdi(PLAN, PEOPLE, WORK, status_date="2026-01-30"))
    out = tmp_path / "out.xlsx"
    import_schedules([plan], TEMPLATE, out, project_id="P9")
    assert rows(out, "Milestones") == [["P9", "Go live", D(2026, 2, 27), D(2026, 3, 6), "", ""]]
    # only the work resource becomes a person; its calendar is the base calendar it follows
    assert rows(out, "Resources") == [["RES-0001", "Kim Lee", "Developer", "Developer", 1.0, "", "", "", "", "Standard", 80.0]]
    assert rows(out, "Allocations") == [["P9", "RES-0001", "", D(2026, 1, 19), D(2026, 2, 13), 160.0, "", "Bell", "Committed", 40.0]]


def test_physical_percent_complete_wins_where_the_pm_set_it_and_file_ev_is_used_when_computed() -> None:
    tasks = [T(1, "Build", start="2026-01-05", finish="2026-01-30", baseline_start="2026-01-05",
               baseline_finish="2026-01-30", baseline_cost=1000, pct=50, physical=20)]
    schedule = _one(mspdi(tasks, status_date="2026-01-16"))
    progress = map_schedule(schedule, "P").progress
    assert progress is not None and progress["ev"] == 200.0 and progress["pv"] == 500.0  # 10 of 20 working days
    tasks[0].bcws, tasks[0].bcwp = 480.0, 210.0  # Project computed EV at its status date: taken as it is
    progress = map_schedule(_one(mspdi(tasks, status_date="2026-01-16")), "P").progress
    assert progress is not None and (progress["pv"], progress["ev"]) == (480.0, 210.0)


def test_time_phased_baseline_is_used_when_it_adds_up_else_the_spread() -> None:
    phased = [("2026-01-05", "2026-01-09", 300.0), ("2026-02-02", "2026-02-06", 700.0)]
    task = T(1, "Build", start="2026-01-05", finish="2026-02-06", baseline_start="2026-01-05",
             baseline_finish="2026-02-06", baseline_cost=1000, phased=phased)
    mapped = map_schedule(_one(mspdi([task], status_date="2026-01-30")), "P")
    assert [(r["period"], r["planned_value"]) for r in mapped.baseline] == [(D(2026, 1, 1), 300.0), (D(2026, 2, 1), 700.0)]
    task.phased = [("2026-01-05", "2026-01-09", 300.0)]  # does not add up to the baseline cost: spread instead
    mapped = map_schedule(_one(mspdi([task], status_date="2026-01-30")), "P")
    assert [r["planned_value"] for r in mapped.baseline] == [800.0, 200.0]  # 20 and 5 of 25 working days


def test_what_cannot_be_mapped_is_located_at_its_source_element() -> None:
    tasks = [T(1, "Design", start="2026-01-05", finish="2026-01-16", baseline_start="2026-01-05",
               baseline_finish="2026-01-16", baseline_cost=1000),
             T(7, "Extra", start="2026-01-05", finish="2026-01-09", cost=500),
             T(8, "Undated", baseline_cost=300),
             T(9, "Sign-off", milestone=True)]
    mapped = map_schedule(_one(mspdi(tasks, status_date="2026-01-30")), "P")
    found = {(i.code, i.sheet) for i in mapped.issues}
    assert ("cost-without-baseline", "Task UID 7") in found
    assert ("task-without-dates", "Task UID 8") in found
    assert ("task-without-dates", "Task UID 9") in found
    assert mapped.project["bac"] == 1300.0  # the undated task counts in BAC, the unbaselined one does not
    assert not mapped.milestones


def test_a_schedule_without_baseline_is_planned_from_its_current_figures() -> None:
    tasks = [T(1, "Build", start="2026-01-05", finish="2026-01-16", cost=800, pct=50)]
    mapped = map_schedule(_one(mspdi(tasks, status_date="2026-01-09")), "P")
    assert [i.code for i in mapped.issues] == ["no-baseline"]
    assert mapped.project["bac"] == 800.0 and mapped.progress is not None
    assert (mapped.progress["pv"], mapped.progress["ev"]) == (400.0, 400.0)


XER_TABLES = {
    "CURRTYPE": (["curr_id", "curr_short_name"], [[1, "EUR"]]),
    "PROJECT": (["proj_id", "proj_short_name", "last_recalc_date", "plan_start_date", "scd_end_date"],
                [[10, "PRJ-950", "2026-01-30 00:00", "2026-01-05 00:00", "2026-03-06 17:00"]]),
    "CALENDAR": (["clndr_id", "clndr_name", "clndr_data"], [[1, "Standard 5d", "(0||CalendarData()())"]]),
    "PROJWBS": (["wbs_id", "proj_id", "proj_node_flag", "wbs_name"], [[100, 10, "Y", "Plant upgrade"]]),
    "RSRC": (["rsrc_id", "rsrc_name", "rsrc_short_name", "rsrc_type", "clndr_id"],
             [[5, "Ana Ruiz", "AR", "RT_Labor", 1], [6, "Cement", "CEM", "RT_Mat"]]),
    "RSRCRATE": (["rsrc_rate_id", "rsrc_id", "start_date", "cost_per_qty", "max_qty_per_hr"],
                 [[1, 5, "2020-01-01 00:00", 50, 1], [2, 5, "2025-01-01 00:00", 60, 0.8]]),
    "TASK": (["task_id", "proj_id", "wbs_id", "task_code", "task_name", "task_type", "status_code", "complete_pct_type",
              "phys_complete_pct", "target_drtn_hr_cnt", "remain_drtn_hr_cnt", "act_work_qty", "remain_work_qty",
              "target_start_date", "target_end_date", "early_start_date", "early_end_date", "act_start_date", "act_end_date"],
             [[1, 10, 100, "A1000", "Survey", "TT_Task", "TK_Complete", "CP_Drtn", 0, 80, 0, 0, 0,
               "2026-01-05 08:00", "2026-01-16 17:00", "", "", "2026-01-05 08:00", "2026-01-16 17:00"],
              [2, 10, 100, "A1010", "Install", "TT_Task", "TK_Active", "CP_Phys", 40, 160, 120, 0, 0,
               "2026-01-19 08:00", "2026-02-13 17:00", "2026-01-19 08:00", "2026-02-20 17:00", "2026-01-19 08:00"],
              [3, 10, 100, "M1", "Handover", "TT_FinMile", "TK_NotStart", "CP_Drtn", 0, 0, 0, 0, 0,
               "2026-02-27 17:00", "2026-02-27 17:00", "2026-03-06 17:00", "2026-03-06 17:00"]]),  # short row, as P6 writes
    "TASKRSRC": (["taskrsrc_id", "task_id", "proj_id", "rsrc_id", "act_reg_qty", "act_ot_qty", "remain_qty", "target_cost",
                  "act_reg_cost", "act_ot_cost", "remain_cost", "target_start_date", "target_end_date", "act_start_date",
                  "act_end_date"],
                 [[20, 1, 10, 5, 80, 0, 0, 4000, 4400, 0, 0, "2026-01-05 08:00", "2026-01-16 17:00", "2026-01-05 08:00",
                   "2026-01-16 17:00"],
                  [21, 2, 10, 5, 40, 0, 120, 8000, 2000, 100, 6000, "2026-01-19 08:00", "2026-02-13 17:00",
                   "2026-01-19 08:00"],
                  [22, 2, 10, 6, 0, 0, 10, 500, 0, 0, 500, "2026-01-19 08:00", "2026-02-13 17:00"]]),
}


def test_xer_maps_like_mspdi(tmp_path: Path) -> None:
    """PV = Survey 4,000 + Install 8,500 × 10/20 = 8,250; EV = 100 % × 4,000 + 40 % (physical) × 8,500 = 7,400;
    AC = 4,400 + 2,100 = 6,500."""
    path = write(tmp_path / "plant.xer", xer(XER_TABLES))
    out = tmp_path / "out.xlsx"
    result = import_schedules([path], TEMPLATE, out)
    assert [(f.project_id, f.status) for f in result.files] == [("PRJ-950", Status.ACCEPTED)]
    assert rows(out, "Progress")[0][:6] == ["PRJ-950", D(2026, 1, 1), 8250.0, 7400.0, "", 6500.0]
    assert rows(out, "Projects")[0][:2] == ["PRJ-950", "Plant upgrade"]
    assert rows(out, "Projects")[0][11] == 12500.0
    assert rows(out, "Milestones") == [["PRJ-950", "Handover", D(2026, 2, 27), D(2026, 3, 6), "", ""]]
    # the P6 resource ID is kept; the rate in force longest (latest start) with its max units
    assert rows(out, "Resources") == [["AR", "Ana Ruiz", "", "", 0.8, "", "", "", "", "Standard 5d", 60.0]]
    assert [r[:6] for r in rows(out, "Allocations")] == [["PRJ-950", "AR", "", D(2026, 1, 5), D(2026, 1, 16), 80.0],
                                                         ["PRJ-950", "AR", "", D(2026, 1, 19), D(2026, 2, 13), 160.0]]


def test_counts_equal_an_independent_count_of_the_file(tmp_path: Path) -> None:
    tasks = [T(k, f"Task {k}", start="2026-01-05", finish="2026-01-09", milestone=k % 5 == 0) for k in range(1, 31)]
    people = [R(k, f"Person {k}", "Team", rate=50) for k in range(1, 6)]
    work = [A(k, k, 1 + k % 5, work=8, start="2026-01-05", finish="2026-01-09") for k in range(1, 21)]
    path = write(tmp_path / "p.xml", mspdi(tasks, people, work))
    root = ET.parse(path).getroot()
    q = f"{{{NS}}}"
    schedule = read_schedule(path).schedules[0]
    assert len(schedule.tasks) == len(root.findall(f"{q}Tasks/{q}Task"))
    assert sum(t.milestone for t in schedule.tasks) == len(root.findall(f"{q}Tasks/{q}Task[{q}Milestone='1']"))
    assert len(schedule.resources) == len(root.findall(f"{q}Resources/{q}Resource"))
    assert len(schedule.assignments) == len(root.findall(f"{q}Assignments/{q}Assignment"))
    text = xer(XER_TABLES)
    counted: dict[str, int] = {}
    table = ""
    for line in text.splitlines():
        if line.startswith("%T\t"):
            table = line[3:]
        elif line.startswith("%R\t"):
            counted[table] = counted.get(table, 0) + 1
    [project] = read_schedule(write(tmp_path / "p.xer", text)).schedules
    assert (len(project.tasks), len(project.assignments)) == (counted["TASK"], counted["TASKRSRC"])
    assert sum(t.milestone for t in project.tasks) == text.count("\tTT_FinMile\t") + text.count("\tTT_Mile\t")


BOMB = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;">]><Project xmlns="' + NS + '"><Name>&lol3;</Name></Project>')


def _zip(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Project.xml", mspdi(PLAN))


MALFORMED = {
    "truncated.xml": lambda p: p.write_text(mspdi(PLAN)[:900], encoding="utf-8"),
    "zipped.xml": _zip,
    "bomb.xml": lambda p: p.write_text(BOMB, encoding="utf-8"),
    "external.xml": lambda p: p.write_text('<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                                           f'<Project xmlns="{NS}"><Name>&x;</Name></Project>', encoding="utf-8"),
    "not-project.xml": lambda p: p.write_text("<html><body/></html>", encoding="utf-8"),
    "cut-off.xer": lambda p: p.write_text(xer(XER_TABLES, end=False), encoding="utf-8"),
    "long-row.xer": lambda p: p.write_text(xer(XER_TABLES).replace("Survey\t", "Survey\textra\t" * 30), encoding="utf-8"),
    "calendar.xer": lambda p: p.write_text(xer(XER_TABLES).replace("(0||CalendarData()())", "(0||CalendarData()("),
                                           encoding="utf-8"),
    "plan.mpp.xml": lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500)),
    "empty.xer": lambda p: p.write_bytes(b""),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_inputs_are_one_line_and_exit_2_and_never_changed(name: str, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / name
    MALFORMED[name](path)
    before, template_before = digest(path), digest(TEMPLATE)
    assert main(["import", str(path), "--into", str(TEMPLATE), "-o", str(tmp_path / "out.xlsx")]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert captured.err.startswith(f"pmo-xl: {path}: ")
    assert digest(path) == before and digest(TEMPLATE) == template_before


def test_merge_with_the_register_keeps_its_project_and_warns_on_a_different_bac(tmp_path: Path) -> None:
    portfolio = load_portfolio(SAMPLE)
    project = portfolio.projects.iloc[0]
    tasks = [T(1, "Work", start="2026-01-05", finish="2026-01-16", baseline_start="2026-01-05",
               baseline_finish="2026-01-16", baseline_cost=float(project["bac"]) * 2)]
    path = write(tmp_path / f"{project['project_id']} plan.xml", mspdi(tasks, status_date="2026-01-16"))
    out = tmp_path / "out.xlsx"
    result = import_schedules([path], SAMPLE, out)
    [file] = result.files
    assert file.project_id == project["project_id"] and "file name" in file.note
    assert "bac-differs" in {i.code for i in file.issues}
    merged = {r[0]: r for r in rows(out, "Projects")}
    assert merged[project["project_id"]][11] == float(project["bac"])  # the register keeps its approved budget
    assert len(merged) == len(rows(SAMPLE, "Projects"))  # nothing added


def test_newest_status_date_wins_and_a_tie_is_held_back(tmp_path: Path) -> None:
    tasks = [T(1, "Work", start="2026-01-05", finish="2026-01-16", baseline_start="2026-01-05",
               baseline_finish="2026-01-16", baseline_cost=100)]
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder / "PRJ-001 a.xml", mspdi(tasks, status_date="2026-01-09"))
    write(folder / "PRJ-001_b.xml", mspdi(tasks, status_date="2026-02-27"))
    write(folder / "notes.txt", "hello")
    result = import_schedules([folder], SAMPLE, tmp_path / "out.xlsx")
    assert {f.name: f.status for f in result.files} == {"PRJ-001 a.xml": Status.SUPERSEDED, "PRJ-001_b.xml": Status.ACCEPTED,
                                                        "notes.txt": Status.SKIPPED}
    progress = [r for r in rows(tmp_path / "out.xlsx", "Progress") if r[0] == "PRJ-001" and r[1] == D(2026, 2, 1)]
    assert [r[2] for r in progress] == [100.0]
    # The older one was merged while the newer was still being read, then the merge was redone
    # without it: nothing of it is in OUT, and it carries no issue of a merge (a BAC conflict).
    january = [r for r in rows(tmp_path / "out.xlsx", "Progress") if r[0] == "PRJ-001" and r[1] == D(2026, 1, 1)]
    assert january == [r for r in rows(SAMPLE, "Progress") if r[0] == "PRJ-001" and r[1] == D(2026, 1, 1)]
    codes = {f.name: {i.code for i in f.issues} for f in result.files}
    assert "bac-differs" in codes["PRJ-001_b.xml"] and "bac-differs" not in codes["PRJ-001 a.xml"]
    write(folder / "PRJ-001-c.xml", mspdi(tasks, status_date="2026-02-27"))
    result = import_schedules([folder], SAMPLE, tmp_path / "out2.xlsx")
    assert {f.name: f.status for f in result.files if f.name.endswith(".xml")} == {
        "PRJ-001 a.xml": Status.SUPERSEDED, "PRJ-001_b.xml": Status.HELD_BACK, "PRJ-001-c.xml": Status.HELD_BACK}


def test_many_files_in_two_processes_give_the_same_workbook_rows_as_one(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for k in range(24):
        tasks = [T(1, "Work", start="2026-01-05", finish="2026-02-13", baseline_start="2026-01-05",
                   baseline_finish="2026-02-13", baseline_cost=1000 + k, pct=k * 4, actual_cost=10 * k)]
        write(folder / f"P{k:03d}.xml", mspdi(tasks, status_date="2026-01-30"))
    one = import_schedules([folder], TEMPLATE, tmp_path / "one.xlsx", jobs=1)
    two = import_schedules([folder], TEMPLATE, tmp_path / "two.xlsx", jobs=2)
    assert [f.status for f in one.files] == [Status.ACCEPTED] * 24 == [f.status for f in two.files]
    for sheet in ("Projects", "Baseline", "Progress"):
        assert rows(tmp_path / "one.xlsx", sheet) == rows(tmp_path / "two.xlsx", sheet)
    assert len(rows(tmp_path / "one.xlsx", "Progress")) == 24


def test_cli_lists_each_file_and_exits_1_when_something_was_refused(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    good = write(tmp_path / "good.xml", mspdi(PLAN, status_date="2026-01-30"))
    bad = write(tmp_path / "bad.xer", "ERMHDR\t8.2\n%R\t1\n")
    assert main(["import", str(good), str(bad), "--into", str(TEMPLATE), "-o", str(tmp_path / "o.xlsx")]) == 1
    out = capsys.readouterr().out
    assert "accepted" in out and "good.xml" in out and "rejected" in out and "bad.xer" in out
    assert "2 files — 1 accepted, 1 rejected." in out


def _one(text: str):  # noqa: ANN202
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "s.xml"
        path.write_text(text, encoding="utf-8")
        found = read_schedule(path)
    assert not found.error, found.error
    return found.schedules[0]


def test_streamed_and_utf16_files_read_the_same_as_a_small_utf8_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Large files are streamed (iterparse); files not in an ASCII-compatible encoding go through defusedxml;
    a small UTF-8 one is read by lxml in one pass (`_records`), or by the standard library's parser without it."""
    import pmo_xl.schedules.mspdi as mspdi_module

    text = mspdi(PLAN, PEOPLE, WORK, status_date="2026-01-30", manager="Ann")
    # what the one pass must pass over: fields of the same names elsewhere, comments, a second baseline
    text = text.replace("<Task>", "<Task><PredecessorLink><PredecessorUID>9</PredecessorLink><!-- a note -->"
                        "<ExtendedAttribute><FieldID>1</FieldID><Value>7</Value></ExtendedAttribute>"
                        "<Baseline><Number>1</Number><Cost>99999</Cost><Start>2020-01-01T08:00:00</Start></Baseline>", 1)
    text = text.replace("<PredecessorUID>9</PredecessorLink>", "<PredecessorUID>9</PredecessorUID><Start>2020-01-01T08:00:00</Start>"
                        "<Cost>5</Cost></PredecessorLink>")
    plain = read_schedule(write(tmp_path / "a.xml", text)).schedules[0]
    assert plain.tasks[0].baseline_cost == PLAN[0].baseline_cost and plain.tasks[0].start.year == 2026
    utf16 = tmp_path / "b.xml"
    utf16.write_bytes(text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"))
    monkeypatch.setattr(mspdi_module, "etree", None)
    standard = read_schedule(tmp_path / "a.xml").schedules[0]
    monkeypatch.undo()
    monkeypatch.setattr(mspdi_module, "STREAM_FROM", 0)
    streamed = read_schedule(tmp_path / "a.xml").schedules[0]
    for other in (standard, streamed, read_schedule(utf16).schedules[0]):
        assert (other.tasks, other.resources, other.assignments, other.status_date, other.manager) == (
            plain.tasks, plain.resources, plain.assignments, plain.status_date, plain.manager)
    bomb = write(tmp_path / "bomb.xml", BOMB)
    assert "XML bomb" in read_schedule(bomb).error  # refused when streamed too


def _with_setting(source: Path, target: Path, label: str, value: object) -> Path:
    """A copy of `source` with one Settings value typed in (the copy, never the bundled file)."""
    import openpyxl

    book = openpyxl.load_workbook(source)
    sheet = book["Settings"]
    [row] = [r for r in sheet.iter_rows() if r[0].value == label]
    row[1].value = value
    book.save(target)
    return target


@pytest.mark.parametrize(("rule", "expected", "how"), [
    ("Code, title, file name or name", "PRJ-002", "project title matches a Project ID"),  # the title is tried first
    ("File name", "PRJ-001", "file name starts with a Project ID"),
    ("Project title", "PRJ-002", "project title matches a Project ID"),
    ("Project code", "PRJ-001 plan", "new project: file name"),  # an MSPDI file has no P6 code: a new project
])
def test_the_settings_rule_decides_which_project_a_schedule_is(rule: str, expected: str, how: str, tmp_path: Path) -> None:
    portfolio = _with_setting(SAMPLE, tmp_path / "PMO.xlsx", "Schedule project ID from", rule)
    tasks = [T(1, "Work", start="2026-01-05", finish="2026-01-16", baseline_start="2026-01-05",
               baseline_finish="2026-01-16", baseline_cost=100)]
    path = write(tmp_path / "PRJ-001 plan.xml", mspdi(tasks, title="PRJ-002", status_date="2026-01-16"))
    [file] = import_schedules([path], portfolio, tmp_path / "out.xlsx").files
    assert file.project_id == expected and file.note.endswith(f"ID: {how}")


def test_the_bac_tolerance_is_a_setting(tmp_path: Path) -> None:
    """The schedule's baseline is 8 % above the register BAC: a difference at the default 5 %, none at 10 %."""
    project = load_portfolio(SAMPLE).projects.iloc[0]
    tasks = [T(1, "Work", start="2026-01-05", finish="2026-01-16", baseline_start="2026-01-05",
               baseline_finish="2026-01-16", baseline_cost=round(float(project["bac"]) * 1.08, 2))]
    path = write(tmp_path / f"{project['project_id']} plan.xml", mspdi(tasks, status_date="2026-01-16"))
    codes = {i.code for i in import_schedules([path], SAMPLE, tmp_path / "a.xlsx").files[0].issues}
    assert "bac-differs" in codes
    wider = _with_setting(SAMPLE, tmp_path / "PMO.xlsx", "Schedule BAC tolerance", 0.10)
    codes = {i.code for i in import_schedules([path], wider, tmp_path / "b.xlsx").files[0].issues}
    assert "bac-differs" not in codes
