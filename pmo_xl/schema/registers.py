"""The registers of the standard PMO workbook, declared once.

Adding a column is a change here and nowhere else: the templates, the reader, the checks and
`workbooks/CONTRACT.md` all follow (a test proves the committed files are up to date).
"""

from __future__ import annotations

from pmo_xl.schema.choices import (
    ACTIVE_STATUSES,
    ALLOCATION_STATES,
    EV_TECHNIQUES,
    FORCE,
    PHASES,
    PROFILES,
    PROJECT_STATUSES,
    RAG,
    RISK_CATEGORIES,
    RISK_RESPONSES,
    RISK_STATUSES,
)
from pmo_xl.schema.columns import Column, Kind, Register
from pmo_xl.schema.governance import GOVERNANCE_REGISTERS
from pmo_xl.schema.history import HISTORY_REGISTERS

C = Column  # the declarations below read as a table

PROJECTS = Register(
    name="Projects",
    table="tblProjects",
    meaning="One row per project in the portfolio: identity, ownership, status, plan and budget.",
    key=("project_id",),
    columns=(
        C("project_id", "Project ID", Kind.ID, "Unique project identifier, e.g. PRJ-001.", True, width=12, example="PRJ-001"),
        C("name", "Project name", Kind.TEXT, "Short name of the project.", True, width=30, example="CRM replacement"),
        C("programme", "Programme", Kind.TEXT, "Programme or portfolio the project belongs to.", width=18, example="Digital"),
        C("business_unit", "Business unit", Kind.TEXT, "Business unit that owns the benefits.", width=16, example="Sales"),
        C("sponsor", "Sponsor", Kind.TEXT, "Accountable executive.", width=16),
        C("manager", "Project manager", Kind.TEXT, "Project manager who reports progress.", width=18),
        C("category", "Category", Kind.TEXT, "Free category, e.g. Regulatory, Run, Grow, Transform.", width=13),
        C("status", "Status", Kind.CHOICE, "Lifecycle status.", True, PROJECT_STATUSES, width=11, example="Active"),
        C("phase", "Phase", Kind.CHOICE, "Lifecycle phase or gate.", False, PHASES, width=11, example="Execution"),
        C("start", "Planned start", Kind.DATE, "Planned (baseline) start date.", True, width=12),
        C("finish", "Planned finish", Kind.DATE, "Planned (baseline) finish date.", True, width=12),
        C("bac", "Budget (BAC)", Kind.MONEY, "Budget at completion: the approved total budget.", True, minimum=0, width=14, aliases=("BAC", "Budget")),
        C("ev_technique", "EV technique", Kind.CHOICE, "How earned value is measured; blank means % complete.", False, EV_TECHNIQUES, width=12),
        C("force", "Force in/out", Kind.CHOICE, "Portfolio selection override: Force in (must do) or Force out.", False, FORCE, width=11),
        C("depends_on", "Depends on", Kind.TEXT, "IDs of projects this one needs, separated by commas.", width=14),
        C("exclusive_group", "Exclusive group", Kind.TEXT, "Projects sharing a group name are alternatives: at most one is selected.", width=13),
        C("rag", "PM RAG", Kind.CHOICE, "Overall RAG as reported by the project manager.", False, RAG, width=8),
    ),
    family_prefix="Score: ",
    family_kind=Kind.NUMBER,
    family_meaning=(
        "One column per prioritisation criterion of Settings, headed `Score: <criterion>`, "
        "holding the project's score on that criterion's scale."
    ),
)

