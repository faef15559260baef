"""`collect_updates`: read a folder of PM updates, validate each, merge the good ones, report.

The one use case behind `pmo-xl collect` and the *Collect updates* button: no printing, progress
through an optional callback, problems in the files as data in the result, exceptions only when
the portfolio cannot be read or OUT cannot be written.

Stages: scan the folder (every path not read listed with its reason, byte-identical files counted
once) → read each file and check it against the template (in up to `jobs` child processes under
per-file CPU-time and memory limits, so no file can stop the run or cost another: collect/isolate.py;
they start at once, while this process reads the portfolio) → check it against the portfolio
(the shared checks of `pmo_xl/checks` on each update as a one-project portfolio, run over all
updates together: collect/checking.py; risk ownership: here) → resolve duplicates, newer and conflicting
submissions → merge → late updates → feedback files → write
OUT atomically (a new standard workbook; the input is replaced only when asked, after a
byte-for-byte backup copy).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from pmo_xl.collect.feedback import feedback_path, needs_feedback, write_feedback
from pmo_xl.collect.isolate import IsolatedReading, can_isolate, read_one
from pmo_xl.collect.merge import Merger
from pmo_xl.collect.model import (
    MERGED_STATUSES,
    CollectionResult,
    FileResult,
    LateUpdate,
    Limits,
    MergeCounts,
    Status,
    Submission,
)
from pmo_xl.collect.output import write_collected
from pmo_xl.collect.portfolio import PortfolioRows, build_context, read_portfolio
from pmo_xl.collect.read import issue
from pmo_xl.collect.resolve import resolve_submissions
from pmo_xl.collect.scan import not_a_folder_message, scan_folder, shown_name
from pmo_xl.collect.validate import Parsed, assemble_all
from pmo_xl.errors import OutputError
from pmo_xl.io.atomic import atomic_path
from pmo_xl.io.read_workbook import WorkbookReadError
from pmo_xl.issues import Severity
from pmo_xl.schema.registers import ACTIVE_STATUSES

Progress = Callable[[str, int, int], None]  # (stage, done, total)


def collect_updates(
    folder: str | os.PathLike[str],
    portfolio_path: str | os.PathLike[str],
    out: str | os.PathLike[str] | None = None,
    *,
    replace: bool = False,
    feedback_dir: str | os.PathLike[str] | None = None,
    write_feedback_files: bool = True,
    jobs: int = 2,
    period: dt.date | None = None,
    limits: Limits | None = None,
    progress: Progress | None = None,
) -> CollectionResult:
    """Collect every update in `folder` into the portfolio at `portfolio_path`; write OUT; return what happened.

    OUT defaults to `<portfolio>-collected-YYYY-MM.xlsx` beside the portfolio; with `replace` the
    portfolio itself is replaced (a `.before-collect-<time>` copy is kept). Raises WorkbookReadError
    when the folder or portfolio cannot be read, OutputError when OUT cannot be written.
    """
    limits = limits or Limits()
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    folder, portfolio_path = Path(folder), Path(portfolio_path)
    if (why := not_a_folder_message(folder)) is not None:
        raise WorkbookReadError(why)
    if replace and portfolio_path.suffix.lower() != ".xlsx":
        raise OutputError(f"{portfolio_path}: --replace would turn this {portfolio_path.suffix} into a plain .xlsx and lose "
                          "what it holds (macros, buttons); write to another file with -o instead")
    if out is not None and Path(out).resolve() == portfolio_path.resolve() and not replace:
        raise OutputError(f"{out}: OUT would overwrite the portfolio; pass replace=True (--replace) to do that")
    excluded = {portfolio_path.resolve(), *([Path(out).resolve()] if out else [])}
    skipped, candidates = scan_folder(folder, excluded, Path(feedback_dir).resolve() if feedback_dir else None)
    results: dict[str, FileResult] = {s.name: FileResult(s.path, s.name, Status.SKIPPED, note=s.reason) for s in skipped}
    unique, known = _hash(folder, candidates, limits)
    results.update({f.name: f for f in known})
    timings["scan"] = time.perf_counter() - clock

    # The readers start on the files at once; meanwhile this process reads the portfolio, which
    # only the last, cheap part of validation (references against the portfolio) needs.
    reading = _Reading(unique, limits, jobs)
    try:
        clock, cpu_clock = time.perf_counter(), time.process_time()
        portfolio = read_portfolio(portfolio_path)
        context = build_context(portfolio, _month(period))
        timings["read portfolio"] = time.perf_counter() - clock
        timings["read portfolio (cpu)"] = time.process_time() - cpu_clock
        parsed = reading.results(progress)
    finally:
        reading.close()
    timings["read+validate (wall)"] = time.perf_counter() - reading.started
    clock = time.perf_counter()
    submissions = assemble_all(parsed, context)
    timings["read (cpu, all files)"] = sum(p.read.seconds for p in parsed)
    timings["validate (cpu, all files)"] = sum(p.seconds for p in parsed) + time.perf_counter() - clock

    clock, cpu_clock = time.perf_counter(), time.process_time()
    winners = resolve_submissions(submissions)
    merger = Merger(portfolio)
    merged: dict[int, MergeCounts] = {}
    for submission in winners:
        before = len(submission.issues)
        merged[id(submission)] = merger.apply(submission)
        if len(submission.issues) > before and submission.status == Status.ACCEPTED:
            submission.status = Status.PARTLY
    rows = merger.finish()
    chosen = _month(period) or context.period or max((s.period for s in winners if s.period), default=None)
    late = _late_updates(portfolio, merger, submissions, chosen)
    timings["merge"] = time.perf_counter() - clock
    timings["merge (cpu)"] = time.process_time() - cpu_clock

    target = Path(out) if out else (portfolio_path if replace else _default_out(portfolio_path, chosen))
    feedback_root = Path(feedback_dir) if feedback_dir else target.parent / "feedback"
    for submission in submissions:
        result = _file_result(submission, merged.get(id(submission)), portfolio)
        results[result.name] = result
    clock, cpu_clock = time.perf_counter(), time.process_time()
    if write_feedback_files:
        _write_feedback_files(submissions, results, feedback_root)
    timings["feedback"] = time.perf_counter() - clock
    timings["feedback (cpu)"] = time.process_time() - cpu_clock

    result = CollectionResult(out=target, period=chosen, files=sorted(results.values(), key=lambda f: f.name),
                              late=late, not_carried=portfolio.not_carried, feedback_dir=feedback_root, timings=timings)
    clock, cpu_clock = time.perf_counter(), time.process_time()
    if target.resolve() == portfolio_path.resolve():
        if not replace:
            raise OutputError(f"{target}: OUT would overwrite the portfolio; pass replace=True (--replace) to do that")
        result.backup = _backup(portfolio_path)
    with atomic_path(target) as temporary:
        write_collected(temporary, portfolio, rows, result)
    timings["write"] = time.perf_counter() - clock
    timings["write (cpu)"] = time.process_time() - cpu_clock
    return result


def _month(day: dt.date | None) -> dt.date | None:
    return None if day is None else dt.date(day.year, day.month, 1)


def _default_out(portfolio_path: Path, period: dt.date | None) -> Path:
    label = f"{period:%Y-%m}" if period else "undated"
    return portfolio_path.with_name(f"{portfolio_path.stem}-collected-{label}.xlsx")


def _backup(path: Path) -> Path:
    """A byte-for-byte copy of the input before it is replaced (never a re-save)."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    backup = path.with_name(f"{path.stem}.before-collect-{stamp}{path.suffix}")
    shutil.copy2(path, backup)
    return backup


