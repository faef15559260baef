"""Freeze one computed month into History rows: the figures exactly as the report shows them.

`freeze_period(run, model, stamp)` reads only what the report stages produced — the computed
`Results` and the `ReportModel` built from them — so a closed month holds the numbers the pack
of that month printed, never a second computation that could disagree with it. Pure: frames in,
frames out, no file and no Excel library.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pmo_xl.compute.milestones.core import CLOSED
from pmo_xl.report.model import ReportModel
from pmo_xl.results import Run
from pmo_xl.schema.columns import Register
from pmo_xl.schema.history import HISTORY, HISTORY_KPIS, HISTORY_MILESTONES

# Project-table (Portfolio sheet) column -> History field, where the names differ.
_FROM_TABLE = {"rag_overall": "rag", "overall_reason": "rag_reason", "rag_index": "rag_index"}
# Earned-value current-row column -> History field.
_FROM_EV = {"pv": "pv", "ev": "ev", "ac": "ac", "etc": "etc", "es": "es", "forecast_finish": "forecast_finish",
            "tcpi_bac": "tcpi", "pct_complete": "pct_complete", "rag_reason": "rag_index_reason"}
SEVERITY_KPIS = (("error", "Data quality: errors"), ("warning", "Data quality: warnings"), ("info", "Data quality: notes"))


@dataclass(frozen=True)
class Stamp:
    """How the rows of one closed month came to be: basis, day closed and pmo-xl version."""

    basis: str
    closed_on: dt.date
    version: str


@dataclass(frozen=True)
class Frozen:
    """One month's History rows, one frame per History table, columns in schema order."""

    period: pd.Timestamp
    projects: pd.DataFrame
    milestones: pd.DataFrame
    kpis: pd.DataFrame

    def frame(self, register: Register) -> pd.DataFrame:
        return {HISTORY.name: self.projects, HISTORY_MILESTONES.name: self.milestones, HISTORY_KPIS.name: self.kpis}[register.name]


def freeze_period(run: Run, model: ReportModel, stamp: Stamp) -> Frozen:
    """The History rows of the run's reporting month."""
    results = run.results
    if results is None or results.period is None:
        raise ValueError("the run has no reporting period: there is nothing to close")
    period = results.period
    return Frozen(
        period=period,
        projects=_stamped(project_rows(run, model), HISTORY, period, stamp),
        milestones=_stamped(milestone_rows(run), HISTORY_MILESTONES, period, stamp),
        kpis=_stamped(kpi_rows(model), HISTORY_KPIS, period, stamp),
    )


def project_rows(run: Run, model: ReportModel) -> pd.DataFrame:
    """One row per project of the Portfolio sheet, with its earned-value and risk figures."""
    table = model.portfolio.rename(columns=_FROM_TABLE)
    keep = ["project_id", "name", "programme", "status", "phase", "bac", "eac", "vac", "cpi", "spi", "spi_t", "rag",
            "rag_reason", "rag_index", "rag_scope", "rag_schedule", "rag_cost", "rag_resources"]
    rows = table[[c for c in keep if c in table.columns]].copy()
    results = run.results
    ev = results.earned_value.now if results is not None else None
    if ev is not None and len(ev.current):
        current = ev.current.drop_duplicates("project_id")[["project_id", *_FROM_EV]].rename(columns=_FROM_EV)
        rows = rows.merge(current, on="project_id", how="left")
    risks = results.risks.now if results is not None else None
    if risks is not None and len(risks.by_project):
        by_project = risks.by_project[["project_id", "open", "max_score"]].rename(columns={"open": "open_risks", "max_score": "top_risk_score"})
        rows = rows.merge(by_project, on="project_id", how="left")
        rows["open_risks"] = rows["open_risks"].fillna(0)
    elif risks is not None:
        rows["open_risks"] = 0.0
    return rows


def milestone_rows(run: Run) -> pd.DataFrame:
    """One row per milestone still to trend: open, or achieved this month (forecast blank = on baseline)."""
    results = run.results
    milestones = results.milestones.now if results is not None else None
    if milestones is None or not len(milestones.table):
        return pd.DataFrame(columns=["project_id", "milestone"])
    table = milestones.table.sort_values(["project_id", "milestone"], kind="mergesort")
    # A milestone achieved before the month, or of a closed project, has no more forecast to trend:
    # its line ended (and its last point is in History already). Kept out, History stays small.
    done = table["achieved"].astype(bool) & (table["actual_date"] < results.period)
    table = table[~done & (table["status"] != CLOSED)]
    forecast = table["forecast_date"].where(table["forecast_date"].notna(), table["baseline_date"])
    # Seen from the status date an actual date after it is not achieved yet (compute/milestones).
    actual = table["actual_date"].where(table["achieved"].astype(bool))
    return pd.DataFrame({"project_id": table["project_id"], "milestone": table["milestone"], "baseline_date": table["baseline_date"],
                         "forecast_date": forecast, "actual_date": actual}).reset_index(drop=True)


def kpi_rows(model: ReportModel) -> pd.DataFrame:
    """The dashboard tiles, the data-quality counts and each team's utilisation in the status month."""
    keys = [k.key for k in model.kpis]
    labels = [k.label for k in model.kpis]
    values = [k.value for k in model.kpis]
    for severity, label in SEVERITY_KPIS:
        keys.append(f"data_quality:{severity}")
        labels.append(label)
        values.append(float(model.data_quality.counts.get(severity, 0)))
    teams = model.team_utilisation
    if len(teams) and len(teams.columns) > 1:
        month = teams.columns[1]  # the status month: the first month shown
        for team, value in zip(teams["team"].tolist(), teams[month].tolist(), strict=True):
            keys.append(f"utilisation:{team}")
            labels.append(f"Utilisation: {team}")
            values.append(value)
    return pd.DataFrame({"kpi": keys, "label": labels, "value": pd.Series(values, dtype="float64")})


def _stamped(rows: pd.DataFrame, register: Register, period: pd.Timestamp, stamp: Stamp) -> pd.DataFrame:
    """`rows` in the register's columns (missing ones blank), with the period and the stamp."""
    out = pd.DataFrame(index=rows.index)
    for field in register.fields:
        if field in rows.columns:
            out[field] = rows[field].to_numpy()
        else:
            out[field] = np.nan
    out["period"] = period
    out["basis"] = stamp.basis
    out["closed_on"] = pd.Timestamp(stamp.closed_on)
    out["version"] = stamp.version
    return out.reset_index(drop=True)


def cell_rows(frame: pd.DataFrame) -> list[list[object]]:
    """A History frame as cell values for the writer: dates as `datetime.date`, blanks as None."""
    columns = []
    for name in frame.columns:
        series = frame[name]
        if pd.api.types.is_datetime64_any_dtype(series):
            columns.append([None if pd.isna(v) else v.date() for v in series])
        else:
            columns.append([_plain(v) for v in series.tolist()])
    return [list(row) for row in zip(*columns, strict=True)] if columns else []


def _plain(value: object) -> object:
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, np.generic):
        return value.item()
    return value
