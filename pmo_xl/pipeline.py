"""The run, stage by stage: read → parse → check → compute → build → write.

Every stage has the same shape, `stage(input, options) -> (output, issues)`, and every front
door (the CLI, the Excel buttons, the demo, the tests) goes through these stages by way of the
use cases in `pmo_xl.usecases`:

    read     path            -> RawWorkbook      the registers' cells as found (io adapter)
    parse    RawWorkbook     -> Portfolio        typed registers and settings; bad cells are issues
    check    Portfolio       -> Portfolio        rules across rows, registers and periods; rows
                                                 with errors left out; not changed after this
    compute  Portfolio       -> Results          every computation, for the month and the one before
    build    Run             -> ReportModel      a pure translation of the results into sheets
    write    ReportModel     -> Path             XlsxWriter, atomically (report adapter)

A crash inside a stage is caught in one place (`guarded`): in production it becomes an
`internal-error` issue and the run goes on without that part; with `RunOptions.strict` (the
tests) it raises. The issues of parse, check and compute together are the one issue list
(`Run.issues`) that `pmo-xl validate`, the Validate button and Data Quality all show.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pandas as pd

from pmo_xl.checks.run import run_checks
from pmo_xl.gc_pause import without_cycle_collection
from pmo_xl.guard import guarded, internal_error
from pmo_xl.io.read_workbook import read_workbook
from pmo_xl.issues import Issue, Stage
from pmo_xl.model import Portfolio
from pmo_xl.options import Computation, RunOptions, default_options
from pmo_xl.parse.portfolio import parse_portfolio
from pmo_xl.raw import RawWorkbook
from pmo_xl.results import Results, Run, Settled, Snapshot
from pmo_xl.schema.registers import REGISTERS
from pmo_xl.schema.settings import SETTINGS_TABLES

if TYPE_CHECKING:  # the report's modules are imported when a report is built: validate never needs them
    from pmo_xl.compute.priority import PriorityResult
    from pmo_xl.report.model import ReportModel

ALL_TABLES = (*REGISTERS, *SETTINGS_TABLES)
# Up to this many projects the scenarios' worker computes the priorities too, before the scenarios
# (`scenarios.compute.PrioritiesThenScenarios`): it has time for them there (the 40-project sample:
# ~0.6 s of work, the priorities sent ~0.05 s before the report model asks for them, the scenarios
# about when it does); at 200 projects the scenarios alone already fill the worker's time, and at
# 1,000 they are what the report waits for.
PRIORITIES_BESIDE_UP_TO = 100
T = TypeVar("T")


# --- read, parse, check ------------------------------------------------------------------------


def read(path: str | os.PathLike[str], options: RunOptions | None = None) -> tuple[RawWorkbook, list[Issue]]:
    """Every register and Settings table found in the file. Raises WorkbookReadError when the
    file cannot be used at all (one line for the user, exit 2)."""
    raw = read_workbook(path, ALL_TABLES)
    return dataclasses.replace(raw, path=str(Path(path))), list(raw.issues)


def parse(raw: RawWorkbook, options: RunOptions | None = None) -> tuple[Portfolio, list[Issue]]:
    """Typed registers and settings; a cell that is not what its column holds is an issue."""
    portfolio = parse_portfolio(raw.tables, source=raw.path, options=default_options(options))
    # Sheets the reader refused (a stray cell far away) come first: located, like every issue.
    portfolio = dataclasses.replace(portfolio, issues=[*raw.issues, *portfolio.issues])
    return portfolio, list(portfolio.issues)


def check(parsed: Portfolio, options: RunOptions | None = None) -> tuple[Portfolio, list[Issue]]:
    """The checked portfolio: a new one (the parsed one is left as it was), with the checks'
    issues added and the rows with errors left out. Nothing changes it after this stage."""
    return run_checks(parsed, options=default_options(options))


# --- compute -----------------------------------------------------------------------------------


def month_end(period: pd.Timestamp) -> dt.date:
    return (period + pd.offsets.MonthEnd(0)).date()


def reporting_period(portfolio: Portfolio, options: RunOptions | None = None) -> pd.Timestamp | None:
    """The month reported on: `options.period`, else the status period (first day of the month)."""
    period = default_options(options).period
    period = period if period is not None else portfolio.period
    return pd.Timestamp(period).to_period("M").start_time if period is not None else None


def portfolio_at(portfolio: Portfolio, period: pd.Timestamp | None) -> Portfolio:
    """The same portfolio with its status date moved into `period` (its month end).

    The Settings status date is kept when it already lies in that month. Registers are shared,
    not copied: the computations never modify their input.
    """
    settings = portfolio.settings
    if period is None:
        return portfolio
    current = settings.status_date
    if current is not None and pd.Timestamp(current).to_period("M").start_time == period:
        return portfolio
    moved = dataclasses.replace(settings, status_date=month_end(period))
    return dataclasses.replace(portfolio, settings=moved, issues=list(portfolio.issues))


class _Computations:
    """Runs the computations of one run under the crash guard, keeping their issues.

    The issues (and the sheets left unavailable) are kept in the order of the run's list, which
    need not be the order of computing: `later()` keeps a place for a computation made later (its
    issues go there, not at the end), so one can start early and another be computed meanwhile.
    """

    def __init__(self, options: RunOptions) -> None:
        self.options = options
        self._issues: list[list[Issue]] = [[]]  # by place; `run` without `at` adds to the last
        self._unavailable: list[dict[str, str]] = [{}]

    def later(self) -> int:
        """A place, here in the list, for the issues of a computation run later (`run(..., at=place)`)."""
        self._issues += [[], []]
        self._unavailable += [{}, {}]
        return len(self._issues) - 2

    @property
    def issues(self) -> list[Issue]:
        return [issue for part in self._issues for issue in part]

    @property
    def unavailable(self) -> dict[str, str]:
        merged: dict[str, str] = {}
        for part in self._unavailable:
            merged.update(part)
        return merged

    def run(self, which: Computation, sheet: str, function: Callable[..., tuple[T, list[Issue]]], *args: Any,
            keep_issues: bool = True, at: int = -1, **kwargs: Any) -> T | None:
        if which not in self.options.compute:
            return None
        name = getattr(function, "__name__", "computation")
        outcome = guarded(lambda: function(*args, **kwargs), strict=self.options.strict,
                          on_error=lambda error: self._failed(name, sheet, error, at))
        if outcome is None:
            return None
        result, issues = outcome
        if keep_issues:
            self._issues[at].extend(issues)
        return result

    def _failed(self, name: str, sheet: str, error: Exception, at: int) -> None:
        self._unavailable[at][sheet] = f"{name} failed ({type(error).__name__}: {error})"
        self._issues[at].append(internal_error(
            Stage.REPORT, "(all)", name,
            f"The computation {name} failed ({type(error).__name__}: {error}); the {sheet} figures are missing from this report"))


def compute(portfolio: Portfolio, options: RunOptions | None = None) -> tuple[Results, list[Issue]]:
    """Every computation for the reporting month, and for the month before it (the same
    computations with the status date one month earlier, so every change against last period
    compares like with like). Only the reporting month's issues are kept."""
    results = compute_beside(portfolio, options)
    return results, list(results.issues)  # the issues wait for every computation


