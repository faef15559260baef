"""Run every check; a crashing check is an `internal-error` issue, not a crash.

Each check is `check_*(portfolio) -> list[Issue]` over the parsed (clean) registers; they are
independent, so one crashing leaves the others' findings intact. A *dated* check also takes the
day the run is judged on (`RunOptions.as_of`). After all of them, rows with an error are left
out of the registers and listed in `Portfolio.rejected`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from pmo_xl.checks.cascade import cascade_left_out
from pmo_xl.checks.column_codes import shared_codes
from pmo_xl.checks.core import without_error_rows
from pmo_xl.checks.duplicates import (
    check_duplicate_allocations,
    check_duplicate_keys,
    check_progress_conflicts,
    check_unique_ids,
)
from pmo_xl.checks.governance import GOVERNANCE_CHECKS
from pmo_xl.checks.history import check_history
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
from pmo_xl.checks.scenarios import check_scenarios, without_bad_scenarios
from pmo_xl.checks.settings import check_criteria, check_thresholds, thresholds_in_order
from pmo_xl.guard import guarded, internal_error
from pmo_xl.issues import Issue, Stage
from pmo_xl.model import Portfolio
from pmo_xl.options import RunOptions, default_options

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
    check_late_updates,  # dated: judged on RunOptions.as_of
    check_history,
    # the registers beside the plan (RAID, change requests, strategy, benefits, lessons)
    *GOVERNANCE_CHECKS,
    # settings
    check_criteria,
    check_thresholds,
    check_scenarios,
)


# Checks that take the day the run is judged on as a second argument.
DATED_CHECKS: frozenset[Callable[..., list[Issue]]] = frozenset({check_late_updates})


def run_checks(portfolio: Portfolio, checks: tuple[Check, ...] = CHECKS,
               options: RunOptions | None = None) -> tuple[Portfolio, list[Issue]]:
    """Run the checks on the parsed portfolio: the checked portfolio and what the checks found.

    The checked portfolio is a new one: the checks' issues added, the rows with errors left out
    (listed in `rejected`), RAG bands out of order replaced by the defaults. The parsed one is
    not changed.

    `options.as_of` is the day lateness is judged on (default: today); see `checks.periods`.
    A crashing check becomes an `internal-error` issue, or raises when `options.strict`.
    """
    with shared_codes():  # a column the checks look at is numbered once for all of them (checks/column_codes.py)
        return _run_checks(portfolio, checks, default_options(options))


def _run_checks(portfolio: Portfolio, checks: tuple[Check, ...], options: RunOptions) -> tuple[Portfolio, list[Issue]]:
    found: list[Issue] = []
    for check in checks:
        name = getattr(check, "__name__", str(check))

        def run(check: Check = check) -> list[Issue]:
            return check(portfolio, options.as_of) if check in DATED_CHECKS else check(portfolio)  # type: ignore[call-arg]

        def failed(error: Exception, name: str = name) -> list[Issue]:
            return [internal_error(Stage.CHECK, "(all)", name,
                                   f"The check {name} failed ({type(error).__name__}: {error}); its rule was not applied")]

        found.extend(guarded(run, strict=options.strict, on_error=failed))
    # A scenario with an error in any of its rows is left out whole (checks/scenarios.py).
    settings = without_bad_scenarios(portfolio, thresholds_in_order(portfolio.settings))
    checked = dataclasses.replace(portfolio, settings=settings, issues=[*portfolio.issues, *found])
    # Then the rows of a project or person just left out leave with it, each saying so.
    cascaded, left = cascade_left_out(without_error_rows(checked, found))
    return cascaded, [*found, *left]
