"""Report-model piece of the Roadmap sheet: a Gantt of every planned and in-flight project.

It reads what is already computed and decides nothing new:
  - rows: projects Approved (planned), Active or On hold (in flight), grouped by programme, then
    business unit, then start date;
  - baseline bar: start to the end of the planned duration of the earned-value plan (plan
    start + PD months), else the Projects finish;
  - forecast bar: start to the earned-schedule forecast finish where it exists, else the
    Projects finish (the PM's forecast);
  - milestones: each at its expected date (actual, else forecast, else baseline), with its
    state from the milestone computation: Achieved (late when after baseline by more than the
    tolerance), Missed, Slipped, or open;
  - months: the quarters from six months before the status month to eighteen after it,
    trimmed to the months any bar or milestone touches. Bars running past an edge are marked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

ROADMAP_STATUSES: Final = ("Approved", "Active", "On hold")
MONTHS_BEFORE, MONTHS_AFTER = 6, 18
# Marker states, the most urgent first: a month with several milestones shows the first of these.
MARKER_ORDER: Final = ("Missed", "Slipped", "Achieved late", "Open", "Achieved")


@dataclass(frozen=True)
class RoadmapView:
    """The Roadmap sheet's rows, month columns and milestone markers (month indices, 0 = first shown)."""

    months: list[pd.Timestamp]  # first day of each month shown, oldest first
    status_index: int | None  # the status month's column, when shown
    projects: pd.DataFrame  # project_id, name, programme, business_unit, status, rag, start, baseline_finish, forecast_finish,
    #                         forecast_from, slip_days, base_first, base_last, fc_first, fc_last (month indices, clipped; -1 = none)
    markers: pd.DataFrame  # row (position in projects), month (index), state, text (the milestones of that month, for a comment)


def baseline_finish(plan_start: object, planned_months: float) -> pd.Timestamp | None:
    """The last day of the earned-value plan: plan start + PD months (None when either is unknown)."""
    if plan_start is None or pd.isna(plan_start) or not np.isfinite(planned_months) or planned_months <= 0:
        return None
    start = pd.Timestamp(plan_start)
    if start.day == 1:  # the usual case (plans start on a month), without a slow DateOffset
        return pd.Timestamp((np.datetime64(start, "M") + int(planned_months)).astype("datetime64[D]") - np.timedelta64(1, "D"))
    return start + pd.DateOffset(months=int(planned_months)) - pd.Timedelta(days=1)


def _month_number(values: pd.Series) -> np.ndarray:
    stamps = pd.to_datetime(values)
    return (stamps.dt.year * 12 + stamps.dt.month - 1).to_numpy(dtype=np.float64)


def _quarter_start(number: int) -> int:
    return number - number % 3


