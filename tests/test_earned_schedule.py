"""Earned schedule: ES = C + I and the figures built on it, against published examples.

ES-01  PMP PrepCast forum, 5-month linear plan, 3 months in, half the work done
       https://www.project-management-prepcast.com/kunena/pmp-exam-discussion/9649-explanation
       (published ES 2.5, SV(t) -0.5, SPI(t) 0.83; exact IEAC(t) 6.0 and TSPI 1.25 from
       published_cases.json `recomputed`).
Lipke  "Earned Schedule Concept" (Lipke, figure and box): ES = 5 + (EV − PV_May)/(PV_Jun − PV_May)
       with AT = 7 for a status at the end of July; https://www.scribd.com/doc/47929652/Earned-Schedule-Concept
PRA    R package PRA, spi.html: cumulative plan (0.1, 0.2, 0.4, 0.7, 1.0) × 100,000, EV 35,000.
       The page publishes PV and SPI only; ES here is the Lipke formula applied to its inputs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo_xl.compute.earned_value.earned_schedule import (
    compute_earned_schedule,
    compute_earned_schedule_1d,
    compute_forecast_finish,
    compute_plan_duration,
    independent_estimate_at_completion_t,
    schedule_performance_index_t,
    schedule_variance_t,
    to_complete_schedule_performance_index,
)
from pmo_xl.compute.earned_value.plan import BASELINE, LINEAR, NO_PLAN, PROGRESS_PV, compute_plan_curves

EXACT = {"rel": 1e-12, "abs": 1e-12}
JAN_2025 = (2025 - 1970) * 12


def reference_es(pv_cum: list[float], ev: float) -> float:
    """Lipke's definition read literally, one period at a time (the oracle for the vector code)."""
    # Same documented slack as the engine: PV within 1e-9 of the plan total counts as reached.
    slack = 1e-9 * pv_cum[-1]
    pd_ = next(k for k, v in enumerate(pv_cum, start=1) if v >= pv_cum[-1] - slack)
    c = 0
    while c < pd_ and pv_cum[c] <= ev + slack:
        c += 1
    if c >= pd_:
        return float(pd_)
    pv_c = pv_cum[c - 1] if c > 0 else 0.0
    return c + max(0.0, (ev - pv_c) / (pv_cum[c] - pv_c))


def test_es_01_prepcast_linear_plan() -> None:
    pv_cum = [0.2, 0.4, 0.6, 0.8, 1.0]
    es = compute_earned_schedule_1d(pv_cum, 0.5)
    at, pd_ = 3, 5
    assert es == pytest.approx(2.5, **EXACT)
    assert schedule_variance_t(es, at) == pytest.approx(-0.5, **EXACT)
    spi_t = schedule_performance_index_t(es, at)
    assert spi_t == pytest.approx(0.833333, abs=5e-7)
    assert independent_estimate_at_completion_t(pd_, spi_t) == pytest.approx(6.0, **EXACT)
    assert to_complete_schedule_performance_index(pd_, es, at) == pytest.approx(1.25, **EXACT)


def test_lipke_concept_figure_june_partly_earned_in_july() -> None:
    # Jan..Nov plan; EV lies between the cumulative PV of May and of June; status end of July.
    pv_cum = [10, 25, 45, 70, 100, 140, 180, 215, 245, 265, 280]
    ev = 120.0
    es = compute_earned_schedule_1d(pv_cum, ev)
    assert es == pytest.approx(5 + (120 - 100) / (140 - 100), **EXACT)
    assert schedule_variance_t(es, 7) == pytest.approx(es - 7, **EXACT)


def test_pra_plan_with_lipke_formula() -> None:
    pv_cum = [10000, 20000, 40000, 70000, 100000]
    assert compute_earned_schedule_1d(pv_cum, 35000) == pytest.approx(2 + (35000 - 20000) / (40000 - 20000), **EXACT)


