"""Allocation pieces: an allocation's shape clipped to a working-index interval and scaled.

A plan as typed is one piece per allocation. With a status date and actual hours, the plan
splits into what is done and what remains (`status_pieces`), so a late allocation keeps its
load instead of losing it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pmo_xl.compute.time.contours import FLAT, hours_between


@dataclass
class Pieces:
    """Allocation pieces: `alloc` indexes the allocation arrays; the rest as in `segment_steps`."""

    alloc: np.ndarray
    hours: np.ndarray
    start: np.ndarray
    length: np.ndarray
    profile: np.ndarray
    lo: np.ndarray
    hi: np.ndarray

    @staticmethod
    def concat(parts: Sequence[Pieces]) -> Pieces:
        return Pieces(*(np.concatenate([getattr(p, f) for p in parts]) for f in Pieces.__dataclass_fields__))


def plan_pieces(
    placed: np.ndarray, effort: np.ndarray, a: np.ndarray, n: np.ndarray, profile: np.ndarray
) -> Pieces:
    """One piece per allocation: the plan as typed, `effort` over working days [a, a + n)."""
    start = a[placed].astype(float)
    length = n[placed].astype(float)
    return Pieces(placed, effort[placed], start, length, profile[placed], start, start + length)


def status_pieces(
    placed: np.ndarray,
    effort: np.ndarray,
    a: np.ndarray,
    n: np.ndarray,
    profile: np.ndarray,
    actual: np.ndarray,
    k: np.ndarray,
    calendar_end: np.ndarray,
) -> tuple[Pieces, np.ndarray]:
    """Pieces from the status date: done hours before it, remaining hours after it.

    `k` is each allocation's working index of the first working day after the status date.
    Without actual hours the plan stands (the part before the status date is taken as done).
    With them: done = actual hours, in the plan's shape before the status date (or on the last
    working day up to it when the plan had nothing there); remaining = effort − actual, in the
    plan's shape after the status date, or — when the finish has passed — flat over the next
    ceil(remaining / planned hours per day) working days. Returns the pieces and the
    allocations re-spread that way (for their issues).
    """
    tol = 1e-9
    has_actual = ~np.isnan(actual[placed])
    known = placed[has_actual]
    af, nf = a.astype(float), n.astype(float)
    parts: list[Pieces] = []
    late_known = np.zeros(0, dtype=np.int64)
    if len(known):
        i = known
        # What the parts need of each allocation with actual hours, gathered once.
        e, start, length, shape, after = effort[i], af[i], nf[i], profile[i], k[i]
        cut = np.clip(after, a[i], a[i] + n[i]).astype(float)
        plan_past = hours_between(e, start, length, shape, start, cut)
        plan_future = e - plan_past
        done = actual[i]
        remaining = np.maximum(e - done, 0.0)
        past = (done > tol) & (plan_past > tol)
        parts.append(
            Pieces(i[past], e[past] * done[past] / plan_past[past], start[past], length[past], shape[past],
                   start[past], cut[past])
        )  # fmt: skip
        early = (done > tol) & ~past
        spot = np.maximum(after[early] - 1, 0).astype(float)
        n_early = int(early.sum())
        parts.append(
            Pieces(i[early], done[early], spot, np.ones(n_early), np.full(n_early, FLAT), spot, spot + 1)
        )
        future = (remaining > tol) & (plan_future > tol)
        parts.append(
            Pieces(i[future], e[future] * remaining[future] / plan_future[future], start[future], length[future],
                   shape[future], cut[future], start[future] + length[future])
        )  # fmt: skip
        late = (remaining > tol) & ~future
        days = np.ceil(remaining[late] * length[late] / e[late] - tol)
        room = np.maximum(calendar_end[i][late] - after[late], 1)
        days = np.clip(days, 1, np.minimum(length[late], room))
        begin = after[late].astype(float)
        parts.append(
            Pieces(i[late], remaining[late], begin, days, np.full(late.sum(), FLAT), begin, begin + days)
        )
        late_known = i[late]
    return _plain_then(placed, ~has_actual, effort, af, nf, profile, parts), late_known


def _plain_then(
    placed: np.ndarray,
    plain: np.ndarray,
    effort: np.ndarray,
    start: np.ndarray,
    length: np.ndarray,
    profile: np.ndarray,
    parts: Sequence[Pieces],
) -> Pieces:
    """The plan of the allocations `placed[plain]` (one piece each, as typed), then `parts`:
    `Pieces.concat` of the two, the plan's pieces written in place (nearly all of a plan's
    allocations have no actual hours, so its million pieces are not gathered then copied)."""
    n_plain = int(np.count_nonzero(plain))
    total = n_plain + sum(len(part.alloc) for part in parts)
    out = Pieces(
        np.empty(total, dtype=placed.dtype), np.empty(total), np.empty(total), np.empty(total),
        np.empty(total, dtype=profile.dtype), np.empty(total), np.empty(total),
    )  # fmt: skip
    head = slice(0, n_plain)
    np.compress(plain, placed, out=out.alloc[head])
    allocations = out.alloc[head]
    # mode="clip": gathered straight into place (mode="raise" gathers into a buffer first); the
    # positions are the allocations' own, all in range.
    pairs = ((effort, out.hours), (start, out.start), (length, out.length), (profile, out.profile))
    for values, into in pairs:
        np.take(values, allocations, out=into[head], mode="clip")
    out.lo[head] = out.start[head]
    np.add(out.start[head], out.length[head], out=out.hi[head])
    at = n_plain
    for part in parts:
        size = len(part.alloc)
        for name in Pieces.__dataclass_fields__:
            getattr(out, name)[at : at + size] = getattr(part, name)
        at += size
    return out
