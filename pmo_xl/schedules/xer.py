"""Read a Primavera P6 export (XER) into the neutral schedule model: one Schedule per project.

An XER is text, one record per line, fields separated by tabs: `ERMHDR` first, then for each
table `%T name`, `%F` its field names, `%R` one line per row, and `%E` at the very end. P6 drops
trailing empty fields, so a row may be shorter than its `%F` line, never longer.

Written here rather than taken from a library: the format is that small, `xerparser` is GPL-3.0
(it cannot ship in an MIT project) and PyP6Xer is LGPL and mis-reads short rows.

What is damage, not a data problem (the file is refused whole, one line): no `ERMHDR`, a row
before its field names, a row longer than its field names, no `%E` end marker (the export was cut
off), a calendar whose definition stops mid-way (unbalanced parentheses). A single unreadable
value is a located issue on its row instead.

Units: money in the project currency, quantities in hours, dates `YYYY-MM-DD HH:MM`,
percentages 0-100. P6 keeps costs on the resource assignments (TASKRSRC) and the expenses
(PROJCOST), not on the activity: an activity's costs are the sums of its assignments' and expenses'.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from pmo_xl.issues import Issue
from pmo_xl.schedules.model import Assignment, Resource, Schedule, ScheduleReadError, Task
from pmo_xl.schedules.values import Values
from pmo_xl.schema.registers import PROFILES

Row = dict[str, str]
MILESTONE_TYPES = {"TT_Mile": "start", "TT_FinMile": "finish"}
SUMMARY_TYPES = ("TT_WBS",)  # WBS summary activities roll up others: no cost of their own
RESOURCE_KINDS = {"RT_Labor": "work", "RT_Equip": "work", "RT_Mat": "material"}
_PROFILE_KEYS = {re.sub(r"[^a-z]", "", p.casefold()): p for p in PROFILES} | {"bellshaped": "Bell"}


class XerTables:
    """The tables of an XER file: rows as field dicts, each with its line number."""

    def __init__(self) -> None:
        self.rows: dict[str, list[tuple[int, Row]]] = defaultdict(list)
        self.version = ""

    def get(self, name: str) -> list[tuple[int, Row]]:
        return self.rows.get(name, [])


def parse_xer(data: bytes, path: str) -> XerTables:
    """Split an XER into its tables; ScheduleReadError when the file is damaged."""
    text = _decode(data)
    tables = XerTables()
    lines = text.split("\n")
    if not lines[0].startswith("ERMHDR"):
        raise ScheduleReadError("not a Primavera P6 export: an XER file starts with ERMHDR")
    tables.version = (lines[0].split("\t") + ["", ""])[1]
    table: str | None = None
    fields: list[str] | None = None
    ended = False
    for number, line in enumerate(lines[1:], start=2):
        line = line.rstrip("\r")
        if not line:
            continue
        if ended:
            raise ScheduleReadError(f"line {number}: data after the %E end marker; the file is damaged")
        marker, _, rest = line.partition("\t")
        if marker == "%T":
            table, fields = rest.strip(), None
        elif marker == "%F":
            if table is None:
                raise ScheduleReadError(f"line {number}: field names (%F) before any table (%T); the file is damaged")
            fields = rest.split("\t")
        elif marker == "%R":
            if table is None or fields is None:
                raise ScheduleReadError(f"line {number}: a row (%R) before its table's field names; the file is damaged")
            values = rest.split("\t")
            if len(values) > len(fields):
                raise ScheduleReadError(f"line {number}: {table} row has {len(values)} fields, its table declares "
                                        f"{len(fields)}; the file is damaged")
            tables.rows[table].append((number, dict(zip(fields, values, strict=False))))
        elif marker == "%E":
            ended = True
        else:
            raise ScheduleReadError(f"line {number}: {line[:20]!r} is not an XER record (%T, %F, %R or %E); the file is damaged")
    if not ended:
        raise ScheduleReadError("no %E end marker: the export was cut off (truncated file); export it again from P6")
    for number, row in tables.get("CALENDAR"):
        data_text = row.get("clndr_data", "")
        if data_text.count("(") != data_text.count(")"):
            raise ScheduleReadError(f"line {number}: calendar {row.get('clndr_id')} {row.get('clndr_name', '')!r} "
                                    "stops mid-definition (unbalanced parentheses); the file is damaged")
    return tables


def _decode(data: bytes) -> str:
    """P6 writes the Windows code page of the machine that exported; UTF-8 where it says so."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_xer(path: str | Path, data: bytes) -> tuple[list[Schedule], list[Issue]]:
    """Every project of an XER as a Schedule, and the problems with single values."""
    tables = parse_xer(data, str(path))
    values = Values()
    projects = tables.get("PROJECT")
    if not projects:
        raise ScheduleReadError("an XER without a PROJECT table: not a project export (export projects from P6)")
    calendars = {r.get("clndr_id", ""): r.get("clndr_name", "") for _, r in tables.get("CALENDAR")}
    currency = (tables.get("CURRTYPE") or [(0, {})])[0][1].get("curr_short_name", "")
    resources = _resources(tables, values, calendars)
    curves = {r.get("curv_id", ""): r.get("curv_name", "") for _, r in tables.get("RSRCCURV")}
    wbs_names = {r.get("proj_id", ""): r.get("wbs_name", "") for _, r in tables.get("PROJWBS")
                 if r.get("proj_node_flag") == "Y"}
    tasks_by_project: dict[str, list[tuple[int, Row]]] = defaultdict(list)
    for number, row in tables.get("TASK"):
        tasks_by_project[row.get("proj_id", "")].append((number, row))
    costs = _costs(tables, values)
    assignments_by_project: dict[str, list[tuple[int, Row]]] = defaultdict(list)
    for number, row in tables.get("TASKRSRC"):
        assignments_by_project[row.get("proj_id", "")].append((number, row))
    schedules = []
    for number, row in projects:
        proj_id = row.get("proj_id", "")
        where = f"PROJECT line {number} (proj_id {proj_id})"
        code = row.get("proj_short_name", "").strip()
        status = values.date(row.get("last_recalc_date"), where, "last_recalc_date")
        schedule = Schedule(
            path=str(path), format="XER", where=where, name=wbs_names.get(proj_id, "").strip() or code, code=code,
            start=values.date(row.get("plan_start_date"), where, "plan_start_date"),
            finish=values.date(row.get("scd_end_date") or row.get("plan_end_date"), where, "scd_end_date"),
            status_date=status, status_date_from="last_recalc_date (data date)" if status else "", currency=currency,
            calendars=calendars)
        schedule.tasks = [_task(n, r, values, costs) for n, r in tasks_by_project.get(proj_id, [])]
        schedule.assignments = [_assignment(n, r, values, curves) for n, r in assignments_by_project.get(proj_id, [])]
        used = {a.resource_uid for a in schedule.assignments}
        schedule.resources = [r for r in resources if r.uid in used]
        if tables.get("FINTABLE") or tables.get("TRSRCFIN"):
            schedule.notes.append("financial periods (FINTABLE, TRSRCFIN): not imported; the Baseline is spread from "
                                  "the activities' planned dates")
        schedules.append(schedule)
    return schedules, values.issues