@pytest.mark.parametrize(
    ("pv_cum", "ev", "expected"),
    [
        ([10, 20, 30], 0.0, 0.0),  # nothing earned
        ([0, 0, 10, 20], 0.0, 2.0),  # leading periods with nothing planned count as earned
        ([10, 20, 30], 30.0, 3.0),  # all planned work earned: ES = PD
        ([10, 20, 30], 45.0, 3.0),  # EV beyond the plan is capped at PD
        ([10, 20, 30, 30, 30], 30.0, 3.0),  # PD is where the curve reaches its end, not the series length
        ([10, 20, 30], 20.0, 2.0),  # EV exactly on a period's PV
        ([0.1, 0.1 + 0.2, 0.6], 0.3, 2.0),  # ... even when the PV was summed in floating point
        ([10, 20, 30], -1.0, np.nan),
        ([10, 20, 30], np.nan, np.nan),
        ([0, 0, 0], 5.0, np.nan),  # no plan to measure against
    ],
)
def test_es_edges(pv_cum: list[float], ev: float, expected: float) -> None:
    es = compute_earned_schedule_1d(pv_cum, ev)
    if np.isnan(expected):
        assert np.isnan(es)
    else:
        assert es == pytest.approx(expected, **EXACT)


increments = st.lists(st.floats(0, 1000, allow_nan=False), min_size=1, max_size=30).filter(lambda v: sum(v) > 0)


@given(increments, st.floats(0, 1.2))
def test_es_matches_the_literal_definition(steps: list[float], share: float) -> None:
    pv_cum = list(np.cumsum(steps))
    ev = share * pv_cum[-1]
    assert compute_earned_schedule_1d(pv_cum, ev) == pytest.approx(reference_es(pv_cum, ev), rel=1e-9, abs=1e-9)


rising = st.lists(st.floats(0.01, 1000, allow_nan=False), min_size=1, max_size=30)


@given(rising, st.data())
def test_es_equals_at_when_ev_equals_pv_on_the_plan(steps: list[float], data: st.DataObject) -> None:
    # A plan with work in every period: EV exactly on plan at AT means ES = AT, SPI(t) = 1.
    pv_cum = list(np.cumsum(steps))
    at = data.draw(st.integers(1, len(pv_cum)))
    es = compute_earned_schedule_1d(pv_cum, pv_cum[at - 1])
    assert es == pytest.approx(at, abs=1e-9)
    assert schedule_performance_index_t(es, at) == pytest.approx(1.0, abs=1e-9)


def test_a_period_with_nothing_planned_is_earned_with_the_one_before() -> None:
    # Cumulative PV 1, 1, 2: EV 1 has earned periods 1 and 2 (nothing was planned in 2).
    assert compute_earned_schedule_1d([1, 1, 2], 1.0) == 2.0


@given(increments, st.floats(0, 1), st.floats(0, 1))
def test_es_never_falls_as_ev_rises(steps: list[float], a: float, b: float) -> None:
    pv_cum = list(np.cumsum(steps))
    low, high = sorted((a, b))
    assert compute_earned_schedule_1d(pv_cum, low * pv_cum[-1]) <= compute_earned_schedule_1d(pv_cum, high * pv_cum[-1]) + 1e-12


@settings(max_examples=30)
@given(st.lists(increments, min_size=1, max_size=6), st.data())
def test_batch_es_equals_one_curve_at_a_time(curves: list[list[float]], data: st.DataObject) -> None:
    width = max(len(c) for c in curves) + 3
    starts = [data.draw(st.integers(1, width - len(c))) for c in curves]
    matrix = np.zeros((len(curves), width))
    for k, (steps, start) in enumerate(zip(curves, starts, strict=True)):
        row = np.cumsum(steps)
        matrix[k, start:start + len(row)] = row
        matrix[k, start + len(row):] = row[-1]
    start = np.array(starts)
    duration = compute_plan_duration(matrix, start)
    owner = np.array(data.draw(st.lists(st.integers(0, len(curves) - 1), min_size=1, max_size=20)))
    ev = np.array([data.draw(st.floats(0, 1.1)) * matrix[k, -1] for k in owner])
    batch = compute_earned_schedule(matrix, start, duration, ev, owner)
    single = [compute_earned_schedule_1d(list(np.cumsum(curves[k])), e) for k, e in zip(owner, ev, strict=True)]
    assert batch == pytest.approx(single, rel=1e-9, abs=1e-9)


def test_plan_duration() -> None:
    curves = np.array([[0, 0, 10, 20, 20, 20], [0, 5, 5, 5, 5, 5], [0, 0, 0, 0, 0, 0]], dtype=float)
    assert compute_plan_duration(curves, np.array([2, 1, 0])).tolist() == [2, 1, 0]


