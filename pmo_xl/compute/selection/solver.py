"""Solving the selection model with HiGHS (scipy.optimize.milp), within a work limit.

Small and medium portfolios are solved to proven optimality in milliseconds. A large portfolio
with many tight role-month limits is a hard multi-dimensional knapsack: HiGHS can spend minutes
closing the last percent. So a solve has a budget of branch-and-bound nodes and two phases:
  1. the full 0-1 programme, for part of the nodes; if HiGHS proves the optimum, done;
  2. otherwise the LP relaxation is solved, projects it takes wholly in or wholly out are fixed
     so, and the 0-1 programme over the remaining (fractional) projects is solved with the rest
     of the nodes — a relaxation-induced neighbourhood, which finds good portfolios far sooner
     than the full search on such instances.
The better of the two portfolios is kept, with its gap to the best bound HiGHS proved
(`Solution.gap`: 0.02 means the best possible portfolio is at most 2 % better).

The budget counts nodes, never seconds: HiGHS is deterministic for a given problem and
options, so the same workbook gives the same portfolio, value loss and marginal budgets on an
idle machine and on a busy one (a wall-clock limit made them depend on the machine's load).
"""

from __future__ import annotations

import contextlib
import enum
import os
import sys
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from scipy import sparse

from pmo_xl.compute.selection.bounds import (
    FIX_MARGIN,
    fix_by_reduced_costs,
    improve,
    inequality_rows,
    lagrangian,
    satisfies,
)
from pmo_xl.compute.selection.highs import LinearConstraint
from pmo_xl.compute.selection.model import TOLERANCE, Model

MIP_REL_GAP = 1e-7  # HiGHS' default 1e-4 could leave a whole small project out on a big portfolio
NODE_LIMIT = 2000  # branch-and-bound nodes for one selection (both phases)
FIRST_SHARE = 0.4  # of the nodes for the full search before the neighbourhood phase
NO_PRESOLVE_SHARE = 0.4  # of the first phase, from an incumbent without presolve (then with it)


class MilpStatus(enum.IntEnum):
    """How a HiGHS run ended, in scipy.optimize.milp's numbering."""

    OPTIMAL = 0  # proven optimal (within MIP_REL_GAP)
    LIMIT_REACHED = 1  # an iteration or time limit (we set none)
    INFEASIBLE = 2  # proven: no portfolio satisfies the limits
    UNBOUNDED = 3
    NOT_PROVEN = 4  # anything else; a reached node limit (HiGHS' 16) lands here, with the best portfolio found


@dataclass(frozen=True)
class MilpOutcome:
    """One HiGHS run, in the solver's minimisation terms: its portfolio (None: none found) and bound."""

    x: np.ndarray | None
    fun: float | None
    status: MilpStatus
    message: str
    dual_bound: float | None = None  # no portfolio costs less than this (MILP runs only)
    nodes: int = 0  # branch-and-bound nodes used

    @classmethod
    def of(cls, result: object) -> MilpOutcome:
        """From scipy's OptimizeResult (which carries the MIP fields only for integer runs)."""
        x = getattr(result, "x", None)
        fun = getattr(result, "fun", None)
        dual = getattr(result, "mip_dual_bound", None)
        return cls(x=x, fun=float(fun) if fun is not None and x is not None else None, status=MilpStatus(int(result.status)),
                   message=str(result.message), dual_bound=float(dual) if dual is not None else None,
                   nodes=int(getattr(result, "mip_node_count", 0) or 0))

    @property
    def optimal(self) -> bool:
        return self.status == MilpStatus.OPTIMAL

    @property
    def infeasible(self) -> bool:
        return self.status == MilpStatus.INFEASIBLE


@dataclass(frozen=True)
class Solution:
    """A solve's portfolio (None when none satisfies the limits) and how good it is known to be."""

    x: np.ndarray | None  # bool per project
    status: str
    optimal: bool
    gap: float  # relative gap to the proven bound (0 when optimal, nan when unknown)
    infeasible: bool = False  # proven: no portfolio satisfies the limits
    bound: float = np.nan  # proven: no portfolio is worth more than this (maximisation terms)
    nodes: int = 0  # branch-and-bound nodes the solve used (its share of a caller's work budget)


