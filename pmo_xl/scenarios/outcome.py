"""What one portfolio (the baseline, or a scenario's) comes to: cost, loading, selection, schedule, EV.

Every figure comes from the engine's own computations on the portfolio as the scenario leaves
it — `compute_loading` (monthly, calendars and contours), the selection MILP with budgets and role
capacity (`select_portfolio` on the problem `compute_priorities` builds, without its per-project
explanations) — so a scenario and the monthly report can never disagree
on how a number is made. Only what a decision can still change is measured: loading from the
first month after the status month, cost from the status year.

Definitions, for the PMO:
- cost by year: the planned spend (Baseline planned value, else BAC spread over the planned
  dates; `yearly_spend`) of the projects the selection keeps, plus the Closed and Cancelled
  ones (what they spent stays spent), per calendar year from the status year;
- over-allocation: person-months above Settings "Over-allocation above", their excess hours,
  the people concerned, per team;
- value: the selection's objective (Settings "Selection objective") of the projects it keeps;
- PV in the next 12 months: the Baseline planned value of the 12 months after the status month;
  EV, AC and PV to date: the latest Progress of every project (unchanged by any scenario: no
  action re-writes what is reported).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from pmo_xl.compute.loading import LoadingResult, compute_loading
from pmo_xl.compute.loading.core import monthly_overallocations
from pmo_xl.compute.priority import resolve_weights, weighted_scores
from pmo_xl.compute.priority.selection import matched_roles, role_demand_and_capacity, role_frames
from pmo_xl.compute.selection import SelectionResult, binding_limits, build_selection_problem
from pmo_xl.compute.selection.core import TOLERANCE, build_model, select_from_model
from pmo_xl.compute.selection.inputs import CANDIDATE_STATUSES, objective_values, yearly_spend
from pmo_xl.compute.time.calendar import normalise_grain
from pmo_xl.issues import Issue
from pmo_xl.model import SCORE_PREFIX, Portfolio
from pmo_xl.scenarios.actions import Plan
from pmo_xl.schema.columns import normalise_header

SPENT_STATUSES = ("Closed", "Cancelled")
T = TypeVar("T")


@dataclass(frozen=True)
class Outcome:
    """The figures of one portfolio, as the Scenarios sheet compares them."""

    name: str
    actions: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    cost_by_year: dict[int, float] = field(default_factory=dict)
    value: float = 0.0
    selected: frozenset[str] = frozenset()
    candidates: frozenset[str] = frozenset()  # projects the selection could take (not Closed or Cancelled)
    binding: tuple[str, ...] = ()  # the limits that keep a project out or are used up
    over_hours_by_team: dict[str, float] = field(default_factory=dict)
    over_months_by_team: dict[str, tuple[pd.Timestamp, ...]] = field(default_factory=dict)  # months with any over-allocation
    over_person_months_by_team: dict[str, int] = field(default_factory=dict)
    over_people: int = 0
    demand_by_role: pd.DataFrame = field(default_factory=pd.DataFrame)  # role, period, hours (from the first open month)
    finishes: dict[str, dt.date | None] = field(default_factory=dict)  # forecast finish of every project
    milestones: dict[tuple[str, str], dt.date | None] = field(default_factory=dict)  # open milestones: expected date
    pv_to_date: float = 0.0
    ev_to_date: float = 0.0
    ac_to_date: float = 0.0
    pv_next_12: float = 0.0
    values: dict[str, float] = field(default_factory=dict)  # what each project adds to the selection's objective
    loading: LoadingResult | None = None  # the monthly loading measured (None once left out: `without_loading`)

    @property
    def load(self) -> pd.DataFrame:
        """resource_id, period, demand_hours, capacity_hours: each person's month (empty without the loading)."""
        columns = ["resource_id", "period", "demand_hours", "capacity_hours"]
        return self.loading.resource_load[columns] if self.loading is not None else pd.DataFrame(columns=columns)

    @property
    def total_cost(self) -> float:
        return float(sum(self.cost_by_year.values()))

    @property
    def over_hours(self) -> float:
        return float(sum(self.over_hours_by_team.values()))

    @property
    def over_person_months(self) -> int:
        return int(sum(self.over_person_months_by_team.values()))


