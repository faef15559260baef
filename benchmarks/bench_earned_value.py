"""Benchmark: earned value + earned schedule for 10,000 projects × 60 monthly periods.

Run on demand: `python benchmarks/bench_earned_value.py [--projects N] [--periods N] [--runs N]`.
Generates a seeded synthetic portfolio with numpy (every project under way for the whole
window; half with a time-phased Baseline, the rest drawn from Progress PV; a mix of EV
techniques incl. weighted milestones; cost and schedule efficiency varying by project),
then times `compute_earned_value` (every metric, earned schedule, RAG, roll-ups, trends and
issues) against its floor, interleaved.

The floor (`floor_earned_value`): the numpy roll-up of the same Progress rows: project IDs
looked up, rows ordered by project and month, EV from % complete where it is blank, CPI, SPI,
CV, SV, EAC = BAC / CPI, VAC and TCPI for every row, earned schedule by one searchsorted of
each row's EV in its project's cumulative PV, and the latest row of each project summed per
programme (bincount). Target (issue 20): EV + ES ≤ 5× the floor.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import MIN_RUNS, compare  # noqa: E402

from pmo_xl.compute.earned_value import compute_earned_value  # noqa: E402
from pmo_xl.model import Portfolio, Settings  # noqa: E402

TARGET_RATIO = 5.0


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


def floor_earned_value(portfolio: Portfolio) -> tuple[np.ndarray, ...]:
    """Every EVM index per project × period, earned schedule, and the programme roll-up of the
    latest period, in plain numpy (see the module docstring)."""
    projects, progress = portfolio.registers["Projects"], portfolio.registers["Progress"]
    project = pd.Index(projects["project_id"].to_numpy(dtype=object)).get_indexer(progress["project_id"].to_numpy(dtype=object))
    month = progress["period"].to_numpy().astype("datetime64[M]").astype(np.int64)
    order = np.lexsort((month, project))
    project, month = project[order], month[order]
    bac = projects["bac"].to_numpy()[project]
    pv, ac = progress["pv"].to_numpy()[order], progress["ac"].to_numpy()[order]
    ev = progress["ev"].to_numpy()[order]
    ev = np.where(np.isnan(ev), progress["pct_complete"].to_numpy()[order] * bac, ev)
    with np.errstate(divide="ignore", invalid="ignore"):
        cpi, spi = ev / ac, ev / pv
        cv, sv = ev - ac, ev - pv
        eac = bac / cpi
        vac, tcpi = bac - eac, (bac - ev) / (bac - ac)
        # Earned schedule: how many of the project's months of PV its EV has earned, interpolated.
        first = np.flatnonzero(np.r_[True, project[1:] != project[:-1]])
        start = np.repeat(first, np.diff(np.r_[first, len(project)]))
        lift = project * (2.0 * (pv.max() + ev.max() + 1))  # each project's PV in its own range
        earned = np.searchsorted(pv + lift, ev + lift, side="right") - start
        at = np.clip(start + earned, 0, len(pv) - 1)
        below = np.where(earned > 0, pv[np.maximum(start + earned - 1, 0)], 0.0)
        es = earned + np.clip((ev - below) / (pv[at] - below), 0, 1)
    latest = np.r_[first[1:] - 1, len(project) - 1]
    programme, names = pd.factorize(projects["programme"].to_numpy(dtype=object)[project[latest]])
    rollup = [np.bincount(programme, weights=v[latest], minlength=len(names)) for v in (ev, pv, ac, bac)]
    return cpi, spi, cv, sv, eac, vac, tcpi, es, *rollup


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], epilog="Floors and targets: see benchmarks/README.md.")
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--periods", type=int, default=60)
    parser.add_argument("--runs", type=int, default=7, help=f"interleaved rounds (at least {MIN_RUNS}; default 7)")
    args = parser.parse_args()
    portfolio = build_portfolio(args.projects, args.periods)
    result, issues = compute_earned_value(portfolio)
    print(f"earned value: {args.projects:,} projects × {args.periods} periods = {len(portfolio.progress):,} progress rows, "
          f"{len(issues):,} issues")
    del result
    compare("earned value + schedule", f"{args.projects:,} projects × {args.periods} months", "numpy roll-up",
            lambda: compute_earned_value(portfolio), lambda: floor_earned_value(portfolio), args.runs, TARGET_RATIO)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
