"""The monthly report pack, read back: sheets, values against the model, formats, charts, tables,
conditional formats, no error cells, register text never a formula, determinism, the CLI."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import math
import re
import zipfile
from pathlib import Path
from posixpath import dirname, join, normpath

import numpy as np
import openpyxl
import pandas as pd
import pytest

from pmo_xl.cli import main
from pmo_xl.compute.risk import PROBABILITY_SHARE
from pmo_xl.errors import OutputError
from pmo_xl.io.write_template import write_portfolio_workbook
from pmo_xl.model import Portfolio
from pmo_xl.options import RunOptions
from pmo_xl.pipeline import run_portfolio
from pmo_xl.report.formats import money_format
from pmo_xl.report.model import ReportModel, build_report_model
from pmo_xl.report.sheets import GOVERNANCE_SHEETS, SCENARIO_SHEETS, SHEET_NAMES
from pmo_xl.report.sheets.dashboard import TILE_ROWS, TILES_PER_ROW
from pmo_xl.report.write import write_report_model
from pmo_xl.sample import Sample, generate_sample
from pmo_xl.schema.registers import PROGRESS, PROJECTS, RISKS
from pmo_xl.usecases import load_portfolio, write_report

# openpyxl cannot keep sparklines when it reads a file and says so; the tests count them in the XML.
pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group extension is not supported")

EXPECTED_SHEETS = ["Dashboard", "Exceptions", "Roadmap", "Milestone timeline", "Project index", "Project pages", "Portfolio", "Priorities", "Resources", "Over-allocations",
                   "Earned Value", "EV forecasts", "Risks", "RAID", "Benefits", "Strategic alignment", "Lessons", "Milestones", "Trends", "Drift",
                   "Milestone trends", "Data Quality"]
ERROR_VALUES = {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#GETTING_DATA", "nan", "NaN", "inf", "-inf"}
# Text a PM could type that a careless writer would turn into a formula.
HOSTILE = {"name": "=SUM(1,2) rollout", "manager": "+44 20 7946 0000", "commentary": "-5 days late; =HYPERLINK(\"http://x\")",
           "title": "@risk of =1/0"}


@pytest.fixture(scope="module")
def hostile_sample() -> Sample:
    """The sample, with formula-looking text in a project name, a PM name, a comment and a risk title."""
    sample = copy.deepcopy(generate_sample())
    projects, progress, risks = sample.data["Projects"], sample.data["Progress"], sample.data["Risks"]
    target = next(i for i, row in enumerate(projects) if row[PROJECTS.fields.index("status")] == "Active")
    pid = projects[target][0]
    projects[target][PROJECTS.fields.index("name")] = HOSTILE["name"]
    projects[target][PROJECTS.fields.index("manager")] = HOSTILE["manager"]
    last = max((i for i, row in enumerate(progress) if row[0] == pid), key=lambda i: progress[i][1])
    progress[last][PROGRESS.fields.index("commentary")] = HOSTILE["commentary"]
    p, cost, status = (RISKS.fields.index(f) for f in ("probability", "cost_impact", "status"))

    def exposure(row: list[object]) -> float:
        return PROBABILITY_SHARE.get(row[p], 0.0) * float(row[cost] or 0) if row[status] == "Open" else -1.0

    risks[max(range(len(risks)), key=lambda i: exposure(risks[i]))][RISKS.fields.index("title")] = HOSTILE["title"]
    return sample


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory, hostile_sample: Sample) -> Portfolio:
    path = tmp_path_factory.mktemp("report") / "PMO.xlsx"
    write_portfolio_workbook(path, hostile_sample.data, hostile_sample.settings)
    return load_portfolio(path)


def model_of(portfolio: Portfolio, options: RunOptions | None = None) -> ReportModel:
    return build_report_model(run_portfolio(portfolio, options))


@pytest.fixture(scope="module")
def model(portfolio: Portfolio) -> ReportModel:
    return model_of(portfolio)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory, model: ReportModel) -> Path:
    return write_report_model(model, tmp_path_factory.mktemp("out") / "report.xlsx")


@pytest.fixture(scope="module")
def book(report: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(report)


def table_frame(book: openpyxl.Workbook, sheet: str, table: str) -> tuple[pd.DataFrame, list, int]:
    """An Excel Table read back as a frame of cell values (header text as columns), its cells, first data row."""
    ws = book[sheet]
    ref = ws.tables[table].ref
    rows = list(ws[ref])
    headers = [c.value for c in rows[0]]
    frame = pd.DataFrame([[c.value for c in r] for r in rows[1:]], columns=headers, dtype=object)  # None stays None
    return frame, rows[1:], rows[0][0].row + 1


def same(cell_value: object, model_value: object) -> bool:
    """A cell holds the model's value: blank for NaN/None, numbers equal, text equal."""
    if model_value is None or (isinstance(model_value, float) and math.isnan(model_value)) or model_value is pd.NaT:
        return cell_value is None
    if isinstance(model_value, (pd.Timestamp, np.datetime64)):
        return pd.Timestamp(cell_value) == pd.Timestamp(model_value)
    if isinstance(model_value, (int, float, np.number)) and not isinstance(model_value, bool):
        return isinstance(cell_value, (int, float)) and math.isclose(cell_value, float(model_value), rel_tol=1e-12, abs_tol=1e-9)
    return cell_value == str(model_value)


