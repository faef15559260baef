"""The first worksheets' XML parts made (and compressed) by a worker while the later sheets are written.

When a workbook closes, XlsxWriter makes each worksheet's XML in turn (~0.85 s of the 1,000-project
report, then ~0.55 s of zlib), while during the sheets' writing the second core is half idle. The
worksheets complete early (the writer says so, `sheet_written`) need nothing from the later ones but
what the close settles: so the early worker (`charts_beside`, forked once the first sheets are
written) settles it in its own memory as the close will (`ZipBehindWorkbook._prepare_package`: the
selected sheet, drawings, tables ...), makes those sheets' XML and compresses it (`zip_behind.deflated`).

What a worksheet's XML settles as it is made must then be handed back: XlsxWriter numbers a
format's style (its xf index) the first time it writes it, sheets in workbook order, so the worker,
making the first sheets' XML in that order, numbers their formats as the close would; the close
takes those numbers (`SheetParts.numbered`) and goes on from there with the later sheets. The
external links a sheet's hyperlinks add to its relationships are handed back too.

The parts are taken only when nothing the worker read has changed since (`_settled`): each
sheet's size, drawings, tables, selection ... as the close settled them, no format numbered here
since the fork and every format the worker numbered keyed as here. Otherwise, or when the worker
gave no answer, the sheets' XML is made here as XlsxWriter makes it. The bytes are the same either
way (tests/test_sheets_beside.py compares whole files).
"""

from __future__ import annotations

from io import StringIO
from typing import NamedTuple

import xlsxwriter
from xlsxwriter.packager import Packager
from xlsxwriter.worksheet import Worksheet

from pmo_xl.io.zip_behind import DeflatedPart, deflated


class SheetParts(NamedTuple):
    """The worker's answer for the first `len(parts)` worksheets of the workbook."""

    parts: list[DeflatedPart]  # each sheet's XML part, compressed
    settled: list[tuple[object, ...]]  # what each sheet's XML read, as settled in the worker (`_settled`)
    known_styles: int  # how many style keys were numbered when the worker started
    new_styles: list[tuple[str, int]]  # the style keys the worker numbered, with their numbers, in order
    keyed: list[tuple[int, str, int | None]]  # (place in workbook.formats, its key, its number) of each format it keyed
    hyperlinks: list[list[list[str]]]  # each sheet's external hyperlinks (its relationships)


def _settled(sheet: Worksheet) -> tuple[object, ...]:
    """What a worksheet's XML reads that the close settles (selection, drawings, comments, tables,
    code name), and its size in cells, rows, links ...: the sheet the worker made is this one."""
    return (sheet.name, sheet.index, sheet.selected, sheet.hidden, sheet.vba_codename, sheet.drawing is not None,
            sheet.has_vml, sheet.has_header_vml, sheet.background_image is not None, len(sheet.tables),
            sheet.dim_rowmin, sheet.dim_rowmax, sheet.dim_colmin, sheet.dim_colmax,
            len(sheet.table), sum(map(len, sheet.table.values())), len(getattr(sheet, "_blocks", ())),
            len(sheet.merge), len(sheet.row_info), len(sheet.col_info), len(sheet.hyperlinks), len(sheet.charts),
            len(sheet.images), len(sheet.shapes), len(sheet.cond_formats), len(sheet.validations),
            sheet.rel_count, len(sheet.external_hyper_links))


def complete_prefix(workbook: xlsxwriter.Workbook, complete: set[str]) -> bool:
    """Whether every sheet of the workbook so far is a complete worksheet (none may still change)."""
    sheets = workbook.worksheets()
    return bool(sheets) and all(not sheet.is_chartsheet and not sheet.constant_memory and sheet.name in complete
                                for sheet in sheets)


def sheets_xml(workbook: xlsxwriter.Workbook) -> SheetParts:
    """In the worker, the workbook prepared as the close prepares it: every worksheet so far made
    into its XML part as the packager makes it, in order, compressed, with the formats numbered."""
    formats = workbook.formats
    known_styles = len(workbook.xf_format_indices)
    unkeyed = [place for place, cell_format in enumerate(formats) if cell_format._format_key is None]
    unnumbered = [place for place, cell_format in enumerate(formats) if cell_format.xf_index is None]
    parts, settled, hyperlinks = [], [], []
    for sheet in workbook.worksheets():
        settled.append(_settled(sheet))
        handle = StringIO()
        sheet._set_xml_writer(handle)
        sheet._assemble_xml_file()
        parts.append(deflated(handle.getvalue().encode("utf-8")))  # as ZipBehindWorkbook encodes a part
        hyperlinks.append(sheet.external_hyper_links)
    keyed = [(place, formats[place]._format_key, formats[place].xf_index) for place in sorted({*unkeyed, *unnumbered})
             if formats[place]._format_key is not None]
    new_styles = list(workbook.xf_format_indices.items())[known_styles:]
    return SheetParts(parts, settled, known_styles, new_styles, keyed, hyperlinks)


def take_numbers(workbook: xlsxwriter.Workbook, answer: SheetParts) -> bool:
    """The worker's answer applied here, when it holds (its sheets and formats unchanged since):
    the formats it numbered numbered alike, its sheets' external links noted. False: not taken,
    nothing changed here."""
    sheets = workbook.worksheets()
    count = len(answer.parts)
    if len(sheets) < count or [_settled(sheet) for sheet in sheets[:count]] != answer.settled:
        return False
    indices, formats = workbook.xf_format_indices, workbook.formats
    if len(indices) != answer.known_styles or any(key in indices for key, _ in answer.new_styles):
        return False  # a format numbered here since the fork: the numbers would differ
    for place, key, number in answer.keyed:
        if place >= len(formats) or formats[place]._get_format_key() != key:
            return False
        if number is not None and formats[place].xf_index not in (None, number):
            return False
    indices.update(answer.new_styles)
    for place, _, number in answer.keyed:
        if number is not None:
            formats[place].xf_index = number
    for sheet, links in zip(sheets, answer.hyperlinks, strict=False):
        sheet.external_hyper_links = links
    return True


class SheetsBesidePackager(Packager):
    """XlsxWriter's Packager that takes the first worksheets' compressed parts from the early worker
    (`workbook.early_sheets()`), where its list of parts takes them (`ZipBehindWorkbook`'s)."""

    def _write_worksheet_files(self) -> None:
        early_sheets = getattr(self.workbook, "early_sheets", None)
        answer = early_sheets() if early_sheets is not None else None
        if answer is None or not getattr(self.filenames, "takes_deflated", False) or not take_numbers(self.workbook, answer):
            super()._write_worksheet_files()
            return
        index = 1
        for place, sheet in enumerate(self.workbook.worksheets()):
            if sheet.is_chartsheet:  # (never among the worker's sheets: `complete_prefix`)
                continue
            name = f"xl/worksheets/sheet{index}.xml"
            if place < len(answer.parts):
                self.filenames.append((answer.parts[place], name, False))
            else:
                sheet._set_xml_writer(self._filename(name))
                sheet._assemble_xml_file()
            index += 1
