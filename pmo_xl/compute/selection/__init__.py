"""Portfolio selection (a MILP): the best set of projects within budgets and role capacity."""

from pmo_xl.compute.selection.core import (
    SelectionNote,
    SelectionProblem,
    SelectionResult,
    efficient_frontier,
    select_portfolio,
)
from pmo_xl.compute.selection.explain import binding_limits, explain_selection
from pmo_xl.compute.selection.inputs import build_selection_problem

__all__ = [
    "SelectionNote",
    "SelectionProblem",
    "SelectionResult",
    "binding_limits",
    "build_selection_problem",
    "efficient_frontier",
    "explain_selection",
    "select_portfolio",
]