@dataclass
class Reuse:
    """The baseline's figures a scenario reuses when it leaves their inputs as they were."""

    portfolio: Portfolio
    loading: tuple[LoadingResult, list[Issue]] | None = None
    role_frames: tuple[pd.DataFrame, pd.DataFrame] | None = None
    scores: pd.Series | None = None  # project -> priority score: no action changes a score
    selection: SelectionResult | None = None  # the baseline's solve: reused by a plan whose model is the same
    overallocations: pd.DataFrame | None = None  # the baseline's monthly over-allocations (when its loading is not kept)
    made: dict[tuple[Any, ...], tuple[tuple[Any, ...], Any]] = field(default_factory=dict, repr=False)  # see `once`

    @classmethod
    def of_run(cls, portfolio: Portfolio, loading: LoadingResult | None, role_frames: tuple[pd.DataFrame, pd.DataFrame] | None,
               selection: SelectionResult | None) -> Reuse:
        """What the report's own run has already computed on `portfolio`: its loading (when it is
        monthly: the scenarios measure by month, and never show the over-allocations' causes), the
        role demand and capacity, the selection's solve (used only when the baseline's model is the
        same, see `select`)."""
        monthly = loading is not None and normalise_grain(loading.grain) == "month"
        return cls(portfolio, (loading, []) if monthly else None, role_frames, selection=selection)

    def once(self, make: Callable[..., T], *inputs: Any) -> T:
        """`make(*inputs)`, made once for the very same input objects: a scenario that leaves them
        as they were (the baseline's own frames, e.g. a change of budget) reads the figures made
        for the baseline instead of making them again. The inputs are kept with the figures, so
        that the objects (and their ids, the key) stay alive while the run lasts."""
        key = (make.__name__, *(id(value) for value in inputs))
        kept = self.made.get(key)
        if kept is None:
            kept = self.made[key] = (inputs, make(*inputs))
        return kept[1]

    def same_work(self, portfolio: Portfolio) -> bool:
        """Allocations, resources and the settings that spread them are the baseline's own objects."""
        base = self.portfolio
        return (portfolio.registers["Allocations"] is base.registers["Allocations"]
                and portfolio.registers["Resources"] is base.registers["Resources"]
                and portfolio.settings.holidays is base.settings.holidays and portfolio.status_date == base.status_date)


def measure(name: str, plan: Plan, first_month: pd.Timestamp, reuse: Reuse, actions: tuple[str, ...] = (),
            notes: tuple[str, ...] = (), keep_loading: bool = True) -> Outcome:
    """The figures of the portfolio `plan` leaves (loading and role demand reused from the baseline
    when the plan did not touch the work). `keep_loading=False`: the outcome comes without its
    loading (None), and only the over-allocations are worked out where none can be reused — they
    are the one loading table the comparison reads; the loading is most of an outcome's size
    (~10 MB on 1,000 projects) when sent between processes."""
    portfolio = plan.portfolio
    same = reuse.same_work(portfolio)
    loading: LoadingResult | None
    if same and reuse.loading is not None:
        loading, _ = reuse.loading
        overallocations = loading.overallocations
    elif same and reuse.overallocations is not None and not keep_loading:
        loading, overallocations = None, reuse.overallocations
    elif keep_loading:
        loading, _ = compute_loading(portfolio, grain="Month", causes=False)
        overallocations = loading.overallocations
    else:
        loading, overallocations = None, monthly_overallocations(portfolio)
    if same and reuse.role_frames is not None:
        demand, capacity = reuse.role_frames
    else:
        demand, capacity = role_demand_and_capacity(portfolio)
    if portfolio is reuse.portfolio:
        reuse.loading = reuse.loading or ((loading, []) if loading is not None else None)
        reuse.overallocations = overallocations
        reuse.role_frames = reuse.role_frames or (demand, capacity)
    if reuse.scores is None:
        reuse.scores = project_scores(portfolio)
    framed = reuse.once(matched_roles, demand, capacity, portfolio.period)
    values, result, binding = select(portfolio, reuse.scores, demand, capacity, reuse.selection, framed)
    if portfolio is reuse.portfolio and reuse.selection is None:
        reuse.selection = result
    selected = frozenset(result.selected_ids)
    candidates = frozenset(portfolio.projects.loc[portfolio.projects["status"].isin(CANDIDATE_STATUSES), "project_id"].astype(str))
    binding_labels = tuple(binding.loc[binding["binding"].astype(bool), "label"].astype(str)) if len(binding) else ()
    over = reuse.once(_over_allocation, overallocations, first_month)
    return Outcome(
        name=name, actions=actions, notes=notes,
        cost_by_year=_cost_by_year(portfolio, selected, first_month),
        value=float(result.value), selected=selected, candidates=candidates, binding=binding_labels,
        over_hours_by_team=over["hours"], over_months_by_team=over["months"], over_person_months_by_team=over["person_months"],
        over_people=over["people"],
        demand_by_role=reuse.once(_demand_by_role, demand, first_month),
        finishes=_finishes(portfolio, plan.finishes), milestones=_milestones(portfolio),
        **reuse.once(_earned_value, portfolio.progress, portfolio.baseline, portfolio.projects, first_month),
        values=values, loading=loading if keep_loading else None,
    )


