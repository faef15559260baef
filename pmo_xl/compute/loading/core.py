"""Resource capacity and loading: demand against capacity per resource, role, team and project.

`compute_loading` spreads every counted allocation over its working days (calendar, holidays,
work contour, remaining effort from the status date) and sums demand and capacity per period
of the chosen grain. Utilisation is demand / capacity; above Settings.overload_threshold (by at
least 0.01 h, tables.HOURS_TOLERANCE: float sums of shares land a hair off) is
over-allocation (each listed with the projects that cause it), below
Settings.underuse_threshold under-use. A period where a resource has no capacity (outside its
availability, or zero hours) has no utilisation (empty, never a division by zero); demand there
is listed as over-allocation with the note "no capacity".

Remaining effort: with a status date (Settings, or the end of the latest month with progress)
and actual hours, the hours done sit before the status date in the plan's shape, the rest
(effort − actual) after it in the plan's shape; an allocation whose finish has passed with hours
left gets them flat over the next working days at its planned pace (an `allocation-overdue`
warning says so). Without actual hours the plan stands. See `loading_pieces.status_pieces`.

Which allocations count: Committed ones, Proposed ones too when Settings.include_proposed,
never Draft. Effort is `effort_hours`, else `fte` × the resource's project hours per working day
(its weekly hours / 5 × (1 − non-project share)) × the working days, or × the standard day
(Settings.hours_per_week / 5) for a generic role. Hours that cannot be placed (no working day
between start and finish, unknown resource) are reported in `unplaced` and as issues, never
dropped silently.

`monthly_role_demand` and `monthly_role_capacity` give the same figures per project, role and
month for portfolio selection.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

import numpy as np
import pandas as pd

from pmo_xl.compute.loading.causes import CellCauses
from pmo_xl.compute.loading.demand import Demand, counted_states, prepare_demand
from pmo_xl.compute.loading.grid import Grouping, PeriodGrid, build_grid, capacity_hours, spread_pieces
from pmo_xl.compute.loading.resources import Resources
from pmo_xl.compute.loading.tables import (
    group_table,
    heatmap_table,
    overallocated_cells,
    overallocation_table,
    resource_table,
    underuse_table,
)
from pmo_xl.compute.time.calendar import calendar_key, normalise_grain
from pmo_xl.gc_pause import without_cycle_collection
from pmo_xl.issues import Issue
from pmo_xl.model import Portfolio
from pmo_xl.schema.registers import ALLOCATION_STATES

__all__ = ["ON_REQUEST", "LoadingResult", "compute_loading", "monthly_overallocations", "monthly_role_capacity", "monthly_role_demand"]

# `compute_loading(..., causes=ON_REQUEST)`: the causes are worked out for the rows a caller asks
# for (`LoadingResult.causes_for`), not for every over-allocated cell of the plan.
ON_REQUEST: Final = "on request"


@dataclass
class LoadingResult:
    """Loading figures for the report's Resources sheet and the workbook.

    - `periods`: first day of each period (datetime.date), in order.
    - `resource_load`: one row per resource and period: resource_id, name, role, team, period,
      demand_hours, capacity_hours, utilisation (NaN when there is no capacity).
    - `heatmap`: resource × period utilisation; index resource_id, columns name, role, team, then
      one column per period (Timestamp).
    - `by_role`: role, period, demand, capacity, utilisation, generic_demand (the part of demand
      from allocations to the role rather than to a person).
    - `by_team`: team, period, demand, capacity, utilisation (people with no team: "(no team)").
    - `by_project`: project_id, period, demand_hours (periods with demand only); worked out
      when first read (a spread of its own; nothing in the report reads it).
    - `overallocations`: resource_id, name, role, team, period, utilisation, demand_hours,
      capacity_hours, excess_hours, causes ("PRJ-004 62 h, PRJ-011 40 h"), note.
    - `underused`: resource_id, name, role, team, period, utilisation, demand_hours, capacity_hours.
    - `unplaced`: allocations whose hours could not be placed: row, project_id, resource_id,
      role, hours, reason; `unplaced_hours` is their total.

    Periods are datetime64 (period starts). In resource_load, overallocations and underused the
    label columns (resource_id, name, role, team) are categoricals (see `loading_tables`). Rows
    of overallocations and underused are ordered by period, then worst first.
    """

    grain: str
    periods: list[dt.date]
    resource_load: pd.DataFrame
    heatmap: pd.DataFrame
    by_role: pd.DataFrame
    by_team: pd.DataFrame
    overallocations: pd.DataFrame
    underused: pd.DataFrame
    unplaced_hours: float
    unplaced: pd.DataFrame = field(default_factory=pd.DataFrame)
    overload_threshold: float = 1.0
    underuse_threshold: float = 0.5
    # With causes=ON_REQUEST: what working out the causes needs (the demand and its grid), for `causes_for`.
    cell_causes: CellCauses | None = field(default=None, repr=False, compare=False)
    # What `by_project` is worked out from when first read (`_by_project` and its inputs).
    project_spread: Callable[[], pd.DataFrame] | None = field(default=None, repr=False, compare=False)

    @functools.cached_property
    def by_project(self) -> pd.DataFrame:
        """project_id, period, demand_hours (periods with demand only), worked out the first
        time it is read: each sum is its own, so the figures are those of a spread by resource
        and by project together."""
        if self.project_spread is None:
            return pd.DataFrame({"project_id": np.zeros(0, dtype=object), "period": np.zeros(0, dtype="datetime64[ns]"),
                                 "demand_hours": np.zeros(0)})  # fmt: skip
        return self.project_spread()

    def causes_for(self, rows: np.ndarray) -> np.ndarray:
        """The causes of the over-allocations at positions `rows` of `overallocations`, in that
        order: worked out now for just these cells when the loading was computed with
        causes=ON_REQUEST (the very texts a computation of every cell gives them, see
        `causes.causes_of`), else read from the table's `causes` column ("" without causes)."""
        if self.cell_causes is None:
            return self.overallocations["causes"].to_numpy(dtype=object)[np.asarray(rows, dtype=np.intp)]
        return self.cell_causes.texts(rows)