def test_tspi_to_plan_and_to_estimate() -> None:
    assert to_complete_schedule_performance_index(10, 4, 5) == pytest.approx(6 / 5, **EXACT)
    assert to_complete_schedule_performance_index(10, 4, 5, 12) == pytest.approx(6 / 7, **EXACT)
    assert np.isnan(to_complete_schedule_performance_index(10, 4, 10))  # PD has elapsed
    assert np.isnan(to_complete_schedule_performance_index(10, 4, 11))
    assert np.isnan(schedule_performance_index_t(2, 0))
    assert np.isnan(independent_estimate_at_completion_t(10, 0))


@pytest.mark.parametrize(
    ("start", "ieac", "finish"),
    [
        (JAN_2025, 5.0, "2025-05-31"),  # five whole months from 1 January end on 31 May
        (JAN_2025, 4.5, "2025-05-16"),  # half of May's 31 days: 15.5 days in, so 16 May
        (JAN_2025, 6.0, "2025-06-30"),  # ES-01: IEAC(t) 6 months
        (JAN_2025 - 12, 1.5, "2024-02-15"),  # half of a 29-day February: 14.5 days in
        (JAN_2025, 4.9999999999999, "2025-05-31"),  # rounding noise does not move the day
        (JAN_2025, np.nan, None),
        (np.nan, 3.0, None),
    ],
)
def test_forecast_finish_converts_months_by_days_of_the_month(start: float, ieac: float, finish: str | None) -> None:
    got = compute_forecast_finish(np.array([start]), np.array([ieac]))[0]
    if finish is None:
        assert np.isnat(got)
    else:
        assert pd.Timestamp(got) == pd.Timestamp(finish)


# --------------------------------------------------------------------------------------------
# Plan curves from the registers

def _curves(**kwargs: object):
    defaults = dict(
        n_projects=1, origin=JAN_2025 - 1, width=14,
        baseline=(np.array([], np.intp), np.array([], np.intp), np.array([])),
        progress_pv=(np.array([], np.intp), np.array([], np.intp), np.array([])),
        start=np.array([1]), finish=np.array([12]), bac=np.array([1200.0]),
    )
    defaults.update(kwargs)
    return compute_plan_curves(**defaults)  # type: ignore[arg-type]


def test_baseline_curve_is_the_cumulated_monthly_plan() -> None:
    plan = _curves(baseline=(np.array([0, 0, 0]), np.array([2, 3, 5]), np.array([100.0, 200.0, 300.0])))
    assert plan.source[0] == BASELINE and plan.start[0] == 2
    assert plan.curves[0].tolist() == [0, 0, 100, 300, 300, 600, 600, 600, 600, 600, 600, 600, 600, 600]
    assert plan.duration[0] == 4  # Feb..May


def test_linear_curve_when_only_dates_and_bac_are_known() -> None:
    plan = _curves()
    assert plan.source[0] == LINEAR and plan.duration[0] == 12
    assert plan.curves[0, 1:13] == pytest.approx([100.0 * k for k in range(1, 13)])
    assert plan.curves[0, 13] == 1200 and plan.curves[0, 0] == 0


def test_progress_pv_curve_joins_reports_with_straight_lines() -> None:
    # Reports in March (300) and May (700); plan Jan..Dec, BAC 1200 at the December finish.
    plan = _curves(progress_pv=(np.array([0, 0]), np.array([3, 5]), np.array([300.0, 700.0])))
    assert plan.source[0] == PROGRESS_PV and plan.start[0] == 1
    assert plan.curves[0, :6] == pytest.approx([0, 100, 200, 300, 500, 700])
    assert plan.curves[0, 12] == pytest.approx(1200) and plan.curves[0, 13] == pytest.approx(1200)
    assert np.all(np.diff(plan.curves[0]) >= 0)


def test_progress_pv_past_the_finish_below_bac_keeps_the_reports() -> None:
    # Planned finish March, but April still reports PV 900 of 1200: the plan moved.
    plan = _curves(finish=np.array([3]), progress_pv=(np.array([0]), np.array([4]), np.array([900.0])))
    assert plan.curves[0, 4] == pytest.approx(900) and plan.curves[0, 3] < 900
    assert plan.curves[0, -1] == pytest.approx(900)


def test_no_plan_without_baseline_pv_or_dates() -> None:
    plan = _curves(start=np.array([-1]), finish=np.array([-1]))
    assert plan.source[0] == NO_PLAN and plan.duration[0] == 0
