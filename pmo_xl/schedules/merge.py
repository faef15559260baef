"""Merge mapped schedules into the portfolio's rows, with collect's Merger doing what it already does.

Progress (upsert by project and month), Milestones (upsert by name, none deleted) and Allocations
(the schedule restates the project's needs for the window its assignments cover) go through
`collect.merge.Merger.apply`, exactly as a PM update. What an update never carries is added here:
- Projects: a new project gets a row; an existing one keeps its row (the register holds the
  approved figures and what a schedule does not know: sponsor, status, scores…). Blank planned
  dates and BAC are filled from the schedule; a BAC further from the schedule's than the
  tolerance, or other planned dates, come back as warnings for the PMO.
- Baseline: upsert by project and month; months of the register the schedule no longer plans
  are kept and listed.
- Resources: new ones only. A schedule resource is the register's when its name (case and
  spacing ignored) or its own ID (P6 resource ID) matches; otherwise it is added with its P6 ID,
  or the next free RES-nnnn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pmo_xl.collect.merge import Merger
from pmo_xl.collect.model import FileRead, MergeCounts, Status, Submission
from pmo_xl.collect.portfolio import PortfolioRows, typed_column
from pmo_xl.issues import Issue, Severity
from pmo_xl.schedules.mapping import FTE_MAXIMUM, SOURCE_RESOURCE, Mapped
from pmo_xl.schedules.model import Resource
from pmo_xl.schedules.values import problem
from pmo_xl.schema.columns import normalise_header
from pmo_xl.schema.registers import BASELINE, PROJECTS, RESOURCES

BAC_TOLERANCE = 0.05  # a register BAC within 5 % of the schedule's is the same budget, rounded
FILLED = ("name", "manager", "start", "finish", "bac")


@dataclass
class ImportCounts(MergeCounts):
    """What one schedule changed: collect's counts plus the registers an update never touches."""

    project_added: bool = False
    project_filled: int = 0  # blank cells of an existing project filled from the schedule
    baseline_added: int = 0
    baseline_replaced: int = 0
    resources_added: int = 0
    resources_matched: int = 0

    def describe(self) -> str:
        parts = ["project added" if self.project_added else
                 f"project kept{f', {self.project_filled} blank cells filled' if self.project_filled else ''}"]
        if self.baseline_added or self.baseline_replaced:
            parts.append(f"baseline {self.baseline_added} months added, {self.baseline_replaced} replaced")
        if self.resources_added or self.resources_matched:
            parts.append(f"resources {self.resources_added} added, {self.resources_matched} matched")
        inherited = MergeCounts.describe(self)
        return "; ".join(parts + ([inherited] if inherited != "nothing to merge" else []))


def _with_resource_id(allocation: dict[str, object], ids: dict[object, str]) -> dict[str, object]:
    """The allocation naming its register resource instead of the schedule's."""
    row = dict(allocation)
    row["resource_id"] = ids[row.pop(SOURCE_RESOURCE)]
    return row


