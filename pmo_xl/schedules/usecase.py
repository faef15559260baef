"""`import_schedules`: read schedule files, map them to register rows, merge, write a new workbook.

The one use case behind `pmo-xl import` (and the *Import schedule* button): no printing, problems
as data in the result, exceptions only when the portfolio cannot be read or OUT not written.
Stages: list the files (folders searched recursively; other files skipped with a reason) →
read and map each (in worker processes above PARALLEL_FROM files, like collect) → give each
schedule its project ID → newest status date wins among schedules of one project → merge →
write OUT atomically (the input portfolio is replaced only when asked, after a byte copy).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from pmo_xl.collect.model import FileResult, Status
from pmo_xl.collect.portfolio import PortfolioRows, read_portfolio
from pmo_xl.errors import OutputError
from pmo_xl.gc_pause import without_cycle_collection
from pmo_xl.io.atomic import atomic_path
from pmo_xl.issues import Severity
from pmo_xl.schedules.mapping import Mapped, map_schedule
from pmo_xl.schedules.merge import ImportCounts, ScheduleMerger
from pmo_xl.schedules.output import write_imported
from pmo_xl.schedules.read import SUFFIXES, read_schedule
from pmo_xl.schedules.values import problem
from pmo_xl.schema.columns import normalise_header
from pmo_xl.schema.settings import ScheduleProjectId

PARALLEL_FROM = 20  # below this, starting worker processes costs more than it saves
BATCH = 4  # files per worker task: small, so neither worker idles long at the end
Progress = Callable[[str, int, int], None]


@dataclass
class ImportResult:
    out: Path
    files: list[FileResult]
    not_carried: list[str]
    backup: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def all_merged(self) -> bool:
        return not any(f.status in (Status.PARTLY, Status.REJECTED, Status.HELD_BACK) for f in self.files)


@dataclass
class _Read:
    """One schedule of one file after reading and mapping (built in a worker), or a file that failed."""

    path: str
    name: str
    mapped: Mapped | None = None
    error: str = ""
    seconds: float = 0.0  # CPU time of reading and mapping (the file's first project carries it)


@without_cycle_collection
def import_schedules(
    inputs: Iterable[str | os.PathLike[str]],
    portfolio_path: str | os.PathLike[str],
    out: str | os.PathLike[str] | None = None,
    *,
    replace: bool = False,
    project_id: str | None = None,
    jobs: int = 2,
    tolerance: float | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import every schedule in `inputs` (files or folders) into the portfolio; write OUT; say what happened.

    How a schedule finds its Project ID and how far its baseline cost may differ from the
    register BAC are the portfolio's Settings ('Schedule project ID from', 'Schedule BAC
    tolerance'); `project_id` and `tolerance` override them.
    """
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    portfolio_path = Path(portfolio_path)
    if replace and portfolio_path.suffix.lower() != ".xlsx":
        raise OutputError(f"{portfolio_path}: --replace would turn this {portfolio_path.suffix} into a plain .xlsx and "
                          "lose what it holds (macros, buttons); write to another file with -o instead")
    if out is not None and Path(out).resolve() == portfolio_path.resolve() and not replace:
        raise OutputError(f"{out}: OUT would overwrite the portfolio; pass --replace to do that")
    files, skipped = _list(inputs, {portfolio_path.resolve(), *([Path(out).resolve()] if out else [])})
    if project_id is not None and len(files) != 1:
        raise OutputError(f"--project-id names one project: give exactly one schedule file, not {len(files)}")
    # The workers start on the files at once; meanwhile this process reads the portfolio, indexes
    # its rows and merges the schedules as they come in.
    reading = _Reading(files, jobs)
    try:
        started, cpu_clock = time.perf_counter(), time.process_time()
        portfolio = read_portfolio(portfolio_path)
        timings["read portfolio"] = time.perf_counter() - started
        timings["read portfolio (cpu)"] = time.process_time() - cpu_clock
        cpu_clock = time.process_time()
        merging = _Merging(portfolio_path, portfolio, tolerance, project_id)
        timings["index portfolio (cpu)"] = time.process_time() - cpu_clock
        reads = reading.results(progress, merging.add)
    finally:
        reading.close()
    timings["read+map (wall)"] = time.perf_counter() - clock
    timings["read+map (cpu, all files)"] = sum(r.seconds for r in reads)
    timings["merge while reading (cpu)"] = merging.seconds

    clock, cpu_clock = time.perf_counter(), time.process_time()
    results = list(skipped)
    mapped = [r for r in reads if r.mapped is not None]
    if project_id is not None and len(mapped) > 1:
        raise OutputError(f"--project-id names one project, but {files[0]} holds {len(mapped)} projects")
    for read in reads:
        if read.mapped is None:
            found = problem("unreadable-schedule", Severity.ERROR, "(file)", None, None, f"Not imported: {read.error}")
            results.append(FileResult(Path(read.path), read.name, Status.REJECTED, [found], note=read.error))
    merged, rows = merging.finish(mapped)
    results += merged
    portfolio = merging.portfolio
    timings["merge"] = time.perf_counter() - clock
    timings["merge (cpu)"] = time.process_time() - cpu_clock

    target = Path(out) if out else (portfolio_path if replace else _default_out(portfolio_path))
    result = ImportResult(target, sorted(results, key=lambda f: f.name), portfolio.not_carried, timings=timings)
    clock, cpu_clock = time.perf_counter(), time.process_time()
    if target.resolve() == portfolio_path.resolve():
        result.backup = _backup(portfolio_path)
    with atomic_path(target) as temporary:
        write_imported(temporary, portfolio, rows, result)
    timings["write"] = time.perf_counter() - clock
    timings["write (cpu)"] = time.process_time() - cpu_clock
    return result


