"""Optimal portfolio selection: a 0-1 integer programme solved by HiGHS (scipy.optimize.milp).

maximise   Σ value_p · x_p                       x_p = 1 when project p is selected
subject to Σ cost_p · x_p           <= total budget
           Σ cost_py · x_p          <= budget of year y          (for every budgeted year)
           Σ hours_prm · x_p        <= capacity of role r, month m (for every role-month)
           x_b <= x_a                                             (b depends on a)
           Σ_{p in g} x_p           <= 1                           (exclusive group g)
           x_p = 1 for projects fixed in, x_p = 0 for projects fixed out.

Before solving, the fixed sets are made coherent (`resolve_fixed`): a project that depends on
one that is out is out too; what a fixed-in project depends on is fixed in; a fixed-in project
whose dependencies are out, or that clashes with a better-placed fixed-in project of its
exclusive group, loses its fixing (a note says so). When the fixed projects alone already
exceed a budget or a role-month's capacity, that limit is raised to their load (a note says
so): nothing else that needs it can be added, and the model stays feasible.

After solving, selected projects that add no value and that no selected project needs are
dropped, so a zero-value project is never selected by accident.
This module knows nothing of workbooks; `selection_inputs` builds the problem from one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

MIP_REL_GAP = 1e-7  # HiGHS' default 1e-4 could leave a whole small project out on a big portfolio
TIME_LIMIT = 60.0  # seconds per solve; past it the best portfolio found is used, with a note
TOLERANCE = 1e-6  # relative slack on money and hours: floating-point noise is not an overrun


@dataclass(frozen=True)
class SelectionNote:
    """A problem found while setting up or solving; the caller turns it into an Issue."""

    code: str  # force-conflict, fixed-over-budget, fixed-over-capacity, unknown-dependency, not-optimal...
    project_id: str | None
    message: str


@dataclass
class SelectionProblem:
    """Everything the optimiser needs, as plain arrays and frames (no workbook knowledge)."""

    project_ids: Sequence[str]
    value: np.ndarray  # objective coefficient per project (>= 0)
    cost: np.ndarray  # budget (BAC) per project
    total_budget: float | None = None  # None: no total budget constraint
    yearly_cost: pd.DataFrame | None = None  # index project_id, one column per year: spend in that year
    yearly_budget: pd.Series | None = None  # year -> budget available
    demand: pd.DataFrame | None = None  # long: project_id, role, month, hours
    capacity: pd.DataFrame | None = None  # long: role, month, hours available to the portfolio
    fixed_in: Mapping[str, str] = field(default_factory=dict)  # project -> why it must be in
    fixed_out: Mapping[str, str] = field(default_factory=dict)  # project -> why it is out
    depends_on: Mapping[str, Sequence[str]] = field(default_factory=dict)  # project -> projects it needs
    groups: Mapping[str, Sequence[str]] = field(default_factory=dict)  # name -> at most one of these
    priority: Sequence[str] | None = None  # best first; decides which fixing wins a conflict


@dataclass
class Model:
    """The problem compiled to matrices, reusable for re-solves at other budgets or fixings."""

    ids: list[str]
    value: np.ndarray
    cost: np.ndarray
    lb: np.ndarray
    ub: np.ndarray
    limits: pd.DataFrame  # one row per budget/year/capacity row: label, kind, year, role, month, limit, fixed_load, effective
    usage: sparse.csr_array  # limits rows x projects
    structure: sparse.csr_array  # dependency rows (x_b - x_a <= 0) then group rows (Σ x <= 1)
    structure_ub: np.ndarray
    dependencies: list[tuple[int, int]]  # (b, a): b needs a
    group_of: dict[int, str]
    fixed_in: dict[str, str]
    fixed_out: dict[str, str]
    total_row: int = 0  # row of `limits` holding the total budget (limit inf when none is set)


@dataclass
class SelectionResult:
    """The chosen portfolio and the model it came from."""

    model: Model
    selected: np.ndarray  # bool per project, in `model.ids` order
    value: float
    cost: float
    status: str
    optimal: bool
    usage: pd.DataFrame  # model.limits plus used and slack at the chosen portfolio
    notes: list[SelectionNote]

    @property
    def selected_ids(self) -> list[str]:
        return [p for p, s in zip(self.model.ids, self.selected, strict=True) if s]


def resolve_fixed(problem: SelectionProblem) -> tuple[dict[str, str], dict[str, str], list[SelectionNote]]:
    """Coherent fixed-in and fixed-out sets, with a reason per project (see module docstring)."""
    ids = set(problem.project_ids)
    order = {p: k for k, p in enumerate(problem.priority or problem.project_ids)}
    notes: list[SelectionNote] = []
    needs = {b: [a for a in problem.depends_on.get(b, ()) if a in ids and a != b] for b in problem.project_ids}
    for b, wanted in problem.depends_on.items():
        for a in wanted:
            if a not in ids and b in ids:
                notes.append(SelectionNote("unknown-dependency", b, f"{b} depends on {a}, which is not in the portfolio; the dependency is ignored"))
    out = dict(problem.fixed_out)
    groups = {p: g for g, members in problem.groups.items() for p in members if p in ids}
    members_of: dict[str, list[str]] = {}
    for p, g in groups.items():
        members_of.setdefault(g, []).append(p)
    roots = {p: why for p, why in problem.fixed_in.items() if p in ids}
    for p in [p for p in roots if p in out]:
        notes.append(SelectionNote("force-conflict", p, f"{p} is both fixed in ({roots.pop(p)}) and out ({out[p]}); it is left out"))
    while True:
        _propagate_out(out, needs)
        for p in [p for p in roots if p in out]:
            notes.append(SelectionNote("force-conflict", p, f"{p} is {roots.pop(p).lower()} but cannot be selected: {out[p]}"))
        closure = _closure(roots, needs)
        clash = _worst_group_clash(closure, groups, order)
        if clash is None:
            break
        loser, winner, group = clash
        for root in [r for r, members in closure.items() if loser in members]:
            notes.append(SelectionNote(
                "force-conflict", root,
                f"{root} is {roots.pop(root).lower()} but needs {loser}, an alternative to {winner} "
                f"(exclusive group {group}, fixed in and placed higher); its fixing is dropped",
            ))
    fixed_in: dict[str, str] = {}
    for root in closure:
        fixed_in.setdefault(root, roots[root])
    for root, members in closure.items():
        for p in members:
            fixed_in.setdefault(p, f"Needed by {root} ({roots[root].lower()})")
    for p in fixed_in:
        for mate in members_of.get(groups.get(p, ""), []):
            if mate != p and mate not in out:
                out[mate] = f"Alternative {p} of exclusive group {groups[p]} is fixed in"
    _propagate_out(out, needs)
    return fixed_in, out, notes


def _propagate_out(out: dict[str, str], needs: Mapping[str, Sequence[str]]) -> None:
    changed = True
    while changed:
        changed = False
        for b, wanted in needs.items():
            if b in out:
                continue
            blocked = next((a for a in wanted if a in out), None)
            if blocked is not None:
                out[b] = f"Depends on {blocked}, which is out ({out[blocked][:1].lower()}{out[blocked][1:]})"
                changed = True


def _closure(roots: Mapping[str, str], needs: Mapping[str, Sequence[str]]) -> dict[str, set[str]]:
    result = {}
    for root in roots:
        seen, stack = {root}, [root]
        while stack:
            for a in needs.get(stack.pop(), ()):
                if a not in seen:
                    seen.add(a)
                    stack.append(a)
        result[root] = seen
    return result


def _worst_group_clash(
    closure: Mapping[str, set[str]], groups: Mapping[str, str], order: Mapping[str, int]
) -> tuple[str, str, str] | None:
    """(lower-placed member, higher-placed member, group) for a group with two fixed-in members."""
    fixed = sorted({p for members in closure.values() for p in members}, key=lambda p: order.get(p, len(order)))
    seen: dict[str, str] = {}
    for p in fixed:
        g = groups.get(p)
        if g is None:
            continue
        if g in seen:
            return p, seen[g], g
        seen[g] = p
    return None


def build_model(problem: SelectionProblem) -> tuple[Model, list[SelectionNote]]:
    """Compile the problem: bounds from the fixed sets, one sparse row per limit, structure rows."""
    ids = [str(p) for p in problem.project_ids]
    index = {p: k for k, p in enumerate(ids)}
    n = len(ids)
    fixed_in, fixed_out, notes = resolve_fixed(problem)
    lb = np.array([1.0 if p in fixed_in else 0.0 for p in ids])
    ub = np.array([0.0 if p in fixed_out else 1.0 for p in ids])
    cost = np.nan_to_num(np.asarray(problem.cost, dtype=float))
    value = np.nan_to_num(np.asarray(problem.value, dtype=float))
    rows: list[dict[str, object]] = []
    blocks: list[sparse.csr_array] = []
    # The total budget row is always there (unlimited when no budget is set) so that budget
    # sweeps and re-solves can change it.
    total = np.inf if problem.total_budget is None else float(problem.total_budget)
    rows.append({"label": "Total budget", "kind": "budget", "limit": total})
    blocks.append(sparse.csr_array(cost.reshape(1, -1)))
    if problem.yearly_budget is not None and problem.yearly_cost is not None and len(problem.yearly_budget):
        spend = problem.yearly_cost.reindex(index=ids).fillna(0.0)
        for year, budget in problem.yearly_budget.items():
            column = spend[year].to_numpy(dtype=float) if year in spend.columns else np.zeros(n)
            rows.append({"label": f"Budget {int(year)}", "kind": "year", "year": int(year), "limit": float(budget)})
            blocks.append(sparse.csr_array(column.reshape(1, -1)))
    if problem.demand is not None and problem.capacity is not None and len(problem.demand):
        cap_rows, cap_block = _capacity_rows(problem.demand, problem.capacity, index, ub)
        rows.extend(cap_rows)
        blocks.append(cap_block)
    limits = pd.DataFrame(rows, columns=["label", "kind", "year", "role", "month", "limit"])
    usage = sparse.csr_array(sparse.vstack(blocks))
    limits["fixed_load"] = usage @ lb
    over = limits["fixed_load"] > limits["limit"] * (1 + TOLERANCE) + TOLERANCE
    for row in limits[over].itertuples():
        code = "fixed-over-capacity" if row.kind == "capacity" else "fixed-over-budget"
        what = "hours" if row.kind == "capacity" else "budget"
        notes.append(SelectionNote(code, None, f"{row.label}: the fixed-in projects alone need {row.fixed_load:,.0f} {what} "
                                               f"against {row.limit:,.0f}; no other project needing it can be added"))
    limits["effective"] = np.maximum(limits["limit"].to_numpy(dtype=float), limits["fixed_load"].to_numpy(dtype=float))
    dependencies = [(index[b], index[a]) for b in ids for a in problem.depends_on.get(b, ()) if a in index and a != b]
    group_of: dict[int, str] = {}
    group_rows = []
    for name, members in problem.groups.items():
        found = sorted({index[p] for p in members if p in index})
        group_of.update({k: name for k in found})
        if len(found) > 1:
            group_rows.append(found)
    structure, structure_ub = _structure(dependencies, group_rows, n)
    model = Model(ids, value, cost, lb, ub, limits, usage, structure, structure_ub, dependencies, group_of,
                  fixed_in, fixed_out)
    return model, notes


def _capacity_rows(
    demand: pd.DataFrame, capacity: pd.DataFrame, index: Mapping[str, int], ub: np.ndarray
) -> tuple[list[dict[str, object]], sparse.csr_array]:
    """One row per role-month that selection could overload.

    A role with no capacity rows at all is not limited (the caller warns); a role-month whose
    demand fits even if every selectable project were chosen cannot bind and is left out,
    which keeps the model small.
    """
    wanted = demand.assign(project_id=demand["project_id"].astype(str), month=_month(demand["month"]))
    wanted = wanted[wanted["project_id"].isin(index) & (wanted["hours"] > 0) & wanted["role"].isin(set(capacity["role"]))]
    summed = wanted.groupby(["role", "month", "project_id"], sort=True)["hours"].sum().reset_index()
    summed["col"] = summed["project_id"].map(index).to_numpy()
    available = capacity.assign(month=_month(capacity["month"])).groupby(["role", "month"])["hours"].sum()
    summed["open"] = summed["hours"] * ub[summed["col"].to_numpy()]
    worst = summed.groupby(["role", "month"])["open"].sum()
    limit = available.reindex(worst.index).fillna(0.0)
    keys = worst[worst > limit * (1 + TOLERANCE) + TOLERANCE].index
    summed = summed.set_index(["role", "month"]).loc[keys].reset_index() if len(keys) else summed.iloc[:0]
    row_of = {key: r for r, key in enumerate(keys)}
    rows_index = [row_of[(role, month)] for role, month in zip(summed["role"], summed["month"], strict=True)]
    block = sparse.csr_array((summed["hours"].to_numpy(dtype=float), (rows_index, summed["col"].to_numpy(dtype=int))),
                             shape=(len(keys), len(ub)))
    rows = [{"label": f"{role} capacity {month:%Y-%m}", "kind": "capacity", "role": role, "month": month,
             "limit": float(limit.loc[(role, month)])} for role, month in keys]
    return rows, block


def _month(values: pd.Series) -> pd.Series:
    """Any date in a month -> the first day of that month (the key demand and capacity share)."""
    return pd.to_datetime(values).dt.to_period("M").dt.start_time


def _structure(dependencies: list[tuple[int, int]], groups: list[list[int]], n: int) -> tuple[sparse.csr_array, np.ndarray]:
    data, rows, cols = [], [], []
    for r, (b, a) in enumerate(dependencies):
        data += [1.0, -1.0]
        rows += [r, r]
        cols += [b, a]
    for r, members in enumerate(groups, start=len(dependencies)):
        data += [1.0] * len(members)
        rows += [r] * len(members)
        cols += members
    shape = (len(dependencies) + len(groups), n)
    upper = np.concatenate([np.zeros(len(dependencies)), np.ones(len(groups))])
    return sparse.csr_array((data, (rows, cols)), shape=shape), upper


def solve(
    model: Model,
    total_budget: float | None = None,
    force_in: Sequence[int] = (),
    objective: np.ndarray | None = None,
    extra: Sequence[LinearConstraint] = (),
    drop_total: bool = False,
) -> tuple[np.ndarray | None, str, bool]:
    """Maximise `objective` (default: value) over the model; selection as bools, status, optimal.

    `total_budget` replaces the total budget limit; `drop_total` removes it; `force_in` fixes
    more projects in. Returns None for the selection when no portfolio satisfies the limits.
    """
    lb = model.lb.copy()
    lb[list(force_in)] = 1.0
    if np.any(lb > model.ub):
        return None, "infeasible", False
    upper = model.limits["effective"].to_numpy(dtype=float).copy()
    if drop_total:
        upper[model.total_row] = np.inf
    elif total_budget is not None:
        upper[model.total_row] = max(float(total_budget), float(model.limits["fixed_load"].iloc[model.total_row]))
    upper = upper * (1 + TOLERANCE) + TOLERANCE
    constraints = [*extra, LinearConstraint(model.usage, -np.inf, upper)]
    if model.structure.shape[0]:
        constraints.append(LinearConstraint(model.structure, -np.inf, model.structure_ub))
    c = -(model.value if objective is None else objective)
    result = milp(c, integrality=np.ones(len(c)), bounds=Bounds(lb, model.ub), constraints=constraints,
                  options={"mip_rel_gap": MIP_REL_GAP, "time_limit": TIME_LIMIT, "presolve": True})
    if result.x is None:
        return None, result.message, False
    return np.round(result.x).astype(bool), result.message, result.status == 0


def select_portfolio(problem: SelectionProblem) -> SelectionResult:
    """The portfolio of greatest total value within every limit, honouring fixings and structure."""
    model, notes = build_model(problem)
    chosen, status, optimal = solve(model)
    if chosen is None:  # cannot happen once limits are raised to the fixed load; kept for safety
        notes.append(SelectionNote("selection-failed", None, f"The solver found no portfolio ({status}); only fixed-in projects are selected"))
        chosen, optimal = model.lb.astype(bool), False
    elif not optimal:
        notes.append(SelectionNote("not-optimal", None, f"The solver stopped before proving the best portfolio ({status}); the best found is shown"))
    chosen = drop_idle(model, chosen)
    return SelectionResult(model, chosen, float(model.value @ chosen), float(model.cost @ chosen), status, optimal,
                           usage_table(model, chosen), notes)


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


def efficient_frontier(problem: SelectionProblem | Model, levels: int = 20) -> pd.DataFrame:
    """Best value at `levels` total budgets, evenly from the fixed-in cost to the cost of all.

    Other limits (yearly budgets, capacity) and the structure stay as they are. Columns:
    budget, value, cost (spent), n_selected, optimal.
    """
    model = problem if isinstance(problem, Model) else build_model(problem)[0]
    low = float(model.cost @ model.lb)
    high = float(model.cost @ model.ub)
    budgets = np.linspace(low, high, levels) if high > low and levels > 1 else np.array([high])
    records = []
    for budget in budgets:
        chosen, _, optimal = solve(model, total_budget=float(budget))
        chosen = drop_idle(model, chosen) if chosen is not None else model.lb.astype(bool)
        records.append({"budget": float(budget), "value": float(model.value @ chosen), "cost": float(model.cost @ chosen),
                        "n_selected": int(chosen.sum()), "optimal": optimal})
    return pd.DataFrame(records, columns=["budget", "value", "cost", "n_selected", "optimal"])

