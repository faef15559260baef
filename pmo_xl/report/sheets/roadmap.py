"""The Roadmap sheet: a Gantt of the planned and in-flight projects, as a cell grid.

One row per project (grouped by programme, then business unit, then start), months across the
top with the quarters banded above them. In each month cell: the forecast bar is the fill
(blue; orange for the months past the baseline finish), the baseline is the thick line under
it, a milestone is a marker (◆ achieved, ◇ open; amber when achieved late or slipped, red when
missed). The status date is a red line at the side of its month.

Why a cell grid with cell formats rather than a chart or conditional formats: it prints the
same in Excel and LibreOffice, a cell's format travels with its row when a user sorts or
filters the grid (an autofilter sits on the header), and the bars of a thousand projects cost
one format per distinct look, not a rule per cell.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pmo_xl.report import formats as F
from pmo_xl.report.model import ReportModel
from pmo_xl.report.model_roadmap import RoadmapView, build_roadmap
from pmo_xl.report.sheets.common import (
    Col,
    Styles,
    page_setup,
    rag_colours,
    set_width,
    sheet_title,
    write_column,
)
from pmo_xl.report.sheets.paging import group_starts

NAME = "Roadmap"
QUARTER_ROW, HEADER_ROW = 3, 4
LABELS = (
    Col("project_id", "Project ID", "text", 9), Col("name", "Project", "text", 30), Col("programme", "Programme", "text", 13),
    Col("business_unit", "Business unit", "text", 11), Col("status", "Status", "text", 8), Col("rag", "RAG", "rag", 6),
    Col("forecast_finish", "Forecast finish", "date", 10.5),
)
MONTH_WIDTH = 3.3
BAR, LATE, EARLY = F.ACCENT, "#ED7D31", "#DEEBF7"
BAND = "#F2F2F2"
MARKERS = {"Achieved": ("◆", "#375623"), "Open": ("◇", "#000000"), "Achieved late": ("◆", "#C65911"),
           "Slipped": ("◇", "#C65911"), "Missed": ("◇", "#C00000")}
STATES = tuple(MARKERS)
FILLS = (None, BAR, LATE, EARLY, BAND)  # a month cell's fill: none, on plan, past the baseline, before the forecast, banded quarter


def roadmap_of(model: ReportModel) -> RoadmapView:
    """The roadmap of the report model (shared with the tests, which check the bars against it)."""
    metrics = model.earned_value.metrics if model.earned_value is not None else None
    milestones = model.milestones.table if model.milestones is not None else None
    tolerance = model.milestones.slip_tolerance if model.milestones is not None else 0
    return build_roadmap(model.portfolio, metrics, milestones, model.period, tolerance)


def write_roadmap(workbook: Workbook, styles: Styles, model: ReportModel) -> Worksheet:
    sheet = workbook.add_worksheet(NAME)
    view = roadmap_of(model)
    sheet_title(sheet, styles, model, "Roadmap",
                f"{model.title} · {model.period_label} · {len(view.projects)} approved and in-flight projects, by programme")
    sheet.write_string(2, 0, "Bar: forecast (earned schedule, else the PM's finish), orange past the baseline finish · thick line "
                       "under: baseline · ◆ milestone achieved (amber: late) · ◇ open (amber: slipped, red: missed) · red line: "
                       "status date", styles.note)
    first_month = len(LABELS)
    last_col = first_month + max(len(view.months), 1) - 1
    for col, column in enumerate(LABELS):
        set_width(sheet, col, column.width)
    sheet.set_column(first_month, last_col, MONTH_WIDTH)
    _headers(sheet, styles, view, first_month)
    projects = view.projects
    first = HEADER_ROW + 1
    if not len(projects):
        sheet.write_string(first, 0, "No approved, active or on-hold project to show.", styles.note)
        page_setup(sheet, model, repeat_row=(QUARTER_ROW, HEADER_ROW), last_col=last_col, last_row=first, starts=[])
        return sheet
    for col, column in enumerate(LABELS):
        write_column(sheet, first, col, projects[column.field].reset_index(drop=True), column.kind, styles.cell(column.kind))
    _bars(sheet, styles, model, view, first, first_month)
    last = first + len(projects) - 1
    sheet.autofilter(HEADER_ROW, 0, last, last_col)
    rag_col = next(i for i, c in enumerate(LABELS) if c.field == "rag")
    rag_colours(sheet, styles, first, rag_col, last, rag_col)
    programme = projects["programme"].fillna("").tolist()
    starts = group_starts(first, programme)
    page_setup(sheet, model, repeat_row=(QUARTER_ROW, HEADER_ROW), last_col=last_col, last_row=last,
               freeze=(HEADER_ROW + 1, 2), starts=starts)
    sheet.repeat_columns(0, 1)
    return sheet


def _headers(sheet: Worksheet, styles: Styles, view: RoadmapView, first_month: int) -> None:
    """The quarter band and the header row (month initials, the status month in orange)."""
    header = styles.header
    for col, column in enumerate(LABELS):
        sheet.write_string(HEADER_ROW, col, column.header, header)
    sheet.merge_range(QUARTER_ROW, 0, QUARTER_ROW, first_month - 1, "", styles.get(bold=True, font_color=F.HEADER_BLUE))
    month_header = styles.get(bold=True, font_size=8, font_color="#FFFFFF", bg_color=F.HEADER_BLUE, align="center", border=1,
                              border_color="#BFBFBF")
    now_header = styles.get(bold=True, font_size=8, font_color="#FFFFFF", bg_color=F.RAG_SOLID["Amber"], align="center", border=1,
                            border_color="#BFBFBF")
    quarter = [styles.get(bold=True, font_size=9, align="center", bg_color=fill, border=1, border_color="#BFBFBF")
               for fill in ("#DEEBF7", "#BDD7EE")]
    months = view.months
    index = 0
    while index < len(months):
        month = months[index]
        span = min(3 - (month.month - 1) % 3, len(months) - index)
        label = f"Q{month.quarter} {month.year}"
        cell_format = quarter[(month.year * 4 + month.quarter) % 2]
        if span > 1:
            sheet.merge_range(QUARTER_ROW, first_month + index, QUARTER_ROW, first_month + index + span - 1, label, cell_format)
        else:
            sheet.write_string(QUARTER_ROW, first_month + index, label, cell_format)
        index += span
    for offset, month in enumerate(months):
        text = month.strftime("%b")[:3]
        sheet.write_string(HEADER_ROW, first_month + offset, text, now_header if offset == view.status_index else month_header)
    sheet.set_row(HEADER_ROW, 28)


def _bars(sheet: Worksheet, styles: Styles, model: ReportModel, view: RoadmapView, first: int, first_month: int) -> None:
    """Every month cell of every project: band, bar, baseline line, marker and status line.

    The look of every cell is worked out for the whole grid at once (projects x months, numpy);
    the cells are then written row by row, months in order, as one loop over both would: the
    formats are made and the marker texts met in the same order, so the file is the same."""
    months, projects = view.months, view.projects
    n = len(months)
    status_side = None
    if view.status_index is not None and model.status_date is not None:
        status_side = "right" if model.status_date.day >= 15 else "left"
    month = np.arange(n)
    banded = np.array([(m.year * 4 + m.quarter) % 2 == 1 for m in months], dtype=bool)
    b1, b2, f1, f2 = (projects[c].to_numpy(dtype=np.int64)[:, None] for c in ("base_first", "base_last", "fc_first", "fc_last"))
    in_base = (b1 >= 0) & (b1 <= month) & (month <= b2)
    in_fc = (f1 >= 0) & (f1 <= month) & (month <= f2)
    fill_code = np.where(in_fc, np.where(in_base, 1, 2), np.where(in_base, 3, np.where(banded, 4, 0)))  # FILLS
    marker_code = np.zeros((len(projects), n), dtype=np.int64)  # 0: none, else 1 + the state's place in STATES
    if len(view.markers):
        at = (view.markers["row"].to_numpy(dtype=np.int64), view.markers["month"].to_numpy(dtype=np.int64))
        marker_code[at] = [STATES.index(state) + 1 for state in view.markers["state"].tolist()]
    status = (month == view.status_index) & (status_side is not None)
    drawn = (fill_code > 0) | in_base | (marker_code > 0) | status
    looks = ((fill_code * 2 + in_base) * (len(STATES) + 1) + marker_code) * 2 + status  # one number per distinct look
    cache: dict[int, Any] = {}

    def look(key: int) -> Any:
        rest, at_status = divmod(key, 2)
        rest, marker = divmod(rest, len(STATES) + 1)
        fill, base = FILLS[rest // 2], rest % 2 == 1
        props: dict[str, Any] = {"align": "center", "valign": "vcenter", "font_size": 9, "bold": True}
        if fill:
            props["bg_color"] = fill
        if base:
            props.update(bottom=5, bottom_color="#404040")
        if marker:
            state = STATES[marker - 1]
            props["font_color"] = "#FFFFFF" if fill in (BAR, LATE) and state == "Open" else MARKERS[state][1]
        if at_status:
            props.update({status_side: 2, f"{status_side}_color": F.RAG_SOLID["Red"]})
        cache[key] = styles.get(**props)
        return cache[key]

    rows, cols = np.nonzero(drawn)  # row by row, months in order
    symbols = [""] + [MARKERS[state][0] for state in STATES]
    for row, col, key, marker in zip(rows.tolist(), cols.tolist(), looks[rows, cols].tolist(), marker_code[rows, cols].tolist(),
                                     strict=True):
        cell_format = cache.get(key) or look(key)
        if marker:
            sheet.write_string(first + row, first_month + col, symbols[marker], cell_format)
        else:
            sheet.write_blank(first + row, first_month + col, None, cell_format)