class _Merging:
    """The merge of the schedules into the portfolio's rows, as much of it as can run while the
    workers still read.

    The rules (`_newest`): per project the schedule with the latest status date wins, and the
    winners are merged in the order of their names. Schedules handed over in that order, each
    of a project not seen before, are merged at once (`add`): when all are read, that was the
    merge the rules ask for. One that breaks this (a second schedule of a project, one out of
    order) stops the early merge, and `finish` merges them all again from a fresh read of the
    portfolio.
    """

    def __init__(self, portfolio_path: Path, portfolio: PortfolioRows, tolerance: float | None,
                 project_id: str | None) -> None:
        self.portfolio_path, self.tolerance, self.project_id = portfolio_path, tolerance, project_id
        self._start(portfolio)
        self.early = True
        self.merged: list[tuple[_Read, ImportCounts, int]] = []  # merged early: read, counts, its issues before
        self.seen: set[str] = set()
        self.seconds = 0.0  # CPU time of the early merge

    def _start(self, portfolio: PortfolioRows) -> None:
        self.portfolio = portfolio
        settings = portfolio.typed_settings
        self.merger = ScheduleMerger(portfolio, self.tolerance if self.tolerance is not None else settings.schedule_bac_tolerance)
        self.projects = _Projects(portfolio, settings.schedule_project_id)

    def add(self, reads: list[_Read]) -> None:
        """Schedules just read: give each its project ID, and merge it while the early merge holds."""
        started = time.process_time()
        for read in reads:
            if read.mapped is None:
                continue
            chosen, how = (self.project_id, "given") if self.project_id else self.projects.of(read.mapped, read.path)
            read.mapped.rename(chosen)
            read.mapped.id_from = how
            if self.early and (chosen in self.seen or (self.merged and read.name <= self.merged[-1][0].name)):
                self.early = False
            if self.early:
                self.seen.add(chosen)
                before = len(read.mapped.issues)  # the merge adds issues (conflicts, new resources): undone with it
                self.merged.append((read, self.merger.apply_schedule(read.mapped), before))
        self.seconds += time.process_time() - started

    def finish(self, mapped: list[_Read]) -> tuple[list[FileResult], dict[str, list[list[object]]]]:
        """Once all are read: the results of the merged and of the superseded or held back, and the merged rows."""
        if self.early and len(self.merged) == len(mapped):
            return [_file_result(read, counts) for read, counts, _ in self.merged], self.merger.finish()
        for read, _, before in self.merged:
            assert read.mapped is not None
            del read.mapped.issues[before:]
        self._start(read_portfolio(self.portfolio_path))
        winners, results = _newest(mapped)
        for read in sorted(winners, key=lambda r: r.name):
            assert read.mapped is not None
            results.append(_file_result(read, self.merger.apply_schedule(read.mapped)))
        return results, self.merger.finish()


