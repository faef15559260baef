"""RAG from Settings thresholds, each rating with its reason.

Default bands are the FEMA dashboard tolerances (ppm-anchors §2.3 [S4]): Green 0.95–1.05,
Amber 0.90–<0.95 or >1.05–1.10, Red < 0.90 or > 1.10; overall = the worse of the ratings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pmo_xl.compute.earned_value.rag import Band, classify, compute_rag, thresholds_or_default

FEMA = Band("CPI", 0.90, 0.95, 1.05, 1.10)


@pytest.mark.parametrize(
    ("value", "rag", "reason"),
    [
        (0.87, "Red", "CPI 0.87 below 0.90"),
        (1.12, "Red", "CPI 1.12 above 1.10"),
        (0.92, "Amber", "CPI 0.92 below 0.95"),
        (1.07, "Amber", "CPI 1.07 above 1.05"),
        (1.00, "Green", "CPI 1.00 within 0.95–1.05"),
        (0.90, "Amber", "CPI 0.90 below 0.95"),  # "below 0.90" is strict: 0.90 itself is Amber
        (0.95, "Green", "CPI 0.95 within 0.95–1.05"),
        (1.05, "Green", "CPI 1.05 within 0.95–1.05"),
        (1.10, "Amber", "CPI 1.10 above 1.05"),
        (0.8999, "Red", "CPI 0.8999 below 0.90"),  # never prints "0.90 below 0.90"
        (1.1004, "Red", "CPI 1.1004 above 1.10"),
        (np.nan, None, "CPI not available"),
    ],
)
def test_two_sided_band(value: float, rag: str | None, reason: str) -> None:
    level, reasons = classify(np.array([value]), FEMA)
    names = {-1: None, 0: "Green", 1: "Amber", 2: "Red"}
    assert (names[int(level[0])], reasons[0]) == (rag, reason)


def test_single_sided_band_when_the_upper_bounds_are_blank() -> None:
    band = Band("SPI", 0.85, 0.95)
    level, reasons = classify(np.array([1.5, 0.9, 0.8]), band)
    assert level.tolist() == [0, 1, 2]
    assert reasons.tolist() == ["SPI 1.50 at or above 0.95", "SPI 0.90 below 0.95", "SPI 0.80 below 0.85"]


def test_thresholds_from_settings_replace_the_defaults() -> None:
    table = pd.DataFrame({"metric": ["CPI"], "red_below": [0.8], "amber_below": [0.9], "amber_above": [np.nan], "red_above": [np.nan]})
    figures = pd.DataFrame({"cpi": [0.85, 1.3], "spi": [1.0, 1.0], "spi_t": [1.0, 1.0], "tcpi_bac": [1.0, 1.0]})
    out = compute_rag(figures, table)
    assert out["rag_cpi"].tolist() == ["Amber", "Green"]
    assert out["rag_cpi_reason"].tolist() == ["CPI 0.85 below 0.90", "CPI 1.30 at or above 0.90"]
    # Metrics the table does not band are left unrated, and say so.
    assert out["rag_spi"].isna().all() and out["rag_spi_reason"].iloc[0] == "no threshold set for SPI"
    assert out["rag"].tolist() == ["Amber", "Green"]


def test_defaults_when_settings_has_no_thresholds() -> None:
    bands = thresholds_or_default(pd.DataFrame())
    assert set(bands) == {"CPI", "SPI", "SPI(t)", "TCPI"}
    assert bands["CPI"] == Band("CPI", 0.90, 0.95, 1.05, 1.10)


def test_overall_is_the_worst_and_names_its_reasons() -> None:
    figures = pd.DataFrame({
        "cpi": [0.87, 1.00, 1.00, np.nan],
        "spi": [0.93, 1.00, 0.93, np.nan],
        "spi_t": [0.80, 1.00, 0.92, np.nan],
        "tcpi_bac": [1.20, 1.00, 1.00, np.nan],
    })
    out = compute_rag(figures, None)
    assert out["rag"].tolist()[:3] == ["Red", "Green", "Amber"] and pd.isna(out["rag"].iloc[3])
    assert out["rag_reason"].tolist() == [
        "CPI 0.87 below 0.90; SPI(t) 0.80 below 0.90; TCPI 1.20 above 1.10",
        "CPI 1.00 within 0.95–1.05; SPI 1.00 within 0.95–1.05; SPI(t) 1.00 within 0.95–1.05; TCPI 1.00 within 0.00–1.05",
        "SPI 0.93 below 0.95; SPI(t) 0.92 below 0.95",
        "no index available",
    ]
    assert out["rag_spi"].tolist()[:3] == ["Amber", "Green", "Amber"]


def test_tcpi_is_banded_above_by_default() -> None:
    out = compute_rag(pd.DataFrame({"cpi": [np.nan] * 3, "spi": [np.nan] * 3, "spi_t": [np.nan] * 3, "tcpi_bac": [0.7, 1.07, 1.3]}), None)
    assert out["rag_tcpi"].tolist() == ["Green", "Amber", "Red"]
    assert out["rag_tcpi_reason"].tolist()[2] == "TCPI 1.30 above 1.10"


def test_many_rows_share_reasons_but_keep_their_own_values() -> None:
    values = np.linspace(0.5, 1.5, 2001)
    level, reasons = classify(values, FEMA)
    for value, lvl, text in zip(values, level, reasons, strict=True):
        expected = "Red" if value < 0.90 or value > 1.10 else "Amber" if value < 0.95 or value > 1.05 else "Green"
        assert {0: "Green", 1: "Amber", 2: "Red"}[int(lvl)] == expected
        shown = float(text.split()[1])  # rounded to the cent (or finer near a threshold)
        assert abs(shown - value) <= 0.005 + 1e-12
