"""From the Resources and Allocations registers to capacity figures and allocation pieces.

An allocation becomes one or more *pieces*: the allocation's shape (hours over its working days
with its profile), clipped to a working-index interval and scaled. A plan as typed is one piece.
With a status date and actual hours, the plan splits into what is done (the part before the
status date, scaled to the actual hours) and what remains (the part after, scaled to
effort − actual), so a late allocation keeps its load instead of losing it; when the allocation
should already have finished, the remaining hours go flat over the working days after the
status date at the allocation's planned average pace (see `loading_pieces.status_pieces`).

Everything here is whole-column numpy/pandas; the only Python loops are over calendars, distinct
spellings, and the rows that get an Issue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pmo_xl.compute.calendar import DAY, CalendarSet, build_calendars, calendar_key, period_floor
from pmo_xl.compute.contours import FLAT, profile_indexes
from pmo_xl.compute.loading_issues import UNPLACED_REASONS, allocation_issues, overdue_issues, resource_issue
from pmo_xl.compute.loading_pieces import Pieces, plan_pieces, status_pieces
from pmo_xl.issues import Issue, Severity
from pmo_xl.model import Portfolio, Settings
from pmo_xl.parse.settings import status_date as effective_status_date

FAR = 10**9  # a day offset standing for "no availability limit"
_MARGIN = np.timedelta64(
    14, "D"
)  # room before the earliest date, so a status date has a working day before it


def counted_states(settings: Settings) -> tuple[str, ...]:
    """Allocation states counted as demand: Committed, plus Proposed when Settings say so."""
    return ("Committed", "Proposed") if settings.include_proposed else ("Committed",)


def _column(frame: pd.DataFrame, name: str, dtype: str = "object") -> pd.Series:
    """A register column, or an empty one of the right length when the column is absent."""
    if name in frame.columns:
        return frame[name]
    return pd.Series(
        np.full(len(frame), np.nan if dtype == "float" else None, dtype=object), index=frame.index
    )


def _days(series: pd.Series) -> np.ndarray:
    return pd.to_datetime(series, errors="coerce").to_numpy().astype("datetime64[D]")


def _numbers(series: pd.Series) -> np.ndarray:
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64)


def _keys(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(key, display) per value: compare case- and space-insensitively, show the first spelling."""
    codes, uniques = pd.factorize(series.to_numpy(dtype=object), use_na_sentinel=True)
    keys = np.array([calendar_key(u) for u in uniques] + [""], dtype=object)
    display = np.array([str(u).strip() for u in uniques] + [""], dtype=object)
    codes = np.where(codes < 0, len(uniques), codes)
    return keys[codes], display[codes]


