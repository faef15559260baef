"""Schedule import benchmark: 200 Microsoft Project XML files of 500 tasks each into a portfolio.

Run on demand: `python benchmarks/bench_import.py [--runs N] [--files N] [--tasks N] [--jobs N]`.

Generated once and cached under benchmarks/out/import/ (gitignored): a 200-project sample
portfolio, and one MSPDI file per project (named `<Project ID> schedule.xml`, so each is matched
to its register project by file name) with `--tasks` tasks written as Project 2019 writes them —
about 45 elements per task, baseline 0, one summary task per 10, a milestone per 25, one
assignment per working task with a contour, 20 resources, a status date — about 1 MB each.

Each run is the whole use case, `import_schedules([folder], portfolio)` with 2 worker processes:
read and map every file in the workers (XML, baseline spread, PV/EV/AC) while this process reads
the portfolio and merges each schedule as it is handed over (project IDs, resources, rows), then
write OUT. Target: under 10 s per run
on this 2-core machine; the wall and CPU times of the stages are printed with the median (on a
machine busy with other work, wall times grow and CPU times much less), and the critical path
from CPU times (what the run would take with the two cores to itself).

The floor (`floor_import`), timed interleaved with `import_schedules`: lxml (what pmo-xl parses a
DTD-free schedule with, the fastest XML parser for Python; the standard library's C parser takes
~3x as long) parsing every file to a tree, in as many worker processes, python-calamine reading
every sheet of the portfolio, and XlsxWriter writing the cells of the OUT workbook pmo-xl wrote
(its values only, cell by cell, as benchmarks/_floors.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _common import MIN_RUNS, OUT, compare, cpu_with_children, portfolio_workbook, show_totals  # noqa: E402
from _floors import read_every_sheet, report_cells, write_cells  # noqa: E402

from pmo_xl.collect.portfolio import read_portfolio  # noqa: E402
from pmo_xl.schedules.usecase import import_schedules  # noqa: E402

FOLDER = OUT / "import"
TARGET_SECONDS = 10.0
NS = "http://schemas.microsoft.com/project"
FILLER = ("<Type>0</Type><IsNull>0</IsNull><CreateDate>2025-11-03T09:00:00</CreateDate><Priority>500</Priority>"
          "<DurationFormat>7</DurationFormat><ResumeValid>0</ResumeValid><EffortDriven>0</EffortDriven>"
          "<Recurring>0</Recurring><OverAllocated>0</OverAllocated><Estimated>0</Estimated>"
          "<FixedCostAccrual>3</FixedCostAccrual><Critical>0</Critical><IsSubproject>0</IsSubproject>"
          "<IsSubprojectReadOnly>0</IsSubprojectReadOnly><ExternalTask>0</ExternalTask><FreeSlack>0</FreeSlack>"
          "<TotalSlack>0</TotalSlack><FixedCost>0</FixedCost><ConstraintType>0</ConstraintType>"
          "<CalendarUID>-1</CalendarUID><LevelAssignments>1</LevelAssignments><LevelingCanSplit>1</LevelingCanSplit>"
          "<LevelingDelay>0</LevelingDelay><LevelingDelayFormat>8</LevelingDelayFormat><IgnoreResourceCalendar>0</IgnoreResourceCalendar>"
          "<HideBar>0</HideBar><Rollup>0</Rollup><EarnedValueMethod>0</EarnedValueMethod><Active>1</Active><Manual>0</Manual>")
CONTOURS = (0, 0, 0, 1, 2, 6)


def _day(day: dt.date) -> str:
    return f"{day:%Y-%m-%d}"


def _workday(start: dt.date, days: int) -> dt.date:
    day = start
    while days > 0:
        day += dt.timedelta(days=1)
        days -= day.weekday() < 5
    return day


def schedule_xml(name: str, tasks: int, seed: int) -> str:
    """One Project 2019-style MSPDI file with `tasks` tasks (status date 2026-10-30)."""
    rnd = random.Random(seed)
    status = dt.date(2026, 10, 30)
    cursor = dt.date(2026, 1, 5) + dt.timedelta(days=rnd.randrange(0, 120))
    out = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Project xmlns="{NS}"><SaveVersion>14</SaveVersion>'
           f"<Name>{name}.xml</Name><Title>{name}</Title><Manager>PM {seed}</Manager><CurrencyCode>EUR</CurrencyCode>"
           f"<StatusDate>{_day(status)}T17:00:00</StatusDate><CurrentDate>{_day(status)}T08:00:00</CurrentDate>"
           "<Calendars><Calendar><UID>1</UID><Name>Standard</Name><IsBaseCalendar>1</IsBaseCalendar></Calendar></Calendars><Tasks>"]
    assignments = []
    for uid in range(tasks):
        summary = uid % 10 == 0
        milestone = not summary and uid % 25 == 1
        days = 0 if milestone else rnd.randrange(3, 30)
        start = cursor
        finish = _workday(start, days)
        slip = rnd.choice((0, 0, 2, 5))
        cost = 0 if summary or milestone else rnd.randrange(20, 400) * 100
        done = 100 if finish < status else (rnd.randrange(0, 90) if start < status else 0)
        actual = cost * done / 100 * rnd.uniform(0.8, 1.3)
        out.append(
            f"<Task><UID>{uid}</UID><ID>{uid}</ID><Name>Task {uid}</Name><WBS>{uid // 10}.{uid % 10}</WBS>"
            f"<OutlineNumber>{uid // 10}.{uid % 10}</OutlineNumber><OutlineLevel>{1 if summary else 2}</OutlineLevel>"
            f"<Start>{_day(start)}T08:00:00</Start><Finish>{_day(_workday(finish, slip))}T17:00:00</Finish>"
            f"<Duration>PT{days * 8}H0M0S</Duration><Work>PT{days * 8}H0M0S</Work>{FILLER}"
            f"<Milestone>{int(milestone)}</Milestone><Summary>{int(summary)}</Summary>"
            f"<PercentComplete>{done}</PercentComplete><PhysicalPercentComplete>0</PhysicalPercentComplete>"
            f"<Cost>{cost * 100:.0f}</Cost><ActualCost>{actual * 100:.0f}</ActualCost><BCWS>0.00</BCWS><BCWP>0.00</BCWP>"
            f"<ACWP>0.00</ACWP>" + (f"<ActualStart>{_day(start)}T08:00:00</ActualStart>" if done else "")
            + (f"<ActualFinish>{_day(finish)}T17:00:00</ActualFinish>" if done == 100 else "")
            + f"<Baseline><Number>0</Number><Start>{_day(start)}T08:00:00</Start><Finish>{_day(finish)}T17:00:00</Finish>"
            f"<Duration>PT{days * 8}H0M0S</Duration><Work>PT{days * 8}H0M0S</Work><Cost>{cost * 100:.0f}</Cost></Baseline></Task>")
        if not summary and not milestone:
            assignments.append((uid, rnd.randrange(1, 21), days * 8, days * 8 * done / 100, rnd.choice(CONTOURS),
                                start, finish))
            cursor = _workday(start, rnd.randrange(0, 3))
    out.append("</Tasks><Resources>")
    out += [f"<Resource><UID>{r}</UID><ID>{r}</ID><Name>Person {seed % 50}-{r}</Name><Type>1</Type><Group>Engineer</Group>"
            f"<MaxUnits>1.00</MaxUnits><StandardRate>{60 + r}</StandardRate><CalendarUID>1</CalendarUID></Resource>"
            for r in range(1, 21)]
    out.append("</Resources><Assignments>")
    out += [f"<Assignment><UID>{k}</UID><TaskUID>{t}</TaskUID><ResourceUID>{r}</ResourceUID><Start>{_day(s)}T08:00:00</Start>"
            f"<Finish>{_day(f)}T17:00:00</Finish><Work>PT{w}H0M0S</Work><ActualWork>PT{a:.0f}H0M0S</ActualWork>"
            f"<RemainingWork>PT{w - round(a)}H0M0S</RemainingWork><WorkContour>{c}</WorkContour><Units>1</Units></Assignment>"
            for k, (t, r, w, a, c, s, f) in enumerate(assignments, start=1)]
    out.append("</Assignments></Project>\n")
    return "".join(out)


def prepare(files: int, tasks: int) -> tuple[Path, Path]:
    portfolio = portfolio_workbook(files)
    folder = FOLDER / f"schedules-{files}x{tasks}"
    if (folder / ".complete").exists():
        return portfolio, folder
    print(f"  generating {files} schedules of {tasks} tasks under {folder} (once)…", flush=True)
    folder.mkdir(parents=True, exist_ok=True)
    ids = sorted(read_portfolio(portfolio).projects)[:files]
    for k, project in enumerate(ids):
        (folder / f"{project} schedule.xml").write_text(schedule_xml(project, tasks, k), encoding="utf-8")
    (folder / ".complete").touch()
    return portfolio, folder


def _parsed(path: Path) -> int:
    """One file parsed to a tree in a worker; only a count travels back."""
    from lxml import etree

    return len(etree.fromstring(path.read_bytes()))


def floor_import(files: list[Path], portfolio: Path, cells: dict, out: Path, jobs: int) -> None:
    """Every schedule parsed (in `jobs` workers), the portfolio read, OUT's cells written."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max(1, jobs)) as pool:
        parsing = pool.map(_parsed, files, chunksize=max(1, len(files) // (8 * max(1, jobs))))
        read_every_sheet(portfolio)
        list(parsing)
    write_cells(cells, out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], epilog="Floors and targets: see benchmarks/README.md.")
    parser.add_argument("--runs", type=int, default=3, help="runs of the stage breakdown (default 3)")
    parser.add_argument("--floor-runs", type=int, default=MIN_RUNS, help=f"interleaved rounds against the floor (at least {MIN_RUNS}; 0: none)")
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--tasks", type=int, default=500)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    portfolio, folder = prepare(args.files, args.tasks)
    files = sorted(folder.glob("*.xml"))
    size = sum(p.stat().st_size for p in files)
    print(f"import {args.files} schedules x {args.tasks} tasks ({size / 2**20:.0f} MB) into {portfolio.name}, "
          f"{args.jobs} jobs, load average {os.getloadavg()[0]:.1f}")
    out = FOLDER / "out.xlsx"
    if args.floor_runs:
        import_schedules([folder], portfolio, out, jobs=args.jobs)
        cells = report_cells(out)
        compare("import", f"{len(files)} schedules x {args.tasks} tasks",
                "lxml parse of every file + calamine read of the portfolio + XlsxWriter writing OUT's cells",
                lambda: import_schedules([folder], portfolio, out, jobs=args.jobs),
                lambda: floor_import(files, portfolio, cells, FOLDER / "floor.xlsx", args.jobs), args.floor_runs)
    times, cpus, stages = [], [], []
    for _ in range(args.runs):
        started, cpu = time.perf_counter(), cpu_with_children()
        result = import_schedules([folder], portfolio, out, jobs=args.jobs)
        times.append(time.perf_counter() - started)
        cpus.append(cpu_with_children() - cpu)
        stages.append(result.timings)
    statuses = {str(s): sum(1 for f in result.files if f.status == s) for s in {f.status for f in result.files}}
    median = {stage: statistics.median(s[stage] for s in stages) for stage in stages[0]}
    print(f"  files: {statuses}")
    for stage, value in median.items():
        print(f"  {stage:<28} median {value:7.3f} s")
    # With the 2 cores to itself: while the workers read, this process reads and indexes the
    # portfolio and merges what they hand over, on the same cores (that phase takes at least its
    # CPU time over the cores, and at least this process's own); the rest runs one after the
    # other in this process. From CPU times, so it does not depend on what else the machine is
    # doing; an estimate, labelled as one.
    beside = median["read portfolio (cpu)"] + median["index portfolio (cpu)"] + median["merge while reading (cpu)"]
    reading = max(beside, (median["read+map (cpu, all files)"] + beside) / max(1, args.jobs))
    critical = reading + median["merge (cpu)"] + median["write (cpu)"]
    show_totals("whole import", times, critical, cpus, TARGET_SECONDS)


if __name__ == "__main__":
    main()
