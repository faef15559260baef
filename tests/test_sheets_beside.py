"""The first sheets' XML made and compressed by the early worker gives the very file made without it."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from pmo_xl import background
from pmo_xl.io import charts_beside, sheets_beside

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the worker is a fork, on Linux only")


def _report(model, path: Path) -> bytes:  # type: ignore[no-untyped-def]
    from pmo_xl.report.write import write_report_model

    return write_report_model(model, path).read_bytes()


def _beside(monkeypatch: pytest.MonkeyPatch, early=None) -> list[bool]:  # type: ignore[no-untyped-def]
    """The early worker forked from the first complete sheet with a chart on (its function `early`
    if given); the list records, per close, whether the worker's sheets were taken."""
    monkeypatch.setattr(charts_beside, "MIN_CHARTS", 1)
    monkeypatch.setattr(background, "_fork_helps", lambda: True)
    if early is not None:
        monkeypatch.setattr(charts_beside, "_early_parts", early)
    taken: list[bool] = []
    take = sheets_beside.take_numbers

    def recorded(workbook, answer):  # type: ignore[no-untyped-def]
        taken.append(take(workbook, answer))
        return taken[-1]

    monkeypatch.setattr(sheets_beside, "take_numbers", recorded)
    return taken


def _without_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(background, "_fork_helps", lambda: False)


@linux_only
def test_the_sheets_made_beside_give_the_same_bytes(sample_model, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    _without_worker(monkeypatch)
    here = _report(sample_model, tmp_path / "here.xlsx")
    taken = _beside(monkeypatch)
    assert _report(sample_model, tmp_path / "beside.xlsx") == here
    assert taken == [True], "the worker's sheets were taken"


def _dies_after_the_sheets(workbook, sheets, *rest):  # type: ignore[no-untyped-def]
    answers = _EARLY_PARTS(workbook, sheets, *rest)
    yield next(answers)
    os._exit(3)  # killed before the charts: they are made at close


def _dies_at_once(workbook, sheets, *rest):  # type: ignore[no-untyped-def]
    os._exit(3)
    yield


_EARLY_PARTS = charts_beside._early_parts


@linux_only
@pytest.mark.parametrize("early", [_dies_after_the_sheets, _dies_at_once])
def test_a_worker_that_dies_leaves_the_rest_to_this_process(sample_model, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                                            early) -> None:
    _without_worker(monkeypatch)
    here = _report(sample_model, tmp_path / "here.xlsx")
    taken = _beside(monkeypatch, early)
    assert _report(sample_model, tmp_path / "beside.xlsx") == here
    assert taken == ([True] if early is _dies_after_the_sheets else [])


# ---- a small workbook whose first sheet changes after the worker was forked ----

def _small(path: Path, after_fork: Callable[..., None] | None) -> bytes:  # type: ignore[no-untyped-def]
    from pmo_xl.io.write_template import FIXED_CREATED
    from pmo_xl.report.write import report_workbook

    workbook = report_workbook(path)
    workbook.set_properties({"created": FIXED_CREATED})  # (else the clock's time, to the second)
    bold, money = workbook.add_format({"bold": True}), workbook.add_format({"num_format": "#,##0"})
    late = workbook.add_format({"italic": True})
    for s, name in enumerate(("First", "Second", "Third")):
        sheet = workbook.add_worksheet(name)
        sheet.write_row(0, 0, ["item", "value"], bold)
        sheet.write_block(1, 0, [[f"item {r}", r * 10.5 + s] for r in range(30)], [None, money if s != 1 else late])
        sheet.write_url(0, 3, "https://example.com/a?b=1", string="a link")
        chart = workbook.add_chart({"type": "column"})
        chart.add_series({"categories": [name, 1, 0, 30, 0], "values": [name, 1, 1, 30, 1]})
        sheet.insert_chart(2, 4, chart)
        workbook.sheet_written(name)  # the worker forked after the first: ~its sheet and charts
    if after_fork is not None:
        after_fork(workbook)
    if after_fork is not _activate_second:
        workbook.worksheets()[0].activate()  # as the report's writer does
    workbook.close()
    return path.read_bytes()


def _activate_second(workbook) -> None:  # type: ignore[no-untyped-def]
    workbook.get_worksheet_by_name("Second").activate()  # the first is no longer selected


def _write_into_first(workbook) -> None:  # type: ignore[no-untyped-def]
    workbook.get_worksheet_by_name("First").write_string(40, 0, "written after its sheet_written")


def _number_a_format_here(workbook) -> None:  # type: ignore[no-untyped-def]
    workbook.formats[-1]._get_xf_index()  # italic: numbered before the first sheet's formats


@linux_only
def test_a_small_workbook_s_sheets_made_beside_give_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _without_worker(monkeypatch)
    here = _small(tmp_path / "here.xlsx", None)
    taken = _beside(monkeypatch)
    assert _small(tmp_path / "beside.xlsx", None) == here
    assert taken == [True]


@linux_only
@pytest.mark.parametrize("change", [_activate_second, _write_into_first, _number_a_format_here])
def test_a_sheet_changed_after_the_fork_is_made_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change) -> None:  # type: ignore[no-untyped-def]
    _without_worker(monkeypatch)
    here = _small(tmp_path / "here.xlsx", change)
    taken = _beside(monkeypatch)
    assert _small(tmp_path / "beside.xlsx", change) == here
    assert taken == [False], "the worker's sheets were not taken: the first sheet is not as it made it"
