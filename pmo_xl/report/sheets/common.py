"""What every report sheet shares: formats, safe cell writing, Excel Tables, RAG colours, print setup.

Cell writing is by column and by kind, never through XlsxWriter's guessing `write()`: text is
always `write_string` (a PM's comment "=HYPERLINK(...)" stays text), numbers are written only
when finite (NaN, ±inf and NaT leave the cell blank, so no `#DIV/0!`, `#NUM!` or `NaN` can
appear), dates as Excel dates.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pmo_xl.io.block_sheet import BlockSheet
from pmo_xl.io.table_headers import unique_headers
from pmo_xl.report import formats as F
from pmo_xl.report.model import ReportModel
from pmo_xl.report.sheets.paging import A4, MARGIN_SIDE, MARGIN_TOP, paginate

TABLE_STYLE = "Table Style Light 9"
BASE_FONT = {"font_name": "Calibri", "font_size": 10}


class CellKind(enum.StrEnum):
    """What a report column holds: decides its number format, alignment and how it is written."""

    TEXT = "text"
    WRAP = "wrap"  # long text, wrapped
    BAND = "band"  # a risk band's name, as text (the sheet colours the cell by its band)
    MONEY = "money"  # in the portfolio's currency format
    RATIO = "ratio"  # CPI, SPI: 0.00
    PCT = "pct"
    PCT1 = "pct1"  # a percentage with one decimal
    SPCT = "spct"  # a signed percentage (a change)
    INT = "int"
    COUNT = "count"
    DATE = "date"
    MONTH = "month"
    DAYS = "days"
    MONTHS = "months"
    HOURS = "hours"
    SCORE = "score"
    RAG = "rag"  # Red/Amber/Green, centred (the sheet colours it)
    TREND = "trend"  # an arrow, centred
    MARKER = "marker"  # a short mark (the Milestone timeline's diamonds), centred


@dataclass(frozen=True)
class Col:
    """One column of a report table: model field, printed header, kind of value, width."""

    field: str
    header: str
    kind: CellKind = CellKind.TEXT  # a kind name ("money") is taken as its CellKind; an unknown one is refused
    width: float = 12
    now: bool = False  # the status period's column: its header stands out

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", CellKind(self.kind))  # ValueError on a misspelt kind, at import


NUMBER_FORMATS: dict[str, str] = {
    CellKind.RATIO: F.RATIO, CellKind.PCT: F.PERCENT, CellKind.PCT1: F.PERCENT_1, CellKind.SPCT: F.SIGNED_PERCENT,
    CellKind.INT: F.INTEGER, CellKind.COUNT: F.COUNT, CellKind.DATE: F.DATE, CellKind.MONTH: F.MONTH, CellKind.DAYS: F.DAYS,
    CellKind.MONTHS: F.MONTHS, CellKind.HOURS: F.HOURS, CellKind.SCORE: F.SCORE,
}
NUMERIC = frozenset({CellKind.MONEY, *NUMBER_FORMATS} - {CellKind.DATE, CellKind.MONTH})
DATES = frozenset({CellKind.DATE, CellKind.MONTH})


class Styles:
    """The report's cell formats, made once per workbook and reused (XlsxWriter keeps one per style)."""

    def __init__(self, workbook: Workbook, model: ReportModel) -> None:
        self.workbook = workbook
        self.money = model.money_format
        self._cache: dict[tuple[tuple[str, Any], ...], Any] = {}
        # The same properties asked for in the same order (a sheet asks per cell or per row):
        # found without merging and sorting them again.
        self._asked: dict[tuple[tuple[str, Any], ...], Any] = {}
        self.title = self.get(font_size=18, bold=True, font_color=F.HEADER_BLUE)
        self.subtitle = self.get(font_size=11, font_color=F.GREY)
        self.heading = self.get(font_size=13, bold=True, font_color=F.HEADER_BLUE)
        self.note = self.get(italic=True, font_color=F.GREY, font_size=9)
        self.header = self.get(bold=True, font_color="#FFFFFF", bg_color=F.HEADER_BLUE, text_wrap=True, valign="vcenter", border=1,
                               border_color="#BFBFBF")
        self.header_now = self.get(bold=True, font_color="#FFFFFF", bg_color=F.RAG_SOLID["Amber"], text_wrap=True, valign="vcenter",
                                   border=1, border_color="#BFBFBF")
        self.label = self.get(bold=True)
        self.rag_formats = {rag: self.get(bg_color=F.RAG_FILL[rag], font_color=F.RAG_FONT[rag]) for rag in F.RAG_FILL}
        self.better = self.get(font_color=F.RAG_FONT["Green"], bold=True)
        self.worse = self.get(font_color=F.RAG_FONT["Red"], bold=True)

    def get(self, **properties: Any) -> Any:
        """A format with the base font and `properties`, shared between every cell that asks for it."""
        asked = tuple(properties.items())
        found = self._asked.get(asked)
        if found is None:
            merged = {**BASE_FONT, **properties}
            key = tuple(sorted(merged.items()))
            if key not in self._cache:
                self._cache[key] = self.workbook.add_format(merged)
            found = self._asked[asked] = self._cache[key]
        return found

    def number_format(self, kind: str) -> str | None:
        return self.money if kind == "money" else NUMBER_FORMATS.get(kind)

    def cell(self, kind: str, **extra: Any) -> Any:
        """The body format of a column kind."""
        props: dict[str, Any] = {"valign": "top"}
        number_format = self.number_format(kind)
        if number_format:
            props["num_format"] = number_format
        if kind == "wrap":
            props["text_wrap"] = True
        if kind in ("rag", "trend", "marker"):
            props["align"] = "center"
        props.update(extra)
        return self.get(**props)


