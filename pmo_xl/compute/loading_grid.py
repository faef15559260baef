"""Periods on a calendar set, and the difference-array engine that sums hours into them.

Demand arrives as rate steps on each calendar's working-index axis (see
`contours.segment_steps`): "from working position x on, this row does v more hours per working
day". The hours of row r in period p are then the integral of the step function over the
period's working days. Summing steps straight into periods keeps the work proportional to the
number of steps and the size of the row × period result, whatever the length of the horizon:

    hours[r, p] = Σ_{steps of r inside p} v · (end_p − x)  +  len_p · Σ_{steps of r before p} v

two `bincount`s and one `cumsum` along the periods (no day-resolution grid, no loop).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pmo_xl.compute.calendar import DAY, CalendarSet, normalise_grain, period_bounds


@dataclass(frozen=True)
class PeriodGrid:
    """Reporting periods laid on a calendar set.

    `starts[p]` is the first day of period p; `bounds_day` the period boundaries as day indexes
    of the calendar axis (n_periods + 1, clipped onto it); `bounds_work[c]` the same boundaries
    as working indexes of calendar c; `period_of_work[c, i]` the period holding working index i
    of calendar c (-1 before the first period, n_periods after the last).
    """

    grain: str
    starts: np.ndarray
    bounds_day: np.ndarray
    bounds_work: np.ndarray
    period_of_work: np.ndarray

    @property
    def n_periods(self) -> int:
        return len(self.starts)

    @property
    def working_days(self) -> np.ndarray:
        """Working days per calendar and period (n_calendars, n_periods)."""
        return np.diff(self.bounds_work, axis=1)


def build_grid(cals: CalendarSet, first: np.datetime64, last: np.datetime64, grain: str) -> PeriodGrid:
    """Periods of `grain` covering the days [first, last] of the calendar axis."""
    grain = normalise_grain(grain)
    edges = period_bounds(first, last, grain)
    bounds_day = np.clip(((edges - cals.origin) / DAY).astype(np.int64), 0, cals.n_days)
    bounds_work = cals.cum[:, bounds_day]
    n_work = int(cals.cum[:, -1].max()) + 1
    positions = np.arange(n_work)
    period_of_work = np.stack(
        [np.searchsorted(bounds_work[c], positions, side="right") - 1 for c in range(len(cals.names))]
    )
    return PeriodGrid(
        grain=grain,
        starts=edges[:-1],
        bounds_day=bounds_day,
        bounds_work=bounds_work,
        period_of_work=period_of_work,
    )


def period_sums(
    grid: PeriodGrid,
    step_row: np.ndarray,
    row_calendar: np.ndarray,
    position: np.ndarray,
    change: np.ndarray,
) -> np.ndarray:
    """Hours per row and period (n_rows, n_periods) from rate steps on working-index axes.

    `step_row[j]` is the row of step j, `row_calendar[r]` the calendar of row r (a row lives on
    one calendar), `position[j]` the fractional working index where the rate changes by
    `change[j]` hours per working day.
    """
    n_rows = len(row_calendar)
    n_periods = grid.n_periods
    width = n_periods + 2  # a column before the first period and one after the last
    if n_rows == 0 or n_periods == 0:
        return np.zeros((n_rows, n_periods))
    calendar = row_calendar[step_row]
    cell = np.clip(np.floor(position).astype(np.int64), 0, grid.period_of_work.shape[1] - 1)
    period = grid.period_of_work[calendar, cell]
    inside = (period >= 0) & (period < n_periods)
    period_end = grid.bounds_work[calendar, np.clip(period + 1, 0, n_periods)]
    flat_index = step_row * width + period + 1
    rate_changes = np.bincount(flat_index, weights=change, minlength=n_rows * width).reshape(n_rows, width)
    partial = np.bincount(
        flat_index, weights=np.where(inside, change * (period_end - position), 0.0), minlength=n_rows * width
    ).reshape(n_rows, width)
    rate_before = np.cumsum(rate_changes, axis=1)[:, :n_periods]
    lengths = grid.working_days[row_calendar]
    hours = partial[:, 1 : n_periods + 1] + lengths * rate_before
    # +v and -v steps cancel only to rounding; do not report 1e-13 h as load.
    hours[np.abs(hours) < 1e-9] = 0.0
    return hours


def capacity_hours(
    cals: CalendarSet,
    grid: PeriodGrid,
    calendar: np.ndarray,
    daily_hours: np.ndarray,
    available_from: np.ndarray,
    available_to: np.ndarray,
) -> np.ndarray:
    """Capacity per resource and period: daily hours × working days inside the availability.

    `available_from`/`available_to` are day offsets from the calendar origin (unclipped; use a
    very small/large value for "no limit").
    """
    n_days = cals.n_days
    lo = np.maximum(grid.bounds_day[None, :-1], np.clip(available_from, 0, n_days)[:, None])
    hi = np.minimum(grid.bounds_day[None, 1:], np.clip(available_to + 1, 0, n_days)[:, None])
    hi = np.maximum(hi, lo)
    cal = calendar[:, None]
    days = cals.cum[cal, hi] - cals.cum[cal, lo]
    return days * daily_hours[:, None]
