"""One computation in a forked worker process while the run goes on with the others.

The run's computations go one after the other on one core. The what-if scenarios (a loading and a
selection solve per scenario) need nothing the rest of the run computes after the loading, so on
a machine with a second core they can run beside it. The worker is a fork of this process: it
starts with every input already in memory (nothing is pickled on the way in), computes, and sends
its result back pickled through a pipe. The computations are deterministic and the fork has the
very same inputs, so the result is the one the function would have returned here.

Only where a fork is safe and can help: on Linux (macOS' frameworks and Windows have no safe
fork) with at least two CPUs this process may use. Elsewhere — or when the worker cannot be
started, or dies without an answer (killed, out of memory), or its result cannot be pickled —
the function runs here when its result is asked for, as it always did. An exception the
function raises in the worker is raised again here, so the caller's guard handles it as before.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

T = TypeVar("T")

_OK, _RAISED = "ok", "raised"


class Pending(Generic[T]):
    """A call running in a worker (or waiting to run here); calling it gives the result.

    It carries the function's name (`functools.update_wrapper`), so a guard that names the
    computation that failed names the function, not this wrapper.
    """

    def __init__(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> None:
        self._call = functools.partial(function, *args, **kwargs)
        functools.update_wrapper(self, function)
        self._worker: Any = None
        self._answer: Any = None
        if _fork_helps():
            self._start()

    def _start(self) -> None:
        started = _fork(_work, self._call)
        if started is not None:
            self._worker, self._answer = started

    def ready(self) -> bool:
        """Whether calling would not wait for the worker (its answer is there, or there is no worker)."""
        return self._worker is None or self._answer.poll()

    def __call__(self) -> T:
        message = self._collect()
        if message is not None:
            kind, value = message
            if kind == _OK:
                return value
            if kind == _RAISED:
                raise value
        return self._call()

    def __del__(self) -> None:
        """Never asked for (the run stopped on an error first): the worker is stopped, not left waiting."""
        worker, self._worker = getattr(self, "_worker", None), None
        if worker is not None:
            worker.terminate()
            worker.join()
            self._answer.close()

    def _collect(self) -> tuple[str, Any] | None:
        """The worker's message, or None when there is no worker or it gave no usable answer."""
        if self._worker is None:
            return None
        try:
            return self._answer.recv()  # waits for the worker; EOFError when it died without a word
        except Exception:  # noqa: BLE001 — no answer (died, unpicklable result): computed here instead
            return None
        finally:
            self._answer.close()
            self._worker.join()
            self._worker = None


class Answers(Generic[T]):
    """The values a generator function yields in a worker, taken one by one in their order as the
    worker sends them (each as soon as it is made: the first can be used while the worker makes the
    next). `next()` is None where there is no such value: no worker was started (no fork here),
    it died, the generator raised or its value could not be pickled — from then on, every value
    is None: the caller makes them itself. The values are never computed in this process."""

    def __init__(self, function: Callable[..., Iterator[T]], *args: Any, **kwargs: Any) -> None:
        self._worker: Any = None
        self._answer: Any = None
        if _fork_helps():
            started = _fork(_work_steps, functools.partial(function, *args, **kwargs))
            if started is not None:
                self._worker, self._answer = started

    def next(self) -> T | None:
        if self._worker is None:
            return None
        try:
            kind, value = self._answer.recv()  # waits for the worker; EOFError when it died without a word
        except Exception:  # noqa: BLE001 — no answer (died, unpicklable value)
            kind, value = "none", None
        if kind == _OK:
            return value
        self.stop()
        return None

    def ready(self) -> bool:
        """Whether `next()` would not wait: a value (or the worker's end) is there to be taken."""
        return self._worker is None or self._answer.poll()

    def stop(self) -> None:
        """No more values wanted: the worker is stopped where it is (or has ended)."""
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.terminate()
            worker.join()
            self._answer.close()

    def __del__(self) -> None:
        if getattr(self, "_worker", None) is not None:
            self.stop()


def in_background(function: Callable[..., T], *args: Any, **kwargs: Any) -> Pending[T]:
    """Start `function(*args, **kwargs)` in a worker where that helps; call the result to get its value."""
    return Pending(function, *args, **kwargs)


def forks() -> bool:
    """Whether `in_background` starts a worker here (else the call waits to run in this process)."""
    return _fork_helps()


def _fork_helps() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        return len(os.sched_getaffinity(0)) > 1
    except (AttributeError, OSError):
        return False


def _fork(target: Callable[[Callable[[], Any], Any], None], call: Callable[[], Any]) -> tuple[Any, Any] | None:
    """A forked worker running target(call, pipe end), and this process' end of the pipe; None
    where no worker could be started (a sandbox, out of processes)."""
    import multiprocessing

    try:
        context = multiprocessing.get_context("fork")
        answer, send = context.Pipe(duplex=False)
        _widen(send)
        worker = context.Process(target=target, args=(call, send), daemon=True)
        worker.start()  # flushes stdout/stderr first: the fork does not print the parent's buffers again
    except (OSError, ValueError):
        return None
    send.close()
    return worker, answer


def _widen(send: Any) -> None:
    """The pipe made to hold 1 MiB (Linux; 64 KiB by default): a worker whose answers are taken
    only later (the early charts, taken at close) goes on making them instead of waiting to send."""
    import fcntl

    try:
        fcntl.fcntl(send.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except OSError:
        pass


def _work(call: Callable[[], Any], send: Any) -> None:
    """In the worker: the call's result, or the exception it raised, sent back to the parent."""
    try:
        message: tuple[str, Any] = (_OK, call())
    except Exception as error:  # noqa: BLE001 — handed to the parent, which raises it again
        message = (_RAISED, error)
    try:
        send.send(message)
    except Exception:  # noqa: BLE001 — not picklable: the parent computes it itself
        send.send(("unusable", None))
    finally:
        send.close()


def _work_steps(call: Callable[[], Iterator[Any]], send: Any) -> None:
    """In the worker: each value the generator yields, sent as soon as it is made; the first error
    (raised, or a value that cannot be pickled) ends the answers with a word the parent ignores."""
    try:
        for value in call():
            send.send((_OK, value))
    except Exception:  # noqa: BLE001 — the parent makes the values that are left itself
        try:
            send.send(("none", None))
        except Exception:  # noqa: BLE001 — the pipe is gone: the parent sees its end
            pass
    finally:
        send.close()