def load_solver() -> None:
    """Load HiGHS (and scipy.sparse, ~0.3 s) now rather than at the first solve: before a worker
    is forked (`pmo_xl.background`), so that both share one import."""
    from pmo_xl.compute.selection.highs import load

    load()


def solve(
    model: Model,
    total_budget: float | None = None,
    force_in: Sequence[int] = (),
    objective: np.ndarray | None = None,
    extra: Sequence[LinearConstraint] = (),
    drop_total: bool = False,
    node_limit: int = NODE_LIMIT,
    first_share: float = FIRST_SHARE,
    incumbent: np.ndarray | None = None,
    presolve: bool = True,
) -> Solution:
    """Maximise `objective` (default: value) over the model.

    `total_budget` replaces the total budget limit; `drop_total` removes it; `force_in` fixes
    more projects in; `extra` adds constraints (e.g. a floor on value). `incumbent`, a
    portfolio known to satisfy every limit of this solve, lets the first phase search only
    among portfolios at least as good (`selection_bounds`): the same optimum, sooner. One
    that does not satisfy the limits is ignored. `presolve=False` tries that phase without
    HiGHS' presolve first (for NO_PRESOLVE_SHARE of its nodes, then with presolve): quicker on
    the small problems left around an incumbent, and HiGHS 1.12's MIP presolve has been seen to
    return a worse portfolio as "optimal" on such re-solves (see `_milp`).
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
    work = _Work(node_limit)
    first_limit = max(1, int(node_limit * first_share))
    start = None
    # Without presolve first (for part of the nodes), then with it: hard re-solves need it.
    tries = [(True, first_limit)] if presolve else [(False, max(1, int(first_limit * NO_PRESOLVE_SHARE))), (True, None)]
    for use_presolve, nodes in tries if incumbent is not None else []:
        nodes = nodes if nodes is not None else max(1, first_limit - work.used)
        start = _from_incumbent(c, lb, model.ub, constraints, incumbent, nodes, use_presolve)
        if start is None:
            break
        first, known, first_bound = start
        work.add(first)
        if first.optimal and first.x is not None:
            if first.fun <= known.fun + FIX_MARGIN * max(1.0, abs(known.fun)):
                return _solution(first, c, True, nodes=work.used)  # proven optimal among (and so beyond) the portfolios as good
            start = None  # the search contradicts a portfolio known to be there: not trusted, solved afresh
            break
        if first.infeasible:
            start = None  # "nothing as good as the known portfolio" contradicts it: solved afresh
            break
        better = first.x is not None and first.fun < known.fun
        incumbent = (first if better else known).x.astype(bool)
    if start is None:
        first = work.add(_milp(c, lb, model.ub, constraints, first_limit))
        if first.optimal or first.infeasible:
            return _solution(first, c, first.optimal, nodes=work.used)
        known, first_bound = None, first.dual_bound
    second, relaxed_bound = _neighbourhood(c, lb, model.ub, constraints, max(1, node_limit - work.used))
    work.add(second)
    found = [r for r in (first, known, second) if r is not None and r.x is not None]
    best = min(found, key=lambda r: r.fun, default=first)
    bounds = [b for b in (first_bound, relaxed_bound) if b is not None and np.isfinite(b)]
    return _solution(best, c, False, max(bounds) if bounds else None, nodes=work.used)


class _Work:
    """Branch-and-bound nodes used so far by one solve's phases."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def add(self, result: MilpOutcome | None) -> MilpOutcome | None:
        self.used += result.nodes if result is not None else 0
        return result