def _hash(folder: Path, paths: list[Path], limits: Limits) -> tuple[list[tuple[str, str, int, float, str]], list[FileResult]]:
    """Byte-identical files are one submission: the first (by name) is read, the others listed once.

    Returns the files to read and the results already known (duplicates, files that cannot be opened).
    """
    unique: list[tuple[str, str, int, float, str]] = []
    seen: dict[str, str] = {}
    duplicates: list[FileResult] = []
    for path in paths:
        name = shown_name(path.relative_to(folder).as_posix())
        try:
            stat = path.stat()
            if stat.st_size > limits.max_bytes:  # refused by its reader; not worth reading here
                unique.append((str(path), name, stat.st_size, stat.st_mtime, ""))
                continue
            with open(path, "rb") as handle:
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
        except OSError as error:  # locked by another program, no permission: this file only
            found = issue("unreadable", Severity.ERROR, "(file)", None, None, None, None,
                          f"The file cannot be opened ({error.strerror or error}); is it open in another program?")
            duplicates.append(FileResult(path, name, Status.REJECTED, [found]))
            continue
        if digest in seen:
            duplicates.append(FileResult(path, name, Status.DUPLICATE, note=f"byte-identical to {seen[digest]}; counted once"))
            continue
        seen[digest] = name
        unique.append((str(path), name, stat.st_size, stat.st_mtime, digest))
    return unique, duplicates


