"""Benchmark: portfolio selection on a large synthetic portfolio (run on demand, prints medians).

    python benchmarks/bench_selection.py [--projects 1000] [--roles 20] [--months 36] [--repeat 5]

Seeded synthetic data: 1,000 candidate projects over 36 months, each needing 2-4 of 20 roles
for its duration; role capacity set to about 45 % of the peak demand so many role-months bind;
a total budget of 40 % of the candidates' cost and yearly budgets of 45 % of each year's spend;
about 5 % committed, 2 % forced out, dependencies and exclusive pairs. Targets: selection
< 5 s, efficient frontier at 20 budget levels < 30 s.

Every role-month is over-subscribed, which makes this a hard multi-dimensional knapsack: HiGHS
cannot prove the optimum in seconds, so the figures to read beside the times are the proven
gaps (how far below the best possible the portfolio can be at most).

The floor of `select_portfolio` (`floor_selection`): one HiGHS solve (scipy's milp) of the
same compiled model with the same gap and time budget, nothing else: no second phase, no
clean-up of the portfolio. Timed interleaved with select_portfolio (which also builds the model).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import MIN_RUNS, compare  # noqa: E402

from pmo_xl.compute.selection import explain_selection  # noqa: E402
from pmo_xl.compute.selection.core import SelectionProblem, build_model, efficient_frontier, select_portfolio  # noqa: E402
from pmo_xl.compute.selection.model import Model  # noqa: E402
from pmo_xl.compute.selection.solver import MIP_REL_GAP, NODE_LIMIT  # noqa: E402


def synthetic_problem(n: int = 1000, roles: int = 20, months: int = 36, seed: int = 20260101) -> SelectionProblem:
    """A reproducible large selection problem with every kind of limit and rule."""
    rng = np.random.default_rng(seed)
    ids = [f"PRJ-{i:04d}" for i in range(n)]
    start = rng.integers(0, months - 3, n)
    length = np.minimum(rng.integers(6, 19, n), months - start)
    cost = np.round(rng.lognormal(13, 0.7, n), -3)
    value = np.round(rng.uniform(1, 5, n), 2)
    first = pd.Timestamp("2026-01-01")
    month_starts = pd.date_range(first, periods=months, freq="MS")
    # Demand: each project needs 2-4 roles at a steady monthly rate over its months.
    records = []
    for k in range(n):
        for role in rng.choice(roles, int(rng.integers(2, 5)), replace=False):
            rate = float(rng.integers(20, 160))
            for m in range(start[k], start[k] + length[k]):
                records.append((ids[k], f"Role {role:02d}", m, rate))
    demand = pd.DataFrame(records, columns=["project_id", "role", "m", "hours"])
    demand["month"] = month_starts[demand["m"].to_numpy()]
    peak = demand.groupby(["role", "month"])["hours"].sum()
    capacity = (peak * 0.45).round().rename("hours").reset_index()
    # Yearly spend: the cost spread evenly over the project's months.
    monthly = cost / length
    years = sorted(set(month_starts.year))
    spend = pd.DataFrame(0.0, index=ids, columns=years)
    for k in range(n):
        for m in range(start[k], start[k] + length[k]):
            spend.iat[k, years.index(month_starts[m].year)] += monthly[k]
    yearly_budget = (spend.sum() * 0.45).round(-3)
    order = rng.permutation(n)
    fixed_in = {ids[k]: "Committed: Active project" for k in order[:50]}
    fixed_out = {ids[k]: "Forced out" for k in order[50:70]}
    depends_on = {ids[b]: [ids[a]] for b, a in zip(order[70:170], order[170:270], strict=True)}
    groups = {f"G{g}": [ids[order[270 + 2 * g]], ids[order[271 + 2 * g]]] for g in range(60)}
    committed_cost = cost[[ids.index(p) for p in fixed_in]].sum()
    return SelectionProblem(
        project_ids=ids, value=value, cost=cost, total_budget=float(round(max(cost.sum() * 0.4, committed_cost * 1.5), -3)),
        yearly_cost=spend, yearly_budget=yearly_budget, demand=demand[["project_id", "role", "month", "hours"]],
        capacity=capacity, fixed_in=fixed_in, fixed_out=fixed_out, depends_on=depends_on, groups=groups,
    )


def floor_selection(model: Model) -> object:
    """One HiGHS solve of the compiled model: the same limits, gap and work (node) budget."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    constraints = [LinearConstraint(model.usage, -np.inf, model.limits["effective"].to_numpy(dtype=float))]
    if model.structure.shape[0]:
        constraints.append(LinearConstraint(model.structure, -np.inf, model.structure_ub))
    return milp(-model.value, integrality=np.ones(len(model.value)), bounds=Bounds(model.lb, model.ub),
                constraints=constraints, options={"mip_rel_gap": MIP_REL_GAP, "node_limit": NODE_LIMIT})


def timed(label: str, function: Callable[[], object], repeat: int) -> object:
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - began)
    print(f"{label:<48} median {statistics.median(times):7.2f} s   (min {min(times):.2f}, max {max(times):.2f}, n={repeat})")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], epilog="Floors and targets: see benchmarks/README.md.")
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--roles", type=int, default=20)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--repeat", type=int, default=MIN_RUNS, help=f"interleaved rounds (at least {MIN_RUNS})")
    args = parser.parse_args()
    began = time.perf_counter()
    problem = synthetic_problem(args.projects, args.roles, args.months)
    model, _ = build_model(problem)
    kinds = model.limits["kind"].value_counts().to_dict()
    print(f"{args.projects} candidates, {args.roles} roles x {args.months} months; data built in {time.perf_counter() - began:.1f} s")
    print(f"model: {len(model.limits)} limit rows {kinds}, {model.structure.shape[0]} dependency/group rows")
    compare("selection (MILP)", f"{args.projects:,} candidates, {args.roles} roles × {args.months} months",
            "one HiGHS solve of the same model", lambda: select_portfolio(problem), lambda: floor_selection(model), args.repeat)
    result = select_portfolio(problem)
    print(f"  selected {int(result.selected.sum())} of {args.projects}, value {result.value:,.2f}, "
          f"cost {result.cost:,.0f} of {problem.total_budget:,.0f}, proven optimal={result.optimal}, gap to bound {result.gap:.2%}")
    frontier = timed("efficient_frontier (20 budget levels)", lambda: efficient_frontier(result.model, 20, known=[result.selected]),
                     max(1, args.repeat // 2))
    print(f"  values {frontier['value'].iloc[0]:,.1f} .. {frontier['value'].iloc[-1]:,.1f}; proven optimal at "
          f"{int(frontier['optimal'].sum())} of {len(frontier)} levels, largest gap {frontier['gap'].max():.2%}")
    explained = timed("explain_selection (reasons + re-solves)", lambda: explain_selection(result), 1)
    methods = explained["marginal_method"].value_counts().to_dict()
    print(f"  reasons {explained['reason_code'].value_counts().to_dict()}; marginal {methods}")


if __name__ == "__main__":
    main()
