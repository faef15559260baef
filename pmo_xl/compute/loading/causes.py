"""Which projects cause each over-allocation, and by how many hours.

For every over-allocated (resource, period) cell: the hours each project puts there, biggest
first, as text for the report ("PRJ-004 62 h, PRJ-011 40 h"; past five, "+N more 21 h").

The work is proportional to the *incidences*: (allocation piece, over-allocated period it
touches). They are generated without a loop per piece: each piece's run of periods is matched
against its resource's over-allocated periods with a cumulative count. Pieces of one resource
and project that meet in a cell are added up in dense slots (no hashing), cells are ordered
with a stable radix pass (no comparison sort), each cell's entries become a row of a dense
matrix whose top five are picked by row-wise argmax, and each text is one join of looked-up
parts. Resources go through in blocks, so the temporaries stay small.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmo_xl.compute.loading.demand import Demand
from pmo_xl.compute.loading.grid import BLOCK, PeriodGrid
from pmo_xl.compute.time.contours import FLAT, hours_between

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
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(cell, project code, hours, summed) for pieces `kept` (of `resource`) in each
    over-allocated period they touch, one entry per project and cell with hours; `summed`
    marks the entries that add up several pieces (each where its first piece's was).

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
    effort, length = pieces.hours[kept], pieces.length[kept]
    rate = effort / length
    hours = (w - u) * rate[piece]  # exact for flat pieces
    contoured = np.flatnonzero(profile[piece] != FLAT)
    if len(contoured):
        i = piece[contoured]  # through the block's own arrays: cache-local gathers
        hours[contoured] = hours_between(
            effort[i], pieces.start[kept][i], length[i], profile[i], u[contoured], w[contoured]
        )
    # Only pieces sharing a resource and a project can meet in a cell: add those up, in the
    # place of the first such piece. Each shared pair has a dense row of slots, one per
    # over-allocated cell of its resource, so the sums need no hashing or sorting.
    n_projects = len(demand.project_ids) + 1
    pair_codes, pairs = pd.factorize(resource.astype(np.int64) * n_projects + project)
    pair_shared = np.bincount(pair_codes, minlength=len(pairs)) > 1
    shared = pair_shared[pair_codes][piece]
    project = project[piece]
    together = np.flatnonzero(shared)
    if len(together):
        room = np.where(pair_shared, seen[np.asarray(pairs) // n_projects, -1], 0)
        base = np.cumsum(room) - room
        p = piece[together]
        slot = base[pair_codes[p]] + (cell[together] - offset[resource[p]])
        hours[together] = np.bincount(slot, weights=hours[together], minlength=int(room.sum()))[slot]
        first = np.full(int(room.sum()), len(kept))
        np.minimum.at(first, slot, p)
        keep = ~shared
        keep[together[first[slot] == p]] = True
        keep &= hours > 1e-9
    else:
        keep = hours > 1e-9
    return cell[keep], project[keep], hours[keep], shared[keep]


def _top_causes(
    project: np.ndarray, hours: np.ndarray, starts: np.ndarray, sizes: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The TOP biggest entries of each cell, biggest first and, among equal hours, the project
    first in ID order (codes follow the sorted IDs): (hours, project), one row per cell,
    -inf / no project past a cell's entries. Entries are grouped by cell (`starts`, `sizes`).

    Each cell's entries go into a row of a dense matrix and are picked by TOP + 1 row-wise
    argmax passes; the rare rows where two of those picks are equal in hours (the order among
    ties, or which of them make the top) are ranked again exactly by a row-wise lexsort.
    """
    n_cells, width = len(starts), int(sizes.max())
    no_project = np.iinfo(np.int64).max
    segment = np.repeat(np.arange(n_cells), sizes)
    flat = np.arange(len(hours)) + (segment * width - np.repeat(starts, sizes))
    dense = np.full(n_cells * width, -np.inf)
    dense[flat] = hours
    dense = dense.reshape(n_cells, width)
    codes = np.full(n_cells * width, no_project, dtype=np.int64)
    codes[flat] = project
    codes = codes.reshape(n_cells, width)
    k = min(TOP + 1, width)
    rows = np.arange(0, n_cells * width, width)
    best = np.empty((n_cells, k))
    where = np.empty((n_cells, k), dtype=np.intp)
    flat_dense = dense.ravel()
    for rank in range(k):
        at = dense.argmax(axis=1)
        where[:, rank] = at
        at += rows
        best[:, rank] = flat_dense[at]
        flat_dense[at] = -np.inf
    chosen = np.where(best == -np.inf, no_project, np.take_along_axis(codes, where, axis=1))
    tied = np.flatnonzero(((best[:, 1:] == best[:, :-1]) & (best[:, 1:] > -np.inf)).any(axis=1))
    if len(tied):
        again = dense[tied]
        for rank in reversed(range(k)):  # put the picks back; the real ones last (a spent row's
            again[np.arange(len(tied)), where[tied, rank]] = best[tied, rank]  # argmax is 0)
        order = np.lexsort((codes[tied], -again), axis=1)[:, :k]
        best[tied] = np.take_along_axis(again, order, axis=1)
        chosen[tied] = np.take_along_axis(codes[tied], order, axis=1)
    return best[:, :TOP], chosen[:, :TOP]


