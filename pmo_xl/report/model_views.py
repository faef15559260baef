"""Report-model tables for the Portfolio, Earned Value, Resources, Priorities and Data Quality sheets.

Each `build_*` takes computation results and returns DataFrames in the order and with the
columns the sheet shows. Undefined figures stay NaN; the writer leaves them blank.

Overall RAG (Portfolio sheet, dashboard counts, exceptions): the worst of the RAG computed from
the indices (CPI, SPI, SPI(t), TCPI against the Settings thresholds) and the four RAGs the PM
reported for the month (scope, schedule, cost, resources). The PM's own overall RAG from the
Projects register is shown beside it but not folded in, because it has no history: the trend
arrow compares the overall RAG with the same rating one month earlier.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

from pmo_xl.compute.lookup import numbers_of
from pmo_xl.issues import Issue, Severity, issue_table, sort_issues

if TYPE_CHECKING:
    from pmo_xl.compute.earned_value import EarnedValueResult
    from pmo_xl.compute.loading import LoadingResult
    from pmo_xl.compute.priority import PriorityResult
    from pmo_xl.model import Portfolio

RAG_LEVEL: Final = {"Green": 0, "Amber": 1, "Red": 2}
RAG_NAMES: Final = np.array(["Green", "Amber", "Red"], dtype=object)
PM_DIMENSIONS: Final = (("rag_scope", "scope"), ("rag_schedule", "schedule"), ("rag_cost", "cost"), ("rag_resources", "resources"))
BETTER, WORSE, SAME = "▲", "▼", "►"
INDEX_RAGS: Final = (("rag_cpi", "CPI"), ("rag_spi", "SPI"), ("rag_spi_t", "SPI(t)"), ("rag_tcpi", "TCPI"))
TCPI_UNACHIEVABLE: Final = "unachievable"
ACTIVE: Final = ("Active", "On hold")
# Every rating folded into the overall one, with its name: the indices, then the PM's four.
RATED: Final = (*INDEX_RAGS, *((column, f"PM {label}") for column, label in PM_DIMENSIONS))
CURVE_PROJECTS: Final = 4
LIST_MONTHS: Final = 3  # over-allocations listed: the status month and the two after it
LISTED_PER_CHECK: Final = 25
# Heat-map window: periods shown before the status period, and how many in all, per grain.
WINDOW: Final = {"Day": (5, 31), "Week": (4, 26), "Month": (2, 12), "Quarter": (1, 8)}


def rag_level(values: pd.Series) -> np.ndarray:
    """0 Green, 1 Amber, 2 Red, NaN for anything else (blank, not rated)."""
    return numbers_of(values, RAG_LEVEL)


def _worst(levels: list[np.ndarray]) -> np.ndarray:
    stacked = np.vstack(levels)
    any_rated = np.isfinite(stacked).any(axis=0)
    return np.where(any_rated, np.nanmax(np.where(np.isfinite(stacked), stacked, -1.0), axis=0), np.nan)


def _overall(ev_current: pd.DataFrame, progress: pd.DataFrame, with_reasons: bool = True) -> pd.DataFrame:
    """Per project in `ev_current`: PM dimension RAGs and commentary of that month, overall level and
    reason (no reason column without `with_reasons`: last month's ratings are only compared)."""
    dims = [d for d, _ in PM_DIMENSIONS]
    frame = ev_current[["project_id", "period", "rag", "rag_reason", *(c for c, _ in INDEX_RAGS if c in ev_current)]].merge(
        progress[["project_id", "period", *dims, "commentary"]].drop_duplicates(["project_id", "period"]), how="left",
        on=["project_id", "period"])
    levels = [rag_level(frame["rag"])] + [rag_level(frame[d]) for d in dims]
    worst = _worst(levels)
    frame["overall_level"] = worst
    if with_reasons:
        frame["overall_reason"] = _overall_reasons(frame, levels, worst)
    # Which ratings were given (a bit each): an arrow may only say "better" when it compares the
    # same ratings, never because a rating disappeared (a TCPI blank, a PM rating not typed).
    rated = np.zeros(len(frame), dtype=np.int64)
    for bit, (column, _) in enumerate(RATED):
        if column in frame:
            rated |= frame[column].isin(list(RAG_LEVEL)).to_numpy().astype(np.int64) << bit
    frame["rated"] = rated
    return frame


def _overall_reasons(frame: pd.DataFrame, levels: list[np.ndarray], worst: np.ndarray) -> list[str]:
    reasons: list[str] = []
    index_reason = frame["rag_reason"].fillna("").to_numpy(dtype=object)
    for i, level in enumerate(worst.tolist()):
        if level != level:  # NaN: nothing rated
            reasons.append("")
            continue
        parts = [index_reason[i]] if levels[0][i] == level and level > 0 else []
        reported = [label for (d, label), lv in zip(PM_DIMENSIONS, levels[1:], strict=True) if lv[i] == level]
        if reported and level > 0:
            parts.append(f"PM reports {' and '.join(reported)} {RAG_NAMES[int(level)]}")
        if level == 0:
            parts = ["all indices and PM ratings green"]
        reasons.append("; ".join(p for p in parts if p))
    return reasons


def build_portfolio_table(
    portfolio: Portfolio, period: pd.Timestamp | None, ev: EarnedValueResult | None,
    ev_before: EarnedValueResult | None, priorities: PriorityResult | None,
) -> pd.DataFrame:
    """One row per project, ordered by programme then project ID (blank programme last)."""
    projects = portfolio.projects.drop_duplicates("project_id")
    table = projects[["project_id", "name", "programme", "business_unit", "manager", "status", "phase", "start", "finish", "bac"]].copy()
    table["rag_pm"] = projects["rag"].to_numpy()
    ev_cols = ["eac", "vac", "cpi", "spi", "spi_t"]
    if ev is not None and len(ev.current):
        ev_current = plain(ev.current)
        now = _overall(ev_current, portfolio.progress)
        current = ev_current[["project_id", "period", *ev_cols, "rag", "stale"]].rename(columns={"period": "as_of", "rag": "rag_index"})
        current = current.merge(now.drop(columns=["period", "rag", "rag_reason", *(c for c, _ in INDEX_RAGS if c in now)]),
                                on="project_id", how="left")
        table = table.merge(current, on="project_id", how="left")
    else:
        for name in [*ev_cols, "as_of", "rag_index", "stale", *(d for d, _ in PM_DIMENSIONS), "commentary", "overall_level",
                     "overall_reason"]:
            table[name] = np.nan
    stale = (table["stale"].astype("boolean").fillna(False).astype(bool) & table["as_of"].notna()).to_numpy()
    if stale.any():
        as_of = pd.to_datetime(table.loc[stale, "as_of"]).dt.strftime("%b %Y")
        table.loc[stale, "overall_reason"] = "figures of " + as_of + " (no later progress); " + table.loc[stale, "overall_reason"].fillna("")
    level = table["overall_level"].to_numpy(dtype=np.float64)
    table["rag_overall"] = np.where(np.isfinite(level), RAG_NAMES[np.nan_to_num(level, nan=0).astype(int)], None)
    previous = np.full(len(table), np.nan)
    lost = np.zeros(len(table), dtype=np.int64)  # ratings given last month and not this month
    if ev_before is not None and len(ev_before.current):
        before = _overall(plain(ev_before.current), portfolio.progress, with_reasons=False).set_index("project_id")
        previous = table["project_id"].map(before["overall_level"]).to_numpy(dtype=np.float64)
        rated_before = table["project_id"].map(before["rated"]).fillna(0).to_numpy(dtype=np.int64)
        rated_now = table["rated"].fillna(0).to_numpy(dtype=np.int64) if "rated" in table else np.zeros(len(table), dtype=np.int64)
        lost = rated_before & ~rated_now
    table["rag_previous"] = np.where(np.isfinite(previous), RAG_NAMES[np.nan_to_num(previous, nan=0).astype(int)], None)
    with np.errstate(invalid="ignore"):
        better = level < previous
        table["trend"] = np.select([np.isnan(level) | np.isnan(previous) | (better & (lost != 0)), better, level > previous],
                                   ["", BETTER, WORSE], SAME)
    unrated = np.flatnonzero(better & (lost != 0))
    if len(unrated):  # say why there is no arrow: the rating that went is not an improvement
        reasons = np.array(table["overall_reason"].tolist(), dtype=object)
        for i in unrated.tolist():
            gone = " and ".join(name for bit, (_, name) in enumerate(RATED) if lost[i] >> bit & 1)
            reasons[i] = f"{reasons[i]}; no trend: {gone} not rated this month" if isinstance(reasons[i], str) and reasons[i] else f"no trend: {gone} not rated this month"
        table["overall_reason"] = reasons
    table["rank"] = np.nan
    table["selected"] = None
    if priorities is not None:
        table["rank"] = table["project_id"].map(priorities.scores.drop_duplicates("project_id").set_index("project_id")["rank"])
        selected = priorities.selection.drop_duplicates("project_id").set_index("project_id")["selected"]
        table["selected"] = table["project_id"].map(selected).map({True: "Yes", False: "No"})
    table["active"] = table["status"].isin(ACTIVE).to_numpy()
    # all-NaN (float) when no project has figures: through the nullable boolean, as above
    table["stale"] = table["stale"].astype("boolean").fillna(False).astype(bool) if "stale" in table else False
    order = table.assign(_blank=table["programme"].isna()).sort_values(["_blank", "programme", "project_id"], kind="mergesort")
    return order.drop(columns="_blank").reset_index(drop=True)


@dataclass(frozen=True)
class EarnedValueView:
    """The Earned Value sheet: metrics per project, roll-up, sparkline series and S-curves."""

    metrics: pd.DataFrame  # every EVM / earned-schedule figure per project with progress
    rollup: pd.DataFrame  # portfolio, programme, business unit rows
    months: list[pd.Timestamp]  # the 12 trend months, oldest first
    cpi_trend: pd.DataFrame  # index project_id (metrics order), one column per month
    spi_trend: pd.DataFrame
    curves: list[tuple[str, str, str, pd.DataFrame]]  # (project_id, name, why chosen, frame period/pv/ev/ac/eac/bac)


def with_tcpi_states(frame: pd.DataFrame) -> pd.DataFrame:
    """TCPI to BAC as the sheets show it: the word *unachievable* where the budget is spent with
    work remaining (a blank would read as "nothing to worry about"); complete work stays blank."""
    from pmo_xl.compute.earned_value.rag import tcpi_unachievable

    unachievable = tcpi_unachievable(frame)
    if not unachievable.any():
        return frame
    shown = frame["tcpi_bac"].astype(object)
    shown[unachievable] = TCPI_UNACHIEVABLE
    return frame.assign(tcpi_bac=shown)


def build_earned_value_view(ev: EarnedValueResult, project_table: pd.DataFrame) -> EarnedValueView:
    order = project_table[["project_id", "rag_overall"]]
    metrics = with_tcpi_states(order.merge(plain(ev.current), on="project_id", how="inner"))
    months = [pd.Timestamp(p) for p in ev.trend["period"]] if len(ev.trend) else []
    trend = ev.project_trend
    ids = metrics["project_id"]

    def wide(column: str) -> pd.DataFrame:
        if not len(trend):
            return pd.DataFrame(index=ids, columns=months, dtype=float)
        rows = pd.Index(ids)
        if rows.is_unique and not trend.duplicated(["project_id", "period"]).any():
            # One value per project and month: placed by position (what the pivot below gives, without its groupby).
            at_row = rows.get_indexer(trend["project_id"])
            at_column = pd.DatetimeIndex(months).get_indexer(trend["period"])
            kept = (at_row >= 0) & (at_column >= 0)
            values = np.full((len(rows), len(months)), np.nan)
            values[at_row[kept], at_column[kept]] = trend[column].to_numpy(dtype=np.float64)[kept]
            return pd.DataFrame(values, index=rows, columns=pd.DatetimeIndex(months, name="period"))
        pivot = trend.pivot_table(index="project_id", columns="period", values=column, aggfunc="last", dropna=False)
        return pivot.reindex(index=ids, columns=months)

    return EarnedValueView(
        metrics=metrics,
        # A green group needs no list of every index that is fine; amber and red say which are not.
        rollup=with_tcpi_states(ev.rollup.assign(
            rag_reason=ev.rollup["rag_reason"].where(ev.rollup["rag"] != "Green", "all indices within their bands"))
            .reset_index(drop=True)),
        months=months,
        cpi_trend=wide("cpi"),
        spi_trend=wide("spi"),
        curves=_pick_curves(metrics, trend),
    )


def _pick_curves(metrics: pd.DataFrame, trend: pd.DataFrame) -> list[tuple[str, str, str, pd.DataFrame]]:
    """The worst two live projects (lowest of CPI and SPI) and the largest two by BAC."""
    live = metrics[metrics["status"].isin(ACTIVE)]
    worst_index = np.fmin(live["cpi"].to_numpy(dtype=float), live["spi"].to_numpy(dtype=float))
    worst = live.assign(_w=worst_index).dropna(subset=["_w"]).sort_values(["_w", "project_id"], kind="mergesort")
    picked: list[tuple[str, str]] = [(pid, "worst of CPI and SPI") for pid in worst["project_id"].head(CURVE_PROJECTS // 2)]
    largest = live.sort_values(["bac", "project_id"], ascending=[False, True], kind="mergesort")
    for pid in largest["project_id"]:
        if len(picked) >= CURVE_PROJECTS:
            break
        if pid not in {p for p, _ in picked}:
            picked.append((pid, "largest budget"))
    names = metrics.set_index("project_id")["name"]
    bac = metrics.set_index("project_id")["bac"]
    curves = []
    for pid, why in picked:
        frame = trend[trend["project_id"] == pid][["period", "pv", "ev", "ac", "eac"]].reset_index(drop=True)
        frame["bac"] = float(bac[pid])
        curves.append((str(pid), str(names[pid] or pid), why, frame))
    return curves


@dataclass(frozen=True)
class ResourcesView:
    """The Resources sheet: heat map, team and role summaries, over-allocations in the window."""

    grain: str
    periods: list[pd.Timestamp]  # the window shown
    current: list[pd.Timestamp]  # the periods of the status month (one for Month grain)
    heatmap: pd.DataFrame  # resource_id, name, role, team, then one column per period
    teams: pd.DataFrame  # team, people, then one utilisation column per period
    roles: pd.DataFrame  # role, people, generic_hours (status month), then one column per period
    overallocations: pd.DataFrame  # status month and the next two, by period then excess
    over_now: set[str] = field(default_factory=set)  # resources over-allocated in the status month
    over_before: set[str] = field(default_factory=set)
    # "team" / "role" -> key, period (month), demand, capacity, utilisation
    group_month: dict[str, pd.DataFrame] = field(default_factory=dict)
    threshold: float = 1.0


def _window(periods: list[pd.Timestamp], period: pd.Timestamp | None, grain: str) -> list[pd.Timestamp]:
    before, count = WINDOW.get(grain, WINDOW["Month"])
    if not periods:
        return []
    anchor = period if period is not None else periods[-1]
    at = int(np.searchsorted(np.array(periods, dtype="datetime64[ns]"), np.datetime64(anchor, "ns"), side="right")) - 1
    first = max(0, min(at - before, len(periods) - count))
    return periods[first:first + count]


def _months_after(month: pd.Timestamp, period: pd.Timestamp) -> int:
    return (period.year - month.year) * 12 + period.month - month.month


def listed_overallocations(loading: LoadingResult, period: pd.Timestamp | None) -> np.ndarray:
    """The rows of `loading.overallocations` (positions) the report lists with their causes: the
    periods of the heat map's window in the status month and the two after it (the dashboard's
    horizon; the month of the window's last period when there is no status period)."""
    shown = _window([pd.Timestamp(p) for p in loading.periods], period, loading.grain)
    month = period if period is not None else (shown[-1] if shown else None)
    horizon = [p for p in shown if month is not None and 0 <= _months_after(month, p) < LIST_MONTHS]
    if not horizon:
        return np.zeros(0, dtype=np.intp)
    return np.flatnonzero(loading.overallocations["period"].isin(horizon).to_numpy())


def plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Categorical columns as plain values: the report joins, concatenates and fills labels freely."""
    categorical = [c for c, dtype in frame.dtypes.items() if isinstance(dtype, pd.CategoricalDtype)]
    # assign, not astype({...}): only those columns are converted, the others are not copied
    return frame.assign(**{c: frame[c].astype(object) for c in categorical}) if categorical else frame


def utilisation_by_period(frame: pd.DataFrame, key: str, periods: list[pd.Timestamp]) -> pd.DataFrame:
    """Utilisation per `key` (rows, sorted) and period (columns, `periods`) of a loading table: what
    `pivot_table(index=key, columns="period", values="utilisation", aggfunc="first", dropna=False)`
    reindexed to `periods` gives. One row per key and period (the loading tables'), placed by
    position; anything else (a blank key, a repeated pair) through the pivot itself."""
    shown = frame[frame["period"].isin(periods)]
    keys = shown[key]
    if not len(shown) or keys.isna().any() or shown.duplicated([key, "period"]).any():
        wide = shown.pivot_table(index=key, columns="period", values="utilisation", aggfunc="first", dropna=False)
        return wide.reindex(columns=periods)
    rows = pd.Index(keys.unique(), name=key).sort_values()
    columns = pd.Index(periods, name="period")
    values = np.full((len(rows), len(columns)), np.nan)
    values[rows.get_indexer(keys), columns.get_indexer(shown["period"])] = shown["utilisation"].to_numpy(dtype=np.float64)
    return pd.DataFrame(values, index=rows, columns=columns)


def build_resources_view(loading: LoadingResult, period: pd.Timestamp | None) -> ResourcesView:
    loading = dataclasses.replace(loading, **{name: plain(getattr(loading, name)) for name in (
        "heatmap", "by_team", "by_role", "overallocations")})  # (resource_load is not shown)
    periods = [pd.Timestamp(p) for p in loading.periods]
    grain = loading.grain
    shown = _window(periods, period, grain)
    heat = loading.heatmap.reset_index()
    heat = heat[["resource_id", "name", "role", "team", *[p for p in shown if p in heat.columns]]]
    heat = heat.sort_values(["team", "name", "resource_id"], na_position="last", kind="mergesort", ignore_index=True)
    people = loading.heatmap.reset_index()

    def summary(frame: pd.DataFrame, key: str) -> pd.DataFrame:
        wide = utilisation_by_period(frame, key, shown)
        count = people.assign(**{key: people[key].fillna("(no team)" if key == "team" else "")}).groupby(key)["resource_id"].nunique()
        wide.insert(0, "people", count.reindex(wide.index).fillna(0).astype(int))
        return wide.rename_axis(key).reset_index()

    teams = summary(loading.by_team, "team")
    roles = summary(loading.by_role, "role")
    month = period if period is not None else (shown[-1] if shown else None)
    in_month = [p for p in periods if month is not None and p.to_period("M") == month.to_period("M")]
    generic = loading.by_role[loading.by_role["period"].isin(in_month)].groupby("role")["generic_demand"].sum()
    roles.insert(2, "generic_hours", roles["role"].map(generic).to_numpy(dtype=float))
    over = loading.overallocations
    # The list with causes covers the status month and the two after it (the dashboard's horizon);
    # the heat map shows the whole window. Only these rows' causes are worked out (`causes_for`).
    listed = listed_overallocations(loading, period)
    window_over = over.iloc[listed].assign(causes=loading.causes_for(listed))
    window_over = window_over.sort_values(["period", "excess_hours", "resource_id"], ascending=[True, False, True], kind="mergesort", ignore_index=True)

    over_months = over["period"].dt.to_period("M") if month is not None else None  # once for this month and the last

    def over_in(target: pd.Timestamp | None) -> set[str]:
        if target is None:
            return set()
        return set(over.loc[over_months == target.to_period("M"), "resource_id"].astype(str))

    def monthly(frame: pd.DataFrame, key: str) -> pd.DataFrame:
        # Whatever the loading grain, the dashboard and the summaries speak in months.
        grouped = frame.assign(period=frame["period"].dt.to_period("M").dt.start_time)
        grouped = grouped.groupby([key, "period"], as_index=False)[["demand", "capacity"]].sum()
        grouped["utilisation"] = grouped["demand"] / grouped["capacity"].where(grouped["capacity"] > 0)
        return grouped

    return ResourcesView(
        grain=grain, periods=shown, current=in_month, heatmap=heat, teams=teams, roles=roles, overallocations=window_over,
        over_now=over_in(month), over_before=over_in(month - pd.DateOffset(months=1) if month is not None else None),
        group_month={"team": monthly(loading.by_team, "team"), "role": monthly(loading.by_role, "role")},
        threshold=loading.overload_threshold,
    )


@dataclass(frozen=True)
class PrioritiesView:
    weights: pd.DataFrame  # criterion, direction, weight, typed_weight, ahp_weight, source
    ranking: pd.DataFrame  # rank, project_id, name, status, bac, score, score_pct, selected, reason, contrib:<criterion>...
    criteria: list[str]
    frontier: pd.DataFrame  # budget, value, cost, n_selected, optimal, current
    summary: list[tuple[str, object]]  # label, value (money labels end with "(money)")
    consistency: str  # AHP consistency in words, "" when weights are typed


def build_priorities_view(result: PriorityResult) -> PrioritiesView:
    scores = result.scores.drop_duplicates("project_id")
    selection = result.selection.drop_duplicates("project_id")[["project_id", "selected", "reason", "marginal_budget"]]
    ranking = scores.merge(selection, on="project_id", how="left")
    ranking["selected"] = ranking["selected"].map({True: "Yes", False: "No"})
    ranking = ranking.assign(_unranked=ranking["rank"].isna()).sort_values(["_unranked", "rank", "project_id"], kind="mergesort")
    ranking = ranking.drop(columns="_unranked").reset_index(drop=True)
    criteria = [c for c in result.weights["criterion"]]
    n_selected = int((selection["selected"] == True).sum())  # noqa: E712 — object column of booleans
    summary: list[tuple[str, object]] = [
        ("Objective", result.objective),
        ("Budget available (money)", result.total_budget),
        ("Budget source", result.budget_source),
        ("Projects selected", n_selected),
        ("Cost of the selection (money)", result.cost),
        ("Value of the selection", result.value),
        ("Optimal", "Yes" if result.optimal else "No (work limit reached: best found)"),
        ("Role capacity checked", "Yes" if result.capacity_checked else "No"),
    ]
    consistency = ""
    if result.ahp is not None:
        consistency = f"AHP consistency ratio {result.ahp.cr:.3f} ({'acceptable' if result.ahp.consistent else 'above 0.10: revisit the judgements'})"
    return PrioritiesView(
        weights=result.weights.reset_index(drop=True), ranking=ranking, criteria=criteria,
        frontier=result.frontier.reset_index(drop=True), summary=summary, consistency=consistency,
    )


@dataclass(frozen=True)
class DataQualityView:
    counts: dict[str, int]  # severity -> count, every issue (validation and computation)
    by_check: pd.DataFrame  # severity, code, stage, count, first, example
    issues: pd.DataFrame  # severity, code, sheet, cell, field, value, message, stage
    left_out: int  # computation issues beyond LISTED_PER_CHECK of their check, counted but not listed
    # projects and people left out of every figure: register, id, reason (the first error at their
    # row), and the rows that left with them
    left_out_items: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=LEFT_OUT_COLUMNS))


def _period_fields() -> frozenset[tuple[str, str]]:
    """(sheet, header) of every reporting-period column: their dates are months."""
    from pmo_xl.schema.columns import Kind
    from pmo_xl.schema.registers import REGISTERS

    return frozenset((r.sheet_name, c.header) for r in REGISTERS for c in r.columns if c.kind == Kind.MONTH)


def shown_as_typed(value: object, period: bool = False) -> str | None:
    """An offending value as the user typed it: 45 not 45.0, 105000 not 105000.0, a date as
    2026-06-30 (a period as 2026-06), TRUE/FALSE as Excel shows them; blank stays blank."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, bool | np.bool_):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float | np.floating):
        return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))
    if type(value) is dt.date and value.year >= 1000:  # most offending values: what the Timestamp below prints, sooner
        return value.strftime("%Y-%m") if period else value.isoformat()
    if hasattr(value, "isoformat") and not isinstance(value, str):
        stamp = pd.Timestamp(value)  # type: ignore[arg-type]
        if period:
            return stamp.strftime("%Y-%m")
        return stamp.strftime("%Y-%m-%d") if stamp == stamp.normalize() else stamp.isoformat(sep=" ")
    if period and isinstance(value, str) and len(value) == 10 and value[4] == "-" and value.endswith("-01"):
        return value[:7]  # a period the engine wrote as its first day
    return str(value)


def _issue_frame(issues: list[Issue]) -> pd.DataFrame:
    """The issue table, with each offending value as the user typed it (see `shown_as_typed`)."""
    frame = issue_table(issues)
    periods = _period_fields()
    frame["value"] = [shown_as_typed(i.value, (i.sheet, i.field or "") in periods) for i in issues]
    return frame


LEFT_OUT_COLUMNS: Final = ("what", "id", "sheet", "with_it", "address", "why")


def left_out_table(portfolio: Portfolio) -> pd.DataFrame:
    """The projects and people left out of every figure, for Data Quality (all of them, uncapped)."""
    from pmo_xl.checks.cascade import left_out

    items = left_out(portfolio)
    kinds = {"Projects": "Project", "Resources": "Person"}
    return pd.DataFrame({"what": [kinds.get(i.register, i.register) for i in items], "id": [i.key for i in items],
                         "sheet": [i.register for i in items], "with_it": [sum(i.dependents.values()) for i in items],
                         "address": [i.address for i in items], "why": [i.detail for i in items]},
                        columns=list(LEFT_OUT_COLUMNS))


def build_data_quality(validation: list[Issue], computation: list[Issue], portfolio: Portfolio | None = None) -> DataQualityView:
    """Every validation issue, the first computation issues of each check, and counts of all
    (with `portfolio`, also the projects and people left out of every figure)."""
    counts = {str(s): 0 for s in Severity}
    checks: dict[tuple[str, str, str], list[object]] = {}  # (severity, code, stage) -> count, first address, example
    for issue in (*validation, *computation):
        severity = str(issue.severity)
        counts[severity] += 1
        key = (severity, issue.code, str(issue.stage))
        entry = checks.get(key)
        if entry is None:
            checks[key] = [1, issue.address, issue.message]
        else:
            entry[0] += 1  # type: ignore[operator]
    # Every validation issue is listed; computation notes only the first few of each check (one
    # stale allocation can repeat a note hundreds of times) — "by check" counts them all.
    listed_compute: list[Issue] = []
    per_code: dict[str, int] = {}
    for issue in sort_issues(computation):
        per_code[issue.code] = per_code.get(issue.code, 0) + 1
        if per_code[issue.code] <= LISTED_PER_CHECK:
            listed_compute.append(issue)
    frame = _issue_frame(sort_issues(validation) + listed_compute)
    rows = sorted(checks.items(), key=lambda item: (Severity(item[0][0]).rank, -int(item[1][0]), item[0][1], item[0][2]))  # type: ignore[call-overload]
    by_check = pd.DataFrame([{"severity": k[0], "code": k[1], "stage": k[2], "count": v[0], "first": v[1], "example": v[2]} for k, v in rows],
                            columns=["severity", "code", "stage", "count", "first", "example"])
    view = DataQualityView(counts=counts, by_check=by_check, issues=frame, left_out=len(computation) - len(listed_compute))
    return view if portfolio is None else dataclasses.replace(view, left_out_items=left_out_table(portfolio))
