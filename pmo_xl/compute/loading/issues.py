"""Issues raised by the loading computation, pointed at the cell the user should look at."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from pmo_xl.issues import Issue, Severity, Stage, column_letter
from pmo_xl.schema.columns import Register
from pmo_xl.schema.registers import ALLOCATIONS, RESOURCES

STAGE = Stage.LOADING


# (register name, field) -> (column letter in the template layout, header): looked up once.
_WHERE = {
    (register.name, column.field): (column_letter(position + 1), column.header)
    for register in (ALLOCATIONS, RESOURCES)
    for position, column in enumerate(register.columns)
}


def _issue(
    register: Register, code: str, severity: Severity, row: object, field: str, value: object, message: str
) -> Issue:
    letter, header = _WHERE[register.name, field]
    return Issue(
        code=code,
        severity=severity,
        sheet=register.sheet_name,
        row=_excel_row(row),
        column=letter,
        field=header,
        value=_quoted(value),
        message=message,
        stage=STAGE,
    )


def _excel_row(row: object) -> int | None:
    return None if row is None or (isinstance(row, float) and math.isnan(row)) else int(row)  # type: ignore[arg-type]


def _quoted(value: object) -> object:
    """A cell's value as an issue quotes it: a blank number (NaN) as None."""
    return None if isinstance(value, float) and math.isnan(value) else value


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


def _cells(frame: pd.DataFrame, name: str, positions: np.ndarray) -> list[object]:
    """The values of one column at some row positions, as quoted in issues; dates as dates.

    Gathers the few rows needed from the column's array: nothing per row of the register.
    """
    if name not in frame.columns:
        return [None] * len(positions)
    values = frame[name].to_numpy()[positions]
    if np.issubdtype(values.dtype, np.datetime64):
        return values.astype("datetime64[D]").astype(object).tolist()  # datetime.date, NaT as None
    return values.tolist()


UNPLACED_REASONS = ("", "unknown-resource", "no-resource-or-role", "missing-dates", "no-working-days")
# reason -> (severity, the column to point at, message); {hours} is filled in per row.
_UNPLACED = {
    "unknown-resource": (Severity.ERROR, "resource_id", "Resource '{value}' is not in Resources; its {hours} are not counted."),
    "no-resource-or-role": (Severity.ERROR, "role", "Give a resource or a role; the {hours} are not counted."),
    "missing-dates": (Severity.ERROR, "start", "Start and finish dates are needed to spread the effort; {hours} not counted."),
    "no-working-days": (Severity.WARNING, "start", "No working day between start and finish (weekends and holidays only); {hours} cannot be placed."),
}  # fmt: skip


def allocation_issues(
    frame: pd.DataFrame, positions: np.ndarray, reasons: np.ndarray, effort: np.ndarray, profile: np.ndarray
) -> list[Issue]:
    """One issue per allocation whose hours cannot be placed, and per unknown profile.

    `positions[i]` is the frame row of allocation i; `reasons[i]` indexes UNPLACED_REASONS.
    """
    issues: list[Issue] = []
    for code, reason in enumerate(UNPLACED_REASONS[1:], start=1):
        at = np.flatnonzero(reasons == code)
        severity, field, text = _UNPLACED[reason]
        where = positions[at]
        for row, value, hours in zip(
            _cells(frame, "_row", where), _cells(frame, field, where), effort[at], strict=True
        ):
            message = text.format(value=value, hours=f"{hours:,.1f} h")
            issues.append(allocation_issue(reason, severity, row, field, value, message))
    where = positions[np.flatnonzero(profile < 0)]
    for row, value in zip(_cells(frame, "_row", where), _cells(frame, "profile", where), strict=True):
        issues.append(allocation_issue("unknown-profile", Severity.WARNING, row, "profile", value,
                                       f"Unknown profile '{value}'; the effort is spread flat."))  # fmt: skip
    return sorted(issues, key=lambda i: i.row or 0)


def overdue_issues(
    frame: pd.DataFrame,
    positions: np.ndarray,
    overdue: np.ndarray,
    effort: np.ndarray,
    actual: np.ndarray,
    status: np.datetime64 | None,
) -> list[Issue]:
    """A warning per allocation whose finish has passed with hours left (they were re-spread).

    There can be tens of thousands (19,381 of bench_loading's 1 M allocations): the loop builds
    only what varies by row, the message; the cell's sheet, column and header are looked up once,
    the hours taken out of numpy once, and the issues made by `Issue.at_rows` (a quarter of the
    time of as many `Issue(...)` calls).
    """
    where = positions[overdue]
    rows = [_excel_row(row) for row in _cells(frame, "_row", where)]
    finishes = [_quoted(finish) for finish in _cells(frame, "finish", where)]
    planned = effort[overdue]
    remaining = (planned - actual[overdue]).tolist()
    letter, header = _WHERE[ALLOCATIONS.name, "finish"]
    on = str(status)
    messages = [
        f"Finish is before the status date {on} but {left:,.1f} h of {hours:,.1f} h remain; they are "
        "loaded after the status date at the planned pace. Update the finish date."
        for left, hours in zip(remaining, planned.tolist(), strict=True)
    ]
    return Issue.at_rows(rows, finishes, messages, code="allocation-overdue", severity=Severity.WARNING,
                         sheet=ALLOCATIONS.sheet_name, column=letter, field=header, stage=STAGE)  # fmt: skip
