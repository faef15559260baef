"""Report benchmark: `pmo-xl report` of a generated portfolio against its floor, end to end.

Run on demand: `python benchmarks/bench_report.py [--runs N] [--projects N ...] [--stages]`.
The portfolios are generated once with `generate_sample(projects=N)` and cached under
benchmarks/out/ (gitignored); default sizes 40 (the sample's) and 1,000 projects.

Each round runs, as fresh processes of the same interpreter, `pmo-xl report WORKBOOK -o OUT -q`
and its floor: the fastest reader here (python-calamine, or fastexcel where installed and faster
on this workbook) reading every sheet of WORKBOOK once, plus XlsxWriter writing the same cells as
pmo-xl's report (its values, taken from a report written before the timing; no formats, charts
or tables). Targets (issue 20): the 1,000-project report ≤ 2× its floor, the 40-project one
under 1 s end to end. `--stages` also times the report's computations and writing in-process
(medians of wall and CPU time), to see where the time goes.
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

from _common import MIN_RUNS, compare, pmo_xl_command, portfolio_workbook, run_process  # noqa: E402
from _floors import fastest_reader, report_cells, save_cells  # noqa: E402

from pmo_xl.compute.earned_value import compute_earned_value  # noqa: E402
from pmo_xl.compute.loading import compute_loading  # noqa: E402
from pmo_xl.compute.milestones import compute_milestones  # noqa: E402
from pmo_xl.compute.priority import compute_priorities  # noqa: E402
from pmo_xl.compute.risk import compute_risk  # noqa: E402
from pmo_xl.model import Portfolio  # noqa: E402
from pmo_xl.pipeline import portfolio_at, run_portfolio  # noqa: E402
from pmo_xl.report.model import build_report_model  # noqa: E402
from pmo_xl.report.write import write_report_model  # noqa: E402
from pmo_xl.usecases import load_portfolio  # noqa: E402

RATIO_TARGET = 2.0  # the 1,000-project report against its floor
SMALL_TARGET_SECONDS = 1.0  # the 40-project report, end to end
COMPUTE_WRITE_TARGET = 5.0  # issue 15: 1,000 projects, compute + write, PDF excluded
FLOORS = Path(__file__).resolve().parent / "_floors.py"


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


def against_floor(projects: int, runs: int, workbook: Path | None = None) -> None:
    """`pmo-xl report` and its floor, fresh processes, interleaved."""
    path = workbook or portfolio_workbook(projects)
    print(f"{projects} projects: {path.name} ({path.stat().st_size / 1e6:.1f} MB)", flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        report, again, cells = Path(scratch) / "report.xlsx", Path(scratch) / "floor.xlsx", Path(scratch) / "cells.pickle"
        pmo = run_process([*pmo_xl_command(), "report", str(path), "-o", str(report), "-q"])
        pmo()  # the report whose cells the floor writes
        save_cells(report_cells(report), cells)
        reader = fastest_reader(path)
        floor = run_process([sys.executable, str(FLOORS), "read-write", str(path), str(cells), str(again), "--reader", reader])
        result = compare("report", f"{projects:,} projects", f"{reader} read of every sheet + XlsxWriter writing the report's cells",
                         pmo, floor, runs, RATIO_TARGET if projects >= 1000 else None)
    if projects <= 40:
        median = statistics.median(result.pmo)
        print(f"  {projects}-project report end to end: {median:.2f} s median against the {SMALL_TARGET_SECONDS:g} s target "
              f"({'met' if median <= SMALL_TARGET_SECONDS else 'not met'} at this load)")


def stages(projects: int, runs: int, workbook: Path | None = None, pages: tuple[str | None, ...] = (None,)) -> None:
    """The report's computations and writing timed in-process: where the time goes."""
    path = workbook or portfolio_workbook(projects)
    load_t, load_c, portfolio = timed(lambda: load_portfolio(path), runs)
    show("load (read + parse + checks)", load_t, load_c)
    rows = {name: len(frame) for name, frame in portfolio.registers.items()}
    print(f"  rows: {rows}")

    model = build_report_model(run_portfolio(portfolio))
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

    for choice in pages:
        compute_and_write(portfolio, runs, choice)


def compute_and_write(portfolio: Portfolio, runs: int, pages: str | None) -> None:
    """Compute + write (PDF excluded), the figure the report target is set on, for one project-pages choice."""
    model_t, model_c, model = timed(lambda: build_report_model(run_portfolio(portfolio), project_pages=pages), runs)
    view = model.project_pages
    print(f"  project pages: {pages or 'the Settings choice'} -> {len(view.pages) if view else 0} pages "
          f"of {view.candidates if view else 0} projects", flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "report.xlsx"
        write_t, write_c, _ = timed(lambda: write_report_model(model, out), runs)
        size = out.stat().st_size / 1e6
    show("report model (all computations)", model_t, model_c)
    show(f"write workbook ({size:.1f} MB)", write_t, write_c)
    totals = [m + w for m, w in zip(model_t, write_t, strict=True)]
    total_cpu = [m + w for m, w in zip(model_c, write_c, strict=True)]
    show("compute + write", totals, total_cpu)
    print(f"  compute + write: {statistics.median(totals):.2f} s wall, {statistics.median(total_cpu):.2f} s CPU (medians; "
          f"target under {COMPUTE_WRITE_TARGET:g} s at 1,000 projects)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], epilog="Floors and targets: see benchmarks/README.md.")
    parser.add_argument("--runs", type=int, default=MIN_RUNS, help=f"interleaved rounds (at least {MIN_RUNS})")
    parser.add_argument("--projects", type=int, nargs="*", default=[40, 1000])
    parser.add_argument("--workbook", type=Path, help="a portfolio workbook to report on instead of the generated one "
                        "(give --projects its size, for the target)")
    parser.add_argument("--stages", action="store_true", help="also time each computation and the writing in-process")
    parser.add_argument("--project-pages", nargs="*", choices=("all", "exceptions", "none"), default=[],
                        help="with --stages: time compute + write with each of these choices (default: the workbook's Settings choice)")
    args = parser.parse_args()
    started = time.perf_counter()
    for projects in args.projects:
        against_floor(projects, args.runs, args.workbook)
        if args.stages:
            stages(projects, args.runs, args.workbook, tuple(args.project_pages) or (None,))
    print(f"(benchmark took {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