RESOURCES = Register(
    name="Resources",
    table="tblResources",
    meaning="One row per person (or generic resource): role, team, capacity and availability.",
    key=("resource_id",),
    columns=(
        C("resource_id", "Resource ID", Kind.ID, "Unique resource identifier, e.g. RES-0001.", True, width=12, example="RES-0001"),
        C("name", "Name", Kind.TEXT, "Person's name.", True, width=22),
        C("role", "Role", Kind.TEXT, "Primary role; role demand is matched against this.", True, width=18, example="Business analyst"),
        C("team", "Team", Kind.TEXT, "Team or department.", width=16),
        C("fte", "FTE", Kind.NUMBER, "Share of a full-time week worked (1 = full time); blank means 1.", minimum=0, maximum=1.5, width=7, example=1),
        C("hours_per_week", "Hours per week", Kind.HOURS, "Contracted hours per week; overrides FTE × standard week when given.", minimum=0, maximum=80, width=9),
        C("non_project", "Non-project time", Kind.PERCENT, "Share of capacity kept for non-project work (0-1).", minimum=0, maximum=1, width=10),
        C("available_from", "Available from", Kind.DATE, "First day the resource can work on projects; blank means always.", width=12),
        C("available_to", "Available to", Kind.DATE, "Last day the resource can work on projects; blank means open-ended.", width=12),
        C("calendar", "Calendar", Kind.TEXT, "Holiday calendar (from Settings holidays); blank means the default.", width=11),
        C("cost_rate", "Cost rate (per hour)", Kind.MONEY, "Internal cost per hour.", minimum=0, width=11),
    ),
)

ALLOCATIONS = Register(
    name="Allocations",
    table="tblAllocations",
    meaning=(
        "Demand: effort of a named resource or of a role on a project between two dates. "
        "Give the effort either as total hours or as FTE."
    ),
    key=("project_id", "resource_id", "role", "start", "finish"),
    columns=(
        C("project_id", "Project ID", Kind.ID, "Project the effort is for.", True, width=12),
        C("resource_id", "Resource ID", Kind.ID, "Named resource; leave blank for a generic role demand.", width=12),
        C("role", "Role", Kind.TEXT, "Role needed when no resource is named (also informative otherwise).", width=18),
        C("start", "Start", Kind.DATE, "First day of the allocation.", True, width=12),
        C("finish", "Finish", Kind.DATE, "Last day of the allocation (inclusive).", True, width=12),
        C("effort_hours", "Effort (hours)", Kind.HOURS, "Total hours over the allocation.", minimum=0, width=10),
        C("fte", "FTE", Kind.NUMBER, "Share of the resource's capacity, when no hours are given (1 = full time).", minimum=0, maximum=5, width=7),
        C("profile", "Profile", Kind.CHOICE, "How the effort is spread over the working days (Microsoft Project work contours); blank means Flat.", False, PROFILES, width=12),
        C("state", "State", Kind.CHOICE, "Draft, Proposed or Committed.", True, ALLOCATION_STATES, width=11, example="Committed"),
        C("actual_hours", "Actual hours", Kind.HOURS, "Hours already worked up to the status date, if known.", minimum=0, width=10),
    ),
)

PROGRESS = Register(
    name="Progress",
    table="tblProgress",
    meaning="One row per project and reporting month: cumulative earned-value figures, RAG and commentary.",
    key=("project_id", "period"),
    columns=(
        C("project_id", "Project ID", Kind.ID, "Project reported on.", True, width=12),
        C("period", "Period", Kind.MONTH, "Reporting month (any date in the month, or YYYY-MM).", True, width=9),
        C("pv", "PV (cumulative)", Kind.MONEY, "Planned value to date (BCWS), cumulative.", True, minimum=0, width=14, aliases=("PV", "BCWS")),
        C("ev", "EV (cumulative)", Kind.MONEY, "Earned value to date (BCWP), cumulative; blank means % complete × BAC.", minimum=0, width=14, aliases=("EV", "BCWP")),
        C("pct_complete", "% complete", Kind.PERCENT, "Physical % complete (0-1) when EV is not given.", minimum=0, maximum=1, width=10),
        C("ac", "AC (cumulative)", Kind.MONEY, "Actual cost to date (ACWP), cumulative.", True, minimum=0, width=14, aliases=("AC", "ACWP")),
        C("etc", "ETC (bottom-up)", Kind.MONEY, "Bottom-up estimate to complete, if re-estimated.", minimum=0, width=14),
        C("rag_scope", "RAG scope", Kind.CHOICE, "PM's scope RAG.", False, RAG, width=8),
        C("rag_schedule", "RAG schedule", Kind.CHOICE, "PM's schedule RAG.", False, RAG, width=8),
        C("rag_cost", "RAG cost", Kind.CHOICE, "PM's cost RAG.", False, RAG, width=8),
        C("rag_resources", "RAG resources", Kind.CHOICE, "PM's resources RAG.", False, RAG, width=8),
        C("commentary", "Commentary", Kind.TEXT, "PM's commentary for the month.", width=40),
        C("committee_needs", "Needs from the committee", Kind.TEXT,
          "What the PM asks the steering committee for this month: a decision, funding, people, an escalation (blank: nothing).", width=40),
    ),
)

