"""The Exceptions sheet: what the committee is asked for this month, then what needs its attention.

Second in the pack, after the Dashboard. Two sections under one column header (repeated on
every printed page): "Needs from the committee" — each PM's ask of the month, with the project's
RAG, its reason and its budget beside it — and the exceptions (Red projects, late updates,
milestones missed or slipped, over-allocated people), at most MAX_PER_KIND of each kind, the most
material first (what was left out of the figures first), with a last row saying how many more
there are and on which sheet. Pages break
between sections and kinds, never inside a row. In print the asks are cut to the first PRINT_NEEDS
(see print_edition.py).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pmo_xl.report import formats as F
from pmo_xl.report.model import ReportModel
from pmo_xl.report.model_dashboard import MAX_PER_KIND
from pmo_xl.report.print_edition import cut_needs
from pmo_xl.report.sheets.common import LINE_HEIGHT, Styles, page_setup, set_width, sheet_title, wrapped_lines

NAME = "Exceptions"
# kind, ID, name, item, reason: about 165 characters across an A4 landscape page
COLUMNS = (("kind", "Kind", 17), ("id", "ID", 10), ("name", "Name", 30), ("item", "Item", 24), ("reason", "What and why", 78))
HEADER_ROW = 3
KIND_COLOURS = {"Needs from the committee": F.HEADER_BLUE, "Left out": F.RAG_FONT["Red"], "Red project": F.RAG_FONT["Red"], "Over-allocated": F.RAG_FONT["Amber"],
                "Milestone missed": F.RAG_FONT["Red"]}


def write_exceptions(workbook: Workbook, styles: Styles, model: ReportModel) -> Worksheet:
    sheet = workbook.add_worksheet(NAME)
    needs, exceptions = model.committee_needs, model.exceptions
    sheet_title(sheet, styles, model, "Exceptions and what the committee is asked for",
                f"{model.title} · {model.period_label} · {len(needs)} project{'s' if len(needs) != 1 else ''} ask the committee "
                f"for something · the full lists are on the Portfolio, Milestones and Over-allocations sheets")
    for col, (_, header, width) in enumerate(COLUMNS):
        set_width(sheet, col, width)
        sheet.write_string(HEADER_ROW, col, header, styles.header)
    writer = _Rows(sheet, styles)
    writer.section(f"Needs from the committee — what each project manager asks for in {model.period_label}")
    needs, cut = cut_needs(model, needs)
    if cut:
        writer.note(cut.note.capitalize())
    if len(needs):
        writer.rows(_needs_rows(needs, model.currency))
    else:
        writer.note("No project manager asks the committee for anything this month (Progress, column 'Needs from the committee').")
    more = int(exceptions["name"].astype(str).str.startswith("… and ").sum()) if len(exceptions) else 0
    title = "Exceptions needing attention" + (f" — the first {MAX_PER_KIND} of each kind, the most material first" if more else "")
    writer.section(title)
    if len(exceptions):
        writer.rows(exceptions.to_dict("records"))
    else:
        writer.note("No exceptions this period.")
    page_setup(sheet, model, repeat_row=HEADER_ROW, last_col=len(COLUMNS) - 1, last_row=writer.row, starts=writer.starts,
               freeze=(HEADER_ROW + 1, 0))
    return sheet


def _needs_rows(needs: pd.DataFrame, currency: str) -> list[dict[str, object]]:
    """The asks as rows of the sheet: the ask first, then the project's state to weigh it by."""
    rows = []
    for record in needs.to_dict("records"):
        state = f"Overall {record['rag']}: {record['reason']}" if _text(record["rag"]) else "Not rated"
        money = ", ".join(f"{label} {_money(record[key], currency)}" for label, key in (("BAC", "bac"), ("VAC", "vac"))
                          if np.isfinite(float(record[key])))
        rows.append({"kind": "Needs from the committee", "id": record["project_id"], "name": record["name"],
                     "item": " · ".join(t for t in (_text(record["programme"]), f"PM {_text(record['manager'])}" if _text(record["manager"]) else "") if t),
                     "reason": f"{record['needs']}\n{state}" + (f" ({money})" if money else ""), "rag": _text(record["rag"])})
    return rows


def _money(value: object, currency: str) -> str:
    """Money in thousands or millions, as the tiles show it (a text cannot carry a number format)."""
    number = float(value)  # type: ignore[arg-type]
    size = abs(number)
    shown = f"{size / 1e6:,.1f}m" if size >= 1e6 else f"{size / 1e3:,.0f}k" if size >= 1e4 else f"{size:,.0f}"
    return f"{'−' if number < 0 else ''}{currency} {shown}".strip()


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


class _Rows:
    """Writes the sections' rows below the header, keeping where each group starts for the page breaks."""

    def __init__(self, sheet: Worksheet, styles: Styles) -> None:
        self.sheet, self.styles = sheet, styles
        self.row = HEADER_ROW
        self.starts: list[int] = []
        get = styles.get
        self.body = get(text_wrap=True, valign="top", border=1, border_color="#D9D9D9")
        self.kinds = {kind: get(text_wrap=True, valign="top", border=1, border_color="#D9D9D9", bold=True, font_color=colour)
                      for kind, colour in KIND_COLOURS.items()}
        self.rag = {rag: get(text_wrap=True, valign="top", border=1, border_color="#D9D9D9", bg_color=F.RAG_FILL[rag],
                             font_color=F.RAG_FONT[rag]) for rag in F.RAG_FILL}
        self.heading = get(bold=True, font_size=11, font_color=F.HEADER_BLUE, valign="bottom")

    def section(self, title: str) -> None:
        self.row += 1 if self.row == HEADER_ROW else 2
        self.starts.append(self.row)
        self.sheet.set_row(self.row, 21)
        self.sheet.write_string(self.row, 0, title, self.heading)

    def note(self, text: str) -> None:
        self.row += 1
        self.sheet.write_string(self.row, 0, text, self.styles.note)

    def rows(self, records: list[dict[str, object]]) -> None:
        kind_before = None
        for record in records:
            self.row += 1
            kind = _text(record.get("kind"))
            if kind != kind_before and kind_before is not None:
                self.starts.append(self.row)  # a page may break where a kind starts
            kind_before = kind
            lines = 1
            for col, (field, _, width) in enumerate(COLUMNS):
                text = _text(record.get(field))
                cell_format = self.kinds.get(text, self.body) if field == "kind" else self.body
                if field == "id" and record.get("rag") in self.rag:
                    cell_format = self.rag[str(record["rag"])]  # an ask is read against the project's RAG
                self.sheet.write_string(self.row, col, text, cell_format)
                lines = max(lines, wrapped_lines(text, width) if text else 1)
            self.sheet.set_row(self.row, LINE_HEIGHT * lines + 2.25)  # wrapped cells: set the height, renderers differ
