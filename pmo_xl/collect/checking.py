"""An update checked by the portfolio's own checks: one rule engine, one name per rule.

The update's typed rows — the Progress line of its form, its Risks, Milestones and Resource
needs — become the registers of a one-project `Portfolio`, beside what the checks need to know
of the portfolio collected into: that project's Projects row, the Resources, the project's
earlier Progress rows (for the cumulative check) and every project and resource ID typed (for
references). The shared checks run on it (`run_checks`, the engine of the pipeline's check
stage), and every issue found on a row of the update is moved to the cell of the update file
where the PM typed it. So a bad row gets the same code, severity and message whether it is typed
in the portfolio workbook or sent in an update; only the place differs.

Issues on the context rows (the portfolio's own Projects, Resources and Progress) are left out:
they are the portfolio's business, and `pmo-xl validate` reports them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pmo_xl.checks.duplicates import check_duplicate_allocations, check_duplicate_keys, check_unique_ids
from pmo_xl.checks.governance import (
    check_governance_dates,
    check_governance_keys,
    check_governance_references,
)
from pmo_xl.checks.periods import check_cumulative_progress
from pmo_xl.checks.references import (
    check_allocation_windows,
    check_milestone_windows,
    check_references,
    check_roles,
)
from pmo_xl.checks.rows import check_dates_in_order, check_earned_value, check_effort_given
from pmo_xl.checks.run import Check, run_checks
from pmo_xl.collect.form import UpdateTable
from pmo_xl.collect.model import Context, Part
from pmo_xl.collect.read import STAGE
from pmo_xl.issues import Issue, Severity, column_letter
from pmo_xl.model import ROW, Portfolio, Settings
from pmo_xl.options import RunOptions
from pmo_xl.parse.register import empty_frame, records_frame
from pmo_xl.schema.registers import PROGRESS, REGISTERS

# The shared checks that can find something on an update's rows. Not run on an update:
#  - the checks of Projects and Settings (status vs progress or dates, scores, dependencies,
#    criteria, thresholds): nothing of them is in an update;
#  - the progress conflicts: an update holds one Progress line, which replaces its month;
#  - the dated checks (actuals in the future, late updates): they judge on the portfolio's
#    status date, which the collection is about to move; `pmo-xl validate` applies them to OUT.
UPDATE_CHECKS: tuple[Check, ...] = (
    check_dates_in_order,
    check_earned_value,
    check_effort_given,
    check_unique_ids,
    check_duplicate_keys,
    check_duplicate_allocations,
    check_references,
    check_roles,
    check_allocation_windows,
    check_milestone_windows,
    check_cumulative_progress,
    # the registers beside the plan (their dated checks, overdue actions and the like, judge on the
    # status date like the ones above: `pmo-xl validate` applies them to OUT)
    check_governance_keys,
    check_governance_references,
    check_governance_dates,
)

FORM_ROW = 0  # the `_row` of the update's Progress line; the portfolio's earlier rows get negative ones
# Every register laid out in template order: the checks' column letters read back as fields.
LAYOUT = {r.name: {f: column_letter(k + 1) for k, f in enumerate(r.fields)} for r in REGISTERS}
FIELD_AT = {name: {letter: f for f, letter in letters.items()} for name, letters in LAYOUT.items()}
REGISTER_AT = {r.sheet_name: r for r in REGISTERS}
EMPTY = {r.name: empty_frame(r) for r in REGISTERS}  # shared, never modified (the checks make new frames)

Rows = list[dict[str, object] | None]  # one table's typed rows; None where a cell of the row had an error


@dataclass(frozen=True)
class UpdateRows:
    """What of one update the shared checks judge: its Progress line and its tables' typed rows."""

    project_id: str
    period: dt.date
    form: Part
    progress: dict[str, object] | None  # None when the line had an error of its own
    tables: tuple[tuple[UpdateTable, Part, Rows], ...]  # the tables whose rows can be merged


@dataclass
class Checked:
    """What the shared checks found on one update, at the update's cells, and what it refuses."""

    issues: list[Issue] = field(default_factory=list)
    progress_refused: bool = False
    refused: dict[str, set[int]] = field(default_factory=dict)  # update sheet -> indexes of its rows with an error


