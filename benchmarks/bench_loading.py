"""Benchmark: resource loading of 1,000,000 allocations over 5,000 resources, 260 weekly periods.

Run on demand: `python benchmarks/bench_loading.py [--allocations N] [--resources N] [--runs N]`.
Generates a seeded synthetic portfolio with numpy (3 holiday calendars, part-timers, non-project
time, availability windows, 5% generic role demand, 70% flat / 30% contoured allocations, hours
or FTE, Committed/Proposed/Draft, actual hours on 10% with a status date mid-horizon so the
remaining-effort re-spread runs), then times `compute_loading(portfolio, "Week")` (resource ×
week load, heat map, roles, teams, over-allocations, under-use; the by-project table is worked
out when first read, and nothing in the report reads it) against its floor, three ways, and
each phase on its own:

- with the causes the report shows: the over-allocations of the status month and the two after
  it, as the report asks for them (`compute_loading(..., causes=ON_REQUEST)`, then
  `LoadingResult.causes_for` of the rows `report.model_views.listed_overallocations` picks). The
  status month is picked as the report picks it (`pipeline.reporting_period`: the month of
  Settings' status date, here mid-horizon). This is what a report pays.
- with the causes of every over-allocated cell (`causes=True`, what the loading did before the
  report asked for its rows; kept so the two can be compared).
- without causes.

The floor (`floor_loading`): the same allocations spread day-exact with a numpy difference
array: resource IDs looked up, dates to day numbers, FTE to hours, each allocation's flat daily
rate added at its start and taken off after its finish (one bincount each), a cumulative sum
along the days and the days summed into weeks. It ignores calendars, contours and the status
date, so it is a floor, not an equal. Target (issue 20): loading with the causes the report
shows ≤ 5× the floor.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, no install needed
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import MIN_RUNS, compare, show, timed  # noqa: E402

from pmo_xl.compute.loading import ON_REQUEST, LoadingResult, compute_loading  # noqa: E402
from pmo_xl.compute.loading.causes import cause_text  # noqa: E402
from pmo_xl.compute.loading.demand import counted_states, prepare_demand  # noqa: E402
from pmo_xl.compute.loading.grid import Grouping, build_grid, capacity_hours, spread_pieces  # noqa: E402
from pmo_xl.compute.loading.tables import utilisation  # noqa: E402
from pmo_xl.model import Portfolio, Settings  # noqa: E402
from pmo_xl.pipeline import reporting_period  # noqa: E402
from pmo_xl.report.model_views import listed_overallocations  # noqa: E402
from pmo_xl.schema.registers import PROFILES  # noqa: E402

FIRST = np.datetime64("2026-01-05")  # a Monday; 260 weeks = 1,820 days from here
DAYS = 260 * 7
TARGET_RATIO = 5.0


def _ids(prefix: str, n: int) -> np.ndarray:
    return np.array([f"{prefix}{i:06d}" for i in range(n)], dtype=object)


def _as_parsed(frame: pd.DataFrame, text_columns: tuple[str, ...]) -> pd.DataFrame:
    """Text columns as the parser hands them over: object dtype, None when blank (pandas 3
    would otherwise infer its `str` dtype from the generated arrays)."""
    for column in text_columns:
        values = frame[column].to_numpy(dtype=object)
        frame[column] = pd.Series(np.where(pd.isna(values), None, values), index=frame.index, dtype=object)
    return frame


STATUS = FIRST + DAYS // 2


def _actuals(
    rng: np.random.Generator, start: np.ndarray, length: np.ndarray, effort: np.ndarray
) -> np.ndarray:
    """Actual hours as PMs report them: on 60% of the allocations under way at the status date,
    near the plan to date; on 5% of the finished ones, late (work still to do); else none."""
    elapsed = np.clip((STATUS - start).astype(np.int64) / length, 0.0, 1.0)
    n = len(start)
    ongoing = (elapsed > 0) & (elapsed < 1) & (rng.random(n) < 0.6)
    late = (elapsed >= 1) & (rng.random(n) < 0.05)
    pace = np.where(late, rng.uniform(0.5, 0.9, n), rng.uniform(0.7, 1.2, n))
    return np.where(ongoing | late, effort * elapsed * pace, np.nan)


def synthetic_portfolio(allocations: int, resources: int, seed: int = 42) -> Portfolio:
    """A seeded portfolio shaped like a large PMO's, utilisation around 85% on average."""
    rng = np.random.default_rng(seed)
    roles = np.array([f"Role {i:02d}" for i in range(20)], dtype=object)
    teams = np.array([f"Team {i:02d}" for i in range(50)], dtype=object)
    calendars = np.array([None, "UK", "FR", "DE"], dtype=object)
    part_time = rng.random(resources) < 0.15
    resource_frame = pd.DataFrame(
        {
            "resource_id": _ids("R", resources),
            "name": _ids("Person ", resources),
            "role": roles[rng.integers(0, len(roles), resources)],
            "team": teams[rng.integers(0, len(teams), resources)],
            "fte": np.where(part_time, rng.choice([0.5, 0.6, 0.8], resources), np.nan),
            "hours_per_week": np.where(rng.random(resources) < 0.05, 37.5, np.nan),
            "non_project": np.where(rng.random(resources) < 0.3, 0.2, np.nan),
            "available_from": pd.to_datetime(np.where(rng.random(resources) < 0.1, FIRST + rng.integers(0, 700, resources), np.datetime64("NaT"))),
            "available_to": pd.to_datetime(np.where(rng.random(resources) < 0.1, FIRST + rng.integers(1000, DAYS, resources), np.datetime64("NaT"))),
            "calendar": calendars[rng.integers(0, len(calendars), resources)],
            "cost_rate": rng.uniform(40, 120, resources),
            "_row": np.arange(2, resources + 2),
        }
    )  # fmt: skip
    length = rng.integers(7, 366, allocations)
    start = FIRST + (rng.random(allocations) * (DAYS - length)).astype(np.int64)
    generic = rng.random(allocations) < 0.05
    fte = rng.uniform(0.01, 0.07, allocations)
    by_hours = rng.random(allocations) < 0.5
    contoured = rng.random(allocations) < 0.3
    profiles = np.array(PROFILES, dtype=object)
    states = np.array(["Committed", "Proposed", "Draft"], dtype=object)
    resource_ids = resource_frame["resource_id"].to_numpy()
    allocation_frame = pd.DataFrame(
        {
            "project_id": _ids("PRJ-", 1000)[rng.integers(0, 1000, allocations)],
            "resource_id": np.where(generic, None, resource_ids[rng.integers(0, resources, allocations)]),
            "role": np.where(generic, roles[rng.integers(0, len(roles), allocations)], None),
            "start": pd.to_datetime(start),
            "finish": pd.to_datetime(start + length - 1),
            "effort_hours": np.where(by_hours, fte * 8 * length * 5 / 7, np.nan),
            "fte": np.where(by_hours, np.nan, fte),
            "profile": np.where(contoured, profiles[rng.integers(1, len(profiles), allocations)], "Flat"),
            "state": states[rng.choice(3, allocations, p=[0.8, 0.15, 0.05])],
            "actual_hours": _actuals(rng, start, length, fte * 8 * length * 5 / 7),
            "_row": np.arange(2, allocations + 2),
        }
    )  # fmt: skip
    holiday_days = FIRST + rng.choice(DAYS, 60, replace=False)
    holidays = pd.DataFrame(
        {
            "date": pd.to_datetime(holiday_days),
            "calendar": calendars[rng.integers(0, len(calendars), 60)],
            "name": "Holiday",
        }
    )
    settings = Settings(status_date=pd.Timestamp(STATUS).date(), holidays=holidays, loading_grain="Week")
    return Portfolio(
        settings=settings, registers={"Resources": resource_frame, "Allocations": allocation_frame}
    )


