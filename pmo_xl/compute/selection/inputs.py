"""From the Projects register and Settings to a `SelectionProblem`: the workbook rules of selection.

Rules (documented for the PMO):
  - candidates are Proposed, Approved, Active and On hold projects; Closed and Cancelled
    projects are not candidates (shown as out, with their status as the reason);
  - Active projects are committed (always in): stopping a running project is a decision of its
    own, not an optimisation side effect. `commit_active=False` lets the optimiser weigh them
    too. "Force out" on an Active project overrides the commitment;
  - "Force in" makes a candidate must-do; "Force in" on a Closed or Cancelled project is
    ignored with a warning;
  - "Depends on" lists project IDs separated by commas or semicolons; a dependency on a Closed
    project is met (it was delivered); one on a Cancelled project can never be met, so the
    dependent project is out; an unknown ID (reported by validation) is ignored;
  - projects sharing an "Exclusive group" name (case and spacing ignored) are alternatives;
  - the total budget is Settings "Total budget" or, blank, the sum of the BAC of the Active and
    Approved projects (what the portfolio has already agreed to fund);
  - yearly budgets (Settings budgets) apply to each project's BAC spread over the years: in
    proportion to its Baseline planned value per month where it has a Baseline, otherwise
    evenly over the calendar days from planned start to planned finish (a project with one date
    spends it all in that year);
  - only months from the status period on limit selection by role capacity (see
    `priority_selection`).
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Sequence

import numpy as np
import pandas as pd

from pmo_xl.compute.selection.core import SelectionNote, SelectionProblem
from pmo_xl.issues import Issue, Severity, Stage
from pmo_xl.model import ROW, Portfolio
from pmo_xl.schema.settings import SelectionObjective

CANDIDATE_STATUSES = ("Proposed", "Approved", "Active", "On hold")
COMMITTED_STATUSES = ("Active",)
BUDGET_STATUSES = ("Active", "Approved")  # the default total budget funds these
OBJECTIVE_SCORE, OBJECTIVE_SCORE_X_BUDGET = SelectionObjective.SCORE, SelectionObjective.SCORE_TIMES_BUDGET
SHEET = "Projects"
STAGE = Stage.PRIORITY


def objective_values(score: pd.Series, bac: pd.Series, objective: str) -> pd.Series:
    """What each project adds to the objective: its score, or score × BAC. No score adds 0."""
    value = score.fillna(0.0).clip(lower=0.0)
    if objective == OBJECTIVE_SCORE_X_BUDGET:
        value = value * bac.fillna(0.0)
    return value


def split_ids(text: object) -> list[str]:
    """'PRJ-001, PRJ-002; PRJ-003' -> ['PRJ-001', 'PRJ-002', 'PRJ-003']."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return []
    return [part.strip() for part in re.split(r"[,;\n]", str(text)) if part.strip()]


def default_total_budget(projects: pd.DataFrame) -> float:
    return float(projects.loc[projects["status"].isin(BUDGET_STATUSES), "bac"].fillna(0.0).sum())


def yearly_spend(projects: pd.DataFrame, years: Sequence[int], baseline: pd.DataFrame | None = None) -> pd.DataFrame:
    """BAC spread over calendar years: index project_id, one column per year in `years`."""
    ids = projects["project_id"].astype(str).to_numpy()
    bac = projects["bac"].fillna(0.0).to_numpy(dtype=float)
    start = pd.to_datetime(projects["start"]).to_numpy(dtype="datetime64[D]")
    finish = pd.to_datetime(projects["finish"]).to_numpy(dtype="datetime64[D]")
    start = np.where(np.isnat(start), finish, start)
    finish = np.where(np.isnat(finish), start, finish)
    finish = np.maximum(start, finish)  # a finish before the start is a one-day project here
    year_start = np.array([f"{y}-01-01" for y in years], dtype="datetime64[D]")
    year_end = np.array([f"{y}-12-31" for y in years], dtype="datetime64[D]")
    days = (finish - start).astype(float) + 1.0
    overlap = (np.minimum(finish[:, None], year_end[None, :]) - np.maximum(start[:, None], year_start[None, :])).astype(float) + 1.0
    share = np.where(np.isnat(start)[:, None], 0.0, np.clip(overlap, 0.0, None) / np.where(np.isnan(days), 1.0, days)[:, None])
    values = share * bac[:, None]
    if baseline is not None and len(baseline) and not _phased(values, ids, bac, years, *_planned_by_year(baseline)):
        spend = pd.DataFrame(values, index=pd.Index(ids, name="project_id"), columns=list(years))
        every_total, by_year = _planned_by_year(baseline)
        totals = every_total[every_total.index.isin(set(ids))]
        phased = totals.index[totals.to_numpy() > 0].tolist()
        if phased:
            shares = by_year.loc[phased].reindex(columns=list(years), fill_value=0.0).div(totals[phased], axis=0)
            lookup = pd.Series(bac, index=ids).groupby(level=0).first()
            spend.loc[phased] = shares.mul(lookup[phased], axis=0).to_numpy()
        return spend
    return pd.DataFrame(values, index=pd.Index(ids, name="project_id"), columns=list(years))


