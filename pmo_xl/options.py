"""How a run is made: the options every stage receives, never read from the environment.

`RunOptions` is passed down from the front door (CLI, macros, tests) to each stage of
`pmo_xl.pipeline`; no module of the core looks at environment variables or global switches.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from dataclasses import dataclass

import pandas as pd


class Computation(enum.StrEnum):
    """The computations of a report (and of the one issue list)."""

    EARNED_VALUE = "earned_value"
    LOADING = "loading"
    PRIORITIES = "priorities"
    RISKS = "risks"
    MILESTONES = "milestones"
    SCENARIOS = "scenarios"  # the what-if scenarios of Settings (only when there are some)
    GOVERNANCE = "governance"  # the registers beside the plan: RAID, change requests, benefits, alignment, lessons
    # What the report compares this month against: earned value, risks and milestones again with the
    # status date one month earlier, and the trends. They keep none of their issues (this month's are
    # the list), so they decide no issue.
    PREVIOUS_MONTH = "previous_month"
    # The projects behind each over-allocated cell, named on the report's Resources sheet (the
    # loading's issues come from its demand, never from them).
    OVERALLOCATION_CAUSES = "overallocation_causes"


ALL_COMPUTATIONS: frozenset[Computation] = frozenset(Computation)
# What validation computes: everything whose issues it lists; the what-if scenarios and the
# registers beside the plan add none of their own (their rows are checked in the check stage), nor
# do the month before (its issues are not kept) and the over-allocations' causes, so `validate` and
# Validate skip them.
VALIDATION_COMPUTATIONS: frozenset[Computation] = ALL_COMPUTATIONS - {
    Computation.SCENARIOS, Computation.GOVERNANCE, Computation.PREVIOUS_MONTH, Computation.OVERALLOCATION_CAUSES}


@dataclass(frozen=True)
class RunOptions:
    """Strictness, the day the run is judged on, the reporting month and what to compute."""

    # A stage that crashes raises (the tests: a bug is a failure) instead of becoming an
    # `internal-error` issue and letting the run go on (production: the pack still comes out).
    strict: bool = False
    # The day lateness of updates is judged on; None: today (the only wall-clock input, and it
    # decides only the `late-update` notes, never a figure).
    as_of: dt.date | None = None
    # The reporting month (its first day); None: the status period of the workbook.
    period: pd.Timestamp | None = None
    # The computations to run; the rest are left out of the results (and of the issues).
    compute: frozenset[Computation] = ALL_COMPUTATIONS
    # Which projects get a printed page of their own (all, exceptions, none); None: the
    # Settings choice 'Project pages in the report'. Decides the build stage only.
    project_pages: str | None = None


# The options of a run that is given none. Production never changes it; the test suite's
# conftest makes it strict for every test (a crashing stage must fail a test).
DEFAULT_OPTIONS = RunOptions()


def default_options(options: RunOptions | None) -> RunOptions:
    """`options`, or the default options when none are given (read at call time)."""
    return options if options is not None else DEFAULT_OPTIONS


def options_with(**changes: object) -> RunOptions:
    """The default options with some changed (a front door's `--period`, say)."""
    return dataclasses.replace(DEFAULT_OPTIONS, **changes)  # type: ignore[arg-type]
