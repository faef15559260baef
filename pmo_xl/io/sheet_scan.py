"""One streamed pass over a sheet's XML: what calamine cannot tell, and whether it is safe to let it read.

calamine reads error cells and formulas without a cached value as blanks (or 0), and says nothing
of hidden rows; and it builds a dense grid from A1 to the sheet's last cell, so one stray value at
XFD1048576 asks it for ~17 billion cells (it aborts the process). This pass finds, before calamine
runs: error cells (t="e"), formulas with no cached value, hidden rows, merged ranges and the last
cell holding a value (Excel's Ctrl+End), so the reader can refuse a sheet whose grid would not fit.

The XML is searched with bytes.find (memchr speed) over pieces of whole rows; only the cells found
are parsed. Each piece is cut after its last complete row, else its last complete cell, else its
last tag, and what is carried to the next piece is bounded, so time is linear and memory flat
whatever the row length (a sheet written as one 2 GiB row included).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from pmo_xl.io.null_texts import holds_null_like_text, is_null_like
from pmo_xl.io.package import cell_position, column_index

MAX_CARRY = 1 << 20  # bytes kept between pieces: no legitimate cell is longer (32,767 characters at most)
_CELL = re.compile(rb'<(\w+:)?c\b([^>]*?)(/>|>(.*?)</(?:\w+:)?c>)', re.S)
# An attribute r="..." as calamine reads it: either quote, spaces around '=' (XML allows both; calamine
# places such a cell where it says, so the scan must read it there too)
_R = rb'\br\s*=\s*["\']'
_CELL_REF = re.compile(_R + rb'([A-Z]{1,3})(\d+)["\']')
# A cell in column AA or beyond
_WIDE_CELL_REF = re.compile(_R + rb'([A-Z]{2,3})\d+["\']([^>]*)>')
# Every capital and quote read as 'A', every digit as '0', every space as '=': a cell reference's shape
# ('=r=AAA0000A'), a row tag's ('=r=A0000A'), whatever the quotes and the spaces around '='
_SHAPES = bytes.maketrans(bytes(range(65, 91)) + bytes(range(48, 58)) + b"\"'" + b" \t\r\n",
                          b"A" * 26 + b"0" * 10 + b"AA" + b"====")
_TWO_LETTERS = b"=AAA"  # '=' (or a space) then a quote and two capitals: a reference from column AA on
# A row tag or a cell, for reading a piece's rows one by one (only where a row may be out of order)
_ROW_OR_CELL = re.compile(rb'<(?:\w+:)?(row|c)\b([^>]*?)(/?)>')
_ROW_NUMBER = re.compile(_R + rb'(\d+)["\']')
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_FORMULA = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>([^<]*)</(?:\w+:)?f>)")
_HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\bhidden="(?:1|true)"[^>]*>')
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([^"]+)"')
_ROOT = re.compile(rb"<(\w+:)?worksheet\b")


@dataclass
class SheetScan:
    """What one sheet's XML says beyond calamine's values; cells by 0-based (row, column)."""

    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # -> '#N/A', '#REF!', ...
    uncalculated: dict[tuple[int, int], str] = field(default_factory=dict)  # -> '=formula'
    hidden_rows: set[int] = field(default_factory=set)  # 1-based
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based top, left, bottom, right
    last_row: int = 0  # 1-based row of the last cell with content (0: none)
    last_column: int = 0  # 1-based column of the rightmost cell with content (at least 26 when any)
    iso_dates: bool = False  # some cell holds a date as ISO text (t="d"), which readers may type apart
    # an inline string or a formula's text result reads like no value ("N/A", io.null_texts), which fastexcel types as empty
    null_like_text: bool = False

    @property
    def grid_cells(self) -> int:
        """Cells of the dense grid calamine builds for this sheet (from A1 to the last cell)."""
        return self.last_row * self.last_column


def scan_sheet_xml(pieces: Iterable[bytes]) -> SheetScan:
    """Scan a sheet's XML given as pieces (as they come out of the zip)."""
    scan = SheetScan()
    carry, prefix, in_data = b"", b"", True
    first = True
    for data in pieces:
        start = 0
        if first:  # some writers use a namespace prefix: <x:c>, <x:f>
            root = _ROOT.search(data, 0, 4096)
            prefix, first = (root.group(1) or b"") if root else b"", False
            # The sheet's head holds no cell (calamine reads cells inside sheetData only) but long numbers and
            # capitals after quotes (dimension ref="A1:AG23977", encoding="UTF-8", tab colours): skipped, it
            # set off the row-by-row read of whole first pieces (History: 4 MB) and the wide-column regex.
            start = max(data.find(b"<" + prefix + b"sheetData"), 0)
        if carry and in_data:
            # The row carried over from the last piece ends at this piece's first </row>: scanned on its own,
            # so the piece itself is searched where it lies (joining them copied every piece, 0.1 s per 320 MB).
            row_end = data.find(b"</" + prefix + b"row>")
            if row_end >= 0:
                start = row_end + len(prefix) + 6
                _scan_cells(carry + data[:start], 0, len(carry) + start, scan, prefix)
                carry = b""
        buffer = carry + data if carry else data
        if in_data:
            # The sheet data ends after its last row: look for its end from there, not through the whole piece.
            close = buffer.find(b"</" + prefix + b"sheetData>", max(start, buffer.rfind(b"</" + prefix + b"row>")))
            if close < 0:
                cut = _cut(buffer, start, prefix)
                _scan_cells(buffer, start, cut, scan, prefix)
                carry = buffer[max(cut, len(buffer) - MAX_CARRY):]
                continue
            _scan_cells(buffer, start, close, scan, prefix)
            buffer, in_data = buffer[close:], False
        cut = buffer.rfind(b">") + 1
        _scan_tail(buffer[:cut], scan)
        carry = buffer[cut:][-MAX_CARRY:]
    if in_data:
        _scan_cells(carry, 0, len(carry), scan, prefix)
    else:
        _scan_tail(carry, scan)
    return scan


