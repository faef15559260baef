"""Strategic alignment: projects and budget per objective, objectives with no active project,
live projects contributing to none.

A project counts under every objective it contributes to (its whole BAC in each: the budget
per objective says what is spent in its name, not a split nobody typed). Live projects are the
ones not closed or cancelled; an objective *has an active project* when one of its projects is
Active.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmo_xl.compute.lookup import rows_by_key
from pmo_xl.schema.choices import PROJECT_STATUSES

LIVE = tuple(s for s in PROJECT_STATUSES if s not in ("Closed", "Cancelled"))


def objectives_view(objectives: pd.DataFrame, contributions: pd.DataFrame, projects: pd.DataFrame,
                    benefits: pd.DataFrame) -> pd.DataFrame:
    """Per objective: live and active projects, their budget, benefits and their planned and realised shares."""
    plan = projects.drop_duplicates("project_id")[["project_id", "name", "status", "bac"]]
    links = contributions.drop_duplicates(["project_id", "objective_id"]).merge(plan, on="project_id", how="inner")
    live = links[links["status"].isin(LIVE)]
    # Each objective's rows found once for all (a filter of both frames per objective cost ~3 ms
    # each); the figures are the same Series reductions, of the same rows in the same order.
    mine_at, gains_at = rows_by_key(live["objective_id"]), rows_by_key(benefits["objective_id"])
    active, bac = (live["status"] == "Active").to_numpy(), live["bac"]
    planned, realised, behind = benefits["planned_share"], benefits["realised_share"], benefits["behind"]
    none = np.zeros(0, dtype=np.intp)
    records = []
    for row in objectives.drop_duplicates("objective_id").itertuples(index=False):
        mine, gains = mine_at.get(row.objective_id, none), gains_at.get(row.objective_id, none)
        planned_share, realised_share = planned.iloc[gains], realised.iloc[gains]
        records.append({
            "objective_id": row.objective_id, "objective": row.objective, "owner": row.owner,
            "weight": 1.0 if pd.isna(row.weight) else float(row.weight),
            "projects": int(len(mine)), "active_projects": int(active[mine].sum()),
            "budget": float(bac.iloc[mine].sum()), "benefits": int(len(gains)),
            "planned_share": float(planned_share.mean()) if planned_share.notna().any() else float("nan"),
            "realised_share": float(realised_share.mean()) if realised_share.notna().any() else float("nan"),
            "behind": int(behind.iloc[gains].sum()),
        })
    columns = ["objective_id", "objective", "owner", "weight", "projects", "active_projects", "budget", "benefits",
               "planned_share", "realised_share", "behind"]
    return pd.DataFrame(records, columns=columns)


def unaligned_projects(contributions: pd.DataFrame, projects: pd.DataFrame) -> pd.DataFrame:
    """Live projects that contribute to no objective."""
    serving = set(contributions["project_id"].dropna())
    rows = projects[projects["status"].isin(LIVE) & ~projects["project_id"].isin(serving)]
    return rows[["project_id", "name", "programme", "status", "bac"]].sort_values("project_id", kind="stable").reset_index(drop=True)
