"""Parse the Settings sheet into a typed `Settings`, falling back to defaults with an issue."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from pmo_xl.io.read_workbook import RawTable
from pmo_xl.issues import Issue, Severity, column_letter
from pmo_xl.model import Settings
from pmo_xl.parse.cells import choice_key, convert_column
from pmo_xl.parse.register import parse_register
from pmo_xl.schema.columns import Column, Kind, normalise_header
from pmo_xl.schema.settings import (
    AHP_TABLE_NAME,
    BUDGETS,
    CRITERIA,
    HOLIDAYS,
    SCALAR_SETTINGS,
    SETTINGS_TABLE,
    THRESHOLDS,
)

SETTINGS_SHEET = "Settings"


def parse_settings(tables: dict[str, RawTable]) -> tuple[Settings, list[Issue]]:
    issues: list[Issue] = []
    values = _scalar_values(tables.get(SETTINGS_TABLE.name), issues)
    frames = {}
    for register in (CRITERIA, HOLIDAYS, THRESHOLDS, BUDGETS):
        parsed = parse_register(tables.get(register.name), register)
        issues.extend(i for i in parsed.issues if not (i.code == "missing-register" and register is not CRITERIA))
        frames[register.name] = parsed.frame
    ahp = _ahp_matrix(tables.get("AHP"), issues)
    settings = Settings(
        **values,
        criteria=frames["Criteria"],
        ahp=ahp,
        holidays=frames["Holidays"],
        thresholds=frames["Thresholds"],
        budgets=frames["Budgets"],
    )
    return settings, issues


def _scalar_values(raw: RawTable | None, issues: list[Issue]) -> dict[str, object]:
    values: dict[str, object] = {}
    if raw is None:
        issues.append(Issue("missing-register", Severity.WARNING, SETTINGS_SHEET, None, None, None, SETTINGS_TABLE.table,
                            "No Settings table found — defaults are used for every setting"))
        return values
    by_label = {normalise_header(s.label): s for s in SCALAR_SETTINGS}
    by_label.update({normalise_header(s.key): s for s in SCALAR_SETTINGS})
    headers = [normalise_header(h) for h in raw.headers]
    key_pos = headers.index("setting") if "setting" in headers else 0
    value_pos = headers.index("value") if "value" in headers else 1
    letter = column_letter(raw.first_column + value_pos)
    for row, number in zip(raw.rows, raw.row_numbers, strict=True):
        label = row[key_pos] if key_pos < len(row) else ""
        setting = by_label.get(normalise_header(label))
        if setting is None:
            if str(label).strip():
                issues.append(Issue("unknown-setting", Severity.INFO, raw.sheet, number, column_letter(raw.first_column + key_pos),
                                    "Setting", label, f"{label!r} is not a setting pmo-xl knows; it is ignored"))
            continue
        cell = row[value_pos] if value_pos < len(row) else ""
        column = Column(setting.key, setting.label, setting.kind, setting.meaning, allowed=setting.allowed,
                        minimum=setting.minimum, maximum=setting.maximum)
        converted = convert_column(pd.Series([cell], dtype=object), column)
        bad = [p for p in converted.problems if p.severity == Severity.ERROR]
        for problem in converted.problems:
            issues.append(Issue(problem.code, problem.severity, raw.sheet, number, letter, setting.label, cell,
                                problem.message.format(value=repr(cell)) + ("; the default is used" if problem in bad else "")))
        value = converted.values.iloc[0]
        if bad or value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
            continue
        values[setting.key] = _typed(setting.key, setting.kind, value)
    return values


def _typed(key: str, kind: Kind, value: object) -> object:
    if kind == Kind.DATE:
        return pd.Timestamp(value).date()
    if kind == Kind.INTEGER:
        return int(value)  # type: ignore[arg-type]
    if key == "include_proposed":
        return value == "Yes"
    if kind in (Kind.NUMBER, Kind.MONEY, Kind.HOURS, Kind.PERCENT):
        return float(value)  # type: ignore[arg-type]
    return value


def _ahp_matrix(raw: RawTable | None, issues: list[Issue]) -> pd.DataFrame | None:
    """The pairwise matrix as a square float frame (NaN where a judgement is blank)."""
    if raw is None or not raw.rows:
        return None
    names = [str(h).strip() for h in raw.headers[1:]]
    matrix = pd.DataFrame(np.nan, index=names, columns=names)
    for row, number in zip(raw.rows, raw.row_numbers, strict=True):
        name = str(row[0]).strip()
        if name not in matrix.index:
            issues.append(Issue("ahp-unknown-criterion", Severity.ERROR, raw.sheet, number, column_letter(raw.first_column), "Criterion", name,
                                f"AHP row {name!r} does not match a column of the matrix — use the same criteria across and down"))
            continue
        for position, cell in enumerate(row[1:], start=1):
            if cell in ("", None):
                continue
            if isinstance(cell, (int, float)) and not isinstance(cell, bool) and cell > 0:
                matrix.loc[name, names[position - 1]] = float(cell)
            else:
                issues.append(Issue("ahp-bad-judgement", Severity.ERROR, raw.sheet, number, column_letter(raw.first_column + position),
                                    names[position - 1], cell, f"Judgement {cell!r} must be a positive number on Saaty's 1-9 scale (or its reciprocal)"))
    return matrix


def status_period(settings: Settings, progress: pd.DataFrame) -> pd.Timestamp | None:
    """The reporting month: the status date's month, or the latest month with progress."""
    if settings.status_date is not None:
        return pd.Timestamp(settings.status_date).to_period("M").start_time
    if progress.empty or progress["period"].isna().all():
        return None
    return pd.Timestamp(progress["period"].max())


def status_date(settings: Settings, progress: pd.DataFrame) -> dt.date | None:
    if settings.status_date is not None:
        return settings.status_date
    period = status_period(settings, progress)
    return None if period is None else (period + pd.offsets.MonthEnd(0)).date()


__all__ = ["parse_settings", "status_period", "status_date", "choice_key", "AHP_TABLE_NAME"]
