"""Earned value and earned schedule worksheet functions: `=PMO_SPI(EV, PV)` and friends.

Thin wrappers over `pmo_xl.compute` (the same formulas the engine and the report use), so a
figure typed in a cell and the figure in the monthly report always agree.

Conventions for the Excel user, the same for every function:
  - Percentages are fractions: an SV% of -16.7% comes back as -0.1667 (format the cell as %).
  - A figure that does not exist (SPI while PV is 0, CPI while AC is 0, TCPI once the budget
    is spent) gives an EMPTY cell, never 0 and never a #DIV/0!. A blank input also gives an
    empty cell, so a formula filled down over rows not yet reported stays quiet.
  - A wrong argument (text where a number belongs, an unknown EAC method, a weight outside
    0-1) shows its message in the cell, e.g. "weight must be between 0 and 1".
  Note: xlwings writes an empty result as an empty text "" (ISBLANK is FALSE, ISTEXT TRUE);
  test for it with =IF(cell="", ...).
Outside Excel (Linux, tests) the xlwings decorators do nothing and these are plain functions.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import xlwings as xw

from pmo_xl.compute.earned_value import (
    compute_earned_schedule_1d,
    independent_estimate_at_completion_t,
    schedule_performance_index_t,
    schedule_variance_t,
    to_complete_schedule_performance_index,
)
from pmo_xl.compute.earned_value import (
    formulas as f,
)

__all__ = [
    "PMO_SV", "PMO_CV", "PMO_SPI", "PMO_CPI", "PMO_SV_PCT", "PMO_CV_PCT", "PMO_EAC", "PMO_ETC",
    "PMO_VAC", "PMO_TCPI", "PMO_ES", "PMO_SV_T", "PMO_SPI_T", "PMO_TSPI", "PMO_IEAC_T",
]

CATEGORY = "PMO"
UDF_EAC_METHODS = ("cpi", "atypical", "cpi_spi", "weighted")


def _number(value: object, name: str) -> float | None:
    """A cell value as a float; None for a blank cell. Raises ValueError for anything else."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a number, not TRUE/FALSE")
    if isinstance(value, int | float | np.floating | np.integer):
        number = float(value)
        return None if math.isnan(number) else number
    if isinstance(value, str):
        try:
            return float(value.replace(",", ""))
        except ValueError:
            raise ValueError(f"{name} must be a number, not '{value}'") from None
    raise ValueError(f"{name} must be a single number")


def _numbers(**values: object) -> dict[str, float] | None:
    """All arguments as floats, or None when any of them is blank (the result is then empty)."""
    out = {name: _number(value, name) for name, value in values.items()}
    if any(v is None for v in out.values()):
        return None
    return out  # type: ignore[return-value]


def _cell(result: object) -> float | None:
    """A computed figure as Excel gets it: a float, or None (an empty cell) when undefined."""
    value = float(np.asarray(result, dtype=np.float64))
    return None if math.isnan(value) else value


def _with(names: tuple[str, str], formula: Callable[[float, float], object], first: object, second: object) -> float | None:
    """A two-argument figure: empty when either input is blank, else the core formula's value."""
    args = _numbers(**{names[0]: first, names[1]: second})
    return None if args is None else _cell(formula(*args.values()))


@xw.func(category=CATEGORY)
@xw.arg("ev", doc="Earned value (BCWP), cumulative.")
@xw.arg("pv", doc="Planned value (BCWS), cumulative.")
def PMO_SV(ev: object, pv: object) -> float | None:
    """Schedule variance SV = EV - PV: value earned ahead (+) or behind (-) the plan."""
    return _with(("ev", "pv"), f.schedule_variance, ev, pv)


@xw.func(category=CATEGORY)
@xw.arg("ev", doc="Earned value (BCWP), cumulative.")
@xw.arg("ac", doc="Actual cost (ACWP), cumulative.")
def PMO_CV(ev: object, ac: object) -> float | None:
    """Cost variance CV = EV - AC: under (+) or over (-) budget for the work done."""
    return _with(("ev", "ac"), f.cost_variance, ev, ac)


@xw.func(category=CATEGORY)
@xw.arg("ev", doc="Earned value (BCWP), cumulative.")
@xw.arg("pv", doc="Planned value (BCWS), cumulative.")
def PMO_SPI(ev: object, pv: object) -> float | None:
    """Schedule performance index SPI = EV / PV (1 = on plan). Empty while PV is 0."""
    return _with(("ev", "pv"), f.schedule_performance_index, ev, pv)


