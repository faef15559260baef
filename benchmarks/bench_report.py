"""Report benchmark: the monthly pack of a 1,000-project portfolio (without PDF), target under 5 s.

Run on demand: `python benchmarks/bench_report.py [--runs N] [--projects N ...]`. The portfolio is
generated once with `generate_sample(projects=N)` and cached under benchmarks/out/ (gitignored).
Loading the workbook (read + parse + checks) is timed apart from the report itself; the report
is then split into its computations (each timed on its own, as `build_report_model` runs them:
earned value twice, for this month and the last; risks and milestones twice) and the writing.
Every figure is a median over the runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import portfolio_workbook  # noqa: E402

from pmo_xl.compute.earned_value import compute_earned_value  # noqa: E402
from pmo_xl.compute.loading import compute_loading  # noqa: E402
from pmo_xl.compute.milestones import compute_milestones  # noqa: E402
from pmo_xl.compute.priority import compute_priorities  # noqa: E402
from pmo_xl.compute.risk import compute_risk  # noqa: E402
from pmo_xl.report.model import build_report_model, portfolio_at  # noqa: E402
from pmo_xl.report.write import write_report_model  # noqa: E402
from pmo_xl.usecases import load_portfolio  # noqa: E402

TARGET_SECONDS = 5.0


def timed(function: Callable[[], object], runs: int) -> tuple[list[float], list[float], object]:
    """Wall and CPU seconds (user + sys of this process, all threads) of each of `runs` calls, and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        result = function()
        walls.append(time.perf_counter() - began)
        cpus.append(time.process_time() - began_cpu)
    return walls, cpus, result


def show(label: str, walls: list[float], cpus: list[float], target: float | None = None) -> None:
    """Median wall and CPU (the machine is shared: CPU is the steadier figure), with the wall spread."""
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    spread = f"wall min {min(walls):.2f} max {max(walls):.2f}" if len(walls) > 1 else ""
    verdict = "" if target is None else ("  OK" if wall <= target else f"  OVER target {target:g} s")
    print(f"  {label:<40} wall {wall:7.3f} s  CPU {cpu:7.3f} s  ({len(walls)} runs, {spread}){verdict}", flush=True)


def bench(projects: int, runs: int, workbook: Path | None = None) -> None:
    path = workbook or portfolio_workbook(projects)
    print(f"{projects} projects: {path.name} ({path.stat().st_size / 1e6:.1f} MB)")
    load_t, load_c, portfolio = timed(lambda: load_portfolio(path), runs)
    show("load (read + parse + checks)", load_t, load_c)
    rows = {name: len(frame) for name, frame in portfolio.registers.items()}
    print(f"  rows: {rows}")

    model = build_report_model(portfolio)
    before = portfolio_at(portfolio, model.previous_period)
    stages: list[tuple[str, Callable[[], object]]] = [
        ("earned value (this month + last)", lambda: (compute_earned_value(portfolio), compute_earned_value(before))),
        ("loading", lambda: compute_loading(portfolio)),
        ("priorities + selection (MILP)", lambda: compute_priorities(portfolio)),
        ("risks + milestones (both months)", lambda: (compute_risk(portfolio), compute_risk(portfolio, as_of=before.settings.status_date),
                                                      compute_milestones(portfolio), compute_milestones(portfolio, as_of=before.settings.status_date))),
    ]
    for label, stage in stages:
        walls, cpus, _ = timed(stage, runs)
        show(f"  {label}", walls, cpus)

    model_t, model_c, model = timed(lambda: build_report_model(portfolio), runs)
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "report.xlsx"
        write_t, write_c, _ = timed(lambda: write_report_model(model, out), runs)
        size = out.stat().st_size / 1e6
    show("report model (all computations)", model_t, model_c)
    show(f"write workbook ({size:.1f} MB)", write_t, write_c)
    totals = [m + w for m, w in zip(model_t, write_t, strict=True)]
    total_cpu = [m + w for m, w in zip(model_c, write_c, strict=True)]
    show("compute + write", totals, total_cpu, TARGET_SECONDS if projects >= 1000 else None)
    print(f"  load + compute + write: {statistics.median(load_t) + statistics.median(totals):.2f} s wall (medians)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--projects", type=int, nargs="*", default=[1000])
    parser.add_argument("--workbook", type=Path, help="a portfolio workbook to report on instead of the generated one "
                        "(give --projects its size, for the target)")
    args = parser.parse_args()
    started = time.perf_counter()
    for projects in args.projects:
        bench(projects, args.runs, args.workbook)
    print(f"(benchmark took {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
