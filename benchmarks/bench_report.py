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

from _common import portfolio_workbook, show, timed  # noqa: E402

from pmo_xl.compute.earned_value import compute_earned_value  # noqa: E402
from pmo_xl.compute.loading import compute_loading  # noqa: E402
from pmo_xl.compute.milestones import compute_milestones  # noqa: E402
from pmo_xl.compute.priority import compute_priorities  # noqa: E402
from pmo_xl.compute.risk import compute_risk  # noqa: E402
from pmo_xl.report.model import build_report_model, portfolio_at  # noqa: E402
from pmo_xl.report.write import write_report_model  # noqa: E402
from pmo_xl.usecases import load_portfolio  # noqa: E402

TARGET_SECONDS = 5.0


def bench(projects: int, runs: int) -> None:
    path = portfolio_workbook(projects)
    print(f"{projects} projects: {path.name} ({path.stat().st_size / 1e6:.1f} MB)")
    load_s, load_t, portfolio = timed(lambda: load_portfolio(path), runs)
    show("load (read + parse + checks)", load_s, load_t)
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
        median, times, _ = timed(stage, runs)
        show(f"  {label}", median, times)

    model_s, model_t, model = timed(lambda: build_report_model(portfolio), runs)
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "report.xlsx"
        write_s, write_t, _ = timed(lambda: write_report_model(model, out), runs)
        size = out.stat().st_size / 1e6
    show("report model (all computations)", model_s, model_t)
    show(f"write workbook ({size:.1f} MB)", write_s, write_t)
    totals = [m + w for m, w in zip(model_t, write_t, strict=True)]
    show("compute + write", statistics.median(totals), totals, TARGET_SECONDS if projects >= 1000 else None)
    print(f"  load + compute + write: {load_s + statistics.median(totals):.2f} s (medians)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--projects", type=int, nargs="*", default=[1000])
    args = parser.parse_args()
    started = time.perf_counter()
    for projects in args.projects:
        bench(projects, args.runs)
    print(f"(benchmark took {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
