"""The tables of a loading result, built from the resource × period demand and capacity arrays.

In the long tables (one row per resource and period) the label columns resource_id, name,
role and team are pandas categoricals: a million rows then hold a million small integer codes
instead of a million strings. They compare, filter, group and write to Excel like text.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from pmo_xl.compute.loading.causes import causes_of
from pmo_xl.compute.loading.demand import Demand
from pmo_xl.compute.loading.grid import PeriodGrid
from pmo_xl.compute.loading.resources import Resources

# Hours are sums of floating-point shares of effort: 13 allocations of 176/13 h add up to
# 176.00000000000009 h. Over-allocated means more than capacity by at least this much, so a
# person planned at exactly 100 % is never listed (or counted) for an excess of 1e-13 h.
HOURS_TOLERANCE = 0.01


def utilisation(demand: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """demand / capacity, NaN where there is no capacity (undefined, not zero or infinite)."""
    out = np.full(np.shape(demand), np.nan)
    np.divide(demand, capacity, out=out, where=capacity > 0)
    return out


def _label(values: np.ndarray, r: np.ndarray) -> pd.Categorical:
    """A per-resource label repeated for cells of resources `r`, as a categorical: made per
    resource (a few thousand values at most), then taken at the cells, so the million codes are
    gathered in the categorical's own small integers (not gathered as int64, then checked and
    narrowed)."""
    codes, categories = pd.factorize(values)
    return pd.Categorical.from_codes(codes, categories=categories).take(r)


def stable_order(key: np.ndarray) -> np.ndarray:
    """`np.argsort(key, kind="stable")` for floats: numpy's fastest sort (its SIMD quicksort,
    2.5x faster on 400 k keys), then each run of equal keys (NaNs included) put back in the
    order given, by one sort of (run, position) codes: what a stable sort gives, exactly."""
    order = np.argsort(key)
    ordered = key[order]
    same = ordered[1:] == ordered[:-1]
    if ordered.dtype.kind == "f":
        nan = np.isnan(ordered)
        same |= nan[1:] & nan[:-1]
    if same.any():
        n = len(order)
        run = np.cumsum(np.r_[True, ~same]) - 1  # the run of equal keys of each place
        tied = np.zeros(n, dtype=bool)
        tied[1:] = same
        tied[:-1] |= same
        at = np.flatnonzero(tied)
        order[at] = np.sort(run[at] * n + order[at]) % n  # runs stay in place, sorted within
    return order


def by_period_then(key: np.ndarray, p: np.ndarray) -> np.ndarray:
    """The order of cells by period `p`, then by `key`, then as given: `np.lexsort((key, p))`
    in two stable passes, a comparison sort of the keys and a radix one of the periods (a
    lexsort of 400 k over-allocated cells takes 6x longer)."""
    order = stable_order(key)
    if len(p) and p.max() < 1 << 16:
        return order[np.argsort(p[order].astype(np.uint16), kind="stable")]
    return order[np.argsort(p[order], kind="stable")]


def cells_by_period(
    mask: np.ndarray, key_of: Callable[[np.ndarray, np.ndarray], np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """The cells of a resource × period `mask` as (resource, period) arrays, by period, then by
    `key_of(resource, period)`, then by resource: `by_period_then` of the cells in row-major order.

    The cells are listed period by period (the mask's transpose), so each period's run is sorted
    on its own: a few hundred sorts of a week's cells take less than one sort of them all (no
    period pass after). Where runs are short (many periods of few cells: days), one sort of all.
    """
    p, r = np.nonzero(np.ascontiguousarray(mask.T))  # by period, then by resource
    key = key_of(r, p)
    bounds = np.flatnonzero(np.r_[True, p[1:] != p[:-1], True]) if len(p) else np.zeros(1, dtype=np.intp)
    if len(p) < 256 * (len(bounds) - 1):
        order = by_period_then(key, p)
    else:
        order = np.empty(len(p), dtype=np.intp)
        for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
            order[a:b] = stable_order(key[a:b]) + a
    return r[order], p[order]


def _long(res: Resources, starts: np.ndarray, r: np.ndarray, p: np.ndarray) -> dict[str, object]:
    """The identifying columns of (resource, period) cells."""
    return {
        "resource_id": _label(res.ids, r),
        "name": _label(res.names, r),
        "role": _label(res.roles, r),
        "team": _label(res.teams, r),
        "period": starts[p],
    }


def resource_table(res: Resources, starts: np.ndarray, load: np.ndarray, cap: np.ndarray) -> pd.DataFrame:
    """One row per resource and period, every period (a full grid, for charts and pivots)."""
    n_res, n_periods = load.shape
    r = np.repeat(np.arange(n_res), n_periods)
    p = np.tile(np.arange(n_periods), n_res)
    columns = _long(res, starts, r, p)
    columns["demand_hours"] = load.ravel()
    columns["capacity_hours"] = cap.ravel()
    columns["utilisation"] = utilisation(load, cap).ravel()
    return pd.DataFrame(columns)


def heatmap_table(res: Resources, starts: np.ndarray, load: np.ndarray, cap: np.ndarray) -> pd.DataFrame:
    """Resource × period utilisation: index resource_id; name, role, team, then the periods."""
    labels = pd.DatetimeIndex(starts)
    frame = pd.DataFrame(utilisation(load, cap), index=pd.Index(res.ids, name="resource_id"), columns=labels)
    frame.insert(0, "team", res.teams)
    frame.insert(0, "role", res.roles)
    frame.insert(0, "name", res.names)
    return frame


def _group_sum(codes: np.ndarray, n_groups: int, values: np.ndarray) -> np.ndarray:
    if values.shape[1] == 0 or len(codes) == 0:
        return np.zeros((n_groups, values.shape[1]))
    summed = pd.DataFrame(values).groupby(codes).sum()
    out = np.zeros((n_groups, values.shape[1]))
    out[summed.index.to_numpy()] = summed.to_numpy()
    return out


def group_table(
    kind: str,
    keys: np.ndarray,
    display: np.ndarray,
    starts: np.ndarray,
    load: np.ndarray,
    cap: np.ndarray,
    generic: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> pd.DataFrame:
    """Demand and capacity of the people of each role or team per period.

    `keys` group the resources (compared case-insensitively), `display` names each group.
    `generic` = (role keys, role names, hours per period) adds the demand of allocations made to
    a role rather than a person: it counts against that role's capacity, and a role nobody
    holds appears with no capacity.
    """
    codes, uniques = pd.factorize(keys)
    names = list(pd.Series(display).groupby(codes).first()) if len(codes) else []
    group_keys = list(uniques)
    generic_rows = np.zeros(0, dtype=np.int64)
    if generic is not None:
        where = {k: i for i, k in enumerate(group_keys)}
        extra: list[int] = []
        for key, name in zip(generic[0], generic[1], strict=True):
            if key not in where:
                where[key] = len(group_keys)
                group_keys.append(key)
                names.append(name)
            extra.append(where[key])
        generic_rows = np.asarray(extra, dtype=np.int64)
    n_groups, n_periods = len(group_keys), load.shape[1]
    demand = _group_sum(codes, n_groups, load)
    capacity = _group_sum(codes, n_groups, cap)
    from_roles = np.zeros((n_groups, n_periods))
    if generic is not None and len(generic_rows):
        np.add.at(from_roles, generic_rows, generic[2])
        demand = demand + from_roles
    g = np.repeat(np.arange(n_groups), n_periods)
    p = np.tile(np.arange(n_periods), n_groups)
    columns = {
        kind: np.asarray(names, dtype=object)[g] if n_groups else np.zeros(0, dtype=object),
        "period": starts[p],
        "demand": demand.ravel(),
        "capacity": capacity.ravel(),
        "utilisation": utilisation(demand, capacity).ravel(),
    }
    if generic is not None:
        columns["generic_demand"] = from_roles.ravel()
    return pd.DataFrame(columns)


def overallocated_cells(load: np.ndarray, cap: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Every (resource, period) above the over-allocation threshold, as (resource, period)
    arrays in the order the over-allocation table lists them: by period, biggest excess first.

    Above the threshold means demand exceeds threshold × capacity by at least HOURS_TOLERANCE.
    A period with demand but no capacity is listed too (utilisation empty, note "no capacity").
    """
    with np.errstate(invalid="ignore"):
        # Rounded to a nanohour first, so an excess of exactly 0.01 h is not lost to the last bit.
        beyond = np.round(load - threshold * cap, 9) >= HOURS_TOLERANCE
        over = ((cap > 0) & beyond) | ((cap <= 0) & (np.round(load, 9) >= HOURS_TOLERANCE))
    # The cells are put in the table's order before its columns are made, so the table is
    # built once, not built and then copied in another order.
    return cells_by_period(over, lambda r, p: -(load[r, p] - cap[r, p]))


