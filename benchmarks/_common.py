"""Shared benchmark helpers: cached generated portfolios and median timing."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"


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
