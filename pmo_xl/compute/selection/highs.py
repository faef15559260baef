"""`scipy.optimize.milp` and `linprog` without their per-call checks: the same model and options to the same HiGHS.

scipy hands HiGHS its model after checking, for each option, its name, type and value afresh
(a new options manager per option: ~0.3 ms each, ~2-4 ms a call with the selection's options),
and copies an LP's column duals in a Python loop. The explanation and the frontier of a
1,000-project portfolio make ~50 calls, and those checks cost more than HiGHS' own work on them.

Here the model is prepared by the steps scipy takes (`milp`'s stacking of the constraints into
one column-wise matrix; `linprog`'s own input cleaning, `_parse_linprog`) and passed, with the
options scipy would pass, to the HiGHS scipy bundles (`scipy.optimize._highspy`), in the order
scipy passes them: HiGHS gets the very same input, so it runs the very same search and returns
the very same portfolio, duals, bound and node count (checked call by call against scipy's
own functions on the 1,000-project sample and the selection tests). An option value is checked
with scipy's own check once per process (and left out, as scipy leaves it out, when the check
fails). Where that binding is not there (another scipy release), scipy's public functions are
called instead.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from scipy.optimize import LinearConstraint

_checked: dict[tuple[str, type, object], bool] = {}


@functools.cache
def _binding() -> SimpleNamespace | None:
    """scipy's HiGHS binding and the helpers of its wrappers, or None on a scipy without them."""
    try:
        import scipy.optimize._highspy._core as core
        from scipy.optimize._highspy._highs_wrapper import check_option
        from scipy.optimize._linprog_highs import _highs_to_scipy_status_message, _replace_inf
        from scipy.optimize._linprog_util import _check_result, _LPProblem, _parse_linprog

        for name in ("HighsLp", "HighsOptions", "HighsVarType", "MatrixFormat", "HighsModelStatus", "HighsStatus",
                     "HighsDebugLevel", "ObjSense", "kHighsInf", "_Highs"):
            getattr(core, name)
        core.simplex_constants.SimplexStrategy.kSimplexStrategyDual  # noqa: B018 — present, or scipy's own path
    except (ImportError, AttributeError):
        return None
    return SimpleNamespace(core=core, check_option=check_option, to_scipy=_highs_to_scipy_status_message,
                           replace_inf=_replace_inf, check_result=_check_result, problem=_LPProblem,
                           parse=_parse_linprog)


def milp_result(c: np.ndarray, integrality: float, lb: np.ndarray, ub: np.ndarray, constraints: Sequence[LinearConstraint],
                options: dict[str, Any]) -> Any:
    """What `scipy.optimize.milp(c, integrality=, bounds=Bounds(lb, ub), constraints=, options=)`
    returns: status, message, x, fun, mip_node_count, mip_dual_bound (attributes)."""
    h = _binding()
    c = np.atleast_1d(c).astype(np.float64)
    if h is None or c.ndim != 1 or c.size == 0 or not np.all(np.isfinite(c)):
        return _scipy_milp(c, integrality, lb, ub, constraints, options)  # milp says what is wrong, if anything
    from scipy.sparse import csc_array, vstack

    kinds = np.broadcast_to(integrality, c.shape).astype(np.uint8)
    lb = np.broadcast_to(lb, c.shape).astype(np.float64)
    ub = np.broadcast_to(ub, c.shape).astype(np.float64)
    blocks = [csc_array(constraint.A) for constraint in constraints]
    lows = [np.atleast_1d(constraint.lb).astype(np.float64) for constraint in constraints]
    highs = [np.atleast_1d(constraint.ub).astype(np.float64) for constraint in constraints]
    if not blocks:
        blocks, lows, highs = [csc_array(np.empty((0, c.size)))], [np.empty(0)], [np.empty(0)]
    if len(blocks) > 1:
        matrix, row_lower, row_upper = vstack(blocks, format="csc"), np.concatenate(lows), np.concatenate(highs)
    else:
        matrix, row_lower, row_upper = blocks[0], lows[0], highs[0]
    if matrix.shape != (row_lower.size, c.size):
        return _scipy_milp(c, integrality, lb, ub, constraints, options)
    # milp's renaming: disp -> log_to_console, node_limit -> mip_max_nodes; the rest verbatim.
    rest = dict(options)
    named = {"log_to_console": rest.pop("disp", False), "mip_max_nodes": rest.pop("node_limit", None), **rest}
    found = _run(h, c, matrix, row_lower, row_upper, lb, ub, kinds, named)
    status, message = h.to_scipy(found.get("status"), found.get("message"))
    return SimpleNamespace(status=status, message=message, x=found.get("x"), fun=found.get("fun"),
                           mip_node_count=found.get("mip_node_count"), mip_dual_bound=found.get("mip_dual_bound"))


