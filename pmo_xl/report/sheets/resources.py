"""The Resources sheet: utilisation by team and role, the person × period heat map; the Over-allocations sheet.

The three Tables share one column layout so that nothing is cut off: four label columns (A-D),
then one column per period of the window. The over-allocation list, with its long "causing
projects" text, is a sheet of its own (Over-allocations), so each long list heads its own pages.
"""

from __future__ import annotations

import pandas as pd
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pmo_xl.report.model import ReportModel
from pmo_xl.report.model_views import ResourcesView
from pmo_xl.report.print_edition import OVER_WHAT, cut_heatmap, cut_list
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

NAME = "Resources"
OVER = "Over-allocations"
LABEL_WIDTHS = (22, 28, 17, 17)
PERIOD_WIDTH = 9


def _period_header(period: pd.Timestamp, grain: str) -> str:
    if grain == "Month":
        return period.strftime("%b %Y")
    if grain == "Quarter":
        return f"Q{period.quarter} {period.year}"
    return period.strftime("%d %b %Y")


def _period_columns(view: ResourcesView) -> tuple[list[Col], dict[pd.Timestamp, str]]:
    keys = {p: f"p{index}" for index, p in enumerate(view.periods)}
    now = set(view.current)
    return [Col(keys[p], _period_header(p, view.grain), "pct", PERIOD_WIDTH, now=p in now) for p in view.periods], keys


