"""Red / Amber / Green from the Settings thresholds, each rating with the reason behind it.

A band per metric (Settings `tblThresholds`): below `red_below` is Red, below `amber_below`
is Amber; a two-sided band also rates values above `amber_above` Amber and above `red_above`
Red (FEMA-style: a CPI of 1.15 is "too good to be true" and worth a look). A blank upper
bound makes the band one-sided. Every rating carries its reason in words a sponsor reads:
"CPI 0.87 below 0.90", "CPI 1.12 above 1.10", "CPI 1.00 within 0.95–1.05". The overall
rating is the worst of the metrics that could be rated.

TCPI to BAC has two states beyond a number: *unachievable* when the budget is spent with work
remaining (Red, whatever the bands say) and *not needed* when the work is complete (unrated).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from pmo_xl.compute.earned_value.formulas import FloatArray
from pmo_xl.schema.settings import DEFAULT_THRESHOLDS

GREEN, AMBER, RED = "Green", "Amber", "Red"
RAG_NAMES: Final = (GREEN, AMBER, RED)
UNRATED: Final = -1

# Threshold metric (as typed in Settings) -> the figure it rates -> column name stem.
RAG_METRICS: Final = (("CPI", "cpi", "cpi"), ("SPI", "spi", "spi"), ("SPI(t)", "spi_t", "spi_t"), ("TCPI", "tcpi_bac", "tcpi"))
RAG_COLUMNS: Final = (*(c for _, _, stem in RAG_METRICS for c in (f"rag_{stem}", f"rag_{stem}_reason")), "rag", "rag_reason")


@dataclass(frozen=True)
class Band:
    """One metric's thresholds; NaN upper bounds make it one-sided."""

    metric: str
    red_below: float
    amber_below: float
    amber_above: float = np.nan
    red_above: float = np.nan


def thresholds_or_default(thresholds: pd.DataFrame | None) -> dict[str, Band]:
    """The bands by metric from Settings, or the workbook defaults when the table is empty."""
    if thresholds is None or thresholds.empty:
        rows = [dict(zip(("metric", "red_below", "amber_below", "amber_above", "red_above"), t, strict=True)) for t in DEFAULT_THRESHOLDS]
    else:
        columns = list(thresholds.columns)  # the records of to_dict("records"), without its per-value boxing
        rows = [dict(zip(columns, values, strict=True)) for values in zip(*(thresholds[c].tolist() for c in columns), strict=True)]
    bands: dict[str, Band] = {}
    for row in rows:
        metric = str(row["metric"])
        bands[metric] = Band(
            metric,
            _number(row.get("red_below")),
            _number(row.get("amber_below")),
            _number(row.get("amber_above")),
            _number(row.get("red_above")),
        )
    return bands


