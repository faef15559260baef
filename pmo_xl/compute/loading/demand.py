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

from pmo_xl.compute.loading.issues import UNPLACED_REASONS, allocation_issues, overdue_issues
from pmo_xl.compute.loading.pieces import Pieces, plan_pieces, status_pieces
from pmo_xl.compute.loading.resources import Resources, column, read_resources
from pmo_xl.compute.time.calendar import DAY, CalendarSet, build_calendars, calendar_key, period_floor
from pmo_xl.compute.time.contours import FLAT, profile_indexes
from pmo_xl.issues import Issue
from pmo_xl.model import Portfolio, Settings
from pmo_xl.parse.settings import status_date as effective_status_date
from pmo_xl.schema.registers import PROFILES

# Room before the earliest date, so a status date always has a working day before it.
_MARGIN = np.timedelta64(14, "D")


def counted_states(settings: Settings) -> tuple[str, ...]:
    """Allocation states counted as demand: Committed, plus Proposed when Settings say so."""
    return ("Committed", "Proposed") if settings.include_proposed else ("Committed",)


class _Rows:
    """Column arrays of a register at some row positions (the counted allocations).

    Gathers each column once instead of copying the whole filtered frame.
    """

    def __init__(self, frame: pd.DataFrame, positions: np.ndarray) -> None:
        self.frame = frame
        self.positions = positions

    def __len__(self) -> int:
        return len(self.positions)

    def objects(self, name: str, at: np.ndarray | None = None) -> np.ndarray:
        """A column's values at the rows, or at the rows `at` selects (a mask or positions
        into them: the few unplaced rows, without gathering the whole column first)."""
        positions = self.positions if at is None else self.positions[at]
        if name not in self.frame.columns:
            return np.full(len(positions), None, dtype=object)
        return self.frame[name].to_numpy(dtype=object)[positions]

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
    if ok.all():  # every allocation dated (nearly always): no copies of the dates
        dated_start, dated_finish = start, finish
    else:
        dated_start, dated_finish = start[ok], finish[ok]
    candidates_lo = [dated_start.min()] if len(dated_start) else []
    candidates_hi = [dated_finish.max(), dated_start.max()] if len(dated_start) else []
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


def _calendar_axis(
    start: np.ndarray,
    finish: np.ndarray,
    status: np.datetime64 | None,
    span: tuple[np.datetime64, np.datetime64] | None,
    settings: Settings,
    resources_frame: pd.DataFrame,
) -> CalendarSet:
    """Calendars over every allocation, the status date and `span`, widened to whole periods."""
    first, last = _horizon(start, finish, status)
    if span is not None:
        first, last = min(first, span[0]), max(last, span[1])
    # Whole periods of every grain: a week can start in the quarter before.
    first = period_floor(np.array([first]), "quarter")[0] - 7 * DAY
    quarter = period_floor(np.array([last]), "quarter")[0].astype("datetime64[M]")
    last = (quarter + 3).astype("datetime64[D]") + 7 * DAY
    names = list(pd.unique(column(resources_frame, "calendar").to_numpy(dtype=object)))  # in order, once each
    return build_calendars(first, last, settings.holidays, names=names, default=settings.default_calendar)


@dataclass
class _Owners:
    """Who each allocation's demand counts against: a resource, or a role (generic demand)."""

    named: np.ndarray  # a resource ID is given
    index: np.ndarray  # the resource's position (-1: none or unknown)
    generic: np.ndarray  # no resource, a role is given
    row: np.ndarray  # demand row: resource index, or n_resources + generic role row
    calendar: np.ndarray
    role_id: np.ndarray  # index into role_keys
    role_keys: list[str]
    role_names: dict[str, str]
    generic_roles: np.ndarray  # role id of each generic role row
    role_code: np.ndarray  # index into role_spelling (its last entry: blank) per allocation
    role_spelling: np.ndarray  # the role as typed on the allocation, once per distinct value

    def role_text(self, at: np.ndarray) -> np.ndarray:
        """The role as typed on the allocations `at` selects (only the few unplaced are asked)."""
        return self.role_spelling[self.role_code[at]]


def _is_given(value: object) -> bool:
    """A resource ID is given: text that is not blank."""
    return isinstance(value, str) and bool(value.strip())


