"""Resource capacity and loading: demand against capacity per resource, role, team and project.

`compute_loading` spreads every counted allocation over its working days (calendar, holidays,
work contour, remaining effort from the status date) and sums demand and capacity per period
of the chosen grain. Utilisation is demand / capacity; above Settings.overload_threshold is
over-allocation (each listed with the projects that cause it), below
Settings.underuse_threshold under-use. A period where a resource has no capacity (outside its
availability, or zero hours) has no utilisation (empty, never a division by zero); demand there
is listed as over-allocation with the note "no capacity".

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
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pmo_xl.compute.calendar import calendar_key, normalise_grain
from pmo_xl.compute.contours import segment_steps
from pmo_xl.compute.loading_demand import Demand, counted_states, prepare_demand
from pmo_xl.compute.loading_grid import PeriodGrid, build_grid, capacity_hours, period_sums
from pmo_xl.compute.loading_tables import (
    group_table,
    heatmap_table,
    overallocation_table,
    resource_table,
    underuse_table,
)
from pmo_xl.issues import Issue
from pmo_xl.model import Portfolio
from pmo_xl.schema.registers import ALLOCATION_STATES

__all__ = ["LoadingResult", "compute_loading", "monthly_role_capacity", "monthly_role_demand"]


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
    - `by_project`: project_id, period, demand_hours (periods with demand only).
    - `overallocations`: resource_id, name, role, team, period, utilisation, demand_hours,
      capacity_hours, excess_hours, causes ("PRJ-004 62 h, PRJ-011 40 h"), note.
    - `underused`: resource_id, name, role, team, period, utilisation, demand_hours, capacity_hours.
    - `unplaced`: allocations whose hours could not be placed: row, project_id, resource_id,
      role, hours, reason; `unplaced_hours` is their total.
    """

    grain: str
    periods: list[dt.date]
    resource_load: pd.DataFrame
    heatmap: pd.DataFrame
    by_role: pd.DataFrame
    by_team: pd.DataFrame
    by_project: pd.DataFrame
    overallocations: pd.DataFrame
    underused: pd.DataFrame
    unplaced_hours: float
    unplaced: pd.DataFrame = field(default_factory=pd.DataFrame)
    overload_threshold: float = 1.0
    underuse_threshold: float = 0.5


def _steps(demand: Demand) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rate steps of every piece: (allocation index, working position, change in h/day)."""
    p = demand.pieces
    owner, position, change = segment_steps(p.hours, p.start, p.length, p.profile, p.lo, p.hi)
    return p.alloc[owner], position, change


def _grid(demand: Demand, grain: str) -> PeriodGrid | None:
    if demand.first_day is None or demand.last_day is None:
        return None
    return build_grid(demand.cals, demand.first_day, demand.last_day, grain)


def _sums_by(
    demand: Demand, grid: PeriodGrid, steps: tuple[np.ndarray, np.ndarray, np.ndarray], keys: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Hours per (key, period) for an arbitrary grouping key of the allocations.

    The engine needs each row on one calendar, so rows are (key, calendar) pairs, summed
    back to keys afterwards. Returns (unique keys, hours[n_keys, n_periods]).
    """
    alloc, position, change = steps
    n_cal = len(demand.cals.names)
    key_codes, uniques = pd.factorize(keys, use_na_sentinel=False)
    pair = key_codes[alloc].astype(np.int64) * n_cal + demand.calendar[alloc]
    pair_codes, pairs = pd.factorize(pair)
    hours = period_sums(grid, pair_codes, (pairs % n_cal).astype(np.int64), position, change)
    total = np.zeros((len(uniques), grid.n_periods))
    np.add.at(total, pairs // n_cal, hours)
    return np.asarray(uniques, dtype=object), total


def compute_loading(portfolio: Portfolio, grain: str | None = None) -> tuple[LoadingResult, list[Issue]]:
    """Demand, capacity and utilisation per resource, role, team and project per period.

    `grain` is Day, Week, Month or Quarter (any case); None takes Settings.loading_grain.
    """
    settings = portfolio.settings
    grain = normalise_grain(grain or settings.loading_grain)
    demand = prepare_demand(portfolio, counted_states(settings))
    grid = _grid(demand, grain)
    res = demand.resources
    grid_periods: list[dt.date] = [] if grid is None else [pd.Timestamp(d).date() for d in grid.starts]
    n_res = len(res)
    if grid is not None:
        steps = _steps(demand)
        rows = period_sums(grid, demand.row[steps[0]], demand.row_calendar, steps[1], steps[2])
        capacity = capacity_hours(
            demand.cals, grid, res.calendar, res.daily, res.available_from, res.available_to
        )
        projects, project_hours = _sums_by(demand, grid, steps, demand.project)
    else:
        rows = np.zeros((n_res + len(demand.role_rows), 0))
        capacity = np.zeros((n_res, 0))
        projects, project_hours = np.zeros(0, dtype=object), np.zeros((0, 0))
    load, cap = rows[:n_res], capacity
    generic = rows[n_res:]
    starts = np.asarray([np.datetime64(d, "ns") for d in grid_periods], dtype="datetime64[ns]")
    over_t, under_t = settings.overload_threshold, settings.underuse_threshold
    resource_load = resource_table(res, starts, load, cap)
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
            np.array([calendar_key(t) for t in res.teams], dtype=object),
            np.array([t if t else "(no team)" for t in res.teams], dtype=object),
            starts,
            load,
            cap,
        ),
        by_project=_project_table(projects, starts, project_hours),
        overallocations=overallocation_table(demand, grid, res, starts, load, cap, over_t),
        underused=underuse_table(res, starts, load, cap, under_t),
        unplaced_hours=float(demand.unplaced["hours"].sum()),
        unplaced=demand.unplaced,
        overload_threshold=over_t,
        underuse_threshold=under_t,
    )
    return result, demand.issues