def charts_by_sheet(path: Path) -> dict[str, int]:
    """Native charts per sheet, from the package parts (openpyxl drops charts when reading)."""
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        workbook = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        targets = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="([^"]+)"', rels)) | {
            k: v for v, k in re.findall(r'Target="([^"]+)"[^>]*Id="(rId\d+)"', rels)}
        counts = {}
        for name, rid in re.findall(r'<sheet name="([^"]+)" sheetId="\d+" r:id="(rId\d+)"', workbook):
            sheet_part = normpath(join("xl", targets[rid]))
            sheet_rels = join(dirname(sheet_part), "_rels", sheet_part.split("/")[-1] + ".rels")
            count = 0
            if sheet_rels in names:
                for drawing in re.findall(r'Target="([^"]*drawings/drawing\d+\.xml)"', z.read(sheet_rels).decode()):
                    drawing_part = normpath(join(dirname(sheet_part), drawing))
                    drawing_rels = join(dirname(drawing_part), "_rels", drawing_part.split("/")[-1] + ".rels")
                    if drawing_rels in names:
                        count += len(re.findall(r"charts/chart\d+\.xml", z.read(drawing_rels).decode()))
            counts[name] = count
        return counts


def test_sheets_are_exactly_the_pack(book: openpyxl.Workbook) -> None:
    assert book.sheetnames == EXPECTED_SHEETS  # the workbook has no scenarios: no Scenarios sheet
    assert [n for n in SHEET_NAMES if n not in SCENARIO_SHEETS] == EXPECTED_SHEETS


def test_dashboard_tiles_hold_the_model_kpis(book: openpyxl.Workbook, model: ReportModel) -> None:
    ws = book["Dashboard"]
    assert len(model.kpis) == 2 * TILES_PER_ROW + 4  # the sample keeps the RAID and benefits registers: four more tiles
    for index, kpi in enumerate(model.kpis):
        band, position = divmod(index, TILES_PER_ROW)
        row, col = TILE_ROWS[band] + 2, position * 2 + 1  # the value row, 1-based for openpyxl
        assert str(ws.cell(row - 1, col).value).startswith(kpi.label)
        assert same(ws.cell(row, col).value, kpi.value), kpi.label
        change = ws.cell(row + 1, col).value
        if np.isfinite(kpi.change):
            assert same(change, kpi.change), kpi.label
            assert "▲" in ws.cell(row + 1, col).number_format
        else:
            assert isinstance(change, str)  # the reason there is no change, e.g. "no history kept"
    labels = [k.label for k in model.kpis]
    for wanted in ("Projects active or on hold", "Budget (BAC)", "Forecast (EAC)", "Variance at completion", "Cost performance (CPI)",
                   "Schedule performance (SPI)", "Earned schedule SPI(t)", "Red projects", "Over-allocated people",
                   "Risks scoring 15 or more (open)", "Data-quality errors"):
        assert wanted in labels