def project_scores(portfolio: Portfolio) -> pd.Series:
    """Each project's priority score, as `compute_priorities` scores it (typed or AHP weights)."""
    weights, _, _ = resolve_weights(portfolio)
    projects = portfolio.projects.drop_duplicates("project_id").reset_index(drop=True)
    columns = {normalise_header(c[len(SCORE_PREFIX):]): c for c in projects.columns if c.startswith(SCORE_PREFIX)}
    raw = pd.DataFrame(index=projects.index)
    for criterion in weights["criterion"]:
        column = columns.get(normalise_header(criterion))
        raw[criterion] = projects[column].astype(float) if column else np.nan
    scores = weighted_scores(raw, weights)["score"].to_numpy(dtype=float)
    return pd.Series(scores, index=projects["project_id"].astype(str).to_numpy())


def select(portfolio: Portfolio, scores: pd.Series, demand: pd.DataFrame, capacity: pd.DataFrame,  # type: ignore[no-untyped-def]
           known: SelectionResult | None = None, framed: tuple[pd.DataFrame | None, pd.DataFrame | None] | None = None):
    """The selection MILP of the portfolio (budgets, role capacity, forcing, dependencies, groups),
    as the report builds it: each project's value, the result and the limits used up.

    `known`, a solve already made (the baseline's): taken as it is when the portfolio compiles
    to the very same model — the solver is deterministic, so solving again would find it again.
    `framed`: `matched_roles` of these demand and capacity frames, when already made."""
    projects = portfolio.projects.drop_duplicates("project_id")
    ids = projects["project_id"].astype(str).to_numpy()
    bac = pd.Series(projects["bac"].to_numpy(dtype=float), index=ids)
    value = objective_values(scores.reindex(ids), bac, portfolio.settings.selection_objective)
    ranking = pd.DataFrame({"id": ids, "score": scores.reindex(ids).to_numpy(dtype=float)})
    order = ranking.sort_values(["score", "id"], ascending=[False, True], na_position="last", kind="stable")["id"].tolist()
    if framed is not None:
        demand, capacity = framed
    else:
        demand, capacity, _ = role_frames(portfolio, demand, capacity)
    problem, _, _, _ = build_selection_problem(portfolio, value, order, demand, capacity)
    model, notes = build_model(problem)
    result = known if known is not None and known.model.same_as(model) else select_from_model(model, notes)
    return {p: float(v) for p, v in value.items()}, result, binding_limits(result, _blocked_by(result))


def _blocked_by(result) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """For each project left out that could be selected, the limits its own need alone would break.

    The report explains each project by re-solving without it, which costs minutes on 1,000
    projects and a scenario only needs to know which limits keep projects out: a limit keeps a
    project out when what is used plus the project's need passes it.
    """
    model = result.model
    out = np.flatnonzero(~result.selected.astype(bool) & (model.ub > 0))
    usage = result.usage
    if not len(out) or not len(usage):
        return pd.DataFrame({"selected": pd.Series([], dtype=bool), "blocked_by": pd.Series([], dtype=object)})
    need = model.dense_usage()[:, out]
    used = usage["used"].to_numpy(dtype=float)[:, None]
    limit = usage["effective"].to_numpy(dtype=float)[:, None]
    breaks = (need > 0) & (used + need > limit * (1 + TOLERANCE) + TOLERANCE)
    labels = usage["label"].astype(str).to_numpy()
    return pd.DataFrame({"selected": np.zeros(len(out), dtype=bool),
                         "blocked_by": ["; ".join(labels[breaks[:, j]]) for j in range(len(out))]})


