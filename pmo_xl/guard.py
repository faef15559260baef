"""The crash guard: a bug in one part of a run becomes an `internal-error` issue, not a crash.

Used at every place a run can lose one part and go on — one register's parsing, one check, one
computation. With `strict` (the tests, through `RunOptions`) the error is raised instead, so a
bug fails a test rather than hiding in an issue.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from pmo_xl.issues import Issue, Severity, Stage

T = TypeVar("T")
F = TypeVar("F")


def guarded(function: Callable[[], T], *, strict: bool, on_error: Callable[[Exception], F]) -> T | F:
    """`function()`, or `on_error(error)` when it raises (re-raised when `strict`)."""
    try:
        return function()
    except Exception as error:
        if strict:
            raise
        return on_error(error)


def internal_error(stage: Stage, sheet: str, value: object, message: str) -> Issue:
    """The issue a caught bug becomes: a warning on `sheet` ("(all)" for the whole run)."""
    return Issue(code="internal-error", severity=Severity.WARNING, sheet=sheet, row=None, column=None, field=None,
                 value=value, message=message, stage=stage)
