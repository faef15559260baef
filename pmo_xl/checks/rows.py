"""Checks within one row: dates in order, actuals not in the future, EV within BAC, status
consistent with dates and progress, effort and earned value given, scores on their scale."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmo_xl.checks.column_codes import blank
from pmo_xl.checks.core import (
    first_by,
    issues_at,
    lookup,
    month_text,
    months,
    reference_date,
    reference_period,
)
from pmo_xl.issues import Issue, Severity
from pmo_xl.model import SCORE_PREFIX, Portfolio
from pmo_xl.schema.registers import ALLOCATIONS, MILESTONES, PROGRESS, PROJECTS, RESOURCES, RISKS

# An active project whose planned finish is more than this long past is out of date, not late.
LONG_PAST_DAYS = 30
# EV or PV may exceed BAC by rounding only.
BAC_TOLERANCE = 0.005


def check_dates_in_order(portfolio: Portfolio) -> list[Issue]:
    """End dates before start dates: projects, allocations, availability, risk reviews."""
    issues: list[Issue] = []
    pairs = (
        (PROJECTS, "start", "finish", Severity.ERROR),
        (ALLOCATIONS, "start", "finish", Severity.ERROR),
        (RESOURCES, "available_from", "available_to", Severity.ERROR),
        # A review due before the risk was raised is odd, but the risk itself still counts.
        (RISKS, "raised", "due", Severity.WARNING),
    )
    for register, first, last, severity in pairs:
        frame = portfolio.registers[register.name]
        bad = (frame[last] < frame[first]).to_numpy()
        a, b = register.column(first).header, register.column(last).header
        issues += issues_at(frame, bad, register, last, "finish-before-start", severity,
                            f"{b} {{{last}}} is before {a} {{{first}}} — correct one of them", portfolio)
    return issues


def check_actuals_not_in_future(portfolio: Portfolio) -> list[Issue]:
    """Milestones achieved after the status date; progress for periods after the status period."""
    today, period = reference_date(portfolio), reference_period(portfolio)
    if today is None or period is None:
        return []
    milestones = portfolio.milestones
    future = (milestones["actual_date"] > today).to_numpy()
    issues: list[Issue] = []
    if future.any():  # (the frames with the words beside them only when a row is flagged)
        issues += issues_at(milestones.assign(status_date=today), future, MILESTONES, "actual_date", "actual-in-future", Severity.ERROR,
                            "Actual date {value} is after the status date {status_date} — an actual cannot be in the future; "
                            "clear it or use Forecast date", portfolio)
    progress = portfolio.progress
    ahead = (progress["period"] > period).to_numpy()
    if ahead.any():
        issues += issues_at(progress.assign(month=months(progress["period"], ahead), status=month_text(period)),
                            ahead, PROGRESS, "period", "actual-in-future", Severity.ERROR,
                            "Progress for {month} is after the status period {status} — correct the period (or the status date)", portfolio)
    return issues


def check_earned_value(portfolio: Portfolio) -> list[Issue]:
    """EV and PV within the project's BAC; EV or % complete given."""
    progress = portfolio.progress
    bac = lookup(progress["project_id"], portfolio.projects, "project_id", "bac")
    issues: list[Issue] = []
    for field_name in ("ev", "pv"):
        over = (progress[field_name] > bac * (1 + BAC_TOLERANCE)).to_numpy()
        if not over.any():
            continue
        shown = progress.assign(bac=bac)
        header = PROGRESS.column(field_name).header
        issues += issues_at(shown, over, PROGRESS, field_name, "above-bac", Severity.ERROR,
                            f"{header} {{value}} is above the budget (BAC) {{bac}} of {{project_id}} — "
                            f"{field_name.upper()} cannot exceed BAC; correct it or re-baseline the budget", portfolio)
    no_ev = progress["ev"].isna() & progress["pct_complete"].isna()
    issues += issues_at(progress, no_ev, PROGRESS, "ev", "no-earned-value", Severity.ERROR,
                        "Give EV or % complete for {project_id}", portfolio)
    return issues


