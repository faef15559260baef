"""How far the values of each sheet of an .xlsb or .ods workbook reach, found before calamine reads it.

calamine builds a sheet as one dense grid over its cells, so a single stray value far from A1
(XFD1048576 in an .xlsb, or an .ods cell repeated across a sheet with number-columns-repeated)
asks it for billions of cells: it then aborts the process on the failed allocation (a Rust abort,
no exception to catch). The .xlsx reader guards this with its streamed XML scan (`sheet_scan`);
this module is the same guard for the other zip formats, in the one pass that also inflates
every part within the zip-bomb budget (`package.Package.chunks`):
  - .xlsb: the sheet parts' binary records (MS-XLSB 2.1.4), the row of each BrtRowHdr and the
    column of each value record, read in C-sized slices of the stream;
  - .ods: content.xml's rows and cells, their number-rows-repeated / number-columns-repeated
    counted without expanding them (LibreOffice ends every sheet with an empty row repeated to
    row 1,048,576: empty cells do not count).
An .xls needs no scan: its sheets stop at 65,536 rows x 256 columns (2^24 cells), under the
reader's largest grid.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass

from pmo_xl.io.package import Package

_XLSB_VALUE_RECORDS = frozenset(range(0x02, 0x0B))  # BrtCellRk .. BrtFmlaBool: what calamine reads as a value
_XLSB_ROW_HEADER = 0x00
_XLSB_BUNDLE_SHEET = 0x9C
_XLSB_WORKBOOK_PROPERTIES = 0x99
_ODS_TAG = re.compile(rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*)>")
_ODS_NAME = re.compile(rb'table:name="([^"]*)"')
_ODS_ROWS = re.compile(rb'table:number-rows-repeated="(\d+)"')
_ODS_COLUMNS = re.compile(rb'table:number-columns-repeated="(\d+)"')
_MAX_TAG = 1 << 20  # an .ods tag longer than this is not one calamine reads as a cell either


@dataclass
class Extent:
    """The last row and column (1-based) holding a value; 0, 0 for an empty sheet."""

    last_row: int = 0
    last_column: int = 0

    @property
    def grid_cells(self) -> int:
        """Cells in the grid from A1 to the last value, as the reader asks calamine for them."""
        return self.last_row * self.last_column

    def add(self, row0: int, col0: int) -> None:
        self.last_row = max(self.last_row, row0 + 1)
        self.last_column = max(self.last_column, col0 + 1)


@dataclass
class ZipSheets:
    """What the pass over an .xlsb or .ods found before calamine reads it."""

    extents: dict[str, Extent]  # by sheet name
    parsed_on_open: bool  # calamine parses every sheet as it opens the file (.ods), not only those asked for (.xlsb)
    date1904: bool  # the workbook counts date serial numbers from 1904 (an .xlsb's BrtWbProp)


def sheet_extents(path: str | os.PathLike[str]) -> ZipSheets:
    """Every part inflated once within the budget, and the extent of each sheet of an .xlsb or .ods.

    Raises `PackageError` (zip bomb, damaged zip) like the .xlsx reader.
    """
    with Package(path) as package:
        names = package.archive.namelist()
        xlsb_parts, date1904 = _xlsb_workbook(package) if "xl/workbook.bin" in names else ({}, False)
        extents: dict[str, Extent] = {}
        for member in names:
            if member.endswith("/"):
                continue
            if member in xlsb_parts:
                extents[xlsb_parts[member]] = xlsb_extent(package.chunks(member))
            elif member == "content.xml":
                extents.update(ods_extents(package.chunks(member)))
            else:
                for _ in package.chunks(member):  # inflated for the budget's sake: calamine reads it next
                    pass
        return ZipSheets(extents, "content.xml" in names, date1904)


def _xlsb_workbook(package: Package) -> tuple[dict[str, str], bool]:
    """Sheet part -> sheet name (workbook.bin's BrtBundleSh records and the relationships), and the 1904 flag."""
    targets = package._relationships("xl/workbook.bin")
    parts: dict[str, str] = {}
    date1904 = False
    for kind, payload in _records(iter([package.read("xl/workbook.bin")])):
        if kind == _XLSB_WORKBOOK_PROPERTIES and payload:
            date1904 = bool(payload[0] & 0x1)
        if kind != _XLSB_BUNDLE_SHEET or len(payload) < 16:
            continue
        relation_length = int.from_bytes(payload[8:12], "little")
        if relation_length == 0xFFFFFFFF:
            continue
        relation_end = 12 + 2 * relation_length
        relation = payload[12:relation_end].decode("utf-16-le", "replace")
        name_length = int.from_bytes(payload[relation_end:relation_end + 4], "little")
        name = payload[relation_end + 4:relation_end + 4 + 2 * name_length].decode("utf-16-le", "replace")
        if relation in targets:
            parts[targets[relation]] = name
    return parts, date1904


def _records(chunks: Iterator[bytes]) -> Iterator[tuple[int, bytes]]:
    """(record type, payload) of an MS-XLSB record stream; a truncated last record ends it."""
    buffer = b""
    position = 0
    for chunk in chunks:
        buffer = buffer[position:] + chunk
        position = 0
        end = len(buffer)
        while True:
            start = position
            if position >= end:
                break
            kind = buffer[position]
            position += 1
            if kind & 0x80:
                if position >= end:
                    position = start
                    break
                kind = (kind & 0x7F) | ((buffer[position] & 0x7F) << 7)
                position += 1
            size, shift = 0, 0
            for _ in range(4):
                if position >= end:
                    size = -1
                    break
                byte = buffer[position]
                position += 1
                size |= (byte & 0x7F) << shift
                shift += 7
                if not byte & 0x80:
                    break
            if size < 0 or position + size > end:
                position = start
                break
            yield kind, buffer[position:position + size]
            position += size


def xlsb_extent(chunks: Iterator[bytes]) -> Extent:
    """Where the values of one .xlsb sheet part reach (rows past 1,048,576 end the sheet, as in calamine)."""
    extent = Extent()
    row0 = 0
    for kind, payload in _records(chunks):
        if kind == _XLSB_ROW_HEADER:
            row0 = int.from_bytes(payload[:4], "little")
            if row0 > 0x100000:
                break
        elif kind in _XLSB_VALUE_RECORDS and len(payload) >= 4:
            extent.add(row0, int.from_bytes(payload[:4], "little"))
        elif kind == 0x92:  # BrtEndSheetData
            break
    return extent


def ods_extents(chunks: Iterator[bytes]) -> dict[str, Extent]:
    """Where the values of each table (sheet) of an .ods content.xml reach, repeats counted, not expanded."""
    extents: dict[str, Extent] = {}
    extent: Extent | None = None
    row0 = col0 = 0
    row_repeat = 1
    carry = b""
    for chunk in chunks:
        text = carry + chunk
        cut = text.rfind(b"<")
        if cut < 0 or text.find(b">", cut) >= 0:
            cut = len(text)  # the last tag is complete: nothing to carry
        for match in _ODS_TAG.finditer(text, 0, cut):
            closing, name, attributes = match.group(1), match.group(2), match.group(3)
            if name == b"table":
                if closing:
                    extent = None
                else:
                    found = _ODS_NAME.search(attributes)
                    title = found.group(1).decode("utf-8", "replace") if found else ""
                    extent = extents.setdefault(html.unescape(title), Extent())
                    row0 = 0
            elif extent is None:
                continue
            elif name == b"table-row":
                if closing:
                    row0 += row_repeat
                else:
                    row_repeat = _count(_ODS_ROWS, attributes)
                    col0 = 0
                    if attributes.endswith(b"/"):
                        row0 += row_repeat
            elif not closing:  # a cell: a value when it has a type or any content (it is not self-closing)
                repeat = _count(_ODS_COLUMNS, attributes)
                if b"office:value-type" in attributes or not attributes.endswith(b"/"):
                    extent.add(row0 + row_repeat - 1, col0 + repeat - 1)
                col0 += repeat
        carry = text[cut:]
        if len(carry) > _MAX_TAG:
            carry = b""
    return extents


def _count(pattern: re.Pattern[bytes], attributes: bytes) -> int:
    found = pattern.search(attributes)
    return max(1, int(found.group(1))) if found else 1


