"""Which projects cause each over-allocation, and by how many hours.

For every over-allocated (resource, period) cell, the hours each project puts there, biggest
first, as text for the report ("PRJ-004 62 h, PRJ-011 40 h"). Only the (piece, cell) pairs that
touch an over-allocated cell are generated: each piece's run of periods is matched against the
resource's sorted list of over-allocated periods with a cumulative count, so the work grows
with the over-allocation found, not with the size of the plan.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmo_xl.compute.contours import hours_between
from pmo_xl.compute.loading_demand import Demand
from pmo_xl.compute.loading_grid import PeriodGrid

TOP = 5  # projects named per cell; the rest are summed as "+N more"


def _format_hours(hours: np.ndarray) -> np.ndarray:
    """Whole hours from 10 h up, one decimal below (so small contributions do not read as 0 h)."""
    return np.where(hours >= 9.95, np.char.mod("%.0f h", hours), np.char.mod("%.1f h", hours))


def cause_hours(demand: Demand, grid: PeriodGrid, over: np.ndarray) -> pd.DataFrame:
    """Hours per over-allocated cell and project: (cell, project_id, hours).

    `over` is a bool (n_resources, n_periods) mask; `cell` numbers its True entries in row-major
    order (resource, then period), as `np.nonzero(over)` lists them.
    """
    n_res, n_periods = over.shape
    pieces = demand.pieces
    resource = demand.row[pieces.alloc]
    keep = np.flatnonzero((resource >= 0) & (resource < n_res) & (pieces.hi > pieces.lo) & (pieces.hours > 0))
    empty = pd.DataFrame({"cell": np.zeros(0, dtype=np.int64), "project_id": [], "hours": np.zeros(0)})
    if len(keep) == 0 or not over.any():
        return empty
    resource = resource[keep]
    calendar = demand.calendar[pieces.alloc[keep]]
    lo, hi = pieces.lo[keep], pieces.hi[keep]
    last_cell = grid.period_of_work.shape[1] - 1
    q0 = grid.period_of_work[calendar, np.clip(np.floor(lo).astype(np.int64), 0, last_cell)]
    q1 = grid.period_of_work[calendar, np.clip(np.ceil(hi).astype(np.int64) - 1, 0, last_cell)]
    q0 = np.clip(q0, 0, n_periods - 1)
    q1 = np.clip(q1, 0, n_periods - 1)
    seen = np.zeros((n_res, n_periods + 1), dtype=np.int64)
    np.cumsum(over, axis=1, out=seen[:, 1:])
    offset = np.concatenate([[0], np.cumsum(over.sum(axis=1))[:-1]])
    first = offset[resource] + seen[resource, q0]
    count = seen[resource, q1 + 1] - seen[resource, q0]
    has = count > 0
    if not has.any():
        return empty
    piece = np.repeat(np.arange(len(keep))[has], count[has])
    starts = np.repeat(first[has], count[has])
    within = np.arange(len(piece)) - np.repeat(np.cumsum(count[has]) - count[has], count[has])
    cell = starts + within
    period = np.nonzero(over)[1][cell]
    cal = calendar[piece]
    u = np.maximum(lo[piece], grid.bounds_work[cal, period])
    w = np.minimum(hi[piece], grid.bounds_work[cal, period + 1])
    index = keep[piece]
    hours = hours_between(
        pieces.hours[index],
        pieces.start[index],
        pieces.length[index],
        pieces.profile[index],
        u,
        np.maximum(w, u),
    )
    project_codes, projects = pd.factorize(demand.project[pieces.alloc[index]])
    key = cell.astype(np.int64) * (len(projects) + 1) + project_codes
    keys, inverse = np.unique(key, return_inverse=True)
    sums = np.bincount(inverse, weights=hours)
    frame = pd.DataFrame(
        {
            "cell": keys // (len(projects) + 1),
            "project_id": np.asarray(projects, dtype=object)[keys % (len(projects) + 1)],
            "hours": sums,
        }
    )
    return frame[frame["hours"] > 1e-9]


def cause_text(causes: pd.DataFrame, n_cells: int) -> np.ndarray:
    """One text per over-allocated cell: the top projects and their hours, biggest first."""
    text = np.full(n_cells, "", dtype=object)
    if causes.empty:
        return text
    ordered = causes.sort_values(
        ["cell", "hours", "project_id"], ascending=[True, False, True], kind="stable"
    )
    cell = ordered["cell"].to_numpy()
    rank = ordered.groupby("cell").cumcount().to_numpy()
    label = (
        ordered["project_id"].astype(str).to_numpy(dtype=object)
        + " "
        + _format_hours(ordered["hours"].to_numpy())
    )
    named = rank < TOP
    parts = pd.Series(label[named]).groupby(cell[named]).agg(", ".join)
    text[parts.index.to_numpy()] = parts.to_numpy()
    rest = ~named
    if rest.any():
        extra = pd.DataFrame({"cell": cell[rest], "hours": ordered["hours"].to_numpy()[rest]}).groupby(
            "cell"
        )["hours"]
        counts, sums = extra.size(), extra.sum()
        tail = ", +" + counts.astype(str).to_numpy() + " more " + _format_hours(sums.to_numpy())
        text[counts.index.to_numpy()] = text[counts.index.to_numpy()] + tail
    return text
