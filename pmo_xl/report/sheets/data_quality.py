"""The Data Quality sheet: counts by severity, a line per check, and every issue with its cell."""

from __future__ import annotations

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pmo_xl.report import formats as F
from pmo_xl.report.model import ReportModel
from pmo_xl.report.model_views import LISTED_PER_CHECK
from pmo_xl.report.print_edition import cut_list
from pmo_xl.report.sheets.common import Col, Styles, page_setup, shared_widths, sheet_title, write_table

NAME = "Data Quality"
BY_CHECK = (
    Col("severity", "Severity", "text", 10), Col("code", "Check", "text", 26), Col("stage", "Stage", "text", 10),
    Col("count", "Count", "count", 8), Col("first", "First at", "text", 20), Col("example", "Example", "wrap", 80),
)
ISSUES = (
    Col("severity", "Severity", "text", 10), Col("code", "Check", "text", 26), Col("sheet", "Sheet", "text", 12),
    Col("cell", "Cell", "text", 8), Col("field", "Field", "text", 18), Col("message", "Message", "wrap", 80),
    Col("value", "Value found", "text", 18), Col("stage", "Stage", "text", 10),
)
# Under the same columns as the tables below it (the sheet's widths are shared).
LEFT_OUT = (
    Col("what", "Left out", "text", 10), Col("id", "ID", "text", 26), Col("sheet", "Sheet", "text", 10),
    Col("with_it", "Rows with it", "count", 8), Col("address", "First error at", "text", 20),
    Col("why", "Why, and what left with it", "wrap", 80),
)
SEVERITY_COLOURS = {"error": "Red", "warning": "Amber", "info": "Green"}


def write_data_quality(workbook: Workbook, styles: Styles, model: ReportModel) -> Worksheet:
    sheet = workbook.add_worksheet(NAME)
    view = model.data_quality
    counts = view.counts
    sheet_title(sheet, styles, model, "Data quality",
                f"{model.title} · {model.period_label} · {counts['error']} errors (rows left out of the figures), "
                f"{counts['warning']} warnings, {counts['info']} notes · fix them at the cell shown, in the portfolio workbook")
    shared_widths(sheet, (0, BY_CHECK), (0, ISSUES))
    row = 3
    left = view.left_out_items
    if len(left):  # what is missing from every figure comes first
        sheet.write_string(row, 0, f"Left out of every figure ({len(left)}): fix the cell shown and they count again", styles.heading)
        row = write_table(sheet, styles, "tblLeftOut", row + 1, 0, left, LEFT_OUT, set_widths=False) + 3
    sheet.write_string(row, 0, "By check", styles.heading)
    last = write_table(sheet, styles, "tblChecks", row + 1, 0, view.by_check, BY_CHECK, set_widths=False)
    _colour(sheet, styles, row + 2, last)
    row = last + 3
    listed = len(view.issues)
    title = f"Every issue ({listed})"
    if view.left_out:
        title = (f"Every validation issue, and the first {LISTED_PER_CHECK} computation notes of each check "
                 f"({view.left_out} more are counted above, by check)")
    issues, cut = cut_list(model, view.issues, NAME, "errors first")
    sheet.write_string(row, 0, title + (f" — {cut.note}" if cut else ""), styles.heading)
    last = write_table(sheet, styles, "tblIssues", row + 1, 0, issues, ISSUES, set_widths=False)
    _colour(sheet, styles, row + 2, last)
    page_setup(sheet, model, repeat_row=row + 1, last_col=len(ISSUES) - 1, last_row=last, starts=[])
    return sheet


def _colour(sheet: Worksheet, styles: Styles, first: int, last: int) -> None:
    for severity, rag in SEVERITY_COLOURS.items():
        sheet.conditional_format(first, 0, last, 0, {"type": "cell", "criteria": "==", "value": f'"{severity}"',
                                                     "format": styles.get(bg_color=F.RAG_FILL[rag], font_color=F.RAG_FONT[rag])})
