"""Trends in the report, from History where months were closed: the RAG strip, the milestone trend
analysis (read back from the chart parts: a series per milestone, date axes), the drift flags, and
last period as reported against recomputed."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pmo_xl.close.usecase import close_file
from pmo_xl.options import RunOptions
from pmo_xl.pipeline import build, compute, report
from pmo_xl.report.model import ReportModel
from pmo_xl.results import Run
from pmo_xl.usecases import load_portfolio

SEPTEMBER, OCTOBER = pd.Timestamp(2026, 9, 1), pd.Timestamp(2026, 10, 1)
STRICT = RunOptions(strict=True)
MOVED = dt.datetime(2028, 3, 31)


def edit(source: Path, target: Path, sheet: str, match: dict[str, object], changes: dict[str, object]) -> dict[str, object]:
    """Copy a workbook with one row of `sheet` (the first whose cells equal `match`, by header) changed; returns that row."""
    book = openpyxl.load_workbook(source)
    ws = book[sheet]
    header = [c.value for c in ws[1]]
    for r in range(2, ws.max_row + 1):
        row = {h: ws.cell(r, i + 1).value for i, h in enumerate(header)}
        if all(row.get(k) == v for k, v in match.items()):
            for name, value in changes.items():
                ws.cell(r, header.index(name) + 1).value = value(row[name]) if callable(value) else value
            book.save(target)
            return row
    raise AssertionError(f"no row of {sheet} matches {match}")


def set_status_date(source: Path, target: Path, day: dt.datetime) -> None:
    book = openpyxl.load_workbook(source)
    ws = book["Settings"]
    cell = next(c for c in ws["A"] if c.value == "Status date")
    ws.cell(cell.row, 2).value = day
    book.save(target)


def report_of(path: Path, out: Path) -> tuple[ReportModel, Path]:
    portfolio = load_portfolio(path, STRICT)
    results, _ = compute(portfolio, STRICT)
    run = Run(portfolio, results)
    model, _ = build(run, STRICT)
    return model, report(run, out, STRICT)


def mta_charts(path: Path) -> dict[str, str]:
    """Chart XML of every milestone trend analysis chart, by its title."""
    charts = {}
    with zipfile.ZipFile(path) as z:
        for name in sorted(n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)):
            xml = z.read(name).decode()
            title = "".join(re.findall(r"<a:t>([^<]*)</a:t>", xml.split("</c:title>")[0])) if "<c:title>" in xml else ""
            if title.startswith("Milestone trend analysis"):
                charts[title.split(" — ", 1)[1]] = xml
    return charts


@pytest.fixture(scope="module")
def two_closes(sample_workbook: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Close September, move a milestone's forecast, close October, and report October."""
    folder = tmp_path_factory.mktemp("trends")
    close_file(sample_workbook, SEPTEMBER, folder / "sep.xlsx", closed_on=dt.date(2026, 10, 5), options=STRICT)
    portfolio = load_portfolio(sample_workbook, STRICT)
    milestones = portfolio.milestones
    active = set(portfolio.projects.loc[portfolio.projects["status"] == "Active", "project_id"])  # it has a project page
    open_one = milestones[milestones["actual_date"].isna() & (milestones["baseline_date"] > pd.Timestamp(2026, 12, 31))
                          & milestones["project_id"].isin(active)].iloc[0]
    before = edit(folder / "sep.xlsx", folder / "sep-moved.xlsx", "Milestones",
                  {"Project ID": open_one["project_id"], "Milestone": open_one["milestone"]}, {"Forecast date": MOVED})
    close_file(folder / "sep-moved.xlsx", OCTOBER, folder / "oct.xlsx", closed_on=dt.date(2026, 11, 5), options=STRICT)
    model, path = report_of(folder / "oct.xlsx", folder / "report.xlsx")
    old_forecast = before["Forecast date"] or before["Baseline date"]
    return {"model": model, "report": path, "closed": folder / "oct.xlsx", "project": open_one["project_id"], "milestone": open_one["milestone"],
            "old": pd.Timestamp(old_forecast), "programme": portfolio.projects.set_index("project_id").loc[open_one["project_id"], "programme"]}


