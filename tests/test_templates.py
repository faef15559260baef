"""The templates: tables, validation and formats come from the schema; builds are deterministic."""

from __future__ import annotations

import filecmp

from openpyxl import load_workbook

from pmo_xl.io.write_template import write_portfolio_workbook
from pmo_xl.sample import write_sample_workbook
from pmo_xl.schema.registers import PROJECTS, REGISTERS
from pmo_xl.schema.settings import DEFAULT_CRITERIA
from pmo_xl.usecases import load_portfolio


def test_building_twice_gives_identical_bytes(tmp_path):
    write_portfolio_workbook(tmp_path / "a.xlsx")
    write_portfolio_workbook(tmp_path / "b.xlsx")
    assert filecmp.cmp(tmp_path / "a.xlsx", tmp_path / "b.xlsx", shallow=False)


def test_every_register_is_a_named_table_with_schema_headers(tmp_path):
    path = write_portfolio_workbook(tmp_path / "t.xlsx")
    book = load_workbook(path)
    for register in REGISTERS:
        sheet = book[register.name]
        assert register.table in sheet.tables
        headers = [c.value for c in sheet[1]]
        expected = [c.header for c in register.columns]
        if register is PROJECTS:
            expected += [f"Score: {c[0]}" for c in DEFAULT_CRITERIA]
        assert headers == expected
        assert sheet.freeze_panes == "A2"


def test_choice_columns_have_drop_downs_and_dates_are_validated(tmp_path):
    path = write_portfolio_workbook(tmp_path / "t.xlsx")
    sheet = load_workbook(path)["Projects"]
    validations = {str(dv.sqref).split(":")[0]: dv for dv in sheet.data_validations.dataValidation}
    status = validations["H2"]
    assert status.type == "list" and "Active" in status.formula1
    assert status.prompt and status.error
    assert validations["J2"].type == "date"
    assert sheet.column_dimensions["L"].number_format == "#,##0"  # BAC: the column carries the money format


def test_blank_template_validates_clean(tmp_path):
    path = write_portfolio_workbook(tmp_path / "t.xlsx")
    portfolio = load_portfolio(path)
    assert [i for i in portfolio.issues if i.severity != "info"] == []
    assert portfolio.settings.eac_method == "cpi"
    assert list(portfolio.settings.criteria["criterion"]) == [c[0] for c in DEFAULT_CRITERIA]
    assert portfolio.settings.ahp is not None and portfolio.settings.ahp.shape == (6, 6)


def test_text_is_never_written_as_a_formula(tmp_path, sample):
    path = write_sample_workbook(tmp_path / "s.xlsx", sample)
    sheet = load_workbook(path)["Progress"]
    commentary = [c.value for c in sheet["L"] if isinstance(c.value, str) and c.value.startswith("=")]
    assert commentary and all(sheet.cell(row=2, column=12).data_type == "s" for _ in commentary)
