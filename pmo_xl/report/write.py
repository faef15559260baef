"""Write the monthly report workbook (first version: Portfolio and Data Quality sheets)."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from pmo_xl.io.atomic import atomic_path
from pmo_xl.io.write_template import Styles, new_workbook, write_cell
from pmo_xl.issues import count_by_severity, sort_issues
from pmo_xl.model import Portfolio


def write_report(portfolio: Portfolio, out: str | os.PathLike[str], period: pd.Timestamp | None = None) -> Path:
    """Write the report for `period` (default: the status period) atomically to `out`."""
    out = Path(out)
    with atomic_path(out) as temporary:
        workbook = new_workbook(temporary)
        styles = Styles(workbook)
        _portfolio_sheet(workbook, styles, portfolio)
        _data_quality_sheet(workbook, styles, portfolio)
        workbook.close()
    return out


def _portfolio_sheet(workbook, styles: Styles, portfolio: Portfolio) -> None:
    sheet = workbook.add_worksheet("Portfolio")
    columns = ["project_id", "name", "programme", "business_unit", "manager", "status", "phase", "start", "finish", "bac", "rag"]
    headers = ["Project ID", "Project", "Programme", "Business unit", "PM", "Status", "Phase", "Start", "Finish", "BAC", "PM RAG"]
    frame = portfolio.projects[columns]
    date_format = styles.for_format("yyyy-mm-dd")
    money = styles.for_format("#,##0")
    for r, record in enumerate(frame.itertuples(index=False), start=1):
        for c, value in enumerate(record):
            if isinstance(value, pd.Timestamp):
                value = value.to_pydatetime()
            write_cell(sheet, r, c, value, date_format if c in (7, 8) else money if c == 9 else None)
    sheet.add_table(0, 0, max(len(frame), 1), len(columns) - 1, {"name": "tblPortfolio", "columns": [{"header": h} for h in headers]})
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, len(columns) - 1, 14)


def _data_quality_sheet(workbook, styles: Styles, portfolio: Portfolio) -> None:
    sheet = workbook.add_worksheet("Data Quality")
    issues = sort_issues(portfolio.issues)
    counts = count_by_severity(issues)
    sheet.write_string(0, 0, "Data quality", styles.title)
    sheet.write_string(1, 0, f"{counts['error']} errors, {counts['warning']} warnings, {counts['info']} notes")
    headers = ["Severity", "Code", "Sheet", "Cell", "Field", "Value", "Message"]
    for r, issue in enumerate(issues, start=4):
        for c, value in enumerate([str(issue.severity), issue.code, issue.sheet, issue.cell, issue.field, issue.as_dict()["value"], issue.message]):
            write_cell(sheet, r, c, value)
    sheet.add_table(3, 0, 3 + max(len(issues), 1), len(headers) - 1, {"name": "tblDataQuality", "columns": [{"header": h} for h in headers]})
    sheet.set_column(0, 5, 14)
    sheet.set_column(6, 6, 90)