def floor_loading(portfolio: Portfolio) -> np.ndarray:
    """Resource × week hours, day-exact, by a numpy difference array (see the module docstring)."""
    resources = portfolio.registers["Resources"]
    frame = portfolio.registers["Allocations"]
    counted = frame["state"].to_numpy(dtype=object) != "Draft"
    row = pd.Index(resources["resource_id"].to_numpy(dtype=object)).get_indexer(frame["resource_id"].to_numpy(dtype=object))
    start = (frame["start"].to_numpy() - FIRST).astype("timedelta64[D]").astype(np.int64)
    finish = (frame["finish"].to_numpy() - FIRST).astype("timedelta64[D]").astype(np.int64)
    keep = counted & (row >= 0) & (start >= 0) & (finish < DAYS)
    row, start, finish = row[keep], start[keep], finish[keep]
    days = finish - start + 1
    effort = frame["effort_hours"].to_numpy()[keep]
    hours = np.where(np.isnan(effort), frame["fte"].to_numpy()[keep] * 8 * days * 5 / 7, effort)
    rate = hours / days
    width = DAYS + 1
    size = len(resources) * width
    diff = np.bincount(row * width + start, weights=rate, minlength=size)
    diff -= np.bincount(row * width + finish + 1, weights=rate, minlength=size)
    daily = np.cumsum(diff.reshape(len(resources), width)[:, :DAYS], axis=1)
    return daily.reshape(len(resources), DAYS // 7, 7).sum(axis=2)


SHOWN = "loading with the causes the report shows (status month and the next two)"
EVERY = "loading with the causes of every over-allocated cell"


def loading_as_the_report_asks(portfolio: Portfolio, period: pd.Timestamp | None) -> tuple[LoadingResult, np.ndarray]:
    """The loading the report computes (causes on request) and the causes of the rows it lists."""
    result, _ = compute_loading(portfolio, "Week", causes=ON_REQUEST)
    return result, result.causes_for(listed_overallocations(result, period))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], epilog="Floors and targets: see benchmarks/README.md.")
    parser.add_argument("--allocations", type=int, default=1_000_000)
    parser.add_argument("--resources", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=MIN_RUNS, help=f"interleaved rounds (at least {MIN_RUNS})")
    parser.add_argument("--phases", action="store_true", help="also time each phase on its own")
    args = parser.parse_args()
    allocations, resources, runs = args.allocations, args.resources, max(args.runs, MIN_RUNS)
    print(f"Resource loading: {allocations:,} allocations, {resources:,} resources, weekly, {runs} runs")
    started = time.perf_counter()
    portfolio = synthetic_portfolio(allocations, resources)
    print(f"  generated in {time.perf_counter() - started:.1f} s (not timed below)")
    result, issues = compute_loading(portfolio, "Week")  # warm-up: imports, first-touch allocations
    cells = result.resource_load.shape[0]
    print(f"  {len(result.periods)} weekly periods, {cells:,} resource-weeks, {len(result.overallocations):,} "
          f"over-allocated ({len(result.overallocations) / max(cells, 1):.0%}), "
          f"{len(result.underused):,} under-used, {len(issues):,} issues, "
          f"mean utilisation {np.nanmean(result.resource_load['utilisation']):.0%}")  # fmt: skip
    period = reporting_period(portfolio)  # the report's status month: that of Settings' status date
    shown = listed_overallocations(result, period)
    print(f"  the report lists {len(shown):,} of them with their causes ({period:%B %Y} and the two months after)")
    size = f"{allocations:,} allocations, {resources:,} resources, weekly"
    floor = "numpy difference array, day-exact"
    compare(SHOWN, size, floor, lambda: loading_as_the_report_asks(portfolio, period),
            lambda: floor_loading(portfolio), runs, TARGET_RATIO)
    compare(EVERY, size, floor, lambda: compute_loading(portfolio, "Week"), lambda: floor_loading(portfolio), runs)
    compare("loading without causes", size, floor, lambda: compute_loading(portfolio, "Week", causes=False),
            lambda: floor_loading(portfolio), runs)
    if args.phases:
        phases(portfolio, runs)


