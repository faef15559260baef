"""The report MODEL: what the monthly pack shows, as values, before anything is written.

`build_report_model(run)` translates a computed run (`pmo_xl.results.Run`: the checked
portfolio and every computation for the reporting month and the month before, see
`pmo_xl.pipeline.compute`) into plain DataFrames and small records, one group per sheet. It
computes nothing of its own. The writer (`pmo_xl.report.sheets`) only lays them out: it decides
nothing about which projects, which order or which figures.

Pure: pandas and numpy only, no Excel library, no file I/O. Every undefined figure stays NaN
here (the writer leaves such cells blank), never 0 and never an error value. A computation
that failed has no result; its sheet says why (`unavailable`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from pmo_xl.compute.milestones import MilestoneResult
from pmo_xl.compute.risk import RiskResult
from pmo_xl.gc_pause import without_cycle_collection
from pmo_xl.report.formats import currency_symbol, money_format
from pmo_xl.report.model_dashboard import (
    Kpi,
    build_exceptions,
    build_kpis,
    build_rag_counts,
    build_scatter,
    build_team_utilisation,
)
from pmo_xl.report.model_exceptions import NEEDS_COLUMNS, build_committee_needs
from pmo_xl.report.model_governance import (
    GovernanceView,
    build_governance_view,
    governance_kpis,
    with_lessons,
)
from pmo_xl.report.model_project_pages import ProjectPagesView, build_project_pages
from pmo_xl.report.model_s_curve import build_portfolio_s_curve
from pmo_xl.report.model_trends import (
    TrendsView,
    build_trends_view,
    rag_by_month,
    rag_history_codes,
    with_closed_previous,
)
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
from pmo_xl.results import Run
from pmo_xl.scenarios.compare import ComparisonView, build_comparison


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
    s_curve: pd.DataFrame  # period, pv, ev, ac, forecast, bac: first plan month to the latest forecast finish
    team_utilisation: pd.DataFrame  # team, then one utilisation column per month shown
    exceptions: pd.DataFrame  # kind, id, name, item, reason
    portfolio: pd.DataFrame  # one row per project
    priorities: PrioritiesView | None
    resources: ResourcesView | None
    earned_value: EarnedValueView | None
    risks: RiskResult | None
    milestones: MilestoneResult | None
    data_quality: DataQualityView
    trends: TrendsView | None = None  # RAG strip, drift, milestone trend analysis (None: no period or no earned value)
    unavailable: dict[str, str] = field(default_factory=dict)  # sheet -> why it has no figures
    project_pages: ProjectPagesView | None = None  # one printed page per chosen project
    committee_needs: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=NEEDS_COLUMNS))  # the PMs' asks this month
    edition: str = "workbook"  # "print": the PDF's edition, long detail lists cut (see print_edition.py)
    scenarios: ComparisonView | None = None  # the what-if scenarios beside the baseline (None: the workbook has none)
    governance: GovernanceView | None = None  # RAID, Benefits, Strategic alignment, Lessons (None: not computed)

    @property
    def period_label(self) -> str:
        return self.period.strftime("%B %Y") if self.period is not None else "no period"

    @property
    def previous_label(self) -> str:
        return self.previous_period.strftime("%b %Y") if self.previous_period is not None else "last period"


@without_cycle_collection
def build_report_model(run: Run, project_pages: str | None = None) -> ReportModel:
    """The report model of a computed run: a pure translation of its results into sheets.

    `project_pages` (all, exceptions, none) overrides Settings.project_pages.
    """
    portfolio, results = run.portfolio, run.results
    if results is None:
        raise ValueError("the run has no results: take it through the compute stage first")
    settings = portfolio.settings
    period, now = results.period, results.portfolio.now
    ev, priorities, milestones = results.earned_value.now, results.priorities, results.milestones.now
    project_table = build_portfolio_table(now, period, ev, results.earned_value.before, priorities)
    # Each project's RAG per month, for the Portfolio sheet's strip and the Trends sheet's: made once.
    by_month = rag_by_month(results.trends.projects) if results.trends is not None and len(results.trends.projects) else None
    project_table = project_table.assign(rag_history=rag_history_codes(results.trends, project_table["project_id"], by_month))
    resources = build_resources_view(results.loading, period) if results.loading is not None else None
    ev_view = build_earned_value_view(ev, project_table) if ev is not None else None
    pages = build_project_pages(
        project_pages or settings.project_pages, project_table, now.projects, ev_view.metrics if ev_view is not None else None,
        ev.by_period if ev is not None else None, now.baseline, milestones.table if milestones is not None else None,
        int(settings.milestone_slip_days), results.risks.now.register if results.risks.now is not None else None,
        now.allocations, now.resources, resources.overallocations if resources is not None else None, period, now.progress,
        results.trends)
    governance = build_governance_view(results.governance, project_table)
    pages = with_lessons(pages, results.governance)
    # Every view that needs neither the issue list nor the scenarios, built while a worker may still compute them.
    rag_counts, scatter = build_rag_counts(project_table), build_scatter(project_table)
    s_curve, team_utilisation = build_portfolio_s_curve(ev, now.baseline), build_team_utilisation(resources)
    exceptions = build_exceptions(project_table, milestones, resources, now, period, results.status_date)
    priorities_view = build_priorities_view(priorities) if priorities is not None else None
    trends = build_trends_view(results.trends, project_table, by_month) if results.trends is not None else None
    committee_needs = build_committee_needs(project_table, now.progress, period)
    # From here on, the issue list and the scenarios: waited for if still being computed beside.
    data_quality = build_data_quality(portfolio.issues, list(results.issues), portfolio)
    kpis = with_closed_previous(build_kpis(project_table=project_table, results=results, resources=resources, data_quality=data_quality), results.trends)
    kpis = kpis + governance_kpis(results.governance, governance)
    unavailable = dict(results.unavailable)
    if period is None:
        unavailable.setdefault("Dashboard", "no status date and no progress: there is no reporting period")
    return ReportModel(
        title=settings.portfolio_name or "Project portfolio",
        period=period,
        previous_period=results.previous_period,
        status_date=results.status_date,
        currency=currency_symbol(settings.currency),
        money_format=money_format(settings.currency),
        kpis=kpis,
        portfolio=project_table,
        resources=resources,
        earned_value=ev_view,
        risks=results.risks.now,
        milestones=milestones,
        data_quality=data_quality,
        unavailable=unavailable,
        project_pages=pages,
        scenarios=build_comparison(results.scenarios) if results.scenarios is not None and results.scenarios.scenarios else None,
        governance=governance,
        rag_counts=rag_counts,
        scatter=scatter,
        s_curve=s_curve,
        team_utilisation=team_utilisation,
        exceptions=exceptions,
        priorities=priorities_view,
        trends=trends,
        committee_needs=committee_needs,
    )