def _from_incumbent(
    c: np.ndarray, lb: np.ndarray, ub: np.ndarray, constraints: list[LinearConstraint], incumbent: np.ndarray, nodes: int,
    presolve: bool = True,
) -> tuple[MilpOutcome, MilpOutcome, float | None] | None:
    """First phase from a known portfolio: (result, the incumbent as a result, a valid bound) or None.

    None when the incumbent breaks a limit or bound of this solve. The LP relaxation and the
    search see only the projects not fixed (fixed ones are folded into the limits). The bound
    (minimisation terms) holds for the full problem: portfolios cut off are worse than the
    incumbent.
    """
    rows, rhs = inequality_rows(constraints)
    x0 = np.asarray(incumbent, dtype=bool)
    if x0.shape != lb.shape or not satisfies(x0, lb, ub, rows, rhs):
        return None
    low, high = lb.copy(), ub.copy()
    free = np.flatnonzero(low < high)
    sub_rows, sub_rhs = _fold(rows, rhs, low, free)
    duals = lagrangian(c[free], low[free], high[free], sub_rows, sub_rhs) if len(free) and sub_rows.shape[0] else None
    if duals is not None:
        # Fix what the incumbent rules out, improve the incumbent over what is left, fix again.
        r, upper_bound = duals
        fixed_cost = float(c @ _fixed_part(low, free))
        sub_low, sub_high = fix_by_reduced_costs(r, upper_bound, low[free], high[free], float(c @ x0) - fixed_cost)
        x0 = x0.copy()
        x0[free] = improve(c[free], _dense(sub_rows), sub_rhs, sub_low, sub_high, x0[free])
        low[free], high[free] = fix_by_reduced_costs(r, upper_bound, sub_low, sub_high, float(c @ x0) - fixed_cost)
        free = np.flatnonzero(low < high)
        sub_rows, sub_rhs = _fold(rows, rhs, low, free)
    cost = float(c @ x0)
    base = _fixed_part(low, free)
    offset = float(c @ base)
    cutoff = cost + FIX_MARGIN * max(1.0, abs(cost)) - offset
    from scipy import sparse

    used = np.flatnonzero((_dense(sub_rows) != 0).any(axis=1) if not sparse.issparse(sub_rows) else np.diff(sub_rows.indptr) > 0)
    if len(free):
        sub = _milp(c[free], low[free], high[free], [LinearConstraint(sub_rows[used], -np.inf, sub_rhs[used])] if len(used) else [],
                    nodes, cutoff=cutoff, presolve=presolve)
    else:  # every project fixed: the incumbent is the only portfolio left
        sub = MilpOutcome(x=np.zeros(0), fun=0.0, status=MilpStatus.OPTIMAL, message="every project fixed", dual_bound=0.0)
    x = None
    if sub.x is not None:
        x = base.copy()
        x[free] = sub.x
    dual = sub.dual_bound
    result = MilpOutcome(x=x, fun=float(c @ x) if x is not None else None, status=sub.status, message=sub.message, nodes=sub.nodes)
    known = MilpOutcome(x=x0.astype(float), fun=cost, status=MilpStatus.NOT_PROVEN, message="known portfolio")
    bound = min(float(dual) + offset, cost) if dual is not None and np.isfinite(dual) else None
    return result, known, bound


def _fixed_part(low: np.ndarray, free: np.ndarray) -> np.ndarray:
    """The fixed projects' values (0/1) with the free ones at 0."""
    base = low.astype(float).copy()
    base[free] = 0.0
    return base


def _fold(
    rows: np.ndarray | sparse.csr_array, rhs: np.ndarray, low: np.ndarray, free: np.ndarray
) -> tuple[np.ndarray | sparse.csr_array, np.ndarray]:
    """The rows over the free projects only, the fixed projects' load taken off the right-hand side."""
    from scipy import sparse

    sub = sparse.csr_array(rows[:, free]) if sparse.issparse(rows) else rows[:, free]
    return sub, rhs - rows @ _fixed_part(low, free)


def _dense(rows: np.ndarray | sparse.csr_array) -> np.ndarray:
    return rows if isinstance(rows, np.ndarray) else rows.toarray()


