"""Write the PM project-update workbook: blank, prefilled, or as a feedback copy with problems marked.

Everything comes from `pmo_xl.collect.form` (itself derived from the schema) and the portfolio
template writer's pieces (`new_workbook`, `Styles`, `write_table`, `write_cell`), so the update
guides the PM exactly as the portfolio does: drop-downs, number/date validation with input
messages, number formats. Output is deterministic: building twice gives identical bytes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pmo_xl import __version__
from pmo_xl.collect.form import (
    FORM_COLUMNS,
    FORM_HEADER_ROW,
    FORM_TABLE,
    TEMPLATE_VERSION,
    UPDATE_SHEET,
    UPDATE_TABLE,
    UPDATE_TABLES,
    VERSION_NAME,
    UpdateData,
)
from pmo_xl.io.write_template import (
    FIXED_CREATED,
    Styles,
    add_validation,
    new_workbook,
    write_cell,
    write_table,
)
from pmo_xl.schema.columns import Column
from pmo_xl.schema.registers import PROGRESS

MARK_COLOURS = {"error": "#FFC7CE", "warning": "#FFEB9C", "info": "#DDEBF7"}
FIRST_LINE_ROW0 = FORM_HEADER_ROW  # 0-based row of the first form line (just below the header)


def form_row(field_name: str) -> int:
    """1-based Excel row of a form line in the current template."""
    return FIRST_LINE_ROW0 + 1 + [c.field for c in FORM_COLUMNS].index(field_name)


@dataclass
class Marks:
    """Problems to show in a feedback copy: cells to colour and comment, and the list for the Feedback sheet."""

    cells: dict[tuple[str, int, int], tuple[str, str]] = field(default_factory=dict)  # (sheet, row0, col0) -> (severity, text)
    lines: list[tuple[str, str, str, str]] = field(default_factory=list)  # (sheet, cell, severity, message)
    summary: Sequence[str] = ()  # sentences at the top of the Feedback sheet


def write_update_template(
    path: str | Path,
    project: str | Mapping[str, object] | None = None,
    period: dt.date | str | None = None,
    prefill: UpdateData | None = None,
) -> Path:
    """Write a project-update workbook: blank, or for one project and month, optionally prefilled.

    `project` is a project ID or a mapping of header fields (project_id, project_name, manager);
    `period` a date in the month or "YYYY-MM"; `prefill` the figures and rows to start from.
    """
    data = UpdateData() if prefill is None else UpdateData(
        dict(prefill.header), dict(prefill.progress), list(prefill.risks), list(prefill.milestones), list(prefill.allocations),
        {name: list(rows) for name, rows in prefill.registers.items()})
    if isinstance(project, str):
        data.header["project_id"] = project
    elif project is not None:
        data.header.update({k: v for k, v in project.items() if v is not None})
    if period is not None:
        data.header["period"] = _month(period)
    return write_update_workbook(path, data)


def write_update_workbook(path: str | Path, data: UpdateData, marks: Marks | None = None) -> Path:
    """The update workbook for `data` (raw or typed values), with a Feedback sheet when `marks` is given."""
    path = Path(path)
    workbook = new_workbook(path)
    workbook.set_properties({"title": "PMO project update", "subject": f"template version {TEMPLATE_VERSION}",
                             "creator": f"pmo-xl {__version__}", "created": FIXED_CREATED})
    workbook.define_name(VERSION_NAME, f"={TEMPLATE_VERSION}")
    styles = Styles(workbook)
    painter = _Painter(workbook, marks)
    feedback = _write_feedback_sheet(workbook, styles, marks) if marks is not None else None
    _write_instructions(workbook, styles)
    form = _write_form(workbook, styles, data, painter)
    for table in UPDATE_TABLES:
        sheet = workbook.add_worksheet(table.sheet)
        sheet.freeze_panes(1, 0)
        columns = table.register.columns
        rows = [[row.get(c.field) for c in columns] for row in data.rows_for(table.sheet)]
        write_table(sheet, styles, table.register.table, 0, 0, columns, rows)
        painter.paint(sheet, table.sheet, columns, rows, first_row0=1)
    for sheet in workbook.worksheets():
        sheet.set_landscape()  # printed for a steering meeting: one page wide, as many long as needed
        sheet.fit_to_pages(1, 0)
    (feedback or form).activate()
    workbook.close()
    return path


def _month(value: dt.date | str) -> dt.date:
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, 1)
    match = re.fullmatch(r"\s*(\d{4})-(\d{1,2})(-\d{1,2})?\s*", str(value))
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"period {value!r}: expected a date or YYYY-MM")
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def _write_form(workbook: Workbook, styles: Styles, data: UpdateData, painter: _Painter) -> Worksheet:
    """The Update sheet: title, then tblUpdate with one line per header field and Progress column."""
    sheet = workbook.add_worksheet(UPDATE_SHEET)
    sheet.write_string(0, 0, "Project update", styles.title)
    sheet.write_string(1, 0, "Fill in column B, one line per item; the Guidance column says what each line means. "
                             "Figures are cumulative to the end of the reporting month.")
    values = {**data.header, **data.progress, "template_version": TEMPLATE_VERSION}
    lines = [[c.header, None, c.meaning + (" Required." if c.required else "")] for c in FORM_COLUMNS]
    write_table(sheet, styles, UPDATE_TABLE, FORM_HEADER_ROW - 1, 0, FORM_TABLE.columns, lines, validate=False)
    for offset, column in enumerate(FORM_COLUMNS):
        row0 = FIRST_LINE_ROW0 + offset
        cell_format = styles.wrap if column.field == "commentary" else styles.for_format(column.number_format)
        value = values.get(column.field)
        if value is None:
            sheet.write_blank(row0, 1, None, cell_format)
        else:
            write_cell(sheet, row0, 1, value, cell_format)
        add_validation(sheet, row0, 1, row0, column)
        painter.paint_cell(sheet, UPDATE_SHEET, row0, 1, value, column)
    commentary = FIRST_LINE_ROW0 + [c.field for c in FORM_COLUMNS].index("commentary")
    sheet.set_row(commentary, 60)
    top = styles.workbook.add_format({"valign": "top"})
    label, _, guidance = lines[commentary - FIRST_LINE_ROW0]
    sheet.write_string(commentary, 0, str(label), top)  # the label beside its tall cell, at the top
    sheet.write_string(commentary, 2, str(guidance), top)
    sheet.freeze_panes(FORM_HEADER_ROW, 0)
    return sheet


def _write_instructions(workbook: Workbook, styles: Styles) -> Worksheet:
    sheet = workbook.add_worksheet("Instructions")
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 110, styles.wrap)
    sheet.write_string(0, 0, f"Project update — template version {TEMPLATE_VERSION}", styles.title)
    lines = [
        ("What this is", "One update per project and month, sent to the PMO. The PMO collects every update with "
                         "pmo-xl, checks it and merges it into the portfolio; any problem comes back to you pointed at its cell."),
        ("How to fill", "Keep the sheets and tables as they are: add rows at the bottom of a table, do not rename sheets. "
                        "Dates as dates, money as numbers, percentages as fractions (0.4) or with a % sign (40%). "
                        "Text is kept as text, even when it starts with '='."),
        (UPDATE_SHEET, f"{PROGRESS.meaning} Required: "
                       + ", ".join(c.header for c in FORM_COLUMNS if c.required) + "; and EV or % complete."),
    ]
    for table in UPDATE_TABLES:
        required = ", ".join(c.header for c in table.register.columns if c.required)
        lines.append((table.sheet, f"{table.register.meaning} Required in each row: {required}. "
                                   "Leave the table empty when there is nothing to report: it then changes nothing."))
    lines.append(("Resubmitting", "To correct an update, send it again with a later 'Submitted on' date: the later one counts."))
    label_format = workbook.add_format({"bold": True, "valign": "top"})
    for index, (label, text) in enumerate(lines, start=2):
        sheet.write_string(index, 0, label, label_format)
        sheet.write_string(index, 1, text, styles.wrap)
        sheet.set_row(index, 15 * (1 + len(text) // 120))  # wrapped text: not every application sizes the row
    return sheet


def _write_feedback_sheet(workbook: Workbook, styles: Styles, marks: Marks) -> Worksheet:
    sheet = workbook.add_worksheet("Feedback")
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 10)
    sheet.set_column(2, 2, 10)
    sheet.set_column(3, 3, 110, styles.wrap)
    sheet.write_string(0, 0, "Feedback on your update", styles.title)
    for offset, sentence in enumerate(marks.summary):
        sheet.write_string(1 + offset, 0, sentence)
    first = 2 + len(marks.summary)
    columns = (Column("sheet", "Sheet", FORM_TABLE.columns[0].kind, "Sheet"),
               Column("cell", "Cell", FORM_TABLE.columns[0].kind, "Cell"),
               Column("severity", "Severity", FORM_TABLE.columns[0].kind, "Severity"),
               Column("message", "Problem", FORM_TABLE.columns[0].kind, "What to fix"))
    write_table(sheet, styles, "tblFeedback", first, 0, columns, [list(line) for line in marks.lines], validate=False)
    for index, (sheet_name, cell, _, _) in enumerate(marks.lines):
        if cell:
            target = "'" + sheet_name.replace("'", "''") + "'!" + cell
            sheet.write_url(first + 1 + index, 1, f"internal:{target}", string=cell)
    return sheet


class _Painter:
    """Colours and comments the cells named in `marks` (no-op for a blank template)."""

    def __init__(self, workbook: Workbook, marks: Marks | None) -> None:
        self.workbook = workbook
        self.marks = marks
        self._formats: dict[tuple[str | None, str], object] = {}

    def _format(self, number_format: str | None, severity: str) -> object:
        key = (number_format, severity)
        if key not in self._formats:
            spec: dict[str, object] = {"bg_color": MARK_COLOURS.get(severity, MARK_COLOURS["error"]), "border": 1}
            if number_format:
                spec["num_format"] = number_format
            self._formats[key] = self.workbook.add_format(spec)
        return self._formats[key]

    def paint_cell(self, sheet: Worksheet, sheet_name: str, row0: int, col0: int, value: object, column: Column) -> None:
        if self.marks is None or (sheet_name, row0, col0) not in self.marks.cells:
            return
        severity, text = self.marks.cells[(sheet_name, row0, col0)]
        cell_format = self._format(column.number_format, severity)
        if value is None:
            sheet.write_blank(row0, col0, None, cell_format)
        else:
            write_cell(sheet, row0, col0, value, cell_format)
        sheet.write_comment(row0, col0, text[:2000], {"author": "pmo-xl", "x_scale": 2.5, "y_scale": 2})

    def paint(self, sheet: Worksheet, sheet_name: str, columns: Sequence[Column], rows: Sequence[Sequence[object]],
              first_row0: int) -> None:
        if self.marks is None:
            return
        for (name, row0, col0), _ in self.marks.cells.items():
            index = row0 - first_row0
            if name == sheet_name and 0 <= index < len(rows) and col0 < len(columns):
                self.paint_cell(sheet, sheet_name, row0, col0, rows[index][col0], columns[col0])
