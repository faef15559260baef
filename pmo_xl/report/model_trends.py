"""Report-model pieces of the trends: the RAG strip, the drift table, the milestone trend analysis.

Translates `compute.trends.TrendResult` into what the Trends sheet (and the dashboard's change
against last month) shows. Computes nothing: which month is as reported and which recomputed was
decided by the compute stage; this module only lays it out and says it in words.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

from pmo_xl.compute.trends import THIS_REPORT

if TYPE_CHECKING:
    from pmo_xl.compute.trends import TrendResult
    from pmo_xl.report.model_dashboard import Kpi

# Milestones drawn per programme chart: the rest are counted (and in History milestones); with the
# diagonal, a chart's data table stays a one-page table (at most 25 rows, the report's rule).
MTA_LINES: Final = 20
BASIS_MARK: Final = {"As reported": "AR", "Recomputed": "RC", THIS_REPORT: "now"}


@dataclass(frozen=True)
class MtaChart:
    """One milestone trend analysis chart: report months across, forecast dates up, a line per milestone."""

    programme: str
    months: list[pd.Timestamp]  # the report dates (month ends) across
    lines: pd.DataFrame  # label, project_id, milestone, then one column per month: its forecast (NaT where none)
    left_out: int  # milestones of the programme not drawn (MTA_LINES reached)


@dataclass(frozen=True)
class TrendsView:
    """The Trends sheet."""

    months: list[pd.Timestamp]
    month_labels: list[str]  # 'Nov 25 AR': month and its basis
    basis_note: str  # which months are as reported, which recomputed: said once, in words
    rag_strip: pd.DataFrame  # project_id, name, programme, then one column per month label: RAG
    drift: pd.DataFrame  # project_id, name, programme and the drift figures with their flag, flagged first
    mta: list[MtaChart]
    last_period_note: str  # how last period's figures (dashboard, drift) were obtained
    thresholds: tuple[int, float]  # finish drift (days) and EAC drift (share) flagged above


def build_trends_view(trends: TrendResult, project_table: pd.DataFrame, by_month: pd.DataFrame | None = None) -> TrendsView:
    """The Trends sheet; `by_month`: `rag_by_month(trends.projects)` when already made (see `rag_history_codes`)."""
    labels = [f"{m:%b %y} {BASIS_MARK.get(trends.basis.get(m, ''), '')}".rstrip() for m in trends.months]
    # rag_overall, status and bac ride along unprinted: the print edition cuts the strip by them.
    order = project_table[["project_id", "name", "programme", "rag_overall", "status", "bac"]]
    by_month = by_month if by_month is not None or not len(trends.projects) else rag_by_month(trends.projects)
    wide = (by_month.reindex(columns=trends.months) if len(trends.projects)
            else pd.DataFrame(columns=trends.months, index=pd.Index([], name="project_id")))
    wide.columns = labels
    strip = order.merge(wide.reset_index(), on="project_id", how="left")
    drift = order.drop(columns=["bac"]).merge(trends.drift, on="project_id", how="inner")
    flagged = drift["flag"].fillna("").astype(str) != ""
    drift = drift.assign(_unflagged=~flagged).sort_values("_unflagged", kind="mergesort").drop(columns="_unflagged").reset_index(drop=True)
    return TrendsView(
        months=trends.months, month_labels=labels, basis_note=basis_note(trends), rag_strip=strip, drift=drift,
        mta=build_mta(trends, project_table), last_period_note=last_period_note(trends),
        thresholds=trends.thresholds,
    )


HISTORY_CODES: Final = {"Green": "G", "Amber": "A", "Red": "R"}
NO_FIGURES: Final = "-"


def rag_history_codes(trends: TrendResult | None, project_ids: pd.Series, by_month: pd.DataFrame | None = None) -> list[str]:
    """Per project, its overall RAG in each month of the window as one letter (G, A, R; '-' without figures).

    The Portfolio sheet draws it as a strip of coloured squares, oldest month first. `by_month`:
    `rag_by_month(trends.projects)` when already made (the Trends sheet's strip needs it too)."""
    if trends is None or not trends.months:
        return [""] * len(project_ids)
    by_month = by_month if by_month is not None or not len(trends.projects) else rag_by_month(trends.projects)
    wide = (by_month.reindex(index=project_ids.to_numpy(), columns=trends.months) if len(trends.projects)
            else pd.DataFrame(index=project_ids.to_numpy(), columns=trends.months))
    rags = wide.to_numpy(dtype=object)
    letters = np.full(rags.shape, NO_FIGURES, dtype=object)
    for rag, code in HISTORY_CODES.items():
        letters[rags == rag] = code
    return ["".join(row) for row in letters.tolist()]


def rag_by_month(projects: pd.DataFrame) -> pd.DataFrame:
    """Each project's overall RAG per month: the first one given (a pivot_table's "first", without its groupby)."""
    known = projects.loc[projects["rag"].notna() & projects["project_id"].notna() & projects["period"].notna(),
                         ["project_id", "period", "rag"]]
    return known.drop_duplicates(["project_id", "period"]).pivot(index="project_id", columns="period", values="rag")


def basis_note(trends: TrendResult) -> str:
    """One sentence: the months shown as reported, the months recomputed, and this report's month."""
    by_basis: dict[str, list[str]] = {}
    for month in trends.months:
        by_basis.setdefault(trends.basis.get(month, "no figures"), []).append(f"{month:%b %y}")
    parts = []
    for basis, text in (("As reported", "as reported (AR: closed, from History)"),
                        ("Recomputed", "recomputed (RC: from today's registers)"), (THIS_REPORT, "this report (now)")):
        if basis in by_basis:
            parts.append(f"{text}: {', '.join(by_basis[basis])}")
    return "Months shown " + "; ".join(parts) + "." if parts else "No figures in the window."


def last_period_note(trends: TrendResult) -> str:
    month = f"{trends.months[-2]:%b %y}" if len(trends.months) > 1 else "last period"
    if trends.closed_before:
        return (f"Last period ({month}) is closed: the dashboard's changes and the drift compare with its figures in History, "
                f"{trends.closed_before}.")
    return f"Last period ({month}) was not closed: the dashboard's changes and the drift compare with it recomputed from today's registers."


def build_mta(trends: TrendResult, project_table: pd.DataFrame) -> list[MtaChart]:
    """A chart per programme (blank programme last), its milestones with most movement first."""
    points = trends.milestones
    if not len(points):
        return []
    programmes = project_table.drop_duplicates("project_id").set_index("project_id")["programme"]
    points = points.assign(programme=points["project_id"].map(programmes).fillna("(no programme)"))
    points = points[points["project_id"].isin(programmes.index)]
    if not len(points):
        return []
    # One pivot for every programme, cut by programme after: a milestone belongs to one project,
    # so its row is the one its programme's own pivot would give.
    every = points.pivot_table(index=["project_id", "milestone"], columns="period", values="forecast_date", aggfunc="first")
    every = every.reindex(columns=trends.months).astype("datetime64[ns]")
    by_milestone = points.groupby(["project_id", "milestone"])
    programme_of_row = by_milestone["programme"].first().reindex(every.index).to_numpy()
    baselines = by_milestone["baseline_date"].first()
    # Each milestone's movement (days between its earliest and latest forecast) and slip (last forecast
    # against baseline), once for every row: a row's figures do not depend on its programme.
    forecasts = every.to_numpy()
    known = ~np.isnat(forecasts)
    latest = np.where(known, forecasts, np.datetime64(-(2**63) + 1, "ns")).max(axis=1)  # the first and last datetime64[ns]
    earliest = np.where(known, forecasts, np.datetime64(2**63 - 1, "ns")).min(axis=1)
    movement = np.where(known.any(axis=1), _whole_days(latest - earliest), 0)
    slip = _whole_days(forecasts[:, -1] - pd.to_datetime(baselines.reindex(every.index)).to_numpy())
    # Most movement first, then most slip; ties in the pivot's order (np.lexsort is stable).
    ranked = np.lexsort((-slip, -movement))
    charts = []
    for programme in _programme_order(points["programme"]):
        in_programme = ranked[programme_of_row[ranked] == programme]
        chosen = every.iloc[in_programme[:MTA_LINES]]
        project_id, milestone, forecasts = chosen.index.get_level_values(0), chosen.index.get_level_values(1), chosen.to_numpy()
        lines = pd.DataFrame({"label": project_id + " " + milestone.astype(str), "project_id": project_id, "milestone": milestone,
                              **{month: forecasts[:, k] for k, month in enumerate(trends.months)}})
        charts.append(MtaChart(programme, trends.months, lines, max(0, len(in_programme) - MTA_LINES)))
    return charts


def _whole_days(delta: np.ndarray) -> np.ndarray:
    """Timedeltas as whole days, floored as pandas' `.dt.days` does; 0 where not known (NaT)."""
    days = delta.astype("timedelta64[ns]").view("int64") // (86_400 * 10**9)
    return np.where(np.isnat(delta), 0, days)


def _programme_order(programmes: pd.Series) -> list[str]:
    names = sorted(p for p in programmes.unique() if p != "(no programme)")
    return names + (["(no programme)"] if (programmes == "(no programme)").any() else [])


def with_closed_previous(kpis: list[Kpi], trends: TrendResult | None) -> list[Kpi]:
    """The dashboard tiles with last period's figure as reported where that month was closed."""
    if trends is None or not trends.kpis_before:
        return kpis
    out = []
    for kpi in kpis:
        closed = trends.kpis_before.get(kpi.key)
        if closed is None:
            out.append(kpi)
            continue
        note = "last period as reported" if kpi.key == "errors" else kpi.note
        out.append(dataclasses.replace(kpi, previous=float(closed) if np.isfinite(closed) else float("nan"), note=note))
    return out
