"""Optimal portfolio selection: a 0-1 integer programme solved by HiGHS (scipy.optimize.milp).

maximise   Σ value_p · x_p                       x_p = 1 when project p is selected
subject to Σ cost_p · x_p           <= total budget
           Σ cost_py · x_p          <= budget of year y          (for every budgeted year)
           Σ hours_prm · x_p        <= capacity of role r, month m (for every role-month)
           x_b <= x_a                                             (b depends on a)
           Σ_{p in g} x_p           <= 1                           (exclusive group g)
           x_p = 1 for projects fixed in, x_p = 0 for projects fixed out.

The rules are made coherent and compiled in `selection_model`; `selection_solver` solves within
a work limit counted in branch-and-bound nodes, never seconds, so every figure is the same on
every run (proven optimal on small and medium portfolios; on very large, tightly limited ones
the best portfolio found, with its proven gap). After solving, selected projects that add
no value and that no selected project needs are dropped, so a zero-value project is never
selected by accident. This module knows nothing of workbooks; `selection_inputs` builds the
problem from one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pmo_xl.compute.selection.bounds import repair
from pmo_xl.compute.selection.model import (
    TOLERANCE,
    Model,
    SelectionNote,
    SelectionProblem,
    build_model,
    resolve_fixed,
)
from pmo_xl.compute.selection.solver import NODE_LIMIT, Solution, relative_gap, solve

__all__ = [
    "TOLERANCE",
    "Model",
    "SelectionNote",
    "SelectionProblem",
    "SelectionResult",
    "Solution",
    "build_model",
    "drop_idle",
    "efficient_frontier",
    "resolve_fixed",
    "select_from_model",
    "select_portfolio",
    "solve",
    "top_up",
    "usage_table",
]

FRONTIER_NODE_LIMIT = 500  # branch-and-bound nodes per budget level


@dataclass
class SelectionResult:
    """The chosen portfolio and the model it came from."""

    model: Model
    selected: np.ndarray  # bool per project, in `model.ids` order
    value: float
    cost: float
    status: str
    optimal: bool
    gap: float  # relative gap to the best bound HiGHS proved (0 when optimal)
    usage: pd.DataFrame  # model.limits plus used and slack at the chosen portfolio
    notes: list[SelectionNote]

    @property
    def selected_ids(self) -> list[str]:
        return [p for p, s in zip(self.model.ids, self.selected, strict=True) if s]


def select_portfolio(problem: SelectionProblem, node_limit: int = NODE_LIMIT) -> SelectionResult:
    """The portfolio of greatest total value within every limit, honouring fixings and structure."""
    model, notes = build_model(problem)
    return select_from_model(model, notes, node_limit)


def select_from_model(model: Model, notes: Sequence[SelectionNote] = (), node_limit: int = NODE_LIMIT) -> SelectionResult:
    """`select_portfolio` of a compiled model (`build_model`; `notes` are the compiler's)."""
    notes = list(notes)
    found = solve(model, node_limit=node_limit)
    chosen = found.x
    if chosen is None:  # cannot happen once limits are raised to the fixed load; kept for safety
        notes.append(SelectionNote("selection-failed", None, f"The solver found no portfolio ({found.status}); only fixed-in projects are selected"))
        chosen = model.lb.astype(bool)
    chosen = drop_idle(model, chosen)
    gap = found.gap
    if found.x is not None and not found.optimal:
        chosen = top_up(model, chosen)
        gap = relative_gap(float(model.value @ chosen), found.bound)
        within = f"at most {gap:.1%} below the best possible" if np.isfinite(gap) else "not proven the best"
        notes.append(SelectionNote("not-optimal", None, f"The solver reached its work limit ({node_limit:,} branch-and-bound nodes): the portfolio shown is {within}"))
    return SelectionResult(model, chosen, float(model.value @ chosen), float(model.cost @ chosen), found.status,
                           found.optimal, gap, usage_table(model, chosen), notes)


def top_up(model: Model, chosen: np.ndarray, total_budget: float | None = None) -> np.ndarray:
    """Add, best value first, every project that still fits with what it needs (solves stopped at their work limit only).

    A portfolio the solver did not prove best within its work limit may leave room; filling it can only add
    value, and keeps every rule: dependencies come along, exclusive alternatives stay out.
    """
    chosen = chosen.copy()
    upper = model.limits["effective"].to_numpy(dtype=float).copy()
    if total_budget is not None:
        upper[model.total_row] = max(float(total_budget), float(model.limits["fixed_load"].iloc[model.total_row]))
    left = upper * (1 + TOLERANCE) + TOLERANCE - model.usage @ chosen.astype(float)
    needs: dict[int, list[int]] = {}
    for b, a in model.dependencies:
        needs.setdefault(b, []).append(a)
    members: dict[str, list[int]] = {}
    for k, g in model.group_of.items():
        members.setdefault(g, []).append(k)
    usage = model.dense_usage()
    order = np.argsort(-model.value, kind="stable")
    if np.all(usage >= 0):
        # Loads only grow as projects come in and what is left only shrinks: a project whose own
        # load does not fit now never will, whatever comes with it (the loop would skip it).
        order = order[np.all(usage[:, order] <= left[:, None], axis=0)]
    for k in order:
        if chosen[k] or model.value[k] <= 0 or model.ub[k] < 1:
            continue
        closure, stack = [int(k)], [int(k)]
        while stack:
            for a in needs.get(stack.pop(), []):
                if not chosen[a] and a not in closure:
                    closure.append(a)
                    stack.append(a)
        if any(model.ub[i] < 1 for i in closure):
            continue
        groups = [model.group_of[i] for i in closure if i in model.group_of]
        if len(groups) != len(set(groups)) or any(chosen[j] for g in groups for j in members[g]):
            continue
        need = usage[:, closure].sum(axis=1)
        if np.all(need <= left):
            chosen[closure] = True
            left -= need
    return chosen


def drop_idle(model: Model, chosen: np.ndarray) -> np.ndarray:
    """Unselect projects that add no value, are not fixed in and that no selected project needs."""
    chosen = chosen.copy()
    changed = True
    while changed:
        changed = False
        needed = {a for b, a in model.dependencies if chosen[b]}
        for k in np.flatnonzero(chosen & (model.value <= 0) & (model.lb < 1)):
            if k not in needed:
                chosen[k] = False
                changed = True
    return chosen


def usage_table(model: Model, chosen: np.ndarray) -> pd.DataFrame:
    """Every limit with what the chosen portfolio uses of it and what is left."""
    table = model.limits.copy()
    table["used"] = model.usage @ chosen.astype(float)
    table["slack"] = table["effective"] - table["used"]
    return table


def efficient_frontier(
    problem: SelectionProblem | Model,
    levels: int = 20,
    node_limit: int = FRONTIER_NODE_LIMIT,
    known: Sequence[np.ndarray] = (),
) -> pd.DataFrame:
    """Best value at `levels` total budgets, evenly from the fixed-in cost to the cost of all.

    Other limits (yearly budgets, capacity) and the structure stay as they are. Columns:
    budget, value, cost (spent), n_selected, optimal, gap (to the proven bound at that level).
    First the best portfolio with no total budget is sought: from its cost up, money no longer
    limits and every level shares it. Portfolios already found (`known`, e.g. the selection, and
    those of the other levels) are kept when a level stopped at its work limit finds nothing better, since a
    portfolio that fits a budget fits any larger one: the curve never goes down. The levels
    below are solved from the top down, each from the portfolio of the level above cut to its
    budget (see `solve`'s incumbent): the same optima, sooner. Where several portfolios reach a
    level's best value, which one's cost and count are shown is the solver's choice.
    """
    model = problem if isinstance(problem, Model) else build_model(problem)[0]
    low = float(model.cost @ model.lb)
    high = float(model.cost @ model.ub)
    budgets = np.linspace(low, high, levels) if high > low and levels > 1 else np.array([high])
    unlimited = solve(model, drop_total=True, node_limit=max(node_limit, NODE_LIMIT))
    pool = [drop_idle(model, x) for x in (*known, unlimited.x) if x is not None]
    if unlimited.x is not None and not unlimited.optimal:
        pool.append(top_up(model, pool[-1]))
    settled = unlimited.x is not None and unlimited.optimal
    money_free = float(model.cost @ pool[-1]) if unlimited.x is not None else np.inf
    # Levels below money_free are solved from the top down, each starting from the portfolio of
    # the level above cut down to its budget (least value per money out first) and filled up:
    # the search then only looks among portfolios at least as good (the same optimum, sooner).
    proven: dict[int, tuple[bool, float]] = {}
    above = pool[-1]
    for level in reversed(range(len(budgets))):
        budget = float(budgets[level])
        if budget * (1 + TOLERANCE) + TOLERANCE >= money_free:
            proven[level] = (settled, unlimited.bound)
            continue
        found = solve(model, total_budget=budget, node_limit=node_limit, incumbent=_cut_to(model, above, budget))
        if found.x is not None:
            pool.append(drop_idle(model, found.x) if found.optimal else top_up(model, drop_idle(model, found.x), budget))
            above = pool[-1]
        proven[level] = (found.optimal, found.bound)
    records = []
    for level, budget in enumerate(budgets):
        optimal, bound = proven[level]
        fitting = [x for x in pool if model.cost @ x <= budget * (1 + TOLERANCE) + TOLERANCE]
        chosen = max(fitting, key=lambda x: float(model.value @ x), default=model.lb.astype(bool))
        value = float(model.value @ chosen)
        records.append({"budget": float(budget), "value": value, "cost": float(model.cost @ chosen),
                        "n_selected": int(chosen.sum()), "optimal": optimal, "gap": 0.0 if optimal else relative_gap(value, bound)})
    return pd.DataFrame(records, columns=["budget", "value", "cost", "n_selected", "optimal", "gap"])


def _cut_to(model: Model, chosen: np.ndarray, budget: float) -> np.ndarray | None:
    """A portfolio within `budget`: `chosen` less its least valuable projects per money, then filled up.

    None when the fixed-in projects alone do not fit (the solve then starts from nothing).
    """
    upper = model.limits["effective"].to_numpy(dtype=float).copy()
    upper[model.total_row] = max(budget, float(model.limits["fixed_load"].iloc[model.total_row]))
    upper = upper * (1 + TOLERANCE) + TOLERANCE
    users: dict[int, list[int]] = {}
    for b, a in model.dependencies:
        users.setdefault(a, []).append(b)
    cut = repair(chosen.astype(bool), model.dense_usage(), upper, model.lb.astype(bool), users, model.value)
    return None if cut is None else top_up(model, cut, budget)
