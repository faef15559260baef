"""Report-model piece of the project pages: one printed page per project, for its sponsor.

Which projects get a page is Settings.project_pages or `pmo-xl report --project-pages`:
  - all: every approved, active or on-hold project (the Roadmap's projects);
  - exceptions (default): the active or on-hold ones that are Red or Amber overall, have a
    milestone missed or slipped, or are the main cause of a person's over-allocation in the
    status month;
  - none: no pages.

"Main cause" is what a PMO officer would hold a sponsor to: the project is the biggest single
demand on the over-allocated person in that loading period, and its hours there are at least
the person's excess, so deferring or re-staffing that one project would bring the person back
within capacity. Merely having hours on a busy person is not enough: in a large portfolio most
projects share someone who is over-allocated (574 of 704 projects on the 1,000-project sample),
and a page for each would bury the ones that need the committee. Every over-allocated person is
still listed on the Exceptions and Over-allocations sheets, and each page shows the hours the
project puts on over-allocated people.

Every figure is read from what is computed for the other sheets: the Portfolio row (RAGs,
reasons, commentary), the Earned Value metrics (the same numbers as the Earned Value sheet),
the milestone table, the risk register, the over-allocation list. The page's S-curve is the
project's cumulative PV (its baseline plan, to the end), EV and AC to the status period, and
the forecast from AC now to EAC at the forecast finish. Its trends (RAG history, milestone trend
analysis, forecast-finish and EAC drift) are the Trends sheets' figures cut to the project
(`model_page_trends`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

from pmo_xl.report.model_page_trends import PageTrends, build_page_trends
from pmo_xl.report.model_roadmap import ROADMAP_STATUSES, baseline_finish

if TYPE_CHECKING:
    from pmo_xl.compute.trends import TrendResult

PAGE_CHOICES: Final = ("all", "exceptions", "none")
ACTIVE: Final = ("Active", "On hold")
MILESTONES_SHOWN, RISKS_SHOWN, PEOPLE_SHOWN = 7, 4, 6
# One named cause in the over-allocations' text: "PRJ-004 62 h" (whole hours from 10 h, tenths below);
# the "+N more 21 h" tail names no project and does not match.
_CAUSE = re.compile(r"(?:^|, )(?!\+)(\S+) (\d[\d,]*(?:\.\d)?) h")
# What a page reads of its Portfolio row and of its Earned Value metrics: only these are made into
# dicts (a dict of every column of every chosen row was most of the model's time).
ROW_FIELDS: Final = ("project_id", "name", "programme", "business_unit", "manager", "phase", "status", "start", "finish", "bac",
                     "rag_overall", "overall_reason", "rag_index", "rag_scope", "rag_schedule", "rag_cost", "rag_resources", "trend",
                     "commentary")
METRIC_FIELDS: Final = ("bac", "eac", "vac", "cpi", "spi", "spi_t", "pct_complete", "pd", "plan_start", "forecast_finish")


@dataclass(frozen=True)
class Curve:
    """A project's cumulative S-curve by month (NaN where a series does not apply)."""

    period: np.ndarray  # datetime64[ns], first day of each month
    pv: np.ndarray
    ev: np.ndarray
    ac: np.ndarray
    forecast: np.ndarray  # AC now, then straight to EAC at the forecast finish

    def __len__(self) -> int:
        return len(self.period)


EMPTY_CURVE = Curve(*(np.array([], dtype=t) for t in ("datetime64[ns]", float, float, float, float)))


@dataclass(frozen=True)
class ProjectPage:
    """What one page shows (figures as values; the writer lays them out)."""

    project_id: str
    name: str
    details: list[tuple[str, object]]  # label, value: programme, business unit, sponsor, PM, phase, status, start, finish
    why: str  # why the project has a page ("" when every project has one)
    overall: str | None
    trend: str
    rag: list[tuple[str, str | None, str]]  # dimension, RAG, reason or source
    commentary: str
    needs: str  # what the PM asks the committee for this month (Progress "Needs from the committee"), "" if nothing
    ev: dict[str, float | pd.Timestamp | None]  # bac, eac, vac, cpi, spi, spi_t, pct_complete, forecast_finish, baseline_finish
    curve: Curve
    milestones: list[tuple[object, ...]]  # milestone, baseline_date, current_date, slip_days, state
    risks: list[tuple[object, ...]]  # risk_id, title, score, band, owner
    people: list[tuple[object, ...]]  # person, role, fte, over (hours this project adds to an over-allocation, "" when none)
    trends: PageTrends | None = None  # RAG history, milestone trend analysis, drift (None: no trends this report)
    # Lessons of other projects that apply (model_governance.with_lessons): lesson_id, source project, category, why, recommendation
    lessons: tuple[tuple[object, ...], ...] = ()
    lessons_more: int = 0  # applicable lessons not shown on the page (they are on the Lessons sheet)


