"""The Roadmap sheet read back: bars and markers at the right month columns for known dates,
grouped by programme, with its print setup (month headers repeated, A4, breaks between programmes)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from test_milestones import portfolio_of

from pmo_xl.report.sheets.paging import PRINT_HEIGHT, SAFETY, plan_breaks
from pmo_xl.report.sheets.roadmap import BAR, EARLY, HEADER_ROW, LABELS, LATE, NAME
from pmo_xl.usecases import write_report

# openpyxl drops the Earned Value sparklines it cannot read, and says so.
pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group extension is not supported")
D = dt.date
FIRST_MONTH_COL = len(LABELS) + 1  # 1-based column of the first month


def project(pid: str, programme: str, start: dt.date, finish: dt.date, status: str = "Active") -> dict[str, object]:
    return {"project_id": pid, "name": f"Project {pid}", "programme": programme, "status": status, "start": start,
            "finish": finish, "bac": 1000}


@pytest.fixture(scope="module")
def sheet(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.worksheet.worksheet.Worksheet:
    portfolio = portfolio_of(
        {"Status date": D(2026, 6, 30), "Portfolio name": "Roadmap test"},
        Projects=[project("P2", "Beta", D(2026, 3, 15), D(2026, 8, 20)), project("P1", "Alpha", D(2026, 5, 2), D(2026, 7, 31)),
                  project("P3", "Alpha", D(2026, 9, 1), D(2026, 12, 31), status="Approved"),
                  project("P4", "Alpha", D(2025, 1, 1), D(2025, 6, 30), status="Closed")],
        Milestones=[{"project_id": "P2", "milestone": "Design signed", "baseline_date": D(2026, 4, 10), "actual_date": D(2026, 5, 12)},
                    {"project_id": "P2", "milestone": "Go live", "baseline_date": D(2026, 7, 15), "forecast_date": D(2026, 7, 20)}],
        # Progress of the closed project only: the roadmap projects keep their typed dates (no earned schedule).
        Progress=[{"project_id": "P4", "period": D(2025, 6, 1), "pv": 1000, "ev": 1000, "ac": 1000}],
    )
    path = write_report(portfolio, tmp_path_factory.mktemp("roadmap") / "report.xlsx")
    return openpyxl.load_workbook(path)[NAME]


def fill(cell: openpyxl.cell.cell.Cell) -> str | None:
    colour = cell.fill.fgColor.rgb if cell.fill is not None and cell.fill.fill_type == "solid" else None
    return "#" + colour[-6:] if isinstance(colour, str) else None


def months_of(sheet, row: int, colour: str) -> list[str]:
    header = HEADER_ROW + 1
    return [f"{sheet.cell(header - 1, c).value or ''}|{sheet.cell(header, c).value}".split("|")[1]
            for c in range(FIRST_MONTH_COL, sheet.max_column + 1) if fill(sheet.cell(row, c)) == colour]


def test_rows_are_planned_and_in_flight_projects_by_programme(sheet) -> None:
    ids = [sheet.cell(r, 1).value for r in range(HEADER_ROW + 2, sheet.max_row + 1)]
    assert ids == ["P1", "P3", "P2"]  # Alpha (by start), then Beta; the closed P4 is not on the roadmap
    assert sheet.auto_filter.ref is not None and sheet.auto_filter.ref.startswith(f"A{HEADER_ROW + 1}")


def test_months_are_whole_quarters_with_the_status_month_marked(sheet) -> None:
    header = HEADER_ROW + 1
    months = [sheet.cell(header, c).value for c in range(FIRST_MONTH_COL, sheet.max_column + 1)]
    assert months == ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    assert sheet.cell(header - 1, FIRST_MONTH_COL).value == "Q1 2026"
    assert fill(sheet.cell(header, FIRST_MONTH_COL + 5)) != fill(sheet.cell(header, FIRST_MONTH_COL + 4))  # June stands out


def test_bars_sit_in_the_months_of_their_dates(sheet) -> None:
    rows = {sheet.cell(r, 1).value: r for r in range(HEADER_ROW + 2, sheet.max_row + 1)}
    # No progress: forecast = baseline = the Projects dates, so the whole bar is "on plan".
    assert months_of(sheet, rows["P2"], BAR) == ["Mar", "Apr", "May", "Jun", "Jul", "Aug"]
    assert months_of(sheet, rows["P1"], BAR) == ["May", "Jun", "Jul"]
    assert months_of(sheet, rows["P3"], BAR) == ["Sep", "Oct", "Nov", "Dec"]
    for r in rows.values():
        assert months_of(sheet, r, LATE) == [] and months_of(sheet, r, EARLY) == []
        # the baseline is the thick line under the bar
        bar_cols = [c for c in range(FIRST_MONTH_COL, sheet.max_column + 1) if fill(sheet.cell(r, c)) == BAR]
        assert all(sheet.cell(r, c).border.bottom.style == "thick" for c in bar_cols)


def test_milestones_are_markers_in_their_month(sheet) -> None:
    rows = {sheet.cell(r, 1).value: r for r in range(HEADER_ROW + 2, sheet.max_row + 1)}
    markers = {sheet.cell(HEADER_ROW + 1, c).value: sheet.cell(rows["P2"], c).value
               for c in range(FIRST_MONTH_COL, sheet.max_column + 1) if sheet.cell(rows["P2"], c).value}
    assert markers == {"May": "◆", "Jul": "◇"}  # achieved (late: amber) in May; open, slipped, in July
    may = next(c for c in range(FIRST_MONTH_COL, sheet.max_column + 1) if sheet.cell(HEADER_ROW + 1, c).value == "May")
    assert sheet.cell(rows["P2"], may).font.color.rgb.endswith("C65911")  # achieved 32 days after its baseline


def test_print_setup_repeats_the_month_headers(sheet) -> None:
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW + 1}"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9


def test_page_breaks_fall_between_groups_and_never_leave_a_spill() -> None:
    heights = [15.0] * 100
    starts = [0, 30, 55, 83]  # four groups of 30, 25, 28 and 17 rows; 31 rows a page (30 under the repeated header)
    assert plan_breaks(heights, 100, starts, repeat_height=15.0) == [30, 55, 83]  # each group starts a page
    per_page = int(PRINT_HEIGHT * SAFETY // 15.0)
    assert plan_breaks([15.0] * 100, 100, [0]) == [per_page, 2 * per_page, 3 * per_page]  # a long group breaks where a page is full
    assert plan_breaks([15.0] * 100, 50, [0]) == [int(PRINT_HEIGHT * SAFETY * 2 // 15.0)]  # half the scale, twice the rows a page


def test_cli_report_writes_the_roadmap(tmp_path: Path, sample_workbook: Path) -> None:
    from pmo_xl.cli import main

    out = tmp_path / "r.xlsx"
    assert main(["report", str(sample_workbook), "-o", str(out), "-q"]) == 1  # the sample carries planted errors
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames[:3] == ["Dashboard", "Exceptions", NAME]
