"""Run every check; a crashing check is an `internal-error` issue, not a crash."""

from __future__ import annotations

import os
from collections.abc import Callable

from pmo_xl.checks.core import drop_error_rows
from pmo_xl.checks.registers import check_dates_in_order, check_references, check_unique_ids
from pmo_xl.issues import Issue, Severity
from pmo_xl.model import Portfolio

Check = Callable[[Portfolio], list[Issue]]

CHECKS: tuple[Check, ...] = (
    check_unique_ids,
    check_dates_in_order,
    check_references,
)


def run_checks(portfolio: Portfolio, checks: tuple[Check, ...] = CHECKS) -> list[Issue]:
    """Run the checks on the parsed registers, add their issues and drop rows with errors."""
    found: list[Issue] = []
    for check in checks:
        try:
            found.extend(check(portfolio))
        except Exception as error:
            if os.environ.get("PMO_XL_STRICT"):  # tests: a crashing check is a failure
                raise
            found.append(Issue("internal-error", Severity.WARNING, "(all)", None, None, None, check.__name__,
                               f"The check {check.__name__} failed ({type(error).__name__}: {error}); its rule was not applied", "check"))
    portfolio.issues.extend(found)
    drop_error_rows(portfolio, found)
    return found
