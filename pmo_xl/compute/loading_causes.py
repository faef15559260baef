"""Which projects cause each over-allocation, and by how many hours.

For every over-allocated (resource, period) cell: the hours each project puts there, biggest
first, as text for the report ("PRJ-004 62 h, PRJ-011 40 h"; past five, "+N more 21 h").

The work is proportional to the *incidences*: (allocation piece, over-allocated period it
touches). They are generated without a loop per piece: each piece's run of periods is matched
against its resource's over-allocated periods with a cumulative count. Pieces of one resource
and project that meet in a cell are added up, cells are ordered with stable radix passes (no
comparison sort) and the top five per cell are picked by segment reductions. Resources go
through in blocks, so every temporary stays in the CPU cache.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmo_xl.compute.contours import FLAT, hours_between
from pmo_xl.compute.loading_demand import Demand
from pmo_xl.compute.loading_grid import BLOCK, PeriodGrid

TOP = 5  # projects named per cell; the rest are summed as "+N more"
_TENTHS = np.array([f"{k / 10:.1f} h" for k in range(100)], dtype=object)


def hours_text(hours: np.ndarray) -> np.ndarray:
    """'62 h' from 10 h up, '7.5 h' below (so small contributions do not read as 0 h).

    Through lookup tables of the texts needed: formatting floats one by one is the slow part.
    """
    hours = np.asarray(hours, dtype=np.float64)
    out = np.empty(len(hours), dtype=object)
    small = hours < 9.95
    out[small] = _TENTHS[np.clip(np.round(hours[small] * 10).astype(np.int64), 0, 99)]
    whole = np.round(hours[~small]).astype(np.int64)
    if len(whole) and whole.max() <= 1_000_000:
        out[~small] = np.array([f"{k} h" for k in range(int(whole.max()) + 1)], dtype=object)[whole]
    elif len(whole):  # absurd hours: format them one by one rather than build a huge table
        out[~small] = [f"{k} h" for k in whole]
    return out


def _radix_order(values: np.ndarray) -> np.ndarray:
    """A stable ordering of non-negative integers below 2**32, by 16-bit radix passes."""
    order = np.argsort((values & 0xFFFF).astype(np.uint16), kind="stable")
    if values.size and values.max() >= 1 << 16:
        order = order[np.argsort((values[order] >> 16).astype(np.uint16), kind="stable")]
    return order


def _block_incidences(
    demand: Demand,
    grid: PeriodGrid,
    over_period: np.ndarray,
    seen: np.ndarray,
    offset: np.ndarray,
    kept: np.ndarray,
    resource: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(cell, project code, hours) for pieces `kept` (of `resource`) in each over-allocated
    period they touch, one entry per project and cell.

    `seen[r, q]` counts resource r's over-allocated periods before q, `offset[r]` is r's first
    cell and `over_period[c]` the period of cell c (cells in row-major order of the mask).
    Per-piece figures are worked out once per piece; per incidence only what varies.
    """
    pieces = demand.pieces
    n_periods = seen.shape[1] - 1
    alloc = pieces.alloc[kept]
    project = demand.project_code[alloc]
    calendar = demand.calendar[alloc]
    lo, hi = pieces.lo[kept], pieces.hi[kept]
    width = grid.period_of_work.shape[1]
    lookup = grid.period_of_work.ravel()
    q0 = np.maximum(lookup[calendar * width + np.minimum(lo.astype(np.int64), width - 1)], 0)
    last = np.minimum(np.ceil(hi).astype(np.int64) - 1, width - 1)
    q1 = np.minimum(lookup[calendar * width + last], n_periods - 1)
    count = np.maximum(seen[resource, q1 + 1] - seen[resource, q0], 0)
    has = np.flatnonzero(count)
    count = count[has]
    piece = np.repeat(has, count)
    first = offset[resource[has]] + seen[resource[has], q0[has]]
    cell = np.repeat(first - (np.cumsum(count) - count), count) + np.arange(len(piece))
    base = calendar * (n_periods + 1)  # row of the calendar in the flattened period bounds
    bounds = grid.bounds_work.ravel()
    at = base[piece] + over_period[cell]
    u = np.maximum(lo[piece], bounds[at])
    w = np.maximum(np.minimum(hi[piece], bounds[at + 1]), u)
    profile = pieces.profile[kept]
    rate = pieces.hours[kept] / pieces.length[kept]
    hours = (w - u) * rate[piece]  # exact for flat pieces
    contoured = np.flatnonzero(profile[piece] != FLAT)
    if len(contoured):
        i = kept[piece[contoured]]
        hours[contoured] = hours_between(
            pieces.hours[i], pieces.start[i], pieces.length[i], pieces.profile[i], u[contoured], w[contoured]
        )
    # Only pieces sharing a resource and a project can meet in a cell: add those up.
    n_projects = len(demand.project_ids) + 1
    pair_codes, pairs = pd.factorize(resource.astype(np.int64) * n_projects + project)
    shared = (np.bincount(pair_codes, minlength=len(pairs)) > 1)[pair_codes][piece]
    project = project[piece]
    if shared.any():
        codes, keys = pd.factorize(cell[shared].astype(np.int64) * n_projects + project[shared])
        keys = np.asarray(keys, dtype=np.int64)
        alone = ~shared
        cell = np.concatenate([cell[alone], keys // n_projects])
        project = np.concatenate([project[alone], keys % n_projects])
        hours = np.concatenate([hours[alone], np.bincount(codes, weights=hours[shared])])
    return cell, project, hours


def _block_text(
    cell: np.ndarray,
    project: np.ndarray,
    hours: np.ndarray,
    n_cells: int,
    labels: tuple[np.ndarray, np.ndarray],
) -> np.ndarray:
    """Texts of `n_cells` cells from their (cell, project, hours) entries, cells from 0."""
    text = np.full(n_cells, "", dtype=object)
    keep = hours > 1e-9
    cell, project, hours = cell[keep], project[keep], hours[keep]
    if len(cell) == 0:
        return text
    order = _radix_order(cell)
    cell, project, hours = cell[order], project[order], hours[order]
    starts = np.flatnonzero(np.r_[True, cell[1:] != cell[:-1]])
    sizes = np.diff(np.r_[starts, len(cell)])
    owner = cell[starts]
    segment = np.repeat(np.arange(len(starts)), sizes)
    named = np.zeros(len(starts))
    remaining = hours.copy()
    no_project = np.iinfo(np.int64).max
    for rank in range(min(TOP, int(sizes.max()))):
        live = np.flatnonzero(sizes > rank)
        best = np.maximum.reduceat(remaining, starts)
        # Among equal hours, the project first in ID order (codes follow the sorted IDs).
        chosen = np.minimum.reduceat(np.where(remaining == best[segment], project, no_project), starts)
        label = labels[1 if rank else 0][chosen[live]]
        text[owner[live]] = text[owner[live]] + label + hours_text(best[live])
        named[live] += best[live]
        remaining[(project == chosen[segment]) & (remaining == best[segment])] = -np.inf
    more = np.flatnonzero(sizes > TOP)
    if len(more):
        rest = np.maximum(np.add.reduceat(hours, starts)[more] - named[more], 0.0)
        count = (sizes[more] - TOP).astype(str).astype(object)
        text[owner[more]] = text[owner[more]] + ", +" + count + " more " + hours_text(rest)
    return text


def cause_text(demand: Demand, grid: PeriodGrid, over: np.ndarray) -> np.ndarray:
    """One text per over-allocated cell (row-major order of the resource × period mask `over`):
    the projects with demand there and their hours, biggest first."""
    n_res, n_periods = over.shape
    text = np.full(int(over.sum()), "", dtype=object)
    pieces = demand.pieces
    resource = demand.row[pieces.alloc]
    kept = np.flatnonzero((resource >= 0) & (resource < n_res) & (pieces.hi > pieces.lo) & (pieces.hours > 0))
    if len(text) == 0 or len(kept) == 0:
        return text
    kept = kept[_radix_order(resource[kept])]  # pieces grouped by resource
    resource = resource[kept]
    seen = np.zeros((n_res, n_periods + 1), dtype=np.int64)
    np.cumsum(over, axis=1, out=seen[:, 1:])
    offset = np.concatenate([[0], np.cumsum(seen[:, -1])])
    over_period = np.nonzero(over)[1]
    first_labels = np.asarray(demand.project_ids, dtype=object).astype(str).astype(object) + " "
    labels = (first_labels, ", " + first_labels)
    # Blocks of whole resources (a resource's cells are contiguous), about BLOCK pieces each.
    cuts = np.unique(np.r_[resource[::BLOCK], resource[-1] + 1])
    piece_cuts = np.searchsorted(resource, cuts)
    for a, b, r_a, r_b in zip(piece_cuts[:-1], piece_cuts[1:], cuts[:-1], cuts[1:], strict=True):
        lo_cell, hi_cell = offset[r_a], offset[r_b]
        if hi_cell == lo_cell:
            continue
        cell, project, hours = _block_incidences(
            demand, grid, over_period, seen, offset, kept[a:b], resource[a:b]
        )
        text[lo_cell:hi_cell] = _block_text(cell - lo_cell, project, hours, hi_cell - lo_cell, labels)
    return text