def test_the_rag_strip_shows_twelve_months_with_their_basis(two_closes):
    view = two_closes["model"].trends
    assert len(view.months) == 12 and view.months[-1] == OCTOBER
    assert view.month_labels[-2:] == ["Sep 26 RC", "Oct 26 now"]  # September was closed in October: recomputed then
    book = openpyxl.load_workbook(two_closes["report"])
    ws = book["Trends"]
    table = ws.tables["tblRagHistory"]
    header = [c.value for c in list(ws[table.ref])[0]]
    assert header[:3] == ["Project ID", "Project", "Programme"] and header[3:] == view.month_labels
    rows = {r[0].value: [c.value for c in r] for r in list(ws[table.ref])[1:]}
    strip = view.rag_strip.set_index("project_id")
    for project_id, cells in rows.items():
        expected = [None if pd.isna(v) else v for v in strip.loc[project_id, view.month_labels]]
        assert cells[3:] == expected
    assert any(set(cells[3:]) & {"Red", "Amber", "Green"} for cells in rows.values())


def test_the_mta_chart_has_a_line_per_milestone_on_date_axes(two_closes):
    view = two_closes["model"].trends
    charts = mta_charts(two_closes["report"])
    assert sorted(charts) == sorted(c.programme for c in view.mta)
    for chart in view.mta:
        xml = charts[chart.programme]
        assert xml.count("<c:ser>") == 1 + len(chart.lines)  # the diagonal, then one per milestone
        assert "<c:dateAx>" in xml  # report date across: a date axis
        assert xml.count('formatCode="mmm yy"') >= 2  # and forecast dates up
        names = re.findall(r"<c:tx><c:strRef><c:f>'Milestone trends'!\$A\$(\d+)</c:f>", xml)
        assert len(names) == len(chart.lines)


def test_a_forecast_moved_between_two_closes_is_the_new_point_on_its_line(two_closes):
    view = two_closes["model"].trends
    [chart] = [c for c in view.mta if c.programme == two_closes["programme"]]
    line = chart.lines[(chart.lines["project_id"] == two_closes["project"]) & (chart.lines["milestone"] == two_closes["milestone"])]
    assert len(line) == 1, "the moved milestone is drawn (most movement first)"
    assert line[SEPTEMBER].iloc[0] == two_closes["old"]
    assert line[OCTOBER].iloc[0] == pd.Timestamp(MOVED)
    # and in the file: the chart's data row of that milestone, Sep and Oct columns
    ws = openpyxl.load_workbook(two_closes["report"])["Milestone trends"]
    label = f"{two_closes['project']} {two_closes['milestone']}"
    row = next(r for r in ws.iter_rows() if r[0].value == label)
    assert [pd.Timestamp(c.value) if c.value else None for c in row[11:13]] == [two_closes["old"], pd.Timestamp(MOVED)]
    xml = mta_charts(two_closes["report"])[two_closes["programme"]]
    assert f"<c:f>'Milestone trends'!$B${row[0].row}:$M${row[0].row}</c:f>" in xml


def test_drift_is_flagged_beyond_the_settings_thresholds(two_closes):
    view = two_closes["model"].trends
    days, share = view.thresholds
    drift = view.drift
    assert len(drift) and (drift["flag"] != "").any()
    for _, row in drift.iterrows():
        beyond = (row["finish_change_days"] > days) or (row["finish_drift_days"] > days) or (row["eac_change"] > share) or (
            row["eac_drift"] > share)
        assert bool(row["flag"]) == bool(beyond), row["project_id"]
    ws = openpyxl.load_workbook(two_closes["report"])["Drift"]
    ref = ws.tables["tblDrift"].ref
    header = [c.value for c in list(ws[ref])[0]]
    assert header[-1] == "Flag" and "EAC last period: as reported" in header and "EAC last period: recomputed" in header


