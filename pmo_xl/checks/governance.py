"""Checks of the registers beside the plan (`pmo_xl.schema.governance`).

Generic, from the declarations: IDs unique (`duplicate-id`, `duplicate-key` for the two-field
keys), every `refers_to` column naming a row that exists (`unknown-reference`: an error when
the column is required, the row then left out; a warning for an optional link, the row kept),
the `DATE_ORDER` pairs in order (`finish-before-start`, a warning: the row still counts).

Then what a PMO chases each month, judged on the status date (the report's "as of", so a
rerun of an old month gives the same answer):
  - `action-overdue`: an open action past its due date;
  - `decision-overdue`: a pending decision past its decide-by date;
  - `issue-open-too-long`: an open issue raised longer ago than its priority allows (Settings);
  - `change-approved-undated`: an approved or implemented change request without its decision date;
  - `benefit-overdue`: a benefit past its target date with no realised value measured;
  - `status-vs-dates`: a decided decision, resolved issue or done action without its date;
  - `no-objective`: a live project contributing to no strategic objective (when objectives are kept).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmo_xl.checks.core import issues_at, months, reference_date, reference_period, repeated_keys
from pmo_xl.issues import Issue, Severity
from pmo_xl.model import ROW, Portfolio
from pmo_xl.schema.choices import (
    ACTION_OPEN_STATUSES,
    CHANGE_APPROVED_STATUSES,
    DECISION_OPEN_STATUSES,
    ISSUE_OPEN_STATUSES,
    PROJECT_STATUSES,
)
from pmo_xl.schema.columns import Register
from pmo_xl.schema.governance import (
    ACTIONS,
    BENEFIT_PROGRESS,
    BENEFITS,
    CHANGE_REQUESTS,
    CONTRIBUTIONS,
    DATE_ORDER,
    DECISIONS,
    GOVERNANCE_REGISTERS,
    ISSUE_LOG,
    OBJECTIVES,
)
from pmo_xl.schema.registers import PROJECTS, REGISTERS_BY_NAME

# Projects that should serve an objective: every one not closed or cancelled.
LIVE_STATUSES = tuple(s for s in PROJECT_STATUSES if s not in ("Closed", "Cancelled"))
# Action.source -> the register its Source ID names.
SOURCE_REGISTERS = {"Issue": ISSUE_LOG.name, "Risk": "Risks", "Decision": DECISIONS.name}


def _frame(portfolio: Portfolio, register: Register) -> pd.DataFrame:
    frame = portfolio.registers.get(register.name)  # not .get(name, DataFrame()): that makes a frame per call
    return frame if frame is not None else pd.DataFrame()


def _present(portfolio: Portfolio, name: str) -> bool:
    return bool(portfolio.layout.get(name))


def _known(portfolio: Portfolio, name: str) -> set[str]:
    """Every ID typed in a register, rejected rows included: one mistake is reported once."""
    register = REGISTERS_BY_NAME[name]
    key = register.key[0]
    known = set(portfolio.known_ids.get(name) or ())
    frame = portfolio.registers.get(name)
    if frame is not None and key in frame:
        known |= set(frame[key].dropna())
    return known


def check_governance_keys(portfolio: Portfolio) -> list[Issue]:
    """IDs (and the two-field keys of Contributions and Benefit progress) unique; the first row keeps it."""
    issues: list[Issue] = []
    for register in GOVERNANCE_REGISTERS:
        frame = _frame(portfolio, register)
        if frame.empty:
            continue
        keys = list(register.key)
        repeated = repeated_keys(frame, keys)
        if not repeated.any():
            continue
        first = frame.groupby(keys, sort=False)[ROW].transform("first")
        if len(keys) == 1:
            issues += issues_at(frame.assign(first_row=first), repeated, register, keys[0], "duplicate-id", Severity.ERROR,
                                "{value} is already used in row {first_row} — give this row its own ID", portfolio)
        else:
            shown = frame.assign(first_row=first, what=_key_text(frame, register, repeated))
            issues += issues_at(shown, repeated, register, keys[-1], "duplicate-key", Severity.ERROR,
                                "{what} is already in row {first_row} — delete this row or correct its key", portfolio)
    return issues


def _key_text(frame: pd.DataFrame, register: Register, mask: np.ndarray) -> pd.Series:
    parts = [months(frame[k], mask) if k == "period" else frame[k].astype(str) for k in register.key]
    text = parts[0]
    for part in parts[1:]:
        text = text + " / " + part
    return text


def check_governance_references(portfolio: Portfolio) -> list[Issue]:
    """Each `refers_to` column names a row of its register; an Action's Source ID names its source."""
    issues: list[Issue] = []
    known_in: dict[str, set[str]] = {}  # register -> its IDs, gathered once for every column naming it

    def known_ids(name: str) -> set[str]:
        if name not in known_in:
            known_in[name] = _known(portfolio, name)
        return known_in[name]

    for register in GOVERNANCE_REGISTERS:
        frame = _frame(portfolio, register)
        if frame.empty:
            continue
        for column in (c for c in register.columns if c.refers_to):
            target = REGISTERS_BY_NAME[column.refers_to]
            if not target.optional and not _present(portfolio, target.name):
                continue  # an absent plan register is one missing-register issue already
            known = known_ids(target.name)
            unknown = (frame[column.field].notna() & ~frame[column.field].isin(known)).to_numpy()
            severity = Severity.ERROR if column.required else Severity.WARNING
            what = target.column(target.key[0]).header.replace(" ID", "").lower()
            issues += issues_at(frame, unknown, register, column.field, "unknown-reference", severity,
                                f"{column.header} {{value}} is not in the {target.name} register — check the ID or add the {what}",
                                portfolio)
    actions = _frame(portfolio, ACTIONS)
    for source, name in SOURCE_REGISTERS.items() if not actions.empty else ():
        if not REGISTERS_BY_NAME[name].optional and not _present(portfolio, name):
            continue
        unknown = ((actions["source"] == source) & actions["source_id"].notna() & ~actions["source_id"].isin(known_ids(name))).to_numpy()
        issues += issues_at(actions, unknown, ACTIONS, "source_id", "unknown-reference", Severity.WARNING,
                            f"Source ID {{value}} is not in the {name} register (the Source is {source}) — check the ID", portfolio)
    return issues


