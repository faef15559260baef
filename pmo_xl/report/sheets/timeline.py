"""The Milestone timeline sheet: per programme, the last three months and the next six.

Above: one row per programme, one cell per month saying how many milestones fall due there and
how many of them are off plan, filled by the worst of them. Below: the milestones themselves as
an Excel Table a user can filter, grouped by programme, with their state, baseline and expected
(or actual) dates and slip, and a marker in the month columns — ◆ the expected or actual date,
coloured by state, ◇ the baseline date where it lies in another month — so a milestone achieved
late shows its baseline against its actual beside the open ones. The status month's header is
orange, as on the Roadmap. The table's header repeats on every printed page; pages break
between programmes. In print the list keeps the milestones off plan (see print_edition.py).
"""

from __future__ import annotations

import numpy as np
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pmo_xl.report import formats as F
from pmo_xl.report.model import ReportModel
from pmo_xl.report.model_timeline import OFF_PLAN, TimelineView, build_timeline
from pmo_xl.report.print_edition import cut_timeline
from pmo_xl.report.sheets.common import (
    Col,
    Styles,
    page_setup,
    set_width,
    sheet_title,
    unavailable,
    write_table,
)
from pmo_xl.report.sheets.paging import group_starts

NAME = "Milestone timeline"
LABELS = (
    Col("programme", "Programme", "text", 14), Col("project_id", "Project ID", "text", 10), Col("project", "Project", "text", 24),
    Col("milestone", "Milestone", "text", 22), Col("state", "State", "text", 12), Col("baseline_date", "Baseline", "date", 10.5),
    Col("current_date", "Expected or actual", "date", 10.5), Col("slip_days", "Slip (days)", "days", 7),
)
MONTH_WIDTH = 7.5
STATE_COLOURS = {"Missed": "Red", "Slipped": "Amber", "Achieved late": "Amber", "Due": None, "On track": None, "Achieved": "Green"}
SUMMARY_ROW = 4  # the programme overview's header row


def timeline_of(model: ReportModel) -> TimelineView | None:
    """The timeline of the report model (shared with the tests)."""
    return build_timeline(model.milestones, model.portfolio, model.period)


def write_timeline(workbook: Workbook, styles: Styles, model: ReportModel) -> Worksheet:
    sheet = workbook.add_worksheet(NAME)
    view = timeline_of(model)
    if view is None:
        sheet_title(sheet, styles, model, "Milestone timeline")
        unavailable(sheet, styles, 3, model.unavailable.get("Milestones", "no milestone figures or no reporting period"))
        page_setup(sheet, model)
        return sheet
    first, last = view.months[0].strftime("%b %Y"), view.months[-1].strftime("%b %Y")
    sheet_title(sheet, styles, model, "Milestone timeline",
                f"{model.title} · {model.period_label} · per programme, {first} to {last} (the last three months and the next six)")
    sheet.write_string(2, 0, "◆ expected or actual date (red: missed, amber: slipped or achieved late, green: achieved) · "
                       "◇ baseline date, where it lies in another month · the status month is orange", styles.note)
    for col, column in enumerate(LABELS):
        set_width(sheet, col, column.width)
    month_col = len(LABELS)
    sheet.set_column(month_col, month_col + len(view.months) - 1, MONTH_WIDTH)
    header_row = _summary(sheet, styles, view, month_col) + 2
    frame, cut = cut_timeline(model, view.milestones)
    if cut:
        sheet.write_string(header_row - 1, 0, cut.note.capitalize(), styles.note)
    current, baseline = frame["current_month"].to_numpy(), frame["baseline_month"].to_numpy()
    months = {f"m{k}": np.where(current == k, "◆", np.where(baseline == k, "◇", "")).tolist() for k in range(len(view.months))}
    columns = [*LABELS, *(Col(f"m{k}", m.strftime("%b %y"), "marker", MONTH_WIDTH, now=k == view.status_month)
                          for k, m in enumerate(view.months))]
    last_row = write_table(sheet, styles, "tblMilestoneTimeline", header_row, 0, frame.assign(**months), columns, set_widths=False)
    _colours(sheet, styles, header_row + 1, last_row, month_col, len(view.months))
    starts = group_starts(header_row + 1, frame["programme"].tolist())
    page_setup(sheet, model, repeat_row=header_row, last_col=len(columns) - 1, last_row=last_row, starts=starts,
               freeze=(header_row + 1, 2))
    return sheet


