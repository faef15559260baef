"""What the compute stage hands to the report: every computation's output, now and a month before.

`Results` is frozen: the report model (`pmo_xl.report.model.build_report_model`) only
translates it into sheets, it computes nothing. One computation may still be running in a worker
beside this process when the results are handed over (the what-if scenarios, see
`pmo_xl.background`; for a small portfolio the priorities before them): it is waited for the
first time what depends on it is read — the issue list, the sheets left unavailable, the
scenarios, the priorities — so that the report model can build everything
else meanwhile. Nothing reads a figure before it is complete. A `Snapshot` pairs a figure of the
reporting month with the same figure one month earlier, for every "change against last period".
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, NamedTuple, TypeVar

import pandas as pd

from pmo_xl.issues import Issue
from pmo_xl.model import Portfolio

if TYPE_CHECKING:
    from pmo_xl.compute.earned_value import EarnedValueResult
    from pmo_xl.compute.governance import GovernanceResult
    from pmo_xl.compute.loading import LoadingResult
    from pmo_xl.compute.milestones import MilestoneResult
    from pmo_xl.compute.priority import PriorityResult
    from pmo_xl.compute.risk import RiskResult
    from pmo_xl.compute.trends import TrendResult
    from pmo_xl.scenarios import ScenarioRun

T = TypeVar("T")


@dataclass(frozen=True)
class Snapshot(Generic[T]):
    """A result for the reporting month (`now`) and for the month before (`before`); None when
    not computed (no period, not asked for, or the computation failed)."""

    now: T | None = None
    before: T | None = None


class Settled(NamedTuple):
    """What is known only once every computation of the run has finished."""

    issues: tuple[Issue, ...]  # what the computations of the reporting month found
    unavailable: dict[str, str]  # sheet -> why it has no figures
    scenarios: ScenarioRun | None  # the what-if scenarios of Settings beside the baseline (None: there are none)


@dataclass(frozen=True)
class Results:
    """Every computation of one run, for the reporting month and the one before it."""

    period: pd.Timestamp | None  # first day of the reporting month
    previous_period: pd.Timestamp | None
    status_date: dt.date | None  # the day the figures are as of
    previous_date: dt.date | None
    portfolio: Snapshot[Portfolio]  # the checked portfolio with its status date in each month
    earned_value: Snapshot[EarnedValueResult]
    loading: LoadingResult | None
    # The priorities, or the call that takes them from the worker computing them beside (read them
    # through `priorities`, which waits for them the first time)
    prioritised: PriorityResult | Callable[[], PriorityResult | None] | None
    risks: Snapshot[RiskResult]
    milestones: Snapshot[MilestoneResult]
    trends: TrendResult | None = None  # the last 12 months: History where closed, recomputed otherwise
    governance: GovernanceResult | None = None  # RAID, change requests, benefits, alignment, lessons on the status date
    # The issues, unavailable sheets and scenarios, or the call that waits for the computation
    # still running beside and gives them (read them through the properties below).
    settle: Settled | Callable[[], Settled] = field(default_factory=lambda: Settled((), {}, None))

    @functools.cached_property
    def priorities(self) -> PriorityResult | None:
        """The priorities and the selection (waits for them when a worker computes them beside)."""
        return self.prioritised() if callable(self.prioritised) else self.prioritised

    @functools.cached_property
    def _settled(self) -> Settled:
        return self.settle() if callable(self.settle) else self.settle

    @property
    def issues(self) -> tuple[Issue, ...]:
        """What the computations of the reporting month found (waits for every computation)."""
        return self._settled.issues

    @property
    def unavailable(self) -> dict[str, str]:
        """Sheet -> why it has no figures (waits for every computation)."""
        return self._settled.unavailable

    @property
    def scenarios(self) -> ScenarioRun | None:
        """The what-if scenarios beside the baseline, None when there are none (waits for them)."""
        return self._settled.scenarios


@dataclass(frozen=True)
class Run:
    """One workbook taken through the stages: the checked portfolio, its results, its issues."""

    portfolio: Portfolio  # checked: rows with errors left out (and listed in `rejected`)
    results: Results | None  # None when the run stopped before computing

    @property
    def issues(self) -> list[Issue]:
        """The one issue list: parse, check and compute, as validate, Validate and Data Quality show it."""
        return [*self.portfolio.issues, *(self.results.issues if self.results is not None else ())]
