"""Worksheet functions for prioritisation: weighted score and AHP weights and consistency.

Thin wrappers over `pmo_xl.compute.priority` (weighted scores and AHP), so a cell gives
the same number as the *Refresh priorities* button. Ranges arrive as Excel passes them: a
value, a list, or a list of rows, with None for blank cells. Inputs that make no sense raise
ValueError with a plain sentence, which the cell shows as "PMO_SCORE: ..."; nothing to compute
(every score blank, an empty matrix) returns None, an empty cell. No type hints on the functions:
xlwings would read them as converters (see udfs/arguments.py).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd
import xlwings as xw

from pmo_xl.compute.priority import LOWER_IS_BETTER, ahp_weights, weighted_scores
from udfs.arguments import CATEGORY, arg, flat, number, rows, worksheet_function

__all__ = ["PMO_AHP_CR", "PMO_AHP_WEIGHTS", "PMO_SCORE"]


def _numbers(values: object, what: str) -> list[float]:
    """Flat cells as floats, NaN for blanks; text that is not a number is an error."""
    out = [number(c, what) for c in flat(values)]
    return [math.nan if v is None else v for v in out]


def _per_criterion(values: object, n: int, what: str, default: float) -> list[float]:
    """One number per criterion from a single value or a range of n cells (blank: default)."""
    cells = _numbers(values, what) if values is not None else [default]
    if len(cells) == 1:
        cells = cells * n
    if len(cells) != n:
        raise ValueError(f"{what} has {len(cells)} cells but there are {n} scores")
    return [default if math.isnan(c) else c for c in cells]


@xw.func(category=CATEGORY)
@arg("scores", doc="The project's scores, one cell per criterion (blank = not scored).")
@arg("weights", doc="The criteria weights, same size and order as the scores (they need not add up to 1).")
@arg("directions", doc="Optional: per criterion, Higher is better or Lower is better (blank = Higher).")
@arg("scale_min", doc="Optional: lowest score on the scale, one value or one per criterion (default 1).")
@arg("scale_max", doc="Optional: highest score on the scale, one value or one per criterion (default 5).")
@worksheet_function
def PMO_SCORE(scores, weights, directions=None, scale_min=None, scale_max=None):  # noqa: N802 - Excel names are upper case
    """Weighted priority score: sum of weight x score divided by the sum of the weights.

    Scores of Lower is better criteria are turned round on their scale first (min + max - score).
    Blank scores are left out and the weights of the scored criteria re-normalised, as in the
    Priorities sheet. Empty when no score is given; an error when the ranges do not match.
    """
    s = _numbers(scores, "A score")
    w = _numbers(weights, "A weight")
    if len(s) != len(w):
        raise ValueError(f"There are {len(s)} scores but {len(w)} weights: give one weight per score")
    if any(x < 0 for x in w if not math.isnan(x)):
        raise ValueError("Weights cannot be negative")
    if all(math.isnan(x) for x in s):
        return None
    names = [f"C{i + 1}" for i in range(len(s))]
    wanted = flat(directions) if directions is not None else [None]
    if len(wanted) == 1:
        wanted = wanted * len(s)
    if len(wanted) != len(s):
        raise ValueError(f"There are {len(s)} scores but {len(wanted)} directions")
    lower = [str(d).strip().casefold() == LOWER_IS_BETTER.casefold() for d in wanted]
    lo = _per_criterion(scale_min, len(s), "Scale min", 1.0)
    hi = _per_criterion(scale_max, len(s), "Scale max", 5.0)
    if any(a >= b for a, b, x in zip(lo, hi, lower, strict=True) if x):
        raise ValueError("Scale max must be above scale min")
    criteria = pd.DataFrame({
        "criterion": names,
        "weight": [0.0 if math.isnan(x) else x for x in w],
        "direction": [LOWER_IS_BETTER if x else "Higher is better" for x in lower],
        # only turned criteria are clipped to their scale; plain scores are used as typed
        "scale_min": [a if x else -np.inf for a, x in zip(lo, lower, strict=True)],
        "scale_max": [b if x else np.inf for b, x in zip(hi, lower, strict=True)],
    })
    if not sum(weight for weight, x in zip(criteria["weight"], s, strict=True) if not math.isnan(x)) > 0:
        raise ValueError("The scored criteria all have weight 0 (or blank): give them a weight")
    table = weighted_scores(pd.DataFrame([s], columns=names), criteria)
    return float(table["score"].iloc[0])


def _matrix(matrix: object) -> list[list[float | None]] | None:
    """A range as rows of numbers (None for blanks); None when every cell is blank."""
    table = [[number(c, "A judgement") for c in row] for row in rows(matrix)]
    if all(c is None for row in table for c in row):
        return None
    return table


def _rows_of(values: Iterable[object]) -> list[list[float]]:
    return [[float(v)] for v in values]


@xw.func(category=CATEGORY)
@arg("matrix", ndim=2, doc="The square pairwise comparison matrix (numbers only, no headers); one triangle may be blank.")
@arg("criterion", doc="Optional: a criterion's number (1 = first row): its weight alone, one value (Excel 2016/2019).")
@worksheet_function
def PMO_AHP_WEIGHTS(matrix, criterion=None):  # noqa: N802
    """AHP weights from a pairwise comparison matrix, one per row, summing to 1; they spill down.
    Excel 2016/2019: give criterion (1, 2, ...) for one weight per cell, or enter as an array formula.

    The weights are the matrix's principal eigenvector. Blank cells take the reciprocal of their
    mirror cell; where both are typed and disagree the upper-right one is used. Saaty's 1-9
    scale: 1 equal, 3 moderate, 5 strong, 7 very strong, 9 extreme importance.

    Without dynamic arrays (Excel 2016/2019) a formula in one cell shows only the first weight.
    Either give `criterion`, =PMO_AHP_WEIGHTS($B$2:$E$5, 2), one cell per criterion (fill down
    with ROW()-1 or a typed number), or select as many cells of a column as criteria, type the
    formula and press Ctrl+Shift+Enter (an array formula; extra cells show #N/A).
    """
    table = _matrix(matrix)
    if table is None:
        return None
    weights = [float(w) for w in ahp_weights(table).weights]
    which = number(criterion, "criterion")
    if which is None:
        return _rows_of(weights)
    if which != int(which) or not 1 <= which <= len(weights):
        raise ValueError(f"criterion must be a whole number from 1 to {len(weights)}")
    return weights[int(which) - 1]


@xw.func(category=CATEGORY)
@arg("matrix", ndim=2, doc="The square pairwise comparison matrix (numbers only, no headers); one triangle may be blank.")
@worksheet_function
def PMO_AHP_CR(matrix):  # noqa: N802
    """AHP consistency ratio of a pairwise comparison matrix (above 0.10: revisit the judgements).

    CR = CI / RI with CI = (lambda max - n)/(n - 1) and Saaty's random index RI; 0 for two criteria
    or fewer.
    """
    table = _matrix(matrix)
    if table is None:
        return None
    return float(ahp_weights(table).cr)
