"""The allowed values of the registers' choice columns (drop-down lists), declared once."""

from __future__ import annotations

PROJECT_STATUSES = ("Proposed", "Approved", "Active", "On hold", "Closed", "Cancelled")
ACTIVE_STATUSES = ("Active", "On hold")
PHASES = ("Idea", "Initiation", "Planning", "Execution", "Closing")
RAG = ("Green", "Amber", "Red")
EV_TECHNIQUES = ("% complete", "0/100", "50/50", "Milestones")
PROFILES = (
    "Flat",
    "Back loaded",
    "Front loaded",
    "Double peak",
    "Early peak",
    "Late peak",
    "Bell",
    "Turtle",
)
ALLOCATION_STATES = ("Draft", "Proposed", "Committed")
FORCE = ("Force in", "Force out")
RISK_RESPONSES = ("Avoid", "Mitigate", "Transfer", "Accept")
RISK_STATUSES = ("Open", "Closed")
RISK_CATEGORIES = (
    "Technical",
    "Resource",
    "Schedule",
    "Budget",
    "External",
    "Compliance",
)

# The registers beside the plan (schema/governance.py): RAID, change control, strategy, benefits, lessons.
PRIORITIES = ("High", "Medium", "Low")
ISSUE_STATUSES = ("Open", "In progress", "Resolved", "Closed")
ISSUE_OPEN_STATUSES = ("Open", "In progress")
ACTION_STATUSES = ("Open", "In progress", "Done", "Cancelled")
ACTION_OPEN_STATUSES = ("Open", "In progress")
ACTION_SOURCES = ("Meeting", "Issue", "Risk", "Decision")
DECISION_FORUMS = ("Project board", "Steering committee", "Portfolio board", "PMO")
DECISION_STATUSES = ("Pending", "Decided", "Deferred", "Withdrawn")
DECISION_OPEN_STATUSES = ("Pending", "Deferred")
CHANGE_STATUSES = ("Proposed", "Assessed", "Approved", "Rejected", "Implemented")
CHANGE_AWAITING_STATUSES = ("Proposed", "Assessed")
CHANGE_APPROVED_STATUSES = ("Approved", "Implemented")
CONTRIBUTION_LEVELS = ("High", "Medium", "Low")
LESSON_CATEGORIES = (
    "Planning",
    "Requirements",
    "Stakeholders",
    "Procurement",
    "Resourcing",
    "Technical",
    "Governance",
    "Risk",
    "Quality",
    "Commercial",
)
LESSON_SCOPES = ("All projects", "Programme", "Category")
YES_NO = ("Yes", "No")
