"""The one schema: declarations are consistent, and the committed artefacts follow from them."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmo_xl.build import stale_artefacts
from pmo_xl.schema.columns import Kind, normalise_header
from pmo_xl.schema.contract import build_contract
from pmo_xl.schema.registers import REGISTERS
from pmo_xl.schema.settings import SCALAR_SETTINGS, SETTINGS_TABLES

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("register", REGISTERS + SETTINGS_TABLES, ids=lambda r: r.name)
def test_register_declaration_is_consistent(register):
    fields = [c.field for c in register.columns]
    headers = [normalise_header(c.header) for c in register.columns]
    assert len(set(fields)) == len(fields), "field names are unique"
    assert len(set(headers)) == len(headers), "headers are unique ignoring case and spacing"
    assert register.table.startswith("tbl") and register.table.isidentifier()
    for column in register.columns:
        assert column.meaning.strip(), f"{column.header} has a meaning"
        assert (column.kind == Kind.CHOICE) == bool(column.allowed), f"{column.header}: choices iff CHOICE"
        assert all(k in fields for k in register.key)


def test_table_names_are_unique():
    names = [r.table.casefold() for r in REGISTERS + SETTINGS_TABLES]
    assert len(set(names)) == len(names)


def test_every_setting_has_a_default_of_its_kind():
    for setting in SCALAR_SETTINGS:
        if setting.allowed:
            assert setting.default in setting.allowed, setting.key


def test_contract_names_every_column_and_setting():
    contract = build_contract()
    for register in REGISTERS + SETTINGS_TABLES:
        assert f"table `{register.table}`" in contract
        for column in register.columns:
            assert f"`{column.field}`" in contract
    for setting in SCALAR_SETTINGS:
        assert f"`{setting.key}`" in contract


def test_committed_artefacts_are_up_to_date_with_the_schema():
    """CONTRACT.md, the templates, the sample and PMO.xlsm equal a fresh build, byte for byte."""
    assert stale_artefacts(ROOT / "workbooks") == []