def set_width(sheet: Worksheet, col: int, width: float) -> None:
    """Set a column's width and remember it, so row heights can be fitted to the real width."""
    sheet.set_column(col, col, width)
    widths: dict[int, float] = sheet.__dict__.setdefault("pmo_widths", {})
    widths[col] = width


def width_of(sheet: Worksheet, col: int, default: float) -> float:
    return sheet.__dict__.get("pmo_widths", {}).get(col, default)


def is_blank(value: object) -> bool:
    """True for what must be an empty cell: None, NaN, NaT, ±inf, empty text."""
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating):
        return not np.isfinite(value)
    if isinstance(value, str):
        return value == ""
    try:
        return bool(pd.isna(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def put(sheet: Worksheet, row: int, col: int, value: object, cell_format: Any = None) -> None:
    """Write one value by its Python type; blanks stay blank (with the format, for borders/fills)."""
    if value.__class__ is str and value:  # the usual cases, tested first
        sheet.write_string(row, col, value, cell_format)
        return
    if value.__class__ is float and value - value == 0:  # finite
        sheet.write_number(row, col, value, cell_format)
        return
    if value.__class__ is pd.Timestamp and value.tzinfo is None:  # a date without a time zone, as below
        sheet.write_datetime(row, col, value.to_pydatetime(), cell_format)
        return
    if is_blank(value):
        if cell_format is not None:
            sheet.write_blank(row, col, None, cell_format)
        return
    if isinstance(value, bool | np.bool_):
        sheet.write_string(row, col, "Yes" if value else "No", cell_format)
    elif isinstance(value, pd.Timestamp | dt.datetime):
        sheet.write_datetime(row, col, pd.Timestamp(value).to_pydatetime().replace(tzinfo=None), cell_format)
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, col, dt.datetime(value.year, value.month, value.day), cell_format)
    elif isinstance(value, int | float | np.integer | np.floating):
        sheet.write_number(row, col, float(value), cell_format)
    else:
        sheet.write_string(row, col, str(value), cell_format)


def write_column(sheet: Worksheet, first_row: int, col: int, values: pd.Series | Sequence[object], kind: str, cell_format: Any) -> None:
    """A column of values of one kind, fast: the type test happens once per column, not per cell.

    The cells that get a value are found for the whole column first, then handed to the sheet at
    once (a BlockSheet's write_numbers / write_datetimes / write_strings: what write_number,
    write_datetime and write_string do cell by cell, without their per-cell checks).
    """
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    if kind in NUMERIC:
        numbers = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64)
        offsets = np.flatnonzero(np.isfinite(numbers))
        cells_of(sheet).write_numbers((offsets + first_row).tolist(), col, numbers[offsets].tolist(), cell_format)
        if series.dtype == object:  # a figure that is a state, not a number ("unachievable"), is written as its word
            words = [(first_row + offset, value) for offset, value in enumerate(series.tolist()) if value.__class__ is str and value]
            cells_of(sheet).write_strings([row for row, _ in words], col, [word for _, word in words], cell_format)
    elif kind in DATES:
        stamps = pd.to_datetime(series, errors="coerce")
        offsets = np.flatnonzero(stamps.notna().to_numpy())
        # Plain datetimes straight from numpy (microseconds, as Timestamp.to_pydatetime gives them),
        # not one pandas Timestamp made per cell.
        moments = stamps.to_numpy()[offsets].astype("datetime64[us]").tolist()
        cells_of(sheet).write_datetimes((offsets + first_row).tolist(), col, moments, cell_format)
    else:
        rows, texts = [], []
        for offset, value in enumerate(series.tolist()):
            if value.__class__ is str:  # the usual case, tested first
                if value:
                    rows.append(first_row + offset)
                    texts.append(value)
            elif not is_blank(value):
                rows.append(first_row + offset)
                texts.append(("Yes" if value else "No") if isinstance(value, bool | np.bool_) else str(value))
        cells_of(sheet).write_strings(rows, col, texts, cell_format)