def _summary(sheet: Worksheet, styles: Styles, view: TimelineView, month_col: int) -> int:
    """The programme overview: milestones falling due per month (off plan in brackets). Returns its last row."""
    sheet.write_string(SUMMARY_ROW - 1, 0, "By programme: milestones falling due each month (in brackets: off plan — missed, slipped or achieved late)",
                       styles.heading)
    sheet.merge_range(SUMMARY_ROW, 0, SUMMARY_ROW, month_col - 1, "Programme", styles.header)
    for k, month in enumerate(view.months):
        sheet.write_string(SUMMARY_ROW, month_col + k, month.strftime("%b %y"), styles.header_now if k == view.status_month else styles.header)
    programmes = list(dict.fromkeys(view.milestones["programme"]))
    cells = {(p, int(m)): (int(d), int(o), w) for p, m, d, o, w in view.summary.itertuples(index=False)}
    plain = styles.get(align="center", border=1, border_color="#D9D9D9")
    fills = {rag: styles.get(align="center", border=1, border_color="#D9D9D9", bg_color=F.RAG_FILL[rag], font_color=F.RAG_FONT[rag])
             for rag in ("Red", "Amber", "Green")}
    label = styles.get(bold=True, border=1, border_color="#D9D9D9")
    for offset, programme in enumerate(programmes, start=1):
        row = SUMMARY_ROW + offset
        sheet.merge_range(row, 0, row, month_col - 1, programme, label)
        for k in range(len(view.months)):
            due, off, worst = cells.get((programme, k), (0, 0, ""))
            text = "" if not due else f"{due} ({off})" if off else str(due)
            rag = STATE_COLOURS.get(worst) if due else None
            sheet.write_string(row, month_col + k, text, fills[rag] if rag else plain)
    if not programmes:
        sheet.write_string(SUMMARY_ROW + 1, 0, "No milestone in the window.", styles.note)
        return SUMMARY_ROW + 1
    return SUMMARY_ROW + len(programmes)


def _colours(sheet: Worksheet, styles: Styles, first: int, last: int, month_col: int, months: int) -> None:
    """Markers coloured by their row's state; ◇ (the baseline) grey. Rules on the range, not a format per cell:
    they follow the rows when a user sorts or filters the table."""
    state_col = next(i for i, c in enumerate(LABELS) if c.field == "state")
    state = f"${chr(ord('A') + state_col)}{first + 1}"
    rules = [('"◇"', None, "#7F7F7F")]
    rules += [('"◆"', f'{state}="{s}"', F.RAG_FONT[STATE_COLOURS[s]]) for s in (*OFF_PLAN, "Achieved")]
    for value, condition, colour in rules:
        cell = f"{chr(ord('A') + month_col)}{first + 1}"
        formula = f"=AND({cell}={value},{condition})" if condition else f"={cell}={value}"
        sheet.conditional_format(first, month_col, last, month_col + months - 1, {
            "type": "formula", "criteria": formula, "format": styles.get(bold=True, font_color=colour)})
    for s, rag in STATE_COLOURS.items():
        if rag is not None and rag != "Green":
            sheet.conditional_format(first, state_col, last, state_col, {
                "type": "cell", "criteria": "==", "value": f'"{s}"', "format": styles.get(bg_color=F.RAG_FILL[rag], font_color=F.RAG_FONT[rag])})
