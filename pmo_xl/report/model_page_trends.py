"""Report-model piece of the project pages' trends: RAG history, milestone trend analysis, drift.

Each project page ends with what moved month after month, read from `compute.trends.TrendResult`
(History where a month was closed, recomputed from the registers otherwise, as on the Trends,
Drift and Milestone trends sheets — the same figures, cut to one project):

  - the RAG history strip: the project's overall RAG in each month of the last 12, oldest first
    (the Portfolio sheet's codes), and which months are as reported or recomputed;
  - its milestone trend analysis: one line per milestone, its forecast at each report month;
    the milestones that moved most first, at most PAGE_MTA_LINES (a page is one sheet of paper).
    A milestone's earlier forecasts exist only where a month was closed (History milestones):
    with fewer than two report months there is no line to draw and the page says so;
  - the forecast-finish and EAC drift: now, last period and at baseline, the changes and the flag
    (the Drift sheet's row).

Computes nothing of its own; pure pandas, done for every chosen project at once (a page per
project on a 1,000-project portfolio: no per-page pivot).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

from pmo_xl.report.model_trends import BASIS_MARK

if TYPE_CHECKING:
    from pmo_xl.compute.trends import TrendResult

PAGE_MTA_LINES: Final = 6
DRIFT_FIELDS: Final = ("forecast_finish", "finish_last", "finish", "finish_change_days", "finish_drift_days",
                       "eac", "eac_last", "bac", "eac_change", "eac_drift", "last_basis", "flag")


@dataclass(frozen=True)
class PageTrends:
    """One project's trends, as values (the page writer lays them out)."""

    months: list[pd.Timestamp]  # the window, oldest first, ending with the reporting month
    strip: str  # overall RAG per month, 'G', 'A', 'R' or '-' (no figures), oldest first
    strip_note: str  # the window and which months are as reported or recomputed (the same on every page)
    drift: dict[str, object]  # DRIFT_FIELDS; empty when the project has no figures this month
    mta_labels: list[str]  # the milestones drawn, most movement first
    mta: np.ndarray  # datetime64[ns], a row per milestone drawn, a column per month: its forecast then (NaT: none)
    mta_left_out: int  # milestones moving less, not drawn
    thresholds: tuple[int, float]  # finish drift (days), EAC drift (share) flagged above

    @property
    def mta_months(self) -> int:
        """Report months with a forecast of some milestone: a trend needs two at least."""
        return int((~np.isnat(self.mta)).any(axis=0).sum()) if self.mta.size else 0


def build_page_trends(trends: TrendResult | None, table: pd.DataFrame) -> dict[str, PageTrends]:
    """project -> its trends, for the projects of `table` (the chosen pages' Portfolio rows)."""
    if trends is None or not trends.months or not len(table):
        return {}
    ids = table["project_id"].tolist()
    note = strip_note(trends.months, [BASIS_MARK.get(trends.basis.get(m, ""), "") for m in trends.months])
    strips = dict(zip(ids, table["rag_history"].tolist(), strict=True)) if "rag_history" in table else {}
    drift = _drift(trends.drift, ids)
    lines = mta_lines(trends.milestones, trends.months, set(ids), PAGE_MTA_LINES)
    none = ([], np.empty((0, len(trends.months)), dtype="datetime64[ns]"), 0)
    pages = {}
    for pid in ids:
        labels, forecasts, left_out = lines.get(pid, none)
        pages[pid] = PageTrends(months=trends.months, strip=str(strips.get(pid) or ""), strip_note=note, drift=drift.get(pid, {}),
                                mta_labels=labels, mta=forecasts, mta_left_out=left_out, thresholds=trends.thresholds)
    return pages


def strip_note(months: list[pd.Timestamp], marks: list[str]) -> str:
    """'Nov 25 → Oct 26 · as reported (History) Jan 26–Sep 26 · recomputed Nov 25–Dec 25; last: this report'."""
    said = [f"{months[0]:%b %y} → {months[-1]:%b %y}"]
    for mark, word in (("AR", "as reported (History)"), ("RC", "recomputed")):
        shown = [m for m, k in zip(months, marks, strict=True) if k == mark]
        if shown:
            said.append(f"{word} {_runs(shown)}")
    return " · ".join(said) + "; last: this report"


def _runs(months: list[pd.Timestamp]) -> str:
    """'Dec 25–Sep 26' for a run of consecutive months, runs joined by commas."""
    runs: list[list[pd.Timestamp]] = []
    for month in months:
        if runs and month == runs[-1][-1] + pd.DateOffset(months=1):
            runs[-1].append(month)
        else:
            runs.append([month])
    return ", ".join(f"{run[0]:%b %y}" + (f"–{run[-1]:%b %y}" if len(run) > 1 else "") for run in runs)


def _drift(drift: pd.DataFrame, ids: list[str]) -> dict[str, dict[str, object]]:
    if not len(drift):
        return {}
    rows = drift[drift["project_id"].isin(set(ids))].drop_duplicates("project_id")
    return {pid: dict(zip(DRIFT_FIELDS, values, strict=True))
            for pid, *values in zip(rows["project_id"], *(rows[f] for f in DRIFT_FIELDS), strict=True)}


def mta_lines(points: pd.DataFrame, months: list[pd.Timestamp], projects: set[str],
              limit: int) -> dict[str, tuple[list[str], np.ndarray, int]]:
    """Per project: the labels and forecasts (a row per milestone, a column per report month) of
    its milestones that moved most (then the most slipped against baseline), at most `limit`,
    and how many were left out."""
    if not len(points):
        return {}
    mine = points[points["project_id"].isin(projects)].drop_duplicates(["project_id", "milestone", "period"])
    at = pd.Index(months).get_indexer(pd.to_datetime(mine["period"]))
    mine = mine[at >= 0].assign(_at=at[at >= 0])
    if not len(mine):
        return {}
    wide = mine.set_index(["project_id", "milestone", "_at"])["forecast_date"].unstack("_at")
    wide = wide.reindex(columns=range(len(months))).astype("datetime64[ns]")
    baseline = mine.drop_duplicates(["project_id", "milestone"]).set_index(["project_id", "milestone"])["baseline_date"]
    movement = (wide.max(axis=1) - wide.min(axis=1)).dt.days.fillna(0).to_numpy()
    slip = (wide.iloc[:, -1] - pd.to_datetime(baseline.reindex(wide.index))).dt.days.fillna(0).to_numpy()
    order = pd.DataFrame({"project_id": wide.index.get_level_values(0), "movement": movement, "slip": slip})
    order = order.sort_values(["project_id", "movement", "slip"], ascending=[True, False, False], kind="mergesort")
    rank = order.groupby("project_id", sort=False).cumcount().to_numpy()
    counts = order.groupby("project_id", sort=False).size()
    kept = order.index.to_numpy()[rank < limit]
    owners = wide.index.get_level_values(0).to_numpy()[kept]
    labels = wide.index.get_level_values(1).astype(str).to_numpy()[kept]
    values = wide.to_numpy(dtype="datetime64[ns]")[kept]
    bounds = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1], True])
    return {owners[a]: (labels[a:b].tolist(), values[a:b], max(0, int(counts[owners[a]]) - limit))
            for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)}
