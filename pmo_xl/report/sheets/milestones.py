"""The Milestones sheet: one list of the milestones to watch — missed, slipped, achieved late this
month, due in the next 90 days — with its header repeated on every page and a page break between
the lists where one fits on a page."""

from __future__ import annotations

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pmo_xl.report import formats as F
from pmo_xl.report.model import ReportModel
from pmo_xl.report.print_edition import MILESTONES_WHAT, cut_list, milestone_list
from pmo_xl.report.sheets.common import Col, Styles, page_setup, sheet_title, unavailable, write_table
from pmo_xl.report.sheets.paging import group_starts

NAME = "Milestones"
HEADER_ROW = 3
COLUMNS = (
    Col("list", "List", "text", 13), Col("project_id", "Project ID", "text", 11), Col("project", "Project", "wrap", 28),
    Col("milestone", "Milestone", "wrap", 28), Col("baseline_date", "Baseline", "date", 12), Col("forecast_date", "Forecast", "date", 12),
    Col("current_date", "Expected or actual", "date", 12), Col("slip_days", "Slip vs baseline", "days", 10),
    Col("days_to_go", "Days to go", "days", 9), Col("due_text", "Due within", "text", 10), Col("status", "Status", "text", 11),
)
LIST_COLOURS = {"Missed": "Red", "Slipped": "Amber", "Achieved late": "Amber", "Due in 90 days": "Green"}


def write_milestones(workbook: Workbook, styles: Styles, model: ReportModel) -> Worksheet:
    sheet = workbook.add_worksheet(NAME)
    result = model.milestones
    if result is None:
        sheet_title(sheet, styles, model, "Milestones")
        unavailable(sheet, styles, 3, model.unavailable.get(NAME, "no milestone figures"))
        page_setup(sheet, model)
        return sheet
    counts = result.due_counts
    frame = milestone_list(result)
    late = int((frame["list"] == "Achieved late").sum()) if len(frame) else 0
    sheet_title(sheet, styles, model, "Milestones",
                f"{model.title} · {model.period_label} · missed: {len(result.missed)} · slipped: {len(result.slipped)} "
                f"(tolerance {result.slip_tolerance} days) · achieved late this month: {late} · due in 30 days: {counts[30]}, "
                f"60: {counts[60]}, 90: {counts[90]} · expected = actual, else forecast, else baseline")
    frame, cut = cut_list(model, frame, NAME, MILESTONES_WHAT)
    if cut:
        sheet.write_string(HEADER_ROW - 1, 0, cut.note.capitalize(), styles.note)
    frame = frame.assign(due_text=[f"{int(d)} days" if d == d else "" for d in frame["due_within"]])
    last = write_table(sheet, styles, "tblMilestones", HEADER_ROW, 0, frame, COLUMNS)
    for name, rag in LIST_COLOURS.items():
        sheet.conditional_format(HEADER_ROW + 1, 0, last, 0, {
            "type": "cell", "criteria": "==", "value": f'"{name}"',
            "format": styles.get(bg_color=F.RAG_FILL[rag], font_color=F.RAG_FONT[rag])})
    lists = frame["list"].tolist()
    starts = group_starts(HEADER_ROW + 1, lists)
    page_setup(sheet, model, repeat_row=HEADER_ROW, last_col=len(COLUMNS) - 1, last_row=last, freeze=(HEADER_ROW + 1, 0), starts=starts)
    return sheet
