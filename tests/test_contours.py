"""Work contours against Microsoft Project's published behaviour, and their invariants.

References (see pmo_xl/compute/contours.py): Microsoft PSS Learning Services, "Microsoft
Project 2000, Module 2.4: Entering Assignments" (segment tables for Flat, Back Loaded, Front
Loaded, Double Peak; ten equal segments; "50% units → 5% in the first Back Loaded segment"), and
ProjectLibre's StandardContour tables (all eight, written for file compatibility with Project).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo_xl.compute.time.contours import (
    CONTOUR_PERCENTAGES,
    SEGMENTS,
    hours_between,
    profile_index,
    profile_indexes,
    segment_steps,
    spread,
)
from pmo_xl.schema.registers import PROFILES

# Microsoft PSS Learning Services, Project 2000 Module 2.4, "Predefined Contours".
MICROSOFT_PSS = {
    "Flat": (100,) * 10,
    "Back loaded": (10, 15, 25, 50, 50, 75, 75, 100, 100, 100),
    "Front loaded": (100, 100, 100, 75, 75, 50, 50, 25, 15, 10),
    "Double peak": (25, 50, 100, 50, 25, 25, 50, 100, 50, 25),
}
# ProjectLibre StandardContour buckets, expanded to tenths (e.g. "100% for next 20%" = two tenths).
PROJECTLIBRE = {
    **MICROSOFT_PSS,
    "Early peak": (25, 50, 100, 100, 75, 50, 50, 25, 15, 10),
    "Late peak": (10, 15, 25, 50, 50, 75, 100, 100, 50, 25),
    "Bell": (10, 20, 40, 80, 100, 100, 80, 40, 20, 10),
    "Turtle": (25, 50, 75, 100, 100, 100, 100, 75, 50, 25),
}


def test_tables_match_the_published_definitions() -> None:
    assert set(CONTOUR_PERCENTAGES) == set(PROFILES)
    for name, table in MICROSOFT_PSS.items():
        assert CONTOUR_PERCENTAGES[name] == table
    for name, table in PROJECTLIBRE.items():
        assert CONTOUR_PERCENTAGES[name] == table


@pytest.mark.parametrize("name", PROFILES)
def test_ten_day_assignment_gives_one_segment_per_day(name: str) -> None:
    """Ten working days: each day is one segment, so hours follow the table exactly."""
    table = np.array(CONTOUR_PERCENTAGES[name], dtype=float)
    hours = table.sum() / 10  # e.g. Bell: 50 h
    np.testing.assert_allclose(spread(hours, 10, name), table / 10, atol=1e-12)


def test_bell_worked_example() -> None:
    """A 50 h Bell assignment over 10 days: 1, 2, 4, 8, 10, 10, 8, 4, 2, 1 h."""
    np.testing.assert_allclose(spread(50, 10, "Bell"), [1, 2, 4, 8, 10, 10, 8, 4, 2, 1], atol=1e-12)


def test_fixed_units_bell_in_project() -> None:
    """Project, fixed units: a 40 h Bell assignment at 100% of an 8 h day lasts 40 / (8 × 0.5) = 10
    days, day i carrying 8 h × the segment's percent. Spread over those 10 days we agree."""
    expected = [8 * p / 100 for p in CONTOUR_PERCENTAGES["Bell"]]
    np.testing.assert_allclose(spread(40, 10, "Bell"), expected, atol=1e-12)


def test_back_loaded_first_segment_at_half_units() -> None:
    """PSS Module 2.4: a resource at 50% shows 5% in the first Back Loaded segment. At 50% of an 8 h
    day over 10 days the assignment carries 4 h × 6.0 = 24 h; its first day is 5% of 8 h."""
    per_day = spread(24, 10, "Back loaded")
    assert per_day[0] == pytest.approx(0.05 * 8)
    assert per_day[-1] == pytest.approx(0.50 * 8)  # 100% of the 50% units


def test_twenty_days_give_two_days_per_segment() -> None:
    per_day = spread(100, 20, "Turtle")
    np.testing.assert_allclose(per_day[0::2], per_day[1::2], atol=1e-12)
    table = np.array(PROJECTLIBRE["Turtle"], dtype=float)
    np.testing.assert_allclose(per_day[0::2] / per_day[0::2].sum(), table / table.sum())


