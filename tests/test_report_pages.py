"""The project pages read back: one page per chosen project, its figures equal to the Earned Value
sheet's, the index linking to each page, the choice from Settings or the command line."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pmo_xl.cli import main
from pmo_xl.model import Portfolio
from pmo_xl.options import options_with
from pmo_xl.report.model_project_pages import normalise_choice
from pmo_xl.report.sheets.project_pages import EV_BOX, INDEX, PAGE_ROWS, PAGES, RIGHT
from pmo_xl.usecases import load_portfolio, write_report

pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group extension is not supported")
EV_FIELDS = {"BAC": "BAC", "EAC": "EAC", "VAC": "VAC", "CPI": "CPI", "SPI": "SPI", "SPI(t)": "SPI(t)", "Forecast finish": "Forecast finish"}


@pytest.fixture(scope="module")
def portfolio(sample_workbook: Path) -> Portfolio:
    return load_portfolio(sample_workbook)


@pytest.fixture(scope="module")
def book_all(tmp_path_factory: pytest.TempPathFactory, portfolio: Portfolio) -> openpyxl.Workbook:
    return openpyxl.load_workbook(write_report(portfolio, tmp_path_factory.mktemp("pages") / "all.xlsx", options=options_with(project_pages="all")))


def ev_rows(book: openpyxl.Workbook) -> dict[str, dict[str, object]]:
    sheet = book["Earned Value"]
    table = sheet.tables["tblEvProjects"]
    cells = list(sheet[table.ref])
    headers = [c.value for c in cells[0]]
    return {row[0].value: dict(zip(headers, (c.value for c in row), strict=True)) for row in cells[1:]}


def page_figures(sheet, top: int) -> dict[str, object]:
    """The EV box of the page starting at 1-based row `top`: label -> value beside it."""
    figures = {}
    for row in range(top + 5, top + 5 + (len(EV_BOX) + 1) // 2):
        for col in (RIGHT + 1, RIGHT + 4):  # 1-based label columns of the two halves
            label = sheet.cell(row, col).value
            if label:
                figures[label] = sheet.cell(row, col + 1).value
    return figures


def test_one_page_per_project_with_its_earned_value_figures(book_all: openpyxl.Workbook, portfolio: Portfolio) -> None:
    candidates = portfolio.projects[portfolio.projects["status"].isin(("Approved", "Active", "On hold"))]
    sheet = book_all[PAGES]
    pages = len(candidates)
    titles = [sheet.cell(1 + k * PAGE_ROWS, 1).value for k in range(pages)]
    assert sorted(t.split(" · ")[0] for t in titles) == sorted(candidates["project_id"])
    assert sheet.cell(1 + pages * PAGE_ROWS, 1).value is None  # nothing after the last page
    assert [b.id for b in sheet.row_breaks.brk] == [k * PAGE_ROWS for k in range(1, pages)]  # a page break before each page
    assert sheet.page_setup.paperSize == 9 and sheet.page_setup.orientation == "landscape"
    ev = ev_rows(book_all)
    compared = 0
    for k, title in enumerate(titles):
        pid = title.split(" · ")[0]
        figures = page_figures(sheet, 1 + k * PAGE_ROWS)
        if pid not in ev:
            assert figures.get("CPI") is None  # no progress yet: no index to show
            continue
        for label, column in EV_FIELDS.items():
            assert figures.get(label) == ev[pid][column], (pid, label)
        compared += 1
    assert compared >= 20


def test_the_index_links_to_every_page(book_all: openpyxl.Workbook) -> None:
    index = book_all[INDEX]
    table = index.tables["tblProjectPages"]
    rows = list(index[table.ref])[1:]
    pages = book_all[PAGES]
    for k, row in enumerate(rows):
        link = row[0].hyperlink
        assert link is not None and link.location == f"'{PAGES}'!A{1 + k * PAGE_ROWS}"
        assert pages.cell(1 + k * PAGE_ROWS, 1).value.startswith(f"{row[1].value} · ")
    assert index.print_title_rows == "$4:$4"


def test_exceptions_are_the_default_and_say_why(tmp_path: Path, portfolio: Portfolio) -> None:
    book = openpyxl.load_workbook(write_report(portfolio, tmp_path / "r.xlsx"))
    index = book[INDEX]
    rows = list(index[index.tables["tblProjectPages"].ref])[1:]
    table = {r[1].value: (r[4].value, r[5].value) for r in rows}
    assert 0 < len(table) < len(ev_rows(book)) + 10
    for pid, (rag, why) in table.items():
        assert why and why != "every project has a page", pid
        assert (rag in ("Red", "Amber")) == ("overall" in why), pid


def test_none_writes_no_pages_from_settings_or_the_command_line(tmp_path: Path, portfolio: Portfolio, sample_workbook: Path) -> None:
    quiet = dataclasses.replace(portfolio, settings=dataclasses.replace(portfolio.settings, project_pages="None"))
    book = openpyxl.load_workbook(write_report(quiet, tmp_path / "none.xlsx"), read_only=True)
    assert INDEX not in book.sheetnames and PAGES not in book.sheetnames
    out = tmp_path / "cli.xlsx"
    assert main(["report", str(sample_workbook), "-o", str(out), "-q", "--project-pages", "none"]) == 1  # the sample carries planted errors
    assert PAGES not in openpyxl.load_workbook(out, read_only=True).sheetnames
    assert main(["report", str(sample_workbook), "-o", str(out), "-q", "--project-pages", "ALL"]) == 1
    assert PAGES in openpyxl.load_workbook(out, read_only=True).sheetnames


def test_pack_order_puts_the_executive_pages_first(book_all: openpyxl.Workbook) -> None:
    assert book_all.sheetnames[:6] == ["Dashboard", "Exceptions", "Roadmap", "Milestone timeline", INDEX, PAGES]


def test_choice_words() -> None:
    assert [normalise_choice(v) for v in ("All", " none ", "EXCEPTIONS", "", None, "some")] == \
        ["all", "none", "exceptions", "exceptions", "exceptions", "exceptions"]


def test_page_curve_runs_to_the_forecast_finish(portfolio: Portfolio) -> None:
    from pmo_xl.pipeline import run_portfolio
    from pmo_xl.report.model import build_report_model

    model = build_report_model(run_portfolio(portfolio), project_pages="all")
    metrics = model.earned_value.metrics.set_index("project_id")
    checked = 0
    for page in model.project_pages.pages:
        curve = page.curve
        if page.project_id not in metrics.index or pd.isna(metrics.at[page.project_id, "forecast_finish"]):
            continue
        finish = pd.Timestamp(metrics.at[page.project_id, "forecast_finish"]).to_period("M").start_time
        if finish <= pd.Timestamp(metrics.at[page.project_id, "period"]):
            continue  # forecast to finish by the status month: nothing to continue
        last = pd.Timestamp(curve.period[-1])
        assert last >= finish and curve.forecast[curve.period.astype("datetime64[M]") == finish.to_datetime64()][0] == \
            pytest.approx(metrics.at[page.project_id, "eac"])
        done = curve.ac[~pd.isna(curve.ac)]
        assert done[-1] == pytest.approx(metrics.at[page.project_id, "ac"])  # the forecast starts from AC now
        checked += 1
    assert checked >= 10


def test_only_the_main_cause_of_an_over_allocation_gets_a_page_for_it() -> None:
    """The biggest demand on an over-allocated person, alone at least the excess, is the main cause;
    a project that merely has hours on a busy person is not (it still shows them on its page)."""
    from pmo_xl.report.model_project_pages import _exception_reasons, _over_causes

    period = pd.Timestamp("2026-03-01")
    over = pd.DataFrame({
        "resource_id": ["R1", "R2", "R3", "R4"], "name": ["Ann", "Bo", "Cy", "Di"],
        "period": pd.to_datetime(["2026-03-01", "2026-03-01", "2026-03-01", "2026-02-01"]),
        "excess_hours": [30.0, 200.0, 40.2, 99.0],
        # Ann: P1 alone covers the excess; Bo: three equal demands, none alone; Cy: P5 at 40 h rounds
        # to the 40.2 h excess (the text is to the hour); Di: last month, not this one.
        "causes": ["P1 100 h, P2 35 h, P3 7.5 h", "P2 100 h, P3 100 h, P4 100 h", "P5 40 h, P6 20 h, +3 more 21 h", "P7 120 h"],
    })
    causes = _over_causes(over, period)
    assert {pid: [(c.resource_id, c.hours, c.main) for c in entries] for pid, entries in causes.items()} == {
        "P1": [("R1", 100.0, True)], "P2": [("R1", 35.0, False), ("R2", 100.0, False)],
        "P3": [("R1", 7.5, False), ("R2", 100.0, False)], "P4": [("R2", 100.0, False)], "P5": [("R3", 40.0, True)], "P6": [("R3", 20.0, False)],
    }
    candidates = pd.DataFrame({"project_id": [f"P{k}" for k in range(1, 8)], "status": "Active", "rag_overall": "Green"})
    milestones = pd.DataFrame(columns=["project_id", "state"])
    reasons = _exception_reasons(candidates, milestones, causes)
    assert reasons == {"P1": ["main cause of the over-allocation of Ann (R1, 100 h)"],
                       "P5": ["main cause of the over-allocation of Cy (R3, 40 h)"]}


def test_sample_pages_name_only_main_causes(portfolio: Portfolio) -> None:
    from pmo_xl.pipeline import run_portfolio
    from pmo_xl.report.model import build_report_model

    model = build_report_model(run_portfolio(portfolio))
    over = model.resources.overallocations
    over = over[over["period"].dt.to_period("M").dt.start_time == model.period]
    first = [(str(c).split(" ")[:2], e) for c, e in zip(over["causes"], over["excess_hours"], strict=True) if c]
    main = {pid for (pid, hours), excess in first if float(hours) >= excess - 0.5}
    named = {pid for pid, _ in (c.split(" ")[:2] for causes in over["causes"] for c in str(causes).split(", "))}
    paged = {page.project_id for page in model.project_pages.pages if "main cause" in page.why}
    assert paged and paged <= main
    assert named - main - {page.project_id for page in model.project_pages.pages}  # some feed an over-allocation but get no page
    for page in model.project_pages.pages:
        assert "achieved late" not in page.why


def test_each_page_says_what_the_pm_needs_from_the_committee(book_all: openpyxl.Workbook, portfolio: Portfolio) -> None:
    """The ask typed in this month's Progress row ("Needs from the committee") is on the project's page."""
    progress = portfolio.progress
    period = pd.Timestamp(portfolio.settings.status_date).to_period("M").start_time
    asks = progress[(progress["period"] == period) & progress["committee_needs"].notna()].set_index("project_id")["committee_needs"]
    sheet = book_all[PAGES]
    shown = 0
    for k in range(len(sheet.row_breaks.brk) + 1):
        top = 1 + k * PAGE_ROWS
        pid = sheet.cell(top, 1).value.split(" · ")[0]
        assert sheet.cell(top + 13, 1).value == "Needs from the committee"
        text = sheet.cell(top + 14, 1).value
        if pid in asks.index:
            assert text == asks[pid]
            shown += 1
        else:
            assert text == "Nothing asked of the committee this month.", (pid, text)
    assert shown >= 3


def test_forecasts_of_all_curves_at_once_are_those_of_one_by_one() -> None:
    """_with_forecasts (every curve in one pass) gives each curve what _with_forecast gives it: months
    added to the finish (across a gap in the plan too), nothing without progress, EAC or finish."""
    import numpy as np

    from pmo_xl.report.model_project_pages import Curve, _with_forecast, _with_forecasts

    def curve(months: list[str], ac: list[float]) -> Curve:
        period = np.array([np.datetime64(m, "D") for m in months], dtype="datetime64[ns]")
        values = np.array(ac, dtype=float)
        return Curve(period, values * 2, values * 1.5, values, np.full(len(months), np.nan))

    nan = float("nan")
    curves = {
        "beyond": curve(["2026-01-01", "2026-02-01", "2026-03-01"], [10, 20, nan]),  # finish after the plan's end
        "within": curve(["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01"], [5, nan, nan, nan]),
        "gap": curve(["2026-01-01", "2026-04-01", "2026-05-01"], [1, nan, nan]),  # Feb, Mar added inside the plan
        "late": curve(["2026-01-01", "2026-02-01"], [3, 4]),  # finish before the last progress month
        "no progress": curve(["2026-01-01"], [nan]),
        "no eac": curve(["2026-01-01"], [7]),
        "no finish": curve(["2026-01-01"], [7]),
    }
    metrics: dict[str, dict[str, object]] = {
        "beyond": {"eac": 100.0, "forecast_finish": pd.Timestamp("2026-06-20")},
        "within": {"eac": 50.0, "forecast_finish": pd.Timestamp("2026-03-31")},
        "gap": {"eac": 9.5, "forecast_finish": pd.Timestamp("2026-05-01")},
        "late": {"eac": 4.0, "forecast_finish": pd.Timestamp("2025-12-01")},
        "no progress": {"eac": 1.0, "forecast_finish": pd.Timestamp("2026-02-01")},
        "no eac": {"eac": nan, "forecast_finish": pd.Timestamp("2026-02-01")},
        "no finish": {"eac": 8.0, "forecast_finish": pd.NaT},
    }
    together = _with_forecasts(curves, metrics)
    for pid, one in curves.items():
        alone = _with_forecast(one, metrics[pid])
        for field in ("period", "pv", "ev", "ac", "forecast"):
            mine, theirs = getattr(together[pid], field), getattr(alone, field)
            assert mine.dtype == theirs.dtype and np.array_equal(mine, theirs, equal_nan=field != "period"), (pid, field)
    assert len(together["beyond"]) == 6 and len(together["gap"]) == 5  # to June; February and March added