@without_cycle_collection
def compute_beside(portfolio: Portfolio, options: RunOptions | None = None) -> Results:
    """`compute`, handing the results over while the scenarios may still be computed beside
    (in a worker, `pmo_xl.background`): they, the issue list and the unavailable sheets are
    waited for when first read (`Results.issues`), so whatever needs none of them — most of the
    report model — is built meanwhile."""
    # The modules of the computations made; the scenarios', the governance's and the trends' only
    # when they are made (`validate` makes none of them).
    from pmo_xl.compute.earned_value import compute_earned_value
    from pmo_xl.compute.loading import ON_REQUEST, compute_loading
    from pmo_xl.compute.milestones import compute_milestones
    from pmo_xl.compute.priority import compute_priorities
    from pmo_xl.compute.risk import compute_risk

    options = default_options(options)
    period = reporting_period(portfolio, options)
    now = portfolio_at(portfolio, period)
    previous_period = period - pd.DateOffset(months=1) if period is not None else None
    before = portfolio_at(portfolio, previous_period)
    status_date = now.status_date
    previous_date = before.status_date if previous_period is not None else None
    # The month before: compared against in the report, never a source of issues (see Computation).
    compares = Computation.PREVIOUS_MONTH in options.compute

    run = _Computations(options)
    # Computed in this order, so that the scenarios (they need the loading and the role frames)
    # start as early as they can; the issue list keeps the order it always had (`later`).
    earned_value_at = run.later()
    has_scenarios = now.settings.scenarios is not None and len(now.settings.scenarios) > 0
    wants_scenarios = has_scenarios and Computation.SCENARIOS in options.compute
    # For a small portfolio the scenarios' worker computes the priorities too, first, and starts
    # now: it makes its own role frames and the baseline's over-allocations (this run's loading
    # would be ready only later) while this process computes the loading and the rest.
    beside = None
    if wants_scenarios and Computation.PRIORITIES in options.compute and len(now.projects) <= PRIORITIES_BESIDE_UP_TO:
        from pmo_xl.background import forks
        from pmo_xl.scenarios.compute import PrioritiesThenScenarios

        beside = PrioritiesThenScenarios(now, options, _role_frames) if forks() else None
    loading = run.run(Computation.LOADING, "Resources", compute_loading, now,
                      causes=ON_REQUEST if Computation.OVERALLOCATION_CAUSES in options.compute else False)
    wants_frames = beside is None and (Computation.PRIORITIES in options.compute or wants_scenarios)
    demand, capacity = _role_frames(now) if wants_frames else (None, None)
    # The scenarios' baseline is this run's portfolio: its loading and role frames are reused, and
    # so is the selection's solve when the scenarios are computed here (see `Reuse.of_run`). They
    # need nothing computed below, so on a second core they run beside the rest (`background`).
    reuse, scenarios_pending = None, beside.scenarios if beside is not None else None
    if wants_scenarios and beside is None:
        from pmo_xl.scenarios.compute import compute_scenarios_beside
        from pmo_xl.scenarios.outcome import Reuse

        reuse = Reuse.of_run(now, loading, (demand, capacity) if demand is not None else None, None)
        scenarios_pending = compute_scenarios_beside(now, options, reuse)
    ev = run.run(Computation.EARNED_VALUE, "Earned Value", compute_earned_value, now, at=earned_value_at)
    ev_before = (run.run(Computation.EARNED_VALUE, "Earned Value", compute_earned_value, before, keep_issues=False,
                         at=earned_value_at, compared_only=True) if period is not None and compares else None)
    priorities: PriorityResult | Callable[[], PriorityResult | None] | None
    if beside is not None:  # taken from the worker when first read (its issues keep their place here)
        priorities_at, take = run.later(), beside.priorities
        priorities = functools.cache(lambda: run.run(Computation.PRIORITIES, "Priorities", take, at=priorities_at))
    else:
        priorities = run.run(Computation.PRIORITIES, "Priorities", compute_priorities, now, demand=demand, capacity=capacity)
        if reuse is not None:  # for a computation here (a worker has solved its own)
            reuse.selection = priorities.solved if priorities is not None else None
    risks = run.run(Computation.RISKS, "Risks", compute_risk, now, as_of=status_date)
    risks_before = (run.run(Computation.RISKS, "Risks", compute_risk, now, as_of=previous_date, keep_issues=False)
                    if previous_date and compares else None)
    milestones = run.run(Computation.MILESTONES, "Milestones", compute_milestones, now, as_of=status_date)
    milestones_before = (run.run(Computation.MILESTONES, "Milestones", compute_milestones, now, as_of=previous_date,
                                 keep_issues=False) if previous_date and compares else None)
    trends = None
    if ev is not None and compares:
        from pmo_xl.compute.trends import compute_trends

        # keep_issues=False: like the month before it compares against, it never adds an issue, so the
        # validate that skips it lists what the report lists
        trends = run.run(Computation.EARNED_VALUE, "Trends", compute_trends, now, period, ev, ev_before, milestones,
                         keep_issues=False)
    scenarios_at = run.later()
    governance = None
    if Computation.GOVERNANCE in options.compute:
        from pmo_xl.compute.governance import compute_governance

        governance = run.run(Computation.GOVERNANCE, "RAID", compute_governance, now)

    def settle() -> Settled:
        """The scenarios waited for (a worker's, or computed here now), then the complete issue list."""
        if callable(priorities):  # their issues come before the scenarios' (and they are sent first)
            priorities()
        if scenarios_pending is not None and not getattr(scenarios_pending, "ready", lambda: True)():
            _import_the_writer()  # this process would only wait for the worker
        scenarios = (run.run(Computation.SCENARIOS, "Scenarios", scenarios_pending, at=scenarios_at)
                     if scenarios_pending is not None else None)
        return Settled(tuple(run.issues), dict(run.unavailable), scenarios)

    return Results(
        period=period, previous_period=previous_period, status_date=status_date, previous_date=previous_date,
        portfolio=Snapshot(now, before), earned_value=Snapshot(ev, ev_before), loading=loading, prioritised=priorities,
        risks=Snapshot(risks, risks_before), milestones=Snapshot(milestones, milestones_before), trends=trends,
        governance=governance, settle=settle if scenarios_pending is not None else settle(),
    )


