"""The Milestones sheet: due in the next 30/60/90 days, slipped against baseline, missed."""

from __future__ import annotations

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pmo_xl.report import formats as F
from pmo_xl.report.model import ReportModel
from pmo_xl.report.sheets.common import Col, Styles, page_setup, sheet_title, unavailable, write_table

NAME = "Milestones"
COLUMNS = (
    Col("project_id", "Project ID", "text", 11), Col("project", "Project", "wrap", 28), Col("milestone", "Milestone", "wrap", 28),
    Col("baseline_date", "Baseline", "date", 12), Col("forecast_date", "Forecast", "date", 12), Col("current_date", "Expected", "date", 12),
    Col("slip_days", "Slip vs baseline", "days", 10), Col("days_to_go", "Days to go", "days", 9), Col("due_text", "Due within", "text", 10),
    Col("status", "Status", "text", 11),
)
SECTIONS = (
    ("due", "tblMilestonesDue", "Due in the next 90 days (open milestones, by expected date)"),
    ("slipped", "tblMilestonesSlipped", "Slipped against baseline (open, beyond the tolerance), largest slip first"),
    ("missed", "tblMilestonesMissed", "Missed: the expected date has passed with no actual date, oldest first"),
)


def write_milestones(workbook: Workbook, styles: Styles, model: ReportModel) -> Worksheet:
    sheet = workbook.add_worksheet(NAME)
    result = model.milestones
    if result is None:
        sheet_title(sheet, styles, model, "Milestones")
        unavailable(sheet, styles, 3, model.unavailable.get(NAME, "no milestone figures"))
        page_setup(sheet, model)
        return sheet
    counts = result.due_counts
    sheet_title(sheet, styles, model, "Milestones",
                f"{model.title} · {model.period_label} · due in 30 days: {counts[30]}, 60 days: {counts[60]}, 90 days: {counts[90]} · "
                f"slipped: {len(result.slipped)} (tolerance {result.slip_tolerance} days) · missed: {len(result.missed)} · "
                "expected = actual, else forecast, else baseline")
    row = 3
    last = row
    for attribute, table, title in SECTIONS:
        frame = getattr(result, attribute)
        frame = frame.assign(due_text=[f"{int(d)} days" if d == d else "" for d in frame["due_within"]])
        sheet.write_string(row, 0, f"{title} — {len(frame)}", styles.heading)
        last = write_table(sheet, styles, table, row + 1, 0, frame, COLUMNS)
        status_col = len(COLUMNS) - 1
        for status, rag in (("Missed", "Red"), ("Slipped", "Amber"), ("Due", "Green")):
            sheet.conditional_format(row + 2, status_col, last, status_col, {
                "type": "cell", "criteria": "==", "value": f'"{status}"',
                "format": styles.get(bg_color=F.RAG_FILL[rag], font_color=F.RAG_FONT[rag])})
        row = last + 3
    page_setup(sheet, model, last_col=len(COLUMNS) - 1, last_row=last, paper=9)
    return sheet
