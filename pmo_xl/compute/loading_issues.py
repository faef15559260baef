"""Issues raised by the loading computation, pointed at the cell the user should look at."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from pmo_xl.issues import Issue, Severity, column_letter
from pmo_xl.schema.columns import Register
from pmo_xl.schema.registers import ALLOCATIONS, RESOURCES

STAGE = "loading"


def _issue(
    register: Register, code: str, severity: Severity, row: object, field: str, value: object, message: str
) -> Issue:
    column = register.column(field)
    excel_row = None if row is None or (isinstance(row, float) and math.isnan(row)) else int(row)  # type: ignore[arg-type]
    return Issue(
        code=code,
        severity=severity,
        sheet=register.sheet_name,
        row=excel_row,
        column=column_letter(register.fields.index(field) + 1),
        field=column.header,
        value=None if isinstance(value, float) and math.isnan(value) else value,
        message=message,
        stage=STAGE,
    )


def allocation_issue(
    code: str, severity: Severity, row: object, field: str, value: object, message: str
) -> Issue:
    """An issue on a cell of the Allocations sheet (`row` is the Excel row, `field` the column)."""
    return _issue(ALLOCATIONS, code, severity, row, field, value, message)


def resource_issue(
    code: str, severity: Severity, row: object, field: str, value: object, message: str
) -> Issue:
    """An issue on a cell of the Resources sheet."""
    return _issue(RESOURCES, code, severity, row, field, value, message)


def _cells(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A column's values as objects (the cell values quoted in issues); None when absent."""
    if name in frame.columns:
        return frame[name].to_numpy(dtype=object)
    return np.full(len(frame), None, dtype=object)


def allocation_issues(
    frame: pd.DataFrame,
    reasons: np.ndarray,
    effort: np.ndarray,
    fte: np.ndarray,
    resource_id: np.ndarray,
    profile: np.ndarray,
) -> list[Issue]:
    """One issue per allocation whose hours cannot be placed, and per unknown profile."""
    issues: list[Issue] = []
    rows = _cells(frame, "_row")
    roles = _cells(frame, "role")
    starts = _cells(frame, "start")
    profiles = _cells(frame, "profile")
    for j in np.flatnonzero(reasons != ""):
        hours = f"{effort[j]:,.1f} h"
        reason = reasons[j]
        if reason == "unknown-resource":
            issues.append(
                allocation_issue(
                    reason,
                    Severity.ERROR,
                    rows[j],
                    "resource_id",
                    resource_id[j],
                    f"Resource '{resource_id[j]}' is not in Resources; its {hours} are not counted.",
                )
            )
        elif reason == "no-resource-or-role":
            issues.append(
                allocation_issue(
                    reason,
                    Severity.ERROR,
                    rows[j],
                    "role",
                    roles[j],
                    f"Give a resource or a role; the {hours} are not counted.",
                )
            )
        elif reason == "missing-dates":
            issues.append(
                allocation_issue(
                    reason,
                    Severity.ERROR,
                    rows[j],
                    "start",
                    starts[j],
                    f"Start and finish dates are needed to spread the effort; {hours} not counted.",
                )
            )
        else:
            what = (
                "the FTE gives no hours"
                if np.isnan(effort[j]) or (effort[j] == 0 and fte[j] > 0)
                else f"{hours} cannot be placed"
            )
            issues.append(
                allocation_issue(
                    reason,
                    Severity.WARNING,
                    rows[j],
                    "start",
                    starts[j],
                    f"No working day between start and finish (weekends and holidays only); {what}.",
                )
            )
    for j in np.flatnonzero(profile < 0):
        issues.append(
            allocation_issue(
                "unknown-profile",
                Severity.WARNING,
                rows[j],
                "profile",
                profiles[j],
                f"Unknown profile '{profiles[j]}'; the effort is spread flat.",
            )
        )
    return issues


def overdue_issues(
    frame: pd.DataFrame,
    overdue: np.ndarray,
    effort: np.ndarray,
    actual: np.ndarray,
    status: np.datetime64 | None,
) -> list[Issue]:
    rows = _cells(frame, "_row")
    finishes = _cells(frame, "finish")
    issues = []
    for j in overdue:
        left = effort[j] - actual[j]
        issues.append(
            allocation_issue(
                "allocation-overdue",
                Severity.WARNING,
                rows[j],
                "finish",
                finishes[j],
                f"Finish is before the status date {status} but {left:,.1f} h of {effort[j]:,.1f} h remain; "
                "they are loaded after the status date at the planned pace. Update the finish date.",
            )
        )
    return issues
