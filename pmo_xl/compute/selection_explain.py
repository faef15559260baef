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
Re-solves go best-ranked first and stop after `exact_limit` projects or `time_budget` seconds,
or do not start when the selection itself is not proven optimal (its time ran out). Past that,
marginal_budget is the estimate "cost of the project and what it needs, minus the budget left"
(an upper bound of the exact figure, given only when the total budget is the one limit it
breaks) and value_loss is left blank; `marginal_method` says "re-solved" or "estimate".
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.optimize import LinearConstraint

from pmo_xl.compute.selection import TOLERANCE, Model, SelectionResult, Solution, solve

VALUE_TOLERANCE = 1e-7  # relative: "loses no value" allows the optimiser's own gap
EXACT_LIMIT = 150  # projects re-solved per explanation (two MILPs each), best-ranked first
TIME_BUDGET = 3.0  # seconds for all re-solves together (keeps a 1,000-project report quick); then estimates
RESOLVE_TIME_LIMIT = 1.0  # seconds per re-solve; one that is not proven optimal gives an estimate


def explain_selection(
    result: SelectionResult,
    order: Sequence[str] | None = None,
    exact_limit: int = EXACT_LIMIT,
    time_budget: float = TIME_BUDGET,
) -> pd.DataFrame:
    """One row per project: project_id, selected, reason_code, reason, blocked_by, marginal_budget,
    value_loss, marginal_method. `order` (best first) decides which projects get exact re-solves;
    none do when the selection itself is not proven optimal (an exact answer needs an exact
    reference)."""
    model = result.model
    deadline = time.perf_counter() + time_budget
    chosen = result.selected
    needs: dict[int, list[int]] = {}
    needed_by: dict[int, list[int]] = {}
    for b, a in model.dependencies:
        needs.setdefault(b, []).append(a)
        needed_by.setdefault(a, []).append(b)
    usage = result.usage
    left = (usage["effective"] - usage["used"]).to_numpy(dtype=float)
    ranked = {p: k for k, p in enumerate(order or model.ids)}
    records: list[dict[str, object]] = []
    exact_budget = exact_limit if result.optimal else 0
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
        over = _overruns(model, usage, left, closure)
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
                       else "Not reached: the solver's time ran out before proving the best portfolio")
        resolved = _resolved(result, k) if exact_budget > 0 and time.perf_counter() < deadline else None
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


def _overruns(model: Model, usage: pd.DataFrame, left: np.ndarray, closure: list[int]) -> list[tuple[str, str, str]]:
    """(label, kind, sentence) for each limit the closure would break, worst first within a kind."""
    need = np.asarray(model.usage[:, closure].sum(axis=1)).ravel()
    broken = np.flatnonzero(need > left + TOLERANCE * np.maximum(1.0, usage["effective"].to_numpy(dtype=float)))
    found = []
    for i in sorted(broken, key=lambda i: (_kind_order(usage.at[i, "kind"]), -(need[i] - left[i]))):
        kind, label = usage.at[i, "kind"], usage.at[i, "label"]
        if kind == "capacity":
            text = f"{usage.at[i, 'role']} over capacity in {usage.at[i, 'month']:%Y-%m} (needs {need[i]:,.0f} h, {max(left[i], 0):,.0f} h free)"
        else:
            text = f"{label}: needs {need[i]:,.0f}, {max(left[i], 0):,.0f} left"
        found.append((label, kind, text))
    return found


def _kind_order(kind: str) -> int:
    # The limits no extra money can lift come first, as they decide the reason code.
    return {"capacity": 0, "year": 1, "budget": 2}.get(kind, 3)


def _resolved(result: SelectionResult, k: int) -> dict[str, float] | None:
    """Exact marginal budget and value loss for project k by re-solving (see module docstring);
    None when a re-solve is not proven optimal in its time."""
    model = result.model
    target = result.value * (1 - VALUE_TOLERANCE) - VALUE_TOLERANCE
    budget = float(model.limits["effective"].iloc[model.total_row])
    forced = solve(model, force_in=[k], time_limit=RESOLVE_TIME_LIMIT, first_share=1.0)
    # Cheapest portfolio with k that is worth today's value, ignoring only the total budget.
    keep_value = LinearConstraint(model.value.reshape(1, -1), target, np.inf)
    cheapest = solve(model, force_in=[k], objective=-model.cost, extra=[keep_value], drop_total=True,
                     time_limit=RESOLVE_TIME_LIMIT, first_share=1.0)
    if not _settled(forced) or not _settled(cheapest):
        return None
    loss = np.nan if forced.x is None else max(0.0, result.value - float(model.value @ forced.x))
    marginal = np.nan
    if cheapest.x is not None:
        marginal = max(0.0, float(model.cost @ cheapest.x) - budget) if np.isfinite(budget) else 0.0
    return {"marginal_budget": marginal, "value_loss": loss}


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