def test_kpis_compare_with_the_month_before(model: ReportModel, portfolio: Portfolio) -> None:
    """Last period's EV figures are the same computation with the status date a month earlier."""
    from pmo_xl.compute.earned_value import compute_earned_value
    from pmo_xl.pipeline import portfolio_at

    kpis = {k.key: k for k in model.kpis}
    before, _ = compute_earned_value(portfolio_at(portfolio, model.previous_period))
    row = before.rollup[before.rollup["level"] == "portfolio"].iloc[0]
    assert model.previous_period == pd.Timestamp(2026, 9, 1)
    for key in ("bac", "eac", "vac", "cpi", "spi", "spi_t"):
        assert kpis[key].previous == pytest.approx(float(row[key]))
    now = model.earned_value.rollup if model.earned_value else None
    assert now is not None and kpis["cpi"].value == pytest.approx(float(now[now["level"] == "portfolio"].iloc[0]["cpi"]))
    assert kpis["errors"].previous != kpis["errors"].previous  # NaN: no history of errors is kept


def test_portfolio_table_matches_the_model(book: openpyxl.Workbook, model: ReportModel) -> None:
    frame, cells, _ = table_frame(book, "Portfolio", "tblPortfolio")
    expected = model.portfolio
    assert len(frame) == len(expected) == len(set(expected["project_id"]))
    pairs = {"Project ID": "project_id", "Project": "name", "Programme": "programme", "BAC": "bac", "EAC": "eac", "VAC": "vac",
             "CPI": "cpi", "SPI": "spi", "Overall": "rag_overall", "Trend": "trend", "Priority rank": "rank", "Start": "start"}
    for header, field in pairs.items():
        for got, want in zip(frame[header], expected[field], strict=True):
            want = None if isinstance(want, str) and want == "" else want
            assert same(got, want), (header, got, want)
    # ordered by programme then ID
    keys = list(zip(expected["programme"].fillna("~"), expected["project_id"], strict=True))
    assert keys == sorted(keys)


def test_number_formats(book: openpyxl.Workbook, model: ReportModel) -> None:
    _, cells, _ = table_frame(book, "Portfolio", "tblPortfolio")
    headers = [c.value for c in book["Portfolio"][book["Portfolio"].tables["tblPortfolio"].ref][0]]
    first = cells[0]
    fmt = {h: first[i].number_format for i, h in enumerate(headers)}
    assert fmt["BAC"] == money_format("EUR") and "€" in fmt["BAC"]
    assert fmt["CPI"] == "0.00"
    assert fmt["Start"] == "d mmm yyyy"
    ws = book["Resources"]
    heat = ws[ws.tables["tblHeatmap"].ref]
    assert heat[1][4].number_format == "0%"
    ev = book["Earned Value"]
    headers = [c.value for c in ev[ev.tables["tblEvProjects"].ref][0]]
    body = ev[ev.tables["tblEvProjects"].ref][1]
    assert body[headers.index("% complete")].number_format == "0%"
    assert body[headers.index("SV(t)")].number_format.startswith('0.0" mo"')


@pytest.mark.parametrize(("currency", "expected"), [
    ("EUR", "[$€-2] #,##0"), ("€", "[$€-2] #,##0"), ("USD", "[$$-409] #,##0"), ("$", "[$$-409] #,##0"),
    ("GBP", "[$£-809] #,##0"), ("£", "[$£-809] #,##0"), ("CHF", '#,##0 "CHF"'), ("XYZ", '#,##0 "XYZ"'), ("", "#,##0"),
    ('Q"1', '#,##0 "Q1"'),
])
def test_currency_formats(currency: str, expected: str) -> None:
    assert money_format(currency).split(";")[0] == expected
    assert ";[Red]-" in money_format(currency)


