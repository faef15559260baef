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