@dataclass(frozen=True)
class ProjectPagesView:
    choice: str
    pages: list[ProjectPage]
    candidates: int  # projects that could have a page (approved, active, on hold)


def normalise_choice(value: object) -> str:
    """'All' / 'Exceptions' / 'None' as typed in Settings or on the command line (default: exceptions)."""
    text = str(value or "").strip().lower()
    return text if text in PAGE_CHOICES else "exceptions"


def build_project_pages(
    choice: str, table: pd.DataFrame, projects: pd.DataFrame, metrics: pd.DataFrame | None, by_period: pd.DataFrame | None,
    baseline: pd.DataFrame, milestones: pd.DataFrame | None, slip_tolerance: int, risks: pd.DataFrame | None,
    allocations: pd.DataFrame, resources: pd.DataFrame, overallocations: pd.DataFrame | None, period: pd.Timestamp | None,
    progress: pd.DataFrame | None = None, trends: TrendResult | None = None,
) -> ProjectPagesView:
    """The pages for `choice` (all, exceptions, none), in the Portfolio sheet's order (by programme)."""
    choice = normalise_choice(choice)
    candidates = table[table["status"].isin(ROADMAP_STATUSES)]
    if choice == "none" or not len(candidates):
        return ProjectPagesView(choice, [], len(candidates))
    ms = _milestone_states(milestones, slip_tolerance, period)
    causes = _over_causes(overallocations, period)
    reasons = _exception_reasons(candidates, ms, causes)
    chosen = candidates if choice == "all" else candidates[candidates["project_id"].map(lambda p: bool(reasons.get(p)))]
    metric_rows = {}
    if metrics is not None and len(metrics):  # the chosen projects' rows only: a dict per row is slow to make
        wanted = metrics.drop_duplicates("project_id")
        fields = ["project_id", *(f for f in METRIC_FIELDS if f in wanted)]
        rows = _records(wanted.loc[wanted["project_id"].isin(set(chosen["project_id"]))], fields)
        metric_rows = {row.pop("project_id"): row for row in rows}
    sponsor: dict[object, object] = {}
    if "sponsor" in projects:
        unique = projects.drop_duplicates("project_id")
        sponsor = dict(zip(unique["project_id"].tolist(), unique["sponsor"].tolist(), strict=True))
    curves = _with_forecasts(_curves(chosen["project_id"], by_period, baseline), metric_rows)
    ms_by = _shown_milestones(ms[ms["project_id"].isin(set(chosen["project_id"]))])
    risk_by = _shown_risks(risks)
    people_by = _people(chosen["project_id"], allocations, resources, period, causes)
    needs = committee_needs(progress, period)
    page_trends = build_page_trends(trends, chosen)
    pages = []
    for row in _records(chosen, [f for f in ROW_FIELDS if f in chosen]):
        pid = row["project_id"]
        metric = metric_rows.get(pid)
        pages.append(ProjectPage(
            project_id=pid, name=str(row["name"] or pid), details=_details(row, sponsor.get(pid)),
            why="; ".join(reasons.get(pid, [])) if choice == "exceptions" else "", overall=_text(row.get("rag_overall")) or None,
            trend=_text(row.get("trend")), rag=_rags(row), commentary=_text(row.get("commentary")), needs=needs.get(pid, ""),
            ev=_ev(row, metric), curve=curves.get(pid, EMPTY_CURVE),
            milestones=ms_by.get(pid, []), risks=risk_by.get(pid, []), people=people_by.get(pid, []),
            trends=page_trends.get(pid),
        ))
    return ProjectPagesView(choice, pages, len(candidates))


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict[str, object]]:
    """`frame[columns].to_dict("records")` (the same Python values: a column's `tolist`), without
    its per-value boxing."""
    return [dict(zip(columns, values, strict=True)) for values in zip(*(frame[c].tolist() for c in columns), strict=True)]


