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

from pmo_xl.compute.earned_value import formulas as f
from pmo_xl.compute.earned_value.earned_schedule import (
    compute_earned_schedule,
    compute_plan_duration,
    schedule_performance_index_t,
    schedule_variance_t,
)
from pmo_xl.compute.earned_value.inputs import TREND_MONTHS
from pmo_xl.compute.earned_value.plan import NO_PLAN, PlanCurves
from pmo_xl.compute.earned_value.rag import RAG_COLUMNS, compute_rag

if TYPE_CHECKING:
    from pmo_xl.compute.earned_value.inputs import EvInputs

__all__ = [
    "TREND_MONTHS", "ROLLUP_COLUMNS", "TREND_COLUMNS", "PROJECT_TREND_COLUMNS",
    "compute_rollup", "compute_trend", "compute_project_trend", "aggregate",
]

LEVELS = ("portfolio", "programme", "business_unit")
AGGREGATE_COLUMNS = (
    "projects", "bac", "pv", "ev", "ac", "eac", "eac_assumed_bac", "sv", "cv", "sv_pct", "cv_pct", "spi", "cpi",
    "etc", "vac", "vac_pct", "tcpi_bac", "tcpi_eac", "pct_complete", "pct_spent", "pd", "es", "at", "sv_t", "spi_t",
)
ROLLUP_COLUMNS = ("level", "group", *AGGREGATE_COLUMNS, *RAG_COLUMNS)
TREND_COLUMNS = ("period", *AGGREGATE_COLUMNS, "rag", "rag_reason")
PROJECT_TREND_COLUMNS = ("project_id", "period", "pv", "ev", "ac", "eac", "cpi", "spi", "spi_t")
BLANK_GROUP = "(blank)"
_SUMMED = ("bac", "pv", "ev", "ac", "eac")
SUMMED_HERE_UP_TO = 512  # (set, project) pairs summed without scipy.sparse (below: at most ~0.3 ms slower a call, measured)


def aggregate(
    n_sets: int, member_set: np.ndarray, member_project: np.ndarray, values: dict[str, np.ndarray],
    plan: PlanCurves, at_column: np.ndarray,
) -> dict[str, np.ndarray]:
    """Sums and ratios of sums for `n_sets` sets of projects at once.

    Membership is given as pairs: entry k puts project `member_project[k]` in set
    `member_set[k]` with the figures values[name][k] (bac, pv, ev, ac, eac). at_column: (S,)
    grid column of each set's status month (where its AT is counted to).
    """
    counted = np.isfinite(values["pv"]) & np.isfinite(values["ev"]) & np.isfinite(values["ac"]) & np.isfinite(values["bac"])
    sets, projects = member_set[counted], member_project[counted]
    figures = {name: values[name][counted] for name in _SUMMED}
    eac_defined = np.isfinite(figures["eac"])
    figures["eac"] = np.where(eac_defined, figures["eac"], figures["bac"])
    out: dict[str, np.ndarray] = {"projects": np.bincount(sets, minlength=n_sets)}
    empty = out["projects"] == 0
    for name in _SUMMED:
        # A set with no project has no figures (a gap in a chart), not figures of 0.
        out[name] = np.where(empty, np.nan, np.bincount(sets, weights=figures[name], minlength=n_sets))
    out["eac_assumed_bac"] = np.bincount(sets[~eac_defined], minlength=n_sets)
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
    out["tcpi_bac"] = f.tcpi_of_remaining_work(bac - ev, bac - ac)
    out["tcpi_eac"] = f.tcpi_of_remaining_work(bac - ev, eac_sum - ac)
    out["pct_complete"] = f.ratio(ev, bac)
    out["pct_spent"] = f.ratio(ac, bac)

    # Earned schedule: the summed PV curve of the members that have a plan, and their EV.
    planned = plan.source[projects] != NO_PLAN
    sets, projects, ev_planned = sets[planned], projects[planned], figures["ev"][planned]
    if len(sets) <= SUMMED_HERE_UP_TO:
        curves = _summed_curves(n_sets, sets, projects, plan.curves)
    else:  # here, not with the module: ~0.2 s of a fresh process (see selection.solver)
        from scipy import sparse

        membership = sparse.csr_matrix((np.ones(len(sets)), (sets, projects)), shape=(n_sets, len(plan.source)))
        curves = np.asarray(membership @ plan.curves)
    start = np.full(n_sets, plan.width, dtype=np.intp)
    np.minimum.at(start, sets, plan.start[projects])
    has = start < plan.width
    start = np.where(has, start, 0)
    duration = np.where(has, compute_plan_duration(curves, start), 0)
    es = compute_earned_schedule(curves, start, duration, np.bincount(sets, weights=ev_planned, minlength=n_sets))
    at = np.where(has, at_column - start + 1, np.nan).astype(np.float64)
    out["pd"] = np.where(has, duration, np.nan)
    out["es"] = es
    out["at"] = at
    out["sv_t"] = schedule_variance_t(es, at)
    out["spi_t"] = schedule_performance_index_t(es, at)
    return {name: out[name] for name in AGGREGATE_COLUMNS}


