"""Names compared the way Excel compares them (case and spacing do not matter): criteria, settings
keys and IDs; a repeat is an error at its second cell, a near-repeat a warning, and every header an
output writes is unique — two criteria differing only by case break neither collect nor the report."""

from __future__ import annotations

import openpyxl
import pandas as pd
from test_collect import PORTFOLIO_DATA, D, update, write_test_portfolio
from test_validation_cells import SCORES, criteria_table, project, raw_table, tables, validate

from pmo_xl.collect import collect_updates
from pmo_xl.collect.template import write_update_template
from pmo_xl.io.read_workbook import read_workbook
from pmo_xl.io.table_headers import unique_headers
from pmo_xl.parse.settings import parse_settings
from pmo_xl.schema.registers import PROJECTS
from pmo_xl.schema.settings import DEFAULT_CRITERIA, SETTINGS_TABLE
from pmo_xl.usecases import load_portfolio, write_report

TWINS = (*DEFAULT_CRITERIA, ("risk ", 10, "Lower is better", 1, 5))  # 'Risk' again, as Excel sees it


def _codes(issues, *codes: str) -> list[tuple[str, int | None, str | None, str]]:  # noqa: ANN001
    return sorted((str(i.severity), i.row, i.column, i.code) for i in issues if i.code in codes)


def test_a_setting_typed_twice_is_an_error_at_the_second_and_the_first_wins():
    settings_rows = [{"setting": "Status date", "value": D(2026, 10, 31)}, {"setting": "Currency", "value": "EUR"},
                     {"setting": "status DATE ", "value": D(2026, 9, 30)}]
    raw = {"Settings": raw_table(SETTINGS_TABLE, settings_rows), "Criteria": criteria_table()}
    settings, issues = parse_settings(raw)
    assert settings.status_date == D(2026, 10, 31)
    assert _codes(issues, "duplicate-key") == [("error", 4, "A", "duplicate-key")]
    assert "already set in row 2" in next(i.message for i in issues if i.code == "duplicate-key")


def test_criteria_differing_only_by_case_or_spaces_are_one_criterion():
    raw = tables(Projects=[project("P1")])
    raw["Criteria"] = criteria_table(TWINS)
    portfolio = validate(raw)
    assert portfolio.settings.criteria["criterion"].tolist() == [c[0] for c in DEFAULT_CRITERIA]
    assert _codes(portfolio.issues, "duplicate-key") == [("error", 8, "E", "duplicate-key")]


def test_near_duplicate_criteria_and_ids_are_warnings_at_their_cells():
    raw = tables(Projects=[project("PRJ-1"), project("prj-1"), project("PRJ-2"), project("PRJ-2")])
    raw["Criteria"] = criteria_table((*DEFAULT_CRITERIA, ("Business-value", 5, "Higher is better", 1, 5)))
    portfolio = validate(raw)
    assert _codes(portfolio.issues, "near-duplicate", "duplicate-id") == [
        ("error", 5, "A", "duplicate-id"), ("warning", 3, "A", "near-duplicate"), ("warning", 8, "E", "near-duplicate")]
    assert portfolio.registers["Projects"]["project_id"].tolist() == ["PRJ-1", "prj-1", "PRJ-2"]


def test_score_columns_differing_only_by_case_are_one_column():
    headers = [c.header for c in PROJECTS.columns] + SCORES + ["score: risk"]
    raw = tables(Projects=[])
    raw["Projects"] = raw_table(PROJECTS, [project("P1", **{"score: risk": 4})], headers)
    portfolio = validate(raw)
    letter = "X"  # 17 columns, 6 scores, then the repeat
    assert _codes(portfolio.issues, "duplicate-column") == [("error", 1, letter, "duplicate-column")]


def test_headers_written_are_unique_as_excel_compares_them():
    assert unique_headers(["Cost", "cost", " COST ", "", None, "Risk"]) == ["Cost", "cost (2)", "COST (3)", "Column 4", "Column 5", "Risk"]
    assert len(unique_headers(["x" * 300, "X" * 300])[1]) == 255


def test_twin_criteria_break_neither_collect_nor_the_report(tmp_path):
    portfolio = write_test_portfolio(tmp_path / "PMO.xlsx", TWINS)
    box = tmp_path / "updates"
    box.mkdir()
    write_update_template(box / "PRJ-001.xlsx", prefill=update("PRJ-001", D(2026, 11, 3), 101000.0))
    result = collect_updates(box, portfolio, write_feedback_files=False)
    projects = read_workbook(result.out, (PROJECTS,)).tables["Projects"]
    assert projects.table == PROJECTS.table and len(projects.rows) == len(PORTFOLIO_DATA["Projects"])
    assert "Score: risk (2)" in projects.headers
    report = tmp_path / "report.xlsx"
    write_report(load_portfolio(portfolio), report, pd.Timestamp("2026-10-01"))
    book = openpyxl.load_workbook(report)
    tables = {table.name: table for sheet in book.worksheets for table in sheet.tables.values()}
    ranking = tables["tblRanking"]
    headers = [c.name for c in ranking.tableColumns]
    assert len({h.casefold() for h in headers}) == len(headers)