@xw.func(category=CATEGORY)
@xw.arg("ev", doc="Earned value (BCWP), cumulative.")
@xw.arg("ac", doc="Actual cost (ACWP), cumulative.")
def PMO_CPI(ev: object, ac: object) -> float | None:
    """Cost performance index CPI = EV / AC (1 = on budget). Empty while AC is 0."""
    return _with(("ev", "ac"), f.cost_performance_index, ev, ac)


@xw.func(category=CATEGORY)
@xw.arg("ev", doc="Earned value (BCWP), cumulative.")
@xw.arg("pv", doc="Planned value (BCWS), cumulative.")
def PMO_SV_PCT(ev: object, pv: object) -> float | None:
    """Schedule variance as a fraction of PV: (EV - PV) / PV. Format as %. Empty while PV is 0."""
    return _with(("ev", "pv"), f.schedule_variance_pct, ev, pv)


@xw.func(category=CATEGORY)
@xw.arg("ev", doc="Earned value (BCWP), cumulative.")
@xw.arg("ac", doc="Actual cost (ACWP), cumulative.")
def PMO_CV_PCT(ev: object, ac: object) -> float | None:
    """Cost variance as a fraction of EV: (EV - AC) / EV. Format as %. Empty while EV is 0."""
    return _with(("ev", "ac"), f.cost_variance_pct, ev, ac)


@xw.func(category=CATEGORY)
@xw.arg("bac", doc="Budget at completion.")
@xw.arg("ev", doc="Earned value, cumulative.")
@xw.arg("ac", doc="Actual cost, cumulative.")
@xw.arg("method", doc='"cpi" (BAC/CPI, default), "atypical" (AC+BAC-EV), "cpi_spi" or "weighted".')
@xw.arg("pv", doc="Planned value, cumulative: needed by cpi_spi and weighted.")
@xw.arg("weight", doc="weighted only: the weight w on CPI, 0 to 1 (SPI gets 1-w), e.g. 0.8.")
def PMO_EAC(bac: object, ev: object, ac: object, method: object = "cpi", pv: object = None, weight: object = None) -> float | None:
    """Estimate at completion by a standard method.

    cpi: BAC/CPI. atypical: AC + (BAC - EV). cpi_spi: AC + (BAC - EV)/(CPI x SPI).
    weighted: AC + (BAC - EV)/(w x CPI + (1 - w) x SPI). For a bottom-up EAC add AC and your ETC.
    Empty when the method's index is undefined (e.g. CPI while AC is 0).
    """
    name = "cpi" if method is None or (isinstance(method, str) and not method.strip()) else str(method).strip().lower()
    if name not in UDF_EAC_METHODS:
        hint = " (bottom-up EAC is simply AC + ETC)" if name.replace("-", "_") == "bottom_up" else ""
        raise ValueError(f"method must be one of {', '.join(UDF_EAC_METHODS)}{hint}")
    args = _numbers(bac=bac, ev=ev, ac=ac)
    pv_value = _number(pv, "pv")
    weight_value = _number(weight, "weight")
    if name in ("cpi_spi", "weighted") and pv_value is None:
        raise ValueError(f"method {name} needs pv")
    if name == "weighted":
        if weight_value is None:
            raise ValueError("method weighted needs weight (the weight on CPI, 0 to 1)")
        if not 0 <= weight_value <= 1:
            raise ValueError("weight must be between 0 and 1 (e.g. 0.8 or 80%)")
    if args is None:
        return None
    return _cell(f.estimate_at_completion(args["bac"], args["ev"], args["ac"], name, pv=pv_value, weight=weight_value))


@xw.func(category=CATEGORY)
@xw.arg("eac", doc="Estimate at completion.")
@xw.arg("ac", doc="Actual cost, cumulative.")
def PMO_ETC(eac: object, ac: object) -> float | None:
    """Estimate to complete ETC = EAC - AC: what the remaining work is forecast to cost."""
    return _with(("eac", "ac"), f.estimate_to_complete, eac, ac)


@xw.func(category=CATEGORY)
@xw.arg("bac", doc="Budget at completion.")
@xw.arg("eac", doc="Estimate at completion.")
def PMO_VAC(bac: object, eac: object) -> float | None:
    """Variance at completion VAC = BAC - EAC: forecast under (+) or over (-) run."""
    return _with(("bac", "eac"), f.variance_at_completion, bac, eac)


@xw.func(category=CATEGORY)
@xw.arg("bac", doc="Budget at completion.")
@xw.arg("ev", doc="Earned value, cumulative.")
@xw.arg("ac", doc="Actual cost, cumulative.")
@xw.arg("eac", doc="Optional: an EAC to aim for instead of BAC.")
def PMO_TCPI(bac: object, ev: object, ac: object, eac: object = None) -> float | None:
    """To-complete performance index: cost efficiency the remaining work needs.

    To BAC: (BAC - EV)/(BAC - AC); with an EAC: (BAC - EV)/(EAC - AC). Empty once AC has
    reached the target (no efficiency can make up for it).
    """
    args = _numbers(bac=bac, ev=ev, ac=ac)
    target = _number(eac, "eac")
    if args is None:
        return None
    return _cell(f.to_complete_performance_index(args["bac"], args["ev"], args["ac"], target))


