"""Earned value: formulas against published worked examples, the engine on small portfolios.

Published cases (numbers from tests/data/published_cases.json, exact unrounded
values from its `recomputed` / `expected_exact_for_tool`):
  EVM-01  Rita Mulcahy, PMP Exam Prep p.210, fence exercise
          https://studylib.net/doc/5898152/earned-value-exercise
  EVM-05  Microsoft Project "SPI fields" example
          https://support.microsoft.com/en-gb/office/spi-fields-d2f8cf9b-f7e6-4cdd-87d6-e5cbd27e0421
  EVM-21  https://wikislate.com/view.php?p=15-evm-forecasting.html
  PRA     R package PRA reference pages (eac, tcpi, spi), Paul Govan
          https://paulgovan.github.io/PRA/reference/eac.html, .../tcpi.html, .../spi.html
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo_xl.compute.earned_value import compute_earned_value
from pmo_xl.compute.earned_value import formulas as f
from pmo_xl.compute.earned_value.issues import LABELS, MONITORED
from pmo_xl.model import Portfolio, Settings

EXACT = {"rel": 1e-12, "abs": 1e-12}


# --------------------------------------------------------------------------------------------
# Small portfolios written as tables in the test


def projects(*rows: tuple) -> pd.DataFrame:
    """(project_id, bac, ev_technique, start, finish[, programme, business_unit])."""
    out = []
    for i, row in enumerate(rows):
        pid, bac, technique, start, finish, *rest = row
        programme, unit = (rest + [None, None])[:2]
        out.append({
            "project_id": pid, "name": f"Project {pid}", "programme": programme, "business_unit": unit,
            "status": "Active", "start": pd.Timestamp(start) if start else pd.NaT,
            "finish": pd.Timestamp(finish) if finish else pd.NaT, "bac": float(bac),
            "ev_technique": technique, "_row": i + 2,
        })
    return pd.DataFrame(out)


def progress(*rows: tuple) -> pd.DataFrame:
    """(project_id, period YYYY-MM, pv, ev, pct_complete, ac[, etc]) with None for blanks."""
    out = []
    for i, row in enumerate(rows):
        pid, period, pv, ev, pct, ac, *rest = row
        etc = rest[0] if rest else None
        out.append({
            "project_id": pid, "period": pd.Timestamp(period + "-01"),
            "pv": np.nan if pv is None else float(pv), "ev": np.nan if ev is None else float(ev),
            "pct_complete": np.nan if pct is None else float(pct), "ac": np.nan if ac is None else float(ac),
            "etc": np.nan if etc is None else float(etc), "_row": i + 2,
        })
    return pd.DataFrame(out)


def baseline(pid: str, first: str, values: list[float]) -> pd.DataFrame:
    months = pd.date_range(first + "-01", periods=len(values), freq="MS")
    return pd.DataFrame({"project_id": pid, "period": months, "planned_value": values, "_row": range(2, 2 + len(values))})


def milestones(*rows: tuple) -> pd.DataFrame:
    """(project_id, name, actual date or None, ev_weight)."""
    return pd.DataFrame([
        {"project_id": pid, "milestone": name, "baseline_date": pd.Timestamp("2025-01-01"), "forecast_date": pd.NaT,
         "actual_date": pd.Timestamp(actual) if actual else pd.NaT, "ev_weight": weight, "_row": i + 2}
        for i, (pid, name, actual, weight) in enumerate(rows)
    ])


def portfolio(projects_df: pd.DataFrame, progress_df: pd.DataFrame, baseline_df: pd.DataFrame | None = None,
              milestones_df: pd.DataFrame | None = None, **settings: object) -> Portfolio:
    registers = {
        "Projects": projects_df,
        "Progress": progress_df,
        "Baseline": baseline_df if baseline_df is not None else pd.DataFrame(columns=["project_id", "period", "planned_value", "_row"]),
        "Milestones": milestones_df if milestones_df is not None else pd.DataFrame(),
    }
    return Portfolio(settings=Settings(**settings), registers=registers)  # type: ignore[arg-type]


def row_of(frame: pd.DataFrame, pid: str, period: str | None = None) -> pd.Series:
    rows = frame[frame["project_id"] == pid]
    if period is not None:
        rows = rows[rows["period"] == pd.Timestamp(period + "-01")]
    assert len(rows) == 1
    return rows.iloc[0]


def flat(issues: list) -> list[tuple]:
    return sorted((i.sheet, i.row, i.field, i.code) for i in issues)


# --------------------------------------------------------------------------------------------
# Formulas against the published cases


def test_evm_01_fence_exercise_formulas() -> None:
    bac, pv, ev, ac = 4000, 3000, 2500, 2800
    assert f.cost_variance(ev, ac) == -300
    assert f.schedule_variance(ev, pv) == -500
    assert f.cost_performance_index(ev, ac) == pytest.approx(2500 / 2800, **EXACT)
    assert f.cost_performance_index(ev, ac) == pytest.approx(0.892857, abs=5e-7)
    assert f.schedule_performance_index(ev, pv) == pytest.approx(0.833333, abs=5e-7)
    assert f.cost_variance_pct(ev, ac) == pytest.approx(-0.12, **EXACT)
    assert f.schedule_variance_pct(ev, pv) == pytest.approx(-0.16666666666666666, **EXACT)
    # expected_exact_for_tool: EAC 4480, ETC 1680, VAC -480 (the source rounded CPI first).
    eac = f.estimate_at_completion(bac, ev, ac, "cpi")
    assert eac == pytest.approx(4480.0, **EXACT)
    assert f.estimate_to_complete(eac, ac) == pytest.approx(1680.0, **EXACT)
    assert f.variance_at_completion(bac, eac) == pytest.approx(-480.0, **EXACT)
    assert f.estimate_at_completion(bac, ev, ac, "atypical") == 4300
    assert f.estimate_at_completion(bac, ev, ac, "cpi_spi", pv=pv) == pytest.approx(4816.0, **EXACT)
    assert f.to_complete_performance_index(bac, ev, ac) == pytest.approx(1.25, **EXACT)
    assert f.to_complete_performance_index(bac, ev, ac, eac) == pytest.approx(0.892857, abs=5e-7)
    assert f.ratio(ev, bac) == 0.625  # % complete


def test_evm_05_microsoft_project_spi_example() -> None:
    bac, pv, ev, ac = 100, 50, 60, 60
    assert f.schedule_performance_index(ev, pv) == pytest.approx(1.2, **EXACT)  # published "1.2"
    assert f.cost_performance_index(ev, ac) == 1.0
    assert f.schedule_variance(ev, pv) == 10
    assert f.schedule_variance_pct(ev, pv) == pytest.approx(0.2, **EXACT)
    assert f.estimate_at_completion(bac, ev, ac, "cpi") == pytest.approx(100.0, **EXACT)
    assert f.estimate_at_completion(bac, ev, ac, "cpi_spi", pv=pv) == pytest.approx(93.333333, abs=5e-7)
    assert f.to_complete_performance_index(bac, ev, ac) == pytest.approx(1.0, **EXACT)


def test_evm_21_eac_family() -> None:
    bac, pv, ev, ac = 100, 50, 40, 45
    eac = f.estimate_at_completion(bac, ev, ac, "cpi")
    assert eac == pytest.approx(112.5, **EXACT)
    assert f.estimate_to_complete(eac, ac) == pytest.approx(67.5, **EXACT)
    assert f.variance_at_completion(bac, eac) == pytest.approx(-12.5, **EXACT)
    assert f.estimate_at_completion(bac, ev, ac, "cpi_spi", pv=pv) == pytest.approx(129.375, **EXACT)
    assert f.estimate_at_completion(bac, ev, ac, "atypical") == 105
    assert f.to_complete_performance_index(bac, ev, ac) == pytest.approx(60 / 55, **EXACT)  # 1.090909
    assert f.to_complete_performance_index(bac, ev, ac, eac) == pytest.approx(0.888889, abs=5e-7)
    assert f.cost_variance_pct(ev, ac) == pytest.approx(-0.125, **EXACT)
    assert f.schedule_variance_pct(ev, pv) == pytest.approx(-0.2, **EXACT)


def test_pra_package_examples() -> None:
    # eac.html: typical with CPI 0.83 -> 120481.9 (printed to 2 d.p. after rounding to 1 d.p.).
    assert f.ratio(100000, 0.83) == pytest.approx(120481.9, abs=0.05)
    # eac.html: atypical, AC 63000, EV 35000 -> 128000.
    assert f.estimate_at_completion(100000, 35000, 63000, "atypical") == 128000
    # tcpi.html: to BAC 1.76, to EAC (120482) 1.13 (both printed rounded to 2 d.p.).
    assert f.to_complete_performance_index(100000, 35000, 63000) == pytest.approx(1.76, abs=0.005)
    assert f.to_complete_performance_index(100000, 35000, 63000, 120482) == pytest.approx(1.13, abs=0.005)
    # spi.html: schedule (0.1, 0.2, 0.4, 0.7, 1.0) x 100000 at period 3, 35% complete -> 0.875.
    assert f.schedule_performance_index(0.35 * 100000, 0.4 * 100000) == pytest.approx(0.875, **EXACT)


def test_weighted_eac_uses_the_weight_on_cpi() -> None:
    # AC + (BAC − EV)/(w·CPI + (1−w)·SPI) with EVM-21 figures: CPI 8/9, SPI 0.8, w = 0.8.
    expected = 45 + 60 / (0.8 * 40 / 45 + 0.2 * 0.8)
    assert f.estimate_at_completion(100, 40, 45, "weighted", pv=50, weight=0.8) == pytest.approx(expected, **EXACT)
    # w = 1 is the CPI method, w = 0 divides by SPI alone.
    assert f.estimate_at_completion(100, 40, 45, "weighted", pv=50, weight=1.0) == pytest.approx(112.5, **EXACT)
    assert f.estimate_at_completion(100, 40, 45, "weighted", pv=50, weight=0.0) == pytest.approx(45 + 60 / 0.8, **EXACT)


def test_bottom_up_eac_is_ac_plus_etc() -> None:
    assert f.estimate_at_completion(100, 40, 45, "bottom_up", etc=70) == 115


@pytest.mark.parametrize(
    ("call", "why"),
    [
        (lambda: f.schedule_performance_index(10, 0), "SPI with PV = 0"),
        (lambda: f.cost_performance_index(10, 0), "CPI with AC = 0"),
        (lambda: f.cost_variance_pct(0, 10), "CV% with EV = 0"),
        (lambda: f.schedule_variance_pct(0, 0), "SV% with PV = 0"),
        (lambda: f.to_complete_performance_index(100, 50, 100), "TCPI when BAC = AC"),
        (lambda: f.to_complete_performance_index(100, 50, 120), "TCPI once AC exceeds BAC"),
        (lambda: f.estimate_at_completion(100, 0, 10, "cpi"), "EAC(cpi) with nothing earned"),
        (lambda: f.estimate_at_completion(100, 0, 10, "cpi_spi", pv=10), "EAC(cpi_spi) with CPI·SPI = 0"),
        (lambda: f.variance_at_completion_pct(0, 10), "VAC% with BAC = 0"),
        (lambda: f.schedule_performance_index(None, 10), "SPI with EV blank"),
    ],
)
def test_undefined_figures_are_nan_never_zero_or_infinite(call, why: str) -> None:
    value = call()
    assert np.isnan(value), why


def test_formulas_take_whole_columns() -> None:
    spi = f.schedule_performance_index(np.array([10.0, 5.0, 0.0]), np.array([10.0, 0.0, 0.0]))
    assert np.array_equal(spi, [1.0, np.nan, np.nan], equal_nan=True)


def test_eac_rejects_unknown_method_and_missing_arguments() -> None:
    with pytest.raises(ValueError, match="unknown EAC method"):
        f.estimate_at_completion(1, 1, 1, "magic")
    with pytest.raises(ValueError, match="needs PV"):
        f.estimate_at_completion(1, 1, 1, "cpi_spi")
    with pytest.raises(ValueError, match="weight"):
        f.estimate_at_completion(1, 1, 1, "weighted", pv=1)
    with pytest.raises(ValueError, match="between 0 and 1"):
        f.estimate_at_completion(1, 1, 1, "weighted", pv=1, weight=80)


# --------------------------------------------------------------------------------------------
# Identities (hypothesis)

money = st.floats(min_value=1.0, max_value=1e9, allow_nan=False, allow_infinity=False)


@given(bac=money, ev_share=st.floats(0.01, 1.0), ac=money, pv=money, etc=money, w=st.floats(0.0, 1.0),
       method=st.sampled_from(f.EAC_METHODS))
def test_eac_minus_ac_is_etc(bac: float, ev_share: float, ac: float, pv: float, etc: float, w: float, method: str) -> None:
    ev = bac * ev_share
    eac = f.estimate_at_completion(bac, ev, ac, method, pv=pv, weight=w, etc=etc)
    etc_out = f.estimate_to_complete(eac, ac)
    assert float(eac - ac) == pytest.approx(float(etc_out), rel=1e-9, abs=1e-6)
    assert float(f.variance_at_completion(bac, eac)) == pytest.approx(bac - float(eac), rel=1e-9, abs=1e-6)


@given(bac=money, ev_share=st.floats(0.01, 1.0), pv=money)
def test_cpi_one_means_eac_is_bac(bac: float, ev_share: float, pv: float) -> None:
    ev = bac * ev_share
    assert float(f.cost_performance_index(ev, ev)) == 1.0
    assert float(f.estimate_at_completion(bac, ev, ev, "cpi")) == pytest.approx(bac, rel=1e-12)
    assert float(f.estimate_at_completion(bac, ev, ev, "atypical")) == pytest.approx(bac, rel=1e-12)


@given(bac=money, ev_share=st.floats(0.01, 0.99), ac=money)
def test_tcpi_to_a_cpi_eac_is_the_cpi(bac: float, ev_share: float, ac: float) -> None:
    ev = bac * ev_share
    eac = f.estimate_at_completion(bac, ev, ac, "cpi")
    assert float(f.to_complete_performance_index(bac, ev, ac, eac)) == pytest.approx(ev / ac, rel=1e-9)


# --------------------------------------------------------------------------------------------
# The engine on small portfolios


def test_engine_reproduces_evm_01() -> None:
    pf = portfolio(projects(("FENCE", 4000, None, "2025-01-01", "2025-04-30")),
                   progress(("FENCE", "2025-03", 3000, 2500, None, 2800)))
    result, _ = compute_earned_value(pf)
    row = row_of(result.by_period, "FENCE")
    assert row["cv"] == -300 and row["sv"] == -500
    assert row["cpi"] == pytest.approx(2500 / 2800, **EXACT)
    assert row["spi"] == pytest.approx(2500 / 3000, **EXACT)
    assert row["eac"] == pytest.approx(4480.0, **EXACT)  # Settings default method: cpi
    assert row["etc"] == pytest.approx(1680.0, **EXACT)
    assert row["vac"] == pytest.approx(-480.0, **EXACT)
    assert row["vac_pct"] == pytest.approx(-0.12, **EXACT)
    assert row["eac_atypical"] == 4300
    assert row["eac_cpi_spi"] == pytest.approx(4816.0, **EXACT)
    assert row["tcpi_bac"] == pytest.approx(1.25, **EXACT)
    assert row["pct_complete"] == 0.625
    assert row["pct_spent"] == 0.7
    assert row["_row"] == 2


def test_default_eac_method_and_weight_come_from_settings() -> None:
    rows = (("P", 100, None, "2025-01-01", "2025-12-31"),)
    prog = progress(("P", "2025-03", 50, 40, None, 45, 70))
    for method, expected in (("atypical", 105.0), ("cpi_spi", 129.375), ("bottom_up", 115.0),
                             ("weighted", 45 + 60 / (0.5 * 40 / 45 + 0.5 * 0.8))):
        result, _ = compute_earned_value(portfolio(projects(*rows), prog, eac_method=method, eac_weight=0.5))
        assert row_of(result.by_period, "P")["eac"] == pytest.approx(expected, **EXACT), method


def test_ev_techniques() -> None:
    pf = portfolio(
        projects(("PCT", 1000, "% complete", "2025-01-01", "2025-12-31"), ("BLANK", 1000, None, "2025-01-01", "2025-12-31"),
                 ("ZH", 1000, "0/100", "2025-01-01", "2025-12-31"), ("FF", 1000, "50/50", "2025-01-01", "2025-12-31"),
                 ("TYPED", 1000, "0/100", "2025-01-01", "2025-12-31")),
        progress(("PCT", "2025-01", 10, None, 0.25, 10), ("BLANK", "2025-01", 10, None, 0.4, 10),
                 ("ZH", "2025-01", 10, None, 0.99, 10), ("ZH", "2025-02", 10, None, 1.0, 10),
                 ("FF", "2025-01", 10, None, 0.0, 0), ("FF", "2025-02", 10, None, 0.0, 5),
                 ("FF", "2025-03", 10, None, 0.3, 5), ("FF", "2025-04", 10, None, 1.0, 5),
                 ("TYPED", "2025-01", 10, 321, 0.5, 10)),
    )
    result, _ = compute_earned_value(pf)
    by = result.by_period
    assert row_of(by, "PCT")["ev"] == 250 and row_of(by, "PCT")["ev_source"] == "% complete"
    assert row_of(by, "BLANK")["ev"] == 400  # blank technique means % complete
    assert row_of(by, "ZH", "2025-01")["ev"] == 0 and row_of(by, "ZH", "2025-02")["ev"] == 1000
    assert [row_of(by, "FF", m)["ev"] for m in ("2025-01", "2025-02", "2025-03", "2025-04")] == [0, 500, 500, 1000]
    assert row_of(by, "TYPED")["ev"] == 321 and row_of(by, "TYPED")["ev_source"] == "typed"


def test_fifty_fifty_without_percent_complete_starts_on_cost() -> None:
    pf = portfolio(projects(("FF", 1000, "50/50", "2025-01-01", "2025-12-31"), ("ZH", 1000, "0/100", "2025-01-01", "2025-12-31")),
                   progress(("FF", "2025-01", 10, None, None, 0), ("FF", "2025-02", 10, None, None, 5),
                            ("ZH", "2025-01", 10, None, None, 5)))
    by = compute_earned_value(pf)[0].by_period
    assert np.isnan(row_of(by, "FF", "2025-01")["ev"])  # nothing says it started
    assert row_of(by, "FF", "2025-02")["ev"] == 500  # cost booked: started, half earned
    assert np.isnan(row_of(by, "ZH")["ev"])  # 0/100 needs % complete to know it is done


def test_weighted_milestones_count_by_the_end_of_the_period() -> None:
    pf = portfolio(
        projects(("MS", 2000, "Milestones", "2025-01-01", "2025-12-31")),
        progress(("MS", "2025-01", 100, None, None, 50), ("MS", "2025-02", 200, None, None, 80), ("MS", "2025-03", 300, None, None, 90)),
        milestones_df=milestones(("MS", "Design", "2025-01-31", 0.25), ("MS", "Build", "2025-03-01", 0.5),
                                 ("MS", "Go-live", None, 0.25)),
    )
    result, issues = compute_earned_value(pf)
    assert [row_of(result.by_period, "MS", m)["ev"] for m in ("2025-01", "2025-02", "2025-03")] == [500, 500, 1500]
    assert row_of(result.by_period, "MS", "2025-03")["ev_source"] == "Milestones"
    assert "milestone-weights-not-one" not in {i.code for i in issues}


def test_milestone_weights_not_adding_up_are_reported() -> None:
    pf = portfolio(
        projects(("MS", 2000, "Milestones", "2025-01-01", "2025-12-31")),
        progress(("MS", "2025-01", 100, None, None, 50)),
        milestones_df=milestones(("MS", "Design", "2025-01-15", 0.25), ("MS", "Build", None, 0.5)),
    )
    _, issues = compute_earned_value(pf)
    assert [(i.sheet, i.row, i.code) for i in issues if i.code == "milestone-weights-not-one"] == [("Projects", 2, "milestone-weights-not-one")]


def test_missing_ev_is_reported_not_zero() -> None:
    pf = portfolio(projects(("P", 1000, None, "2025-01-01", "2025-12-31"), ("M", 1000, "Milestones", "2025-01-01", "2025-12-31")),
                   progress(("P", "2025-01", 100, None, None, 50), ("M", "2025-01", 100, None, None, 50)))
    result, issues = compute_earned_value(pf)
    assert np.isnan(row_of(result.current, "P")["ev"]) and np.isnan(row_of(result.current, "P")["cpi"])
    assert [(i.sheet, i.row, i.field, i.code, i.severity) for i in issues if i.code == "missing-ev"] == [
        ("Progress", 2, "EV (cumulative)", "missing-ev", "warning"),
        ("Progress", 3, "EV (cumulative)", "missing-ev", "warning"),
    ]
    message = next(i.message for i in issues if i.row == 3 and i.code == "missing-ev")
    assert "no milestones" in message and "CPI" in message


def test_undefined_metrics_become_issues_on_the_progress_row() -> None:
    pf = portfolio(projects(("NEW", 1000, None, "2025-03-01", "2025-12-31"), ("OVER", 1000, None, "2025-01-01", "2025-12-31")),
                   progress(("NEW", "2025-03", 0, 0, None, 0), ("OVER", "2025-03", 500, 400, None, 1200)))
    result, issues = compute_earned_value(pf)
    new = row_of(result.current, "NEW")
    for name in ("spi", "cpi", "sv_pct", "cv_pct", "eac", "etc", "vac", "tcpi_eac"):
        assert np.isnan(new[name]), name
    assert new["tcpi_bac"] == 1.0  # (1000 − 0)/(1000 − 0) is defined
    assert np.isnan(row_of(result.current, "OVER")["tcpi_bac"])
    found = {(i.sheet, i.row, i.field, i.code, str(i.severity)) for i in issues}
    assert ("Progress", 2, "PV (cumulative)", "undefined-metric", "info") in found
    assert ("Progress", 2, "AC (cumulative)", "undefined-metric", "info") in found
    assert ("Progress", 2, "EV (cumulative)", "undefined-metric", "info") in found
    assert ("Progress", 3, "AC (cumulative)", "undefined-metric", "warning") in found
    over = next(i for i in issues if i.row == 3)
    assert over.stage == "compute" and "TCPI to BAC" in over.message and over.value == 1200
    pv_issue = next(i for i in issues if i.row == 2 and i.field == "PV (cumulative)")
    assert "SPI" in pv_issue.message and "PV is 0" in pv_issue.message


def _listed(message: str) -> set[str]:
    """The figure labels an issue message says it left empty."""
    listing = re.sub(r" (left empty|shown as unachievable and rated Red)\.$", "", message.rsplit("; ", 1)[1]).removesuffix(" is").removesuffix(" are")
    return set(re.split(r", | and ", listing))


@pytest.mark.parametrize(
    ("row", "dated"),
    [
        (("P", "2025-03", None, None, None, 10), False),  # nothing but AC, no plan
        (("P", "2025-03", 0, 0, None, 0), True),  # not started
        (("P", "2025-03", 1000, 1000, None, 1100), True),  # complete and over budget
        (("P", "2025-01", None, 5, None, 5), True),  # status before the planned start
        (("P", "2025-03", 100, 50, None, None), True),  # AC blank
    ],
)
def test_every_empty_status_figure_is_named_by_an_issue(row: tuple, dated: bool) -> None:
    plan = ("P", 1000, None, "2025-02-01", "2025-03-31") if dated else ("P", 1000, None, None, None)
    result, issues = compute_earned_value(portfolio(projects(plan), progress(row)))
    current = row_of(result.current, "P")
    named = set().union(*(_listed(i.message) for i in issues)) if issues else set()
    empty = {LABELS[m] for m in MONITORED if pd.isna(current[m])}
    assert empty, "the case should leave something empty"
    assert empty <= named
    assert all(i.stage == "compute" and i.row == 2 for i in issues)


def test_pv_from_baseline_when_progress_pv_is_blank_and_es_on_the_baseline() -> None:
    pf = portfolio(projects(("B", 400, None, "2025-01-01", "2025-04-30")),
                   progress(("B", "2025-02", None, 150, None, 150)),
                   baseline("B", "2025-01", [100, 100, 100, 100]))
    result, _ = compute_earned_value(pf)
    row = row_of(result.by_period, "B")
    assert row["pv"] == 200 and row["plan_source"] == "baseline"
    assert row["es"] == pytest.approx(1.5, **EXACT) and row["at"] == 2 and row["pd"] == 4
    assert row["spi_t"] == pytest.approx(0.75, **EXACT)
    assert row["ieac_t"] == pytest.approx(4 / 0.75, **EXACT)


def test_linear_plan_when_there_is_no_baseline_and_no_pv() -> None:
    pf = portfolio(projects(("L", 1200, None, "2025-01-10", "2025-12-20")),
                   progress(("L", "2025-03", None, 300, None, 300)))
    result, _ = compute_earned_value(pf)
    row = row_of(result.by_period, "L")
    assert row["plan_source"] == "linear" and row["pv"] == pytest.approx(300.0, **EXACT)  # 3/12 of BAC
    assert row["es"] == pytest.approx(3.0, **EXACT) and row["at"] == 3 and row["pd"] == 12
    assert row["forecast_finish"] == pd.Timestamp("2025-12-31")


def test_status_period_filters_later_rows_and_flags_stale_projects() -> None:
    pf = portfolio(projects(("A", 100, None, "2025-01-01", "2025-06-30"), ("B", 100, None, "2025-01-01", "2025-06-30")),
                   progress(("A", "2025-01", 10, 10, None, 10), ("A", "2025-02", 20, 20, None, 20), ("A", "2025-03", 30, 30, None, 30),
                            ("B", "2025-01", 10, 9, None, 10)),
                   status_date=dt.date(2025, 2, 14))
    result, _ = compute_earned_value(pf)
    assert result.status_period == pd.Timestamp("2025-02-01")
    assert result.by_period["period"].max() == pd.Timestamp("2025-02-01")
    current = result.current.set_index("project_id")
    assert current.loc["A", "period"] == pd.Timestamp("2025-02-01") and not current.loc["A", "stale"]
    assert current.loc["B", "period"] == pd.Timestamp("2025-01-01") and current.loc["B", "stale"]


def test_status_period_defaults_to_the_latest_progress_month() -> None:
    pf = portfolio(projects(("A", 100, None, "2025-01-01", "2025-06-30")),
                   progress(("A", "2025-01", 10, 10, None, 10), ("A", "2025-04", 40, 40, None, 40)))
    result, _ = compute_earned_value(pf)
    assert result.status_period == pd.Timestamp("2025-04-01")


def test_period_values_are_the_monthly_changes() -> None:
    pf = portfolio(projects(("A", 100, None, "2025-01-01", "2025-06-30")),
                   progress(("A", "2025-01", 10, 8, None, 10), ("A", "2025-02", 30, 20, None, 25), ("A", "2025-03", 50, 20, None, 40)))
    by = compute_earned_value(pf)[0].by_period
    assert by["pv_period"].tolist() == [10, 20, 20]
    assert by["ev_period"].tolist() == [8, 12, 0]
    assert by["ac_period"].tolist() == [10, 15, 15]
    assert by["cpi_period"].tolist() == pytest.approx([0.8, 0.8, 0.0])
    assert by["spi_period"].tolist() == pytest.approx([0.8, 0.6, 0.0])


def test_row_order_of_the_register_does_not_matter() -> None:
    rows = [("A", "2025-01", 10, 8, None, 10), ("B", "2025-01", 5, 5, None, 5), ("A", "2025-02", 30, 20, None, 25),
            ("B", "2025-02", 10, 9, None, 12), ("A", "2025-03", 50, 20, None, 40)]
    plan = projects(("A", 100, None, "2025-01-01", "2025-06-30"), ("B", 50, None, "2025-01-01", "2025-04-30"))
    ordered = compute_earned_value(portfolio(plan, progress(*rows)))[0]
    shuffled = compute_earned_value(portfolio(plan, progress(*[rows[i] for i in (4, 1, 3, 0, 2)])))[0]
    columns = ["project_id", "period", "ev", "cpi", "es", "spi_t", "pv_period"]
    pd.testing.assert_frame_equal(ordered.by_period[columns], shuffled.by_period[columns])


def test_progress_for_an_unknown_project_is_left_out_with_an_issue() -> None:
    pf = portfolio(projects(("A", 100, None, "2025-01-01", "2025-06-30")),
                   progress(("A", "2025-01", 10, 10, None, 10), ("GHOST", "2025-01", 10, 10, None, 10)))
    result, issues = compute_earned_value(pf)
    assert result.by_period["project_id"].tolist() == ["A"]
    assert [(i.sheet, i.row, i.code) for i in issues if i.code == "unknown-project"] == [("Progress", 3, "unknown-project")]


def test_nothing_to_compute_gives_empty_frames() -> None:
    empty = progress()
    plan = projects(("A", 100, None, "2025-01-01", "2025-06-30"))
    result, issues = compute_earned_value(portfolio(plan, empty, status_date=dt.date(2025, 3, 9)))
    assert result.by_period.empty and result.current.empty and issues == []
    assert result.status_period == pd.Timestamp("2025-03-01")
    # The empty frames keep the columns a report lays out.
    full, _ = compute_earned_value(portfolio(plan, progress(("A", "2025-01", 1, 1, None, 1))))
    for name in ("by_period", "current", "rollup", "trend", "project_trend"):
        assert list(getattr(result, name).columns) == list(getattr(full, name).columns), name


# --------------------------------------------------------------------------------------------
# Roll-up: sums first, ratios of the sums


def _two_projects() -> Portfolio:
    return portfolio(
        projects(("SMALL", 100, None, "2025-01-01", "2025-04-30", "Alpha", "Sales"),
                 ("BIG", 10000, None, "2025-01-01", "2025-04-30", "Alpha", "Ops"),
                 ("OTHER", 1000, None, "2025-01-01", "2025-04-30", None, "Ops")),
        progress(("SMALL", "2025-02", 50, 25, None, 50), ("BIG", "2025-02", 5000, 5000, None, 4000),
                 ("OTHER", "2025-02", 500, 500, None, 500)),
    )


def test_rollup_ratios_are_ratios_of_sums_not_averages() -> None:
    result, _ = compute_earned_value(_two_projects())
    rollup = result.rollup.set_index(["level", "group"])
    alpha = rollup.loc[("programme", "Alpha")]
    assert alpha["projects"] == 2 and alpha["ev"] == 5025 and alpha["ac"] == 4050
    assert alpha["cpi"] == pytest.approx(5025 / 4050, **EXACT)
    assert alpha["cpi"] != pytest.approx((0.5 + 1.25) / 2)  # the mean of the CPIs is not the portfolio CPI
    assert alpha["spi"] == pytest.approx(5025 / 5050, **EXACT)
    whole = rollup.loc[("portfolio", "Portfolio")]
    assert whole["bac"] == 11100 and whole["eac"] == pytest.approx(200 + 8000 + 1000, **EXACT)
    assert whole["tcpi_bac"] == pytest.approx((11100 - 5525) / (11100 - 4550), **EXACT)
    assert rollup.loc[("programme", "(blank)")]["projects"] == 1
    assert rollup.loc[("business_unit", "Ops")]["ac"] == 4500


def test_rollup_counts_a_project_without_forecast_at_its_bac() -> None:
    pf = portfolio(projects(("A", 100, None, "2025-01-01", "2025-04-30"), ("NEW", 50, None, "2025-02-01", "2025-04-30")),
                   progress(("A", "2025-02", 50, 50, None, 40), ("NEW", "2025-02", 0, 0, None, 0)))
    whole = compute_earned_value(pf)[0].rollup.iloc[0]
    assert whole["eac"] == pytest.approx(80 + 50, **EXACT) and whole["eac_assumed_bac"] == 1


def test_portfolio_spi_t_uses_the_summed_pv_curve() -> None:
    # Two projects planned over different months. Summed curve: Jan 100, Feb 300, Mar 500, Apr 600.
    pf = portfolio(projects(("A", 300, None, "2025-01-01", "2025-03-31"), ("B", 300, None, "2025-02-01", "2025-04-30")),
                   progress(("A", "2025-03", None, 250, None, 250), ("B", "2025-03", None, 50, None, 50)),
                   pd.concat([baseline("A", "2025-01", [100, 100, 100]), baseline("B", "2025-02", [100, 100, 100])]))
    whole = compute_earned_value(pf)[0].rollup.iloc[0]
    # EV 300 = the summed PV at the end of February: ES 2 months from the portfolio's start (Jan), AT 3.
    assert whole["es"] == pytest.approx(2.0, **EXACT) and whole["at"] == 3
    assert whole["spi_t"] == pytest.approx(2 / 3, **EXACT)
    assert whole["pd"] == 4


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(1, 1e6), st.floats(0, 1), st.floats(0.5, 1.5), st.floats(0.1, 1.0),
                          st.sampled_from(["X", "Y", None])), min_size=1, max_size=8))
def test_rollup_is_ratio_of_sums_for_any_portfolio(rows: list[tuple]) -> None:
    plan = projects(*[(f"P{i}", bac, None, "2025-01-01", "2025-12-31", prog) for i, (bac, *_, prog) in enumerate(rows)])
    prog = progress(*[(f"P{i}", "2025-06", bac * planned, bac * planned * spi, None, bac * ac_share)
                      for i, (bac, planned, spi, ac_share, _) in enumerate(rows)])
    result, _ = compute_earned_value(portfolio(plan, prog))
    current = result.current
    for _, group in result.rollup.iterrows():
        members = current if group["level"] == "portfolio" else current[
            current["programme"].fillna("(blank)") == group["group"]] if group["level"] == "programme" else current[
            current["business_unit"].fillna("(blank)") == group["group"]]
        assert group["projects"] == len(members)
        if len(members) and members["ac"].sum() > 0:
            assert group["cpi"] == pytest.approx(members["ev"].sum() / members["ac"].sum(), rel=1e-9)
        if len(members) and members["pv"].sum() > 0:
            assert group["spi"] == pytest.approx(members["ev"].sum() / members["pv"].sum(), rel=1e-9)


def test_trend_is_the_last_12_months_and_ends_at_the_rollup() -> None:
    rows = [("A", f"2025-{m:02d}", 10 * m, 9 * m, None, 10 * m) for m in range(1, 7)]
    rows += [("B", f"2025-{m:02d}", 5 * m, 5 * m, None, 4 * m) for m in range(3, 7)]
    pf = portfolio(projects(("A", 120, None, "2025-01-01", "2025-12-31"), ("B", 60, None, "2025-03-01", "2025-12-31")),
                   progress(*rows))
    result, _ = compute_earned_value(pf)
    trend = result.trend
    assert len(trend) == 12 and trend["period"].iloc[-1] == pd.Timestamp("2025-06-01")
    assert trend["period"].iloc[0] == pd.Timestamp("2024-07-01") and np.isnan(trend["pv"].iloc[0])
    assert trend.set_index("period").loc[pd.Timestamp("2025-02-01"), "projects"] == 1
    last, whole = trend.iloc[-1], result.rollup.iloc[0]
    for name in ("pv", "ev", "ac", "eac", "cpi", "spi", "spi_t"):
        assert last[name] == pytest.approx(whole[name], rel=1e-12), name
    project_trend = result.project_trend
    assert set(project_trend.columns) >= {"project_id", "period", "cpi", "spi"}
    assert len(project_trend[project_trend["project_id"] == "A"]) == 6


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 2), st.floats(0, 2), st.floats(0, 5), st.sampled_from([None, "0/100", "50/50"])),
                min_size=1, max_size=6))
def test_no_infinities_and_no_crash_on_odd_inputs(rows: list[tuple]) -> None:
    plan = projects(*[(f"P{i}", 100 * (i % 3), tech, "2025-01-01", "2025-03-31") for i, (*_, tech) in enumerate(rows)])
    prog = progress(*[(f"P{i}", "2025-02", 50 * pv, None, min(pct, 1.0), 40 * ac) for i, (pv, ac, pct, _) in enumerate(rows)])
    result, issues = compute_earned_value(portfolio(plan, prog))
    numbers = result.by_period.select_dtypes("number").to_numpy(dtype=float)
    assert not np.isinf(numbers).any()
    assert all(i.stage == "compute" for i in issues)
