"""Prioritisation: criteria weights (typed or AHP), weighted scores, ranking and portfolio selection.

`compute_priorities(portfolio)` is the one entry point the report, the macros and the CLI use;
the pure pieces are `weighted_scores` (priority_scoring), `ahp_weights` (ahp),
`select_portfolio` and `efficient_frontier` (selection). The rules on weights:
  - typed weights are normalised to sum to 1 (they need not add up to 100);
  - with "Criteria weights from" = AHP, the eigenvector weights of the Settings AHP matrix
    replace them. If the matrix is missing, cannot give weights, or does not cover every
    criterion, the typed weights are used and an issue says why. An inconsistent matrix
    (CR > 0.10) is still used, with a warning naming the judgement to revisit.

Issues: the validation stage (pmo_xl/checks) already reports, at their cells, wrong scales,
all-zero weights, missing or unknown score columns, out-of-scale scores, unknown dependencies
and the AHP matrix's own problems; this stage reports only what computing reveals —
missing-score, ahp-inconsistent, ahp-unusable, and the selection's notes — so the report never
lists one problem twice. It still copes with the raw problems on its own (bad criteria are
left out, out-of-scale scores clipped) so it is safe to call without validation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pmo_xl.compute.priority.ahp import AhpError, AhpResult, ahp_weights, inconsistency_message
from pmo_xl.compute.priority.scoring import (
    CONTRIB_PREFIX,
    criterion_frame,
    rank_projects,
    turned_scores,
    weighted_scores,
)
from pmo_xl.compute.priority.selection import run_selection
from pmo_xl.compute.selection.core import SelectionResult, efficient_frontier, select_portfolio
from pmo_xl.compute.selection.inputs import CANDIDATE_STATUSES
from pmo_xl.issues import Issue, Severity, Stage
from pmo_xl.model import ROW, SCORE_PREFIX, Portfolio
from pmo_xl.schema.columns import normalise_header
from pmo_xl.schema.settings import SelectionObjective, WeightSource

__all__ = [
    "PriorityResult",
    "ahp_weights",
    "compute_priorities",
    "efficient_frontier",
    "resolve_weights",
    "select_portfolio",
    "weighted_scores",
]

STAGE = Stage.PRIORITY
SOURCE_TYPED, SOURCE_AHP = WeightSource.TYPED, WeightSource.AHP


@dataclass
class PriorityResult:
    """Everything the Priorities sheet and the selection charts show."""

    weights: pd.DataFrame  # criterion, weight (normalised, used), typed_weight, ahp_weight, direction, scale_min, scale_max, source
    ahp: AhpResult | None  # λmax, CI, CR, consistent, worst pair — None without a usable matrix
    scores: pd.DataFrame  # project_id, name, status, bac, score, score_pct, coverage, missing, rank, rank_note, contrib:<criterion>
    selection: pd.DataFrame  # project_id, name, status, bac, score, rank, value, selected, reason_code, reason, blocked_by, marginal_budget, value_loss, marginal_method
    frontier: pd.DataFrame  # budget, value, cost, n_selected, optimal, gap, current
    binding: pd.DataFrame  # label, kind, year, role, month, limit, used, slack, blocks, binding
    objective: str = SelectionObjective.SCORE
    total_budget: float = 0.0
    budget_source: str = ""
    value: float = 0.0  # total objective value of the selected portfolio
    cost: float = 0.0  # total BAC of the selected portfolio
    optimal: bool = True  # proven the best portfolio (False only when the solver stopped at its work limit)
    gap: float = 0.0  # at most this share below the best possible portfolio
    capacity_checked: bool = False  # role capacity per month limited the selection
    solved: SelectionResult | None = field(default=None, repr=False, compare=False)  # the solve, for the scenarios to reuse


def resolve_weights(portfolio: Portfolio) -> tuple[pd.DataFrame, AhpResult | None, list[Issue]]:
    """The criteria with the weights to use, the AHP result (if a matrix gives one) and issues."""
    settings = portfolio.settings
    issues: list[Issue] = []
    criteria = _valid_criteria(settings.criteria, issues)
    typed = criterion_frame(criteria)["weight"] if len(criteria) else pd.Series(dtype=float)
    ahp, ahp_problem = _ahp(settings.ahp, list(criteria["criterion"]))
    use_ahp = settings.weights_from == SOURCE_AHP
    weights = typed
    source = SOURCE_TYPED
    if use_ahp:
        if ahp is None:
            issues.append(_settings_issue("ahp-unusable", Severity.WARNING, "Criteria weights from", settings.weights_from,
                                          f"Criteria weights are set to come from AHP, but {ahp_problem}; the typed weights are used"))
        else:
            weights, source = ahp.weights, SOURCE_AHP
            # The matrix's cell-level problems (not reciprocal, off scale, diagonal) are reported
            # by validation at their cells; only what the computation adds is said here.
            for note in ahp.notes:
                if note.code == "ahp-extrapolated-index":
                    issues.append(_settings_issue(note.code, Severity.INFO, "AHP", note.value, note.message))
            if not ahp.consistent:
                issues.append(_settings_issue("ahp-inconsistent", Severity.WARNING, "AHP", round(ahp.cr, 4), inconsistency_message(ahp)))
    lookup = {normalise_header(k): v for k, v in weights.items()}
    ahp_lookup = {normalise_header(k): v for k, v in ahp.weights.items()} if ahp is not None else {}
    table = pd.DataFrame({
        "criterion": criteria["criterion"].astype(str).to_numpy(),
        "weight": [lookup.get(normalise_header(c), np.nan) for c in criteria["criterion"]],
        "typed_weight": typed.to_numpy(),
        "ahp_weight": [ahp_lookup.get(normalise_header(c), np.nan) for c in criteria["criterion"]],
        "direction": criteria["direction"].to_numpy(),
        "scale_min": criteria["scale_min"].astype(float).to_numpy(),
        "scale_max": criteria["scale_max"].astype(float).to_numpy(),
        "source": source,
    })
    return table, ahp, issues


def _valid_criteria(criteria: pd.DataFrame, issues: list[Issue]) -> pd.DataFrame:
    """Criteria rows that can score: a name, a scale with min below max."""
    if criteria is None or not len(criteria) or "criterion" not in criteria:
        issues.append(_settings_issue("no-criteria", Severity.WARNING, "Criterion", None,
                                      "No prioritisation criteria in Settings: projects cannot be scored or selected on value"))
        return pd.DataFrame(columns=["criterion", "weight", "direction", "scale_min", "scale_max", ROW])
    # A scale with min not below max is reported by validation (scale-invalid); it cannot score.
    return criteria[criteria["scale_min"] < criteria["scale_max"]].reset_index(drop=True)


def _ahp(matrix: pd.DataFrame | None, criteria: list[str]) -> tuple[AhpResult | None, str]:
    """AHP over the criteria of Settings; (None, why) when it cannot cover them."""
    if matrix is None or not len(matrix):
        return None, "there is no AHP matrix in Settings"
    names = {normalise_header(c): c for c in matrix.index}
    absent = [c for c in criteria if normalise_header(c) not in names]
    if absent:
        return None, f"the AHP matrix has no row and column for {', '.join(absent)}"
    keep = [names[normalise_header(c)] for c in criteria]
    try:
        return ahp_weights(matrix.loc[keep, keep]), ""
    except AhpError as error:
        return None, f"the AHP matrix cannot give weights ({error})"


def compute_priorities(
    portfolio: Portfolio,
    commit_active: bool = True,
    frontier_levels: int = 20,
    demand: pd.DataFrame | None = None,
    capacity: pd.DataFrame | None = None,
) -> tuple[PriorityResult, list[Issue]]:
    """Weights, scores, ranks, the optimal portfolio, its frontier and the reasons, with issues.

    `demand` (project_id, role, month, hours) and `capacity` (role, month, hours) default to
    the resource-loading engine's monthly role figures.
    """
    weights, ahp, issues = resolve_weights(portfolio)
    projects = portfolio.projects.drop_duplicates("project_id").reset_index(drop=True)
    scores, score_issues = _score_projects(projects, weights)
    issues += score_issues
    selection = run_selection(portfolio, scores, commit_active, frontier_levels, demand, capacity)
    issues += selection.issues
    result = PriorityResult(
        weights=weights, ahp=ahp, scores=scores, selection=selection.table, frontier=selection.frontier,
        binding=selection.binding, objective=portfolio.settings.selection_objective, total_budget=selection.total_budget,
        budget_source=selection.budget_source, value=selection.value, cost=selection.cost, optimal=selection.optimal,
        gap=selection.gap, capacity_checked=selection.capacity_checked, solved=selection.solved,
    )
    return result, issues


def _score_projects(projects: pd.DataFrame, weights: pd.DataFrame) -> tuple[pd.DataFrame, list[Issue]]:
    """The scores table for every project, ranks for the candidates, and missing-score issues.

    A criterion without a `Score:` column scores nobody (validation reports the column); a
    blank score of a candidate project is a `missing-score` issue at its cell.
    """
    issues: list[Issue] = []
    columns = {normalise_header(c[len(SCORE_PREFIX):]): c for c in projects.columns if c.startswith(SCORE_PREFIX)}
    raw = pd.DataFrame(index=projects.index)
    for c in weights["criterion"]:
        column = columns.get(normalise_header(c))
        raw[c] = projects[column].astype(float) if column else np.nan
    table = weighted_scores(raw, weights)
    candidate = projects["status"].isin(CANDIDATE_STATUSES).to_numpy()
    for c in weights["criterion"]:
        if normalise_header(c) not in columns:
            continue
        for k in np.flatnonzero(candidate & raw[c].isna().to_numpy()):
            issues.append(Issue(code="missing-score", severity=Severity.WARNING, sheet="Projects", row=int(projects.at[k, ROW]), column=None, field=f"Score: {c}", value=None,
                                message=f"{projects.at[k, 'project_id']} has no score for {c}: its priority is computed over the criteria "
                                f"that are scored ({table.at[k, 'coverage']:.0%} of the weight)", stage=STAGE))
    turned = turned_scores(raw, criterion_frame(weights))
    ranked = pd.DataFrame({"rank": np.nan, "rank_note": ""}, index=projects.index)
    cand = projects.index[candidate]
    if len(cand):
        ranked.loc[cand] = rank_projects(projects.loc[cand, "project_id"], table.loc[cand, "score"], turned.loc[cand],
                                         weights.set_index("criterion")["weight"].fillna(0.0), projects.loc[cand, "bac"])
    ranked.loc[~candidate, "rank_note"] = "not ranked: " + projects.loc[~candidate, "status"].fillna("no status").str.lower()
    contributions = [c for c in table.columns if c.startswith(CONTRIB_PREFIX)]
    out = pd.concat([projects[["project_id", "name", "status", "bac"]], table[["score", "score_pct", "coverage", "missing"]],
                     ranked, table[contributions]], axis=1)
    out["rank"] = out["rank"].astype(float)
    return out, issues


def _settings_issue(code: str, severity: Severity, field_name: str, value: object, message: str) -> Issue:
    """An issue about the Settings sheet as a whole (its small tables carry no cell position here)."""
    return Issue(code=code, severity=severity, sheet="Settings", row=None, column=None, field=field_name, value=value, message=message, stage=STAGE)