def committee_needs(progress: pd.DataFrame | None, period: pd.Timestamp | None) -> dict[str, str]:
    """project -> what its PM asks the committee for in `period` (that month's Progress row only: an
    ask of an earlier month is not repeated as if it were still open)."""
    if progress is None or period is None or "committee_needs" not in progress or not len(progress):
        return {}
    rows = progress[(progress["period"] == period) & progress["committee_needs"].notna()]
    asks = rows.drop_duplicates("project_id", keep="last")
    return {pid: str(text).strip() for pid, text in zip(asks["project_id"], asks["committee_needs"], strict=True) if str(text).strip()}


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def _details(row: dict[str, object], sponsor: object) -> list[tuple[str, object]]:
    return [("Programme", _text(row.get("programme"))), ("Business unit", _text(row.get("business_unit"))),
            ("Sponsor", _text(sponsor)), ("Project manager", _text(row.get("manager"))), ("Phase", _text(row.get("phase"))),
            ("Status", _text(row.get("status"))), ("Start", row.get("start")), ("Finish", row.get("finish"))]


def _rags(row: dict[str, object]) -> list[tuple[str, str | None, str]]:
    reported = "as reported by the PM"
    return [("Overall", _text(row.get("rag_overall")) or None, _text(row.get("overall_reason"))),
            ("Indices (CPI, SPI, SPI(t), TCPI)", _text(row.get("rag_index")) or None, "computed from progress"),
            ("Scope", _text(row.get("rag_scope")) or None, reported), ("Schedule", _text(row.get("rag_schedule")) or None, reported),
            ("Cost", _text(row.get("rag_cost")) or None, reported), ("Resources", _text(row.get("rag_resources")) or None, reported)]


def _ev(row: dict[str, object], metric: dict[str, object] | None) -> dict[str, float | pd.Timestamp | None]:
    def number(field: str) -> float:
        return _number(metric, field)

    plan_start = metric.get("plan_start") if metric is not None else None
    finish = baseline_finish(plan_start, number("pd"))
    return {"bac": number("bac") if metric is not None else float(row.get("bac") or float("nan")), "eac": number("eac"),
            "vac": number("vac"), "cpi": number("cpi"), "spi": number("spi"), "spi_t": number("spi_t"),
            "pct_complete": number("pct_complete"),
            "forecast_finish": pd.Timestamp(metric["forecast_finish"]) if metric is not None and pd.notna(metric.get("forecast_finish")) else None,
            "baseline_finish": finish if finish is not None else (pd.Timestamp(row["finish"]) if pd.notna(row.get("finish")) else None)}


def _milestone_states(milestones: pd.DataFrame | None, tolerance: int, period: pd.Timestamp | None) -> pd.DataFrame:
    """Milestones with a state for the page: Missed, Slipped, Achieved late (this month), Due / open, Achieved."""
    columns = ["project_id", "milestone", "baseline_date", "current_date", "slip_days", "state"]
    if milestones is None or not len(milestones):
        return pd.DataFrame(columns=columns)
    frame = milestones
    achieved = frame["achieved"].astype(bool)
    late = achieved & (frame["slip_days"].astype(float) > tolerance)
    this_month = pd.to_datetime(frame["actual_date"]).dt.to_period("M").dt.start_time == period if period is not None else False
    state = np.select([frame["missed"].astype(bool), frame["slipped"].astype(bool), late & this_month, late, achieved],
                      ["Missed", "Slipped", "Achieved late this month", "Achieved late", "Achieved"], "Open")
    return frame.assign(state=state)[columns]


@dataclass(frozen=True)
class OverCause:
    """The hours a project puts on a person in an over-allocated period of the status month."""

    person: str
    resource_id: str
    hours: float  # as the causes text gives them (whole hours from 10 h)
    main: bool  # the person's biggest demand, and alone at least the excess (see the module docstring)


