"""Risk exposure: score, band, expected cost, the 5 × 5 heat map and the top risks.

The conventions are the common 5 × 5 probability-impact matrix of PMO templates
(research/ppm-anchors.md §1F):

- **score** = probability × impact, both on 1-5 scales, so 1-25;
- **band**: 1-4 Low, 5-9 Medium, 10-15 High, 16-25 Critical;
- **exposure** (expected cost) = probability share × cost impact, where a probability level
  stands for the middle of its fifth of the 0-100 % range: 1 → 10 %, 2 → 30 %, 3 → 50 %,
  4 → 70 %, 5 → 90 %. Level 5 is "almost certain", not certain, so it is not 100 %; and the
  midpoint keeps a level-1 risk from counting as 20 %, the top of its range. A risk without a
  cost impact has no exposure (blank, not 0: nobody said it is free);
- a **high risk** is an open risk whose score is at least Settings.high_risk_score (15 by
  default), the threshold the PMO chose; the bands above are fixed presentation.

Only open risks count in the heat map, the band counts and the top list; closed ones stay in
`register` for completeness. `as_of` lets the report recompute last month's figures: risks
raised after that date did not exist yet (the register keeps no close dates, so a risk closed
since then is counted as it stands now — said in `RiskResult.history_note`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from pmo_xl.checks.core import letter_of
from pmo_xl.compute.group_sums import sum_by
from pmo_xl.issues import Issue, Severity, Stage
from pmo_xl.model import ROW, Portfolio
from pmo_xl.schema.registers import RISKS

LEVELS: Final = (1, 2, 3, 4, 5)
BANDS: Final = ("Low", "Medium", "High", "Critical")
# Upper score of each band: 1-4, 5-9, 10-15, 16-25.
BAND_UPPER: Final = (4, 9, 15, 25)
# Probability level -> the share of the cost impact expected (middle of its fifth of 0-100 %).
PROBABILITY_SHARE: Final = {1: 0.1, 2: 0.3, 3: 0.5, 4: 0.7, 5: 0.9}
OPEN: Final = "Open"
INACTIVE_PROJECT_STATUSES: Final = ("Closed", "Cancelled")
TOP_RISKS: Final = 15
STAGE: Final = Stage.RISK

REGISTER_COLUMNS: Final = (
    "risk_id", "project_id", "project", "title", "category", "owner", "probability", "impact", "score", "band",
    "cost_impact", "probability_share", "exposure", "response", "status", "raised", "due", "review_overdue", "is_open", "is_high",
)


@dataclass(frozen=True)
class RiskResult:
    """Risk figures for the report's Risks sheet and the dashboard.

    - `register`: every risk (open and closed) with REGISTER_COLUMNS, ordered by exposure
      (largest first, blank last), then score, then risk ID.
    - `matrix`: open-risk counts, index probability 5..1 (top row most likely, as printed),
      columns impact 1..5.
    - `by_band`: open-risk count and exposure per band, Low..Critical.
    - `by_project`: per project with open risks: open, high, max_score, exposure.
    - `top`: the `TOP_RISKS` open risks with the largest exposure (then score).
    """

    register: pd.DataFrame
    matrix: pd.DataFrame
    by_band: pd.DataFrame
    by_project: pd.DataFrame
    top: pd.DataFrame
    high_score: int
    open_count: int
    high_count: int
    total_exposure: float
    history_note: str = ""


def high_risks_name(high_score: int) -> str:
    """What the high-risk count (open risks scoring at least `high_score`) is called, in the band
    names of the Risks sheet when it starts where a band starts: 16 -> "Critical risks", 10 ->
    "High or Critical risks"; otherwise by its score ("Risks scoring 15 or more"), since a
    "High" that counts 15 but not 10-14 would contradict the band table."""
    lower = (1, *(upper + 1 for upper in BAND_UPPER[:-1]))
    if high_score in lower:
        names = BANDS[lower.index(high_score):]
        if len(names) == len(BANDS):
            return "Risks"
        return (", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0]) + " risks"
    return f"Risks scoring {high_score} or more"


def band_of(score: np.ndarray | pd.Series) -> np.ndarray:
    """The band name of each score (object array; None where the score is missing)."""
    values = np.asarray(score, dtype=np.float64)
    index = np.searchsorted(np.asarray(BAND_UPPER, dtype=np.float64), values, side="left")
    names = np.array([*BANDS, None], dtype=object)
    index = np.where(np.isfinite(values) & (values >= 1), np.minimum(index, len(BANDS) - 1), len(BANDS))
    return names[index]


def compute_risk(portfolio: Portfolio, as_of: dt.date | None = None, top: int = TOP_RISKS) -> tuple[RiskResult, list[Issue]]:
    """Score, band and exposure of every risk; heat map, band counts and top risks of the open ones.

    `as_of` defaults to the status date; risks raised after it are left out (used for last
    period's figures) and open risks whose review date is before it are flagged overdue.
    """
    settings = portfolio.settings
    as_of = as_of or settings.status_date
    risks = portfolio.risks
    if as_of is not None and len(risks):
        raised = risks["raised"]
        risks = risks[raised.isna() | (raised <= pd.Timestamp(as_of))]
    projects = portfolio.projects.drop_duplicates("project_id").set_index("project_id")
    probability = risks["probability"].to_numpy(dtype=np.float64)
    impact = risks["impact"].to_numpy(dtype=np.float64)
    score = probability * impact
    share = pd.Series(probability).map(PROBABILITY_SHARE).to_numpy(dtype=np.float64)
    cost = risks["cost_impact"].to_numpy(dtype=np.float64)
    is_open = (risks["status"] == OPEN).to_numpy()
    due = risks["due"]
    overdue = is_open & (due < pd.Timestamp(as_of)).to_numpy() if as_of is not None else np.zeros(len(risks), bool)
    register = pd.DataFrame({
        "risk_id": risks["risk_id"].to_numpy(), "project_id": risks["project_id"].to_numpy(),
        "project": risks["project_id"].map(projects["name"]).to_numpy(),
        "title": risks["title"].to_numpy(), "category": risks["category"].to_numpy(), "owner": risks["owner"].to_numpy(),
        "probability": probability, "impact": impact, "score": score, "band": band_of(score),
        "cost_impact": cost, "probability_share": share, "exposure": share * cost,
        "response": risks["response"].to_numpy(), "status": risks["status"].to_numpy(),
        "raised": risks["raised"].to_numpy(), "due": due.to_numpy(), "review_overdue": overdue,
        "is_open": is_open, "is_high": is_open & (score >= settings.high_risk_score),
    }, columns=list(REGISTER_COLUMNS))
    register = register.sort_values(["exposure", "score", "risk_id"], ascending=[False, False, True], na_position="last",
                                    kind="mergesort", ignore_index=True)
    open_risks = register[register["is_open"]]
    result = RiskResult(
        register=register,
        matrix=_matrix(open_risks),
        by_band=_by_band(open_risks),
        by_project=_by_project(open_risks),
        top=open_risks.head(top).reset_index(drop=True),
        high_score=settings.high_risk_score,
        open_count=len(open_risks),
        high_count=int(open_risks["is_high"].sum()),
        total_exposure=float(np.nansum(open_risks["exposure"].to_numpy(dtype=np.float64))),
        history_note="The risk register keeps no close dates: last period counts the risks raised by then, as they stand now.",
    )
    return result, _issues(risks, projects, letter_of(RISKS, "status", portfolio))


def _matrix(open_risks: pd.DataFrame) -> pd.DataFrame:
    """Counts per probability (rows 5..1) × impact (columns 1..5); every cell present, 0 when empty."""
    matrix = np.zeros((len(LEVELS), len(LEVELS)), dtype=np.int64)
    if len(open_risks):
        probability = open_risks["probability"].astype(int).to_numpy()
        impact = open_risks["impact"].astype(int).to_numpy()
        on_grid = np.isin(probability, LEVELS) & np.isin(impact, LEVELS)  # levels off the scale are not drawn
        np.add.at(matrix, (LEVELS[-1] - probability[on_grid], impact[on_grid] - LEVELS[0]), 1)
    return pd.DataFrame(matrix, index=pd.Index(list(reversed(LEVELS)), name="probability"),
                        columns=pd.Index(list(LEVELS), name="impact"))


def _by_band(open_risks: pd.DataFrame) -> pd.DataFrame:
    """Open-risk count and exposure per band, Low..Critical (a band without risks: 0 and no exposure)."""
    band = open_risks["band"]
    counts = band.value_counts(sort=False)
    exposure = sum_by(open_risks["exposure"], band, min_count=1)
    return pd.DataFrame({
        "band": list(BANDS),
        "count": counts.reindex(list(BANDS), fill_value=0).to_numpy(dtype=np.int64),
        "exposure": exposure.reindex(list(BANDS)).to_numpy(dtype=np.float64),
    })


def _by_project(open_risks: pd.DataFrame) -> pd.DataFrame:
    """Per project with open risks (sorted): open, high, max_score, exposure — one sort of the
    rows, numpy per group (a named groupby aggregation costs more in pandas' set-up than here)."""
    if not len(open_risks):
        return pd.DataFrame(columns=["project_id", "open", "high", "max_score", "exposure"])
    codes, projects = pd.factorize(open_risks["project_id"], sort=True)  # a missing project is -1: left out, as groupby does
    order = np.argsort(codes, kind="stable")
    order = order[codes[order] >= 0]
    starts = np.searchsorted(codes[order], np.arange(len(projects)))
    score = open_risks["score"].to_numpy(dtype=np.float64)[order]
    return pd.DataFrame({
        "project_id": projects,
        "open": np.bincount(codes[order], minlength=len(projects)).astype(np.int64),
        "high": np.bincount(codes[order], weights=open_risks["is_high"].to_numpy(dtype=np.float64)[order],
                            minlength=len(projects)).astype(int),
        "max_score": np.fmax.reduceat(score, starts) if len(order) else np.zeros(0),
        "exposure": sum_by(open_risks["exposure"], open_risks["project_id"], min_count=1).reindex(projects).to_numpy(dtype=np.float64),
    })


def _issues(risks: pd.DataFrame, projects: pd.DataFrame, letter: str) -> list[Issue]:
    """Open risks on closed or cancelled projects: a register that was not tidied up."""
    status = risks["project_id"].map(projects["status"])
    stale = (risks["status"] == OPEN) & status.isin(INACTIVE_PROJECT_STATUSES)
    return [
        Issue(code="risk-on-closed-project", severity=Severity.INFO, sheet=RISKS.sheet_name, row=int(row[ROW]), column=letter, field="Status", value=row["status"],
              message=f"Risk {row['risk_id']} is open but project {row['project_id']} is {str(row['project_status']).lower()}: "
              "close the risk or move it to a live project", stage=STAGE)
        for row in risks[stale].assign(project_status=status[stale]).to_dict("records")
    ]
