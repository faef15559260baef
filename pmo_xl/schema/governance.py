"""The registers a PMO keeps beside the plan: the rest of the RAID log, change control, strategy,
benefits and lessons learned.

    Issue log          issues raised on a project (RAID "I"; the sheet is not called "Issues",
                       which is the sheet of validation issues `validate --annotate` writes)
    Actions            who does what by when (RAID "A"), from a meeting, an issue, a risk or a decision
    Decisions          what a board or the steering committee must decide, by when (RAID "D")
    Change requests    changes to scope, cost or schedule and their approval
    Objectives         the strategic objectives the portfolio serves (a Settings-level list)
    Contributions      which project contributes to which objective, and how much
    Benefits           what each project is meant to deliver, measured, with a target
    Benefit progress   the realised value of each benefit by month (cumulative, like Progress)
    Lessons            lessons learned, and the projects they apply to

Each is declared like the plan registers, so the template, the reader, the parser, collect's
output and CONTRACT.md follow. All are optional: a workbook made before they existed (or a PMO
that keeps no change log) is valid without them. A column that names a row of another register
says so with `refers_to`; `checks/governance.py` checks those references, the IDs and the date
pairs declared in `DATE_ORDER` below, generically.
"""

from __future__ import annotations

from pmo_xl.schema.choices import (
    ACTION_SOURCES,
    ACTION_STATUSES,
    CHANGE_STATUSES,
    CONTRIBUTION_LEVELS,
    DECISION_FORUMS,
    DECISION_STATUSES,
    ISSUE_STATUSES,
    LESSON_CATEGORIES,
    LESSON_SCOPES,
    PHASES,
    PRIORITIES,
    YES_NO,
)
from pmo_xl.schema.columns import Column, Kind, Register

C = Column  # the declarations below read as a table

ISSUE_LOG = Register(
    name="Issue log",
    table="tblIssueLog",
    meaning="Issues raised on projects (RAID issues): what has gone wrong, who owns it, how urgent, and when it was resolved.",
    key=("issue_id",),
    optional=True,
    columns=(
        C("issue_id", "Issue ID", Kind.ID, "Unique issue identifier, e.g. ISS-001.", True, width=10, example="ISS-001"),
        C("project_id", "Project ID", Kind.ID, "Project the issue is on.", True, width=12, refers_to="Projects"),
        C("title", "Title", Kind.TEXT, "The issue in one line.", True, width=34),
        C("description", "Description", Kind.TEXT, "What happened and what it affects.", width=40),
        C("raised", "Raised", Kind.DATE, "Date the issue was raised.", True, width=12),
        C("owner", "Owner", Kind.TEXT, "Person who resolves it.", width=16),
        C("priority", "Priority", Kind.CHOICE, "High, Medium or Low: how long it may stay open (Settings).", True, PRIORITIES, width=9),
        C("status", "Status", Kind.CHOICE, "Open, In progress, Resolved or Closed.", True, ISSUE_STATUSES, width=11),
        C("target_date", "Target date", Kind.DATE, "Date it should be resolved by.", width=12),
        C("resolved_date", "Resolved date", Kind.DATE, "Date it was resolved; blank while open.", width=12),
        C("escalated", "Escalated", Kind.CHOICE, "Escalated to the PMO or steering committee (Yes/No).", False, YES_NO, width=9),
        C("risk_id", "Linked risk", Kind.ID, "The risk that materialised into this issue, if any.", width=10, refers_to="Risks"),
    ),
)

ACTIONS = Register(
    name="Actions",
    table="tblActions",
    meaning="Actions (RAID actions): who does what by when, and where the action came from.",
    key=("action_id",),
    optional=True,
    columns=(
        C("action_id", "Action ID", Kind.ID, "Unique action identifier, e.g. ACT-001.", True, width=10, example="ACT-001"),
        C("project_id", "Project ID", Kind.ID, "Project the action is for.", True, width=12, refers_to="Projects"),
        C("action", "Action", Kind.TEXT, "What is to be done.", True, width=40),
        C("owner", "Owner", Kind.TEXT, "Person who does it.", width=16),
        C("raised", "Raised", Kind.DATE, "Date the action was agreed.", width=12),
        C("due", "Due", Kind.DATE, "Date it is due.", True, width=12),
        C("done_date", "Done date", Kind.DATE, "Date it was done; blank while open.", width=12),
        C("status", "Status", Kind.CHOICE, "Open, In progress, Done or Cancelled.", True, ACTION_STATUSES, width=11),
        C("source", "Source", Kind.CHOICE, "Where the action came from: a meeting, an issue, a risk or a decision.", False, ACTION_SOURCES, width=10),
        C("source_id", "Source ID", Kind.ID, "The issue, risk or decision it came from (its ID), when Source says one.", width=10),
    ),
)

