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
    """Every month cell of every project: band, bar, baseline line, marker and status line."""
    months = view.months
    n = len(months)
    markers = {(int(r), int(m)): s for r, m, s in zip(view.markers["row"], view.markers["month"], view.markers["state"], strict=True)}
    status_side = None
    if view.status_index is not None and model.status_date is not None:
        status_side = "right" if model.status_date.day >= 15 else "left"
    band = [((months[i].year * 4 + months[i].quarter) % 2 == 1) for i in range(n)]
    cache: dict[tuple[Any, ...], Any] = {}

    def look(fill: str | None, base: bool, marker: str | None, status: bool) -> Any:
        key = (fill, base, marker, status)
        if key not in cache:
            props: dict[str, Any] = {"align": "center", "valign": "vcenter", "font_size": 9, "bold": True}
            if fill:
                props["bg_color"] = fill
            if base:
                props.update(bottom=5, bottom_color="#404040")
            if marker:
                props["font_color"] = "#FFFFFF" if fill in (BAR, LATE) and marker == "Open" else MARKERS[marker][1]
            if status:
                props.update({status_side: 2, f"{status_side}_color": F.RAG_SOLID["Red"]})
            cache[key] = styles.get(**props)
        return cache[key]

    projects = view.projects
    columns = zip(projects["base_first"].tolist(), projects["base_last"].tolist(), projects["fc_first"].tolist(),
                  projects["fc_last"].tolist(), strict=True)
    for row, (b1, b2, f1, f2) in enumerate(columns):
        for month in range(n):
            in_base = b1 >= 0 and b1 <= month <= b2
            in_fc = f1 >= 0 and f1 <= month <= f2
            fill = (BAR if in_base else LATE) if in_fc else (EARLY if in_base else (BAND if band[month] else None))
            marker = markers.get((row, month))
            status = month == view.status_index and status_side is not None
            if not (fill or in_base or marker or status):
                continue
            cell_format = look(fill, in_base, marker, status)
            if marker:
                sheet.write_string(first + row, first_month + month, MARKERS[marker][0], cell_format)
            else:
                sheet.write_blank(first + row, first_month + month, None, cell_format)
