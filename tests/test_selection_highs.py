"""HiGHS through scipy's binding (selection.highs) gives exactly what scipy.optimize.milp and linprog give."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
from scipy.optimize import LinearConstraint

from pmo_xl.compute.selection import highs


def _knapsack(seed: int, n: int = 40, rows: int = 6) -> tuple[np.ndarray, list[LinearConstraint]]:
    rng = np.random.default_rng(seed)
    weights = rng.integers(1, 100, size=(rows, n)).astype(float)
    weights[rng.random((rows, n)) < 0.3] = 0.0
    capacity = weights.sum(axis=1) * rng.uniform(0.2, 0.5, size=rows)
    value = -rng.integers(1, 50, size=n).astype(float)  # minimised: worth as a negative cost
    pair = np.zeros((1, n))
    pair[0, :2] = [1.0, -1.0]  # project 0 needs project 1
    return value, [LinearConstraint(weights, -np.inf, capacity), LinearConstraint(pair, -np.inf, 0.0)]


def _same(a: Any, b: Any) -> None:
    for name in ("status", "message", "fun", "mip_node_count", "mip_dual_bound"):
        assert getattr(a, name) == getattr(b, name), name
    xa, xb = a.x, b.x
    assert (xa is None) == (xb is None)
    if xa is not None:
        assert np.array_equal(xa, xb)


OPTIONS = [
    {"mip_rel_gap": 1e-7, "presolve": True, "node_limit": 3},
    {"mip_rel_gap": 1e-7, "presolve": False},
    {"mip_rel_gap": 1e-7, "presolve": True, "objective_bound": -10.0, "mip_heuristic_run_feasibility_jump": False,
     "mip_heuristic_run_rins": False, "mip_heuristic_run_rens": False},
]


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("options", OPTIONS)
def test_milp_result_is_scipy_s_milp(seed: int, options: dict) -> None:
    c, constraints = _knapsack(seed)
    n = len(c)
    lb, ub = np.zeros(n), np.ones(n)
    ub[5] = 0.0
    for integrality in (1.0, 0.0):  # the 0-1 programme and its relaxation
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _same(highs.milp_result(c, integrality, lb, ub, constraints, dict(options)),
                  highs._scipy_milp(c, integrality, lb, ub, constraints, dict(options)))


def test_an_infeasible_programme_reads_as_scipy_reads_it() -> None:
    c, constraints = _knapsack(1)
    lb = np.ones(len(c))  # everything in: over every capacity
    ub = np.ones(len(c))
    options = {"mip_rel_gap": 1e-7, "presolve": False}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fast = highs.milp_result(c, 1.0, lb, ub, constraints, dict(options))
        _same(fast, highs._scipy_milp(c, 1.0, lb, ub, constraints, dict(options)))
    assert fast.status == 2 and fast.x is None


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("seed", range(4))
def test_lp_row_duals_are_linprog_s(seed: int, sparse: bool) -> None:
    from scipy.sparse import csr_array

    c, constraints = _knapsack(seed)
    rows = np.vstack([constraint.A for constraint in constraints])
    rows = csr_array(rows) if sparse else rows
    rhs = np.concatenate([constraint.ub for constraint in constraints])
    lb, ub = np.zeros(len(c)), np.ones(len(c))
    status, duals = highs.lp_row_duals(c, rows, rhs, lb, ub)
    expected_status, expected = highs._scipy_lp(c, rows, rhs, np.column_stack([lb, ub]))
    assert status == expected_status == 0
    assert np.array_equal(duals, expected)


def test_without_scipy_s_binding_scipy_itself_is_called(monkeypatch: pytest.MonkeyPatch) -> None:
    c, constraints = _knapsack(2)
    lb, ub = np.zeros(len(c)), np.ones(len(c))
    options = {"mip_rel_gap": 1e-7, "presolve": True}
    direct = highs.milp_result(c, 1.0, lb, ub, constraints, dict(options))
    monkeypatch.setattr(highs, "_binding", lambda: None)
    _same(highs.milp_result(c, 1.0, lb, ub, constraints, dict(options)), direct)
    rows = constraints[0].A
    assert highs.lp_row_duals(c, rows, constraints[0].ub, lb, ub)[0] == 0


FRESH_PROCESS = """
import json, sys
import numpy as np
from pmo_xl.compute.selection import highs
c, rows, capacity = np.array(json.loads(sys.argv[1])), np.array(json.loads(sys.argv[2])), np.array(json.loads(sys.argv[3]))
lb, ub = np.zeros(len(c)), np.ones(len(c))
found = highs.milp_result(c, 1.0, lb, ub, [highs.LinearConstraint(rows, -np.inf, capacity)], {"mip_rel_gap": 1e-7})
status, duals = highs.lp_row_duals(c, rows, capacity, lb, ub)
print(json.dumps({"scipy.optimize imported": "scipy.optimize" in sys.modules, "x": found.x.tolist(), "fun": found.fun,
                  "status": found.status, "message": found.message, "lp status": status, "duals": duals.tolist()}))
"""


def test_a_fresh_process_solves_without_importing_scipy_optimize() -> None:
    """HiGHS' compiled binding is loaded without scipy.optimize's package (~0.4 s of imports),
    and gives what scipy's own milp and linprog give."""
    import json
    import subprocess
    import sys

    c, constraints = _knapsack(3)
    rows, capacity = constraints[0].A, constraints[0].ub
    done = subprocess.run([sys.executable, "-c", FRESH_PROCESS, *(json.dumps(a.tolist()) for a in (c, rows, capacity))],
                          capture_output=True, text=True, check=True)
    fresh = json.loads(done.stdout)
    assert fresh["scipy.optimize imported"] is False
    lb, ub = np.zeros(len(c)), np.ones(len(c))
    expected = highs._scipy_milp(c, 1.0, lb, ub, constraints[:1], {"mip_rel_gap": 1e-7})
    assert (fresh["status"], fresh["message"], fresh["fun"]) == (expected.status, expected.message, expected.fun)
    assert np.array_equal(fresh["x"], expected.x)
    lp_status, duals = highs._scipy_lp(c, rows, capacity, np.column_stack([lb, ub]))
    assert fresh["lp status"] == lp_status == 0
    assert np.array_equal(fresh["duals"], duals)
