"""Python's cyclic garbage collector paused for a stage that makes many objects and no cycles.

The run's stages (an import, a report's computations, model and workbook) make millions of small
objects — rows, cells, XML fragments — that hold no reference cycles: reference counting frees
them. Running, the cyclic collector only walks those objects, and the large portfolio held
beside them, again and again as they grow (~0.3 s of a 200-schedule import's write; ~0.5–1 s of
the 1,000-project report). The few cycles made meanwhile wait for the collector's next pass.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
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
