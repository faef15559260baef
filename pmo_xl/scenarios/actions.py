"""The actions of a what-if scenario, each a pure transformation of the checked portfolio.

`apply_action(plan, action)` returns a new `Plan` (the portfolio and the forecast finishes it
implies); the portfolio it is given is never changed (its frames are copied where they change
and shared where they do not, so a scenario that touches no allocation reuses the baseline's
loading). The rules, for the PMO:

- **Pause** a project from a month for N months: its allocations and its Baseline planned value
  from that month on move N months later (an allocation running across the month is cut there,
  see `split`); its milestones not yet achieved that fall from that month on move N months; its
  forecast finish moves N months. Its planned dates (the baseline) stay, so the slip shows.
- **Delay start** of a project not started: everything of it — planned dates, allocations,
  Baseline planned value, milestones — moves N months.
- **Cancel** a project: from the month after the status month its work and cost are released —
  allocations cut there, Baseline planned value dropped and BAC reduced by it (without a Baseline,
  BAC shrinks with the days left), open milestones from then on dropped; status Cancelled.
- **Add project**: a proposal is forced into the selection, approved, and its allocations
  committed (so its hours count in the loading).
- **Force out**: the project is forced out of the selection (its allocations stay: use Cancel to
  release the work of a running project).
- **Change budget**: the Total budget (blank Year; from the default, the BAC of the Active and
  Approved projects, when blank) or one year's budget goes up or down by Amount (never below 0).
- **Add capacity**: people of a role join from a date (blank: the first day of the month after
  the status month), one per full FTE and one for the rest (2.5 FTE: 1, 1 and 0.5), in the team
  given or the team most people of the role are in, with the role's usual non-project share.
- **Remove capacity**: a person is available until the day before the date given; their
  allocations stay, so the work they leave uncovered shows as over-allocation.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pmo_xl.compute.selection.inputs import default_total_budget
from pmo_xl.model import ROW, Portfolio
from pmo_xl.scenarios.split import cut_at
from pmo_xl.schema.columns import normalise_header
from pmo_xl.schema.settings import ScenarioAction

A = ScenarioAction


@dataclass(frozen=True)
class Action:
    """One row of the Scenarios table, typed."""

    scenario: str
    kind: ScenarioAction
    target: str | None = None
    from_date: dt.date | None = None
    months: int | None = None
    fte: float | None = None
    amount: float | None = None
    year: int | None = None
    team: str | None = None
    note: str | None = None
    row: int | None = None  # Excel row in Settings

    def describe(self) -> str:
        """The row in words: 'Pause PRJ-014 for 3 months from 2026-11'."""
        k = self.kind
        if k == A.PAUSE:
            return f"Pause {self.target} for {_months(self.months)} from {self.from_date:%Y-%m}"
        if k == A.DELAY:
            return f"Delay the start of {self.target} by {_months(self.months)}"
        if k == A.CANCEL:
            return f"Cancel {self.target}"
        if k == A.ADD:
            return f"Add {self.target}"
        if k == A.FORCE_OUT:
            return f"Force {self.target} out"
        if k == A.BUDGET:
            which = f"the {self.year} budget" if self.year else "the total budget"
            return f"{'Raise' if (self.amount or 0) >= 0 else 'Cut'} {which} by {abs(self.amount or 0):,.0f}"
        if k == A.HIRE:
            when = f" from {self.from_date:%Y-%m-%d}" if self.from_date else ""
            return f"Add {self.fte:g} FTE {self.target}{when}"
        return f"{self.target} leaves on {self.from_date:%Y-%m-%d}"


def _months(n: int | None) -> str:
    return f"{n} month{'s' if n != 1 else ''}"


@dataclass(frozen=True)
class Plan:
    """A portfolio as a scenario leaves it, with the forecast finish of each project it moved."""

    portfolio: Portfolio
    finishes: dict[str, dt.date | None] = field(default_factory=dict)  # project -> forecast finish, where moved


def read_actions(portfolio: Portfolio) -> dict[str, list[Action]]:
    """The checked Scenarios rows grouped by scenario, in the order typed."""
    frame = portfolio.settings.scenarios
    scenarios: dict[str, list[Action]] = {}
    if frame is None or not len(frame) or "scenario" not in frame:
        return scenarios
    for record in frame.to_dict("records"):
        name = str(record["scenario"]).strip()
        scenarios.setdefault(name, []).append(Action(
            scenario=name, kind=A(record["action"]), target=_text(record.get("target")),
            from_date=_date(record.get("from_date")), months=_int(record.get("months")), fte=_float(record.get("fte")),
            amount=_float(record.get("amount")), year=_int(record.get("year")), team=_text(record.get("team")),
            note=_text(record.get("note")), row=_int(record.get(ROW)),
        ))
    return scenarios


def _blank(value: object) -> bool:
    return value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def _text(value: object) -> str | None:
    return None if _blank(value) or not str(value).strip() else str(value).strip()


def _date(value: object) -> dt.date | None:
    return None if _blank(value) else pd.Timestamp(value).date()  # type: ignore[arg-type]


def _int(value: object) -> int | None:
    return None if _blank(value) else int(value)  # type: ignore[call-overload]


def _float(value: object) -> float | None:
    return None if _blank(value) else float(value)  # type: ignore[arg-type]


def first_open_month(portfolio: Portfolio) -> pd.Timestamp:
    """The first month a decision can change: the month after the status month."""
    period = portfolio.period if portfolio.period is not None else pd.Timestamp(dt.date.today()).to_period("M").start_time
    return period + pd.DateOffset(months=1)


def apply_actions(portfolio: Portfolio, actions: list[Action]) -> Plan:
    """Every action of one scenario, in the order typed."""
    plan = Plan(portfolio)
    for action in actions:
        plan = apply_action(plan, action)
    return plan


def apply_action(plan: Plan, action: Action) -> Plan:
    return _ACTIONS[action.kind](plan, action)


# --- the actions -----------------------------------------------------------------------------------


def pause(plan: Plan, action: Action) -> Plan:
    p, project = plan.portfolio, str(action.target)
    month = pd.Timestamp(action.from_date).to_period("M").start_time
    months = int(action.months or 0)
    allocations = _moved_allocations(p, project, month, months)
    baseline = p.baseline
    mine = (baseline["project_id"] == project) & (baseline["period"] >= month)
    baseline = _shift_rows(baseline, mine, ("period",), months)
    milestones = _moved_milestones(p.milestones, project, month, months)
    portfolio = _with(p, Allocations=allocations, Baseline=baseline, Milestones=milestones)
    finish = _forecast_finish(plan, project)
    if finish is not None and pd.Timestamp(finish) >= month:
        finish = _add_months(finish, months)
    return Plan(portfolio, {**plan.finishes, project: finish})


def delay(plan: Plan, action: Action) -> Plan:
    p, project = plan.portfolio, str(action.target)
    months = int(action.months or 0)
    projects = p.projects
    projects = _shift_rows(projects, projects["project_id"] == project, ("start", "finish"), months)
    allocations = _shift_rows(p.allocations, p.allocations["project_id"] == project, ("start", "finish"), months)
    baseline = _shift_rows(p.baseline, p.baseline["project_id"] == project, ("period",), months)
    milestones = _moved_milestones(p.milestones, project, pd.Timestamp.min, months)
    portfolio = _with(p, Projects=projects, Allocations=allocations, Baseline=baseline, Milestones=milestones)
    finish = _forecast_finish(plan, project)
    return Plan(portfolio, {**plan.finishes, project: None if finish is None else _add_months(finish, months)})


def cancel(plan: Plan, action: Action) -> Plan:
    p, project = plan.portfolio, str(action.target)
    month = first_open_month(p)
    allocations = _released_allocations(p, project, month)
    baseline = p.baseline
    dropped = (baseline["project_id"] == project) & (baseline["period"] >= month)
    released = float(baseline.loc[dropped, "planned_value"].sum())
    has_plan = bool((baseline["project_id"] == project).any())
    projects = p.projects.copy()
    row = projects["project_id"] == project
    if has_plan:
        projects.loc[row, "bac"] = (projects.loc[row, "bac"] - released).clip(lower=0.0)
    else:  # no Baseline: BAC shrinks with the planned days left
        start, finish = projects.loc[row, "start"], projects.loc[row, "finish"]
        days = (finish - start).dt.days + 1
        done = ((month - start).dt.days).clip(lower=0)
        share = (done / days.where(days > 0)).clip(0.0, 1.0).fillna(1.0)
        projects.loc[row, "bac"] = projects.loc[row, "bac"] * share
    projects.loc[row, "finish"] = projects.loc[row, "finish"].where(projects.loc[row, "finish"] < month, month - pd.Timedelta(days=1))
    projects.loc[row, "status"] = "Cancelled"
    milestones = p.milestones
    gone = (milestones["project_id"] == project) & milestones["actual_date"].isna() & (_milestone_date(milestones) >= month)
    portfolio = _with(p, Projects=projects, Allocations=allocations, Baseline=baseline.loc[~dropped],
                      Milestones=milestones.loc[~gone])
    finish = _forecast_finish(plan, project)
    if finish is not None and pd.Timestamp(finish) >= month:
        finish = (month - pd.Timedelta(days=1)).date()
    return Plan(portfolio, {**plan.finishes, project: finish})


def add_project(plan: Plan, action: Action) -> Plan:
    p, project = plan.portfolio, str(action.target)
    projects = p.projects.copy()
    row = projects["project_id"] == project
    projects.loc[row, "force"] = "Force in"
    projects.loc[row & (projects["status"] == "Proposed"), "status"] = "Approved"
    allocations = p.allocations.copy()
    allocations.loc[allocations["project_id"] == project, "state"] = "Committed"
    return Plan(_with(p, Projects=projects, Allocations=allocations), plan.finishes)


def force_out(plan: Plan, action: Action) -> Plan:
    p = plan.portfolio
    projects = p.projects.copy()
    projects.loc[projects["project_id"] == action.target, "force"] = "Force out"
    return Plan(_with(p, Projects=projects), plan.finishes)


def change_budget(plan: Plan, action: Action) -> Plan:
    p = plan.portfolio
    settings = p.settings
    amount = float(action.amount or 0.0)
    if action.year is None:
        total = settings.total_budget if settings.total_budget is not None else default_total_budget(p.projects)
        settings = dataclasses.replace(settings, total_budget=max(total + amount, 0.0))
    else:
        budgets = settings.budgets.copy()
        year = budgets["year"] == action.year
        budgets.loc[year, "budget"] = (budgets.loc[year, "budget"] + amount).clip(lower=0.0)
        settings = dataclasses.replace(settings, budgets=budgets)
    return Plan(dataclasses.replace(p, settings=settings, issues=[]), plan.finishes)


def add_capacity(plan: Plan, action: Action) -> Plan:
    p = plan.portfolio
    resources = p.resources
    key = normalise_header(str(action.target))
    peers = resources[resources["role"].map(lambda r: isinstance(r, str) and normalise_header(r) == key)]
    role = peers["role"].iloc[0] if len(peers) else str(action.target)
    team = action.team or (peers["team"].dropna().mode().sort_values().iloc[0] if peers["team"].notna().any() else None)
    share = float(peers["non_project"].median()) if peers["non_project"].notna().any() else np.nan
    start = pd.Timestamp(action.from_date) if action.from_date else first_open_month(p)
    fte = float(action.fte or 0.0)
    parts = [1.0] * int(fte) + ([round(fte - int(fte), 6)] if fte - int(fte) > 1e-9 else [])
    taken = set(resources["resource_id"].astype(str))
    rows = []
    for number, part in enumerate(parts, start=1):
        rid = _free_id(f"NEW-{role}-{number}", taken)
        rows.append({"resource_id": rid, "name": f"New {role} {number}", "role": role, "team": team, "fte": part,
                     "non_project": share, "available_from": start, ROW: 0})
    added = pd.DataFrame(rows).reindex(columns=resources.columns)
    combined = pd.concat([resources, added.astype(resources.dtypes.to_dict(), errors="ignore")], ignore_index=True)
    return Plan(_with(p, Resources=combined), plan.finishes)


def remove_capacity(plan: Plan, action: Action) -> Plan:
    p = plan.portfolio
    resources = p.resources.copy()
    row = resources["resource_id"].astype(str) == action.target
    last = pd.Timestamp(action.from_date) - pd.Timedelta(days=1)
    current = resources.loc[row, "available_to"]
    resources.loc[row, "available_to"] = current.where(current.notna() & (current < last), last)
    return Plan(_with(p, Resources=resources), plan.finishes)


_ACTIONS: dict[ScenarioAction, Callable[[Plan, Action], Plan]] = {
    A.PAUSE: pause, A.DELAY: delay, A.CANCEL: cancel, A.ADD: add_project, A.FORCE_OUT: force_out,
    A.BUDGET: change_budget, A.HIRE: add_capacity, A.LEAVE: remove_capacity,
}


# --- helpers ---------------------------------------------------------------------------------------


def _with(portfolio: Portfolio, **registers: pd.DataFrame) -> Portfolio:
    """The portfolio with some registers replaced (the others shared); no issues carried."""
    return dataclasses.replace(portfolio, registers={**portfolio.registers, **registers}, issues=[])


def _add_months(day: dt.date, months: int) -> dt.date:
    return (pd.Timestamp(day) + pd.DateOffset(months=months)).date()


def _shift_rows(frame: pd.DataFrame, mask: pd.Series, columns: tuple[str, ...], months: int) -> pd.DataFrame:
    """`frame` with the dates of `columns` in the masked rows `months` later (day kept, or the month's last)."""
    if not mask.any():
        return frame
    frame = frame.copy()
    for name in columns:
        frame.loc[mask, name] = frame.loc[mask, name] + pd.DateOffset(months=months)
    return frame


def _milestone_date(milestones: pd.DataFrame) -> pd.Series:
    """When a milestone is expected: its forecast, else its baseline date."""
    return milestones["forecast_date"].fillna(milestones["baseline_date"])


def _moved_milestones(milestones: pd.DataFrame, project: str, month: pd.Timestamp, months: int) -> pd.DataFrame:
    """Open milestones of `project` expected from `month` on, their forecast `months` later."""
    expected = _milestone_date(milestones)
    moving = (milestones["project_id"] == project) & milestones["actual_date"].isna() & (expected >= month)
    if not moving.any():
        return milestones
    milestones = milestones.copy()
    milestones.loc[moving, "forecast_date"] = expected[moving] + pd.DateOffset(months=months)
    return milestones


def _forecast_finish(plan: Plan, project: str) -> dt.date | None:
    if project in plan.finishes:
        return plan.finishes[project]
    finish = plan.portfolio.projects.loc[plan.portfolio.projects["project_id"] == project, "finish"]
    return None if finish.empty or pd.isna(finish.iloc[0]) else pd.Timestamp(finish.iloc[0]).date()


def _moved_allocations(p: Portfolio, project: str, month: pd.Timestamp, months: int) -> pd.DataFrame:
    """The allocations with `project`'s work from `month` on moved `months` later."""
    frame = p.allocations
    mine = (frame["project_id"] == project).to_numpy()
    later = mine & (frame["start"] >= month).to_numpy()
    across = mine & (frame["start"] < month).to_numpy() & (frame["finish"] >= month).to_numpy()
    if not (later.any() or across.any()):
        return frame
    before, after = cut_at(p, frame.loc[across], month)
    moved = pd.concat([frame.loc[later], after])
    moved["start"] = moved["start"] + pd.DateOffset(months=months)
    moved["finish"] = moved["finish"] + pd.DateOffset(months=months)
    kept = frame.loc[~(later | across)]
    return pd.concat([kept, _worked(before), moved], ignore_index=True)


def _released_allocations(p: Portfolio, project: str, month: pd.Timestamp) -> pd.DataFrame:
    """The allocations without `project`'s work from `month` on."""
    frame = p.allocations
    mine = (frame["project_id"] == project).to_numpy()
    later = mine & (frame["start"] >= month).to_numpy()
    across = mine & (frame["start"] < month).to_numpy() & (frame["finish"] >= month).to_numpy()
    if not (later.any() or across.any()):
        return frame
    before, _ = cut_at(p, frame.loc[across], month)
    return pd.concat([frame.loc[~(later | across)], _worked(before)], ignore_index=True)


def _worked(before: pd.DataFrame) -> pd.DataFrame:
    """Parts before a cut that carry hours (a part with no working day before the cut is dropped)."""
    return before[(before["effort_hours"] > 1e-9) | (before["actual_hours"].fillna(0) > 0)]


def _free_id(wanted: str, taken: set[str]) -> str:
    candidate, n = wanted, 1
    while candidate in taken:
        n += 1
        candidate = f"{wanted}-{n}"
    taken.add(candidate)
    return candidate
