"""The Dashboard's charts and the Exceptions sheet, read back from the written workbook.

Series, axes and chart types through openpyxl's chart reader; the scatter's custom data labels
from the chart part itself (openpyxl drops a label's text when it reads one back).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from openpyxl.utils.cell import range_boundaries

from pmo_xl.pipeline import run_portfolio
from pmo_xl.report.model import ReportModel, build_report_model
from pmo_xl.report.sheets.dashboard import MAX_LABELS, chart_layout
from pmo_xl.report.sheets.exceptions import HEADER_ROW
from pmo_xl.report.write import write_report_model
from pmo_xl.usecases import load_portfolio

pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group extension is not supported")


@pytest.fixture(scope="module")
def model(sample_workbook: Path) -> ReportModel:
    return build_report_model(run_portfolio(load_portfolio(sample_workbook)))


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory, model: ReportModel) -> Path:
    return write_report_model(model, tmp_path_factory.mktemp("dash") / "report.xlsx")


@pytest.fixture(scope="module")
def book(report: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(report)


def column_values(book: openpyxl.Workbook, ref: str) -> list[object]:
    """The cells of a chart's range `'Dashboard'!$X$4:$X$40`, in order."""
    sheet, cells = ref.split("!")
    ws = book[sheet.strip("'")]
    found = ws[cells.replace("$", "")]
    return [found.value] if isinstance(found, openpyxl.cell.Cell) else [c.value for row in found for c in row]


def kpi(model: ReportModel, key: str) -> float:
    return next(k.value for k in model.kpis if k.key == key)


def test_s_curve_runs_to_completion_and_ends_at_eac(book: openpyxl.Workbook, model: ReportModel) -> None:
    line = next(c for c in book["Dashboard"]._charts if type(c).__name__ == "LineChart")
    assert [s.tx.v for s in line.series] == ["PV", "EV", "AC", "Forecast to EAC", "BAC"]
    months = [pd.Timestamp(v) for v in column_values(book, line.series[0].cat.numRef.f)]
    series = {s.tx.v: column_values(book, s.val.numRef.f) for s in line.series}
    status = model.period
    metrics = model.earned_value.metrics
    assert months[-1] == pd.Timestamp(metrics["forecast_finish"].max()).to_period("M").start_time  # to the latest forecast finish
    assert months == sorted(months) and len(set(months)) == len(months)
    assert all(any(series[name][i] is not None for name in series) for i in range(len(months)))  # no empty month
    at = months.index(status)
    assert all(v is None for v in series["EV"][at + 1:]) and all(v is None for v in series["AC"][at + 1:])  # EV, AC to date only
    assert all(v is None for v in series["Forecast to EAC"][:at])
    assert series["Forecast to EAC"][-1] == pytest.approx(kpi(model, "eac"))  # ends at the tiles' EAC
    assert series["AC"][at] == pytest.approx(series["Forecast to EAC"][at], rel=0.05)  # starts from AC now
    pv = np.array(series["PV"], dtype=float)
    assert np.all(np.diff(pv) >= -1e-6) and pv[-1] == pytest.approx(kpi(model, "bac"))  # cumulative plan, to BAC
    assert pv[0] > 0  # from the first month with a plan, not before


def test_scatter_labels_red_projects_by_id(report: Path, book: openpyxl.Workbook, model: ReportModel) -> None:
    scatter = next(c for c in book["Dashboard"]._charts if type(c).__name__ == "ScatterChart")
    assert [s.tx.v for s in scatter.series] == ["Red", "Amber", "Green"][:len(scatter.series)]
    red = set(model.scatter.loc[model.scatter["rag"] == "Red", "project_id"])
    with zipfile.ZipFile(report) as package:
        part = next(package.read(n).decode() for n in package.namelist()
                    if n.startswith("xl/charts/") and "<c:scatterChart>" in package.read(n).decode())
    first_series = part.split("</c:ser>")[0]
    labels = re.findall(r"<c:dLbl>.*?<a:t>([^<]+)</a:t>", first_series)
    assert labels and set(labels) <= red and len(labels) <= MAX_LABELS
    title = " ".join(re.findall(r"<a:t>([^<]+)</a:t>", part.split("<c:plotArea>")[0]))
    unlabelled = red - set(labels)
    if len(red) <= MAX_LABELS:  # every Red project is named: by a label, or in the title when off the chart
        assert unlabelled and all(pid in title.split("off the chart: ")[1] for pid in unlabelled), title


