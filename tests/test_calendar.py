"""Working-day calendars and reporting periods."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from pmo_xl.compute.time import (
    build_calendars,
    calendar_key,
    normalise_grain,
    period_bounds,
    period_floor,
    to_day,
)

D = np.datetime64


def holidays(*rows: tuple[str, str | None]) -> pd.DataFrame:
    """Settings.holidays as the parser gives it: date (datetime64), calendar (None = all), name."""
    return pd.DataFrame(
        {
            "date": pd.to_datetime([r[0] for r in rows]),
            "calendar": [r[1] for r in rows],
            "name": [""] * len(rows),
        }
    )


def test_weekends_are_off() -> None:
    cals = build_calendars(dt.date(2026, 3, 2), dt.date(2026, 3, 15))  # Monday to Sunday, two weeks
    assert cals.working[0].tolist() == [True] * 5 + [False] * 2 + [True] * 5 + [False] * 2
    assert cals.cum[0, -1] == 10
    assert [str(d) for d in cals.working_dates()[:6]] == [
        "2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06", "2026-03-09",
    ]  # fmt: skip


def test_holidays_for_all_and_per_calendar() -> None:
    table = holidays(
        ("2026-03-03", None), ("2026-03-04", "UK"), ("2026-03-05", "default"), ("2026-03-06", "FR")
    )
    cals = build_calendars("2026-03-02", "2026-03-08", table, names=["uk", "FR ", None], default="Default")
    assert cals.names == ("default", "uk", "fr")
    off = {
        name: [str(cals.origin + i) for i in np.flatnonzero(~cals.working[c][:5])]
        for c, name in enumerate(cals.names)
    }
    assert off["default"] == ["2026-03-03", "2026-03-05"]
    assert off["uk"] == ["2026-03-03", "2026-03-04"]
    assert off["fr"] == ["2026-03-03", "2026-03-06"]
    assert cals.index_of("UK") == 1
    assert cals.index_of(None) == cals.index_of("Atlantis") == 0


def test_holidays_as_plain_dates() -> None:
    cals = build_calendars(
        "2026-12-21", "2027-01-08", [dt.date(2026, 12, 25), "2026-12-28", pd.Timestamp("2027-01-01")]
    )
    assert cals.cum[0, -1] == 15 - 3


def test_working_days_edge_cases() -> None:
    table = holidays(("2026-12-25", None), ("2026-12-28", None), ("2027-01-01", None))
    cals = build_calendars("2026-12-01", "2027-01-31", table)
    day = lambda text: int((D(text) - cals.origin).astype(int))  # noqa: E731

    def count(first: str, last: str) -> int:
        return int(cals.working_days(0, np.array(day(first)), np.array(day(last))))

    assert count("2026-12-24", "2027-01-04") == 5  # across the year end: 24, 29, 30, 31 Dec and 4 Jan
    assert count("2026-12-25", "2026-12-29") == 1  # starts on a holiday
    assert count("2026-12-24", "2026-12-25") == 1  # ends on a holiday
    assert count("2026-12-25", "2026-12-28") == 0  # holidays and a weekend only
    assert count("2026-12-24", "2026-12-24") == 1  # zero length, a working day
    assert count("2026-12-26", "2026-12-26") == 0  # zero length, a Saturday
    assert count("2026-12-31", "2026-12-24") == 0  # finish before start


def test_day_index_clips_and_marks_blanks() -> None:
    cals = build_calendars("2026-01-01", "2026-01-31")
    idx = cals.day_index(np.array(["2025-12-01", "2026-01-10", "NaT", "2027-01-01"], dtype="datetime64[D]"))
    assert idx.tolist() == [0, 9, -1, 30]
    assert to_day(dt.datetime(2026, 1, 2, 15, 30)) == D("2026-01-02")
    assert cals.end == D("2026-01-31")


def test_calendar_key() -> None:
    assert calendar_key("  New   York ") == calendar_key("new york") == "new york"
    assert calendar_key(None) == calendar_key(float("nan")) == ""


@pytest.mark.parametrize(
    ("text", "grain"),
    [("Month", "month"), (" WEEK ", "week"), ("weekly", "week"), ("Quarterly", "quarter"), ("days", "day"),
     ("Daily", "day"), ("months", "month")],
)  # fmt: skip
def test_grain_names(text: str, grain: str) -> None:
    assert normalise_grain(text) == grain


def test_unknown_grain() -> None:
    with pytest.raises(ValueError, match="Unknown period"):
        normalise_grain("fortnight")


def test_period_floor() -> None:
    days = np.array(["2026-01-01", "2026-03-31", "2026-11-15", "2027-01-03"], dtype="datetime64[D]")
    assert [str(d) for d in period_floor(days, "week")] == [
        "2025-12-29",
        "2026-03-30",
        "2026-11-09",
        "2026-12-28",
    ]
    assert [str(d) for d in period_floor(days, "month")] == [
        "2026-01-01",
        "2026-03-01",
        "2026-11-01",
        "2027-01-01",
    ]
    assert [str(d) for d in period_floor(days, "quarter")] == [
        "2026-01-01",
        "2026-01-01",
        "2026-10-01",
        "2027-01-01",
    ]
    assert (period_floor(days, "day") == days).all()


def test_period_bounds_cover_the_range_and_one_more() -> None:
    first, last = D("2026-11-15"), D("2027-02-02")
    assert [str(d) for d in period_bounds(first, last, "Month")] == [
        "2026-11-01", "2026-12-01", "2027-01-01", "2027-02-01", "2027-03-01",
    ]  # fmt: skip
    assert [str(d) for d in period_bounds(first, last, "quarter")] == [
        "2026-10-01",
        "2027-01-01",
        "2027-04-01",
    ]
    weeks = period_bounds(first, last, "week")
    assert str(weeks[0]) == "2026-11-09" and weeks[-2] <= last < weeks[-1]
    assert np.all(np.diff(weeks) == np.timedelta64(7, "D"))
    days = period_bounds(first, first + 2, "day")
    assert len(days) == 4
