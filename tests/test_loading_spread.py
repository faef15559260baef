"""The loading's spreading engine against a straightforward one, to the last bit.

`spread_pieces` takes a block's rate steps section by section, gathers what varies by piece
once per block, and adds both running sums of a step as one complex number. Each figure of the
loading is a float sum, whose last bits depend on which additions are made in which order. So
the engine is compared here with a plain version written from the definitions: a loop over the
pieces that lists each block's steps in the engine's order (flat pieces' first steps, their last
steps, whole contoured pieces' boundaries piece by piece, clipped contoured pieces' segment
starts then ends), looks each step's period up day by day, and adds the rate change and the
partial weight into two lists of Python floats, one step after another. Both must give the
same sums bit for bit, on awkward inputs: pieces clipped anywhere or to nothing, steps before
the first period and after the last, several calendars and holidays, many pieces on a row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmo_xl.compute.loading import grid as engine
from pmo_xl.compute.loading.pieces import Pieces
from pmo_xl.compute.time.calendar import build_calendars
from pmo_xl.compute.time.contours import (
    BOUNDARY_CHANGE,
    DENSITY,
    FLAT,
    SEGMENTS,
    segment_steps,
    step_sections,
)
from pmo_xl.schema.registers import PROFILES

ORIGIN = np.datetime64("2026-11-02")  # a Monday, before a year end


def plain_steps(hours, start, length, profile, lo, hi) -> list[tuple[int, float, float]]:  # noqa: ANN001
    """(piece, position, change) of every step, in the engine's order, piece by piece."""
    n = len(hours)
    flat = [i for i in range(n) if profile[i] == FLAT]
    whole = [
        i for i in range(n) if profile[i] != FLAT and lo[i] <= start[i] and hi[i] >= start[i] + length[i]
    ]
    clipped = [i for i in range(n) if profile[i] != FLAT and i not in whole]
    firsts, lasts = [], []
    for i in flat:
        x0, x1 = max(start[i], lo[i]), min(start[i] + length[i], hi[i])
        rate = hours[i] / length[i]
        if x1 > x0:
            firsts.append((i, x0, rate))
            lasts.append((i, x1, -rate))
    inner = []
    for i in whole:
        for k in range(SEGMENTS + 1):
            change = hours[i] / length[i] * BOUNDARY_CHANGE[profile[i], k]
            if change != 0:
                inner.append((i, start[i] + length[i] * (k / SEGMENTS), change))
    starts, ends = [], []
    for i in clipped:
        for k in range(SEGMENTS):
            x0 = min(max(start[i] + length[i] * k / SEGMENTS, lo[i]), hi[i])
            x1 = min(max(start[i] + length[i] * (k + 1) / SEGMENTS, lo[i]), hi[i])
            rate = hours[i] / length[i] * DENSITY[profile[i], k]
            if x1 > x0:
                starts.append((i, x0, rate))
                ends.append((i, x1, -rate))
    return firsts + lasts + inner + starts + ends


def plain_sums(grid, pieces: Pieces, calendar_of_alloc, row_of_alloc, n_rows: int, block: int):  # noqa: ANN001
    """Both running sums per row and column (before the first period, each period, after the
    last), adding one step at a time in Python floats."""
    width = grid.n_periods + 2
    rate, partial = [0.0] * (n_rows * width), [0.0] * (n_rows * width)
    for first in range(0, len(pieces.alloc), block):
        part = slice(first, first + block)
        args = [
            getattr(pieces, f)[part].tolist() for f in ("hours", "start", "length", "profile", "lo", "hi")
        ]
        for piece, position, change in plain_steps(*args):
            alloc = int(pieces.alloc[first + piece])
            calendar = int(calendar_of_alloc[alloc])
            # Period p holds the working indexes [bounds[p], bounds[p + 1]).
            bounds = grid.bounds_work[calendar].tolist()
            day = int(position)
            period = sum(1 for b in bounds if b <= day) - 1  # -1 before the first period
            inside = 0 <= period < grid.n_periods
            at = int(row_of_alloc[alloc]) * width + period + 1
            rate[at] += change
            partial[at] += (float(bounds[period + 1]) - position) * change if inside else 0.0
    return np.array(rate), np.array(partial)