def read_and_map(path: str, name: str) -> list[_Read]:
    """The workers' job for one file: read it, map each of its projects under a provisional ID."""
    started = time.process_time()  # CPU time: comparable whatever else the machine is doing
    found = read_schedule(path, name)
    if found.error:
        return [_Read(path, name, error=found.error, seconds=time.process_time() - started)]
    out = []
    for schedule in found.schedules:
        label = name if len(found.schedules) == 1 else f"{name} [{schedule.code or schedule.name}]"
        mapped = map_schedule(schedule, schedule.code or Path(path).stem)
        mapped.issues[:0] = found.issues if schedule is found.schedules[0] else []
        # the rows are mapped: only the project's own fields travel on (sending a worker's 500
        # tasks back to the main process cost ~20 ms a file, a fifth of reading it)
        mapped.schedule = replace(schedule, tasks=[], resources=[], assignments=[])
        out.append(_Read(path, label, mapped))
    out[0].seconds = time.process_time() - started
    return out


def _read_batch(batch: list[tuple[str, str]]) -> list[_Read]:
    return [r for path, name in batch for r in read_and_map(path, name)]


@without_cycle_collection
def _read_batch_in_worker(batch: list[tuple[str, str]]) -> list[_Read]:
    """A worker's task (without the cycle collector: ~4 % of a worker's time)."""
    return _read_batch(batch)


class _Reading:
    """Schedules read and mapped in worker processes above PARALLEL_FROM files (started at once,
    so the caller can do other work meanwhile), else, or when no worker can run, in this process."""

    def __init__(self, files: list[tuple[str, str]], jobs: int) -> None:
        self.total = len(files)
        self.batches = [files[k:k + BATCH] for k in range(0, len(files), BATCH)]
        self.pool: ProcessPoolExecutor | None = None
        self.pending: list[Future[list[_Read]]] = []
        if len(files) > PARALLEL_FROM and jobs > 1:
            try:
                self.pool = ProcessPoolExecutor(max_workers=jobs)
                self.pending = [self.pool.submit(_read_batch_in_worker, batch) for batch in self.batches]
            except (OSError, RuntimeError):  # no worker processes here
                self.close()

    def results(self, progress: Progress | None, each: Callable[[list[_Read]], None]) -> list[_Read]:
        """Every file's schedules, in the order of the files; `each` is given them batch by batch as they come."""
        out: list[_Read] = []
        if self.pool is not None:
            for future in self.pending:
                try:
                    batch = future.result()
                except (OSError, RuntimeError):  # a worker died: read in this process
                    out = []
                    break
                out += batch
                each(batch)
                if progress:
                    progress("reading schedules", min(len(out), self.total), self.total)
            else:
                return out
        for files in self.batches:
            batch = _read_batch(files)
            out += batch
            each(batch)
            if progress:
                progress("reading schedules", min(len(out), self.total), self.total)
        return out

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def _list(inputs: Iterable[str | os.PathLike[str]], excluded: set[Path]) -> tuple[list[tuple[str, str]], list[FileResult]]:
    """(path, name shown) of every schedule file; everything else skipped with a reason."""
    files: list[tuple[str, str]] = []
    skipped: list[FileResult] = []
    for given in inputs:
        path = Path(given)
        if not path.exists():
            raise FileNotFoundError(2, "no such file or folder", str(path))
        found = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in found:
            name = file.relative_to(path).as_posix() if path.is_dir() else file.name
            if file.resolve() in excluded or file.name.startswith("."):
                continue
            if path.is_dir() and file.suffix.lower() not in SUFFIXES:
                skipped.append(FileResult(file, name, Status.SKIPPED, note=f"not a schedule ({file.suffix or 'no extension'}); "
                                                                           "only .xml and .xer files are read"))
                continue
            files.append((str(file), name))
    return files, skipped


_ID_START = re.compile(r"[\s_\-–—.]|$")


