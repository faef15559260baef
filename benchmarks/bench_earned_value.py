"""Benchmark: earned value + earned schedule for 10,000 projects × 60 monthly periods.

Run on demand: `python benchmarks/bench_earned_value.py [projects] [periods] [runs]`.
Generates a seeded synthetic portfolio with numpy (every project under way for the whole
window; half with a time-phased Baseline, the rest drawn from Progress PV; a mix of EV
techniques incl. weighted milestones; cost and schedule efficiency varying by project),
then times `compute_earned_value` (every metric, earned schedule, RAG, roll-ups, trends and
issues) and prints the median, min and max of several runs. Target: median under 0.3 s.
"""

from __future__ import annotations

import statistics
import sys
import time

import numpy as np
import pandas as pd

from pmo_xl.compute.earned_value import compute_earned_value
from pmo_xl.model import Portfolio, Settings

TARGET_SECONDS = 0.3


def _month_starts(months: np.ndarray) -> np.ndarray:
    return months.astype("datetime64[M]").astype("datetime64[ns]")


def build_portfolio(n_projects: int = 10_000, n_periods: int = 60, seed: int = 20260101) -> Portfolio:
    """A seeded synthetic portfolio with Progress for every project in every period."""
    rng = np.random.default_rng(seed)
    first = (2021 - 1970) * 12  # January 2021, in months since 1970-01
    ids = np.array([f"PRJ-{i:05d}" for i in range(n_projects)], dtype=object)
    # Every project reports in every period, so each is under way for the whole window:
    # started up to two years before it, finishing up to three years after it.
    start = first - rng.integers(0, 24, n_projects)
    length = (first + n_periods - start) + rng.integers(1, 36, n_projects)
    finish = start + length - 1
    bac = np.round(rng.lognormal(13, 1, n_projects), 0)
    technique = rng.choice(np.array([None, "% complete", "0/100", "50/50", "Milestones"], dtype=object), n_projects, p=[0.5, 0.2, 0.1, 0.1, 0.1])
    projects = pd.DataFrame({
        "project_id": ids,
        "name": [f"Project {i}" for i in range(n_projects)],
        "programme": rng.choice(np.array([f"Programme {i:03d}" for i in range(200)], dtype=object), n_projects),
        "business_unit": rng.choice(np.array([f"Unit {i:02d}" for i in range(20)], dtype=object), n_projects),
        "status": "Active",
        "start": _month_starts(start),
        "finish": (_month_starts(finish + 1) - np.timedelta64(1, "D")).astype("datetime64[ns]"),
        "bac": bac,
        "ev_technique": technique,
        "_row": np.arange(n_projects) + 2,
    })

    # Progress: every project in every period; planned share linear over the plan.
    project = np.repeat(np.arange(n_projects), n_periods)
    month = np.tile(first + np.arange(n_periods), n_projects)
    planned = np.clip((month - start[project] + 1) / length[project], 0, 1)
    pv = planned * bac[project]
    efficiency = rng.normal(0.95, 0.08, n_projects)[project]
    ev = np.minimum(pv * efficiency, bac[project])
    ac = ev / rng.normal(0.97, 0.07, n_projects)[project]
    typed = rng.random(n_projects)[project] < 0.5
    progress = pd.DataFrame({
        "project_id": ids[project],
        "period": _month_starts(month),
        "pv": np.round(pv, 2),
        "ev": np.where(typed, np.round(ev, 2), np.nan),
        "pct_complete": np.where(typed, np.nan, np.round(ev / bac[project], 4)),
        "ac": np.round(ac, 2),
        "etc": np.where(rng.random(len(project)) < 0.2, np.round(bac[project] - ev, 2), np.nan),
        "_row": np.arange(len(project)) + 2,
    })

    # Baseline for half the projects: flat monthly planned value over the plan.
    with_baseline = np.flatnonzero(rng.random(n_projects) < 0.5)
    b_project = np.repeat(with_baseline, length[with_baseline])
    offsets = np.arange(len(b_project)) - np.repeat(np.cumsum(length[with_baseline]) - length[with_baseline], length[with_baseline])
    baseline = pd.DataFrame({
        "project_id": ids[b_project],
        "period": _month_starts(start[b_project] + offsets),
        "planned_value": bac[b_project] / length[b_project],
        "_row": np.arange(len(b_project)) + 2,
    })

    # Five equal milestones per project, achieved on plan (or late) where the date has passed.
    m_project = np.repeat(np.arange(n_projects), 5)
    due = start[m_project] + ((np.tile(np.arange(1, 6), n_projects) * length[m_project]) // 5) - 1
    achieved = due + rng.integers(0, 3, len(m_project))
    passed = achieved < first + n_periods
    milestones = pd.DataFrame({
        "project_id": ids[m_project],
        "milestone": [f"M{i % 5 + 1}" for i in range(len(m_project))],
        "baseline_date": _month_starts(due),
        "forecast_date": pd.NaT,
        "actual_date": np.where(passed, _month_starts(achieved), np.datetime64("NaT", "ns")),
        "ev_weight": 0.2,
        "_row": np.arange(len(m_project)) + 2,
    })
    registers = {"Projects": projects, "Progress": progress, "Baseline": baseline, "Milestones": milestones}
    return Portfolio(settings=Settings(), registers=registers)


def main(argv: list[str]) -> int:
    n_projects = int(argv[1]) if len(argv) > 1 else 10_000
    n_periods = int(argv[2]) if len(argv) > 2 else 60
    runs = int(argv[3]) if len(argv) > 3 else 7
    portfolio = build_portfolio(n_projects, n_periods)
    compute_earned_value(portfolio)  # warm-up: imports, first-touch allocations
    wall, cpu = [], []
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        result, issues = compute_earned_value(portfolio)
        wall.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
        del result  # as a caller would: the next run starts without the last one's frames
    median = statistics.median(wall)
    print(f"earned value: {n_projects:,} projects × {n_periods} periods = {len(portfolio.progress):,} progress rows, "
          f"{len(issues):,} issues")
    print(f"compute_earned_value wall: median {median:.3f} s, min {min(wall):.3f} s, max {max(wall):.3f} s over {runs} runs")
    # On a shared machine the wall time includes waiting for a CPU; the process CPU time does not.
    print(f"compute_earned_value CPU:  median {statistics.median(cpu):.3f} s, min {min(cpu):.3f} s")
    print(f"target {TARGET_SECONDS:.2f} s (wall median): {'met' if median < TARGET_SECONDS else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
