"""Shared benchmark helpers: cached generated portfolios, and pmo-xl timed against its floor.

Every benchmark compares a pmo-xl job with its *floor*: the least work its own libraries need for
the same result (see benchmarks/README.md for each floor). Both are measured in the same process
and run, interleaved (floor, pmo-xl, pmo-xl, floor, ...), so a busy machine slows both alike; the
figure to read is the ratio, the median of the per-round ratios. Results are also saved under
benchmarks/out/results/ for `speed_table.py`, which writes the README's speed table from them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
# Where each comparison's figures are saved; speed_table.py points this at its own folder.
RESULTS = Path(os.environ.get("PMO_BENCH_RESULTS", OUT / "results"))
MIN_RUNS = 5  # medians of at least five interleaved rounds


def portfolio_workbook(projects: int, seed: int = 7) -> Path:
    """A generated sample portfolio of `projects` projects, cached under benchmarks/out/."""
    from pmo_xl.sample import generate_sample, write_sample_workbook

    OUT.mkdir(exist_ok=True)
    path = OUT / f"portfolio-{projects}-seed{seed}-{_generator_version()}.xlsx"
    if not path.exists():
        print(f"  generating {path.name} (once)…", flush=True)
        sample = generate_sample(projects=projects, seed=seed)
        write_sample_workbook(path, sample)
    return path


def _generator_version() -> str:
    """A short hash of the code that makes the sample, so a changed generator is never mistaken
    for the cached file of an older one."""
    import hashlib

    import pmo_xl.io.write_template as writer
    import pmo_xl.sample as sample

    digest = hashlib.sha256()
    for module in (sample, writer):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()[:8]


def cpu_with_children() -> float:
    """CPU seconds of this process and its finished children (a worker pool ends with each run)."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def show_totals(label: str, totals: list[float], critical: float, cpus: list[float], target: float) -> None:
    """The closing lines of a use-case benchmark: wall time against its target, the critical path
    estimated from CPU times (what the run would take with the cores to itself), and all CPU."""
    total = statistics.median(totals)
    verdict = "OK" if total <= target else f"OVER target {target:g} s"
    print(f"  {label:<28} median {total:7.3f} s  (runs: {', '.join(f'{t:.2f}' for t in totals)})  {verdict}")
    print(f"  {'critical path from CPU times':<28} median {critical:7.3f} s  (estimate for an otherwise idle machine)")
    print(f"  {'CPU, all processes':<28} median {statistics.median(cpus):7.3f} s  (load average now "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: wall times grow with other work on the machine)")


def timed(function: Callable[[], object], runs: int) -> tuple[float, list[float], object]:
    """Median seconds over `runs` calls, all times, and the last result."""
    times = []
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times, result


def show(label: str, median: float, times: list[float], target: float | None = None) -> None:
    spread = f"min {min(times):.3f} max {max(times):.3f}" if len(times) > 1 else ""
    verdict = "" if target is None else ("  OK" if median <= target else f"  OVER target {target:g} s")
    print(f"  {label:<38} median {median:8.3f} s  ({len(times)} runs {spread}){verdict}")


@dataclass
class Comparison:
    """pmo-xl and its floor, timed round by round in the same run."""

    job: str  # the README row, e.g. "report"
    size: str  # what was measured, e.g. "1,000 projects"
    floor: str  # what the floor is, in a few words
    target: float | None  # the ratio to stay under (issue 20), None for none
    pmo: list[float] = field(default_factory=list)
    floors: list[float] = field(default_factory=list)
    load: tuple[float, float] = (0.0, 0.0)  # 1-minute load average before and after

    @property
    def ratio(self) -> float:
        """Median of the per-round ratios: each pair ran back to back under the same load."""
        return statistics.median(p / f for p, f in zip(self.pmo, self.floors, strict=True))

    def line(self) -> str:
        verdict = "" if self.target is None else ("  OK" if self.ratio <= self.target else f"  OVER {self.target:g}×")
        return (f"  {self.job} ({self.size}): pmo-xl {statistics.median(self.pmo):.3f} s, floor {statistics.median(self.floors):.3f} s "
                f"({self.floor}), ratio {self.ratio:.2f}×{'' if self.target is None else f' (target ≤ {self.target:g}×)'}"
                f"{verdict}  [{len(self.pmo)} rounds, load {self.load[0]:.1f}→{self.load[1]:.1f} on {os.cpu_count()} cores]")


def compare(job: str, size: str, floor_label: str, pmo: Callable[[], object], floor: Callable[[], object],
            runs: int = MIN_RUNS, target: float | None = None, warm_up: bool = True) -> Comparison:
    """Time `pmo` and `floor` alternately for `runs` rounds (which goes first alternates, so neither
    always gets the warmer cache), print the line and save it for the README."""
    runs = max(runs, MIN_RUNS)
    result = Comparison(job, size, floor_label, target, load=(os.getloadavg()[0], 0.0))
    if warm_up:  # imports, first-touch memory, disk cache: not what either is measured for
        floor()
        pmo()
    for round_ in range(runs):
        order = ((pmo, result.pmo), (floor, result.floors))
        for function, times in order if round_ % 2 else order[::-1]:
            started = time.perf_counter()
            function()
            times.append(time.perf_counter() - started)
    result.load = (result.load[0], os.getloadavg()[0])
    print(result.line(), flush=True)
    save(result)
    return result


def run_process(arguments: Sequence[str], env: dict[str, str] | None = None) -> Callable[[], None]:
    """A callable that runs a command to the end and fails loudly if it fails (a floor or a
    pmo-xl run that errors would give a meaningless time)."""

    # As installed: modules compiled once to bytecode and reused (a shell with
    # PYTHONDONTWRITEBYTECODE set would otherwise recompile pmo-xl's sources on every start).
    env = {k: v for k, v in (os.environ if env is None else env).items() if k != "PYTHONDONTWRITEBYTECODE"}

    def run() -> None:
        done = subprocess.run(list(arguments), capture_output=True, text=True, env=env)
        if done.returncode not in (0, 1):  # 1: the data has errors (a planted-mistakes sample)
            raise RuntimeError(f"{' '.join(arguments)} exited {done.returncode}: {done.stderr.strip()[-500:]}")

    return run


def pmo_xl_command() -> list[str]:
    """`pmo-xl` as installed beside this interpreter (or run as a module from a checkout)."""
    script = Path(sys.executable).with_name("pmo-xl")
    return [str(script)] if script.exists() else [sys.executable, "-m", "pmo_xl"]


def machine() -> str:
    """What the figures were measured on, for the README's label."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}"


def save(result: Comparison) -> None:
    """benchmarks/out/results/<job> <size>.json: the latest figures of one comparison."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    group = os.environ.get("PMO_BENCH_GROUP", "")  # the benchmark, when speed_table.py runs it
    record = asdict(result) | {"group": group, "ratio": result.ratio, "pmo_median": statistics.median(result.pmo),
                               "floor_median": statistics.median(result.floors), "machine": machine(),
                               "date": dt.date.today().isoformat()}
    name = "".join(c if c.isalnum() else "-" for c in f"{group}--{result.job} {result.size}").strip("-")
    (RESULTS / f"{name}.json").write_text(json.dumps(record, indent=1) + "\n")
