"""The rules an update must follow beyond its cell types: against itself and against the portfolio.

Each rule adds located issues to the submission. A header that cannot be used refuses the file;
a bad progress figure refuses the progress row; a bad table row refuses that row only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from pmo_xl.collect.form import UPDATE_SHEET, UpdateTable
from pmo_xl.collect.model import Context, Part, Submission
from pmo_xl.collect.read import issue
from pmo_xl.issues import Severity
from pmo_xl.schema.columns import normalise_header
from pmo_xl.schema.registers import ACTIVE_STATUSES, PROGRESS

BACKWARDS_TOLERANCE = 0.005  # cumulative money figures are compared to the cent
Refuse = Callable[[int, str, str, object, str], None]  # (row index, field, code, value, message)


def _at_line(submission: Submission, field_name: str) -> tuple[int | None, str | None]:
    form = submission.read.form
    return form.locate(0, field_name) if form is not None else (None, None)


def _money(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def check_header(submission: Submission, context: Context) -> bool:
    """Who and when: False when the update cannot be tied to a known project."""
    header = submission.header
    project_id = str(header["project_id"])
    row, letter = _at_line(submission, "project_id")
    if project_id not in context.known_projects:
        submission.issues.append(issue("unknown-project", Severity.ERROR, UPDATE_SHEET, row, letter, "Project ID", project_id,
                                       f"Project {project_id} is not in the portfolio's Projects register — check the ID "
                                       "(new projects are added by the PMO first)"))
        return False
    info = context.projects.get(project_id)
    name, manager = header.get("project_name"), header.get("manager")
    if info is not None and info.name and name and normalise_header(name) != normalise_header(info.name):
        row, letter = _at_line(submission, "project_name")
        submission.issues.append(issue("project-name-mismatch", Severity.WARNING, UPDATE_SHEET, row, letter, "Project name", name,
                                       f"The portfolio calls {project_id} {info.name!r}, not {name!r} — check the Project ID"))
    if info is not None and info.manager and manager and normalise_header(manager) != normalise_header(info.manager):
        row, letter = _at_line(submission, "manager")
        submission.issues.append(issue("manager-mismatch", Severity.INFO, UPDATE_SHEET, row, letter, "Project manager", manager,
                                       f"The portfolio lists {info.manager} as PM of {project_id}; the update names {manager}"))
    if info is not None and info.status and info.status not in ACTIVE_STATUSES:
        row, letter = _at_line(submission, "project_id")
        submission.issues.append(issue("project-not-active", Severity.WARNING, UPDATE_SHEET, row, letter, "Project ID", project_id,
                                       f"{project_id} is {info.status} in the portfolio; its update was merged anyway"))
    if header.get("submitted") is None:
        row, letter = _at_line(submission, "submitted")
        submission.issues.append(issue("no-submitted-date", Severity.WARNING, UPDATE_SHEET, row, letter, "Submitted on", None,
                                       "No 'Submitted on' date: should another update for the same month arrive, the file's "
                                       "modification date stands in for it — fill in the date you send the update"))
    period = header["period"]
    if context.period is not None and period != context.period:
        row, letter = _at_line(submission, "period")
        submission.issues.append(issue("other-period", Severity.INFO, UPDATE_SHEET, row, letter, "Period", period,
                                       f"This update is for {period:%Y-%m}, the collection is for {context.period:%Y-%m}; "
                                       f"it was merged for {period:%Y-%m}"))
    return True


def check_progress(submission: Submission, row: dict[str, object], context: Context) -> bool:
    """The month's figures: False when the progress row cannot be merged."""
    if row.get("ev") is None and row.get("pct_complete") is None:
        line, letter = _at_line(submission, "ev")
        submission.issues.append(issue("no-earned-value", Severity.ERROR, UPDATE_SHEET, line, letter, "EV (cumulative)", None,
                                       "Give EV (cumulative) or % complete, so earned value can be computed"))
        return False
    period: dt.date = submission.header["period"]  # type: ignore[assignment]
    earlier = [h for h in context.history.get(str(submission.header["project_id"]), []) if h[0] < period]
    if earlier:
        previous_period, *previous = earlier[-1]
        for field_name, before in zip(("pv", "ev", "ac"), previous, strict=True):
            now = row.get(field_name)
            if isinstance(now, float) and before is not None and now < before - BACKWARDS_TOLERANCE:
                header = PROGRESS.column(field_name).header
                line, letter = _at_line(submission, field_name)
                submission.issues.append(issue("figure-went-backwards", Severity.WARNING, UPDATE_SHEET, line, letter, header, now,
                                               f"{header} {_money(now)} is lower than {previous_period:%Y-%m}'s {_money(before)}: "
                                               "cumulative figures never go down — check it"))
    return True


