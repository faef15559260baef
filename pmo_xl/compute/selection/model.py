"""The selection model: the rules made coherent and compiled into sparse matrices.

`resolve_fixed` makes the fixed sets coherent: a project that depends on one that is out is out
too; what a fixed-in project depends on is fixed in; a fixed-in project whose dependencies are
out, or that clashes with a better-placed fixed-in project of its exclusive group, loses its
fixing (a note says so). `build_model` turns budgets, yearly budgets and role-month capacity
into one sparse "usage" matrix (rows: limits, columns: projects) and dependencies and exclusive
groups into "structure" rows. When the fixed projects alone already exceed a limit, it is raised
to their load (a note says so): nothing else that needs it can be added and the model stays
feasible. This module knows nothing of workbooks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # scipy is imported when a model with projects is built (see _stack)
    from scipy import sparse

TOLERANCE = 1e-6  # relative slack on money and hours: floating-point noise is not an overrun
LIMIT_COLUMNS = ["label", "kind", "year", "role", "month", "limit"]


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
    usage: sparse.csr_array | np.ndarray  # limits rows x projects (dense and empty without projects)
    structure: sparse.csr_array | np.ndarray  # dependency rows (x_b - x_a <= 0) then group rows (Σ x <= 1)
    structure_ub: np.ndarray
    dependencies: list[tuple[int, int]]  # (b, a): b needs a
    group_of: dict[int, str]
    fixed_in: dict[str, str]
    fixed_out: dict[str, str]
    total_row: int = 0  # row of `limits` holding the total budget (limit inf when none is set)
    _dense: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)

    def same_as(self, other: Model) -> bool:
        """Every array, limit and rule equal, down to the sparse storage: HiGHS gets the same
        input, so a solve of one is a solve of the other (a result can be reused)."""
        arrays = ("value", "cost", "lb", "ub", "structure_ub")
        return (self.ids == other.ids and self.total_row == other.total_row
                and all(_same_array(getattr(self, a), getattr(other, a)) for a in arrays)
                and self.limits.equals(other.limits)
                and _same_matrix(self.usage, other.usage) and _same_matrix(self.structure, other.structure)
                and self.dependencies == other.dependencies and self.group_of == other.group_of
                and self.fixed_in == other.fixed_in and self.fixed_out == other.fixed_out)

    def dense_usage(self) -> np.ndarray:
        """`usage` as a dense array (made once): column sums in greedy loops without sparse indexing."""
        if self._dense is None:
            self._dense = self.usage if isinstance(self.usage, np.ndarray) else self.usage.toarray()
        return self._dense


def _same_array(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal bit for bit (shape, type and every value)."""
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def _same_matrix(a: sparse.csr_array | np.ndarray, b: sparse.csr_array | np.ndarray) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and _same_array(a, b)
    return a.shape == b.shape and all(_same_array(getattr(a, part), getattr(b, part)) for part in ("indptr", "indices", "data"))


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
    # The total budget row is always there (unlimited when no budget is set) so that budget
    # sweeps and re-solves can change it.
    total = np.inf if problem.total_budget is None else float(problem.total_budget)
    frames = [pd.DataFrame([{"label": "Total budget", "kind": "budget", "limit": total}], columns=LIMIT_COLUMNS)]
    blocks = [cost.reshape(1, -1)]
    if problem.yearly_budget is not None and problem.yearly_cost is not None and len(problem.yearly_budget):
        spend = problem.yearly_cost.reindex(index=ids).fillna(0.0)
        years = [int(y) for y in problem.yearly_budget.index]
        matrix = np.stack([spend[y].to_numpy(dtype=float) if y in spend.columns else np.zeros(n) for y in years])
        frames.append(pd.DataFrame({"label": [f"Budget {y}" for y in years], "kind": "year", "year": years,
                                    "limit": problem.yearly_budget.to_numpy(dtype=float)}, columns=LIMIT_COLUMNS))
        blocks.append(matrix)
    if problem.demand is not None and problem.capacity is not None and len(problem.demand):
        cap_rows, cap_block = _capacity_rows(problem.demand, problem.capacity, index, ub)
        frames.append(cap_rows)
        blocks.append(cap_block)
    # (every frame's limit is float already: a copy made by astype only cost time)
    limits = pd.concat([f if f["limit"].dtype == np.float64 else f.astype({"limit": float}) for f in frames if len(f)],
                       ignore_index=True)
    usage = _stack(blocks, n)
    limits["fixed_load"] = usage @ lb
    over = limits["fixed_load"] > limits["limit"] * (1 + TOLERANCE) + TOLERANCE
    for label, kind, load, limit in limits.loc[over, ["label", "kind", "fixed_load", "limit"]].itertuples(index=False):
        code = "fixed-over-capacity" if kind == "capacity" else "fixed-over-budget"
        what = "hours" if kind == "capacity" else "budget"
        notes.append(SelectionNote(code, None, f"{label}: the fixed-in projects alone need {load:,.0f} {what} "
                                               f"against {limit:,.0f}; no other project needing it can be added"))
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
) -> tuple[pd.DataFrame, sparse.csr_array]:
    """One row per role-month that selection could overload.

    A role with no capacity rows at all is not limited (the caller warns); a role-month whose
    demand fits even if every selectable project were chosen cannot bind and is left out,
    which keeps the model small.
    """
    from scipy import sparse

    project = demand["project_id"].astype(str).to_numpy(dtype=object)
    role = demand["role"].to_numpy(dtype=object)
    hours = demand["hours"].to_numpy(dtype=float)
    wanted = (pd.Index(project).isin(list(index)) & (hours > 0) & pd.Index(role).isin(list(set(capacity["role"]))))
    # One integer key per (role, month, project), each part ranked as the frames' sorted values,
    # so a sort by the key is the sort by (role, month, project): no groupby over text columns.
    role_code, roles = pd.factorize(role[wanted], sort=True)
    month_code, months = pd.factorize(_month(demand["month"]).to_numpy()[wanted], sort=True)
    project_code, projects = pd.factorize(project[wanted], sort=True)
    n_months, n_projects = max(len(months), 1), max(len(projects), 1)
    key = (role_code.astype(np.int64) * n_months + month_code) * n_projects + project_code
    summed = pd.Series(hours[wanted]).groupby(key, sort=True).sum()  # pandas' sum, as before: the same bits
    group = summed.index.to_numpy(dtype=np.int64)
    hours = summed.to_numpy(dtype=float)
    col = np.array([index[p] for p in projects], dtype=np.int64)[group % n_projects]
    pair = group // n_projects  # (role, month), in sorted order
    starts = np.r_[True, pair[1:] != pair[:-1]] if len(pair) else np.zeros(0, dtype=bool)
    code, first = np.cumsum(starts) - 1, np.flatnonzero(starts)
    keys = pd.MultiIndex.from_arrays([np.asarray(roles, dtype=object)[pair[first] // n_months],
                                      pd.DatetimeIndex(months)[pair[first] % n_months]], names=["role", "month"])
    available = capacity.assign(month=_month(capacity["month"])).groupby(["role", "month"])["hours"].sum()
    limit = available.reindex(keys).fillna(0.0).to_numpy(dtype=float)
    worst = np.bincount(code, weights=hours * ub[col], minlength=len(keys))
    keep = worst > limit * (1 + TOLERANCE) + TOLERANCE
    row_of = np.cumsum(keep) - 1
    mask = keep[code]
    block = sparse.csr_array((hours[mask], (row_of[code[mask]], col[mask])), shape=(int(keep.sum()), len(ub)))
    kept = keys[keep]
    roles = kept.get_level_values(0).astype(str)
    months = pd.DatetimeIndex(kept.get_level_values(1))
    rows = pd.DataFrame({"label": roles + " capacity " + months.strftime("%Y-%m"), "kind": "capacity",
                         "role": roles, "month": months, "limit": limit[keep]}, columns=LIMIT_COLUMNS)
    return rows, block


def _month(values: pd.Series) -> pd.Series:
    """Any date in a month -> the first day of that month (the key demand and capacity share).
    Dates already dates (no time zone) are cut to their month by numpy: the same values and type
    as pandas' Period start times (microseconds), without making the periods (~1 ms a column)."""
    if isinstance(values.dtype, np.dtype) and values.dtype.kind == "M":
        return pd.Series(values.to_numpy().astype("datetime64[M]").astype("datetime64[us]"), index=values.index, name=values.name)
    return pd.to_datetime(values).dt.to_period("M").dt.start_time


def _stack(blocks: list[np.ndarray | sparse.csr_array], n: int) -> sparse.csr_array | np.ndarray:
    """The limit rows as one CSR matrix; without projects an empty dense array: there is nothing
    to solve then (`solver.solve`), and scipy (~0.3 s to import) is not needed to say so."""
    if not n:
        return np.zeros((sum(block.shape[0] for block in blocks), 0))
    from scipy import sparse

    return sparse.csr_array(sparse.vstack([sparse.csr_array(block) for block in blocks]))


def _structure(dependencies: list[tuple[int, int]], groups: list[list[int]], n: int) -> tuple[sparse.csr_array | np.ndarray, np.ndarray]:
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
    if not n:  # no projects: no rows either (see _stack)
        return np.zeros(shape), upper
    from scipy import sparse

    return sparse.csr_array((data, (rows, cols)), shape=shape), upper