def check_effort_given(portfolio: Portfolio) -> list[Issue]:
    """An allocation names a resource or a role, and gives hours or FTE."""
    frame = portfolio.allocations
    neither = blank(frame, "resource_id") & blank(frame, "role")
    issues = issues_at(frame, neither, ALLOCATIONS, "resource_id", "resource-or-role", Severity.ERROR,
                       "Name a resource or, for a generic demand, a role", portfolio)
    no_effort = frame["effort_hours"].isna() & frame["fte"].isna()
    issues += issues_at(frame, no_effort, ALLOCATIONS, "effort_hours", "no-effort", Severity.ERROR,
                        "Give the effort as hours or as FTE", portfolio)
    return issues


def check_status_consistency(portfolio: Portfolio) -> list[Issue]:
    """Closed but incomplete, proposed but spending, active but long past its finish."""
    projects, progress = portfolio.projects, portfolio.progress
    issues: list[Issue] = []
    if not progress.empty:
        latest = progress.sort_values("period").drop_duplicates("project_id", keep="last").set_index("project_id")
        bac = first_by(projects, "project_id", "bac").reindex(latest.index).to_numpy(dtype=float)
        share = latest["ev"].to_numpy() / np.where(bac > 0, bac, np.nan)
        complete = pd.Series(np.where(np.isnan(share), latest["pct_complete"].to_numpy(), share), index=latest.index)
        spent = progress.loc[progress["ac"] > 0, "project_id"].unique()
        pct = projects["project_id"].map(complete)
        closed = (projects["status"] == "Closed") & (pct < 0.995)
        if closed.any():  # the latest month and % complete as text only for a closed project flagged
            when = projects["project_id"].map(months(latest["period"]))
            shown = projects.assign(pct=pct.map(lambda v: f"{v:.0%}", na_action="ignore"), when=when)
            issues += issues_at(shown, closed, PROJECTS, "status", "status-vs-progress", Severity.WARNING,
                                "{project_id} is Closed but its latest % complete is {pct} ({when}) — set EV/% complete to 100% "
                                "or correct the status", portfolio)
        proposed = projects["status"].isin(("Proposed",)) & projects["project_id"].isin(spent)
        issues += issues_at(projects, proposed, PROJECTS, "status", "status-vs-progress", Severity.WARNING,
                            "{project_id} is Proposed but already has actual cost in Progress — correct the status "
                            "(Approved or Active) or the progress", portfolio)
    today = reference_date(portfolio)
    if today is not None:
        late = (today - projects["finish"]).dt.days
        stale = projects["status"].isin(("Active", "On hold")) & (late > LONG_PAST_DAYS)
        if stale.any():
            issues += issues_at(projects.assign(days=late), stale, PROJECTS, "status", "status-vs-dates", Severity.WARNING,
                                "{project_id} is {status} but its Planned finish {finish} is {days} days before the status date — "
                                "re-plan the finish or close the project", portfolio)
    return issues


def check_scores_on_scale(portfolio: Portfolio) -> list[Issue]:
    """Each `Score: <criterion>` within that criterion's scale in Settings.

    A warning, not an error: a mistyped score must not drop the project from every computation.
    The prioritisation engine clips the score to the scale, and the message says to what.
    """
    criteria = portfolio.settings.criteria
    if criteria is None or criteria.empty or "criterion" not in criteria:
        return []
    projects = portfolio.projects
    issues: list[Issue] = []
    scales = {str(c).casefold(): (lo, hi) for c, lo, hi in zip(criteria["criterion"], criteria["scale_min"], criteria["scale_max"], strict=True)}
    for column in portfolio.criterion_columns():
        name = column[len(SCORE_PREFIX):]
        low, high = scales.get(name.casefold(), (np.nan, np.nan))
        if np.isnan(low) or np.isnan(high) or low >= high:
            continue
        outside = (projects[column] < low) | (projects[column] > high)
        if not outside.any():
            continue
        clipped = projects.assign(clipped=projects[column].clip(lower=low, upper=high))
        issues += issues_at(clipped, outside, PROJECTS, column, "score-out-of-scale", Severity.WARNING,
                            f"Score: {name} {{value}} is outside the scale {low:g}-{high:g} of {name}; prioritisation "
                            "uses it clipped to the scale ({clipped}) — correct it", portfolio)
    return issues