def check_governance_dates(portfolio: Portfolio) -> list[Issue]:
    """The declared date pairs in order: a later date before the earlier one is a warning at the later cell."""
    issues: list[Issue] = []
    for register, first, last in DATE_ORDER:
        frame = _frame(portfolio, register)
        if frame.empty:
            continue
        bad = (frame[last] < frame[first]).to_numpy()
        a, b = register.column(first).header, register.column(last).header
        issues += issues_at(frame, bad, register, last, "finish-before-start", Severity.WARNING,
                            f"{b} {{{last}}} is before {a} {{{first}}} — correct one of them", portfolio)
    return issues


def check_governance_status(portfolio: Portfolio) -> list[Issue]:
    """What is overdue on the status date, and statuses that say done without saying when."""
    today = reference_date(portfolio)
    issues: list[Issue] = []
    actions, decisions, log = _frame(portfolio, ACTIONS), _frame(portfolio, DECISIONS), _frame(portfolio, ISSUE_LOG)
    changes = _frame(portfolio, CHANGE_REQUESTS)
    if today is not None:
        overdue = (actions["status"].isin(ACTION_OPEN_STATUSES) & actions["done_date"].isna() & (actions["due"] < today)).to_numpy()
        if overdue.any():
            shown = actions.assign(today=today, late=(today - actions["due"]).dt.days)
            issues += issues_at(shown, overdue, ACTIONS, "due", "action-overdue", Severity.WARNING,
                                "Action of {project_id} due {value} is still {status} on the status date {today} ({late} days late) "
                                "— chase {owner}, or record it done or re-plan it", portfolio)
        overdue = (decisions["status"].isin(DECISION_OPEN_STATUSES) & decisions["decided_on"].isna() & (decisions["decide_by"] < today)).to_numpy()
        if overdue.any():
            shown = decisions.assign(today=today, late=(today - decisions["decide_by"]).dt.days)
            issues += issues_at(shown, overdue, DECISIONS, "decide_by", "decision-overdue", Severity.WARNING,
                                "Decision of {project_id} needed by {value} is still {status} on the status date {today} ({late} days late) "
                                "— put it to the {forum}, or record the outcome", portfolio)
        issues += _issues_open_too_long(log, today, portfolio)
        issues += _benefits_overdue(portfolio, today)
    approved = (changes["status"].isin(CHANGE_APPROVED_STATUSES) & changes["decided_on"].isna()).to_numpy()
    issues += issues_at(changes, approved, CHANGE_REQUESTS, "decided_on", "change-approved-undated", Severity.WARNING,
                        "Change request {change_id} is {status} but has no Decided on date — record when (and by whom) it was approved",
                        portfolio)
    for register, frame, done, day in ((DECISIONS, decisions, ("Decided",), "decided_on"), (ISSUE_LOG, log, ("Resolved", "Closed"), "resolved_date"),
                                       (ACTIONS, actions, ("Done",), "done_date")):
        undated = (frame["status"].isin(done) & frame[day].isna()).to_numpy()
        header = register.column(day).header
        issues += issues_at(frame, undated, register, day, "status-vs-dates", Severity.WARNING,
                            f"{{{register.key[0]}}} is {{status}} but {header} is blank — give the date", portfolio)
    return issues


