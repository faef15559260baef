"""Report-model piece of the registers beside the plan: the RAID, Benefits, Strategic alignment
and Lessons sheets, four dashboard tiles, and the lessons on each project page.

A translation of `GovernanceResult` (compute/governance) with the project names and overall RAG
of the Portfolio table joined in: a benefit is *at risk* when it is behind its planned curve or
its project is Red overall. The steering committee's decisions are the open ones whose forum is
the Steering committee or the Portfolio board, by decide-by date.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pmo_xl.compute.governance import GovernanceResult
from pmo_xl.report.model_dashboard import Kpi

COMMITTEE_FORUMS = ("Steering committee", "Portfolio board")
LESSONS_ON_A_PAGE = 5  # the rest are on the Lessons sheet, and the page says how many


@dataclass(frozen=True)
class GovernanceView:
    """What the four governance sheets show (frames with the register fields plus name, rag)."""

    kept: frozenset[str]
    issues_by_priority: pd.DataFrame
    open_issues: pd.DataFrame
    overdue_actions: pd.DataFrame
    committee_decisions: pd.DataFrame
    decisions_taken: pd.DataFrame
    change_requests: pd.DataFrame
    plan_changes: pd.DataFrame
    benefits: pd.DataFrame  # + name, rag_overall, at_risk, at_risk_reason
    objectives: pd.DataFrame
    objectives_without_active: pd.DataFrame
    unaligned: pd.DataFrame
    lessons: pd.DataFrame  # + source project name

    @property
    def benefits_at_risk(self) -> pd.DataFrame:
        return self.benefits[self.benefits["at_risk"]]


def _named(frame: pd.DataFrame, lookup: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """`frame` with the Portfolio table's columns (name, rag_overall ...) of its project joined in
    (`lookup`: the table by project ID, made once for every register of the view)."""
    return frame.assign(**{c: frame["project_id"].map(lookup[c]) if len(frame) else pd.Series(dtype=object) for c in columns})


def build_governance_view(result: GovernanceResult | None, table: pd.DataFrame) -> GovernanceView | None:
    if result is None:
        return None
    by_project = table.drop_duplicates("project_id").set_index("project_id")[["name", "rag_overall"]]
    benefits = _named(result.benefits, by_project, "name", "rag_overall")
    red = (benefits["rag_overall"] == "Red").to_numpy(dtype=bool) if len(benefits) else np.zeros(0, dtype=bool)
    behind = benefits["behind"].to_numpy(dtype=bool)
    reason = [("; ".join(x for x in (b_reason if b else "", "project Red" if r else "") if x)) for b, r, b_reason
              in zip(behind, red, benefits["behind_reason"], strict=True)]
    benefits = benefits.assign(at_risk=behind | red, at_risk_reason=reason)
    decisions = result.decisions_due
    objectives = result.objectives
    return GovernanceView(
        kept=result.kept,
        issues_by_priority=result.issues_by_priority,
        open_issues=_named(result.open_issues, by_project, "name"),
        overdue_actions=_named(result.overdue_actions, by_project, "name"),
        committee_decisions=_named(decisions[decisions["forum"].isin(COMMITTEE_FORUMS)].reset_index(drop=True), by_project, "name"),
        decisions_taken=_named(result.decisions_taken, by_project, "name"),
        change_requests=_named(result.change_requests, by_project, "name"),
        plan_changes=_named(result.plan_changes, by_project, "name"),
        benefits=benefits,
        objectives=objectives,
        objectives_without_active=objectives[objectives["active_projects"] == 0].reset_index(drop=True),
        unaligned=result.unaligned,
        lessons=_named(result.lessons, by_project, "name"),
    )


def governance_kpis(result: GovernanceResult | None, view: GovernanceView | None) -> list[Kpi]:
    """The four dashboard tiles, when any register beside the plan is kept (no history: no change shown)."""
    if result is None or view is None or not result.kept:
        return []
    nan = float("nan")
    this_month = result.decisions_this_month
    committee = this_month[this_month["forum"].isin(COMMITTEE_FORUMS)]
    return [
        Kpi("decisions_due", "Decisions needed this month", float(len(this_month)), nan, "count", False,
            f"by {result.decision_horizon:%d %b}; {len(committee)} for the committee"),
        Kpi("actions_overdue", "Overdue actions", float(len(result.overdue_actions)), nan, "count", False, "open, past due"),
        Kpi("changes_awaiting", "Change requests awaiting approval", float(len(result.awaiting_changes)), nan, "count", False,
            "proposed or assessed"),
        Kpi("benefits_at_risk", "Benefits at risk", float(len(view.benefits_at_risk)), nan, "count", False,
            "behind plan or project Red"),
    ]


def with_lessons(pages, result: GovernanceResult | None):  # type: ignore[no-untyped-def]
    """The project pages, each with the lessons from other projects that apply to it: those meant
    for its kind (its category, programme, a tag) before the ones for all projects, five at most."""
    if pages is None or result is None or not pages.pages or result.lessons.empty:
        return pages
    shown = result.lessons_first([p.project_id for p in pages.pages], LESSONS_ON_A_PAGE)
    if not shown:
        return pages
    changed = [dataclasses.replace(page, lessons=tuple(shown[page.project_id][0]),
                                   lessons_more=shown[page.project_id][1] - len(shown[page.project_id][0]))
               if page.project_id in shown else page for page in pages.pages]
    return dataclasses.replace(pages, pages=changed)