def test_a_progress_figure_changed_after_closing_moves_the_recomputed_view_only(sample_workbook, tmp_path):
    set_status_date(sample_workbook, tmp_path / "sep-status.xlsx", dt.datetime(2026, 9, 30))
    close_file(tmp_path / "sep-status.xlsx", None, tmp_path / "sep-closed.xlsx", closed_on=dt.date(2026, 10, 5), options=STRICT)
    reported = load_portfolio(tmp_path / "sep-closed.xlsx", STRICT).registers["History"]
    assert set(reported["basis"]) == {"As reported"}  # closed in its own month
    project = reported.dropna(subset=["eac"]).query("status == 'Active'")["project_id"].iloc[0]
    eac_reported = float(reported.set_index("project_id").loc[project, "eac"])

    set_status_date(tmp_path / "sep-closed.xlsx", tmp_path / "oct-status.xlsx", dt.datetime(2026, 10, 31))
    edit(tmp_path / "oct-status.xlsx", tmp_path / "corrected.xlsx", "Progress",
         {"Project ID": project, "Period": dt.datetime(2026, 9, 1)}, {"AC (cumulative)": lambda ac: ac * 1.1})
    model, _ = report_of(tmp_path / "corrected.xlsx", tmp_path / "report.xlsx")
    row = model.trends.drift.set_index("project_id").loc[project]
    assert row["eac_reported"] == pytest.approx(eac_reported)  # as reported: untouched by the correction
    assert row["eac_recomputed"] != pytest.approx(eac_reported)  # recomputed: moved with the register
    assert row["last_basis"] == "As reported" and row["eac_last"] == pytest.approx(eac_reported)
    assert model.trends.last_period_note.startswith("Last period (Sep 26) is closed") and "as reported, closed 2026-10-05" in model.trends.last_period_note
    kpis = load_portfolio(tmp_path / "sep-closed.xlsx", STRICT).registers["History KPIs"].set_index("kpi")["value"]
    eac_tile = next(k for k in model.kpis if k.key == "eac")
    assert eac_tile.previous == pytest.approx(kpis["eac"])  # the dashboard's change is against the closed figure
    assert model.trends.month_labels[-2] == "Sep 26 AR"


def test_the_portfolio_sheet_carries_each_projects_rag_strip(two_closes):
    model = two_closes["model"]
    codes = model.portfolio.set_index("project_id")["rag_history"]
    strip = model.trends.rag_strip.set_index("project_id")[model.trends.month_labels]
    for project_id, code in codes.items():  # one letter a month, oldest first: the Trends sheet's row
        assert len(code) == 12
        assert code == "".join({"Green": "G", "Amber": "A", "Red": "R"}.get(v, "-") if isinstance(v, str) else "-"
                               for v in strip.loc[project_id])
    assert codes.map(lambda c: c[-1]).tolist() == [
        {"Green": "G", "Amber": "A", "Red": "R"}.get(r, "-") for r in model.portfolio["rag_overall"]]
    ws = openpyxl.load_workbook(two_closes["report"])["Portfolio"]
    rows = list(ws[ws.tables["tblPortfolio"].ref])
    column = [c.value for c in rows[0]].index("RAG, last 12 months")
    for row, code in zip(rows[1:], codes, strict=True):
        assert row[column].value == "".join("□" if c == "-" else "■" for c in code)
    with zipfile.ZipFile(two_closes["report"]) as z:  # drawn as coloured squares: a rich string of runs
        strings = z.read("xl/sharedStrings.xml").decode()
    assert '<a:srgbClr' not in strings and 'rgb="FFD64541"' in strings and 'rgb="FF2E9E4F"' in strings


# --- the trends on the project pages ------------------------------------------------------------

DATA_COLUMN = "O"  # the page's chart data, right of the print area (project_pages.DATA_COL)


@pytest.fixture(scope="module")
def all_pages(two_closes: dict[str, object], tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """October reported with a page for every project, so the moved milestone's project has one."""
    options = RunOptions(strict=True, project_pages="all")
    portfolio = load_portfolio(two_closes["closed"], options)
    results, _ = compute(portfolio, options)
    run = Run(portfolio, results)
    model, _ = build(run, options)
    path = report(run, tmp_path_factory.mktemp("pages") / "report.xlsx", options)
    index = next(i for i, p in enumerate(model.project_pages.pages) if p.project_id == two_closes["project"])
    return {"model": model, "report": path, "index": index, "page": model.project_pages.pages[index]}


def page_chart(path: Path, first_row: int, last_row: int) -> str:
    """The chart XML whose series come from rows first..last of the Project pages sheet (one page's band)."""
    with zipfile.ZipFile(path) as z:
        for name in sorted(n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)):
            xml = z.read(name).decode()
            rows = {int(r) for r in re.findall(rf"'Project pages'!\${DATA_COLUMN}\$(\d+)", xml)}
            if rows and min(rows) >= first_row and max(rows) <= last_row and "Report date" not in xml.split("<c:ser>")[0]:
                return xml
    raise AssertionError(f"no chart drawn from rows {first_row}-{last_row} of Project pages")