def _resources(tables: XerTables, values: Values, calendars: dict[str, str]) -> list[Resource]:
    rates: dict[str, tuple[str, float | None, float | None]] = {}
    for number, row in tables.get("RSRCRATE"):  # the rate in force longest: the latest start date
        where = f"RSRCRATE line {number}"
        rsrc = row.get("rsrc_id", "")
        start = row.get("start_date", "")
        if rsrc not in rates or start >= rates[rsrc][0]:
            rates[rsrc] = (start, values.number(row.get("cost_per_qty"), where, "cost_per_qty"),
                           values.number(row.get("max_qty_per_hr"), where, "max_qty_per_hr"))
    out = []
    for number, row in tables.get("RSRC"):
        rsrc = row.get("rsrc_id", "")
        where = f"RSRC line {number} (rsrc_id {rsrc})"
        _, rate, units = rates.get(rsrc, ("", None, None))
        out.append(Resource(uid=rsrc, where=where, name=row.get("rsrc_name", "").strip(),
                            code=row.get("rsrc_short_name", "").strip(),
                            kind=RESOURCE_KINDS.get(row.get("rsrc_type", ""), "work"),
                            max_units=units, standard_rate=rate or None,
                            calendar=calendars.get(row.get("clndr_id", ""), "")))
    return out


