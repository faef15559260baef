"""Foundation benchmark: read, validate and report a 40- and a 1,000-project portfolio.

Run on demand: `python benchmarks/bench_portfolio.py [--runs N]`. The 1,000-project portfolio
has about 2,000 resources, 100,000 allocation rows and 24 months of progress. Target for it:
read + validate + report under 10 s on the project machine (2 cores), most of it reading.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import portfolio_workbook, show, timed  # noqa: E402

from pmo_xl.checks.run import run_checks  # noqa: E402
from pmo_xl.io.read_workbook import read_workbook  # noqa: E402
from pmo_xl.parse.portfolio import parse_portfolio  # noqa: E402
from pmo_xl.report import write_report  # noqa: E402
from pmo_xl.usecases import ALL_TABLES  # noqa: E402


def bench(projects: int, runs: int) -> None:
    path = portfolio_workbook(projects)
    print(f"{projects} projects: {path.name} ({path.stat().st_size / 1e6:.1f} MB)")
    read_s, read_t, raw = timed(lambda: read_workbook(path, ALL_TABLES), runs)
    rows = {name: len(t.rows) for name, t in raw.tables.items() if name in ("Projects", "Resources", "Allocations", "Progress")}
    print(f"  rows: {rows}")

    def validate():
        portfolio = parse_portfolio(raw.tables, str(path))
        run_checks(portfolio)
        return portfolio

    validate_s, validate_t, portfolio = timed(validate, runs)
    with tempfile.TemporaryDirectory() as scratch:
        report_s, report_t, _ = timed(lambda: write_report(portfolio, Path(scratch) / "report.xlsx"), runs)
    show("read (python-calamine)", read_s, read_t)
    show("validate (parse + checks)", validate_s, validate_t, 2.0 if projects >= 1000 else None)
    show("report (compute + write)", report_s, report_t, 5.0 if projects >= 1000 else None)
    show("total", read_s + validate_s + report_s, [read_s + validate_s + report_s], 10.0 if projects >= 1000 else None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--projects", type=int, nargs="*", default=[40, 1000])
    args = parser.parse_args()
    for projects in args.projects:
        bench(projects, args.runs)


if __name__ == "__main__":
    main()
