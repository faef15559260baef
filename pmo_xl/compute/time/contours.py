"""Work contours: how an allocation's hours are spread over its working days.

Microsoft Project divides an assignment's working time into ten equal segments and gives each
segment a share of the peak units; the hours of a working day are the hours of the segments (or
parts of segments) that fall on it. We spread the same way on the working-day axis, so an
allocation gets the same hours per day as the same assignment in Microsoft Project when its
start, finish and work are fixed (a fixed-duration task).

Sources of the segment tables (percent of peak units per tenth of the assignment):
  - Microsoft PSS Learning Services, "Microsoft Project 2000, Module 2.4: Entering
    Assignments", section "Predefined Contours" (© 2000 Microsoft): Flat, Back Loaded, Front
    Loaded and Double Peak, and the rule "each contour divides an assignment into ten segments",
    "a resource assigned at 50% shows 5% in the first segment of a Back Loaded contour".
  - ProjectLibre `com.projity.pm.assignment.contour.StandardContour` (MIT), written to be
    file-compatible with Microsoft Project: all eight tables, the same four as above, and
    Early Peak, Late Peak, Bell and Turtle ("Plateau") below.
Microsoft has never published the algorithm itself (Dale Howard, Project MVP, in the Microsoft
Project newsgroup), so the tests check these tables, the ten-segment rule and worked examples
that follow from them (a 10-day Bell assignment of 50 h gives 1, 2, 4, 8, 10, 10, 8, 4, 2, 1 h).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from pmo_xl.compute.time.calendar import build_calendars, to_day
from pmo_xl.schema.registers import PROFILES

SEGMENTS = 10

# Percent of peak units in each tenth of the assignment, in the order of `PROFILES`.
CONTOUR_PERCENTAGES: dict[str, tuple[int, ...]] = {
    "Flat": (100, 100, 100, 100, 100, 100, 100, 100, 100, 100),
    "Back loaded": (10, 15, 25, 50, 50, 75, 75, 100, 100, 100),
    "Front loaded": (100, 100, 100, 75, 75, 50, 50, 25, 15, 10),
    "Double peak": (25, 50, 100, 50, 25, 25, 50, 100, 50, 25),
    "Early peak": (25, 50, 100, 100, 75, 50, 50, 25, 15, 10),
    "Late peak": (10, 15, 25, 50, 50, 75, 100, 100, 50, 25),
    "Bell": (10, 20, 40, 80, 100, 100, 80, 40, 20, 10),
    "Turtle": (25, 50, 75, 100, 100, 100, 100, 75, 50, 25),
}
assert tuple(CONTOUR_PERCENTAGES) == PROFILES  # one list of profiles, declared in the schema

FLAT = 0
_TABLE = np.array([CONTOUR_PERCENTAGES[p] for p in PROFILES], dtype=np.float64)
# Density of each segment relative to the allocation's average rate (mean 1 over the segments).
DENSITY = _TABLE / _TABLE.sum(axis=1, keepdims=True) * SEGMENTS
# Share of the hours done by the end of each segment boundary: CUMULATIVE[p, s] for s = 0..10.
CUMULATIVE = np.concatenate([np.zeros((len(PROFILES), 1)), np.cumsum(DENSITY / SEGMENTS, axis=1)], axis=1)
CUMULATIVE[:, -1] = 1.0  # exactly 1, so whole allocations add up to their hours to the last bit
# Change of relative rate at each of the 11 segment boundaries (start, 9 inner, end).
_PADDED = np.pad(DENSITY, ((0, 0), (1, 1)))
BOUNDARY_CHANGE = _PADDED[:, 1:] - _PADDED[:, :-1]

_KEYS = {re.sub(r"[^a-z]", "", p.casefold()): i for i, p in enumerate(PROFILES)}


def profile_index(name: object) -> int:
    """Index of a profile in `PROFILES` from any spelling ("Early Peak", "early_peak"); blank is
    Flat; an unknown name is -1."""
    if name is None or (isinstance(name, float) and name != name):
        return FLAT
    key = re.sub(r"[^a-z]", "", str(name).casefold())
    if not key:
        return FLAT
    key = key.removesuffix("contour")
    return _KEYS.get(key, -1)


def profile_indexes(names: np.ndarray) -> np.ndarray:
    """`profile_index` over an array of names, looking each distinct spelling up once."""
    values = np.asarray(names, dtype=object)
    if values.size == 0:
        return np.zeros(0, dtype=np.int64)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    lookup = np.array([profile_index(u) for u in uniques] + [FLAT], dtype=np.int64)
    return lookup[np.where(codes < 0, len(uniques), codes)]


def cumulative_share(profile: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Share of an allocation's hours done at position t (0..10 segments) for each profile."""
    t = np.clip(np.asarray(t, dtype=np.float64), 0.0, float(SEGMENTS))
    return _share_at(np.asarray(profile, dtype=np.int64) * (SEGMENTS + 1), t)