def issue_limits(portfolio: Portfolio) -> dict[str, int]:
    """Days an issue of each priority may stay open (Settings)."""
    s = portfolio.settings
    return {"High": int(s.issue_days_high), "Medium": int(s.issue_days_medium), "Low": int(s.issue_days_low)}


def _issues_open_too_long(log: pd.DataFrame, today: pd.Timestamp, portfolio: Portfolio) -> list[Issue]:
    open_ = log["status"].isin(ISSUE_OPEN_STATUSES).to_numpy()
    if not open_.any():  # nothing open: no age to work out
        return []
    limit = log["priority"].map(issue_limits(portfolio)).astype("float64")
    age = (today - log["raised"]).dt.days
    too_long = open_ & (age > limit).to_numpy()
    return issues_at(log.assign(age=age, limit=limit), too_long, ISSUE_LOG, "raised", "issue-open-too-long", Severity.WARNING,
                     "{priority}-priority issue {issue_id} has been open {age} days (raised {value}), beyond the {limit} days "
                     "Settings allow — resolve it or escalate it", portfolio)


def _benefits_overdue(portfolio: Portfolio, today: pd.Timestamp) -> list[Issue]:
    benefits, progress = _frame(portfolio, BENEFITS), _frame(portfolio, BENEFIT_PROGRESS)
    period = reference_period(portfolio)
    measured = progress.loc[progress["realised_value"].notna() & ((progress["period"] <= period) if period is not None else True), "benefit_id"]
    missing = ((benefits["target_date"] < today) & ~benefits["benefit_id"].isin(set(measured))).to_numpy()
    return issues_at(benefits, missing, BENEFITS, "target_date", "benefit-overdue", Severity.WARNING,
                     "Benefit {benefit_id} of {project_id} was due by {value} but no realised value is recorded in Benefit progress "
                     "— measure it, or re-plan the target date", portfolio)


def check_alignment(portfolio: Portfolio) -> list[Issue]:
    """A live project contributing to no strategic objective (only where objectives are kept)."""
    if _frame(portfolio, OBJECTIVES).empty:
        return []
    projects = portfolio.projects
    serving = set(_frame(portfolio, CONTRIBUTIONS)["project_id"].dropna())
    alone = (projects["status"].isin(LIVE_STATUSES) & ~projects["project_id"].isin(serving)).to_numpy()
    return issues_at(projects, alone, PROJECTS, "project_id", "no-objective", Severity.WARNING,
                     "{value} ({status}) contributes to no strategic objective — add a row to Contributions, or question the project",
                     portfolio)


GOVERNANCE_CHECKS = (check_governance_keys, check_governance_references, check_governance_dates, check_governance_status,
                     check_alignment)