def _over_causes(overallocations: pd.DataFrame | None, period: pd.Timestamp | None) -> dict[str, list[OverCause]]:
    """project -> the over-allocations of the status month it feeds, one per person (its biggest)."""
    out: dict[str, list[OverCause]] = {}
    if overallocations is None or not len(overallocations) or period is None:
        return out
    rows = overallocations[overallocations["period"].dt.to_period("M").dt.start_time == period]
    for name, rid, excess, causes in zip(rows["name"], rows["resource_id"], rows["excess_hours"], rows["causes"], strict=True):
        for rank, (pid, text) in enumerate(_CAUSE.findall(str(causes or ""))):
            hours = float(text.replace(",", ""))
            # The text rounds to the hour: a project shown at the excess, to the hour, counts as covering it.
            cause = OverCause(_text(name), str(rid), hours, rank == 0 and hours >= float(excess) - 0.5)
            entries = out.setdefault(pid, [])
            same = next((k for k, e in enumerate(entries) if e.resource_id == cause.resource_id), None)
            if same is None:
                entries.append(cause)
            elif (cause.main, cause.hours) > (entries[same].main, entries[same].hours):
                entries[same] = cause  # weekly grain: the person's worst week for this project
    return out


def _exception_reasons(candidates: pd.DataFrame, ms: pd.DataFrame, causes: dict[str, list[OverCause]]) -> dict[str, list[str]]:
    reasons: dict[str, list[str]] = {}
    live = candidates[candidates["status"].isin(ACTIVE)]
    for pid, rag in zip(live["project_id"], live["rag_overall"], strict=True):
        if rag in ("Red", "Amber"):
            reasons.setdefault(pid, []).append(f"{rag} overall")
    flagged = ms[ms["project_id"].isin(set(live["project_id"])) & ms["state"].isin(("Missed", "Slipped"))]
    for (pid, state), count in flagged.groupby(["project_id", "state"], sort=True).size().items():
        reasons.setdefault(pid, []).append(f"{count} milestone{'s' if count > 1 else ''} {state.lower()}")
    for pid in live["project_id"]:
        main = [c for c in causes.get(pid, []) if c.main]
        if main:
            who = ", ".join(f"{c.person} ({c.resource_id}, {_over_text(c).split(',')[0]})" if c.person else c.resource_id for c in main[:3])
            more = f" and {len(main) - 3} more" if len(main) > 3 else ""
            reasons.setdefault(pid, []).append(f"main cause of the over-allocation of {who}{more}")
    return reasons


def _curves(ids: pd.Series, by_period: pd.DataFrame | None, baseline: pd.DataFrame) -> dict[str, Curve]:
    """Per project: cumulative PV from the baseline (every planned month), EV and AC to date from progress.

    Where the PM typed a PV in Progress it is the one shown (the indices were computed from it).
    """
    wanted = set(ids)
    plan = baseline[baseline["project_id"].isin(wanted)] if len(baseline) else baseline
    if len(plan):
        plan = plan.groupby(["project_id", "period"], sort=True)["planned_value"].sum().groupby(level=0).cumsum().rename("plan")
    else:
        plan = pd.Series(dtype=float, name="plan", index=pd.MultiIndex.from_arrays([[], []], names=["project_id", "period"]))
    if by_period is not None and len(by_period):
        done = by_period[by_period["project_id"].isin(wanted)].drop_duplicates(["project_id", "period"], keep="last")
        done = done.set_index(["project_id", "period"])[["pv", "ev", "ac"]].astype(float)
    else:
        done = pd.DataFrame(columns=["pv", "ev", "ac"], dtype=float,
                            index=pd.MultiIndex.from_arrays([[], []], names=["project_id", "period"]))
    both = pd.concat([plan.to_frame(), done], axis=1, sort=True).reset_index()
    if not len(both):
        return {}
    both["pv"] = both["pv"].fillna(both["plan"])
    ids_ = both["project_id"].to_numpy()
    bounds = np.flatnonzero(np.r_[True, ids_[1:] != ids_[:-1], True])
    period = both["period"].to_numpy(dtype="datetime64[ns]")
    pv, ev, ac = (both[c].to_numpy(dtype=float) for c in ("pv", "ev", "ac"))
    return {ids_[a]: Curve(period[a:b], pv[a:b], ev[a:b], ac[a:b], np.full(b - a, np.nan))
            for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)}


