"""Risk scores, bands and exposure: `compute_risk` and its `RiskResult`."""

from pmo_xl.compute.risk.core import (
    BAND_UPPER,
    BANDS,
    LEVELS,
    PROBABILITY_SHARE,
    RiskResult,
    band_of,
    compute_risk,
    high_risks_name,
)

__all__ = ["BANDS", "BAND_UPPER", "LEVELS", "PROBABILITY_SHARE", "RiskResult", "band_of", "compute_risk", "high_risks_name"]
