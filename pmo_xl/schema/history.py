"""The History register: the figures of each closed month, frozen as they were reported.

`pmo-xl close` (and the *Close period* button) computes a month exactly as the report does and
appends it here, so next month's report can show trends as they were reported, not recomputed
with today's data. History is three tables, one per grain, each on its own sheet, because a
project row, a milestone row and a portfolio figure have different keys:

    History             one row per project and period (the Portfolio sheet's figures)
    History milestones  one row per milestone and period (baseline, forecast, actual)
    History KPIs        one row per portfolio figure and period (the dashboard tiles,
                        data-quality counts, utilisation per team): long, so a team or a tile
                        added later needs no new column

Every row says how it came to be (`basis`: *As reported* when the month was closed on time,
*Recomputed* when `--backfill` computed it later from today's registers), when it was closed
and by which pmo-xl version. The tables are tool-owned: pmo-xl writes them, people read them.
They are optional: a workbook that has never been closed has none, and that is no issue.
"""

from __future__ import annotations

from pmo_xl.schema.choices import PHASES, PROJECT_STATUSES, RAG
from pmo_xl.schema.columns import Column, Kind, Register

AS_REPORTED, RECOMPUTED = "As reported", "Recomputed"
BASES = (AS_REPORTED, RECOMPUTED)

C = Column
TOOL_OWNED = " Written by pmo-xl close (or the Close period button); do not edit."


def _stamp() -> tuple[Column, ...]:
    """The columns every History table ends with: how, when and by what the row was written."""
    return (
        C("basis", "Basis", Kind.CHOICE, "As reported (closed in its month) or Recomputed (backfilled later from the registers).", True, BASES, width=12),
        C("closed_on", "Closed on", Kind.DATE, "Day the period was closed.", True, width=12),
        C("version", "pmo-xl version", Kind.TEXT, "Version of pmo-xl that closed the period.", True, width=10),
    )


HISTORY = Register(
    name="History",
    table="tblHistory",
    meaning="One row per project and closed period: the figures the report showed that month." + TOOL_OWNED,
    key=("period", "project_id"),
    optional=True,
    columns=(
        C("period", "Period", Kind.MONTH, "The closed month.", True, width=9),
        C("project_id", "Project ID", Kind.ID, "Project reported on.", True, width=12),
        C("name", "Project name", Kind.TEXT, "Its name when the period was closed.", width=26),
        C("programme", "Programme", Kind.TEXT, "Its programme when the period was closed.", width=16),
        C("status", "Status", Kind.CHOICE, "Lifecycle status.", False, PROJECT_STATUSES, width=11),
        C("phase", "Phase", Kind.CHOICE, "Lifecycle phase.", False, PHASES, width=11),
        C("bac", "BAC", Kind.MONEY, "Budget at completion.", minimum=0, width=13),
        C("pv", "PV", Kind.MONEY, "Planned value to date (cumulative).", width=13),
        C("ev", "EV", Kind.MONEY, "Earned value to date (cumulative).", width=13),
        C("ac", "AC", Kind.MONEY, "Actual cost to date (cumulative).", width=13),
        C("eac", "EAC", Kind.MONEY, "Estimate at completion (the Settings method).", width=13),
        C("etc", "ETC", Kind.MONEY, "Estimate to complete.", width=13),
        C("vac", "VAC", Kind.MONEY, "Variance at completion, BAC − EAC.", width=13),
        C("cpi", "CPI", Kind.NUMBER, "Cost performance index.", width=7),
        C("spi", "SPI", Kind.NUMBER, "Schedule performance index.", width=7),
        C("spi_t", "SPI(t)", Kind.NUMBER, "Earned-schedule performance index.", width=7),
        C("es", "ES (months)", Kind.NUMBER, "Earned schedule: months of the plan earned.", width=8),
        C("forecast_finish", "Forecast finish", Kind.DATE, "Forecast finish date by earned schedule.", width=12),
        C("tcpi", "TCPI", Kind.NUMBER, "To-complete performance index (to BAC).", width=7),
        C("pct_complete", "% complete", Kind.PERCENT, "EV / BAC.", width=9),
        C("rag", "RAG", Kind.CHOICE, "Overall RAG: the worst of the indices' RAG and the PM's four.", False, RAG, width=8),
        C("rag_reason", "RAG reason", Kind.TEXT, "Why the overall RAG is what it is.", width=40),
        C("rag_index", "RAG indices", Kind.CHOICE, "RAG from CPI, SPI, SPI(t) and TCPI against the thresholds.", False, RAG, width=8),
        C("rag_index_reason", "RAG indices reason", Kind.TEXT, "The thresholds the indices crossed.", width=30),
        C("rag_scope", "RAG scope", Kind.CHOICE, "PM's scope RAG.", False, RAG, width=8),
        C("rag_schedule", "RAG schedule", Kind.CHOICE, "PM's schedule RAG.", False, RAG, width=8),
        C("rag_cost", "RAG cost", Kind.CHOICE, "PM's cost RAG.", False, RAG, width=8),
        C("rag_resources", "RAG resources", Kind.CHOICE, "PM's resources RAG.", False, RAG, width=8),
        C("open_risks", "Open risks", Kind.INTEGER, "Open risks of the project.", minimum=0, width=7),
        C("top_risk_score", "Top risk score", Kind.INTEGER, "Highest probability × impact of its open risks.", minimum=0, maximum=25, width=7),
        *_stamp(),
    ),
)

HISTORY_MILESTONES = Register(
    name="History milestones",
    table="tblHistoryMilestones",
    meaning="One row per milestone and closed period: its dates as reported that month (milestone trend analysis)." + TOOL_OWNED,
    key=("period", "project_id", "milestone"),
    optional=True,
    columns=(
        C("period", "Period", Kind.MONTH, "The closed month.", True, width=9),
        C("project_id", "Project ID", Kind.ID, "Project of the milestone.", True, width=12),
        C("milestone", "Milestone", Kind.TEXT, "Milestone name.", True, width=30),
        C("baseline_date", "Baseline date", Kind.DATE, "Baseline date then.", width=12),
        C("forecast_date", "Forecast date", Kind.DATE, "Forecast then (the baseline when none was typed).", width=12),
        C("actual_date", "Actual date", Kind.DATE, "Actual date, when achieved by then.", width=12),
        *_stamp(),
    ),
)

HISTORY_KPIS = Register(
    name="History KPIs",
    table="tblHistoryKPIs",
    meaning="One row per portfolio figure and closed period: the dashboard tiles, data-quality counts and utilisation per team." + TOOL_OWNED,
    key=("period", "kpi"),
    optional=True,
    columns=(
        C("period", "Period", Kind.MONTH, "The closed month.", True, width=9),
        C("kpi", "KPI", Kind.TEXT, "Stable key of the figure (cpi, errors, utilisation:<team> ...).", True, width=24),
        C("label", "Label", Kind.TEXT, "The figure as the dashboard names it.", width=30),
        C("value", "Value", Kind.NUMBER, "Its value that month; blank when undefined.", width=14),
        *_stamp(),
    ),
)

HISTORY_REGISTERS: tuple[Register, ...] = (HISTORY, HISTORY_MILESTONES, HISTORY_KPIS)
