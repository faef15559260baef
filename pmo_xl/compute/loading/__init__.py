"""Resource capacity and loading: `compute_loading` and its `LoadingResult`."""

from pmo_xl.compute.loading.core import (
    ON_REQUEST,
    LoadingResult,
    compute_loading,
    monthly_role_capacity,
    monthly_role_demand,
)

__all__ = ["ON_REQUEST", "LoadingResult", "compute_loading", "monthly_role_capacity", "monthly_role_demand"]
