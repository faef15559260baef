"""The Portfolio sheet: one row per project with its figures, RAG and trend, as a filterable Table."""

from __future__ import annotations

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pmo_xl.report.model import ReportModel
from pmo_xl.report.print_edition import cut_portfolio
from pmo_xl.report.sheets.common import Col, Styles, page_setup, sheet_title, write_table
from pmo_xl.report.sheets.paging import group_starts
from pmo_xl.report.sheets.trends import draw_rag_history

NAME = "Portfolio"
TABLE = "tblPortfolio"
HEADER_ROW = 3

# Widths kept tight: the table prints on one A3 page width at about 80 % (8-pt text). The index
# RAG is in "Why", and stale figures say so there too; the Earned Value sheet has every figure.
COLUMNS = (
    Col("project_id", "Project ID", "text", 9),
    Col("name", "Project", "wrap", 24),
    Col("programme", "Programme", "text", 12),
    Col("business_unit", "Business unit", "text", 11),
    Col("manager", "Project manager", "text", 14),
    Col("status", "Status", "text", 8),
    Col("phase", "Phase", "text", 9),
    Col("start", "Start", "date", 10.5),
    Col("finish", "Finish", "date", 10.5),
    Col("bac", "BAC", "money", 12),
    Col("eac", "EAC", "money", 12),
    Col("vac", "VAC", "money", 11),
    Col("cpi", "CPI", "ratio", 6),
    Col("spi", "SPI", "ratio", 6),
    Col("rag_scope", "Scope", "rag", 7),
    Col("rag_schedule", "Schedule", "rag", 8),
    Col("rag_cost", "Cost", "rag", 7),
    Col("rag_resources", "Resources", "rag", 9),
    Col("rag_overall", "Overall", "rag", 8),
    Col("trend", "Trend", "trend", 6),
    Col("rag_history", "RAG, last 12 months", "text", 15),
    Col("overall_reason", "Why (overall RAG)", "wrap", 30),
    Col("rank", "Priority rank", "count", 7),
    Col("commentary", "PM commentary", "wrap", 30),
)


FIELDS = [c.field for c in COLUMNS]


def write_portfolio(workbook: Workbook, styles: Styles, model: ReportModel) -> Worksheet:
    sheet = workbook.add_worksheet(NAME)
    table, cut = cut_portfolio(model, model.portfolio, NAME)
    sheet_title(sheet, styles, model, "Portfolio",
                f"{model.title} · {model.period_label} · {len(model.portfolio)} projects, ordered by programme · "
                f"RAG: Scope to Resources as reported by the PM; Overall the worst of them and of the indices (CPI, SPI, SPI(t), TCPI) · "
                f"Trend: overall RAG against {model.previous_label} (▲ better, ▼ worse, ► same) · "
                "RAG, last 12 months: oldest first, □ no figures (months as reported where closed, see Trends)")
    if cut:
        sheet.write_string(HEADER_ROW - 1, 0, cut.note.capitalize(), styles.note)
    last_row = write_table(sheet, styles, TABLE, HEADER_ROW, 0, table, COLUMNS)
    draw_rag_history(sheet, styles, HEADER_ROW + 1, FIELDS.index("rag_history"), table["rag_history"].tolist())
    programme = table["programme"].fillna("").tolist()
    starts = group_starts(HEADER_ROW + 1, programme)
    page_setup(sheet, model, repeat_row=HEADER_ROW, last_col=len(COLUMNS) - 1, last_row=last_row, freeze=(HEADER_ROW + 1, 2),
               starts=starts)
    return sheet
