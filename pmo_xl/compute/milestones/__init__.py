"""Milestone status at the status date: `compute_milestones` and its `MilestoneResult`."""

from pmo_xl.compute.milestones.core import MilestoneResult, compute_milestones

__all__ = ["MilestoneResult", "compute_milestones"]
