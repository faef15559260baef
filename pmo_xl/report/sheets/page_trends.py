"""The trends band at the foot of a project page: milestone trend analysis left, RAG history and drift right.

TREND_ROWS rows, under the page's risks and people (see project_pages.py):

    left (columns A-F)   the project's milestone trend analysis chart: report date across,
                         forecast date up, one line per milestone (those that moved most) and
                         the dashed diagonal where forecast meets report date; its data sits
                         right of the print area in the band's own rows, like the S-curve's.
                         Without two report months of forecasts (History milestones) there is
                         nothing to draw and the band says how to get it (pmo-xl close).
    right (columns H-L)  the RAG history strip (oldest month first, a coloured square a month,
                         as on the Portfolio sheet), which months are as reported or recomputed,
                         then forecast finish and EAC now, last period and at baseline, the
                         changes, and the drift flag (the Drift sheet's row).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from pmo_xl.report import formats as F
from pmo_xl.report.model_trends import HISTORY_CODES, NO_FIGURES
from pmo_xl.report.sheets.common import put
from pmo_xl.report.sheets.trends import EMPTY, EXCEL_EPOCH, SQUARE, excel_serial

if TYPE_CHECKING:
    from pmo_xl.report.model_page_trends import PageTrends
    from pmo_xl.report.sheets.project_pages import _Layout

TREND_ROWS = 11
CHART_SIZE = (500, 200)  # pixels: columns A-F across, the band's rows down
MONTH_END = pd.offsets.MonthEnd(0)


def write_page_trends(layout: _Layout, r: int, trends: PageTrends | None, right: int, data_col: int) -> None:
    """The band from row `r`: the MTA chart from column A, the strip and drift from column `right`."""
    sheet = layout.sheet
    sheet.write_string(r, 0, "Milestone trend analysis: report date across, forecast date up", layout.heading)
    sheet.write_string(r, right, "RAG, last 12 months (oldest first)", layout.heading)
    if trends is None:
        sheet.write_string(r + 1, 0, "No trends: this report has no earned-value figures.", layout.small_grey)
        return
    _mta(layout, r, trends, data_col)
    _strip(layout, r + 1, trends, right)
    _drift(layout, r + 4, trends, right)


def _strip(layout: _Layout, r: int, trends: PageTrends, right: int) -> None:
    sheet, styles = layout.sheet, layout.styles
    colours = {code: styles.get(font_color=F.RAG_SOLID[rag], font_size=14) for rag, code in HISTORY_CODES.items()}
    blank = styles.get(font_color="#BFBFBF", font_size=14)
    sheet.set_row(r, 20)
    cell = styles.get(valign="vcenter")
    sheet.merge_range(r, right, r, right + 4, "", cell)
    if len(trends.strip) >= 2:
        fragments: list[object] = []
        for letter in trends.strip:
            fragments += [colours.get(letter, blank), SQUARE if letter != NO_FIGURES else EMPTY]
        sheet.write_rich_string(r, right, *fragments, cell)
    else:
        sheet.write_string(r, right, "no overall RAG to show", layout.small_grey)
    sheet.merge_range(r + 1, right, r + 2, right + 4, "", layout.small_grey_wrap)
    sheet.write_string(r + 1, right, trends.strip_note, layout.small_grey_wrap)


def _drift(layout: _Layout, r: int, trends: PageTrends, right: int) -> None:
    """Forecast finish and EAC: now, last period, baseline; under each its change; then the flag."""
    sheet, drift = layout.sheet, trends.drift
    last = {"As reported": "Last (AR)", "Recomputed": "Last (RC)"}.get(str(drift.get("last_basis") or ""), "Last period")
    for col, text in ((1, "Now"), (2, last), (3, "Baseline")):
        sheet.write_string(r, right + col, text, layout.label)
    if not drift:
        sheet.write_string(r + 1, right, "No figures this month: no drift to show.", layout.small_grey)
        return
    days, share = trends.thresholds
    finish_moved = _beyond(drift.get("finish_change_days"), days), _beyond(drift.get("finish_drift_days"), days)
    eac_moved = _beyond(drift.get("eac_change"), share), _beyond(drift.get("eac_drift"), share)
    rows: tuple[tuple[str, str, tuple[object, ...], tuple[bool, bool]], ...] = (
        ("Forecast finish", "date", (drift.get("forecast_finish"), drift.get("finish_last"), drift.get("finish")), (False, False)),
        ("  change", "days", (None, drift.get("finish_change_days"), drift.get("finish_drift_days")), finish_moved),
        ("EAC", "money", (drift.get("eac"), drift.get("eac_last"), drift.get("bac")), (False, False)),
        ("  change", "spct", (None, drift.get("eac_change"), drift.get("eac_drift")), eac_moved),
    )
    for offset, (label, kind, values, flagged) in enumerate(rows, start=1):
        sheet.write_string(r + offset, right, label, layout.label)
        for col, value in enumerate(values, start=1):
            bad = col > 1 and flagged[col - 2]
            put(sheet, r + offset, right + col, value, layout.flagged[kind] if bad else layout.values[kind])
    flag = str(drift.get("flag") or "")
    text = f"Flag: {flag}" if flag else f"Within the thresholds: finish later by {days} days or less, EAC up by {share:.0%} or less."
    sheet.merge_range(r + 5, right, r + 6, right + 4, "", layout.ask if flag else layout.small_grey_wrap)
    sheet.write_string(r + 5, right, text, layout.ask if flag else layout.small_grey_wrap)


def _beyond(value: object, limit: float) -> bool:
    try:
        return float(value) > limit  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def _mta(layout: _Layout, r: int, trends: PageTrends, data_col: int) -> None:
    """The chart, from the band's own rows right of the print area: report dates, then a row per milestone."""
    from pmo_xl.report.sheets.project_pages import write_row  # the page writer imports this module

    sheet, styles = layout.sheet, layout.styles
    shown = trends.mta_months
    if shown < 2:
        what = "no open milestone" if not len(trends.mta_labels) else f"forecasts of {shown} report month only"
        sheet.merge_range(r + 1, 0, r + 2, 5, "", layout.small_grey_wrap)
        sheet.write_string(r + 1, 0, f"No milestone trend yet ({what}): each closed month (pmo-xl close) keeps its milestone "
                           "forecasts in History and adds a point to every line.", layout.small_grey_wrap)
        return
    n = len(trends.months)
    date = styles.get(num_format=F.DATE)
    report_dates = _report_serials(tuple(trends.months))
    forecasts = _serials(trends.mta)
    sheet.write_string(r, data_col, "Report date", styles.label)
    write_row(sheet, r, data_col + 1, report_dates, date)
    categories = [sheet.name, r, data_col + 1, r, data_col + n]
    looks = layout.chart_looks  # every page's chart alike but for its ranges and y bounds: parsed once
    chart = looks.add_chart(layout.workbook, {"type": "line"})
    diagonal, milestone = layout.mta_looks
    looks.add_series(chart, {"name": "Report date", "categories": categories, "values": categories}, diagonal)
    for offset, label in enumerate(trends.mta_labels, start=1):
        row = r + offset
        sheet.write_string(row, data_col, label, styles.label)
        write_row(sheet, row, data_col + 1, forecasts[offset - 1], date)
        # The category axis is the diagonal's (a line chart has one): a series repeating it would
        # only add its twelve dates to the file again, on every page.
        looks.add_series(chart, {"name": [sheet.name, row, data_col], "values": [sheet.name, row, data_col + 1, row, data_col + n]},
                         milestone)
    known = np.concatenate([report_dates, forecasts[np.isfinite(forecasts)]])
    looks.set_axis(chart, "x", {"date_axis": True, "num_format": "mmm yy", "base_unit": "months", "major_unit": 2,
                                "major_unit_type": "months", "num_font": {"size": 7}})
    looks.set_axis(chart, "y", {"num_format": "mmm yy", "min": int(known.min()) - 31, "max": int(known.max()) + 31,
                                "num_font": {"size": 7}, "major_gridlines": {"visible": True, "line": {"color": "#EEEEEE"}}})
    chart.show_blanks_as("span")
    chart.set_legend({"position": "right", "font": {"size": 7}})
    if trends.mta_left_out:
        chart.set_title({"name": f"The {len(trends.mta_labels)} milestones that moved most (+{trends.mta_left_out} more)",
                         "name_font": {"size": 8, "bold": False}})
    else:
        chart.set_title({"none": True})
    chart.set_size({"width": CHART_SIZE[0], "height": CHART_SIZE[1]})
    sheet.insert_chart(r + 1, 0, chart, {"x_offset": 2, "y_offset": 2, "object_position": 3})


@functools.lru_cache(maxsize=8)
def _report_serials(months: tuple[pd.Timestamp, ...]) -> np.ndarray:
    """The report dates (month ends) as Excel day numbers: the same months on every page, worked out once."""
    serials = np.array([excel_serial(m + MONTH_END) for m in months], dtype=float)
    serials.flags.writeable = False  # shared by the pages
    return serials


def _serials(days: np.ndarray) -> np.ndarray:
    """datetime64 values as Excel day numbers (NaN for NaT)."""
    out = (days.astype("datetime64[D]") - np.datetime64(EXCEL_EPOCH, "D")).astype(float)
    out[np.isnat(days)] = np.nan
    return out
