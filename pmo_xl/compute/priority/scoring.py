"""Weighted scoring and ranking of projects on the prioritisation criteria.

score = Σ w_c · s'_c / Σ w_c, where s' is the score turned so that higher is always better
(s' = min + max - s for a "Lower is better" criterion, e.g. Risk) and w are the criterion
weights. The score therefore stays on the criteria's own scale (1-5 in the template).

Missing scores are not zeros: the score is taken over the criteria that *are* scored (the
weights re-normalised over them), `coverage` says what share of the total weight that was,
and the caller raises a `missing-score` issue per blank cell. A project with no criterion
scored has no score (NaN) and no rank. Scores outside a criterion's scale are clipped to it
(the caller warns), so that turning a "Lower is better" score round cannot go off the scale.

Ranking (1 = best), ties broken in this documented order:
  1. higher score;
  2. higher turned score on each criterion in turn, heaviest weight first (the most
     strategic criterion decides first; criteria of equal weight in Settings order);
  3. lower budget (BAC) — cheaper for the same value;
  4. project ID, alphabetically — so the order is always the same.
`rank_note` explains every rank decided by a tie-break.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from pmo_xl.schema.columns import normalise_header

CONTRIB_PREFIX = "contrib:"
LOWER_IS_BETTER = "Lower is better"
SCORE_DECIMALS = 9  # scores equal to 9 decimals are ties: floating-point noise is not a preference


def criterion_frame(criteria: pd.DataFrame, weights: pd.Series | None = None) -> pd.DataFrame:
    """The criteria as used: indexed by name, with weight (normalised to 1), lower_is_better, min, max."""
    frame = pd.DataFrame({
        "weight": pd.to_numeric(criteria["weight"], errors="coerce").to_numpy() if "weight" in criteria else np.nan,
        "lower_is_better": (criteria["direction"] == LOWER_IS_BETTER).to_numpy() if "direction" in criteria else False,
        "scale_min": pd.to_numeric(criteria["scale_min"], errors="coerce").to_numpy(),
        "scale_max": pd.to_numeric(criteria["scale_max"], errors="coerce").to_numpy(),
    }, index=pd.Index([str(c) for c in criteria["criterion"]], name="criterion"))
    if weights is not None:
        lookup = {normalise_header(k): float(v) for k, v in weights.items()}
        frame["weight"] = [lookup.get(normalise_header(c), np.nan) for c in frame.index]
    frame["weight"] = frame["weight"].fillna(0.0).clip(lower=0.0)
    total = frame["weight"].sum()
    frame["weight"] = frame["weight"] / total if total > 0 else np.nan
    return frame


def turned_scores(scores: pd.DataFrame, criteria: pd.DataFrame) -> pd.DataFrame:
    """Scores clipped to each scale and turned so higher is better; NaN stays NaN.

    `scores` has one column per criterion name (as in `criteria.index`); absent columns are
    all blank.
    """
    lookup = {normalise_header(c): c for c in scores.columns}
    data = {}
    lows, highs = criteria["scale_min"].tolist(), criteria["scale_max"].tolist()
    for name, low, high, lower_is_better in zip(criteria.index, lows, highs, criteria["lower_is_better"].tolist(), strict=True):
        column = lookup.get(normalise_header(name))
        raw = scores[column].astype(float).to_numpy() if column is not None else np.full(len(scores), np.nan)
        clipped = _clip(raw, low, high)
        data[name] = low + high - clipped if lower_is_better else clipped
    return pd.DataFrame(data, index=scores.index, columns=criteria.index)


def _clip(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """`Series.clip(lower=low, upper=high)` on an array, rule for rule: a blank bound is no bound,
    bounds given the wrong way round are swapped, a blank value stays blank."""
    low = None if pd.isna(low) else low
    high = None if pd.isna(high) else high
    if low is not None and high is not None:
        low, high = min(low, high), max(low, high)
    blank = np.isnan(values)
    result = values
    if low is not None:
        result = np.where(blank | (values >= low), result, low)
    if high is not None:
        result = np.where(blank | (values <= high), result, high)
    return result


def weighted_scores(
    scores: pd.DataFrame, criteria: pd.DataFrame, weights: pd.Series | None = None
) -> pd.DataFrame:
    """Weighted score of each row of `scores` (one column per criterion name).

    `criteria` has columns criterion, weight, direction, scale_min, scale_max (the Settings
    criteria table); `weights` (criterion -> weight) overrides its weight column, e.g. with
    AHP weights. Returns, indexed like `scores`: score (on the criteria scale), score_pct
    (0-1: where the score sits between every criterion's worst and best), coverage (share of
    the weight that was scored), missing (names of the blank criteria, "; "-separated) and one
    `contrib:<criterion>` column per criterion (w·s'/Σw over the scored criteria; they add up
    to the score).
    """
    table = criterion_frame(criteria, weights)
    turned = turned_scores(scores, table)
    w = table["weight"].to_numpy(dtype=float)
    s = turned.to_numpy(dtype=float)
    present = np.isfinite(s)
    span = (table["scale_max"] - table["scale_min"]).to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        scored_weight = present.astype(float) @ np.nan_to_num(w)
        weighted = np.where(present, s * w, 0.0)
        contrib = np.where(present, weighted / scored_weight[:, np.newaxis], np.nan)
        score = np.where(scored_weight > 0, weighted.sum(axis=1) / scored_weight, np.nan)
        position = np.where(present, (s - table["scale_min"].to_numpy()) / span, 0.0) * w
        score_pct = np.where(scored_weight > 0, position.sum(axis=1) / scored_weight, np.nan)
    names = list(table.index)
    missing = ["; ".join(n for n, ok in zip(names, row, strict=True) if not ok) for row in present]
    result = pd.DataFrame({"score": score, "score_pct": score_pct, "coverage": scored_weight, "missing": missing},
                          index=scores.index)
    for k, name in enumerate(names):
        result[CONTRIB_PREFIX + name] = contrib[:, k]
    return result


def rank_projects(
    project_ids: pd.Series, score: pd.Series, turned: pd.DataFrame, weights: pd.Series, bac: pd.Series
) -> pd.DataFrame:
    """Rank (1 = best) with the documented tie-breaks, and a note where a tie-break decided.

    All arguments share one index. Rows without a score get no rank (NaN) and come last.
    Returns columns rank (float, NaN for unranked) and rank_note.
    """
    order = list(weights.sort_values(ascending=False, kind="stable").index)
    keys = pd.DataFrame({"score": score.round(SCORE_DECIMALS)}, index=project_ids.index)
    for name in order:
        keys[name] = turned[name].round(SCORE_DECIMALS)
    keys["bac"] = bac.astype(float)
    keys["project_id"] = project_ids.astype(str)
    ranked = keys[keys["score"].notna()].sort_values(
        ["score", *order, "bac", "project_id"],
        ascending=[False, *([False] * len(order)), True, True],
        na_position="last",
        kind="stable",
    )
    rank = pd.Series(np.nan, index=keys.index, name="rank")
    rank.loc[ranked.index] = np.arange(1, len(ranked) + 1, dtype=float)
    notes = dict.fromkeys(keys.index, "")  # plain dicts and strings: no pandas cell access per tie
    labels = list(ranked.index)
    # Plain dicts of plain values (each column's `tolist`, the values `to_dict("records")` gives,
    # without its per-value boxing): a row lookup per neighbour pair, not a pandas .loc.
    columns = list(ranked.columns)
    rows = [dict(zip(columns, values, strict=True)) for values in zip(*(ranked[c].tolist() for c in columns), strict=True)]
    for (ahead, a), (behind, b) in zip(zip(labels, rows, strict=True), zip(labels[1:], rows[1:], strict=True), strict=False):
        if a["score"] != b["score"]:
            continue
        reason = _tie_reason(a, b, order)
        notes[ahead] = _join(notes[ahead], f"above {b['project_id']} (same score): {reason}")
        notes[behind] = _join(notes[behind], f"below {a['project_id']} (same score): {reason}")
    note = pd.Series("", index=keys.index, name="rank_note")
    note[:] = list(notes.values())
    note[keys["score"].isna()] = "not ranked: no criterion scored"
    return pd.DataFrame({"rank": rank, "rank_note": note})


def _tie_reason(a: Mapping[str, object], b: Mapping[str, object], order: list[str]) -> str:
    # The keys are floats (NaN for a blank): `v != v` is pd.isna for them, without its dispatch.
    for name in order:
        x, y = a[name], b[name]
        if x != x and y != y or x == y:
            continue
        if y != y or (x == x and x > y):  # type: ignore[operator]
            return f"better on {name}"
    if a["bac"] != b["bac"] and not (a["bac"] != a["bac"] and b["bac"] != b["bac"]):
        return "lower budget"
    return "project ID order"


def _join(first: str, second: str) -> str:
    return f"{first}; {second}" if first else second
