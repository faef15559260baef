"""Earned schedule (Lipke; PMI Practice Standard for EVM 2nd ed., App. D; ISO 21508:2018).

Earned schedule turns EV into time: ES is how far along the planned-value curve the earned
value has got, ES = C + I, with C the whole plan periods whose cumulative PV is ≤ EV and
I = (EV − PV_C)/(PV_C+1 − PV_C) the interpolated share of the next one. From ES and the
actual time AT follow SV(t), SPI(t), TSPI, IEAC(t) and a forecast finish date.

`compute_earned_schedule` is the one implementation of ES, vectorised over many curves and
many EV values at once (every project × period of a portfolio, a portfolio's summed curve, or
the single curve a worksheet function receives). Curves live on a shared grid of months:
row k is a cumulative PV curve, 0 before its plan's first period `start[k]`, non-decreasing,
holding its final value after the plan ends.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from pmo_xl.compute.earned_value.formulas import FloatArray, as_float, positive_ratio

IntArray = npt.NDArray[np.intp]

# Comparisons of EV with cumulative PV allow this relative slack, so that an EV typed equal
# to a PV that was summed from monthly figures counts as reaching it (0.1 + 0.2 ≠ 0.3).
RELATIVE_TOLERANCE = 1e-9
# Forecast finishes beyond this many months after the plan start are not dates (SPI(t) ≈ 0).
MAX_FORECAST_MONTHS = 12 * 200


def _tolerance(final: FloatArray) -> FloatArray:
    return RELATIVE_TOLERANCE * np.abs(final)


def compute_plan_duration(curves: FloatArray, start: IntArray) -> IntArray:
    """PD per curve: periods from the plan's first period until the curve reaches its end value.

    0 when the curve never rises above 0 (there is no plan to measure against).
    """
    curves = np.asarray(curves, dtype=np.float64)
    final = curves[:, -1]
    columns = np.arange(curves.shape[1])
    below_end = (curves < (final - _tolerance(final))[:, None]) & (columns >= np.asarray(start)[:, None])
    duration = below_end.sum(axis=1) + 1
    return np.where(final > 0, duration, 0).astype(np.intp)


def compute_earned_schedule(
    curves: FloatArray,
    start: IntArray,
    duration: IntArray,
    ev: FloatArray,
    owner: IntArray | None = None,
) -> FloatArray:
    """ES in periods since each plan's start, for EV values measured against cumulative PV curves.

    curves: (K, G) cumulative PV at the end of each grid period, non-decreasing, with the 0
    the plan starts from in the column before its start (so start ≥ 1 wherever there is a
    plan); start: (K,) grid column of each plan's first period; duration: (K,) PD from
    `compute_plan_duration`; ev: (R,) EV values; owner: (R,) the curve each EV is measured
    on (default: EV i on curve i). ES is capped at PD (all planned work earned). NaN where
    EV is missing or negative, or the curve has no plan (PD = 0).
    """
    curves = np.ascontiguousarray(curves, dtype=np.float64)
    n_curves, width = curves.shape
    ev = np.asarray(ev, dtype=np.float64)
    owner = np.arange(n_curves) if owner is None else np.asarray(owner, dtype=np.intp)
    flat = curves.ravel()
    final = curves[:, -1]
    scale = np.where(final > 0, final, 1.0)
    # One sorted key per grid cell: curve k's values scaled to [0, 1] and shifted to
    # [2k, 2k + 1], so a single searchsorted counts, for every EV, the cells of its own
    # curve with PV ≤ EV (+ tolerance). The key rounding (< 5e-10 of the curve's end for
    # up to a million curves) stays inside RELATIVE_TOLERANCE.
    keys = curves / scale[:, None]
    keys += 2.0 * np.arange(n_curves, dtype=np.float64)[:, None]
    with np.errstate(over="ignore", invalid="ignore"):
        query = ev + _tolerance(final)[owner]
        query /= scale[owner]
    np.nan_to_num(query, copy=False, nan=0.0)
    np.minimum(query, 1.5, out=query)
    query += owner
    query += owner  # + 2k: into its own curve's key range
    # Arrays are reused in place below: at 10^5-10^6 rows, fresh memory costs more than maths.
    first_cell = (np.arange(n_curves, dtype=np.intp) * width + np.asarray(start, dtype=np.intp))[owner]
    duration_o = np.asarray(duration, dtype=np.intp)[owner]
    whole = np.searchsorted(keys.ravel(), query, side="right")
    whole -= first_cell  # the cells before the plan's start hold 0 and always count
    np.clip(whole, 0, duration_o, out=whole)

    cell = first_cell
    cell += whole  # the period after the last whole one (C + 1)
    np.minimum(cell, flat.size - 1, out=cell)
    pv_next = flat[cell]
    cell -= 1  # period C, or the 0 before the plan when C = 0
    pv_c = flat[cell]
    step = np.subtract(pv_next, pv_c, out=pv_next)
    share = np.subtract(ev, pv_c, out=pv_c)
    np.divide(share, step, out=share, where=step > 0)
    share[step <= 0] = 0.0
    np.clip(share, 0.0, 1.0, out=share)
    es = np.add(share, whole, out=share)
    done = whole >= duration_o
    es[done] = duration_o[done]
    with np.errstate(invalid="ignore"):
        es[~(ev >= 0) | (duration_o <= 0)] = np.nan  # also NaN EV
    return es


def compute_earned_schedule_1d(pv_cum: npt.ArrayLike, ev: float) -> float:
    """ES for one EV on one cumulative PV series (period 1 first), in periods. NaN if undefined."""
    curve = np.asarray(pv_cum, dtype=np.float64)[None, :]
    # Period 0 (before the plan) is the implicit 0 the first interpolation starts from.
    curve = np.concatenate([np.zeros((1, 1)), curve], axis=1)
    start = np.array([1])
    duration = compute_plan_duration(curve, start)
    return float(compute_earned_schedule(curve, start, duration, np.array([ev]))[0])


def schedule_variance_t(es: npt.ArrayLike, at: npt.ArrayLike) -> FloatArray:
    """SV(t) = ES − AT, in periods: ahead (+) or behind (−) the plan in time."""
    return as_float(es) - as_float(at)


def schedule_performance_index_t(es: npt.ArrayLike, at: npt.ArrayLike) -> FloatArray:
    """SPI(t) = ES / AT; undefined before any time has elapsed (AT ≤ 0)."""
    return positive_ratio(es, at)


def to_complete_schedule_performance_index(
    pd: npt.ArrayLike, es: npt.ArrayLike, at: npt.ArrayLike, ed: npt.ArrayLike | None = None
) -> FloatArray:
    """TSPI: schedule efficiency the rest of the work needs to finish by PD (or by ED if given).

    (PD − ES)/(PD − AT), or (PD − ES)/(ED − AT). Undefined once that duration has elapsed.
    """
    target = as_float(pd) if ed is None else as_float(ed)
    return positive_ratio(as_float(pd) - as_float(es), target - as_float(at))


def independent_estimate_at_completion_t(pd: npt.ArrayLike, spi_t: npt.ArrayLike) -> FloatArray:
    """IEAC(t) = PD / SPI(t): forecast duration in periods; undefined when SPI(t) ≤ 0."""
    return positive_ratio(pd, spi_t)


def compute_forecast_finish(plan_start_month: npt.ArrayLike, ieac_t: npt.ArrayLike) -> npt.NDArray[np.datetime64]:
    """The calendar day a forecast duration ends: plan start + IEAC(t) months.

    plan_start_month: months since 1970-01 of each plan's first period. Whole months are added
    to the plan start; the fraction is converted with the number of days of the month it falls
    in; the finish is the day in which that instant falls (IEAC(t) = 5 from 1 January is
    31 May, the last day of the fifth month). NaT where IEAC(t) is undefined or absurdly far.
    """
    ieac = np.asarray(ieac_t, dtype=np.float64)
    total = np.add(np.asarray(plan_start_month, dtype=np.float64), ieac)  # months since 1970-01
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(total) & (ieac >= 0) & (ieac <= MAX_FORECAST_MONTHS)
    if not ok.any():
        return np.full(ieac.shape, np.datetime64("NaT", "ns"))
    # Worked in place: this runs on every project × period, where fresh memory costs most.
    np.copyto(total, 0.0, where=~ok)
    month = np.floor(total).astype(np.int64)
    low = int(np.min(month, where=ok, initial=np.iinfo(np.int64).max))
    high = int(np.max(month, where=ok, initial=np.iinfo(np.int64).min))
    np.copyto(month, low, where=~ok)
    share = np.subtract(total, month, out=total)  # the fraction of the last month
    # First day of each month involved, from a small table (calendar maths once per month).
    first_days = np.arange(low, high + 2).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    month -= low
    first_day = first_days[month]
    month += 1
    days_in_month = first_days[month]
    days_in_month -= first_day
    share *= days_in_month
    share += first_day  # the end instant, in days since 1970-01-01
    # The day the end instant falls in; a micro-day of slack keeps IEAC(t) = 4.9999999999
    # (rounding noise for 5) from moving a finish to the next day.
    share -= 1e-6
    np.ceil(share, out=share)
    finish = share.astype(np.int64)
    finish -= 1
    finish *= 86_400_000_000_000
    np.copyto(finish, np.iinfo(np.int64).min, where=~ok)  # int64 min is NaT
    return finish.view("datetime64[ns]")
