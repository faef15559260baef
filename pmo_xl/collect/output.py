"""Write OUT: a new standard portfolio workbook holding the merged registers, and the Collection report.

OUT is written from scratch with the template writer (never by re-saving the user's file, which
loses images, sparklines, macros and more — research/xlwings-on-linux.md §3). It holds:
Instructions, the seven registers (every input row as typed, updated or added rows from the
updates), Settings (the scalar settings and the criteria, thresholds, budgets, holidays and AHP
tables as typed in the input) and a Collection sheet (files, problems, late updates).
"""

from __future__ import annotations

from pathlib import Path

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pmo_xl.collect.model import OUT_CONTAINS, CollectionResult, Status
from pmo_xl.collect.portfolio import PortfolioRows
from pmo_xl.io.write_template import (
    Styles,
    new_workbook,
    write_instructions,
    write_register,
    write_settings_sheet,
    write_table,
)
from pmo_xl.issues import Severity
from pmo_xl.schema.columns import Column, Kind
from pmo_xl.schema.registers import PROJECTS, REGISTERS

COLLECTION_SHEET = "Collection"
T, N = Kind.TEXT, Kind.INTEGER
FILE_COLUMNS = (
    Column("file", "File", T, "The update file, relative to the collected folder.", width=34),
    Column("status", "Status", T, "accepted, partly accepted, rejected, held back, superseded, duplicate or skipped.", width=15),
    Column("project_id", "Project ID", Kind.ID, "Project the update is for.", width=11),
    Column("period", "Period", Kind.MONTH, "Month the update is for.", width=9),
    Column("manager", "Project manager", T, "PM named in the update.", width=16),
    Column("submitted", "Submitted on", Kind.DATE, "Date given in the update.", width=12),
    Column("merged", "Merged", T, "What the update changed in the registers.", width=40),
    Column("errors", "Errors", N, "Problems that kept something out.", width=7),
    Column("warnings", "Warnings", N, "Problems to look at; merged anyway.", width=9),
    Column("note", "Note", T, "Why, in a few words.", width=40),
    Column("feedback", "Feedback file", T, "Copy of the update with its problems marked, to send back.", width=40),
)
ISSUE_COLUMNS = (
    Column("file", "File", T, "The update file.", width=34),
    Column("sheet", "Sheet", T, "Sheet of the update.", width=14),
    Column("cell", "Cell", T, "Cell of the update.", width=7),
    Column("severity", "Severity", T, "error, warning or info.", width=9),
    Column("code", "Code", T, "Stable code of the problem.", width=22),
    Column("message", "Message", T, "What is wrong and what to do.", width=100),
)
LATE_COLUMNS = (
    Column("project_id", "Project ID", Kind.ID, "Active project.", width=11),
    Column("name", "Project name", T, "Its name.", width=30),
    Column("manager", "Project manager", T, "Its PM in the portfolio.", width=18),
    Column("period", "Period", Kind.MONTH, "The month without progress.", width=9),
    Column("note", "Note", T, "What was received.", width=60),
)


def write_collected(path: str | Path, portfolio: PortfolioRows, rows: dict[str, list[list[object]]],
                    result: CollectionResult) -> Path:
    """Write OUT to `path` (the caller makes it atomic)."""
    path = Path(path)
    workbook = new_workbook(path)
    styles = Styles(workbook)
    write_merged_sheets(workbook, styles, portfolio, rows)
    write_collection_sheet(workbook, styles, result, portfolio.path.name)
    workbook.close()
    return path


def write_merged_sheets(workbook: Workbook, styles: Styles, portfolio: PortfolioRows,
                        rows: dict[str, list[list[object]]]) -> None:
    """Instructions, the registers holding `rows` and the portfolio's Settings (also used by `pmo-xl import`)."""
    write_instructions(workbook, styles)
    criteria = [str(r[0]) for r in portfolio.tables.get("Criteria", []) if r and r[0] is not None]
    family = portfolio.family_headers or [f"{PROJECTS.family_prefix}{c}" for c in criteria]
    for register in REGISTERS:
        write_register(workbook, styles, register, rows.get(register.name, []), family if register is PROJECTS else [])
    _write_settings(workbook, styles, portfolio)


def _write_settings(workbook: Workbook, styles: Styles, portfolio: PortfolioRows) -> Worksheet:
    """The Settings sheet as the template lays it out, with the input's own values and tables."""
    tables = {name: portfolio.tables.get(name, []) for name in ("Thresholds", "Budgets", "Holidays", "Scenarios")}
    tables["AHP"] = portfolio.ahp
    return write_settings_sheet(workbook, styles, portfolio.settings, portfolio.tables.get("Criteria", []), tables)


def write_collection_sheet(workbook: Workbook, styles: Styles, result: CollectionResult, source: str) -> Worksheet:
    """The collection report: a summary, then the Files, Problems and Late updates tables."""
    sheet = workbook.add_worksheet(COLLECTION_SHEET)
    sheet.write_string(0, 0, "Collection of project updates", styles.title)
    sheet.write_string(1, 0, summary_line(result))
    sheet.write_string(2, 0, f"Written by pmo-xl collect from {source}: {OUT_CONTAINS}")
    if result.not_carried:
        sheet.write_string(3, 0, "Not carried over from the input: " + "; ".join(result.not_carried) + ".")
    files = [[f.name, str(f.status), f.project_id, f.period, f.manager, f.submitted,
              f.merged.describe() if f.status in (Status.ACCEPTED, Status.PARTLY) else "",
              f.count(Severity.ERROR), f.count(Severity.WARNING), f.note,
              str(f.feedback) if f.feedback else None] for f in result.files]
    issues = [[f.name, i.sheet, i.cell, str(i.severity), i.code, i.message] for f in result.files for i in f.issues]
    late = [[x.project_id, x.name, x.manager, result.period, x.note] for x in result.late]
    row = 5
    for title, name, columns, body in (("Files", "tblCollectionFiles", FILE_COLUMNS, files),
                                       ("Problems", "tblCollectionIssues", ISSUE_COLUMNS, issues),
                                       ("Late updates", "tblLateUpdates", LATE_COLUMNS, late)):
        sheet.write_string(row, 0, title, styles.subtitle)
        write_table(sheet, styles, name, row + 1, 0, columns, body, validate=False)
        row += max(len(body), 1) + 4
    sheet.activate()
    return sheet




def summary_line(result: CollectionResult) -> str:
    """One sentence: how many files, what became of them, how many projects are late."""
    counts = {status: len(result.by_status(status)) for status in Status}
    period = f"{result.period:%Y-%m}" if result.period else "(no period)"
    parts = [f"{counts[s]} {s}" for s in Status if counts[s]]
    return (f"Period {period}: {len(result.files)} files — " + (", ".join(parts) or "none")
            + f"; {len(result.late)} active project{'s' if len(result.late) != 1 else ''} without an update.")
