"""Earned value formulas (PMI / ANSI-EIA-748), one function per figure.

These are the single definitions of the EVM figures: the engine applies them to whole columns
(numpy arrays over every project × period) and the `=PMO_...` worksheet functions apply them to
single numbers. Every function takes scalars or arrays and returns a float64 array (0-d for
scalars). A figure that is mathematically undefined (a ratio over zero, an index whose inputs
are missing) comes back as NaN, never as 0 or infinity: the caller decides how to explain it.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt

from pmo_xl.schema.settings import EacMethod

FloatArray = npt.NDArray[np.float64]
Number = float | int | np.floating | npt.ArrayLike

EAC_METHODS: Final = tuple(EacMethod)  # cpi, atypical, cpi_spi, weighted, bottom_up
EAC_FORMULAS: Final = {
    EacMethod.CPI: "BAC / CPI",
    EacMethod.ATYPICAL: "AC + (BAC − EV)",
    EacMethod.CPI_SPI: "AC + (BAC − EV) / (CPI × SPI)",
    EacMethod.WEIGHTED: "AC + (BAC − EV) / (w × CPI + (1 − w) × SPI)",
    EacMethod.BOTTOM_UP: "AC + ETC (bottom-up)",
}


def as_float(values: Number) -> FloatArray:
    """Numbers as a float64 array; None becomes NaN so blanks flow through as 'undefined'."""
    if values is None:
        return np.asarray(np.nan)
    array = np.asarray(values, dtype=np.float64)
    return array


def ratio(numerator: Number, denominator: Number) -> FloatArray:
    """numerator / denominator, NaN where the denominator is 0 or either side is missing."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out = np.asarray(np.divide(as_float(numerator), as_float(denominator)))
    # x/0 (or an overflow) gives ±inf and 0/0 NaN: an undefined ratio is NaN, never infinite.
    np.copyto(out, np.nan, where=np.isinf(out))
    return out


def positive_ratio(numerator: Number, denominator: Number) -> FloatArray:
    """numerator / denominator, NaN unless the denominator is strictly positive.

    For the to-complete indices the denominator is what is left (budget or time): once it is
    used up, no efficiency can recover it, so a negative index would only mislead.
    """
    den = as_float(denominator)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out = np.asarray(np.divide(as_float(numerator), den))
    np.copyto(out, np.nan, where=~(den > 0) | np.isinf(out))
    return out


def schedule_variance(ev: Number, pv: Number) -> FloatArray:
    """SV = EV − PV: value earned ahead (+) or behind (−) the plan."""
    return as_float(ev) - as_float(pv)


def cost_variance(ev: Number, ac: Number) -> FloatArray:
    """CV = EV − AC: under (+) or over (−) budget for the work done."""
    return as_float(ev) - as_float(ac)


def schedule_variance_pct(ev: Number, pv: Number) -> FloatArray:
    """SV% = SV / PV, a fraction; undefined when nothing was planned yet (PV = 0)."""
    return ratio(schedule_variance(ev, pv), pv)


def cost_variance_pct(ev: Number, ac: Number) -> FloatArray:
    """CV% = CV / EV, a fraction; undefined when nothing was earned yet (EV = 0)."""
    return ratio(cost_variance(ev, ac), ev)


def schedule_performance_index(ev: Number, pv: Number) -> FloatArray:
    """SPI = EV / PV; undefined when PV = 0."""
    return ratio(ev, pv)


def cost_performance_index(ev: Number, ac: Number) -> FloatArray:
    """CPI = EV / AC; undefined when AC = 0."""
    return ratio(ev, ac)


def estimate_at_completion(
    bac: Number,
    ev: Number,
    ac: Number,
    method: str = EacMethod.CPI,
    pv: Number | None = None,
    weight: Number | None = None,
    etc: Number | None = None,
) -> FloatArray:
    """EAC by one of the standard methods (`EAC_METHODS`).

    cpi: BAC / CPI; atypical: AC + (BAC − EV); cpi_spi: AC + (BAC − EV)/(CPI × SPI);
    weighted: AC + (BAC − EV)/(w × CPI + (1 − w) × SPI) with w the weight on CPI;
    bottom_up: AC + ETC. Raises ValueError for an unknown method or a missing argument the
    method needs (a programming or formula error, not a data problem).
    """
    if method not in EAC_METHODS:
        raise ValueError(f"unknown EAC method {method!r}: use one of {', '.join(EAC_METHODS)}")
    if method in (EacMethod.CPI_SPI, EacMethod.WEIGHTED) and pv is None:
        raise ValueError(f"the {method} EAC method needs PV (it uses SPI)")
    if method == EacMethod.WEIGHTED and weight is None:
        raise ValueError("the weighted EAC method needs the weight on CPI (0 to 1)")
    if method == EacMethod.BOTTOM_UP and etc is None:
        raise ValueError("the bottom_up EAC method needs the bottom-up ETC")
    cpi = cost_performance_index(ev, ac)
    spi = schedule_performance_index(ev, pv) if pv is not None else None
    return eac_from_indices(method, bac, ev, ac, cpi, spi, weight, etc)


