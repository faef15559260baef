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
    known = placed[~np.isnan(actual[placed])]
    plain = placed[np.isnan(actual[placed])]
    af, nf = a.astype(float), n.astype(float)
    start, length = af[plain], nf[plain]  # gathered once: most allocations have no actual hours
    parts = [Pieces(plain, effort[plain], start, length, profile[plain], start, start + length)]
    if len(known) == 0:
        return Pieces.concat(parts), np.zeros(0, dtype=np.int64)
    i = known
    cut = np.clip(k[i], a[i], a[i] + n[i]).astype(float)
    plan_past = hours_between(effort[i], af[i], nf[i], profile[i], af[i], cut)
    plan_future = effort[i] - plan_past
    done = actual[i]
    remaining = np.maximum(effort[i] - done, 0.0)
    past = (done > tol) & (plan_past > tol)
    parts.append(
        Pieces(
            i[past],
            effort[i][past] * done[past] / plan_past[past],
            af[i][past],
            nf[i][past],
            profile[i][past],
            af[i][past],
            cut[past],
        )
    )
    early = (done > tol) & ~past
    spot = np.maximum(k[i][early] - 1, 0).astype(float)
    parts.append(
        Pieces(i[early], done[early], spot, np.ones(early.sum()), np.full(early.sum(), FLAT), spot, spot + 1)
    )
    future = (remaining > tol) & (plan_future > tol)
    parts.append(
        Pieces(
            i[future],
            effort[i][future] * remaining[future] / plan_future[future],
            af[i][future],
            nf[i][future],
            profile[i][future],
            cut[future],
            af[i][future] + nf[i][future],
        )
    )
    late = (remaining > tol) & ~future
    days = np.ceil(remaining[late] * nf[i][late] / effort[i][late] - tol)
    room = np.maximum(calendar_end[i][late] - k[i][late], 1)
    days = np.clip(days, 1, np.minimum(nf[i][late], room))
    begin = k[i][late].astype(float)
    parts.append(
        Pieces(i[late], remaining[late], begin, days, np.full(late.sum(), FLAT), begin, begin + days)
    )
    return Pieces.concat(parts), i[late]
