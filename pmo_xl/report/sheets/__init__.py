"""The report WRITERS, one module per sheet, in the order the pack prints them (XlsxWriter only).

The executive pack first (Dashboard, Exceptions with what the committee is asked for, Roadmap,
Milestone timeline, project pages), then the detail sheets as appendices.
"""

from __future__ import annotations

from collections.abc import Callable

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pmo_xl.report.model import ReportModel
from pmo_xl.report.sheets.common import Styles
from pmo_xl.report.sheets.dashboard import write_dashboard
from pmo_xl.report.sheets.data_quality import write_data_quality
from pmo_xl.report.sheets.earned_value import write_earned_value, write_ev_forecasts
from pmo_xl.report.sheets.exceptions import write_exceptions
from pmo_xl.report.sheets.governance import write_alignment, write_benefits, write_lessons, write_raid
from pmo_xl.report.sheets.milestones import write_milestones
from pmo_xl.report.sheets.portfolio import write_portfolio
from pmo_xl.report.sheets.priorities import write_priorities
from pmo_xl.report.sheets.project_pages import write_project_index, write_project_pages
from pmo_xl.report.sheets.resources import write_overallocations, write_resources
from pmo_xl.report.sheets.risks import write_risks
from pmo_xl.report.sheets.roadmap import write_roadmap
from pmo_xl.report.sheets.scenarios import write_scenarios
from pmo_xl.report.sheets.timeline import write_timeline
from pmo_xl.report.sheets.trends import write_drift, write_milestone_trends, write_trends

# A writer returns None when its sheet has nothing to show in this pack (no project pages chosen).
SheetWriter = Callable[[Workbook, Styles, ReportModel], Worksheet | None]

SHEETS: tuple[tuple[str, SheetWriter], ...] = (
    ("Dashboard", write_dashboard),
    ("Exceptions", write_exceptions),
    ("Roadmap", write_roadmap),
    ("Milestone timeline", write_timeline),
    ("Project index", write_project_index),
    ("Project pages", write_project_pages),
    ("Portfolio", write_portfolio),
    ("Priorities", write_priorities),
    ("Scenarios", write_scenarios),
    ("Resources", write_resources),
    ("Over-allocations", write_overallocations),
    ("Earned Value", write_earned_value),
    ("EV forecasts", write_ev_forecasts),
    ("Risks", write_risks),
    ("RAID", write_raid),
    ("Benefits", write_benefits),
    ("Strategic alignment", write_alignment),
    ("Lessons", write_lessons),
    ("Milestones", write_milestones),
    ("Trends", write_trends),
    ("Drift", write_drift),
    ("Milestone trends", write_milestone_trends),
    ("Data Quality", write_data_quality),
)
SHEET_NAMES: tuple[str, ...] = tuple(name for name, _ in SHEETS)
OPTIONAL_SHEETS: tuple[str, ...] = ("Project index", "Project pages")  # written only when a project has a page
SCENARIO_SHEETS: tuple[str, ...] = ("Scenarios",)  # written only when the workbook holds scenarios
# Written only when the workbook keeps the registers they show (issue log, benefits, objectives, lessons ...).
GOVERNANCE_SHEETS: tuple[str, ...] = ("RAID", "Benefits", "Strategic alignment", "Lessons")

__all__ = ["GOVERNANCE_SHEETS", "OPTIONAL_SHEETS", "SCENARIO_SHEETS", "SHEETS", "SHEET_NAMES", "Styles"]
