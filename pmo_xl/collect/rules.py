"""The rules that exist only because of the update form: who and when (the header), and rows
that speak for another project.

Each rule adds located issues to the submission. A header that cannot be used refuses the file;
a bad table row refuses that row only. Every rule a register row follows wherever it is typed is
a shared check (`pmo_xl/checks`), run on the update by `collect/checking.py`: one name per rule.
"""

from __future__ import annotations

from pmo_xl.collect.form import UPDATE_SHEET, UpdateTable
from pmo_xl.collect.model import Context, Part, Submission
from pmo_xl.collect.read import issue
from pmo_xl.issues import Severity
from pmo_xl.schema.columns import normalise_header
from pmo_xl.schema.registers import ACTIVE_STATUSES


def _at_line(submission: Submission, field_name: str) -> tuple[int | None, str | None]:
    form = submission.read.form
    return form.locate(0, field_name) if form is not None else (None, None)


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


def check_rows(submission: Submission, table: UpdateTable, part: Part, rows: list[dict[str, object] | None],
               context: Context) -> set[int]:
    """The rows of one table that break a rule of the update form (their indexes); each gets an issue at its cell.

    The rules every register row follows (dates in order, effort given, unique IDs, known
    references ...) are the shared checks', run by `collect/checking.py`; these two exist only
    because an update speaks for one project.
    """
    project_id = str(submission.header["project_id"])
    refused: set[int] = set()

    def refuse(index: int, field_name: str, code: str, value: object, message: str) -> None:
        line, letter = part.locate(index, field_name)
        header = table.target.column(field_name).header
        submission.issues.append(issue(code, Severity.ERROR, part.sheet, line, letter, header, value, message))
        refused.add(index)

    for index, row in enumerate(rows):
        if row is None:
            continue
        if "project_id" in part.fields:
            typed = part.rows[index][part.fields.index("project_id")]
            text = str(typed).strip() if typed not in (None, "") else ""
            if text and text != project_id:
                refuse(index, "project_id", "other-project", text,
                       f"This row names project {text}, but the update is for {project_id} — send it in {text}'s update")
        if table.target.name == "Risks":
            risk_id = str(row["risk_id"])
            owner = context.risk_projects.get(risk_id)
            if owner not in (None, project_id):
                refuse(index, "risk_id", "risk-of-other-project", risk_id,
                       f"Risk {risk_id} belongs to {owner} in the portfolio — give this risk a new ID")
        elif table.target.name in context.owners or table.target.name == "Benefit progress":
            # A row beside the plan names its project by its ID (Benefit progress: by its benefit's)
            register = "Benefits" if table.target.name == "Benefit progress" else table.target.name
            key = "benefit_id" if table.target.name == "Benefit progress" else table.target.key[0]
            row_id = str(row[key])
            owner = context.owners.get(register, {}).get(row_id)
            if owner not in (None, project_id):
                header = table.target.column(key).header
                refuse(index, key, "id-of-other-project", row_id,
                       f"{header} {row_id} belongs to {owner} in the portfolio — send it in {owner}'s update, or give this row a new ID")
    return refused