class ScheduleMerger(Merger):
    def __init__(self, portfolio: PortfolioRows, tolerance: float = BAC_TOLERANCE) -> None:
        super().__init__(portfolio)
        self.tolerance = tolerance
        projects = self.rows["Projects"]
        self.project_index = {str(p): k for k, p in enumerate(typed_column(projects, PROJECTS, "project_id")) if p is not None}
        # the register's planned figures, typed once (compared with each schedule's)
        self.planned = {name: typed_column(projects, PROJECTS, name) for name in ("bac", "start", "finish")}
        baseline = self.rows["Baseline"]
        self.baseline_index = {(str(p), m): k for k, (p, m) in enumerate(zip(typed_column(baseline, BASELINE, "project_id"),
                                                                             typed_column(baseline, BASELINE, "period"), strict=True))
                               if p is not None and m is not None}
        self.baseline_months: dict[str, set[object]] = {}  # project -> its months in the Baseline register
        for project, month in self.baseline_index:
            self.baseline_months.setdefault(project, set()).add(month)
        resources = self.rows["Resources"]
        ids = typed_column(resources, RESOURCES, "resource_id")
        names = typed_column(resources, RESOURCES, "name")
        self.resource_ids = {str(r) for r in ids if r is not None}
        self.resource_by_key = {normalise_header(r): str(r) for r in ids if r is not None}
        self.resource_by_key.update({normalise_header(n): str(r) for r, n in zip(ids, names, strict=True)
                                     if r is not None and n is not None})
        numbers = [int(m.group(1)) for r in self.resource_ids if (m := re.fullmatch(r"RES-(\d+)", r))]
        self.next_number = max(numbers, default=0) + 1

    def apply_schedule(self, mapped: Mapped) -> ImportCounts:
        counts = ImportCounts()
        self._project(mapped, counts)
        for record in mapped.baseline:
            if self._upsert("Baseline", BASELINE, self.baseline_index, (mapped.project_id, record["period"]), record):
                counts.baseline_added += 1
            else:
                counts.baseline_replaced += 1
        planned = {r["period"] for r in mapped.baseline}
        months = self.baseline_months.setdefault(mapped.project_id, set())
        outside = sorted(months - planned) if mapped.baseline else []
        months |= planned
        if outside:
            mapped.issues.append(problem("baseline-months-kept", Severity.INFO, mapped.schedule.where, "Baseline", len(outside),
                                         f"The register's Baseline for {mapped.project_id} has {len(outside)} month(s) the "
                                         f"schedule does not plan ({outside[0]:%Y-%m}…): kept — remove them if the plan "
                                         "really changed"))
        ids = self._resources(mapped, counts)
        allocations = [_with_resource_id(r, ids) for r in mapped.allocations]
        submission = Submission(FileRead(mapped.schedule.path, mapped.schedule.path, 0, 0.0, ""), Status.ACCEPTED,
                                mapped.issues, header={"project_id": mapped.project_id},
                                progress=mapped.progress, rows={"Milestones": mapped.milestones, "Allocations": allocations})
        inherited = self.apply(submission)
        for name in MergeCounts.__dataclass_fields__:
            setattr(counts, name, getattr(inherited, name))
        return counts

    def _project(self, mapped: Mapped, counts: ImportCounts) -> None:
        record = mapped.project
        k = self.project_index.get(mapped.project_id)
        if k is None:
            self._upsert("Projects", PROJECTS, self.project_index, mapped.project_id, record)
            counts.project_added = True
            return
        row = self.rows["Projects"][k]
        current = {name: values[k] for name, values in self.planned.items()}
        for name in FILLED:
            position = PROJECTS.fields.index(name)
            if row[position] in (None, "") and record.get(name) not in (None, ""):
                row[position] = record[name]
                counts.project_filled += 1
        where, issues = mapped.schedule.where, mapped.issues
        bac, theirs = current.get("bac"), record.get("bac")
        if isinstance(bac, float) and isinstance(theirs, float) and theirs > 0 and abs(bac - theirs) > self.tolerance * theirs:
            issues.append(_conflict("bac-differs", where, "Budget (BAC)", theirs,
                                    f"{mapped.project_id}: the register's BAC {bac:,.2f} differs from the schedule's "
                                    f"baseline cost {theirs:,.2f} by {abs(bac - theirs) / theirs:.0%} (tolerance "
                                    f"{self.tolerance:.0%}): the register is kept — re-baseline one of them"))
        for name, label in (("start", "Planned start"), ("finish", "Planned finish")):
            mine, other = current.get(name), record.get(name)
            if mine is not None and other is not None and mine != other:
                issues.append(_conflict("planned-date-differs", where, label, other,
                                        f"{mapped.project_id}: {label} is {mine:%Y-%m-%d} in the register, "
                                        f"{other:%Y-%m-%d} in the schedule's baseline: the register is kept"))

    def _resources(self, mapped: Mapped, counts: ImportCounts) -> dict[str, str]:
        """Schedule resource uid -> register Resource ID, adding the new ones."""
        ids: dict[str, str] = {}
        for resource, record in mapped.resources:
            found = self.resource_by_key.get(normalise_header(resource.name)) or (
                self.resource_by_key.get(normalise_header(resource.code)) if resource.code else None)
            if found is not None:
                ids[resource.uid] = found
                counts.resources_matched += 1
                continue
            new_id = resource.code if resource.code and resource.code not in self.resource_ids else self._next_id()
            mapped.issues += _new_resource_issues(resource, new_id)
            self.resource_ids.add(new_id)
            self.resource_by_key[normalise_header(resource.name)] = new_id
            self.rows["Resources"].append([(record | {"resource_id": new_id}).get(c.field) for c in RESOURCES.columns])
            ids[resource.uid] = new_id
            counts.resources_added += 1
        return ids

    def _next_id(self) -> str:
        while f"RES-{self.next_number:04d}" in self.resource_ids:
            self.next_number += 1
        return f"RES-{self.next_number:04d}"


def _conflict(code: str, where: str, field: str, value: object, message: str) -> Issue:
    return problem(code, Severity.WARNING, where, field, value, message)


def _new_resource_issues(resource: Resource, new_id: str) -> list[Issue]:
    """What the PMO must complete in a resource row added from a schedule."""
    found = []
    if resource.standard_rate is None:
        found.append(problem("resource-without-rate", Severity.WARNING, resource.where, "Standard rate", None,
                             f"New resource {new_id} {resource.name!r} has no cost rate in the schedule: Cost rate "
                             "left blank"))
    if resource.max_units is not None and not 0 <= resource.max_units <= FTE_MAXIMUM:
        found.append(problem("resource-units", Severity.WARNING, resource.where, "Max units", resource.max_units,
                             f"New resource {new_id} {resource.name!r} has max units {resource.max_units:g} (a team, "
                             "not a person?): FTE left blank"))
    if not resource.group:
        found.append(problem("resource-without-role", Severity.WARNING, resource.where, "Group", None,
                             f"New resource {new_id} {resource.name!r} has no group in the schedule: its Role "
                             "(required) is left blank — fill it in in Resources"))
    return found