def _phased(values: np.ndarray, ids: np.ndarray, bac: np.ndarray, years: Sequence[int], every_total: pd.Series,
            by_year: pd.DataFrame) -> bool:
    """The rows of the projects with a Baseline (a positive planned total) spread as it plans them,
    in place: each year's planned value over the total, times the BAC (the pandas steps below it,
    `yearly_spend`, as the same divisions and products on arrays: ~10 ms less a call, and the
    scenarios make ~10 calls). False, `values` untouched, where a project ID repeats or a planned
    total has no year row: the pandas steps then say what they say."""
    where = pd.Index(ids)
    if not where.is_unique:
        return False
    total = every_total.to_numpy(dtype=np.float64)
    phased = np.flatnonzero(every_total.index.isin(set(ids)) & (total > 0))
    if not len(phased):
        return True
    names = every_total.index[phased]
    rows, columns = by_year.index.get_indexer(names), by_year.columns.get_indexer(list(years))
    if (rows < 0).any():
        return False
    planned = np.where(columns >= 0, by_year.to_numpy(dtype=np.float64)[rows][:, columns], 0.0)
    target = where.get_indexer(names)
    values[target] = planned / total[phased][:, None] * bac[target][:, None]
    return True


_PLANNED: dict[int, tuple[weakref.ref, pd.Series, pd.DataFrame]] = {}  # id(Baseline frame) -> what _planned_by_year made of it
_PLANNED_KEPT = 4


def _planned_by_year(baseline: pd.DataFrame) -> tuple[pd.Series, pd.DataFrame]:
    """Every project's total planned value in `baseline`, and its planned value per calendar year
    (index project_id as text, sorted; a column per year with any plan).

    Made once per Baseline frame (registers are never modified): the scenarios ask for the same
    Baseline's spend twice per portfolio measured, and every time it grouped the whole register.
    A project's sums are those of its own rows, in their order, whichever projects are asked
    for with it, so taking the asked ones out of every project's gives the same numbers."""
    kept = _PLANNED.get(id(baseline))
    if kept is not None and kept[0]() is baseline:
        return kept[1], kept[2]
    plan = baseline.assign(project_id=baseline["project_id"].astype(str), year=pd.to_datetime(baseline["period"]).dt.year)
    totals = plan.groupby("project_id")["planned_value"].sum()
    by_year = plan.groupby(["project_id", "year"])["planned_value"].sum().unstack(fill_value=0.0)
    while len(_PLANNED) >= _PLANNED_KEPT:
        _PLANNED.pop(next(iter(_PLANNED)))
    _PLANNED[id(baseline)] = (weakref.ref(baseline), totals, by_year)
    return totals, by_year


