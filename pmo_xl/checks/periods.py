"""Checks across periods: cumulative figures that go backwards, updates late or missing.

Late updates — how the status date and `update_due_days` work together:
  - the status period is the month of Settings' status date (or, when blank, the latest month
    with progress); the status date is the data date of the report, usually a month end;
  - the update for a period is due `update_due_days` after that month's end (e.g. October's
    by 10 November);
  - an Active project that has started by the end of the status period and has no usable
    Progress row for it is `late-update` (warning) once the due date has passed, and
    `update-pending` (info) before. "Passed" is judged on the day the workbook is validated
    (`as_of`, default today): the status date cannot say it, since it lies in the status month,
    always before the due date. So a report run on 5 November says "pending", one run on
    11 November says "late". Projects on hold, proposed, approved, closed or cancelled owe no update.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from pmo_xl.checks.core import issues_at, month_text, months, reference_period, show
from pmo_xl.issues import Issue, Severity
from pmo_xl.model import Portfolio
from pmo_xl.schema.registers import PROGRESS, PROJECTS

CUMULATIVE = ("pv", "ev", "ac", "pct_complete")
# Money is typed to the cent: a decrease smaller than this is rounding, not a decrease.
TOLERANCE = 0.005


def check_cumulative_progress(portfolio: Portfolio) -> list[Issue]:
    """Cumulative PV, EV, AC and % complete never lower than in the project's previous period.

    Compared with the last earlier period that has the figure, so a month with EV left blank
    (% complete given instead) does not hide a decrease.
    """
    progress = portfolio.progress
    if progress.empty:
        return []
    ordered = progress.sort_values(["project_id", "period"], kind="stable")
    groups = ordered.groupby("project_id", sort=False)
    issues: list[Issue] = []
    for field_name in CUMULATIVE:
        previous = groups[field_name].shift()
        previous = previous.groupby(ordered["project_id"], sort=False).ffill()
        tolerance = 1e-6 if field_name == "pct_complete" else TOLERANCE
        lower = (ordered[field_name] < previous - tolerance).to_numpy()
        if not lower.any():
            continue
        # The month of that earlier figure: looked for only when a figure went down.
        when = ordered["period"].where(ordered[field_name].notna()).groupby(ordered["project_id"], sort=False).shift()
        when = when.groupby(ordered["project_id"], sort=False).ffill()
        text = (lambda v: f"{v:.0%}") if field_name == "pct_complete" else show  # noqa: E731
        shown = ordered.assign(previous=previous.where(lower).map(text, na_action="ignore"), when=months(when, lower),
                               now=ordered[field_name].where(lower).map(text, na_action="ignore"))
        header = PROGRESS.column(field_name).header
        issues += issues_at(shown, lower, PROGRESS, field_name, "cumulative-decrease", Severity.WARNING,
                            f"{header} {{now}} is lower than {{previous}} in {{when}} for {{project_id}} — cumulative figures "
                            "never go down; correct this month or the earlier one", portfolio)
    return issues


def check_late_updates(portfolio: Portfolio, as_of: dt.date | None = None) -> list[Issue]:
    """Active projects without progress for the status period: late after the due date."""
    period = reference_period(portfolio)
    if period is None:
        return []
    projects = portfolio.projects
    month_end = period + pd.offsets.MonthEnd(0)
    reported = set(portfolio.progress.loc[portfolio.progress["period"] == period, "project_id"].dropna())
    owing = (projects["status"] == "Active") & (projects["start"] <= month_end) & ~projects["project_id"].isin(reported)
    if not owing.any():
        return []
    due = (month_end + pd.Timedelta(days=portfolio.settings.update_due_days)).date()
    today = as_of or dt.date.today()
    shown = projects.assign(month=month_text(period), due=due.isoformat(), days=portfolio.settings.update_due_days)
    if today > due:
        return issues_at(shown, owing, PROJECTS, "project_id", "late-update", Severity.WARNING,
                         "{project_id} is Active but has no usable progress for {month}; the update was due by {due} "
                         "({days} days after month end) — chase the PM or add the row to Progress", portfolio)
    return issues_at(shown, owing, PROJECTS, "project_id", "update-pending", Severity.INFO,
                     "{project_id} has no progress for {month} yet; the update is due by {due}", portfolio)
