"""Red / Amber / Green from the Settings thresholds, each rating with the reason behind it.

A band per metric (Settings `tblThresholds`): below `red_below` is Red, below `amber_below`
is Amber; a two-sided band also rates values above `amber_above` Amber and above `red_above`
Red (FEMA-style: a CPI of 1.15 is "too good to be true" and worth a look). A blank upper
bound makes the band one-sided. Every rating carries its reason in words a sponsor reads:
"CPI 0.87 below 0.90", "CPI 1.12 above 1.10", "CPI 1.00 within 0.95–1.05". The overall
rating is the worst of the metrics that could be rated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from pmo_xl.compute.ev_formulas import FloatArray
from pmo_xl.schema.settings import DEFAULT_THRESHOLDS

GREEN, AMBER, RED = "Green", "Amber", "Red"
RAG_NAMES: Final = (GREEN, AMBER, RED)
UNRATED: Final = -1

# Threshold metric (as typed in Settings) -> the figure it rates -> column name stem.
RAG_METRICS: Final = (("CPI", "cpi", "cpi"), ("SPI", "spi", "spi"), ("SPI(t)", "spi_t", "spi_t"), ("TCPI", "tcpi_bac", "tcpi"))


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
        rows = thresholds.to_dict("records")
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


def _fmt(value: float, against: float = np.nan) -> str:
    """A value with 2 decimals, or more when 2 would print it equal to its threshold."""
    decimals = 2
    while decimals < 6 and np.isfinite(against) and value != against and round(value, decimals) == round(against, decimals):
        decimals += 1
    return f"{value:.{decimals}f}"


def classify(values: FloatArray, band: Band | None) -> tuple[np.ndarray, list[str]]:
    """Level per value (UNRATED, 0 Green, 1 Amber, 2 Red) and its reason text."""
    values = np.asarray(values, dtype=np.float64)
    if band is None:
        return np.full(values.shape, UNRATED, dtype=np.int8), ["" for _ in range(values.size)]
    name = band.metric
    with np.errstate(invalid="ignore"):
        red_low = values < band.red_below
        amber_low = values < band.amber_below
        red_high = values > band.red_above
        amber_high = values > band.amber_above
    level = np.select(
        [np.isnan(values), red_low | red_high, amber_low | amber_high], [UNRATED, 2, 1], 0
    ).astype(np.int8)
    if np.isfinite(band.amber_above):
        upper = band.amber_above
        green_text = f"within {_fmt(band.amber_below)}–{_fmt(upper)}"
    else:
        green_text = f"at or above {_fmt(band.amber_below)}"
    reasons: list[str] = []
    for value, low_red, low_amber, high_red in zip(values.tolist(), red_low, amber_low, red_high, strict=True):
        if value != value:  # NaN
            reasons.append(f"{name} not available")
        elif low_red:
            reasons.append(f"{name} {_fmt(value, band.red_below)} below {_fmt(band.red_below)}")
        elif low_amber:
            reasons.append(f"{name} {_fmt(value, band.amber_below)} below {_fmt(band.amber_below)}")
        elif high_red:
            reasons.append(f"{name} {_fmt(value, band.red_above)} above {_fmt(band.red_above)}")
        elif np.isfinite(band.amber_above) and value > band.amber_above:
            reasons.append(f"{name} {_fmt(value, band.amber_above)} above {_fmt(band.amber_above)}")
        else:
            reasons.append(f"{name} {_fmt(value)} {green_text}")
    return level, reasons


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
        values = figures[column].to_numpy(dtype=np.float64) if column in figures else np.full(len(figures), np.nan)
        level, reasons = classify(values, bands.get(metric))
        out[f"rag_{stem}"] = names[level]
        out[f"rag_{stem}_reason"] = reasons
        levels.append(level)
        texts.append(reasons)
    if levels:
        stacked = np.vstack(levels)
        worst = stacked.max(axis=0)
    else:
        stacked = np.empty((0, len(figures)), dtype=np.int8)
        worst = np.full(len(figures), UNRATED, dtype=np.int8)
    out["rag"] = names[worst]
    joined: list[str] = []
    for i, level in enumerate(worst.tolist()):
        if level == UNRATED:
            joined.append("no index available")
        else:
            joined.append("; ".join(t[i] for t, row in zip(texts, stacked[:, i], strict=True) if row == level))
    out["rag_reason"] = joined
    return pd.DataFrame(out, index=figures.index)
