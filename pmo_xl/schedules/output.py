"""Write OUT of an import: the merged registers and Settings (as collect writes them) and an Import sheet."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from xlsxwriter.workbook import Workbook

from pmo_xl.collect.model import Status
from pmo_xl.collect.output import write_merged_sheets
from pmo_xl.collect.portfolio import PortfolioRows
from pmo_xl.io.write_template import Styles, new_workbook, write_table
from pmo_xl.issues import Severity
from pmo_xl.schema.columns import Column, Kind

if TYPE_CHECKING:
    from pmo_xl.schedules.usecase import ImportResult

IMPORT_SHEET = "Import"
T = Kind.TEXT
FILE_COLUMNS = (
    Column("file", "File", T, "The schedule file (and project, for a P6 export of several).", width=34),
    Column("status", "Status", T, "accepted, partly accepted, rejected, held back, superseded or skipped.", width=15),
    Column("project_id", "Project ID", Kind.ID, "The register project it was imported as.", width=12),
    Column("period", "Period", Kind.MONTH, "Month of its status date.", width=9),
    Column("status_date", "Status date", Kind.DATE, "Status date of the schedule.", width=12),
    Column("merged", "Merged", T, "What the schedule changed in the registers.", width=50),
    Column("errors", "Errors", Kind.INTEGER, "Problems that kept something out.", width=7),
    Column("warnings", "Warnings", Kind.INTEGER, "Problems to look at; imported anyway.", width=9),
    Column("note", "Note", T, "Format, how the project ID was found, or why not imported.", width=50),
)
ISSUE_COLUMNS = (
    Column("file", "File", T, "The schedule file.", width=34),
    Column("source", "Source element", T, "Where in the schedule: task UID, resource, P6 table and line.", width=30),
    Column("severity", "Severity", T, "error, warning or info.", width=9),
    Column("code", "Code", T, "Stable code of the problem.", width=24),
    Column("field", "Field", T, "The schedule's field.", width=16),
    Column("message", "Message", T, "What is wrong and what to do.", width=100),
)


def write_imported(path: str | Path, portfolio: PortfolioRows, rows: dict[str, list[list[object]]],
                   result: ImportResult) -> Path:
    path = Path(path)
    workbook = new_workbook(path)
    styles = Styles(workbook)
    write_merged_sheets(workbook, styles, portfolio, rows)
    write_import_sheet(workbook, styles, result, portfolio.path.name)
    workbook.close()
    return path


def write_import_sheet(workbook: Workbook, styles: Styles, result: ImportResult, source: str) -> None:
    sheet = workbook.add_worksheet(IMPORT_SHEET)
    sheet.write_string(0, 0, "Import of project schedules", styles.title)
    sheet.write_string(1, 0, summary_line(result))
    sheet.write_string(2, 0, f"Written by pmo-xl import from {source}: {OUT_CONTAINS}")
    if result.not_carried:
        sheet.write_string(3, 0, "Not carried over from the input: " + "; ".join(result.not_carried) + ".")
    files = [[f.name, str(f.status), f.project_id, f.period, f.submitted,
              f.merged.describe() if f.status in (Status.ACCEPTED, Status.PARTLY) else "",
              f.count(Severity.ERROR), f.count(Severity.WARNING), f.note] for f in result.files]
    issues = [[f.name, i.sheet, str(i.severity), i.code, i.field, i.message] for f in result.files for i in f.issues]
    row = 5
    for title, name, columns, body in (("Files", "tblImportFiles", FILE_COLUMNS, files),
                                       ("Problems", "tblImportIssues", ISSUE_COLUMNS, issues)):
        sheet.write_string(row, 0, title, styles.subtitle)
        write_table(sheet, styles, name, row + 1, 0, columns, body, validate=False)
        row += max(len(body), 1) + 4
    sheet.activate()


OUT_CONTAINS = ("a new standard workbook with every register of the input (all its rows, as typed) plus the imported "
                "schedules merged, its Settings, and an Import sheet (every file's outcome, every problem at its "
                "task, resource or P6 row).")


def summary_line(result: ImportResult) -> str:
    counts = {status: sum(1 for f in result.files if f.status == status) for status in Status}
    parts = [f"{counts[s]} {s}" for s in Status if counts[s]]
    return f"{len(result.files)} file{'s' if len(result.files) != 1 else ''} — " + (", ".join(parts) or "none") + "."
