"""Lessons learned: the library, and which lessons from OTHER projects apply to a project.

A lesson applies to another project when
  - *Applies to* is All projects; or
  - *Applies to* is Programme (Category) and the project's programme (category) is the one named
    in *Programme or category*, or, when that is blank, the lesson's own project's; or
  - one of its *Tags* (comma- or semicolon-separated) is the project's programme or category.
Names are compared as Excel compares them (case and spacing do not matter). A lesson never
applies to its own project: that project learned it.
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pandas as pd

_SPLIT = re.compile(r"\s*[,;]\s*")


_SPACES = re.compile(r"\s+")


def _key(value: object) -> str:
    return _text_key(value) if isinstance(value, str) and value.strip() else ""


@functools.lru_cache(maxsize=4096)
def _text_key(text: str) -> str:
    """A name as Excel compares it; kept per distinct text (a programme's name is met once per project and lesson)."""
    return _SPACES.sub(" ", text).strip().casefold()


def lesson_targets(lessons: pd.DataFrame, projects: pd.DataFrame) -> pd.DataFrame:
    """Per lesson, what it applies to: scope (all / programme / category), the name, and its tags (keys)."""
    own = projects.drop_duplicates("project_id").set_index("project_id")
    programme = lessons["project_id"].map(own["programme"]) if "programme" in own else pd.Series(None, index=lessons.index)
    category = lessons["project_id"].map(own["category"]) if "category" in own else pd.Series(None, index=lessons.index)
    scope = lessons["applies_to"].fillna("")
    name = lessons["applies_to_name"].where(lessons["applies_to_name"].notna(),
                                            programme.where(scope == "Programme", category.where(scope == "Category")))
    tags = [tuple(t for t in (_key(x) for x in _SPLIT.split(text)) if t) if isinstance(text, str) else () for text in lessons["tags"]]
    return pd.DataFrame({"lesson_id": lessons["lesson_id"], "source": lessons["project_id"], "scope": scope,
                         "name": [_key(n) for n in name], "tags": tags}, index=lessons.index)


def lessons_for(lessons: pd.DataFrame, projects: pd.DataFrame, project_ids: list[str]) -> pd.DataFrame:
    """The lessons that apply to each of `project_ids`, long: project_id, lesson_id, why, then the lesson's columns.

    Per pair the first reason in the order of the module's rules counts; rows come by project (in
    the order asked), then in the library's order.
    """
    columns = ["project_id", "lesson_id", "why", "source_project", "category", "recommendation", "what_happened"]
    found = _rules(lessons, projects, project_ids)
    if found is None:
        return pd.DataFrame(columns=columns)
    ids, rule, why = found
    at_project, at_lesson = np.nonzero(rule < NO_RULE)  # row-major: by project, then in the library's order
    if not len(at_project):
        return pd.DataFrame(columns=columns)
    rows = lessons[["lesson_id", "project_id", "category", "recommendation", "what_happened"]].iloc[at_lesson]
    return pd.DataFrame({
        "project_id": ids[at_project], "lesson_id": rows["lesson_id"].to_numpy(),
        "why": why[at_project, rule[at_project, at_lesson]],
        "source_project": rows["project_id"].to_numpy(), "category": rows["category"].to_numpy(),
        "recommendation": rows["recommendation"].to_numpy(), "what_happened": rows["what_happened"].to_numpy(),
    }, columns=columns)


def lessons_first(lessons: pd.DataFrame, projects: pd.DataFrame, project_ids: list[str],
                  limit: int) -> dict[object, tuple[list[tuple[object, ...]], int]]:
    """Per project of `project_ids` with any lesson that applies: its first `limit` lessons — those
    meant for its kind (a rule other than All projects) before the ones for all projects, each part
    in the library's order — as (lesson_id, source_project, category, why, recommendation), and how
    many apply in all. What a project page shows, without making the row of every pair (`lessons_for`:
    ~69,000 on the 1,000-project sample, of which ~2,200 are shown)."""
    found = _rules(lessons, projects, project_ids)
    if found is None:
        return {}
    ids, rule, why = found
    applies = rule < NO_RULE
    totals = applies.sum(axis=1)
    n = rule.shape[1]
    # Per project, the lessons in the order shown: specific first, then for all projects, each by library order.
    key = np.where(applies, np.where(rule == 0, n, 0) + np.arange(n)[None, :], 2 * n)
    first = np.argsort(key, axis=1, kind="stable")[:, :limit]
    columns = [lessons[c].to_numpy(dtype=object) for c in ("lesson_id", "project_id", "category", "recommendation")]
    out: dict[object, tuple[list[tuple[object, ...]], int]] = {}
    for k in np.flatnonzero(totals):
        shown = first[k, :min(int(totals[k]), limit)].tolist()
        out[ids[k]] = ([(columns[0][j], columns[1][j], columns[2][j], why[k, rule[k, j]], columns[3][j]) for j in shown],
                       int(totals[k]))
    return out


NO_RULE = 5  # the rule number of a pair no rule applies to (the five rules are numbered 0..4 below)


def _rules(lessons: pd.DataFrame, projects: pd.DataFrame,
           project_ids: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The first rule that applies to each project × lesson (NO_RULE: none), with the projects' ids
    (in the order asked) and each project's reason per rule. None without lessons or projects.

    As one matrix, not a loop over pairs: the 1,000-project sample's 439 project pages and 433
    lessons are 190,000 pairs. Names and tags are compared as integer codes.
    """
    order = {pid: k for k, pid in enumerate(dict.fromkeys(project_ids))}
    own = projects.drop_duplicates("project_id")
    own = own[own["project_id"].isin(set(order))]
    if lessons.empty or own.empty:
        return None
    own = own.iloc[np.argsort([order[pid] for pid in own["project_id"]], kind="stable")]  # in the order asked
    targets = lesson_targets(lessons, projects)
    ids = own["project_id"].to_numpy(dtype=object)
    labels = {label: own[label].to_numpy(dtype=object) if label in own else np.full(len(own), None, dtype=object)
              for label in ("programme", "category")}
    codes: dict[str, int] = {"": 0}  # the projects' programme and category names as integers; "" (none) is 0
    project_keys = {label: np.array([codes.setdefault(_key(v), len(codes)) for v in values], dtype=np.int64)
                    for label, values in labels.items()}
    code = lambda keys: np.array([codes.get(k, -1) for k in keys], dtype=np.int64)  # noqa: E731  (-1: no project's)
    names, scope = code(targets["name"]), targets["scope"].to_numpy(dtype=object)
    has_tag = np.zeros((len(targets), len(codes)), dtype=bool)  # lesson × project name: the lesson carries that tag
    for row, tags in enumerate(targets["tags"]):
        tagged = code(tags)
        has_tag[row, tagged[tagged > 0]] = True
    matches = [  # project × lesson, in the order of the rules
        np.broadcast_to(scope == "All projects", (len(own), len(targets))),
        ((scope == "Programme") & (names > 0))[None, :] & (names[None, :] == project_keys["programme"][:, None]),
        ((scope == "Category") & (names > 0))[None, :] & (names[None, :] == project_keys["category"][:, None]),
        has_tag[:, project_keys["programme"]].T,
        has_tag[:, project_keys["category"]].T,
    ]
    rule = np.full((len(own), len(targets)), NO_RULE, dtype=np.int8)
    for r in reversed(range(len(matches))):
        rule[matches[r]] = r
    project_code = {pid: k for k, pid in enumerate(ids)}
    source = np.array([project_code.get(s, -1) for s in lessons["project_id"]], dtype=np.int64)
    rule[source[None, :] == np.arange(len(own))[:, None]] = NO_RULE  # a lesson never applies to the project that learned it
    why = np.empty((len(own), len(matches)), dtype=object)  # per project, the reason each rule gives
    why[:, 0] = "All projects"
    for r, (prefix, label) in enumerate((("Programme ", "programme"), ("Category ", "category"),
                                         ("Tag ", "programme"), ("Tag ", "category")), start=1):
        why[:, r] = [prefix + str(v) for v in labels[label]]
    return ids, rule, why