def test_charts_on_dashboard_priorities_and_earned_value(report: Path, model: ReportModel) -> None:
    charts = charts_by_sheet(report)
    assert charts["Dashboard"] == 4  # RAG, CPI vs SPI, S-curve, team utilisation
    assert charts["Priorities"] == 1  # efficient frontier
    assert charts["Earned Value"] == len(model.earned_value.curves) >= 1
    with zipfile.ZipFile(report) as z:
        sheet = f"xl/worksheets/sheet{EXPECTED_SHEETS.index('Earned Value') + 1}.xml"
        assert z.read(sheet).count(b"<x14:sparkline>") == 2 * len(model.earned_value.metrics)


def test_every_list_is_an_excel_table_with_a_filter(book: openpyxl.Workbook) -> None:
    expected = {
        "Portfolio": {"tblPortfolio"}, "Priorities": {"tblCriteria", "tblRanking", "tblFrontier"},
        "Resources": {"tblTeamLoad", "tblRoleLoad", "tblHeatmap"}, "Over-allocations": {"tblOverallocations"},
        "Earned Value": {"tblEvRollup", "tblEvProjects"}, "EV forecasts": {"tblEvForecasts"}, "Risks": {"tblRiskBands", "tblTopRisks"},
        "Milestones": {"tblMilestones"}, "Data Quality": {"tblLeftOut", "tblChecks", "tblIssues"}, "Project index": {"tblProjectPages"},
    }
    for sheet, names in expected.items():
        tables = book[sheet].tables
        assert set(tables) == names, sheet
        for name in names:
            assert tables[name].autoFilter is not None


def test_conditional_formats(book: openpyxl.Workbook) -> None:
    def rules(sheet: str) -> list[tuple[str, str]]:
        found = []
        for cf in book[sheet].conditional_formatting:
            for rule in cf.rules:
                found.append((rule.type, " ".join(rule.formula or [])))
        return found

    portfolio = rules("Portfolio")
    assert ("cellIs", '"Red"') in portfolio and ("cellIs", '"Green"') in portfolio and ("cellIs", '"▼"') in portfolio
    assert any(kind == "colorScale" for kind, _ in rules("Resources"))
    assert ("cellIs", '"Critical"') in rules("Risks")


def test_no_error_cells_no_formulas_no_nan(book: openpyxl.Workbook) -> None:
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} holds a formula"
                assert cell.data_type != "e", f"{ws.title}!{cell.coordinate} holds an error"
                if isinstance(value, float):
                    assert math.isfinite(value), f"{ws.title}!{cell.coordinate}"
                if isinstance(value, str):
                    assert value.strip() not in ERROR_VALUES, f"{ws.title}!{cell.coordinate} = {value!r}"


def test_register_text_is_written_as_text(book: openpyxl.Workbook, model: ReportModel) -> None:
    frame, cells, first = table_frame(book, "Portfolio", "tblPortfolio")
    row = frame.index[frame["Project"] == HOSTILE["name"]][0]
    headers = list(frame.columns)
    for header, text in (("Project", HOSTILE["name"]), ("Project manager", HOSTILE["manager"]), ("PM commentary", HOSTILE["commentary"])):
        cell = cells[row][headers.index(header)]
        assert cell.data_type == "s" and cell.value == text
    risks, risk_cells, _ = table_frame(book, "Risks", "tblTopRisks")
    assert HOSTILE["title"] in list(risks["Risk"])
    found = [c for r in risk_cells for c in r if c.value == HOSTILE["title"]]
    assert found and all(c.data_type == "s" for c in found)


def test_undefined_figures_are_blank_cells(book: openpyxl.Workbook, model: ReportModel) -> None:
    frame, _, _ = table_frame(book, "Earned Value", "tblEvProjects")
    metrics = model.earned_value.metrics
    blanks = 0
    for header, field in (("SPI", "spi"), ("CPI", "cpi"), ("SPI(t)", "spi_t"), ("TCPI", "tcpi_bac"), ("EAC", "eac")):
        for got, want in zip(frame[header], metrics[field], strict=True):
            assert same(got, want), (header, got, want)
            blanks += want != want
    assert blanks > 0  # the sample has undefined figures (TCPI once AC passed BAC): they are blank, not 0


