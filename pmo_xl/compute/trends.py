"""Trends over the last 12 months: from History where a month was closed, recomputed otherwise.

A month's figures exist in two versions once it is closed: *as reported* (frozen in History by
`pmo-xl close`, what that month's pack said) and *recomputed* (what today's registers say about
that month). The report shows the as-reported ones wherever History has them and says so, and
the recomputed ones, marked, for months never closed. For the month before the report both are
kept side by side, so a figure corrected after closing shows up as a difference, not a rewrite.

    projects    per project and month of the window: RAG (overall, with its reason), forecast
                finish and EAC, and the basis of each row (As reported / Recomputed / This report)
    milestones  per milestone and report month: its forecast as reported (History), and this
                report's forecast from the register — the points of the milestone trend analysis
    drift       per project: forecast finish and EAC now, last period (as reported and
                recomputed) and at baseline (planned finish, BAC), the changes, and flags where
                a change goes beyond the Settings thresholds
    kpis_before the dashboard figures of last period as reported (History KPIs), when closed

Recomputed RAG of a month not closed: the indices' RAG of that month's earned-value row (the same
thresholds) and the four RAGs the PM reported for it, the worst of them — the rule of the
Portfolio sheet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

from pmo_xl.compute.earned_value.rag import compute_rag
from pmo_xl.compute.lookup import numbers_of
from pmo_xl.issues import Issue
from pmo_xl.schema.history import HISTORY, HISTORY_KPIS, HISTORY_MILESTONES

if TYPE_CHECKING:
    from pmo_xl.compute.earned_value import EarnedValueResult
    from pmo_xl.compute.milestones import MilestoneResult
    from pmo_xl.model import Portfolio

WINDOW: Final = 12
THIS_REPORT: Final = "This report"
LEVEL: Final = {"Green": 0, "Amber": 1, "Red": 2}
NAMES: Final = np.array(["Green", "Amber", "Red"], dtype=object)
PM_RAGS: Final = ("rag_scope", "rag_schedule", "rag_cost", "rag_resources")
PROJECT_COLUMNS: Final = ("project_id", "period", "rag", "rag_reason", "forecast_finish", "eac", "basis")
DRIFT_COLUMNS: Final = ("project_id", "finish", "forecast_finish", "finish_reported", "finish_recomputed", "finish_last",
                        "finish_change_days", "finish_drift_days", "bac", "eac", "eac_reported", "eac_recomputed", "eac_last",
                        "eac_change", "eac_drift", "last_basis", "flag")


@dataclass(frozen=True)
class TrendResult:
    """What the report's trends show; see the module docstring."""

    months: list[pd.Timestamp]  # the window, oldest first, ending with the reporting month
    basis: dict[pd.Timestamp, str]  # month -> As reported / Recomputed / This report (mixed months: the first row's)
    projects: pd.DataFrame  # PROJECT_COLUMNS
    milestones: pd.DataFrame  # project_id, milestone, period, forecast_date, actual_date, baseline_date, basis
    drift: pd.DataFrame  # see build_drift
    kpis_before: dict[str, float] = field(default_factory=dict)
    closed_before: str = ""  # "as reported, closed 2026-10-05" when last period is in History, else ""
    thresholds: tuple[int, float] = (30, 0.05)  # Settings: finish drift (days), EAC drift (share)