def _with_forecast(curve: Curve | None, metric: dict[str, object] | None) -> Curve:
    """The curve continued: the forecast runs from AC at the last progress month to EAC at the forecast finish."""
    if curve is None or not len(curve):
        return EMPTY_CURVE
    months = curve.period.astype("datetime64[M]")
    done = np.flatnonzero(np.isfinite(curve.ac))
    eac = _number(metric, "eac")
    finish = metric.get("forecast_finish") if metric is not None else None
    if not done.size or not np.isfinite(eac) or finish is None or pd.isna(finish):
        return curve
    start = months[done[-1]]
    end = max(np.datetime64(pd.Timestamp(finish), "M"), start)
    ahead = np.arange(start, end + 1)
    shown = np.union1d(months, ahead)
    at = np.minimum(np.searchsorted(months, shown), len(months) - 1)
    known = months[at] == shown  # both sorted and distinct: the same test as np.isin, without sorting again

    def spread(values: np.ndarray) -> np.ndarray:
        return np.where(known, values[at], np.nan)

    position = (shown - start).astype(int)
    ac_now = curve.ac[done[-1]]
    forecast = np.where((position >= 0) & (shown <= end), ac_now + (eac - ac_now) * position / max(len(ahead) - 1, 1), np.nan)
    return Curve(shown.astype("datetime64[ns]"), spread(curve.pv), spread(curve.ev), spread(curve.ac), forecast)


def _with_forecasts(curves: dict[str, Curve], metrics: dict[str, dict[str, object]]) -> dict[str, Curve]:
    """`_with_forecast` of every curve, for all projects at once: the months each forecast adds
    (after its last progress month, to its finish) are joined to every curve's months in one
    sort, and every forecast point computed in one expression, as _with_forecast computes it."""
    ids = list(curves)
    if not ids:
        return {}
    lengths = np.array([len(curves[pid]) for pid in ids])
    owner = np.repeat(np.arange(len(ids)), lengths)
    months = np.concatenate([curves[pid].period for pid in ids]).astype("datetime64[M]")
    if not len(months) or (lengths == 0).any() or ((owner[1:] == owner[:-1]) & (months[1:] <= months[:-1])).any():
        return {pid: _with_forecast(curves[pid], metrics.get(pid)) for pid in ids}  # not ascending months: one by one
    firsts = np.r_[0, np.cumsum(lengths)[:-1]]
    every = {name: np.concatenate([getattr(curves[pid], name) for pid in ids]) for name in ("pv", "ev", "ac")}
    last_done = np.maximum.reduceat(np.where(np.isfinite(every["ac"]), np.arange(len(months)), -1), firsts)  # -1: no progress
    eac = np.array([_number(metrics.get(pid), "eac") for pid in ids])
    finishes = [(metrics.get(pid) or {}).get("forecast_finish") for pid in ids]
    has_finish = np.array([f is not None and not pd.isna(f) for f in finishes])
    finish = np.array([np.datetime64(pd.Timestamp(f), "M") if known else np.datetime64("NaT", "M")
                       for f, known in zip(finishes, has_finish.tolist(), strict=True)], dtype="datetime64[M]")
    drawn = (last_done >= 0) & np.isfinite(eac) & has_finish
    out = {pid: curves[pid] for pid, shown in zip(ids, drawn.tolist(), strict=True) if not shown}
    if not drawn.any():
        return out
    start = months[np.maximum(last_done, 0)]
    end = np.where(drawn, np.maximum(finish, start), start)
    steps = (end - start).astype(int)  # 0 where nothing is drawn
    # The months start+1 .. end of each drawn curve, then every month in (owner, month) order, a
    # curve's own month before an added one, the added one dropped where the curve has it.
    added_owner = np.repeat(np.arange(len(ids)), steps)
    added = np.repeat(start, steps) + (np.arange(len(added_owner)) - np.repeat(np.cumsum(steps) - steps, steps) + 1)
    all_owner = np.concatenate([owner, added_owner])
    all_months = np.concatenate([months, added])
    order = np.lexsort((np.r_[np.zeros(len(owner), dtype=int), np.ones(len(added_owner), dtype=int)], all_months, all_owner))
    all_owner, all_months = all_owner[order], all_months[order]
    kept = np.r_[True, (all_owner[1:] != all_owner[:-1]) | (all_months[1:] != all_months[:-1])]
    kept &= drawn[all_owner]
    order, row_owner, shown = order[kept], all_owner[kept], all_months[kept]
    gap = np.full(len(added_owner), np.nan)  # an added month has no PV, EV or AC
    pv, ev, ac = (np.concatenate([every[name], gap])[order] for name in ("pv", "ev", "ac"))
    position = (shown - start[row_owner]).astype(int)
    ac_now = every["ac"][np.maximum(last_done, 0)]
    denominator = np.maximum(steps, 1)[row_owner]
    share = ac_now[row_owner] + (eac - ac_now)[row_owner] * position / denominator
    forecast = np.where((position >= 0) & (shown <= end[row_owner]), share, np.nan)
    period = shown.astype("datetime64[ns]")
    bounds = np.flatnonzero(np.r_[True, row_owner[1:] != row_owner[:-1], True])
    for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        out[ids[row_owner[a]]] = Curve(period[a:b], pv[a:b], ev[a:b], ac[a:b], forecast[a:b])
    return out


