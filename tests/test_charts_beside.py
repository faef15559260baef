"""The charts' XML made by a worker process gives the very file made without it."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from pmo_xl import background
from pmo_xl.io import charts_beside, sheets_beside
from pmo_xl.report.sheets import SHEETS, project_pages

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the worker is a fork, on Linux only")


def _written(model, path: Path) -> bytes:  # type: ignore[no-untyped-def]
    from pmo_xl.report.write import write_report_model

    return write_report_model(model, path).read_bytes()


def _workers_started(monkeypatch: pytest.MonkeyPatch, instead=None, instead_early=None) -> list[tuple[str, bool]]:  # type: ignore[no-untyped-def]
    """Charts made beside from now on (even a few), `instead` of charts_xml and `instead_early` of
    the early worker's function if given; the list records each worker asked for, early (while
    sheets are written) or at close, and whether a worker process was started."""
    monkeypatch.setattr(charts_beside, "MIN_CHARTS", 1)
    monkeypatch.setattr(background, "_fork_helps", lambda: True)
    started: list[tuple[str, bool]] = []
    at_close, early = charts_beside.in_background, charts_beside.Answers

    def recorded(function, *args):  # type: ignore[no-untyped-def]
        pending = at_close(instead or function, *args)
        started.append(("close", pending._worker is not None))
        return pending

    def recorded_early(function, *args):  # type: ignore[no-untyped-def]
        answers = early(instead_early or function, *args)
        started.append(("early", answers._worker is not None))
        return answers

    monkeypatch.setattr(charts_beside, "in_background", recorded)
    monkeypatch.setattr(charts_beside, "Answers", recorded_early)
    return started


@linux_only
def test_the_charts_made_beside_give_the_same_bytes(sample_model, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(background, "_fork_helps", lambda: False)
    here = _written(sample_model, tmp_path / "here.xlsx")

    started = _workers_started(monkeypatch)
    assert _written(sample_model, tmp_path / "beside.xlsx") == here
    # Two workers: one for the charts of the first sheets, started while the later sheets were
    # written, and one at close for the others.
    assert started == [("early", True), ("close", True)], "the charts were made in worker processes"


def _dies_in_the_worker(*args):  # type: ignore[no-untyped-def]
    if os.getpid() != PARENT:
        os._exit(3)  # killed, out of memory...: no answer
    return charts_beside.charts_xml(*args)  # the close's call, asked here: the charts made here


def _dies_early(*args):  # type: ignore[no-untyped-def]
    os._exit(3)  # (only ever run in the early worker)
    yield


PARENT = os.getpid()


@linux_only
def test_a_worker_without_an_answer_leaves_the_charts_to_this_process(sample_model, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(background, "_fork_helps", lambda: False)
    here = _written(sample_model, tmp_path / "here.xlsx")
    started = _workers_started(monkeypatch, instead=_dies_in_the_worker, instead_early=_dies_early)
    assert _written(sample_model, tmp_path / "beside.xlsx") == here
    assert started == [("early", True), ("close", True)]


@linux_only
def test_few_charts_are_made_here(sample_model, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """The sample's report has fewer than MIN_CHARTS charts: no worker makes charts at close; the
    report writer starts one early worker, once two thirds of the pack's sheets are written
    (`report.write.ReportWorkbook.sheet_written`), for those sheets and their charts: the same bytes."""
    monkeypatch.setattr(background, "_fork_helps", lambda: False)
    here = _written(sample_model, tmp_path / "here.xlsx")
    monkeypatch.setattr(background, "_fork_helps", lambda: True)
    forked: list[str] = []
    answers = charts_beside.Answers
    monkeypatch.setattr(charts_beside, "in_background", lambda *args: forked.append("close"))
    monkeypatch.setattr(charts_beside, "Answers", lambda *args: forked.append("early") or answers(*args))
    assert _written(sample_model, tmp_path / "report.xlsx") == here
    assert forked == ["early"], f"the sample's report has fewer than {charts_beside.MIN_CHARTS} charts"


def _slow_after(answers_sent: int):  # type: ignore[no-untyped-def]
    """The early worker's function, its answers after the first `answers_sent` very late: the close
    makes the charts left from the last one back (it steals them) and stops the worker."""
    def early(*args):  # type: ignore[no-untyped-def]
        for sent, answer in enumerate(_EARLY_PARTS(*args)):
            if sent == answers_sent:
                time.sleep(30)
            yield answer
    return early


_EARLY_PARTS = charts_beside._early_parts


@linux_only
@pytest.mark.parametrize("answers_sent", [1, 2, 3])  # the sheets, then one chart at a time (the sample's first 4)
def test_the_charts_made_at_both_ends_give_the_same_bytes(sample_model, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                                          answers_sent: int) -> None:
    monkeypatch.setattr(background, "_fork_helps", lambda: False)
    here = _written(sample_model, tmp_path / "here.xlsx")
    monkeypatch.setattr(charts_beside, "CHART_BATCH", 1)
    made_here: list[int] = []
    add_data_of = charts_beside.ChartsBesideWorkbook._add_data_of

    def recorded(workbook, charts):  # type: ignore[no-untyped-def]
        if os.getpid() == PARENT and workbook.early is not None and charts and charts[0] in workbook.early.charts:
            made_here.append(len(charts))
        return add_data_of(workbook, charts)

    monkeypatch.setattr(charts_beside.ChartsBesideWorkbook, "_add_data_of", recorded)
    started = _workers_started(monkeypatch, instead_early=_slow_after(answers_sent))
    assert _written(sample_model, tmp_path / "beside.xlsx") == here
    assert started[0] == ("early", True)
    assert made_here, "the close made some early charts itself while the worker was late"


# ---- the first worker forked in the middle of the project pages (`charts_written`) ----

def _taken_recorded(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each early worker's sheets were taken (`take_numbers`), in order."""
    taken: list[bool] = []
    take = sheets_beside.take_numbers
    monkeypatch.setattr(sheets_beside, "take_numbers", lambda *args: taken.append(take(*args)) or taken[-1])
    return taken