def cell_values(values: pd.Series, kind: str) -> list[object]:
    """What write_column writes in each row of `values` (None: no cell): a finite float, a word in a
    figure's column ("unachievable"), a datetime, or text ("Yes"/"No" for a flag)."""
    cells: list[object]
    if kind in NUMERIC:
        numeric = isinstance(values.dtype, np.dtype) and values.dtype.kind in "fiu"  # numbers already: no parse
        numbers = (values if numeric else pd.to_numeric(values, errors="coerce")).to_numpy(dtype=np.float64)
        boxed = numbers.astype(object)  # Python floats, and None where not finite: in one step
        boxed[~np.isfinite(numbers)] = None
        cells = boxed.tolist()
        if values.dtype == object:  # the word is written over the number where a text reads as one
            for offset, value in enumerate(values.tolist()):
                if value.__class__ is str and value:
                    cells[offset] = value
        return cells
    if kind in DATES:
        naive = isinstance(values.dtype, np.dtype) and values.dtype.kind == "M"  # datetime64 already (no time zone)
        stamps = values if naive else pd.to_datetime(values, errors="coerce")
        return stamps.to_numpy().astype("datetime64[us]").tolist()  # datetimes, None for NaT
    items = values.tolist()
    if set(map(type, items)) <= {str}:  # text only (the usual column): empty text is no cell
        return [text or None for text in items]
    cells = []
    for value in items:
        if value.__class__ is str:  # the usual case, tested first
            cells.append(value or None)
        elif is_blank(value):
            cells.append(None)
        else:
            cells.append(("Yes" if value else "No") if isinstance(value, bool | np.bool_) else str(value))
    return cells


def cells_of(sheet: Worksheet) -> BlockSheet:
    """The sheet's column writers: every report sheet is a BlockSheet (write.py makes them so)."""
    if not isinstance(sheet, BlockSheet):
        raise TypeError(f"report sheets are BlockSheets, not {type(sheet).__name__}: make the workbook with report_workbook()")
    return sheet


def write_table(
    sheet: Worksheet, styles: Styles, name: str, first_row: int, first_col: int, frame: pd.DataFrame, columns: Sequence[Col],
    set_widths: bool = True,
) -> int:
    """An Excel Table (header, filter buttons, banded rows) of `frame`; returns its last row (0-based).

    An empty frame still gets a table with one blank row: Excel Tables need a data row.
    """
    body: list[list[object]] = []
    for offset, column in enumerate(columns):
        if set_widths:
            set_width(sheet, first_col + offset, column.width)
        values = frame[column.field] if column.field in frame else pd.Series([None] * len(frame), dtype=object)
        body.append(cell_values(values, column.kind))  # (by position: the frame's index is not read)
    # The body as one block: each cell's XML made now, the rows joined when the workbook closes.
    cells_of(sheet).write_columns(first_row + 1, first_col, body, [styles.cell(column.kind) for column in columns])
    last_row = first_row + max(len(frame), 1)
    fit_heights(sheet, first_row, frame, [dataclasses.replace(c, width=width_of(sheet, first_col + i, c.width)) for i, c in enumerate(columns)])
    sheet.add_table(first_row, first_col, last_row, first_col + len(columns) - 1, {
        "name": name, "style": TABLE_STYLE,
        "columns": [{"header": h, "header_format": styles.header_now if c.now else styles.header}
                    for c, h in zip(columns, unique_headers([c.header for c in columns]), strict=True)],
    })
    for offset, column in enumerate(columns):
        if column.kind == "rag":
            rag_colours(sheet, styles, first_row + 1, first_col + offset, last_row, first_col + offset)
        elif column.kind == "trend":
            trend_colours(sheet, styles, first_row + 1, first_col + offset, last_row, first_col + offset)
    return last_row


