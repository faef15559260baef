"""Speeding up re-solves that start from a known portfolio, without giving up exactness.

Explaining a selection (marginal budgets, value losses) and sweeping the budget (the efficient
frontier) solve many MILPs that differ from the selection by one forced project or one budget.
Most of HiGHS' time on them goes to finding and proving what a good starting portfolio already
nearly says. Given a portfolio that satisfies every limit of the re-solve (an "incumbent"):

  1. the LP relaxation is solved; its duals y (any y >= 0 would do: weak duality) bound the
     objective of every portfolio x that satisfies the limits:
         w·x <= y·b + Σ_j (w_j - (yA)_j) x_j;
  2. a project whose forcing in (or out) would push that bound below the incumbent's worth
     cannot be in (or out of) any portfolio at least as good as the incumbent: it is fixed so
     ("reduced-cost fixing"). Every portfolio worth at least the incumbent survives, so the
     best portfolio of the reduced problem is the best portfolio of the full one — exactly;
  3. HiGHS solves the reduced problem, told that nothing worse than the incumbent is wanted
     (`objective_bound`), without its feasibility-jump heuristic (a fixed ~4 ms per solve that
     only looks for a first portfolio, which the incumbent already is).

Only a solve proven optimal in this way is used; anything else falls back to the plain solve.
`closure_blocked` proves, without solving, that a project cannot be forced in at all (what it
needs alone already breaks a limit); `fill` and `repair` make incumbents greedily.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # scipy is imported where a model is solved (see selection.solver)
    from scipy import sparse

    from pmo_xl.compute.selection.highs import LinearConstraint

SLACK = 1e-9  # relative: what counts as "satisfies the limit" when checking a portfolio here
FIX_MARGIN = 1e-6  # relative to the incumbent's worth: only clearly worse portfolios are cut off


def inequality_rows(constraints: Sequence[LinearConstraint], dense_cells: int = 2_000_000) -> tuple[np.ndarray | sparse.csr_array, np.ndarray]:
    """The constraints as A x <= b rows (a lower bound l <= a·x becomes -a·x <= -l); infinite sides dropped.

    A is a dense array when it has at most `dense_cells` cells (slicing and products are then
    cheaper than with a sparse matrix), a CSR matrix otherwise.
    """
    from scipy import sparse

    n = constraints[0].A.shape[1] if constraints else 0
    total = sum(constraint.A.shape[0] for constraint in constraints)
    dense = 2 * total * n <= dense_cells
    blocks, rhs = [], []
    for constraint in constraints:
        matrix = constraint.A
        matrix = (matrix.toarray() if sparse.issparse(matrix) else np.asarray(matrix, dtype=float)) if dense else sparse.csr_array(matrix)
        upper = np.broadcast_to(np.asarray(constraint.ub, dtype=float), (matrix.shape[0],))
        lower = np.broadcast_to(np.asarray(constraint.lb, dtype=float), (matrix.shape[0],))
        keep = np.flatnonzero(np.isfinite(upper))
        if len(keep):
            blocks.append(matrix[keep])
            rhs.append(upper[keep])
        keep = np.flatnonzero(np.isfinite(lower))
        if len(keep):
            blocks.append(-matrix[keep])
            rhs.append(-lower[keep])
    if not blocks:
        return (np.zeros((0, n)) if dense else sparse.csr_array((0, n))), np.zeros(0)
    if dense:
        return np.vstack(blocks), np.concatenate(rhs)
    return sparse.csr_array(sparse.vstack(blocks)), np.concatenate(rhs)


def satisfies(x: np.ndarray, lb: np.ndarray, ub: np.ndarray, rows: np.ndarray | sparse.csr_array, rhs: np.ndarray) -> bool:
    """x (0/1) is within its bounds and every row, up to floating-point noise."""
    x = x.astype(float)
    if np.any(x < lb) or np.any(x > ub):
        return False
    return bool(np.all(rows @ x <= rhs + SLACK * np.maximum(1.0, np.abs(rhs))))


def lagrangian(
    c: np.ndarray, lb: np.ndarray, ub: np.ndarray, rows: np.ndarray | sparse.csr_array, rhs: np.ndarray
) -> tuple[np.ndarray, float] | None:
    """Reduced worths r and a bound U from the LP relaxation of minimising `c·x` (None without duals).

    In maximisation terms (w = -c): for every x within the rows and bounds,
    w·x <= U + Σ_j r_j (x_j - x*_j), where x*_j is the bound at which r_j x_j is largest.
    """
    from pmo_xl.compute.selection.highs import lp_row_duals  # linprog's figures, without its per-call checks

    with np.errstate(all="ignore"):
        status, marginals = lp_row_duals(c, rows, rhs, lb, ub)
    if status != 0 or marginals is None:
        return None
    y = np.maximum(0.0, -np.asarray(marginals, dtype=float))  # duals of the <= rows
    r = -c - rows.T @ y
    return r, float(y @ rhs + np.maximum(r * lb, r * ub).sum())


def fix_by_reduced_costs(
    r: np.ndarray, bound: float, lb: np.ndarray, ub: np.ndarray, incumbent_cost: float
) -> tuple[np.ndarray, np.ndarray]:
    """Bounds of the minimisation in which every x costing at most `incumbent_cost` survives.

    Forcing x_j away from its best bound lowers the worth bound by |r_j|; when that drops it
    below the incumbent's worth (less a margin for floating-point noise), x_j is fixed.
    """
    floor = -incumbent_cost - FIX_MARGIN * max(1.0, abs(incumbent_cost))
    free = lb < ub
    lb, ub = lb.copy(), ub.copy()
    ub[free & (r < 0) & (bound + r < floor)] = 0.0
    lb[free & (r > 0) & (bound - r < floor)] = 1.0
    return lb, ub


def improve(
    c: np.ndarray, rows: np.ndarray, rhs: np.ndarray, lb: np.ndarray, ub: np.ndarray, x: np.ndarray,
    rounds: int = 30, cells: int = 4_000_000,
) -> np.ndarray:
    """Local search on a 0/1 portfolio within `rows` x <= `rhs` (dense): the best single add,
    drop or swap that lowers `c`·x, repeated. Only a better start for the exact search, so
    it may stop anywhere; `cells` caps the work of one round (rows × drops × adds)."""
    x = x.astype(bool).copy()
    tolerance = SLACK * np.maximum(1.0, np.abs(rhs))
    for _ in range(rounds):
        slack = rhs - rows @ x + tolerance
        ins = np.flatnonzero(x & (lb < 1))
        outs = np.flatnonzero(~x & (ub > 0))
        best, move = -1e-12 * max(1.0, float(np.abs(c).max(initial=0.0))), None
        if len(outs):
            adds = outs[(c[outs] < 0) & np.all(rows[:, outs] <= slack[:, None], axis=0)]
            if len(adds):
                j = adds[np.argmin(c[adds])]
                best, move = float(c[j]), ([], [j])
        if len(ins):
            drops = ins[(c[ins] > 0) & np.all(rows[:, ins] >= -slack[:, None], axis=0)]
            if len(drops):
                i = drops[np.argmax(c[drops])]
                if -c[i] < best:
                    best, move = float(-c[i]), ([i], [])
        if len(ins) and len(outs):
            if rows.shape[0] * len(ins) * len(outs) > cells:
                keep = max(1, cells // max(1, rows.shape[0] * len(ins)))
                outs = outs[np.argsort(c[outs], kind="stable")[:keep]]
            delta = c[outs][None, :] - c[ins][:, None]
            fits = np.all(slack[:, None, None] + rows[:, ins][:, :, None] - rows[:, outs][:, None, :] >= 0, axis=0)
            delta = np.where(fits, delta, np.inf)
            a, b = np.unravel_index(np.argmin(delta), delta.shape)
            if delta[a, b] < best:
                best, move = float(delta[a, b]), ([ins[a]], [outs[b]])
        if move is None:
            break
        x[move[0]] = False
        x[move[1]] = True
    return x


def closure_of(k: int, needs: Mapping[int, Sequence[int]], chosen: np.ndarray | None = None) -> list[int]:
    """k and, transitively, what it needs (only what is not in `chosen`, when given)."""
    seen, stack = [k], [k]
    while stack:
        for a in needs.get(stack.pop(), ()):
            if a not in seen and (chosen is None or not chosen[a]):
                seen.append(a)
                stack.append(a)
    return seen


def closure_blocked(
    usage: np.ndarray, upper: np.ndarray, group_of: Mapping[int, str], lb: np.ndarray, ub: np.ndarray, closure: Sequence[int]
) -> bool:
    """Proven: no portfolio holds every project of `closure` (with the fixed-in ones) within `upper`.

    `usage` must be non-negative (money and hours): adding projects only adds load, so if the
    fixed-in projects and the closure alone break a row, so does every portfolio that holds
    them. Also when the closure needs a project that is fixed out, or two alternatives of one
    exclusive group. Borderline rows (within the solver's tolerance) are left to the solver.
    """
    if any(ub[i] < 1 for i in closure):
        return True
    x = lb.astype(bool).copy()
    x[list(closure)] = True
    groups = [g for i, g in group_of.items() if x[i]]  # the groups of the projects in (few projects have one)
    if len(groups) != len(set(groups)):
        return True
    load = usage[:, x].sum(axis=1)
    return bool(np.any(load > upper * (1 + 1e-6) + 1e-6 * np.maximum(1.0, np.abs(upper))))


def fill(
    x: np.ndarray, usage: np.ndarray, left: np.ndarray, needs: Mapping[int, Sequence[int]], group_of: Mapping[int, str],
    ub: np.ndarray, order: Sequence[int], enough: float | None = None, value: np.ndarray | None = None,
) -> np.ndarray:
    """Add projects in `order`, each with what it needs, while they fit in `left` (spare capacity per row).

    Exclusive groups are respected. With `enough`, stops once `value`·x reaches it.
    """
    x = x.copy()
    left = left.copy()
    taken = {group_of[i] for i in np.flatnonzero(x) if i in group_of}
    total = float(value @ x) if value is not None else 0.0
    order = np.asarray(order, dtype=np.int64)
    # A project whose own load does not fit now never will (what is left only shrinks).
    order = order[~x[order] & (ub[order] >= 1) & np.all(usage[:, order] <= left[:, None], axis=0)]
    for k in order.tolist():
        if enough is not None and total >= enough:
            break
        if x[k] or ub[k] < 1:
            continue
        closure = closure_of(int(k), needs, x)
        if any(ub[i] < 1 for i in closure):
            continue
        groups = [group_of[i] for i in closure if i in group_of]
        if len(groups) != len(set(groups)) or taken.intersection(groups):
            continue
        need = usage[:, closure].sum(axis=1)
        if np.all(need <= left):
            x[closure] = True
            left -= need
            taken.update(groups)
            if value is not None:
                total += float(value[closure].sum())
    return x


def repair(
    x: np.ndarray, usage: np.ndarray, upper: np.ndarray, keep: np.ndarray, users: Mapping[int, Sequence[int]],
    worth: np.ndarray,
) -> np.ndarray | None:
    """Drop projects (each with what needs it) until every row is within `upper`; None if it cannot.

    Projects in `keep` stay. Drops the project of least `worth` per unit of the overload it
    relieves first.
    """
    x = x.copy()
    stuck = keep.copy()  # kept, or needed by a kept project
    scale = SLACK * np.maximum(1.0, np.abs(upper))
    for _ in range(2 * len(x) + 1):
        over = usage @ x - upper
        broken = over > scale
        if not broken.any():
            return x
        relief = (np.maximum(usage[broken], 0.0) / over[broken][:, None]).sum(axis=0)
        candidate = x & ~stuck & (relief > 0)
        if not candidate.any():
            return None
        k = int(np.argmin(np.where(candidate, worth / np.where(relief > 0, relief, 1.0), np.inf)))
        gone = closure_of(k, users)
        if keep[gone].any():
            stuck[k] = True
            continue
        x[gone] = False
    return None


def trim(
    x: np.ndarray, keep: np.ndarray, users: Mapping[int, Sequence[int]], value: np.ndarray, cost: np.ndarray, enough: float
) -> np.ndarray:
    """Drop the dearest projects (each with what needs it) while `value`·x stays at least `enough`."""
    x = x.copy()
    total = float(value @ x)
    candidates = np.flatnonzero(x & ~keep & (cost > 0))
    for k in candidates[np.argsort(-cost[candidates], kind="stable")].tolist():
        if not x[k]:
            continue
        if k not in users:  # alone (a candidate is not kept and costs something): its own figures
            if total - float(value[k]) >= enough:
                x[k] = False
                total -= float(value[k])
            continue
        gone = [i for i in closure_of(k, users) if x[i]]
        if keep[gone].any() or cost[gone].sum() <= 0:
            continue
        if total - float(value[gone].sum()) >= enough:
            x[gone] = False
            total -= float(value[gone].sum())
    return x
