"""The Milestone timeline read back: markers in the right month columns, the programme overview
counting them, the header repeated on printed pages, the print edition keeping what is off plan."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pmo_xl.pipeline import run_portfolio
from pmo_xl.report.model import ReportModel, build_report_model
from pmo_xl.report.model_timeline import OFF_PLAN
from pmo_xl.report.print_edition import PRINT, cut_timeline
from pmo_xl.report.sheets.timeline import LABELS, NAME, SUMMARY_ROW, timeline_of
from pmo_xl.report.write import write_report_model
from pmo_xl.usecases import load_portfolio

pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group extension is not supported")


@pytest.fixture(scope="module")
def model(sample_workbook: Path) -> ReportModel:
    return build_report_model(run_portfolio(load_portfolio(sample_workbook)))


@pytest.fixture(scope="module")
def sheet(tmp_path_factory: pytest.TempPathFactory, model: ReportModel) -> openpyxl.worksheet.worksheet.Worksheet:
    path = write_report_model(model, tmp_path_factory.mktemp("timeline") / "report.xlsx")
    return openpyxl.load_workbook(path)[NAME]


def table_rows(sheet) -> tuple[list[str], list[list[object]], int]:
    table = sheet.tables["tblMilestoneTimeline"]
    rows = list(sheet[table.ref])
    return [c.value for c in rows[0]], [[c.value for c in r] for r in rows[1:]], rows[0][0].row


def test_window_is_the_last_three_months_and_the_next_six(model: ReportModel) -> None:
    view = timeline_of(model)
    assert len(view.months) == 9 and view.months[view.status_month] == model.period
    assert view.months[0] == model.period - pd.DateOffset(months=2) and view.months[-1] == model.period + pd.DateOffset(months=6)


def test_markers_sit_in_the_months_of_their_dates(sheet, model: ReportModel) -> None:
    headers, rows, header_row = table_rows(sheet)
    view = timeline_of(model)
    months = headers[len(LABELS):]
    assert months == [m.strftime("%b %y") for m in view.months]
    assert len(rows) == len(view.milestones) > 20
    late_with_both = 0
    for row in rows:
        record = dict(zip(headers, row, strict=True))
        current, baseline = pd.Timestamp(record["Expected or actual"]), pd.Timestamp(record["Baseline"])
        marks = {m: record[m] for m in months if record[m]}
        at = current.strftime("%b %y")
        if at in months:
            assert marks.pop(at) == "◆", record
        before = baseline.strftime("%b %y")
        if before in months and before != at:
            assert marks.pop(before) == "◇", record
            late_with_both += record["State"] in ("Achieved late", "Slipped")
        assert not marks, record  # no other marker on the row
    assert late_with_both >= 3  # slipped and late milestones show baseline against actual
    programmes = [r[0] for r in rows]
    assert programmes == sorted(programmes, key=lambda p: (p == "(no programme)", p))  # grouped by programme


def test_programme_overview_counts_the_markers(sheet, model: ReportModel) -> None:
    headers, rows, _ = table_rows(sheet)
    view = timeline_of(model)
    month_col = len(LABELS) + 1  # 1-based
    for offset, programme in enumerate(dict.fromkeys(r[0] for r in rows), start=1):
        assert sheet.cell(SUMMARY_ROW + 1 + offset, 1).value == programme
        for k, month in enumerate(headers[len(LABELS):]):
            mine = [dict(zip(headers, r, strict=True)) for r in rows if r[0] == programme]
            due = sum(r[month] == "◆" for r in mine)
            off = sum(r[month] == "◆" and r["State"] in OFF_PLAN for r in mine)
            text = sheet.cell(SUMMARY_ROW + 1 + offset, month_col + k).value
            assert (text or "") == ("" if not due else f"{due} ({off})" if off else str(due)), (programme, month)
    assert len(view.summary)


def test_header_repeats_and_pages_break_between_programmes(sheet) -> None:
    _, rows, header_row = table_rows(sheet)
    assert sheet.print_title_rows == f"${header_row}:${header_row}"
    starts = {header_row + 1 + i for i, r in enumerate(rows) if i == 0 or r[0] != rows[i - 1][0]}
    assert {b.id + 1 for b in sheet.row_breaks.brk} <= starts | {header_row + 1}
    assert sheet.page_setup.paperSize == 9 and sheet.page_setup.orientation == "landscape"


def test_print_edition_keeps_the_milestones_off_plan(model: ReportModel) -> None:
    view = timeline_of(model)
    shown, cut = cut_timeline(dataclasses.replace(model, edition=PRINT), view.milestones)
    assert cut is not None and cut.total == len(view.milestones) and 0 < len(shown) <= 60
    assert set(shown["state"]) <= set(OFF_PLAN)
    assert list(shown.index) == sorted(shown.index)  # in the list's own order: by programme, then date
