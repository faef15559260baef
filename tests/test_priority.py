"""Weighted scoring, ranking and `compute_priorities` (weights, scores, issues, result tables).

Published source: WS-01, the MYH Inc. weighted scoring model (Schwalbe-style exercise) in
tests/data/published_cases.json — weights 10/25/25/15/10/15 %, totals 79, 78.5,
55 and 36.5.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo_xl.compute.priority import PriorityResult, compute_priorities
from pmo_xl.compute.priority.scoring import criterion_frame, rank_projects, turned_scores, weighted_scores
from pmo_xl.model import Portfolio, Settings
from pmo_xl.schema.registers import PROJECTS

CASES = Path(__file__).parent / "data" / "published_cases.json"  # the project's published worked examples, with sources
HIGHER, LOWER = "Higher is better", "Lower is better"


def criteria_table(rows: list[tuple[str, float, str, float, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["criterion", "weight", "direction", "scale_min", "scale_max"])
    frame["_row"] = np.arange(len(rows)) + 20
    return frame


def projects_table(rows: list[dict[str, object]]) -> pd.DataFrame:
    """A Projects register as the parser delivers it: every field, typed, `_row` from 5."""
    base: dict[str, object] = {c.field: None for c in PROJECTS.columns}
    base.update(status="Proposed", start=pd.Timestamp("2026-01-01"), finish=pd.Timestamp("2026-12-31"), bac=100.0)
    frame = pd.DataFrame([{**base, **r} for r in rows])
    frame["bac"] = frame["bac"].astype(float)
    frame["start"] = pd.to_datetime(frame["start"])
    frame["finish"] = pd.to_datetime(frame["finish"])
    for column in [c for c in frame.columns if c.startswith("score:")]:
        frame[column] = frame[column].astype(float)
    frame["_row"] = np.arange(len(frame)) + 5
    return frame


def portfolio(projects: pd.DataFrame, criteria: pd.DataFrame, **settings: object) -> Portfolio:
    return Portfolio(settings=Settings(criteria=criteria, **settings), registers={"Projects": projects})


def run(p: Portfolio, **kwargs: object) -> tuple[PriorityResult, list]:
    none = pd.DataFrame(columns=["project_id", "role", "month", "hours"])
    return compute_priorities(p, demand=none, capacity=pd.DataFrame(columns=["role", "month", "hours"]), **kwargs)


def flat(issues: list) -> list[tuple]:
    return sorted((i.sheet, i.row, i.field, i.code) for i in issues)


# ---------------------------------------------------------------- weighted scoring


def ws01() -> dict:
    return next(c for c in json.loads(CASES.read_text())["families"]["weighted_scoring"]["cases"] if c["id"] == "WS-01")


def test_ws01_published_totals_and_ranking() -> None:
    case = ws01()
    names = case["inputs"]["criteria"]
    criteria = criteria_table([(n, w, HIGHER, 0, 100) for n, w in zip(names, case["inputs"]["weights_pct"], strict=True)])
    scores = pd.DataFrame(case["inputs"]["scores_0_100"]).T.set_axis(names, axis=1)
    table = weighted_scores(scores, criteria)
    for project, total in case["published"].items():
        assert table.loc[project, "score"] == pytest.approx(float(total), abs=1e-12)
    contributions = table[[c for c in table.columns if c.startswith("contrib:")]].sum(axis=1)
    np.testing.assert_allclose(contributions, table["score"], atol=1e-12)
    assert (table["coverage"] == 1.0).all()
    table_c = criterion_frame(criteria)
    ranks = rank_projects(pd.Series(scores.index, index=scores.index), table["score"], turned_scores(scores, table_c),
                          table_c["weight"], pd.Series(100.0, index=scores.index))
    assert list(ranks.sort_values("rank").index) == case["published_ranking"]


def test_lower_is_better_is_turned_round_on_its_scale() -> None:
    criteria = criteria_table([("Value", 3, HIGHER, 1, 5), ("Risk", 1, LOWER, 1, 5)])
    table = weighted_scores(pd.DataFrame({"Value": [4.0, 4.0], "Risk": [1.0, 5.0]}), criteria)
    # risk 1 counts as 5 and risk 5 as 1: (3*4 + 1*5)/4 and (3*4 + 1*1)/4
    assert table["score"].tolist() == pytest.approx([17 / 4, 13 / 4])
    assert table["contrib:Risk"].tolist() == pytest.approx([5 / 4, 1 / 4])
    assert table["score_pct"].tolist() == pytest.approx([(3 * 0.75 + 1) / 4, 3 * 0.75 / 4])


def test_missing_scores_are_scored_over_the_criteria_present() -> None:
    criteria = criteria_table([("A", 3, HIGHER, 1, 5), ("B", 1, HIGHER, 1, 5)])
    table = weighted_scores(pd.DataFrame({"A": [4.0, np.nan, np.nan], "B": [np.nan, 2.0, np.nan]}), criteria)
    assert table["score"].iloc[0] == pytest.approx(4.0)
    assert table["coverage"].iloc[0] == pytest.approx(0.75)
    assert table["missing"].iloc[0] == "B"
    assert table["score"].iloc[1] == pytest.approx(2.0) and table["coverage"].iloc[1] == pytest.approx(0.25)
    assert np.isnan(table["score"].iloc[2]) and table["coverage"].iloc[2] == 0 and table["missing"].iloc[2] == "A; B"
    assert np.isnan(table["contrib:B"].iloc[0])


def test_scores_outside_the_scale_are_clipped() -> None:
    criteria = criteria_table([("A", 1, HIGHER, 1, 5), ("Risk", 1, LOWER, 1, 5)])
    table = weighted_scores(pd.DataFrame({"A": [7.0], "Risk": [0.0]}), criteria)
    assert table["score"].iloc[0] == pytest.approx(5.0)  # 7 -> 5; risk 0 -> 1 -> turned 5


def test_weights_override_and_criterion_names_ignore_case() -> None:
    criteria = criteria_table([("Value", 1, HIGHER, 1, 5), ("Fit", 1, HIGHER, 1, 5)])
    table = weighted_scores(pd.DataFrame({"value": [5.0], "FIT": [1.0]}), criteria, pd.Series({"VALUE": 3.0, "fit": 1.0}))
    assert table["score"].iloc[0] == pytest.approx(4.0)


score_rows = st.lists(st.one_of(st.none(), st.floats(min_value=-2, max_value=8, allow_nan=False)), min_size=3, max_size=3)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(score_rows, min_size=1, max_size=6),
    st.lists(st.floats(min_value=0.01, max_value=50), min_size=3, max_size=3),
    st.floats(min_value=0.01, max_value=1000),
)
def test_score_stays_on_scale_adds_up_and_ignores_weight_units(rows: list, weights: list[float], factor: float) -> None:
    criteria = criteria_table([("A", weights[0], HIGHER, 1, 5), ("B", weights[1], LOWER, 1, 5), ("C", weights[2], HIGHER, 1, 5)])
    scores = pd.DataFrame(rows, columns=["A", "B", "C"], dtype=float)
    table = weighted_scores(scores, criteria)
    scored = table["score"].dropna()
    assert ((scored >= 1 - 1e-9) & (scored <= 5 + 1e-9)).all()
    assert ((table["score_pct"].dropna() >= -1e-9) & (table["score_pct"].dropna() <= 1 + 1e-9)).all()
    contributions = table[["contrib:A", "contrib:B", "contrib:C"]].sum(axis=1, min_count=1)
    np.testing.assert_allclose(contributions.dropna(), scored, atol=1e-9)
    scaled = weighted_scores(scores, criteria.assign(weight=criteria["weight"] * factor))
    np.testing.assert_allclose(scaled["score"], table["score"], atol=1e-9)


def test_ties_are_broken_by_heaviest_criterion_then_budget_then_id() -> None:
    criteria = criteria_table([("Strategic", 2, HIGHER, 1, 5), ("Value", 2, HIGHER, 1, 5), ("Fit", 1, HIGHER, 1, 5)])
    scores = pd.DataFrame({"Strategic": [3, 4, 3, 3, 3.0], "Value": [4, 3, 4, 4, 4.0], "Fit": [3, 3, 3, 3, 3.0]},
                          index=["P5", "P4", "P3", "P2", "P1"])
    table_c = criterion_frame(criteria)
    table = weighted_scores(scores, criteria)
    assert table["score"].nunique() == 1  # all tied on score
    bac = pd.Series([100, 100, 50, 100, 100.0], index=scores.index)
    ranks = rank_projects(pd.Series(scores.index, index=scores.index), table["score"], turned_scores(scores, table_c),
                          table_c["weight"], bac)
    order = list(ranks.sort_values("rank").index)
    # P4 wins on Strategic (weight ties keep Settings order); P3 on lower budget; P1 before P2 and P5 by ID
    assert order == ["P4", "P3", "P1", "P2", "P5"]
    assert "better on Strategic" in ranks.loc["P4", "rank_note"]
    assert "lower budget" in ranks.loc["P3", "rank_note"]
    assert "project ID order" in ranks.loc["P2", "rank_note"]


# ---------------------------------------------------------------- compute_priorities


DEFAULT = [("Strategic alignment", 30, HIGHER, 1, 5), ("Business value", 20, HIGHER, 1, 5), ("Risk", 10, LOWER, 1, 5)]


def small_portfolio(**settings: object) -> Portfolio:
    rows = [
        {"project_id": "P1", "name": "One", "score:Strategic alignment": 5, "score:Business value": 4, "score:Risk": 2, "bac": 300.0},
        {"project_id": "P2", "name": "Two", "score:Strategic alignment": 3, "score:Business value": None, "score:Risk": 1},
        {"project_id": "P3", "name": "Three", "score:Strategic alignment": 2, "score:Business value": 2, "score:Risk": 5,
         "status": "Active"},
        {"project_id": "P4", "name": "Four", "score:Strategic alignment": 5, "score:Business value": 5, "score:Risk": 1,
         "status": "Closed"},
        {"project_id": "P5", "name": "Five", "score:Strategic alignment": None, "score:Business value": None, "score:Risk": None,
         "status": "Cancelled"},
    ]
    return portfolio(projects_table(rows), criteria_table(DEFAULT), **settings)


def test_compute_priorities_tables_and_typed_weights() -> None:
    result, issues = run(small_portfolio())
    assert result.weights["weight"].tolist() == pytest.approx([0.5, 1 / 3, 1 / 6])
    assert (result.weights["source"] == "Typed weights").all()
    scores = result.scores.set_index("project_id")
    assert scores.loc["P1", "score"] == pytest.approx((30 * 5 + 20 * 4 + 10 * 4) / 60)
    assert scores.loc["P2", "score"] == pytest.approx((30 * 3 + 10 * 5) / 40)
    assert scores.loc["P2", "coverage"] == pytest.approx(40 / 60)
    assert scores["rank"].dropna().to_dict() == {"P1": 1.0, "P2": 2.0, "P3": 3.0}
    assert scores.loc["P4", "rank_note"] == "not ranked: closed"
    assert {"contrib:Strategic alignment", "contrib:Business value", "contrib:Risk"} <= set(result.scores.columns)
    # the missing score of a candidate is located; the cancelled project's blanks are not nagged about
    assert flat(issues) == [("Projects", 6, "Score: Business value", "missing-score")]
    assert list(result.selection.columns[:8]) == ["project_id", "name", "status", "bac", "score", "rank", "value", "selected"]
    assert set(result.selection["project_id"]) == {"P1", "P2", "P3", "P4", "P5"}
    assert result.frontier["current"].sum() == 1 and len(result.frontier) == 21
    assert result.ahp is None


def test_ahp_weights_replace_typed_weights() -> None:
    names = [c[0] for c in DEFAULT]
    matrix = pd.DataFrame(np.nan, index=names, columns=names)
    matrix.loc["Strategic alignment", "Business value"] = 2
    matrix.loc["Strategic alignment", "Risk"] = 4
    matrix.loc["Business value", "Risk"] = 2
    result, issues = run(small_portfolio(weights_from="AHP", ahp=matrix))
    assert result.weights["weight"].tolist() == pytest.approx([4 / 7, 2 / 7, 1 / 7])
    assert (result.weights["source"] == "AHP").all()
    assert result.ahp is not None and result.ahp.cr == pytest.approx(0.0, abs=1e-9)
    assert result.scores.set_index("project_id").loc["P1", "score"] == pytest.approx(4 / 7 * 5 + 2 / 7 * 4 + 1 / 7 * 4)
    assert "ahp-inconsistent" not in {i.code for i in issues}


def test_ahp_matrix_kept_for_reference_when_typed_weights_are_chosen() -> None:
    names = [c[0] for c in DEFAULT]
    matrix = pd.DataFrame([[1, 2, 4], [None, 1, 2], [None, None, 1]], index=names, columns=names, dtype=float)
    result, _ = run(small_portfolio(ahp=matrix))
    assert result.weights["source"].iloc[0] == "Typed weights"
    assert result.weights["ahp_weight"].tolist() == pytest.approx([4 / 7, 2 / 7, 1 / 7])


def test_inconsistent_ahp_is_used_with_a_warning_naming_the_pair() -> None:
    names = [c[0] for c in DEFAULT]
    matrix = pd.DataFrame([[1, 9, 1 / 9], [None, 1, 9], [None, None, 1]], index=names, columns=names, dtype=float)
    result, issues = run(small_portfolio(weights_from="AHP", ahp=matrix))
    assert result.weights["source"].iloc[0] == "AHP"
    warning = next(i for i in issues if i.code == "ahp-inconsistent")
    assert warning.sheet == "Settings" and " vs " in warning.message


@pytest.mark.parametrize(
    "matrix, why",
    [
        (None, "there is no AHP matrix"),
        (pd.DataFrame([[1, 2], [None, 1]], index=["Strategic alignment", "Business value"],
                      columns=["Strategic alignment", "Business value"], dtype=float), "no row and column for Risk"),
        (pd.DataFrame([[1, None, 2], [None, 1, 2], [None, None, 1]], index=[c[0] for c in DEFAULT],
                      columns=[c[0] for c in DEFAULT], dtype=float), "No judgement"),
    ],
)
def test_unusable_ahp_falls_back_to_typed_weights(matrix: pd.DataFrame | None, why: str) -> None:
    result, issues = run(small_portfolio(weights_from="AHP", ahp=matrix))
    assert result.weights["source"].iloc[0] == "Typed weights"
    issue = next(i for i in issues if i.code == "ahp-unusable")
    assert why in issue.message


def test_criteria_and_columns_that_do_not_match() -> None:
    criteria = criteria_table([*DEFAULT, ("Urgency", 10, HIGHER, 1, 5), ("Broken", 5, HIGHER, 5, 1)])
    projects = projects_table([{"project_id": "P1", "score:Strategic alignment": 4, "score:Business value": 4, "score:Risk": 2,
                                "score:Legacy": 3}])
    result, issues = run(portfolio(projects, criteria))
    # Validation reports the missing and unknown columns and the broken scale at their cells;
    # scoring copes: the broken criterion is left out, Urgency scores nobody, Legacy is ignored.
    assert issues == []
    assert list(result.weights["criterion"]) == [*(c[0] for c in DEFAULT), "Urgency"]
    row = result.scores.iloc[0]
    assert row["score"] == pytest.approx((30 * 4 + 20 * 4 + 10 * 4) / 60)
    assert row["coverage"] == pytest.approx(60 / 70) and row["missing"] == "Urgency"


def test_out_of_scale_score_is_clipped_without_a_second_issue() -> None:
    projects = projects_table([{"project_id": "P1", "score:Strategic alignment": 7, "score:Business value": 4, "score:Risk": 2}])
    result, issues = run(portfolio(projects, criteria_table(DEFAULT)))
    assert issues == []  # validation reports score-out-of-scale at the cell
    assert result.scores["contrib:Strategic alignment"].iloc[0] == pytest.approx(0.5 * 5)


def test_objective_score_times_budget() -> None:
    result, _ = run(small_portfolio(selection_objective="Score × budget"))
    table = result.selection.set_index("project_id")
    assert table.loc["P1", "value"] == pytest.approx(table.loc["P1", "score"] * 300.0)


def test_no_criteria_still_selects_fixed_projects() -> None:
    projects = projects_table([{"project_id": "P1", "status": "Active"}, {"project_id": "P2"}])
    result, issues = run(portfolio(projects, pd.DataFrame()))
    assert "no-criteria" in {i.code for i in issues}
    table = result.selection.set_index("project_id")
    assert table.loc["P1", "selected"] and not table.loc["P2", "selected"]
    assert table.loc["P2", "reason_code"] == "no-value"


def test_an_empty_projects_register() -> None:
    from pmo_xl.parse.register import empty_frame

    result, issues = run(portfolio(empty_frame(PROJECTS), criteria_table(DEFAULT)))
    assert result.scores.empty and result.selection.empty and issues == []
    assert result.value == 0 and result.frontier["value"].eq(0).all()
