"""The Earned Value sheet: roll-up, S-curves of the worst and largest projects, all metrics per project.

Per project: performance (with CPI and SPI column sparklines over the last 12 months, the status
month darker), last on the sheet so its header repeats on every printed page; the forecasts (EAC
by every method, earned schedule) are the EV forecasts sheet. The sparkline and S-curve series
are written beside the print area, from the column after the last table column on.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pmo_xl.io.chart_xml import ChartLooks, SeriesLook
from pmo_xl.report import formats as F
from pmo_xl.report.model import ReportModel
from pmo_xl.report.print_edition import cut_portfolio
from pmo_xl.report.sheets.common import (
    Col,
    Styles,
    cells_of,
    page_setup,
    shared_widths,
    sheet_title,
    unavailable,
    write_column,
    write_table,
)
from pmo_xl.report.sheets.paging import group_starts

NAME = "Earned Value"
FORECASTS_NAME = "EV forecasts"
QUOTED = "'Earned Value'"
CHARTS_PER_ROW = 4
CHART_HEIGHT_ROWS = 15
CHART_WIDTH = 440

# The roll-up's columns line up with the per-project table's (same figure, same column), so the
# shared widths stay tight; its reasons sit in the wide sparkline columns at the end.
ROLLUP = (
    Col("level_label", "Level", "text", 12), Col("group", "Group", "wrap", 24), Col("projects", "Projects", "count", 9),
    Col("pct_complete", "% complete", "pct", 9), Col("bac", "BAC", "money", 12), Col("pv", "PV", "money", 12), Col("ev", "EV", "money", 12),
    Col("ac", "AC", "money", 12), Col("sv", "SV", "money", 12), Col("cv", "CV", "money", 12), Col("sv_pct", "SV %", "pct1", 8),
    Col("cv_pct", "CV %", "pct1", 8), Col("spi", "SPI", "ratio", 7), Col("cpi", "CPI", "ratio", 7), Col("spi_t", "SPI(t)", "ratio", 7),
    Col("sv_t", "SV(t)", "months", 8), Col("tcpi_bac", "TCPI", "ratio", 7), Col("eac", "EAC", "money", 12), Col("etc", "ETC", "money", 12),
    Col("vac", "VAC", "money", 12), Col("vac_pct", "VAC %", "pct1", 9), Col("pct_spent", "% spent", "pct", 8),
    Col("eac_assumed_bac", "EAC taken as BAC (projects)", "count", 11), Col("rag", "RAG", "rag", 8), Col("rag_reason", "Why", "wrap", 18),
)
METRICS = (
    Col("project_id", "Project ID", "text", 10), Col("name", "Project", "wrap", 24), Col("status", "Status", "text", 9),
    Col("period", "As of", "month", 9), Col("bac", "BAC", "money", 12), Col("pv", "PV", "money", 12), Col("ev", "EV", "money", 12),
    Col("ac", "AC", "money", 12), Col("sv", "SV", "money", 12), Col("cv", "CV", "money", 12), Col("sv_pct", "SV %", "pct1", 8),
    Col("cv_pct", "CV %", "pct1", 8), Col("spi", "SPI", "ratio", 7), Col("cpi", "CPI", "ratio", 7), Col("spi_t", "SPI(t)", "ratio", 7),
    Col("sv_t", "SV(t)", "months", 8), Col("tcpi_bac", "TCPI", "ratio", 7), Col("eac", "EAC", "money", 12), Col("etc", "ETC", "money", 12),
    Col("vac", "VAC", "money", 12), Col("pct_complete", "% complete", "pct", 9), Col("pct_spent", "% spent", "pct", 8),
    Col("forecast_finish", "Forecast finish", "date", 11), Col("rag", "RAG", "rag", 8),
    Col("_cpi_spark", "CPI, 12 months", "text", 18), Col("_spi_spark", "SPI, 12 months", "text", 18),
)
FORECASTS = (
    Col("project_id", "Project ID", "text", 10), Col("name", "Project", "wrap", 24), Col("eac_cpi", "EAC = BAC/CPI", "money", 12),
    Col("eac_atypical", "EAC = AC+BAC−EV", "money", 12), Col("eac_cpi_spi", "EAC with CPI×SPI", "money", 12),
    Col("eac_weighted", "EAC weighted", "money", 12), Col("eac_bottom_up", "EAC bottom-up", "money", 12), Col("etc_bottom_up", "ETC typed", "money", 12),
    Col("vac_pct", "VAC %", "pct1", 8), Col("tcpi_eac", "TCPI to EAC", "ratio", 8), Col("ev_source", "EV from", "text", 12),
    Col("plan_source", "Plan", "text", 12), Col("pd", "PD (months)", "score", 8), Col("at", "AT (months)", "score", 8),
    Col("es", "ES (months)", "score", 8), Col("tspi", "TSPI", "ratio", 7), Col("ieac_t", "IEAC(t) (months)", "score", 9),
    Col("forecast_finish", "Forecast finish", "date", 11),
)
LEVEL_LABELS = {"portfolio": "Portfolio", "programme": "Programme", "business_unit": "Business unit"}


def write_earned_value(workbook: Workbook, styles: Styles, model: ReportModel) -> Worksheet:
    sheet = workbook.add_worksheet(NAME)
    view = model.earned_value
    sheet_title(sheet, styles, model, "Earned value and earned schedule",
                f"{model.title} · {model.period_label} · roll-ups are sums first, ratios of the sums · "
                "blank = not defined (e.g. SPI with no planned value yet)")
    if view is None:
        unavailable(sheet, styles, 3, model.unavailable.get(NAME, "no progress to compute from"))
        page_setup(sheet, model)
        return sheet
    shared_widths(sheet, (0, ROLLUP), (0, METRICS), (0, FORECASTS))
    row = 3
    sheet.write_string(row, 0, "Roll-up: portfolio, programmes, business units", styles.heading)
    rollup = view.rollup.assign(level_label=view.rollup["level"].map(LEVEL_LABELS))
    row = write_table(sheet, styles, "tblEvRollup", row + 1, 0, rollup, ROLLUP, set_widths=False) + 2
    data_col = len(METRICS) + 1
    sheet.write_string(row, 0, "S-curves: cumulative PV, EV, AC and EAC over the last 12 months", styles.heading)
    # The S-curve series go right of the sparkline series (two blocks of 12 months and a gap).
    curve_col = data_col + 2 * (len(view.months) + 1) + 1
    row = _curves(workbook, sheet, styles, model, row + 1, curve_col)
    sheet.write_string(row, 0, "Per project: performance at the status period (latest progress at or before it)", styles.heading)
    header = row + 1
    shown, cut = cut_portfolio(model, view.metrics, NAME)
    if cut:
        sheet.write_string(row, 0, f"Per project: performance at the status period — {cut.note}", styles.heading)
    metrics = shown.assign(_cpi_spark="", _spi_spark="")
    last = write_table(sheet, styles, "tblEvProjects", header, 0, metrics, METRICS, set_widths=False)
    ids = shown["project_id"].tolist()
    _sparklines(sheet, styles, view.months, view.cpi_trend.loc[ids], view.spi_trend.loc[ids], header, data_col)
    # The per-project table is the long one, last, its header repeated on every page it runs onto.
    programme = shown["programme"].fillna("").tolist() if "programme" in shown else []
    starts = group_starts(header + 1, programme)
    page_setup(sheet, model, repeat_row=header, last_col=len(METRICS) - 1, last_row=last, freeze=(0, 2), starts=[row, *starts])
    return sheet


def write_ev_forecasts(workbook: Workbook, styles: Styles, model: ReportModel) -> Worksheet | None:
    """Estimates at completion by every method and the earned-schedule figures, per project."""
    view = model.earned_value
    if view is None:
        return None
    sheet = workbook.add_worksheet(FORECASTS_NAME)
    sheet_title(sheet, styles, model, "Estimates at completion and earned schedule",
                f"{model.title} · {model.period_label} · EAC by every method (the Earned Value sheet shows the Settings method) · "
                "PD planned duration, AT actual time, ES earned schedule, in months")
    shown, cut = cut_portfolio(model, view.metrics, FORECASTS_NAME)
    if cut:
        sheet.write_string(2, 0, cut.note.capitalize(), styles.note)
    header = 3
    last = write_table(sheet, styles, "tblEvForecasts", header, 0, shown, FORECASTS)
    programme = shown["programme"].fillna("").tolist() if "programme" in shown else []
    starts = group_starts(header + 1, programme)
    page_setup(sheet, model, repeat_row=header, last_col=len(FORECASTS) - 1, last_row=last, freeze=(header + 1, 2), starts=starts)
    return sheet


def _sparklines(sheet: Worksheet, styles: Styles, months: list[pd.Timestamp], cpi: pd.DataFrame, spi: pd.DataFrame, header: int,
                data_col: int) -> None:
    """CPI and SPI per month beside the table, and a sparkline per project reading them."""
    for block, (label, frame) in enumerate((("CPI", cpi), ("SPI", spi))):
        first_col = data_col + block * (len(months) + 1)
        sheet.write_string(header - 1, first_col, f"{label} by month (sparkline data)", styles.label)
        # Ratios only (the usual frame): the columns read from one array, not a Series made per month.
        ratios = frame.to_numpy(dtype=np.float64) if all(dtype.kind == "f" for dtype in frame.dtypes) else None
        for offset, month in enumerate(months):
            sheet.write_string(header, first_col + offset, pd.Timestamp(month).strftime("%b %Y"), styles.label)
            if ratios is None:
                write_column(sheet, header + 1, first_col + offset, frame.iloc[:, offset].reset_index(drop=True), "ratio",
                             styles.get(num_format=F.RATIO))
            else:  # what write_column writes: the finite ratios, the others left blank
                column = ratios[:, offset]
                rows = np.flatnonzero(np.isfinite(column))
                cells_of(sheet).write_numbers((rows + header + 1).tolist(), first_col + offset, column[rows].tolist(),
                                              styles.get(num_format=F.RATIO))
        spark_col = METRICS.index(next(c for c in METRICS if c.field == f"_{label.lower()}_spark"))
        if not months or not len(frame):
            continue
        rows = range(header + 1, header + 1 + len(frame))
        # One sparkline group for the whole column: XlsxWriter builds its styles once per call.
        sheet.add_sparkline(header + 1, spark_col, {
            "location": [xl_rowcol_to_cell(row, spark_col) for row in rows],
            "range": [f"{QUOTED}!{xl_rowcol_to_cell(row, first_col)}:{xl_rowcol_to_cell(row, first_col + len(months) - 1)}"
                      for row in rows],
            # Columns, not lines: LibreOffice (7.4) prints line sparklines as invisible hairlines.
            "type": "column", "last_point": True, "show_hidden": True,
            "series_color": "#9DC3E6", "last_color": F.HEADER_BLUE,
        })


def _curves(workbook: Workbook, sheet: Worksheet, styles: Styles, model: ReportModel, row: int, data_col: int) -> int:
    """One line chart per chosen project, in a row across the page; returns the next free row."""
    view = model.earned_value
    assert view is not None
    if not view.curves:
        sheet.write_string(row, 0, "No active project with progress to draw.", styles.note)
        return row + 2
    money = model.money_format.split(";")[0]
    looks = ChartLooks()  # the five lines of every chart: their options parsed once
    data_row = row
    for index, (project_id, name, why, frame) in enumerate(view.curves):
        sheet.write_string(data_row, data_col, f"{project_id} {name} ({why})", styles.label)
        for offset, header in enumerate(("Month", "PV", "EV", "AC", "EAC", "BAC")):
            sheet.write_string(data_row + 1, data_col + offset, header, styles.label)
        first = data_row + 2
        write_column(sheet, first, data_col, frame["period"], "month", styles.get(num_format=F.MONTH))
        for offset, field in enumerate(("pv", "ev", "ac", "eac", "bac"), start=1):
            write_column(sheet, first, data_col + offset, frame[field], "money", styles.get(num_format=money))
        last = first + max(len(frame), 1) - 1
        chart = workbook.add_chart({"type": "line"})
        for offset, (name_, look) in enumerate(CURVE_SERIES, start=1):
            looks.add_series(chart, {"name": name_, "categories": [NAME, first, data_col, last, data_col],
                                     "values": [NAME, first, data_col + offset, last, data_col + offset]}, look)
        chart.set_title({"name": f"{project_id} {name}"[:60], "name_font": {"size": 10, "bold": True, "color": F.HEADER_BLUE}})
        chart.set_x_axis({"num_format": "mmm yy", "num_font": {"size": 8}})
        chart.set_y_axis({"num_format": _compact(money, frame), "num_font": {"size": 8},
                          "major_gridlines": {"visible": True, "line": {"color": "#EEEEEE"}}})
        chart.set_legend({"position": "bottom", "font": {"size": 8}})
        chart.set_size({"width": CHART_WIDTH, "height": 280})
        # Placed by pixels from column A, so the charts never overlap whatever the column widths.
        x_offset = 4 + (index % CHARTS_PER_ROW) * (CHART_WIDTH + 12)
        sheet.insert_chart(row + (index // CHARTS_PER_ROW) * CHART_HEIGHT_ROWS, 0, chart,
                           {"x_offset": x_offset, "y_offset": 4, "object_position": 2})
        data_row = last + 2
    bands = (len(view.curves) + CHARTS_PER_ROW - 1) // CHARTS_PER_ROW
    return row + bands * CHART_HEIGHT_ROWS + 1


# The S-curves' lines, in their order: PV dashed, EV and AC solid, EAC dotted, BAC long dashes.
CURVE_SERIES = tuple((name, SeriesLook({"line": {"color": F.SERIES[key], "width": 2, "dash_type": dash}}))
                     for name, key, dash in (("PV", "pv", "dash"), ("EV", "ev", "solid"), ("AC", "ac", "solid"),
                                             ("EAC", "eac", "round_dot"), ("BAC", "bac", "long_dash")))


def _compact(money: str, frame: pd.DataFrame) -> str:
    from pmo_xl.report.sheets.dashboard import _scaled

    values = frame[["pv", "ev", "ac", "eac", "bac"]].to_numpy(dtype=float)
    finite = values[pd.notna(values)]
    return _scaled(money, float(abs(finite).max()) if finite.size else float("nan"))
