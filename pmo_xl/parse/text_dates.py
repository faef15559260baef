"""Dates that are not stored as dates: serial numbers and text, read one cell at a time, totally.

Every function here returns a date or says why not; none raises for any input. Dates are held as
`datetime64[us]`, which spans years 1-9999, so '9999-12-31' or '0001-01-01' typed as text is
read as that date and then refused by the plausibility window (`date-out-of-range`) at its cell —
never an out-of-bounds error that would take the whole register with it (pandas' nanosecond
timestamps stop at 1677 and 2262).
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np

from pmo_xl.parse.text_numbers import ascii_digits

EXCEL_EPOCH = np.datetime64("1899-12-30")
# Dates a PMO register can plausibly hold; outside this a date is a typo (or a 0 shown as 1900-01-00).
FIRST_DATE = np.datetime64("1990-01-01", "us")
LAST_DATE = np.datetime64("2100-12-31", "us")
FIRST_SERIAL = 32874  # 1990-01-01 as an Excel serial number
LAST_SERIAL = 73415  # 2100-12-31
NAT = np.datetime64("NaT", "us")

_ISO_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?$", re.ASCII)
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2,4})$", re.ASCII)
_MONTH_TEXT = re.compile(r"^(\d{4})[-/](\d{1,2})$", re.ASCII)
_MONTH_NAME = re.compile(r"^([A-Za-z]{3,9})\.?[ -](\d{4})$", re.ASCII)  # Oct 2026, October-2026
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                "november", "december")  # English, whatever the machine's locale
_MONTHS = {name[:length]: number for number, name in enumerate(_MONTH_NAMES, 1) for length in (3, len(name))} | {"sept": 9}

# How a text date was read.
READ, PERIOD_TEXT, DAY_MONTH, SHORT_YEAR, UNREADABLE = "date-as-text", "period-text", "day-month", "short-year", "unreadable"


def calendar_date(year: int, month: int, day: int) -> np.datetime64:
    """The date, or NaT when there is no such day (month 13, 31 April, year 0)."""
    try:
        return np.datetime64(dt.date(year, month, day), "us")
    except (ValueError, OverflowError):
        return NAT


def as_date(value: object) -> np.datetime64:
    """A date or datetime cell (datetime, date, pd.Timestamp, datetime64) as a day; NaT if it is none."""
    try:
        day = np.datetime64(value, "D")  # type: ignore[call-overload]
    except (ValueError, TypeError, OverflowError):
        return NAT
    return day.astype("datetime64[us]")


def text_date(text: str, month_kind: bool) -> tuple[np.datetime64, str]:
    """The date a stripped text holds and how it was read (READ, PERIOD_TEXT, DAY_MONTH, SHORT_YEAR or UNREADABLE)."""
    text, _ = ascii_digits(text)
    found = _ISO_DATE.match(text)
    if found:
        day = calendar_date(int(found[1]), int(found[2]), int(found[3]))
        return day, READ if not np.isnat(day) else UNREADABLE
    if month_kind:
        period = _MONTH_TEXT.match(text)
        if period:  # YYYY-MM is the documented way to type a period: no warning
            day = calendar_date(int(period[1]), int(period[2]), 1)
            return day, PERIOD_TEXT if not np.isnat(day) else UNREADABLE
        named = _MONTH_NAME.match(text)
        if named and named[1].casefold() in _MONTHS:
            day = calendar_date(int(named[2]), _MONTHS[named[1].casefold()], 1)
            return day, READ if not np.isnat(day) else UNREADABLE
    found = _DAY_MONTH_YEAR.match(text)
    if found:
        return _day_month_year(int(found[1]), int(found[2]), found[3])
    return NAT, UNREADABLE


def _day_month_year(first: int, second: int, year_text: str) -> tuple[np.datetime64, str]:
    """'15/03/2026' can only be 15 March (there is no month 15): read. '03/04/2026' is 3 April in
    most of the world and March 4 in the US: refused. A two-digit year is refused too (which
    century is a guess)."""
    if len(year_text) != 4:
        return NAT, SHORT_YEAR
    readings = {day for day in (calendar_date(int(year_text), second, first), calendar_date(int(year_text), first, second))
                if not np.isnat(day)}
    if len(readings) == 1:  # one reading is a date (or both readings are the same day, 05/05)
        return readings.pop(), READ
    return NAT, DAY_MONTH if readings else UNREADABLE


def plausible(day: np.datetime64) -> bool:
    return bool(FIRST_DATE <= day <= LAST_DATE)