def _over_allocation(over: pd.DataFrame, first_month: pd.Timestamp) -> dict:
    over = over[pd.to_datetime(over["period"]) >= first_month]
    teams = over["team"].astype(object).where(over["team"].notna(), "(no team)").astype(str)
    frame = pd.DataFrame({"team": teams.to_numpy(), "period": pd.to_datetime(over["period"]).to_numpy(),
                          "excess": over["excess_hours"].to_numpy(dtype=float), "resource": over["resource_id"].astype(str).to_numpy()})
    grouped = frame.groupby("team", sort=True)
    return {
        "hours": {t: float(g["excess"].sum()) for t, g in grouped},
        "months": {t: tuple(sorted(pd.Timestamp(m) for m in g["period"].unique())) for t, g in grouped},
        "person_months": {t: len(g) for t, g in grouped},
        "people": int(frame["resource"].nunique()),
    }


def _demand_by_role(demand: pd.DataFrame, first_month: pd.Timestamp) -> pd.DataFrame:
    frame = demand.rename(columns={"period": "month"})
    frame = frame[pd.to_datetime(frame["month"]) >= first_month]
    return frame.groupby(["role", "month"], as_index=False)["hours"].sum()


def _cost_by_year(portfolio: Portfolio, selected: frozenset[str], first_month: pd.Timestamp) -> dict[int, float]:
    projects = portfolio.projects.drop_duplicates("project_id")
    counted = projects[projects["project_id"].isin(selected) | projects["status"].isin(SPENT_STATUSES)]
    first_year = (first_month - pd.DateOffset(months=1)).year  # the status year
    baseline = portfolio.baseline
    finish_years = pd.to_datetime(counted["finish"]).dropna().dt.year
    plan_years = pd.to_datetime(baseline.loc[baseline["project_id"].isin(counted["project_id"].unique()), "period"]).dt.year
    last = max([first_year, *(int(years.max()) for years in (finish_years, plan_years) if len(years))])
    years = list(range(first_year, int(last) + 1))
    spend = yearly_spend(counted, years, baseline)
    return {int(y): float(spend[y].sum()) for y in years}


def _finishes(portfolio: Portfolio, moved: dict[str, dt.date | None]) -> dict[str, dt.date | None]:
    projects = portfolio.projects.drop_duplicates("project_id")
    finishes = dict(zip(_texts(projects["project_id"]), _dates(projects["finish"]), strict=True))
    finishes.update(moved)
    return finishes


def _milestones(portfolio: Portfolio) -> dict[tuple[str, str], dt.date | None]:
    m = portfolio.milestones
    open_ = m[m["actual_date"].isna()]
    expected = open_["forecast_date"].fillna(open_["baseline_date"])
    return dict(zip(zip(_texts(open_["project_id"]), _texts(open_["milestone"]), strict=True), _dates(expected), strict=True))


def _texts(column: pd.Series) -> list[str]:
    return [str(v) for v in column.to_numpy(dtype=object)]


def _dates(column: pd.Series) -> list[dt.date | None]:
    """Each value's day (None when blank), from the whole column at once, not one Timestamp each."""
    return pd.to_datetime(column).to_numpy(dtype="datetime64[D]").astype(object).tolist()


def _earned_value(progress: pd.DataFrame, baseline: pd.DataFrame, projects: pd.DataFrame, first_month: pd.Timestamp) -> dict[str, float]:
    reported = progress[pd.to_datetime(progress["period"]) < first_month]
    latest = reported.sort_values("period").drop_duplicates("project_id", keep="last")
    bac = projects.drop_duplicates("project_id").set_index("project_id")["bac"]
    ev = latest["ev"].fillna(latest["pct_complete"] * latest["project_id"].map(bac))
    period = pd.to_datetime(baseline["period"])
    horizon = (period >= first_month) & (period < first_month + pd.DateOffset(months=12))
    return {"pv_to_date": float(latest["pv"].sum()), "ev_to_date": float(np.nansum(ev.to_numpy(dtype=float))),
            "ac_to_date": float(latest["ac"].sum()), "pv_next_12": float(baseline.loc[horizon, "planned_value"].sum())}


def baseline_plan(portfolio: Portfolio) -> Plan:
    """The portfolio as it is, as a plan (no action)."""
    return Plan(portfolio)


__all__ = ["Outcome", "Reuse", "baseline_plan", "measure"]
