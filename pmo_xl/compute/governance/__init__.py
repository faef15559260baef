"""The registers beside the plan, computed for the report: RAID, change control, benefits,
strategic alignment and lessons learned (`compute_governance` and its `GovernanceResult`)."""

from pmo_xl.compute.governance.core import GovernanceResult, compute_governance
from pmo_xl.compute.governance.lessons import lessons_for

__all__ = ["GovernanceResult", "compute_governance", "lessons_for"]
