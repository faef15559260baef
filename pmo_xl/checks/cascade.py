"""What leaves with a project (or a person) that was left out, and why it left: nothing silently.

A Projects row with an error is left out of every figure. The rows that depend on it — its
allocations, progress, baseline, risks and milestones, and its rows in the registers beside the
plan (issue log, actions, decisions, change requests, contributions, benefits, lessons) — are
then left out too, one way everywhere: each gets a warning at its own row, "left out because
PRJ-007 was left out ('Projects'!H9)", and is listed as rejected. Never half in (allocations loading people while
the project is gone) and never "not in the Projects register" (the row is there, with an error).
Allocations of a left-out person go the same way, and so does the progress of a benefit left out
(for its own error, or with its project).

`left_out(portfolio)` then says, per left-out project or person, its ID, the true reason (the
first error at its row) and how many dependent rows left with it: what the CLI's closing
summary, the Dashboard and Data Quality announce.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pmo_xl.checks.column_codes import codes_of
from pmo_xl.issues import Issue, Severity, Stage, quote_sheet
from pmo_xl.model import ROW, Portfolio
from pmo_xl.parse.cells import show_value
from pmo_xl.schema.governance import (
    ACTIONS,
    BENEFIT_PROGRESS,
    BENEFITS,
    CHANGE_REQUESTS,
    CONTRIBUTIONS,
    DECISIONS,
    ISSUE_LOG,
    LESSONS,
)
from pmo_xl.schema.registers import ALLOCATIONS, BASELINE, MILESTONES, PROGRESS, PROJECTS, RESOURCES, RISKS

CODE = "left-out-with-parent"
# A register whose rows others name by its key -> the registers that name them (by the same field).
# In order: a benefit that leaves with its project takes its progress along (Benefits after Projects).
DEPENDENTS = (
    (PROJECTS, (ALLOCATIONS, PROGRESS, BASELINE, RISKS, MILESTONES,
                ISSUE_LOG, ACTIONS, DECISIONS, CHANGE_REQUESTS, CONTRIBUTIONS, BENEFITS, LESSONS)),
    (RESOURCES, (ALLOCATIONS,)),
    (BENEFITS, (BENEFIT_PROGRESS,)),
)
# The parents whose leaving is announced (CLI summary, Dashboard, Data Quality): a project or a person.
ANNOUNCED = (PROJECTS, RESOURCES)


@dataclass(frozen=True)
class LeftOut:
    """One project or person left out of the figures, with the true reason and what left with it."""

    register: str  # "Projects" or "Resources"
    key: str  # the ID typed (or "row 9" when the ID itself is blank)
    row: int
    address: str  # the cell of the first error: 'Projects'!H9
    reason: str  # "status 'Actve' at 'Projects'!H9"
    dependents: dict[str, int] = field(default_factory=dict)  # register -> rows left out with it

    @property
    def detail(self) -> str:
        """`status 'Actve' at 'Projects'!H9; with 3 allocations, 2 progress rows`."""
        also = ", ".join(f"{count} {_rows(name, count)}" for name, count in self.dependents.items() if count)
        return f"{self.reason}{'; with ' + also if also else ''}"

    @property
    def summary(self) -> str:
        """`PRJ-007 (status 'Actve' at 'Projects'!H9; with 3 allocations, 2 progress rows)`."""
        return f"{self.key} ({self.detail})"


def _rows(register: str, count: int) -> str:
    words = {"Allocations": "allocation", "Progress": "progress row", "Baseline": "baseline row", "Risks": "risk",
             "Milestones": "milestone", "Issue log": "logged issue", "Actions": "action", "Decisions": "decision",
             "Change requests": "change request", "Contributions": "contribution", "Benefits": "benefit",
             "Lessons": "lesson"}
    word = words.get(register, f"{register} row")
    return word if count == 1 else word + "s"


def _first_errors(portfolio: Portfolio, sheet: str) -> dict[int, Issue]:
    """Per Excel row of `sheet`, the first error found there (leftmost column)."""
    first: dict[int, Issue] = {}
    errors = [i for i in portfolio.issues if i.sheet == sheet and i.row is not None and i.severity == Severity.ERROR]
    for issue in sorted(errors, key=lambda i: (i.row, len(i.column or ""), i.column or "", i.code)):
        first.setdefault(int(issue.row), issue)  # type: ignore[arg-type]
    return first


def _reason(issue: Issue | None, sheet: str, row: int) -> tuple[str, str]:
    """(address, reason) of the error that left a row out."""
    if issue is None:
        address = f"{quote_sheet(sheet)}!A{row}"
        return address, f"row {row} at {address}"
    what = (issue.field or issue.code).lower()
    shown = f" {show_value(issue.value)}" if issue.value is not None else " blank" if issue.code == "required" else ""
    detail = f", {issue.code}" if issue.stage != Stage.PARSE else ""
    return issue.address, f"{what}{shown} at {issue.address}{detail}"


def cascade_left_out(portfolio: Portfolio) -> tuple[Portfolio, list[Issue]]:
    """The portfolio without the rows that depend on a left-out project or person (a new one),
    and one warning per such row.

    Run after the rows with errors are left out (they are in `Portfolio.rejected_ids`).
    """
    found: list[Issue] = []
    registers = dict(portfolio.registers)
    rejected = {name: list(rows) for name, rows in portfolio.rejected.items()}
    cascaded: dict[str, dict[int, str]] = {}  # register -> Excel row -> key, of the rows left out here
    for parent, children in DEPENDENTS:
        gone = _gone(portfolio, parent.name, parent.key[0], cascaded.get(parent.name, {}))
        if not gone:
            continue
        errors = _first_errors(portfolio, parent.sheet_name)
        for child in children:
            frame = registers.get(child.name)
            key = parent.key[0]
            if frame is None or frame.empty or key not in frame:
                continue
            parent_ids = frame[key].to_numpy(dtype=object)
            mask = _naming(frame, key, gone)
            if not mask.any():
                continue
            letter = portfolio.layout.get(child.name, {}).get(key)
            header = child.column(key).header
            rows = frame[ROW].to_numpy()[mask].tolist()  # the Excel rows leaving, read once
            for pid, row in zip(parent_ids[mask].tolist(), rows, strict=True):
                address, _ = _reason(errors.get(gone[pid]), parent.sheet_name, gone[pid])
                found.append(Issue(code="left-out-with-parent", severity=Severity.WARNING, sheet=child.sheet_name, row=int(row), column=letter,
                                   field=header, value=pid, stage=Stage.CHECK,
                                   message=f"Left out because {pid} was left out ({address}) — fix that row and this one counts again"))
            rejected[child.name] = sorted(set(rejected.get(child.name, [])) | set(rows))
            if child.key[0] in frame:  # the child may be a parent further down (a benefit's progress)
                cascaded.setdefault(child.name, {}).update(zip(rows, frame[child.key[0]].to_numpy()[mask].tolist(), strict=True))
            registers[child.name] = frame.loc[~mask].reset_index(drop=True)
    if not found:
        return portfolio, found
    return dataclasses.replace(portfolio, registers=registers, rejected=rejected, issues=[*portfolio.issues, *found]), found


def _naming(frame: pd.DataFrame, key: str, gone: dict[str, int]) -> np.ndarray:
    """The rows whose `key` is in `gone`: each distinct key looked up once, and each blank cell (None, NaN:
    a dict finds a blank only as that very object) on its own."""
    codes, distinct = codes_of(frame, key)
    mask = np.append(np.fromiter((value in gone for value in distinct), dtype=bool, count=len(distinct)), False)[codes]
    blanks = np.flatnonzero(codes < 0)
    if len(blanks):
        mask[blanks] = [value in gone for value in frame[key].to_numpy(dtype=object)[blanks].tolist()]
    return mask


def _kept(portfolio: Portfolio, register: str, key: str) -> set[str]:
    frame = portfolio.registers.get(register)
    return set(frame[key].dropna()) if frame is not None and key in frame else set()


def _gone(portfolio: Portfolio, register: str, key: str, cascaded: dict[int, str]) -> dict[str, int]:
    """ID -> Excel row of every ID whose rows were all left out, for an error or with their own
    parent (`cascaded`); a duplicate of a kept ID is not gone."""
    left = {**portfolio.rejected_ids.get(register, {}), **cascaded}
    kept = _kept(portfolio, register, key) - set(cascaded.values())
    gone: dict[str, int] = {}
    for row, key in sorted(left.items()):
        if key not in kept:
            gone.setdefault(key, row)
    return gone


def left_out(portfolio: Portfolio) -> list[LeftOut]:
    """Every project and person left out of the figures, in row order, with what left with them."""
    out: list[LeftOut] = []
    cascaded = [i for i in portfolio.issues if i.code == CODE]
    for parent in ANNOUNCED:
        rejected = portfolio.rejected.get(parent.name, [])
        if not rejected:
            continue
        errors = _first_errors(portfolio, parent.sheet_name)
        ids = portfolio.rejected_ids.get(parent.name, {})
        kept = _kept(portfolio, parent.name, parent.key[0])
        by_key: dict[str, list[Issue]] = {}
        for issue in cascaded:
            by_key.setdefault(str(issue.value), []).append(issue)
        for row in rejected:
            key = ids.get(row)
            if key is not None and key in kept:
                continue  # a duplicate row of an ID that is in the figures: that ID did not leave
            address, reason = _reason(errors.get(row), parent.sheet_name, row)
            dependents: dict[str, int] = {}
            for issue in by_key.get(key, []) if key is not None else []:
                if f"({address})" in issue.message:  # this parent's, not a namesake's in the other register
                    dependents[issue.sheet] = dependents.get(issue.sheet, 0) + 1
            out.append(LeftOut(parent.name, key or f"row {row}", row, address, reason, dependents))
    return out


def left_out_line(items: list[LeftOut], register: str = PROJECTS.name, limit: int = 10, of: str = "the figures") -> str:
    """`2 projects left out of the report: PRJ-007 (status 'Actve' at 'Projects'!H9), …` ("" when none)."""
    chosen = [item for item in items if item.register == register]
    if not chosen:
        return ""
    noun = {PROJECTS.name: ("project", "projects"), RESOURCES.name: ("person", "people")}[register]
    listed = "; ".join(item.summary for item in chosen[:limit])
    more = f"; and {len(chosen) - limit} more (see Data Quality)" if len(chosen) > limit else ""
    return f"{len(chosen)} {noun[0] if len(chosen) == 1 else noun[1]} left out of {of}: {listed}{more}"
