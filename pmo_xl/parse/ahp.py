"""Parse and check the AHP pairwise matrix (`tblAHP` on Settings).

The matrix is read as typed (NaN where a judgement is blank; the computation takes blanks below
the diagonal as reciprocals). Checked here, where each judgement's cell is still known:
positive numbers on Saaty's scale, 1 on the diagonal, a_ij · a_ji = 1 where both are typed,
every pair judged, and the same criteria as tblCriteria. While weights come from the typed
weights the matrix is unused, so its problems are notes (info), not errors.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from pmo_xl.issues import Issue, Severity, column_letter
from pmo_xl.model import ROW
from pmo_xl.raw import RawTable

Grade = Callable[[Severity], Severity]  # the severity an AHP issue gets: as is, or a note when AHP is unused
RECIPROCAL_TOLERANCE = 0.02  # 1/3 typed as 0.33 gives 0.99: a rounding, not an inconsistency
SAATY_MIN, SAATY_MAX = 1 / 9, 9


def parse_ahp(raw: RawTable | None, criteria: pd.DataFrame, used: bool) -> tuple[pd.DataFrame | None, list[Issue]]:
    """The matrix as a square float frame indexed by criterion, and its issues."""
    if raw is None or not raw.rows:
        return None, []
    severity: Grade = _as_is if used else _as_note
    issues: list[Issue] = []
    names = [str(h).strip() for h in raw.headers[1:]]
    letters = {name: column_letter(raw.first_column + 1 + i) for i, name in enumerate(names)}
    matrix = pd.DataFrame(np.nan, index=names, columns=names)
    rows: dict[str, int] = {}
    for row, number in zip(raw.rows, raw.row_numbers, strict=True):
        name = str(row[0]).strip()
        if name not in matrix.index:
            issues.append(Issue(code="ahp-unknown-criterion", severity=severity(Severity.ERROR), sheet=raw.sheet, row=number, column=column_letter(raw.first_column),
                                field="Criterion", value=name, message=f"AHP row {name!r} does not match a column of the matrix — use the same criteria across and down"))
            continue
        rows[name] = number
        for position, cell in enumerate(row[1:len(names) + 1]):
            other = names[position]
            if cell in ("", None):
                continue
            if isinstance(cell, (int, float)) and not isinstance(cell, bool) and cell > 0:
                matrix.loc[name, other] = float(cell)
                if not SAATY_MIN * 0.99 <= cell <= SAATY_MAX:
                    issues.append(Issue(code="ahp-out-of-scale", severity=severity(Severity.WARNING), sheet=raw.sheet, row=number, column=letters[other], field=other, value=cell,
                                        message=f"Judgement {cell:g} of {name} vs {other} is outside Saaty's scale 1/9 to 9 — use 1-9 or a reciprocal"))
            else:
                issues.append(Issue(code="ahp-bad-judgement", severity=severity(Severity.ERROR), sheet=raw.sheet, row=number, column=letters[other], field=other, value=cell,
                                    message=f"Judgement {cell!r} must be a positive number on Saaty's 1-9 scale (or its reciprocal)"))
    issues += _pair_issues(matrix, rows, letters, raw.sheet, severity)
    issues += _criteria_issues(names, rows, letters, raw, criteria, severity)
    return matrix, issues


def _as_is(severity: Severity) -> Severity:
    return severity


def _as_note(severity: Severity) -> Severity:
    return Severity.INFO


def _pair_issues(matrix: pd.DataFrame, rows: dict[str, int], letters: dict[str, str], sheet: str,
                 severity: Grade) -> list[Issue]:
    issues: list[Issue] = []
    judged = [name for name in matrix.index if name in rows]
    for i, a in enumerate(judged):
        diagonal = matrix.loc[a, a]
        if not np.isnan(diagonal) and abs(diagonal - 1) > 1e-9:
            issues.append(Issue(code="ahp-diagonal", severity=severity(Severity.ERROR), sheet=sheet, row=rows[a], column=letters[a], field=a, value=float(diagonal),
                                message=f"{a} compared with itself must be 1, not {diagonal:g}"))
        for b in judged[i + 1:]:
            upper, lower = matrix.loc[a, b], matrix.loc[b, a]
            if np.isnan(upper) and np.isnan(lower):
                issues.append(Issue(code="ahp-missing-judgement", severity=severity(Severity.ERROR), sheet=sheet, row=rows[a], column=letters[b], field=b, value=None,
                                    message=f"{a} vs {b} has no judgement — type how much more important {a} is than {b} (1-9, or 1/3 etc.)"))
            elif not np.isnan(upper) and not np.isnan(lower) and abs(upper * lower - 1) > RECIPROCAL_TOLERANCE:
                issues.append(Issue(code="ahp-not-reciprocal", severity=severity(Severity.ERROR), sheet=sheet, row=rows[b], column=letters[a], field=a, value=float(lower),
                                    message=f"{a} vs {b} is {upper:g} but {b} vs {a} is {lower:g} (product {upper * lower:g}, not 1) — "
                                    f"type {1 / upper:.4g} here or leave this lower cell blank"))
    return issues


def _criteria_issues(names: list[str], rows: dict[str, int], letters: dict[str, str], raw: RawTable,
                     criteria: pd.DataFrame, severity: Grade) -> list[Issue]:
    if criteria is None or criteria.empty or "criterion" not in criteria:
        return []
    issues: list[Issue] = []
    listed = {str(c).strip(): int(r) for c, r in zip(criteria["criterion"], criteria[ROW], strict=True) if c is not None}
    for name in names:
        if name and name not in listed:
            issues.append(Issue(code="ahp-criteria-mismatch", severity=severity(Severity.ERROR), sheet=raw.sheet, row=raw.header_row, column=letters[name], field=name, value=name,
                                message=f"Criterion {name!r} is in the AHP matrix but not in the criteria table — add it there or remove it from the matrix"))
    for name in listed:
        if name not in names:
            issues.append(Issue(code="ahp-criteria-mismatch", severity=severity(Severity.ERROR), sheet=raw.sheet, row=raw.header_row,
                                column=column_letter(raw.first_column), field=name, value=name,
                                message=f"Criterion {name!r} is in the criteria table but not in the AHP matrix — add a row and a column for it"))
    return issues
