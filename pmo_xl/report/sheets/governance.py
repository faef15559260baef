"""The sheets of the registers beside the plan: RAID, Benefits, Strategic alignment, Lessons.

Each is written only when its registers are kept in the workbook (a portfolio without a change
log gets no empty RAID sheet). They are plain stacked tables — no charts, no per-cell loops
beyond `write_table` — so they cost little even on a large portfolio; in the print edition each
long list shows its first PRINT_ROWS rows (the most urgent first) and says so.
"""

from __future__ import annotations

import pandas as pd
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pmo_xl.report.model import ReportModel
from pmo_xl.report.print_edition import PRINT_ROWS, printing
from pmo_xl.report.sheets.common import Col, Styles, page_setup, shared_widths, sheet_title, write_table

RAID, BENEFITS, ALIGNMENT, LESSONS = "RAID", "Benefits", "Strategic alignment", "Lessons"

BY_PRIORITY = (Col("priority", "Priority", "text", 12), Col("open", "Open issues", "count", 11), Col("0-30 days", "0-30 days", "count", 11),
               Col("31-90 days", "31-90 days", "count", 11), Col("over 90 days", "Over 90 days", "count", 11),
               Col("over_limit", "Beyond limit", "count", 11), Col("oldest_days", "Oldest (days)", "days", 11))
DECISIONS = (Col("decide_by", "Decide by", "date", 12), Col("days_left", "Days left", "days", 11), Col("decision_id", "Decision ID", "text", 11),
             Col("project_id", "Project ID", "text", 11), Col("name", "Project", "text", 24), Col("decision", "Decision needed", "wrap", 40),
             Col("forum", "Forum", "text", 17), Col("requested_by", "Requested by", "text", 15), Col("options", "Options", "wrap", 26))
TAKEN = (Col("decided_on", "Decided on", "date", 12), Col("forum", "Forum", "text", 17), Col("decision_id", "Decision ID", "text", 11),
         Col("project_id", "Project ID", "text", 11), Col("name", "Project", "text", 24), Col("decision", "Decision", "wrap", 40),
         Col("outcome", "Outcome", "wrap", 17), Col("requested_by", "Requested by", "text", 15), Col("options", "Options", "wrap", 26))
ACTIONS = (Col("due", "Due", "date", 12), Col("days_late", "Days late", "days", 11), Col("action_id", "Action ID", "text", 11),
           Col("project_id", "Project ID", "text", 11), Col("name", "Project", "text", 24), Col("action", "Action", "wrap", 40),
           Col("owner", "Owner", "text", 17), Col("status", "Status", "text", 15), Col("source", "Source", "text", 26))
CHANGES = (Col("status", "Status", "text", 12), Col("cost_impact", "Cost impact", "money", 11), Col("schedule_impact_days", "Schedule (days)", "days", 11),
           Col("change_id", "Change ID", "text", 11), Col("project_id", "Project ID", "text", 11), Col("name", "Project", "text", 24),
           Col("title", "Change requested", "wrap", 40), Col("raised", "Raised", "date", 17), Col("decided_on", "Decided on", "date", 15),
           Col("decided_by", "Decided by", "text", 26))
PLAN_CHANGES = (Col("project_id", "Project ID", "text", 12), Col("name", "Project", "text", 24), Col("bac", "BAC", "money", 11),
                Col("cost_change", "Approved change", "money", 11), Col("bac_after", "BAC after", "money", 11), Col("finish", "Planned finish", "date", 11),
                Col("days_change", "Days", "days", 11), Col("finish_after", "Finish after", "date", 12), Col("changes", "Change requests", "wrap", 26))
OPEN_ISSUES = (Col("priority", "Priority", "text", 12), Col("age_days", "Age (days)", "days", 11), Col("limit_days", "Limit", "days", 11),
               Col("issue_id", "Issue ID", "text", 11), Col("project_id", "Project ID", "text", 11), Col("name", "Project", "text", 24),
               Col("title", "Issue", "wrap", 40), Col("owner", "Owner", "text", 17), Col("status", "Status", "text", 15),
               Col("escalated", "Escalated", "text", 26))

