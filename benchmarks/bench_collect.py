"""Collection benchmark: 500 PM updates collected, validated and merged, with medians per stage.

Run on demand: `python benchmarks/bench_collect.py [--runs N] [--updates N] [--allocations-per-project N]`.

Generated once and cached under benchmarks/out/collect/ (gitignored):
  - a sample portfolio with 500 running (Active / On hold) projects among ~850
    (`generate_sample(projects=850, allocations_per_project=20)`: ~15k allocations, ~7k progress
    rows, ~2k risks, ~5k milestones);
  - 500 update files from the real 5-sheet template, one per running project for the status
    month (`pmo_xl.collect.samples.build_sample_update`), every 20th with the usual mistakes
    (so ~25 partly accepted files get a feedback copy).

Each run is the whole use case, `collect_updates(folder, portfolio)` with 2 worker processes:
read the portfolio, scan and hash the folder, read + validate every update in the workers,
resolve, merge, write the feedback copies, write OUT. Target: under 10 s per run on this 2-core
machine. "read" and "validate" run interleaved in the workers: their wall time is shown
together, and each one's CPU time summed over all files on its own. Stages of the main process
show wall and CPU time: on a machine busy with other work, wall times grow and CPU times do not.

The floor (`floor_collect`), timed interleaved with `collect_updates`: the fastest reader here
reading every sheet of every update file (in the same number of worker processes) and of the
portfolio, plus XlsxWriter writing the cells of the OUT workbook pmo-xl wrote (its values only).
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _common import MIN_RUNS, OUT, compare, cpu_with_children, show_totals  # noqa: E402
from _floors import fastest_reader, read_every_sheet, report_cells, write_cells  # noqa: E402

from pmo_xl.collect import collect_updates  # noqa: E402
from pmo_xl.collect.samples import _with_mistakes, build_sample_update  # noqa: E402
from pmo_xl.collect.template import write_update_template  # noqa: E402
from pmo_xl.sample import Sample, generate_sample, write_sample_workbook  # noqa: E402
from pmo_xl.schema.registers import PROJECTS  # noqa: E402

FOLDER = OUT / "collect"
STATUS = PROJECTS.fields.index("status")
TARGET_SECONDS = 10.0
STAGES = ("scan", "read portfolio", "read portfolio (cpu)", "read+validate (wall)", "read (cpu, all files)",
          "validate (cpu, all files)", "merge", "merge (cpu)", "feedback", "feedback (cpu)", "write", "write (cpu)")


def _per_project(sample: Sample) -> dict[str, Sample]:
    """One small Sample per project, so building each update does not scan the whole portfolio."""
    grouped: dict[str, dict[str, list[list[object]]]] = {}
    for name, rows in sample.data.items():
        if name in ("Resources", "Baseline"):  # not used by an update
            continue
        for row in rows:
            pid = str(row[1] if name == "Risks" else row[0])
            grouped.setdefault(pid, {n: [] for n in sample.data})[name].append(row)
    return {pid: Sample(data=data, settings=sample.settings, status_date=sample.status_date) for pid, data in grouped.items()}


def prepare(updates: int, allocations_per_project: int) -> tuple[Path, Path]:
    """The cached portfolio and folder of updates (generated on the first run only)."""
    label = f"{updates}-a{allocations_per_project}"
    portfolio = FOLDER / f"portfolio-{label}.xlsx"
    box = FOLDER / f"updates-{label}"
    if portfolio.exists() and (box / ".complete").exists():
        return portfolio, box
    print(f"  generating the portfolio and {updates} updates under {FOLDER} (once)…", flush=True)
    started = time.perf_counter()
    shutil.rmtree(box, ignore_errors=True)
    box.mkdir(parents=True)
    projects = updates * 17 // 10
    while True:  # enough projects that `updates` of them are running
        sample = generate_sample(projects=projects, allocations_per_project=allocations_per_project, seed=7)
        running = [r for r in sample.data["Projects"] if r[STATUS] in ("Active", "On hold")]
        if len(running) >= updates:
            break
        projects += updates // 10
    write_sample_workbook(portfolio, sample)
    period = sample.status_date.replace(day=1)
    small = _per_project(sample)
    last_risk = max(int(str(r[0]).split("-")[1]) for r in sample.data["Risks"])
    for k, row in enumerate(running[:updates]):
        pid = str(row[0])
        data = build_sample_update(small[pid], pid, period, dt.date(2026, 11, 3) + dt.timedelta(days=k % 5))
        data.risks[-1]["risk_id"] = f"R-{last_risk + 1 + k:05d}"  # the new risk: an ID unique in the portfolio
        if k % 20 == 7:
            data = _with_mistakes(data)
        write_update_template(box / f"{pid}-{period:%Y-%m}.xlsx", prefill=data)
    (box / ".complete").write_text("ok\n")
    print(f"  generated in {time.perf_counter() - started:.1f} s", flush=True)
    return portfolio, box


def _sheets_read(path: Path, reader: str) -> int:
    """Read every sheet of one file in a worker; only a count travels back."""
    sheets = read_every_sheet(path, reader)
    return sheets if isinstance(sheets, int) else len(sheets)


def floor_collect(files: list[Path], portfolio: Path, cells: dict, out: Path, jobs: int, reader: str) -> None:
    """Every update file read (in `jobs` workers), the portfolio read, OUT's cells written."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max(1, jobs)) as pool:
        list(pool.map(_sheets_read, files, [reader] * len(files), chunksize=max(1, len(files) // (8 * max(1, jobs)))))
    read_every_sheet(portfolio, reader)
    write_cells(cells, out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], epilog="Floors and targets: see benchmarks/README.md.")
    parser.add_argument("--runs", type=int, default=3, help="runs of the stage breakdown (default 3)")
    parser.add_argument("--floor-runs", type=int, default=MIN_RUNS, help=f"interleaved rounds against the floor (at least {MIN_RUNS})")
    parser.add_argument("--updates", type=int, default=500)
    parser.add_argument("--allocations-per-project", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    portfolio, box = prepare(args.updates, args.allocations_per_project)
    n_files = sum(1 for p in box.glob("*.xlsx"))
    print(f"collect: {n_files} update files ({sum(p.stat().st_size for p in box.glob('*.xlsx')) / 1e6:.1f} MB) into "
          f"{portfolio.name} ({portfolio.stat().st_size / 1e6:.1f} MB), jobs={args.jobs}")
    against = FOLDER / "against-floor"
    shutil.rmtree(against, ignore_errors=True)
    against.mkdir()

    def pmo() -> object:
        return collect_updates(box, portfolio, against / "collected.xlsx", feedback_dir=against / "feedback", jobs=args.jobs)

    pmo()
    cells = report_cells(against / "collected.xlsx")
    files = sorted(box.glob("*.xlsx"))
    reader = fastest_reader(files[0])
    compare("collect", f"{len(files)} update files", f"{reader} read of every sheet of every file + XlsxWriter writing OUT's cells",
            pmo, lambda: floor_collect(files, portfolio, cells, against / "floor.xlsx", args.jobs, reader), args.floor_runs)
    totals: list[float] = []
    cpus: list[float] = []
    stages: dict[str, list[float]] = {s: [] for s in STAGES}
    result = None
    for run in range(args.runs):
        out = FOLDER / f"run-{run}"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        started, cpu = time.perf_counter(), cpu_with_children()
        result = collect_updates(box, portfolio, out / "collected.xlsx", feedback_dir=out / "feedback", jobs=args.jobs)
        totals.append(time.perf_counter() - started)
        cpus.append(cpu_with_children() - cpu)
        for stage in STAGES:
            stages[stage].append(result.timings.get(stage, 0.0))
    assert result is not None
    counts = {str(s): len(result.by_status(s)) for s in type(result.files[0].status)}
    print("  outcome: " + ", ".join(f"{n} {s}" for s, n in counts.items() if n) + f"; {len(result.late)} late; "
          f"{sum(1 for f in result.files if f.feedback)} feedback copies")
    for stage in STAGES:
        print(f"  {stage:<28} median {statistics.median(stages[stage]):7.3f} s")
    median = {stage: statistics.median(stages[stage]) for stage in STAGES}
    # What the run would take with the 2 cores to itself: the portfolio read overlaps the workers'
    # reading, the rest runs one after the other in this process. From CPU times, so it does not
    # depend on what else the machine is doing; an estimate, labelled as one.
    workers = (median["read (cpu, all files)"] + median["validate (cpu, all files)"]) / max(1, args.jobs)
    critical = (median["scan"] + max(median["read portfolio (cpu)"], workers) + median["merge (cpu)"]
                + median["feedback (cpu)"] + median["write (cpu)"])
    show_totals("total (collect_updates)", totals, critical, cpus, TARGET_SECONDS)


if __name__ == "__main__":
    main()
