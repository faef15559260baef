"""The baseline and each scenario side by side, with the differences and a summary in plain words.

`build_comparison(run)` turns a `ScenarioRun` into the rows the Scenarios sheet (and
`pmo-xl scenarios --json`) shows. The summary sentence of a scenario is generated from the same
figures as the table, clause by clause — the cost change by year, the hours of a role freed or
added in a quarter, the teams whose over-allocation goes or comes (and in which months), the
milestones and finishes moved, the projects the selection lets in or leaves out — so it can
never say what the numbers do not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pmo_xl.scenarios.compute import ScenarioRun
from pmo_xl.scenarios.outcome import Outcome

HOURS_SHOWN = 0.5  # a role's hours changing less than this in a quarter are not worth a clause
MONEY_SHOWN = 0.5


@dataclass(frozen=True)
class ComparisonView:
    """What the Scenarios sheet shows."""

    names: tuple[str, ...]  # the scenarios, in the order typed
    first_month: pd.Timestamp
    table: pd.DataFrame  # section, measure, kind, baseline, then value and change per scenario (v0, d0, v1, d1 ...)
    summaries: pd.DataFrame  # scenario, actions, summary, note
    changes: pd.DataFrame  # scenario, kind, project_id, item, before, after, months: selection, finishes, milestones
    binding: pd.DataFrame  # scenario, limit, change: the baseline's binding limits, then what each scenario changes in them
    outcomes: tuple[Outcome, ...] = field(default_factory=tuple)  # baseline first


def build_comparison(run: ScenarioRun) -> ComparisonView:
    if run.compared is not None:  # made beside, in the worker that computed the scenarios
        return run.compared
    base, scenarios = run.baseline, run.scenarios
    summaries = pd.DataFrame({
        "scenario": [s.name for s in scenarios],
        "actions": ["; ".join(s.actions) for s in scenarios],
        "summary": [summary(base, s) for s in scenarios],
        "note": ["; ".join(s.notes) for s in scenarios],
    })
    changes = pd.DataFrame([c for s in scenarios for c in _changes(base, s)],
                           columns=["scenario", "kind", "project_id", "item", "before", "after", "months"])
    binding = pd.DataFrame(_binding_rows(base, scenarios), columns=["scenario", "limit", "change"])
    return ComparisonView(tuple(s.name for s in scenarios), run.first_month, _table(base, scenarios), summaries, changes,
                          binding, (base, *scenarios))


# --- the side-by-side table ------------------------------------------------------------------------


def _table(base: Outcome, scenarios: tuple[Outcome, ...]) -> pd.DataFrame:
    everyone = (base, *scenarios)
    years = sorted({y for o in everyone for y in o.cost_by_year})
    teams = sorted({t for o in everyone for t in o.over_person_months_by_team})
    first_year = years[0] if years else None
    measures: list[tuple[str, str, str, object]] = []  # section, measure, kind, getter
    for year in years:
        measures.append(("Cost", f"Cost {year}", "money", lambda o, y=year: o.cost_by_year.get(y, 0.0)))
    measures.append(("Cost", f"Total cost {first_year}-{years[-1]}" if years else "Total cost", "money", lambda o: o.total_cost))
    measures += [
        ("Selection", "Portfolio value", "score", lambda o: o.value),
        ("Selection", "Projects selected", "count", lambda o: len(o.selected)),
        ("Selection", "Candidates left out", "count", lambda o: len(o.candidates - o.selected)),
        ("Loading", "Over-allocated person-months", "count", lambda o: o.over_person_months),
        ("Loading", "Over-allocation hours", "hours", lambda o: o.over_hours),
        ("Loading", "People over-allocated", "count", lambda o: o.over_people),
    ]
    for team in teams:
        measures.append(("Loading", f"Over-allocated person-months: {team}", "count",
                         lambda o, t=team: o.over_person_months_by_team.get(t, 0)))
    measures += [
        ("Schedule", "Milestones moved", "count", lambda o: _moved_count(base, o)),
        ("Schedule", "Projects finishing later", "count", lambda o: len(_later(base, o))),
        ("Earned value", "PV in the next 12 months", "money", lambda o: o.pv_next_12),
        ("Earned value", "PV to date", "money", lambda o: o.pv_to_date),
        ("Earned value", "EV to date", "money", lambda o: o.ev_to_date),
        ("Earned value", "AC to date", "money", lambda o: o.ac_to_date),
    ]
    rows = []
    for section, measure, kind, get in measures:
        row: dict[str, object] = {"section": section, "measure": measure, "kind": kind, "baseline": float(get(base))}  # type: ignore[operator]
        for i, scenario in enumerate(scenarios):
            value = float(get(scenario))  # type: ignore[operator]
            row[f"v{i}"], row[f"d{i}"] = value, value - float(row["baseline"])  # type: ignore[arg-type]
        rows.append(row)
    return pd.DataFrame(rows)


def _binding_rows(base: Outcome, scenarios: tuple[Outcome, ...]) -> list[tuple[str, str, str]]:
    rows = [(base.name, label, "binds") for label in base.binding]
    for scenario in scenarios:
        rows += [(scenario.name, label, "now binds") for label in scenario.binding if label not in base.binding]
        rows += [(scenario.name, label, "no longer binds") for label in base.binding if label not in scenario.binding]
    return rows


def _moved(base: Outcome, scenario: Outcome) -> list[tuple[tuple[str, str], dt.date | None, dt.date | None]]:
    """Open milestones whose expected date differs (or that the scenario drops), by key.

    Only the moved ones are sorted (keys are unique, so that is their order among all of them)."""
    theirs = scenario.milestones
    return sorted((key, when, theirs.get(key)) for key, when in base.milestones.items() if theirs.get(key) != when)


def _moved_count(base: Outcome, scenario: Outcome) -> int:
    return len(_moved(base, scenario)) if scenario is not base else 0


def _later(base: Outcome, scenario: Outcome) -> list[tuple[str, dt.date, dt.date]]:
    return [(p, base.finishes[p], f) for p, f in sorted(scenario.finishes.items())
            if f is not None and base.finishes.get(p) is not None and f > base.finishes[p]]  # type: ignore[operator]


def _month_gap(before: dt.date, after: dt.date) -> int:
    return (after.year - before.year) * 12 + after.month - before.month


def _changes(base: Outcome, scenario: Outcome) -> list[tuple]:
    rows: list[tuple] = []
    for project in sorted(scenario.selected - base.selected):
        rows.append((scenario.name, "Selected", project, "now selected", None, None, None))
    for project in sorted(base.selected - scenario.selected):
        rows.append((scenario.name, "Left out", project, "no longer selected", None, None, None))
    for project, before, after in _finishes_moved(base, scenario):
        rows.append((scenario.name, "Finish", project, "forecast finish", before, after, _month_gap(before, after)))
    for (project, name), before, after in _moved(base, scenario):
        kind = "Milestone dropped" if after is None else "Milestone"
        rows.append((scenario.name, kind, project, name, before, after, None if after is None or before is None else _month_gap(before, after)))
    return rows


def _finishes_moved(base: Outcome, scenario: Outcome) -> list[tuple[str, dt.date, dt.date]]:
    return [(p, base.finishes[p], f) for p, f in sorted(scenario.finishes.items())
            if f is not None and base.finishes.get(p) is not None and f != base.finishes[p]]


# --- the summary in plain words --------------------------------------------------------------------


def summary(base: Outcome, scenario: Outcome) -> str:
    """'Pause P1 for 3 months from 2026-12: frees 504 Developer hours in 2026 Q4, removes the
    over-allocation of Engineering in Dec 2026-Jan 2027, moves 2 milestones by 3 months, ...'."""
    clauses = [c for c in (_cost_clause(base, scenario), *_hours_clauses(base, scenario), *_team_clauses(base, scenario),
                           _milestone_clause(base, scenario), _finish_clause(base, scenario), _selection_clause(base, scenario))
               if c]
    head = "; ".join(scenario.actions) or scenario.name
    if not clauses:
        return f"{head}: no change to cost, loading, selection or schedule."
    return f"{head}: " + _join(clauses) + "."