@st.composite
def plans(draw: st.DrawFn):  # noqa: ANN201
    """A calendar set with holidays, a grid of some grain, and pieces on it."""
    holidays = draw(
        st.lists(st.tuples(st.integers(0, 200), st.sampled_from([None, "UK", "FR"])), max_size=20)
    )
    frame = {"date": [ORIGIN + d for d, _ in holidays], "calendar": [c for _, c in holidays]}
    cals = build_calendars(ORIGIN, ORIGIN + 200, pd.DataFrame(frame), names=["UK", "FR"])
    n_work = int(cals.cum[:, -1].min())
    # The grid may cover less than the pieces do: steps before the first period and after the last.
    first = draw(st.integers(0, 60))
    grid = engine.build_grid(cals, ORIGIN + first, ORIGIN + first + draw(st.integers(0, 120)),
                             draw(st.sampled_from(["day", "week", "month"])))  # fmt: skip
    n_alloc = draw(st.integers(1, 12))
    n_pieces = draw(st.integers(0, 40))
    alloc = np.array([draw(st.integers(0, n_alloc - 1)) for _ in range(n_pieces)], dtype=np.int64)
    start = np.array([float(draw(st.integers(0, n_work - 60))) for _ in range(n_pieces)])
    length = np.array([float(draw(st.integers(1, 55))) for _ in range(n_pieces)])
    cut = st.sampled_from([None, 0.0, 0.5, 1.0]) | st.floats(-0.2, 1.2)  # None: the piece's own end

    def bound(i: int, own: float) -> float:
        share = draw(cut)
        return own if share is None else float(start[i] + share * length[i])

    lo = np.array([bound(i, start[i]) for i in range(n_pieces)])
    hi = np.array([bound(i, start[i] + length[i]) for i in range(n_pieces)])
    hours = np.array(
        [draw(st.sampled_from([0.0, 1e-300, 7.0, 1e6]) | st.floats(0, 900)) for _ in range(n_pieces)]
    )
    profile = np.array([draw(st.integers(0, len(PROFILES) - 1)) for _ in range(n_pieces)], dtype=np.int64)
    pieces = Pieces(alloc, hours, start, length, profile, lo, hi)
    calendar_of_alloc = np.array(
        [draw(st.integers(0, len(cals.names) - 1)) for _ in range(n_alloc)], dtype=np.int64
    )
    n_rows = draw(st.integers(1, 4))
    row_of_alloc = np.array([draw(st.integers(0, n_rows - 1)) for _ in range(n_alloc)], dtype=np.int64)
    return grid, pieces, calendar_of_alloc, row_of_alloc, n_rows


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and np.array_equal(np.ascontiguousarray(a).view(np.int64), b.view(np.int64))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans(), st.sampled_from([1, 3, 7, 1 << 16]))
def test_spread_pieces_adds_what_a_plain_loop_adds(plan, block: int) -> None:  # noqa: ANN001
    grid, pieces, calendar_of_alloc, row_of_alloc, n_rows = plan
    # Rows live on their calendar: the test's rows take it from their first allocation.
    by_row = engine.Grouping(grid, row_of_alloc, np.zeros(n_rows, dtype=np.int64))
    by_alloc = engine.Grouping(
        grid, np.arange(len(row_of_alloc)), calendar_of_alloc
    )  # a second grouping at once
    old_block = engine.BLOCK
    engine.BLOCK = block
    try:
        engine.spread_pieces(grid, pieces, calendar_of_alloc, (by_row, by_alloc))
    finally:
        engine.BLOCK = old_block
    rate, partial = plain_sums(grid, pieces, calendar_of_alloc, row_of_alloc, n_rows, block)
    assert same_bits(by_row.sums.real, rate) and same_bits(by_row.sums.imag, partial)
    rate, partial = plain_sums(
        grid, pieces, calendar_of_alloc, np.arange(len(row_of_alloc)), len(row_of_alloc), block
    )
    assert same_bits(by_alloc.sums.real, rate) and same_bits(by_alloc.sums.imag, partial)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_segment_steps_are_the_plain_steps_in_order(plan) -> None:  # noqa: ANN001
    _, p, _, _, _ = plan
    owner, position, change = segment_steps(p.hours, p.start, p.length, p.profile, p.lo, p.hi)
    expected = plain_steps(*(a.tolist() for a in (p.hours, p.start, p.length, p.profile, p.lo, p.hi)))
    assert owner.dtype == np.int64 and owner.tolist() == [e[0] for e in expected]
    assert same_bits(position, np.array([e[1] for e in expected], dtype=np.float64))
    assert same_bits(change, np.array([e[2] for e in expected], dtype=np.float64))
    sections = step_sections(p.hours, p.start, p.length, p.profile, p.lo, p.hi)
    assert sum(len(s[0]) for s in sections) == len(owner)
