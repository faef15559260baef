"""Parse the Settings sheet into a typed `Settings`, falling back to defaults with an issue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pmo_xl.issues import Issue, Severity, column_letter
from pmo_xl.model import ROW, Settings, resolve_status_date, resolve_status_period
from pmo_xl.parse.ahp import parse_ahp
from pmo_xl.parse.cells import choice_key, convert_column
from pmo_xl.parse.register import parse_register, show_value
from pmo_xl.raw import RawTable
from pmo_xl.schema.columns import Column, Kind, normalise_header
from pmo_xl.schema.settings import (
    AHP_TABLE_NAME,
    BUDGETS,
    CHOICE_ENUMS,
    CRITERIA,
    HOLIDAYS,
    SCALAR_SETTINGS,
    SCENARIOS,
    SETTINGS_BY_KEY,
    SETTINGS_TABLE,
    THRESHOLDS,
    WeightSource,
)

SETTINGS_SHEET = "Settings"


@dataclass
class ParsedSettings:
    """Settings with their issues and where each settings table's fields sit (column letters)."""

    settings: Settings
    issues: list[Issue]
    layout: dict[str, dict[str, str]] = field(default_factory=dict)  # table name -> field -> letter


def parse_settings(tables: dict[str, RawTable]) -> tuple[Settings, list[Issue]]:
    """Typed settings (defaults where a value is blank or wrong) and the issues found."""
    parsed = parse_settings_tables(tables)
    return parsed.settings, parsed.issues


def parse_settings_tables(tables: dict[str, RawTable]) -> ParsedSettings:
    """Like `parse_settings`, also telling where the settings tables' columns are."""
    issues: list[Issue] = []
    layout: dict[str, dict[str, str]] = {}
    values = _scalar_values(tables.get(SETTINGS_TABLE.name), issues, layout)
    frames = {}
    for register in (CRITERIA, HOLIDAYS, THRESHOLDS, BUDGETS):
        parsed = parse_register(tables.get(register.name), register)
        issues.extend(i for i in parsed.issues if not (i.code == "missing-register" and register is not CRITERIA))
        frames[register.name] = parsed.frame
        layout[register.name] = parsed.layout
        if register is CRITERIA and tables.get(register.name) is not None:
            frames[register.name] = unique_criteria(parsed.frame, tables[register.name].sheet, parsed.layout.get("criterion"), issues)
    # Scenarios: a cell of an optional column that cannot be read is blanked with a warning and the
    # row stays, so the scenario checks can say which parameter is missing and leave the scenario out.
    scenarios = parse_register(tables.get(SCENARIOS.name), SCENARIOS, keep_rows=True)
    issues.extend(scenarios.issues)
    frames[SCENARIOS.name] = scenarios.frame
    layout[SCENARIOS.name] = scenarios.layout
    ahp, ahp_issues = parse_ahp(tables.get("AHP"), frames["Criteria"], used=values.get("weights_from") == WeightSource.AHP)
    issues.extend(ahp_issues)
    settings = Settings(
        **values,
        criteria=frames["Criteria"],
        ahp=ahp,
        holidays=frames["Holidays"],
        thresholds=frames["Thresholds"],
        budgets=frames["Budgets"],
        scenarios=frames["Scenarios"],
    )
    return ParsedSettings(settings, issues, layout)


def _scalar_values(raw: RawTable | None, issues: list[Issue], layout: dict[str, dict[str, str]]) -> dict[str, object]:
    values: dict[str, object] = {}
    if raw is None:
        issues.append(Issue(code="missing-register", severity=Severity.WARNING, sheet=SETTINGS_SHEET, row=None, column=None, field=None, value=SETTINGS_TABLE.table,
                            message="No Settings table found — defaults are used for every setting"))
        return values
    by_label = {normalise_header(s.label): s for s in SCALAR_SETTINGS}
    by_label.update({normalise_header(s.key): s for s in SCALAR_SETTINGS})
    headers = [normalise_header(h) for h in raw.headers]
    key_pos = headers.index("setting") if "setting" in headers else 0
    value_pos = headers.index("value") if "value" in headers else 1
    letter = column_letter(raw.first_column + value_pos)
    layout[SETTINGS_TABLE.name] = {"setting": column_letter(raw.first_column + key_pos), "value": letter}
    rows: dict[str, int] = {}
    typed_in: dict[str, int] = {}  # setting key -> the row where it is first typed
    key_letter = column_letter(raw.first_column + key_pos)
    formulas = getattr(raw, "uncalculated", {}) or {}
    for index, (row, number) in enumerate(zip(raw.rows, raw.row_numbers, strict=True)):
        label = row[key_pos] if key_pos < len(row) else ""
        setting = by_label.get(normalise_header(label))
        if setting is None:
            if str(label).strip():
                issues.append(Issue(code="unknown-setting", severity=Severity.INFO, sheet=raw.sheet, row=number, column=key_letter,
                                    field="Setting", value=label, message=f"{label!r} is not a setting pmo-xl knows; it is ignored"))
            continue
        if setting.key in typed_in:  # compared as Excel compares names: case and spacing do not matter
            issues.append(Issue(code="duplicate-key", severity=Severity.ERROR, sheet=raw.sheet, row=number, column=key_letter, field="Setting", value=label,
                                message=f"{setting.label!r} is already set in row {typed_in[setting.key]}; this row is ignored — "
                                "delete one of them"))
            continue
        typed_in[setting.key] = number
        cell = row[value_pos] if value_pos < len(row) else ""
        column = Column(setting.key, setting.label, setting.kind, setting.meaning, allowed=setting.allowed,
                        minimum=setting.minimum, maximum=setting.maximum)
        uncalculated = {0: formulas[(index, value_pos)]} if (index, value_pos) in formulas else None
        converted = convert_column(pd.Series([cell], dtype=object), column, uncalculated, date1904=getattr(raw, "date1904", False))
        bad = [p for p in converted.problems if p.severity == Severity.ERROR]
        for problem in converted.problems:
            issues.append(Issue(code=problem.code, severity=problem.severity, sheet=raw.sheet, row=number, column=letter, field=setting.label, value=cell,
                                message=problem.message.replace("{value}", show_value(cell)) + ("; the default is used" if problem in bad else "")))
        value = converted.values.iloc[0]
        if bad or value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
            continue
        values[setting.key] = _typed(setting.key, setting.kind, value)
        rows[setting.key] = number
    _check_utilisation_bands(values, rows, raw.sheet, letter, issues)
    return values


