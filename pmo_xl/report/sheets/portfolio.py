"""The Portfolio sheet: one row per project with its figures, RAG and trend, as a filterable Table."""

from __future__ import annotations

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pmo_xl.report.model import ReportModel
from pmo_xl.report.sheets.common import Col, Styles, page_setup, sheet_title, write_table

NAME = "Portfolio"
TABLE = "tblPortfolio"
HEADER_ROW = 3

COLUMNS = (
    Col("project_id", "Project ID", "text", 10),
    Col("name", "Project", "wrap", 26),
    Col("programme", "Programme", "text", 13),
    Col("business_unit", "Business unit", "text", 12),
    Col("manager", "Project manager", "text", 15),
    Col("status", "Status", "text", 9),
    Col("phase", "Phase", "text", 10),
    Col("start", "Start", "date", 11),
    Col("finish", "Finish", "date", 11),
    Col("bac", "BAC", "money", 13),
    Col("eac", "EAC", "money", 13),
    Col("vac", "VAC", "money", 12),
    Col("cpi", "CPI", "ratio", 7),
    Col("spi", "SPI", "ratio", 7),
    Col("rag_scope", "Scope", "rag", 8),
    Col("rag_schedule", "Schedule", "rag", 9),
    Col("rag_cost", "Cost", "rag", 8),
    Col("rag_resources", "Resources", "rag", 10),
    Col("rag_index", "Indices", "rag", 8),
    Col("rag_overall", "Overall", "rag", 9),
    Col("trend", "Trend", "trend", 7),
    Col("overall_reason", "Why (overall RAG)", "wrap", 34),
    Col("rank", "Priority rank", "count", 9),
    Col("rag_pm", "PM RAG", "rag", 8),
    Col("as_of", "Figures as of", "month", 10),
    Col("commentary", "PM commentary", "wrap", 36),
)


def write_portfolio(workbook: Workbook, styles: Styles, model: ReportModel) -> Worksheet:
    sheet = workbook.add_worksheet(NAME)
    table = model.portfolio
    sheet_title(sheet, styles, model, "Portfolio",
                f"{model.title} · {model.period_label} · {len(table)} projects, ordered by programme · "
                f"RAG: Scope to Resources as reported by the PM, Indices from CPI/SPI/SPI(t)/TCPI, Overall the worst of them · "
                f"Trend: overall RAG against {model.previous_label} (▲ better, ▼ worse, ► same)")
    last_row = write_table(sheet, styles, TABLE, HEADER_ROW, 0, table, COLUMNS)
    page_setup(sheet, model, repeat_row=HEADER_ROW, last_col=len(COLUMNS) - 1, last_row=last_row, paper=8,
               freeze=(HEADER_ROW + 1, 2))
    return sheet
