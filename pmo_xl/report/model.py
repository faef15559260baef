"""The report MODEL: what the monthly pack shows, computed in Python before anything is written.

`build_report_model(portfolio, period)` runs every computation for the reporting month and
for the month before it (the same computations with the status date one month earlier, so
every "change against last period" compares like with like), and turns the results into
plain DataFrames and small records, one group per sheet. The writer (`pmo_xl.report.sheets`)
only lays them out: it decides nothing about which projects, which order or which figures.

Pure: pandas and numpy only, no Excel library, no file I/O. Every undefined figure stays NaN
here (the writer leaves such cells blank), never 0 and never an error value.

A computation that crashes does not stop the pack: in production it becomes an
`internal-error` issue on the Data Quality sheet and its sheet says it is unavailable; with
PMO_XL_STRICT set (the tests) it raises, like the checks do.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pandas as pd

from pmo_xl.compute.milestones import MilestoneResult, compute_milestones
from pmo_xl.compute.risk import RiskResult, compute_risk
from pmo_xl.issues import Issue, Severity, Stage
from pmo_xl.model import Portfolio
from pmo_xl.parse.settings import status_period
from pmo_xl.report.formats import currency_symbol, money_format
from pmo_xl.report.model_dashboard import (
    Kpi,
    build_exceptions,
    build_kpis,
    build_rag_counts,
    build_s_curve,
    build_scatter,
    build_team_utilisation,
)
from pmo_xl.report.model_project_pages import ProjectPagesView, build_project_pages
from pmo_xl.report.model_views import (
    DataQualityView,
    EarnedValueView,
    PrioritiesView,
    ResourcesView,
    build_data_quality,
    build_earned_value_view,
    build_portfolio_table,
    build_priorities_view,
    build_resources_view,
)

T = TypeVar("T")


@dataclass(frozen=True)
class ReportModel:
    """Everything the report pack shows, sheet by sheet, as values (no formats, no layout)."""

    title: str  # the portfolio name, printed on every page
    period: pd.Timestamp | None  # first day of the reporting month
    previous_period: pd.Timestamp | None
    status_date: dt.date | None
    currency: str
    money_format: str
    kpis: list[Kpi]
    rag_counts: pd.DataFrame  # rag, this_period, last_period
    scatter: pd.DataFrame  # project_id, name, rag, spi, cpi
    s_curve: pd.DataFrame  # period, pv, ev, ac, eac, bac
    team_utilisation: pd.DataFrame  # team, then one utilisation column per month shown
    exceptions: pd.DataFrame  # kind, id, name, item, reason
    portfolio: pd.DataFrame  # one row per project
    priorities: PrioritiesView | None
    resources: ResourcesView | None
    earned_value: EarnedValueView | None
    risks: RiskResult | None
    milestones: MilestoneResult | None
    data_quality: DataQualityView
    unavailable: dict[str, str] = field(default_factory=dict)  # sheet -> why it has no figures
    project_pages: ProjectPagesView | None = None  # one printed page per chosen project
    edition: str = "workbook"  # "print": the PDF's edition, long detail lists cut (see print_edition.py)

    @property
    def period_label(self) -> str:
        return self.period.strftime("%B %Y") if self.period is not None else "no period"

    @property
    def previous_label(self) -> str:
        return self.previous_period.strftime("%b %Y") if self.previous_period is not None else "last period"


def month_end(period: pd.Timestamp) -> dt.date:
    return (period + pd.offsets.MonthEnd(0)).date()


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


class _Runner:
    """Runs computations, keeping their issues and turning a crash into an issue (or a raise)."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []
        self.unavailable: dict[str, str] = {}

    def run(self, sheet: str, function: Callable[..., tuple[T, list[Issue]]], *args: Any, keep_issues: bool = True,
            **kwargs: Any) -> T | None:
        try:
            result, issues = function(*args, **kwargs)
        except Exception as error:
            if os.environ.get("PMO_XL_STRICT"):
                raise
            name = getattr(function, "__name__", "computation")
            self.unavailable[sheet] = f"{name} failed ({type(error).__name__}: {error})"
            self.issues.append(Issue(code="internal-error", severity=Severity.WARNING, sheet="(all)", row=None, column=None, field=None, value=name,
                                     message=f"The computation {name} failed ({type(error).__name__}: {error}); "
                                     f"the {sheet} figures are missing from this report", stage=Stage.REPORT))
            return None
        if keep_issues:
            self.issues.extend(issues)
        return result