# Checks whose messages name other rows ("already used in row 2"), and that can take another
# update's row for a duplicate: checked together, their findings only say which update to check
# again alone. Every other check judges a row against its own project's rows and what the
# portfolio holds, so what it finds on an update's row is the same together or alone.
ACROSS_ROWS: tuple[Check, ...] = (check_unique_ids, check_duplicate_keys, check_duplicate_allocations, check_governance_keys)


@dataclass(frozen=True)
class Found:
    """One issue of a check, with the update row it is on (`part` None: on no update's row)."""

    update: int  # which of the updates checked together
    issue: Issue
    part: Part | None
    index: int


def check_updates(updates: list[UpdateRows], context: Context, options: RunOptions | None = None) -> list[Checked]:
    """`check_update` of every update, at the cost of a few runs of the checks, not one per update.

    The updates are checked together, at most one per project in each run. What a check that
    judges one row at a time finds there is what it finds on the update alone. The checks across
    rows (`ACROSS_ROWS`) can only gain findings together (two projects' updates naming the same
    new risk ID), never lose one: a repeat's earlier row is still earlier when other updates'
    rows sit between them; so each update they find something on is checked again alone by
    them, which says what it is told (the rows a message names are its own). The result is that
    of checking each update alone with every check (a test proves it on a mixed folder).
    """
    results: list[Checked] = [Checked() for _ in updates]
    for lane in _lanes(updates):
        found = _run([updates[k] for k in lane], context, options, UPDATE_CHECKS, numbered=True)
        if any(f.part is None for placed in found.values() for f in placed):
            for k in lane:  # a check crashed: which update made it cannot be told, so each is checked alone
                results[k] = check_update(updates[k], context, options)
            continue
        mine: list[dict[Check, list[Found]]] = [{} for _ in lane]
        for check, placed in found.items():
            for f in placed:
                mine[f.update].setdefault(check, []).append(f)
        for u, k in enumerate(lane):
            again = tuple(check for check in ACROSS_ROWS if check in mine[u])
            if again:
                alone = _run([updates[k]], context, options, again, numbered=False)
                mine[u].update({check: alone.get(check, []) for check in again})
            results[k] = _checked(updates[k], [f for check in UPDATE_CHECKS for f in mine[u].get(check, [])])
    return results


def check_update(update: UpdateRows, context: Context, options: RunOptions | None = None) -> Checked:
    """Run the shared checks on the update as a one-project portfolio; issues at the update's cells."""
    found = _run([update], context, options, UPDATE_CHECKS, numbered=False)
    return _checked(update, [f for check in UPDATE_CHECKS for f in found.get(check, [])])


def _run(updates: list[UpdateRows], context: Context, options: RunOptions | None, checks: tuple[Check, ...],
         numbered: bool) -> dict[Check, list[Found]]:
    """Each check's issues on the updates' rows (and its crash, if it crashed), check by check."""
    portfolio, places = _portfolio(updates, context, numbered)
    found: dict[Check, list[Found]] = {}
    for check in checks:
        _, issues = run_checks(portfolio, (check,), options)
        for issue in issues:
            register = REGISTER_AT.get(issue.sheet)
            place = places.get((register.name, issue.row)) if register is not None and issue.row is not None else None
            if place is not None:
                found.setdefault(check, []).append(Found(place[0], issue, place[1], place[2]))
            elif issue.code == "internal-error":
                found.setdefault(check, []).append(Found(0, issue, None, 0))
            # else: on the portfolio's own rows, not an update's business
    return found


def _checked(update: UpdateRows, found: list[Found]) -> Checked:
    """The issues moved to the update's cells; the rows (and the Progress line) with an error refused."""
    checked = Checked()
    for f in found:
        if f.part is None:  # a check that crashed: the file is refused, as for any failure
            checked.issues.append(dataclasses.replace(f.issue, sheet="(file)", severity=Severity.ERROR, stage=STAGE))
            continue
        register = REGISTER_AT[f.issue.sheet]
        field_name = FIELD_AT[register.name].get(f.issue.column or "", "")
        row, letter = f.part.locate(f.index, field_name)
        checked.issues.append(dataclasses.replace(f.issue, sheet=f.part.sheet, row=row, column=letter, stage=STAGE))
        if f.issue.severity == Severity.ERROR:
            if f.part is update.form:
                checked.progress_refused = True
            else:
                checked.refused.setdefault(f.part.sheet, set()).add(f.index)
    return checked