def _cut(buffer: bytes, start: int, prefix: bytes) -> int:
    """Where a piece ends: after its last whole row, else its last whole cell, else its last tag (`start` if none)."""
    for closing in (b"</" + prefix + b"row>", b"</" + prefix + b"c>", b">"):
        position = buffer.rfind(closing, start)
        if position >= 0:
            return position + len(closing)
    return start


def _scan_cells(buffer: bytes, begin: int, end: int, scan: SheetScan, prefix: bytes) -> None:
    """Find error cells, value-less formulas, hidden rows and the extent in the whole cells of XML that
    `buffer[begin:end]` holds (searched in place: a slice would copy the piece)."""
    if begin >= end:
        return
    _extent(buffer, begin, end, scan, prefix)
    scan.iso_dates = scan.iso_dates or next(_positions(buffer, b't="d"', 3, begin, end), -1) >= 0  # memchr on the rare 'd'
    starts = set()
    cell_open = b"<" + prefix + b"c "
    formula = b"<" + prefix + b"f"
    for position in _positions(buffer, b't="e"', 3, begin, end):
        starts.add(buffer.rfind(b"<", begin, position))
    for position in _positions(buffer, formula, len(formula) - 1, begin, end):  # '<f' is '<f>', '<f ' or '<f/>' in cell XML
        after = position + len(formula)
        if after < end and buffer[after:after + 1] in (b">", b" ", b"/"):
            starts.add(buffer.rfind(cell_open, begin, position))
    for start in sorted(starts):
        match = _CELL.match(buffer, start, end) if start >= 0 else None
        if match is None:
            continue
        where = _CELL_REF.search(match.group(2))
        if where is None:
            continue  # a cell without a reference cannot be placed (rare writers); calamine still read it
        cell = (int(where.group(2)) - 1, column_index(where.group(1).decode()))
        attributes, body = match.group(2), match.group(4) or b""
        value = _VALUE.search(body)
        if b't="e"' in attributes:
            scan.errors[cell] = html.unescape(value.group(1).decode("utf-8", "replace")) if value else "#N/A"
            continue
        formula = _FORMULA.search(body)
        result_is_text = b't="str"' in attributes or b't="inlineStr"' in attributes
        if result_is_text and value is not None and is_null_like(html.unescape(value.group(1).decode("utf-8", "replace"))):
            scan.null_like_text = True
        if formula is not None and (value is None or not value.group(1)) and not result_is_text:
            text = html.unescape((formula.group(1) or b"").decode("utf-8", "replace"))
            scan.uncalculated[cell] = "=" + text if text else "(a shared formula)"
    # Inline strings (memchr on the rare 'i'): their texts looked at in one regex search of the piece
    if not scan.null_like_text and next(_positions(buffer, b't="inlineStr"', 3, begin, end), -1) >= 0:
        scan.null_like_text = holds_null_like_text(buffer[begin:end])
    if next(_positions(buffer, b"hidden=", 0, begin, end), -1) >= 0:
        for match in _HIDDEN_ROW.finditer(buffer, begin, end):
            number = _ROW_NUMBER.search(match.group(0))
            if number:
                scan.hidden_rows.add(int(number.group(1)))


