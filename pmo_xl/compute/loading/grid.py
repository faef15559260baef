"""Periods on a calendar set, and the difference-array engine that sums hours into them.

Demand arrives as rate steps on each calendar's working-index axis (see
`contours.step_sections`): "from working position x on, this row does v more hours per working
day". The hours of row r in period p are then the integral of the step function over the
period's working days. Summing steps straight into periods keeps the work proportional to the
number of steps and the size of the row × period result, whatever the length of the horizon:

    hours[r, p] = Σ_{steps of r inside p} v · (end_p − x)  +  len_p · Σ_{steps of r before p} v

two scatter-adds and one `cumsum` along the periods (no day-resolution grid, no loop per
allocation or day). Pieces go through in blocks small enough for the CPU cache: on the project
machine, fresh arrays of a million entries cost more in page faults than the arithmetic.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pmo_xl.compute.loading.pieces import Pieces
from pmo_xl.compute.time.calendar import DAY, CalendarSet, normalise_grain, period_bounds
from pmo_xl.compute.time.contours import step_sections


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

    @functools.cached_property
    def period_ends(self) -> np.ndarray:
        """`bounds_work` with one more end per calendar, for steps after the last period,
        flattened (n_calendars × (n_periods + 2)); worked out once, for every block of steps."""
        return np.pad(self.bounds_work, ((0, 0), (0, 1)), mode="edge").ravel()


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


@dataclass(frozen=True)
class StepPeriods:
    """Where each rate step falls: its period (-1 before the first, n_periods after the last),
    and side by side as one complex number its rate change (real part) and its partial weight
    (imaginary part: working days from the step to the end of its period × the change, 0
    outside the periods), as `Grouping` adds them. Worked out once, then summed by any
    grouping of the steps."""

    period: np.ndarray
    both: np.ndarray


def calendar_offsets(grid: PeriodGrid, calendar: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where the rows of calendars `calendar` start in the grid's flattened tables: in
    `period_of_work`, and in `period_ends` plus one (a period's end is its next bound). Worked
    out per piece, then gathered per step (a gather from a block's pieces instead of a gather
    from every allocation's calendars and two multiplications per step)."""
    return calendar * grid.period_of_work.shape[1], calendar * (grid.n_periods + 2) + 1


def locate_steps(
    grid: PeriodGrid, work: np.ndarray, end: np.ndarray, position: np.ndarray, change: np.ndarray
) -> StepPeriods:
    """Locate rate steps (on their calendars' working-index axes) in the periods of `grid`;
    (`work`, `end`) are the `calendar_offsets` of each step's calendar."""
    width = grid.period_of_work.shape[1]
    # Positions are never negative, so truncation is floor; the last table entry stands for
    # "at or after the calendar's last working day".
    cell = np.minimum(position.astype(np.int64), width - 1)
    cell += work
    period = grid.period_of_work.ravel()[cell]
    period_end = grid.period_ends[end + period]
    both = np.empty(len(position), dtype=np.complex128)
    both.real = change
    np.multiply(period_end - position, change, out=both.imag)
    # One comparison finds both sides: a period before the first (-1) is huge unsigned.
    outside = period.view(np.uint64) >= grid.n_periods
    if outside.any():
        both.imag[outside] = 0.0
    return StepPeriods(period=period, both=both)


class Grouping:
    """Running sums of one grouping of the demand (by resource, by project...) per period.

    `row_of_alloc[a]` is the row allocation a counts in (-1: none); `row_calendar[r]` the
    calendar of row r: a row lives on one calendar, the one its steps were located on.
    """

    def __init__(self, grid: PeriodGrid, row_of_alloc: np.ndarray, row_calendar: np.ndarray) -> None:
        self.grid = grid
        self.row_of_alloc = row_of_alloc
        self.row_calendar = row_calendar
        self.width = grid.n_periods + 2  # a column before the first period and one after the last
        # The running sums of the rate steps (real part) and of their partial weights (imaginary
        # part) side by side: one `np.add.at` adds both, to one cache line per step instead of
        # two (a fifth less time). A complex addition adds the parts separately, so each sum is
        # made of the same float additions in the same order as two arrays of floats would be.
        self.sums = np.zeros(len(row_calendar) * self.width, dtype=np.complex128)

    def add(self, steps: StepPeriods, base: np.ndarray) -> None:
        """Add located steps; `base[j]` is where the row of step j starts in the sums, plus one
        (`row_of_alloc` × width + 1: its column is its period + 1)."""
        np.add.at(self.sums, base + steps.period, steps.both)

    def hours(self) -> np.ndarray:
        """Hours per row and period (n_rows, n_periods)."""
        n_rows, n_periods = len(self.row_calendar), self.grid.n_periods
        if n_rows == 0 or n_periods == 0:
            return np.zeros((n_rows, n_periods))
        rate = self.sums.real.reshape(n_rows, self.width)
        partial = self.sums.imag.reshape(n_rows, self.width)
        rate_before = np.cumsum(rate[:, :n_periods], axis=1)
        hours = partial[:, 1 : n_periods + 1] + self.grid.working_days[self.row_calendar] * rate_before
        # +v and -v steps cancel only to rounding; do not report 1e-13 h as load.
        hours[np.abs(hours) < 1e-9] = 0.0
        return hours


BLOCK = 1 << 16  # pieces per block: keeps every temporary in cache (3x faster than whole arrays)


def spread_pieces(
    grid: PeriodGrid,
    pieces: Pieces,
    calendar_of_alloc: np.ndarray,
    groupings: Sequence[Grouping],
) -> None:
    """Spread every piece over the periods of `grid`, into each grouping.

    Blocks of pieces go through the whole pipeline (rate steps, located in periods, summed),
    so no step array of the whole plan is ever built.
    """
    for first in range(0, len(pieces.alloc), BLOCK):
        block = slice(first, first + BLOCK)
        alloc = pieces.alloc[block]
        # What varies by piece, worked out per piece, then gathered per step.
        work_at, end_at = calendar_offsets(grid, calendar_of_alloc[alloc])
        bases = [grouping.row_of_alloc[alloc] * grouping.width + 1 for grouping in groupings]
        sections = step_sections(
            pieces.hours[block], pieces.start[block], pieces.length[block], pieces.profile[block],
            pieces.lo[block], pieces.hi[block],
        )  # fmt: skip
        # Section by section, in order: each sum gets the same additions in the same order as
        # from the sections joined. Two sections with one owner array share its gathers.
        owner = None
        for section_owner, position, change in sections:
            if section_owner is not owner:
                owner = section_owner
                work, end, step_bases = work_at[owner], end_at[owner], [base[owner] for base in bases]
            steps = locate_steps(grid, work, end, position, change)
            for grouping, base in zip(groupings, step_bases, strict=True):
                grouping.add(steps, base)


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