def _project_table(projects: np.ndarray, starts: np.ndarray, hours: np.ndarray) -> pd.DataFrame:
    i, p = np.nonzero(hours)
    return pd.DataFrame({"project_id": projects[i], "period": starts[p], "demand_hours": hours[i, p]})


def monthly_role_demand(portfolio: Portfolio, states: Sequence[str] = ALLOCATION_STATES) -> pd.DataFrame:
    """Hours each project needs of each role per month: project_id, role, period, hours.

    For portfolio selection, so every allocation state counts by default (a candidate project's
    allocations are often still Draft); pass `states` to narrow. A named resource's hours count
    against the resource's role (from Resources); generic allocations against their own role.
    Spread exactly as in `compute_loading` (calendars, contours, remaining effort). Rows with
    hours only; period is the first day of the month (datetime64).
    """
    demand = prepare_demand(portfolio, states)
    grid = _grid(demand, "month")
    columns = {"project_id": [], "role": [], "period": np.array([], dtype="datetime64[ns]"), "hours": []}
    if grid is None:
        return pd.DataFrame(columns)
    steps = _steps(demand)
    project_codes, project_ids = pd.factorize(demand.project)
    role_codes, role_keys = pd.factorize(demand.role_key)
    key = project_codes.astype(np.int64) * max(len(role_keys), 1) + role_codes
    keys, hours = _sums_by(demand, grid, steps, key)
    keys = keys.astype(np.int64)
    display = dict(zip(demand.role_key, demand.role_display, strict=True))
    role_names = np.array([display.get(k, "") for k in role_keys], dtype=object)
    i, p = np.nonzero(hours > 1e-9)
    return pd.DataFrame(
        {
            "project_id": np.asarray(project_ids, dtype=object)[keys[i] // max(len(role_keys), 1)],
            "role": role_names[keys[i] % max(len(role_keys), 1)],
            "period": grid.starts[p].astype("datetime64[ns]"),
            "hours": hours[i, p],
        }
    ).sort_values(["project_id", "role", "period"], ignore_index=True)


def monthly_role_capacity(
    portfolio: Portfolio, first: dt.date | None = None, last: dt.date | None = None
) -> pd.DataFrame:
    """Project hours each role can give per month: role, period, hours.

    The sum over the people of the role of their capacity (calendar, holidays, availability,
    part time, non-project share). Months from `first` to `last`; by default the months of
    `monthly_role_demand` (every allocation state), so the two line up.
    """
    span = None
    if first is not None and last is not None:
        span = (np.datetime64(first, "D"), np.datetime64(last, "D"))
    demand = prepare_demand(portfolio, ALLOCATION_STATES, span=span)
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
