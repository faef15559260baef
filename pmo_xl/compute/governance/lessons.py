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

import re

import pandas as pd

_SPLIT = re.compile(r"\s*[,;]\s*")


def _key(value: object) -> str:
    return re.sub(r"\s+", " ", str(value)).strip().casefold() if isinstance(value, str) and value.strip() else ""


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

    By joins, not a loop over projects × lessons: the 1,000-project sample's 439 project pages and
    433 lessons are 190,000 pairs. Per pair the first reason in the order of the module's rules
    counts; rows come by project (in the order asked), then in the library's order.
    """
    columns = ["project_id", "lesson_id", "why", "source_project", "category", "recommendation", "what_happened"]
    own = projects.drop_duplicates("project_id")
    own = own[own["project_id"].isin(set(project_ids))]
    if lessons.empty or own.empty:
        return pd.DataFrame(columns=columns)
    targets = lesson_targets(lessons, projects).reset_index(drop=True).assign(_lesson=range(len(lessons)))
    order = {pid: k for k, pid in enumerate(dict.fromkeys(project_ids))}
    mine = pd.DataFrame({
        "project_id": own["project_id"].to_numpy(),
        "programme": own["programme"].to_numpy() if "programme" in own else None,
        "category": own["category"].to_numpy() if "category" in own else None,
    })
    mine["prog_key"] = [_key(v) for v in mine["programme"]]
    mine["cat_key"] = [_key(v) for v in mine["category"]]
    found = []
    every = targets[targets["scope"] == "All projects"]
    if len(every):
        found.append(every[["_lesson", "source"]].merge(mine[["project_id"]], how="cross").assign(why="All projects", _rule=0))
    for rule, (scope, key, label) in enumerate((("Programme", "prog_key", "programme"), ("Category", "cat_key", "category")), start=1):
        scoped = targets[(targets["scope"] == scope) & (targets["name"] != "")]
        if len(scoped):
            joined = scoped[["_lesson", "source", "name"]].merge(mine[["project_id", key, label]], left_on="name", right_on=key)
            found.append(joined.assign(why=scope + " " + joined[label].astype(str), _rule=rule))
    tagged = targets.loc[[bool(t) for t in targets["tags"]], ["_lesson", "source", "tags"]].explode("tags")
    if len(tagged):
        for rule, (key, label) in enumerate((("prog_key", "programme"), ("cat_key", "category")), start=3):
            joined = tagged.merge(mine.loc[mine[key] != "", ["project_id", key, label]], left_on="tags", right_on=key)
            found.append(joined.assign(why="Tag " + joined[label].astype(str), _rule=rule))
    if not found:
        return pd.DataFrame(columns=columns)
    pairs = pd.concat([f[["project_id", "_lesson", "source", "why", "_rule"]] for f in found], ignore_index=True)
    pairs = pairs[pairs["source"] != pairs["project_id"]]  # a lesson never applies to the project that learned it
    pairs = pairs.sort_values(["_rule"], kind="stable").drop_duplicates(["project_id", "_lesson"], keep="first")
    pairs = pairs.assign(_project=pairs["project_id"].map(order)).sort_values(["_project", "_lesson"], kind="stable")
    if pairs.empty:
        return pd.DataFrame(columns=columns)
    rows = lessons[["lesson_id", "project_id", "category", "recommendation", "what_happened"]].iloc[pairs["_lesson"].to_numpy()]
    return pd.DataFrame({
        "project_id": pairs["project_id"].to_numpy(), "lesson_id": rows["lesson_id"].to_numpy(), "why": pairs["why"].to_numpy(),
        "source_project": rows["project_id"].to_numpy(), "category": rows["category"].to_numpy(),
        "recommendation": rows["recommendation"].to_numpy(), "what_happened": rows["what_happened"].to_numpy(),
    }, columns=columns)
