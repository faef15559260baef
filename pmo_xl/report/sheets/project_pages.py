"""The project pages: one printed A4 page per project, and the index that links to each.

Every page has the same fixed layout (PAGE_ROWS rows, a page break before each), so the pages
print one to a sheet of paper in Excel and LibreOffice alike: the header, RAG per dimension with
its reason, the PM's commentary and what the PM needs from the committee, the earned-value box with a small S-curve continued to
completion, milestones (missed, slipped, next, achieved late), the top open risks and the people
on the project this month with the over-allocation it feeds, and at the foot its trends (the
milestone trend analysis, the RAG history strip, forecast-finish and EAC drift: page_trends.py).
The chart series sit right of the print area, in the page's own rows.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from xlsxwriter.utility import quote_sheetname
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pmo_xl.io.chart_xml import ChartLooks, SeriesLook
from pmo_xl.report import formats as F
from pmo_xl.report.model import ReportModel
from pmo_xl.report.model_project_pages import ProjectPage
from pmo_xl.report.sheets.common import (
    Col,
    Styles,
    cells_of,
    page_setup,
    put,
    set_width,
    sheet_title,
    write_table,
)
from pmo_xl.report.sheets.dashboard import _axis_money_format
from pmo_xl.report.sheets.page_lessons import write_page_lessons
from pmo_xl.report.sheets.page_trends import TREND_ROWS, write_page_trends
from pmo_xl.report.sheets.paging import (
    MAX_BREAKS,
    PRINT_HEIGHT,
    SAFETY,
    group_starts,
    row_points,
    scale_to_width,
)

INDEX = "Project index"
PAGES = "Project pages"
WIDTHS = (22, 8, 10, 10, 10, 10, 2, 15, 10, 10, 10, 10)
LAST_COL = len(WIDTHS) - 1
RIGHT = 7  # first column of the right half
TRENDS_AT = 31  # the trends band's first row on a page
PAGE_ROWS = TRENDS_AT + TREND_ROWS
DATA_COL = len(WIDTHS) + 2  # chart series, outside the print area
# After each of these shares of a sheet's pages, their charts so far (each reads its own page's rows
# only) are made by a worker while the later pages are written (`ChartsBesideWorkbook.charts_written`):
# a worker makes a stretch's charts in about the time the next stretch's pages are written (~2.6 ms
# of a worker's CPU a page, ~2.4 ms here), so equal stretches: the last one's worker is done when
# the sheet is complete and the worker forked then (the first sheets' parts, the last quarter's
# charts) has the second core to itself.
CHARTS_BESIDE_AT = (0.25, 0.5, 0.75)
PAGES_PER_SHEET = MAX_BREAKS  # Excel keeps at most this many manual page breaks on a sheet
EV_BOX = (("BAC", "bac", "money"), ("EAC", "eac", "money"), ("VAC", "vac", "money"), ("% complete", "pct_complete", "pct"),
          ("CPI", "cpi", "ratio"), ("SPI", "spi", "ratio"), ("SPI(t)", "spi_t", "ratio"), ("Forecast finish", "forecast_finish", "date"),
          ("Baseline finish", "baseline_finish", "date"), ("", "", ""))
INDEX_COLUMNS = (
    Col("page", "Page", "text", 12), Col("project_id", "Project ID", "text", 10), Col("name", "Project", "wrap", 30),
    Col("programme", "Programme", "text", 14), Col("overall", "Overall", "rag", 8), Col("why", "Why it has a page", "wrap", 60),
)


def page_sheet_name(index: int) -> str:
    """The sheet holding page `index` (0-based): a thousand pages a sheet at most."""
    part = index // PAGES_PER_SHEET
    return PAGES if part == 0 else f"{PAGES} ({part + 1})"


def write_project_index(workbook: Workbook, styles: Styles, model: ReportModel) -> Worksheet | None:
    view = model.project_pages
    if view is None or not view.pages:
        return None
    sheet = workbook.add_worksheet(INDEX)
    chosen = {"all": "all approved, active and on-hold projects", "exceptions": "the exceptions"}
    sheet_title(sheet, styles, model, "Project pages",
                f"{model.title} · {model.period_label} · {len(view.pages)} of {view.candidates} projects have a page "
                f"({chosen.get(view.choice, view.choice)}) · click a page number to go to it")
    frame = pd.DataFrame({
        "page": [f"Page {i + 1}" for i in range(len(view.pages))], "project_id": [p.project_id for p in view.pages],
        "name": [p.name for p in view.pages], "programme": [dict(p.details).get("Programme", "") for p in view.pages],
        "overall": [p.overall for p in view.pages], "why": [p.why or "every project has a page" for p in view.pages],
    })
    header = 3
    last = write_table(sheet, styles, "tblProjectPages", header, 0, frame, INDEX_COLUMNS)
    link = styles.get(font_color=F.ACCENT, underline=1, valign="top")
    for i, page in enumerate(frame["page"]):
        target = f"internal:{quote_sheetname(page_sheet_name(i))}!A{(i % PAGES_PER_SHEET) * PAGE_ROWS + 1}"
        sheet.write_url(header + 1 + i, 0, target, link, page)
    programme = frame["programme"].tolist()
    starts = group_starts(header + 1, programme)
    page_setup(sheet, model, repeat_row=header, last_col=len(INDEX_COLUMNS) - 1, last_row=last, starts=starts, freeze=(header + 1, 0))
    return sheet


def write_project_pages(workbook: Workbook, styles: Styles, model: ReportModel) -> Worksheet | None:
    view = model.project_pages
    if view is None or not view.pages:
        return None
    first_sheet = None
    for start in range(0, len(view.pages), PAGES_PER_SHEET):
        pages = view.pages[start:start + PAGES_PER_SHEET]
        sheet = workbook.add_worksheet(page_sheet_name(start))
        first_sheet = first_sheet or sheet
        for col, width in enumerate(WIDTHS):
            set_width(sheet, col, width)
        layout = _Layout(workbook, sheet, styles, model)
        charts_at = {int(len(pages) * share) for share in CHARTS_BESIDE_AT}
        for offset, page in enumerate(pages):
            layout.page(offset * PAGE_ROWS, page, start + offset + 1)
            if offset + 1 in charts_at and hasattr(workbook, "charts_written"):
                workbook.charts_written(sheet.name)  # the pages so far are final: their charts made beside from now on
        last_row = len(pages) * PAGE_ROWS - 1
        page_setup(sheet, model, last_col=LAST_COL, last_row=last_row)
        sheet.set_print_scale(_scale(sheet))
        sheet.set_h_pagebreaks([i * PAGE_ROWS for i in range(1, len(pages))])
    return first_sheet


class _Layout:
    """Writes pages onto one sheet, sharing formats."""

    def __init__(self, workbook: Workbook, sheet: Worksheet, styles: Styles, model: ReportModel) -> None:
        self.workbook, self.sheet, self.styles, self.model = workbook, sheet, styles, model
        get = styles.get
        self.title = get(font_size=16, bold=True, font_color=F.HEADER_BLUE, valign="vcenter")
        self.details = get(font_size=9, font_color="#404040", text_wrap=True, valign="top")
        self.why = get(font_size=9, italic=True, font_color=F.RAG_FONT["Red"])
        self.heading = get(font_size=10, bold=True, font_color=F.HEADER_BLUE)
        self.label = get(font_size=9, bold=True, valign="top")
        self.small = get(font_size=8, text_wrap=True, valign="top")
        self.small_grey = get(font_size=8, italic=True, font_color=F.GREY, valign="top")
        self.ask = get(font_size=8, bold=True, text_wrap=True, valign="top", font_color=F.RAG_FONT["Red"])
        self.rag = {rag: get(font_size=9, bold=True, align="center", valign="top", bg_color=F.RAG_FILL[rag], font_color=F.RAG_FONT[rag])
                    for rag in F.RAG_FILL}
        self.rag_big = {rag: get(font_size=14, bold=True, align="center", valign="vcenter", bg_color=F.RAG_FILL[rag],
                                 font_color=F.RAG_FONT[rag]) for rag in F.RAG_FILL}
        self.plain_big = get(font_size=14, bold=True, align="center", valign="vcenter", bg_color=F.LIGHT_GREY)
        self.values = {kind: get(font_size=9, align="left", valign="top", num_format=styles.number_format(kind) or "General")
                       for kind in ("money", "ratio", "pct", "date", "days", "spct")}
        self.flagged = {kind: get(font_size=9, bold=True, align="left", valign="top", font_color=F.RAG_FONT["Red"],
                                  num_format=styles.number_format(kind) or "General") for kind in self.values}
        self.small_grey_wrap = get(font_size=8, italic=True, font_color=F.GREY, text_wrap=True, valign="top")
        self.text = get(font_size=9, valign="top")
        self.fte = get(font_size=9, num_format="0.0#", valign="top")
        self.band = {band: get(font_size=9, bg_color=fill, valign="top") for band, fill in F.BAND_FILL.items()}
        self.no_band = get(font_size=9, bg_color="#FFFFFF", valign="top")
        self.month = get(num_format=F.MONTH)
        self.money = get(num_format=model.money_format)
        self.chart_looks = ChartLooks()  # the S-curves' charts, series and axes parsed once, not on every page
        # PV dashed, EV and AC solid, the forecast dotted: the S-curve's series, in its order
        self.curve_looks = [SeriesLook({"line": {"color": F.SERIES[key], "width": 1.75, "dash_type": dash}})
                            for key, dash in (("pv", "dash"), ("ev", "solid"), ("ac", "solid"), ("eac", "round_dot"))]
        self.mta_looks = (SeriesLook({"line": {"color": "#7F7F7F", "dash_type": "dash", "width": 1}, "marker": {"type": "none"}}),
                          SeriesLook({"marker": {"type": "circle", "size": 3}, "line": {"width": 1.25}}))
        # Texts every page repeats, made once for the sheet.
        self.ev_heading = f"Earned value at {model.period_label}"
        month = model.period.strftime("%b %Y") if model.period is not None else "this month"
        self.people_heading = f"People on it in {month} (FTE), over-allocation it feeds"

    def merged(self, row: int, c1: int, c2: int, value: object, cell_format: Any) -> None:
        if c2 > c1 and value.__class__ is str and value:  # text: written with the merge, not over it
            self.sheet.merge_range(row, c1, row, c2, value, cell_format)
            return
        if c2 > c1:
            self.sheet.merge_range(row, c1, row, c2, "", cell_format)
        put(self.sheet, row, c1, value, cell_format)

    def page(self, r: int, page: ProjectPage, number: int) -> None:
        sheet, model = self.sheet, self.model
        sheet.set_row(r, 26)
        sheet.write_string(r, 0, f"{page.project_id} · {page.name}", self.title)  # overflows the empty cells beside it
        overall = f"Overall {page.overall} {page.trend}".strip() if page.overall else "Overall: not rated"
        self.merged(r, 9, LAST_COL, overall, self.rag_big.get(page.overall or "", self.plain_big))
        details = " · ".join(f"{label}: {_shown(value)}" for label, value in page.details if _shown(value))
        sheet.set_row(r + 1, 24)
        self.merged(r + 1, 0, LAST_COL, details, self.details)
        sheet.write_string(r + 2, 0, f"On this page because: {page.why}" if page.why else f"Project page {number}", self.why)
        self._rag(r + 4, page)
        self._ev(r + 4, page)
        self._commentary(r + 11, page)
        self._curve(r + 11, page)
        self._milestones(r + 15, page)
        self._risks(r + 24, page)
        self._people(r + 24, page)
        write_page_trends(self, r + TRENDS_AT, page.trends, RIGHT, DATA_COL)
        write_page_lessons(self, r + 29, page)
        del model

    def _rag(self, r: int, page: ProjectPage) -> None:
        self.sheet.write_string(r, 0, "Status by dimension, and why", self.heading)
        for offset, (dimension, rag, reason) in enumerate(page.rag, start=1):
            self.sheet.set_row(r + offset, 21)
            self.sheet.write_string(r + offset, 0, dimension, self.label)
            self.sheet.write_string(r + offset, 1, rag or "–", self.rag.get(rag or "", self.text))
            self.merged(r + offset, 2, 5, reason, self.small)

    def _ev(self, r: int, page: ProjectPage) -> None:
        self.sheet.write_string(r, RIGHT, self.ev_heading, self.heading)
        for index, (label, field, kind) in enumerate(EV_BOX):
            if not field:
                continue
            row, col = r + 1 + index // 2, RIGHT + (index % 2) * 2 + (index % 2)
            self.sheet.write_string(row, col, label, self.label)
            put(self.sheet, row, col + 1, page.ev.get(field), self.values[kind])

    def _commentary(self, r: int, page: ProjectPage) -> None:
        """The PM's commentary, then what the PM needs from the committee (two lines each)."""
        for offset, (heading, text, empty, shown) in enumerate((
                ("PM commentary this month", page.commentary, "No commentary this month.", self.small),
                ("Needs from the committee", page.needs, "Nothing asked of the committee this month.", self.ask))):
            row = r + 2 * offset
            self.sheet.write_string(row, 0, heading, self.heading)
            self.sheet.set_row(row + 1, 22)
            self.sheet.merge_range(row + 1, 0, row + 1, 5, "", shown)
            self.sheet.write_string(row + 1, 0, text or empty, shown if text else self.small_grey)

    def _curve(self, r: int, page: ProjectPage) -> None:
        """PV, EV, AC and the forecast to EAC, from the page's own rows right of the print area."""
        curve = page.curve
        self.sheet.write_string(r, RIGHT, "S-curve: cumulative PV, EV, AC, forecast to EAC", self.heading)
        if not len(curve):
            self.sheet.write_string(r + 1, RIGHT, "No plan or progress to draw.", self.small_grey)
            return
        sheet, n = self.sheet, len(curve)
        month, money = self.month, self.money
        series = (("PV", curve.pv), ("EV", curve.ev), ("AC", curve.ac), ("Forecast (EAC)", curve.forecast))
        sheet.write_string(r, DATA_COL, "Month", self.styles.label)
        cells_of(sheet).write_datetimes_across(r, DATA_COL + 1, curve.period.astype("datetime64[s]").tolist(), month)
        chart = self.chart_looks.add_chart(self.workbook, {"type": "line"})
        for offset, ((name, values), look) in enumerate(zip(series, self.curve_looks, strict=True), start=1):
            sheet.write_string(r + offset, DATA_COL, name, self.styles.label)
            write_row(sheet, r + offset, DATA_COL + 1, values, money)
            if np.isfinite(values).any():  # no series of empty months
                self.chart_looks.add_series(chart, {
                    "name": name, "categories": [sheet.name, r, DATA_COL + 1, r, DATA_COL + n],
                    "values": [sheet.name, r + offset, DATA_COL + 1, r + offset, DATA_COL + n]}, look)
        self.chart_looks.set_axis(chart, "x", {"num_format": "mmm yy", "num_font": {"size": 7}})
        money_format = _axis_money_format(self.model, np.concatenate([curve.pv, curve.ev, curve.ac, curve.forecast]))
        self.chart_looks.set_axis(chart, "y", {"num_format": money_format, "num_font": {"size": 7},
                                               "major_gridlines": {"visible": True, "line": {"color": "#EEEEEE"}}})
        chart.set_legend({"position": "bottom", "font": {"size": 7}})
        chart.show_blanks_as("gap")
        chart.set_size({"width": 420, "height": 225})
        sheet.insert_chart(r + 1, RIGHT, chart, {"x_offset": 2, "y_offset": 2, "object_position": 3})

    def _milestones(self, r: int, page: ProjectPage) -> None:
        self.sheet.write_string(r, 0, "Milestones: missed, slipped, next, and achieved late this month", self.heading)
        headers = ("Milestone", "State", "", "Baseline", "Expected", "Slip")
        for col, text in enumerate(headers):
            if text:
                self.sheet.write_string(r + 1, col, text, self.label)
        if not page.milestones:
            self.sheet.write_string(r + 2, 0, "No open milestone, none missed or late.", self.small_grey)
        for offset, (name, baseline, expected, slip, state) in enumerate(page.milestones, start=2):
            colour = self.rag["Red"] if state == "Missed" else self.rag["Amber"] if state != "Open" else self.text
            self.sheet.write_string(r + offset, 0, str(name), self.text)
            if state == "Open":
                self.sheet.write_string(r + offset, 1, "Due", colour)
            else:
                self.merged(r + offset, 1, 2, str(state), colour)
            put(self.sheet, r + offset, 3, baseline, self.values["date"])
            put(self.sheet, r + offset, 4, expected, self.values["date"])
            put(self.sheet, r + offset, 5, slip, self.values["days"])

    def _risks(self, r: int, page: ProjectPage) -> None:
        self.sheet.write_string(r, 0, "Top open risks (by exposure)", self.heading)
        if not page.risks:
            self.sheet.write_string(r + 1, 0, "No open risk.", self.small_grey)
        for offset, (risk_id, title, score, band, owner) in enumerate(page.risks, start=1):
            self.sheet.write_string(r + offset, 0, f"{risk_id} {title}", self.text)
            band = _shown(band)
            self.sheet.write_string(r + offset, 3, f"{band} ({int(score)})" if pd.notna(score) else band,
                                    self.band.get(band, self.no_band))
            self.sheet.write_string(r + offset, 4, _shown(owner), self.text)

    def _people(self, r: int, page: ProjectPage) -> None:
        self.sheet.write_string(r, RIGHT, self.people_heading, self.heading)
        if not page.people:
            self.sheet.write_string(r + 1, RIGHT, "No named person allocated this month.", self.small_grey)
        for offset, (person, role, fte, over) in enumerate(page.people, start=1):
            self.sheet.write_string(r + offset, RIGHT, str(person), self.text)
            self.sheet.write_string(r + offset, RIGHT + 2, _shown(role), self.text)
            put(self.sheet, r + offset, RIGHT + 3, fte, self.fte)
            if over:
                self.sheet.write_string(r + offset, RIGHT + 4, str(over), self.rag["Red"])


def write_row(sheet: Worksheet, row: int, first_col: int, values: np.ndarray, cell_format: Any) -> None:
    """Finite numbers across a row (blanks stay blank: the chart shows a gap)."""
    cells_of(sheet).write_numbers_across(row, first_col, values.astype(float, copy=False).tolist(), cell_format)


def _scale(sheet: Worksheet) -> int:
    """The scale at which one page's columns fit the width and its rows the height of an A4 page."""
    height = sum(row_points(sheet, r) for r in range(PAGE_ROWS))
    return min(scale_to_width(sheet, LAST_COL), math.floor(PRINT_HEIGHT * SAFETY * 100 / height))


def _shown(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%d %b %Y").lstrip("0")
    return str(value)
