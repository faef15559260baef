"""`compute_governance`: the registers beside the plan, as the report shows them on the status date.

Reads the checked portfolio only (rows with errors already left out) and computes what the
RAID, Benefits, Strategic alignment and Lessons sheets and the dashboard tiles show. Nothing
here is slow: each register is filtered and sorted once (the 1,000-project sample's few
thousand rows take milliseconds). Projects' RAG is not known here (it comes from earned value
and the PMs); the report model joins it to mark benefits of Red projects at risk.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from pmo_xl.checks.governance import issue_limits
from pmo_xl.compute.governance.alignment import objectives_view, unaligned_projects
from pmo_xl.compute.governance.benefits import benefit_status
from pmo_xl.compute.governance.lessons import lessons_first, lessons_for
from pmo_xl.compute.governance.raid import (
    change_requests,
    decisions_due,
    decisions_taken,
    issues_by_priority,
    open_issues,
    overdue_actions,
    plan_changes,
)
from pmo_xl.issues import Issue
from pmo_xl.model import Portfolio
from pmo_xl.schema.choices import CHANGE_AWAITING_STATUSES, LESSON_CATEGORIES
from pmo_xl.schema.governance import (
    ACTIONS,
    BENEFIT_PROGRESS,
    BENEFITS,
    CHANGE_REQUESTS,
    CONTRIBUTIONS,
    DECISIONS,
    ISSUE_LOG,
    LESSONS,
    OBJECTIVES,
)


@dataclass(frozen=True)
class GovernanceResult:
    """What the registers beside the plan say on the status date (frames keep the register's fields)."""

    status_date: dt.date
    kept: frozenset[str]  # the registers with at least one row (a sheet of an unkept register says so)
    open_issues: pd.DataFrame  # + age_days, limit_days, over_limit; by priority, oldest first
    issues_by_priority: pd.DataFrame  # priority, open, the age bands, over_limit, oldest_days
    overdue_actions: pd.DataFrame  # + days_late; most overdue first
    decisions_due: pd.DataFrame  # open decisions by decide-by + days_left, overdue
    decisions_taken: pd.DataFrame  # decided in the reporting month, by date
    change_requests: pd.DataFrame  # every CR, awaiting first + awaiting
    plan_changes: pd.DataFrame  # per project: bac, cost_change, bac_after, finish, days_change, finish_after, changes
    benefits: pd.DataFrame  # + realisation_start, planned_value, planned_share, realised_value, measured_in, realised_share, behind, behind_reason
    objectives: pd.DataFrame  # per objective: projects, active_projects, budget, benefits, planned_share, realised_share, behind
    unaligned: pd.DataFrame  # live projects contributing to no objective
    lessons: pd.DataFrame  # the library, by category (the drop-down's order) then ID
    projects: pd.DataFrame  # project_id, programme, category: what lessons are matched on

    @property
    def decision_horizon(self) -> pd.Timestamp:
        """The last day of "this month" for decisions: a month after the status date, when the committee reads the pack."""
        return pd.Timestamp(self.status_date) + pd.DateOffset(months=1)

    @property
    def decisions_this_month(self) -> pd.DataFrame:
        """Open decisions to take by the decision horizon, overdue ones included."""
        return self.decisions_due[self.decisions_due["decide_by"] <= self.decision_horizon]

    @property
    def awaiting_changes(self) -> pd.DataFrame:
        return self.change_requests[self.change_requests["status"].isin(CHANGE_AWAITING_STATUSES)]

    def lessons_for(self, project_ids: list[str]) -> pd.DataFrame:
        """The lessons from other projects that apply to each of `project_ids` (see lessons.py)."""
        return lessons_for(self.lessons, self.projects, project_ids)

    def lessons_first(self, project_ids: list[str], limit: int) -> dict[object, tuple[list[tuple[object, ...]], int]]:
        """Per project, the first `limit` lessons a project page shows and how many apply (see lessons.py)."""
        return lessons_first(self.lessons, self.projects, project_ids, limit)


def compute_governance(portfolio: Portfolio) -> tuple[GovernanceResult | None, list[Issue]]:
    """The governance figures on the status date; None without a status date (nothing is late or due)
    or when the workbook keeps none of these registers (the report then shows none of their sheets)."""
    frame = lambda register: portfolio.registers.get(register.name)  # noqa: E731
    kept = frozenset(r.name for r in (ISSUE_LOG, ACTIONS, DECISIONS, CHANGE_REQUESTS, OBJECTIVES, CONTRIBUTIONS, BENEFITS, BENEFIT_PROGRESS, LESSONS)
                     if frame(r) is not None and len(frame(r)))
    if portfolio.status_date is None or not kept:
        return None, []
    today = pd.Timestamp(portfolio.status_date)
    projects = portfolio.projects
    benefits = benefit_status(frame(BENEFITS), frame(BENEFIT_PROGRESS), projects, today, portfolio.period)
    issues = open_issues(frame(ISSUE_LOG), today, issue_limits(portfolio))
    order = {c: k for k, c in enumerate(LESSON_CATEGORIES)}
    lessons = frame(LESSONS)
    lessons = lessons.assign(_order=lessons["category"].map(order).fillna(len(order))).sort_values(
        ["_order", "lesson_id"], kind="stable").drop(columns="_order").reset_index(drop=True)
    result = GovernanceResult(
        status_date=portfolio.status_date,
        kept=kept,
        open_issues=issues,
        issues_by_priority=issues_by_priority(issues),
        overdue_actions=overdue_actions(frame(ACTIONS), today),
        decisions_due=decisions_due(frame(DECISIONS), today),
        decisions_taken=decisions_taken(frame(DECISIONS), portfolio.period, today),
        change_requests=change_requests(frame(CHANGE_REQUESTS)),
        plan_changes=plan_changes(frame(CHANGE_REQUESTS), projects),
        benefits=benefits,
        objectives=objectives_view(frame(OBJECTIVES), frame(CONTRIBUTIONS), projects, benefits),
        # No objectives kept: alignment is not measured, so no project is "unaligned".
        unaligned=unaligned_projects(frame(CONTRIBUTIONS), projects if len(frame(OBJECTIVES)) else projects.iloc[0:0]),
        lessons=lessons,
        projects=projects[["project_id", "programme", "category"]].drop_duplicates("project_id"),
    )
    return result, []
