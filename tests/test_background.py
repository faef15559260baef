"""A computation in a forked worker gives what it gives in-process, and fails the same way."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pandas as pd
import pytest

from pmo_xl import background
from pmo_xl.background import in_background

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the worker is a fork, on Linux only")


@pytest.fixture
def worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker whatever the number of CPUs of the test machine."""
    monkeypatch.setattr(background, "_fork_helps", lambda: True)


def frame_of(n: int) -> pd.DataFrame:
    return pd.DataFrame({"id": [f"P{i}" for i in range(n)], "value": [i / 7 for i in range(n)]})


def where_am_i() -> int:
    return os.getpid()


@linux_only
def test_the_result_comes_from_a_worker_and_equals_the_call(worker: None) -> None:
    assert in_background(where_am_i)() != os.getpid()
    result = in_background(frame_of, 1000)()
    pd.testing.assert_frame_equal(result, frame_of(1000))
    assert result["id"].dtype == frame_of(1)["id"].dtype  # pandas' text dtype kept through the pipe


def fails(message: str) -> None:
    raise KeyError(message)


@linux_only
def test_an_exception_in_the_worker_is_raised_here(worker: None) -> None:
    pending = in_background(fails, "no such project")
    assert pending.__name__ == "fails"  # a guard names the computation, not the wrapper
    with pytest.raises(KeyError, match="no such project"):
        pending()


def dies_in_the_worker(parent: int) -> str:
    if os.getpid() != parent:
        os._exit(3)  # killed, out of memory...: no answer
    return "computed here"


def unpicklable(parent: int) -> object:
    return (lambda: "computed here") if os.getpid() != parent else "computed here"


@linux_only
def test_a_worker_without_a_usable_answer_leaves_the_call_to_this_process(worker: None) -> None:
    assert in_background(dies_in_the_worker, os.getpid())() == "computed here"
    assert in_background(unpicklable, os.getpid())() == "computed here"


def returns_once(go: Path | None) -> str:
    """'done', once `go` exists (a minute at most)."""
    import time

    for _ in range(6000 if go is not None else 0):
        if go.exists():
            break
        time.sleep(0.01)
    return "done"


@linux_only
def test_ready_says_whether_the_call_would_wait_for_the_worker(worker: None, tmp_path: Path) -> None:
    go = tmp_path / "go"
    pending = in_background(returns_once, go)
    assert not pending.ready()  # the worker waits for `go`, made only now
    go.touch()
    assert pending() == "done" and pending.ready()
    quick = in_background(returns_once, None)
    quick._answer.poll(30)  # its answer arrived
    assert quick.ready() and quick() == "done"


def test_without_a_worker_the_call_runs_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(background, "_fork_helps", lambda: False)
    assert in_background(where_am_i).ready()  # nothing to wait for: the call runs here
    assert in_background(where_am_i)() == os.getpid()
    with pytest.raises(KeyError):
        in_background(fails, "x")()


# --- the report's scenarios in a worker --------------------------------------------------------


def _scenario_figures(run) -> list[object]:  # type: ignore[no-untyped-def]
    from pmo_xl.scenarios.compare import build_comparison

    view = build_comparison(run.results.scenarios)
    return [view.table, view.summaries, view.changes, view.binding]


# The two ways the report's scenarios go beside: alone (`Pending`), or after the priorities in the
# same worker (`PrioritiesThenScenarios`, for a portfolio of up to PRIORITIES_BESIDE_UP_TO projects).
ALONE, AFTER_PRIORITIES = 0, 10_000


def _priority_frames(run) -> list[pd.DataFrame]:  # type: ignore[no-untyped-def]
    result = run.results.priorities
    return [result.weights, result.scores, result.selection, result.frontier, result.binding]


@linux_only
@pytest.mark.parametrize("up_to", [ALONE, AFTER_PRIORITIES])
def test_the_report_s_scenarios_from_a_worker_equal_those_computed_here(sample_workbook, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                                                        up_to: int) -> None:
    from pmo_xl import pipeline
    from pmo_xl.pipeline import run_portfolio
    from pmo_xl.usecases import load_portfolio

    monkeypatch.setattr(pipeline, "PRIORITIES_BESIDE_UP_TO", up_to)
    portfolio = load_portfolio(sample_workbook)
    monkeypatch.setattr(background, "_fork_helps", lambda: False)
    here = run_portfolio(portfolio)
    monkeypatch.setattr(background, "_fork_helps", lambda: True)
    started = []
    fork = background._fork

    def counted(*args: object) -> object:
        worker = fork(*args)  # type: ignore[arg-type]
        started.append(worker is not None)
        return worker

    monkeypatch.setattr(background, "_fork", counted)
    forked = run_portfolio(portfolio)
    assert here.results.scenarios.scenarios, "the sample has scenarios"
    assert started == [True]  # the scenarios (and the priorities, for a small portfolio) were computed in one worker
    for a, b in zip(_scenario_figures(here), _scenario_figures(forked), strict=True):
        pd.testing.assert_frame_equal(a, b)
    for a, b in zip(_priority_frames(here), _priority_frames(forked), strict=True):
        pd.testing.assert_frame_equal(a, b)
    figures = ("objective", "total_budget", "budget_source", "value", "cost", "optimal", "gap", "capacity_checked")
    assert [getattr(here.results.priorities, f) for f in figures] == [getattr(forked.results.priorities, f) for f in figures]
    assert here.results.issues == forked.results.issues