PER_BENEFIT = (Col("benefit_id", "Benefit ID", "text", 11), Col("project_id", "Project ID", "text", 11), Col("name", "Project", "text", 22),
               Col("benefit", "Benefit", "wrap", 28), Col("objective_id", "Objective ID", "text", 10),
               Col("target_value", "Target", "int", 10), Col("target_date", "Target date", "date", 11),
               Col("planned_value", "Planned now", "int", 10), Col("realised_value", "Realised", "int", 10), Col("planned_share", "Planned %", "pct", 9),
               Col("realised_share", "Realised %", "pct", 9), Col("rag_overall", "Project RAG", "rag", 9), Col("at_risk_reason", "At risk because", "wrap", 26))
PER_OBJECTIVE = (Col("objective_id", "Objective ID", "text", 11), Col("objective", "Objective", "wrap", 30), Col("owner", "Owner", "text", 22),
                 Col("weight", "Weight", "ratio", 9), Col("projects", "Live projects", "count", 10), Col("active_projects", "Active", "count", 10),
                 Col("budget", "Budget (BAC)", "money", 13), Col("benefits", "Benefits", "count", 10), Col("planned_share", "Planned %", "pct", 10),
                 Col("realised_share", "Realised %", "pct", 10), Col("behind", "Behind plan", "count", 10))
UNALIGNED = (Col("project_id", "Project ID", "text", 11), Col("name", "Project", "wrap", 30), Col("programme", "Programme", "text", 22),
             Col("status", "Status", "text", 9), Col("bac", "Budget (BAC)", "money", 10))
LIBRARY = (Col("category", "Category", "text", 13), Col("lesson_id", "Lesson ID", "text", 11), Col("project_id", "Project ID", "text", 11),
           Col("name", "Project", "text", 22), Col("phase", "Phase", "text", 10), Col("what_happened", "What happened", "wrap", 34),
           Col("effect", "Effect", "wrap", 26), Col("recommendation", "Recommendation", "wrap", 34), Col("applies_to", "Applies to", "text", 12),
           Col("applies_to_name", "Programme or category", "text", 14), Col("tags", "Tags", "text", 14))


# Stacked tables share the sheet's columns (`shared_widths`): each column takes its widest use, so a
# width here is what the field's text needs, never a guess at what the tables above it set.


class _Stack:
    """Tables stacked down one sheet, each under its heading; the print edition cuts long lists."""

    def __init__(self, sheet: Worksheet, styles: Styles, model: ReportModel, row: int = 3) -> None:
        self.sheet, self.styles, self.model, self.row = sheet, styles, model, row
        self.last_col = 0
        self.header_row: int | None = None  # the last (longest) table's header, repeated on every printed page

    def table(self, heading: str, name: str, frame: pd.DataFrame, columns: tuple[Col, ...], empty: str) -> None:
        shown = frame.head(PRINT_ROWS) if printing(self.model) else frame
        note = f" — printed: the first {len(shown)} of {len(frame)}; all are in the workbook" if len(shown) < len(frame) else ""
        self.sheet.write_string(self.row, 0, f"{heading} ({len(frame)}){note}", self.styles.heading)
        if not len(frame):
            self.sheet.write_string(self.row + 1, 0, empty, self.styles.note)
            self.row += 3
            return
        last = write_table(self.sheet, self.styles, name, self.row + 1, 0, shown.reset_index(drop=True), columns, set_widths=False)
        self.header_row = self.row + 1
        self.last_col = max(self.last_col, len(columns) - 1)
        self.row = last + 3

    def finish(self) -> None:
        page_setup(self.sheet, self.model, last_col=self.last_col, last_row=max(self.row - 2, 3), repeat_row=self.header_row)


def _sheet(workbook: Workbook, styles: Styles, model: ReportModel, name: str, subtitle: str,
           *placed: tuple[Col, ...]) -> tuple[Worksheet, _Stack]:
    sheet = workbook.add_worksheet(name)
    sheet_title(sheet, styles, model, name if name != RAID else "RAID: issues, actions, decisions, change requests", subtitle)
    shared_widths(sheet, *((0, columns) for columns in placed))
    return sheet, _Stack(sheet, styles, model)