def _block_text(
    cell: np.ndarray,
    project: np.ndarray,
    hours: np.ndarray,
    summed: np.ndarray,
    n_cells: int,
    labels: tuple[np.ndarray, np.ndarray],
) -> np.ndarray:
    """Texts of `n_cells` cells from their (cell, project, hours, summed) entries (hours > 0),
    cells from 0.

    A cell's entries are taken in a fixed order, the single pieces' before the summed ones,
    so its total (for "+N more") comes out the same to the last bit every time.
    """
    text = np.full(n_cells, "", dtype=object)
    if len(cell) == 0:
        return text
    order = _radix_order(cell * 2 + summed)
    cell, project, hours = cell[order], project[order], hours[order]
    starts = np.flatnonzero(np.r_[True, cell[1:] != cell[:-1]])
    sizes = np.diff(np.r_[starts, len(cell)])
    owner = cell[starts]
    best, chosen = _top_causes(project, hours, starts, sizes)
    n_named = best.shape[1]
    live = np.arange(n_named) < sizes[:, None]
    named = np.zeros(len(starts))
    for rank in range(n_named):  # added up in rank order, as they are named
        named[live[:, rank]] += best[live[:, rank], rank]
    # Texts from their parts: one join per cell over lookup tables ("" past a cell's entries).
    n_labels = len(labels[0])
    label = np.where(live, chosen, n_labels)
    said = np.full(best.shape, "", dtype=object)
    said[live] = hours_text(best[live])
    columns = []
    for rank in range(n_named):
        table = np.append(labels[1 if rank else 0], "").astype(object)
        columns += [table[label[:, rank]].tolist(), said[:, rank].tolist()]
    more = np.flatnonzero(sizes > TOP)
    if len(more):
        total = np.add.reduceat(hours, starts)[more]
        rest = np.maximum(total - named[more], 0.0)
        extra = sizes[more] - TOP
        prefix = np.array([f", +{k} more " for k in range(int(extra.max()) + 1)], dtype=object)
        tail = np.full((len(starts), 2), "", dtype=object)
        tail[more, 0] = prefix[extra]
        tail[more, 1] = hours_text(rest)
        columns += [tail[:, 0].tolist(), tail[:, 1].tolist()]
    text[owner] = list(map("".join, zip(*columns, strict=True)))
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
        cell, project, hours, summed = _block_incidences(
            demand, grid, over_period, seen, offset, kept[a:b], resource[a:b]
        )
        text[lo_cell:hi_cell] = _block_text(cell - lo_cell, project, hours, summed, hi_cell - lo_cell, labels)
    return text
