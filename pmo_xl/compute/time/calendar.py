"""Working-day calendars as numpy arrays: which days are worked, per holiday calendar.

Resource loading counts hours on working days only. A calendar here is the Monday-Friday week
minus the holidays of Settings that apply to it (holidays with a blank calendar apply to every
calendar). Every calendar shares one day axis (`origin` + day index), so a date converts to an
index once and every calendar answers "how many working days before this day" from a cumulative
count (`cum`): the working days of a date range are then a subtraction, never a loop.

Positions inside a calendar are *working indexes*: working day number 0, 1, 2... from the
origin. Work contours and the difference arrays of the loading engine live on that axis.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

DAY = np.timedelta64(1, "D")
GRAINS = ("day", "week", "month", "quarter")


def calendar_key(name: object) -> str:
    """A calendar or role name as compared: case and spacing do not matter; blank is ''."""
    if name is None or (isinstance(name, float) and name != name):
        return ""
    return re.sub(r"\s+", " ", str(name)).strip().casefold()


def to_day(value: object) -> np.datetime64:
    """A date-like value (date, datetime, Timestamp, ISO text, datetime64) as datetime64[D]."""
    return np.datetime64(pd.Timestamp(value).date(), "D")


def date_of(day: np.datetime64) -> dt.date:
    """A datetime64[D] back to `datetime.date`."""
    return pd.Timestamp(day).date()


@dataclass(frozen=True)
class CalendarSet:
    """The working days of several calendars over one day axis.

    `names[c]` is the key of calendar c (index 0 is the default calendar); `working[c, d]` says
    whether day d is worked in calendar c; `cum[c, d]` is the number of working days before day
    d, so the working index of a working day d is `cum[c, d]` and days [d0, d1] hold
    `cum[c, d1 + 1] - cum[c, d0]` working days.
    """

    origin: np.datetime64
    names: tuple[str, ...]
    working: np.ndarray  # bool (n_calendars, n_days)
    cum: np.ndarray  # int64 (n_calendars, n_days + 1)

    @property
    def n_days(self) -> int:
        return int(self.working.shape[1])

    @property
    def end(self) -> np.datetime64:
        """The last day on the axis."""
        return self.origin + (self.n_days - 1) * DAY

    def index_of(self, name: object) -> int:
        """Calendar index of a name; unknown or blank names fall back to the default (0)."""
        key = calendar_key(name)
        return self.names.index(key) if key in self.names else 0

    def day_index(self, dates: np.ndarray) -> np.ndarray:
        """Day indexes (int64) of datetime64 values, clipped onto the axis; NaT gives -1."""
        days = np.asarray(dates).astype("datetime64[D]")
        idx = (days - self.origin).astype(np.int64)
        idx = np.clip(idx, 0, self.n_days - 1)
        return np.where(np.isnat(days), -1, idx)

    def working_days(self, calendar: int | np.ndarray, first: np.ndarray, last: np.ndarray) -> np.ndarray:
        """Working days in [first, last] (day indexes, inclusive); 0 when last < first."""
        first = np.asarray(first)
        last = np.asarray(last)
        count = (
            self.cum[calendar, np.clip(last, -1, self.n_days - 1) + 1]
            - self.cum[calendar, np.clip(first, 0, self.n_days)]
        )
        return np.where(last >= first, np.maximum(count, 0), 0)

    def working_dates(self, calendar: int = 0) -> np.ndarray:
        """The working days of one calendar as datetime64[D], in order (index = working index)."""
        return self.origin + np.flatnonzero(self.working[calendar]) * DAY


def _holiday_table(holidays: pd.DataFrame | Iterable[object] | None) -> pd.DataFrame:
    """Holidays as a frame (day datetime64[D], key) from Settings.holidays or a plain list of dates."""
    if holidays is None:
        return pd.DataFrame({"day": np.array([], dtype="datetime64[D]"), "key": []})
    if isinstance(holidays, pd.DataFrame):
        if holidays.empty or "date" not in holidays.columns:
            return pd.DataFrame({"day": np.array([], dtype="datetime64[D]"), "key": []})
        frame = holidays[holidays["date"].notna()]
        days = pd.to_datetime(frame["date"]).to_numpy().astype("datetime64[D]")
        keys = (
            [calendar_key(v) for v in frame["calendar"]] if "calendar" in frame.columns else [""] * len(frame)
        )
        return pd.DataFrame({"day": days, "key": keys})
    days = np.array([to_day(v) for v in holidays], dtype="datetime64[D]")
    return pd.DataFrame({"day": days, "key": [""] * len(days)})


def build_calendars(
    first: object,
    last: object,
    holidays: pd.DataFrame | Iterable[object] | None = None,
    names: Sequence[object] = (),
    default: object = "Default",
) -> CalendarSet:
    """Calendars over the days [first, last]: the default one first, then each named one.

    `holidays` is Settings.holidays (date, calendar, name; a blank calendar means every
    calendar) or a plain list of dates (every calendar). Holidays named for the default
    calendar apply to resources with no calendar of their own.
    """
    start = to_day(first)
    stop = to_day(last)
    if stop < start:
        stop = start
    n_days = int((stop - start) / DAY) + 1
    keys = [calendar_key(default)]
    for name in names:
        key = calendar_key(name)
        if key and key not in keys:
            keys.append(key)
    # 1970-01-01 was a Thursday: (days since epoch + 3) % 7 gives Monday = 0.
    weekday = (np.arange(n_days) + (start - np.datetime64("1970-01-01", "D")).astype(np.int64) + 3) % 7
    base = weekday < 5
    working = np.repeat(base[None, :], len(keys), axis=0)
    table = _holiday_table(holidays)
    if len(table):
        idx = ((table["day"].to_numpy() - start) / DAY).astype(np.int64)
        inside = (idx >= 0) & (idx < n_days)
        for c, key in enumerate(keys):
            applies = inside & ((table["key"].to_numpy() == "") | (table["key"].to_numpy() == key))
            working[c, idx[applies]] = False
    cum = np.zeros((len(keys), n_days + 1), dtype=np.int64)
    np.cumsum(working, axis=1, out=cum[:, 1:])
    return CalendarSet(origin=start, names=tuple(keys), working=working, cum=cum)


def normalise_grain(grain: object) -> str:
    """'Month', 'monthly', ' WEEK ' -> 'month', 'week'; unknown grains raise ValueError."""
    key = calendar_key(grain).removesuffix("ly").removesuffix("s")
    key = {"dai": "day", "quarter": "quarter"}.get(key, key)
    if key not in GRAINS:
        raise ValueError(f"Unknown period {grain!r}: use Day, Week, Month or Quarter.")
    return key


def period_floor(days: np.ndarray, grain: str) -> np.ndarray:
    """The start of the period (Monday, 1st of month, 1st of quarter) holding each day."""
    days = np.asarray(days).astype("datetime64[D]")
    if grain == "day":
        return days
    if grain == "week":
        weekday = ((days - np.datetime64("1970-01-01", "D")).astype(np.int64) + 3) % 7
        return days - weekday * DAY
    months = days.astype("datetime64[M]")
    if grain == "quarter":
        month_number = months.astype(np.int64)  # months since 1970-01
        months = (month_number - month_number % 3).astype("datetime64[M]")
    return months.astype("datetime64[D]")


def period_bounds(first: np.datetime64, last: np.datetime64, grain: str) -> np.ndarray:
    """Period start days covering [first, last], plus the start of the period after (n + 1)."""
    grain = normalise_grain(grain)
    start = period_floor(np.array([first]), grain)[0]
    if grain == "day":
        return np.arange(start, last + 2 * DAY, DAY)
    if grain == "week":
        return np.arange(start, last + 8 * DAY, 7 * DAY)
    step = 3 if grain == "quarter" else 1
    months = np.arange(start.astype("datetime64[M]"), last.astype("datetime64[M]") + step + 1, step)
    months = months[: int(np.searchsorted(months, last.astype("datetime64[M]"), side="right")) + 1]
    return months.astype("datetime64[D]")