def lp_row_duals(c: np.ndarray, rows: Any, rhs: np.ndarray, lb: np.ndarray, ub: np.ndarray) -> tuple[int, np.ndarray | None]:
    """`linprog(c, A_ub=rows, b_ub=rhs, bounds=column_stack([lb, ub]), method="highs",
    options={"presolve": False})`: its status and `ineqlin.marginals`."""
    bounds = np.column_stack([lb, ub])
    h = _binding()
    if h is None:
        return _scipy_lp(c, rows, rhs, bounds)
    from scipy.sparse import csc_array, issparse, vstack

    lp, solver_options = h.parse(h.problem(c, rows, rhs, None, None, bounds, None, None), {"presolve": False}, "highs")
    tol = solver_options.get("tol", 1e-9)
    c, a_ub, b_ub, a_eq, b_eq, bounds, _, _ = lp
    lb, ub = bounds.T.copy()
    with np.errstate(invalid="ignore"):
        lhs_ub = -np.ones_like(b_ub) * np.inf
    lhs, rhs = np.concatenate((lhs_ub, b_eq)), np.concatenate((b_ub, b_eq))
    matrix = csc_array(vstack((a_ub, a_eq)) if issparse(a_ub) or issparse(a_eq) else np.vstack((a_ub, a_eq)))
    core = h.core
    options = {  # linprog's options for method "highs", presolve off (None: left at HiGHS' default)
        "presolve": False, "sense": core.ObjSense.kMinimize, "solver": None, "time_limit": None,
        "highs_debug_level": core.HighsDebugLevel.kHighsDebugLevelNone, "dual_feasibility_tolerance": None,
        "ipm_optimality_tolerance": None, "log_to_console": False, "mip_max_nodes": None, "output_flag": False,
        "primal_feasibility_tolerance": None, "simplex_dual_edge_weight_strategy": None,
        "simplex_strategy": core.simplex_constants.SimplexStrategy.kSimplexStrategyDual, "ipm_iteration_limit": None,
        "simplex_iteration_limit": None, "mip_rel_gap": None,
    }
    rhs, lhs, lb, ub = h.replace_inf(rhs), h.replace_inf(lhs), h.replace_inf(lb), h.replace_inf(ub)
    found = _run(h, c, matrix, lhs, rhs, lb, ub, np.empty(0).astype(np.uint8), options)
    marginals, slack, con = None, None, None
    if "slack" in found:
        slack, con = np.array(found["slack"][:len(b_ub)]), np.array(found["slack"][len(b_ub):])
    if "lambda" in found:
        marginals = np.array(found["lambda"][:len(b_ub)])
    status, message = h.to_scipy(found.get("status"), found.get("message"))
    status, _ = h.check_result(found.get("x"), found.get("fun"), status, slack, con, lp.bounds, tol, message, None)
    return status, marginals