# Text widths for fitting row heights, in em, from the advance widths of DejaVu Sans (/2048):
# the font LibreOffice falls back to when Calibri and Carlito are missing, and wider than
# Calibri, so the estimate errs on the side of a row too tall rather than text cut off.
_ADVANCE = dict(zip(
    " !\"#$%&'()*+,-./:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz",
    (651, 821, 942, 1716, 1303, 1946, 1597, 563, 799, 799, 1024, 1716, 651, 739, 651, 690, 690, 690, 1716, 1716, 1716, 1087, 2048,
     1401, 1405, 1430, 1577, 1294, 1178, 1587, 1540, 604, 604, 1343, 1141, 1767, 1532, 1612, 1235, 1612, 1423, 1300, 1251, 1499,
     1401, 2025, 1403, 1251, 1403, 799, 690, 799, 1716, 1024, 1024, 1255, 1300, 1126, 1300, 1260, 721, 1300, 1298, 569, 569, 1186,
     569, 1995, 1298, 1253, 1300, 1300, 842, 1067, 803, 1298, 1212, 1675, 1212, 1212, 1075), strict=True))
_ADVANCE.update(dict.fromkeys("0123456789", 1303))
BOLD_WIDER = 1.1
LINE_HEIGHT = 12.75  # points per line of 10-pt text


@functools.lru_cache(maxsize=65536)
def _em(text: str) -> float:
    """Width of `text` in em (cached: report texts repeat the same words)."""
    return sum(_ADVANCE.get(ch, 1400) for ch in text) / 2048


def _capacity(width: float) -> float:
    """Em of 10-pt text a wrapped cell `width` wide holds on one line (measured on LibreOffice prints)."""
    return max(1.0, 0.76 * width - 2.9)


@functools.lru_cache(maxsize=65536)
def wrapped_lines(text: str, width: float, scale: float = 1.0) -> int:
    """Lines `text` takes in a wrapped cell `width` wide: greedy word wrap, as Excel and LibreOffice do.

    Cached: a report fits the same texts in the same widths again (a third of the calls at 1,000 projects)."""
    capacity = _capacity(width)
    space = _ADVANCE[" "] / 2048 * scale
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split(" "):
            size = _em(word) * scale
            if used and used + space + size > capacity:
                lines += 1
                used = 0.0
            used += (space if used else 0.0) + size
            while used > capacity:  # a word longer than the line is broken across lines
                lines += 1
                used -= capacity
    return lines


def fit_heights(sheet: Worksheet, header_row: int, frame: pd.DataFrame, columns: Sequence[Col]) -> None:
    """Row heights for wrapped text, set explicitly.

    Neither LibreOffice (when it prints) nor Excel (when it opens an XlsxWriter file) re-fits row
    heights, so wrapped text would spill over the next row; computing them here keeps the
    output deterministic too.
    """
    header_lines = max(wrapped_lines(c.header, c.width, BOLD_WIDER) for c in columns) if columns else 1
    sheet.set_row(header_row, LINE_HEIGHT * max(header_lines, 1) + 4)
    wrapped = [c for c in columns if c.kind == "wrap" and c.field in frame]
    if not wrapped or not len(frame):
        return
    lines = np.ones(len(frame), dtype=np.int64)
    for column in wrapped:
        texts = frame[column.field].tolist()
        counts = [wrapped_lines(str(t), column.width) if isinstance(t, str) and len(t) > column.width else 1 for t in texts]
        lines = np.maximum(lines, np.asarray(counts, dtype=np.int64))
    for offset in np.flatnonzero(lines > 1).tolist():
        sheet.set_row(header_row + 1 + offset, LINE_HEIGHT * int(lines[offset]) + 2.25)