def overallocation_table(
    demand: Demand,
    grid: PeriodGrid | None,
    res: Resources,
    starts: np.ndarray,
    load: np.ndarray,
    cap: np.ndarray,
    cells: tuple[np.ndarray, np.ndarray],
) -> pd.DataFrame:
    """The over-allocated `cells` (`overallocated_cells`) with the projects causing each; no
    `grid`: causes left empty.

    `excess_hours` is demand − capacity: the hours to move to bring the resource back to 100%.
    """
    r, p = cells
    if grid is not None and len(r):
        causes = causes_of(demand, grid, r, p, load.shape)
    else:
        causes = np.full(len(r), "", dtype=object)
    columns = _long(res, starts, r, p)
    demand_hours, capacity = load[r, p], cap[r, p]
    columns["utilisation"] = utilisation(demand_hours, capacity)
    columns["demand_hours"] = demand_hours
    columns["capacity_hours"] = capacity
    columns["excess_hours"] = demand_hours - capacity
    columns["causes"] = causes
    columns["note"] = np.array(["no capacity", ""], dtype=object)[(capacity > 0).view(np.int8)]
    return pd.DataFrame(columns)


def underuse_table(
    res: Resources, starts: np.ndarray, load: np.ndarray, cap: np.ndarray, threshold: float
) -> pd.DataFrame:
    """Every (resource, period) with capacity and utilisation below the under-use threshold."""
    util = utilisation(load, cap)
    with np.errstate(invalid="ignore"):
        under = (cap > 0) & (util < threshold)
    r, p = cells_by_period(
        under, lambda r, p: util[r, p]
    )  # least used first (ordered before the table is made)
    columns = _long(res, starts, r, p)
    columns["utilisation"] = util[r, p]
    columns["demand_hours"] = load[r, p]
    columns["capacity_hours"] = cap[r, p]
    return pd.DataFrame(columns)
