"""AHP: criteria weights from a pairwise comparison matrix (Saaty's eigenvector method).

A judgement a_ij says how many times more important criterion i is than criterion j, on
Saaty's 1-9 scale (or its reciprocals). The weights are the principal eigenvector of the
completed reciprocal matrix, normalised to sum to 1; the consistency ratio compares the
matrix's inconsistency with that of random matrices of the same size.

Conventions (tested against the Wikipedia leader example and Saaty 2008's drinks example):
  - only one triangle need be typed; a blank judgement is the reciprocal of its mirror;
  - where both a_ij and a_ji are typed and are not reciprocal (beyond typing 0.33 for 1/3),
    the upper-right one (row before column in the criteria order) is used and a note says so;
  - a pair blank on both sides cannot be guessed: `AhpError`;
  - CI = (λmax - n)/(n - 1); CR = CI/RI with Saaty's random index for n <= 10, Alonso and
    Lamata's fit (RI = (1.7699 n - 4.3513)/(n - 1)) beyond; CR = 0 for n <= 2;
  - CR above 0.10 is inconsistent; the judgement most at odds with the weights is the pair
    with the largest |ln(a_ij * w_j / w_i)|, and w_i / w_j is the value that would agree.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

# Saaty (1980) random consistency index by matrix size, as printed e.g. at
# https://iwaponline.com/view-large/3120630 (also published_cases.json, random_index_tables).
RANDOM_INDEX: dict[int, float] = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49}
CR_LIMIT = 0.10
SAATY_MIN, SAATY_MAX = 1.0 / 9.0, 9.0
# |ln(a_ij * a_ji)| above this is "not reciprocal": 0.33 typed for 1/3 (1%) or 0.14 for 1/7
# (2%) are fine; 0.3 for 1/3 (10%) is a different judgement.
RECIPROCAL_TOLERANCE = 0.03


class AhpError(ValueError):
    """The matrix cannot give weights at all (not square, a pair never judged, a bad value)."""


@dataclass(frozen=True)
class MatrixNote:
    """Something about one judgement worth telling the user; the weights are still computed."""

    code: str  # ahp-not-reciprocal, ahp-off-scale, ahp-diagonal, ahp-extrapolated-index
    row: str
    column: str
    value: float
    message: str


@dataclass(frozen=True)
class AhpResult:
    """The priority vector of a pairwise matrix and how consistent the judgements are."""

    weights: pd.Series  # criterion -> weight, summing to 1, in the matrix order
    lambda_max: float
    ci: float
    cr: float
    random_index: float
    matrix: pd.DataFrame  # the completed reciprocal matrix actually used
    worst_pair: tuple[str, str] | None  # the judgement most at odds with the rest (n >= 3)
    worst_value: float  # the typed judgement a_ij of that pair
    worst_suggested: float  # w_i / w_j: the value consistent with the weights
    notes: tuple[MatrixNote, ...] = field(default=())

    @property
    def n(self) -> int:
        return len(self.weights)

    @property
    def consistent(self) -> bool:
        """Saaty's rule: a consistency ratio up to 0.10 is acceptable."""
        return self.cr <= CR_LIMIT + 1e-12

    def as_dict(self) -> dict[str, object]:
        return {
            "lambda_max": self.lambda_max,
            "ci": self.ci,
            "cr": self.cr,
            "random_index": self.random_index,
            "consistent": self.consistent,
            "worst_pair": self.worst_pair,
            "worst_value": self.worst_value,
            "worst_suggested": self.worst_suggested,
        }


def random_index(n: int) -> float:
    """Saaty's random index for an n x n matrix; Alonso and Lamata (2006) fit above 10."""
    if n in RANDOM_INDEX:
        return RANDOM_INDEX[n]
    if n < 1:
        raise AhpError("An AHP matrix needs at least one criterion")
    return (1.7699 * n - 4.3513) / (n - 1)


def as_matrix_frame(matrix: pd.DataFrame | np.ndarray | Sequence[Sequence[object]]) -> pd.DataFrame:
    """Any square table of judgements as a float frame (NaN for blanks), named if unnamed."""
    if isinstance(matrix, pd.DataFrame):
        frame = matrix.copy()
        if list(map(str, frame.index)) != list(map(str, frame.columns)):
            raise AhpError("The AHP matrix must list the same criteria, in the same order, across and down")
        frame.index = frame.columns = [str(c) for c in frame.columns]
    else:
        rows = [list(r) if isinstance(r, (list, tuple, np.ndarray)) else [r] for r in matrix]
        names = [f"C{i + 1}" for i in range(len(rows))]
        widths = sorted({len(r) for r in rows})
        if widths != [len(rows)]:
            raise AhpError(f"The AHP matrix must be square: {len(rows)} rows but {' or '.join(map(str, widths))} columns")
        frame = pd.DataFrame(rows, index=names, columns=names, dtype=object)
    return frame.map(_number).astype(float)


def _number(value: object) -> float:
    if value is None or (isinstance(value, str) and not value.strip()):
        return math.nan
    if isinstance(value, bool):
        raise AhpError(f"Judgement {value!r} is not a number")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise AhpError(f"Judgement {value!r} is not a number") from None
    return number