# The tables by segment with an eleventh standing for "done" (share 1, density 0), flattened:
# a position at the end needs neither a clamp of its segment nor a `where`, and one flat index
# serves both lookups (hours_between does this for millions of positions).
_SHARE_AT = np.concatenate([CUMULATIVE[:, :SEGMENTS], np.ones((len(PROFILES), 1))], axis=1).ravel()
_DENSITY_AT = np.concatenate([DENSITY, np.zeros((len(PROFILES), 1))], axis=1).ravel()


def _share_at(row: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Share done at positions `t` (already within 0..10; overwritten) of the profiles whose
    table rows start at `row` (profile × 11)."""
    segment = t.astype(np.int64)  # floor: t >= 0
    at = row + segment
    t -= segment
    t *= _DENSITY_AT[at]
    t /= SEGMENTS
    return _SHARE_AT[at] + t


def hours_between(
    hours: np.ndarray,
    start: np.ndarray,
    length: np.ndarray,
    profile: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
) -> np.ndarray:
    """Hours an allocation places in the working-index interval [lo, hi).

    The allocation carries `hours` over `length` working days from working index `start` with
    `profile`. Positions may be fractional; the interval is clipped to the allocation.
    """
    length = np.maximum(np.asarray(length, dtype=np.float64), 1e-300)
    row = np.asarray(profile, dtype=np.int64) * (SEGMENTS + 1)
    t_hi = np.clip((np.asarray(hi, dtype=np.float64) - start) * SEGMENTS / length, 0.0, float(SEGMENTS))
    t_lo = np.clip((np.asarray(lo, dtype=np.float64) - start) * SEGMENTS / length, 0.0, float(SEGMENTS))
    inside = _share_at(row, t_hi)
    inside -= _share_at(row, t_lo)
    np.maximum(inside, 0.0, out=inside)
    return np.asarray(hours) * inside


def spread(hours: float, n_days: int, profile: object = "Flat") -> np.ndarray:
    """Hours on each of `n_days` consecutive working days for one allocation (sums to `hours`)."""
    index = profile_index(profile)
    if index < 0:
        raise ValueError(f"Unknown profile {profile!r}: use one of {', '.join(PROFILES)}.")
    if n_days <= 0:
        return np.zeros(0)
    if index == FLAT:
        return np.full(n_days, hours / n_days)  # exact, not a difference of cumulative shares
    edges = np.arange(n_days + 1, dtype=np.float64)
    done = hours * cumulative_share(np.full(n_days + 1, index), edges * SEGMENTS / n_days)
    return np.diff(done)


def spread_dates(
    hours: float, start: object, finish: object, profile: object = "Flat", holidays: Iterable[object] = ()
) -> tuple[np.ndarray, np.ndarray]:
    """One allocation spread over its working days: (dates as datetime64[D], hours per date).

    Working days are Monday to Friday from `start` to `finish` inclusive, minus `holidays`.
    No working day gives two empty arrays (the caller says so; the hours are not placed).
    """
    first, last = to_day(start), to_day(finish)
    if last < first:
        return np.zeros(0, dtype="datetime64[D]"), np.zeros(0)
    dates = build_calendars(first, last, list(holidays)).working_dates(0)
    return dates, spread(hours, len(dates), profile)


# The segment boundaries as shares of an allocation's length (0, 0.1, ... 1), worked out once.
_BOUNDARIES = np.arange(SEGMENTS + 1) / SEGMENTS


def segment_steps(
    hours: np.ndarray,
    start: np.ndarray,
    length: np.ndarray,
    profile: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rate steps of many allocation pieces, for a difference array on the working-index axis.

    Piece i is allocation-shaped (`hours` over `length` working days from `start`, `profile`)
    and clipped to [lo, hi). Returns (owner, position, change): at `position` (fractional
    working index) the daily rate of piece `owner` changes by `change` hours per working day.
    A flat piece gives two steps; a whole contoured one a step at each of its eleven segment
    boundaries where the rate changes (Bell: 10); a clipped contoured one (split at a status
    date) two per segment. No loop over pieces or days. The steps are those of `step_sections`,
    one section after another.
    """
    sections = step_sections(hours, start, length, profile, lo, hi)
    if not sections:
        empty = np.zeros(0)
        return empty.astype(np.int64), empty, empty
    return (
        np.concatenate([s[0] for s in sections]).astype(np.int64, copy=False),
        np.concatenate([s[1] for s in sections]),
        np.concatenate([s[2] for s in sections]),
    )


def step_sections(hours: np.ndarray, start: np.ndarray, length: np.ndarray, profile: np.ndarray,
                  lo: np.ndarray, hi: np.ndarray) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:  # fmt: skip
    """The rate steps of `segment_steps` as sections of (owner, position, change), in its
    order: the flat pieces' first steps, their last steps, the whole contoured pieces' steps
    piece by piece, then the clipped contoured pieces' segment starts and ends.

    The loading's engine takes the sections one by one (no concatenation), so that what varies
    by piece is gathered once for the two sections of the flat pieces, which share their
    owners (the same array). Masks that keep every step are not applied (no copy).
    """
    hours = np.asarray(hours, dtype=np.float64)
    start = np.asarray(start, dtype=np.float64)
    length = np.asarray(length, dtype=np.float64)
    profile = np.asarray(profile, dtype=np.int64)
    lo = np.asarray(lo, dtype=np.float64)
    hi = np.asarray(hi, dtype=np.float64)
    flat = profile == FLAT
    whole = (lo <= start) & (hi >= start + length)
    sections: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    if flat.any():
        f = np.flatnonzero(flat)
        x0 = np.maximum(start[f], lo[f])
        x1 = np.minimum(start[f] + length[f], hi[f])
        rate = hours[f] / length[f]
        keep = x1 > x0
        if not keep.all():
            f, x0, x1, rate = f[keep], x0[keep], x1[keep], rate[keep]
        sections.append((f, x0, rate))
        sections.append((f, x1, -rate))
    contoured = ~flat
    if (contoured & whole).any():
        c = np.flatnonzero(contoured & whole)
        change = (hours[c] / length[c])[:, None] * BOUNDARY_CHANGE[profile[c]]
        position = start[c, None] + length[c, None] * _BOUNDARIES[None, :]
        keep = change != 0
        # Row by row, the owner of each step kept: its piece, once per step kept in its row.
        sections.append((np.repeat(c, np.count_nonzero(keep, axis=1)), position[keep], change[keep]))
    if (contoured & ~whole).any():
        c = np.flatnonzero(contoured & ~whole)
        seg = np.arange(SEGMENTS + 1, dtype=np.float64)
        edges = start[c, None] + length[c, None] * seg[None, :] / SEGMENTS
        x0 = np.clip(edges[:, :-1], lo[c, None], hi[c, None])
        x1 = np.clip(edges[:, 1:], lo[c, None], hi[c, None])
        rate = (hours[c] / length[c])[:, None] * DENSITY[profile[c]]
        keep = x1 > x0
        owner = np.repeat(c, np.count_nonzero(keep, axis=1))
        sections.append((owner, x0[keep], rate[keep]))
        sections.append((owner, x1[keep], -rate[keep]))
    return sections
