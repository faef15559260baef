"""Report-model piece of the Milestone timeline: per programme, the last 3 months and the next 6.

The window is the status month, the two months before it and the six after it (WINDOW_BEFORE,
WINDOW_AFTER). A milestone is on the timeline when its expected or actual date (the milestone
result's `current_date`) or its baseline date falls in the window and its project is not closed
or cancelled. Each keeps its state as the Milestones sheet gives it, except that an achieved
milestone is split into achieved on time and achieved late (slip beyond Settings.milestone_slip_days),
so the slip of a milestone achieved late shows as baseline against actual beside the open ones.

`months` per milestone: the window month of its current date and of its baseline date (-1 when
outside the window). `summary` is one row per programme and window month: how many milestones
fall due (current date) there and how many of those are off plan (missed, slipped, achieved late),
and the worst state among them, for the programme overview above the list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from pmo_xl.compute.milestones import MilestoneResult

WINDOW_BEFORE, WINDOW_AFTER = 2, 6  # months before and after the status month
NO_PROGRAMME: Final = "(no programme)"
# States, worst first: the summary colours a month by its worst milestone.
STATES: Final = ("Missed", "Slipped", "Achieved late", "Due", "On track", "Achieved")
OFF_PLAN: Final = ("Missed", "Slipped", "Achieved late")
COLUMNS: Final = ["programme", "project_id", "project", "milestone", "state", "baseline_date", "current_date", "slip_days",
                  "current_month", "baseline_month"]


@dataclass(frozen=True)
class TimelineView:
    months: list[pd.Timestamp]  # first day of each window month, in order
    status_month: int  # its index in `months`
    milestones: pd.DataFrame  # COLUMNS, by programme, then current date, project, milestone
    summary: pd.DataFrame  # programme, month (index), due, off_plan, worst


def build_timeline(result: MilestoneResult | None, projects: pd.DataFrame, period: pd.Timestamp | None) -> TimelineView | None:
    """The timeline for the reporting month `period` (None without milestones or a period)."""
    if result is None or period is None:
        return None
    first = np.datetime64(pd.Timestamp(period), "M") - WINDOW_BEFORE
    months = [pd.Timestamp(m) for m in np.arange(first, first + WINDOW_BEFORE + WINDOW_AFTER + 1)]
    table = result.table[result.table["status"] != "Project closed"]
    current = _month_index(table["current_date"], first, len(months))
    baseline = _month_index(table["baseline_date"], first, len(months))
    inside = (current >= 0) | (baseline >= 0)
    shown = table[inside]
    programme = projects.drop_duplicates("project_id").set_index("project_id")["programme"]
    late = shown["achieved"].astype(bool) & (shown["slip_days"].astype(float) > result.slip_tolerance)
    state = np.where(late, "Achieved late", shown["status"].astype(str))
    frame = pd.DataFrame({
        "programme": shown["project_id"].map(programme).fillna(NO_PROGRAMME).replace("", NO_PROGRAMME).to_numpy(),
        "project_id": shown["project_id"].to_numpy(), "project": shown["project"].to_numpy(), "milestone": shown["milestone"].to_numpy(),
        "state": state, "baseline_date": shown["baseline_date"].to_numpy(), "current_date": shown["current_date"].to_numpy(),
        "slip_days": shown["slip_days"].to_numpy(dtype=float),
        "current_month": current[inside], "baseline_month": baseline[inside],
    })
    frame["_blank"] = frame["programme"] == NO_PROGRAMME  # the programme-less last
    frame = frame.sort_values(["_blank", "programme", "current_date", "project_id", "milestone"], kind="mergesort")
    frame = frame.drop(columns="_blank").reset_index(drop=True)
    return TimelineView(months, WINDOW_BEFORE, frame, _summary(frame, len(months)))


def _month_index(dates: pd.Series, first: np.datetime64, n: int) -> np.ndarray:
    """The window month (0..n-1) of each date, -1 outside the window or blank."""
    stamps = pd.to_datetime(dates).to_numpy().astype("datetime64[M]")
    index = np.where(np.isnat(stamps), -1, (stamps - first).astype("int64"))
    return np.where((index >= 0) & (index < n), index, -1)


def _summary(frame: pd.DataFrame, n: int) -> pd.DataFrame:
    """Per programme (in the list's order) and month: due, off plan, worst state; by integer keys, not a groupby."""
    programmes, names = pd.factorize(frame["programme"])  # codes in order of first appearance: the list's order
    placed = (frame["current_month"] >= 0).to_numpy()
    state = frame["state"][placed]
    rank = state.map({s: i for i, s in enumerate(STATES)}).fillna(len(STATES)).to_numpy(dtype=np.int64)
    keys, group = np.unique(programmes[placed] * n + frame["current_month"].to_numpy()[placed], return_inverse=True)
    worst = np.full(len(keys), len(STATES), dtype=np.int64)
    np.minimum.at(worst, group, rank)
    return pd.DataFrame({
        "programme": names[keys // n], "month": keys % n,
        "due": np.bincount(group, minlength=len(keys)),
        "off_plan": np.bincount(group, weights=state.isin(OFF_PLAN).to_numpy(), minlength=len(keys)).astype(np.int64),
        "worst": [STATES[r] if r < len(STATES) else "" for r in worst.tolist()],
    })
