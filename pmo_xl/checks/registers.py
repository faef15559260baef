"""Row, across-row and across-register checks."""

from __future__ import annotations

import pandas as pd

from pmo_xl.checks.core import issues_at
from pmo_xl.issues import Issue, Severity
from pmo_xl.model import Portfolio
from pmo_xl.schema.columns import Register
from pmo_xl.schema.registers import ALLOCATIONS, BASELINE, MILESTONES, PROGRESS, PROJECTS, RESOURCES, RISKS


def check_dates_in_order(portfolio: Portfolio) -> list[Issue]:
    """Start after finish, on Projects and Allocations."""
    issues: list[Issue] = []
    for register in (PROJECTS, ALLOCATIONS):
        frame = portfolio.registers[register.name]
        bad = (frame["finish"] < frame["start"]).to_numpy()
        issues += issues_at(frame, bad, register, "finish", "finish-before-start", Severity.ERROR,
                            "Finish {finish} is before Start {start} — correct one of them", portfolio)
    return issues


def check_unique_ids(portfolio: Portfolio) -> list[Issue]:
    """Duplicate IDs: the first row keeps the ID, every later one is an error."""
    issues: list[Issue] = []
    for register, key in ((PROJECTS, "project_id"), (RESOURCES, "resource_id"), (RISKS, "risk_id")):
        frame = portfolio.registers[register.name]
        duplicated = frame[key].notna() & frame.duplicated(subset=[key], keep="first")
        if duplicated.any():
            first = frame.drop_duplicates(subset=[key]).set_index(key)["_row"]
            shown = frame.assign(first_row=frame[key].map(first))
            issues += issues_at(shown, duplicated, register, key, "duplicate-id", Severity.ERROR,
                                "{value} is already used in row {first_row} — give this row its own ID", portfolio)
    return issues


def check_references(portfolio: Portfolio) -> list[Issue]:
    """Allocations, progress, baseline, risks and milestones must name known projects and resources."""
    issues: list[Issue] = []
    projects = portfolio.known_ids.get("Projects", set(portfolio.projects["project_id"].dropna()))
    resources = portfolio.known_ids.get("Resources", set(portfolio.resources["resource_id"].dropna()))
    register: Register
    for register in (ALLOCATIONS, PROGRESS, BASELINE, RISKS, MILESTONES):
        frame = portfolio.registers[register.name]
        unknown = frame["project_id"].notna() & ~frame["project_id"].isin(projects)
        issues += issues_at(frame, unknown, register, "project_id", "unknown-reference", Severity.ERROR,
                            "Project {value} is not in the Projects register — check the ID or add the project", portfolio)
    frame = portfolio.allocations
    unknown = frame["resource_id"].notna() & ~frame["resource_id"].isin(resources)
    issues += issues_at(frame, unknown, ALLOCATIONS, "resource_id", "unknown-reference", Severity.ERROR,
                        "Resource {value} is not in the Resources register — check the ID or add the person", portfolio)
    neither = frame["resource_id"].isna() & frame["role"].isna()
    issues += issues_at(frame, neither, ALLOCATIONS, "resource_id", "resource-or-role", Severity.ERROR,
                        "Name a resource or, for a generic demand, a role", portfolio)
    no_effort = frame["effort_hours"].isna() & frame["fte"].isna()
    issues += issues_at(frame, no_effort, ALLOCATIONS, "effort_hours", "no-effort", Severity.ERROR,
                        "Give the effort as hours or as FTE", portfolio)
    progress = portfolio.progress
    no_ev = progress["ev"].isna() & progress["pct_complete"].isna()
    issues += issues_at(progress, no_ev, PROGRESS, "ev", "no-earned-value", Severity.ERROR,
                        "Give EV or % complete for {project_id}", portfolio)
    return issues


def _is_blank(series: pd.Series) -> pd.Series:
    return series.isna()