def complete_matrix(matrix: pd.DataFrame) -> tuple[pd.DataFrame, list[MatrixNote]]:
    """Fill blanks with reciprocals; keep the upper judgement where both disagree."""
    names = list(matrix.index)
    values = matrix.to_numpy(dtype=float, copy=True)
    n = len(names)
    notes: list[MatrixNote] = []
    bad = np.isfinite(values) & (values <= 0)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise AhpError(f"Judgement {names[i]} vs {names[j]} is {values[i, j]:g}: judgements must be positive (1-9 or 1/9-1)")
    for i in range(n):
        if np.isfinite(values[i, i]) and not math.isclose(values[i, i], 1.0):
            notes.append(MatrixNote("ahp-diagonal", names[i], names[i], values[i, i],
                                    f"{names[i]} compared with itself must be 1, not {values[i, i]:g}; 1 is used"))
        values[i, i] = 1.0
        for j in range(i + 1, n):
            upper, lower = values[i, j], values[j, i]
            if not np.isfinite(upper) and not np.isfinite(lower):
                raise AhpError(f"No judgement for {names[i]} vs {names[j]}: fill in one of the two cells")
            if np.isfinite(upper) and np.isfinite(lower) and abs(math.log(upper * lower)) > RECIPROCAL_TOLERANCE:
                notes.append(MatrixNote(
                    "ahp-not-reciprocal", names[j], names[i], lower,
                    f"{names[j]} vs {names[i]} is {lower:g} but {names[i]} vs {names[j]} is {upper:g}; "
                    f"they should be reciprocal — {upper:g} is used (so {1 / upper:.3g} here)",
                ))
            if not np.isfinite(upper):
                upper = 1.0 / lower
            values[i, j], values[j, i] = upper, 1.0 / upper
            if not SAATY_MIN - 1e-9 <= upper <= SAATY_MAX + 1e-9:
                notes.append(MatrixNote("ahp-off-scale", names[i], names[j], upper,
                                        f"{names[i]} vs {names[j]} is {upper:g}, outside Saaty's 1/9-9 scale; it is used as typed"))
    return pd.DataFrame(values, index=names, columns=names), notes


def principal_eigen(values: np.ndarray) -> tuple[float, np.ndarray]:
    """λmax and its eigenvector, positive and summing to 1 (Perron vector of a positive matrix)."""
    eigenvalues, eigenvectors = np.linalg.eig(values)
    k = int(np.argmax(eigenvalues.real))
    vector = np.abs(eigenvectors[:, k].real)
    return float(eigenvalues[k].real), vector / vector.sum()


def ahp_weights(matrix: pd.DataFrame | np.ndarray | Sequence[Sequence[object]]) -> AhpResult:
    """Weights, λmax, CI and CR of a pairwise comparison matrix (one triangle may be blank).

    Raises `AhpError` (a ValueError) when no weights can be derived; softer problems are in
    `AhpResult.notes`.
    """
    frame = as_matrix_frame(matrix)
    n = len(frame)
    if n == 0:
        raise AhpError("The AHP matrix is empty")
    completed, notes = complete_matrix(frame)
    values = completed.to_numpy()
    lam, w = principal_eigen(values)
    # For a positive reciprocal matrix λmax >= n; a hair below n is rounding noise.
    ci = max(0.0, (lam - n) / (n - 1)) if n > 1 else 0.0
    ri = random_index(n)
    cr = ci / ri if n > 2 else 0.0
    if n > max(RANDOM_INDEX):
        notes.append(MatrixNote("ahp-extrapolated-index", "", "", float(n),
                                f"Saaty's random index stops at 10 criteria; for {n} the Alonso-Lamata fit ({ri:.3f}) is used"))
    worst_pair, worst_value, suggested = None, math.nan, math.nan
    if n > 2:
        # How far each judgement is from the ratio of the weights it produced, in log terms.
        deviation = np.abs(np.log(values * w[np.newaxis, :] / w[:, np.newaxis]))
        upper = np.triu(deviation, k=1)
        i, j = np.unravel_index(int(np.argmax(upper)), upper.shape)
        names = list(completed.index)
        worst_pair, worst_value, suggested = (names[i], names[j]), float(values[i, j]), float(w[i] / w[j])
    return AhpResult(
        weights=pd.Series(w, index=list(completed.index), name="weight"),
        lambda_max=lam,
        ci=ci,
        cr=cr,
        random_index=ri,
        matrix=completed,
        worst_pair=worst_pair,
        worst_value=worst_value,
        worst_suggested=suggested,
        notes=tuple(notes),
    )


def inconsistency_message(result: AhpResult) -> str:
    """One sentence for the user when CR is above 0.10: what to revisit and towards what."""
    text = f"AHP consistency ratio is {result.cr:.3f}, above {CR_LIMIT:.2f}: the judgements contradict each other"
    if result.worst_pair is not None:
        a, b = result.worst_pair
        text += (f"; the judgement most at odds with the rest is {a} vs {b} = {result.worst_value:.3g} "
                 f"(the other judgements imply about {result.worst_suggested:.2g}) — revisit it")
    return text