@linux_only
@pytest.mark.parametrize("up_to", [ALONE, AFTER_PRIORITIES])
def test_scenarios_that_fail_in_the_worker_leave_the_sheet_unavailable_as_before(sample_workbook,  # type: ignore[no-untyped-def]
                                                                                  monkeypatch: pytest.MonkeyPatch, up_to: int) -> None:
    from pmo_xl import pipeline
    from pmo_xl.options import RunOptions
    from pmo_xl.pipeline import run_portfolio
    from pmo_xl.scenarios import compute as scenarios
    from pmo_xl.usecases import load_portfolio

    def compute_scenarios(*args: object, **kwargs: object) -> None:
        raise ValueError("no scenario today")

    monkeypatch.setattr(pipeline, "PRIORITIES_BESIDE_UP_TO", up_to)
    monkeypatch.setattr(scenarios, "compute_scenarios", compute_scenarios)
    portfolio = load_portfolio(sample_workbook)
    runs = []
    for fork in (False, True):
        monkeypatch.setattr(background, "_fork_helps", lambda fork=fork: fork)
        runs.append(run_portfolio(portfolio, RunOptions(strict=False)))
    here, forked = runs
    assert forked.results.scenarios is None
    assert forked.results.unavailable["Scenarios"] == "compute_scenarios failed (ValueError: no scenario today)"
    assert forked.results.unavailable == here.results.unavailable
    assert forked.results.issues == here.results.issues
    assert forked.results.priorities is not None  # the rest of the run went on
    strict = run_portfolio(portfolio, RunOptions(strict=True))  # handed over while the worker computes
    with pytest.raises(ValueError, match="no scenario today"):
        strict.results.issues  # noqa: B018 — reading what depends on the scenarios raises their error