def test_team_legend_reads_in_time_order_with_no_empty_month(book: openpyxl.Workbook) -> None:
    team = [c for c in book["Dashboard"]._charts if type(c).__name__ == "BarChart" and c.series[0].tx.strRef is not None][0]
    assert team.barDir == "col"  # a column chart lists its legend left to right, as the months run
    names = [pd.Timestamp(column_values(book, s.tx.strRef.f)[0]) for s in team.series]
    assert names == sorted(names) and len(names) >= 2
    for s in team.series:
        assert any(v is not None for v in column_values(book, s.val.numRef.f))


def test_dashboard_is_one_page_and_points_to_the_exceptions(book: openpyxl.Workbook, model: ReportModel) -> None:
    ws = book["Dashboard"]
    *_, LAST_ROW = chart_layout(len(model.kpis))  # noqa: N806 (the sample's third band of tiles moves it)
    _, _, _, last = range_boundaries(ws.print_area[0].split("!")[1].replace("$", "")) if isinstance(ws.print_area, list) else \
        range_boundaries(ws.print_area.split("!")[1].replace("$", ""))
    assert last == LAST_ROW + 1 and not ws.row_breaks.brk
    assert ws.cell(LAST_ROW + 1, 1).value.startswith("Exceptions, and what the committee is asked for: see the Exceptions sheet")


def test_exceptions_sheet_holds_the_asks_then_the_exceptions(book: openpyxl.Workbook, model: ReportModel) -> None:
    ws = book["Exceptions"]
    assert book.sheetnames[1] == "Exceptions" and ws.print_title_rows == f"${HEADER_ROW + 1}:${HEADER_ROW + 1}"
    rows = [[c.value for c in row[:5]] for row in ws.iter_rows(min_row=HEADER_ROW + 2, max_row=ws.max_row)]
    asks = [r for r in rows if r[0] == "Needs from the committee"]
    needs = model.committee_needs
    assert len(asks) == len(needs) >= 3
    for row, record in zip(asks, needs.to_dict("records"), strict=True):
        assert row[1] == record["project_id"] and row[4].startswith(record["needs"])
        assert f"Overall {record['rag']}" in row[4]
    heading = [bool(r[0]) and all(v is None for v in r[1:]) for r in rows]  # a section title: column A only
    kinds = [r[0] for r, h in zip(rows, heading, strict=True) if r[0] and not h and r[0] != "Needs from the committee"]
    assert len(kinds) == len(model.exceptions) > 0 and kinds == model.exceptions["kind"].tolist()
    headings = [r[0] for r, h in zip(rows, heading, strict=True) if h]
    assert headings[0].startswith("Needs from the committee") and headings[1].startswith("Exceptions needing attention")


def test_forecast_rises_from_ac_to_eac_at_each_forecast_finish() -> None:
    """Per project: a straight line from AC now to EAC at its forecast finish, then EAC; a project due by
    now is at its EAC at once; one with no EAC stays at its AC."""
    from pmo_xl.report.model_s_curve import _forecast

    first = np.datetime64("2026-01", "M")
    finish = np.array(["2026-05", "2026-02", "NaT", "2026-07"], dtype="datetime64[M]")
    got = _forecast(np.array([10.0, 50.0, 20.0, 5.0]), np.array([50.0, 80.0, 40.0, np.nan]), finish, first, 8, at=2)
    assert got[0, 2:].tolist() == [10.0, 30.0, 50.0, 50.0, 50.0, 50.0]  # March (now) to May: two steps of 20
    assert got[1, 2:].tolist() == [80.0] * 6  # finish before the status month: at EAC at once
    assert got[2, 2:].tolist() == [40.0] * 6  # no forecast finish: at EAC at once
    assert got[3, 2:].tolist() == [5.0] * 6  # no EAC: stays at AC


def test_print_edition_cuts_the_asks_and_says_so(model: ReportModel) -> None:
    import dataclasses

    from pmo_xl.report.print_edition import PRINT, PRINT_NEEDS, cut_needs, print_contents

    many = pd.concat([model.committee_needs] * (PRINT_NEEDS // len(model.committee_needs) + 2), ignore_index=True)
    printed = dataclasses.replace(model, edition=PRINT, committee_needs=many)
    shown, cut = cut_needs(printed, many)
    assert len(shown) == PRINT_NEEDS and cut.total == len(many) and shown.equals(many.head(PRINT_NEEDS))
    assert cut_needs(model, many)[1] is None  # the workbook keeps every ask
    assert any(line.strip().startswith("Exceptions: the first 30 asks") for line in print_contents(dataclasses.replace(model, committee_needs=many)))
