"""Checks across registers: references to projects, resources and roles that exist; allocations
and milestones inside their project's window and the resource's availability."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from itertools import repeat

import numpy as np
import pandas as pd

from pmo_xl.checks.column_codes import codes_of, unknown
from pmo_xl.checks.core import issues_at, lookups
from pmo_xl.issues import Issue, Severity
from pmo_xl.model import Portfolio
from pmo_xl.schema.columns import Register
from pmo_xl.schema.registers import ALLOCATIONS, BASELINE, MILESTONES, PROGRESS, PROJECTS, RISKS

_SEPARATORS = re.compile(r"[,;\s]+")


HINT_CUTOFF = 0.85  # difflib's ratio from which an unknown value is taken for a typo of a known one


def _hints(unknown: pd.Series, known: set[str]) -> pd.Series:
    """'; did you mean PRJ-001?' for unknown values that differ from a known one only in case,
    spacing or a typo, computed once per distinct unknown value."""
    by_key = {k.casefold().replace(" ", ""): k for k in known}
    keys = list(by_key)
    lengths = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
    hints: dict[str, str] = {}
    for value in unknown.dropna().unique():
        key = str(value).casefold().replace(" ", "")
        match = by_key.get(key)
        if match is None and len(known) <= 5000:  # fuzzy matching is quadratic; large registers get exact hints only
            close = _closest(key, keys, lengths)
            match = by_key[close[0]] if close else None
        hints[value] = f"; did you mean {match}?" if match else ""
    return unknown.map(hints).fillna("")


def _closest(word: str, keys: list[str], lengths: np.ndarray) -> list[str]:
    """`difflib.get_close_matches(word, keys, n=1, cutoff=HINT_CUTOFF)`, difflib asked only about the keys
    that can pass its quick_ratio (twice the characters the two share, over their lengths): counted per
    distinct character of `word` over every key at once, not key by key in Python (two unknown IDs against
    1,000 projects took ~40 ms). A key it leaves out would fail difflib's own quick_ratio test, so the answer
    is difflib's (tests/test_reference_hints.py compares them)."""
    if not word:
        return difflib.get_close_matches(word, keys, n=1, cutoff=HINT_CUTOFF)
    shared = np.zeros(len(keys), dtype=np.int64)  # per key, the characters it shares with word
    for char, count in Counter(word).items():
        shared += np.minimum(np.fromiter(map(str.count, keys, repeat(char)), dtype=np.int64, count=len(keys)), count)
    possible = 2.0 * shared / (lengths + len(word)) >= HINT_CUTOFF - 1e-9  # a hair below the cutoff: difflib decides
    return difflib.get_close_matches(word, [keys[k] for k in np.flatnonzero(possible).tolist()], n=1, cutoff=HINT_CUTOFF)


def _present(portfolio: Portfolio, register: str) -> bool:
    """The register was found in the workbook (its columns were mapped), even if it has no rows."""
    return bool(portfolio.layout.get(register))


def check_references(portfolio: Portfolio) -> list[Issue]:
    """Allocations, progress, baseline, risks and milestones name projects (and resources) that
    exist. IDs typed in rejected rows count as known: one mistake is reported once."""
    issues: list[Issue] = []
    projects = portfolio.known_ids.get("Projects") or set(portfolio.projects["project_id"].dropna())
    resources = portfolio.known_ids.get("Resources") or set(portfolio.resources["resource_id"].dropna())
    register: Register
    # A register that is absent (not merely empty) is one `missing-register` issue already;
    # calling each of its references unknown would bury that one line under thousands.
    for register in (ALLOCATIONS, PROGRESS, BASELINE, RISKS, MILESTONES) if _present(portfolio, "Projects") else ():
        frame = portfolio.registers[register.name]
        named = unknown(frame, "project_id", projects)
        if named.any():
            shown = frame.assign(hint=_hints(frame["project_id"].where(named), projects))
            issues += issues_at(shown, named, register, "project_id", "unknown-reference", Severity.ERROR,
                                "Project {value} is not in the Projects register{hint} — check the ID or add the project", portfolio)
    frame = portfolio.allocations
    named = unknown(frame, "resource_id", resources)
    if named.any() and _present(portfolio, "Resources"):
        shown = frame.assign(hint=_hints(frame["resource_id"].where(named), resources))
        issues += issues_at(shown, named, ALLOCATIONS, "resource_id", "unknown-reference", Severity.ERROR,
                            "Resource {value} is not in the Resources register{hint} — check the ID or add the person", portfolio)
    return issues