DECISIONS = Register(
    name="Decisions",
    table="tblDecisions",
    meaning="Decisions (RAID decisions): what must be decided, by which forum and by when, and what was decided.",
    key=("decision_id",),
    optional=True,
    columns=(
        C("decision_id", "Decision ID", Kind.ID, "Unique decision identifier, e.g. DEC-001.", True, width=11, example="DEC-001"),
        C("project_id", "Project ID", Kind.ID, "Project the decision is about.", True, width=12, refers_to="Projects"),
        C("decision", "Decision needed", Kind.TEXT, "The question to decide, in one line.", True, width=40),
        C("requested_by", "Requested by", Kind.TEXT, "Who asks for the decision.", width=16),
        C("decide_by", "Decide by", Kind.DATE, "Date the decision is needed by.", width=12),
        C("forum", "Forum", Kind.CHOICE, "Who decides: project board, steering committee, portfolio board or PMO.", False, DECISION_FORUMS, width=17),
        C("options", "Options", Kind.TEXT, "The options on the table.", width=30),
        C("decided_on", "Decided on", Kind.DATE, "Date it was decided; blank while pending.", width=12),
        C("outcome", "Outcome", Kind.TEXT, "What was decided.", width=30),
        C("status", "Status", Kind.CHOICE, "Pending, Decided, Deferred or Withdrawn.", True, DECISION_STATUSES, width=10),
    ),
)

CHANGE_REQUESTS = Register(
    name="Change requests",
    table="tblChangeRequests",
    meaning="Change requests: changes to a project's scope, cost or schedule, their impact and their approval.",
    key=("change_id",),
    optional=True,
    columns=(
        C("change_id", "Change ID", Kind.ID, "Unique change request identifier, e.g. CR-001.", True, width=10, example="CR-001"),
        C("project_id", "Project ID", Kind.ID, "Project the change is to.", True, width=12, refers_to="Projects"),
        C("title", "Title", Kind.TEXT, "The change in one line.", True, width=34),
        C("raised", "Raised", Kind.DATE, "Date the change was requested.", width=12),
        C("requested_by", "Requested by", Kind.TEXT, "Who requests it.", width=16),
        C("cost_impact", "Cost impact", Kind.MONEY, "Change to the budget (BAC) if approved; negative for a saving.", width=12),
        C("schedule_impact_days", "Schedule impact (days)", Kind.INTEGER, "Days the planned finish moves if approved; negative for earlier.", width=10),
        C("scope_impact", "Scope impact", Kind.TEXT, "What changes in scope.", width=30),
        C("status", "Status", Kind.CHOICE, "Proposed, Assessed, Approved, Rejected or Implemented.", True, CHANGE_STATUSES, width=12),
        C("decided_on", "Decided on", Kind.DATE, "Date it was approved or rejected.", width=12),
        C("decided_by", "Decided by", Kind.TEXT, "Who approved or rejected it.", width=16),
    ),
)

OBJECTIVES = Register(
    name="Objectives",
    table="tblObjectives",
    meaning="The strategic objectives the portfolio serves (a Settings-level list): each project should contribute to one at least.",
    key=("objective_id",),
    optional=True,
    columns=(
        C("objective_id", "Objective ID", Kind.ID, "Unique objective identifier, e.g. OBJ-1.", True, width=12, example="OBJ-1"),
        C("objective", "Objective", Kind.TEXT, "The objective in one line.", True, width=40),
        C("owner", "Owner", Kind.TEXT, "Executive accountable for it.", width=16),
        C("weight", "Weight", Kind.NUMBER, "Relative importance among the objectives (blank: 1).", minimum=0, width=8),
    ),
)

CONTRIBUTIONS = Register(
    name="Contributions",
    table="tblContributions",
    meaning="Which project contributes to which strategic objective, and how much.",
    key=("project_id", "objective_id"),
    optional=True,
    columns=(
        C("project_id", "Project ID", Kind.ID, "The contributing project.", True, width=12, refers_to="Projects"),
        C("objective_id", "Objective ID", Kind.ID, "The objective it serves.", True, width=12, refers_to="Objectives"),
        C("level", "Contribution", Kind.CHOICE, "High, Medium or Low.", False, CONTRIBUTION_LEVELS, width=12),
    ),
)

