"""Portfolio selection for `compute_priorities`: wiring scores, budgets and role capacity together.

Role demand and capacity come from the resource-loading engine
(`loading.monthly_role_demand` / `monthly_role_capacity`: every allocation state counts, since
a candidate's allocations are often still Draft) unless the caller passes frames. Roles are
matched with case and spacing ignored. If loading cannot run, selection goes on without the
capacity limits and an issue says so. Only months from the status period on limit selection:
the past cannot be re-planned.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pmo_xl.compute.selection.core import SelectionResult, efficient_frontier, select_portfolio
from pmo_xl.compute.selection.explain import EXACT_LIMIT, binding_limits, explain_selection
from pmo_xl.compute.selection.inputs import STAGE, build_selection_problem, note_issues, objective_values
from pmo_xl.issues import Issue, Severity
from pmo_xl.model import Portfolio
from pmo_xl.schema.columns import normalise_header

SELECTION_COLUMNS = ["project_id", "name", "status", "bac", "score", "rank", "value", "selected", "reason_code",
                     "reason", "blocked_by", "marginal_budget", "value_loss", "marginal_method"]


@dataclass
class SelectionOutcome:
    """What `run_selection` hands back to `compute_priorities`."""

    table: pd.DataFrame
    frontier: pd.DataFrame
    binding: pd.DataFrame
    total_budget: float
    budget_source: str
    value: float
    cost: float
    optimal: bool
    gap: float
    capacity_checked: bool
    issues: list[Issue] = field(default_factory=list)
    solved: SelectionResult | None = None  # the solve itself (its model), for the scenarios' baseline to reuse


def role_frames(
    portfolio: Portfolio, demand: pd.DataFrame | None, capacity: pd.DataFrame | None
) -> tuple[pd.DataFrame | None, pd.DataFrame | None, list[Issue]]:
    """Demand (project_id, role, month, hours) and capacity (role, month, hours) with matching role names."""
    issues: list[Issue] = []
    if demand is None or capacity is None:
        try:
            if demand is None and capacity is None:
                demand, capacity = role_demand_and_capacity(portfolio)
            else:
                from pmo_xl.compute.loading.core import monthly_role_capacity, monthly_role_demand

                demand = monthly_role_demand(portfolio) if demand is None else demand
                capacity = monthly_role_capacity(portfolio) if capacity is None else capacity
        except Exception as error:  # noqa: BLE001 — selection must go on; the issue carries the cause
            issues.append(Issue(code="capacity-not-checked", severity=Severity.WARNING, sheet="Allocations", row=None, column=None, field=None, value=None,
                                message=f"Role capacity could not be worked out ({type(error).__name__}: {error}); "
                                "selection ignores capacity this time", stage=STAGE))
            return None, None, issues
    demand, capacity = matched_roles(demand, capacity, portfolio.period)
    return demand, capacity, issues


def matched_roles(demand: pd.DataFrame, capacity: pd.DataFrame,
                  start: pd.Timestamp | None) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """Demand and capacity from the month `start` on (None, None without demand then), each role
    named as capacity names it (case and spacing ignored)."""
    demand, capacity = _long(demand), _long(capacity)
    if start is not None:  # months already past cannot be re-planned: only the future limits selection
        demand = demand[pd.to_datetime(demand["month"]) >= start]
        capacity = capacity[pd.to_datetime(capacity["month"]) >= start]
    if not len(demand):
        return None, None
    display = {normalise_header(r): r for r in capacity["role"].dropna().unique()}
    for frame in (demand, capacity):
        # Per distinct role, then taken back to the rows by code: no Python step per row.
        codes, roles = pd.factorize(frame["role"].to_numpy(dtype=object), use_na_sentinel=False)
        names = np.array([display.get(normalise_header(r), r) for r in roles], dtype=object)
        frame["role"] = names[codes]
    return demand, capacity


def role_demand_and_capacity(portfolio: Portfolio) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The loading engine's monthly role demand (every allocation state) and the roles' capacity
    over the same months, from one preparation of the allocations (the costly part of each)."""
    from pmo_xl.compute.loading.core import monthly_role_capacity, monthly_role_demand
    from pmo_xl.compute.loading.demand import prepare_demand
    from pmo_xl.schema.registers import ALLOCATION_STATES

    prepared = prepare_demand(portfolio, ALLOCATION_STATES)
    return monthly_role_demand(portfolio, prepared=prepared), monthly_role_capacity(portfolio, prepared=prepared)


def _long(frame: pd.DataFrame) -> pd.DataFrame:
    """Accept `period` (the loading engine's name) or `month` for the month column."""
    frame = frame.rename(columns={"period": "month"}).copy()
    return frame[frame["role"].notna()] if "role" in frame else frame


def run_selection(
    portfolio: Portfolio,
    scores: pd.DataFrame,
    commit_active: bool = True,
    frontier_levels: int = 20,
    demand: pd.DataFrame | None = None,
    capacity: pd.DataFrame | None = None,
    exact_limit: int = EXACT_LIMIT,
) -> SelectionOutcome:
    """Select, explain, sweep the budget; `scores` is the scores table of `compute_priorities`."""
    settings = portfolio.settings
    by_id = scores.drop_duplicates("project_id").set_index("project_id")
    value = objective_values(by_id["score"], by_id["bac"], settings.selection_objective)
    order = list(by_id["rank"].dropna().sort_values(kind="stable").index)
    demand, capacity, issues = role_frames(portfolio, demand, capacity)
    problem, total, source, input_issues = build_selection_problem(portfolio, value, order, demand, capacity, commit_active)
    issues += input_issues
    result = select_portfolio(problem)
    issues += note_issues(result.notes, portfolio)
    explained = explain_selection(result, order, exact_limit)
    frontier = efficient_frontier(result.model, frontier_levels, known=[result.selected])
    frontier = _with_current(frontier, total, result.value, result.cost, int(result.selected.sum()), result.optimal, result.gap)
    table = explained.merge(by_id[["name", "status", "bac", "score", "rank"]], left_on="project_id", right_index=True, how="left")
    table["value"] = table["project_id"].map(value).fillna(0.0)
    table = table.sort_values(["selected", "rank"], ascending=[False, True], na_position="last", kind="stable")
    return SelectionOutcome(
        table=table[SELECTION_COLUMNS].reset_index(drop=True),
        frontier=frontier,
        binding=binding_limits(result, explained),
        total_budget=total,
        budget_source=source,
        value=result.value,
        cost=result.cost,
        optimal=result.optimal,
        gap=result.gap,
        capacity_checked=demand is not None and capacity is not None,
        issues=issues,
        solved=result,
    )


def _with_current(
    frontier: pd.DataFrame, budget: float, value: float, cost: float, n: int, optimal: bool, gap: float
) -> pd.DataFrame:
    """The frontier plus today's budget as its own point (flagged `current`), sorted by budget."""
    current = pd.DataFrame([{"budget": budget, "value": value, "cost": cost, "n_selected": n, "optimal": optimal, "gap": gap}])
    frame = pd.concat([frontier.assign(current=False), current.assign(current=True)], ignore_index=True)
    return frame.sort_values(["budget", "current"], kind="stable").reset_index(drop=True)

