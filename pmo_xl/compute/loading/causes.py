"""Which projects cause each over-allocation, and by how many hours.

For every over-allocated (resource, period) cell: the hours each project puts there, biggest
first, as text for the report ("PRJ-004 62 h, PRJ-011 40 h"; past five, "+N more 21 h").

The work is proportional to the *incidences*: (allocation piece, over-allocated period it
touches). They are generated without a loop per piece: each piece's run of periods is matched
against its resource's over-allocated periods with a cumulative count. Pieces of one resource
and project that meet in a cell are added up in dense slots (no hashing), entries are put cell
by cell by a sparse matrix's CSR to CSC transpose (a counting pass, no comparison sort, the
order fixed), each cell's entries become a row of a dense
matrix whose top five are picked by row-wise argmax, and each text is one join of looked-up
parts. Resources go through in blocks, so the temporaries stay small.

Only the cells asked for are worked out (`causes_of`; the report asks for the three months it
lists, `LoadingResult.causes_for`), and only the pieces that can reach them go through the
per-piece work (`_near`): 33 k of 394 k cells and a fifth of the pieces at a million
allocations, weekly. A cell's text is the same whichever other cells are asked for with it.

Why not compiled (numba 0.68.1, measured 2026-12-06 on 1,000,000 allocations, weekly): a
kernel giving the same texts to the last bit (same additions in the same order, numpy's
pairwise sum for "+N more") took this step from 1.65 to 0.85 s of CPU, but numba costs every
process ~0.3 s to import and ~0.7 s before its first call even from its cache (setting up its
typing, however small the function), and ~16 s to compile where no cache is kept (and it
refuses `cache=True` where no cache folder is writable). In a fresh process the whole loading
gained ~0.5 s of 4 s at a million allocations, and by extrapolation would lose below ~700,000;
in-process the loading with causes would still be ~8.7x its floor (without causes ~5x already).
Since the report asks only for the cells it shows, this step is a few tenths of a second there.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from pmo_xl.compute.loading.demand import Demand
from pmo_xl.compute.loading.grid import PeriodGrid
from pmo_xl.compute.time.contours import FLAT, hours_between

TOP = 5  # projects named per cell; the rest are summed as "+N more"
SORTED_UP_TO = 2048  # entries of a block put cell by cell by a stable sort (below: as fast as scipy, measured)
BLOCK = 1 << 13  # pieces per block: fewer calls, temporaries still in cache (4,096: 3% slower)
_TENTHS = np.array([f"{k / 10:.1f} h" for k in range(100)], dtype=object)
_WHOLE = np.array([f"{k} h" for k in range(1000)], dtype=object)  # a week's or a month's hours
_TEXTS = np.concatenate([_TENTHS, _WHOLE])  # both, so that most calls need one lookup


def hours_text(hours: np.ndarray) -> np.ndarray:
    """'62 h' from 10 h up, '7.5 h' below (so small contributions do not read as 0 h).

    Through lookup tables of the texts needed: formatting floats one by one is the slow part.
    """
    hours = np.asarray(hours, dtype=np.float64)
    small = hours < 9.95
    scaled = np.round(np.where(small, hours * 10, hours)).astype(np.int64)
    # Where each text is in _TEXTS; the hours from 9.95 h up are 10 h or more (NaN, infinite
    # and huge ones turn into the most negative integer), so all are in the tables iff these are.
    at = np.where(small, np.clip(scaled, 0, len(_TENTHS) - 1), scaled + len(_TENTHS))
    if len(at) == 0 or (at.min() >= 0 and at.max() < len(_TEXTS)):
        return _TEXTS[at]
    out = np.empty(len(hours), dtype=object)
    out[small] = _TENTHS[np.clip(np.round(hours[small] * 10).astype(np.int64), 0, 99)]
    whole = np.round(hours[~small]).astype(np.int64)
    if len(whole) and 0 <= whole.min() and whole.max() < len(_WHOLE):
        out[~small] = _WHOLE[whole]
    elif len(whole) and whole.max() <= 1_000_000:
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


@dataclass
class _Spans:
    """What the incidences need of each piece with at least one, worked out once for all
    pieces (not per block): pieces grouped by resource, as `cause_text` orders them."""

    resource: np.ndarray
    project: np.ndarray
    calendar: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    start: np.ndarray
    length: np.ndarray
    effort: np.ndarray
    rate: np.ndarray
    profile: np.ndarray
    first: np.ndarray  # the piece's first over-allocated cell
    count: np.ndarray  # over-allocated cells it touches (> 0)
    pair: np.ndarray  # (resource, project) code, in order of first appearance
    shared: np.ndarray  # the pair has other pieces: they may meet in a cell
    slot_base: np.ndarray  # per pair: first of its dense slots (shared pairs only)

    @staticmethod
    def of(
        demand: Demand,
        grid: PeriodGrid,
        kept: np.ndarray,
        resource: np.ndarray,
        shared: np.ndarray,
        seen: np.ndarray,
        offset: np.ndarray,
    ) -> _Spans:
        pieces = demand.pieces
        n_periods = seen.shape[1] - 1
        calendar = demand.resources.calendar[resource]  # a person's pieces are on their calendar
        lo, hi = pieces.lo[kept], pieces.hi[kept]
        width = grid.period_of_work.shape[1]
        lookup = grid.period_of_work.ravel()
        q0 = np.maximum(lookup[calendar * width + np.minimum(lo.astype(np.int64), width - 1)], 0)
        last = np.minimum(np.ceil(hi).astype(np.int64) - 1, width - 1)
        q1 = np.minimum(lookup[calendar * width + last], n_periods - 1)
        count = np.maximum(seen[resource, q1 + 1] - seen[resource, q0], 0)
        has = np.flatnonzero(count)
        r, piece = resource[has], kept[has]
        project = demand.project_code[pieces.alloc[piece]]
        pair, slot_base = _pairs(r, project, len(demand.project_ids) + 1, seen[:, -1], shared[has])
        effort, length = pieces.hours[piece], pieces.length[piece]
        return _Spans(
            resource=r,
            project=project,
            calendar=calendar[has],
            lo=lo[has],
            hi=hi[has],
            start=pieces.start[piece],
            length=length,
            effort=effort,
            rate=effort / length,
            profile=pieces.profile[piece],
            first=offset[r] + seen[r, q0[has]],
            count=count[has],
            pair=pair,
            shared=shared[has],
            slot_base=slot_base,
        )


@dataclass
class _Cells:
    """Each over-allocated cell's period on its resource's calendar: working-index bounds
    (`lo`, `hi`) and working days (`days`), as floats."""

    lo: np.ndarray
    hi: np.ndarray
    days: np.ndarray

    @staticmethod
    def of(demand: Demand, grid: PeriodGrid, over: np.ndarray) -> _Cells:
        resource, period = np.nonzero(over)
        calendar = demand.resources.calendar[resource]  # a resource's pieces are all on it
        lo = grid.bounds_work[calendar, period].astype(np.float64)
        hi = grid.bounds_work[calendar, period + 1].astype(np.float64)
        return _Cells(lo, hi, hi - lo)


def _shared(resource: np.ndarray, project: np.ndarray, n_projects: int, among: np.ndarray | None) -> np.ndarray:
    """Whether another piece has the resource and project of each piece `among` (positions; None:
    all), counted over every piece given (only such pieces can meet in a cell and be added up).
    Over every piece with hours, whichever cells are asked for, so that a cell's entries come in
    the same order (single pieces' before summed ones) every time."""
    key = resource.astype(np.int64) * n_projects + project
    asked = key if among is None else key[among]
    if len(key) == 0:
        return np.zeros(0, dtype=bool)
    if int(key.max()) < 4 * len(key) + (1 << 22):  # a count per possible pair: no sort
        return np.bincount(key)[asked] > 1
    order = np.argsort(key)
    ordered = key[order]
    new = np.r_[True, ordered[1:] != ordered[:-1]]
    codes = np.cumsum(new) - 1
    shared = np.empty(len(key), dtype=bool)
    shared[order] = (np.bincount(codes) > 1)[codes]
    return shared if among is None else shared[among]


def _pairs(
    resource: np.ndarray, project: np.ndarray, n_projects: int, cells: np.ndarray, shared: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(pair code, slot base) of pieces grouped by resource; `shared` from `_shared`.

    Only pieces sharing a resource and a project can meet in a cell. Pairs are coded in the
    order of (resource, project), so a block of whole resources holds a contiguous run of codes;
    found by one stable sort of the keys (no hashing): the pieces come in runs of one resource,
    which numpy's merge sort takes as they are (half the time of two 16-bit radix passes). A
    shared pair has a dense row of slots, one per over-allocated cell of its resource
    (`cells[r]`): `slot base` gives each pair's first.
    """
    key = resource.astype(np.int64) * n_projects + project
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    new = np.r_[True, ordered[1:] != ordered[:-1]]
    codes = np.cumsum(new) - 1
    pair = np.empty(len(key), dtype=np.int64)
    pair[order] = codes
    room = np.where(shared[order][new], cells[ordered[new] // n_projects], 0)
    return pair, np.cumsum(room) - room


def _block_incidences(
    spans: _Spans, block: slice, cells: _Cells, offset: np.ndarray, lo_cell: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(cell, hours, summed, entries per piece) for the pieces `block` of `spans` in each
    over-allocated period they touch, one entry per project and cell with hours, piece by
    piece; `summed` marks the entries that add up several pieces (each where its first piece's
    was). Cells count from `lo_cell`, the block's first.

    `offset[r]` is resource r's first cell and `cells` the working-index bounds of each cell's
    period on its resource's calendar (cells in row-major order of the mask). Per-piece figures
    come worked out once (`_Spans`) and are repeated over the piece's cells (a repeat is several
    times cheaper than a gather); per incidence only what varies. A piece covers every period
    between its first and last cells whole, so there the overlap is the period itself: only a
    piece's first and last cells are clipped to it (the same figures, fewer passes).
    """
    count = spans.count[block]
    ends = np.cumsum(count)
    begins = ends - count
    n = int(ends[-1]) if len(ends) else 0
    cell = np.repeat(spans.first[block] - begins, count)
    cell += np.arange(n)  # each incidence's cell, counted from the first of all
    rate = spans.rate[block]
    hours = cells.days[cell]
    hours *= np.repeat(rate, count)  # exact for flat pieces, in the periods they cover whole
    profile = spans.profile[block]
    contoured_pieces = profile != FLAT
    if contoured_pieces.any():
        inner = np.repeat(contoured_pieces, count)
        inner[begins] = False
        inner[ends - 1] = False
        at = np.flatnonzero(inner)
        if len(at):
            which = np.flatnonzero(contoured_pieces)
            times = np.maximum(count[which] - 2, 0)
            hours[at] = hours_between(
                np.repeat(spans.effort[block][which], times), np.repeat(spans.start[block][which], times),
                np.repeat(spans.length[block][which], times), np.repeat(profile[which], times),
                cells.lo[cell[at]], cells.hi[cell[at]],
            )  # fmt: skip
    # A piece's first and last cells, clipped to the piece.
    several = np.flatnonzero(count > 1)
    edge_piece = np.concatenate([np.arange(len(count)), several])
    edge = np.concatenate([begins, ends[several] - 1])
    edge_cell = cell[edge]
    u = np.maximum(spans.lo[block][edge_piece], cells.lo[edge_cell])
    w = np.maximum(np.minimum(spans.hi[block][edge_piece], cells.hi[edge_cell]), u)
    hours[edge] = (w - u) * rate[edge_piece]
    contoured_edge = np.flatnonzero(contoured_pieces[edge_piece])
    if len(contoured_edge):
        i = edge_piece[contoured_edge]
        hours[edge[contoured_edge]] = hours_between(
            spans.effort[block][i], spans.start[block][i], spans.length[block][i], profile[i],
            u[contoured_edge], w[contoured_edge],
        )  # fmt: skip
    cell -= lo_cell
    # Pieces of one resource and project that meet in a cell are added up, in the place of
    # the first such piece, in dense slots (no hashing or sorting).
    shared_pieces = spans.shared[block]
    shared = np.repeat(shared_pieces, count)
    together = np.flatnonzero(shared)
    if len(together):
        which = np.flatnonzero(shared_pieces)
        times = count[which]
        p = np.repeat(which, times)
        base = spans.slot_base[spans.pair[block][which]] + lo_cell - offset[spans.resource[block][which]]
        slot = np.repeat(base, times) + cell[together]
        slot -= slot.min()  # the block's pairs hold a contiguous run of slots
        size = int(slot.max()) + 1
        hours[together] = np.bincount(slot, weights=hours[together], minlength=size)[slot]
        first = np.full(size, len(count))
        np.minimum.at(first, slot, p)
        keep = ~shared
        keep[together[first[slot] == p]] = True
        keep &= hours > 1e-9
    else:
        keep = hours > 1e-9
    dropped = np.flatnonzero(~keep)  # few: the later pieces of shared pairs, cells of no hours
    per_piece = count - np.bincount(np.searchsorted(ends, dropped, side="right"), minlength=len(count))
    return cell[keep], hours[keep], shared[keep], per_piece


def _by_cell(
    cell: np.ndarray, hours: np.ndarray, summed: np.ndarray, per_piece: np.ndarray, n_cells: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The entries of `_block_incidences` cell by cell, in each cell the single pieces' before
    the summed ones, each in piece order: (piece, hours, entries per cell).

    The entries come piece by piece, each piece's cells in order: the rows of a sparse matrix
    of pieces × (cell, summed). Its CSR to CSC conversion (scipy: one counting pass in C++)
    lists each column's rows in increasing order, which is that order, without a sort. A small
    block (a small portfolio's only one) is put in that order by a stable sort instead, the
    same order, without importing scipy.sparse (~0.2 s of a fresh process).
    """
    if len(cell) <= SORTED_UP_TO:
        column = cell * 2 + summed
        order = np.argsort(column, kind="stable")
        bounds = np.r_[0, np.cumsum(np.bincount(column, minlength=2 * n_cells))]
        return np.repeat(np.arange(len(per_piece)), per_piece)[order], hours[order], bounds[2::2] - bounds[:-1:2]
    from scipy import sparse  # imported with the first over-allocation, as by the selection

    indptr = np.zeros(len(per_piece) + 1, dtype=np.int64)
    np.cumsum(per_piece, out=indptr[1:])
    rows = sparse.csr_array((hours, cell * 2 + summed, indptr), shape=(len(per_piece), 2 * n_cells))
    columns = rows.tocsc()
    bounds = columns.indptr
    return columns.indices, columns.data, bounds[2::2] - bounds[:-1:2]


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
    rows = np.arange(0, n_cells * width, width)
    flat = np.arange(len(hours)) + np.repeat(rows - starts, sizes)
    dense = np.full(n_cells * width, -np.inf)
    dense[flat] = hours
    dense = dense.reshape(n_cells, width)
    k = min(TOP + 1, width)
    best = np.empty((n_cells, k))
    where = np.empty((n_cells, k), dtype=np.intp)
    flat_dense = dense.ravel()
    for rank in range(k):
        at = dense.argmax(axis=1)
        where[:, rank] = at
        at += rows
        best[:, rank] = flat_dense[at]
        flat_dense[at] = -np.inf
    missing = best == -np.inf
    # A pick's project, from the entries themselves (a spent row's argmax is 0: a real entry).
    chosen = np.where(missing, no_project, project[starts[:, None] + where])
    tied = np.flatnonzero(((best[:, 1:] == best[:, :-1]) & ~missing[:, 1:]).any(axis=1))
    if len(tied):
        codes = np.full(n_cells * width, no_project, dtype=np.int64)
        codes[flat] = project
        codes = codes.reshape(n_cells, width)[tied]
        again = dense[tied]
        for rank in reversed(range(k)):  # put the picks back; the real ones last (a spent row's
            again[np.arange(len(tied)), where[tied, rank]] = best[tied, rank]  # argmax is 0)
        order = np.lexsort((codes, -again), axis=1)[:, :k]
        best[tied] = np.take_along_axis(again, order, axis=1)
        chosen[tied] = np.take_along_axis(codes, order, axis=1)
    return best[:, :TOP], chosen[:, :TOP]


def _block_text(
    project: np.ndarray,
    hours: np.ndarray,
    sizes: np.ndarray,
    labels: np.ndarray,
    end: str,
) -> np.ndarray:
    """Texts of cells from their (project, hours) entries (hours > 0), grouped cell by cell
    (`sizes` entries each). `labels`: each project's label first in a text, then after
    another, then "". `end` is a character in no label.

    A cell's entries come in a fixed order, the single pieces' before the summed ones, so its
    total (for "+N more") comes out the same to the last bit every time.
    """
    text = np.full(len(sizes), "", dtype=object)
    if len(hours) == 0:
        return text
    owner = np.flatnonzero(sizes)
    sizes = sizes[owner]
    starts = np.cumsum(sizes) - sizes
    best, chosen = _top_causes(project, hours, starts, sizes)
    n_named = best.shape[1]
    live = np.arange(n_named) < sizes[:, None]
    picked = np.where(live, best, 0.0)
    named = np.zeros(len(starts))
    for rank in range(n_named):  # added up in rank order, as they are named
        named += picked[:, rank]
    # Texts from their parts, looked up in tables ("" past a cell's entries), laid out one
    # cell after another with an end mark, joined once and split at the marks: one join of
    # the block instead of one per cell. Whole columns are put in place (no masks).
    n_ids = (len(labels) - 1) // 2  # labels: the first ones, the ", "-led ones, then ""
    after_first = np.where(np.arange(n_named) > 0, n_ids, 0)
    label = np.where(live, chosen, 0) + after_first
    label[~live] = len(labels) - 1
    more = np.flatnonzero(sizes > TOP)
    rest = np.maximum(np.add.reduceat(hours, starts)[more] - named[more], 0.0)
    shown = hours_text(np.concatenate([picked.ravel(), rest]))  # one pass over the tables for both
    named_shown = shown[: picked.size].reshape(live.shape)
    named_shown[~live] = ""
    parts = np.empty((len(starts), 2 * n_named + 3), dtype=object)
    parts[:, 0 : 2 * n_named : 2] = labels[label]
    parts[:, 1 : 2 * n_named : 2] = named_shown
    parts[:, -3:-1] = ""
    if len(more):
        extra = sizes[more] - TOP
        prefix = np.array([f", +{k} more " for k in range(int(extra.max()) + 1)], dtype=object)
        parts[more, -3] = prefix[extra]
        parts[more, -2] = shown[picked.size :]
    parts[:, -1] = end
    text[owner] = "".join(parts.ravel().tolist()).split(end)[:-1]
    return text


def _end_mark(labels: np.ndarray) -> str:
    """A character in none of the labels (nor in the hours and "+N more" texts), to mark the end
    of each text in a block's one join. NUL, which a workbook cell cannot hold; else the first
    private-use character no label has (there are more of them than characters in the labels)."""
    used = set().union(*map(set, labels)) if len(labels) else set()
    candidates = itertools.chain([0], range(0xE000, 0xF900), range(0xF0000, 0xFFFFE))
    return next(c for c in map(chr, candidates) if c not in used)


def _near(demand: Demand, grid: PeriodGrid, over: np.ndarray, kept: np.ndarray, resource: np.ndarray) -> np.ndarray | None:
    """Which of the pieces `kept` (of resources `resource`) may reach an over-allocated cell: of a
    resource with one, overlapping the periods from the first to the last holding one (with a
    working day's margin: a superset of the pieces `_Spans` finds touching one). None: all may
    (the cells span every period), so nothing is filtered. When the cells are a few months of a
    long plan (the report's), most pieces are left out before any per-piece work."""
    periods = np.flatnonzero(over.any(axis=0))
    listed = over.any(axis=1)
    first, last = int(periods[0]), int(periods[-1])
    if first == 0 and last == over.shape[1] - 1 and listed.all():
        return None
    calendar = demand.resources.calendar
    after = grid.bounds_work[calendar, first].astype(np.float64) - 1  # per resource, on its calendar
    before = grid.bounds_work[calendar, last + 1].astype(np.float64) + 1
    after[~listed] = np.inf  # no over-allocated cell: no piece of theirs is needed
    pieces = demand.pieces
    return np.flatnonzero((pieces.hi[kept] > after[resource]) & (pieces.lo[kept] < before[resource]))


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
    resource = resource[kept]
    near = _near(demand, grid, over, kept, resource)
    shared = _shared(resource, demand.project_code[pieces.alloc[kept]], len(demand.project_ids) + 1, near)
    if near is not None:
        kept, resource = kept[near], resource[near]
    by_resource = _radix_order(resource)  # pieces grouped by resource, each in register order
    kept, resource, shared = kept[by_resource], resource[by_resource], shared[by_resource]
    seen = np.zeros((n_res, n_periods + 1), dtype=np.int64)
    np.cumsum(over, axis=1, out=seen[:, 1:])
    offset = np.concatenate([[0], np.cumsum(seen[:, -1])])
    cells = _Cells.of(demand, grid, over)
    spans = _Spans.of(demand, grid, kept, resource, shared, seen, offset)
    if len(spans.count) == 0:
        return text
    first_labels = np.asarray(demand.project_ids, dtype=object).astype(str).astype(object) + " "
    labels = np.concatenate([first_labels, ", " + first_labels, np.array([""], dtype=object)])
    end = _end_mark(first_labels)
    # Blocks of whole resources (a resource's cells are contiguous), about BLOCK pieces each.
    resource = spans.resource
    cuts = np.unique(np.r_[resource[::BLOCK], resource[-1] + 1])
    piece_cuts = np.searchsorted(resource, cuts)
    for a, b, r_a, r_b in zip(piece_cuts[:-1], piece_cuts[1:], cuts[:-1], cuts[1:], strict=True):
        lo_cell, hi_cell = int(offset[r_a]), int(offset[r_b])
        cell, hours, summed, per_piece = _block_incidences(spans, slice(a, b), cells, offset, lo_cell)
        piece, hours, sizes = _by_cell(cell, hours, summed, per_piece, hi_cell - lo_cell)
        text[lo_cell:hi_cell] = _block_text(spans.project[a:b][piece], hours, sizes, labels, end)
    return text


def causes_of(demand: Demand, grid: PeriodGrid, resource: np.ndarray, period: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """One text per cell (`resource`, `period`), in the order given (each cell at most once):
    `cause_text` of a mask holding just these cells.

    A cell's text depends only on the cell, never on which other cells are worked out with it:
    the same pieces reach it in the same order (pieces by resource, each in register order);
    each piece's hours in it are its rate × the cell's working days, or the same bounds clipped
    to the piece at its first and last cells — equal figures, as the piece covers every cell
    between whole; pieces of a project that meet there are added in piece order; its top five
    and their ties are ranked within the cell; "+N more" sums the cell's own entries. So asking
    for a few cells gives, to the last bit, the texts a run over every cell gives them
    (tests/test_loading.py checks it on random subsets).
    """
    over = np.zeros(shape, dtype=bool)
    over[resource, period] = True
    text = cause_text(demand, grid, over)  # in the mask's row-major order
    flat = resource.astype(np.int64) * shape[1] + period
    # Each cell's place in that order: for a few cells (a report's three months), its rank among
    # them (a sort of those); for many (every cell), a count over the whole mask.
    if len(flat) * 16 < over.size:
        return text[np.searchsorted(np.unique(flat), flat)]
    return text[(np.cumsum(over.ravel()) - 1)[flat]]


@dataclass(frozen=True)
class CellCauses:
    """What naming the projects behind over-allocated cells needs, kept from the loading that
    found them, so that a caller works out the texts of only the cells it shows (`texts`): the
    costliest part of a large plan's loading, and a report lists three months of it."""

    demand: Demand
    grid: PeriodGrid
    resource: np.ndarray  # each over-allocated cell's resource and period, in the table's row order
    period: np.ndarray
    shape: tuple[int, int]  # resources × periods

    def texts(self, rows: np.ndarray) -> np.ndarray:
        """The causes of the over-allocation table's rows at positions `rows`, in that order."""
        rows = np.asarray(rows, dtype=np.intp)
        if len(rows) == 0:
            return np.full(0, "", dtype=object)
        return causes_of(self.demand, self.grid, self.resource[rows], self.period[rows], self.shape)