def _import_the_writer() -> None:
    """The report writer's modules (XlsxWriter's among them: ~0.06 s of CPU), imported while the
    scenarios' worker is waited for: the report, which reads the scenarios, imports them next."""
    import pmo_xl.report.write  # noqa: F401


def _role_frames(portfolio: Portfolio) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """Role demand and capacity per month, worked out once for the selection and the scenarios'
    baseline (both need the same). (None, None) when they cannot be: `compute_priorities` then
    tries again and says why in its issues, as it does on its own."""
    from pmo_xl.compute.priority.selection import role_demand_and_capacity

    try:
        return role_demand_and_capacity(portfolio)
    except Exception:  # noqa: BLE001 — reported by compute_priorities (capacity-not-checked)
        return None, None


# --- build, write ------------------------------------------------------------------------------


def build(run: Run, options: RunOptions | None = None) -> tuple[ReportModel, list[Issue]]:
    """The report model: what each sheet shows, translated from the results (computes nothing)."""
    from pmo_xl.report.model import build_report_model

    return build_report_model(run, project_pages=default_options(options).project_pages), []


def write(model: ReportModel, out: str | os.PathLike[str], options: RunOptions | None = None) -> tuple[Path, list[Issue]]:
    """The report workbook, written atomically (XlsxWriter)."""
    from pmo_xl.report.write import write_report_model

    return write_report_model(model, out), []


# --- the stages chained ------------------------------------------------------------------------


def load_tables(tables: dict[str, Any], source: str = "", options: RunOptions | None = None) -> Portfolio:
    """Parse and check raw tables (from a file or from live Excel) into the checked portfolio."""
    parsed, _ = parse(RawWorkbook(path=source, sheet_names=[], tables=tables), options)
    checked, _ = check(parsed, options)
    return checked


def load(path: str | os.PathLike[str], options: RunOptions | None = None) -> Portfolio:
    """Read, parse and check a workbook file. Raises WorkbookReadError when it cannot be used."""
    raw, _ = read(path, options)
    parsed, _ = parse(raw, options)
    checked, _ = check(parsed, options)
    return checked


def run_portfolio(portfolio: Portfolio, options: RunOptions | None = None) -> Run:
    """A checked portfolio taken through the compute stage."""
    return Run(portfolio, compute_beside(portfolio, options))


def report(run: Run, out: str | os.PathLike[str], options: RunOptions | None = None) -> Path:
    """Build and write the report of a computed run."""
    model, _ = build(run, options)
    path, _ = write(model, out, options)
    return path