class _Projects:
    """The register project a schedule belongs to, and how it was found (see CONTRACT.md).

    `rule` (Settings 'Schedule project ID from'): MATCH tries the project code, the title, the
    start of the file name and the project name, in that order; the others use only one of them.
    A schedule that matches no Project ID is a new project, named by its code, title or file name.
    The register's IDs and names are indexed once for all schedules.
    """

    def __init__(self, portfolio: PortfolioRows, rule: ScheduleProjectId = ScheduleProjectId.MATCH) -> None:
        self.rule = rule
        self.by_id = {normalise_header(p): p for p in portfolio.projects}
        # the longest ID that fits wins
        self.longest_first = [(p, p.casefold()) for p in sorted(portfolio.projects, key=lambda p: (-len(p), p))]
        self.by_name = {normalise_header(info.name): p for p, info in portfolio.projects.items() if info.name}

    def of(self, mapped: Mapped, path: str) -> tuple[str, str]:
        rule, schedule, by_id = self.rule, mapped.schedule, self.by_id
        stem = Path(path).stem
        folded = stem.casefold()
        for label, value in (("project code", schedule.code), ("project title", schedule.title)):
            if rule in (ScheduleProjectId.MATCH, _RULE_OF[label]) and value and normalise_header(value) in by_id:
                return by_id[normalise_header(value)], f"{label} matches a Project ID"
        if rule in (ScheduleProjectId.MATCH, ScheduleProjectId.FILE_NAME):
            for project, project_folded in self.longest_first:
                if folded.startswith(project_folded) and _ID_START.match(stem[len(project):]):
                    return project, "file name starts with a Project ID"
        if rule == ScheduleProjectId.MATCH and normalise_header(schedule.name) in self.by_name:
            return self.by_name[normalise_header(schedule.name)], "project name matches the register"
        if rule == ScheduleProjectId.TITLE and schedule.title:
            return schedule.title.strip()[:40], "new project: project title"
        if rule != ScheduleProjectId.FILE_NAME and schedule.code:
            return schedule.code, "new project: P6 project ID"
        return stem.strip()[:40], "new project: file name"


_RULE_OF = {"project code": ScheduleProjectId.CODE, "project title": ScheduleProjectId.TITLE}


def _newest(reads: list[_Read]) -> tuple[list[_Read], list[FileResult]]:
    """Per project, the schedule with the latest status date; the others superseded (or held back on a tie)."""
    by_project: dict[str, list[_Read]] = {}
    for read in reads:
        assert read.mapped is not None
        by_project.setdefault(read.mapped.project_id, []).append(read)
    winners: list[_Read] = []
    losers: list[FileResult] = []
    for project, group in by_project.items():
        group.sort(key=lambda r: r.mapped.schedule.status_date or dt.date.min)  # type: ignore[union-attr]
        newest = group[-1].mapped.schedule.status_date  # type: ignore[union-attr]
        tied = [r for r in group if r.mapped.schedule.status_date == newest]  # type: ignore[union-attr]
        if len(tied) > 1:
            names = ", ".join(r.name for r in tied)
            losers += [FileResult(Path(r.path), r.name, Status.HELD_BACK, r.mapped.issues, project,  # type: ignore[union-attr]
                                  note=f"{names} are schedules of {project} with the same status date; none merged — "
                                       "keep one") for r in tied]
        else:
            winners.append(group[-1])
        for r in group:
            if r not in tied:
                losers.append(FileResult(Path(r.path), r.name, Status.SUPERSEDED, r.mapped.issues, project,  # type: ignore[union-attr]
                                         note=f"an older status date than {group[-1].name}"))
    return winners, losers


def _file_result(read: _Read, counts: ImportCounts) -> FileResult:
    mapped = read.mapped
    assert mapped is not None
    errors = any(i.severity == Severity.ERROR for i in mapped.issues)
    status = mapped.schedule.status_date
    return FileResult(Path(read.path), read.name, Status.PARTLY if errors else Status.ACCEPTED, mapped.issues,
                      mapped.project_id, None if status is None else status.replace(day=1), mapped.schedule.manager or None,
                      status, counts, f"{mapped.schedule.format}; ID: {mapped.id_from}")


def _default_out(portfolio_path: Path) -> Path:
    return portfolio_path.with_name(f"{portfolio_path.stem}-imported.xlsx")


def _backup(path: Path) -> Path:
    """A byte-for-byte copy of the portfolio before it is replaced (never a re-save)."""
    backup = path.with_name(f"{path.stem}.before-import-{dt.datetime.now():%Y%m%d-%H%M%S}{path.suffix}")
    shutil.copy2(path, backup)
    return backup
