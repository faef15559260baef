"""The loading's tables, against straightforward versions."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo_xl.compute.loading.tables import _label, cells_by_period

LABELS = ["R1", "R2", " R1", "r1", "", None, np.nan, 5, 5.0, "Ünï", pd.NA]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(LABELS), max_size=30), st.data())
def test_label_is_the_categorical_of_the_labels_at_the_cells(
    labels: list[object], data: st.DataObject
) -> None:
    """Each cell's label as a categorical: the per-resource codes gathered at the cells, with the
    categories in order of first appearance (blank: no category), in the smallest integers."""
    values = np.array(labels, dtype=object)
    cells = np.array(data.draw(st.lists(st.integers(0, len(labels) - 1), max_size=60) if labels else st.just([])),
                     dtype=np.intp)  # fmt: skip
    got = _label(values, cells)
    codes, categories = pd.factorize(values)
    expected = pd.Categorical.from_codes(codes[cells], categories=categories)
    assert got.dtype == expected.dtype and got.codes.dtype == expected.codes.dtype
    assert got.codes.tolist() == expected.codes.tolist()
    assert pd.Series(got).equals(pd.Series(expected))


KEYS = np.array([0.0, -0.0, 1.5, -2.0, 3.25, np.inf, -np.inf, np.nan, 1e-300])


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([0, 1, 7, 40, 300, 900]), st.integers(1, 6), st.sampled_from([0.0, 0.5, 0.95, 1.0]),
       st.integers(0, 2**32 - 1), st.booleans())  # fmt: skip
def test_cells_by_period_are_a_lexsort_of_the_cells(
    rows: int, periods: int, share: float, seed: int, few: bool
) -> None:
    """By period, then key, then resource (equal keys, NaNs and ±0 included, keep the order of
    the resources): `np.lexsort` of the cells in row-major order; tall masks (hundreds of cells
    a period) and others."""
    rng = np.random.default_rng(seed)
    mask = rng.random((rows, periods)) < share
    keys = KEYS[rng.integers(0, len(KEYS), (rows, periods))] if few else rng.normal(size=(rows, periods))
    r, p = cells_by_period(mask, lambda r, p: keys[r, p])
    er, ep = np.nonzero(mask)
    order = np.lexsort((keys[er, ep], ep))
    assert r.dtype == er.dtype and p.dtype == ep.dtype
    assert r.tolist() == er[order].tolist() and p.tolist() == ep[order].tolist()
