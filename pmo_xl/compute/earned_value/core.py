"""Earned value and earned schedule for every project and period, and their portfolio roll-up.

`compute_earned_value(portfolio)` is the stage the report and the CLI call. It reads the
Progress register (cumulative PV, EV or % complete, AC, bottom-up ETC per project and month),
the Projects register (BAC, EV technique, planned start and finish, programme, business
unit), the Baseline register (time-phased plan) and the Milestones register (weighted
milestone EV), and returns every EVM and earned-schedule figure per project × period, the
status-period row per project with its RAG, the roll-up by programme, business unit and
portfolio, and the trend series of the last 12 months.

Which PV: the Progress PV when typed; a blank PV is read off the project's plan (Baseline,
else the curve through the reported PVs, else a straight line of BAC between the planned
start and finish months, see `ev_plan`). Earned schedule always measures against that plan.

The whole computation is a few dozen numpy passes over all rows at once, no Python loop per
project (benchmarks/bench_earned_value.py times 10,000 projects × 60 months).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pmo_xl.compute.earned_value import formulas as f
from pmo_xl.compute.earned_value.earned_schedule import (
    compute_earned_schedule,
    compute_forecast_finish,
    independent_estimate_at_completion_t,
    schedule_performance_index_t,
    schedule_variance_t,
    to_complete_schedule_performance_index,
)
from pmo_xl.compute.earned_value.formulas import EAC_METHODS, FloatArray
from pmo_xl.compute.earned_value.inputs import EvInputs, prepare_inputs
from pmo_xl.compute.earned_value.issues import compute_undefined_issues
from pmo_xl.compute.earned_value.measure import EV_SOURCES, TECHNIQUES, compute_measured_ev
from pmo_xl.compute.earned_value.plan import NO_PLAN, PLAN_SOURCES, PlanCurves
from pmo_xl.compute.earned_value.rag import RAG_COLUMNS, compute_rag
from pmo_xl.compute.earned_value.rollup import (
    PROJECT_TREND_COLUMNS,
    ROLLUP_COLUMNS,
    TREND_COLUMNS,
    TREND_MONTHS,
    compute_project_trend,
    compute_rollup,
    compute_trend,
)
from pmo_xl.issues import Issue, Severity, Stage
from pmo_xl.model import ROW, Portfolio
from pmo_xl.schema.settings import SETTINGS_BY_KEY, EacMethod

__all__ = ["EarnedValueResult", "compute_earned_value", "TREND_MONTHS"]


@dataclass(frozen=True)
class EarnedValueResult:
    """Everything the report shows about earned value and earned schedule.

    by_period: one row per Progress row up to the status period (project × month), sorted by
        project and month, with the inputs (bac, pv, ev, ac, etc_bottom_up, pct_physical), how
        EV was obtained (ev_source), every EVM figure (sv, cv, sv_pct, cv_pct, spi, cpi,
        eac_cpi, eac_atypical, eac_cpi_spi, eac_weighted, eac_bottom_up, eac = the Settings
        method, etc, vac, vac_pct, tcpi_bac, tcpi_eac, pct_complete = EV/BAC, pct_spent =
        AC/BAC), the period (non-cumulative) values (pv_period, ev_period, ac_period,
        cpi_period, spi_period), the earned-schedule figures (plan_source, plan_start, pd, at,
        es, sv_t, spi_t, tspi, ieac_t, ed, tspi_ed, forecast_finish) and `_row`.
    current: one row per project with progress: its latest row at or before the status
        period (`stale` when older), the project's name, programme, business unit and
        status, and the RAG per index (rag_cpi, rag_spi, rag_spi_t, rag_tcpi, each with a
        `_reason`) with `rag` (worst) and `rag_reason`.
    rollup: level (portfolio, programme, business_unit), group, projects, sums (bac, pv, ev,
        ac, eac, etc) and every ratio recomputed from the sums, earned schedule on the summed
        PV curves (es, at, sv_t, spi_t), and RAG.
    trend: the portfolio for each of the last 12 months to the status period, as `rollup`
        would have reported it then (pv, ev, ac, eac, cpi, spi, spi_t, ...).
    project_trend: per project and month of the same window: pv, ev, ac, cpi, spi, spi_t.
    Both trends are empty for the month before the report's (`compute_earned_value(compared_only=True)`).
    """

    status_period: pd.Timestamp | None
    by_period: pd.DataFrame = field(default_factory=pd.DataFrame)
    current: pd.DataFrame = field(default_factory=pd.DataFrame)
    rollup: pd.DataFrame = field(default_factory=pd.DataFrame)
    trend: pd.DataFrame = field(default_factory=pd.DataFrame)
    project_trend: pd.DataFrame = field(default_factory=pd.DataFrame)


def compute_earned_value(portfolio: Portfolio, compared_only: bool = False) -> tuple[EarnedValueResult, list[Issue]]:
    """EVM and earned schedule per project × period, per project now, and rolled up.

    Problems in the data never raise: figures that cannot be computed are NaN and each gets
    an Issue (stage "compute") saying why.

    `compared_only`: the month before the report's, which the report only compares against (each
    project's current figures and the roll-up): its trends are left empty and the figures left
    undefined are not listed as issues (the pipeline keeps none of that month's), a third of its time.
    """
    settings = portfolio.settings
    issues: list[Issue] = []
    method = settings.eac_method if settings.eac_method in EAC_METHODS else EacMethod.CPI
    if method != settings.eac_method:
        issues.append(_settings_issue("eac_method", settings.eac_method, f"Unknown default EAC method {settings.eac_method!r}; BAC/CPI (cpi) is used."))
    weight = settings.eac_weight
    if not (isinstance(weight, int | float) and 0 <= weight <= 1):
        issues.append(_settings_issue("eac_weight", weight, "The EAC weight on CPI must be between 0 and 1; 0.8 is used."))
        weight = 0.8

    inputs = prepare_inputs(portfolio, issues)
    if inputs is None:
        return _nothing_to_compute(portfolio), issues

    figures = _compute_figures(inputs, method, float(weight))
    columns = _columns(inputs, figures)
    by_period = pd.DataFrame(columns, copy=False)
    last = np.flatnonzero(np.r_[inputs.project[1:] != inputs.project[:-1], True])
    current = _current(inputs, columns, last)
    current = pd.concat([current, compute_rag(current, settings.thresholds)], axis=1)

    rollup = compute_rollup(current, inputs.plan, inputs.status_column, settings.thresholds)
    status = pd.Timestamp(np.datetime64(int(inputs.status_month), "M"))
    if compared_only:
        return EarnedValueResult(status, by_period, current, rollup), issues
    trend = compute_trend(inputs, figures, settings.thresholds)
    project_trend = compute_project_trend(columns, inputs.column >= inputs.status_column - TREND_MONTHS + 1)
    issues.extend(compute_undefined_issues(current, method))
    return EarnedValueResult(status, by_period, current, rollup, trend, project_trend), issues


def _nothing_to_compute(portfolio: Portfolio) -> EarnedValueResult:
    """Empty frames with their usual columns, so a report can lay them out all the same."""
    date = portfolio.settings.status_date
    status = pd.Timestamp(date).to_period("M").to_timestamp() if date is not None else None
    return EarnedValueResult(
        status_period=status,
        by_period=pd.DataFrame(columns=list(_ORDER)),
        current=pd.DataFrame(columns=[*_ORDER[:1], *_PROJECT_COLUMNS, *_ORDER[1:], *_CURRENT_EXTRA, *RAG_COLUMNS]),
        rollup=pd.DataFrame(columns=list(ROLLUP_COLUMNS)),
        trend=pd.DataFrame(columns=list(TREND_COLUMNS)),
        project_trend=pd.DataFrame(columns=list(PROJECT_TREND_COLUMNS)),
    )


def _settings_issue(key: str, value: object, message: str) -> Issue:
    return Issue(
        code="invalid-setting",
        severity=Severity.WARNING,
        sheet="Settings",
        row=None,
        column=None,
        field=SETTINGS_BY_KEY[key].label,
        value=value,
        message=message,
        stage=Stage.COMPUTE,
    )


def _period_values(first: np.ndarray, cumulative: FloatArray) -> FloatArray:
    """Per-period (non-cumulative) values: the change since the project's previous row.

    `first` marks each project's first row, whose period value is its whole cumulative value
    (everything up to that month).
    """
    out = np.empty_like(cumulative)
    out[0] = cumulative[0]
    np.subtract(cumulative[1:], cumulative[:-1], out=out[1:])
    np.copyto(out, cumulative, where=first)
    return out


def _compute_figures(inputs: EvInputs, method: str, weight: float) -> dict[str, np.ndarray]:
    """Every figure per Progress row (rows sorted by project and month), as numpy arrays."""
    p = inputs.project
    plan: PlanCurves = inputs.plan
    bac = inputs.bac[p]
    technique = inputs.technique[p]
    milestone_share = None
    if inputs.milestone_share is not None:  # NaN rows for projects without milestones
        milestone_share = inputs.milestone_share.ravel()[p * plan.width + inputs.column]
    ev, ev_source = compute_measured_ev(inputs.ev_typed, inputs.pct, inputs.ac, bac, technique, milestone_share)
    # Per project first (P values), then one gather per row: NaN where there is no plan.
    has_plan = plan.source != NO_PLAN
    duration_p = np.where(has_plan, plan.duration, np.nan)
    offset_p = np.where(has_plan, 1.0 - plan.start, np.nan)  # AT = grid column + offset
    start_month_p = np.where(has_plan, plan.origin + plan.start, np.nan)
    # A blank PV is read off the plan (baseline, drawn Progress PV, or the line of BAC).
    pv = inputs.pv_typed
    blank = np.isnan(pv)
    if blank.any():
        planned = np.where(has_plan[p], plan.at(p, inputs.column), np.nan)
        pv = np.where(blank, planned, pv)
    ac, etc_in = inputs.ac, inputs.etc

    out: dict[str, np.ndarray] = {"bac": bac, "pv": pv, "ev": ev, "ac": ac, "etc_bottom_up": etc_in}
    out["ev_source"] = ev_source
    out["sv"] = f.schedule_variance(ev, pv)
    out["cv"] = f.cost_variance(ev, ac)
    out["sv_pct"] = f.ratio(out["sv"], pv)
    out["cv_pct"] = f.ratio(out["cv"], ev)
    out["spi"] = f.schedule_performance_index(ev, pv)
    out["cpi"] = f.cost_performance_index(ev, ac)
    remaining = bac - ev  # BAC − EV, shared by the EAC methods and both TCPIs
    for name in EAC_METHODS:
        out[f"eac_{name}"] = f.eac_from_indices(name, bac, ev, ac, out["cpi"], out["spi"], weight, etc_in, remaining)
    eac = out[f"eac_{method}"]
    out["eac"] = eac
    out["etc"] = f.estimate_to_complete(eac, ac)
    out["vac"] = f.variance_at_completion(bac, eac)
    out["vac_pct"] = f.ratio(out["vac"], bac)
    # TCPI = (BAC − EV) / (target − AC), as `f.to_complete_performance_index`; to EAC the
    # denominator EAC − AC is the ETC just computed. Complete work needs no efficiency: its
    # TCPI is blank whether it came in under or over budget (never 0 one way, blank the other).
    out["tcpi_bac"] = f.tcpi_of_remaining_work(remaining, bac - ac)
    out["tcpi_eac"] = f.tcpi_of_remaining_work(remaining, out["etc"])
    out["pct_complete"] = f.ratio(ev, bac)
    out["pct_spent"] = f.ratio(ac, bac)
    first = np.empty(len(p), dtype=bool)
    first[:1] = True
    np.not_equal(p[1:], p[:-1], out=first[1:])
    for name, values in (("pv", pv), ("ev", ev), ("ac", ac)):
        out[f"{name}_period"] = _period_values(first, values)
    out["cpi_period"] = f.ratio(out["ev_period"], out["ac_period"])
    out["spi_period"] = f.ratio(out["ev_period"], out["pv_period"])

    duration = duration_p[p]
    at = inputs.column + offset_p[p]
    es = compute_earned_schedule(plan.curves, plan.start, plan.duration, ev, owner=p)
    out["pd"] = duration
    out["at"] = at
    out["es"] = es
    out["sv_t"] = schedule_variance_t(es, at)
    out["spi_t"] = schedule_performance_index_t(es, at)
    out["tspi"] = to_complete_schedule_performance_index(duration, es, at)
    out["ieac_t"] = independent_estimate_at_completion_t(duration, out["spi_t"])
    out["ed"] = out["ieac_t"]
    out["tspi_ed"] = to_complete_schedule_performance_index(duration, es, at, out["ed"])
    out["forecast_finish"] = compute_forecast_finish(start_month_p[p], out["ieac_t"])
    return out


_ORDER = (
    "project_id", "period", "bac", "pv", "ev", "ac", "etc_bottom_up", "pct_physical", "ev_source",
    "sv", "cv", "sv_pct", "cv_pct", "spi", "cpi",
    "eac", "eac_cpi", "eac_atypical", "eac_cpi_spi", "eac_weighted", "eac_bottom_up",
    "etc", "vac", "vac_pct", "tcpi_bac", "tcpi_eac", "pct_complete", "pct_spent",
    "pv_period", "ev_period", "ac_period", "cpi_period", "spi_period",
    "plan_source", "plan_start", "pd", "at", "es", "sv_t", "spi_t", "tspi", "ieac_t", "ed", "tspi_ed",
    "forecast_finish", ROW,
)


def _columns(inputs: EvInputs, figures: dict[str, np.ndarray]) -> dict[str, object]:
    """The by-period columns in `_ORDER`, as arrays (a DataFrame is made of them without copying)."""
    p = inputs.project
    data: dict[str, object] = {
        "project_id": inputs.project_ids[p],
        "period": inputs.column_dates[inputs.column],
        "pct_physical": inputs.pct,
        ROW: inputs.row,
        "ev_source": pd.Categorical.from_codes(figures["ev_source"], categories=EV_SOURCES),
        "plan_source": pd.Categorical.from_codes(inputs.plan.source[p], categories=PLAN_SOURCES),
        "plan_start": _plan_start_dates(inputs)[p],
    }
    return {name: data[name] if name in data else figures[name] for name in _ORDER}


def _plan_start_dates(inputs: EvInputs) -> np.ndarray:
    """First day of each project's plan (NaT without a plan), per project."""
    plan = inputs.plan
    dates = (plan.origin + plan.start).astype("datetime64[M]").astype("datetime64[ns]")
    return np.where(plan.source != NO_PLAN, dates, np.datetime64("NaT", "ns"))


_PROJECT_COLUMNS = ("name", "programme", "business_unit", "status", "ev_technique")
_CURRENT_EXTRA = ("stale", "month", "project_row")


def _current(inputs: EvInputs, columns: dict[str, object], last: np.ndarray) -> pd.DataFrame:
    """Each project's latest row at or before the status period, with its project attributes."""
    projects = inputs.project[last]
    attributes = {
        "name": inputs.names[projects],
        "programme": inputs.programmes[projects],
        "business_unit": inputs.business_units[projects],
        "status": inputs.statuses[projects],
        "ev_technique": np.asarray(TECHNIQUES, dtype=object)[inputs.technique[projects]],
    }
    rows = {name: values[last] for name, values in columns.items()}  # type: ignore[index]
    extra = {
        "stale": inputs.column[last] < inputs.status_column,
        "month": np.datetime_as_string(inputs.column_dates, unit="M")[inputs.column[last]],
        "project_row": inputs.project_rows[projects],
    }
    return pd.DataFrame({"project_id": rows.pop("project_id"), **attributes, **rows, **extra})