def build_roadmap(table: pd.DataFrame, metrics: pd.DataFrame | None, milestones: pd.DataFrame | None, period: pd.Timestamp | None,
                  slip_tolerance: int = 0) -> RoadmapView:
    """The roadmap of `table` (the Portfolio sheet's rows), with EV `metrics` and the milestone `table`."""
    rows = table[table["status"].isin(ROADMAP_STATUSES)].copy()
    plan = metrics.drop_duplicates("project_id").set_index("project_id") if metrics is not None and len(metrics) else None
    start = pd.to_datetime(rows["start"])
    finish = pd.to_datetime(rows["finish"])
    if plan is not None:
        plan_start = pd.to_datetime(rows["project_id"].map(plan["plan_start"]))
        months = rows["project_id"].map(plan["pd"]).astype(float)
        ends = [baseline_finish(s, m) or pd.NaT for s, m in zip(plan_start, months, strict=True)]
        plan_finish = pd.Series(pd.to_datetime(ends), index=rows.index).fillna(finish)
        earned = pd.to_datetime(rows["project_id"].map(plan["forecast_finish"]))
    else:
        plan_finish = finish
        earned = pd.Series(pd.NaT, index=rows.index, dtype="datetime64[ns]")
    rows["baseline_finish"] = plan_finish
    rows["forecast_finish"] = earned.fillna(finish)
    rows["forecast_from"] = np.where(earned.notna(), "earned schedule", np.where(finish.notna(), "PM's finish", ""))
    rows["slip_days"] = (rows["forecast_finish"] - rows["baseline_finish"]).dt.days.astype(float)
    rows["rag"] = rows["rag_overall"]
    rows["_blank"] = rows["programme"].isna()
    rows = rows.assign(start=start).sort_values(["_blank", "programme", "business_unit", "start", "project_id"],
                                                 na_position="last", kind="mergesort", ignore_index=True)
    marks = _marks(rows, milestones, slip_tolerance)

    first_n, last_n = _window(rows, marks, period)
    months = [pd.Timestamp(n // 12, n % 12 + 1, 1) for n in range(first_n, last_n + 1)] if last_n >= first_n else []
    status_index = None
    if period is not None and months:
        at = int(period.year * 12 + period.month - 1) - first_n
        status_index = at if 0 <= at < len(months) else None

    def clipped(a: pd.Series, b: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = _month_number(a) - first_n, _month_number(b) - first_n
        shown = np.isfinite(lo) & np.isfinite(hi) & (hi >= 0) & (lo <= len(months) - 1) & (hi >= lo)
        first = np.where(shown, np.clip(np.nan_to_num(lo), 0, len(months) - 1), -1).astype(int)
        last = np.where(shown, np.clip(np.nan_to_num(hi), 0, len(months) - 1), -1).astype(int)
        return first, last

    rows["base_first"], rows["base_last"] = clipped(rows["start"], rows["baseline_finish"])
    rows["fc_first"], rows["fc_last"] = clipped(rows["start"], rows["forecast_finish"])
    columns = ["project_id", "name", "programme", "business_unit", "status", "rag", "start", "baseline_finish", "forecast_finish",
               "forecast_from", "slip_days", "base_first", "base_last", "fc_first", "fc_last"]
    if len(marks):
        marks["month"] = (marks["_n"] - first_n).astype(int)
        marks = marks[(marks["month"] >= 0) & (marks["month"] < len(months))]
    markers = _worst_per_month(marks) if len(marks) else pd.DataFrame(columns=["row", "month", "state", "text"])
    return RoadmapView(months=months, status_index=status_index, projects=rows[columns], markers=markers)


def _marks(rows: pd.DataFrame, milestones: pd.DataFrame | None, tolerance: int) -> pd.DataFrame:
    """Each milestone of a roadmap project: its row position, month number and state."""
    if milestones is None or not len(milestones) or not len(rows):
        return pd.DataFrame(columns=["row", "_n", "state", "label"])
    position = pd.Series(np.arange(len(rows)), index=rows["project_id"])
    frame = milestones[milestones["project_id"].isin(position.index) & milestones["current_date"].notna()]
    achieved = frame["achieved"].astype(bool).to_numpy()
    late = achieved & (frame["slip_days"].to_numpy(dtype=float) > tolerance)
    state = np.select([frame["missed"].astype(bool), frame["slipped"].astype(bool), late, achieved],
                      ["Missed", "Slipped", "Achieved late", "Achieved"], "Open")
    dates = pd.to_datetime(frame["current_date"])
    # Each distinct date formatted once: a thousand projects' milestones share few dates.
    codes, distinct = pd.factorize(dates)
    shown = [f"{d:%d %b %Y}" for d in distinct]
    label = [f"{m} ({s.lower()}, {shown[c]})"
             for m, s, c in zip(frame["milestone"].tolist(), state.tolist(), codes.tolist(), strict=True)]
    return pd.DataFrame({"row": frame["project_id"].map(position).to_numpy(), "_n": _month_number(dates),
                         "state": state, "label": label})


def _worst_per_month(marks: pd.DataFrame) -> pd.DataFrame:
    """One marker per row and month: the most urgent state there (then by label), and every label, urgent first.

    A lexicographic sort of (row, month, rank, label) and a cut at each new (row, month): the
    order a stable sort on those columns gives, without a groupby's per-group Python join."""
    rank = {state: i for i, state in enumerate(MARKER_ORDER)}
    rows, months = marks["row"].to_numpy(), marks["month"].to_numpy()
    states, labels = marks["state"].to_numpy(dtype=object), marks["label"].to_numpy(dtype=object)
    ranks = np.array([rank.get(s, len(rank)) for s in states.tolist()], dtype=np.int64)  # an unknown state last
    label_order = np.unique(labels, return_inverse=True)[1].reshape(-1)
    order = np.lexsort((label_order, ranks, months, rows))  # stable: the last key sorts first
    rows, months, states, labels = rows[order], months[order], states[order], labels[order].tolist()
    starts = np.flatnonzero(np.r_[True, (rows[1:] != rows[:-1]) | (months[1:] != months[:-1])])
    ends = np.r_[starts[1:], len(rows)].tolist()
    text = ["\n".join(labels[a:b]) for a, b in zip(starts.tolist(), ends, strict=True)]
    return pd.DataFrame({"row": rows[starts], "month": months[starts], "state": states[starts], "text": text})


def _window(rows: pd.DataFrame, marks: pd.DataFrame, period: pd.Timestamp | None) -> tuple[int, int]:
    """First and last month numbers shown: whole quarters around the status month, trimmed to what is drawn."""
    numbers = np.concatenate([_month_number(rows["start"]), _month_number(rows["baseline_finish"]),
                              _month_number(rows["forecast_finish"]), marks["_n"].to_numpy(dtype=float) if len(marks) else []])
    numbers = numbers[np.isfinite(numbers)]
    if not numbers.size:
        return 0, -1
    anchor = int(period.year * 12 + period.month - 1) if period is not None else int(numbers.min())
    first = _quarter_start(max(anchor - MONTHS_BEFORE, int(numbers.min())))
    last = _quarter_start(min(anchor + MONTHS_AFTER, int(numbers.max()))) + 2
    if last < first:
        last = first + 2
    return first, last
