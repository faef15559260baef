"""Words that said something else (issue 21, item 6), each seen wrong before:

- the "High risks (score ≥ 15)" tile beside a band table where High is 10–15 and Critical 16–25;
- an "Active projects" tile that also counted projects on hold;
- '15/03/2026' refused as ambiguous although 15 cannot be a month;
- Data Quality quoting 45.0, 105000.0 and a period as 2026-06-01.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from pmo_xl.compute.risk import high_risks_name
from pmo_xl.io.write_template import write_portfolio_workbook
from pmo_xl.parse.cells import convert_column
from pmo_xl.report.model import ReportModel, build_report_model
from pmo_xl.report.model_views import shown_as_typed
from pmo_xl.schema.registers import PROJECTS
from pmo_xl.usecases import validate_file

D = dt.datetime
FINISH = next(c for c in PROJECTS.columns if c.field == "finish")


def project(pid: str, status: str, bac: object = 100000.0) -> list[object]:
    return [pid, f"Project {pid}", "Digital", "HR", "Sponsor", "Manager", "Run", status, "Execution",
            D(2026, 1, 5), D(2026, 12, 31), bac, None, None, None, None, "Green", 3, 3, 3, 3, 3, 3]


def risk(rid: str, probability: object, impact: int) -> list[object]:
    return [rid, "PRJ-001", f"Risk {rid}", "External", "Owner", probability, impact, 1000.0, "Mitigate", "Open", D(2026, 1, 10), None]


def progress(pid: str, month: int) -> list[object]:
    return [pid, D(2026, month, 1), 1000.0 * month, 900.0 * month, None, 950.0 * month, None, None, None, None, None, "ok"]


def model_of(tmp_path: Path, data: dict[str, list[list[object]]], **settings: object) -> ReportModel:
    path = write_portfolio_workbook(tmp_path / "PMO.xlsx", data, {"status_date": D(2026, 3, 31), **settings})
    return build_report_model(validate_file(path))


# --- risk tiles speak in the Risks sheet's band names ----------------------------------------


@pytest.mark.parametrize(("score", "name"), [
    (16, "Critical risks"), (10, "High or Critical risks"), (5, "Medium, High or Critical risks"), (1, "Risks"),
    (15, "Risks scoring 15 or more"), (12, "Risks scoring 12 or more"),
])
def test_the_high_risk_count_is_named_by_its_bands_or_its_score(score: int, name: str) -> None:
    assert high_risks_name(score) == name


@pytest.mark.parametrize(("score", "label", "count"), [
    (15, "Risks scoring 15 or more (open)", 1),  # "High risks (open)" before: High is 10-15 on the Risks sheet
    (10, "High or Critical risks (open)", 2),
    (16, "Critical risks (open)", 1),
])
def test_the_risk_tile_says_what_it_counts(tmp_path: Path, score: int, label: str, count: int) -> None:
    data = {"Projects": [project("PRJ-001", "Active")], "Progress": [progress("PRJ-001", 3)],
            "Risks": [risk("R-1", 4, 5), risk("R-2", 3, 4), risk("R-3", 2, 2)]}  # scores 20, 12, 4
    tile = next(k for k in model_of(tmp_path, data, high_risk_score=score).kpis if k.key == "risks")
    assert (tile.label, tile.value) == (label, count)
    assert "High risks" not in tile.label or score == 10


def test_the_projects_tile_says_it_counts_projects_on_hold(tmp_path: Path) -> None:
    data = {"Projects": [project("PRJ-001", "Active"), project("PRJ-002", "On hold"), project("PRJ-003", "Proposed")],
            "Progress": [progress("PRJ-001", 3)]}
    tile = next(k for k in model_of(tmp_path, data).kpis if k.key == "active")
    assert tile.value == 2
    assert tile.label == "Projects active or on hold"  # "Active projects" before, counting PRJ-002 too


# --- text dates: read when only one reading is a date ----------------------------------------


@pytest.mark.parametrize(("text", "date", "code"), [
    ("15/03/2026", pd.Timestamp("2026-03-15"), "date-as-text"),  # refused as ambiguous before
    ("03/15/2026", pd.Timestamp("2026-03-15"), "date-as-text"),
    ("05/05/2026", pd.Timestamp("2026-05-05"), "date-as-text"),  # both readings are the same day
    ("13.12.2026", pd.Timestamp("2026-12-13"), "date-as-text"),
    ("03/04/2026", None, "not-a-date"),  # 3 April or March 4: never guessed
    ("15/03/26", None, "not-a-date"),  # the century is a guess
    ("31/02/2026", None, "not-a-date"),
])
def test_a_day_month_text_is_read_when_only_one_reading_is_a_date(text: str, date: pd.Timestamp | None, code: str) -> None:
    converted = convert_column(pd.Series([text], dtype=object), FINISH)
    value = converted.values.iloc[0]
    assert (None if pd.isna(value) else pd.Timestamp(value)) == date
    assert [p.code for p in converted.problems] == [code]


def test_the_refusals_say_why(tmp_path: Path) -> None:
    ambiguous, short = (convert_column(pd.Series([t], dtype=object), FINISH).problems[0] for t in ("03/04/2026", "15/03/26"))
    assert "day/month order cannot be told" in ambiguous.message
    assert "two-digit year" in short.message and "day/month" not in short.message


# --- Data Quality quotes values as typed ------------------------------------------------------


@pytest.mark.parametrize(("value", "period", "shown"), [
    (45.0, False, "45"), (105000.0, False, "105000"), (0.5, False, "0.5"), (7, False, "7"), ("Actve", False, "Actve"),
    (dt.date(2026, 6, 30), False, "2026-06-30"), (dt.date(2026, 6, 1), True, "2026-06"), (pd.Timestamp("2026-06-01"), True, "2026-06"),
    (D(2026, 6, 30, 14, 30), False, "2026-06-30 14:30:00"), (True, False, "TRUE"), (None, False, None), (float("nan"), False, None),
])
def test_values_are_shown_as_typed(value: object, period: bool, shown: str | None) -> None:
    assert shown_as_typed(value, period) == shown


def test_data_quality_shows_numbers_and_periods_as_typed(tmp_path: Path) -> None:
    data = {"Projects": [project("PRJ-001", "Active")],
            "Progress": [progress("PRJ-001", 3), progress("PRJ-001", 3)],  # the same month twice: a duplicate period
            "Risks": [risk("R-1", 7, 3)]}  # probability 7 is outside 1-5
    issues = model_of(tmp_path, data).data_quality.issues
    shown = dict(zip(issues["code"], issues["value"], strict=False))
    assert shown["out-of-range"] == "7"  # "7.0" before
    assert shown["duplicate-key"] == "2026-03"  # "2026-03-01" before
