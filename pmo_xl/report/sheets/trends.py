"""The trends sheets: RAG history per project (Trends), forecast-finish and EAC drift (Drift), milestone trend analysis.

What each month shows is said at the top (as reported from History, recomputed from today's
registers, or this report), and each month's column header carries its mark (AR / RC / now).
The milestone trend analysis (MTA) charts are line charts on a date axis: report date across,
forecast date up, one line per milestone and the grey diagonal where forecast meets report
date; a milestone whose line rises is slipping, one that meets the diagonal is due. Each chart's
data is the table printed under it.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pmo_xl.io.chart_xml import ChartLooks, SeriesLook
from pmo_xl.report import formats as F
from pmo_xl.report.model import ReportModel
from pmo_xl.report.model_trends import HISTORY_CODES, NO_FIGURES, MtaChart
from pmo_xl.report.print_edition import DRIFT_WHAT, cut_list, cut_portfolio
from pmo_xl.report.sheets.common import (
    Col,
    Styles,
    page_setup,
    shared_widths,
    sheet_title,
    unavailable,
    write_table,
)

TRENDS, DRIFT_SHEET, MTA_SHEET = "Trends", "Drift", "Milestone trends"
HEADER_ROW = 5  # 0-based: the tables' header row, under the title, the basis note and the legend
EXCEL_EPOCH = dt.date(1899, 12, 30)
STRIP = (Col("project_id", "Project ID", "text", 11), Col("name", "Project", "wrap", 28), Col("programme", "Programme", "text", 14))
DRIFT = (
    *STRIP,
    Col("finish", "Planned finish", "date", 11), Col("forecast_finish", "Forecast finish", "date", 11),
    Col("finish_reported", "Last period: as reported", "date", 11), Col("finish_recomputed", "Last period: recomputed", "date", 11),
    Col("finish_change_days", "Finish change since last", "days", 9), Col("finish_drift_days", "Finish since baseline", "days", 9),
    Col("bac", "BAC", "money", 12), Col("eac", "EAC", "money", 12),
    Col("eac_reported", "EAC last period: as reported", "money", 12), Col("eac_recomputed", "EAC last period: recomputed", "money", 12),
    Col("eac_change", "EAC change since last", "spct", 9), Col("eac_drift", "EAC over BAC", "spct", 9),
    Col("last_basis", "Last period shown", "text", 11), Col("flag", "Flag", "wrap", 36),
)
CHART_ROWS = 22  # rows a chart covers


def _start(workbook: Workbook, styles: Styles, model: ReportModel, name: str, title: str) -> tuple[Worksheet, bool]:
    """A trends sheet with its title and the note on what each month shows; False when there are no trends."""
    sheet = workbook.add_worksheet(name)
    view = model.trends
    if view is None:
        sheet_title(sheet, styles, model, title)
        unavailable(sheet, styles, 3, model.unavailable.get(TRENDS, "no reporting period or no earned-value figures"))
        page_setup(sheet, model)
        return sheet, False
    sheet_title(sheet, styles, model, title, f"{model.title} · {model.period_label} · {view.basis_note}")
    sheet.write_string(2, 0, view.last_period_note, styles.note)
    return sheet, True


def write_trends(workbook: Workbook, styles: Styles, model: ReportModel) -> Worksheet:
    """The RAG history strip: a row per project, a column per month of the last 12."""
    sheet, ready = _start(workbook, styles, model, TRENDS, "Trends: RAG history, last 12 months")
    if not ready or model.trends is None:
        return sheet
    view = model.trends
    months = [Col(label, label, "rag", 7, now=(i == len(view.month_labels) - 1)) for i, label in enumerate(view.month_labels)]
    strip, cut = cut_portfolio(model, view.rag_strip, TRENDS)
    sheet.write_string(3, 0, "AR as reported (History) · RC recomputed · now this report" + (f" · {cut.note}" if cut else ""), styles.note)
    last = write_table(sheet, styles, "tblRagHistory", HEADER_ROW, 0, strip, (*STRIP, *months))
    page_setup(sheet, model, repeat_row=HEADER_ROW, last_col=len(STRIP) + len(months) - 1, last_row=last, freeze=(HEADER_ROW + 1, 2))
    return sheet


def write_drift(workbook: Workbook, styles: Styles, model: ReportModel) -> Worksheet:
    """Forecast finish and EAC per project: now, last period (as reported and recomputed), baseline, flags."""
    sheet, ready = _start(workbook, styles, model, DRIFT_SHEET, "Drift: forecast finish and EAC")
    if not ready or model.trends is None:
        return sheet
    view = model.trends
    flagged = int((view.drift["flag"].fillna("") != "").sum()) if len(view.drift) else 0
    drift, cut = cut_list(model, view.drift, DRIFT_SHEET, DRIFT_WHAT)
    days, share = view.thresholds
    sheet.write_string(3, 0, f"{flagged} flagged: finish later by more than {days} days, or EAC up by more than {share:.0%}, since last "
                       "period or against the baseline (planned finish, BAC)" + (f" · {cut.note}" if cut else ""), styles.note)
    last = write_table(sheet, styles, "tblDrift", HEADER_ROW, 0, drift, DRIFT)
    page_setup(sheet, model, repeat_row=HEADER_ROW, last_col=len(DRIFT) - 1, last_row=last, freeze=(HEADER_ROW + 1, 2))
    return sheet


def write_milestone_trends(workbook: Workbook, styles: Styles, model: ReportModel) -> Worksheet:
    """A milestone trend analysis chart per programme, each above the table it draws."""
    sheet, ready = _start(workbook, styles, model, MTA_SHEET, "Milestone trend analysis")
    if not ready or model.trends is None:
        return sheet
    view = model.trends
    sheet.write_string(3, 0, "Report date across, forecast date up: a rising line is a slipping milestone; a line that meets the "
                       "grey diagonal is due. The milestones that moved most are drawn.", styles.note)
    shared_widths(sheet, (0, mta_columns(view.months)))
    row = 5
    looks = ChartLooks()  # the charts' lines alike: their options parsed once
    for index, chart in enumerate(view.mta, start=1):
        row = _write_mta(workbook, sheet, styles, chart, index, row, looks)
    if not view.mta:
        unavailable(sheet, styles, 5, "no milestones")
    page_setup(sheet, model, last_col=len(view.months), last_row=row, paper=9)
    return sheet


def mta_columns(months: list[pd.Timestamp]) -> tuple[Col, ...]:
    """The columns of an MTA chart's data table: the line's label, then its forecast at each report month."""
    return (Col("label", "Milestone", "wrap", 28), *(Col(f"m{i}", f"{m:%b %y}", "date", 11) for i, m in enumerate(months)))


def excel_serial(day: pd.Timestamp) -> int:
    return (day.date() - EXCEL_EPOCH).days


def _write_mta(workbook: Workbook, sheet: Worksheet, styles: Styles, mta: MtaChart, index: int, row: int,
               looks: ChartLooks) -> int:
    """One programme's chart, and under it the table it draws (first row: the report dates, the diagonal)."""
    report_dates = np.array([m + pd.offsets.MonthEnd(0) for m in mta.months], dtype="datetime64[ns]")
    keys = [f"m{i}" for i in range(len(mta.months))]
    # The table: the diagonal's row (the report dates), then a row per line (its forecasts, NaT where none).
    forecasts = [mta.lines[month].to_numpy(dtype="datetime64[ns]") for month in mta.months]
    data = pd.DataFrame({"label": ["Report date (diagonal)", *mta.lines["label"].tolist()],
                         **{key: np.concatenate([report_dates[i:i + 1], forecast])
                            for i, (key, forecast) in enumerate(zip(keys, forecasts, strict=True))}})
    columns = mta_columns(mta.months)
    title = f"Milestone trend analysis — {mta.programme}"
    chart_row = row
    table_row = row + CHART_ROWS
    note = f" ({mta.left_out} more milestones not drawn: see History milestones)" if mta.left_out else ""
    sheet.write_string(table_row, 0, f"{title}: the chart's data{note}", styles.label)
    last = write_table(sheet, styles, f"tblMta{index}", table_row + 1, 0, data, columns, set_widths=False)
    first_data = table_row + 2  # the diagonal's row
    chart = workbook.add_chart({"type": "line"})
    categories = [MTA_SHEET, first_data, 1, first_data, len(keys)]
    looks.add_series(chart, {"name": "Report date", "categories": categories, "values": categories}, DIAGONAL)
    for offset in range(len(mta.lines)):
        r = first_data + 1 + offset
        looks.add_series(chart, {"name": [MTA_SHEET, r, 0], "categories": categories, "values": [MTA_SHEET, r, 1, r, len(keys)]},
                         MILESTONE_LINE)
    dates = np.concatenate([report_dates, *forecasts])
    dates = dates[~np.isnat(dates)]
    low, high = pd.Timestamp(dates.min()) - pd.DateOffset(months=1), pd.Timestamp(dates.max()) + pd.DateOffset(months=1)
    chart.set_title({"name": title, "name_font": {"size": 11}})
    chart.set_x_axis({"date_axis": True, "num_format": "mmm yy", "base_unit": "months", "major_unit": 1,
                      "major_unit_type": "months", "name": "Report date"})
    chart.set_y_axis({"num_format": "mmm yy", "min": excel_serial(low), "max": excel_serial(high), "name": "Forecast date",
                      "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
    chart.show_blanks_as("span")
    chart.set_legend({"position": "right", "font": {"size": 8}})
    sheet.insert_chart(chart_row, 0, chart, {"x_scale": 2.6, "y_scale": 1.45, "object_position": 3})
    return last + 3


# The lines of an MTA chart: the grey dashed diagonal, then a line with dots per milestone.
DIAGONAL = SeriesLook({"line": {"color": "#7F7F7F", "dash_type": "dash", "width": 1.25}, "marker": {"type": "none"}})
MILESTONE_LINE = SeriesLook({"marker": {"type": "circle", "size": 4}, "line": {"width": 1.5}})


SQUARE, EMPTY = "■", "□"


def draw_rag_history(sheet: Worksheet, styles: Styles, first_row: int, col: int, codes: list[str]) -> None:
    """Each cell of a column of RAG codes ('GGAR-…', oldest month first) redrawn as coloured squares."""
    colours = {code: styles.get(font_color=F.RAG_SOLID[rag], font_size=8) for rag, code in HISTORY_CODES.items()}
    colours[NO_FIGURES] = styles.get(font_color="#BFBFBF", font_size=8)
    cell = styles.get(valign="top")
    for offset, code in enumerate(codes):
        if len(code) < 2:  # a rich string needs two fragments at least; no history: leave the cell as written
            continue
        fragments: list[object] = []
        for letter in code:
            fragments += [colours.get(letter, colours[NO_FIGURES]), SQUARE if letter != NO_FIGURES else EMPTY]
        sheet.write_rich_string(first_row + offset, col, *fragments, cell)