def test_data_quality_lists_every_validation_issue(book: openpyxl.Workbook, portfolio: Portfolio, model: ReportModel) -> None:
    frame, _, _ = table_frame(book, "Data Quality", "tblIssues")
    listed = set(zip(frame["Check"], frame["Sheet"], frame["Cell"].fillna(""), strict=True))
    for issue in portfolio.issues:
        assert (issue.code, issue.sheet, issue.cell) in listed
    checks, _, _ = table_frame(book, "Data Quality", "tblChecks")
    assert int(checks["Count"].sum()) == sum(model.data_quality.counts.values())


def test_print_setup(report: Path, book: openpyxl.Workbook) -> None:
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.paperSize == 9, ws.title  # A4 everywhere: one paper size for the whole pack
        if ws.sheet_properties.pageSetUpPr.fitToPage:
            assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0, ws.title  # 1 is the default, left out
        else:  # an explicit scale, with page breaks planned between groups
            assert 10 <= int(ws.page_setup.scale or 100) <= 100, ws.title  # 100 is the default, left out
        assert "Contoso transformation portfolio" in ws.oddHeader.left.text
        assert "October 2026" in ws.oddHeader.center.text
        assert "&P" in ws.oddFooter.right.text and "&N" in ws.oddFooter.right.text
        assert "October 2026 report" in ws.oddFooter.left.text, ws.title
    assert book["Portfolio"].print_title_rows == "$4:$4"
    assert book["Portfolio"].freeze_panes == "C5"


def test_every_long_table_repeats_its_header_on_every_printed_page(book: openpyxl.Workbook) -> None:
    """Print titles: on each sheet the last (long) table's header row is repeated; it is the only long one."""
    for ws in book.worksheets:
        if ws.title in ("Dashboard", "Project pages"):  # a fixed layout of whole pages
            continue
        tables = sorted(ws.tables.values(), key=lambda t: openpyxl.utils.cell.range_boundaries(t.ref)[1])
        if ws.title == "Roadmap":
            assert ws.print_title_rows == "$4:$5"  # quarters and months
            continue
        if ws.title == "Exceptions":  # two sections under one column header, not an Excel Table
            assert ws.print_title_rows == "$4:$4" and ws["A4"].value == "Kind"
            continue
        last = tables[-1]
        _, first_row, _, last_row = openpyxl.utils.cell.range_boundaries(last.ref)
        if last_row - first_row > 25:  # can run onto a second page
            assert ws.print_title_rows == f"${first_row}:${first_row}", ws.title
        for other in tables[:-1]:
            _, top, _, bottom = openpyxl.utils.cell.range_boundaries(other.ref)
            assert bottom - top <= 25, (ws.title, other.name)  # no second long table whose pages would lack a header


def test_the_print_edition_cuts_long_lists_and_says_so(tmp_path: Path, model: ReportModel, monkeypatch: pytest.MonkeyPatch) -> None:
    import pmo_xl.report.print_edition as edition

    monkeypatch.setattr(edition, "PRINT_ROWS", 5)
    printed = openpyxl.load_workbook(write_report_model(dataclasses.replace(model, edition=edition.PRINT), tmp_path / "print.xlsx"))
    rows, _, _ = table_frame(printed, "Portfolio", "tblPortfolio")
    assert len(rows) == 5 and set(rows["Overall"]) <= {"Red", "Amber"}
    assert "all are in the workbook" in printed["Portfolio"]["A3"].value
    heat, _, _ = table_frame(printed, "Resources", "tblHeatmap")
    assert set(heat["Resource ID"]) <= model.resources.over_now and len(heat) <= 5
    lines = edition.print_contents(model)
    assert any(line.strip().startswith("Portfolio: ") for line in lines) and lines[-1] == "the workbook holds every row"


def test_determinism_same_input_same_bytes(tmp_path: Path, portfolio: Portfolio, report: Path) -> None:
    again = write_report(portfolio, tmp_path / "again.xlsx")
    assert hashlib.sha256(again.read_bytes()).hexdigest() == hashlib.sha256(report.read_bytes()).hexdigest()


