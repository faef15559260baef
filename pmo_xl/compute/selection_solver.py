"""Solving the selection model with HiGHS (scipy.optimize.milp), within a time limit.

Small and medium portfolios are solved to proven optimality in milliseconds. A large portfolio
with many tight role-month limits is a hard multi-dimensional knapsack: HiGHS can spend minutes
closing the last percent. So a solve has a time budget and two phases:
  1. the full 0-1 programme, for part of the budget; if HiGHS proves the optimum, done;
  2. otherwise the LP relaxation is solved, projects it takes wholly in or wholly out are fixed
     so, and the 0-1 programme over the remaining (fractional) projects is solved for the rest
     of the budget — a relaxation-induced neighbourhood, which finds good portfolios far sooner
     than the full search on such instances.
The better of the two portfolios is kept, with its gap to the best bound HiGHS proved
(`Solution.gap`: 0.02 means the best possible portfolio is at most 2 % better).
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from pmo_xl.compute.selection_model import TOLERANCE, Model

MIP_REL_GAP = 1e-7  # HiGHS' default 1e-4 could leave a whole small project out on a big portfolio
TIME_LIMIT = 4.0  # seconds for one selection (both phases)
FIRST_SHARE = 0.4  # of the time budget for the full search before the neighbourhood phase


@dataclass(frozen=True)
class Solution:
    """A solve's portfolio (None when none satisfies the limits) and how good it is known to be."""

    x: np.ndarray | None  # bool per project
    status: str
    optimal: bool
    gap: float  # relative gap to the proven bound (0 when optimal, nan when unknown)
    infeasible: bool = False  # proven: no portfolio satisfies the limits
    bound: float = np.nan  # proven: no portfolio is worth more than this (maximisation terms)


def solve(
    model: Model,
    total_budget: float | None = None,
    force_in: Sequence[int] = (),
    objective: np.ndarray | None = None,
    extra: Sequence[LinearConstraint] = (),
    drop_total: bool = False,
    time_limit: float = TIME_LIMIT,
    first_share: float = FIRST_SHARE,
) -> Solution:
    """Maximise `objective` (default: value) over the model.

    `total_budget` replaces the total budget limit; `drop_total` removes it; `force_in` fixes
    more projects in; `extra` adds constraints (e.g. a floor on value).
    """
    if not len(model.ids):
        return Solution(np.zeros(0, dtype=bool), "no projects", True, 0.0, bound=0.0)
    lb = model.lb.copy()
    lb[list(force_in)] = 1.0
    if np.any(lb > model.ub):
        return Solution(None, "infeasible: a project is both fixed in and out", False, np.nan, infeasible=True)
    upper = model.limits["effective"].to_numpy(dtype=float).copy()
    if drop_total:
        upper[model.total_row] = np.inf
    elif total_budget is not None:
        upper[model.total_row] = max(float(total_budget), float(model.limits["fixed_load"].iloc[model.total_row]))
    upper = upper * (1 + TOLERANCE) + TOLERANCE
    constraints = [*extra, LinearConstraint(model.usage, -np.inf, upper)]
    if model.structure.shape[0]:
        constraints.append(LinearConstraint(model.structure, -np.inf, model.structure_ub))
    c = -(model.value if objective is None else np.asarray(objective, dtype=float))
    began = time.perf_counter()
    first = _milp(c, lb, model.ub, constraints, max(0.05, time_limit * first_share))
    if first.status == 0 or first.status == 2:  # proven optimal, or proven infeasible
        return _solution(first, c, first.status == 0)
    left = max(0.05, time_limit - (time.perf_counter() - began))
    second, relaxed_bound = _neighbourhood(c, lb, model.ub, constraints, left)
    best = min((r for r in (first, second) if r is not None and r.x is not None), key=lambda r: r.fun, default=first)
    bounds = [b for b in (getattr(first, "mip_dual_bound", None), relaxed_bound) if b is not None and np.isfinite(b)]
    return _solution(best, c, False, max(bounds) if bounds else None)


def _milp(c: np.ndarray, lb: np.ndarray, ub: np.ndarray, constraints: list[LinearConstraint], seconds: float,
          integrality: float = 1.0) -> object:
    with warnings.catch_warnings(), _quiet_stdout():
        warnings.simplefilter("ignore", RuntimeWarning)
        return milp(c, integrality=np.full(len(c), integrality), bounds=Bounds(lb, ub), constraints=constraints,
                    options={"mip_rel_gap": MIP_REL_GAP, "time_limit": seconds, "presolve": True})


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Silence the C-level stdout while HiGHS runs.

    HiGHS 1.12 prints a stray debugging line ("HighsMipSolverData::transformNewIntegerFeasible
    Solution tmpSolver.run();") from some sub-MIP searches, even with output off; the CLI's
    stdout is for its own output (text, JSON). Where stdout is not a real file (Excel), nothing
    is redirected.
    """
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    sys.stdout.flush()
    saved = os.dup(fd)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), fd)
            yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)


def _neighbourhood(
    c: np.ndarray, lb: np.ndarray, ub: np.ndarray, constraints: list[LinearConstraint], seconds: float
) -> tuple[object | None, float | None]:
    """Fix what the LP relaxation takes wholly in or out; search the fractional rest.

    Also returns the LP optimum, a valid bound (in the solver's minimisation terms)."""
    began = time.perf_counter()
    relaxed = _milp(c, lb, ub, constraints, seconds, integrality=0.0)
    if relaxed.x is None:
        return None, None
    x = relaxed.x
    low, high = lb.copy(), ub.copy()
    low[x > 1 - 1e-6] = 1.0
    high[x < 1e-6] = 0.0
    low = np.minimum(low, high)
    left = max(0.05, seconds - (time.perf_counter() - began))
    return _milp(c, low, high, constraints, left), float(relaxed.fun) if relaxed.status == 0 else None


def _solution(result: object, c: np.ndarray, optimal: bool, bound: float | None = None) -> Solution:
    if result is None or result.x is None:
        proven = getattr(result, "status", None) == 2
        return Solution(None, getattr(result, "message", "no solution"), False, np.nan, infeasible=proven)
    x = np.round(result.x).astype(bool)
    value = -float(c @ x)
    if optimal:
        return Solution(x, result.message, True, 0.0, bound=value)
    best = -float(bound) if bound is not None and np.isfinite(bound) else np.nan
    return Solution(x, result.message, False, relative_gap(value, best), bound=best)


def relative_gap(value: float, bound: float) -> float:
    """How far below the proven bound a value is, as a share of the bound (0 when it meets it)."""
    if not np.isfinite(bound) or bound == 0:
        return np.nan
    return max(0.0, (bound - value) / abs(bound))