def test_five_days_take_two_segments_each() -> None:
    """Back loaded, 40 h over 5 days: (10+15, 25+50, 50+75, 75+100, 100+100) / 600 × 40."""
    np.testing.assert_allclose(spread(40, 5, "Back loaded"), np.array([25, 75, 125, 175, 200]) / 600 * 40)


def test_segment_boundaries_inside_a_day() -> None:
    """Three days, segments of 0.3 day: day 1 holds segments 1-3 and a third of segment 4."""
    table = np.array(PROJECTLIBRE["Early peak"], dtype=float)
    day1 = (table[:3].sum() + table[3] / 3) / table.sum() * 10
    day2 = (table[3] * 2 / 3 + table[4:6].sum() + table[6] * 2 / 3) / table.sum() * 10
    np.testing.assert_allclose(spread(10, 3, "Early peak"), [day1, day2, 10 - day1 - day2])


@pytest.mark.parametrize(("one", "other"), [("Front loaded", "Back loaded"), ("Early peak", "Late peak")])
def test_mirrored_profiles(one: str, other: str) -> None:
    np.testing.assert_allclose(spread(37, 13, one), spread(37, 13, other)[::-1], atol=1e-12)


@pytest.mark.parametrize("name", ["Flat", "Bell", "Turtle", "Double peak"])
def test_symmetric_profiles(name: str) -> None:
    per_day = spread(37, 17, name)
    np.testing.assert_allclose(per_day, per_day[::-1], atol=1e-12)


def test_one_day_takes_everything() -> None:
    for name in PROFILES:
        assert spread(7.5, 1, name).tolist() == pytest.approx([7.5])


def test_profile_spellings() -> None:
    assert profile_index("Early Peak") == profile_index("early_peak") == profile_index(" EARLY-peak ")
    assert profile_index("Back loaded") == profile_index("BackLoaded") == profile_index("back loaded contour")
    assert profile_index(None) == profile_index("") == profile_index(float("nan")) == 0
    assert profile_index("Sawtooth") == -1
    codes = profile_indexes(np.array(["Bell", None, "bell", "x"], dtype=object))
    assert codes.tolist() == [PROFILES.index("Bell"), 0, PROFILES.index("Bell"), -1]
    with pytest.raises(ValueError, match="Unknown profile"):
        spread(1, 1, "Sawtooth")


@settings(max_examples=200, deadline=None)
@given(
    hours=st.floats(0, 5000, allow_nan=False),
    days=st.integers(1, 400),
    profile=st.sampled_from(PROFILES),
)
def test_spread_adds_up_and_is_never_negative(hours: float, days: int, profile: str) -> None:
    per_day = spread(hours, days, profile)
    assert len(per_day) == days
    assert per_day.sum() == pytest.approx(hours, abs=1e-6)
    assert (per_day >= -1e-12).all()


@settings(max_examples=200, deadline=None)
@given(
    hours=st.floats(0.01, 5000, allow_nan=False),
    days=st.integers(1, 300),
    profile=st.sampled_from(PROFILES),
    cut=st.tuples(st.floats(0, 1), st.floats(0, 1)),
)
def test_difference_array_steps_equal_the_closed_form(
    hours: float, days: int, profile: str, cut: tuple[float, float]
) -> None:
    """The engine's rate steps, summed per day, give the same days as `spread` (clipped too)."""
    lo, hi = sorted((round(cut[0] * days), round(cut[1] * days)))
    start = 5.0
    owner, position, change = segment_steps(
        np.array([hours]), np.array([start]), np.array([float(days)]), np.array([PROFILES.index(profile)]),
        np.array([start + lo]), np.array([start + hi]),
    )  # fmt: skip
    assert (owner == 0).all()
    # Integrate the step function per day: day d holds ∫ over [d, d+1).
    edges = np.arange(days + 1) + start
    per_day = np.array([(change * np.clip(edges[d + 1] - position, 0, 1)).sum() for d in range(days)])
    expected = spread(hours, days, profile)
    expected[:lo] = 0
    expected[hi:] = 0
    np.testing.assert_allclose(per_day, expected, atol=1e-9)
    closed = hours_between(
        np.array([hours]), start, days, np.array([PROFILES.index(profile)]), start + lo, start + hi
    )
    assert closed[0] == pytest.approx(expected.sum(), abs=1e-9)


def test_segments_are_ten() -> None:
    assert SEGMENTS == 10
    assert all(len(t) == SEGMENTS for t in CONTOUR_PERCENTAGES.values())