def _number(record: dict[str, object] | None, field: str) -> float:
    value = record.get(field) if record is not None else None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")
    return number


def _split(frame: pd.DataFrame, columns: list[str], limit: int) -> dict[str, list[tuple[object, ...]]]:
    """`frame` (sorted by project_id, then display order) as up to `limit` row tuples per project."""
    if not len(frame):
        return {}
    frame = frame[frame.groupby("project_id", sort=False).cumcount().to_numpy() < limit]
    ids = frame["project_id"].to_numpy()
    rows = list(zip(*(frame[c].tolist() for c in columns), strict=True))
    bounds = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1], True])
    return {ids[a]: rows[a:b] for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)}


def _shown_milestones(ms: pd.DataFrame) -> dict[str, list[tuple[object, ...]]]:
    """Per project: missed and slipped first, then the next open ones, then those achieved late this month."""
    order = {"Missed": 0, "Slipped": 1, "Achieved late this month": 2, "Open": 3}
    shown = ms[ms["state"].isin(order)]
    shown = shown.assign(_o=shown["state"].map(order)).sort_values(["project_id", "_o", "current_date", "milestone"], kind="mergesort")
    return _split(shown, ["milestone", "baseline_date", "current_date", "slip_days", "state"], MILESTONES_SHOWN)


def _shown_risks(risks: pd.DataFrame | None) -> dict[str, list[tuple[object, ...]]]:
    if risks is None or not len(risks):
        return {}
    open_ = risks[risks["is_open"].astype(bool)]  # the register is ordered by exposure: a stable sort keeps that order
    open_ = open_.sort_values("project_id", kind="mergesort")
    return _split(open_, ["risk_id", "title", "score", "band", "owner"], RISKS_SHOWN)


def _people(ids: pd.Series, allocations: pd.DataFrame, resources: pd.DataFrame, period: pd.Timestamp | None,
            causes: dict[str, list[OverCause]]) -> dict[str, list[tuple[object, ...]]]:
    """Named people allocated to the project in the status month (FTE), with the over-allocation it feeds."""
    if period is None or not len(allocations):
        return {}
    end = period + pd.offsets.MonthEnd(0)
    live = allocations[allocations["project_id"].isin(set(ids)) & allocations["resource_id"].notna()
                       & (allocations["start"] <= end) & (allocations["finish"] >= period)]
    if not len(live):
        return {}
    names = dict(zip(resources["resource_id"].tolist(), resources["name"].tolist(), strict=True)) if len(resources) else {}
    fte = live.groupby(["project_id", "resource_id", "role"], dropna=False, sort=False)["fte"].sum(min_count=1).reset_index()
    over = {(pid, c.resource_id): c for pid, entries in causes.items() for c in entries}
    # Sorted and cut to the rows shown first: a person's label and over-allocation text are made only for those.
    fte["_quiet"] = [(p, r) not in over for p, r in zip(fte["project_id"].tolist(), fte["resource_id"].tolist(), strict=True)]
    fte = fte.sort_values(["project_id", "_quiet", "fte", "resource_id"], ascending=[True, True, False, True], kind="mergesort")
    fte = fte[fte.groupby("project_id", sort=False).cumcount().to_numpy() < PEOPLE_SHOWN]
    resource_ids = fte["resource_id"].tolist()
    fte = fte.assign(person=[f"{_text(names.get(r)) or r} ({r})" for r in resource_ids],
                     over=[_over_text(over.get((p, r))) for p, r in zip(fte["project_id"].tolist(), resource_ids, strict=True)])
    return _split(fte, ["person", "role", "fte", "over"], PEOPLE_SHOWN)


def _over_text(cause: OverCause | None) -> str:
    if cause is None:
        return ""
    hours = f"{cause.hours:,.0f} h" if cause.hours >= 10 else f"{cause.hours:.1f} h"
    return f"{hours}, main cause" if cause.main else hours
