"""The checks' questions answered from a column numbered once (`checks/column_codes.py`) give what pandas
gives asked cell by cell, on awkward columns (blanks of every kind, equal values of different types), and
a run of the checks is the same with the numbers shared as with each question numbering again."""

from __future__ import annotations

import contextlib
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo_xl.checks import column_codes, run
from pmo_xl.checks.cascade import _naming
from pmo_xl.checks.column_codes import blank, codes_of, shared_codes, unknown
from pmo_xl.checks.core import lookups

VALUES = st.sampled_from([None, np.nan, float("nan"), pd.NaT, pd.NA, Decimal("NaN"), "", " ", "A", " A", "a", "B", "PRJ-1",
                          1, 1.0, True, False, 0, "1", Decimal("1")])


def _column(values: list[object]) -> np.ndarray:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _frame(values: list[object]) -> pd.DataFrame:
    return pd.DataFrame({"key": pd.Series(_column(values), dtype=object), "_row": np.arange(len(values)) + 2},
                        index=range(len(values)))


@settings(max_examples=300, deadline=None)
@given(st.lists(VALUES, max_size=30), st.lists(VALUES, max_size=6), st.booleans())
def test_answers_from_the_numbers_are_pandas_answers(values, known, shared):
    frame = _frame(values)
    column = frame["key"]
    hashable = [k for k in known if k is not pd.NA]  # a set cannot hold pd.NA (no hash)
    with shared_codes() if shared else contextlib.nullcontext():
        assert blank(frame, "key").tolist() == column.isna().to_numpy().tolist()
        assert unknown(frame, "key", set(hashable)).tolist() == (column.notna() & ~column.isin(set(hashable))).to_numpy().tolist()
        table = pd.DataFrame({"key": pd.Series(_column(known), dtype=object), "day": pd.date_range("2026-01-01", periods=len(known)),
                              "share": np.arange(len(known), dtype=float)})
        for got, expected in zip(lookups(column, table, "key", ("day", "share"), codes_of(frame, "key")),
                                 lookups(column, table, "key", ("day", "share")), strict=True):
            pd.testing.assert_series_equal(got, expected)
        gone = {k: n for n, k in enumerate(hashable)}
        assert _naming(frame, "key", gone).tolist() == [value in gone for value in column.to_numpy(dtype=object).tolist()]


def test_within_a_run_a_column_is_numbered_once_and_outside_each_time():
    frame = _frame(["A", None, "B", "A"])
    with shared_codes():
        first = codes_of(frame, "key")
        assert codes_of(frame, "key") is first
        other = _frame(["B", "B", None, "C"])  # another frame: its own numbers
        assert codes_of(other, "key")[0].tolist() == [0, 0, -1, 1]
    assert codes_of(frame, "key") is not codes_of(frame, "key")
    assert codes_of(frame, "key")[0].tolist() == [0, -1, 1, 0]


def _awkward() -> dict[str, object]:
    """Raw tables where every checked question has answers: unknown, blank and case-only IDs, repeated
    allocations, roles nobody has, a project left out whose allocations leave with it."""
    from test_validation_cells import D, project, tables

    def allocation(project_id: object, resource_id: object, role: object = None, start: object = D(2026, 2, 1)) -> dict[str, object]:
        return {"project_id": project_id, "resource_id": resource_id, "role": role, "start": start, "finish": D(2026, 2, 28),
                "effort_hours": 40, "state": "Committed"}

    resources = [{"resource_id": "R1", "name": "Ann", "role": "Developer"},
                 {"resource_id": "R2", "name": "Bob", "role": "Tester", "available_from": D(2026, 3, 1), "available_to": D(2026, 6, 30)},
                 {"resource_id": "r1", "name": "Case", "role": "Developer"}]
    allocations = [allocation(p, r, role) for p in ("P1", "P2", "P3", "PX", "p1", None, 7) for r in ("R1", "R2", "RX", None, "r1 ")
                   for role in (None, "Developer", "Juggler")]
    return tables(Projects=[project("P1"), project("P2", status="Nonsense"), project("P3", start=D(2026, 3, 1)), project("P1")],
                  Resources=resources, Allocations=allocations + allocations[:20])


@pytest.mark.parametrize("workbook", ["sample", "awkward"])
def test_the_checks_find_the_same_with_the_numbers_shared_or_not(workbook, sample_workbook, monkeypatch):
    """Every check's issues, the rows left out and the checked registers: the same whether a run numbers each
    column once or every question numbers it again."""
    from pmo_xl import pipeline
    from pmo_xl.parse.portfolio import parse_portfolio

    parsed = pipeline.parse(pipeline.read(sample_workbook)[0])[0] if workbook == "sample" else parse_portfolio(_awkward())
    shared_run = run.run_checks(parsed)
    monkeypatch.setattr(run, "shared_codes", contextlib.nullcontext)
    alone_run = run.run_checks(parsed)
    assert column_codes._SHARED.get() is None
    assert len(shared_run[1]) > (0 if workbook == "sample" else 40)
    assert shared_run[1] == alone_run[1]
    assert shared_run[0].rejected == alone_run[0].rejected and shared_run[0].rejected_ids == alone_run[0].rejected_ids
    assert shared_run[0].registers.keys() == alone_run[0].registers.keys()
    for name, frame in shared_run[0].registers.items():
        pd.testing.assert_frame_equal(frame, alone_run[0].registers[name])
