"""Run every check; a crashing check is an `internal-error` issue, not a crash.

Each check is `check_*(portfolio) -> list[Issue]` over the parsed (clean) registers; they are
independent, so one crashing leaves the others' findings intact. After all of them, rows with
an error are left out of the registers and listed in `Portfolio.rejected`.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Callable

from pmo_xl.checks.core import drop_error_rows
from pmo_xl.checks.duplicates import (
    check_duplicate_allocations,
    check_duplicate_keys,
    check_progress_conflicts,
    check_unique_ids,
)
from pmo_xl.checks.periods import check_cumulative_progress, check_late_updates
from pmo_xl.checks.references import (
    check_allocation_windows,
    check_dependencies,
    check_milestone_windows,
    check_references,
    check_roles,
)
from pmo_xl.checks.rows import (
    check_actuals_not_in_future,
    check_dates_in_order,
    check_earned_value,
    check_effort_given,
    check_scores_on_scale,
    check_status_consistency,
)
from pmo_xl.checks.settings import check_criteria, check_thresholds
from pmo_xl.issues import Issue, Severity, Stage
from pmo_xl.model import Portfolio

Check = Callable[[Portfolio], list[Issue]]

CHECKS: tuple[Check, ...] = (
    # one row
    check_dates_in_order,
    check_actuals_not_in_future,
    check_earned_value,
    check_effort_given,
    check_status_consistency,
    check_scores_on_scale,
    # across rows
    check_unique_ids,
    check_duplicate_keys,
    check_duplicate_allocations,
    check_progress_conflicts,
    # across registers
    check_references,
    check_roles,
    check_dependencies,
    check_allocation_windows,
    check_milestone_windows,
    # across periods
    check_cumulative_progress,
    check_late_updates,
    # settings
    check_criteria,
    check_thresholds,
)


def run_checks(portfolio: Portfolio, checks: tuple[Check, ...] = CHECKS, as_of: dt.date | None = None) -> list[Issue]:
    """Run the checks on the parsed registers, add their issues and drop rows with errors.

    `as_of` is the day lateness is judged on (default: today); see `checks.periods`.
    """
    found: list[Issue] = []
    for check in checks:
        runnable = functools.partial(check_late_updates, as_of=as_of) if check is check_late_updates else check
        try:
            found.extend(runnable(portfolio))
        except Exception as error:
            if os.environ.get("PMO_XL_STRICT"):  # tests: a crashing check is a failure
                raise
            name = getattr(check, "__name__", str(check))
            found.append(Issue(code="internal-error", severity=Severity.WARNING, sheet="(all)", row=None, column=None, field=None, value=name,
                               message=f"The check {name} failed ({type(error).__name__}: {error}); its rule was not applied", stage=Stage.CHECK))
    portfolio.issues.extend(found)
    drop_error_rows(portfolio, found)
    return found