def _join(clauses: list[str]) -> str:
    return clauses[0] if len(clauses) == 1 else ", ".join(clauses[:-1]) + " and " + clauses[-1]


def _money(value: float) -> str:
    return f"{abs(value):,.0f}"


def _cost_clause(base: Outcome, scenario: Outcome) -> str:
    years = sorted(set(base.cost_by_year) | set(scenario.cost_by_year))
    deltas = [(y, scenario.cost_by_year.get(y, 0.0) - base.cost_by_year.get(y, 0.0)) for y in years]
    moved = [(y, d) for y, d in deltas if abs(d) >= MONEY_SHOWN]
    if not moved:
        return ""
    total = scenario.total_cost - base.total_cost
    by_year = ", ".join(f"{y} {'+' if d > 0 else '−'}{_money(d)}" for y, d in moved)
    if abs(total) < MONEY_SHOWN:
        return f"moves cost between years ({by_year}; total unchanged)"
    return f"{'raises' if total > 0 else 'cuts'} cost by {_money(total)} ({by_year})"


def _quarter(month: pd.Timestamp) -> str:
    return f"{month.year} Q{(month.month - 1) // 3 + 1}"


def _hours_clauses(base: Outcome, scenario: Outcome) -> list[str]:
    """The largest hours freed, and the largest added, of one role in one quarter."""
    def by_quarter(frame: pd.DataFrame) -> pd.Series:
        if frame.empty:
            return pd.Series(dtype=float)
        codes, months = pd.factorize(frame["month"], use_na_sentinel=False)  # each month's quarter named once
        quarters = np.array([_quarter(pd.Timestamp(m)) for m in months], dtype=object)[codes].tolist()
        return frame.assign(quarter=quarters).groupby(["role", "quarter"])["hours"].sum()

    before, after = by_quarter(base.demand_by_role), by_quarter(scenario.demand_by_role)
    change = after.sub(before, fill_value=0.0)
    clauses = []
    if len(change) and change.min() <= -HOURS_SHOWN:
        (role, quarter), hours = change.idxmin(), -change.min()
        clauses.append(f"frees {hours:,.0f} {role} hours in {quarter}")
    if len(change) and change.max() >= HOURS_SHOWN:
        (role, quarter), hours = change.idxmax(), change.max()
        clauses.append(f"adds {hours:,.0f} {role} hours in {quarter}")
    return clauses