def unique_criteria(frame: pd.DataFrame, sheet: str, letter: str | None, issues: list[Issue]) -> pd.DataFrame:
    """Criteria as Excel tells names apart (case and spacing do not matter): a repeat is an error at its
    row and left out, so no two criteria (nor their score columns) collide; a near-repeat (differing
    only by hyphens or underscores) is a warning."""
    seen: dict[str, tuple[str, int]] = {}
    near: dict[str, tuple[str, int]] = {}
    keep = np.ones(len(frame), dtype=bool)
    for index, (name, row) in enumerate(zip(frame["criterion"].tolist(), frame[ROW].tolist(), strict=True)):
        if not isinstance(name, str):
            continue
        key, loose = normalise_header(name), choice_key(name)
        if key in seen:
            first, first_row = seen[key]
            issues.append(Issue(code="duplicate-key", severity=Severity.ERROR, sheet=sheet, row=int(row), column=letter, field="Criterion", value=name,
                                message=f"Criterion {name!r} is the criterion {first!r} of row {first_row} again (Excel compares names "
                                "ignoring case and spaces); this row is ignored — rename or delete one"))
            keep[index] = False
            continue
        if loose in near:
            first, first_row = near[loose]
            issues.append(Issue(code="near-duplicate", severity=Severity.WARNING, sheet=sheet, row=int(row), column=letter, field="Criterion", value=name,
                                message=f"Criterion {name!r} differs from {first!r} (row {first_row}) only by hyphens, underscores or "
                                "spaces — if they are one criterion, delete one; if not, name them more differently"))
        seen[key] = (name, int(row))
        near.setdefault(loose, (name, int(row)))
    return frame if keep.all() else frame.loc[keep].reset_index(drop=True)


def _check_utilisation_bands(values: dict[str, object], rows: dict[str, int], sheet: str, letter: str, issues: list[Issue]) -> None:
    """Under-use must be below over-allocation, or every resource is both; defaults are used then."""
    low = values.get("underuse_threshold", SETTINGS_BY_KEY["underuse_threshold"].default)
    high = values.get("overload_threshold", SETTINGS_BY_KEY["overload_threshold"].default)
    if low < high:  # type: ignore[operator]
        return
    key = "underuse_threshold" if "underuse_threshold" in rows else "overload_threshold"
    issues.append(Issue(code="thresholds-out-of-order", severity=Severity.ERROR, sheet=sheet, row=rows.get(key), column=letter, field=SETTINGS_BY_KEY[key].label, value=values.get(key),
                        message=f"Under-use below {low:.0%} is not below Over-allocation above {high:.0%} — correct one; the defaults are used"))
    values.pop("underuse_threshold", None)
    values.pop("overload_threshold", None)


def _typed(key: str, kind: Kind, value: object) -> object:
    if kind == Kind.DATE:
        return pd.Timestamp(value).date()
    if kind == Kind.INTEGER:
        return int(value)  # type: ignore[arg-type]
    if key == "include_proposed":
        return value == "Yes"
    if kind in (Kind.NUMBER, Kind.MONEY, Kind.HOURS, Kind.PERCENT):
        return float(value)  # type: ignore[arg-type]
    if key in CHOICE_ENUMS:  # the canonical allowed text, as its enum member
        return CHOICE_ENUMS[key](value)
    return value


def status_period(settings: Settings, progress: pd.DataFrame) -> pd.Timestamp | None:
    """The reporting month of settings and progress not (yet) in a portfolio; a portfolio has
    it resolved once, as `Portfolio.period`."""
    return resolve_status_period(settings, progress)


def status_date(settings: Settings, progress: pd.DataFrame) -> dt.date | None:
    """As `status_period`, the day: a portfolio has it as `Portfolio.status_date`."""
    return resolve_status_date(settings, resolve_status_period(settings, progress))


__all__ = ["parse_settings", "parse_settings_tables", "status_period", "status_date", "choice_key", "AHP_TABLE_NAME"]
