"""Earned value and earned schedule: `compute_earned_value` and its `EarnedValueResult`.

`formulas` (one function per EVM figure) and the single-number earned-schedule functions are
part of the face: the `=PMO_...` worksheet functions apply the very same definitions to cells.
"""

from pmo_xl.compute.earned_value import formulas
from pmo_xl.compute.earned_value.core import EarnedValueResult, compute_earned_value
from pmo_xl.compute.earned_value.earned_schedule import (
    compute_earned_schedule_1d,
    independent_estimate_at_completion_t,
    schedule_performance_index_t,
    schedule_variance_t,
    to_complete_schedule_performance_index,
)
from pmo_xl.compute.earned_value.rag import RAG_COLUMNS, compute_rag

__all__ = [
    "RAG_COLUMNS",
    "EarnedValueResult",
    "compute_earned_schedule_1d",
    "compute_earned_value",
    "compute_rag",
    "formulas",
    "independent_estimate_at_completion_t",
    "schedule_performance_index_t",
    "schedule_variance_t",
    "to_complete_schedule_performance_index",
]
