"""Portfolio roll-up of earned value: sums first, ratios of the sums after (never averages).

A programme's CPI is Σ EV / Σ AC over its projects, not the mean of their CPIs (which would
weigh a 10k project like a 10M one). Earned schedule rolls up the same way: the group's PV
curves are added month by month and its summed EV is placed on that curve, so SPI(t) of a
portfolio is measured against the portfolio's own plan.

Which projects count: each project's latest row at or before the period (as `current`), when
its PV, EV, AC and BAC are all known. A project whose EAC is undefined (nothing spent or earned
yet) counts at its BAC, and `eac_assumed_bac` says how many did.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from pmo_xl.compute import ev_formulas as f
from pmo_xl.compute.earned_schedule import (
    compute_earned_schedule,
    compute_plan_duration,
    schedule_performance_index_t,
    schedule_variance_t,
)
from pmo_xl.compute.ev_inputs import TREND_MONTHS
from pmo_xl.compute.ev_plan import NO_PLAN, PlanCurves
from pmo_xl.compute.rag import compute_rag

if TYPE_CHECKING:
    from pmo_xl.compute.ev_inputs import EvInputs

__all__ = ["TREND_MONTHS", "compute_rollup", "compute_trend", "compute_project_trend", "aggregate"]

LEVELS = ("portfolio", "programme", "business_unit")
BLANK_GROUP = "(blank)"
_SUMMED = ("bac", "pv", "ev", "ac", "eac")


def aggregate(member: np.ndarray, values: dict[str, np.ndarray], plan: PlanCurves, at_column: np.ndarray) -> dict[str, np.ndarray]:
    """Sums and ratios of sums for S sets of projects at once.

    member: (S, P) which projects count in each set; values: bac, pv, ev, ac, eac as (S, P)
    or (P,) arrays; at_column: (S,) grid column of each set's status month.
    """
    member = member & np.isfinite(values["pv"]) & np.isfinite(values["ev"]) & np.isfinite(values["ac"]) & np.isfinite(values["bac"])
    eac_defined = np.isfinite(values["eac"])
    eac = np.where(eac_defined, values["eac"], values["bac"])
    out: dict[str, np.ndarray] = {"projects": member.sum(axis=1)}
    empty = out["projects"] == 0
    for name in _SUMMED:
        source = eac if name == "eac" else values[name]
        # A set with no project has no figures (a gap in a chart), not figures of 0.
        out[name] = np.where(empty, np.nan, np.where(member, source, 0.0).sum(axis=1))
    out["eac_assumed_bac"] = (member & ~eac_defined).sum(axis=1)
    bac, pv, ev, ac, eac_sum = (out[n] for n in _SUMMED)
    out["sv"] = f.schedule_variance(ev, pv)
    out["cv"] = f.cost_variance(ev, ac)
    out["sv_pct"] = f.schedule_variance_pct(ev, pv)
    out["cv_pct"] = f.cost_variance_pct(ev, ac)
    out["spi"] = f.schedule_performance_index(ev, pv)
    out["cpi"] = f.cost_performance_index(ev, ac)
    out["etc"] = f.estimate_to_complete(eac_sum, ac)
    out["vac"] = f.variance_at_completion(bac, eac_sum)
    out["vac_pct"] = f.variance_at_completion_pct(bac, eac_sum)
    out["tcpi_bac"] = f.to_complete_performance_index(bac, ev, ac)
    out["tcpi_eac"] = f.to_complete_performance_index(bac, ev, ac, eac_sum)
    out["pct_complete"] = f.ratio(ev, bac)
    out["pct_spent"] = f.ratio(ac, bac)

    # Earned schedule on the summed curve of the members that have a plan.
    planned = member & (plan.source != NO_PLAN)[None, :]
    curves = planned.astype(np.float64) @ plan.curves
    start = np.where(planned, plan.start[None, :], plan.width).min(axis=1)
    has = start < plan.width
    start = np.where(has, start, 0)
    duration = np.where(has, compute_plan_duration(curves, start), 0)
    ev_planned = np.where(planned, values["ev"], 0.0).sum(axis=1)
    es = compute_earned_schedule(curves, start, duration, ev_planned)
    at = np.where(has, at_column - start + 1, np.nan).astype(np.float64)
    out["pd"] = np.where(has, duration, np.nan)
    out["es"] = es
    out["at"] = at
    out["sv_t"] = schedule_variance_t(es, at)
    out["spi_t"] = schedule_performance_index_t(es, at)
    return out


def _labels(values: pd.Series) -> np.ndarray:
    return values.astype(object).where(values.notna() & (values.astype(str).str.strip() != ""), BLANK_GROUP).to_numpy(dtype=object)


def compute_rollup(current: pd.DataFrame, plan: PlanCurves, status_column: int, thresholds: pd.DataFrame | None) -> pd.DataFrame:
    """Roll-up rows for the whole portfolio, each programme and each business unit.

    `current` must hold one row per project in plan order (row p is curve p).
    """
    values = {name: current[name].to_numpy(dtype=np.float64) for name in _SUMMED}
    frames = []
    for level in LEVELS:
        if level == "portfolio":
            labels = np.array(["Portfolio"], dtype=object)
            codes = np.zeros(len(current), dtype=np.intp)
        else:
            codes, labels = pd.factorize(_labels(current[level]), sort=True)
            labels = np.asarray(labels, dtype=object)
        member = codes[None, :] == np.arange(len(labels))[:, None]
        at_column = np.full(len(labels), status_column)
        sums = aggregate(member, values, plan, at_column)
        frame = pd.DataFrame({"level": level, "group": labels, **sums})
        frames.append(frame)
    rollup = pd.concat(frames, ignore_index=True)
    return pd.concat([rollup, compute_rag(rollup, thresholds)], axis=1)


def compute_trend(inputs: EvInputs, figures: dict[str, np.ndarray], thresholds: pd.DataFrame | None) -> pd.DataFrame:
    """The portfolio as it stood at each of the last 12 months to the status period."""
    plan = inputs.plan
    n_projects = len(inputs.project_ids)
    latest = np.full((n_projects, plan.width), -1, dtype=np.int64)
    latest[inputs.project, inputs.column] = np.arange(len(inputs.project))
    # Rows are sorted by project and month, so a running maximum is "latest row so far".
    latest = np.maximum.accumulate(latest, axis=1)
    window = np.arange(inputs.status_column - TREND_MONTHS + 1, inputs.status_column + 1)
    picked = latest[:, window].T  # (months, projects)
    has_row = picked >= 0
    take = np.maximum(picked, 0)
    values = {name: np.where(has_row, figures[name][take], np.nan) for name in _SUMMED}
    sums = aggregate(has_row, values, plan, window)
    trend = pd.DataFrame({"period": inputs.column_dates[window], **sums})
    return pd.concat([trend, compute_rag(trend, thresholds)[["rag", "rag_reason"]]], axis=1)


def compute_project_trend(by_period: pd.DataFrame, status_month: int) -> pd.DataFrame:
    """Per project and month of the trend window: the figures the sparklines draw."""
    first = np.datetime64(status_month - TREND_MONTHS + 1, "M").astype("datetime64[ns]")
    window = by_period["period"].to_numpy() >= first
    columns = ["project_id", "period", "pv", "ev", "ac", "eac", "cpi", "spi", "spi_t"]
    return by_period.loc[window, columns].reset_index(drop=True)
