"""Read the update files where one file's failure cannot take the others down.

Each batch of files is read in a child process that reads its files one at a time and sends each
result back as soon as it has it. The child runs under a per-file CPU-time limit (RLIMIT_CPU,
raised before each file, so a file gets `Limits.max_cpu_seconds` of its own) and a memory
limit (RLIMIT_AS: what the process already maps plus `Limits.max_memory`). When a child dies —
killed by the CPU limit, out of memory, aborted by a native library (a Rust panic ends in
SIGABRT), or stopped by the wall-clock backstop — the file it was reading is the first one it
had not sent back: that file alone is refused with the reason (`read-stopped`), and the rest of
its batch is read in a new child. Nothing a file does can stop the run or cost another file.

CPU time, not wall time, is the limit, so the outcome does not depend on how busy the machine
is; the wall-clock backstop (`Limits.max_wall_seconds`, far above the CPU limit) only catches a
reader that waits without computing. Where processes cannot be forked (Windows, a sandbox)
the files are read in this process, as before, without the limits.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait

from pmo_xl.collect.model import FileRead, Limits
from pmo_xl.collect.read import issue, read_update_file
from pmo_xl.collect.validate import Parsed, parse_reads
from pmo_xl.issues import Severity
from pmo_xl.options import default_options

Item = tuple[str, str, int, float, str]  # path, name, size, mtime, digest
Progress = Callable[[str, int, int], None]
BATCH = 25  # files per child: amortises the per-table parse cost, keeps progress moving
_POLL = 0.5  # seconds between checks of the wall-clock backstop


def read_one(item: Item, limits: Limits) -> Parsed:
    """Read one file and check it against the template (no limits: the caller sets them)."""
    # Forked readers inherit this process's default options (strict in the tests).
    return parse_reads([read_update_file(*item, limits=limits)], default_options(None).strict)[0]


def can_isolate() -> bool:
    return sys.platform.startswith("linux") and hasattr(os, "fork")


@dataclass
class _Child:
    process: multiprocessing.process.BaseProcess
    connection: Connection
    batch: list[int]  # indexes into the items, in reading order
    received: int = 0
    last_news: float = field(default_factory=time.monotonic)
    killed_by_us: bool = False


class IsolatedReading:
    """Read `items` in up to `jobs` child processes at once; `results()` waits and returns them in order."""

    def __init__(self, items: list[Item], limits: Limits, jobs: int) -> None:
        self.items = items
        self.limits = limits
        self.jobs = max(1, jobs)
        self.done: dict[int, Parsed] = {}
        self.pending: list[list[int]] = [list(range(k, min(k + BATCH, len(items)))) for k in range(0, len(items), BATCH)]
        self.children: dict[Connection, _Child] = {}
        self.context = multiprocessing.get_context("fork")
        self._start_children()  # they work while the caller reads the portfolio

    def results(self, progress: Progress | None = None) -> list[Parsed]:
        while self.children or self.pending:
            self._start_children()
            for connection in wait(list(self.children), timeout=_POLL):
                self._receive(self.children[connection])  # type: ignore[index]
            self._enforce_backstop()
            if progress:
                progress("reading updates", len(self.done), len(self.items))
        return [self.done[index] for index in range(len(self.items))]

    def close(self) -> None:
        for child in list(self.children.values()):
            child.process.kill()
            child.process.join()
            child.connection.close()
        self.children.clear()

    def _start_children(self) -> None:
        while self.pending and len(self.children) < self.jobs:
            batch = self.pending.pop(0)
            receiver, sender = self.context.Pipe(duplex=False)
            process = self.context.Process(target=_read_batch, args=(sender, [self.items[i] for i in batch], self.limits),
                                           daemon=True)
            process.start()
            sender.close()  # the child holds the only sending end: its death is EOF here
            self.children[receiver] = _Child(process, receiver, batch)

    def _receive(self, child: _Child) -> None:
        try:
            payload = child.connection.recv()
        except (EOFError, OSError):
            self._finish(child)
            return
        except Exception as error:  # noqa: BLE001 — a result that cannot be unpickled: that file only
            payload = f"its result could not be passed back ({type(error).__name__})"
        index = child.batch[child.received]
        self.done[index] = payload if isinstance(payload, Parsed) else _refused(self.items[index], str(payload))
        child.received += 1
        child.last_news = time.monotonic()

    def _finish(self, child: _Child) -> None:
        """The child ended: refuse the file it was reading, if any, and read the rest of its batch anew."""
        child.process.join()
        child.connection.close()
        del self.children[child.connection]
        if child.received >= len(child.batch):
            return
        culprit = child.batch[child.received]
        self.done[culprit] = _refused(self.items[culprit], _why(child, self.limits))
        rest = child.batch[child.received + 1:]
        if rest:
            self.pending.insert(0, rest)

    def _enforce_backstop(self) -> None:
        now = time.monotonic()
        for child in list(self.children.values()):
            if now - child.last_news > self.limits.max_wall_seconds and child.process.is_alive():
                child.killed_by_us = True
                child.process.kill()  # its pipe then reads as EOF and _finish runs


def _why(child: _Child, limits: Limits) -> str:
    code = child.process.exitcode
    if child.killed_by_us:
        return f"it was still being read after {limits.max_wall_seconds:g} s"
    if code == -signal.SIGXCPU:
        return f"reading it took more than {limits.max_cpu_seconds:g} s of processing time"
    if code == _OUT_OF_MEMORY or code == -signal.SIGKILL:
        return f"reading it needed more than {limits.max_memory / 2**30:g} GB of memory"
    if code is not None and code < 0:
        return f"the workbook reader crashed on it (signal {signal.Signals(-code).name})"
    return f"the workbook reader stopped on it (exit code {code})"


def _refused(item: Item, reason: str) -> Parsed:
    path, name, size, mtime, digest = item
    read = FileRead(path=path, name=name, size=size, mtime=mtime, digest=digest, fatal=True)
    read.issues.append(issue("read-stopped", Severity.ERROR, "(file)", None, None, None, None,
                             f"Reading this file was stopped: {reason}; the other files were read — check that it "
                             "is the filled-in update template, or ask for it again"))
    return Parsed(read)


_OUT_OF_MEMORY = 75  # the child's exit code after a MemoryError


def _read_batch(connection: Connection, items: list[Item], limits: Limits) -> None:
    """The child: read the files one by one under the limits, sending each result as it comes."""
    import faulthandler
    import resource

    # Quiet: a native crash's backtrace (a Rust panic) must not reach the user's terminal; the
    # parent says in one line which file stopped the reader and why.
    faulthandler.disable()
    with open(os.devnull, "wb") as devnull:
        os.dup2(devnull.fileno(), 2)
    _limit_memory(resource, limits.max_memory)
    for item in items:
        used = resource.getrusage(resource.RUSAGE_SELF)
        spent = used.ru_utime + used.ru_stime
        hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
        soft = int(spent + limits.max_cpu_seconds) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))
        try:
            result: object = read_one(item, limits)
        except MemoryError:
            os._exit(_OUT_OF_MEMORY)
        except Exception as error:  # noqa: BLE001 — a bug on one file: that file is refused, the batch goes on
            result = f"pmo-xl failed on it ({type(error).__name__}: {error})"
        connection.send(result)
    connection.close()


def _limit_memory(resource: object, budget: int) -> None:
    """Cap the address space at what the child maps now plus `budget` (fork shares the parent's map)."""
    with open("/proc/self/statm") as statm:
        mapped = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)  # type: ignore[attr-defined]
    wanted = mapped + budget
    if hard != resource.RLIM_INFINITY:  # type: ignore[attr-defined]
        wanted = min(wanted, hard)
    resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))  # type: ignore[attr-defined]
