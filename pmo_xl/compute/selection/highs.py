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
as scipy's own check does, once per process (and left out, as scipy leaves it out, when the
check fails). Where that binding is not there (another scipy release), scipy's public functions
are called instead.

scipy.optimize itself is not imported: its package `__init__` imports every optimiser with
linalg, fft, special and spatial (~0.4 s of CPU, a tenth of a 40-project report), and any of its
modules runs that `__init__` first. HiGHS needs none of it: the two compiled modules of the
binding (`_core`, `_highs_options`) are loaded from their files (`_extension`), and the few
steps of scipy's wrappers this module takes are written out below, each naming the scipy
function it follows. A process that imports scipy.optimize afterwards shares the same modules.
"""

from __future__ import annotations

import functools
import importlib.machinery
import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import numpy as np

_checked: dict[tuple[str, type, object], bool] = {}


class LinearConstraint:
    """`lb <= A @ x <= ub`: what `scipy.optimize.LinearConstraint` holds (A as float64 unless
    sparse, lb and ub as float64 broadcast to A's rows), without importing scipy.optimize."""

    def __init__(self, A: Any, lb: Any = -np.inf, ub: Any = np.inf) -> None:  # noqa: N803 — scipy's name
        from scipy.sparse import issparse

        self.A = A if issparse(A) else np.atleast_2d(A).astype(np.float64)
        if self.A.ndim != 2:
            raise ValueError("`A` must have exactly two dimensions.")
        self.lb = np.broadcast_to(np.atleast_1d(lb).astype(np.float64), self.A.shape[0:1])
        self.ub = np.broadcast_to(np.atleast_1d(ub).astype(np.float64), self.A.shape[0:1])


def _extension(name: str) -> ModuleType:
    """scipy's compiled module `scipy.optimize._highspy.<name>`, loaded from its file without
    running scipy.optimize's `__init__`, and registered under its own name (so that a later
    `import scipy.optimize` uses this very module rather than loading it again)."""
    full = f"scipy.optimize._highspy.{name}"
    if full in sys.modules:
        return sys.modules[full]
    import scipy

    folder = Path(scipy.__file__).parent / "optimize" / "_highspy"
    path = next((folder / f"{name}{suffix}" for suffix in importlib.machinery.EXTENSION_SUFFIXES
                 if (folder / f"{name}{suffix}").is_file()), None)
    if path is None:
        raise ImportError(f"no {full} in this scipy")
    loader = importlib.machinery.ExtensionFileLoader(full, str(path))
    spec = importlib.util.spec_from_loader(full, loader, origin=str(path))
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    sys.modules[full] = module
    return module


@functools.cache
def _binding() -> SimpleNamespace | None:
    """scipy's HiGHS binding (its compiled modules), or None on a scipy without them."""
    try:
        core = _extension("_core")
        options = _extension("_highs_options")
        for name in ("HighsLp", "HighsOptions", "HighsVarType", "MatrixFormat", "HighsModelStatus", "HighsStatus",
                     "HighsDebugLevel", "HighsOptionType", "ObjSense", "kHighsInf", "_Highs"):
            getattr(core, name)
        core.simplex_constants.SimplexStrategy.kSimplexStrategyDual  # noqa: B018 — present, or scipy's own path
        options.HighsOptionsManager  # noqa: B018
    except (ImportError, AttributeError, OSError):
        return None
    return SimpleNamespace(core=core, options=options)


def load() -> None:
    """Load HiGHS now rather than at the first solve (see `solver.load_solver`)."""
    import scipy.sparse  # noqa: F401 — every solve stacks its constraints with it

    _binding()


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
    status, message = _scipy_status(h, found.get("status"), found.get("message"))
    return SimpleNamespace(status=status, message=message, x=found.get("x"), fun=found.get("fun"),
                           mip_node_count=found.get("mip_node_count"), mip_dual_bound=found.get("mip_dual_bound"))


def lp_row_duals(c: np.ndarray, rows: Any, rhs: np.ndarray, lb: np.ndarray, ub: np.ndarray) -> tuple[int, np.ndarray | None]:
    """`linprog(c, A_ub=rows, b_ub=rhs, bounds=column_stack([lb, ub]), method="highs",
    options={"presolve": False})`: its status and `ineqlin.marginals`."""
    bounds = np.column_stack([lb, ub])
    h = _binding()
    lp = _linprog_inputs(c, rows, rhs, bounds) if h is not None else None
    if lp is None:
        return _scipy_lp(c, rows, rhs, bounds)  # linprog says what is wrong, if anything
    from scipy.sparse import csc_array, issparse, vstack

    tol = 1e-9  # linprog's default `tol` (no option given)
    c, a_ub, b_ub, a_eq, b_eq, bounds = lp
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
    inf = core.kHighsInf
    rhs, lhs, lb, ub = _replace_inf(rhs, inf), _replace_inf(lhs, inf), _replace_inf(lb, inf), _replace_inf(ub, inf)
    found = _run(h, c, matrix, lhs, rhs, lb, ub, np.empty(0).astype(np.uint8), options)
    marginals, slack, con = None, None, None
    if "slack" in found:
        slack, con = np.array(found["slack"][:len(b_ub)]), np.array(found["slack"][len(b_ub):])
    if "lambda" in found:
        marginals = np.array(found["lambda"][:len(b_ub)])
    status, _ = _scipy_status(h, found.get("status"), found.get("message"))
    return _checked_lp_status(found.get("x"), found.get("fun"), status, slack, con, bounds, tol), marginals


def _linprog_inputs(c: Any, rows: Any, rhs: Any, bounds: np.ndarray) -> tuple[np.ndarray, ...] | None:
    """linprog's cleaned inputs (`_clean_inputs` of scipy.optimize._linprog_util, for inequality
    rows and bounds only): c, A_ub, b_ub, A_eq, b_eq, bounds; None where linprog would refuse them."""
    from scipy.sparse import coo_array, issparse

    c = np.array(c, dtype=np.float64, copy=True).squeeze()
    c = c.reshape(-1) if c.size == 1 else c
    if c.ndim != 1 or c.size == 0 or not np.isfinite(c).all():
        return None
    n = c.size
    if issparse(rows):  # a sparse A_ub: both matrices become COO, as linprog makes them
        a_ub, a_eq = coo_array(rows, dtype=float, copy=True), coo_array((0, n), dtype=float, copy=True)
        finite = np.isfinite(a_ub.data).all()
    else:
        a_ub, a_eq = np.array(rows, dtype=float, copy=True), np.zeros((0, n), dtype=float)
        finite = np.isfinite(a_ub).all()
    b_ub = np.array(rhs, dtype=float, copy=True).squeeze()
    b_ub = b_ub.reshape(-1) if b_ub.size == 1 else b_ub
    if a_ub.ndim != 2 or a_ub.shape[1] != n or not finite or b_ub.shape != (a_ub.shape[0],) or not np.isfinite(b_ub).all():
        return None
    bounds = np.atleast_2d(np.array(bounds, dtype=float))
    if bounds.shape != (n, 2):
        return None
    bounds[np.isnan(bounds[:, 0]), 0] = -np.inf
    bounds[np.isnan(bounds[:, 1]), 1] = np.inf
    return c, a_ub, b_ub, a_eq, np.array([], dtype=float), bounds


def _replace_inf(x: np.ndarray, highs_inf: float) -> np.ndarray:
    """scipy.optimize._linprog_highs._replace_inf: ±inf as HiGHS' infinity (in place)."""
    infs = np.isinf(x)
    with np.errstate(invalid="ignore"):
        x[infs] = np.sign(x[infs]) * highs_inf
    return x


def _scipy_status(h: SimpleNamespace, highs_status: Any, highs_message: Any) -> tuple[int, str]:
    """scipy.optimize._linprog_highs._highs_to_scipy_status_message: HiGHS' model status as
    scipy's status number and message."""
    model = h.core.HighsModelStatus
    statuses = {
        None: (4, "HiGHS did not provide a status code. "),
        model.kNotset: (4, ""),
        model.kLoadError: (4, ""),
        model.kModelError: (2, ""),
        model.kPresolveError: (4, ""),
        model.kSolveError: (4, ""),
        model.kPostsolveError: (4, ""),
        model.kModelEmpty: (4, ""),
        model.kObjectiveBound: (4, ""),
        model.kObjectiveTarget: (4, ""),
        model.kOptimal: (0, "Optimization terminated successfully. "),
        model.kTimeLimit: (1, "Time limit reached. "),
        model.kIterationLimit: (1, "Iteration limit reached. "),
        model.kInfeasible: (2, "The problem is infeasible. "),
        model.kUnbounded: (3, "The problem is unbounded. "),
        model.kUnboundedOrInfeasible: (4, "The problem is unbounded or infeasible. "),
    }
    status, message = statuses.get(highs_status, (4, "The HiGHS status code was not recognized. "))
    number = int(highs_status) if highs_status is not None else None
    return status, f"{message}(HiGHS Status {number}: {highs_message})"


def _checked_lp_status(x: np.ndarray | None, fun: float | None, status: int, slack: np.ndarray | None,
                       con: np.ndarray | None, bounds: np.ndarray, tol: float) -> int:
    """scipy.optimize._linprog_util._check_result for an LP: the status, made 4 where HiGHS calls
    a solution optimal that breaks a bound or row beyond the tolerance, or infeasible while it
    satisfies them all."""
    tol = np.sqrt(tol) * 10
    if x is None:
        return 4 if status == 0 else status
    if np.isnan(x).any() or np.isnan(fun) or np.isnan(slack).any() or np.isnan(con).any():
        feasible = False
    else:
        within_bounds = bool(np.all((x >= bounds[:, 0] - tol) & (x <= bounds[:, 1] + tol)))
        slack_broken = status != 3 and (slack < -tol).any()
        con_broken = status != 3 and (np.abs(con) > tol).any()
        feasible = within_bounds and not slack_broken and not con_broken
    if (status == 0 and not feasible) or (status == 2 and feasible):
        return 4
    return status


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
    """scipy's own check of one option value (`_highs_wrapper.check_option`), made once per
    process (it costs ~0.3 ms): a known option whose value HiGHS' options manager accepts."""
    mark = (key, type(value), value)
    if mark not in _checked:
        _checked[mark] = _check_option(h, solver, key, value)
    return _checked[mark]


def _check_option(h: SimpleNamespace, solver: Any, key: str, value: object) -> bool:
    """scipy.optimize._highspy._highs_wrapper.check_option: True where it returns status 0."""
    core = h.core
    status, kind = solver.getOptionType(key)
    manager = h.options.HighsOptionsManager()
    if status != core.HighsStatus.kOk:
        return False
    checks = {core.HighsOptionType.kString: manager.check_string_option,
              core.HighsOptionType.kDouble: manager.check_double_option,
              core.HighsOptionType.kInt: manager.check_int_option}
    if kind in checks and not checks[kind](key, value):
        return False
    if kind not in (*checks, core.HighsOptionType.kBool):
        return False  # an option type scipy does not know
    status, _ = solver.getOptionValue(key)
    return status == core.HighsStatus.kOk


def _scipy_milp(c: np.ndarray, integrality: float, lb: np.ndarray, ub: np.ndarray, constraints: Sequence[LinearConstraint],
                options: dict[str, Any]) -> Any:
    from scipy.optimize import Bounds, milp
    from scipy.optimize import LinearConstraint as ScipyConstraint

    constraints = [ScipyConstraint(constraint.A, constraint.lb, constraint.ub) for constraint in constraints]
    return milp(c, integrality=np.full(len(c), integrality), bounds=Bounds(lb, ub), constraints=constraints, options=options)


def _scipy_lp(c: np.ndarray, rows: Any, rhs: np.ndarray, bounds: np.ndarray) -> tuple[int, np.ndarray | None]:
    from scipy.optimize import linprog

    with np.errstate(all="ignore"):
        lp = linprog(c, A_ub=rows, b_ub=rhs, bounds=bounds, method="highs", options={"presolve": False})
    return lp.status, (None if lp.ineqlin is None else lp.ineqlin.marginals)
