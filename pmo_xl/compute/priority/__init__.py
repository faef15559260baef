"""Prioritisation: `compute_priorities` and its `PriorityResult`; AHP and weighted scores."""

from pmo_xl.compute.priority.ahp import AhpError, AhpResult, ahp_weights
from pmo_xl.compute.priority.core import PriorityResult, compute_priorities, resolve_weights
from pmo_xl.compute.priority.scoring import LOWER_IS_BETTER, weighted_scores

__all__ = [
    "LOWER_IS_BETTER",
    "AhpError",
    "AhpResult",
    "PriorityResult",
    "ahp_weights",
    "compute_priorities",
    "resolve_weights",
    "weighted_scores",
]