def build_report_model(portfolio: Portfolio, period: pd.Timestamp | None = None, project_pages: str | None = None) -> ReportModel:
    """The report model for `period` (first day of a month; default: the status period).

    `project_pages` (all, exceptions, none) overrides Settings.project_pages.
    """
    from pmo_xl.compute.earned_value import compute_earned_value
    from pmo_xl.compute.loading import compute_loading
    from pmo_xl.compute.priority import compute_priorities

    settings = portfolio.settings
    period = period if period is not None else status_period(settings, portfolio.progress)
    period = pd.Timestamp(period).to_period("M").start_time if period is not None else None
    now = portfolio_at(portfolio, period)
    previous_period = period - pd.DateOffset(months=1) if period is not None else None
    before = portfolio_at(portfolio, previous_period)
    status_date = now.settings.status_date or (month_end(period) if period is not None else None)
    previous_date = before.settings.status_date if previous_period is not None else None

    runner = _Runner()
    ev = runner.run("Earned Value", compute_earned_value, now)
    ev_before = runner.run("Earned Value", compute_earned_value, before, keep_issues=False) if period is not None else None
    loading = runner.run("Resources", compute_loading, now)
    priorities = runner.run("Priorities", compute_priorities, now)
    risks = runner.run("Risks", compute_risk, now, as_of=status_date)
    risks_before = runner.run("Risks", compute_risk, now, as_of=previous_date, keep_issues=False) if previous_date else None
    milestones = runner.run("Milestones", compute_milestones, now, as_of=status_date)
    milestones_before = runner.run("Milestones", compute_milestones, now, as_of=previous_date, keep_issues=False) if previous_date else None

    project_table = build_portfolio_table(now, period, ev, ev_before, priorities)
    data_quality = build_data_quality(portfolio.issues, runner.issues)
    resources = build_resources_view(loading, period) if loading is not None else None
    kpis = build_kpis(
        project_table=project_table, portfolio=now, period=period, previous_period=previous_period,
        ev=ev, ev_before=ev_before, resources=resources, risks=risks, risks_before=risks_before,
        data_quality=data_quality, milestones=milestones, milestones_before=milestones_before,
    )
    ev_view = build_earned_value_view(ev, project_table) if ev is not None else None
    pages = build_project_pages(
        project_pages or settings.project_pages, project_table, now.projects, ev_view.metrics if ev_view is not None else None,
        ev.by_period if ev is not None else None, now.baseline, milestones.table if milestones is not None else None,
        int(settings.milestone_slip_days), risks.register if risks is not None else None, now.allocations, now.resources,
        resources.overallocations if resources is not None else None, period)
    unavailable = dict(runner.unavailable)
    if period is None:
        unavailable.setdefault("Dashboard", "no status date and no progress: there is no reporting period")
    return ReportModel(
        title=settings.portfolio_name or "Project portfolio",
        period=period,
        previous_period=previous_period,
        status_date=status_date,
        currency=currency_symbol(settings.currency),
        money_format=money_format(settings.currency),
        kpis=kpis,
        rag_counts=build_rag_counts(project_table),
        scatter=build_scatter(project_table),
        s_curve=build_s_curve(ev),
        team_utilisation=build_team_utilisation(resources),
        exceptions=build_exceptions(project_table, milestones, resources, now, period, status_date),
        portfolio=project_table,
        priorities=build_priorities_view(priorities) if priorities is not None else None,
        resources=resources,
        earned_value=ev_view,
        risks=risks,
        milestones=milestones,
        data_quality=data_quality,
        unavailable=unavailable,
        project_pages=pages,
    )

