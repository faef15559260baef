"""Report-model piece of the Dashboard's portfolio S-curve: the whole life of the portfolio.

The curve runs from the first month with any plan or progress to the latest forecast finish,
over the projects of the earned-value roll-up (those with progress: the KPI tiles' projects), so
it ends where the tiles do:
  - PV: each project's cumulative plan, as the Progress rows give it up to the status month (a
    stale project's last report carried, as the tiles do) and from its time-phased Baseline after
    it (held at its total once the plan ends). A project with no Baseline runs in a straight line
    from its last reported PV to its BAC at the end of its earned-value plan (plan start + PD);
  - EV, AC: cumulative to the status month (each project's last report carried forward);
  - Forecast (EAC): from AC at the status month, each project rising in a straight line to its EAC
    at its forecast finish (earned schedule, else the PM's finish) and holding there; a project
    forecast to finish by the status month is at its EAC at once. The sum ends at the portfolio EAC;
  - BAC: the budget of those projects, for reference.

Every month shown has a figure in some series (no empty months), and the series are cumulative,
so they never fall. Pure: pandas and numpy on the computed results, nothing recomputed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from pmo_xl.compute.earned_value import EarnedValueResult

COLUMNS: Final = ["period", "pv", "ev", "ac", "forecast", "bac"]


def build_portfolio_s_curve(ev: EarnedValueResult | None, baseline: pd.DataFrame) -> pd.DataFrame:
    """period (first day of each month), pv, ev, ac, forecast, bac: one row per month, in order."""
    if ev is None or not len(ev.current) or ev.status_period is None:
        return pd.DataFrame(columns=COLUMNS)
    current = ev.current.drop_duplicates("project_id")
    ids = current["project_id"].to_numpy()
    status = np.datetime64(pd.Timestamp(ev.status_period), "M")
    done = ev.by_period[ev.by_period["project_id"].isin(set(ids))]
    plan = baseline[baseline["project_id"].isin(set(ids))] if len(baseline) else baseline
    finish = pd.to_datetime(current["forecast_finish"]).to_numpy().astype("datetime64[M]")

    stamps = [_months(done["period"]), _months(plan["period"]) if len(plan) else np.array([], "datetime64[M]"), [status],
              finish[~np.isnat(finish)]]
    first, last = min(np.min(s) for s in stamps if len(s)), max(np.max(s) for s in stamps if len(s))
    months = np.arange(first, last + 1)
    row = pd.Index(ids)

    def dense(frame: pd.DataFrame, values: np.ndarray) -> np.ndarray:
        """A projects × months grid of `values` at (project, month), NaN elsewhere."""
        grid = np.full((len(ids), len(months)), np.nan)
        if len(frame):
            grid[row.get_indexer(frame["project_id"]), (_months(frame["period"]) - first).astype(int)] = values
        return grid

    reported = {c: dense(done, done[c].to_numpy(dtype=float)) for c in ("pv", "ev", "ac")}
    if len(plan):
        totals = plan.groupby(["project_id", "period"], sort=True)["planned_value"].sum()
        cumulative = totals.groupby(level=0).cumsum().reset_index()
        planned = _carry(dense(cumulative, cumulative["planned_value"].to_numpy(dtype=float)))
    else:
        planned = np.full((len(ids), len(months)), np.nan)
    at = int(status - first)
    past = np.arange(len(months)) <= at
    # To the status month, the PV the PM reported (the indices and the tiles were computed from it,
    # a stale project's last report carried), else the plan; after it, the plan.
    said = pd.DataFrame(reported["pv"]).ffill(axis=1).to_numpy()
    # A hashed look-up: np.isin on text (object arrays) compares every pair, a second on 1,000 projects.
    unplanned = ~current["project_id"].isin(set(plan["project_id"])).to_numpy() if len(plan) else np.ones(len(ids), dtype=bool)
    ahead = _straight_to_bac(said, current, first, at) if unplanned.any() else planned
    pv = np.where(past, np.where(np.isfinite(said), said, planned), np.where(unplanned[:, None], ahead, planned))
    pv = _carry(pv)
    ev_ = _carry(reported["ev"])
    ac = _carry(reported["ac"])
    forecast = _forecast(ac[:, at], current["eac"].to_numpy(dtype=float), finish, first, len(months), at)

    out = pd.DataFrame({
        "period": months.astype("datetime64[ns]"),
        "pv": _total(pv),
        "ev": np.where(past, _total(ev_), np.nan),
        "ac": np.where(past, _total(ac), np.nan),
        "forecast": np.where(np.arange(len(months)) >= at, _total(forecast), np.nan),
        "bac": float(np.nansum(current["bac"].to_numpy(dtype=float))),
    })
    live = (out[["pv", "ev", "ac"]].fillna(0) > 0).any(axis=1).to_numpy() | (np.arange(len(months)) >= at)
    start = int(np.argmax(live)) if live.any() else 0  # from the first month with any plan or progress
    return out.iloc[start:].reset_index(drop=True)


def _months(values: pd.Series) -> np.ndarray:
    return pd.to_datetime(values).to_numpy().astype("datetime64[M]")


def _carry(grid: np.ndarray) -> np.ndarray:
    """Cumulative figures carried forward along the months, 0 before a project's first figure."""
    filled = pd.DataFrame(grid).ffill(axis=1).to_numpy()
    return np.where(np.isfinite(filled), filled, 0.0)


def _total(grid: np.ndarray) -> np.ndarray:
    return grid.sum(axis=0) if len(grid) else np.zeros(grid.shape[1])


def _forecast(ac_now: np.ndarray, eac: np.ndarray, finish: np.ndarray, first: np.datetime64, n: int, at: int) -> np.ndarray:
    """Per project and month: AC now rising in a straight line to EAC at the forecast finish, then EAC.

    No EAC: the project stays at its AC. No forecast finish, or one by the status month: at EAC at once.
    """
    eac = np.where(np.isfinite(eac), eac, ac_now)
    end = np.where(np.isnat(finish), at, (finish - first).astype("int64", copy=False) if len(finish) else 0)
    end = np.maximum(end, at).astype(float)
    step = np.arange(n, dtype=float)[None, :]
    span = np.maximum(end - at, 1.0)[:, None]
    share = np.clip((step - at) / span, 0.0, 1.0)
    share = np.where((end == at)[:, None], 1.0, share)
    return ac_now[:, None] + (eac - ac_now)[:, None] * share


def _straight_to_bac(said: np.ndarray, current: pd.DataFrame, first: np.datetime64, at: int) -> np.ndarray:
    """Per project, after the status month: the last reported PV rising in a straight line to BAC at
    the plan's last month (plan start + PD months), then BAC; held where the plan's end is unknown."""
    n = said.shape[1]
    last = np.where(np.isfinite(said[:, at]), said[:, at], 0.0)
    bac = current["bac"].to_numpy(dtype=float)
    start = pd.to_datetime(current["plan_start"]).to_numpy().astype("datetime64[M]")
    months = current["pd"].to_numpy(dtype=float)
    known = ~np.isnat(start) & np.isfinite(months) & np.isfinite(bac)
    end = np.where(known, (start - first).astype("int64") + np.nan_to_num(months).astype("int64") - 1, at).astype(float)
    step = np.arange(n, dtype=float)[None, :]
    share = np.where((end > at)[:, None], np.clip((step - at) / np.maximum(end - at, 1.0)[:, None], 0.0, 1.0), 0.0)
    return last[:, None] + (np.where(known, bac, last) - last)[:, None] * share
