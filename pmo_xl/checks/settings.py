"""Checks of the Settings tables: criteria weights and scales, RAG threshold order.

A settings row that is wrong cannot simply be "left out" like a register row: the engine needs
a value. So wrong RAG bands fall back to the defaults of the template (said in the message),
and wrong criteria are errors the priority computation must not run with.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from pmo_xl.checks.core import issues_at
from pmo_xl.issues import Issue, Severity
from pmo_xl.model import Portfolio, Settings
from pmo_xl.schema.settings import CRITERIA, DEFAULT_THRESHOLDS, THRESHOLDS, WeightSource

BANDS = ("red_below", "amber_below", "amber_above", "red_above")


def check_criteria(portfolio: Portfolio) -> list[Issue]:
    """Typed weights that are not all zero; scales whose minimum is below their maximum."""
    criteria = portfolio.settings.criteria
    if criteria is None or criteria.empty:
        return []
    issues: list[Issue] = []
    if portfolio.settings.weights_from == WeightSource.TYPED and not (criteria["weight"].fillna(0) > 0).any():
        first = np.zeros(len(criteria), dtype=bool)
        first[0] = True
        issues += issues_at(criteria, first, CRITERIA, "weight", "weights-all-zero", Severity.ERROR,
                            "All criterion weights are 0 or blank — give at least one criterion a positive weight", portfolio)
    inverted = (criteria["scale_min"] >= criteria["scale_max"]).to_numpy()
    issues += issues_at(criteria, inverted, CRITERIA, "scale_max", "scale-invalid", Severity.ERROR,
                        "Scale min {scale_min} is not below Scale max {scale_max} for {criterion} — correct the scale", portfolio)
    return issues


def check_thresholds(portfolio: Portfolio) -> list[Issue]:
    """RAG bands rise left to right: Red below ≤ Amber below ≤ Amber above ≤ Red above (blanks skipped).

    A metric whose bands are out of order is given the template's default bands, so the RAG of
    every project is still computed, and the message says so.
    """
    thresholds = portfolio.settings.thresholds
    if thresholds is None or thresholds.empty:
        return []
    broken, where = _out_of_order(thresholds)
    issues: list[Issue] = []
    for band in BANDS[1:]:
        mask = broken & (where == band)
        header = THRESHOLDS.column(band).header
        issues += issues_at(thresholds, mask, THRESHOLDS, band, "thresholds-out-of-order", Severity.ERROR,
                            f"{{metric}} bands are out of order: {header} {{value}} is below an earlier band — they must rise "
                            "from left to right; the default bands are used", portfolio)
    return issues


def thresholds_in_order(settings: Settings) -> Settings:
    """The settings with every metric whose RAG bands are out of order given the template's
    default bands (what `check_thresholds` says is done), so every project still gets its RAG."""
    thresholds = settings.thresholds
    if thresholds is None or thresholds.empty:
        return settings
    broken, _ = _out_of_order(thresholds)
    if not broken.any():
        return settings
    defaults = {row[0]: row[1:] for row in DEFAULT_THRESHOLDS}
    fixed = thresholds.copy()
    for index in np.flatnonzero(broken):
        metric = fixed.iloc[index]["metric"]
        for band, value in zip(BANDS, defaults.get(metric, (np.nan,) * 4), strict=True):
            fixed.iloc[index, fixed.columns.get_loc(band)] = value
    keep = pd.Series([m in defaults or not b for m, b in zip(fixed["metric"], broken, strict=True)], index=fixed.index)
    return dataclasses.replace(settings, thresholds=fixed.loc[keep].reset_index(drop=True))


def _out_of_order(thresholds: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per row: whether its bands fall somewhere, and the first band that falls."""
    values = thresholds[list(BANDS)].to_numpy(dtype=float)
    previous = np.maximum.accumulate(np.where(np.isnan(values), -np.inf, values), axis=1)
    broken = np.zeros(len(thresholds), dtype=bool)
    where = np.full(len(thresholds), "", dtype=object)
    for column in range(1, len(BANDS)):
        wrong = ~np.isnan(values[:, column]) & (values[:, column] < previous[:, column - 1]) & ~broken
        where[wrong] = BANDS[column]
        broken |= wrong
    return broken, where
