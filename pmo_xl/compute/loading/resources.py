"""The Resources register as capacity inputs: hours per working day, calendar, availability.

Capacity per working day is the contracted week (hours per week, else FTE × the standard week
of Settings; a blank FTE is 1) over five days, less the non-project share. Availability is
kept as day offsets on the calendar axis so capacity per period is a subtraction of
cumulative working-day counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pmo_xl.compute.loading.issues import resource_issue
from pmo_xl.compute.time.calendar import CalendarSet, calendar_key
from pmo_xl.issues import Issue, Severity
from pmo_xl.model import Settings

FAR = 10**9  # a day offset standing for "no availability limit"


def column(frame: pd.DataFrame, name: str, dtype: str = "object") -> pd.Series:
    """A register column, or an empty one of the right length when the column is absent."""
    if name in frame.columns:
        return frame[name]
    return pd.Series(
        np.full(len(frame), np.nan if dtype == "float" else None, dtype=object), index=frame.index
    )


def days(series: pd.Series) -> np.ndarray:
    return pd.to_datetime(series, errors="coerce").to_numpy().astype("datetime64[D]")


def numbers(series: pd.Series) -> np.ndarray:
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64)


def keys(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(key, display) per value: compare case- and space-insensitively, show the first spelling."""
    codes, uniques = pd.factorize(series.to_numpy(dtype=object), use_na_sentinel=True)
    keys = np.array([calendar_key(u) for u in uniques] + [""], dtype=object)
    display = np.array([str(u).strip() for u in uniques] + [""], dtype=object)
    codes = np.where(codes < 0, len(uniques), codes)
    return keys[codes], display[codes]


@dataclass
class Resources:
    """The Resources register as arrays, one entry per resource (duplicate IDs keep the first)."""

    ids: np.ndarray
    names: np.ndarray
    roles: np.ndarray
    role_keys: np.ndarray
    teams: np.ndarray
    calendar: np.ndarray  # calendar index
    daily: np.ndarray  # project hours per working day: weekly hours / 5 × (1 − non-project share)
    available_from: np.ndarray  # day offsets from the calendar origin (−FAR: always)
    available_to: np.ndarray  # (+FAR: open-ended)
    excel_rows: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)


def read_resources(
    frame: pd.DataFrame, cals: CalendarSet, settings: Settings
) -> tuple[Resources, list[Issue]]:
    """Capacity inputs of every resource; a warning for calendars no holiday names."""
    ids = column(frame, "resource_id")
    frame = frame[ids.notna() & ~ids.duplicated()]
    role_keys, roles = keys(column(frame, "role"))
    weekly = numbers(column(frame, "hours_per_week", "float"))
    fte = numbers(column(frame, "fte", "float"))
    weekly = np.where(np.isnan(weekly), np.where(np.isnan(fte), 1.0, fte) * settings.hours_per_week, weekly)
    non_project = np.clip(np.nan_to_num(numbers(column(frame, "non_project", "float"))), 0.0, 1.0)
    names = column(frame, "calendar").to_numpy(dtype=object)
    name_codes, name_uniques = pd.factorize(names)  # a handful of calendars, looked up once each
    calendar = np.array([cals.index_of(n) for n in name_uniques] + [0], dtype=np.int64)[name_codes]
    start = days(column(frame, "available_from"))
    stop = days(column(frame, "available_to"))
    offset_from = np.where(np.isnat(start), -FAR, (start - cals.origin).astype(np.int64))
    offset_to = np.where(np.isnat(stop), FAR, (stop - cals.origin).astype(np.int64))
    teams = column(frame, "team").to_numpy(dtype=object)
    rows = column(frame, "_row", "float").to_numpy()
    issues: list[Issue] = []
    known = _holiday_calendars(settings) | {calendar_key(settings.default_calendar), ""}
    unknown = np.array([calendar_key(n) not in known for n in name_uniques] + [False], dtype=bool)[name_codes]
    for row, name in zip(rows[unknown], names[unknown], strict=True):
        message = f"Calendar '{name}' has no holidays in Settings; only weekends are non-working days for this resource."
        issues.append(resource_issue("unknown-calendar", Severity.WARNING, row, "calendar", name, message))
    resources = Resources(
        ids=frame["resource_id"].to_numpy(dtype=object),
        names=column(frame, "name").to_numpy(dtype=object),
        roles=roles,
        role_keys=role_keys,
        teams=np.array([t if isinstance(t, str) and t.strip() else None for t in teams], dtype=object),
        calendar=calendar,
        daily=weekly / 5.0 * (1.0 - non_project),
        available_from=offset_from,
        available_to=offset_to,
        excel_rows=rows,
    )
    return resources, issues


def _holiday_calendars(settings: Settings) -> set[str]:
    holidays = settings.holidays
    if holidays is None or holidays.empty or "calendar" not in holidays.columns:
        return set()
    return {calendar_key(v) for v in holidays["calendar"]} - {""}