def rag_colours(sheet: Worksheet, styles: Styles, r1: int, c1: int, r2: int, c2: int) -> None:
    """Green / Amber / Red fills on a range, as conditional formats (they follow sorting and filtering)."""
    for rag, cell_format in styles.rag_formats.items():
        sheet.conditional_format(r1, c1, r2, c2, {"type": "cell", "criteria": "==", "value": f'"{rag}"', "format": cell_format})


def trend_colours(sheet: Worksheet, styles: Styles, r1: int, c1: int, r2: int, c2: int) -> None:
    from pmo_xl.report.model_views import BETTER, WORSE

    sheet.conditional_format(r1, c1, r2, c2, {"type": "cell", "criteria": "==", "value": f'"{BETTER}"', "format": styles.better})
    sheet.conditional_format(r1, c1, r2, c2, {"type": "cell", "criteria": "==", "value": f'"{WORSE}"', "format": styles.worse})


def header_text(text: str) -> str:
    """Text safe inside an Excel page header: `&` starts a control code, so it is doubled."""
    return text.replace("&", "&&")


def sheet_title(sheet: Worksheet, styles: Styles, model: ReportModel, title: str, subtitle: str = "") -> None:
    """Rows 1-2 of every sheet: what it is, for which period."""
    sheet.write_string(0, 0, title, styles.title)
    line = subtitle or f"{model.title} · {model.period_label}"
    sheet.write_string(1, 0, line, styles.subtitle)
    sheet.set_row(0, 26)


def page_setup(
    sheet: Worksheet, model: ReportModel, *, repeat_row: int | tuple[int, int] | None = None, last_col: int | None = None,
    last_row: int | None = None, paper: int = A4, freeze: tuple[int, int] | None = None, starts: Sequence[int] | None = None,
) -> None:
    """A4 landscape for every sheet, header and footer with portfolio, period and page numbers.

    `repeat_row` (0-based, or a first/last pair) repeats a table header on every printed page
    after the one it starts on. Without `starts` the sheet prints fit to one page wide; with
    `starts` (the rows where its groups begin: programmes, statuses, pages) the scale and the
    page breaks are planned (see paging.py) so that pages break between groups.
    """
    del paper  # one paper size for the whole pack: mixed A3 and A4 pages print badly
    sheet.set_landscape()
    sheet.set_paper(A4)
    sheet.set_margins(left=MARGIN_SIDE, right=MARGIN_SIDE, top=MARGIN_TOP, bottom=MARGIN_TOP)
    sheet.center_horizontally()
    name = header_text(model.title)
    period = header_text(model.period_label)
    sheet.set_header(f'&L&"Calibri,Bold"&10{name}&C&10Monthly report {period}&R&10&A', {"margin": 0.25})
    sheet.set_footer(f"&L&8{period} report · status date {_status(model)}&C&8&A&R&8Page &P of &N", {"margin": 0.25})
    repeat = (repeat_row, repeat_row) if isinstance(repeat_row, int) else repeat_row
    if repeat is not None:
        sheet.repeat_rows(*repeat)
    if last_col is not None and last_row is not None:
        sheet.print_area(0, 0, last_row, last_col)
        if starts is not None:
            paginate(sheet, last_row, last_col, starts=starts, repeat=repeat)
        else:
            sheet.fit_to_pages(1, 0)
    else:
        sheet.fit_to_pages(1, 0)
    if freeze is not None:
        sheet.freeze_panes(*freeze)
    sheet.hide_gridlines(2)


def _status(model: ReportModel) -> str:
    return model.status_date.strftime("%d %b %Y").lstrip("0") if model.status_date is not None else "not set"


def unavailable(sheet: Worksheet, styles: Styles, row: int, why: str) -> None:
    sheet.write_string(row, 0, f"Not available in this report: {why}.", styles.note)


def shared_widths(sheet: Worksheet, *placed: tuple[int, Sequence[Col]]) -> None:
    """Tables stacked on one sheet share its columns: each column is as wide as its widest use (no #####).

    `placed`: (first column, columns) of each table.
    """
    widths: dict[int, float] = {}
    for first_col, spec in placed:
        for offset, column in enumerate(spec):
            widths[first_col + offset] = max(widths.get(first_col + offset, 0.0), column.width)
    for col, width in sorted(widths.items()):
        set_width(sheet, col, width)