BENEFITS = Register(
    name="Benefits",
    table="tblBenefits",
    meaning="The benefits each project is meant to deliver: a measure, its baseline and target, and when.",
    key=("benefit_id",),
    optional=True,
    columns=(
        C("benefit_id", "Benefit ID", Kind.ID, "Unique benefit identifier, e.g. BEN-001.", True, width=10, example="BEN-001"),
        C("project_id", "Project ID", Kind.ID, "Project that delivers it.", True, width=12, refers_to="Projects"),
        C("benefit", "Benefit", Kind.TEXT, "The benefit in one line.", True, width=34),
        C("objective_id", "Objective ID", Kind.ID, "The strategic objective it serves.", width=12, refers_to="Objectives"),
        C("measure", "Measure", Kind.TEXT, "How it is measured.", width=24),
        C("unit", "Unit", Kind.TEXT, "Unit of the measure (EUR/year, %, days ...).", width=10),
        C("owner", "Owner", Kind.TEXT, "Business owner who realises it.", width=16),
        C("baseline_value", "Baseline value", Kind.NUMBER, "Value of the measure before the project (blank: 0).", width=11),
        C("target_value", "Target value", Kind.NUMBER, "Value to reach by the target date.", True, width=11),
        C("realisation_from", "Realisation from", Kind.DATE,
          "Date realisation starts; the planned curve runs straight from the baseline value here to the target. Blank: the project's planned finish.", width=12),
        C("target_date", "Target date", Kind.DATE, "Date the target value should be reached.", True, width=12),
    ),
)

BENEFIT_PROGRESS = Register(
    name="Benefit progress",
    table="tblBenefitProgress",
    meaning="The realised value of each benefit by month, cumulative like Progress (the measure as it stands that month).",
    key=("benefit_id", "period"),
    optional=True,
    columns=(
        C("benefit_id", "Benefit ID", Kind.ID, "The benefit measured.", True, width=10, refers_to="Benefits"),
        C("period", "Period", Kind.MONTH, "Month measured (any date in the month, or YYYY-MM).", True, width=9),
        C("realised_value", "Realised value", Kind.NUMBER, "Value of the measure that month (cumulative).", True, width=12),
        C("note", "Note", Kind.TEXT, "How it was measured, or why it moved.", width=36),
    ),
)

LESSONS = Register(
    name="Lessons",
    table="tblLessons",
    meaning="Lessons learned: what happened, its effect and what to do next time, and the projects it applies to.",
    key=("lesson_id",),
    optional=True,
    columns=(
        C("lesson_id", "Lesson ID", Kind.ID, "Unique lesson identifier, e.g. LES-001.", True, width=10, example="LES-001"),
        C("project_id", "Project ID", Kind.ID, "Project the lesson was learned on.", True, width=12, refers_to="Projects"),
        C("recorded", "Recorded", Kind.DATE, "Date the lesson was recorded.", width=12),
        C("phase", "Phase", Kind.CHOICE, "Phase it was learned in.", False, PHASES, width=11),
        C("category", "Category", Kind.CHOICE, "What the lesson is about.", False, LESSON_CATEGORIES, width=13),
        C("what_happened", "What happened", Kind.TEXT, "What happened.", True, width=36),
        C("effect", "Effect", Kind.TEXT, "What it did to the project.", width=28),
        C("recommendation", "Recommendation", Kind.TEXT, "What the next project should do.", True, width=36),
        C("tags", "Tags", Kind.TEXT, "Comma-separated tags; a tag equal to a project's programme or category brings the lesson to that project.", width=18),
        C("applies_to", "Applies to", Kind.CHOICE, "All projects, a Programme or a Category (blank: by its tags only).", False, LESSON_SCOPES, width=12),
        C("applies_to_name", "Programme or category", Kind.TEXT,
          "Which programme or category it applies to; blank: the lesson's own project's.", width=16),
    ),
)

GOVERNANCE_REGISTERS: tuple[Register, ...] = (
    ISSUE_LOG, ACTIONS, DECISIONS, CHANGE_REQUESTS, OBJECTIVES, CONTRIBUTIONS, BENEFITS, BENEFIT_PROGRESS, LESSONS,
)

# Dates that must not be earlier than another date of the same row: (register, earlier, later).
DATE_ORDER: tuple[tuple[Register, str, str], ...] = (
    (ISSUE_LOG, "raised", "target_date"),
    (ISSUE_LOG, "raised", "resolved_date"),
    (ACTIONS, "raised", "due"),
    (ACTIONS, "raised", "done_date"),
    (CHANGE_REQUESTS, "raised", "decided_on"),
    (BENEFITS, "realisation_from", "target_date"),
)
