"""Preparing the demand, against straightforward versions, to the last bit.

`status_pieces` writes the plan's pieces in place and gathers what the allocations with actual
hours need once; `_profiles` looks the exact spellings of the profiles up and sends only the
others through `profile_indexes`; `_role_codes` factorizes only the roles given. Each is compared here with a
plain version written from its definition: a loop over the allocations, `profile_indexes` of
every value, a factorize of every row's role.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmo_xl.compute.loading.demand import _profiles, _role_codes, _Rows
from pmo_xl.compute.loading.pieces import status_pieces
from pmo_xl.compute.time.contours import FLAT, hours_between, profile_indexes
from pmo_xl.schema.registers import PROFILES

TOL = 1e-9
FIELDS = ("alloc", "hours", "start", "length", "profile", "lo", "hi")


def plain_status_pieces(placed, effort, a, n, profile, actual, k, calendar_end):  # noqa: ANN001, ANN201
    """status_pieces' docstring, one allocation at a time: the plan of those without actual
    hours, then the done parts, the done hours put on the last day, the remaining parts, and
    the overdue hours re-spread flat (each list in allocation order)."""
    plain, past, early, future, late = [], [], [], [], []
    for i in placed.tolist():
        e, start, length, shape = float(effort[i]), float(a[i]), float(n[i]), int(profile[i])
        if math.isnan(actual[i]):
            plain.append((i, e, start, length, shape, start, start + length))
            continue
        cut = float(min(max(k[i], a[i]), a[i] + n[i]))
        one = np.array([1.0])
        plan_past = float(
            hours_between(one * e, one * start, one * length, np.array([shape]), one * start, one * cut)[0]
        )
        plan_future = e - plan_past
        done = float(actual[i])
        remaining = max(e - done, 0.0)
        if done > TOL and plan_past > TOL:
            past.append((i, e * done / plan_past, start, length, shape, start, cut))
        elif done > TOL:
            spot = float(max(k[i] - 1, 0))
            early.append((i, done, spot, 1.0, FLAT, spot, spot + 1))
        if remaining > TOL and plan_future > TOL:
            future.append((i, e * remaining / plan_future, start, length, shape, cut, start + length))
        elif remaining > TOL:
            days = float(math.ceil(remaining * length / e - TOL))
            room = max(int(calendar_end[i]) - int(k[i]), 1)
            days = min(max(days, 1.0), min(length, float(room)))
            begin = float(k[i])
            late.append((i, remaining, begin, days, FLAT, begin, begin + days))
    rows = plain + past + early + future + late
    return [[r[f] for r in rows] for f in range(len(FIELDS))], [r[0] for r in late]


@st.composite
def allocations(draw: st.DrawFn):  # noqa: ANN201
    m = draw(st.integers(0, 30))
    effort = np.array([draw(st.sampled_from([0.0, 1e-12, 40.0]) | st.floats(0, 2000)) for _ in range(m)])
    a = np.array([draw(st.integers(0, 100)) for _ in range(m)], dtype=np.int64)
    n = np.array([draw(st.integers(1, 60)) for _ in range(m)], dtype=np.int64)
    profile = np.array([draw(st.integers(0, len(PROFILES) - 1)) for _ in range(m)], dtype=np.int64)
    actual = np.array([draw(st.sampled_from([np.nan, 0.0, 1e-12]) | st.floats(0, 3000)) for _ in range(m)])
    k = np.array([draw(st.integers(0, 200)) for _ in range(m)], dtype=np.int64)
    calendar_end = np.array([k[i] + draw(st.integers(-3, 80)) for i in range(m)], dtype=np.int64)
    placed = np.array(sorted(draw(st.sets(st.integers(0, m - 1)))) if m else [], dtype=np.int64)
    return placed, effort, a, n, profile, actual, k, calendar_end


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(allocations())
def test_status_pieces_are_those_of_a_loop_over_the_allocations(args) -> None:  # noqa: ANN001
    pieces, overdue = status_pieces(*args)
    expected, expected_overdue = plain_status_pieces(*args)
    for name, values in zip(FIELDS, expected, strict=True):
        got = getattr(pieces, name)
        if name in ("alloc", "profile"):
            assert got.dtype == np.int64 and got.tolist() == values, name
        else:  # to the last bit
            assert (
                got.dtype == np.float64
                and got.view(np.int64).tolist() == np.array(values, dtype=np.float64).view(np.int64).tolist()
            ), name
    assert overdue.dtype == np.int64 and overdue.tolist() == expected_overdue


SPELLINGS = [*PROFILES, "flat", "FLAT", " Flat", "Early Peak", "early_peak", "Bell contour", "Steep", "", "  ",
             None, np.nan, pd.NA, 0, 1.5, True, np.str_("Bell"), "Turtle"]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(SPELLINGS), max_size=40), st.sampled_from(["object", "str", "string"]))
def test_profiles_are_profile_indexes_of_every_value(values: list[object], dtype: str) -> None:
    try:
        names = pd.Series(values, dtype=dtype)
    except (TypeError, ValueError):  # a text dtype refuses numbers: the parser gives object then
        names = pd.Series(values, dtype=object)
    expected = profile_indexes(names.to_numpy(dtype=object))
    got = _profiles(names)
    assert got.dtype == np.int64 and got.tolist() == expected.tolist()


ROLES = [
    "Developer",
    "developer ",
    "Analyst",
    "",
    "  ",
    None,
    np.nan,
    pd.NA,
    pd.NaT,
    5,
    5.0,
    float("inf"),
    "Ünï",
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(ROLES), max_size=40),
    st.sampled_from(["object", "str", "string", None]),
    st.data(),
)
def test_role_codes_are_a_factorize_of_every_rows_role(
    values: list[object], dtype: str | None, data: st.DataObject
) -> None:
    """A code per row (-1: blank) and the roles in order of first appearance, whatever the
    column holds; None: no role column at all."""
    try:
        roles = pd.Series(values, dtype=dtype or object)
    except (TypeError, ValueError):  # a text dtype refuses numbers: the parser gives object then
        roles = pd.Series(values, dtype=object)
    frame = pd.DataFrame({"role": roles} if dtype else {"other": roles})
    positions = np.array(
        sorted(data.draw(st.sets(st.integers(0, len(values) - 1)))) if values else [], dtype=np.int64
    )
    rows = _Rows(frame, positions)
    codes, uniques = _role_codes(rows)
    expected_codes, expected_uniques = pd.factorize(rows.objects("role"))
    assert codes.dtype == expected_codes.dtype and codes.tolist() == expected_codes.tolist()
    assert type(uniques) is type(expected_uniques) and uniques.dtype == expected_uniques.dtype
    assert [(type(u), u) for u in uniques.tolist()] == [(type(u), u) for u in expected_uniques.tolist()]