def compute_trends(portfolio: Portfolio, period: pd.Timestamp | None, ev: EarnedValueResult | None,
                   ev_before: EarnedValueResult | None, milestones: MilestoneResult | None) -> tuple[TrendResult, list[Issue]]:
    """The trends of the reporting month `period` (see the module docstring)."""
    if period is None:
        empty = pd.DataFrame(columns=list(PROJECT_COLUMNS))
        return TrendResult([], {}, empty, pd.DataFrame(columns=["project_id", "milestone", "period"]),
                           pd.DataFrame(columns=list(DRIFT_COLUMNS))), []
    months = [period - pd.DateOffset(months=k) for k in range(WINDOW - 1, -1, -1)]
    history = portfolio.registers.get(HISTORY.name, pd.DataFrame(columns=list(PROJECT_COLUMNS)))
    history = history[history["period"].isin(months[:-1])] if len(history) else history
    closed = history[[c for c in PROJECT_COLUMNS if c in history.columns]]
    # Only the months History has not closed are recomputed (each row is rated on its own: the
    # rows of the closed months would be computed to be dropped — all 11 with a year of History).
    not_closed = _recomputed(portfolio, ev, months[:-1], closed["period"])
    now = _this_report(ev, portfolio, period)
    projects = pd.concat([f for f in (closed, not_closed, now) if len(f)], ignore_index=True) if len(closed) + len(not_closed) + len(now) else not_closed
    projects = projects.sort_values(["project_id", "period"], kind="mergesort").reset_index(drop=True)
    basis = {pd.Timestamp(m): str(b) for m, b in projects.groupby("period", sort=True)["basis"].first().items()}
    previous = months[-2]
    kpis = portfolio.registers.get(HISTORY_KPIS.name)
    kpis_before: dict[str, float] = {}
    closed_before = ""
    if kpis is not None and len(kpis):
        last = kpis[kpis["period"] == previous]
        kpis_before = {str(k): float(v) for k, v in zip(last["kpi"], last["value"], strict=True)}
        if len(last):
            day = pd.Timestamp(last["closed_on"].max())
            closed_before = (f"as reported, closed {day:%Y-%m-%d}" if last["basis"].iloc[0] == "As reported"
                             else f"closed {day:%Y-%m-%d} by backfill, recomputed then from the registers")
    result = TrendResult(
        months=months, basis=basis, projects=projects,
        milestones=_milestone_points(portfolio, milestones, months),
        drift=build_drift(portfolio, ev, ev_before, history[history["period"] == previous] if len(history) else history),
        kpis_before=kpis_before, closed_before=closed_before,
        thresholds=(portfolio.settings.finish_drift_days, portfolio.settings.eac_drift),
    )
    return result, []


def _recomputed(portfolio: Portfolio, ev: EarnedValueResult | None, months: list[pd.Timestamp],
                closed: pd.Series) -> pd.DataFrame:
    """RAG, forecast finish and EAC of each project and month of `months` not `closed` (in History),
    from today's registers. Each row is rated on its own, so the closed months' rows are left out
    before rating, not after: with a year of History all of them are."""
    if ev is None or not len(ev.by_period):
        return pd.DataFrame(columns=list(PROJECT_COLUMNS))
    period = ev.by_period["period"]
    rows = ev.by_period[period.isin(months) & ~period.isin(closed)]
    rated = compute_rag(rows, portfolio.settings.thresholds)
    frame = rows[["project_id", "period", "forecast_finish", "eac"]].assign(rag_index=rated["rag"].to_numpy(),
                                                                          index_reason=rated["rag_reason"].to_numpy())
    return _overall(frame, portfolio, "Recomputed")


def _this_report(ev: EarnedValueResult | None, portfolio: Portfolio, period: pd.Timestamp) -> pd.DataFrame:
    """This month's row per project: the figures this report computes."""
    if ev is None or not len(ev.current):
        return pd.DataFrame(columns=list(PROJECT_COLUMNS))
    # Every project's current row, a stale one (no progress this month) included, rated on its own
    # month's PM RAGs: what the Portfolio sheet shows as Overall this month.
    frame = ev.current[["project_id", "period", "forecast_finish", "eac", "rag", "rag_reason"]].rename(
        columns={"rag": "rag_index", "rag_reason": "index_reason"})
    return _overall(frame, portfolio, THIS_REPORT).assign(period=period)


def _overall(frame: pd.DataFrame, portfolio: Portfolio, basis: str) -> pd.DataFrame:
    """The overall RAG of each row: the worst of the indices' RAG and the four the PM reported that month."""
    progress = portfolio.progress[["project_id", "period", *PM_RAGS]].drop_duplicates(["project_id", "period"])
    frame = frame.merge(progress, on=["project_id", "period"], how="left")
    levels = np.vstack([numbers_of(frame[c], LEVEL) for c in ("rag_index", *PM_RAGS)])
    worst = np.nanmax(np.where(np.isfinite(levels), levels, -1.0), axis=0).astype(int) if len(frame) else np.zeros(0, dtype=int)
    frame["rag"] = np.where(worst >= 0, NAMES[np.clip(worst, 0, 2)], None)
    frame["rag_reason"] = np.where(levels[0] == worst, frame["index_reason"].fillna("").astype(object), "PM rating")
    frame["basis"] = basis
    return frame[list(PROJECT_COLUMNS)]