def phases(portfolio: Portfolio, runs: int) -> None:
    """Each phase of compute_loading on its own (medians): where the time goes."""
    states = counted_states(portfolio.settings)
    median, times, demand = timed(lambda: prepare_demand(portfolio, states), runs)
    show("1 registers → pieces (prepare_demand)", median, times)
    grid = build_grid(demand.cals, demand.first_day, demand.last_day, "week")

    def spread() -> np.ndarray:
        by_resource = Grouping(grid, demand.row, demand.row_calendar)
        spread_pieces(grid, demand.pieces, demand.calendar, (by_resource,))
        return by_resource.hours()

    median, times, load = timed(spread, runs)
    show(f"2 {len(demand.pieces.alloc):,} pieces → resource × week hours", median, times)
    res = demand.resources
    median, times, cap = timed(
        lambda: capacity_hours(
            demand.cals, grid, res.calendar, res.daily, res.available_from, res.available_to
        ),
        runs,
    )
    show("3 capacity resource × week", median, times)
    util = utilisation(load[: len(res)], cap)
    with np.errstate(invalid="ignore"):
        over = ((cap > 0) & (util > 1.0)) | ((cap <= 0) & (load[: len(res)] > 1e-9))
    median, times, _ = timed(lambda: cause_text(demand, grid, over), runs)
    show(f"4 causes of {int(over.sum()):,} over-allocations (every cell)", median, times)
    result, _ = compute_loading(portfolio, "Week", causes=ON_REQUEST)
    rows = listed_overallocations(result, reporting_period(portfolio))
    median, times, _ = timed(lambda: result.causes_for(rows), runs)
    show(f"4' causes of the {len(rows):,} the report shows", median, times)

if __name__ == "__main__":
    main()
