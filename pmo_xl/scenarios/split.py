"""Cutting allocations at the first day of a month, hours and all, as the loading engine spreads them.

A paused or cancelled project's allocation that runs across the month the change starts is cut
in two: the part before keeps the hours the engine places before that month (calendar,
holidays, work contour, actual hours and remaining effort from the status date), the part from
that month on keeps the rest. The hours come from the loading engine itself
(`monthly_role_demand`, each allocation counted on its own), never re-derived here, so the
months before the cut carry exactly the hours they carried before.

Both parts are given in hours (an FTE allocation too: FTE × working days would shift the actual
hours' remainder between the parts); a work contour is applied to each part over its own span.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from pmo_xl.compute.loading import monthly_role_demand
from pmo_xl.model import Portfolio


def hours_before(portfolio: Portfolio, rows: pd.DataFrame, month: pd.Timestamp) -> tuple[np.ndarray, np.ndarray]:
    """For each allocation of `rows` (Allocations rows), the hours the engine places before `month`,
    and all its hours."""
    if not len(rows):
        return np.zeros(0), np.zeros(0)
    keys = [f"#{i:09d}" for i in range(len(rows))]  # each allocation its own "project": its hours alone
    alone = rows.assign(project_id=keys)
    sub = dataclasses.replace(portfolio, registers={**portfolio.registers, "Allocations": alone}, issues=[])
    demand = monthly_role_demand(sub)
    early = pd.to_datetime(demand["period"]) < month
    before = demand[early].groupby("project_id")["hours"].sum().reindex(keys).fillna(0.0)
    total = demand.groupby("project_id")["hours"].sum().reindex(keys).fillna(0.0)
    return before.to_numpy(dtype=float), total.to_numpy(dtype=float)


def cut_at(portfolio: Portfolio, rows: pd.DataFrame, month: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Allocations running across `month` cut in two: (before, from): the first ends the day before
    `month`, the second starts on `month`; hours given in hours are shared as the engine places
    them, actual hours stay with the part before (they were worked then)."""
    before_hours, total_hours = hours_before(portfolio, rows, month)
    before = rows.assign(finish=month - pd.Timedelta(days=1), effort_hours=before_hours, fte=np.nan)
    after = rows.assign(start=month, effort_hours=np.maximum(total_hours - before_hours, 0.0), fte=np.nan)
    if "actual_hours" in rows:
        after["actual_hours"] = np.nan
    return before, after