def check_rows(submission: Submission, table: UpdateTable, part: Part, rows: list[dict[str, object] | None],
               context: Context) -> list[dict[str, object]]:
    """The rows of one table that pass every rule; the others get an issue at their cell."""
    project_id = str(submission.header["project_id"])
    accepted: list[dict[str, object]] = []
    seen: dict[str, int] = {}
    target = table.target.name

    def refuse(index: int, field_name: str, code: str, value: object, message: str) -> None:
        line, letter = part.locate(index, field_name)
        header = table.target.column(field_name).header
        submission.issues.append(issue(code, Severity.ERROR, part.sheet, line, letter, header, value, message))

    for index, row in enumerate(rows):
        if row is None:
            continue
        before = len(submission.issues)
        if "project_id" in part.fields:
            typed = part.rows[index][part.fields.index("project_id")]
            text = str(typed).strip() if typed not in (None, "") else ""
            if text and text != project_id:
                refuse(index, "project_id", "other-project", text,
                       f"This row names project {text}, but the update is for {project_id} — send it in {text}'s update")
        if target == "Risks":
            risk_id = str(row["risk_id"])
            owner = context.risk_projects.get(risk_id)
            if risk_id in seen:
                refuse(index, "risk_id", "duplicate-id", risk_id,
                       f"Risk ID {risk_id} is already used in row {seen[risk_id]} — give this risk its own ID")
            elif owner not in (None, project_id):
                refuse(index, "risk_id", "risk-of-other-project", risk_id,
                       f"Risk {risk_id} belongs to {owner} in the portfolio — give this risk a new ID")
            seen.setdefault(risk_id, part.numbers[index])
        elif target == "Milestones":
            key = normalise_header(row["milestone"])
            if key in seen:
                refuse(index, "milestone", "duplicate-milestone", row["milestone"],
                       f"Milestone {row['milestone']!r} is already listed in row {seen[key]} — keep one row per milestone")
            seen.setdefault(key, part.numbers[index])
        elif target == "Allocations":
            _allocation_rules(row, index, refuse, context)
        if len(submission.issues) == before:
            accepted.append(row)
    return accepted


def _allocation_rules(row: dict[str, object], index: int, refuse: Refuse, context: Context) -> None:
    """A need names a known resource or a role, has an effort, and ends after it starts."""
    resource = row.get("resource_id")
    if resource is not None and resource not in context.known_resources:
        refuse(index, "resource_id", "unknown-reference", resource,
               f"Resource {resource} is not in the portfolio's Resources register — check the ID, or leave it blank and give a Role")
    if resource is None and row.get("role") is None:
        refuse(index, "resource_id", "resource-or-role", None, "Name a resource or, for a generic need, a role")
    if row.get("effort_hours") is None and row.get("fte") is None:
        refuse(index, "effort_hours", "no-effort", None, "Give the effort as hours or as FTE")
    start, finish = row.get("start"), row.get("finish")
    if isinstance(start, dt.date) and isinstance(finish, dt.date) and finish < start:
        refuse(index, "finish", "finish-before-start", finish,
               f"Finish {finish:%Y-%m-%d} is before Start {start:%Y-%m-%d} — correct one of them")
