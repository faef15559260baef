"""Python's cyclic garbage collector paused for a stage that makes many objects and no cycles.

The run's stages (an import, a report's computations, model and workbook) make millions of small
objects — rows, cells, XML fragments — that hold no reference cycles: reference counting frees
them. Running, the cyclic collector only walks those objects, and the large portfolio held
beside them, again and again as they grow (~0.3 s of a 200-schedule import's write; ~0.5–1 s of
the 1,000-project report). The few cycles made meanwhile wait for the collector's next pass.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import sys
from collections.abc import Callable, Iterator
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def without_cycle_collection(function: Callable[P, R]) -> Callable[P, R]:
    """`function` run with the cyclic garbage collector paused; its state restored after (a
    long-lived process, the Excel button's, keeps its collector), whatever the function does."""

    @functools.wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return paused


@contextlib.contextmanager
def imports_out_of_collection() -> Iterator[None]:
    """For a command's imports: the collector paused while they run, and what they made moved out
    of its reach afterwards (`gc.freeze`), its state then restored.

    Importing pandas, numpy and the engine's modules makes ~300,000 objects (modules, classes,
    functions, constants) that live as long as the process. The collector walked them again and
    again while they were made, and would walk them again at each full collection after: ~0.05 s
    of a fresh `validate`'s ~1 s of CPU. Frozen, they are never walked (nor collected: they are
    not garbage); the objects the command makes afterwards are collected as before. Where the
    block imports nothing new, nothing is frozen: a process that runs commands one after another
    (the tests) does not keep the garbage of the earlier ones.
    """
    enabled, modules = gc.isenabled(), len(sys.modules)
    gc.disable()
    try:
        yield
    finally:
        if len(sys.modules) > modules:  # something was imported (a second run in the same process imports nothing)
            gc.freeze()
        if enabled:
            gc.enable()