def test_a_project_page_draws_its_milestone_trend_with_the_moved_forecast(two_closes, all_pages):
    from pmo_xl.report.sheets.project_pages import PAGE_ROWS, TRENDS_AT

    trends = all_pages["page"].trends
    assert trends is not None and trends.months == two_closes["model"].trends.months
    line = trends.mta_labels.index(str(two_closes["milestone"]))  # moved the most: drawn
    assert trends.mta[line][-2] == pd.Timestamp(two_closes["old"]).to_datetime64()  # September as closed
    assert trends.mta[line][-1] == pd.Timestamp(MOVED).to_datetime64()  # October: the register's forecast now
    # In the file: the band's data rows (report dates, then a row per milestone) and the chart drawn from them.
    top = all_pages["index"] * PAGE_ROWS + TRENDS_AT + 1  # 1-based row of the report dates
    ws = openpyxl.load_workbook(all_pages["report"])["Project pages"]
    dates = [c.value for c in ws[f"{DATA_COLUMN}{top}:AA{top}"][0]]
    assert dates[0] == "Report date"
    assert [pd.Timestamp(d) for d in dates[1:]] == [m + pd.offsets.MonthEnd(0) for m in trends.months]
    row = ws[f"{DATA_COLUMN}{top + 1 + line}:AA{top + 1 + line}"][0]
    assert row[0].value == str(two_closes["milestone"])
    assert [pd.Timestamp(c.value) if c.value else None for c in row[-2:]] == [two_closes["old"], pd.Timestamp(MOVED)]
    xml = page_chart(all_pages["report"], top, top + PAGE_ROWS)
    assert xml.count("<c:ser>") == 1 + len(trends.mta_labels)  # the diagonal, then one line per milestone
    assert "<c:dateAx>" in xml and xml.count('formatCode="mmm yy"') >= 2  # report date across, forecast date up
    assert f"<c:f>'Project pages'!$P${top + 1 + line}:$AA${top + 1 + line}</c:f>" in xml  # the moved line's twelve points


def test_a_project_page_carries_its_rag_strip_and_drift(all_pages):
    from pmo_xl.report.sheets.project_pages import PAGE_ROWS, RIGHT, TRENDS_AT

    model, page = all_pages["model"], all_pages["page"]
    trends = page.trends
    assert trends.strip == model.portfolio.set_index("project_id").loc[page.project_id, "rag_history"] and len(trends.strip) == 12
    top = all_pages["index"] * PAGE_ROWS + TRENDS_AT + 1
    ws = openpyxl.load_workbook(all_pages["report"], rich_text=True)["Project pages"]
    strip = ws.cell(top + 1, RIGHT + 1).value  # one square a month, coloured by its RAG, oldest first
    squares = [(str(run.font.color.rgb)[-6:], run.text) for run in strip]
    solid = {"G": "2E9E4F", "A": "F2B135", "R": "D64541"}
    assert squares == [(solid.get(code, "BFBFBF"), "■" if code in solid else "□") for code in trends.strip]
    assert "last: this report" in ws.cell(top + 2, RIGHT + 1).value
    drift = trends.drift
    cells = {ws.cell(r, RIGHT + 1).value: [ws.cell(r, RIGHT + 1 + c).value for c in (1, 2, 3)] for r in range(top + 4, top + 9)}
    assert [pd.Timestamp(v) for v in cells["Forecast finish"]] == [pd.Timestamp(drift[k]) for k in ("forecast_finish", "finish_last", "finish")]
    assert cells["EAC"] == pytest.approx([drift["eac"], drift["eac_last"], drift["bac"]])
    flag = ws.cell(top + 9, RIGHT + 1).value
    assert flag == (f"Flag: {drift['flag']}" if drift["flag"] else flag) and (bool(drift["flag"]) == flag.startswith("Flag"))
    flagged = [p for p in model.project_pages.pages if p.trends.drift.get("flag")]
    assert flagged, "the sample has drift beyond the thresholds on some page"


def test_without_closed_months_a_page_says_there_is_no_milestone_trend_yet(sample_workbook, tmp_path):
    model, path = report_of(sample_workbook, tmp_path / "report.xlsx")
    page = model.project_pages.pages[0]
    assert page.trends is not None and page.trends.mta_months <= 1  # only this report's forecasts
    from pmo_xl.report.sheets.project_pages import TRENDS_AT

    ws = openpyxl.load_workbook(path)["Project pages"]
    assert ws.cell(TRENDS_AT + 2, 1).value.startswith("No milestone trend yet")
    with zipfile.ZipFile(path) as z:
        charts = [z.read(n).decode() for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
    assert not any("Report date" in xml and "'Project pages'" in xml for xml in charts)
