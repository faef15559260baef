"""The source field → register column table of `pmo-xl import`, rendered into CONTRACT.md.

Kept beside the mapping code it describes (mapping.py, merge.py, usecase.py): a change of rule
is a change of one row here, and `pmo-xl build` writes it into the contract.
"""

from __future__ import annotations

# (register, column, Microsoft Project XML, Primavera P6 XER, rule)
MAPPING: tuple[tuple[str, str, str, str, str], ...] = (
    ("Projects", "Project ID", "—", "PROJECT.proj_short_name",
     "`--project-id` for a single schedule; else the Settings rule 'Schedule project ID from'. Its default tries, "
     "against the register: the P6 project ID or the Project Title equal to a Project ID; a file name starting with a "
     "Project ID (`PRJ-001 plan.xml`); the project name equal to a register project's; else a new project with the P6 "
     "project ID or the file name. 'Project code', 'Project title' or 'File name' use that one alone."),
    ("Projects", "Project name", "Title, else the project summary task (UID 0), else Name", "PROJWBS.wbs_name of the project node", ""),
    ("Projects", "Project manager", "Manager", "—", ""),
    ("Projects", "Status", "ActualStart / ActualFinish of the tasks", "act_start_date / act_end_date",
     "New projects only: Closed when every task is finished, Active when one has started, else Approved."),
    ("Projects", "Planned start / finish", "earliest Baseline Start / latest Baseline Finish of the tasks",
     "TASK.target_start_date / target_end_date", "From the schedule's dates when it has no baseline at all."),
    ("Projects", "Budget (BAC)", "Σ Baseline Cost of the non-summary tasks", "Σ TASKRSRC.target_cost + PROJCOST.target_cost",
     "Σ Cost when the schedule has no baseline. An existing project keeps its row; blank cells are filled, and a BAC "
     "more than the Settings 'Schedule BAC tolerance' (default 5 %) from the schedule's, or other planned dates, are warnings (`bac-differs`, `planned-date-differs`)."),
    ("Baseline", "Planned value", "TimephasedData Type 10 (task baseline cost) by month, where it adds up to the task's "
     "Baseline Cost; else Baseline Cost spread over Baseline Start–Finish", "target cost spread over target_start_date–target_end_date",
     "Spread over Monday–Friday with the contour of the task's assignments (Flat when they differ). Upsert by project "
     "and month."),
    ("Progress", "Period", "StatusDate, else CurrentDate (as Project does)", "PROJECT.last_recalc_date (data date)",
     "The month of the status date. No Progress row without one."),
    ("Progress", "PV (cumulative)", "Σ BCWS when Project computed it (StatusDate set, a non-zero BCWS/BCWP)",
     "—", "Else the baseline spread planned up to the status date."),
    ("Progress", "EV (cumulative)", "Σ BCWP when Project computed it", "—",
     "Else Σ % complete × baseline cost per task; PhysicalPercentComplete where set (P6: phys_complete_pct when "
     "complete_pct_type is CP_Phys; CP_Units: actual / (actual + remaining) work; else duration % complete)."),
    ("Progress", "AC (cumulative)", "Σ ActualCost", "Σ TASKRSRC.act_reg_cost + act_ot_cost + PROJCOST.act_cost",
     "Upsert by project and month, as collect."),
    ("Milestones", "Milestone", "Name of tasks with Milestone = 1", "task_name of TT_Mile / TT_FinMile activities",
     "A name used twice gets its task UID appended. Upsert by name; none deleted."),
    ("Milestones", "Baseline / Forecast / Actual date", "Baseline Finish / Finish / ActualFinish",
     "target_end_date / early_end_date / act_end_date (TT_Mile: the start dates)",
     "No baseline date: the current date, with a warning."),
    ("Resources", "(new rows only)", "Resources of Type 1 (work) with a Name", "RSRC of RT_Labor / RT_Equip",
     "Matched by name (case and spacing ignored) or P6 resource ID; a new one gets the P6 resource ID or the next "
     "free RES-nnnn."),
    ("Resources", "Role, Team", "Group", "—", "Role is required: blank with a warning when the schedule has no group."),
    ("Resources", "FTE", "MaxUnits", "RSRCRATE.max_qty_per_hr", "Blank above 1.5 (a team)."),
    ("Resources", "Calendar", "the base calendar the resource calendar follows", "CALENDAR.clndr_name", ""),
    ("Resources", "Cost rate (per hour)", "StandardRate", "RSRCRATE.cost_per_qty (latest start_date)", ""),
    ("Allocations", "Resource ID, Start, Finish", "Assignment ResourceUID, Start, Finish",
     "TASKRSRC.rsrc_id, act/target start and end", "Work resources only. The schedule restates the project's needs "
     "for the window its assignments cover, as collect."),
    ("Allocations", "Effort (hours), Actual hours", "Work, ActualWork", "act_reg_qty + act_ot_qty + remain_qty, act_reg_qty + act_ot_qty", ""),
    ("Allocations", "Profile", "WorkContour 0–7 (8, Contoured: Flat)", "RSRCCURV.curv_name of the same name", ""),
    ("Allocations", "State", "—", "—", "Committed."),
)


def mapping_section() -> list[str]:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    lines = ["## Importing schedules (`pmo-xl import`)", "",
             "Microsoft Project XML (MSPDI, saved with File > Save As > XML) and Primavera P6 XER exports map to the "
             "registers as below. Only non-summary tasks carry cost (summaries roll them up). Anything that cannot be "
             "mapped is an issue located at its task UID, resource or P6 table line (codes in the catalogue below).", "",
             "| Register | Column | Microsoft Project XML | Primavera P6 XER | Rule |", "|---|---|---|---|---|"]
    lines += [f"| {' | '.join(cell(x) for x in row)} |" for row in MAPPING]
    return lines + [""]
