"""`pmo-xl close`: a month frozen into History, in a new workbook; the input never touched.

On the sample (status date 2026-10-31): close 2026-09, then 2026-10 on the result; a second close
of 2026-10 is refused; --reopen replaces exactly that month's rows and says what changed;
--backfill closes every earlier month with Progress. Each History read back from the file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pmo_xl import __version__
from pmo_xl.cli import main
from pmo_xl.close.usecase import CloseRefused, close_file
from pmo_xl.errors import OutputError
from pmo_xl.options import RunOptions
from pmo_xl.schema.history import HISTORY, HISTORY_KPIS, HISTORY_MILESTONES
from pmo_xl.usecases import load_portfolio

SEPTEMBER, OCTOBER = pd.Timestamp(2026, 9, 1), pd.Timestamp(2026, 10, 1)
STRICT = RunOptions(strict=True)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def plain(values: pd.Series) -> list[object]:
    return [None if pd.isna(v) else v for v in values.tolist()]


def history(path: Path, name: str = HISTORY.name) -> pd.DataFrame:
    """A History table as the next run reads it (parsed and checked)."""
    return load_portfolio(path, STRICT).registers[name]


@pytest.fixture(scope="module")
def closed(sample_workbook: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("close")
    before = digest(sample_workbook)
    september = close_file(sample_workbook, SEPTEMBER, folder / "sep.xlsx", closed_on=dt.date(2026, 10, 5), options=STRICT)
    october = close_file(folder / "sep.xlsx", OCTOBER, folder / "oct.xlsx", closed_on=dt.date(2026, 11, 5), options=STRICT)
    return {"folder": folder, "input_digest": before, "september": september, "october": october,
            "sep_digest": digest(folder / "sep.xlsx")}


def test_two_closes_give_a_history_of_both_months(closed, sample_workbook):
    out = closed["october"].out
    frame = history(out)
    assert sorted(frame["period"].dt.strftime("%Y-%m").unique()) == ["2026-09", "2026-10"]
    projects = load_portfolio(sample_workbook, STRICT).projects["project_id"]
    for month in (SEPTEMBER, OCTOBER):
        assert set(frame.loc[frame["period"] == month, "project_id"]) == set(projects)
    assert set(frame["basis"]) == {"As reported", "Recomputed"}
    assert (frame.loc[frame["period"] == OCTOBER, "basis"] == "As reported").all()  # the sample's status month
    assert (frame.loc[frame["period"] == SEPTEMBER, "basis"] == "Recomputed").all()  # computed in October
    assert set(frame["version"]) == {__version__}
    assert frame.groupby("period")["closed_on"].first().dt.date.tolist() == [dt.date(2026, 10, 5), dt.date(2026, 11, 5)]
    assert not history(out, HISTORY_MILESTONES.name).empty
    kpis = history(out, HISTORY_KPIS.name)
    assert {"cpi", "eac", "red", "errors", "data_quality:warning"} <= set(kpis["kpi"])
    assert any(k.startswith("utilisation:") for k in kpis["kpi"])


def test_the_frozen_figures_are_the_reports(closed, sample_workbook):
    """October's History rows hold what the October report's Portfolio sheet shows."""
    from pmo_xl.pipeline import build, compute
    from pmo_xl.results import Run

    portfolio = load_portfolio(sample_workbook, STRICT)
    options = RunOptions(strict=True, period=OCTOBER)
    results, _ = compute(portfolio, options)
    model, _ = build(Run(portfolio, results), options)
    table = model.portfolio.set_index("project_id")
    frame = history(closed["october"].out).query("period == @OCTOBER").set_index("project_id")
    for column, shown in (("eac", "eac"), ("cpi", "cpi"), ("rag", "rag_overall"), ("bac", "bac")):
        assert plain(frame[column]) == pytest.approx(plain(table.loc[frame.index, shown])), column
    kpis = history(closed["october"].out, HISTORY_KPIS.name).query("period == @OCTOBER").set_index("kpi")["value"]
    for kpi in model.kpis:
        assert kpis[kpi.key] == pytest.approx(kpi.value, nan_ok=True)


def test_the_input_bytes_never_change(closed, sample_workbook):
    assert digest(sample_workbook) == closed["input_digest"]
    assert digest(closed["folder"] / "sep.xlsx") == closed["sep_digest"]  # the second close read it, wrote oct.xlsx


def test_closing_a_closed_month_again_is_refused(closed, capsys):
    out = closed["october"].out
    with pytest.raises(CloseRefused, match="2026-10 is already closed"):
        close_file(out, OCTOBER, closed["folder"] / "again.xlsx", options=STRICT)
    assert main(["close", str(out), "--period", "2026-10", "-o", str(closed["folder"] / "again.xlsx")]) == 2
    assert "pass --reopen" in capsys.readouterr().err
    assert not (closed["folder"] / "again.xlsx").exists()


def test_reopen_replaces_exactly_that_months_rows_and_says_what_changed(closed):
    folder = closed["folder"]
    edited = folder / "oct-edited.xlsx"
    book = openpyxl.load_workbook(closed["october"].out)
    milestones = book["Milestones"]
    header = [c.value for c in milestones[1]]
    row = next(r for r in range(2, milestones.max_row + 1)
               if milestones.cell(r, header.index("Actual date") + 1).value is None and milestones.cell(r, 1).value)
    project = milestones.cell(row, 1).value
    name = milestones.cell(row, header.index("Milestone") + 1).value
    moved = dt.datetime(2028, 6, 30)
    milestones.cell(row, header.index("Forecast date") + 1).value = moved
    book.save(edited)

    result = close_file(edited, OCTOBER, folder / "reopened.xlsx", reopen=True, closed_on=dt.date(2026, 11, 6), options=STRICT)
    [reopened] = result.closed
    assert reopened.reopened
    assert any(line.startswith(f"History milestones: {project} {name}: Forecast date") and "→ 2028-06-30" in line
               for line in reopened.changes), reopened.changes

    old, new = history(closed["october"].out, HISTORY_MILESTONES.name), history(folder / "reopened.xlsx", HISTORY_MILESTONES.name)
    columns = [c for c in old.columns if c != "_row"]
    september = old[old["period"] == SEPTEMBER][columns].reset_index(drop=True)
    pd.testing.assert_frame_equal(new[new["period"] == SEPTEMBER][columns].reset_index(drop=True), september)
    october = new[new["period"] == OCTOBER]
    assert len(october) == len(old[old["period"] == OCTOBER])  # replaced, not appended
    assert october.loc[(october["project_id"] == project) & (october["milestone"] == name), "forecast_date"].tolist() == [pd.Timestamp(moved)]
    assert set(history(folder / "reopened.xlsx")["closed_on"].dt.date) == {dt.date(2026, 10, 5), dt.date(2026, 11, 6)}


def test_backfill_closes_every_earlier_month_with_progress(closed, sample_workbook):
    result = close_file(closed["september"].out, OCTOBER, closed["folder"] / "backfilled.xlsx", backfill=True,
                        closed_on=dt.date(2026, 11, 5), options=STRICT)
    progress = load_portfolio(sample_workbook, STRICT).progress["period"]
    months = sorted(pd.Timestamp(m) for m in progress.unique())
    assert [c.period for c in result.closed] == [m for m in months if m != SEPTEMBER]  # the earlier ones, then October
    assert result.skipped == [SEPTEMBER]
    frame = history(result.out)
    assert sorted(frame["period"].unique()) == months
    assert (frame.loc[frame["period"] < OCTOBER, "basis"] == "Recomputed").all()
    assert frame["period"].is_monotonic_increasing  # written in period order: no history-order issue
    assert [c.basis for c in result.closed][-1] == "As reported"


def test_replace_keeps_a_backup_and_a_macro_workbook_is_not_replaced(closed, tmp_path):
    copy = tmp_path / "PMO.xlsx"
    copy.write_bytes(closed["september"].out.read_bytes())
    result = close_file(copy, OCTOBER, replace=True, closed_on=dt.date(2026, 11, 5), options=STRICT)
    assert result.out == copy and result.backup is not None
    assert digest(result.backup) == closed["sep_digest"]
    assert sorted(history(copy)["period"].dt.strftime("%Y-%m").unique()) == ["2026-09", "2026-10"]
    macro = tmp_path / "PMO.xlsm"
    macro.write_bytes(b"not read")
    with pytest.raises(OutputError, match="lose its macros"):
        close_file(macro, OCTOBER, replace=True)
    with pytest.raises(OutputError, match="pass --replace"):
        close_file(copy, OCTOBER, copy)


def test_a_history_written_by_a_newer_pmo_xl_is_not_rewritten(closed, tmp_path):
    book = openpyxl.load_workbook(closed["september"].out)
    ws = book["History"]
    header = [c.value for c in ws[1]]
    ws.cell(2, header.index("pmo-xl version") + 1).value = "99.0.0"
    book.save(tmp_path / "newer.xlsx")
    with pytest.raises(CloseRefused, match="written by pmo-xl 99.0.0, newer than this"):
        close_file(tmp_path / "newer.xlsx", OCTOBER, tmp_path / "out.xlsx", options=STRICT)
    assert not (tmp_path / "out.xlsx").exists()


def test_a_month_after_the_status_month_is_not_closed(sample_workbook, tmp_path):
    with pytest.raises(CloseRefused, match="2026-11 is after the workbook's status month 2026-10"):
        close_file(sample_workbook, pd.Timestamp(2026, 11, 1), tmp_path / "out.xlsx", options=STRICT)
    assert not (tmp_path / "out.xlsx").exists()
