"""validate of workbooks whose registers are empty — a new workbook and its variants — lists what
the rows' path lists.

Registers with no rows are parsed on a short path (`parse/register.py`). Here it is compared end
to end — parse, check and the computations validate runs, its text and its JSON — with the rows'
path forced on the same tables: a note of a never-calculated formula that points at no column
(`RawTable.uncalculated`) sends an empty table through the conversion of every column, as a
table with rows goes. The variants give the Settings bad, missing and odd values, rename, drop
and add headers and sheets, hide, merge and type cells outside the tables, and give one register
a row; the issues they must raise are asserted, so the comparison is not between two empty lists.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pmo_xl import pipeline
from pmo_xl.io.write_template import write_portfolio_workbook
from pmo_xl.issues import sort_issues
from pmo_xl.options import VALIDATION_COMPUTATIONS, options_with

TEMPLATE = Path(__file__).resolve().parents[1] / "workbooks" / "PMO-template.xlsx"
OPTIONS = options_with(compute=VALIDATION_COMPUTATIONS, as_of=dt.date(2026, 6, 15))
CRITERIA = [("Value", 50, "Higher is better", 1, 5), ("Risk", 50, "Lower is better", 1, 5)]


def _odd_settings(path: Path) -> None:
    write_portfolio_workbook(path, settings={
        "status_date": "soon", "hours_per_week": "forty", "currency": None, "overload_threshold": 0.3,
        "underuse_threshold": 0.6, "eac_weight": 2, "loading_grain": "Fortnight", "weights_from": "AHP",
        "total_budget": -5, "update_due_days": 2.5,
    }, criteria=[("Value", 0, "Higher is better", 5, 1), ("value ", 0, "Higher is better", 1, 5),
                 ("Fit-score", 0, "Sideways", 1, 5), ("Fit_score", 0, "Higher is better", 1, 5)],
        settings_tables={"Thresholds": [("CPI", 1.1, 0.95, 0.9, 1.05)], "Holidays": [("not a date", None, "Day off")],
                         "AHP": (["Value", "Fit-score"], [["Value", 1, 12], ["Fit-score", 3, 1]]),
                         "Scenarios": [("Late start", "Delay project", "P404", None, None, None, None, None, None, None)]})


def _no_criteria(path: Path) -> None:
    write_portfolio_workbook(path, criteria=[], settings_tables={"AHP": None, "Thresholds": []})


def _mangled_template(path: Path) -> None:
    book = openpyxl.load_workbook(TEMPLATE)
    projects = book["Projects"]
    projects["A1"] = "Project code"  # the required Project ID header renamed
    projects["Z1"] = "Score: Charm"  # a score column with no criterion
    projects["AB1"] = "My notes"
    resources = book["Resources"]
    resources["B1"] = resources["A1"].value  # a repeated header
    resources.merge_cells("C1:D1")
    book["Milestones"].sheet_state = "hidden"
    book["Allocations"]["A40"] = "typed below the table"
    book["Progress"]["H2000"] = 7  # a far stray cell
    del book["Risks"]
    del book["Lessons"]
    book.save(path)


def _no_settings_sheet(path: Path) -> None:
    book = openpyxl.load_workbook(TEMPLATE)
    del book["Settings"]
    book.save(path)


def _one_project(path: Path) -> None:
    write_portfolio_workbook(path, data={"Projects": [["P1", "CRM", None, None, None, None, None, "Active", None,
                                                       dt.date(2026, 1, 1), dt.date(2026, 12, 31), 100000.0] + [None] * 5 + [3, 4]]},
                             criteria=CRITERIA, settings={"status_date": dt.date(2026, 5, 31)})


VARIANTS = {
    "template": (lambda path: path.write_bytes(TEMPLATE.read_bytes()), set()),
    "odd-settings": (_odd_settings, {"not-a-date", "not-a-number", "not-allowed", "percent-as-whole-number", "out-of-range",
                                     "not-whole-number", "thresholds-out-of-order", "duplicate-key", "scale-invalid", "unknown-criterion",
                                     "ahp-out-of-scale", "ahp-not-reciprocal", "ahp-criteria-mismatch", "ahp-unusable",
                                     "scenario-incomplete", "scenario-left-out"}),
    "no-criteria": (_no_criteria, {"no-criteria"}),
    "mangled-template": (_mangled_template, {"missing-column", "extra-column", "duplicate-column", "merged-cells", "hidden-sheet",
                                             "missing-register", "outside-table"}),
    "no-settings-sheet": (_no_settings_sheet, {"missing-register"}),
    "one-project": (_one_project, set()),
}


def _validate(raw):
    parsed, _ = pipeline.parse(raw, OPTIONS)
    checked, _ = pipeline.check(parsed, OPTIONS)
    run = pipeline.run_portfolio(checked, OPTIONS)
    issues = sort_issues(run.issues)
    return ([i.as_line() for i in issues], json.dumps([i.as_dict() for i in issues], default=str),
            checked.registers, checked.settings)


def _rows_path_forced(raw):
    forced = copy.deepcopy(raw)
    for table in forced.tables.values():
        if not table.row_numbers:
            table.uncalculated = {(0, -1): "=NOTE()"}  # points at no column: no cell reads otherwise
    return forced


@pytest.mark.parametrize("variant", VARIANTS)
def test_empty_registers_validate_as_the_rows_path_would(variant, tmp_path):
    make, expected = VARIANTS[variant]
    path = tmp_path / f"{variant}.xlsx"
    make(path)
    raw, _ = pipeline.read(path)
    assert any(not table.row_numbers for table in raw.tables.values())  # the short path is taken
    lines, as_json, registers, settings = _validate(raw)
    forced_lines, forced_json, forced_registers, forced_settings = _validate(_rows_path_forced(raw))
    assert lines == forced_lines
    assert as_json == forced_json
    assert registers.keys() == forced_registers.keys()
    for name, frame in registers.items():
        pd.testing.assert_frame_equal(frame, forced_registers[name], check_index_type=True, check_column_type=True)
        assert list(frame.dtypes) == list(forced_registers[name].dtypes)
    for table in ("criteria", "holidays", "thresholds", "budgets", "scenarios"):
        pd.testing.assert_frame_equal(getattr(settings, table), getattr(forced_settings, table))
    codes = {json_issue["code"] for json_issue in json.loads(as_json)}
    assert expected <= codes, expected - codes
    assert "internal-error" not in codes