def _costs(tables: XerTables, values: Values) -> dict[str, list[float]]:
    """task_id -> [planned, actual, remaining] cost over its assignments and expenses."""
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for table, planned, actual, remaining in (("TASKRSRC", "target_cost", ("act_reg_cost", "act_ot_cost"), "remain_cost"),
                                              ("PROJCOST", "target_cost", ("act_cost",), "remain_cost")):
        for number, row in tables.get(table):
            where = f"{table} line {number}"
            total = totals[row.get("task_id", "")]
            total[0] += values.number(row.get(planned), where, planned) or 0.0
            total[1] += sum(values.number(row.get(a), where, a) or 0.0 for a in actual)
            total[2] += values.number(row.get(remaining), where, remaining) or 0.0
    return totals


def _task(number: int, row: Row, values: Values, costs: dict[str, list[float]]) -> Task:
    task_id = row.get("task_id", "")
    where = f"TASK line {number} (task_id {task_id}, {row.get('task_code', '')})"
    kind = row.get("task_type", "")
    planned, actual, remaining = costs.get(task_id, (None, None, None))
    target_hours = values.number(row.get("target_drtn_hr_cnt"), where, "target_drtn_hr_cnt")
    remaining_hours = values.number(row.get("remain_drtn_hr_cnt"), where, "remain_drtn_hr_cnt")
    task = Task(
        uid=task_id, where=where, name=row.get("task_name", "").strip(), wbs=row.get("wbs_id", ""),
        summary=kind in SUMMARY_TYPES, milestone=kind in MILESTONE_TYPES,
        start=values.date(row.get("act_start_date") or row.get("early_start_date") or row.get("restart_date"), where, "early_start_date"),
        finish=values.date(row.get("act_end_date") or row.get("early_end_date") or row.get("reend_date"), where, "early_end_date"),
        baseline_start=values.date(row.get("target_start_date"), where, "target_start_date"),
        baseline_finish=values.date(row.get("target_end_date"), where, "target_end_date"),
        actual_start=values.date(row.get("act_start_date"), where, "act_start_date"),
        actual_finish=values.date(row.get("act_end_date"), where, "act_end_date"),
        baseline_cost=planned, actual_cost=actual,
        cost=None if actual is None else actual + (remaining or 0.0),
    )
    if task.milestone and MILESTONE_TYPES[kind] == "start":  # a start milestone happens at its start
        task.finish = task.actual_start or task.start
        task.baseline_finish = task.baseline_start
        task.actual_finish = task.actual_start
    physical = values.number(row.get("phys_complete_pct"), where, "phys_complete_pct")
    method = row.get("complete_pct_type", "")
    if method == "CP_Phys":
        task.physical_pct = None if physical is None else physical / 100.0
    if row.get("status_code") == "TK_Complete":
        task.pct_complete = 1.0
    elif method == "CP_Units":
        done = values.number(row.get("act_work_qty"), where, "act_work_qty") or 0.0
        left = values.number(row.get("remain_work_qty"), where, "remain_work_qty") or 0.0
        task.pct_complete = done / (done + left) if done + left > 0 else 0.0
    elif target_hours:
        task.pct_complete = min(max(1.0 - (remaining_hours or 0.0) / target_hours, 0.0), 1.0) if task.actual_start else 0.0
    else:
        task.pct_complete = 0.0
    return task


def _assignment(number: int, row: Row, values: Values, curves: dict[str, str]) -> Assignment:
    where = f"TASKRSRC line {number} (taskrsrc_id {row.get('taskrsrc_id', '')})"
    done = sum(values.number(row.get(f), where, f) or 0.0 for f in ("act_reg_qty", "act_ot_qty"))
    left = values.number(row.get("remain_qty"), where, "remain_qty")
    curve = curves.get(row.get("curv_id", ""), "")
    profile = _PROFILE_KEYS.get(re.sub(r"[^a-z]", "", curve.casefold())) if curve else None
    return Assignment(
        uid=row.get("taskrsrc_id", ""), where=where, task_uid=row.get("task_id", ""), resource_uid=row.get("rsrc_id", ""),
        work=done + (left or 0.0), actual_work=done, remaining_work=left,
        contour=profile, contour_source=curve if curve and profile is None else "",
        start=values.date(row.get("act_start_date") or row.get("restart_date") or row.get("target_start_date"), where, "target_start_date"),
        finish=values.date(row.get("act_end_date") or row.get("reend_date") or row.get("target_end_date"), where, "target_end_date"),
        baseline_cost=values.number(row.get("target_cost"), where, "target_cost"),
        actual_cost=sum(values.number(row.get(f), where, f) or 0.0 for f in ("act_reg_cost", "act_ot_cost")))

