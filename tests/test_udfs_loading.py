"""=PMO_SPREAD and =PMO_LOADING called the way Excel calls them (values, datetimes, lists of rows)."""

from __future__ import annotations

import datetime as dt
import inspect

import pytest

import udfs.loading as module
from pmo_xl.compute.time import spread
from pmo_xl.excel.udf_wrappers import check_udfs, load_udfs
from udfs.loading import PMO_LOADING, PMO_SPREAD

XMAS = dt.datetime(2026, 12, 25)
SERIAL_2027_01_01 = 46388.0  # Excel's serial number for 1 January 2027
SERIAL_2027_01_04 = 46391.0


def test_spread_returns_a_date_and_hours_per_working_day() -> None:
    rows = PMO_SPREAD(40, dt.datetime(2026, 3, 2), dt.datetime(2026, 3, 6))
    assert rows == [[dt.datetime(2026, 3, d), 8.0] for d in range(2, 7)]


def test_spread_over_the_year_end_with_holidays_in_every_shape() -> None:
    holidays = [[XMAS], [SERIAL_2027_01_01], [None], ["2026-12-28"], [""]]
    rows = PMO_SPREAD(30, dt.datetime(2026, 12, 24), SERIAL_2027_01_04, "Bell", holidays)
    dates = [r[0] for r in rows]
    assert dates == [dt.datetime(2026, 12, 24), dt.datetime(2026, 12, 29), dt.datetime(2026, 12, 30),
                     dt.datetime(2026, 12, 31), dt.datetime(2027, 1, 4)]  # fmt: skip
    assert [r[1] for r in rows] == pytest.approx(list(spread(30, 5, "Bell")))
    assert sum(r[1] for r in rows) == pytest.approx(30)
    flat_list = PMO_SPREAD(
        30,
        dt.datetime(2026, 12, 24),
        SERIAL_2027_01_04,
        "Bell",
        [XMAS, SERIAL_2027_01_01, dt.date(2026, 12, 28)],
    )
    assert flat_list == rows
    assert PMO_SPREAD(30, dt.datetime(2026, 12, 24), SERIAL_2027_01_04, "Bell", XMAS)[1][0] == dt.datetime(
        2026, 12, 28
    )


@pytest.mark.parametrize("spelling", ["Early Peak", "early_peak", " EARLY peak", "EarlyPeak"])
def test_profile_names_ignore_case_and_spacing(spelling: str) -> None:
    rows = PMO_SPREAD(100, dt.datetime(2026, 3, 2), dt.datetime(2026, 3, 13), spelling)
    assert [r[1] for r in rows] == pytest.approx([5, 10, 20, 20, 15, 10, 10, 5, 3, 2])


def test_spread_accepts_serial_dates_and_blank_effort() -> None:
    rows = PMO_SPREAD(None, 46083.0, 46087)  # 2 to 6 March 2026
    assert [r[0] for r in rows][0] == dt.datetime(2026, 3, 2) and all(r[1] == 0 for r in rows)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((8, dt.datetime(2026, 3, 7), dt.datetime(2026, 3, 8)), "no working day"),
        ((8, dt.datetime(2026, 3, 6), dt.datetime(2026, 3, 2)), "finish is before the start"),
        ((8, None, dt.datetime(2026, 3, 2)), "give a start and a finish"),
        ((8, dt.datetime(2026, 3, 2), dt.datetime(2026, 3, 6), "Sawtooth"), "unknown profile"),
        ((-1, dt.datetime(2026, 3, 2), dt.datetime(2026, 3, 6)), "0 or more"),
        (("lots", dt.datetime(2026, 3, 2), dt.datetime(2026, 3, 6)), "PMO_SPREAD:"),
        ((8, "next week", dt.datetime(2026, 3, 6)), "PMO_SPREAD:"),
    ],
)
def test_spread_explains_what_it_cannot_do(args: tuple, message: str) -> None:
    answer = PMO_SPREAD(*args)
    assert isinstance(answer, str) and message in answer