def _resource_positions(rows: _Rows, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(named, index) per allocation: a resource ID is given, and the resource's position
    (-1: none given, or not in Resources).

    The register's whole ID column is looked up in an index of the Resources' IDs (unique:
    read_resources keeps the first), in its own dtype, and the positions gathered at the rows:
    probing a table of thousands costs half a factorize of the million IDs (that builds a table
    of their own, and gathers them first), and equal text finds the same resource either way.
    Only the IDs not found (blank, or not in Resources: few) are factorized, to tell a blank
    from an unknown ID once per spelling.
    """
    found = pd.Index(ids).get_indexer(pd.Index(column(rows.frame, "resource_id")))[rows.positions]
    named = np.array([_is_given(u) for u in ids] + [False], dtype=bool)[found]  # found at a blank ID: none
    missing = np.flatnonzero(found < 0)
    codes, uniques = pd.factorize(rows.objects("resource_id", missing))
    named[missing] = np.array([_is_given(u) for u in uniques] + [False], dtype=bool)[codes]
    return named, np.where(named, found, -1)


def _role_codes(rows: _Rows) -> tuple[np.ndarray, np.ndarray]:
    """`pd.factorize` of the allocations' roles at the rows: a code per row (-1: blank) and the
    roles given, in order of first appearance.

    Only the rows with a role are gathered and factorized: most allocations name a person and
    leave the role blank (95% of bench_loading's), and finding the blanks (pandas' own test of
    a missing value, as factorize makes it) costs a third of factorizing them all.
    """
    given = np.flatnonzero(column(rows.frame, "role").notna().to_numpy()[rows.positions])
    codes = np.full(len(rows), -1, dtype=np.intp)
    codes[given], uniques = pd.factorize(rows.objects("role", given))
    return codes, uniques


def _owners(rows: _Rows, resources: Resources) -> _Owners:
    """Match allocations to resources and roles: each column hashed once, then the few
    distinct values are looked up, never every row."""
    named, index = _resource_positions(rows, resources.ids)
    role_codes, role_uniques = _role_codes(rows)
    alloc_keys = np.array([calendar_key(u) for u in role_uniques] + [""], dtype=object)
    alloc_names = np.array([str(u).strip() for u in role_uniques] + [""], dtype=object)
    generic = ~named & (alloc_keys != "")[role_codes]  # compared once per distinct role
    # The role table: every role a resource holds, then roles only generic demand asks for.
    role_keys = list(dict.fromkeys([*resources.role_keys, *alloc_keys[np.unique(role_codes[generic])]]))
    role_of_key = {k: i for i, k in enumerate(role_keys)}
    role_names = dict(
        zip(resources.role_keys[::-1], resources.roles[::-1], strict=True)
    )  # first spelling wins
    for key, name in zip(alloc_keys, alloc_names, strict=True):
        role_names.setdefault(key, name)
    resource_role = np.array([role_of_key[k] for k in resources.role_keys] + [-1], dtype=np.int64)
    alloc_role = np.array([role_of_key.get(k, -1) for k in alloc_keys], dtype=np.int64)
    role_id = np.where(index >= 0, resource_role[index], alloc_role[role_codes])
    generic_roles, generic_row = np.unique(role_id[generic], return_inverse=True)
    row = np.full(len(rows), -1, dtype=np.int64)
    row[named] = index[named]
    row[generic] = len(resources) + generic_row
    calendar = np.append(resources.calendar, 0)[index]  # generic demand: the default calendar
    return _Owners(named, index, generic, row, calendar, role_id, role_keys, role_names, generic_roles,
                   role_codes, alloc_names)  # fmt: skip


def _counted(state: pd.Series, states: Sequence[str]) -> np.ndarray:
    """Whether each allocation's state is one of `states`, compared as calendar names are.

    The states spelt exactly as `states` (nearly all) are found by a lookup in their index, in
    the column's own dtype: half the time of a factorize of the million. Only the others are
    factorized, to compare each distinct spelling once.
    """
    counted = pd.Index(list(dict.fromkeys(states))).get_indexer(pd.Index(state)) >= 0
    others = np.flatnonzero(~counted)
    codes, uniques = pd.factorize(state.to_numpy(dtype=object)[others])
    wanted = {calendar_key(s) for s in states}
    counted[others] = np.array([calendar_key(u) in wanted for u in uniques] + [False], dtype=bool)[codes]
    return counted


def _profiles(names: pd.Series) -> np.ndarray:
    """`profile_indexes` of a register's whole profile column, then gathered at the rows (cheaper
    than gathering a million texts first).

    The profiles spelt exactly as in PROFILES (nearly all) are found by a lookup of their
    index, in the column's own dtype: half the time of a factorize of the million. Only the
    others (blank, other spellings, not text) go through `profile_indexes`, once per distinct
    value. An exact spelling is its own profile, whatever `profile_index` accepts besides.
    """
    found = pd.Index(PROFILES).get_indexer(pd.Index(names))
    others = np.flatnonzero(found < 0)
    if len(others):
        found[others] = profile_indexes(names.to_numpy(dtype=object)[others])
    return found.astype(np.int64, copy=False)


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
    rows = _Rows(frame, np.flatnonzero(_counted(column(frame, "state"), states)))
    start = rows.days("start")
    finish = rows.days("finish")
    # Blank status date: the end of the latest month with progress, as everywhere else.
    progress = portfolio.registers.get("Progress")
    day = settings.status_date if progress is None else effective_status_date(settings, progress)
    status = None if day is None else np.datetime64(pd.Timestamp(day).date(), "D")
    cals = _calendar_axis(start, finish, status, span, settings, resources_frame)
    resources, issues = read_resources(resources_frame, cals, settings)
    who = _owners(rows, resources)
    named, index, generic, row, calendar = who.named, who.index, who.generic, who.row, who.calendar

    dated = ~np.isnat(start) & ~np.isnat(finish)
    s_day = np.where(dated, (start - cals.origin).astype(np.int64), 0).clip(0, cals.n_days - 1)
    f_day = np.where(dated, (finish - cals.origin).astype(np.int64), -1).clip(-1, cals.n_days - 1)
    a = cals.cum[calendar, s_day]
    n = np.maximum(cals.cum[calendar, f_day + 1] - a, 0)
    n = np.where(dated, n, 0)
    day_hours = np.append(resources.daily, settings.hours_per_day)[index]  # generic: the standard day
    effort_hours = rows.numbers("effort_hours")
    fte = rows.numbers("fte")
    effort = np.where(~np.isnan(effort_hours), effort_hours, np.nan_to_num(fte) * day_hours * n)
    if not np.isfinite(effort).all():  # blank or infinite: nan_to_num's figures (its five passes only then)
        effort = np.nan_to_num(effort)
    effort = np.maximum(effort, 0.0)
    profile = _profiles(column(frame, "profile"))[rows.positions]
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
            "project_id": rows.objects("project_id", unplaced_mask),
            "resource_id": rows.objects("resource_id", unplaced_mask),
            "role": who.role_text(unplaced_mask),
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
        # Per calendar, then per allocation: a gather from a few values, not from the whole table.
        k = cals.cum[:, int((status - cals.origin) / DAY) + 1][calendar]
        pieces, overdue = status_pieces(placed, effort, a, n, profile, actual, k, cals.cum[:, -1][calendar])
    issues += overdue_issues(frame, rows.positions, overdue, effort, actual, status)
    project = rows.objects("project_id")
    project_code, project_ids = _sorted_codes(project)
    demand = Demand(
        cals=cals,
        resources=resources,
        role_rows=np.array([who.role_names[who.role_keys[r]] for r in who.generic_roles], dtype=object),
        role_row_keys=np.array([who.role_keys[r] for r in who.generic_roles], dtype=object),
        row_calendar=np.concatenate([resources.calendar, np.zeros(len(who.generic_roles), dtype=np.int64)]),
        project=project,
        project_code=project_code,
        project_ids=np.asarray(project_ids, dtype=object),
        row=row,
        calendar=calendar,
        role_id=who.role_id,
        role_keys=np.array(who.role_keys, dtype=object),
        role_names=np.array([who.role_names[k] for k in who.role_keys], dtype=object),
        effort=effort,
        excel_rows=excel_rows,
        pieces=pieces,
        unplaced=unplaced,
        issues=issues,
    )
    _set_span(demand)
    return demand


def _sorted_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`pd.factorize(values, sort=True, use_na_sentinel=False)`, sorting only the distinct
    values: factorized in order of appearance, then the few distinct values factorized sorted
    (the same sort, so the same order) and the codes mapped through them; sorting inside the
    factorize of a million rows costs as much again as the factorize. Without missing values
    the codes of the plain factorize are the same and cost half (no null handling)."""
    codes, uniques = pd.factorize(values)
    if (codes < 0).any():  # missing values, a code of their own: pandas' slower path, only then
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
    rank, ordered = pd.factorize(uniques, sort=True, use_na_sentinel=False)
    return rank[codes], ordered


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
