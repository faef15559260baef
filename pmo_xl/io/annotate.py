"""Write an annotated COPY of a workbook: every problem cell filled by severity and commented,
plus an "Issues" sheet whose cell addresses are clickable links to the cells.

The user's workbook is only ever read. The copy is made with openpyxl (load, mark, save to a
temporary file, rename: `pmo_xl.io.atomic`). openpyxl keeps values, formulas, styles, number
formats, tables, data validation, defined names and (with keep_vba) the macros of an .xlsm, but
it drops what it does not model — images, charts, sparklines, slicers, form controls — from
the COPY; the Issues sheet says so. The alternative, rebuilding the copy from the values read,
would lose even more (formats, validation, formulas), and patching the zip's XML in place would
keep everything but is a far larger job; measured costs are in benchmarks/bench_validate.py.
"""

from __future__ import annotations

import os
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from pmo_xl.errors import OutputError
from pmo_xl.io.atomic import atomic_path
from pmo_xl.issues import Issue, Severity, quote_sheet, sort_issues, summary_text

FILLS = {  # Excel's own "Bad", "Neutral" and a light blue for notes
    Severity.ERROR: PatternFill("solid", fgColor="FFC7CE"),
    Severity.WARNING: PatternFill("solid", fgColor="FFEB9C"),
    Severity.INFO: PatternFill("solid", fgColor="DDEBF7"),
}
COMMENT_LIMIT = 2000  # characters per comment; the full list is on the Issues sheet
ISSUES_HEADERS = ("Severity", "Code", "Sheet", "Cell", "Field", "Value", "Message")
ISSUES_WIDTHS = (10, 24, 14, 9, 20, 24, 100)
COPY_NOTE = ("This is an annotated COPY made by pmo-xl; your workbook was not changed. Fix the problems in your own "
             "workbook. Images, charts, sparklines, slicers and form controls of the original may be missing from this copy.")


@dataclass(frozen=True)
class AnnotateResult:
    path: Path
    cells_marked: int
    issues_listed: int
    sheet: str  # the name of the issues sheet


def check_annotate_paths(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
    """Refuse, before any work, a copy that cannot be made: raises OutputError with one line."""
    source, target = Path(source), Path(target)
    if source.suffix.lower() not in (".xlsx", ".xlsm"):
        raise OutputError(f"{source}: an annotated copy can be made of .xlsx and .xlsm workbooks only")
    if target.suffix.lower() not in (".xlsx", ".xlsm"):
        raise OutputError(f"{target}: the annotated copy must be an .xlsx (or, for an .xlsm workbook, .xlsm) file")
    if target.suffix.lower() == ".xlsm" and source.suffix.lower() != ".xlsm":
        raise OutputError(f"{target}: a copy of an .xlsx workbook has no macros — name it .xlsx")
    if target.exists() and source.exists() and target.resolve() == source.resolve():
        raise OutputError(f"{target}: is the workbook itself — the annotated copy needs another name; the original is never changed")


def write_annotated_copy(source: str | os.PathLike[str], target: str | os.PathLike[str], issues: list[Issue]) -> AnnotateResult:
    """Mark every issue in a copy of `source` written to `target` (atomically)."""
    source, target = Path(source), Path(target)
    check_annotate_paths(source, target)
    keep_vba = target.suffix.lower() == ".xlsm"
    try:
        book = openpyxl.load_workbook(source, keep_vba=keep_vba, keep_links=True, rich_text=False)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as error:
        raise OutputError(f"{source}: the annotated copy cannot be made ({type(error).__name__}: {error})") from None
    marked = _mark_cells(book, issues)
    sheet = _issues_sheet(book, sort_issues(issues), source.name)
    with atomic_path(target) as temporary:
        book.save(temporary)
    return AnnotateResult(target, marked, len(issues), sheet)


def _mark_cells(book: openpyxl.Workbook, issues: list[Issue]) -> int:
    """Fill and comment each problem cell; several issues on one cell share one comment."""
    by_cell: dict[tuple[str, str], list[Issue]] = defaultdict(list)
    for issue in issues:
        if issue.row is not None and issue.sheet in book.sheetnames:
            by_cell[(issue.sheet, issue.cell)].append(issue)
    for (sheet, address), found in by_cell.items():
        cell = _writable(book[sheet], address)
        worst = min(found, key=lambda i: i.severity.rank).severity
        cell.fill = FILLS[worst]
        text = "\n".join(f"{i.severity} [{i.code}] {i.message}" for i in sorted(found, key=lambda i: i.severity.rank))
        if cell.comment is not None and cell.comment.text:
            text = f"{text}\n— earlier comment: {cell.comment.text}"
        comment = Comment(ILLEGAL_CHARACTERS_RE.sub("\ufffd", _clip(text, COMMENT_LIMIT)), "pmo-xl")
        comment.width, comment.height = 320, min(400, 60 + 15 * len(found))
        cell.comment = comment
    return len(by_cell)


def _writable(sheet: Worksheet, address: str) -> Cell:
    """The cell at `address`, or the top-left cell of the merged range that covers it."""
    cell = sheet[address]
    if isinstance(cell, MergedCell):
        for merged in sheet.merged_cells.ranges:
            if address in merged:
                return sheet.cell(merged.min_row, merged.min_col)
    return cell  # type: ignore[return-value]


def _issues_sheet(book: openpyxl.Workbook, issues: list[Issue], source_name: str) -> str:
    """The Issues sheet, first in the book and active, with a link from every address to its cell."""
    name = "Issues"
    number = 2
    while name in book.sheetnames:
        name, number = f"Issues {number}", number + 1
    sheet = book.create_sheet(name, 0)
    book.active = 0
    for other in book.worksheets[1:]:
        other.sheet_view.tabSelected = False
    _text(sheet, 1, 1, f"pmo-xl validation of {source_name}: {summary_text(issues)}").font = Font(bold=True, size=13)
    _text(sheet, 2, 1, COPY_NOTE).font = Font(italic=True)
    for column, (header, width) in enumerate(zip(ISSUES_HEADERS, ISSUES_WIDTHS, strict=True), start=1):
        _text(sheet, 4, column, header).font = Font(bold=True)
        sheet.column_dimensions[chr(64 + column)].width = width
    link_font = Font(color="0563C1", underline="single")
    for row, issue in enumerate(issues, start=5):
        _text(sheet, row, 1, str(issue.severity)).fill = FILLS[issue.severity]
        _text(sheet, row, 2, issue.code)
        _text(sheet, row, 3, issue.sheet)
        cell = _text(sheet, row, 4, issue.cell or "(sheet)")
        if issue.sheet in book.sheetnames and issue.sheet != name:
            target = f"{quote_sheet(issue.sheet)}!{issue.cell or 'A1'}"
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=target, display=issue.cell or issue.sheet)
            cell.font = link_font
        _text(sheet, row, 5, issue.field or "")
        _text(sheet, row, 6, "" if issue.value is None else _clip(str(issue.value), 200))
        _text(sheet, row, 7, issue.message)
    sheet.freeze_panes = "A5"
    if issues:
        sheet.auto_filter.ref = f"A4:G{4 + len(issues)}"
    return name


def _text(sheet: Worksheet, row: int, column: int, value: str) -> Cell:
    """Write text as text: a PM's '=HYPERLINK(...)' quoted in a message must not become a formula."""
    cell = sheet.cell(row, column)
    cell.value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)  # control characters cannot be stored in xlsx
    cell.data_type = "s"
    return cell


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
