"""Shared helpers for checks: locating a field's cell and dropping rows with errors."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmo_xl.issues import Issue, Severity, column_letter
from pmo_xl.model import ROW, Portfolio
from pmo_xl.schema.columns import Register


def letter_of(register: Register, field_name: str, portfolio: Portfolio | None = None) -> str:
    """Column letter of a field as laid out in the workbook read (template order otherwise)."""
    if portfolio is not None:
        layout = portfolio.layout.get(register.name, {})
        if field_name in layout:
            return layout[field_name]
    return column_letter(register.fields.index(field_name) + 1)


def issues_at(
    frame: pd.DataFrame, mask: np.ndarray | pd.Series, register: Register, field_name: str, code: str,
    severity: Severity, message: str, portfolio: Portfolio | None = None, stage: str = "check",
) -> list[Issue]:
    """One issue per masked row; `message` may use {value} and any column of the frame as {name}."""
    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        return []
    letter = letter_of(register, field_name, portfolio)
    header = register.column(field_name).header if field_name in register.fields else field_name
    rows = frame.loc[mask]
    found = []
    for record in rows.to_dict("records"):
        value = record.get(field_name)
        shown = {k: _show(v) for k, v in record.items()}
        found.append(Issue(code, severity, register.sheet_name, int(record[ROW]), letter, header, _plain(value),
                           message.format(value=_show(value), **shown), stage))
    return found


def _plain(value: object) -> object:
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value


def _show(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return "blank"
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if not value.is_integer() else f"{value:,.0f}"
    return str(value)


def drop_error_rows(portfolio: Portfolio, issues: list[Issue]) -> None:
    """Leave rows that have an error out of the registers and list them as rejected."""
    by_sheet: dict[str, set[int]] = {}
    for issue in issues:
        if issue.severity == Severity.ERROR and issue.row is not None:
            by_sheet.setdefault(issue.sheet, set()).add(issue.row)
    for name, frame in portfolio.registers.items():
        bad = by_sheet.get(name)
        if not bad or frame.empty:
            continue
        mask = frame[ROW].isin(bad).to_numpy()
        if mask.any():
            portfolio.rejected.setdefault(name, [])
            portfolio.rejected[name] = sorted(set(portfolio.rejected[name]) | set(frame.loc[mask, ROW].tolist()))
            portfolio.registers[name] = frame.loc[~mask].reset_index(drop=True)