def _run(h: SimpleNamespace, c: np.ndarray, matrix: Any, lhs: np.ndarray, rhs: np.ndarray, lb: np.ndarray, ub: np.ndarray,
         integrality: np.ndarray, options: dict[str, Any]) -> dict[str, Any]:
    """scipy's `_highs_wrapper`, step for step, with each option value checked once per process
    and only what the callers above read: status, message, x, fun, slack, lambda, MIP figures."""
    core = h.core
    is_mip = integrality is not None and np.sum(integrality) > 0
    found: dict[str, Any] = {"x": None, "fun": None}
    lp = core.HighsLp()
    lp.num_col_ = c.size
    lp.num_row_ = rhs.size
    lp.a_matrix_.num_col_ = c.size
    lp.a_matrix_.num_row_ = rhs.size
    lp.a_matrix_.format_ = core.MatrixFormat.kColwise
    lp.col_cost_ = c
    lp.col_lower_ = lb
    lp.col_upper_ = ub
    lp.row_lower_ = lhs
    lp.row_upper_ = rhs
    lp.a_matrix_.start_ = matrix.indptr
    lp.a_matrix_.index_ = matrix.indices
    lp.a_matrix_.value_ = matrix.data.astype(np.float64) if matrix.data.dtype != np.float64 else matrix.data
    if integrality.size > 0:
        kinds = {k: core.HighsVarType(k) for k in set(integrality.tolist())}
        lp.integrality_ = [kinds[k] for k in integrality.tolist()]
    solver = core._Highs()
    settings = core.HighsOptions()
    for key, value in options.items():
        if value is None or key == "sense":
            continue
        if key in ("presolve", "parallel") and isinstance(value, bool):
            value = "on" if value else "off"
        if _valid(h, solver, key, value):
            setattr(settings, key, value)
    error = core.HighsStatus.kError
    if solver.passOptions(settings) == error:
        return {**found, "status": solver.getModelStatus(), "message": solver.modelStatusToString(solver.getModelStatus())}
    if solver.passModel(lp) == error:  # HiGHS' status is not set then: scipy reports a model error
        status = core.HighsModelStatus.kModelError
        return {**found, "status": status, "message": solver.modelStatusToString(status)}
    if solver.run() == error:
        return {**found, "status": solver.getModelStatus(), "message": solver.modelStatusToString(solver.getModelStatus())}
    status = solver.getModelStatus()
    info = solver.getInfo()
    stopped = (core.HighsModelStatus.kTimeLimit, core.HighsModelStatus.kIterationLimit, core.HighsModelStatus.kSolutionLimit)
    mip_failed = (status not in (core.HighsModelStatus.kOptimal, *stopped)
                  or (status in stopped and info.objective_function_value == core.kHighsInf))
    if mip_failed if is_mip else status != core.HighsModelStatus.kOptimal:  # nothing to read (scipy reads nothing then)
        return {**found, "status": status,
                "message": f"model_status is {solver.modelStatusToString(status)}; "
                           f"primal_status is {solver.solutionStatusToString(info.primal_solution_status)}"}
    solution = solver.getSolution()
    found.update(status=status, message=solver.modelStatusToString(status), x=np.array(solution.col_value),
                 slack=rhs - solution.row_value, fun=info.objective_function_value)
    found["lambda"] = np.array(solution.row_dual)
    if is_mip:
        found.update(mip_node_count=info.mip_node_count, mip_dual_bound=info.mip_dual_bound, mip_gap=info.mip_gap)
    return found


def _valid(h: SimpleNamespace, solver: Any, key: str, value: object) -> bool:
    """scipy's own check of one option value, made once per process (it costs ~0.3 ms)."""
    mark = (key, type(value), value)
    if mark not in _checked:
        status, _ = h.check_option(solver, key, value)
        _checked[mark] = status == 0
    return _checked[mark]


def _scipy_milp(c: np.ndarray, integrality: float, lb: np.ndarray, ub: np.ndarray, constraints: Sequence[LinearConstraint],
                options: dict[str, Any]) -> Any:
    from scipy.optimize import Bounds, milp

    return milp(c, integrality=np.full(len(c), integrality), bounds=Bounds(lb, ub), constraints=constraints, options=options)


def _scipy_lp(c: np.ndarray, rows: Any, rhs: np.ndarray, bounds: np.ndarray) -> tuple[int, np.ndarray | None]:
    from scipy.optimize import linprog

    with np.errstate(all="ignore"):
        lp = linprog(c, A_ub=rows, b_ub=rhs, bounds=bounds, method="highs", options={"presolve": False})
    return lp.status, (None if lp.ineqlin is None else lp.ineqlin.marginals)
