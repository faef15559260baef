"""Checks of the Scenarios table (Settings): each row's action, target and parameters.

A scenario is computed only when every one of its rows can be applied: a row with an error
(an unknown project, a pause of a closed project, months below 1, a missing parameter ...) is
reported at its cell, and its whole scenario is left out with one more issue saying so — a
scenario computed without one of its actions would answer another question than the one asked.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import numpy as np
import pandas as pd

from pmo_xl.checks.core import letter_of, show
from pmo_xl.issues import Issue, Severity, Stage
from pmo_xl.model import ROW, Portfolio, Settings
from pmo_xl.schema.columns import normalise_header
from pmo_xl.schema.settings import SCENARIOS, ScenarioAction

A = ScenarioAction
PROJECT_ACTIONS = (A.PAUSE, A.DELAY, A.CANCEL, A.ADD, A.FORCE_OUT)
ENDED = ("Closed", "Cancelled")  # nothing left to pause, delay, cancel or select
STARTED = ("Active", "On hold")
ADDABLE = ("Proposed", "Approved", "On hold")  # proposals and projects waiting for a decision


@dataclasses.dataclass(frozen=True)
class _Row:
    """One scenario row with what its checks need."""

    number: int  # Excel row
    scenario: str
    action: str | None
    values: dict[str, object]


def check_scenarios(portfolio: Portfolio) -> list[Issue]:
    """Every problem of the Scenarios rows at its cell, then one `scenario-left-out` per scenario hit."""
    issues, _ = scenario_findings(portfolio)
    return issues


def without_bad_scenarios(portfolio: Portfolio, settings: Settings) -> Settings:
    """`settings` with the rows of every scenario that has an error left out."""
    frame = settings.scenarios
    if frame is None or not len(frame):
        return settings
    _, bad = scenario_findings(portfolio)
    if not bad:
        return settings
    keep = ~frame["scenario"].isin(bad).to_numpy()
    return dataclasses.replace(settings, scenarios=frame.loc[keep].reset_index(drop=True))


def scenario_findings(portfolio: Portfolio) -> tuple[list[Issue], set[str]]:
    """The issues of the Scenarios rows and the names of the scenarios that cannot be computed."""
    frame = portfolio.settings.scenarios
    if frame is None or not len(frame) or "scenario" not in frame:
        return [], set()
    issues: list[Issue] = []
    first_row: dict[str, int] = {}
    bad: dict[str, list[int]] = {}
    for row in _rows(frame):
        first_row.setdefault(row.scenario, row.number)
        found = list(_row_issues(row, portfolio))
        issues += found
        if any(i.severity == Severity.ERROR for i in found):
            bad.setdefault(row.scenario, []).append(row.number)
    for name, rows in bad.items():
        listed = ", ".join(str(r) for r in rows)
        issues.append(_issue(portfolio, first_row[name], "scenario", name, "scenario-left-out", Severity.WARNING,
                             f"Scenario {name!r} is not computed: row{'s' if len(rows) > 1 else ''} {listed} "
                             f"{'have errors' if len(rows) > 1 else 'has an error'} — correct {'them' if len(rows) > 1 else 'it'} "
                             "and run again"))
    return issues, set(bad)


def _rows(frame: pd.DataFrame) -> Iterator[_Row]:
    fields = [c.field for c in SCENARIOS.columns if c.field in frame.columns]
    records = frame[[*fields, ROW]].to_dict("records")
    for record in records:
        name = record.get("scenario")
        if not isinstance(name, str) or not name.strip():
            continue  # a blank name is a `required` error of the parse stage, its row already left out
        action = record.get("action")
        yield _Row(int(record[ROW]), name.strip(), action if isinstance(action, str) else None, record)


def _blank(value: object) -> bool:
    return value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)) or (isinstance(value, str) and not value.strip())


def _row_issues(row: _Row, portfolio: Portfolio) -> Iterator[Issue]:
    if row.action is None:
        yield _issue(portfolio, row.number, "action", None, "scenario-incomplete", Severity.ERROR,
                     f"Scenario {row.scenario!r}: Action is blank — choose what this row does (Pause, Delay start, Cancel, "
                     "Add project, Force out, Change budget, Add capacity, Remove capacity)")
        return
    action = A(row.action)
    needs = {A.PAUSE: ("target", "from_date", "months"), A.DELAY: ("target", "months"), A.CANCEL: ("target",),
             A.ADD: ("target",), A.FORCE_OUT: ("target",), A.BUDGET: ("amount",), A.HIRE: ("target", "fte"),
             A.LEAVE: ("target", "from_date")}[action]
    missing = [f for f in needs if _blank(row.values.get(f))]
    for field_name in missing:
        yield _issue(portfolio, row.number, field_name, None, "scenario-incomplete", Severity.ERROR,
                     f"Scenario {row.scenario!r}: {action.value} needs {_what(action, field_name)} — fill in "
                     f"{SCENARIOS.column(field_name).header}")
    if missing:
        return
    if "months" in needs and int(row.values["months"]) < 1:  # type: ignore[call-overload]
        yield _issue(portfolio, row.number, "months", row.values["months"], "scenario-bad-months", Severity.ERROR,
                     f"Scenario {row.scenario!r}: {action.value} by {int(row.values['months'])} months — Months must be "  # type: ignore[call-overload]
                     "a whole number of at least 1")
    if action in PROJECT_ACTIONS:
        yield from _project_issues(row, action, portfolio)
    elif action == A.BUDGET:
        yield from _budget_issues(row, portfolio)
    elif action == A.HIRE:
        yield from _hire_issues(row, portfolio)
    elif action == A.LEAVE:
        yield from _leave_issues(row, portfolio)


def _what(action: ScenarioAction, field_name: str) -> str:
    return {
        "target": {A.HIRE: "the role to add", A.LEAVE: "the Resource ID of the person leaving"}.get(action, "the Project ID"),
        "from_date": {A.PAUSE: "the first month paused", A.LEAVE: "the person's first day away"}.get(action, "a date"),
        "months": "a number of months",
        "fte": "the FTE added",
        "amount": "the amount added (or cut, negative)",
    }[field_name]


def _project_issues(row: _Row, action: ScenarioAction, portfolio: Portfolio) -> Iterator[Issue]:
    target = str(row.values["target"]).strip()
    projects = portfolio.projects.drop_duplicates("project_id").set_index("project_id")
    if target not in projects.index:
        left_out = target in portfolio.known_ids.get("Projects", set())
        yield _issue(portfolio, row.number, "target", target, "scenario-unknown-target", Severity.ERROR,
                     f"Scenario {row.scenario!r}: project {target} "
                     + ("is left out of the computations because its row has errors — correct it in Projects" if left_out
                        else "is not in Projects — type a Project ID of the Projects register"))
        return
    status = projects.at[target, "status"]
    if status in ENDED:
        yield _issue(portfolio, row.number, "target", target, "scenario-not-possible", Severity.ERROR,
                     f"Scenario {row.scenario!r}: {target} is {status}, so it cannot be {_verb(action)} — choose another project")
        return
    period = portfolio.period
    if action == A.PAUSE and period is not None:
        month = pd.Timestamp(row.values["from_date"]).to_period("M").start_time
        if month <= period:
            yield _issue(portfolio, row.number, "from_date", row.values["from_date"], "scenario-not-possible", Severity.ERROR,
                         f"Scenario {row.scenario!r}: a pause cannot start in {month:%Y-%m}, the status month or before "
                         f"(what is reported cannot be re-planned) — start it in {period + pd.DateOffset(months=1):%Y-%m} or later")
    if action == A.DELAY:
        start = projects.at[target, "start"]
        started = status in STARTED or (portfolio.status_date is not None and not pd.isna(start)
                                        and pd.Timestamp(start).date() <= portfolio.status_date)
        if started:
            yield _issue(portfolio, row.number, "action", row.action, "scenario-not-possible", Severity.ERROR,
                         f"Scenario {row.scenario!r}: {target} has started ({status}, planned start {show(start)}), so its start "
                         "cannot be delayed — pause it instead")
    if action == A.ADD and status not in ADDABLE:
        yield _issue(portfolio, row.number, "target", target, "scenario-not-possible", Severity.ERROR,
                     f"Scenario {row.scenario!r}: {target} is {status}: it is already in the portfolio — Add project is for "
                     "proposals (Proposed, Approved or On hold)")


def _verb(action: ScenarioAction) -> str:
    return {A.PAUSE: "paused", A.DELAY: "delayed", A.CANCEL: "cancelled", A.ADD: "added", A.FORCE_OUT: "forced out"}[action]


def _budget_issues(row: _Row, portfolio: Portfolio) -> Iterator[Issue]:
    year = row.values.get("year")
    if _blank(year):
        return
    budgets = portfolio.settings.budgets
    years = set() if budgets is None or not len(budgets) else {int(y) for y in budgets["year"].dropna()}
    if int(year) not in years:  # type: ignore[call-overload]
        yield _issue(portfolio, row.number, "year", year, "scenario-not-possible", Severity.ERROR,
                     f"Scenario {row.scenario!r}: there is no budget for {int(year)} in Settings (Budgets per year) to change — "  # type: ignore[call-overload]
                     "add the year's budget there, or leave Year blank to change the Total budget")


def _hire_issues(row: _Row, portfolio: Portfolio) -> Iterator[Issue]:
    role = str(row.values["target"]).strip()
    resources = portfolio.resources
    # Each distinct role once: the allocations repeat a few dozen roles over every row.
    roles = {normalise_header(r) for r in resources["role"].dropna().unique()}
    needed = {normalise_header(r) for r in portfolio.allocations["role"].dropna().unique()}
    if normalise_header(role) not in roles | needed:
        yield _issue(portfolio, row.number, "target", role, "scenario-unknown-target", Severity.ERROR,
                     f"Scenario {row.scenario!r}: no resource has the role {role!r} and no allocation needs it — type a role "
                     "of the Resources register")
    if float(row.values["fte"]) <= 0:  # type: ignore[arg-type]
        yield _issue(portfolio, row.number, "fte", row.values["fte"], "scenario-incomplete", Severity.ERROR,
                     f"Scenario {row.scenario!r}: Add capacity of 0 FTE adds nobody — type the FTE added")
    team = row.values.get("team")
    if not _blank(team) and normalise_header(str(team)) not in {normalise_header(t) for t in resources["team"].dropna()}:
        yield _issue(portfolio, row.number, "team", team, "scenario-new-team", Severity.INFO,
                     f"Scenario {row.scenario!r}: no one is in the team {str(team).strip()!r} yet; the people added make a new team")


def _leave_issues(row: _Row, portfolio: Portfolio) -> Iterator[Issue]:
    person = str(row.values["target"]).strip()
    if person not in set(portfolio.resources["resource_id"].astype(str)):
        left_out = person in portfolio.known_ids.get("Resources", set())
        yield _issue(portfolio, row.number, "target", person, "scenario-unknown-target", Severity.ERROR,
                     f"Scenario {row.scenario!r}: resource {person} "
                     + ("is left out of the computations because its row has errors — correct it in Resources" if left_out
                        else "is not in Resources — type a Resource ID of the Resources register"))


def _issue(portfolio: Portfolio, row: int, field_name: str, value: object, code: str, severity: Severity, message: str) -> Issue:
    letter = letter_of(SCENARIOS, field_name, portfolio)
    value = value.date() if isinstance(value, pd.Timestamp) else value
    return Issue(code=code, severity=severity, sheet=SCENARIOS.sheet_name, row=row, column=letter,
                 field=SCENARIOS.column(field_name).header, value=value, message=message, stage=Stage.CHECK)
