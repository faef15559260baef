"""RAID and change control on the status date: open issues by priority and age, overdue actions,
the decisions boards must take (by decide-by date), change requests and what approved ones did
to each project's budget and finish.

Ages and lateness are whole days between the status date and the row's date. A change request
counts against the plan once Approved or Implemented: the adjusted BAC is BAC + the sum of their
cost impacts, the adjusted finish the planned finish + the sum of their schedule impacts (days),
and each adjusted project names the change requests that did it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmo_xl.compute.group_sums import sum_by
from pmo_xl.compute.lookup import rows_by_key
from pmo_xl.schema.choices import (
    ACTION_OPEN_STATUSES,
    CHANGE_APPROVED_STATUSES,
    CHANGE_AWAITING_STATUSES,
    DECISION_OPEN_STATUSES,
    ISSUE_OPEN_STATUSES,
    PRIORITIES,
)

AGE_BANDS = ((0, 30, "0-30 days"), (31, 90, "31-90 days"), (91, None, "over 90 days"))


def _days(later: pd.Timestamp, earlier: pd.Series) -> pd.Series:
    return (later - earlier).dt.days.astype("float64")


def open_issues(log: pd.DataFrame, today: pd.Timestamp, limits: dict[str, int]) -> pd.DataFrame:
    """Open or in-progress issues, highest priority and oldest first, with their age and limit."""
    rows = log[log["status"].isin(ISSUE_OPEN_STATUSES)]
    limit = rows["priority"].map(limits).astype("float64")
    age = _days(today, rows["raised"])
    rank = rows["priority"].map({p: k for k, p in enumerate(PRIORITIES)})
    shown = rows.assign(age_days=age, limit_days=limit, over_limit=age > limit, _rank=rank)
    return shown.sort_values(["_rank", "age_days", "issue_id"], ascending=[True, False, True], kind="stable").drop(columns="_rank").reset_index(drop=True)


def issues_by_priority(open_rows: pd.DataFrame) -> pd.DataFrame:
    """Per priority: open issues, how many per age band, how many beyond the Settings limit, the oldest."""
    records = []
    rows_of = rows_by_key(open_rows["priority"])  # each priority's rows, found once (a filter per priority made a frame each)
    ages, over_limit = open_rows["age_days"], open_rows["over_limit"]
    for priority in PRIORITIES:
        rows = rows_of.get(priority, np.zeros(0, dtype=np.intp))
        age = ages.iloc[rows]
        record: dict[str, object] = {"priority": priority, "open": len(rows)}
        for low, high, label in AGE_BANDS:
            record[label] = int(((age >= low) & (age <= high if high is not None else True)).sum())
        record["over_limit"] = int(over_limit.iloc[rows].sum())
        record["oldest_days"] = float(age.max()) if len(rows) else float("nan")
        records.append(record)
    return pd.DataFrame(records)


def overdue_actions(actions: pd.DataFrame, today: pd.Timestamp) -> pd.DataFrame:
    """Open actions past their due date, most overdue first."""
    late = actions[actions["status"].isin(ACTION_OPEN_STATUSES) & actions["done_date"].isna() & (actions["due"] < today)]
    late = late.assign(days_late=_days(today, late["due"]))
    return late.sort_values(["days_late", "action_id"], ascending=[False, True], kind="stable").reset_index(drop=True)


def decisions_due(decisions: pd.DataFrame, today: pd.Timestamp) -> pd.DataFrame:
    """Decisions still to take (Pending, Deferred), by decide-by date (undated last), with days left (negative: late)."""
    open_rows = decisions[decisions["status"].isin(DECISION_OPEN_STATUSES)]
    left = -_days(today, open_rows["decide_by"])
    shown = open_rows.assign(days_left=left, overdue=left < 0)
    return shown.sort_values(["decide_by", "decision_id"], na_position="last", kind="stable").reset_index(drop=True)


def decisions_taken(decisions: pd.DataFrame, period: pd.Timestamp | None, today: pd.Timestamp) -> pd.DataFrame:
    """Decisions decided in the reporting month (up to the status date), by date."""
    start = period if period is not None else today.to_period("M").start_time
    taken = decisions[(decisions["status"] == "Decided") & (decisions["decided_on"] >= start) & (decisions["decided_on"] <= today)]
    return taken.sort_values(["decided_on", "decision_id"], kind="stable").reset_index(drop=True)


def change_requests(changes: pd.DataFrame) -> pd.DataFrame:
    """Every change request, awaiting ones (Proposed, Assessed) first, then by raised date."""
    awaiting = changes["status"].isin(CHANGE_AWAITING_STATUSES)
    shown = changes.assign(awaiting=awaiting, _first=~awaiting)
    return shown.sort_values(["_first", "raised", "change_id"], na_position="last", kind="stable").drop(columns="_first").reset_index(drop=True)


def plan_changes(changes: pd.DataFrame, projects: pd.DataFrame) -> pd.DataFrame:
    """Per project with approved changes: BAC and finish as planned, the change, after it, and which CRs."""
    approved = changes[changes["status"].isin(CHANGE_APPROVED_STATUSES)].sort_values(["project_id", "change_id"], kind="stable")
    if approved.empty:
        return pd.DataFrame(columns=["project_id", "bac", "cost_change", "bac_after", "finish", "days_change", "finish_after", "changes"])
    by_project = approved["project_id"]
    projects_changed = pd.Index(by_project.dropna().unique()).sort_values()  # as a sorted groupby has them
    listed: dict[object, list[str]] = {}
    for project_id, change_id in zip(by_project.tolist(), approved["change_id"].tolist(), strict=True):
        listed.setdefault(project_id, []).append(change_id)
    grouped = pd.DataFrame({
        "cost_change": sum_by(approved["cost_impact"], by_project).reindex(projects_changed),
        "days_change": sum_by(approved["schedule_impact_days"], by_project).reindex(projects_changed),
        "changes": [", ".join(listed[project_id]) for project_id in projects_changed],
    }, index=projects_changed).rename_axis("project_id").reset_index()
    plan = projects.drop_duplicates("project_id").set_index("project_id")
    grouped["bac"] = grouped["project_id"].map(plan["bac"]).astype("float64")
    grouped["finish"] = pd.to_datetime(grouped["project_id"].map(plan["finish"]))
    grouped["bac_after"] = grouped["bac"] + grouped["cost_change"]
    grouped["finish_after"] = grouped["finish"] + pd.to_timedelta(grouped["days_change"], unit="D")
    return grouped[["project_id", "bac", "cost_change", "bac_after", "finish", "days_change", "finish_after", "changes"]]
