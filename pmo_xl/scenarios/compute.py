"""Every scenario of the workbook computed from the one checked portfolio, beside the baseline.

A scenario is the same stages run on a transformed portfolio: the workbook is read, parsed and
checked once (the pipeline's `load`), each scenario's actions transform that checked portfolio
(`actions`), and the engine's computations measure the result (`outcome`). Nothing is re-read
or re-parsed; a scenario that leaves the allocations and resources as they were reuses the
baseline's loading and role demand instead of recomputing them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from pmo_xl.background import Answers, Pending, forks, in_background
from pmo_xl.compute.selection.solver import load_solver
from pmo_xl.guard import guarded, internal_error
from pmo_xl.issues import Issue, Stage
from pmo_xl.model import Portfolio
from pmo_xl.options import RunOptions, default_options
from pmo_xl.scenarios.actions import Action, apply_actions, first_open_month, read_actions
from pmo_xl.scenarios.outcome import Outcome, Reuse, baseline_plan, measure

if TYPE_CHECKING:
    from pmo_xl.compute.priority import PriorityResult
    from pmo_xl.scenarios.compare import ComparisonView

BASELINE = "Baseline (as planned)"


@dataclass(frozen=True)
class ScenarioRun:
    """The baseline and each scenario's figures, from one checked portfolio."""

    baseline: Outcome
    scenarios: tuple[Outcome, ...]
    first_month: pd.Timestamp  # the first month a decision can change (the month after the status month)
    issues: tuple[Issue, ...] = field(default_factory=tuple)
    # The Scenarios sheet's comparison of these figures, when made where they were computed (in the
    # worker, see `compute_scenarios_beside`); `build_comparison` makes it otherwise.
    compared: ComparisonView | None = field(default=None, compare=False, repr=False)


class UnknownScenario(ValueError):
    """`--only` names a scenario the workbook does not hold (or that was left out for errors)."""


def compute_scenarios(portfolio: Portfolio, options: RunOptions | None = None,
                      only: list[str] | None = None, reuse: Reuse | None = None,
                      loadings: bool = True) -> tuple[ScenarioRun, list[Issue]]:
    """The baseline and every scenario (or the ones named in `only`) of a checked portfolio.

    `reuse`: what a run has already computed on this same portfolio (`Reuse.of_run`).
    `loadings=False` leaves each outcome's loading out (see `measure`)."""
    options = default_options(options)
    scenarios = read_actions(portfolio)
    if only:
        missing = [n for n in only if n not in scenarios]
        if missing:
            known = ", ".join(repr(n) for n in scenarios) or "none"
            raise UnknownScenario(f"no scenario {', '.join(repr(n) for n in missing)} in the workbook (scenarios: {known})")
        scenarios = {n: scenarios[n] for n in only}
    first_month = first_open_month(portfolio)
    reuse = reuse if reuse is not None and reuse.portfolio is portfolio else Reuse(portfolio)
    baseline = measure(BASELINE, baseline_plan(portfolio), first_month, reuse, keep_loading=loadings)
    issues: list[Issue] = []
    outcomes = []
    for name, actions in scenarios.items():
        outcome = guarded(lambda name=name, actions=actions: _scenario(portfolio, name, actions, first_month, reuse, loadings),
                          strict=options.strict, on_error=lambda error, name=name: _failed(name, error, issues))
        if outcome is not None:
            outcomes.append(outcome)
    return ScenarioRun(baseline, tuple(outcomes), first_month, tuple(issues)), issues


def compute_scenarios_beside(portfolio: Portfolio, options: RunOptions, reuse: Reuse) -> Pending[tuple[ScenarioRun, list[Issue]]]:
    """`compute_scenarios` started in a worker process where a second core helps
    (`pmo_xl.background`); call the result for its value. The selection solver is imported here
    first, so that the worker shares the import instead of making its own. The outcomes come
    without their loadings (the report's comparison never shows them): the worker's answer is
    then well under a megabyte on 1,000 projects instead of ~40 MB to send and unpickle.
    The Scenarios sheet's comparison is made there too, once the figures are: the worker
    finishes well before the report model asks for them, while this process builds that model."""
    if forks():
        load_solver()
    return in_background(_compared, portfolio, options, reuse=reuse)


def _compared(portfolio: Portfolio, options: RunOptions, reuse: Reuse) -> tuple[ScenarioRun, list[Issue]]:
    """`compute_scenarios` without the loadings, with the comparison made (`ScenarioRun.compared`).
    A comparison that fails is left to `build_comparison` in the report, where it failed before."""
    from pmo_xl.scenarios.compare import build_comparison

    run, issues = compute_scenarios(portfolio, options, reuse=reuse, loadings=False)
    if run.scenarios:
        try:
            run = dataclasses.replace(run, compared=build_comparison(run))
        except Exception:  # noqa: BLE001 — raised again, in its place, when the report builds the comparison
            pass
    return run, issues


_compared.__name__ = compute_scenarios.__name__  # a failure names the computation, as before (`pipeline._Computations`)