def month_span(months: list[pd.Timestamp]) -> str:
    """'Dec 2026-Jan 2027, Mar 2027': consecutive months joined."""
    runs: list[list[pd.Timestamp]] = []
    for m in sorted(months):
        if runs and (m.year * 12 + m.month) - (runs[-1][-1].year * 12 + runs[-1][-1].month) == 1:
            runs[-1].append(m)
        else:
            runs.append([m])
    return ", ".join(f"{r[0]:%b %Y}" if len(r) == 1 else f"{r[0]:%b %Y}–{r[-1]:%b %Y}" for r in runs)


def _team_clauses(base: Outcome, scenario: Outcome) -> list[str]:
    clauses = []
    change = scenario.over_hours - base.over_hours
    if abs(change) >= HOURS_SHOWN:
        months = scenario.over_person_months - base.over_person_months
        clauses.append(f"{'cuts' if change < 0 else 'adds'} {abs(change):,.0f} hours of over-allocation"
                       + (f" ({'−' if months < 0 else '+'}{_plural(abs(months), 'person-month')})" if months else ""))
    for team in sorted(set(base.over_months_by_team) | set(scenario.over_months_by_team)):
        before, after = set(base.over_months_by_team.get(team, ())), set(scenario.over_months_by_team.get(team, ()))
        if before - after:
            clauses.append(f"removes the over-allocation of {team} in {month_span(list(before - after))}")
        if after - before:
            clauses.append(f"over-allocates {team} in {month_span(list(after - before))}")
    return clauses


def _milestone_clause(base: Outcome, scenario: Outcome) -> str:
    moved = _moved(base, scenario)
    shifted = [_month_gap(b, a) for _, b, a in moved if a is not None and b is not None]
    dropped = sum(1 for _, _, a in moved if a is None)
    parts = []
    if shifted:
        gaps = sorted(set(shifted))
        by = f"by {_plural(gaps[0], 'month')}" if len(gaps) == 1 else f"by {gaps[0]} to {_plural(gaps[-1], 'month')}"
        parts.append(f"moves {_plural(len(shifted), 'milestone')} {by}")
    if dropped:
        parts.append(f"drops {_plural(dropped, 'open milestone')}")
    return " and ".join(parts)


def _finish_clause(base: Outcome, scenario: Outcome) -> str:
    moved = _finishes_moved(base, scenario)
    if not moved:
        return ""
    shown = ", ".join(f"{p} to {f.day} {f:%b %Y}" for p, _, f in moved[:3])
    more = f" and {len(moved) - 3} more" if len(moved) > 3 else ""
    return f"moves the forecast finish of {shown}{more}"


def _selection_clause(base: Outcome, scenario: Outcome) -> str:
    gained, lost = sorted(scenario.selected - base.selected), sorted(base.selected - scenario.selected)
    parts = []
    if gained:
        parts.append(f"lets {_names(gained)} in")
    if lost:
        parts.append(f"leaves {_names(lost)} out")
    if parts and abs(scenario.value - base.value) > 1e-9:
        parts.append(f"value {'+' if scenario.value > base.value else '−'}{abs(scenario.value - base.value):.2f}")
    return ", ".join(parts)


def _names(ids: list[str]) -> str:
    return ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