def _summed_curves(n_sets: int, sets: np.ndarray, projects: np.ndarray, curves: np.ndarray) -> np.ndarray:
    """Each set's summed PV curve: a row of zeros plus its members' curves one by one, in project
    order (a pair given twice counts its curve twice, in one step).

    The very sums of a 0/1 sparse membership matrix times the curves (scipy's CSR product adds a
    row's entries in column order after merging duplicates; tests compare them bit for bit), made
    by a running sum per set, which adds in that order by definition, without importing
    scipy.sparse (~0.2 s of a fresh process, which a small report then does not import). Slower
    than scipy's product on many pairs: used up to SUMMED_HERE_UP_TO of them."""
    order = np.lexsort((projects, sets))
    sets, projects = sets[order], projects[order]
    first = np.r_[True, (sets[1:] != sets[:-1]) | (projects[1:] != projects[:-1])] if len(sets) else np.zeros(0, dtype=bool)
    weight = np.diff(np.r_[np.flatnonzero(first), len(sets)]).astype(np.float64)  # each distinct pair's count
    sets, projects = sets[first], projects[first]
    bounds = np.searchsorted(sets, np.arange(n_sets + 1))
    out = np.zeros((n_sets, curves.shape[1]))
    for k in np.flatnonzero(np.diff(bounds)):
        members = slice(bounds[k], bounds[k + 1])
        terms = curves[projects[members]] * weight[members, None]
        out[k] = np.add.accumulate(np.concatenate([out[k:k + 1], terms]), axis=0)[-1]
    return out


def _groups(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Group code per project and the sorted group names; blank names form one group."""
    codes, names = pd.factorize(values.to_numpy(dtype=object, na_value=None), use_na_sentinel=True)
    names = np.asarray(names, dtype=object)
    # Only the few distinct names are cleaned, not every project's text.
    cleaned = np.array([n.strip() if isinstance(n, str) and n.strip() else BLANK_GROUP for n in names] + [BLANK_GROUP], dtype=object)
    labels, remap = np.unique(cleaned, return_inverse=True)
    used, group = np.unique(remap.ravel()[codes], return_inverse=True)  # only groups with a member
    return group.ravel(), labels[used]


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
            codes, labels = _groups(current[level])
        at_column = np.full(len(labels), status_column)
        sums = aggregate(len(labels), np.asarray(codes, dtype=np.intp), np.arange(len(current)), values, plan, at_column)
        frame = pd.DataFrame({"level": level, "group": labels, **sums})
        frames.append(frame)
    rollup = pd.concat(frames, ignore_index=True)
    return pd.concat([rollup, compute_rag(rollup, thresholds)], axis=1)


def compute_trend(inputs: EvInputs, figures: dict[str, np.ndarray], thresholds: pd.DataFrame | None) -> pd.DataFrame:
    """The portfolio as it stood at each of the last 12 months to the status period."""
    plan = inputs.plan
    n_projects = len(inputs.project_ids)
    window = np.arange(inputs.status_column - TREND_MONTHS + 1, inputs.status_column + 1)
    # Rows are sorted by (project, month): the row a project stood at in month t is the last
    # one with a key at or before (project, t).
    row_keys = inputs.project.astype(np.int64) * plan.width + inputs.column
    month_of = np.repeat(np.arange(window.size), n_projects)
    project_of = np.tile(np.arange(n_projects), window.size)
    rows = np.searchsorted(row_keys, project_of * plan.width + window[month_of], side="right") - 1
    found = (rows >= 0) & (inputs.project[np.maximum(rows, 0)] == project_of)
    month_of, project_of, rows = month_of[found], project_of[found], rows[found]
    values = {name: figures[name][rows] for name in _SUMMED}
    sums = aggregate(len(window), month_of, project_of, values, plan, window)
    trend = pd.DataFrame({"period": inputs.column_dates[window], **sums})
    return pd.concat([trend, compute_rag(trend, thresholds)[["rag", "rag_reason"]]], axis=1)


def compute_project_trend(columns: dict[str, object], in_window: np.ndarray) -> pd.DataFrame:
    """Per project and month of the trend window: the figures the sparklines draw.

    columns: the by-period columns; in_window: which of their rows fall in the last 12 months.
    """
    rows = np.flatnonzero(in_window)
    return pd.DataFrame({name: columns[name][rows] for name in PROJECT_TREND_COLUMNS})  # type: ignore[index]
