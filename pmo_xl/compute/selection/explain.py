"""Why each project is in or out of the optimal portfolio, and what it would take to bring it in.

Reasons, per project (`reason_code`):
  fixed-in    forced in, committed, or needed by one of those (the text says which);
  selected    chosen by the optimiser (the text adds which selected projects need it);
  fixed-out   forced out, not a candidate (closed, cancelled), or depends on such a project;
  no-value    adds nothing to the objective (e.g. no criterion scored);
  group       an alternative of its exclusive group is selected;
  capacity    adding it (with the projects it needs that are out) overloads a role in a month;
  year-budget ... overruns a year's budget;
  budget      ... overruns the total budget (and nothing else);
  not-chosen  it would fit: the solver stopped within its tolerance.
The limits a project would break are measured against the chosen portfolio, so "Total budget:
needs 500,000, 120,000 left" reads the way a steering committee asks the question.

marginal_budget — the smallest increase of the total budget at which the best portfolio that
includes the project is worth at least as much as today's optimum (so bringing it in costs no
value). 0 for selected projects; NaN when no total budget would do (a year's budget or a role's
capacity blocks it whatever the total) or the project cannot be selected. Computed by
re-solving: minimise Σ cost·x subject to x_p = 1, Σ value·x >= today's value and every other
limit, and taking the excess of that cost over today's budget.
value_loss — today's optimum value minus the best value with the project forced in at today's
budget (>= 0; NaN when it cannot come in at today's budget at all).
Re-solves go best-ranked first and stop after `exact_limit` projects or when together they have
used `node_budget` branch-and-bound nodes, or do not start when the selection itself is not
proven optimal (it stopped at its work limit). Work is counted in nodes, never seconds, so the
same workbook gets the same exact figures on an idle and on a busy machine. Past that,
marginal_budget is the estimate "cost of the project and what it needs, minus the budget left"
(an upper bound of the exact figure, given only when the total budget is the one limit it
breaks) and value_loss is left blank; `marginal_method` says "re-solved" or "estimate".

Re-solving is made quick without changing a figure (`selection_bounds`): a project whose needs
alone already break a limit other than the total budget cannot come in at any budget (both
figures blank, no solve needed); otherwise each re-solve starts from a portfolio built from
today's selection (the project and what it needs in, the least valuable projects out until
every limit holds, then what still fits), and only portfolios at least as good are searched.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from pmo_xl.compute.selection.bounds import closure_blocked, closure_of, fill, repair, trim
from pmo_xl.compute.selection.core import TOLERANCE, Model, SelectionResult, Solution, solve
from pmo_xl.compute.selection.highs import LinearConstraint

VALUE_TOLERANCE = 1e-7  # relative: "loses no value" allows the optimiser's own gap
EXACT_LIMIT = 150  # projects re-solved per explanation (two MILPs each), best-ranked first
NODE_BUDGET = 20_000  # branch-and-bound nodes for all re-solves together (keeps a large report quick); then estimates
RESOLVE_NODE_LIMIT = 500  # nodes per re-solve; one that is not proven optimal in them gives an estimate


def explain_selection(
    result: SelectionResult,
    order: Sequence[str] | None = None,
    exact_limit: int = EXACT_LIMIT,
    node_budget: int = NODE_BUDGET,
) -> pd.DataFrame:
    """One row per project: project_id, selected, reason_code, reason, blocked_by, marginal_budget,
    value_loss, marginal_method. `order` (best first) decides which projects get exact re-solves;
    none do when the selection itself is not proven optimal (an exact answer needs an exact
    reference)."""
    model = result.model
    nodes_left = node_budget
    chosen = result.selected
    needs: dict[int, list[int]] = {}
    needed_by: dict[int, list[int]] = {}
    for b, a in model.dependencies:
        needs.setdefault(b, []).append(a)
        needed_by.setdefault(a, []).append(b)
    usage = result.usage
    left = (usage["effective"] - usage["used"]).to_numpy(dtype=float)
    limits = _Limits(usage)
    ranked = {p: k for k, p in enumerate(order or model.ids)}
    records: list[dict[str, object]] = []
    exact_budget = exact_limit if result.optimal else 0
    resolver = _Resolver(result) if exact_budget > 0 else None
    for k in sorted(range(len(model.ids)), key=lambda i: ranked.get(model.ids[i], len(ranked))):
        p = model.ids[k]
        row: dict[str, object] = {"project_id": p, "selected": bool(chosen[k]), "blocked_by": "",
                                  "marginal_budget": np.nan, "value_loss": np.nan, "marginal_method": ""}
        if chosen[k]:
            users = [model.ids[b] for b in needed_by.get(k, []) if chosen[b]]
            if p in model.fixed_in:
                row.update(reason_code="fixed-in", reason=model.fixed_in[p])
            else:
                text = "Selected: among the best value within the limits"
                row.update(reason_code="selected", reason=text + (f"; needed by {', '.join(users)}" if users else ""))
            row.update(marginal_budget=0.0, value_loss=0.0)
            records.append(row)
            continue
        if p in model.fixed_out:
            row.update(reason_code="fixed-out", reason=model.fixed_out[p])
            records.append(row)
            continue
        closure = _closure_out(k, needs, chosen)
        rival = _selected_rival(closure, model.group_of, chosen, model.ids)
        over = _overruns(model, limits, left, closure)
        row["blocked_by"] = "; ".join(label for label, _, _ in over)
        if model.value[k] <= 0:
            row.update(reason_code="no-value", reason="Adds no value to the selection objective (e.g. no criterion scored)")
        elif rival is not None:
            row.update(reason_code="group", reason=rival)
        elif over:
            kinds = {kind for _, kind, _ in over}
            code = "capacity" if "capacity" in kinds else "year-budget" if "year" in kinds else "budget"
            extra = [model.ids[i] for i in closure if i != k]
            lead = f"Needs {', '.join(extra)} too; together: " if extra else ""
            row.update(reason_code=code, reason=lead + "; ".join(text for _, _, text in over[:3])
                       + (f"; and {len(over) - 3} more limits" if len(over) > 3 else ""))
        else:
            row.update(reason_code="not-chosen", reason="Would fit: left out within the solver's tolerance" if result.optimal
                       else "Not reached: the solver stopped at its work limit before proving the best portfolio")
        resolved = None
        if resolver is not None and exact_budget > 0 and nodes_left > 0:
            resolved, used = resolver.resolve(k)
            nodes_left -= used
        exact_budget -= 1
        if resolved is not None:
            row.update(resolved, marginal_method="re-solved")
        else:
            only_budget = bool(over) and all(kind == "budget" for _, kind, _ in over)
            if only_budget:
                gap = float(model.cost[closure].sum() - left[model.total_row])
                row.update(marginal_budget=max(0.0, gap), marginal_method="estimate")
        records.append(row)
    columns = ["project_id", "selected", "reason_code", "reason", "blocked_by", "marginal_budget", "value_loss", "marginal_method"]
    frame = pd.DataFrame(records, columns=columns).astype({"selected": bool})
    return frame.set_index("project_id").loc[model.ids].reset_index()[columns]


def _closure_out(k: int, needs: Mapping[int, list[int]], chosen: np.ndarray) -> list[int]:
    """The project and, transitively, the projects it needs that are not selected."""
    seen, stack = [k], [k]
    while stack:
        for a in needs.get(stack.pop(), []):
            if a not in seen and not chosen[a]:
                seen.append(a)
                stack.append(a)
    return seen


def _selected_rival(closure: list[int], group_of: Mapping[int, str], chosen: np.ndarray, ids: Sequence[str]) -> str | None:
    for i in closure:
        group = group_of.get(i)
        if group is None:
            continue
        rival = next((j for j, g in group_of.items() if g == group and j != i and chosen[j]), None)
        if rival is not None:
            who = "its alternative" if i == closure[0] else f"needs {ids[i]}, whose alternative"
            return f"Exclusive group {group}: {who} {ids[rival]} is selected"
    return None


class _Limits:
    """The columns of the usage table the reasons read, taken out of the frame once (a cell read
    from a DataFrame costs microseconds; the reasons read thousands)."""

    def __init__(self, usage: pd.DataFrame) -> None:
        self.kind = usage["kind"].to_numpy(dtype=object)
        self.label = usage["label"].to_numpy(dtype=object)
        self.role = usage["role"].to_numpy(dtype=object)
        self.month = usage["month"].to_numpy(dtype=object)  # Timestamps (NaT for money rows)
        self.slack = TOLERANCE * np.maximum(1.0, usage["effective"].to_numpy(dtype=float))


def _overruns(model: Model, limits: _Limits, left: np.ndarray, closure: list[int]) -> list[tuple[str, str, str]]:
    """(label, kind, sentence) for each limit the closure would break, worst first within a kind."""
    need = model.dense_usage()[:, closure].sum(axis=1)
    broken = np.flatnonzero(need > left + limits.slack)
    if not len(broken):
        return []
    found = []
    for i in sorted(broken.tolist(), key=lambda i: (_kind_order(limits.kind[i]), -(need[i] - left[i]))):
        kind, label = limits.kind[i], limits.label[i]
        if kind == "capacity":
            text = f"{limits.role[i]} over capacity in {limits.month[i]:%Y-%m} (needs {need[i]:,.0f} h, {max(left[i], 0):,.0f} h free)"
        else:
            text = f"{label}: needs {need[i]:,.0f}, {max(left[i], 0):,.0f} left"
        found.append((label, kind, text))
    return found


def _kind_order(kind: str) -> int:
    # The limits no extra money can lift come first, as they decide the reason code.
    return {"capacity": 0, "year": 1, "budget": 2}.get(kind, 3)


class _Resolver:
    """Exact marginal budget and value loss per project, by re-solving (see module docstring)."""

    def __init__(self, result: SelectionResult) -> None:
        model = result.model
        self.result = result
        self.model = model
        self.usage = model.dense_usage()  # limits x projects: money and hours
        effective = model.limits["effective"].to_numpy(dtype=float)
        self.budget = float(effective[model.total_row])
        # The rows exactly as `solve` sets them: with today's total budget, and without it.
        self.upper = effective * (1 + TOLERANCE) + TOLERANCE
        self.upper_free = self.upper.copy()
        self.upper_free[model.total_row] = np.inf
        self.provable = bool(np.all(self.usage >= 0))  # loads only grow as projects are added
        self.target = result.value * (1 - VALUE_TOLERANCE) - VALUE_TOLERANCE
        self.needs: dict[int, list[int]] = {}
        self.users: dict[int, list[int]] = {}
        for b, a in model.dependencies:
            self.needs.setdefault(b, []).append(a)
            self.users.setdefault(a, []).append(b)
        self.members: dict[str, list[int]] = {}
        for i, g in model.group_of.items():
            self.members.setdefault(g, []).append(i)
        self.by_value = np.argsort(-model.value, kind="stable")
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(model.value > 0, model.cost / model.value, np.inf)
        self.by_ratio = [int(i) for i in np.argsort(ratio, kind="stable") if model.value[i] > 0]

    def resolve(self, k: int) -> tuple[dict[str, float] | None, int]:
        """The figures (None when a re-solve is not proven optimal within its nodes) and the nodes used."""
        model, result = self.model, self.result
        closure = closure_of(k, self.needs)
        if self.provable and closure_blocked(self.usage, self.upper_free, model.group_of, model.lb, model.ub, closure):
            # Cannot come in whatever the total budget: both re-solves would find no portfolio.
            return {"marginal_budget": np.nan, "value_loss": np.nan}, 0
        forced = solve(model, force_in=[k], node_limit=RESOLVE_NODE_LIMIT, first_share=1.0, incumbent=self._with(k, closure),
                       presolve=False)
        # Cheapest portfolio with k that is worth today's value, ignoring only the total budget.
        keep_value = LinearConstraint(model.value.reshape(1, -1), self.target, np.inf)
        cheapest = solve(model, force_in=[k], objective=-model.cost, extra=[keep_value], drop_total=True,
                         node_limit=RESOLVE_NODE_LIMIT, first_share=1.0, incumbent=self._cheap_with(k, closure, forced.x),
                         presolve=False)
        used = forced.nodes + cheapest.nodes
        if not _settled(forced) or not _settled(cheapest):
            return None, used
        loss = np.nan if forced.x is None else max(0.0, result.value - float(model.value @ forced.x))
        marginal = np.nan
        if cheapest.x is not None:
            marginal = max(0.0, float(model.cost @ cheapest.x) - self.budget) if np.isfinite(self.budget) else 0.0
        return {"marginal_budget": marginal, "value_loss": loss}, used

    def _start(self, k: int, closure: list[int], upper: np.ndarray, worth: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """Today's selection with k and what it needs in, alternatives of theirs out, then the rows
        made to hold by dropping the least worth; also which projects must stay."""
        model = self.model
        x = self.result.selected.copy()
        keep = model.lb.astype(bool).copy()
        keep[closure] = True
        x[closure] = True
        for i in closure:
            for j in self.members.get(model.group_of.get(i, ""), []):
                if j != i and x[j]:
                    gone = [u for u in closure_of(j, self.users) if x[u]]
                    if keep[gone].any():
                        return None
                    x[gone] = False
        x = repair(x, self.usage, upper, keep, self.users, worth)
        return None if x is None else (x, keep)

    def _with(self, k: int, closure: list[int]) -> np.ndarray | None:
        """A portfolio with k within today's limits (for the value-loss re-solve)."""
        start = self._start(k, closure, self.upper, self.model.value)
        if start is None:
            return None
        x, _ = start
        return fill(x, self.usage, self.upper - self.usage @ x, self.needs, self.model.group_of, self.model.ub, self.by_value)

    def _cheap_with(self, k: int, closure: list[int], forced: np.ndarray | None) -> np.ndarray | None:
        """A cheap portfolio with k worth today's value, within every limit but the total budget."""
        model = self.model
        with np.errstate(divide="ignore", invalid="ignore"):
            worth = np.where(model.cost > 0, model.value / model.cost, np.inf)
        starts = [self._start(k, closure, self.upper_free, worth)]
        if forced is not None:
            keep = model.lb.astype(bool).copy()
            keep[closure] = True
            starts.append((forced.astype(bool), keep))
        best, best_cost = None, np.inf
        for start in starts:
            if start is None:
                continue
            x, keep = start
            x = fill(x, self.usage, self.upper_free - self.usage @ x, self.needs, model.group_of, model.ub, self.by_ratio,
                     enough=self.target, value=model.value)
            if float(model.value @ x) < self.target:
                continue
            x = trim(x, keep, self.users, model.value, model.cost, self.target)
            if float(model.cost @ x) < best_cost:
                best, best_cost = x, float(model.cost @ x)
        return best


def _settled(found: Solution) -> bool:
    """Proven optimal, or proven that no portfolio exists."""
    return found.optimal or found.infeasible


def binding_limits(result: SelectionResult, explained: pd.DataFrame) -> pd.DataFrame:
    """The limits that keep at least one project out, or that are used up, with how many they block.

    Columns: label, kind, year, role, month, limit, used, slack, blocks, binding.
    """
    usage = result.usage[np.isfinite(result.usage["limit"].astype(float))].copy()
    out = explained[~explained["selected"].astype(bool)]
    counts: dict[str, int] = {}
    for labels in out["blocked_by"]:
        for label in filter(None, str(labels).split("; ")):
            counts[label] = counts.get(label, 0) + 1
    usage["blocks"] = usage["label"].map(counts).fillna(0).astype(int)
    tight = usage["slack"] <= TOLERANCE * np.maximum(1.0, usage["effective"].astype(float))
    usage["binding"] = (usage["blocks"] > 0) | tight
    usage = usage[usage["binding"] | (usage["kind"] != "capacity")]
    return usage[["label", "kind", "year", "role", "month", "limit", "used", "slack", "blocks", "binding"]].reset_index(drop=True)