def _number(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return np.nan


def _fmt(threshold: float) -> str:
    """A threshold as typed: 2 decimals, or as many more (up to 6) as it has (1.075 stays 1.075)."""
    decimals = 2
    while decimals < 6 and round(threshold, decimals) != threshold:
        decimals += 1
    return f"{threshold:.{decimals}f}"


_NAN, _RED_LOW, _AMBER_LOW, _RED_HIGH, _AMBER_HIGH, _GREEN = range(6)


def _branches(values: FloatArray, band: Band) -> np.ndarray:
    """Which rule rates each value (first match wins): the cause its reason names."""
    with np.errstate(invalid="ignore"):
        return np.select(
            [np.isnan(values), values < band.red_below, values < band.amber_below, values > band.red_above, values > band.amber_above],
            [_NAN, _RED_LOW, _AMBER_LOW, _RED_HIGH, _AMBER_HIGH],
            _GREEN,
        )


def _templates(band: Band) -> dict[int, tuple[str, str, float]]:
    """Per rule: the text before and after the value, and the threshold the value is compared with."""
    name = band.metric
    if np.isfinite(band.amber_above):
        green = f" within {_fmt(band.amber_below)}–{_fmt(band.amber_above)}"
    else:
        green = f" at or above {_fmt(band.amber_below)}"
    return {
        _NAN: (f"{name} not available", "", np.nan),
        _RED_LOW: (f"{name} ", f" below {_fmt(band.red_below)}", band.red_below),
        _AMBER_LOW: (f"{name} ", f" below {_fmt(band.amber_below)}", band.amber_below),
        _RED_HIGH: (f"{name} ", f" above {_fmt(band.red_above)}", band.red_above),
        _AMBER_HIGH: (f"{name} ", f" above {_fmt(band.amber_above)}", band.amber_above),
        _GREEN: (f"{name} ", green, np.nan),
    }


def _reason(template: tuple[str, str, float], value: float | None, decimals: int = 2) -> str:
    before, after, _ = template
    return before if value is None else f"{before}{value:.{decimals}f}{after}"


_LEVEL_OF_BRANCH = np.array([UNRATED, 2, 1, 2, 1, 0], dtype=np.int8)


def classify(values: FloatArray, band: Band | None, metric: str = "") -> tuple[np.ndarray, np.ndarray]:
    """Level per value (UNRATED, 0 Green, 1 Amber, 2 Red) and its reason text (object array)."""
    values = np.asarray(values, dtype=np.float64)
    if band is None:
        return np.full(values.shape, UNRATED, dtype=np.int8), np.full(values.shape, f"no threshold set for {metric}", dtype=object)
    branch = _branches(values, band)
    # Reasons print values to 2 decimals, so they are formatted once per (rule, cents) pair;
    # values that would print equal to their threshold get more decimals, one by one.
    templates = _templates(band)
    # Clipped so absurd values still make an integer key (they print as themselves anyway).
    cents = np.round(np.clip(np.nan_to_num(values), -1e12, 1e12) * 100)
    # A value that prints equal to ANY threshold of the band without being it gets more digits:
    # 1.0987 against Red above 1.10 reads "1.099 above 1.05", not "1.10 above 1.05".
    # (A threshold typed with more decimals, 1.075, prints as itself and never equal to "1.08".)
    bounds = [t for t in (band.red_below, band.amber_below, band.amber_above, band.red_above) if math.isfinite(t) and round(t, 2) == t]
    tie = np.zeros(values.shape, dtype=bool)
    finite = np.isfinite(values)
    for bound in bounds:
        tie |= finite & (cents == round(bound * 100)) & (values != bound)
    key = branch.astype(np.int64) * 10**15 + cents.astype(np.int64)
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    texts = np.array(
        [_reason(templates[int(branch[i])], None if branch[i] == _NAN else float(cents[i]) / 100) for i in first], dtype=object
    )
    reasons = texts[inverse.ravel()]
    if tie.any():
        # Near a threshold: as many decimals (up to 6) as it takes to differ from it, again
        # formatted once per distinct (rule, decimals, rounded value).
        rows = np.flatnonzero(tie)
        value = values[rows]
        decimals = np.full(rows.size, 3)
        for d in range(3, 6):
            decimals += np.any([(np.round(value, d) == np.round(b, d)) & (value != b) for b in bounds], axis=0)
        scaled = np.round(value * 10.0**decimals)
        key = (branch[rows].astype(np.int64) * 10 + decimals) * 10**15 + scaled.astype(np.int64)
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        texts = np.array(
            [_reason(templates[int(branch[rows[i]])], float(value[i]), decimals=int(decimals[i])) for i in first], dtype=object
        )
        reasons[rows] = texts[inverse.ravel()]
    return _LEVEL_OF_BRANCH[branch], reasons


TCPI_UNACHIEVABLE: Final = "TCPI unachievable (budget spent, work remaining)"
TCPI_NOT_NEEDED: Final = "TCPI not needed (work complete)"


def _column(figures: pd.DataFrame, name: str) -> FloatArray:
    return figures[name].to_numpy(dtype=np.float64) if name in figures else np.full(len(figures), np.nan)


def tcpi_unachievable(figures: pd.DataFrame) -> np.ndarray:
    """Rows whose budget is spent (AC ≥ BAC) with work remaining (EV < BAC).

    No efficiency on the remaining work can bring such a project in on budget: its TCPI to BAC
    is not a missing figure but the worst one there is, rated Red and shown as *unachievable*.
    """
    bac, ev, ac = (_column(figures, name) for name in ("bac", "ev", "ac"))
    with np.errstate(invalid="ignore"):
        return (bac - ev > 0) & (bac - ac <= 0)


def _work_complete(figures: pd.DataFrame) -> np.ndarray:
    bac, ev = _column(figures, "bac"), _column(figures, "ev")
    with np.errstate(invalid="ignore"):
        return bac - ev <= 0


def compute_rag(figures: pd.DataFrame, thresholds: pd.DataFrame | None) -> pd.DataFrame:
    """RAG per metric and overall for each row of `figures` (columns cpi, spi, spi_t, tcpi_bac).

    Returns, on the same index: rag_<stem> and rag_<stem>_reason per metric (stems cpi, spi,
    spi_t, tcpi), then `rag` (worst rated metric; None when none could be rated) and
    `rag_reason` (the reasons of the metrics at that worst level, joined by "; ").
    """
    bands = thresholds_or_default(thresholds)
    out: dict[str, object] = {}
    levels: list[np.ndarray] = []
    texts: list[list[str]] = []
    names = np.array([*RAG_NAMES, None], dtype=object)  # index -1 -> None
    for metric, column, stem in RAG_METRICS:
        values = _column(figures, column)
        level, reasons = classify(values, bands.get(metric), metric)
        if metric == "TCPI" and bands.get(metric) is not None:
            # Budget spent with work left: Red, never a blank that lets the project look better.
            unachievable, complete = tcpi_unachievable(figures), _work_complete(figures)
            level = np.where(unachievable, 2, level).astype(np.int8)
            reasons = np.where(unachievable, TCPI_UNACHIEVABLE, np.where(complete & np.isnan(values), TCPI_NOT_NEEDED, reasons))
        out[f"rag_{stem}"] = names[level]
        out[f"rag_{stem}_reason"] = reasons
        levels.append(level)
        texts.append(reasons)
    worst = np.vstack(levels).max(axis=0) if len(figures) else np.zeros(0, dtype=np.int8)
    out["rag"] = names[worst]
    # The overall reason joins the reasons of the metrics at the worst level, in metric order.
    # (Only the rows at a metric's worst level are joined: the others keep their text as it is.)
    joined = np.full(len(figures), "", dtype=object)
    for level, reasons in zip(levels, texts, strict=True):
        at_worst = (level == worst) & (worst != UNRATED)
        started = joined != ""
        more, first = np.flatnonzero(at_worst & started), np.flatnonzero(at_worst & ~started)
        joined[more] = joined[more] + "; " + reasons[more]
        joined[first] = reasons[first]
    out["rag_reason"] = np.where(worst == UNRATED, "no index available", joined)
    return pd.DataFrame(out, index=figures.index)