class PrioritiesThenScenarios:
    """The report's priorities (the selection's solve, its explanation and frontier) and then the
    scenarios, computed one after the other by one worker beside this process (`background.Answers`),
    each taken as soon as it is sent: `priorities()`, then `scenarios()` (each gives what the
    computation returns, or raises what it raised, as `compute_priorities` and
    `compute_scenarios_beside` would here).

    For a small portfolio, where the scenarios alone would leave the worker idle for part of the
    run: the worker starts before this run's loading and makes what the scenarios would reuse of
    it — the role demand and capacity (`role_frames`, as the pipeline makes them), the baseline's
    over-allocations (`measure` works them out where no monthly loading is given, as for a
    report by week) — then the priorities, whose solve the scenarios' baseline reuses. This
    process then neither solves nor imports scipy.sparse or HiGHS (~0.4 s of its CPU on the
    40-project sample). Where no worker can be started, or it gives no answer (it died, a result
    cannot be pickled), both are computed here when asked for, as they always were."""

    def __init__(self, portfolio: Portfolio, options: RunOptions,
                 role_frames: Callable[[Portfolio], tuple[pd.DataFrame | None, pd.DataFrame | None]]) -> None:
        self._portfolio, self._options, self._role_frames = portfolio, options, role_frames
        self._reuse: Reuse | None = None
        self._answers: Answers[tuple[str, Any]] = Answers(_priorities_then_scenarios, portfolio, options, role_frames)
        self._priorities: tuple[str, Any] | None = None
        self.priorities = _named(self._take_priorities, "compute_priorities")
        self.scenarios = _named(self._take_scenarios, compute_scenarios.__name__)
        self.scenarios.ready = self._answers.ready  # type: ignore[attr-defined] — as `Pending.ready`

    def _take_priorities(self) -> tuple[PriorityResult, list[Issue]]:
        if self._priorities is None:
            self._priorities = self._answers.next() or (_HERE, None)
        kind, value = self._priorities
        if kind == _HERE:  # no answer from the worker: computed here, as the worker would have
            return _priorities(self._portfolio, self._here())
        return _given(kind, value)

    def _take_scenarios(self) -> tuple[ScenarioRun, list[Issue]]:
        if self._priorities is None:  # the worker's answers come in order: the priorities' first
            self._priorities = self._answers.next() or (_HERE, None)
        message = self._answers.next() if self._priorities[0] != _HERE else None
        self._answers.stop()  # its last answer taken (or none to come)
        if message is None:  # no worker, or no usable answer: computed here, as `Pending` does
            return _compared(self._portfolio, self._options, reuse=self._here())
        return _given(*message)

    def _here(self) -> Reuse:
        if self._reuse is None:
            self._reuse = _reuse(self._portfolio, self._role_frames)
        return self._reuse


_OK, _RAISED, _HERE = "ok", "raised", "here"


def _reuse(portfolio: Portfolio, role_frames: Callable[[Portfolio], tuple[pd.DataFrame | None, pd.DataFrame | None]]) -> Reuse:
    """What the scenarios reuse, made without this run's loading (`Reuse.of_run` with none)."""
    demand, capacity = role_frames(portfolio)
    return Reuse.of_run(portfolio, None, (demand, capacity) if demand is not None else None, None)


def _priorities(portfolio: Portfolio, reuse: Reuse) -> tuple[PriorityResult, list[Issue]]:
    """`compute_priorities` on the reused role frames; its solve handed to the scenarios' baseline,
    as the pipeline hands its own to scenarios computed in its process."""
    from pmo_xl.compute.priority import compute_priorities

    demand, capacity = reuse.role_frames if reuse.role_frames is not None else (None, None)
    result, issues = compute_priorities(portfolio, demand=demand, capacity=capacity)
    reuse.selection = result.solved
    return result, issues


def _priorities_then_scenarios(portfolio: Portfolio, options: RunOptions,
                               role_frames: Callable[[Portfolio], tuple[pd.DataFrame | None, pd.DataFrame | None]]
                               ) -> Iterator[tuple[str, Any]]:
    """In the worker: the priorities (without their solve, which only the scenarios read), then the
    scenarios compared (`_compared`), each sent as (ok, what it returned) or (raised, its error)."""
    reuse = _reuse(portfolio, role_frames)
    try:
        result, issues = _priorities(portfolio, reuse)
    except Exception as error:  # noqa: BLE001 — raised again in the parent, in its guard
        yield _RAISED, error
    else:
        yield _OK, (dataclasses.replace(result, solved=None), issues)
    try:
        scenarios = _compared(portfolio, options, reuse=reuse)
    except Exception as error:  # noqa: BLE001 — raised again in the parent, in its guard
        yield _RAISED, error
    else:
        yield _OK, scenarios


def _given(kind: str, value: Any) -> Any:
    if kind == _RAISED:
        raise value
    return value


def _named(function: Callable[[], Any], name: str) -> Callable[[], Any]:
    """`function` under the computation's name: a failure names the computation (`pipeline._Computations`)."""
    def call() -> Any:
        return function()

    call.__name__ = name
    return call


def _scenario(portfolio: Portfolio, name: str, actions: list[Action], first_month: pd.Timestamp, reuse: Reuse,
              keep_loading: bool) -> Outcome:
    plan = apply_actions(portfolio, actions)
    notes = tuple(a.note for a in actions if a.note)
    return measure(name, plan, first_month, reuse, tuple(a.describe() for a in actions), notes, keep_loading)


def _failed(name: str, error: Exception, issues: list[Issue]) -> None:
    issues.append(internal_error(Stage.REPORT, "Settings", "Scenarios",
                                 f"Scenario {name!r} could not be computed ({type(error).__name__}: {error}); it is left out — please report this"))
