"""Map a schedule to register rows: one project, its Baseline, Progress, Milestones, resources, allocations.

The rules (also the table in CONTRACT.md, generated from `MAPPING`):
- Planned figures come from baseline 0; a schedule with no baseline at all is planned from its
  current cost and dates instead (one warning says so). In a baselined schedule, a task with
  cost but no baseline is left out of BAC and PV (a warning at the task).
- Only tasks that are not summaries carry cost: summaries roll their children up, and counting
  both would count everything twice.
- Baseline: the file's time-phased baseline cost where it holds one for a task (and it adds up to
  the task's baseline cost), else the baseline cost spread over the baseline dates' working days
  with the contour of the task's assignments (Flat when they differ or there are none).
- Progress at the status date: PV and EV from the file's BCWS and BCWP when Project computed them
  (a status date set and any of them non-zero), else PV = the spread planned to the status date
  and EV = % complete × baseline cost per task, physical % complete where the PM set it;
  AC = actual cost.
Resources are matched to the register later (merge.py): here they are candidates, and
allocations name the schedule's resource until then.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from pmo_xl.issues import Issue, Severity
from pmo_xl.schedules.model import Resource, Schedule, Task
from pmo_xl.schedules.spread import Planned, by_month, month_of
from pmo_xl.schedules.values import problem

SOURCE_RESOURCE = "source_resource"  # allocation field naming the schedule's resource until it has a register ID
FTE_MAXIMUM = 1.5  # Resources' FTE column allows up to 1.5


@dataclass
class Mapped:
    """The register rows one schedule gives, before they meet the register."""

    project_id: str
    schedule: Schedule
    project: dict[str, object]
    baseline: list[dict[str, object]] = field(default_factory=list)
    progress: dict[str, object] | None = None
    milestones: list[dict[str, object]] = field(default_factory=list)
    resources: list[tuple[Resource, dict[str, object]]] = field(default_factory=list)
    allocations: list[dict[str, object]] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    id_from: str = ""  # how the project ID was found

    def rename(self, project_id: str) -> None:
        """Give every row the project ID chosen against the register (mapping ran before it was known)."""
        for record in (self.project, self.progress or {}, *self.baseline, *self.milestones, *self.allocations):
            if "project_id" in record:
                record["project_id"] = project_id
        self.project_id = project_id


def money(value: float) -> float:
    return round(value + 0.0, 2)


def map_schedule(schedule: Schedule, project_id: str) -> Mapped:
    """Register rows for `schedule` under `project_id`, and every problem at its source element."""
    mapped = Mapped(project_id, schedule, {})
    issues = mapped.issues
    leaves = schedule.leaves()
    baselined = any(t.baseline_cost or t.baseline_start for t in leaves)
    if not baselined and leaves:
        issues.append(problem("no-baseline", Severity.WARNING, schedule.where, "Baseline", None,
                              "The schedule has no baseline (in Project: Set Baseline): BAC, planned dates and the "
                              "Baseline are taken from its current cost and dates instead"))
    contours = _task_contours(schedule)
    plan: list[Planned] = []
    planned_cost: dict[str, float] = {}
    phased: dict[dt.date, float] = {}
    for task in leaves:
        item = _planned(task, baselined, contours.get(task.uid), issues)
        if item is None:
            continue
        planned_cost[task.uid] = item.amount
        if item.start is None:
            continue  # no dates: in BAC, in no month (an issue says so)
        pieces = task.baseline_phased if baselined else []
        if pieces and abs(sum(a for _, _, a in pieces) - item.amount) <= max(0.005 * item.amount, 0.01):
            for start, _, amount in pieces:
                phased[month_of(start)] = phased.get(month_of(start), 0.0) + amount
            continue
        plan.append(item)
    months, pv_spread = by_month(plan, schedule.status_date)
    for month, amount in phased.items():
        months[month] = months.get(month, 0.0) + amount
    mapped.baseline = [{"project_id": project_id, "period": m, "planned_value": money(months[m])}
                       for m in sorted(months) if money(months[m])]
    mapped.project = _project(schedule, project_id, leaves, baselined, sum(planned_cost.values()), issues)
    mapped.progress = _progress(schedule, project_id, leaves, planned_cost, pv_spread, phased, issues)
    mapped.milestones = _milestones(schedule, project_id, baselined, issues)
    _resources_and_allocations(mapped)
    return mapped


def _task_contours(schedule: Schedule) -> dict[str, str | None]:
    """A task's contour: its assignments' when they all agree, else Flat."""
    seen: dict[str, set[str | None]] = {}
    for assignment in schedule.assignments:
        seen.setdefault(assignment.task_uid, set()).add(assignment.contour)
    return {uid: next(iter(c)) if len(c) == 1 else None for uid, c in seen.items()}


def _planned(task: Task, baselined: bool, contour: str | None, issues: list[Issue]) -> Planned | None:
    amount = (task.baseline_cost if baselined else task.cost) or 0.0
    if baselined and not task.baseline_cost and (task.cost or 0.0) > 0:
        issues.append(problem("cost-without-baseline", Severity.WARNING, task.where, "Cost", task.cost,
                              f"Task {task.name!r} has a cost of {task.cost:,.2f} but no baseline cost (added after "
                              "the baseline was set?): it is left out of BAC, Baseline and PV — re-baseline it in "
                              "the schedule"))
        return None
    if amount <= 0:
        return None
    start, finish = (task.baseline_start, task.baseline_finish) if baselined else (task.start, task.finish)
    if start is None or finish is None:
        start, finish = task.start, task.finish
        if start is None or finish is None:
            issues.append(problem("task-without-dates", Severity.ERROR, task.where, "Start", None,
                                  f"Task {task.name!r} has a planned cost of {amount:,.2f} but no dates: it cannot be "
                                  "placed in the Baseline months (it still counts in BAC)"))
            return Planned(amount, None, None)  # type: ignore[arg-type]
        issues.append(problem("baseline-without-dates", Severity.WARNING, task.where, "Baseline Start", None,
                              f"Task {task.name!r} has a baseline cost but no baseline dates: spread over its "
                              "current dates"))
    if finish < start:
        start, finish = finish, start
    return Planned(amount, start, finish, contour)


def _project(schedule: Schedule, project_id: str, leaves: list[Task], baselined: bool, bac: float,
             issues: list[Issue]) -> dict[str, object]:
    starts = [t.baseline_start if baselined else t.start for t in leaves]
    finishes = [t.baseline_finish if baselined else t.finish for t in leaves]
    start = min((d for d in starts if d), default=schedule.start)
    finish = max((d for d in finishes if d), default=schedule.finish)
    started = any(t.actual_start for t in leaves)
    done = bool(leaves) and all(t.actual_finish or (t.pct_complete or 0) >= 1 for t in leaves)
    if start is None or finish is None:
        issues.append(problem("project-without-dates", Severity.WARNING, schedule.where, "Start", None,
                              "No task has dates: the project's planned start and finish are left blank"))
    return {"project_id": project_id, "name": schedule.name or project_id, "manager": schedule.manager or None,
            "status": "Closed" if done else "Active" if started else "Approved",
            "start": start, "finish": finish, "bac": money(bac), "ev_technique": "% complete"}


def _progress(schedule: Schedule, project_id: str, leaves: list[Task], planned: dict[str, float], pv_spread: float,
              phased: dict[dt.date, float], issues: list[Issue]) -> dict[str, object] | None:
    status = schedule.status_date
    if status is None:
        issues.append(problem("no-status-date", Severity.WARNING, schedule.where, "Status date", None,
                              "The schedule has no status date (nor current date): no Progress row is imported"))
        return None
    if schedule.status_date_from == "CurrentDate":
        issues.append(problem("status-from-current-date", Severity.INFO, schedule.where, "CurrentDate", status,
                              f"No status date set: progress is measured at the current date {status:%Y-%m-%d}, "
                              "as Project does"))
    computed = schedule.status_date_from != "CurrentDate" and any((t.bcws or 0) or (t.bcwp or 0) for t in leaves)
    if computed:
        pv = sum(t.bcws or 0.0 for t in leaves)
        ev = sum(t.bcwp or 0.0 for t in leaves)
    else:
        # time-phased months are whole: the months up to the status month count in full
        pv = pv_spread + sum(a for m, a in phased.items() if m <= month_of(status))
        ev = 0.0
        for task in leaves:
            share = task.physical_pct if task.physical_pct else task.pct_complete
            ev += (share or 0.0) * planned.get(task.uid, 0.0)
    ac = sum(t.actual_cost or 0.0 for t in leaves)
    return {"project_id": project_id, "period": month_of(status), "pv": money(pv), "ev": money(ev), "ac": money(ac),
            "commentary": f"Imported from {schedule.format} schedule at {status:%Y-%m-%d}"}


def _milestones(schedule: Schedule, project_id: str, baselined: bool, issues: list[Issue]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    names = Counter(t.name.casefold() for t in schedule.tasks if t.milestone and not t.summary)
    for task in schedule.tasks:
        if not task.milestone or task.summary:
            continue
        name = task.name or f"Milestone {task.uid}"
        if names[task.name.casefold()] > 1:
            name = f"{name} ({task.uid})"  # milestones are matched by name: two of one name must differ
        baseline = task.baseline_finish if baselined else None
        if baseline is None:
            baseline = task.finish
            if baselined and baseline is not None:
                issues.append(problem("milestone-without-baseline", Severity.WARNING, task.where, "Baseline Finish", None,
                                      f"Milestone {name!r} has no baseline date: its current date is taken as baseline"))
        if baseline is None:
            issues.append(problem("task-without-dates", Severity.ERROR, task.where, "Finish", None,
                                  f"Milestone {name!r} has no dates: not imported (it would have been the "
                                  f"Milestones row {name!r})"))
            continue
        out.append({"project_id": project_id, "milestone": name, "baseline_date": baseline,
                    "forecast_date": task.finish, "actual_date": task.actual_finish})
    return out


def _resources_and_allocations(mapped: Mapped) -> None:
    schedule = mapped.schedule
    by_uid = {r.uid: r for r in schedule.resources}
    people = {r.uid for r in schedule.resources if r.kind == "work" and r.name}
    for resource in schedule.resources:
        if resource.uid not in people:
            continue
        fte = resource.max_units
        if fte is not None and not 0 <= fte <= FTE_MAXIMUM:
            fte = None  # a team, not a person: said when the resource is added (merge.py)
        mapped.resources.append((resource, {"name": resource.name, "role": resource.group or None,
                                            "team": resource.group or None, "fte": fte,
                                            "calendar": resource.calendar or None, "cost_rate": resource.standard_rate}))
    skipped = Counter()
    for assignment in schedule.assignments:
        resource = by_uid.get(assignment.resource_uid)
        if assignment.resource_uid not in people:
            skipped["not a named work resource" if resource is not None else "no resource"] += 1
            continue
        if not assignment.work:
            skipped["no work"] += 1
            continue
        if assignment.start is None or assignment.finish is None:
            mapped.issues.append(problem("task-without-dates", Severity.ERROR, assignment.where, "Start", None,
                                         f"Assignment of {resource.name!r} has no dates: not imported (it would "
                                         "have been an Allocations row of this resource)"))
            continue
        if assignment.contour_source:
            mapped.issues.append(problem("contour-not-mapped", Severity.INFO, assignment.where, "WorkContour",
                                         assignment.contour_source, f"Contour {assignment.contour_source!r} has no "
                                         "pmo-xl profile: the allocation is Flat"))
        mapped.allocations.append({
            "project_id": mapped.project_id, SOURCE_RESOURCE: assignment.resource_uid, "start": assignment.start,
            "finish": max(assignment.finish, assignment.start), "effort_hours": round(assignment.work, 2),
            "profile": assignment.contour if assignment.contour not in (None, "Flat") else None, "state": "Committed",
            "actual_hours": round(assignment.actual_work, 2) if assignment.actual_work else None})
    if skipped:
        mapped.issues.append(problem("assignments-not-allocations", Severity.INFO, schedule.where, "Assignments",
                                     sum(skipped.values()), "Not imported as allocations: " + ", ".join(
                                         f"{n} with {why}" for why, n in sorted(skipped.items()))))
