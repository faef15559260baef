"""Settings: criteria weights and scales, threshold order, the AHP matrix, score columns."""

from __future__ import annotations

from test_validation_cells import SCORES, criteria_table, flat, project, raw_table, tables, validate

from pmo_xl.issues import Severity
from pmo_xl.model import Portfolio
from pmo_xl.schema.settings import AHP, DEFAULT_CRITERIA, SETTINGS_TABLE, THRESHOLDS

NAMES = [c[0] for c in DEFAULT_CRITERIA]


def settings(*rows: tuple[str, object]) -> dict:
    return {"Settings": raw_table(SETTINGS_TABLE, [{"setting": k, "value": v} for k, v in rows])}


def ahp(matrix: list[list[object]], names: list[str] = NAMES) -> dict:
    headers = ["Criterion", *names]
    records = [dict(zip(headers, [name, *row], strict=True)) for name, row in zip(names, matrix, strict=True)]
    return {"AHP": raw_table(AHP, records, headers, first_column=24)}


def consistent() -> list[list[object]]:
    """A complete, reciprocal matrix (upper triangle 2s, lower blank)."""
    return [[1 if i == j else (2 if j > i else None) for j in range(len(NAMES))] for i in range(len(NAMES))]


def run(**extra: dict) -> Portfolio:
    raw = tables(Projects=[project("P1")])
    for part in extra.values():
        raw.update(part)
    return validate(raw)


def test_weights_negative_missing_or_all_zero_and_inverted_scales():
    rows = [list(c) for c in DEFAULT_CRITERIA]
    rows[0][1], rows[1][1] = -5, None
    rows[2][3], rows[2][4] = 5, 1
    portfolio = run(c={"Criteria": criteria_table(rows)})
    assert flat(portfolio.issues, "out-of-range", "required", "scale-invalid") == [
        ("Settings", 2, "F", "out-of-range"), ("Settings", 3, "F", "required"), ("Settings", 4, "I", "scale-invalid")]
    zero = [[*c[:1], 0, *c[2:]] for c in DEFAULT_CRITERIA]
    assert flat(run(c={"Criteria": criteria_table(zero)}).issues, "weights-all-zero") == [("Settings", 2, "F", "weights-all-zero")]


def test_thresholds_out_of_order_fall_back_to_the_defaults():
    bands = [{"metric": "CPI", "red_below": 0.9, "amber_below": 0.85, "amber_above": 1.05, "red_above": 1.1},
             {"metric": "SPI", "red_below": 0.9, "amber_below": 0.95, "amber_above": 1.2, "red_above": 1.1},
             {"metric": "TCPI", "red_below": 0, "amber_below": 0, "amber_above": 1.05, "red_above": 1.1}]
    portfolio = run(t={"Thresholds": raw_table(THRESHOLDS, bands, first_column=11)},
                    s=settings(("Over-allocation above", 0.4), ("Under-use below", 0.6)))
    assert flat(portfolio.issues, "thresholds-out-of-order") == [
        ("Settings", 2, "M", "thresholds-out-of-order"),  # CPI: Amber below under Red below
        ("Settings", 3, "B", "thresholds-out-of-order"),  # Under-use below 60 % not below Over-allocation above 40 %
        ("Settings", 3, "O", "thresholds-out-of-order")]  # SPI: Red above under Amber above
    cpi = portfolio.settings.thresholds.set_index("metric").loc["CPI"]
    assert (cpi["red_below"], cpi["amber_below"]) == (0.90, 0.95)
    assert (portfolio.settings.overload_threshold, portfolio.settings.underuse_threshold) == (1.0, 0.5)


def test_ahp_reciprocity_diagonal_missing_and_scale():
    matrix = consistent()
    matrix[3][1] = 2  # Risk vs Business value typed as 2 while Business value vs Risk is 2: product 4
    matrix[2][2] = 3  # diagonal
    matrix[0][5] = None  # Strategic alignment vs Stakeholder impact: neither typed
    matrix[1][4] = 12  # outside Saaty's scale
    portfolio = run(a=ahp(matrix), s=settings(("Criteria weights from", "AHP")))
    assert flat(portfolio.issues, "ahp-not-reciprocal", "ahp-diagonal", "ahp-missing-judgement", "ahp-out-of-scale") == [
        ("Settings", 2, "AD", "ahp-missing-judgement"), ("Settings", 3, "AC", "ahp-out-of-scale"),
        ("Settings", 4, "AA", "ahp-diagonal"), ("Settings", 5, "Z", "ahp-not-reciprocal")]
    reciprocity = next(i for i in portfolio.issues if i.code == "ahp-not-reciprocal")
    assert reciprocity.severity == Severity.ERROR and "product 4" in reciprocity.message


def test_reciprocals_typed_to_two_decimals_are_fine():
    matrix = consistent()
    matrix[1][0] = 0.5
    matrix[0][2], matrix[2][0] = 3, 0.33  # 1/3 typed to two decimals: product 0.99
    assert flat(run(a=ahp(matrix), s=settings(("Criteria weights from", "AHP"))).issues, "ahp-not-reciprocal") == []


def test_ahp_criteria_must_match_the_criteria_table_and_are_notes_while_typed_weights_are_used():
    names = NAMES[:5] + ["Agility"]
    portfolio = run(a=ahp(consistent(), names))
    found = [(i.row, i.column, i.code, i.severity) for i in portfolio.issues if i.code.startswith("ahp")]
    assert found == [(1, "AD", "ahp-criteria-mismatch", Severity.INFO), (1, "X", "ahp-criteria-mismatch", Severity.INFO)]


def test_every_criterion_has_its_score_column_and_every_score_column_a_criterion():
    headers = [h for h in SCORES if h != "Score: Urgency"] + ["Score: Agility"]
    raw = tables(Projects=[project("P1")])
    raw["Projects"].headers = raw["Projects"].headers[:17] + headers
    raw["Projects"].rows = [row[:17] + [3] * len(headers) for row in raw["Projects"].rows]
    portfolio = validate(raw)
    assert flat(portfolio.issues, "missing-score-column", "unknown-criterion") == [
        ("Projects", 1, "W", "unknown-criterion"), ("Settings", 4, "E", "missing-score-column")]


def test_the_default_settings_raise_nothing():
    portfolio = run(a=ahp(consistent()), s=settings(("Criteria weights from", "AHP")))
    assert [i for i in portfolio.issues if i.sheet == "Settings" and i.severity != Severity.INFO] == []