class _Rows:
    """Column arrays of a register at some row positions (the counted allocations).

    Gathers each column once instead of copying the whole filtered frame.
    """

    def __init__(self, frame: pd.DataFrame, positions: np.ndarray) -> None:
        self.frame = frame
        self.positions = positions

    def __len__(self) -> int:
        return len(self.positions)

    def objects(self, name: str) -> np.ndarray:
        if name not in self.frame.columns:
            return np.full(len(self.positions), None, dtype=object)
        return self.frame[name].to_numpy(dtype=object)[self.positions]

    def days(self, name: str) -> np.ndarray:
        if name not in self.frame.columns:
            return np.full(len(self.positions), np.datetime64("NaT"), dtype="datetime64[D]")
        values = self.frame[name].to_numpy()[self.positions]
        if not np.issubdtype(values.dtype, np.datetime64):
            values = pd.to_datetime(pd.Series(values), errors="coerce").to_numpy()
        return values.astype("datetime64[D]")

    def numbers(self, name: str) -> np.ndarray:
        if name not in self.frame.columns:
            return np.full(len(self.positions), np.nan)
        return pd.to_numeric(self.frame[name], errors="coerce").to_numpy(dtype=np.float64)[self.positions]


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
    ids = _column(frame, "resource_id")
    frame = frame[ids.notna() & ~ids.duplicated()]
    role_keys, roles = _keys(_column(frame, "role"))
    weekly = _numbers(_column(frame, "hours_per_week", "float"))
    fte = _numbers(_column(frame, "fte", "float"))
    weekly = np.where(np.isnan(weekly), np.where(np.isnan(fte), 1.0, fte) * settings.hours_per_week, weekly)
    non_project = np.clip(np.nan_to_num(_numbers(_column(frame, "non_project", "float"))), 0.0, 1.0)
    names = _column(frame, "calendar").to_numpy(dtype=object)
    name_codes, name_uniques = pd.factorize(names)  # a handful of calendars, looked up once each
    calendar = np.array([cals.index_of(n) for n in name_uniques] + [0], dtype=np.int64)[name_codes]
    start = _days(_column(frame, "available_from"))
    stop = _days(_column(frame, "available_to"))
    offset_from = np.where(np.isnat(start), -FAR, (start - cals.origin).astype(np.int64))
    offset_to = np.where(np.isnat(stop), FAR, (stop - cals.origin).astype(np.int64))
    teams = _column(frame, "team").to_numpy(dtype=object)
    rows = _column(frame, "_row", "float").to_numpy()
    issues: list[Issue] = []
    known = _holiday_calendars(settings) | {calendar_key(settings.default_calendar), ""}
    unknown = np.array([calendar_key(n) not in known for n in name_uniques] + [False], dtype=bool)[name_codes]
    for row, name in zip(rows[unknown], names[unknown], strict=True):
        message = f"Calendar '{name}' has no holidays in Settings; only weekends are non-working days for this resource."
        issues.append(resource_issue("unknown-calendar", Severity.WARNING, row, "calendar", name, message))
    resources = Resources(
        ids=frame["resource_id"].to_numpy(dtype=object),
        names=_column(frame, "name").to_numpy(dtype=object),
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


@dataclass
class Demand:
    """Everything the loading needs: calendars, resources, demand rows, allocations and pieces.

    Demand rows are the resources (0..R-1) followed by one row per generic role (R..). Each
    allocation array has one entry per counted allocation row.
    """

    cals: CalendarSet
    resources: Resources
    role_rows: np.ndarray  # display name of each generic-role row
    role_row_keys: np.ndarray
    row_calendar: np.ndarray
    project: np.ndarray  # project_id per allocation
    project_code: np.ndarray  # index into project_ids per allocation
    project_ids: np.ndarray  # distinct project IDs, sorted
    row: np.ndarray  # demand row per allocation (-1: not placeable)
    calendar: np.ndarray
    role_id: np.ndarray  # the role the demand counts against (the resource's for named ones); -1: none
    role_keys: np.ndarray  # role table: comparison key of each role id
    role_names: np.ndarray  # and the name shown (the first spelling in Resources)
    effort: np.ndarray
    excel_rows: np.ndarray
    pieces: Pieces
    unplaced: pd.DataFrame
    issues: list[Issue] = field(default_factory=list)
    first_day: np.datetime64 | None = None  # first and last day carrying demand
    last_day: np.datetime64 | None = None


def _horizon(
    start: np.ndarray, finish: np.ndarray, status: np.datetime64 | None
) -> tuple[np.datetime64, np.datetime64]:
    """Calendar axis covering every allocation, the status date, and re-spread room after it."""
    ok = ~np.isnat(start) & ~np.isnat(finish)
    candidates_lo = [start[ok].min()] if ok.any() else []
    candidates_hi = [finish[ok].max(), start[ok].max()] if ok.any() else []
    extra = np.timedelta64(0, "D")
    if status is not None:
        candidates_lo.append(status)
        candidates_hi.append(status)
        late = ok & (finish <= status)
        if late.any():
            # Overdue work goes over at most the allocation's own working days after the status date.
            extra = (np.max(finish[late] - start[late]) * 3) // 2 + np.timedelta64(31, "D")
    if not candidates_lo:
        today = np.datetime64(dt.date.today(), "D") if status is None else status
        return today - _MARGIN, today + _MARGIN
    hi = max(candidates_hi) if candidates_hi else min(candidates_lo)
    return min(candidates_lo) - _MARGIN, max(hi, min(candidates_lo)) + extra + _MARGIN


def prepare_demand(
    portfolio: Portfolio, states: Sequence[str], span: tuple[np.datetime64, np.datetime64] | None = None
) -> Demand:
    """Resources, calendars and the pieces of every allocation in one of `states`.

    `span` (first, last day) widens the calendar axis beyond the allocations, for capacity asked
    over a given range.
    """
    settings = portfolio.settings
    resources_frame = portfolio.registers.get("Resources", pd.DataFrame())
    frame = portfolio.registers.get("Allocations", pd.DataFrame())
    wanted = {calendar_key(s) for s in states}
    state_codes, state_uniques = pd.factorize(_column(frame, "state").to_numpy(dtype=object))
    counted = np.array([calendar_key(u) in wanted for u in state_uniques] + [False], dtype=bool)
    rows = _Rows(frame, np.flatnonzero(counted[state_codes]))
    start = rows.days("start")
    finish = rows.days("finish")
    # Blank status date: the end of the latest month with progress, as everywhere else.
    progress = portfolio.registers.get("Progress")
    day = settings.status_date if progress is None else effective_status_date(settings, progress)
    status = None if day is None else np.datetime64(pd.Timestamp(day).date(), "D")
    first, last = _horizon(start, finish, status)
    if span is not None:
        first, last = min(first, span[0]), max(last, span[1])
    # Whole periods of every grain: a week can start in the quarter before.
    first = period_floor(np.array([first]), "quarter")[0] - 7 * DAY
    last = (period_floor(np.array([last]), "quarter")[0].astype("datetime64[M]") + 3).astype(
        "datetime64[D]"
    ) + 7 * DAY
    cals = build_calendars(
        first,
        last,
        settings.holidays,
        names=list(_column(resources_frame, "calendar")),
        default=settings.default_calendar,
    )
    resources, issues = read_resources(resources_frame, cals, settings)

    resource_id = rows.objects("resource_id")
    # One factorize per column; the few distinct values are then looked up, not every row.
    id_codes, id_uniques = pd.factorize(resource_id)
    id_present = np.array([isinstance(u, str) and bool(u.strip()) for u in id_uniques] + [False], dtype=bool)
    id_index = np.append(pd.Index(resources.ids).get_indexer(np.asarray(id_uniques, dtype=object)), -1)
    named = id_present[id_codes]
    index = np.where(named, id_index[id_codes], -1)
    role_codes, role_uniques = pd.factorize(rows.objects("role"))
    alloc_role_keys = np.array([calendar_key(u) for u in role_uniques] + [""], dtype=object)
    alloc_role_names = np.array([str(u).strip() for u in role_uniques] + [""], dtype=object)
    generic = ~named & (alloc_role_keys[role_codes] != "")
    # The role table: every role a resource holds, then roles only generic demand asks for.
    role_keys = list(dict.fromkeys([*resources.role_keys, *alloc_role_keys[np.unique(role_codes[generic])]]))
    role_of_key = {k: i for i, k in enumerate(role_keys)}
    role_names = dict(
        zip(resources.role_keys[::-1], resources.roles[::-1], strict=True)
    )  # first spelling wins
    for key, name in zip(alloc_role_keys, alloc_role_names, strict=True):
        role_names.setdefault(key, name)
    resource_role = np.array([role_of_key[k] for k in resources.role_keys], dtype=np.int64)
    alloc_role = np.array([role_of_key.get(k, -1) for k in alloc_role_keys], dtype=np.int64)
    n_res = len(resources)
    role_id = np.where(
        index >= 0, resource_role[np.maximum(index, 0)] if n_res else -1, alloc_role[role_codes]
    )
    generic_roles, generic_row = np.unique(role_id[generic], return_inverse=True)
    row = np.full(len(rows), -1, dtype=np.int64)
    row[named] = index[named]
    row[generic] = n_res + generic_row
    calendar = np.where(index >= 0, resources.calendar[np.maximum(index, 0)] if n_res else 0, 0)

    dated = ~np.isnat(start) & ~np.isnat(finish)
    s_day = np.where(dated, (start - cals.origin).astype(np.int64), 0).clip(0, cals.n_days - 1)
    f_day = np.where(dated, (finish - cals.origin).astype(np.int64), -1).clip(-1, cals.n_days - 1)
    a = cals.cum[calendar, s_day]
    n = np.maximum(cals.cum[calendar, f_day + 1] - a, 0)
    n = np.where(dated, n, 0)
    day_hours = np.where(
        index >= 0, resources.daily[np.maximum(index, 0)] if n_res else 0.0, settings.hours_per_day
    )
    effort_hours = rows.numbers("effort_hours")
    fte = rows.numbers("fte")
    effort = np.where(~np.isnan(effort_hours), effort_hours, np.nan_to_num(fte) * day_hours * n)
    effort = np.maximum(np.nan_to_num(effort), 0.0)
    profile = profile_indexes(rows.objects("profile"))
    excel_rows = rows.numbers("_row")

    reasons = np.zeros(len(rows), dtype=np.int8)  # index into UNPLACED_REASONS; 0: placed
    for code, cause in enumerate(
        (named & (index < 0), ~named & ~generic, ~dated, n == 0), start=1
    ):  # the first reason that applies is the one reported
        reasons[(reasons == 0) & cause] = code
    unplaced_mask = reasons > 0
    row[unplaced_mask] = -1
    issues += allocation_issues(frame, rows.positions, reasons, effort, profile)
    unplaced = pd.DataFrame(
        {
            "row": excel_rows[unplaced_mask],
            "project_id": rows.objects("project_id")[unplaced_mask],
            "resource_id": resource_id[unplaced_mask],
            "role": alloc_role_names[role_codes][unplaced_mask],
            "hours": effort[unplaced_mask],
            "reason": np.asarray(UNPLACED_REASONS, dtype=object)[reasons[unplaced_mask]],
        }
    )
    profile = np.where(profile < 0, FLAT, profile)
    placed = np.flatnonzero(~unplaced_mask)
    actual = rows.numbers("actual_hours")
    if status is None:
        pieces = plan_pieces(placed, effort, a, n, profile)
        overdue = np.zeros(0, dtype=np.int64)
    else:
        k = cals.cum[calendar, int((status - cals.origin) / DAY) + 1]
        pieces, overdue = status_pieces(placed, effort, a, n, profile, actual, k, cals.cum[calendar, -1])
    issues += overdue_issues(frame, rows.positions, overdue, effort, actual, status)
    project = rows.objects("project_id")
    project_code, project_ids = pd.factorize(project, sort=True, use_na_sentinel=False)
    demand = Demand(
        cals=cals,
        resources=resources,
        role_rows=np.array([role_names[role_keys[r]] for r in generic_roles], dtype=object),
        role_row_keys=np.array([role_keys[r] for r in generic_roles], dtype=object),
        row_calendar=np.concatenate([resources.calendar, np.zeros(len(generic_roles), dtype=np.int64)]),
        project=project,
        project_code=project_code,
        project_ids=np.asarray(project_ids, dtype=object),
        row=row,
        calendar=calendar,
        role_id=role_id,
        role_keys=np.array(role_keys, dtype=object),
        role_names=np.array([role_names[k] for k in role_keys], dtype=object),
        effort=effort,
        excel_rows=excel_rows,
        pieces=pieces,
        unplaced=unplaced,
        issues=issues,
    )
    _set_span(demand)
    return demand


def _set_span(demand: Demand) -> None:
    """First and last day that carry demand, from the pieces' working-index ranges."""
    p = demand.pieces
    keep = (p.hi > p.lo) & (p.hours != 0)
    if not keep.any():
        return
    cals = demand.cals
    n_cal = len(cals.names)
    cal = demand.calendar[p.alloc[keep]]
    lowest = np.full(n_cal, np.inf)
    highest = np.full(n_cal, -np.inf)
    np.minimum.at(lowest, cal, p.lo[keep])
    np.maximum.at(highest, cal, p.hi[keep])
    days, last_days = [], []
    for c in np.flatnonzero(np.isfinite(lowest)):  # a loop over calendars, not pieces
        working = np.flatnonzero(cals.working[c])
        days.append(working[min(int(lowest[c]), len(working) - 1)])
        last_days.append(working[min(int(np.ceil(highest[c])) - 1, len(working) - 1)])
    demand.first_day = cals.origin + int(min(days)) * DAY
    demand.last_day = cals.origin + int(max(last_days)) * DAY
