"""The Dashboard sheet: KPI tiles with change and four native charts, on one A4 landscape page.

Layout on a grid of fourteen equal columns. The charts read their series from small blocks to
the right of the print area, labelled "Chart data", so they print nowhere but stay visible and
checkable in Excel. The charts say what they mean: the S-curve runs from the first month with a
plan to the latest forecast finish, the forecast continuing to EAC; the CPI-vs-SPI scatter labels
its Red projects by ID (off-chart ones are named in its title); the team utilisation legend reads
in time order; a series with no figures is left out. The exceptions are on the Exceptions sheet.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pandas as pd
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pmo_xl.report import formats as F
from pmo_xl.report.model import ReportModel
from pmo_xl.report.model_dashboard import Kpi
from pmo_xl.report.sheets.common import Styles, page_setup, put, write_column

NAME = "Dashboard"
# The first page holds the tiles and the four charts: a 14-column grid keeps the page's aspect
# (A4 landscape) so that fitting it to the page width also fits its height.
GRID_COLUMNS, GRID_WIDTH = 14, 13
TILES_PER_ROW = 7
TILE_ROWS = (3, 7, 11)  # first row of each band of tiles (the third: the RAID and benefits tiles, when kept)
TILE_BAND = TILE_ROWS[1] - TILE_ROWS[0]  # rows one band of tiles takes, with the gap under it
CHART_ROWS = (11, 27)  # charts are 15 rows of 20 px high, with a row between (under two bands of tiles)
CHART_WIDTH, CHART_HEIGHT = 664, 300
MAX_LABELS = 12  # Red points labelled by project ID at most
LAST_ROW = 43  # a line under the charts pointing to the Exceptions sheet (under two bands of tiles)
DATA_COL = GRID_COLUMNS + 1  # chart data, right of the print area
S_CURVE = (("PV", "pv", "pv", "dash"), ("EV", "ev", "ev", "solid"), ("AC", "ac", "ac", "solid"),
           ("Forecast to EAC", "forecast", "eac", "round_dot"), ("BAC", "bac", "bac", "long_dash"))


def write_dashboard(workbook: Workbook, styles: Styles, model: ReportModel) -> Worksheet:
    sheet = workbook.add_worksheet(NAME)
    sheet.set_column(0, GRID_COLUMNS - 1, GRID_WIDTH)
    sheet.write_string(0, 0, model.title, styles.title)
    sheet.set_row(0, 26)
    status = model.status_date.strftime("%d %B %Y").lstrip("0") if model.status_date is not None else "not set"
    sheet.write_string(1, 0, f"Monthly report {model.period_label} · status date {status} · changes against {model.previous_label}",
                       styles.subtitle)
    if "Dashboard" in model.unavailable:
        sheet.write_string(2, 0, f"Not available: {model.unavailable['Dashboard']}.", styles.note)
    for index, kpi in enumerate(model.kpis):
        band, position = divmod(index, TILES_PER_ROW)
        _tile(sheet, styles, model, kpi, TILE_ROWS[band], position * 2)
    chart_rows, chart_height, last_row = chart_layout(len(model.kpis))
    money_axis = _axis_money_format(model, model.s_curve[[field for _, field, _, _ in S_CURVE]].to_numpy(dtype=float))
    data = _chart_data(sheet, styles, model)
    charts = (_rag_chart(workbook, data), _scatter_chart(workbook, data), _s_curve_chart(workbook, data, money_axis), _team_chart(workbook, data))
    for index, chart in enumerate(charts):
        row, col = chart_rows[index // 2], (index % 2) * (GRID_COLUMNS // 2)
        chart.set_size({"width": CHART_WIDTH, "height": chart_height})
        sheet.insert_chart(row, col, chart, {"x_offset": 4, "y_offset": 4, "object_position": 2})
    sheet.write_string(last_row, 0, f"Exceptions, and what the committee is asked for: see the Exceptions sheet "
                       f"({len(model.committee_needs)} asks, {_exception_count(model)} exceptions).", styles.note)
    page_setup(sheet, model, last_col=GRID_COLUMNS - 1, last_row=last_row, repeat_row=None)
    return sheet


# Under a third band of tiles the charts are 12 rows high instead of 15, so the page keeps its height.
SHORT_CHART_ROWS = 12


def chart_layout(tiles: int) -> tuple[tuple[int, ...], int, int]:
    """The charts' first rows, their height in pixels and the page's last row, under the bands of tiles."""
    if -(-tiles // TILES_PER_ROW) <= 2:
        return CHART_ROWS, CHART_HEIGHT, LAST_ROW
    first = TILE_ROWS[2] + TILE_BAND
    span = SHORT_CHART_ROWS + 1
    rows = (first, first + span)
    return rows, CHART_HEIGHT * SHORT_CHART_ROWS // 15, rows[1] + span


def _exception_count(model: ReportModel) -> int:
    """Exceptions in all, the capped kinds counted in full ("… and 12 more" rows say how many)."""
    frame = model.exceptions
    if not len(frame):
        return 0
    more = frame["name"].astype(str).str.extract(r"^… and (\d+) more$")[0].dropna().astype(int).sum()
    return int(len(frame) - frame["name"].astype(str).str.startswith("… and ").sum() + more)


def _scaled(number_format: str, largest: float) -> str:
    """A money format in thousands or millions for tiles and axes (the cell keeps the exact value)."""
    if not np.isfinite(largest) or largest < 10_000:
        return number_format
    suffix = ',,"m"' if largest >= 1_000_000 else ',"k"'
    decimals = "0.0" if largest < 100_000_000 and largest >= 1_000_000 else "0"
    return re.sub(r"#,##0(\.0+)?", f"#,##{decimals}{suffix}", number_format)


def _axis_money_format(model: ReportModel, values: np.ndarray) -> str:
    finite = np.abs(values[np.isfinite(values)])
    return _scaled(model.money_format, float(finite.max()) if finite.size else float("nan")).split(";")[0]


def _kpi_format(model: ReportModel, kpi: Kpi) -> str:
    if kpi.kind == "money":
        return _scaled(model.money_format, max(abs(kpi.value) if np.isfinite(kpi.value) else 0, abs(kpi.previous) if np.isfinite(kpi.previous) else 0))
    return F.RATIO if kpi.kind == "ratio" else F.INTEGER


def _change_format(model: ReportModel, kpi: Kpi) -> str:
    """Arrow and sign, scaled to the change itself (a €-12k change on a €-529m total is not "€ 0m")."""
    if kpi.kind == "money":
        positive = _scaled(model.money_format, abs(kpi.change) if np.isfinite(kpi.change) else 0.0).split(";")[0]
    elif kpi.kind == "ratio":
        positive = "0.000"  # index changes are small: 0.95 → 0.947 must not print as 0.00
    else:
        positive = F.INTEGER
    return f'"▲ "+{positive};"▼ "-{positive};"► "{positive}'


def _tile(sheet: Worksheet, styles: Styles, model: ReportModel, kpi: Kpi, row: int, col: int) -> None:
    fill = F.LIGHT_GREY
    accent = F.RAG_SOLID["Red"] if kpi.key == "red" and kpi.value > 0 else F.RAG_SOLID["Amber"] if kpi.key == "amber" and kpi.value > 0 else F.ACCENT
    edge = {"left": 5, "left_color": accent, "bg_color": fill}
    label = styles.get(bold=True, font_size=9, font_color=F.GREY, text_wrap=True, valign="bottom", **edge)
    value_format = _kpi_format(model, kpi)
    value = styles.get(bold=True, font_size=18, num_format=value_format, align="left", valign="vcenter", **edge)
    colour = F.GREY if kpi.improved is None else F.RAG_FONT["Green"] if kpi.improved else F.RAG_FONT["Red"]
    change = styles.get(font_size=9, font_color=colour, bold=kpi.improved is not None, num_format=_change_format(model, kpi),
                        align="left", **edge)
    text = f"{kpi.label}\n{kpi.note}" if kpi.note and np.isfinite(kpi.change) else kpi.label
    sheet.merge_range(row, col, row, col + 1, "", label)
    sheet.write_string(row, col, text, label)
    sheet.merge_range(row + 1, col, row + 1, col + 1, "", value)
    put(sheet, row + 1, col, kpi.value, value)
    # The change against last period (named once, in the subtitle), or why there is none.
    if np.isfinite(kpi.change):
        sheet.merge_range(row + 2, col, row + 2, col + 1, "", change)
        sheet.write_number(row + 2, col, kpi.change, change)
    else:
        note = styles.get(font_size=8, font_color=F.GREY, italic=True, **edge)
        sheet.merge_range(row + 2, col, row + 2, col + 1, "", note)
        sheet.write_string(row + 2, col, kpi.note or "no comparison", note)
    sheet.set_row(row, 26)
    sheet.set_row(row + 1, 30)
    sheet.set_row(row + 2, 15)


def _chart_data(sheet: Worksheet, styles: Styles, model: ReportModel) -> dict[str, Any]:
    """Write the chart series beside the print area; return their ranges."""
    c = DATA_COL
    sheet.write_string(0, c, "Chart data (the series of the charts on the left)", styles.heading)
    ranges: dict[str, Any] = {}
    # RAG distribution
    rag = model.rag_counts
    for offset, header in enumerate(("RAG", "This period", "Last period")):
        sheet.write_string(2, c + offset, header, styles.label)
    write_column(sheet, 3, c, rag["rag"], "text", None)
    write_column(sheet, 3, c + 1, rag["this_period"], "count", None)
    write_column(sheet, 3, c + 2, rag["last_period"], "count", None)
    ranges["rag"] = (3, 3 + len(rag) - 1, c, list(rag["rag"]))
    # CPI vs SPI: grouped by RAG so that each RAG is one series with its own colour
    c2 = c + 4
    scatter = model.scatter.assign(_o=model.scatter["rag"].map({"Red": 0, "Amber": 1, "Green": 2}).fillna(3))
    scatter = scatter.sort_values(["_o", "project_id"], kind="mergesort").reset_index(drop=True)
    for offset, header in enumerate(("Project", "RAG", "SPI", "CPI")):
        sheet.write_string(2, c2 + offset, header, styles.label)
    write_column(sheet, 3, c2, scatter["project_id"], "text", None)
    write_column(sheet, 3, c2 + 1, scatter["rag"].fillna("Not rated"), "text", None)
    write_column(sheet, 3, c2 + 2, scatter["spi"], "ratio", styles.get(num_format=F.RATIO))
    write_column(sheet, 3, c2 + 3, scatter["cpi"], "ratio", styles.get(num_format=F.RATIO))
    groups = []
    for rag_name in ("Red", "Amber", "Green", "Not rated"):
        rows = np.flatnonzero(scatter["rag"].fillna("Not rated").to_numpy() == rag_name)
        if rows.size:
            groups.append((rag_name, 3 + int(rows[0]), 3 + int(rows[-1])))
    ranges["scatter"] = (c2, groups, _bounds(scatter["spi"]), _bounds(scatter["cpi"]), _off_chart(scatter), _red_labels(scatter))
    # Portfolio S-curve
    c3 = c2 + 5
    curve = model.s_curve
    sheet.write_string(2, c3, "Month", styles.label)
    write_column(sheet, 3, c3, curve["period"], "month", styles.get(num_format=F.MONTH))
    shown = []
    for offset, (header, field, _, _) in enumerate(S_CURVE, start=1):
        sheet.write_string(2, c3 + offset, header, styles.label)
        write_column(sheet, 3, c3 + offset, curve[field], "money", styles.get(num_format=model.money_format))
        if np.isfinite(curve[field].to_numpy(dtype=float)).any():
            shown.append(offset - 1)  # no series without a figure
    ranges["curve"] = (c3, 3, 3 + max(len(curve), 1) - 1, shown)
    # Team utilisation
    c4 = c3 + len(S_CURVE) + 2
    teams = model.team_utilisation
    months = [m for m in teams.columns if m != "team" and np.isfinite(teams[m].to_numpy(dtype=float)).any()]  # no empty month
    sheet.write_string(2, c4, "Team", styles.label)
    write_column(sheet, 3, c4, teams["team"] if "team" in teams else [], "text", None)
    for offset, month in enumerate(months, start=1):
        sheet.write_string(2, c4 + offset, pd.Timestamp(month).strftime("%b %Y"), styles.label)
        write_column(sheet, 3, c4 + offset, teams[month], "pct", styles.get(num_format=F.PERCENT))
    ranges["team"] = (c4, 3, 3 + max(len(teams), 1) - 1, len(months))
    sheet.set_column(c, c4 + len(months), 12)
    return ranges


def _bounds(values: pd.Series) -> tuple[float, float]:
    """An axis range around 1.00 that holds the bulk of the projects (5th-95th percentile).

    One absurd index (a % complete typed as 45 instead of 0.45 gives a CPI of 8) would
    otherwise squash every other project into a dot; the few outside are named in the title.
    """
    finite = values.to_numpy(dtype=float)
    finite = finite[np.isfinite(finite)]
    if not finite.size:
        return 0.8, 1.2
    low, high = np.percentile(finite, [5, 95])
    return math.floor(min(0.8, low - 0.05) * 10) / 10, math.ceil(max(1.2, high + 0.05) * 10) / 10


def _red_labels(scatter: pd.DataFrame) -> list[str]:
    """The data label of each Red point, in the chart data's order: its project ID for the MAX_LABELS
    furthest below 1.00 (worst of CPI and SPI) that lie on the chart, "" for the rest (too many
    labels would hide the points; off-chart ones are named in the title instead)."""
    red = scatter[scatter["rag"] == "Red"]
    off = set(_off_chart(scatter))
    worst = np.minimum(red["cpi"].to_numpy(dtype=float), red["spi"].to_numpy(dtype=float))
    on_chart = np.array([pid not in off for pid in red["project_id"]], dtype=bool)
    order = np.lexsort((red["project_id"].to_numpy(dtype=str), worst))
    chosen = {int(i) for i in order if on_chart[i]}
    chosen = set(sorted(chosen, key=lambda i: (worst[i], str(red["project_id"].iloc[i])))[:MAX_LABELS])
    return [str(pid) if i in chosen else "" for i, pid in enumerate(red["project_id"])]


def _off_chart(scatter: pd.DataFrame) -> list[str]:
    (x_low, x_high), (y_low, y_high) = _bounds(scatter["spi"]), _bounds(scatter["cpi"])
    outside = (scatter["spi"] < x_low) | (scatter["spi"] > x_high) | (scatter["cpi"] < y_low) | (scatter["cpi"] > y_high)
    return [str(p) for p in scatter.loc[outside, "project_id"]]


def _ref(row1: int, col1: int, row2: int, col2: int) -> list[object]:
    return [NAME, row1, col1, row2, col2]


def _style_chart(chart: Any, title: str) -> None:
    chart.set_title({"name": title, "name_font": {"size": 11, "bold": True, "color": F.HEADER_BLUE}})
    chart.set_legend({"position": "bottom", "font": {"size": 9}})
    chart.set_chartarea({"border": {"color": "#D9D9D9"}})


def _rag_chart(workbook: Workbook, data: dict[str, Any]) -> Any:
    first, last, col, names = data["rag"]
    chart = workbook.add_chart({"type": "column"})
    colours = [F.RAG_SOLID.get(n, F.GREY) for n in names]
    chart.add_series({"name": "Last period", "categories": _ref(first, col, last, col), "values": _ref(first, col + 2, last, col + 2),
                      "fill": {"color": "#D9D9D9"}, "border": {"color": "#BFBFBF"}})
    chart.add_series({"name": "This period", "categories": _ref(first, col, last, col), "values": _ref(first, col + 1, last, col + 1),
                      "points": [{"fill": {"color": c}} for c in colours], "data_labels": {"value": True, "font": {"size": 9}}})
    chart.set_y_axis({"name": "Projects active or on hold", "name_font": {"size": 9}, "num_font": {"size": 9}, "min": 0, "major_gridlines": {"visible": True, "line": {"color": "#EEEEEE"}}})
    chart.set_x_axis({"num_font": {"size": 9}})
    _style_chart(chart, "Projects by RAG")
    return chart


def _scatter_chart(workbook: Workbook, data: dict[str, Any]) -> Any:
    col, groups, (x_low, x_high), (y_low, y_high), outside, labels = data["scatter"]
    chart = workbook.add_chart({"type": "scatter"})
    for rag, first, last in groups or [("No project", 3, 3)]:
        colour = F.RAG_SOLID.get(rag, F.GREY)
        series = {"name": rag, "categories": _ref(first, col + 2, last, col + 2), "values": _ref(first, col + 3, last, col + 3),
                  "marker": {"type": "circle", "size": 7, "fill": {"color": colour}, "border": {"color": "#FFFFFF"}}}
        if rag == "Red" and any(labels):
            series["data_labels"] = {"value": True, "position": "right", "font": {"size": 7, "color": F.RAG_FONT["Red"]},
                                     "custom": [{"value": text} if text else {"delete": True} for text in labels]}
        chart.add_series(series)
    axis = {"num_font": {"size": 9}, "name_font": {"size": 9}, "num_format": "0.00", "crossing": 1,
            "major_gridlines": {"visible": True, "line": {"color": "#EEEEEE"}}}
    chart.set_x_axis({**axis, "name": "SPI (schedule)", "label_position": "low", "min": x_low, "max": x_high})
    chart.set_y_axis({**axis, "name": "CPI (cost)", "label_position": "low", "min": y_low, "max": y_high})
    title = "CPI vs SPI by project (1.00 = on plan)"
    if outside:
        names = ", ".join(outside[:3]) + (f" +{len(outside) - 3}" if len(outside) > 3 else "")
        title += f"\noff the chart: {names}"
    _style_chart(chart, title)
    return chart


def _s_curve_chart(workbook: Workbook, data: dict[str, Any], money_axis: str) -> Any:
    col, first, last, shown = data["curve"]
    chart = workbook.add_chart({"type": "line"})
    if not shown:  # no progress yet: an empty chart with its title still says what it would show
        chart.add_series({"name": "No progress", "categories": _ref(first, col, last, col), "values": _ref(first, col + 1, last, col + 1)})
    for index in shown:
        name, _, colour, dash = S_CURVE[index]
        chart.add_series({"name": name, "categories": _ref(first, col, last, col), "values": _ref(first, col + 1 + index, last, col + 1 + index),
                          "line": {"color": F.SERIES[colour], "width": 2.25, "dash_type": dash}})
    months = last - first + 1
    step = next((k for k in (1, 2, 3, 6, 12, 24) if months / k <= 14), 36)  # at most 14 month labels
    chart.set_x_axis({"num_format": "mmm yy", "num_font": {"size": 8}, "date_axis": False, "interval_unit": step, "interval_tick": step})
    chart.set_y_axis({"num_format": money_axis, "num_font": {"size": 9}, "major_gridlines": {"visible": True, "line": {"color": "#EEEEEE"}}})
    chart.show_blanks_as("gap")
    _style_chart(chart, "Portfolio S-curve: PV, EV, AC to date, forecast to EAC")
    return chart


def _team_chart(workbook: Workbook, data: dict[str, Any]) -> Any:
    col, first, last, months = data["team"]
    # Columns, not bars: a bar chart lists its legend bottom-up, so the months read backwards.
    chart = workbook.add_chart({"type": "column"})
    colours = ("#2F75B5", "#9DC3E6", "#DEEBF7")
    if months == 0:  # no loading figures: an empty chart with its title still says so
        chart.add_series({"name": "No loading", "categories": _ref(first, col, last, col), "values": _ref(first, col + 1, last, col + 1)})
    for offset in range(1, months + 1):
        chart.add_series({"name": [NAME, 2, col + offset], "categories": _ref(first, col, last, col),
                          "values": _ref(first, col + offset, last, col + offset), "fill": {"color": colours[(offset - 1) % 3]},
                          "border": {"color": "#1F4E79" if offset == 1 else "#9DC3E6"}})
    chart.set_y_axis({"num_format": "0%", "num_font": {"size": 9}, "min": 0, "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_x_axis({"num_font": {"size": 8}})
    _style_chart(chart, "Utilisation by team (this month and the next two)")
    return chart