def eac_from_indices(
    method: str,
    bac: Number,
    ev: Number,
    ac: Number,
    cpi: FloatArray,
    spi: FloatArray | None = None,
    weight: Number | None = None,
    etc: Number | None = None,
    remaining: FloatArray | None = None,
) -> FloatArray:
    """EAC by `method` when CPI and SPI are already known (the engine computes them once).

    remaining: BAC − EV when the caller has it already (the engine shares it between the
    methods and TCPI); it is only read. An index of 0 (nothing earned yet) gives no
    forecast: the EAC is NaN, not infinite.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        return _eac(method, as_float(bac), as_float(ev), as_float(ac), cpi, spi, weight, etc, remaining)


def _eac(
    method: str, bac_a: FloatArray, ev_a: FloatArray, ac_a: FloatArray, cpi: FloatArray,
    spi: FloatArray | None, weight: Number | None, etc: Number | None, remaining: FloatArray | None = None,
) -> FloatArray:
    # `ratio` turns x/0 into NaN, so an index of 0 needs no special case; in-place adds keep
    # temporaries few (the engine runs this on every project × period).
    if method == EacMethod.ATYPICAL:
        out = bac_a - ev_a if remaining is None else remaining.copy()
    elif method == EacMethod.BOTTOM_UP:
        out = np.array(as_float(etc), dtype=np.float64)
    elif method == EacMethod.CPI:
        return ratio(bac_a, cpi)
    elif method == EacMethod.CPI_SPI:
        out = ratio(bac_a - ev_a if remaining is None else remaining, cpi * spi)
    elif method == EacMethod.WEIGHTED:
        w = as_float(weight)
        if np.any((w < 0) | (w > 1)):
            raise ValueError("the EAC weight on CPI must be between 0 and 1")
        index = w * cpi
        index += (1.0 - w) * spi
        out = ratio(bac_a - ev_a if remaining is None else remaining, index)
    else:
        raise ValueError(f"unknown EAC method {method!r}: use one of {', '.join(EAC_METHODS)}")
    out = np.asarray(out, dtype=np.float64)
    if out.ndim == 0 or out.shape != np.broadcast(out, ac_a).shape:
        return np.asarray(out + ac_a)
    out += ac_a
    return out


def tcpi_of_remaining_work(remaining: FloatArray, left: FloatArray) -> FloatArray:
    """TCPI as the engine reports it: remaining work (BAC − EV) over what is `left` to spend on it.

    Blank (NaN) when the work is complete (remaining ≤ 0): no efficiency is needed, whether it
    came in under or over budget. Blank too when nothing is left with work remaining; the RAG
    rates that case Red as *unachievable* (rag.tcpi_unachievable), never as a missing figure.
    """
    out = positive_ratio(remaining, left)
    np.copyto(out, np.nan, where=~(as_float(remaining) > 0))
    return out


def estimate_to_complete(eac: Number, ac: Number) -> FloatArray:
    """ETC = EAC − AC: what the remaining work is forecast to cost."""
    return as_float(eac) - as_float(ac)


def variance_at_completion(bac: Number, eac: Number) -> FloatArray:
    """VAC = BAC − EAC: the forecast under (+) or over (−) run at completion."""
    return as_float(bac) - as_float(eac)


def variance_at_completion_pct(bac: Number, eac: Number) -> FloatArray:
    """VAC% = VAC / BAC, a fraction; undefined when BAC = 0."""
    return ratio(variance_at_completion(bac, eac), bac)


def to_complete_performance_index(
    bac: Number, ev: Number, ac: Number, eac: Number | None = None
) -> FloatArray:
    """TCPI: cost efficiency the remaining work needs, to hit BAC (default) or the EAC.

    To BAC: (BAC − EV)/(BAC − AC); to EAC: (BAC − EV)/(EAC − AC). Undefined (NaN) once the
    target is already spent (denominator ≤ 0): no efficiency can bring the work in on it.
    """
    target = as_float(bac) if eac is None else as_float(eac)
    return positive_ratio(as_float(bac) - as_float(ev), target - as_float(ac))