def write_resources(workbook: Workbook, styles: Styles, model: ReportModel) -> Worksheet:
    sheet = workbook.add_worksheet(NAME)
    view = model.resources
    if view is None:
        sheet_title(sheet, styles, model, "Resources")
        unavailable(sheet, styles, 3, model.unavailable.get(NAME, "no loading figures"))
        page_setup(sheet, model)
        return sheet
    threshold = f"{view.threshold:.0%}"
    sheet_title(sheet, styles, model, "Resources: capacity and loading",
                f"{model.title} · {model.period_label} · utilisation = demand ÷ capacity per {view.grain.lower()} · "
                f"above {threshold} is over-allocated (red) · blank = no capacity in that period · the status period's header is orange")
    for col, width in enumerate((*LABEL_WIDTHS, *[PERIOD_WIDTH] * max(len(view.periods), 1))):
        set_width(sheet, col, width)
    periods, keys = _period_columns(view)
    first_period_col = len(LABEL_WIDTHS)
    last_col = first_period_col + max(len(periods), 1) - 1
    month = _period_header(view.current[0], view.grain) if view.current else "the status period"

    def renamed(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.rename(columns={p: keys[p] for p in view.periods if p in frame.columns})

    row = 3
    sheet.write_string(row, 0, "Utilisation by team", styles.heading)
    teams = renamed(view.teams).assign(capacity=_status_sum(view, "team", "capacity", view.teams["team"]),
                                       demand=_status_sum(view, "team", "demand", view.teams["team"]))
    team_cols = [Col("team", "Team"), Col("people", "People", "count"), Col("capacity", f"Capacity {month} (h)", "hours"),
                 Col("demand", f"Demand {month} (h)", "hours"), *periods]
    last = write_table(sheet, styles, "tblTeamLoad", row + 1, 0, teams, team_cols, set_widths=False)
    _scale(sheet, row + 2, first_period_col, last, last_col, view.threshold)
    row = last + 2
    sheet.write_string(row, 0, "Utilisation by role (demand for a role without a named person included)", styles.heading)
    roles = renamed(view.roles).assign(demand=_status_sum(view, "role", "demand", view.roles["role"]))
    role_cols = [Col("role", "Role"), Col("people", "People", "count"), Col("demand", f"Demand {month} (h)", "hours"),
                 Col("generic_hours", "of which no person named (h)", "hours"), *periods]
    last = write_table(sheet, styles, "tblRoleLoad", row + 1, 0, roles, role_cols, set_widths=False)
    _scale(sheet, row + 2, first_period_col, last, last_col, view.threshold)
    row = last + 2
    # The person grid comes last: its header repeats on every page it runs onto.
    heatmap, cut = cut_heatmap(model, view.heatmap, view.over_now, view.periods)
    title = f"Heat map: utilisation per person and {view.grain.lower()} ({len(view.heatmap)} people, by team)"
    sheet.write_string(row, 0, title + (f" — {cut.note}" if cut else ""), styles.heading)
    heat_cols = [Col("resource_id", "Resource ID"), Col("name", "Name"), Col("role", "Role"), Col("team", "Team"), *periods]
    last = write_table(sheet, styles, "tblHeatmap", row + 1, 0, renamed(heatmap), heat_cols, set_widths=False)
    _scale(sheet, row + 2, first_period_col, last, last_col, view.threshold)
    team = heatmap["team"].fillna("").tolist()
    starts = group_starts(row + 2, team)
    page_setup(sheet, model, last_col=last_col, last_row=last, repeat_row=row + 1, starts=[row, *starts])
    return sheet


def write_overallocations(workbook: Workbook, styles: Styles, model: ReportModel) -> Worksheet | None:
    """Over-allocations of the status month and the next two, each with the projects that cause it."""
    view = model.resources
    if view is None:
        return None
    sheet = workbook.add_worksheet(OVER)
    over, cut = cut_list(model, view.overallocations, OVER, OVER_WHAT)
    sheet_title(sheet, styles, model, "Over-allocations",
                f"{model.title} · {model.period_label} · {len(view.overallocations)} person-periods above "
                f"{view.threshold:.0%} this month and the next two, with the projects that cause them")
    if cut:
        sheet.write_string(2, 0, cut.note.capitalize(), styles.note)
    for col, width in enumerate((28, 60, 17, 17, 10, 10, 10, 10, 10)):
        set_width(sheet, col, width)
    over_frame = over.assign(
        person=over["name"].fillna("") + " (" + over["resource_id"].astype(str) + ")",
        causes_text=[_causes(c, n) for c, n in zip(over["causes"], over["note"], strict=True)],
        period_text=[_period_header(p, view.grain) for p in over["period"]],
    )
    over_cols = [Col("person", "Person", width=28), Col("causes_text", "Causing projects (hours in the period)", "wrap", 60),
                 Col("role", "Role", width=17), Col("team", "Team", width=17), Col("period_text", "Period", width=10),
                 Col("utilisation", "Utilisation", "pct", 10), Col("demand_hours", "Demand (h)", "hours", 10),
                 Col("capacity_hours", "Capacity (h)", "hours", 10), Col("excess_hours", "Excess (h)", "hours", 10)]
    header = 3
    last = write_table(sheet, styles, "tblOverallocations", header, 0, over_frame, over_cols, set_widths=False)
    periods = over_frame["period_text"].tolist()
    starts = group_starts(header + 1, periods)
    page_setup(sheet, model, last_col=len(over_cols) - 1, last_row=last, repeat_row=header, starts=starts, freeze=(header + 1, 1))
    return sheet


def _status_sum(view: ResourcesView, key: str, field: str, names: pd.Series) -> list[float]:
    """Hours of each team or role in the status month (summed over the loading periods in it)."""
    frame = view.group_month.get(key)
    if frame is None or not view.current or not len(frame):
        return [float("nan")] * len(names)
    month = view.current[0].to_period("M").start_time
    values = frame[frame["period"] == month].set_index(key)[field]
    return [float(values.get(name, float("nan"))) for name in names]


def _causes(causes: object, note: object) -> str:
    parts = [str(note)] if isinstance(note, str) and note else []
    if isinstance(causes, str) and causes:
        parts.append(causes)
    return "; ".join(parts)


def _scale(sheet: Worksheet, r1: int, c1: int, r2: int, c2: int, threshold: float) -> None:
    """White (idle) → yellow (at the overload threshold) → red (half as much again), on utilisation."""
    sheet.conditional_format(r1, c1, r2, c2, {
        "type": "3_color_scale",
        "min_type": "num", "min_value": 0, "min_color": "#FFFFFF",
        "mid_type": "num", "mid_value": threshold, "mid_color": "#FFE699",
        "max_type": "num", "max_value": threshold * 1.5, "max_color": "#F8696B",
    })