def build_selection_problem(
    portfolio: Portfolio,
    value: pd.Series,
    order: Sequence[str],
    demand: pd.DataFrame | None = None,
    capacity: pd.DataFrame | None = None,
    commit_active: bool = True,
) -> tuple[SelectionProblem, float, str, list[Issue]]:
    """The selection problem of a portfolio; also the total budget used, where it came from, and issues.

    `value` is indexed by project ID (objective contribution); `order` is the ranking, best
    first; `demand` (project_id, role, month, hours) and `capacity` (role, month, hours) are
    optional role-month frames.
    """
    projects = portfolio.projects.drop_duplicates("project_id")
    settings = portfolio.settings
    issues: list[Issue] = []
    ids = projects["project_id"].astype(str).tolist()
    rows = dict(zip(ids, projects[ROW].astype(int).tolist(), strict=True))
    status = dict(zip(ids, _objects(projects["status"]), strict=True))
    force = dict(zip(ids, _objects(projects["force"]), strict=True))
    fixed_in: dict[str, str] = {}
    fixed_out: dict[str, str] = {}
    for p in ids:
        if status[p] not in CANDIDATE_STATUSES:
            fixed_out[p] = f"Status {status[p]}: not a candidate"
            if force[p] == "Force in":
                issues.append(_issue("force-not-candidate", rows[p], "Force in/out", force[p],
                                     f"{p} is {status[p]}: 'Force in' is ignored for projects that are not candidates"))
        elif force[p] == "Force out":
            fixed_out[p] = "Forced out"
        elif force[p] == "Force in":
            fixed_in[p] = "Forced in"
        elif commit_active and status[p] in COMMITTED_STATUSES:
            fixed_in[p] = f"Committed: {status[p]} project"
    depends_on: dict[str, list[str]] = {}
    known = set(ids)
    for p, text in zip(ids, _objects(projects["depends_on"]), strict=True):
        wanted = []
        for a in split_ids(text):
            # Itself or an unknown ID: ignored here, reported by validation (unknown-dependency).
            if a != p and a in known and status[a] != "Closed":  # a closed project was delivered: the need is met
                wanted.append(a)
        if wanted:
            depends_on[p] = wanted
    groups: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    for p, name in zip(ids, _objects(projects["exclusive_group"]), strict=True):
        if name is None or (isinstance(name, float) and np.isnan(name)) or not str(name).strip():
            continue
        key = re.sub(r"\s+", " ", str(name)).strip().casefold()
        labels.setdefault(key, str(name).strip())
        groups.setdefault(labels[key], []).append(p)
    if settings.total_budget is not None:
        total, source = float(settings.total_budget), "Settings: Total budget"
    else:
        total, source = default_total_budget(projects), "Sum of BAC of Active and Approved projects (Total budget is blank)"
    yearly_cost, yearly_budget = None, None
    budgets = settings.budgets
    if budgets is not None and len(budgets) and {"year", "budget"} <= set(budgets.columns):
        clean = budgets.dropna(subset=["year", "budget"])
        yearly_budget = pd.Series(clean["budget"].to_numpy(dtype=float), index=clean["year"].astype(int).to_numpy())
        yearly_budget = yearly_budget.groupby(level=0).sum()
        baseline = portfolio.registers.get("Baseline")
        yearly_cost = yearly_spend(projects, list(yearly_budget.index), baseline)
    if demand is not None and capacity is not None:
        for role in sorted(set(demand["role"].dropna().unique()) - set(capacity["role"].dropna().unique())):
            issues.append(Issue(code="role-without-capacity", severity=Severity.WARNING, sheet="Allocations", row=None, column=None, field="Role", value=role,
                                message=f"Role {role!r} is needed by allocations but no resource has it: its capacity is not checked in selection",
                                stage=STAGE))
    ranked = set(order)
    problem = SelectionProblem(
        project_ids=ids,
        value=value.reindex(ids).fillna(0.0).to_numpy(dtype=float),
        cost=projects["bac"].fillna(0.0).to_numpy(dtype=float),
        total_budget=total,
        yearly_cost=yearly_cost,
        yearly_budget=yearly_budget,
        demand=demand,
        capacity=capacity,
        fixed_in=fixed_in,
        fixed_out=fixed_out,
        depends_on=depends_on,
        groups=groups,
        priority=[p for p in order if p in known] + [p for p in ids if p not in ranked],
    )
    return problem, total, source, issues


def _objects(column: pd.Series) -> list[object]:
    """The values of a column as Python objects, without iterating the Series (pandas 3's text
    columns cost microseconds per element that way)."""
    return column.to_numpy(dtype=object).tolist()


def note_issues(notes: Sequence[SelectionNote], portfolio: Portfolio) -> list[Issue]:
    """Selection notes as issues located on the Projects row (or the Settings/Allocations sheet)."""
    rows = dict(zip(portfolio.projects["project_id"].astype(str), portfolio.projects[ROW].astype(int), strict=False))
    found = []
    for note in notes:
        if note.project_id is not None and note.project_id in rows:
            field = "Depends on" if "dependency" in note.code else "Force in/out"
            found.append(_issue(note.code, rows[note.project_id], field, None, note.message))
        elif note.code == "fixed-over-capacity":
            found.append(Issue(code=note.code, severity=Severity.WARNING, sheet="Allocations", row=None, column=None, field=None, value=None, message=note.message, stage=STAGE))
        else:
            found.append(Issue(code=note.code, severity=Severity.WARNING, sheet="Settings", row=None, column=None, field=None, value=None, message=note.message, stage=STAGE))
    return found


def _issue(code: str, row: int, field: str, value: object, message: str) -> Issue:
    return Issue(code=code, severity=Severity.WARNING, sheet=SHEET, row=row, column=None, field=field, value=value, message=message, stage=STAGE)
