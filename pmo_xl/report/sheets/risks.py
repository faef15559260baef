"""The Risks sheet: the 5 × 5 probability-impact matrix of open risks, band counts, top risks by exposure."""

from __future__ import annotations

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pmo_xl.compute.risk import BAND_UPPER, BANDS, LEVELS, band_of, high_risks_name
from pmo_xl.report import formats as F
from pmo_xl.report.model import ReportModel
from pmo_xl.report.sheets.common import (
    Col,
    Styles,
    page_setup,
    shared_widths,
    sheet_title,
    unavailable,
    write_table,
)

NAME = "Risks"
PROBABILITY = {5: "5 Almost certain", 4: "4 Likely", 3: "3 Possible", 2: "2 Unlikely", 1: "1 Rare"}
IMPACT = {1: "1 Minor", 2: "2 Moderate", 3: "3 Significant", 4: "4 Major", 5: "5 Severe"}

BAND_TABLE = (Col("band", "Band", "band", 18), Col("range", "Score", "text", 10), Col("count", "Open risks", "count", 12),
              Col("exposure", "Exposure", "money", 13))
# The matrix sits in columns A-F: the top-risk columns under it have similar widths, and the
# long risk text comes last.
TOP = (
    Col("rank", "#", "count", 18), Col("risk_id", "Risk ID", "text", 13), Col("project_id", "Project ID", "text", 13),
    Col("project", "Project", "wrap", 13), Col("category", "Category", "text", 13), Col("owner", "Owner", "text", 15),
    Col("probability", "P", "count", 5), Col("impact", "I", "count", 5), Col("score", "Score", "count", 7),
    Col("band", "Band", "band", 9), Col("cost_impact", "Cost impact", "money", 13), Col("probability_share", "Chance", "pct", 8),
    Col("exposure", "Exposure", "money", 13), Col("response", "Response", "text", 10), Col("due", "Review due", "date", 11),
    Col("review_overdue", "Review overdue", "text", 9), Col("title", "Risk", "wrap", 44),
)
MATRIX_COLUMNS = (Col("label", "", "text", 18), *(Col(f"i{i}", "", "count", 13) for i in LEVELS))


def write_risks(workbook: Workbook, styles: Styles, model: ReportModel) -> Worksheet:
    sheet = workbook.add_worksheet(NAME)
    risks = model.risks
    if risks is None:
        sheet_title(sheet, styles, model, "Risks")
        unavailable(sheet, styles, 3, model.unavailable.get(NAME, "no risk figures"))
        page_setup(sheet, model)
        return sheet
    sheet_title(sheet, styles, model, "Risks",
                f"{model.title} · {model.period_label} · {risks.open_count} open risks · "
                f"{high_risks_name(risks.high_score)} (open, the Dashboard's tile): {risks.high_count} · "
                "score = probability × impact · exposure = chance × cost impact, chance 10/30/50/70/90 % for probability 1-5")
    shared_widths(sheet, (0, MATRIX_COLUMNS), (0, BAND_TABLE), (0, TOP))
    row = 3
    sheet.write_string(row, 0, "Probability × impact of open risks (count per cell)", styles.heading)
    row = _matrix(sheet, styles, risks.matrix, row + 1)
    band_rows = risks.by_band.assign(range=[f"{lo}-{hi}" for lo, hi in zip((1, *(u + 1 for u in BAND_UPPER[:-1])), BAND_UPPER, strict=True)])
    sheet.write_string(row, 0, "Open risks by band", styles.heading)
    last = write_table(sheet, styles, "tblRiskBands", row + 1, 0, band_rows, BAND_TABLE, set_widths=False)
    _band_colours(sheet, styles, row + 2, 0, last, 0)
    row = last + 3
    top = risks.top.assign(rank=range(1, len(risks.top) + 1))
    sheet.write_string(row, 0, f"Top {len(top)} open risks by exposure", styles.heading)
    last = write_table(sheet, styles, "tblTopRisks", row + 1, 0, top, TOP, set_widths=False)
    band_col = [c.field for c in TOP].index("band")
    _band_colours(sheet, styles, row + 2, band_col, last, band_col)
    # The top risks come last, so their header can repeat on every page they run onto.
    page_setup(sheet, model, last_col=len(TOP) - 1, last_row=last, repeat_row=row + 1, starts=[])
    return sheet


def _matrix(sheet: Worksheet, styles: Styles, matrix, row: int) -> int:
    """Rows probability 5..1, columns impact 1..5, each cell filled by its band; returns the next free row."""
    corner = styles.get(bold=True, font_size=9, font_color=F.GREY, text_wrap=True, align="center", valign="vcenter")
    sheet.write_string(row, 0, "Probability ↓  Impact →", corner)
    for col, level in enumerate(LEVELS, start=1):
        sheet.write_string(row, col, IMPACT[level], styles.get(bold=True, align="center", bottom=2))
    for offset, probability in enumerate(matrix.index.tolist()):
        r = row + 1 + offset
        sheet.write_string(r, 0, PROBABILITY[int(probability)], styles.get(bold=True, align="right", valign="vcenter", right=2))
        for col, impact in enumerate(matrix.columns.tolist(), start=1):
            band = band_of([probability * impact])[0]
            count = int(matrix.loc[probability, impact])
            fill = styles.get(bg_color=F.BAND_FILL[band], align="center", valign="vcenter", border=1, border_color="#FFFFFF",
                              font_size=14 if count else 10, bold=bool(count), font_color="#000000" if count else "#7F7F7F")
            sheet.write_number(r, col, count, fill)
        sheet.set_row(r, 28)
    legend_row = row + 7
    for col, band in enumerate(BANDS, start=1):
        upper = BAND_UPPER[BANDS.index(band)]
        lower = 1 if col == 1 else BAND_UPPER[col - 2] + 1
        sheet.write_string(legend_row, col, f"{band} {lower}-{upper}", styles.get(bg_color=F.BAND_FILL[band], align="center", font_size=9))
    return legend_row + 2


def _band_colours(sheet: Worksheet, styles: Styles, r1: int, c1: int, r2: int, c2: int) -> None:
    for band, colour in F.BAND_FILL.items():
        sheet.conditional_format(r1, c1, r2, c2, {"type": "cell", "criteria": "==", "value": f'"{band}"',
                                                  "format": styles.get(bg_color=colour)})