def write_raid(workbook: Workbook, styles: Styles, model: ReportModel) -> Worksheet | None:
    view = model.governance
    if view is None or not view.kept & {"Issue log", "Actions", "Decisions", "Change requests"}:
        return None
    awaiting = int(view.change_requests["awaiting"].sum()) if len(view.change_requests) else 0
    sheet, stack = _sheet(workbook, styles, model, RAID,
                          f"{model.title} · {model.period_label} · {len(view.open_issues)} open issues · {len(view.overdue_actions)} overdue actions · "
                          f"{len(view.committee_decisions)} decisions for the committee · {awaiting} change requests awaiting approval · "
                          "ages and lateness in days to the status date; the risks are on the Risks sheet",
                          BY_PRIORITY, DECISIONS, TAKEN, ACTIONS, CHANGES, PLAN_CHANGES, OPEN_ISSUES)
    stack.table("Open issues by priority and age", "tblIssuesByPriority", view.issues_by_priority, BY_PRIORITY, "")
    stack.table("Decisions the steering committee must take, by decide-by date", "tblCommitteeDecisions", view.committee_decisions,
                DECISIONS, "No decision is waiting for the steering committee or the portfolio board.")
    stack.table("Decisions taken this month", "tblDecisionsTaken", view.decisions_taken, TAKEN, "No decision was recorded this month.")
    stack.table("Overdue actions, most overdue first", "tblOverdueActions", view.overdue_actions, ACTIONS, "No action is overdue.")
    stack.table("Change requests, those awaiting approval first", "tblChangeRequests", view.change_requests, CHANGES, "No change request.")
    stack.table("What approved changes did to budgets and finish dates", "tblPlanChanges", view.plan_changes, PLAN_CHANGES,
                "No change request is approved.")
    stack.table("Open issues, highest priority and oldest first", "tblOpenIssues", view.open_issues, OPEN_ISSUES, "No open issue.")
    stack.finish()
    return sheet


def write_benefits(workbook: Workbook, styles: Styles, model: ReportModel) -> Worksheet | None:
    view = model.governance
    if view is None or "Benefits" not in view.kept:
        return None
    sheet, stack = _sheet(workbook, styles, model, BENEFITS,
                          f"{model.title} · {model.period_label} · {len(view.benefits)} benefits, {len(view.benefits_at_risk)} at risk "
                          "(behind their planned curve — realised below 90 % of planned — or on a Red project) · planned: straight "
                          "from the baseline at Realisation from to the target at the target date · % = share of the promised change",
                          PER_OBJECTIVE, PER_BENEFIT)
    objectives = view.objectives[["objective_id", "objective", "owner", "weight", "projects", "active_projects", "budget", "benefits",
                                  "planned_share", "realised_share", "behind"]]
    stack.table("Planned and realised per objective", "tblBenefitsByObjective", objectives, PER_OBJECTIVE, "No strategic objective is kept.")
    # One list, the benefits at risk first (a second list of them would write the same rows twice).
    ordered = view.benefits.sort_values("at_risk", ascending=False, kind="stable")
    stack.table(f"Planned and realised per benefit, the {len(view.benefits_at_risk)} at risk first", "tblBenefitStatus", ordered,
                PER_BENEFIT, "")
    stack.finish()
    return sheet


def write_alignment(workbook: Workbook, styles: Styles, model: ReportModel) -> Worksheet | None:
    view = model.governance
    if view is None or "Objectives" not in view.kept:
        return None
    sheet, stack = _sheet(workbook, styles, model, ALIGNMENT,
                          f"{model.title} · {model.period_label} · {len(view.objectives)} objectives, {len(view.objectives_without_active)} "
                          f"with no active project · {len(view.unaligned)} live projects contributing to none · a project counts "
                          "(with its whole budget) under each objective it serves",
                          PER_OBJECTIVE, UNALIGNED)
    stack.table("Budget and projects per objective", "tblAlignment", view.objectives, PER_OBJECTIVE, "")
    stack.table("Objectives with no active project", "tblObjectivesUnserved", view.objectives_without_active, PER_OBJECTIVE,
                "Every objective has an active project.")
    stack.table("Live projects contributing to no objective", "tblProjectsUnaligned", view.unaligned, UNALIGNED,
                "Every live project contributes to an objective.")
    stack.finish()
    return sheet


def write_lessons(workbook: Workbook, styles: Styles, model: ReportModel) -> Worksheet | None:
    view = model.governance
    if view is None or "Lessons" not in view.kept:
        return None
    sheet, stack = _sheet(workbook, styles, model, LESSONS,
                          f"{model.title} · {model.period_label} · {len(view.lessons)} lessons learned, by category · each project "
                          "page lists the lessons of other projects that apply to it (all projects, its programme or category, or a tag)",
                          LIBRARY)
    stack.table("Lessons library", "tblLessons", view.lessons, LIBRARY, "")
    stack.finish()
    return sheet