def _first_sheets_fork_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sheets before the project pages start no worker (as in a large report, where they hold
    fewer than MIN_CHARTS charts): the first is forked halfway through the pages."""
    sheet_written = charts_beside.ChartsBesideWorkbook.sheet_written
    pages = [name for name, _ in SHEETS].index("Project pages")
    before = {name for name, _ in SHEETS[:pages]}

    def later(workbook, name):  # type: ignore[no-untyped-def]
        if name in before:
            workbook.complete_sheets.add(name)
            return
        sheet_written(workbook, name)

    monkeypatch.setattr(charts_beside.ChartsBesideWorkbook, "sheet_written", later)


@linux_only
@pytest.mark.parametrize("instead_early", [None, _dies_early, _slow_after(2)])
def test_charts_made_while_the_later_pages_are_written_give_the_same_bytes(  # type: ignore[no-untyped-def]
        sample_model, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, instead_early) -> None:
    assert len(sample_model.project_pages.pages) >= 2
    monkeypatch.setattr(background, "_fork_helps", lambda: False)
    here = _written(sample_model, tmp_path / "here.xlsx")
    monkeypatch.setattr(charts_beside, "CHART_BATCH", 1)
    _first_sheets_fork_nothing(monkeypatch)
    forked_in: list[str | None] = []
    charts_written = charts_beside.ChartsBesideWorkbook.charts_written

    def recorded(workbook, name):  # type: ignore[no-untyped-def]
        charts_written(workbook, name)
        forked_in.append(workbook._forked_in)

    monkeypatch.setattr(charts_beside.ChartsBesideWorkbook, "charts_written", recorded)
    taken = _taken_recorded(monkeypatch)
    started = _workers_started(monkeypatch, instead_early=instead_early)
    assert _written(sample_model, tmp_path / "beside.xlsx") == here
    assert taken == ([] if instead_early is _dies_early else [True]), "the second worker's sheets were taken"
    pages = len(sample_model.project_pages.pages)
    marks = len({int(pages * share) for share in project_pages.CHARTS_BESIDE_AT} - {0})
    assert marks >= 2, "the sample's pages say more than once that their charts so far are final"
    assert forked_in == ["Project pages"] * marks, "a worker was forked at each mark in the middle of the project pages"
    # One worker for the charts of each stretch of pages, one for the last pages' once their sheet
    # is complete (it makes the sheets' parts too), one at close for the later sheets' charts.
    assert started == [("early", True)] * (marks + 1) + [("close", True)]


def _sheets_once_waited_for(go: Path):  # type: ignore[no-untyped-def]
    """The early worker's function, its parts of the first sheets held back until `go` exists: the
    test makes it when this process has found the worker still busy. (A worker merely a second late
    was not late enough on a loaded machine, where this process took longer than that to get there.)"""
    def sheets_late(workbook, sheets, made=0):  # type: ignore[no-untyped-def]
        for answer in _EARLY_PARTS(workbook, sheets, made):
            if sheets:
                for _ in range(6000):  # a minute at most: a test that cannot hang
                    if go.exists():
                        break
                    time.sleep(0.01)
                sheets = False
            yield answer
    return sheets_late


@linux_only
def test_the_drawings_made_while_the_sheets_worker_is_waited_for_give_the_same_bytes(  # type: ignore[no-untyped-def]
        sample_model, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(background, "_fork_helps", lambda: False)
    here = _written(sample_model, tmp_path / "here.xlsx")
    made_early: list[bool] = []
    write_drawing_files = charts_beside.ChartsBesidePackager._write_drawing_files

    def recorded(packager):  # type: ignore[no-untyped-def]
        made_early.append(packager._drawings_made is not None)
        write_drawing_files(packager)

    monkeypatch.setattr(charts_beside.ChartsBesidePackager, "_write_drawing_files", recorded)
    go = tmp_path / "go"
    waiting = charts_beside.ChartsBesideWorkbook.early_sheets_waiting

    def waiting_then_go(workbook):  # type: ignore[no-untyped-def]
        answer = waiting(workbook)
        go.touch()
        return answer

    monkeypatch.setattr(charts_beside.ChartsBesideWorkbook, "early_sheets_waiting", waiting_then_go)
    taken = _taken_recorded(monkeypatch)
    started = _workers_started(monkeypatch, instead_early=_sheets_once_waited_for(go))
    assert _written(sample_model, tmp_path / "beside.xlsx") == here
    assert started[0] == ("early", True) and taken == [True], "the worker's sheets were taken"
    assert made_early == [True], "the drawings were made while the worker's sheets were waited for"
