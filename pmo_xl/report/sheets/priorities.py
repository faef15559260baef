"""The Priorities sheet: criteria weights, the selection result, the efficient frontier, the ranking."""

from __future__ import annotations

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pmo_xl.report import formats as F
from pmo_xl.report.model import ReportModel
from pmo_xl.report.print_edition import cut_ranking
from pmo_xl.report.sheets.common import (
    Col,
    Styles,
    page_setup,
    put,
    shared_widths,
    sheet_title,
    unavailable,
    write_table,
)

NAME = "Priorities"
CONTRIB = "contrib:"

# The small tables sit from column C (the ranking's wide "Project" column) so the shared widths stay tight.
SIDE_COL = 2
WEIGHTS = (
    Col("criterion", "Criterion", "text", 22), Col("weight", "Weight used", "pct1", 9), Col("typed_weight", "Typed weight", "pct1", 9),
    Col("ahp_weight", "AHP weight", "pct1", 9), Col("direction", "Direction", "wrap", 16), Col("source", "Weights from", "wrap", 13),
)
FRONTIER = (
    Col("budget", "Budget", "money", 14), Col("cost", "Cost of the best portfolio", "money", 14), Col("value", "Value", "score", 9),
    Col("n_selected", "Projects", "count", 9), Col("optimal", "Optimal", "text", 9), Col("current_text", "This budget", "text", 13),
)


def _ranking_columns(criteria: list[str]) -> list[Col]:
    head = [Col("rank", "Rank", "count", 7), Col("project_id", "Project ID", "text", 10), Col("name", "Project", "wrap", 26),
            Col("status", "Status", "text", 10), Col("bac", "BAC", "money", 13), Col("score", "Score", "score", 8),
            Col("score_pct", "Score % of max", "pct", 9)]
    contributions = [Col(f"{CONTRIB}{c}", f"{c} (points)", "score", 11) for c in criteria]
    tail = [Col("selected", "Selected", "text", 9), Col("reason", "Selection reason", "wrap", 38), Col("rank_note", "Rank note (ties)", "wrap", 30)]
    return head + contributions + tail


def write_priorities(workbook: Workbook, styles: Styles, model: ReportModel) -> Worksheet:
    sheet = workbook.add_worksheet(NAME)
    view = model.priorities
    if view is None:
        sheet_title(sheet, styles, model, "Priorities")
        unavailable(sheet, styles, 3, model.unavailable.get(NAME, "no prioritisation result"))
        page_setup(sheet, model)
        return sheet
    sheet_title(sheet, styles, model, "Priorities and portfolio selection",
                f"{model.title} · {model.period_label} · score = Σ weight × score on each criterion (criteria where lower is better "
                "turned round) · selection maximises value within the budget and role capacity (MILP)")
    ranking_cols = _ranking_columns(view.criteria)
    shared_widths(sheet, (0, ranking_cols), (SIDE_COL, WEIGHTS), (SIDE_COL, FRONTIER))
    row = 3
    sheet.write_string(row, SIDE_COL, "Criteria and weights", styles.heading)
    row = write_table(sheet, styles, "tblCriteria", row + 1, SIDE_COL, view.weights, WEIGHTS, set_widths=False) + 1
    if view.consistency:
        sheet.write_string(row, SIDE_COL, view.consistency, styles.note)
    row += 2
    sheet.write_string(row, SIDE_COL, "Selection", styles.heading)
    money = styles.get(num_format=model.money_format, align="left")
    for label, value in view.summary:
        row += 1
        is_money = label.endswith("(money)")
        sheet.write_string(row, SIDE_COL, label.replace(" (money)", ""), styles.label)
        put(sheet, row, SIDE_COL + 1, value, money if is_money else styles.get(align="left", num_format="0.00" if isinstance(value, float) else "General"))
    summary_end = row
    row += 2
    # The frontier before the ranking: the ranking is the long list, last, its header repeated on every page.
    sheet.write_string(row, SIDE_COL, "Efficient frontier: the best value each budget can buy", styles.heading)
    frontier = view.frontier.assign(current_text=view.frontier["current"].map({True: "◄ this budget", False: ""}),
                                    optimal=view.frontier["optimal"].map({True: "Yes", False: "No"}))
    first = row + 2
    last = write_table(sheet, styles, "tblFrontier", row + 1, SIDE_COL, frontier, FRONTIER, set_widths=False)
    _frontier_chart(workbook, sheet, model, first, last, frontier, summary_end)
    row = last + 3
    ranking, cut = cut_ranking(model, view.ranking)
    title = f"Ranking ({len(view.ranking)} projects; proposed to active are ranked, others listed)"
    sheet.write_string(row, 0, title + (f" — {cut.note}" if cut else ""), styles.heading)
    last = write_table(sheet, styles, "tblRanking", row + 1, 0, ranking, ranking_cols, set_widths=False)
    rag_like = next(i for i, c in enumerate(ranking_cols) if c.field == "selected")
    yes = styles.get(bg_color=F.RAG_FILL["Green"], font_color=F.RAG_FONT["Green"])
    sheet.conditional_format(row + 2, rag_like, last, rag_like, {"type": "cell", "criteria": "==", "value": '"Yes"', "format": yes})
    page_setup(sheet, model, last_col=len(ranking_cols) - 1, last_row=last, repeat_row=row + 1, starts=[row])
    return sheet