ALLOCATIONS = [
    [
        "Project ID",
        "Resource ID",
        "Role",
        "Start",
        "Finish",
        "Effort (hours)",
        "FTE",
        "Profile",
        "State",
        "Actual hours",
    ],
    [
        "P1",
        "R1",
        None,
        dt.datetime(2026, 3, 2),
        dt.datetime(2026, 3, 13),
        80,
        None,
        "Flat",
        "Committed",
        None,
    ],
    ["P2", "R1", None, dt.datetime(2026, 3, 2), dt.datetime(2026, 3, 6), None, 0.5, "bell", "Proposed", None],
    ["P3", "R2", None, dt.datetime(2026, 3, 9), dt.datetime(2026, 3, 13), 10, None, None, "Draft", None],
    [None, None, None, None, None, None, None, None, None, None],
]
RESOURCES = [
    ["Resource ID", "Name", "Role", "Team", "FTE", "Hours per week"],
    ["R1", "Ann", "Developer", "Core", 1, None],
    ["R2", "Bob", "Analyst", None, None, 20],
]


def test_loading_spills_a_resource_by_period_matrix() -> None:
    out = PMO_LOADING(ALLOCATIONS, RESOURCES, "Week")
    assert out[0] == ["Resource ID", "Name", "Role", "Team", dt.datetime(2026, 3, 2), dt.datetime(2026, 3, 9)]
    assert out[1] == ["R1", "Ann", "Developer", "Core", pytest.approx(60 / 40), pytest.approx(1.0)]
    assert out[2] == ["R2", "Bob", "Analyst", None, 0.0, 0.0]  # the Draft allocation does not count
    assert len(out) == 3


def test_loading_measures_and_grains() -> None:
    demand = PMO_LOADING(ALLOCATIONS, RESOURCES, "week", "demand")
    assert demand[1][4:] == [pytest.approx(60), pytest.approx(40)]
    capacity = PMO_LOADING(ALLOCATIONS, RESOURCES, "Month", "Capacity")
    assert capacity[0][4:] == [dt.datetime(2026, 3, 1)]
    assert capacity[1][4] == pytest.approx(22 * 8) and capacity[2][4] == pytest.approx(22 * 4)
    assert PMO_LOADING(ALLOCATIONS, RESOURCES, "Week", "Utilization")[1][4] == pytest.approx(1.5)
    assert "measure must be" in PMO_LOADING(ALLOCATIONS, RESOURCES, "Week", "Cost")
    assert "Unknown period" in PMO_LOADING(ALLOCATIONS, RESOURCES, "Fortnight")


def test_loading_holidays_status_date_and_standard_week() -> None:
    hol = PMO_LOADING(ALLOCATIONS, RESOURCES, "Week", "Capacity", [[dt.datetime(2026, 3, 3)]], None, 35)
    assert hol[1][4:] == [pytest.approx(28), pytest.approx(35)]
    rows = [ALLOCATIONS[0], ["P1", "R1", None, dt.datetime(2026, 3, 2), dt.datetime(2026, 3, 13), 80, None, None,
                             "Committed", 10]]  # fmt: skip
    late = PMO_LOADING(rows, RESOURCES, "Week", "Demand", None, dt.datetime(2026, 3, 6))
    assert late[1][4:] == [pytest.approx(10), pytest.approx(70)]


def test_loading_says_what_was_left_out() -> None:
    rows = [*ALLOCATIONS[:2], ["P9", "R7", None, dt.datetime(2026, 3, 2), dt.datetime(2026, 3, 6), 5, None, None,
                               "Committed", None]]  # fmt: skip
    out = PMO_LOADING(rows, RESOURCES, "Week")
    assert out[-1][0].startswith(
        "Left out: 5.0 h not placed; 1 problem(s) — Allocations row 3: Resource 'R7'"
    )
    assert all(v is None for v in out[-1][1:])
    bad = [
        ALLOCATIONS[0],
        ["P1", "R1", None, "soon", dt.datetime(2026, 3, 6), 5, None, None, "Committed", None],
    ]
    assert PMO_LOADING(bad, RESOURCES).startswith("PMO_LOADING: no demand to show (Allocations row 2:")


def test_declarations_are_what_excel_accepts() -> None:
    infos, wrapper = load_udfs("udfs.loading")
    assert sorted(i.name for i in infos) == sorted(module.__all__) == ["PMO_LOADING", "PMO_SPREAD"]
    assert check_udfs(infos) == []
    for name in module.__all__:
        parameters = inspect.signature(getattr(module, name)).parameters.values()
        assert all(p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD for p in parameters)
        assert all(
            p.annotation is inspect.Parameter.empty for p in parameters
        )  # xlwings reads hints as converters
    assert "Function PMO_SPREAD(" in wrapper