class _Reading:
    """Reading and template checks of the update files: in child processes under per-file limits
    (collect/isolate.py), or in this process where processes cannot be forked."""

    def __init__(self, items: list[tuple[str, str, int, float, str]], limits: Limits, jobs: int) -> None:
        self.started = time.perf_counter()
        self.items, self.limits = items, limits
        self.isolated = IsolatedReading(items, limits, jobs) if can_isolate() and items else None

    def results(self, progress: Progress | None) -> list[Parsed]:
        """Every file's result, in folder order (waits for the readers)."""
        if self.isolated is not None:
            return self.isolated.results(progress)
        out: list[Parsed] = []
        for item in self.items:
            out.append(read_one(item, self.limits))
            if progress:
                progress("reading updates", len(out), len(self.items))
        return out

    def close(self) -> None:
        if self.isolated is not None:
            self.isolated.close()


def _late_updates(portfolio: PortfolioRows, merger: Merger, submissions: list[Submission],
                  period: dt.date | None) -> list[LateUpdate]:
    """Active projects with no progress for `period` after the merge, with what was received for them."""
    if period is None:
        return []
    received: dict[str, list[Submission]] = {}
    for submission in submissions:
        if submission.project_id and submission.period == period:
            received.setdefault(str(submission.project_id), []).append(submission)
    late = []
    for project_id, info in portfolio.projects.items():
        if info.status not in ACTIVE_STATUSES or merger.has_progress(project_id, period):
            continue
        got = received.get(project_id, [])
        note = ("no update received" if not got else
                "; ".join(f"{s.read.name} {s.status}" + (f" ({s.note})" if s.note else "") for s in got))
        late.append(LateUpdate(project_id, info.name, info.manager, note))
    return late


def _file_result(submission: Submission, counts: MergeCounts | None, portfolio: PortfolioRows) -> FileResult:
    read = submission.read
    manager = submission.header.get("manager")
    if manager is None and submission.project_id:
        manager = _portfolio_manager(portfolio, str(submission.project_id))
    return FileResult(Path(read.path), read.name, submission.status, submission.issues, submission.project_id,
                      submission.period, manager, submission.submitted,  # type: ignore[arg-type]
                      counts if counts is not None and submission.status in MERGED_STATUSES else MergeCounts(),
                      submission.note)


def _portfolio_manager(portfolio: PortfolioRows, project_id: str) -> str | None:
    """The PM the portfolio names for a project (feedback goes to them when the update names nobody)."""
    info = portfolio.projects.get(project_id)
    return None if info is None else info.manager


def _write_feedback_files(submissions: list[Submission], results: dict[str, FileResult], root: Path) -> None:
    taken: set[Path] = set()
    for submission in sorted(submissions, key=lambda s: s.read.name):
        if not needs_feedback(submission):
            continue
        result = results[submission.read.name]
        path = feedback_path(root, submission, result.manager, taken)
        result.feedback = write_feedback(path, submission)
