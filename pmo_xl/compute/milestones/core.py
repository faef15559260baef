"""Milestone status at the status date: due soon, slipped against baseline, missed.

Definitions (every date is a calendar day; the status date is "today" for the report):

- **current date**: the actual date once achieved, else the forecast, else the baseline
  (a blank forecast means "on baseline", as the register says).
- **slip** (days) = current date − baseline date. A milestone has **slipped** when it is not
  achieved and its slip is more than Settings.milestone_slip_days. (Achieved milestones keep
  their slip in the table for the record but are no longer a watch item; a missed milestone
  is listed as missed, not again as slipped.)
- **missed**: not achieved and its current date is before the status date — the date it was
  expected has passed with no actual date typed.
- **due**: not achieved and its current date falls in the next 90 days after the status date
  (status date + 1 … + 90); `due_within` buckets it into 30, 60 or 90 days.

Seen from an earlier `as_of` (last period's figures), an actual date after it counts as not yet
achieved; forecasts are taken as they stand now (the register keeps no forecast history).

Milestones of closed or cancelled projects are kept in `table` with status "Project closed"
but are left out of the watch lists: nobody will achieve them any more.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from pmo_xl.issues import Issue
from pmo_xl.model import Portfolio

HORIZONS: Final = (30, 60, 90)
INACTIVE_PROJECT_STATUSES: Final = ("Closed", "Cancelled")
ACHIEVED, MISSED, SLIPPED, DUE, ON_TRACK, CLOSED = "Achieved", "Missed", "Slipped", "Due", "On track", "Project closed"

TABLE_COLUMNS: Final = (
    "project_id", "project", "milestone", "baseline_date", "forecast_date", "actual_date", "current_date",
    "slip_days", "days_to_go", "due_within", "achieved", "slipped", "missed", "status",
)


@dataclass(frozen=True)
class MilestoneResult:
    """Milestone tables for the Milestones sheet and the dashboard exceptions.

    - `table`: every milestone with TABLE_COLUMNS, by current date then project and name.
    - `due`: open milestones due within 90 days (sorted by date), with `due_within` 30/60/90.
    - `slipped`: open milestones slipped beyond the tolerance, largest slip first.
    - `missed`: open milestones whose date has passed, oldest first.
    - `due_counts`: {30: n, 60: n, 90: n} — milestones due within each horizon (cumulative).
    """

    table: pd.DataFrame
    due: pd.DataFrame
    slipped: pd.DataFrame
    missed: pd.DataFrame
    due_counts: dict[int, int]
    status_date: dt.date | None
    slip_tolerance: int


def compute_milestones(portfolio: Portfolio, as_of: dt.date | None = None) -> tuple[MilestoneResult, list[Issue]]:
    """Slip, due window and status of every milestone at `as_of` (default: the status date)."""
    settings = portfolio.settings
    as_of = as_of or settings.status_date
    tolerance = int(settings.milestone_slip_days)
    frame = portfolio.milestones
    projects = portfolio.projects.drop_duplicates("project_id").set_index("project_id")
    baseline = frame["baseline_date"]
    actual = frame["actual_date"]
    if as_of is not None:
        # Seen from an earlier date (last period's figures), a later actual had not happened yet.
        actual = actual.where(actual <= pd.Timestamp(as_of))
    current = actual.fillna(frame["forecast_date"]).fillna(baseline)
    achieved = actual.notna().to_numpy()
    slip = (current - baseline).dt.days.to_numpy(dtype=np.float64)
    live = ~frame["project_id"].map(projects["status"]).isin(INACTIVE_PROJECT_STATUSES).to_numpy()
    open_ = live & ~achieved
    if as_of is not None:
        to_go = (current - pd.Timestamp(as_of)).dt.days.to_numpy(dtype=np.float64)
    else:  # no status date: nothing can be due or missed
        to_go = np.full(len(frame), np.nan)
    with np.errstate(invalid="ignore"):
        missed = open_ & (to_go < 0)
        slipped = open_ & ~missed & (slip > tolerance)
        upcoming = open_ & (to_go >= 1) & (to_go <= HORIZONS[-1])
    bucket = np.select([to_go <= h for h in HORIZONS], list(HORIZONS), 0)
    due_within = np.where(upcoming, bucket, np.nan)
    status = np.select(
        [~live, achieved, missed, slipped, upcoming],
        [CLOSED, ACHIEVED, MISSED, SLIPPED, DUE],
        ON_TRACK,
    ).astype(object)
    table = pd.DataFrame({
        "project_id": frame["project_id"].to_numpy(), "project": frame["project_id"].map(projects["name"]).to_numpy(),
        "milestone": frame["milestone"].to_numpy(), "baseline_date": baseline.to_numpy(),
        "forecast_date": frame["forecast_date"].to_numpy(), "actual_date": actual.to_numpy(),
        "current_date": current.to_numpy(), "slip_days": slip, "days_to_go": np.where(achieved, np.nan, to_go),
        "due_within": due_within, "achieved": achieved, "slipped": slipped, "missed": missed, "status": status,
    }, columns=list(TABLE_COLUMNS))
    table = table.sort_values(["current_date", "project_id", "milestone"], kind="mergesort", ignore_index=True)
    due = table[table["due_within"].notna()].reset_index(drop=True)
    result = MilestoneResult(
        table=table,
        due=due,
        slipped=table[table["slipped"]].sort_values(["slip_days", "project_id", "milestone"], ascending=[False, True, True],
                                                    kind="mergesort", ignore_index=True),
        missed=table[table["missed"]].reset_index(drop=True),
        due_counts={h: int((due["due_within"] <= h).sum()) for h in HORIZONS},
        status_date=as_of,
        slip_tolerance=tolerance,
    )
    return result, []
