"""Report-model pieces of the Dashboard (KPI tiles with their change, chart series) and of the Exceptions sheet (the exceptions list).

Which figures (each also recomputed for the month before, as last period's value):
  - projects active or on hold: status Active or On hold and started by the end of the month;
  - BAC, EAC, VAC, CPI, SPI, SPI(t): the earned-value roll-up of the portfolio (sums first,
    ratios of the sums; projects with progress), as the Earned Value sheet shows it;
  - red / amber projects: active projects by overall RAG (see model_views);
  - over-allocated people: resources above the overload threshold (or with demand and no
    capacity) in any loading period of the month;
  - high risks: open risks scoring at least Settings.high_risk_score, named in the Risks sheet's
    band names where that score starts a band (`high_risks_name`);
  - milestones slipped or missed (see compute/milestones/; last period: seen from its status date);
  - progress updates not in: active projects, started by the month end, with no Progress row for
    the month;
  - data-quality errors: issues of severity error. The workbook keeps no history of its
    errors, so this tile has no change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

from pmo_xl.compute.risk import high_risks_name
from pmo_xl.report.model_views import ACTIVE, DataQualityView, ResourcesView, utilisation_by_period

if TYPE_CHECKING:
    from pmo_xl.compute.earned_value import EarnedValueResult
    from pmo_xl.compute.milestones import MilestoneResult
    from pmo_xl.model import Portfolio
    from pmo_xl.results import Results

RAG_ORDER: Final = ("Red", "Amber", "Green", "Not rated")
EXCEPTION_ORDER: Final = ("Left out", "Red project", "Update late", "Update missing", "Milestone missed", "Milestone slipped",
                          "Over-allocated")
TEAM_MONTHS: Final = 3
MAX_PER_KIND: Final = 10
EXCEPTION_SHEETS: Final = {"Left out": "Data Quality", "Red project": "Portfolio", "Update late": "Portfolio", "Update missing": "Portfolio",
                           "Milestone missed": "Milestones", "Milestone slipped": "Milestones", "Over-allocated": "Resources"}


@dataclass(frozen=True)
class Kpi:
    """One dashboard tile: a figure now and last period (NaN when undefined)."""

    key: str
    label: str
    value: float
    previous: float
    kind: str  # "count", "money" or "ratio": how the writer formats it
    higher_is_better: bool | None  # colours the change; None: neither
    note: str = ""

    @property
    def change(self) -> float:
        if np.isfinite(self.value) and np.isfinite(self.previous):
            return float(self.value - self.previous)
        return float("nan")

    @property
    def improved(self) -> bool | None:
        """True / False when the change is for the better / worse; None when flat or unknown."""
        change = self.change
        if self.higher_is_better is None or not np.isfinite(change) or abs(change) < 1e-12:
            return None
        return (change > 0) == self.higher_is_better


def _number(value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")
    return number if np.isfinite(number) else float("nan")


def _portfolio_row(ev: EarnedValueResult | None) -> dict[str, float]:
    if ev is None or not len(ev.rollup):
        return {}
    rows = ev.rollup[ev.rollup["level"] == "portfolio"]
    return {k: _number(v) for k, v in rows.iloc[0].items()} if len(rows) else {}


def _active_count(portfolio: Portfolio, period: pd.Timestamp | None) -> float:
    if period is None:
        return float("nan")
    projects = portfolio.projects.drop_duplicates("project_id")
    started = projects["start"].isna() | (projects["start"] <= period + pd.offsets.MonthEnd(0))
    return float((projects["status"].isin(ACTIVE) & started).sum())


def _rag_count(table: pd.DataFrame, column: str, rag: str) -> float:
    if column not in table:
        return float("nan")
    return float(((table[column] == rag) & table["active"]).sum())


def build_kpis(
    *, project_table: pd.DataFrame, results: Results, resources: ResourcesView | None, data_quality: DataQualityView,
) -> list[Kpi]:
    """The Dashboard tiles: each figure of the reporting month beside the same figure a month before."""
    portfolio, period, previous_period = results.portfolio.now, results.period, results.previous_period
    ev, ev_before = results.earned_value.now, results.earned_value.before
    risks, risks_before = results.risks.now, results.risks.before
    milestones, milestones_before = results.milestones.now, results.milestones.before
    now, before = _portfolio_row(ev), _portfolio_row(ev_before)
    nan = float("nan")
    projects_note = f"{int(now['projects'])} projects with progress" if np.isfinite(now.get("projects", nan)) else "no progress"
    kpis = [
        Kpi("active", "Projects active or on hold", _active_count(portfolio, period), _active_count(portfolio, previous_period), "count",
            None, "started by the month end"),
        Kpi("bac", "Budget (BAC)", now.get("bac", nan), before.get("bac", nan), "money", None, projects_note),
        Kpi("eac", "Forecast (EAC)", now.get("eac", nan), before.get("eac", nan), "money", False),
        Kpi("vac", "Variance at completion", now.get("vac", nan), before.get("vac", nan), "money", True, "BAC − EAC"),
        Kpi("cpi", "Cost performance (CPI)", now.get("cpi", nan), before.get("cpi", nan), "ratio", True),
        Kpi("spi", "Schedule performance (SPI)", now.get("spi", nan), before.get("spi", nan), "ratio", True),
        Kpi("spi_t", "Earned schedule SPI(t)", now.get("spi_t", nan), before.get("spi_t", nan), "ratio", True),
        Kpi("red", "Red projects", _rag_count(project_table, "rag_overall", "Red"), _rag_count(project_table, "rag_previous", "Red"), "count", False,
            "active or on hold"),
        Kpi("amber", "Amber projects", _rag_count(project_table, "rag_overall", "Amber"), _rag_count(project_table, "rag_previous", "Amber"), "count",
            False, "active or on hold"),
        Kpi("over", "Over-allocated people",
            float(len(resources.over_now)) if resources is not None else nan,
            float(len(resources.over_before)) if resources is not None else nan, "count", False),
        Kpi("risks", f"{high_risks_name(portfolio.settings.high_risk_score)} (open)",
            float(risks.high_count) if risks is not None else nan,
            float(risks_before.high_count) if risks_before is not None else nan, "count", False,
            f"score ≥ {risks.high_score}" if risks is not None else ""),
        Kpi("milestones", "Milestones slipped or missed",
            _milestone_count(milestones), _milestone_count(milestones_before), "count", False),
        Kpi("updates", "Progress updates not in",
            float(_missing_count(project_table, portfolio, period)),
            float(_missing_count(project_table, portfolio, previous_period)), "count", False),
        Kpi("errors", "Data-quality errors", float(data_quality.counts.get("error", 0)), nan, "count", False, "no history kept"),
    ]
    return kpis


def build_rag_counts(table: pd.DataFrame) -> pd.DataFrame:
    """Active projects per overall RAG, this period and last."""
    active = table[table["active"]]
    this = active["rag_overall"].fillna("Not rated").value_counts()
    last = active["rag_previous"].fillna("Not rated").value_counts()
    return pd.DataFrame({
        "rag": list(RAG_ORDER),
        "this_period": [int(this.get(r, 0)) for r in RAG_ORDER],
        "last_period": [int(last.get(r, 0)) for r in RAG_ORDER],
    })


def build_scatter(table: pd.DataFrame) -> pd.DataFrame:
    """Active projects with both CPI and SPI, for the CPI-vs-SPI chart."""
    rows = table[table["active"] & np.isfinite(table["cpi"].astype(float)) & np.isfinite(table["spi"].astype(float))]
    return rows[["project_id", "name", "rag_overall", "spi", "cpi"]].rename(columns={"rag_overall": "rag"}).reset_index(drop=True)


def build_team_utilisation(resources: ResourcesView | None) -> pd.DataFrame:
    """Team utilisation for the status month and the next two (monthly, whatever the loading grain)."""
    if resources is None or not resources.current:
        return pd.DataFrame(columns=["team"])
    first = resources.current[0].to_period("M").start_time
    months = [first + pd.DateOffset(months=k) for k in range(TEAM_MONTHS)]
    frame = resources.group_month["team"]
    return utilisation_by_period(frame, "team", months).rename_axis("team").reset_index()


def build_exceptions(
    table: pd.DataFrame, milestones: MilestoneResult | None, resources: ResourcesView | None, portfolio: Portfolio,
    period: pd.Timestamp | None, status_date: dt.date | None,
) -> pd.DataFrame:
    """What the steering committee should look at, each with its reason: kind, id, name, item, reason.

    First what is missing from every figure (projects and people left out by an error at their
    row), then red projects, late updates, milestones and over-allocated people.

    At most MAX_PER_KIND rows of each kind, the most material first (red projects by budget,
    slips by size, people by excess hours); a last row per kind says how many more there are
    and on which sheet. The full lists are on the Portfolio, Milestones and Resources sheets.
    """
    parts: list[pd.DataFrame] = [_left_out(portfolio)]
    red = table[table["active"] & (table["rag_overall"] == "Red")].sort_values(["bac", "project_id"], ascending=[False, True], kind="mergesort")
    parts.append(pd.DataFrame({"kind": "Red project", "id": red["project_id"], "name": red["name"], "item": "",
                               "reason": red["overall_reason"].fillna("")}))
    parts.append(_late_updates(table, portfolio, period, status_date))
    if milestones is not None:
        for kind, frame in (("Milestone missed", milestones.missed), ("Milestone slipped", milestones.slipped)):
            parts.append(pd.DataFrame({"kind": kind, "id": frame["project_id"], "name": frame["project"],
                                       "item": frame["milestone"], "reason": _shown_only(_milestone_reason, frame, kind)}))
    if resources is not None and resources.current:
        parts.append(_overloaded(resources))
    frames = [p for p in parts if len(p)]
    if not frames:
        return pd.DataFrame(columns=["kind", "id", "name", "item", "reason"])
    out = pd.concat(frames, ignore_index=True)
    out["_kind"] = out["kind"].map({k: i for i, k in enumerate(EXCEPTION_ORDER)})
    out = out.sort_values(["_kind"], kind="mergesort").drop(columns="_kind")
    capped = [_capped(group, EXCEPTION_SHEETS[kind]) for kind, group in out.groupby("kind", sort=False)]
    return pd.concat(capped, ignore_index=True)


def _left_out(portfolio: Portfolio) -> pd.DataFrame:
    """Projects and people left out of every figure by an error at their row, with the true
    reason and what left with them: first on the list, since every other figure is without them."""
    from pmo_xl.checks.cascade import left_out

    items = left_out(portfolio)
    if not items:
        return pd.DataFrame()
    kinds = {"Projects": "project", "Resources": "person"}
    return pd.DataFrame({"kind": "Left out", "id": [i.key for i in items], "name": "",
                         "item": [kinds.get(i.register, i.register) for i in items],
                         "reason": [i.detail for i in items]})


def _capped(frame: pd.DataFrame, sheet: str) -> pd.DataFrame:
    """The first MAX_PER_KIND rows, and a row saying how many more there are and where."""
    if len(frame) <= MAX_PER_KIND:
        return frame
    more = len(frame) - MAX_PER_KIND
    kind = frame["kind"].iloc[0]
    tail = pd.DataFrame({"kind": [kind], "id": [""], "name": [f"… and {more} more"], "item": [""],
                         "reason": [f"{len(frame)} in all: see the {sheet} sheet"]})
    return pd.concat([frame.head(MAX_PER_KIND), tail], ignore_index=True)


def _milestone_count(result: MilestoneResult | None) -> float:
    return float(len(result.slipped) + len(result.missed)) if result is not None else float("nan")


def _day(value: object) -> str:
    return pd.Timestamp(value).strftime("%d %b %Y").lstrip("0") if pd.notna(value) else ""


def _shown_only(reasons, frame: pd.DataFrame, *args: object) -> list[str]:  # type: ignore[no-untyped-def]
    """`reasons(frame, ...)` for the rows shown, the first MAX_PER_KIND of the kind (`frame` is
    one kind in the order shown); the rows past them are only counted, so their reason stays ""."""
    return [*reasons(frame.head(MAX_PER_KIND), *args), *[""] * max(0, len(frame) - MAX_PER_KIND)]


def _milestone_reason(frame: pd.DataFrame, kind: str) -> list[str]:
    if kind == "Milestone missed":
        return [f"Due {_day(c)} ({abs(int(d))} days ago) with no actual date" for c, d in zip(frame["current_date"], frame["days_to_go"], strict=True)]
    return [f"Forecast {_day(c)}, {int(s)} days after baseline {_day(b)}" for c, s, b in
            zip(frame["current_date"], frame["slip_days"], frame["baseline_date"], strict=True)]


def _missing_count(table: pd.DataFrame, portfolio: Portfolio, period: pd.Timestamp | None) -> int:
    """How many projects `_missing_updates` lists (the dashboard tile needs no last update)."""
    return len(_without_update(table, portfolio, period)) if period is not None else 0


def _without_update(table: pd.DataFrame, portfolio: Portfolio, period: pd.Timestamp) -> pd.DataFrame:
    """Active projects, started by the end of `period`, with no progress row for it."""
    end = period + pd.offsets.MonthEnd(0)
    live = table[(table["status"] == "Active") & (table["start"].isna() | (table["start"] <= end))]
    # Only the two columns of Progress are read: a filter of the whole register copies every column.
    progress = portfolio.progress[["project_id", "period"]]
    reported = set(progress.loc[progress["period"] == period, "project_id"])
    return live[~live["project_id"].isin(reported)]


def _missing_updates(table: pd.DataFrame, portfolio: Portfolio, period: pd.Timestamp | None) -> pd.DataFrame:
    """Active projects, started by the end of `period`, with no progress row for it; with their last update."""
    if period is None:
        return table.iloc[0:0].assign(last_update=pd.Series(dtype="datetime64[ns]"))
    missing = _without_update(table, portfolio, period)
    progress = portfolio.progress[["project_id", "period"]]
    earlier = progress[(progress["period"] < period) & progress["project_id"].isin(set(missing["project_id"]))]
    last = earlier.groupby("project_id")["period"].max()
    # dict lookup, not Series.map: pandas 3 fails to map through an empty datetime Series (no earlier month)
    return missing.assign(last_update=pd.to_datetime(missing["project_id"].map(last.to_dict()), errors="coerce"))


def _late_updates(table: pd.DataFrame, portfolio: Portfolio, period: pd.Timestamp | None, status_date: dt.date | None) -> pd.DataFrame:
    """Missing progress: late once its due date (month end + Settings.update_due_days) has passed
    or an earlier month is missing too; otherwise still to come."""
    missing = _missing_updates(table, portfolio, period)
    if period is None or not len(missing):
        return pd.DataFrame()
    due = (period + pd.offsets.MonthEnd(0) + pd.Timedelta(days=int(portfolio.settings.update_due_days))).date()
    overdue = status_date is not None and status_date > due
    previous = period - pd.DateOffset(months=1)
    kinds, reasons = [], []
    for last in missing["last_update"]:
        if pd.isna(last):
            kinds.append("Update late" if overdue else "Update missing")
            reasons.append(f"No progress ever reported; {period:%b %Y} due {_day(due)}")
        elif pd.Timestamp(last) < previous:
            gap = (period.year - last.year) * 12 + period.month - last.month
            kinds.append("Update late")
            reasons.append(f"No progress since {pd.Timestamp(last):%b %Y}: {gap} monthly updates missing")
        else:
            kinds.append("Update late" if overdue else "Update missing")
            reasons.append(f"No progress for {period:%b %Y} yet (due {_day(due)})")
    out = pd.DataFrame({"kind": kinds, "id": missing["project_id"].to_numpy(), "name": missing["name"].to_numpy(),
                        "item": "", "reason": reasons, "_last": missing["last_update"].to_numpy()})
    out = out.sort_values(["kind", "_last", "id"], na_position="first", kind="mergesort")
    return out.drop(columns="_last").reset_index(drop=True)


def _distinct(value: float, limit: float, thousands: bool = False) -> str:
    """`value` with as few decimals (0 to 2) as print it apart from the `limit` it is over.

    176.4 h against 176 h reads "176.4 h of 176 h", never "176 h of 176 h"; 100.3 % against a
    threshold of 100 % reads "100.3%". Over-allocation starts 0.01 h above the limit, so two
    decimals always tell them apart.
    """
    decimals = 0
    while decimals < 2 and round(value, decimals) <= round(limit, decimals):
        decimals += 1
    return f"{value:{',' if thousands else ''}.{decimals}f}"


def _overloaded(resources: ResourcesView) -> pd.DataFrame:
    """One row per person over-allocated in the status month: the worst period, with its causes."""
    over = resources.overallocations
    month = resources.current[0].to_period("M")
    rows = over[over["period"].dt.to_period("M") == month]
    if not len(rows):
        return pd.DataFrame()
    rows = rows.sort_values(["resource_id", "excess_hours"], ascending=[True, False], kind="mergesort").drop_duplicates("resource_id")
    rows = rows.sort_values(["excess_hours", "resource_id"], ascending=[False, True], kind="mergesort")
    return pd.DataFrame({"kind": "Over-allocated", "id": rows["resource_id"], "name": rows["name"],
                         "item": _shown_only(_overload_month, rows, resources.grain),
                         "reason": _shown_only(_overload_reason, rows, resources.threshold)})


def _overload_month(rows: pd.DataFrame, grain: str) -> list[str]:
    return [f"{p:%b %Y}" if grain == "Month" else f"{p:%d %b %Y}" for p in rows["period"]]


def _overload_reason(rows: pd.DataFrame, threshold: float) -> list[str]:
    reasons = []
    for util, demand, capacity, causes, note in zip(rows["utilisation"], rows["demand_hours"], rows["capacity_hours"], rows["causes"], rows["note"], strict=True):
        if np.isfinite(util):
            load = (f"{_distinct(100 * util, 100 * threshold)}% of capacity "
                    f"({_distinct(demand, capacity * threshold, thousands=True)} h of {capacity:,.0f} h)")
        else:
            load = f"{_distinct(demand, 0.0, thousands=True)} h with no capacity ({note})"
        reasons.append(f"{load}: {causes}" if isinstance(causes, str) and causes else load)
    return reasons