def _milestone_points(portfolio: Portfolio, milestones: MilestoneResult | None, months: list[pd.Timestamp]) -> pd.DataFrame:
    """Each milestone's forecast per report month: History's for closed months, the register's for this one."""
    columns = ["project_id", "milestone", "period", "baseline_date", "forecast_date", "actual_date", "basis"]
    parts = []
    history = portfolio.registers.get(HISTORY_MILESTONES.name)
    if history is not None and len(history):
        parts.append(history[history["period"].isin(months[:-1])][columns])
    if milestones is not None and len(milestones.table):
        table = milestones.table
        parts.append(pd.DataFrame({
            "project_id": table["project_id"], "milestone": table["milestone"], "period": months[-1],
            "baseline_date": table["baseline_date"],
            "forecast_date": table["forecast_date"].where(table["forecast_date"].notna(), table["baseline_date"]),
            "actual_date": table["actual_date"].where(table["achieved"].astype(bool)), "basis": THIS_REPORT}))
    if not parts:
        return pd.DataFrame(columns=columns)
    frame = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else parts[0]
    return frame.sort_values(["project_id", "milestone", "period"], kind="mergesort").reset_index(drop=True)


def build_drift(portfolio: Portfolio, ev: EarnedValueResult | None, ev_before: EarnedValueResult | None,
                reported: pd.DataFrame) -> pd.DataFrame:
    """Per project with figures this month: forecast finish and EAC now, last period and at baseline, and flags.

    Last period is the as-reported figure (History) where that month was closed, the recomputed one
    otherwise; both are kept (`*_reported`, `*_recomputed`). Flags: a finish moved later by more than
    Settings' finish drift (days) since last period or since the planned finish; an EAC more than
    Settings' EAC drift (a share) above last period's or above BAC.
    """
    settings = portfolio.settings
    columns = list(DRIFT_COLUMNS)
    if ev is None or not len(ev.current):
        return pd.DataFrame(columns=columns)
    projects = portfolio.projects.drop_duplicates("project_id").set_index("project_id")
    frame = ev.current[["project_id", "forecast_finish", "eac", "bac"]].copy()
    frame["finish"] = frame["project_id"].map(projects["finish"])
    before = (ev_before.current.drop_duplicates("project_id").set_index("project_id")
              if ev_before is not None and len(ev_before.current) else pd.DataFrame(columns=["forecast_finish", "eac"]))
    frame["finish_recomputed"] = pd.to_datetime(frame["project_id"].map(before["forecast_finish"]))
    frame["eac_recomputed"] = frame["project_id"].map(before["eac"]).astype("float64")
    closed = reported.drop_duplicates("project_id").set_index("project_id") if len(reported) else pd.DataFrame(columns=["forecast_finish", "eac", "basis"])
    frame["finish_reported"] = pd.to_datetime(frame["project_id"].map(closed["forecast_finish"]))
    frame["eac_reported"] = frame["project_id"].map(closed["eac"]).astype("float64")
    in_history = frame["project_id"].isin(closed.index)
    frame["last_basis"] = np.where(in_history, frame["project_id"].map(closed["basis"]).astype(object), "Recomputed")
    frame["finish_last"] = frame["finish_reported"].where(in_history, frame["finish_recomputed"])
    frame["eac_last"] = frame["eac_reported"].where(in_history, frame["eac_recomputed"])
    finish_now = pd.to_datetime(frame["forecast_finish"])
    frame["finish_change_days"] = (finish_now - frame["finish_last"]).dt.days.astype("float64")
    frame["finish_drift_days"] = (finish_now - pd.to_datetime(frame["finish"])).dt.days.astype("float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        frame["eac_change"] = (frame["eac"] - frame["eac_last"]) / frame["eac_last"]
        frame["eac_drift"] = (frame["eac"] - frame["bac"]) / frame["bac"]
    frame["flag"] = _flags(frame, settings.finish_drift_days, settings.eac_drift)
    return frame[columns].reset_index(drop=True)


def _flags(frame: pd.DataFrame, days: float, share: float) -> list[str]:
    """Why a project's drift is flagged, in words; '' when within the thresholds."""
    flags = []
    for change, drift, eac_change, eac_drift in zip(frame["finish_change_days"], frame["finish_drift_days"], frame["eac_change"],
                                                    frame["eac_drift"], strict=True):
        parts = []
        if np.isfinite(change) and change > days:
            parts.append(f"finish +{change:.0f} d since last period")
        if np.isfinite(drift) and drift > days:
            parts.append(f"finish +{drift:.0f} d since baseline")
        if np.isfinite(eac_change) and eac_change > share:
            parts.append(f"EAC +{eac_change:.0%} since last period")
        if np.isfinite(eac_drift) and eac_drift > share:
            parts.append(f"EAC +{eac_drift:.0%} over BAC")
        flags.append("; ".join(parts))
    return flags