BASELINE = Register(
    name="Baseline",
    table="tblBaseline",
    meaning="Time-phased baseline: the planned value of each project for each month (not cumulative).",
    key=("project_id", "period"),
    columns=(
        C("project_id", "Project ID", Kind.ID, "Project the plan belongs to.", True, width=12),
        C("period", "Period", Kind.MONTH, "Month (any date in the month, or YYYY-MM).", True, width=9),
        C("planned_value", "Planned value", Kind.MONEY, "Budget planned to be earned in this month.", True, minimum=0, width=14),
    ),
)

RISKS = Register(
    name="Risks",
    table="tblRisks",
    meaning="Risk register (RAID risks): probability and impact on 1-5 scales, cost impact, response.",
    key=("risk_id",),
    columns=(
        C("risk_id", "Risk ID", Kind.ID, "Unique risk identifier.", True, width=10),
        C("project_id", "Project ID", Kind.ID, "Project exposed to the risk.", True, width=12),
        C("title", "Title", Kind.TEXT, "Cause → event → effect, in one line.", True, width=36),
        C("category", "Category", Kind.CHOICE, "Risk category.", False, RISK_CATEGORIES, width=12),
        C("owner", "Owner", Kind.TEXT, "Person who manages the response.", width=16),
        C("probability", "Probability (1-5)", Kind.INTEGER, "Likelihood on a 1 (rare) to 5 (almost certain) scale.", True, minimum=1, maximum=5, width=10),
        C("impact", "Impact (1-5)", Kind.INTEGER, "Impact on a 1 (minor) to 5 (severe) scale.", True, minimum=1, maximum=5, width=9),
        C("cost_impact", "Cost impact", Kind.MONEY, "Cost if the risk occurs.", minimum=0, width=12),
        C("response", "Response", Kind.CHOICE, "Response strategy.", False, RISK_RESPONSES, width=10),
        C("status", "Status", Kind.CHOICE, "Open or Closed.", True, RISK_STATUSES, width=9),
        C("raised", "Raised", Kind.DATE, "Date the risk was raised.", width=12),
        C("due", "Review due", Kind.DATE, "Next review or response due date.", width=12),
    ),
)

MILESTONES = Register(
    name="Milestones",
    table="tblMilestones",
    meaning="Key milestones per project: baseline, forecast and actual dates.",
    key=("project_id", "milestone"),
    columns=(
        C("project_id", "Project ID", Kind.ID, "Project the milestone belongs to.", True, width=12),
        C("milestone", "Milestone", Kind.TEXT, "Milestone name, unique within the project.", True, width=30),
        C("baseline_date", "Baseline date", Kind.DATE, "Date agreed in the baseline.", True, width=12),
        C("forecast_date", "Forecast date", Kind.DATE, "Current forecast; blank means on baseline.", width=12),
        C("actual_date", "Actual date", Kind.DATE, "Date achieved; blank while open.", width=12),
        C("ev_weight", "EV weight", Kind.PERCENT, "Share of BAC earned at this milestone (weighted-milestone EV).", minimum=0, maximum=1, width=9),
    ),
)

# The registers people keep (the plan, then the registers beside it: RAID, changes, strategy,
# benefits, lessons), then the History tables pmo-xl keeps (written by `pmo-xl close`).
REGISTERS: tuple[Register, ...] = (PROJECTS, RESOURCES, ALLOCATIONS, PROGRESS, BASELINE, RISKS, MILESTONES,
                                   *GOVERNANCE_REGISTERS, *HISTORY_REGISTERS)
REGISTERS_BY_NAME = {r.name: r for r in REGISTERS}

__all__ = [
    "ACTIVE_STATUSES", "ALLOCATION_STATES", "ALLOCATIONS", "BASELINE", "EV_TECHNIQUES", "FORCE", "MILESTONES", "PHASES",
    "PROFILES", "PROGRESS", "PROJECT_STATUSES", "PROJECTS", "RAG", "REGISTERS", "REGISTERS_BY_NAME", "RESOURCES",
    "RISK_CATEGORIES", "RISK_RESPONSES", "RISK_STATUSES", "RISKS",
]
