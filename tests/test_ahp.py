"""AHP weights and consistency against published examples, plus the invariants of the method.

Sources:
  - AHP-01: Wikipedia "Analytic hierarchy process - leader example" (values in
    tests/data/published_cases.json, with the unrounded recomputation).
  - Saaty, T. L. (2008) "Decision making with the analytic hierarchy process", Int. J.
    Services Sciences 1(1):83-98, the "which drink is consumed more in the U.S." matrix: derived
    priorities coffee .177, wine .019, tea .042, beer .116, sodas .190, milk .129, water .327 and
    C.R. .022 (the same figures are asserted by the AHPy test suite, PhilipGriffith/AHPy
    tests/test_ahp.py).
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo_xl.compute.priority.ahp import (
    CR_LIMIT,
    RANDOM_INDEX,
    AhpError,
    ahp_weights,
    complete_matrix,
    inconsistency_message,
    random_index,
)

CASES = Path(__file__).parent / "data" / "published_cases.json"  # the project's published worked examples, with sources


def _published() -> dict:
    return json.loads(CASES.read_text())


def _matrix(names: list[str], pairs: dict[tuple[str, str], float]) -> pd.DataFrame:
    """Only the typed judgements; everything else blank (NaN), as in the Settings table."""
    frame = pd.DataFrame(np.nan, index=names, columns=names)
    for (a, b), v in pairs.items():
        frame.loc[a, b] = v
    return frame


def _leader_case() -> dict:
    return next(c for c in _published()["families"]["ahp"]["cases"] if c["id"] == "AHP-01")


def _pairs(raw: dict[str, float]) -> dict[tuple[str, str], float]:
    return {tuple(k.split("|")): v for k, v in raw.items()}  # type: ignore[misc]


def test_leader_example_criteria_weights_lambda_and_cr() -> None:
    case = _leader_case()
    names = case["inputs"]["criteria"]
    result = ahp_weights(_matrix(names, _pairs(case["inputs"]["criteria_pairwise"])))
    recomputed = case["recomputed"]
    for name in names:
        assert result.weights[name] == pytest.approx(recomputed["criteria"][name], abs=1e-6)
        # Wikipedia prints three decimals; Experience is .5476 printed .547 (rounding_note).
        assert result.weights[name] == pytest.approx(float(case["published"][name]), abs=6e-4)
    assert result.lambda_max == pytest.approx(recomputed["criteria_lambda_max"], abs=1e-6)
    assert result.cr == pytest.approx(recomputed["criteria_CR_saaty1980_RI"], abs=1e-6)
    assert result.consistent


def test_leader_example_local_priorities_and_overall_choice() -> None:
    case = _leader_case()
    criteria = ahp_weights(_matrix(case["inputs"]["criteria"], _pairs(case["inputs"]["criteria_pairwise"]))).weights
    alternatives = case["inputs"]["alternatives"]
    overall = pd.Series(0.0, index=alternatives)
    for criterion, raw in case["inputs"]["alternative_pairwise_by_criterion"].items():
        local = ahp_weights(_matrix(alternatives, _pairs(raw)))
        expected = case["recomputed"]["local"][criterion]
        for alt in alternatives:
            assert local.weights[alt] == pytest.approx(expected["weights"][alt], abs=1e-6)
        assert local.lambda_max == pytest.approx(expected["lambda_max"], abs=1e-6)
        assert local.cr == pytest.approx(expected["CR_saaty1980_RI"], abs=1e-6)
        overall += criteria[criterion] * local.weights
    for alt in alternatives:
        assert overall[alt] == pytest.approx(float(case["published"][alt]), abs=5e-4)
    assert overall.idxmax() == "Dick"


def test_saaty_2008_drinks_example() -> None:
    names = ["coffee", "wine", "tea", "beer", "soda", "milk", "water"]
    pairs = {
        ("coffee", "wine"): 9, ("coffee", "tea"): 5, ("coffee", "beer"): 2, ("coffee", "soda"): 1, ("coffee", "milk"): 1,
        ("water", "coffee"): 2, ("water", "wine"): 9, ("water", "tea"): 9, ("water", "beer"): 3, ("water", "soda"): 2,
        ("water", "milk"): 3, ("tea", "wine"): 3, ("beer", "wine"): 9, ("beer", "tea"): 3, ("beer", "milk"): 1,
        ("soda", "wine"): 9, ("soda", "tea"): 4, ("soda", "beer"): 2, ("soda", "milk"): 2, ("milk", "wine"): 9,
        ("milk", "tea"): 3,
    }
    result = ahp_weights(_matrix(names, pairs))  # judgements typed on both sides of the diagonal
    published = {"coffee": 0.177, "wine": 0.019, "tea": 0.042, "beer": 0.116, "soda": 0.190, "milk": 0.129, "water": 0.327}
    for name, weight in published.items():
        assert round(result.weights[name], 3) == weight
    assert round(result.cr, 3) == 0.022
    assert result.notes == ()


def test_random_index_is_saatys_table() -> None:
    table = _published()["families"]["ahp"]["random_index_tables"]["saaty_1980"]["values"]
    for n, value in table.items():
        assert RANDOM_INDEX[int(n)] == pytest.approx(value)
    # Beyond 10 criteria: Alonso and Lamata's fit, which meets the table near n = 10.
    assert random_index(11) == pytest.approx((1.7699 * 11 - 4.3513) / 10)
    assert abs(random_index(10 + 1) - RANDOM_INDEX[10]) < 0.05


def test_blank_lower_triangle_equals_full_reciprocal_matrix() -> None:
    upper = [[1, 2, 5], [None, 1, 3], [None, None, 1]]
    full = [[1, 2, 5], [1 / 2, 1, 3], [1 / 5, 1 / 3, 1]]
    a, b = ahp_weights(upper), ahp_weights(full)
    np.testing.assert_allclose(a.weights.to_numpy(), b.weights.to_numpy(), atol=1e-12)
    assert a.cr == pytest.approx(b.cr, abs=1e-12)
    # a blank upper cell is the reciprocal of the lower one too
    lower_only = [[1, None, None], [1 / 2, 1, None], [1 / 5, 1 / 3, 1]]
    np.testing.assert_allclose(ahp_weights(lower_only).weights.to_numpy(), a.weights.to_numpy(), atol=1e-12)


def test_non_reciprocal_pair_uses_upper_judgement_and_says_so() -> None:
    typed = pd.DataFrame([[1, 3, 5], [2, 1, 2], [None, None, 1]], index=list("ABC"), columns=list("ABC"), dtype=float)
    result = ahp_weights(typed)
    assert [n.code for n in result.notes] == ["ahp-not-reciprocal"]
    assert (result.notes[0].row, result.notes[0].column) == ("B", "A")
    assert result.matrix.loc["B", "A"] == pytest.approx(1 / 3)
    # typing 0.33 for 1/3 is not a disagreement
    rounded = pd.DataFrame([[1, 3], [0.33, 1]], index=list("AB"), columns=list("AB"), dtype=float)
    assert ahp_weights(rounded).notes == ()


def test_unusable_matrices_raise_plain_errors() -> None:
    with pytest.raises(AhpError, match="No judgement for A vs C"):
        ahp_weights(pd.DataFrame([[1, 2, None], [None, 1, 3], [None, None, 1]], index=list("ABC"), columns=list("ABC")))
    with pytest.raises(AhpError, match="positive"):
        ahp_weights([[1, -2], [None, 1]])
    with pytest.raises(AhpError, match="square"):
        ahp_weights([[1, 2, 3], [None, 1, 2]])
    with pytest.raises(AhpError, match="not a number"):
        ahp_weights([[1, "high"], [None, 1]])
    with pytest.raises(AhpError, match="same criteria"):
        ahp_weights(pd.DataFrame([[1, 2], [0.5, 1]], index=["A", "B"], columns=["B", "A"]))
    assert issubclass(AhpError, ValueError)


def test_diagonal_and_off_scale_notes() -> None:
    result = ahp_weights([[2, 12], [None, 1]])
    assert {n.code for n in result.notes} == {"ahp-diagonal", "ahp-off-scale"}
    assert result.matrix.iloc[0, 0] == 1.0


def test_small_matrices() -> None:
    one = ahp_weights([[1]])
    assert one.weights.tolist() == [1.0] and one.cr == 0.0 and one.worst_pair is None
    two = ahp_weights([[1, 4], [None, 1]])
    assert two.weights.tolist() == pytest.approx([0.8, 0.2])
    assert two.cr == 0.0 and two.consistent


def test_twelve_criteria_use_extrapolated_index() -> None:
    w = 1 + 0.5 * np.arange(12)  # ratios up to 6.5: on Saaty's scale
    result = ahp_weights(w[:, None] / w[None, :])
    assert [n.code for n in result.notes] == ["ahp-extrapolated-index"]
    assert result.cr == pytest.approx(0.0, abs=1e-9)


def test_inconsistent_matrix_names_the_judgement_to_revisit() -> None:
    w = np.array([0.4, 0.3, 0.2, 0.1])
    values = w[:, None] / w[None, :]
    values[0, 3], values[3, 0] = 1 / 8, 8  # A is 4x D; typed the wrong way round
    names = ["Strategic alignment", "Business value", "Urgency", "Risk"]
    result = ahp_weights(pd.DataFrame(values, index=names, columns=names))
    assert result.cr > CR_LIMIT and not result.consistent
    assert result.worst_pair == ("Strategic alignment", "Risk")
    assert result.worst_value == pytest.approx(1 / 8)
    message = inconsistency_message(result)
    assert "Strategic alignment vs Risk" in message and "above 0.10" in message


saaty_values = st.sampled_from([1 / 9, 1 / 7, 1 / 5, 1 / 3, 1, 2, 3, 4, 5, 6, 7, 8, 9])


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=1, max_value=9).flatmap(
    lambda n: st.tuples(st.just(n), st.lists(saaty_values, min_size=n * (n - 1) // 2, max_size=n * (n - 1) // 2))))
def test_weights_are_positive_and_sum_to_one(case: tuple[int, list[float]]) -> None:
    n, upper = case
    values = np.ones((n, n))
    for (i, j), v in zip(itertools.combinations(range(n), 2), upper, strict=True):
        values[i, j], values[j, i] = v, 1 / v
    result = ahp_weights(values)
    assert result.weights.sum() == pytest.approx(1.0, abs=1e-12)
    assert (result.weights > 0).all()
    assert result.lambda_max >= n - 1e-9
    assert result.cr >= 0


positive_weights = st.lists(st.floats(min_value=0.01, max_value=100, allow_nan=False), min_size=1, max_size=10)


@settings(max_examples=150, deadline=None)
@given(positive_weights)
def test_consistent_matrix_has_zero_cr_and_recovers_weights(raw: list[float]) -> None:
    w = np.array(raw) / sum(raw)
    result = ahp_weights(w[:, None] / w[None, :])
    assert result.cr == pytest.approx(0.0, abs=1e-9)
    assert result.lambda_max == pytest.approx(len(w), abs=1e-9)
    np.testing.assert_allclose(result.weights.to_numpy(), w, atol=1e-9)


@settings(max_examples=100, deadline=None)
@given(positive_weights, st.floats(min_value=0.2, max_value=3.0), st.randoms(use_true_random=False))
def test_consistent_scaling_and_reordering_keep_cr_zero(raw: list[float], power: float, rnd: object) -> None:
    w = np.array(raw) / sum(raw)
    # a_ij^p = (w_i/w_j)^p is consistent again, with weights proportional to w^p
    result = ahp_weights((w[:, None] / w[None, :]) ** power)
    assert result.cr == pytest.approx(0.0, abs=1e-9)
    expected = w**power / (w**power).sum()
    np.testing.assert_allclose(result.weights.to_numpy(), expected, atol=1e-9)
    # listing the criteria in another order changes nothing but the order
    order = list(range(len(w)))
    rnd.shuffle(order)  # type: ignore[attr-defined]
    shuffled = ahp_weights(w[order][:, None] / w[order][None, :])
    np.testing.assert_allclose(shuffled.weights.to_numpy(), w[order], atol=1e-9)


def test_complete_matrix_returns_a_reciprocal_matrix() -> None:
    frame = pd.DataFrame([[1, 3, None], [None, 1, 7], [0.2, None, None]], index=list("ABC"), columns=list("ABC"), dtype=float)
    completed, notes = complete_matrix(frame)
    values = completed.to_numpy()
    np.testing.assert_allclose(values * values.T, np.ones((3, 3)))
    assert values[0, 2] == pytest.approx(5.0) and notes == []
    assert not np.isnan(values).any()
