"""A dictionary's numbers for a column's values, looked up once per distinct value; each value's rows.

`Series.map(dict)` turns the dictionary into a Series and matches every row against it; a column
of a few distinct words (RAG ratings, states) over thousands of rows is faster as codes: each
distinct value looked up once, then taken back to the rows. Same figures: a value the dictionary
does not have, and a missing one, give NaN.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd


def numbers_of(values: pd.Series, mapping: Mapping[object, float]) -> np.ndarray:
    """`values.map(mapping).to_numpy(dtype=float64)` for a mapping without a missing-value key."""
    codes, uniques = pd.factorize(values)  # a missing value is -1: the NaN appended last
    found = np.array([*(mapping.get(u, np.nan) for u in uniques), np.nan], dtype=np.float64)
    return found[codes]


def rows_by_key(keys: pd.Series) -> dict[object, np.ndarray]:
    """Each value's row positions, in row order: the rows `keys == value` selects (a missing value
    selects none). One factorize for every value, where a filter per value makes a frame per value."""
    codes, uniques = pd.factorize(keys)  # a missing value is -1: left out
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    return {key: order[start:end] for key, start, end in zip(uniques.tolist(), bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)}