def _series(pv_cum: object) -> list[float]:
    """One row or one column of cumulative PV as a list; trailing blanks are dropped."""
    if isinstance(pv_cum, np.ndarray):
        pv_cum = pv_cum.tolist()
    if not isinstance(pv_cum, list | tuple):
        rows: list[object] = [pv_cum]
    elif pv_cum and all(isinstance(r, list | tuple) for r in pv_cum):
        if len(pv_cum) > 1 and any(len(r) > 1 for r in pv_cum):  # type: ignore[arg-type]
            raise ValueError("pv_cum must be one row or one column of cumulative PV")
        rows = [v for r in pv_cum for v in r]  # type: ignore[union-attr]
    else:
        rows = list(pv_cum)
    values = [_number(v, "pv_cum") for v in rows]
    while values and values[-1] is None:
        values.pop()
    if not values:
        raise ValueError("pv_cum is empty: give the cumulative PV at the end of each period")
    for period, value in enumerate(values, start=1):
        if value is None:
            raise ValueError(f"pv_cum is blank in period {period}")
        if value < 0:
            raise ValueError(f"pv_cum is negative in period {period}")
        if period > 1 and value < values[period - 2]:  # type: ignore[operator]
            raise ValueError(f"pv_cum falls in period {period}: give cumulative PV, not PV per period")
    return values  # type: ignore[return-value]


@xw.func(category=CATEGORY)
@xw.arg("pv_cum", ndim=2, doc="Cumulative PV at the end of periods 1, 2, ... N (one row or column).")
@xw.arg("ev", doc="Earned value, cumulative, at the status date.")
def PMO_ES(pv_cum: object, ev: object) -> float | None:
    """Earned schedule ES, in periods: how far along the plan the earned value has got.

    ES = C + I: C whole periods whose cumulative PV is at most EV, plus the interpolated
    share I = (EV - PV_C)/(PV_C+1 - PV_C) of the next one. At most the planned duration.
    """
    series = _series(pv_cum)
    value = _number(ev, "ev")
    if value is None:
        return None
    if value < 0:
        raise ValueError("ev must not be negative")
    return _cell(compute_earned_schedule_1d(series, value))


@xw.func(category=CATEGORY)
@xw.arg("es", doc="Earned schedule, in periods.")
@xw.arg("at", doc="Actual time: periods elapsed since the plan's start, status period included.")
def PMO_SV_T(es: object, at: object) -> float | None:
    """Schedule variance in time SV(t) = ES - AT, in periods: ahead (+) or behind (-)."""
    return _with(("es", "at"), schedule_variance_t, es, at)


@xw.func(category=CATEGORY)
@xw.arg("es", doc="Earned schedule, in periods.")
@xw.arg("at", doc="Actual time: periods elapsed since the plan's start, status period included.")
def PMO_SPI_T(es: object, at: object) -> float | None:
    """Schedule performance index in time SPI(t) = ES / AT (1 = on plan). Empty while AT is 0."""
    return _with(("es", "at"), schedule_performance_index_t, es, at)


@xw.func(category=CATEGORY)
@xw.arg("pd", doc="Planned duration, in periods.")
@xw.arg("es", doc="Earned schedule, in periods.")
@xw.arg("at", doc="Actual time, in periods.")
@xw.arg("ed", doc="Optional: an estimated duration to aim for instead of PD.")
def PMO_TSPI(pd: object, es: object, at: object, ed: object = None) -> float | None:
    """To-complete schedule performance index: schedule efficiency the remaining work needs.

    (PD - ES)/(PD - AT), or (PD - ES)/(ED - AT) with an ED. Empty once that duration has elapsed.
    """
    args = _numbers(pd=pd, es=es, at=at)
    target = _number(ed, "ed")
    if args is None:
        return None
    return _cell(to_complete_schedule_performance_index(args["pd"], args["es"], args["at"], target))


@xw.func(category=CATEGORY)
@xw.arg("pd", doc="Planned duration, in periods.")
@xw.arg("spi_t", doc="SPI(t), e.g. from PMO_SPI_T.")
def PMO_IEAC_T(pd: object, spi_t: object) -> float | None:
    """Forecast duration IEAC(t) = PD / SPI(t), in periods. Empty while SPI(t) is 0."""
    return _with(("pd", "spi_t"), independent_estimate_at_completion_t, pd, spi_t)
