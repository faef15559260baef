"""The engine's shortcuts give exactly what the straightforward formulas give.

`compute_earned_value` shares BAC − EV between the EAC methods and both TCPIs, looks project
ids up once per run of repeated ids, and gathers plain float columns without converting them
first; each is checked here against the one-figure-at-a-time definitions in `ev_formulas`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pmo_xl.compute.earned_value import compute_earned_value
from pmo_xl.compute.earned_value import formulas as f
from pmo_xl.compute.earned_value.inputs import _positions
from pmo_xl.model import Portfolio, Settings


def _portfolio(n_projects: int = 40, n_periods: int = 8, seed: int = 3) -> Portfolio:
    rng = np.random.default_rng(seed)
    ids = np.array([f"P{i:03d}" for i in range(n_projects)], dtype=object)
    bac = np.round(rng.lognormal(10, 1, n_projects), 0)
    bac[0] = 0.0  # undefined ratios on one project
    projects = pd.DataFrame({
        "project_id": ids, "name": ids, "programme": rng.choice(["A", "B"], n_projects),
        "business_unit": "U", "status": "Active",
        "start": pd.Timestamp("2024-01-01"), "finish": pd.Timestamp("2025-12-31"), "bac": bac,
        "ev_technique": rng.choice(np.array([None, "0/100", "50/50"], dtype=object), n_projects),
        "_row": np.arange(n_projects) + 2,
    })
    project = np.repeat(np.arange(n_projects), n_periods)
    month = np.tile(np.arange(n_periods), n_projects)
    share = np.clip((month + 1) / 24 * rng.normal(1, 0.2, len(project)), 0, 1)
    progress = pd.DataFrame({
        "project_id": ids[project],
        "period": pd.to_datetime("2024-01-01") + pd.to_timedelta(month * 31, unit="D"),
        "pv": np.where(rng.random(len(project)) < 0.2, np.nan, np.round((month + 1) / 24 * bac[project], 2)),
        "ev": np.where(rng.random(len(project)) < 0.5, np.round(share * bac[project], 2), np.nan),
        "pct_complete": np.round(share, 3),
        "ac": np.where(rng.random(len(project)) < 0.1, 0.0, np.round(share * bac[project] * rng.normal(1, 0.1, len(project)), 2)),
        "etc": np.where(rng.random(len(project)) < 0.5, np.round(bac[project] * 0.3, 2), np.nan),
        "_row": np.arange(len(project)) + 2,
    })
    return Portfolio(settings=Settings(), registers={"Projects": projects, "Progress": progress})


@pytest.mark.parametrize("method", ["cpi", "atypical", "cpi_spi", "weighted", "bottom_up"])
def test_eac_and_tcpi_match_the_formulas(method: str) -> None:
    portfolio = _portfolio()
    portfolio = Portfolio(settings=Settings(eac_method=method, eac_weight=0.7), registers=portfolio.registers)
    result, _ = compute_earned_value(portfolio)
    frame = result.by_period
    bac, ev, ac, pv, etc = (frame[c].to_numpy(dtype=np.float64) for c in ("bac", "ev", "ac", "pv", "etc_bottom_up"))
    for name in ("cpi", "atypical", "cpi_spi", "weighted", "bottom_up"):
        expected = f.estimate_at_completion(bac, ev, ac, name, pv=pv, weight=0.7, etc=etc)
        np.testing.assert_array_equal(frame[f"eac_{name}"].to_numpy(), expected)
    eac = f.estimate_at_completion(bac, ev, ac, method, pv=pv, weight=0.7, etc=etc)
    np.testing.assert_array_equal(frame["eac"].to_numpy(), eac)
    np.testing.assert_array_equal(frame["tcpi_bac"].to_numpy(), f.to_complete_performance_index(bac, ev, ac))
    np.testing.assert_array_equal(frame["tcpi_eac"].to_numpy(), f.to_complete_performance_index(bac, ev, ac, eac))
    np.testing.assert_array_equal(frame["etc"].to_numpy(), f.estimate_to_complete(eac, ac))
    assert np.isnan(frame["tcpi_bac"]).any() and np.isfinite(frame["tcpi_eac"]).any()


def test_inputs_are_the_register_values_row_by_row() -> None:
    portfolio = _portfolio()
    shuffled = portfolio.registers["Progress"].sample(frac=1.0, random_state=1)
    registers = {**portfolio.registers, "Progress": shuffled}
    result, _ = compute_earned_value(Portfolio(settings=Settings(), registers=registers))
    frame = result.by_period.set_index("_row")
    source = shuffled.set_index("_row").loc[frame.index]
    np.testing.assert_array_equal(frame["ac"].to_numpy(), source["ac"].to_numpy())
    np.testing.assert_array_equal(frame["etc_bottom_up"].to_numpy(), source["etc"].to_numpy())
    np.testing.assert_array_equal(frame["pct_physical"].to_numpy(), source["pct_complete"].to_numpy())
    assert (frame["project_id"].to_numpy() == source["project_id"].to_numpy()).all()


@pytest.mark.parametrize("dtype", [object, "string", "str"])
def test_id_lookup_by_runs_matches_get_indexer(dtype: object) -> None:
    known = pd.Index(pd.Series(["a", "b", "c", "d"], dtype=dtype))
    values = ["a"] * 600 + ["zz"] * 500 + [None] * 300 + ["c"] * 400 + ["b", "a"] * 200 + [np.nan] * 100
    ids = pd.Series(values, dtype=dtype)
    np.testing.assert_array_equal(_positions(known, ids), known.get_indexer(ids))


@pytest.mark.parametrize("seed", range(8))
def test_summed_curves_equal_the_sparse_membership_product_bit_for_bit(seed: int) -> None:
    """Each set's PV curve summed without scipy.sparse: the very bits of the 0/1 membership
    matrix times the curves (pairs in any order, repeated pairs, -0.0, NaN and inf included)."""
    from scipy import sparse

    from pmo_xl.compute.earned_value.rollup import _summed_curves

    rng = np.random.default_rng(seed)
    n_projects, width, n_sets = int(rng.integers(1, 60)), int(rng.integers(1, 30)), int(rng.integers(1, 12))
    curves = rng.standard_normal((n_projects, width)) * 10.0 ** rng.integers(-3, 9, size=(n_projects, width))
    curves[rng.random(curves.shape) < 0.05] = -0.0
    curves[rng.random(curves.shape) < 0.01] = np.nan
    curves[rng.random(curves.shape) < 0.01] = np.inf
    pairs = int(rng.integers(0, 3 * n_projects))
    sets, projects = rng.integers(0, n_sets, pairs), rng.integers(0, n_projects, pairs)
    membership = sparse.csr_matrix((np.ones(pairs), (sets, projects)), shape=(n_sets, n_projects))
    expected, summed = np.asarray(membership @ curves), _summed_curves(n_sets, sets, projects, curves)
    assert summed.dtype == expected.dtype and summed.shape == expected.shape
    assert np.array_equal(np.isnan(summed), np.isnan(expected))
    same = ~np.isnan(expected)
    assert np.array_equal(summed[same], expected[same]) and np.array_equal(np.signbit(summed[same]), np.signbit(expected[same]))
