"""Earned value and earned schedule worksheet functions: `=PMO_SPI(EV, PV)` and friends.

Thin wrappers over `pmo_xl.compute` (the same formulas the engine and the report use), so a
figure typed in a cell and the figure in the monthly report always agree.

Conventions for the Excel user, the same for every function:
  - Percentages are fractions: an SV% of -16.7% comes back as -0.1667 (format the cell as %).
  - A figure that does not exist (SPI while PV is 0, CPI while AC is 0, TCPI once the budget
    is spent) gives an EMPTY cell, never 0 and never a #DIV/0!. A blank input also gives an
    empty cell, so a formula filled down over rows not yet reported stays quiet.
  - A wrong argument (text where a number belongs, an unknown EAC method, a weight outside
    0-1) shows its message in the cell, e.g. "PMO_EAC: weight must be between 0 and 1".
  Note: xlwings writes an empty result as an empty text "" (ISBLANK is FALSE, ISTEXT TRUE);
  test for it with =IF(cell="", ...).
Outside Excel (Linux, tests) the xlwings decorators do nothing and these are plain functions.
No type hints on them: xlwings would read them as converters (see udfs/arguments.py).
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
from udfs.arguments import CATEGORY, arg, number, rows, worksheet_function

__all__ = [
    "PMO_SV", "PMO_CV", "PMO_SPI", "PMO_CPI", "PMO_SV_PCT", "PMO_CV_PCT", "PMO_EAC", "PMO_ETC",
    "PMO_VAC", "PMO_TCPI", "PMO_ES", "PMO_SV_T", "PMO_SPI_T", "PMO_TSPI", "PMO_IEAC_T",
]

UDF_EAC_METHODS = ("cpi", "atypical", "cpi_spi", "weighted")


def _numbers(**values: object) -> dict[str, float] | None:
    """All arguments as floats, or None when any of them is blank (the result is then empty)."""
    out = {name: number(value, name) for name, value in values.items()}
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
@arg("ev", doc="Earned value (BCWP), cumulative.")
@arg("pv", doc="Planned value (BCWS), cumulative.")
@worksheet_function
def PMO_SV(ev, pv):  # noqa: N802 - Excel function names are upper case
    """Schedule variance SV = EV - PV: value earned ahead (+) or behind (-) the plan."""
    return _with(("ev", "pv"), f.schedule_variance, ev, pv)


@xw.func(category=CATEGORY)
@arg("ev", doc="Earned value (BCWP), cumulative.")
@arg("ac", doc="Actual cost (ACWP), cumulative.")
@worksheet_function
def PMO_CV(ev, ac):  # noqa: N802 - Excel function names are upper case
    """Cost variance CV = EV - AC: under (+) or over (-) budget for the work done."""
    return _with(("ev", "ac"), f.cost_variance, ev, ac)


@xw.func(category=CATEGORY)
@arg("ev", doc="Earned value (BCWP), cumulative.")
@arg("pv", doc="Planned value (BCWS), cumulative.")
@worksheet_function
def PMO_SPI(ev, pv):  # noqa: N802 - Excel function names are upper case
    """Schedule performance index SPI = EV / PV (1 = on plan). Empty while PV is 0."""
    return _with(("ev", "pv"), f.schedule_performance_index, ev, pv)


@xw.func(category=CATEGORY)
@arg("ev", doc="Earned value (BCWP), cumulative.")
@arg("ac", doc="Actual cost (ACWP), cumulative.")
@worksheet_function
def PMO_CPI(ev, ac):  # noqa: N802 - Excel function names are upper case
    """Cost performance index CPI = EV / AC (1 = on budget). Empty while AC is 0."""
    return _with(("ev", "ac"), f.cost_performance_index, ev, ac)


@xw.func(category=CATEGORY)
@arg("ev", doc="Earned value (BCWP), cumulative.")
@arg("pv", doc="Planned value (BCWS), cumulative.")
@worksheet_function
def PMO_SV_PCT(ev, pv):  # noqa: N802 - Excel function names are upper case
    """Schedule variance as a fraction of PV: (EV - PV) / PV. Format as %. Empty while PV is 0."""
    return _with(("ev", "pv"), f.schedule_variance_pct, ev, pv)


@xw.func(category=CATEGORY)
@arg("ev", doc="Earned value (BCWP), cumulative.")
@arg("ac", doc="Actual cost (ACWP), cumulative.")
@worksheet_function
def PMO_CV_PCT(ev, ac):  # noqa: N802 - Excel function names are upper case
    """Cost variance as a fraction of EV: (EV - AC) / EV. Format as %. Empty while EV is 0."""
    return _with(("ev", "ac"), f.cost_variance_pct, ev, ac)


@xw.func(category=CATEGORY)
@arg("bac", doc="Budget at completion.")
@arg("ev", doc="Earned value, cumulative.")
@arg("ac", doc="Actual cost, cumulative.")
@arg("method", doc='"cpi" (BAC/CPI, default), "atypical" (AC+BAC-EV), "cpi_spi" or "weighted".')
@arg("pv", doc="Planned value, cumulative: needed by cpi_spi and weighted.")
@arg("weight", doc="weighted only: the weight w on CPI, 0 to 1 (SPI gets 1-w), e.g. 0.8.")
@worksheet_function
def PMO_EAC(bac, ev, ac, method="cpi", pv=None, weight=None):  # noqa: N802 - Excel function names are upper case
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
    pv_value = number(pv, "pv")
    weight_value = number(weight, "weight")
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
@arg("eac", doc="Estimate at completion.")
@arg("ac", doc="Actual cost, cumulative.")
@worksheet_function
def PMO_ETC(eac, ac):  # noqa: N802 - Excel function names are upper case
    """Estimate to complete ETC = EAC - AC: what the remaining work is forecast to cost."""
    return _with(("eac", "ac"), f.estimate_to_complete, eac, ac)


@xw.func(category=CATEGORY)
@arg("bac", doc="Budget at completion.")
@arg("eac", doc="Estimate at completion.")
@worksheet_function
def PMO_VAC(bac, eac):  # noqa: N802 - Excel function names are upper case
    """Variance at completion VAC = BAC - EAC: forecast under (+) or over (-) run."""
    return _with(("bac", "eac"), f.variance_at_completion, bac, eac)


@xw.func(category=CATEGORY)
@arg("bac", doc="Budget at completion.")
@arg("ev", doc="Earned value, cumulative.")
@arg("ac", doc="Actual cost, cumulative.")
@arg("eac", doc="Optional: an EAC to aim for instead of BAC.")
@worksheet_function
def PMO_TCPI(bac, ev, ac, eac=None):  # noqa: N802 - Excel function names are upper case
    """To-complete performance index: cost efficiency the remaining work needs.

    To BAC: (BAC - EV)/(BAC - AC); with an EAC: (BAC - EV)/(EAC - AC). Empty once AC has
    reached the target (no efficiency can make up for it).
    """
    args = _numbers(bac=bac, ev=ev, ac=ac)
    target = number(eac, "eac")
    if args is None:
        return None
    return _cell(f.to_complete_performance_index(args["bac"], args["ev"], args["ac"], target))


def _series(pv_cum: object) -> list[float]:
    """One row or one column of cumulative PV as a list; trailing blanks are dropped."""
    table = rows(pv_cum, drop_blank_bottom=True)
    if len(table) > 1 and any(len(r) > 1 for r in table):
        raise ValueError("pv_cum must be one row or one column of cumulative PV")
    cells = [v for r in table for v in r]
    values = [number(v, "pv_cum") for v in cells]
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
@arg("pv_cum", ndim=2, doc="Cumulative PV at the end of periods 1, 2, ... N (one row or column).")
@arg("ev", doc="Earned value, cumulative, at the status date.")
@worksheet_function
def PMO_ES(pv_cum, ev):  # noqa: N802 - Excel function names are upper case
    """Earned schedule ES, in periods: how far along the plan the earned value has got.

    ES = C + I: C whole periods whose cumulative PV is at most EV, plus the interpolated
    share I = (EV - PV_C)/(PV_C+1 - PV_C) of the next one. At most the planned duration.
    """
    series = _series(pv_cum)
    value = number(ev, "ev")
    if value is None:
        return None
    if value < 0:
        raise ValueError("ev must not be negative")
    return _cell(compute_earned_schedule_1d(series, value))


@xw.func(category=CATEGORY)
@arg("es", doc="Earned schedule, in periods.")
@arg("at", doc="Actual time: periods elapsed since the plan's start, status period included.")
@worksheet_function
def PMO_SV_T(es, at):  # noqa: N802 - Excel function names are upper case
    """Schedule variance in time SV(t) = ES - AT, in periods: ahead (+) or behind (-)."""
    return _with(("es", "at"), schedule_variance_t, es, at)


@xw.func(category=CATEGORY)
@arg("es", doc="Earned schedule, in periods.")
@arg("at", doc="Actual time: periods elapsed since the plan's start, status period included.")
@worksheet_function
def PMO_SPI_T(es, at):  # noqa: N802 - Excel function names are upper case
    """Schedule performance index in time SPI(t) = ES / AT (1 = on plan). Empty while AT is 0."""
    return _with(("es", "at"), schedule_performance_index_t, es, at)


@xw.func(category=CATEGORY)
@arg("pd", doc="Planned duration, in periods.")
@arg("es", doc="Earned schedule, in periods.")
@arg("at", doc="Actual time, in periods.")
@arg("ed", doc="Optional: an estimated duration to aim for instead of PD.")
@worksheet_function
def PMO_TSPI(pd, es, at, ed=None):  # noqa: N802 - Excel function names are upper case
    """To-complete schedule performance index: schedule efficiency the remaining work needs.

    (PD - ES)/(PD - AT), or (PD - ES)/(ED - AT) with an ED. Empty once that duration has elapsed.
    """
    args = _numbers(pd=pd, es=es, at=at)
    target = number(ed, "ed")
    if args is None:
        return None
    return _cell(to_complete_schedule_performance_index(args["pd"], args["es"], args["at"], target))


@xw.func(category=CATEGORY)
@arg("pd", doc="Planned duration, in periods.")
@arg("spi_t", doc="SPI(t), e.g. from PMO_SPI_T.")
@worksheet_function
def PMO_IEAC_T(pd, spi_t):  # noqa: N802 - Excel function names are upper case
    """Forecast duration IEAC(t) = PD / SPI(t), in periods. Empty while SPI(t) is 0."""
    return _with(("pd", "spi_t"), independent_estimate_at_completion_t, pd, spi_t)