def _frontier_chart(workbook: Workbook, sheet: Worksheet, model: ReportModel, first: int, last: int, frontier, summary_end: int) -> None:
    """Value against budget (a step-like line), the current budget highlighted; beside the weights."""
    chart = workbook.add_chart({"type": "scatter", "subtype": "straight_with_markers"})
    x, y = SIDE_COL, SIDE_COL + 2  # budget and value columns of tblFrontier
    chart.add_series({"name": "Best value for the budget", "categories": [NAME, first, x, last, x], "values": [NAME, first, y, last, y],
                      "line": {"color": F.ACCENT, "width": 2}, "marker": {"type": "circle", "size": 5, "fill": {"color": F.ACCENT}}})
    current = [i for i, flag in enumerate(frontier["current"].tolist()) if flag is True]
    if current:
        r = first + current[0]
        chart.add_series({"name": "Budget available", "categories": [NAME, r, x, r, x], "values": [NAME, r, y, r, y],
                          "marker": {"type": "diamond", "size": 11, "fill": {"color": F.RAG_SOLID["Red"]}, "border": {"color": "#FFFFFF"}}})
    money = model.money_format.split(";")[0]
    from pmo_xl.report.sheets.dashboard import _scaled

    budgets = frontier["budget"].to_numpy(dtype=float)
    chart.set_x_axis({"name": "Budget", "num_format": _scaled(money, float(abs(budgets).max()) if len(budgets) else float("nan")),
                      "num_font": {"size": 8}, "name_font": {"size": 9}, "major_gridlines": {"visible": True, "line": {"color": "#EEEEEE"}}})
    chart.set_y_axis({"name": "Total value (score points)", "num_font": {"size": 8}, "name_font": {"size": 9},
                      "major_gridlines": {"visible": True, "line": {"color": "#EEEEEE"}}})
    chart.set_title({"name": "Efficient frontier", "name_font": {"size": 11, "bold": True, "color": F.HEADER_BLUE}})
    chart.set_legend({"position": "bottom", "font": {"size": 8}})
    chart.set_size({"width": 620, "height": 20 * (summary_end + 1 - 3) - 8})  # rows of 20 px, to the ranking
    # Beside the weights and the selection summary, above the ranking.
    sheet.insert_chart(3, SIDE_COL + len(WEIGHTS) + 1, chart, {"x_offset": 10, "y_offset": 4, "object_position": 2})
