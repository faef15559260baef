"""Report-model piece of the Exceptions sheet's first section: what the committee is asked for.

`build_committee_needs` lists, for the reporting month, every project whose PM typed something in
Progress "Needs from the committee" (a decision, funding, people, an escalation): the ask as
typed, with what a committee member needs beside it to weigh it — the project's programme, PM,
overall RAG and its reason, BAC and VAC. The most troubled first (Red, Amber, Green, not rated),
then the biggest budget. Only that month's asks: one typed in an earlier month and not repeated
is taken as settled. The exceptions list itself is `model_dashboard.build_exceptions`.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from pmo_xl.report.model_project_pages import committee_needs

NEEDS_COLUMNS: Final = ["project_id", "name", "programme", "manager", "rag", "reason", "bac", "vac", "needs"]
_RAG_RANK: Final = {"Red": 0, "Amber": 1, "Green": 2}


def build_committee_needs(table: pd.DataFrame, progress: pd.DataFrame | None, period: pd.Timestamp | None) -> pd.DataFrame:
    """One row per project with an ask this month (NEEDS_COLUMNS), the most troubled first."""
    asks = committee_needs(progress, period)
    if not asks:
        return pd.DataFrame(columns=NEEDS_COLUMNS)
    rows = table[table["project_id"].isin(set(asks))].drop_duplicates("project_id")
    out = pd.DataFrame({
        "project_id": rows["project_id"].to_numpy(), "name": rows["name"].to_numpy(), "programme": rows["programme"].to_numpy(),
        "manager": rows["manager"].to_numpy(), "rag": rows["rag_overall"].to_numpy(), "reason": rows["overall_reason"].to_numpy(),
        "bac": rows["bac"].to_numpy(dtype=float), "vac": rows["vac"].to_numpy(dtype=float),
        "needs": [asks[p] for p in rows["project_id"]],
    })
    rank = out["rag"].map(_RAG_RANK).fillna(3).to_numpy()
    order = np.lexsort((out["project_id"].to_numpy(dtype=str), -np.nan_to_num(out["bac"].to_numpy(), nan=0.0), rank))
    return out.iloc[order].reset_index(drop=True)