def check_roles(portfolio: Portfolio) -> list[Issue]:
    """A role in Allocations must be the role of some resource: an error for a generic demand
    (the role is what is asked for), a warning when a resource is named (it is informative)."""
    roles = set(portfolio.resources["role"].dropna())
    if not roles:
        return []  # no Resources register (already reported): every role would be 'unknown'
    frame = portfolio.allocations
    strange = unknown(frame, "role", roles)
    if not strange.any():
        return []
    shown = frame.assign(hint=_hints(frame["role"].where(strange), roles))
    message = "Role {value} is not the role of any resource{hint} — correct it or add a resource with that role"
    nobody = codes_of(frame, "resource_id")[0] < 0
    generic = strange & nobody
    named = strange & ~nobody
    return (issues_at(shown, generic, ALLOCATIONS, "role", "unknown-role", Severity.ERROR, message, portfolio)
            + issues_at(shown, named, ALLOCATIONS, "role", "unknown-role", Severity.WARNING, message, portfolio))


def check_dependencies(portfolio: Portfolio) -> list[Issue]:
    """Depends on names projects that exist, and not the project itself."""
    projects = portfolio.projects
    given = projects["depends_on"].notna()
    if not given.any():
        return []
    known = portfolio.known_ids.get("Projects") or set(projects["project_id"].dropna())
    bad: dict[int, str] = {}
    for index, own, text in zip(projects.index[given], projects.loc[given, "project_id"], projects.loc[given, "depends_on"], strict=True):
        names = [n for n in _SEPARATORS.split(str(text)) if n]
        wrong = [n for n in names if n not in known or n == own]
        if wrong:
            bad[index] = ", ".join(wrong)
    mask = projects.index.isin(list(bad))
    shown = projects.assign(wrong=pd.Series(bad, dtype=object))
    return issues_at(shown, mask, PROJECTS, "depends_on", "unknown-dependency", Severity.WARNING,
                     "Depends on names {wrong}, which is not another project in Projects — correct the ID", portfolio)


def check_allocation_windows(portfolio: Portfolio) -> list[Issue]:
    """Allocations inside their project's planned dates and their resource's availability."""
    frame = portfolio.allocations
    if frame.empty:  # nothing to place (a new workbook): no lookups
        return []
    projects, resources = portfolio.projects, portfolio.resources
    p_start, p_finish = lookups(frame["project_id"], projects, "project_id", ("start", "finish"), codes_of(frame, "project_id"))
    early, late = (frame["start"] < p_start).to_numpy(), (frame["finish"] > p_finish).to_numpy()
    issues: list[Issue] = []
    if (early | late).any():  # the frame with the project's dates beside it only to word a finding
        shown = frame.assign(p_start=p_start, p_finish=p_finish)
        message = ("Allocation {start} to {finish} runs outside {project_id} ({p_start} to {p_finish}) — "
                   "adjust it or the project dates")
        issues += issues_at(shown, early, ALLOCATIONS, "start", "allocation-outside-project", Severity.WARNING, message, portfolio)
        issues += issues_at(shown, late & ~early, ALLOCATIONS, "finish", "allocation-outside-project", Severity.WARNING, message, portfolio)
    r_from, r_to = lookups(frame["resource_id"], resources, "resource_id", ("available_from", "available_to"),
                           codes_of(frame, "resource_id"))
    before, after = (frame["start"] < r_from).to_numpy(), (frame["finish"] > r_to).to_numpy()
    flagged = before | after
    if not flagged.any():
        return issues
    window = pd.Series("", index=frame.index, dtype=object)
    window[flagged] = (r_from[flagged].dt.strftime("%Y-%m-%d").fillna("always") + " to "
                       + r_to[flagged].dt.strftime("%Y-%m-%d").fillna("open-ended"))
    shown = frame.assign(window=window)
    message = ("{resource_id} is available {window}, but is allocated {start} to {finish} — "
               "adjust the allocation or the availability")
    issues += issues_at(shown, before, ALLOCATIONS, "start", "allocation-outside-availability", Severity.WARNING, message, portfolio)
    issues += issues_at(shown, after & ~before, ALLOCATIONS, "finish", "allocation-outside-availability", Severity.WARNING, message, portfolio)
    return issues


def check_milestone_windows(portfolio: Portfolio) -> list[Issue]:
    """Milestone baseline dates inside their project's planned start and finish."""
    frame = portfolio.milestones
    if frame.empty:
        return []
    p_start, p_finish = lookups(frame["project_id"], portfolio.projects, "project_id", ("start", "finish"))
    outside = ((frame["baseline_date"] < p_start) | (frame["baseline_date"] > p_finish)).to_numpy() & p_start.notna().to_numpy()
    return issues_at(frame.assign(p_start=p_start, p_finish=p_finish), outside, MILESTONES, "baseline_date",
                     "milestone-outside-project", Severity.WARNING,
                     "Baseline date {value} is outside {project_id} ({p_start} to {p_finish}) — correct the milestone or the project dates",
                     portfolio)
