"""Checks across rows of one register: duplicate IDs and keys, the same allocation twice,
conflicting progress for one project and period."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmo_xl.checks.column_codes import codes_of
from pmo_xl.checks.core import issues_at, months, repeated_keys, show
from pmo_xl.issues import Issue, Severity
from pmo_xl.model import ROW, Portfolio
from pmo_xl.schema.columns import Register
from pmo_xl.schema.registers import ALLOCATIONS, BASELINE, MILESTONES, PROGRESS, PROJECTS, RESOURCES, RISKS

PROGRESS_FIGURES = ("pv", "ev", "pct_complete", "ac", "etc")
SPAN_LIMIT = 1 << 62  # the largest number of key combinations numbered without numbering them again


def _first_rows(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    """The Excel row of the first row with the same key, for the rows whose key repeats."""
    repeated = frame.duplicated(subset=keys, keep=False)
    first = pd.Series(pd.NA, index=frame.index, dtype="Int64")  # Excel rows: whole numbers, shown as 5356
    if repeated.any():
        subset = frame.loc[repeated]
        first[repeated] = subset.groupby(keys, dropna=False, sort=False)[ROW].transform("first")
    return first


def check_unique_ids(portfolio: Portfolio) -> list[Issue]:
    """Duplicate IDs: the first row keeps the ID, every later one is an error."""
    issues: list[Issue] = []
    for register, key in ((PROJECTS, "project_id"), (RESOURCES, "resource_id"), (RISKS, "risk_id")):
        frame = portfolio.registers[register.name]
        duplicated = repeated_keys(frame, [key])
        if duplicated.any():
            shown = frame.assign(first_row=_first_rows(frame, [key]))
            issues += issues_at(shown, duplicated, register, key, "duplicate-id", Severity.ERROR,
                                "{value} is already used in row {first_row} — give this row its own ID", portfolio)
        issues += _ids_differing_only_in_case(frame, register, key, portfolio)
    return issues


def _ids_differing_only_in_case(frame: pd.DataFrame, register: Register, key: str, portfolio: Portfolio) -> list[Issue]:
    """IDs that differ only in case: two rows to pmo-xl, one ID to Excel's lookups (VLOOKUP, MATCH, XLOOKUP)."""
    present = frame[key].notna()
    if not present.any():
        return []
    folded = frame[key].where(present, "").astype(str).str.casefold()
    near = present & folded.duplicated(keep="first") & ~frame.duplicated(subset=[key], keep="first")
    if not near.any():
        return []
    firsts = frame.assign(_folded=folded).groupby("_folded", sort=False)
    shown = frame.assign(first_row=firsts[ROW].transform("first"), first_id=firsts[key].transform("first"))
    return issues_at(shown, near.to_numpy(), register, key, "near-duplicate", Severity.WARNING,
                     "{value} differs from {first_id} (row {first_row}) only in case; Excel's lookups treat them as one ID "
                     "— make them identical or clearly different", portfolio)


def check_duplicate_keys(portfolio: Portfolio) -> list[Issue]:
    """Baseline months and milestone names repeated within a project: the first row is kept."""
    issues: list[Issue] = []
    baseline = portfolio.baseline
    repeated = baseline.duplicated(subset=["project_id", "period"], keep="first")
    if repeated.any():
        shown = baseline.assign(first_row=_first_rows(baseline, ["project_id", "period"]),
                                month=months(baseline["period"], repeated))
        issues += issues_at(shown, repeated, BASELINE, "period", "duplicate-key", Severity.ERROR,
                            "{project_id} / {month} is already in row {first_row} — delete this row or correct its month", portfolio)
    milestones = portfolio.milestones
    # Names as collect matches an update's milestones to the register's: case and spacing do not matter.
    name_key = milestones["milestone"].str.replace(r"\s+", " ", regex=True).str.strip().str.casefold()
    names = milestones.assign(name_key=name_key)
    repeated = names.duplicated(subset=["project_id", "name_key"], keep="first")
    if repeated.any():
        shown = names.assign(first_row=_first_rows(names, ["project_id", "name_key"]))
        issues += issues_at(shown, repeated, MILESTONES, "milestone", "duplicate-key", Severity.ERROR,
                            "{project_id} already has a milestone {value} in row {first_row} — rename or delete one", portfolio)
    return issues


