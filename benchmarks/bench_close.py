"""Close benchmark: `pmo-xl close` on the 1,000-project sample with 24 closed months in History.

Run on demand: `python benchmarks/bench_close.py [--runs N] [--projects N]`.

Once (cached under benchmarks/out/): the generated portfolio, then the same portfolio with its
24 months of Progress closed by `close --backfill` (23 recomputed, the status month as reported);
the time of that backfill is printed when it is built. Then, as fresh processes, interleaved:

  - `pmo-xl close WORKBOOK --period <status month> --reopen -o OUT`: closing a month when 24 are
    in History already (reopen: the month is one of them; the work is the same as a new month's);
  - `pmo-xl report` of the workbook with that History and of the one without it, end to end
    (reading the workbook included). The report's 5 s target (issues 15 and 16) is for its
    compute + write, PDF excluded: `bench_report.py --projects 1000 --stages --workbook <the
    workbook with History>` measures it, and this benchmark prints that command;

with the medians of wall and CPU time (the machine is shared: CPU is the steadier figure), the
load before and after, and the file sizes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import OUT, pmo_xl_command, portfolio_workbook  # noqa: E402

CLOSED_ON = dt.date(2026, 11, 5)


def with_history(projects: int) -> Path:
    """The generated portfolio with every month of its Progress closed (built once, cached)."""
    import pandas as pd

    from pmo_xl.close.usecase import close_file
    from pmo_xl.usecases import load_portfolio

    source = portfolio_workbook(projects)
    path = OUT / f"{source.stem}-history.xlsx"
    if not path.exists():
        last = pd.Timestamp(load_portfolio(source).progress["period"].max())
        print(f"  closing every month of {source.name} (once)…", flush=True)
        began, began_cpu = time.perf_counter(), time.process_time()
        result = close_file(source, last, path, backfill=True, closed_on=CLOSED_ON)
        print(f"  backfill: {len(result.closed)} months closed in {time.perf_counter() - began:.1f} s wall, "
              f"{time.process_time() - began_cpu:.1f} s CPU (load {os.getloadavg()[0]:.1f})", flush=True)
    return path


def run(arguments: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + sys of the child) of one fresh process run to the end."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    done = subprocess.run(arguments, capture_output=True, text=True)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(arguments)} exited {done.returncode}: {done.stderr.strip()[-500:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def show(label: str, times: list[tuple[float, float]]) -> None:
    walls, cpus = [t[0] for t in times], [t[1] for t in times]
    print(f"  {label:<48} wall {statistics.median(walls):6.2f} s  CPU {statistics.median(cpus):6.2f} s  (median of {len(times)}, "
          f"wall {min(walls):.2f}–{max(walls):.2f})", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="rounds of each command (default 3)")
    parser.add_argument("--projects", type=int, default=1000)
    args = parser.parse_args()
    started = time.perf_counter()
    plain = portfolio_workbook(args.projects)
    closed = with_history(args.projects)
    from pmo_xl.usecases import load_portfolio

    portfolio = load_portfolio(closed)
    history = {name: len(portfolio.registers[name]) for name in ("History", "History milestones", "History KPIs")}
    months = portfolio.registers["History"]["period"].nunique()
    last = f"{portfolio.registers['History']['period'].max():%Y-%m}"
    print(f"{args.projects} projects, {months} months in History ({history}); "
          f"workbook {plain.stat().st_size / 1e6:.1f} MB without History, {closed.stat().st_size / 1e6:.1f} MB with it", flush=True)
    command = pmo_xl_command()
    load_before = os.getloadavg()[0]
    timings: dict[str, list[tuple[float, float]]] = {"close": [], "report with History": [], "report without History": []}
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "closed.xlsx"
        report = Path(scratch) / "report.xlsx"
        jobs = {
            "close": [*command, "close", str(closed), "--period", last, "--reopen", "-o", str(out), "--closed-on", f"{CLOSED_ON}"],
            "report with History": [*command, "report", str(closed), "-o", str(report), "-q"],
            "report without History": [*command, "report", str(plain), "-o", str(report), "-q"],
        }
        for round_ in range(1, args.runs + 1):
            for name, arguments in jobs.items():
                timings[name].append(run(arguments))
                wall, cpu = timings[name][-1]
                print(f"  round {round_}: {name:<24} wall {wall:6.2f} s  CPU {cpu:6.2f} s  (load {os.getloadavg()[0]:.1f})", flush=True)
        size = out.stat().st_size / 1e6
    print(f"  load {load_before:.1f}→{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    show(f"close a month, 24 in History (OUT {size:.1f} MB)", timings["close"])
    show("report with 24 months of History", timings["report with History"])
    show("report without History", timings["report without History"])
    print(f"  the report's 5 s target is its compute + write: python benchmarks/bench_report.py --projects {args.projects} "
          f"--stages --workbook {closed}")
    print(f"(benchmark took {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
