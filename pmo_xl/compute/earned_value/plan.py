"""The planned-value curve of every project on one grid of months, for PV and earned schedule.

A project's plan is, in order of preference:
  1. its time-phased Baseline (planned value per month, cumulated);
  2. the cumulative PV its Progress rows report, joined by straight lines from 0 before the
     planned start and, after the last report, up to BAC at the planned finish;
  3. a straight line of BAC from the planned start month to the planned finish month.
All three are built as dense project × month matrices so that a whole portfolio costs a few
array passes, not a loop per project.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from pmo_xl.compute.earned_value.earned_schedule import compute_plan_duration
from pmo_xl.compute.earned_value.formulas import FloatArray

IntArray = npt.NDArray[np.intp]

NO_PLAN, BASELINE, PROGRESS_PV, LINEAR = 0, 1, 2, 3
PLAN_SOURCES = ("none", "baseline", "progress", "linear")


@dataclass(frozen=True)
class PlanCurves:
    """Cumulative PV per project (rows) and grid month (columns), with where each plan starts.

    Column j is month `origin + j` (months since 1970-01); every curve is 0 before its start,
    non-decreasing, and holds its final value after the plan ends.
    """

    origin: int
    curves: FloatArray  # (P, G)
    start: IntArray  # (P,) grid column of each plan's first month
    duration: IntArray  # (P,) PD in months; 0 where there is no plan
    source: npt.NDArray[np.int8]  # (P,) NO_PLAN, BASELINE, PROGRESS_PV or LINEAR

    @property
    def width(self) -> int:
        return int(self.curves.shape[1])

    def at(self, project: IntArray, column: IntArray) -> FloatArray:
        """Cumulative PV of `project` at the end of grid month `column` (clipped to the grid)."""
        column = np.clip(column, 0, self.width - 1)
        return self.curves.ravel()[project * self.width + column]


def _draw_lines(n_rows: int, width: int, row: IntArray, column: IntArray, value: FloatArray) -> FloatArray:
    """Each row drawn through its known points by straight lines, as an (n_rows, width) matrix.

    Before a row's first point the value is 0; after its last point the line heads for the
    next row's 0, which the caller's running maximum turns into "hold the last value".
    One np.interp over the flattened matrix draws every row at once: each row gets a 0 point
    in its first column, so no line runs across two rows before reaching its own points.
    """
    if n_rows == 0:
        return np.zeros((0, width))
    starts = np.arange(n_rows, dtype=np.intp) * width
    x = np.concatenate([row * width + column, starts])
    y = np.concatenate([value, np.zeros(n_rows)])
    order = np.argsort(x, kind="stable")  # a few sorted runs (cheap); known points stay first
    x, y = x[order], y[order]
    first = np.r_[True, x[1:] != x[:-1]]
    flat = np.interp(np.arange(n_rows * width, dtype=np.float64), x[first], y[first])
    return flat.reshape(n_rows, width)


def compute_plan_curves(
    n_projects: int,
    origin: int,
    width: int,
    baseline: tuple[IntArray, IntArray, FloatArray],
    progress_pv: tuple[IntArray, IntArray, FloatArray],
    start: IntArray,
    finish: IntArray,
    bac: FloatArray,
) -> PlanCurves:
    """Build every project's cumulative PV curve on the grid `origin .. origin + width − 1`.

    baseline and progress_pv: (project, grid column, value) triples, the first monthly planned
    value (not cumulative), the second cumulative PV as reported (NaN-free). start and finish:
    grid columns of the planned start and finish months, −1 when unknown. The grid must begin
    at least one month before every start (the plan's 0 sits there).
    """
    b_project, b_column, b_value = baseline
    # Planned value per month is never negative (a negative typo would make the curve fall).
    b_value = np.maximum(b_value, 0.0)
    totals = np.bincount(b_project, weights=b_value, minlength=n_projects)
    has_baseline = totals > 0
    baseline_start = np.full(n_projects, width, dtype=np.intp)
    np.minimum.at(baseline_start, b_project, b_column)

    p_project, p_column, p_value = progress_pv
    has_pv = np.bincount(p_project, minlength=n_projects) > 0
    first_pv = np.full(n_projects, width, dtype=np.intp)
    np.minimum.at(first_pv, p_project, p_column)

    use_pv = ~has_baseline & has_pv
    use_linear = ~has_baseline & ~has_pv & (start >= 1) & (finish >= start) & np.isfinite(bac) & (bac > 0)
    # A Progress-PV plan starts at the planned start, or earlier if PV was reported before it.
    pv_start = np.where(start >= 1, np.minimum(start, first_pv), first_pv)
    plan_start = np.select([has_baseline, use_pv, use_linear], [baseline_start, pv_start, start], 0)

    curves = np.zeros((n_projects, width))
    baseline_rows = np.flatnonzero(has_baseline)
    if baseline_rows.size:
        # Month by month on the baseline projects only, then cumulated along each row.
        slot = np.full(n_projects, -1, dtype=np.intp)
        slot[baseline_rows] = np.arange(baseline_rows.size)
        on = slot[b_project] >= 0
        monthly = np.bincount(slot[b_project[on]] * width + b_column[on], weights=b_value[on], minlength=baseline_rows.size * width)
        curves[baseline_rows] = np.cumsum(monthly.reshape(baseline_rows.size, width), axis=1, out=monthly.reshape(baseline_rows.size, width))

    # Points each drawn plan passes through: reported PV, 0 the month before the plan starts,
    # and BAC at the planned finish.
    anchored = use_pv | use_linear
    drawn_rows = np.flatnonzero(anchored)
    position = np.full(n_projects, -1, dtype=np.intp)
    position[drawn_rows] = np.arange(len(drawn_rows))
    on_pv = use_pv[p_project]
    # Reports from the finish month on that are still short of BAC mean the plan moved:
    # the reports win and no BAC point is put at the planned finish.
    short_after_finish = np.zeros(n_projects, dtype=bool)
    late = (p_column >= finish[p_project]) & (finish[p_project] >= 0)
    with np.errstate(invalid="ignore"):
        short = late & (p_value < bac[p_project] * (1 - 1e-9))
    short_after_finish[p_project[short]] = True
    end_rows = np.flatnonzero(anchored & ~short_after_finish & np.isfinite(bac) & (finish >= 1) & (finish < width))
    drawn = _draw_lines(
        len(drawn_rows),
        width,
        position[np.concatenate([p_project[on_pv], drawn_rows, end_rows])],
        np.concatenate([p_column[on_pv], np.clip(plan_start[drawn_rows] - 1, 0, width - 1), finish[end_rows]]),
        np.concatenate([p_value[on_pv], np.zeros(len(drawn_rows)), bac[end_rows]]),
    )
    # Cumulative PV cannot fall: a reported dip is read as "no progress planned that month"
    # (and past a row's last point the line is held, see `_draw_lines`).
    np.maximum(drawn, 0.0, out=drawn)
    curves[drawn_rows] = np.maximum.accumulate(drawn, axis=1, out=drawn)
    source = np.select([has_baseline, use_pv, use_linear], [BASELINE, PROGRESS_PV, LINEAR], NO_PLAN).astype(np.int8)
    plan_start = np.where(source == NO_PLAN, 0, plan_start).astype(np.intp)
    duration = np.where(source == NO_PLAN, 0, compute_plan_duration(curves, plan_start)).astype(np.intp)
    return PlanCurves(origin=origin, curves=curves, start=plan_start, duration=duration, source=source)
