"""Spread each task's planned cost over its working days: the monthly Baseline and PV to a date.

Working days are Monday to Friday (the schedule's own calendars are not replayed: a month's PV
differs from Project's by at most the holidays in it). A task spreads like an allocation with its
contour (`compute.time`: Microsoft Project's ten segments; Flat is the even spread): the
amount up to a day is the contour's cumulative share at that day's working-day position. Only the
positions of month boundaries and of the status date are needed, so all tasks are done at once
with numpy's business-day counts, and give the same month sums as a day-by-day spread.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from pmo_xl.compute.time import hours_between, profile_index

DAY = np.timedelta64(1, "D")
_EPOCH = dt.date(1970, 1, 1).toordinal()  # day 0 of datetime64


@dataclass(frozen=True)
class Planned:
    """One task's share of the plan: `amount` between two days (inclusive) with a profile."""

    amount: float
    start: dt.date
    finish: dt.date
    profile: str | None = None  # None or "Flat": flat


def month_of(day: dt.date) -> dt.date:
    return dt.date(day.year, day.month, 1)


def by_month(items: list[Planned], status: dt.date | None = None) -> tuple[dict[dt.date, float], float]:
    """The amounts per calendar month (keyed by its first day), and the part planned up to `status` (inclusive)."""
    if not items:
        return {}, 0.0
    start = _days([p.start for p in items])
    end = _days([p.finish for p in items]) + DAY  # exclusive
    amount = np.array([p.amount for p in items], dtype=np.float64)
    indexes = {name: max(profile_index(name), 0) for name in {p.profile for p in items}}  # a few names, many tasks
    profile = np.array([indexes[p.profile] for p in items], dtype=np.int64)
    days = np.busday_count(start, np.maximum(end, start))
    grid = np.arange(start.min().astype("datetime64[M]"), (end - DAY).max().astype("datetime64[M]") + 2)
    edges = grid.astype("datetime64[D]")  # first day of each month, and of the month after the last
    done = _done_by(start, end, days, profile, edges[None, :])  # share done before each month starts
    per_month = (np.diff(done, axis=1) * amount[:, None]).sum(axis=0)
    months = {month.astype(dt.date): float(value) for month, value in zip(grid[:-1], per_month, strict=True) if value}
    if status is None:
        return months, 0.0
    cut = np.array([np.datetime64(status) + DAY])
    return months, float((_done_by(start, end, days, profile, cut[None, :])[:, 0] * amount).sum())


def _days(days: list[dt.date]) -> np.ndarray:
    """Dates as datetime64[D], by their ordinals (numpy converts date objects one by one, ~20x slower)."""
    return (np.array([d.toordinal() for d in days], dtype=np.int64) - _EPOCH).astype("datetime64[D]")


def _done_by(start: np.ndarray, end: np.ndarray, days: np.ndarray, profile: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Share of each task done before `day` (tasks × days): its contour at the working-day position."""
    upto = np.minimum(np.maximum(day, start[:, None]), end[:, None])
    worked = np.busday_count(start[:, None], upto)
    span = np.maximum(days, 1)[:, None]
    share = hours_between(1.0, 0.0, span, profile[:, None], 0.0, worked)  # one hour's worth: the share
    # a task with no working day at all (a weekend task) happens on its start day
    return np.where(days[:, None] == 0, (day > start[:, None]).astype(np.float64), share)
