"""The Scenarios sheet: each what-if scenario in plain words, then side by side with the baseline.

Written in the monthly report when the workbook holds scenarios (Settings, Scenarios), and alone
by `pmo-xl scenarios`. It lays out a built `ComparisonView` (pmo_xl/scenarios/compare.py) and
decides nothing: which measures, which order and every sentence come from there.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pmo_xl.io.table_headers import unique_headers
from pmo_xl.report.model import ReportModel
from pmo_xl.report.sheets.common import (
    TABLE_STYLE,
    Col,
    Styles,
    page_setup,
    put,
    set_width,
    sheet_title,
    write_table,
)
from pmo_xl.scenarios.compare import ComparisonView

NAME = "Scenarios"
CHANGES = (Col("scenario", "Scenario", "wrap", 24), Col("item", "Item", "wrap", 34), Col("project_id", "Project", "text", 16),
           Col("kind", "What", "text", 16), Col("before", "Before", "date", 16), Col("after", "After", "date", 16),
           Col("months", "Months", "int", 16))
BINDING = (Col("scenario", "Scenario", "wrap", 22), Col("limit", "Limit that keeps a project out or is used up", "wrap", 34),
           Col("change", "Status", "text", 16))
LINE_CHARACTERS = 1.15  # characters per unit of column width, for the height of a wrapped sentence


def write_scenarios(workbook: Workbook, styles: Styles, model: ReportModel) -> Worksheet | None:
    """The sheet, or None when the workbook has no scenarios to compare."""
    if model.scenarios is None:
        return None
    return write_scenario_sheet(workbook, styles, model, model.scenarios)


def write_scenario_sheet(workbook: Workbook, styles: Styles, model: Any, view: ComparisonView) -> Worksheet:
    """`model`: the report model, or anything with its title, period_label and status_date (the
    comparison workbook of `pmo-xl scenarios` has no report model)."""
    sheet = workbook.add_worksheet(NAME)
    sheet_title(sheet, styles, model, "What-if scenarios",
                f"{model.title} · {model.period_label} · each scenario of Settings against the portfolio as planned, "
                f"from {view.first_month:%b %Y} (the month after the status month)")
    last_col = 2 + 2 * len(view.names)
    _widths(sheet, max(len(view.names), 2))
    sheet.write_string(3, 0, "In plain words", styles.heading)
    row = _plain_words(sheet, styles, view, 4, last_col)
    sheet.write_string(row + 1, 0, "Side by side (change = scenario − baseline)", styles.heading)
    last = _side_by_side(sheet, styles, view, row + 2)
    row = last + 3
    sheet.write_string(row, 0, "Projects, finishes and milestones that change", styles.heading)
    last = write_table(sheet, styles, "tblScenarioChanges", row + 1, 0, view.changes, CHANGES, set_widths=False)
    sheet.set_row(row + 1, 28)
    row = last + 3
    sheet.write_string(row, 0, "Limits of the selection", styles.heading)
    last = write_table(sheet, styles, "tblScenarioLimits", row + 1, 0, view.binding, BINDING, set_widths=False)
    page_setup(sheet, model, last_row=last, last_col=max(last_col, len(CHANGES) - 1))
    return sheet


WIDTHS = (24, 34, 16)  # scenario / section, measure, baseline; then 16 per scenario value and change


def _widths(sheet: Worksheet, scenarios: int) -> None:
    for col, width in enumerate(WIDTHS):
        set_width(sheet, col, width)
    for offset in range(2 * scenarios):
        set_width(sheet, len(WIDTHS) + offset, 16)


def _plain_words(sheet: Worksheet, styles: Styles, view: ComparisonView, row: int, last_col: int) -> int:
    """One line per scenario: its name, then the sentence (and the note) across the sheet; returns the next row."""
    width = WIDTHS[1] + WIDTHS[2] + 16 * 2 * len(view.names)
    wrap = styles.get(text_wrap=True, valign="top")
    for record in view.summaries.to_dict("records"):
        text = str(record["summary"]) + (f"  Note: {record['note']}" if record["note"] else "")
        sheet.write_string(row, 0, str(record["scenario"]), styles.get(bold=True, text_wrap=True, valign="top"))
        sheet.merge_range(row, 1, row, max(last_col, 2), text, wrap)
        lines = max(1, -(-len(text) // int(width * LINE_CHARACTERS)), -(-len(str(record["scenario"])) // WIDTHS[0]))
        sheet.set_row(row, 13.5 * lines + 3)
        row += 1
    return row


def _side_by_side(sheet: Worksheet, styles: Styles, view: ComparisonView, header_row: int) -> int:
    """Measure by measure: the baseline, then each scenario and its change; each row in its own format."""
    table = view.table
    headers = ["Section", "Measure", "Baseline"]
    for name in view.names:
        headers += [name, f"Change: {name}"]
    sheet.set_row(header_row, 42)
    for index, record in enumerate(table.to_dict("records")):
        r = header_row + 1 + index
        fmt = styles.cell(str(record["kind"]))
        sheet.write_string(r, 0, str(record["section"]), styles.cell("text"))
        sheet.write_string(r, 1, str(record["measure"]), styles.cell("text"))
        put(sheet, r, 2, record["baseline"], fmt)
        for i in range(len(view.names)):
            put(sheet, r, 3 + 2 * i, record[f"v{i}"], fmt)
            change = record[f"d{i}"]
            put(sheet, r, 4 + 2 * i, change, styles.cell(str(record["kind"]), bold=True) if abs(change) > 1e-9 else fmt)
    last_row = header_row + max(len(table), 1)
    sheet.add_table(header_row, 0, last_row, 2 + 2 * len(view.names), {
        "name": "tblScenarioCompare", "style": TABLE_STYLE,
        "columns": [{"header": h, "header_format": styles.header} for h in unique_headers(headers)],
    })
    return last_row


@dataclasses.dataclass(frozen=True)
class SheetContext:
    """What the sheet's titles, page header and money format need, for the comparison workbook."""

    title: str
    period_label: str
    status_date: object
    money_format: str


def comparison_frame(view: ComparisonView) -> pd.DataFrame:
    """The side-by-side table with named columns (for --json and tests)."""
    renamed = {f"v{i}": name for i, name in enumerate(view.names)} | {f"d{i}": f"Change: {name}" for i, name in enumerate(view.names)}
    return view.table.rename(columns=renamed)