def test_cli_report_leaves_the_input_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sample = generate_sample(projects=12, seed=3)
    source = tmp_path / "PMO.xlsx"
    write_portfolio_workbook(source, sample.data, sample.settings)
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    out = tmp_path / "pack.xlsx"
    assert main(["report", str(source), "-o", str(out), "-q"]) == 1  # written; 1: the sample carries planted errors
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before
    assert openpyxl.load_workbook(out).sheetnames == EXPECTED_SHEETS
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".pack")]  # no temporary left behind
    # --period picks an earlier month
    assert main(["report", str(source), "-o", str(tmp_path / "sep.xlsx"), "--period", "2026-09", "-q"]) == 1
    assert "September 2026" in openpyxl.load_workbook(tmp_path / "sep.xlsx")["Dashboard"]["A2"].value


def test_a_target_open_in_excel_is_one_clear_line(tmp_path: Path, portfolio: Portfolio, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"the old report")
    (tmp_path / "~$report.xlsx").write_bytes(b"lock")
    with pytest.raises(OutputError, match="open in Excel"):
        write_report(portfolio, target)
    assert target.read_bytes() == b"the old report"


def test_another_period(portfolio: Portfolio) -> None:
    september = model_of(portfolio, RunOptions(strict=True, period=pd.Timestamp(2026, 9, 1)))
    assert september.period == pd.Timestamp(2026, 9, 1) and september.previous_period == pd.Timestamp(2026, 8, 1)
    assert str(september.status_date) == "2026-09-30"
    curve = september.s_curve
    assert curve.dropna(subset=["ac"])["period"].max() == pd.Timestamp(2026, 9, 1)  # progress to the status month
    assert curve.dropna(subset=["forecast"])["period"].min() == pd.Timestamp(2026, 9, 1)  # the forecast from there on


def test_empty_workbook_still_gives_the_whole_pack(tmp_path: Path) -> None:
    """A blank template: no period, no figures — every sheet is there and says so, nothing crashes.

    Strict: every computation copes with empty registers (none becomes an internal-error issue).
    """
    source = tmp_path / "blank.xlsx"
    write_portfolio_workbook(source)
    out = write_report(load_portfolio(source), tmp_path / "blank-report.xlsx")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == [s for s in EXPECTED_SHEETS if s not in ("Project index", "Project pages", *GOVERNANCE_SHEETS)]  # no project, no page
    assert "no period" in book["Dashboard"]["A2"].value
    assert "not available" in (book["Dashboard"]["A3"].value or "").lower()


def test_a_failing_computation_is_reported_not_raised(portfolio: Portfolio, monkeypatch: pytest.MonkeyPatch) -> None:
    import pmo_xl.compute.risk.core as risk

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(risk, "compute_risk", broken)
    monkeypatch.setattr("pmo_xl.compute.risk.compute_risk", broken)
    model = model_of(portfolio, RunOptions(strict=False))
    assert model.risks is None and "boom" in model.unavailable["Risks"]
    assert "internal-error" in set(model.data_quality.issues["code"])
    with pytest.raises(RuntimeError):
        model_of(portfolio, RunOptions(strict=True))


def test_model_is_plain_data(model: ReportModel) -> None:
    """The model holds values only: no Excel objects, so it can be tested and reused without a writer."""
    for field in dataclasses.fields(model):
        value = getattr(model, field.name)
        assert "xlsxwriter" not in type(value).__module__


def test_page_header_text_is_escaped() -> None:
    """A portfolio called "R&D" must not start an Excel header control code (&D is the date)."""
    from pmo_xl.report.sheets.common import header_text

    assert header_text("R&D portfolio") == "R&&D portfolio"


def test_data_quality_counts_by_severity(book: openpyxl.Workbook, model: ReportModel) -> None:
    counts = model.data_quality.counts
    subtitle = book["Data Quality"]["A2"].value
    assert f"{counts['error']} errors" in subtitle and f"{counts['warning']} warnings" in subtitle
    checks, _, _ = table_frame(book, "Data Quality", "tblChecks")
    for severity, count in counts.items():
        assert int(checks.loc[checks["Severity"] == severity, "Count"].sum()) == count
