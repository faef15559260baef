"""Scenarios benchmark: five what-if scenarios on the 1,000-project sample, against one report's compute stage.

Run on demand: `python benchmarks/bench_scenarios.py [--runs N] [--projects N]`.

The portfolio is read, parsed and checked once (as `pmo-xl scenarios` does); then, interleaved
round by round in this process:

  - the compute stage of one monthly report (`pipeline.compute`, the scenarios left out);
  - the baseline alone, as the comparison measures it (loading by month, selection, cost by year);
  - the baseline and five scenarios (`compute_scenarios`): pause the largest running project for
    three months, cancel the second largest, add the largest proposal with two developers hired,
    cut the total budget by a tenth, and a developer leaving.

It prints the medians, each scenario's share ((five − baseline) / 5) and its ratio to the compute
stage (target: each scenario under the time of one report's compute stage, issue 18), with the
load before and after.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import portfolio_workbook  # noqa: E402


def five_scenarios(portfolio):  # type: ignore[no-untyped-def]
    """The portfolio with five scenarios of the kinds a committee asks, on its own projects and people."""
    import pandas as pd

    from pmo_xl.checks.scenarios import scenario_findings
    from pmo_xl.model import ROW
    from pmo_xl.scenarios.actions import first_open_month

    projects = portfolio.projects
    active = projects[(projects["status"] == "Active") & (projects["finish"] > pd.Timestamp(portfolio.status_date) + pd.DateOffset(months=6))]
    active = active.sort_values(["bac", "project_id"], ascending=[False, True])
    proposals = projects[(projects["status"] == "Proposed") & projects["force"].isna()].sort_values(["bac", "project_id"], ascending=[False, True])
    developers = portfolio.resources[portfolio.resources["role"] == "Developer"]["resource_id"].sort_values()
    month = first_open_month(portfolio)
    funded = float(projects.loc[projects["status"].isin(["Active", "Approved"]), "bac"].sum())
    rows = [
        ("Pause the largest", "Pause", active["project_id"].iloc[0], month, 3, None, None),
        ("Cancel the second", "Cancel", active["project_id"].iloc[1], None, None, None, None),
        ("Add a proposal, hire two", "Add project", proposals["project_id"].iloc[0], None, None, None, None),
        ("Add a proposal, hire two", "Add capacity", "Developer", month, None, 2.0, None),
        ("Cut the budget", "Change budget", None, None, None, None, -round(funded * 0.1, -3)),
        ("A developer leaves", "Remove capacity", developers.iloc[0], month + pd.DateOffset(months=2), None, None, None),
    ]
    frame = pd.DataFrame(rows, columns=["scenario", "action", "target", "from_date", "months", "fte", "amount"])
    frame = frame.assign(from_date=pd.to_datetime(frame["from_date"]), months=frame["months"].astype(float),
                         year=float("nan"), team=None, note=None, **{ROW: range(2, 2 + len(frame))})
    with_scenarios = dataclasses.replace(portfolio, settings=dataclasses.replace(portfolio.settings, scenarios=frame))
    issues, bad = scenario_findings(with_scenarios)
    if bad:
        raise RuntimeError(f"the benchmark's scenarios do not pass the checks: {[i.message for i in issues]}")
    return with_scenarios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="interleaved rounds (default 5)")
    parser.add_argument("--projects", type=int, default=1000)
    args = parser.parse_args()
    started = time.perf_counter()
    from pmo_xl import pipeline
    from pmo_xl.options import ALL_COMPUTATIONS, Computation, options_with
    from pmo_xl.scenarios import compute_scenarios
    from pmo_xl.usecases import load_portfolio

    path = portfolio_workbook(args.projects)
    began = time.perf_counter()
    portfolio = load_portfolio(path)
    read_once = time.perf_counter() - began
    bare = dataclasses.replace(portfolio, settings=dataclasses.replace(portfolio.settings, scenarios=portfolio.settings.scenarios.iloc[0:0]))
    scenarios = five_scenarios(bare)
    now = pipeline.portfolio_at(scenarios, pipeline.reporting_period(scenarios))
    bare_now = pipeline.portfolio_at(bare, pipeline.reporting_period(bare))
    report_options = options_with(compute=ALL_COMPUTATIONS - {Computation.SCENARIOS})
    print(f"{args.projects} projects, {len(portfolio.allocations):,} allocations; read, parsed and checked once in {read_once:.1f} s", flush=True)
    jobs = {
        "report compute stage": lambda: pipeline.compute(bare, report_options),
        "baseline alone": lambda: compute_scenarios(bare_now),
        "baseline + 5 scenarios": lambda: compute_scenarios(now),
    }
    times: dict[str, list[float]] = {name: [] for name in jobs}
    load_before = os.getloadavg()[0]
    for round_ in range(1, args.runs + 1):
        for name, job in (jobs.items() if round_ % 2 else reversed(jobs.items())):
            began = time.perf_counter()
            job()
            times[name].append(time.perf_counter() - began)
            print(f"  round {round_}: {name:<24} {times[name][-1]:7.2f} s  (load {os.getloadavg()[0]:.1f})", flush=True)
    medians = {name: statistics.median(t) for name, t in times.items()}
    per_scenario = (medians["baseline + 5 scenarios"] - medians["baseline alone"]) / 5
    per_round = [(five - base) / 5 / stage for five, base, stage in
                 zip(times["baseline + 5 scenarios"], times["baseline alone"], times["report compute stage"], strict=True)]
    print(f"  load {load_before:.1f}→{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for name, median in medians.items():
        print(f"  {name:<28} median {median:7.2f} s  (min {min(times[name]):.2f}, max {max(times[name]):.2f}, {len(times[name])} runs)")
    verdict = "OK" if per_scenario <= medians["report compute stage"] else "OVER"
    print(f"  each scenario                median {per_scenario:7.2f} s  = {per_scenario / medians['report compute stage']:.2f} × the "
          f"report's compute stage (median of per-round ratios {statistics.median(per_round):.2f}; target ≤ 1)  {verdict}")
    print(f"(benchmark took {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
