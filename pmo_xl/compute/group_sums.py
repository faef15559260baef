"""Sums per group that equal, to the last bit, `Series.sum` of each group's values in their order.

A groupby's own `sum` adds with compensation (Kahan) and can differ from a Series' pairwise sum in
the last bit, which moves a figure in the report; a `lambda s: s.sum()` aggregation gets the
Series' sum but calls Python once per group. This sums each group as pandas sums a Series (numpy's
pairwise sum of the values, a missing one as 0) from one sort of the rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def sum_by(values: pd.Series, keys: pd.Series, min_count: int = 0) -> pd.Series:
    """Per key (as the groupby would have it, missing keys left out), `Series.sum(min_count=...)`
    of its values in their order: NaN where fewer than `min_count` values are known."""
    codes, uniques = pd.factorize(keys)  # a missing key is -1
    figures = values.to_numpy(dtype=np.float64)
    order = np.argsort(codes, kind="stable")
    order = order[codes[order] >= 0]
    known = ~np.isnan(figures[order])
    filled = np.where(known, figures[order], 0.0)
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    sums = np.array([filled[start:end].sum() for start, end in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)],
                    dtype=np.float64)
    counted = np.bincount(codes[order], weights=known, minlength=len(uniques))
    return pd.Series(np.where(counted >= min_count, sums, np.nan) if min_count else sums, index=uniques)
