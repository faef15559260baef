"""Shared helpers for checks: locating a field's cell, making issues per row, dropping rows."""

from __future__ import annotations

import dataclasses
import datetime as dt
import string
from collections.abc import Iterable

import numpy as np
import pandas as pd

from pmo_xl.checks.column_codes import Numbered
from pmo_xl.issues import Issue, Severity, Stage, column_letter
from pmo_xl.model import ROW, Portfolio
from pmo_xl.schema.columns import Register
from pmo_xl.schema.registers import REGISTERS_BY_NAME

_FORMATTER = string.Formatter()


def letter_of(register: Register, field_name: str, portfolio: Portfolio | None = None) -> str | None:
    """Column letter of a field as laid out in the workbook read (template order otherwise)."""
    if portfolio is not None:
        layout = portfolio.layout.get(register.name, {})
        if field_name in layout:
            return layout[field_name]
    if field_name in register.fields:
        return column_letter(register.fields.index(field_name) + 1)
    return None


def header_of(register: Register, field_name: str) -> str:
    """The header text of a field, as the user sees it (score columns: their own header)."""
    if field_name in register.fields:
        return register.column(field_name).header
    if field_name.startswith("score:"):
        return "Score: " + field_name.split(":", 1)[1]
    return field_name


def issues_at(
    frame: pd.DataFrame, mask: np.ndarray | pd.Series, register: Register, field_name: str, code: str,
    severity: Severity, message: str, portfolio: Portfolio | None = None, stage: Stage = Stage.CHECK,
) -> list[Issue]:
    """One issue per masked row, at the row's cell of `field_name`.

    `message` may use {value} (the cell's value) and any column of `frame` as {name}; only the
    columns the message names are formatted, so a check flagging many rows stays cheap.
    """
    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        return []
    letter = letter_of(register, field_name, portfolio)
    header = header_of(register, field_name)
    at = np.flatnonzero(mask)  # the flagged rows, taken from the columns used (not the whole frame)

    def cells(name: str) -> list[object]:
        return frame[name].take(at).tolist()

    names = {name for _, name, _, _ in _FORMATTER.parse(message) if name and name != "value"}
    columns = {name: [show(v) for v in cells(name)] for name in names}
    values = cells(field_name) if field_name in frame.columns else [None] * len(at)
    found = []
    for index, (number, value) in enumerate(zip(cells(ROW), values, strict=True)):
        shown = {name: texts[index] for name, texts in columns.items()}
        found.append(Issue(code=code, severity=severity, sheet=register.sheet_name, row=int(number), column=letter, field=header, value=plain(value),
                           message=message.format(value=show(value), **shown), stage=stage))
    return found