def _milp(c: np.ndarray, lb: np.ndarray, ub: np.ndarray, constraints: list[LinearConstraint], nodes: int | None,
          integrality: float = 1.0, cutoff: float | None = None, presolve: bool = True) -> MilpOutcome:
    """scipy's milp with the project's options: at most `nodes` branch-and-bound nodes, no time limit.

    A node limit stops HiGHS at the same point on every run; a time limit stopped it wherever the
    machine's load had let it get to. (HiGHS reports a reached node limit as status 16, which
    scipy passes on as status 4 with the best portfolio found: neither 0, optimal, nor 2,
    infeasible, so it is read as "not proven", like a reached time limit.) The LP relaxation
    (`integrality=0`) has no node limit.

    `cutoff` (for a problem already reduced around a known portfolio): only portfolios costing
    less are of interest (HiGHS' objective_bound; scipy passes it through with a warning,
    silenced here). A good portfolio being known, HiGHS' portfolio-finding heuristics
    (feasibility jump, RINS, RENS) cost more than they save there. `presolve=False` also skips
    the presolve: on the explanation's small re-solves of the 1,000-project sample, 30 % less
    time with the same optima; on a 51-project portfolio with every role-month over-subscribed
    (tests' `tight_problem`, seed 6) HiGHS 1.12 with presolve returned a forced-in re-solve 2.6 %
    below the best portfolio as "optimal", and without presolve the best one. On large hard
    problems (the frontier) presolve pays for itself, so it stays on by default.
    """
    from pmo_xl.compute.selection.highs import milp_result

    options: dict[str, object] = {"mip_rel_gap": MIP_REL_GAP, "presolve": presolve}
    if integrality and nodes is not None:
        options["node_limit"] = int(nodes)
    if cutoff is not None:
        options.update(objective_bound=float(cutoff), mip_heuristic_run_feasibility_jump=False,
                       mip_heuristic_run_rins=False, mip_heuristic_run_rens=False)
    with warnings.catch_warnings(), _quiet_stdout():
        warnings.simplefilter("ignore", RuntimeWarning)
        return MilpOutcome.of(milp_result(c, integrality, lb, ub, constraints, options))


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
    c: np.ndarray, lb: np.ndarray, ub: np.ndarray, constraints: list[LinearConstraint], nodes: int
) -> tuple[MilpOutcome | None, float | None]:
    """Fix what the LP relaxation takes wholly in or out; search the fractional rest in `nodes`.

    Also returns the LP optimum, a valid bound (in the solver's minimisation terms)."""
    relaxed = _milp(c, lb, ub, constraints, None, integrality=0.0)
    if relaxed.x is None:
        return None, None
    x = relaxed.x
    low, high = lb.copy(), ub.copy()
    low[x > 1 - 1e-6] = 1.0
    high[x < 1e-6] = 0.0
    low = np.minimum(low, high)
    return _milp(c, low, high, constraints, nodes), relaxed.fun if relaxed.optimal else None


def _solution(result: MilpOutcome | None, c: np.ndarray, optimal: bool, bound: float | None = None, nodes: int = 0) -> Solution:
    if result is None or result.x is None:
        proven = result is not None and result.infeasible
        return Solution(None, result.message if result is not None else "no solution", False, np.nan, infeasible=proven, nodes=nodes)
    x = np.round(result.x).astype(bool)
    value = -float(c @ x)
    if optimal:
        return Solution(x, result.message, True, 0.0, bound=value, nodes=nodes)
    best = -float(bound) if bound is not None and np.isfinite(bound) else np.nan
    return Solution(x, result.message, False, relative_gap(value, best), bound=best, nodes=nodes)


def relative_gap(value: float, bound: float) -> float:
    """How far below the proven bound a value is, as a share of the bound (0 when it meets it)."""
    if not np.isfinite(bound) or bound == 0:
        return np.nan
    return max(0.0, (bound - value) / abs(bound))
