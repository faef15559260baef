"""Opt-in, not a core test: the MPXJ sample schedules of the shared reference folder import correctly.

The files are LGPL test data of the MPXJ project and stay outside this repository (read by path
from `../shared/reference/schedules`, see its SOURCES.md). Where that folder is absent (a clean
checkout), this module is skipped; every rule these files exercise is also covered by the core
tests in test_schedules.py on files written by the test itself. Counts are checked against an
independent count: XPath over the raw XML, %R lines of each XER table.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pmo_xl.schedules.read import read_schedule

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "reference" / "schedules"
pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="opt-in: ../shared/reference/schedules is not beside the repo")
Q = "{http://schemas.microsoft.com/project}"
XML_FILES = ("mpxj_assignment-assignments-project2019-mspdi.xml", "mpxj_mspdicostratetable.xml", "mpxj_mspditimephased.xml",
             "mpxj_task-baselines-project2019-mspdi.xml", "mpxj_task-costs-project2019-mspdi.xml")


@pytest.mark.parametrize("name", XML_FILES)
def test_mspdi_samples_import_with_the_counts_the_file_holds(name: str) -> None:
    root = ET.parse(SAMPLES / name).getroot()
    found = read_schedule(SAMPLES / name)
    assert not found.error
    [schedule] = found.schedules
    assert len(schedule.tasks) == len(root.findall(f"{Q}Tasks/{Q}Task"))
    assert sum(t.milestone for t in schedule.tasks) == len(root.findall(f"{Q}Tasks/{Q}Task[{Q}Milestone='1']"))
    assert len(schedule.resources) == len(root.findall(f"{Q}Resources/{Q}Resource"))
    assert len(schedule.assignments) == len(root.findall(f"{Q}Assignments/{Q}Assignment"))
    for element, task in zip(root.findall(f"{Q}Tasks/{Q}Task"), schedule.tasks, strict=True):
        start, pct = element.findtext(f"{Q}Start"), element.findtext(f"{Q}PercentComplete")
        assert task.start == (dt.date.fromisoformat(start[:10]) if start else None)
        assert task.pct_complete == (int(pct) / 100 if pct else None)
        cost = element.findtext(f"{Q}Baseline[{Q}Number='0']/{Q}Cost") or next(
            (b.findtext(f"{Q}Cost") for b in element.findall(f"{Q}Baseline") if b.find(f"{Q}Number") is None), None)
        assert task.baseline_cost == (float(cost) / 100 if cost else None)


def test_chosen_values_of_the_assignment_sample() -> None:
    [schedule] = read_schedule(SAMPLES / "mpxj_assignment-assignments-project2019-mspdi.xml").schedules
    task = next(t for t in schedule.tasks if t.uid == "3")
    assert (task.start, task.finish, task.pct_complete, task.actual_start) == (
        dt.date(2016, 1, 4), dt.date(2016, 1, 15), 0.5, dt.date(2016, 1, 4))
    assignment = next(a for a in schedule.assignments if a.uid == "5")
    assert (assignment.work, assignment.actual_work, assignment.remaining_work) == (80.0, 20.0, 60.0)


def test_cost_rate_sample_reads_rates() -> None:
    [schedule] = read_schedule(SAMPLES / "mpxj_mspdicostratetable.xml").schedules
    assert {r.name: r.standard_rate for r in schedule.resources if r.name} == {
        "Resource One": None, "Resource Two": 5.0, "Resource Three": next(
            float(e.findtext(f"{Q}StandardRate") or 0) or None for e in ET.parse(SAMPLES / "mpxj_mspdicostratetable.xml")
            .getroot().findall(f"{Q}Resources/{Q}Resource") if e.findtext(f"{Q}Name") == "Resource Three")}


def test_xer_sample_counts_rows_and_the_damaged_one_is_refused() -> None:
    path = SAMPLES / "mpxj_PredecessorCalendar.xer"
    counts: dict[str, int] = {}
    table = ""
    for line in path.read_bytes().decode("cp1252").splitlines():
        if line.startswith("%T\t"):
            table = line[3:].strip()
        elif line.startswith("%R\t"):
            counts[table] = counts.get(table, 0) + 1
    found = read_schedule(path)
    assert not found.error
    assert len(found.schedules) == counts["PROJECT"]
    assert sum(len(s.tasks) for s in found.schedules) == counts["TASK"]
    assert sum(len(s.assignments) for s in found.schedules) == counts.get("TASKRSRC", 0)
    damaged = read_schedule(SAMPLES / "mpxj_invalid-8.4.xer")
    assert damaged.error.startswith("line 33: calendar 180 'Test - Invalid' stops mid-definition")
