"""Benefits: planned against realised, per benefit and per objective, and which are at risk.

The planned curve of a benefit runs straight from its baseline value at *Realisation from*
(blank: the project's planned finish) to its target value at the target date, and stays at the
target after it. On the status date:

    planned share  = clip((status date − from) / (target date − from), 0, 1)
    realised share = (realised − baseline) / (target − baseline)

(the share of the promised change achieved, so a benefit that should go down — handling time —
counts the same way). The realised value is the latest Benefit progress row up to the status
month. A benefit is *behind its planned curve* when realisation has started (planned share > 0)
and its realised share is below 90 % of the planned share, or nothing was measured at all.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

BEHIND_TOLERANCE = 0.9  # realised below 90 % of planned is behind


def _by_key(keys: pd.Series, table: pd.Series) -> pd.Series:
    """`table`'s value for each key (NaN/NaT when absent); `reindex`, not `map`, which trips over empty datetimes."""
    return pd.Series(table.reindex(keys.to_numpy()).to_numpy(), index=keys.index, dtype=table.dtype)


def benefit_status(benefits: pd.DataFrame, progress: pd.DataFrame, projects: pd.DataFrame, today: pd.Timestamp,
                   period: pd.Timestamp | None) -> pd.DataFrame:
    """One row per benefit: planned and realised value and share on the status date, and whether it is behind."""
    finish = _by_key(benefits["project_id"], projects.drop_duplicates("project_id").set_index("project_id")["finish"])
    start = benefits["realisation_from"].fillna(finish)
    baseline = benefits["baseline_value"].fillna(0.0)
    target = benefits["target_value"]
    span = (benefits["target_date"] - start).dt.days.astype("float64")
    elapsed = (today - start).dt.days.astype("float64")
    planned_share = np.clip(np.where(span > 0, elapsed / span.where(span > 0), np.where(elapsed >= 0, 1.0, 0.0)), 0.0, 1.0)
    planned_share = pd.Series(planned_share, index=benefits.index).where(start.notna())
    measured = progress[progress["realised_value"].notna()]
    if period is not None:
        measured = measured[measured["period"] <= period]
    latest = measured.sort_values(["benefit_id", "period"], kind="stable").drop_duplicates("benefit_id", keep="last").set_index("benefit_id")
    realised = _by_key(benefits["benefit_id"], latest["realised_value"]).astype("float64")
    measured_on = _by_key(benefits["benefit_id"], latest["period"])
    change = (target - baseline).where(lambda c: c != 0)
    realised_share = (realised - baseline) / change
    started = planned_share > 0
    behind = started & (realised.isna() | (realised_share < BEHIND_TOLERANCE * planned_share))
    reason = pd.Series("", index=benefits.index, dtype=object)
    reason[behind & realised.isna()] = "not measured"
    late = behind & realised.notna()
    reason[late] = [f"{r:.0%} of the change realised, {p:.0%} planned" for r, p in zip(realised_share[late], planned_share[late], strict=True)]
    return benefits.assign(
        realisation_start=start, planned_value=baseline + change.fillna(0) * planned_share, planned_share=planned_share,
        realised_value=realised, measured_in=measured_on, realised_share=realised_share, behind=behind.astype(bool), behind_reason=reason,
    ).reset_index(drop=True)