def _lanes(updates: list[UpdateRows]) -> list[list[int]]:
    """The updates in groups holding at most one update per project (the same month twice, say)."""
    lanes: list[list[int]] = []
    projects: list[set[str]] = []
    for k, update in enumerate(updates):
        free = next((n for n, taken in enumerate(projects) if update.project_id not in taken), None)
        if free is None:
            lanes.append([])
            projects.append(set())
            free = len(lanes) - 1
        lanes[free].append(k)
        projects[free].add(update.project_id)
    return lanes


def _portfolio(updates: list[UpdateRows], context: Context, numbered: bool
               ) -> tuple[Portfolio, dict[tuple[str, int], tuple[int, Part, int]]]:
    """The updates' rows as registers, beside their projects' rows, the Resources and earlier Progress.

    `places` leads each row back: (register, `_row`) -> (which update, its part, the row's index).
    A single update keeps the Excel rows of its file (they are named in messages); several are
    `numbered` one after the other, so that every row can be told apart.
    """
    registers = dict(EMPTY)
    places: dict[tuple[str, int], tuple[int, Part, int]] = {}
    records: dict[str, list[dict[str, object]]] = {}
    numbers: dict[str, list[int]] = {}
    for u, update in enumerate(updates):
        for table, part, rows in update.tables:
            name = table.target.name
            for index, row in enumerate(rows):
                if row is None:
                    continue
                taken = numbers.setdefault(name, [])
                number = len(taken) + 2 if numbered else part.numbers[index]
                records.setdefault(name, []).append({**row, "project_id": update.project_id})
                taken.append(number)
                places[(name, number)] = (u, part, index)
    for name, rows in records.items():
        registers[name] = records_frame(REGISTER_BY_NAME[name], rows, numbers[name])
    registers["Progress"] = _progress(updates, numbered, context)
    for u, update in enumerate(updates):
        if update.progress is not None:
            places[("Progress", u + 1 if numbered else FORM_ROW)] = (u, update.form, 0)
    projects = [context.project_rows[u.project_id] for u in updates if u.project_id in context.project_rows]
    if projects:
        registers["Projects"] = pd.concat(projects, ignore_index=True) if len(projects) > 1 else projects[0]
    layout = dict(LAYOUT)
    if context.resources is not None:
        registers["Resources"] = _resources(context.resources, registers["Allocations"])
    else:
        layout["Resources"] = {}  # absent: references to resources are not judged (as for the workbook)
    known = {"Projects": set(context.known_projects), "Resources": set(context.known_resources), "Risks": set(context.risk_projects),
             **{name: set(owners) for name, owners in context.owners.items()}}
    portfolio = Portfolio(settings=Settings(), registers=registers, layout=layout, known_ids=known)
    return portfolio, places


def _progress(updates: list[UpdateRows], numbered: bool, context: Context) -> pd.DataFrame:
    """The updates' Progress lines (`_row` FORM_ROW, or 1, 2 ... when `numbered`) after their
    projects' earlier Progress rows (negative `_row`s: not rows of an update)."""
    lines = [({**u.progress, "project_id": u.project_id, "period": u.period}, k + 1 if numbered else FORM_ROW)
             for k, u in enumerate(updates) if u.progress is not None]
    frames = [context.progress_rows[u.project_id] for u in updates if u.project_id in context.progress_rows]
    if frames:
        history = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        month = {u.project_id: pd.Timestamp(u.period) for u in updates}  # one update per project here
        history = history.loc[(history["period"] < history["project_id"].map(month)).to_numpy()].copy()
        history[ROW] = -1 - np.arange(len(history), dtype="int64")
        frames = [history]
    if lines:
        frames.append(records_frame(PROGRESS, [line for line, _ in lines], [number for _, number in lines]))
    if not frames:
        return EMPTY["Progress"]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _resources(resources: pd.DataFrame, allocations: pd.DataFrame) -> pd.DataFrame:
    """The Resources rows the checks read for these allocations: every row of a resource they
    name (its availability) and the first row of each role (the roles that exist). Unknown IDs
    are judged against every ID typed (`known_ids`), so the checks find what they would on the
    whole register, at a fraction of pandas' cost per row."""
    named = resources["resource_id"].isin(allocations["resource_id"].dropna().unique())
    first_of_role = resources["role"].notna() & ~resources["role"].duplicated()
    return resources.loc[(named | first_of_role).to_numpy()]


REGISTER_BY_NAME = {r.name: r for r in REGISTERS}

__all__ = ["UPDATE_CHECKS", "UpdateRows", "Checked", "check_update", "check_updates"]