@linux_only
def test_priorities_that_fail_in_the_worker_leave_the_sheet_unavailable_as_before(sample_workbook,  # type: ignore[no-untyped-def]
                                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Computed in the scenarios' worker, a failing priorities computation is reported as when it
    fails here: its sheet unavailable, an internal error in its place; the scenarios still come."""
    from pmo_xl import pipeline
    from pmo_xl.compute import priority
    from pmo_xl.options import RunOptions
    from pmo_xl.pipeline import run_portfolio
    from pmo_xl.usecases import load_portfolio

    def compute_priorities(*args: object, **kwargs: object) -> None:
        raise ValueError("no weights today")

    monkeypatch.setattr(pipeline, "PRIORITIES_BESIDE_UP_TO", AFTER_PRIORITIES)
    portfolio = load_portfolio(sample_workbook)
    runs = []
    for fork in (False, True):
        monkeypatch.setattr(background, "_fork_helps", lambda fork=fork: fork)
        with monkeypatch.context() as patched:
            patched.setattr(priority, "compute_priorities", compute_priorities)
            runs.append(run_portfolio(portfolio, RunOptions(strict=False)))
            runs[-1].results.issues  # noqa: B018 — settled while the failing computation is in place
    here, forked = runs
    assert forked.results.priorities is None
    assert forked.results.unavailable["Priorities"] == "compute_priorities failed (ValueError: no weights today)"
    assert forked.results.unavailable == here.results.unavailable
    assert forked.results.issues == here.results.issues
    assert forked.results.scenarios is not None and forked.results.scenarios.scenarios


@linux_only
@pytest.mark.parametrize("answers", [0, 1])
def test_a_worker_that_dies_leaves_the_priorities_and_scenarios_to_this_process(sample_workbook, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                                                                answers: int) -> None:
    """The worker of the priorities and the scenarios killed after 0 or 1 answers: what it did not
    send is computed here, and the run is the one computed without a worker."""
    from pmo_xl import pipeline
    from pmo_xl.pipeline import run_portfolio
    from pmo_xl.scenarios import compute as scenarios
    from pmo_xl.usecases import load_portfolio

    sent = scenarios._priorities_then_scenarios

    def dies(*args, **kwargs):  # type: ignore[no-untyped-def]
        for k, answer in enumerate(sent(*args, **kwargs)):
            if k == answers:
                os._exit(3)
            yield answer

    monkeypatch.setattr(pipeline, "PRIORITIES_BESIDE_UP_TO", AFTER_PRIORITIES)
    portfolio = load_portfolio(sample_workbook)
    monkeypatch.setattr(background, "_fork_helps", lambda: False)
    here = run_portfolio(portfolio)
    monkeypatch.setattr(background, "_fork_helps", lambda: True)
    monkeypatch.setattr(scenarios, "_priorities_then_scenarios", dies)
    forked = run_portfolio(portfolio)
    for a, b in zip(_scenario_figures(here), _scenario_figures(forked), strict=True):
        pd.testing.assert_frame_equal(a, b)
    for a, b in zip(_priority_frames(here), _priority_frames(forked), strict=True):
        pd.testing.assert_frame_equal(a, b)
    assert here.results.issues == forked.results.issues and here.results.unavailable == forked.results.unavailable


@linux_only
@pytest.mark.parametrize("up_to", [ALONE, AFTER_PRIORITIES])
def test_the_run_is_handed_over_before_the_scenarios_and_waits_for_them_when_read(sample_workbook,  # type: ignore[no-untyped-def]
                                                                                    monkeypatch: pytest.MonkeyPatch, up_to: int) -> None:
    """The report model builds what needs no scenarios while the worker computes them; the issue
    list, the unavailable sheets and the scenarios (and the priorities, when the worker computes
    them first) wait for it, and the report is the same."""
    from pmo_xl import pipeline
    from pmo_xl.pipeline import run_portfolio
    from pmo_xl.report.model import build_report_model
    from pmo_xl.usecases import load_portfolio

    asked: list[str] = []
    call, take = background.Pending.__call__, background.Answers.next

    def counted(self: background.Pending) -> object:
        asked.append(self.__name__)
        return call(self)

    def taken(self: background.Answers) -> object:
        asked.append("answer")
        return take(self)

    monkeypatch.setattr(pipeline, "PRIORITIES_BESIDE_UP_TO", up_to)
    monkeypatch.setattr(background.Pending, "__call__", counted)
    monkeypatch.setattr(background.Answers, "next", taken)
    monkeypatch.setattr(background, "_fork_helps", lambda: True)
    portfolio = load_portfolio(sample_workbook)
    run = run_portfolio(portfolio)
    assert asked == []  # not waited for yet
    model = build_report_model(run)
    assert asked == (["compute_scenarios"] if up_to == ALONE else ["answer", "answer"])  # waited for once each, by the report model
    assert run.results.scenarios is not None and run.results.issues is run.results.issues  # settled once, kept
    assert run.results.priorities is run.results.priorities
    monkeypatch.setattr(background, "_fork_helps", lambda: False)
    here = build_report_model(run_portfolio(portfolio))
    assert model.scenarios is not None
    pd.testing.assert_frame_equal(model.scenarios.table, here.scenarios.table)
    pd.testing.assert_frame_equal(model.priorities.ranking, here.priorities.ranking)
    assert model.data_quality.counts == here.data_quality.counts
    pd.testing.assert_frame_equal(model.data_quality.issues, here.data_quality.issues)


# --- the run's issue list keeps its order, whatever the order of computing ---------------------


def test_a_computation_made_later_keeps_its_place_in_the_issue_list() -> None:
    from pmo_xl.issues import Issue, Severity, Stage
    from pmo_xl.options import Computation, RunOptions
    from pmo_xl.pipeline import _Computations

    def noted(*codes: str):  # type: ignore[no-untyped-def]
        def computation() -> tuple[str, list[Issue]]:
            return codes[0], [Issue(code=c, severity=Severity.WARNING, sheet="Projects", row=None, column=None, field=None,
                                    value=None, message=c, stage=Stage.REPORT) for c in codes]
        return computation

    def crashes() -> tuple[str, list[Issue]]:
        raise RuntimeError("boom")

    run = _Computations(RunOptions(strict=False))
    first = run.later()
    run.run(Computation.LOADING, "Resources", noted("loading"))
    middle = run.later()
    run.run(Computation.GOVERNANCE, "RAID", crashes)
    run.run(Computation.RISKS, "Risks", noted("risks"))
    run.run(Computation.SCENARIOS, "Scenarios", crashes, at=middle)
    run.run(Computation.EARNED_VALUE, "Earned Value", noted("ev", "ev-2"), at=first)
    run.run(Computation.EARNED_VALUE, "Earned Value", crashes, at=first, keep_issues=False)
    assert [i.code for i in run.issues] == ["ev", "ev-2", "internal-error", "loading", "internal-error", "internal-error", "risks"]
    assert all("crashes failed (RuntimeError: boom)" in i.message for i in run.issues if i.code == "internal-error")
    assert list(run.unavailable) == ["Earned Value", "Scenarios", "RAID"]  # the places' order, as if computed in it


def pids_then(last):  # type: ignore[no-untyped-def]
    yield os.getpid()
    yield frame_of(50)
    last()
    yield "after"


def _raise() -> None:
    raise ValueError("broken")


@linux_only
def test_a_worker_s_answers_come_in_order_and_stop_at_the_first_failure(worker: None) -> None:
    answers = background.Answers(pids_then, lambda: None)
    assert answers.next() != os.getpid()
    pd.testing.assert_frame_equal(answers.next(), frame_of(50))
    assert answers.next() == "after"
    answers.stop()
    for fails in (_raise, lambda: os._exit(3)):  # raised, or died without a word
        answers = background.Answers(pids_then, fails)
        assert answers.next() != os.getpid()
        answers.next()
        assert answers.next() is None
        assert answers.next() is None


def test_without_a_worker_there_are_no_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(background, "_fork_helps", lambda: False)
    assert background.Answers(pids_then, lambda: None).next() is None
