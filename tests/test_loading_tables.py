"""The loading's tables, against straightforward versions."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo_xl.compute.loading.tables import _label

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