def repeated_keys(frame: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """The rows whose key, every part of it typed, is already in an earlier row (the first keeps it)."""
    if len(keys) == 1:  # one column: its own missing test, not a frame of one column's (~4x the work)
        column = frame[keys[0]]
        return (column.notna() & column.duplicated(keep="first")).to_numpy()
    return (frame[keys].notna().all(axis=1) & frame.duplicated(subset=keys, keep="first")).to_numpy()


def plain(value: object) -> object:
    """A frame value as an issue carries it: dates as `datetime.date`, NaN/NaT as None."""
    if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value


def show(value: object) -> str:
    """A value as written in a message: dates ISO, money with thousands separators."""
    if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return "blank"
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


def month_text(value: object) -> str:
    """A period as the user types it: 2026-10."""
    return pd.Timestamp(value).strftime("%Y-%m")  # type: ignore[arg-type]


def months(dates: pd.Series, mask: np.ndarray | pd.Series | None = None) -> pd.Series:
    """Periods as text (2026-10), formatted only where `mask` is set (the rows reported on)."""
    if mask is None:
        return dates.dt.strftime("%Y-%m")
    result = pd.Series(None, index=dates.index, dtype=object)
    mask = np.asarray(mask, dtype=bool)
    result[mask] = dates[mask].dt.strftime("%Y-%m")
    return result


def first_by(frame: pd.DataFrame, key: str, column: str) -> pd.Series:
    """`column` of the first row per `key` (a lookup that survives duplicated keys)."""
    unique = frame.dropna(subset=[key]).drop_duplicates(subset=[key], keep="first")
    return unique.set_index(key)[column]


def lookup(keys: pd.Series, frame: pd.DataFrame, key: str, column: str) -> pd.Series:
    """For each of `keys`, `column` of the first row of `frame` with that `key` (NaN/NaT if none).

    `reindex` rather than `Series.map`: map trips over an empty datetime lookup in pandas 3.
    """
    return _looked_up(keys, first_by(frame, key, column))


def lookups(keys: pd.Series, frame: pd.DataFrame, key: str, columns: tuple[str, ...],
            numbered: Numbered | None = None) -> list[pd.Series]:
    """`lookup` of several columns, the first row per key found once for all of them, and each key's row in
    it looked up once (what `reindex` does per column: ~60 ms a column for a million allocations).

    `numbered`: the keys as `column_codes.codes_of` numbers them; each distinct key is then looked up once."""
    unique = frame.dropna(subset=[key]).drop_duplicates(subset=[key], keep="first").set_index(key)
    if numbered is None:
        rows = unique.index.get_indexer(keys.to_numpy())  # -1: no such key
    else:
        codes, distinct = numbered
        rows = np.append(unique.index.get_indexer(distinct), -1)[codes]  # code -1 (a blank key) finds no row
    return [_taken(keys, unique[column], rows) for column in columns]


def _taken(keys: pd.Series, table: pd.Series, rows: np.ndarray) -> pd.Series:
    """`_looked_up` from the keys' rows in `table`: NaN/NaT (the type widened as `reindex` widens it) where -1."""
    values = pd.api.extensions.take(table.to_numpy(), rows, allow_fill=True)
    return pd.Series(values, index=keys.index, dtype=table.dtype)


def _looked_up(keys: pd.Series, table: pd.Series) -> pd.Series:
    return pd.Series(table.reindex(keys.to_numpy()).to_numpy(), index=keys.index, dtype=table.dtype)


def reference_date(portfolio: Portfolio) -> pd.Timestamp | None:
    """The status date as a Timestamp (Settings, or the end of the latest month with progress)."""
    day = portfolio.status_date
    return None if day is None else pd.Timestamp(day)


def reference_period(portfolio: Portfolio) -> pd.Timestamp | None:
    """The status period (first day of its month)."""
    return portfolio.period


def rows_text(rows: Iterable[int]) -> str:
    return ", ".join(str(r) for r in rows)


def without_error_rows(portfolio: Portfolio, issues: list[Issue]) -> Portfolio:
    """The portfolio with the rows that have an error left out of the registers and listed as
    rejected (a new portfolio: the one given is not changed)."""
    by_sheet: dict[str, set[int]] = {}
    for issue in issues:
        if issue.severity == Severity.ERROR and issue.row is not None:
            by_sheet.setdefault(issue.sheet, set()).add(issue.row)
    registers = dict(portfolio.registers)
    rejected = {name: list(rows) for name, rows in portfolio.rejected.items()}
    rejected_ids = {name: dict(ids) for name, ids in portfolio.rejected_ids.items()}
    for name, frame in portfolio.registers.items():
        bad = by_sheet.get(name)
        if not bad or frame.empty:
            continue
        mask = frame[ROW].isin(bad).to_numpy()
        if mask.any():
            rows = frame[ROW].to_numpy()[mask].tolist()  # the Excel rows leaving, read once
            rejected[name] = sorted(set(rejected.get(name, [])) | set(rows))
            key = _single_key(name)
            if key is not None and key in frame:  # the IDs that left, for the rows that depend on them
                ids = rejected_ids.setdefault(name, {})
                ids.update({int(r): str(k) for r, k in zip(rows, frame[key].to_numpy()[mask].tolist(), strict=True) if k})
            registers[name] = frame.loc[~mask].reset_index(drop=True)
    return dataclasses.replace(portfolio, registers=registers, rejected=rejected, rejected_ids=rejected_ids)


def _single_key(register_name: str) -> str | None:
    register = REGISTERS_BY_NAME.get(register_name)
    return register.key[0] if register is not None and len(register.key) == 1 else None
