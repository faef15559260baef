"""The priority worksheet functions, called the way Excel calls them (lists, lists of rows, None)."""

from __future__ import annotations

import pandas as pd
import pytest

import udfs.priority as udf
from pmo_xl.compute.priority import weighted_scores
from udfs.priority import PMO_AHP_CR, PMO_AHP_WEIGHTS, PMO_SCORE

# WS-01 (published_cases.json): Project 1 scores 79 with weights 10/25/25/15/10/15.
WS01_SCORES = [90, 70, 90, 90, 90, 50]
WS01_WEIGHTS = [10, 25, 25, 15, 10, 15]
# AHP-01 (Wikipedia leader example) criteria, upper triangle typed, lower left blank.
LEADER = [[1, 4, 3, 7], [None, 1, 1 / 3, 3], [None, None, 1, 5], [None, None, None, 1]]
LEADER_WEIGHTS = [0.547569, 0.126555, 0.269950, 0.055926]


def test_score_matches_published_weighted_scoring_in_every_range_shape() -> None:
    assert PMO_SCORE(WS01_SCORES, WS01_WEIGHTS) == pytest.approx(79.0)
    assert PMO_SCORE([WS01_SCORES], [WS01_WEIGHTS]) == pytest.approx(79.0)  # one row
    assert PMO_SCORE([[s] for s in WS01_SCORES], [[w] for w in WS01_WEIGHTS]) == pytest.approx(79.0)  # a column
    assert PMO_SCORE(4, 2) == pytest.approx(4.0)  # single cells


def test_score_blanks_directions_and_scales() -> None:
    assert PMO_SCORE([5, None, 3], [3, 2, 1]) == pytest.approx((15 + 3) / 4)
    assert PMO_SCORE([5, "", 3], [3, 2, None]) == pytest.approx(5.0)  # blank weight: not counted
    assert PMO_SCORE([4, 1], [3, 1], [None, "Lower is better"]) == pytest.approx((12 + 5) / 4)
    assert PMO_SCORE([4, 2], [3, 1], ["Higher is better", "lower is better"], 0, 10) == pytest.approx((12 + 8) / 4)
    assert PMO_SCORE([None, None], [1, 1]) is None


def test_score_is_the_engines_score() -> None:
    criteria = pd.DataFrame({"criterion": ["A", "B", "C"], "weight": [30, 20, 10],
                             "direction": ["Higher is better", "Higher is better", "Lower is better"],
                             "scale_min": [1, 1, 1], "scale_max": [5, 5, 5]})
    engine = weighted_scores(pd.DataFrame({"A": [4.0], "B": [None], "C": [2.0]}), criteria)["score"].iloc[0]
    assert PMO_SCORE([4, None, 2], [30, 20, 10], ["", "", "Lower is better"]) == pytest.approx(engine)


@pytest.mark.parametrize(
    "args, message",
    [
        (([1, 2, 3], [1, 2]), "3 scores but 2 weights"),
        (([1, "high"], [1, 1]), "'high' is text where A score needs a number"),
        (([1, 2], [1, -1]), "negative"),
        (([1, None], [0, 5]), "weight 0"),
        (([1, 2], [1, 1], ["Lower is better", None], 5, 1), "Scale max must be above scale min"),
        (([1, 2], [1, 1], ["Lower is better", None, None]), "2 scores but 3 directions"),
    ],
)
def test_score_errors_are_plain_sentences(args: tuple, message: str) -> None:
    shown = PMO_SCORE(*args)  # the cell's text, never a traceback
    assert shown.startswith("PMO_SCORE: ") and message in shown


def test_ahp_weights_spill_as_a_column() -> None:
    weights = PMO_AHP_WEIGHTS(LEADER)
    assert [len(row) for row in weights] == [1, 1, 1, 1]
    assert [row[0] for row in weights] == pytest.approx(LEADER_WEIGHTS, abs=1e-6)
    assert sum(row[0] for row in weights) == pytest.approx(1.0)


def test_ahp_cr_of_the_published_example() -> None:
    assert PMO_AHP_CR(LEADER) == pytest.approx(0.043859, abs=1e-6)
    assert PMO_AHP_CR([[1, 3], [None, 1]]) == 0.0
    assert PMO_AHP_CR(1) == 0.0  # a single cell is a 1 x 1 matrix


def test_ahp_empty_and_invalid_matrices() -> None:
    assert PMO_AHP_WEIGHTS([[None, None], [None, None]]) is None
    assert PMO_AHP_CR(None) is None
    assert "square" in PMO_AHP_WEIGHTS([[1, 2, 3], [None, 1, 2]])
    assert "square" in PMO_AHP_CR([1, 2, 3])  # a single row of three cells
    assert "No judgement for C1 vs C3" in PMO_AHP_WEIGHTS([[1, 2, None], [None, 1, 3], [None, None, 1]])
    assert "positive" in PMO_AHP_CR([[1, 0], [None, 1]])


def test_module_exports_and_excel_declarations() -> None:
    assert sorted(udf.__all__) == ["PMO_AHP_CR", "PMO_AHP_WEIGHTS", "PMO_SCORE"]
    for name in udf.__all__:
        function = getattr(udf, name)
        assert function.__doc__ and function.__doc__.strip()
    from pmo_xl.excel.udf_wrappers import check_udfs, load_udfs

    infos, vba = load_udfs("udfs.priority")
    assert sorted(i.name for i in infos) == sorted(udf.__all__)
    assert check_udfs(infos) == []
    assert "Function PMO_AHP_WEIGHTS" in vba