def _positions(buffer: bytes, needle: bytes, key: int, begin: int, end: int) -> Iterator[int]:
    """Where `needle` starts in `buffer[begin:end]`, found by memchr on its byte at `key` ('e' of t="e", 'f' of <f,
    'h' of hidden=), which cell XML rarely holds: ~15x faster than bytes.find of a short needle (it steps
    through every '<'). When that byte turns out to be common (text full of f's), bytes.find takes over."""
    byte = needle[key:key + 1]
    budget = 64 + ((end - begin) >> 12)  # misses allowed before the byte counts as common
    position = buffer.find(byte, begin + key, end)
    while position >= 0:
        start = position - key
        if buffer.startswith(needle, start, end):
            yield start
        else:
            budget -= 1
            if budget < 0:  # every needle whose `key` byte lies at or before `position` has been seen
                start = buffer.find(needle, position + 1 - key, end)
                while start >= 0:
                    yield start
                    start = buffer.find(needle, start + 1, end)
                return
        position = buffer.find(byte, position + 1, end)


def _extent(buffer: bytes, begin: int, end: int, scan: SheetScan, prefix: bytes) -> None:
    """The last cell with content: the row of the piece's last closed cell, the widest column seen.

    Self-closing cells (`<c r="Z9" s="1"/>`) are formatting only: calamine skips them, so they
    do not count. Cells are in row order (the file format requires it), so the last closed cell
    of each piece carries the furthest row; columns up to Z are one letter and need no parsing.
    A file out of row order is not trusted to be: a row number longer than the last one's in a row
    tag or a cell reference of the piece has its rows read one by one (calamine places a cell
    wherever its row says). A far row with as many digits as the last one stays unseen; its grid
    is at most 10^digits rows.
    """
    close = buffer.rfind(b"</" + prefix + b"c>", begin, end)
    if close < 0:
        return
    start = buffer.rfind(b"<" + prefix + b"c", begin, close)
    ref = _CELL_REF.search(buffer, start, close) if start >= 0 else None
    if ref is not None:
        last = int(ref.group(2))
    else:  # a cell without a reference (rare writers) is in its row: calamine counts it there
        tag = buffer.rfind(b"<" + prefix + b"row", begin, max(start, begin))
        number = _ROW_NUMBER.search(buffer, tag, buffer.find(b">", tag, end)) if tag >= 0 else None
        last = int(number.group(1)) if number is not None else 0
    scan.last_row = max(scan.last_row, last)
    scan.last_column = max(scan.last_column, 26)
    shapes = buffer.translate(_SHAPES)  # the whole piece: cheaper than copying the part to translate
    # Rows out of order (a far row written before the others): calamine still places every cell, so a
    # far one earlier in the piece makes the grid as tall. A row number longer than the last cell's, in
    # a reference or a row tag, shows at memchr speed in the piece's shapes; then read its rows one by one.
    # Only after a quote (a row tag's r=") or a capital (a cell reference's column), which the shapes
    # both read as 'A' so that one search finds either: the first piece also holds the sheet's head,
    # whose column widths (width="12.7109375") have long numbers too, and reading every row of the
    # first piece because of them cost 1.7 s of the 1,000-project sample's read. (A capital or a quote
    # before long digits elsewhere only costs the row-by-row read.)
    # (rfind, not find: CPython's backward search skips ahead on this haystack, 3x faster.)
    if shapes.rfind(b"A" + b"0" * (len(str(last)) + 1), begin, end) >= 0:
        scan.last_row = max(scan.last_row, _furthest_row(buffer, begin, end))
    # The regex visits every 'r' (each cell and row: 0.6 s at a million rows); most registers stop
    # before column AA, so look first, at memchr speed, for a quote after '=' or a space, then two
    # capitals, in the piece's shapes. No such place: the regex has nothing to find.
    if shapes.rfind(_TWO_LETTERS, begin, end) < 0:
        return
    for letters, rest in set(_WIDE_CELL_REF.findall(buffer, begin, end)):
        if not rest.endswith(b"/"):
            scan.last_column = max(scan.last_column, column_index(letters.decode()) + 1)


def _furthest_row(buffer: bytes, begin: int, end: int) -> int:
    """The furthest row holding a cell with content in a piece, every row tag and cell read as calamine
    places them (a cell by its reference, else in its row; formatting-only `<c .../>` not counted)."""
    furthest, row = 0, 0
    for match in _ROW_OR_CELL.finditer(buffer, begin, end):
        number = _ROW_NUMBER.search(match.group(2)) if match.group(1) == b"row" else _CELL_REF.search(match.group(2))
        if match.group(1) == b"row":
            row = int(number.group(1)) if number is not None else row + 1
        elif not match.group(3):  # a cell with content (or at least a closing tag)
            furthest = max(furthest, int(number.group(2)) if number is not None else row)
    return furthest


def _scan_tail(buffer: bytes, scan: SheetScan) -> None:
    """After the cells: the merged ranges."""
    for match in _MERGE.finditer(buffer):
        start, _, end = match.group(1).decode("ascii", "replace").partition(":")
        first, last = cell_position(start), cell_position(end or start)
        if first is not None and last is not None:
            scan.merged.append((first[0], first[1], last[0], last[1]))