def _repeats(frame: pd.DataFrame, keys: list[str]) -> tuple[np.ndarray, pd.Series]:
    """`frame.duplicated(subset=keys, keep="first")` and `_first_rows(frame, keys)` from one numbering of the
    keys (each column hashed once, not three times)."""
    group = _key_groups(frame, keys)
    first = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    if not len(group):
        return np.zeros(0, dtype=bool), first
    # groups are numbered in order of first appearance: a row starts one where its number passes all before it
    starts = np.ones(len(group), dtype=bool)
    starts[1:] = group[1:] > np.maximum.accumulate(group)[:-1]
    repeated = (np.bincount(group) > 1)[group]  # every row of a key that repeats, the first included
    if repeated.any():
        first[repeated] = frame[ROW].to_numpy()[np.flatnonzero(starts)[group[repeated]]]
    return ~starts, first


def _key_groups(frame: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """Per row, the number of its key (numbered in order of first appearance): equal keys, equal numbers;
    a blank (None, NaN, NaT) equals a blank, as for `duplicated`. Each column's codes are one digit of a
    mixed-radix number; it is numbered again only when the next digit could overflow 64 bits (a million
    distinct keys take ~70 ms to number, the columns' codes ~50 ms each)."""
    group = np.zeros(len(frame), dtype=np.int64)
    span = 1  # group < span
    for key in keys:
        codes, uniques = codes_of(frame, key)  # a blank is -1; numbered once for all the checks of a run
        if span * (len(uniques) + 1) >= SPAN_LIMIT:
            group, distinct = pd.factorize(group)
            span = max(len(distinct), 1)
        group = group * (len(uniques) + 1) + (codes + 1)
        span *= len(uniques) + 1
    group, _ = pd.factorize(group)
    return group


def check_duplicate_allocations(portfolio: Portfolio) -> list[Issue]:
    """The same project, resource or role, start and finish twice: counted once, the rest refused."""
    frame = portfolio.allocations
    keys = list(ALLOCATIONS.key)
    repeated, first_rows = _repeats(frame, keys)
    if not repeated.any():
        return []
    # the resource, else the role, of the rows reported only (a fill of a million cells otherwise)
    at = np.flatnonzero(repeated)
    resource, role = frame["resource_id"].to_numpy(dtype=object)[at], frame["role"].to_numpy(dtype=object)[at]
    who = np.full(len(frame), None, dtype=object)
    who[at] = np.where(pd.isna(resource), role, resource)
    shown = frame.assign(first_row=first_rows, who=pd.Series(who, index=frame.index, dtype=object, copy=False))
    return issues_at(shown, repeated, ALLOCATIONS, "project_id", "duplicate-allocation", Severity.ERROR,
                     "This allocation repeats row {first_row} ({project_id}, {who}, {start} to {finish}) — "
                     "delete it or merge the effort into one row", portfolio)


def check_progress_conflicts(portfolio: Portfolio) -> list[Issue]:
    """Several progress rows for one project and period: exact repeats are dropped, different
    figures are a conflict and none of them is used (which one is right cannot be told)."""
    progress = portfolio.progress
    keys = ["project_id", "period"]
    multiple = progress.duplicated(subset=keys, keep=False)
    if not multiple.any():
        return []
    group = progress.loc[multiple]
    same = group.duplicated(subset=keys + list(PROGRESS_FIGURES), keep=False)
    variants = group.groupby(keys)[list(PROGRESS_FIGURES)].nunique(dropna=False).max(axis=1)
    conflicting_keys = variants[variants > 1].index
    in_conflict = pd.MultiIndex.from_frame(group[keys]).isin(conflicting_keys)
    issues: list[Issue] = []
    conflict = group.loc[in_conflict]
    if not conflict.empty:
        rows = conflict.groupby(keys)[ROW].transform(lambda r: ", ".join(str(v) for v in r))
        count = conflict.groupby(keys)[ROW].transform("size")
        shown = conflict.assign(rows=rows, count=count, month=months(conflict["period"]))
        issues += issues_at(shown, pd.Series(True, index=shown.index), PROGRESS, "period", "conflicting-progress", Severity.ERROR,
                            "{project_id} has {count} different Progress rows for {month} (rows {rows}) — keep one", portfolio)
    repeats = group.loc[~in_conflict & same]
    later = repeats.duplicated(subset=keys, keep="first")
    if later.any():
        shown = repeats.assign(first_row=_first_rows(repeats, keys), month=months(repeats["period"]))
        issues += issues_at(shown, later, PROGRESS, "period", "duplicate-key", Severity.ERROR,
                            "{project_id} / {month} repeats row {first_row} exactly — delete this row", portfolio)
    return issues


__all__ = ["check_unique_ids", "check_duplicate_keys", "check_duplicate_allocations", "check_progress_conflicts", "show"]
