"""The *Close period* button on the WorkbookPort double: the status month appended to the History
tables of the open workbook (and nothing else written), the same rows `pmo-xl close` writes, and
a second click refused in one plain alert."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

import pmo_xl.macros as macros
from pmo_xl.close.usecase import close_file
from pmo_xl.excel.close_action import run_close_period
from pmo_xl.excel.layout import BUTTONS
from pmo_xl.excel.memory_port import MemoryPort
from pmo_xl.excel.vba_sources import macros_source, public_subs
from pmo_xl.options import RunOptions
from pmo_xl.schema.history import HISTORY, HISTORY_REGISTERS
from pmo_xl.usecases import ALL_TABLES, load_portfolio

TODAY = dt.date(2026, 11, 5)


@pytest.fixture()
def memory(sample_workbook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MemoryPort:
    monkeypatch.setattr(macros, "LOG_FILE", tmp_path / "logs" / "macros.log")
    return MemoryPort.from_workbook(sample_workbook, ALL_TABLES, path=str(tmp_path / "PMO.xlsm"))


def test_the_button_is_bound_to_its_macro():
    button = next(b for b in BUTTONS if b.caption == "Close period")
    assert button.sub in public_subs(macros_source()) and callable(getattr(macros, button.python))


def test_close_period_appends_the_status_month_to_history_and_writes_nothing_else(memory, sample_workbook, tmp_path):
    result = run_close_period(memory, today=TODAY)
    assert result.summary.startswith("2026-10 closed as reported")
    written = {call[2] for call in memory.calls if call[0] == "write_table"}
    assert written == {r.table for r in HISTORY_REGISTERS}
    assert not [call for call in memory.calls if call[0] in ("highlight_cells", "clear_highlights")]
    frame = memory.frames[HISTORY.table]
    assert set(pd.to_datetime(frame["Period"])) == {pd.Timestamp(2026, 10, 1)}
    assert set(frame["Basis"]) == {"As reported"} and set(frame["Closed on"]) == {TODAY}

    # the same figures `pmo-xl close` freezes for that month
    closed = close_file(sample_workbook, pd.Timestamp(2026, 10, 1), tmp_path / "closed.xlsx", closed_on=TODAY, options=RunOptions(strict=True))
    cli = load_portfolio(closed.out, RunOptions(strict=True)).registers[HISTORY.name].set_index("project_id")
    button = frame.set_index("Project ID")
    assert sorted(button.index) == sorted(cli.index)
    for header, field in (("EAC", "eac"), ("RAG", "rag"), ("CPI", "cpi")):
        expected = [None if pd.isna(v) else v for v in cli.loc[button.index, field]]
        assert [None if pd.isna(v) else v for v in button[header]] == pytest.approx(expected), header


def test_a_second_click_is_refused_in_one_alert(memory):
    assert macros.run_action(memory, "Close period") is not None
    rows = len(memory.frames[HISTORY.table])
    assert macros.run_action(memory, "Close period") is None
    [(_, message)] = memory.alerts
    assert "2026-10 is already closed" in message and "--reopen" in message
    assert len(memory.tables[HISTORY.table.casefold()].rows) == rows  # nothing appended
