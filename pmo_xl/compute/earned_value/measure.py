"""Earned value as measured: typed, or derived by the project's EV technique.

A typed EV always wins: the project manager has measured it. When EV is blank it follows
the Projects `EV technique`:
  - % complete (or blank): EV = % complete × BAC;
  - 0/100: EV = BAC once % complete is 1, else 0;
  - 50/50: EV = ½ BAC once started (% complete > 0 or AC > 0), BAC once % complete is 1;
  - Milestones: EV = Σ EV weight × BAC over the project's milestones achieved (actual date)
    on or before the end of the period.
Where the technique lacks its input (no % complete, or no milestones) EV stays NaN.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from pmo_xl.compute.earned_value.formulas import FloatArray

IntArray = npt.NDArray[np.intp]

PCT_COMPLETE, ZERO_HUNDRED, FIFTY_FIFTY, MILESTONES = 0, 1, 2, 3
TECHNIQUES: Final = ("% complete", "0/100", "50/50", "Milestones")
EV_SOURCES: Final = ("typed", *TECHNIQUES)
COMPLETE: Final = 1.0 - 1e-9  # % complete at or above this counts as done


def technique_codes(ev_technique: npt.ArrayLike) -> npt.NDArray[np.int8]:
    """Projects `ev_technique` text to technique codes; blank or unknown means % complete."""
    codes = pd.Index(TECHNIQUES).get_indexer(pd.Index(np.asarray(ev_technique, dtype=object)))
    return np.where(codes < 0, PCT_COMPLETE, codes).astype(np.int8)


def compute_milestone_share(
    n_projects: int,
    origin: int,
    width: int,
    milestone_project: IntArray,
    achieved_month: npt.NDArray[np.int64],
    weight: FloatArray,
) -> FloatArray:
    """Share of BAC earned by milestones per project (rows) by the end of each grid month.

    achieved_month: months since 1970-01 of each milestone's actual date (only achieved
    milestones); weight: its EV weight (blank counts as 0). Milestones achieved before the
    grid count from its first month; those after it are not earned within it.
    """
    column = np.maximum(achieved_month - origin, 0)
    inside = column < width
    per_month = np.bincount(
        milestone_project[inside] * width + column[inside],
        weights=np.nan_to_num(weight[inside]),
        minlength=n_projects * width,
    )
    return np.cumsum(per_month.reshape(n_projects, width), axis=1)


def compute_measured_ev(
    typed_ev: FloatArray,
    pct_complete: FloatArray,
    ac: FloatArray,
    bac: FloatArray,
    technique: npt.NDArray[np.int8],
    milestone_share: FloatArray | None,
) -> tuple[FloatArray, npt.NDArray[np.int8]]:
    """EV per row and how it was obtained (an index into `EV_SOURCES`).

    All arguments are per Progress row; milestone_share is the row's achieved milestone share
    (NaN where the project has no milestones), or None when no project uses milestones.
    """
    # % complete for every row first (the common case), then each other technique on the rows
    # of the projects that use it.
    ev = pct_complete * bac
    for code in (ZERO_HUNDRED, FIFTY_FIFTY, MILESTONES):
        rows = np.flatnonzero(technique == code)
        if rows.size == 0:
            continue
        if code == MILESTONES:
            ev[rows] = milestone_share[rows] * bac[rows] if milestone_share is not None else np.nan
            continue
        pct, budget = pct_complete[rows], bac[rows]
        # Without % complete the technique cannot tell (50/50 can, once AC shows a start).
        unknown = np.isnan(pct)
        with np.errstate(invalid="ignore"):
            if code == ZERO_HUNDRED:
                value = np.where(pct >= COMPLETE, budget, 0.0)
            else:
                started = (pct > 0) | (ac[rows] > 0)
                value = np.where(pct >= COMPLETE, budget, np.where(started, 0.5 * budget, 0.0))
                unknown &= ~started
        value[unknown] = np.nan
        ev[rows] = value
    typed = np.isfinite(typed_ev)
    np.copyto(ev, typed_ev, where=typed)  # a typed EV always wins
    source = np.where(typed, 0, technique + 1).astype(np.int8)
    return ev, source
