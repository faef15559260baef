"""`pmo-xl scenarios` and the report's Scenarios sheet, on the sample (three scenarios in its Settings)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from pmo_xl.cli import main
from pmo_xl.io.write_template import write_portfolio_workbook
from pmo_xl.report.model import build_report_model
from pmo_xl.report.sheets import SHEET_NAMES
from pmo_xl.usecases import compare_scenarios, load_portfolio, report_file


@pytest.fixture(scope="module")
def comparison(sample_workbook: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, Path]:
    out = tmp_path_factory.mktemp("scenarios") / "compare.xlsx"
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(["scenarios", str(sample_workbook), "-o", str(out), "-q"])
    return code, buffer.getvalue(), out


def test_the_sample_holds_three_scenarios_and_the_command_prints_each(sample_workbook: Path, comparison) -> None:
    code, printed, out = comparison
    assert code == 0
    portfolio = load_portfolio(sample_workbook)
    names = list(dict.fromkeys(portfolio.settings.scenarios["scenario"]))
    assert len(names) == 3
    lines = [line for line in printed.splitlines() if line.startswith("- ")]
    assert [line.split(":")[0][2:] for line in lines] == names
    assert printed.splitlines()[-1] == f"wrote {out}"
    # the sentences are the comparison's own
    result, _ = compare_scenarios(portfolio)
    from pmo_xl.scenarios.compare import summary

    assert lines == [f"- {s.name}: {summary(result.baseline, s)}" for s in result.scenarios]


def test_the_comparison_workbook_shows_the_scenarios_side_by_side(comparison) -> None:
    _, _, out = comparison
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Scenarios"]
    sheet = book["Scenarios"]
    table = sheet.tables["tblScenarioCompare"]
    rows = list(sheet[table.ref])
    headers = [c.value for c in rows[0]]
    assert headers[:3] == ["Section", "Measure", "Baseline"] and len(headers) == 3 + 2 * 3
    by_measure = {r[1].value: [c.value for c in r[2:]] for r in rows[1:]}
    base, *pairs = by_measure["Portfolio value"]
    for value, change in zip(pairs[::2], pairs[1::2], strict=True):
        assert change == pytest.approx(value - base)
    assert {"Over-allocated person-months", "Milestones moved", "PV in the next 12 months", "EV to date"} <= set(by_measure)
    assert any(str(m).startswith("Cost 20") for m in by_measure)


def test_json_only_and_unknown_names(sample_workbook: Path, capsys: pytest.CaptureFixture[str]) -> None:
    portfolio = load_portfolio(sample_workbook)
    first = str(portfolio.settings.scenarios["scenario"].iloc[0])
    assert main(["scenarios", str(sample_workbook), "--json", "--only", first]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["name"] for s in data["scenarios"]] == [first]
    assert data["scenarios"][0]["summary"].startswith(data["scenarios"][0]["actions"][0])
    assert data["baseline"]["ev_to_date"] == data["scenarios"][0]["ev_to_date"]  # no scenario re-writes what is reported
    assert main(["scenarios", str(sample_workbook), "--only", "No such plan"]) == 2
    assert "no scenario 'No such plan'" in capsys.readouterr().err


def test_a_workbook_without_scenarios_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", str(tmp_path / "blank.xlsx")]) == 0
    capsys.readouterr()
    assert main(["scenarios", str(tmp_path / "blank.xlsx")]) == 1
    assert "has no scenario to compare" in capsys.readouterr().err
    assert main(["scenarios", str(tmp_path / "blank.xlsx"), "-o", str(tmp_path / "x.pdf")]) == 2


def test_the_report_has_the_scenarios_sheet_only_when_there_are_scenarios(sample, sample_workbook: Path, tmp_path: Path) -> None:
    run, out = report_file(sample_workbook, tmp_path / "report.xlsx")
    names = openpyxl.load_workbook(out, read_only=True).sheetnames
    assert "Scenarios" in names and names.index("Scenarios") == names.index("Priorities") + 1
    model = build_report_model(run)
    assert model.scenarios is not None and len(model.scenarios.names) == 3
    # without the Scenarios rows: no sheet
    bare = tmp_path / "bare.xlsx"
    tables = {k: v for k, v in sample.settings_tables.items() if k != "Scenarios"}
    write_portfolio_workbook(bare, sample.data, sample.settings, settings_tables=tables)
    _, out = report_file(bare, tmp_path / "bare-report.xlsx")
    assert "Scenarios" not in openpyxl.load_workbook(out, read_only=True).sheetnames
    assert "Scenarios" in SHEET_NAMES