def _grid(demand: Demand, grain: str) -> PeriodGrid | None:
    if demand.first_day is None or demand.last_day is None:
        return None
    return build_grid(demand.cals, demand.first_day, demand.last_day, grain)


def _pair_grouping(demand: Demand, grid: PeriodGrid, key: np.ndarray) -> tuple[Grouping, np.ndarray]:
    """A grouping of the allocations by `key` (per allocation, 0..n-1), for `spread_pieces`.

    The engine needs each row on one calendar, so rows are (key, calendar) pairs; the second
    value gives each row's key, to sum the rows back to keys with `_group_rows`.
    """
    n_cal = len(demand.cals.names)
    pair_codes, pairs = pd.factorize(key.astype(np.int64) * n_cal + demand.calendar)
    pairs = np.asarray(pairs, dtype=np.int64)
    return Grouping(grid, pair_codes, pairs % n_cal), pairs // n_cal


def _group_rows(codes: np.ndarray, n_groups: int, values: np.ndarray) -> np.ndarray:
    """Sum the rows of `values` by group code (rows sorted by code, then `np.add.reduceat`)."""
    total = np.zeros((n_groups, values.shape[1]))
    if len(codes) == 0:
        return total
    order = np.argsort(codes, kind="stable")
    codes = codes[order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    total[codes[starts]] = np.add.reduceat(values[order], starts, axis=0)
    return total


@without_cycle_collection  # a plan's overdue issues are tens of thousands of objects, in no cycle
def compute_loading(
    portfolio: Portfolio, grain: str | None = None, causes: bool | Literal["on request"] = True
) -> tuple[LoadingResult, list[Issue]]:
    """Demand, capacity and utilisation per resource, role, team and project per period.

    `grain` is Day, Week, Month or Quarter (any case); None takes Settings.loading_grain.
    `causes=False` leaves the `causes` column of the over-allocations empty: naming the
    projects behind every over-allocated cell is the costliest part of a large plan (it grows
    with allocations × over-allocated periods), and callers that never show it can skip it.
    `causes=ON_REQUEST` leaves the column empty too, and keeps what the causes need, so that a
    caller that shows some of the cells asks for theirs (`LoadingResult.causes_for`): the
    report lists three months of a plan that may span years.
    """
    settings = portfolio.settings
    grain = normalise_grain(grain or settings.loading_grain)
    spread = _spread(portfolio, grain)
    demand, grid, res, grid_periods, starts = spread.demand, spread.grid, spread.resources, spread.periods, spread.starts
    load, cap, generic = spread.load, spread.capacity, spread.generic
    over_t, under_t = settings.overload_threshold, settings.underuse_threshold
    resource_load = resource_table(res, starts, load, cap)
    over = overallocated_cells(load, cap, over_t)
    result = LoadingResult(
        grain=grain.capitalize(),
        periods=grid_periods,
        resource_load=resource_load,
        heatmap=heatmap_table(res, starts, load, cap),
        by_role=group_table(
            "role",
            res.role_keys,
            res.roles,
            starts,
            load,
            cap,
            generic=(demand.role_row_keys, demand.role_rows, generic),
        ),
        by_team=group_table(
            "team",
            *_team_labels(res.teams),
            starts,
            load,
            cap,
        ),
        overallocations=overallocation_table(demand, grid if causes != ON_REQUEST and causes else None, res, starts, load, cap, over),
        underused=underuse_table(res, starts, load, cap, under_t),
        unplaced_hours=float(demand.unplaced["hours"].sum()),
        unplaced=demand.unplaced,
        overload_threshold=over_t,
        underuse_threshold=under_t,
        cell_causes=CellCauses(demand, grid, *over, load.shape) if causes == ON_REQUEST and grid is not None else None,
        project_spread=functools.partial(_by_project, demand, grid, starts),
    )
    return result, demand.issues


def _team_labels(teams: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(comparison key, name shown) of each resource's team, worked out once per distinct team
    (thousands of people, tens of teams); no team is "(no team)"."""
    codes, distinct = pd.factorize(teams, use_na_sentinel=True)
    distinct = list(distinct) + [None]  # code -1: no team
    keys = np.array([calendar_key(t) for t in distinct], dtype=object)
    names = np.array([t if t else "(no team)" for t in distinct], dtype=object)
    return keys[codes], names[codes]


def _by_project(demand: Demand, grid: PeriodGrid | None, starts: np.ndarray) -> pd.DataFrame:
    """Hours per project and period: the counted allocations spread by project (the same steps,
    in the same order, as by resource: `spread_pieces` adds each grouping on its own)."""
    projects, hours = np.zeros(0, dtype=object), np.zeros((0, 0))
    if grid is not None:
        grouping, project_of_row = _pair_grouping(demand, grid, demand.project_code)
        spread_pieces(grid, demand.pieces, demand.calendar, (grouping,))
        projects = demand.project_ids
        hours = _group_rows(project_of_row, len(projects), grouping.hours())
    return _project_table(projects, starts, hours)


@dataclass
class _Spread:
    """The counted allocations spread over the periods of a grain: hours per resource (`load`),
    per generic role row; capacity per resource."""

    demand: Demand
    grid: PeriodGrid | None
    resources: Resources
    periods: list[dt.date]
    starts: np.ndarray  # datetime64[ns] period starts
    load: np.ndarray
    capacity: np.ndarray
    generic: np.ndarray


def _spread(portfolio: Portfolio, grain: str) -> _Spread:
    """Demand and capacity per resource and period."""
    demand = prepare_demand(portfolio, counted_states(portfolio.settings))
    grid = _grid(demand, grain)
    res = demand.resources
    grid_periods: list[dt.date] = [] if grid is None else [pd.Timestamp(d).date() for d in grid.starts]
    n_res = len(res)
    if grid is not None:
        by_row = Grouping(grid, demand.row, demand.row_calendar)
        spread_pieces(grid, demand.pieces, demand.calendar, (by_row,))
        rows = by_row.hours()
        capacity = capacity_hours(
            demand.cals, grid, res.calendar, res.daily, res.available_from, res.available_to
        )
    else:
        rows = np.zeros((n_res + len(demand.role_rows), 0))
        capacity = np.zeros((n_res, 0))
    starts = np.asarray([np.datetime64(d, "ns") for d in grid_periods], dtype="datetime64[ns]")
    return _Spread(demand, grid, res, grid_periods, starts, rows[:n_res], capacity, rows[n_res:])


def monthly_overallocations(portfolio: Portfolio) -> pd.DataFrame:
    """`compute_loading(portfolio, grain="Month", causes=False).overallocations`, without the
    other tables (what-if scenarios compare only the over-allocations)."""
    spread = _spread(portfolio, "month")
    cells = overallocated_cells(spread.load, spread.capacity, portfolio.settings.overload_threshold)
    return overallocation_table(spread.demand, None, spread.resources, spread.starts, spread.load, spread.capacity, cells)


def _project_table(projects: np.ndarray, starts: np.ndarray, hours: np.ndarray) -> pd.DataFrame:
    i, p = np.nonzero(hours)
    return pd.DataFrame({"project_id": projects[i], "period": starts[p], "demand_hours": hours[i, p]})


def monthly_role_demand(
    portfolio: Portfolio, states: Sequence[str] = ALLOCATION_STATES, prepared: Demand | None = None
) -> pd.DataFrame:
    """Hours each project needs of each role per month: project_id, role, period, hours.

    For portfolio selection, so every allocation state counts by default (a candidate project's
    allocations are often still Draft); pass `states` to narrow. A named resource's hours count
    against the resource's role (from Resources); generic allocations against their own role.
    Spread exactly as in `compute_loading` (calendars, contours, remaining effort). Rows with
    hours only; period is the first day of the month (datetime64). `prepared`: the allocations
    already prepared in `states` (`prepare_demand(portfolio, states)`), so that a caller that
    also wants the capacity prepares them once.
    """
    demand = prepared if prepared is not None else prepare_demand(portfolio, states)
    grid = _grid(demand, "month")
    columns = {"project_id": [], "role": [], "period": np.array([], dtype="datetime64[ns]"), "hours": []}
    if grid is None:
        return pd.DataFrame(columns)
    n_roles = len(demand.role_keys) + 1  # role id -1 (unplaced rows, no pieces) goes last
    role_codes = np.where(demand.role_id < 0, n_roles - 1, demand.role_id)
    key_codes, keys = pd.factorize(demand.project_code.astype(np.int64) * n_roles + role_codes)
    grouping, key_of_row = _pair_grouping(demand, grid, key_codes)
    spread_pieces(grid, demand.pieces, demand.calendar, (grouping,))
    hours = _group_rows(key_of_row, len(keys), grouping.hours())
    keys = np.asarray(keys, dtype=np.int64)
    role_names = np.append(demand.role_names, None)
    i, p = np.nonzero(hours > 1e-9)
    project, role = keys[i] // n_roles, keys[i] % n_roles
    # Sorted by project ID, role name, month with integer codes (project codes follow the
    # sorted IDs; role names are ranked once), not by comparing a million strings.
    role_rank = np.argsort(np.argsort(role_names.astype(str), kind="stable"), kind="stable")
    order = np.lexsort((p, role_rank[role], project))
    return pd.DataFrame(
        {
            "project_id": demand.project_ids[project[order]],
            "role": role_names[role[order]],
            "period": grid.starts[p[order]].astype("datetime64[ns]"),
            "hours": hours[i[order], p[order]],
        }
    )


def monthly_role_capacity(
    portfolio: Portfolio, first: dt.date | None = None, last: dt.date | None = None, prepared: Demand | None = None
) -> pd.DataFrame:
    """Project hours each role can give per month: role, period, hours.

    The sum over the people of the role of their capacity (calendar, holidays, availability,
    part time, non-project share). Months from `first` to `last`; by default the months of
    `monthly_role_demand` (every allocation state), so the two line up. `prepared`: every
    allocation state already prepared (`prepare_demand(portfolio, ALLOCATION_STATES)`, the
    preparation `monthly_role_demand` uses), when no `first` and `last` ask for a wider span.
    """
    span = None
    if first is not None and last is not None:
        span = (np.datetime64(first, "D"), np.datetime64(last, "D"))
    share = prepared is not None and first is None and last is None
    demand = prepared if share else prepare_demand(portfolio, ALLOCATION_STATES, span=span)
    lo = np.datetime64(first, "D") if first is not None else demand.first_day
    hi = np.datetime64(last, "D") if last is not None else demand.last_day
    columns = {"role": [], "period": np.array([], dtype="datetime64[ns]"), "hours": []}
    if lo is None or hi is None or len(demand.resources) == 0 or hi < lo:
        return pd.DataFrame(columns)
    if span is None and (first is not None or last is not None):
        demand = prepare_demand(portfolio, ALLOCATION_STATES, span=(lo, hi))
    grid = build_grid(demand.cals, lo, hi, "month")
    res = demand.resources
    cap = capacity_hours(demand.cals, grid, res.calendar, res.daily, res.available_from, res.available_to)
    codes, uniques = pd.factorize(res.role_keys)
    total = np.zeros((len(uniques), grid.n_periods))
    np.add.at(total, codes, cap)
    display = pd.Series(res.roles).groupby(codes).first().to_numpy()
    role = np.repeat(display, grid.n_periods)
    return pd.DataFrame(
        {
            "role": role,
            "period": np.tile(grid.starts.astype("datetime64[ns]"), len(uniques)),
            "hours": total.ravel(),
        }
    ).sort_values(["role", "period"], ignore_index=True)
