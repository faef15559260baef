"""A worksheet that takes a table's cells as one block and writes them out in one pass.

XlsxWriter keeps every cell as a named tuple in a dict of dicts and, when the workbook closes,
turns each one into XML through several calls. For the registers pmo-xl writes (collect, import
and close copy every register row; an import of 200 schedules writes ~700,000 cells) that is
most of the write, about three quarters of it measured: ~6 µs a cell where the XML itself needs
a fraction of that.

`BlockSheet.write_block` takes a table body at once. Each cell becomes the tail of its XML
element right away (its value or shared-string index), column by column as `write_cell` one by
one would go, so shared strings get the same indices; the cell reference and style, which
XlsxWriter settles only when the workbook closes, are added when the rows are written.

The bytes are XlsxWriter's own for the same cells, written one by one (tests/test_block_sheet.py
compares whole files): same shared strings, styles, dimension, row spans and row attributes.
Cells of other types than text, numbers and dates go through `write_cell` as before; a cell
written on its own after a block, where the block has a value, replaces it, as it would have.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Sequence
from io import StringIO
from itertools import product, repeat
from operator import attrgetter, is_not, itemgetter
from types import SimpleNamespace

import numpy as np
from xlsxwriter.exceptions import OverlappingRange
from xlsxwriter.format import Format
from xlsxwriter.utility import _preserve_whitespace, _utf16_len, xl_col_to_name, xl_range
from xlsxwriter.worksheet import (
    CellBlankTuple,
    CellDatetimeTuple,
    CellNumberTuple,
    CellRichStringTuple,
    CellStringTuple,
    RowInfo,
    Worksheet,
)
from xlsxwriter.xmlwriter import XMLwriter

from pmo_xl.io.xml_tags import FastTags

Row = Sequence[object]


def write_cell(sheet: Worksheet, row: int, col: int, value: object, cell_format: object | None = None) -> None:
    """Write by Python type; text is always text (never a formula, never a URL)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value, cell_format)
    elif isinstance(value, (dt.date, dt.datetime)):
        if not isinstance(value, dt.datetime):
            value = dt.datetime(value.year, value.month, value.day)
        sheet.write_datetime(row, col, value, cell_format)
    elif isinstance(value, (int, float)) and math.isfinite(value):
        sheet.write_number(row, col, value, cell_format)
    elif isinstance(value, (int, float)):  # infinity: no workbook can store it; kept as the text it reads as
        sheet.write_string(row, col, str(value), cell_format)
    else:
        sheet.write_string(row, col, str(value), cell_format)


_new = tuple.__new__  # a cell's named tuple without the Python-level __new__ of namedtuple
_UNSET = object()  # an argument not given (XlsxWriter's A1 notation takes one argument fewer)


def _given(*args: object) -> list[object]:
    """The arguments a call was given, to pass on unchanged (A1 notation: "B2", value, format)."""
    return [arg for arg in args if arg is not _UNSET]


# (first column, last column, the cells' XML or None, a cell written on its own or None)
_Piece = tuple[int, int, "str | None", object]


def _cached_value(sheet: Worksheet, tail: str) -> str:
    """A block cell's value as XlsxWriter caches it for a chart: a shared string's text, a number
    as "%.16g" (the tail has "%.16G": the same but for the exponent's and INF/NAN's case)."""
    if tail.startswith(' t="s">'):
        return sheet.str_table._get_shared_string(int(tail[len(' t="s"><v>'):-len("</v></c>")]))
    return tail[len("><v>"):-len("</v></c>")].lower()


@functools.cache
def _column_name(col: int) -> str:
    return xl_col_to_name(col)


# Every property of a format that XlsxWriter's _write_font reads: a rich string run's font.
_FONT = attrgetter("bold", "italic", "font_strikeout", "font_outline", "font_shadow", "underline", "font_script",
                   "font_size", "theme", "color_indexed", "font_color", "font_name", "font_family", "hyperlink",
                   "font_scheme")


# What XlsxWriter's _prepare_formula reads of its sheet: whether future functions are expanded.
_EXPANDING = {expand: SimpleNamespace(use_future_functions=expand) for expand in (False, True)}


@functools.lru_cache(maxsize=4096)
def _prepared_formula(formula: str, expand: bool) -> str:
    """XlsxWriter's _prepare_formula of `formula`, future functions expanded or not: ~155 regular
    expressions a formula (~1 ms), run once per formula (a report's ~100 conditional formats
    test a few texts: "Red", "Amber" ...)."""
    return Worksheet._prepare_formula(_EXPANDING[expand], formula, expand)  # type: ignore[arg-type]


_first_column = itemgetter(0)  # of a piece
_last_column = itemgetter(1)


class _Block:
    """One table body: per column, the tail of each cell's XML element (None: no cell)."""

    __slots__ = ("first_row", "first_col", "formats", "columns")

    def __init__(self, first_row: int, first_col: int, formats: Sequence[Format | None],
                 columns: list[list[str | None]]) -> None:
        self.first_row = first_row
        self.first_col = first_col
        self.formats = formats
        self.columns = columns


def _cover(block: _Block, first_row: int, first_col: int, columns: list[list[str | None]]) -> None:
    """An earlier block's cells under a later block's cells are replaced, as written one by one."""
    top = max(first_row, block.first_row)
    bottom = min(first_row + len(columns[0]), block.first_row + len(block.columns[0]))
    if top >= bottom:
        return
    for k, tails in enumerate(columns):
        j = first_col + k - block.first_col
        if not 0 <= j < len(block.columns):
            continue
        old = block.columns[j]
        for row in range(top, bottom):
            if tails[row - first_row] is not None:
                old[row - block.first_row] = None


class BlockSheet(FastTags, Worksheet):
    """A Worksheet that also takes whole table bodies (`write_block`); see the module's docstring."""

    def __init__(self) -> None:
        super().__init__()
        self._blocks: list[_Block] = []
        self._table_areas: list[tuple[int, int, int, int]] = []
        self._rich_strings: dict[tuple[object, ...], tuple[str, str]] = {}
        self._serials: dict[dt.datetime, float] = {}  # Excel serials of the datetimes written
        self._row_kinds: dict[tuple[object, ...], str] = {}  # a <row> element's attributes after r and spans
        self._font_runs: dict[tuple[object, ...], str] = {}  # a rich string's font run XML, by font
        self._rich_runs: dict[tuple[object, str], str] = {}  # a rich string's run XML, by font and text
        self._tail_of_text: dict[str, str] = {}  # a block cell's XML tail, by its text
        self._tail_of_number: dict[float | int, str] = {}  # ... by its number

    def add_table(self, first_row, first_col, last_row, last_col, options=None):  # type: ignore[no-untyped-def]
        """XlsxWriter's add_table, with the overlap check done by rectangles: XlsxWriter notes every
        cell of a table in a dict for it (~1 s for a register of 700,000 cells). A long table of
        headers only (as write_table makes them) is given to XlsxWriter as its header and first
        row, and its ranges then widened to the whole table."""
        if not all(isinstance(v, int) for v in (first_row, first_col, last_row, last_col)):
            return super().add_table(first_row, first_col, last_row, last_col, options)  # A1 notation: as is
        area = (min(first_row, last_row), min(first_col, last_col), max(first_row, last_row), max(first_col, last_col))
        for earlier in (*self._table_areas, *self.merge):
            if area[0] <= earlier[2] and earlier[0] <= area[2] and area[1] <= earlier[3] and earlier[1] <= area[3]:
                raise OverlappingRange(f"Table range '{xl_range(*area)}' overlaps previous range '{xl_range(*earlier)}'.")
        headers_only = (options is not None and set(options) <= {"name", "style", "columns"}
                        and all(set(column) <= {"header", "header_format"} for column in options.get("columns", ())))
        if not headers_only or area[2] - area[0] < 2 or self._check_dimensions(area[2], area[3], True, True):
            result = super().add_table(*area, options)
        else:
            count = len(self.tables)
            result = super().add_table(area[0], area[1], area[0] + 1, area[3], options)
            if len(self.tables) > count:  # added: its ranges are the whole table
                table = self.tables[-1]
                table["range"] = table["a_range"] = xl_range(*area)
                if "autofilter" in table:
                    table["autofilter"] = table["a_range"]
        if result == 0:
            self._table_areas.append(area)
        return result

    def write_block(self, first_row: int, first_col: int, rows: Sequence[Row], formats: Sequence[Format | None]) -> None:
        """Write `rows` from (first_row, first_col), column k in formats[k]: the cells
        `write_cell` would write one by one, column by column, and nothing for None."""
        width = len(formats)
        if not rows or not width:
            return
        self.write_columns(first_row, first_col,
                           [[row[offset] if offset < len(row) else None for row in rows] for offset in range(width)], formats)

    def write_columns(self, first_row: int, first_col: int, columns: Sequence[Sequence[object]],
                      formats: Sequence[Format | None]) -> None:
        """write_block given the table body column by column (columns[k]: its values, top down)."""
        width = len(formats)
        count = len(columns[0]) if width else 0
        if not count:
            return
        last_row, last_col = first_row + count - 1, first_col + width - 1
        if (self.constant_memory or first_row < 0 or first_col < 0 or last_row >= self.xls_rowmax
                or last_col >= self.xls_colmax):
            for offset in range(width):  # what XlsxWriter does with it, cell by cell
                for index, value in enumerate(columns[offset]):
                    write_cell(self, first_row + index, first_col + offset, value, formats[offset])
            return
        serials: dict[object, str] = {}
        tail_columns: list[list[str | None]] = []
        low = high = -1  # the first and last row index with a cell, for the dimension
        used_cols: list[int] = []
        for offset in range(width):
            values, cell_format = columns[offset], formats[offset]
            tails = self._tails_of_one_kind(values)
            if tails is None:
                tails = self._tails(values, first_row, first_col + offset, cell_format, serials)
            tail_columns.append(tails)
            if None not in tails:
                first, last = 0, count - 1
            else:
                present = list(map(is_not, tails, repeat(None)))
                if True not in present:
                    continue
                first, last = present.index(True), count - 1 - present[::-1].index(True)
            used_cols.append(offset)
            low = first if low < 0 else min(low, first)
            high = max(high, last)
        if not used_cols:
            return
        # the dimension every written cell would have widened, and the block replaces earlier cells
        self._check_dimensions(first_row + low, first_col + used_cols[0])
        self._check_dimensions(first_row + high, first_col + used_cols[-1])
        table = self.table
        if len(table) < count:
            rows_alone = [row for row, cells in table.items() if cells and first_row <= row <= last_row]
        else:
            rows_alone = [row for row in range(first_row, last_row + 1) if table.get(row)]
        for row in rows_alone:
            earlier, index = table[row], row - first_row
            for offset in range(width):
                if tail_columns[offset][index] is not None:
                    earlier.pop(first_col + offset, None)
        for earlier_block in self._blocks:
            _cover(earlier_block, first_row, first_col, tail_columns)
        self._blocks.append(_Block(first_row, first_col, list(formats), tail_columns))

    def _tails_of_one_kind(self, values: Sequence[object]) -> list[str | None] | None:
        """The tails of a column of text only, or of finite Python numbers only (None: no cell), in
        one pass; None for any other column (mixed kinds, dates, NaN, long text ...)."""
        kinds = set(map(type, values))
        kinds.discard(type(None))
        if kinds == {str}:
            texts = [value for value in values if value is not None] if None in values else values
            if max(map(len, texts)) > self.xls_strmax // 2:  # may need XlsxWriter's UTF-16 cut
                return None
            return self._text_tails(values)  # type: ignore[arg-type]
        if kinds and kinds <= {float, int}:
            numbers = [value for value in values if value is not None] if None in values else values
            try:
                finite = all(map(math.isfinite, numbers))
            except OverflowError:  # an int too large for a float: XlsxWriter's way, one by one
                return None
            if not finite:
                return None
            return self._number_tails(values)  # type: ignore[arg-type]
        return None

    def _text_tails(self, texts: Sequence[str | None]) -> list[str | None]:
        """Each text's tail, its shared string index as XlsxWriter's _get_shared_string_index gives
        it one by one (a new text takes the next index; every text counts). A text's index never
        changes: its tail is kept for the next time (statuses, names and IDs repeat)."""
        known, strings = self._tail_of_text, self.str_table
        table = strings.string_table
        tails: list[str | None] = []
        append, counted = tails.append, 0
        for text in texts:
            if text is None:
                append(None)
                continue
            tail = known.get(text)
            if tail is None:
                index = table.setdefault(text, strings.unique_count)
                if index == strings.unique_count:
                    strings.unique_count += 1
                tail = known[text] = f' t="s"><v>{index}</v></c>'
            append(tail)
            counted += 1
        strings.count += counted
        return tails

    def _number_tails(self, numbers: Sequence[float | int | None]) -> list[str | None]:
        """Each finite number's tail, its "%.16G" text kept for the next time (a number equal to
        another is written the same, 1 and 1.0 alike, but for 0.0 and -0.0: those are not kept)."""
        known = self._tail_of_number
        tails: list[str | None] = []
        append = tails.append
        for number in numbers:
            if number is None:
                append(None)
                continue
            tail = known.get(number)
            if tail is None:
                tail = f"><v>{number:.16G}</v></c>"
                if number:
                    known[number] = tail
            append(tail)
        return tails

    def _tails(self, values: Sequence[object], first_row: int, col: int, cell_format: Format | None,
               serials: dict[object, str]) -> list[str | None]:
        """The tails of a column, cell by cell: what is not text, a finite number or a date (in a
        format, or without a default date format) is written by `write_cell` as it would be."""
        shared = self.str_table._get_shared_string_index
        longest = self.xls_strmax // 2  # longer text may need XlsxWriter's UTF-16 cut: written one by one
        dates_alone = cell_format is None and self.default_date_format is not None
        tails: list[str | None] = [None] * len(values)
        for index, value in enumerate(values):
            if value is None:
                continue
            kind = type(value)
            if kind is str and len(value) <= longest:
                tails[index] = f' t="s"><v>{shared(value)}</v></c>'
            elif (kind is float or kind is int) and value - value == 0:  # finite (NaN and ±inf are not)
                tails[index] = f"><v>{value:.16G}</v></c>"
            elif (kind is dt.date or kind is dt.datetime) and not dates_alone:
                tail = serials.get(value)
                if tail is None:
                    day = value if kind is dt.datetime else dt.datetime(value.year, value.month, value.day)
                    tail = serials[value] = f"><v>{self._convert_date_time(day):.16G}</v></c>"
                tails[index] = tail
            elif kind is float and value != value:
                continue  # NaN: no cell, as write_cell
            else:
                write_cell(self, first_row + index, col, value, cell_format)
        return tails

    # ---- one cell: XlsxWriter's write_string / write_number / write_blank / write_datetime with
    # fewer steps (no A1-notation test, the cell's named tuple made directly); A1 notation, text
    # that may need cutting to Excel's limit, numbers that are not finite and constant memory go
    # through XlsxWriter. A report writes ~100,000 cells one by one (titles, project pages).

    def _widen_to(self, row: int, col: int) -> int:
        """XlsxWriter's _check_dimensions(row, col) for a cell (not in constant memory): -1 out of the
        sheet, else 0 with the dimension widened to it, in fewer steps."""
        if row < 0 or col < 0 or row >= self.xls_rowmax or col >= self.xls_colmax:
            return -1
        if self.dim_rowmin is None:  # (XlsxWriter sets a minimum and its maximum together)
            self.dim_rowmin = self.dim_rowmax = row
        elif row < self.dim_rowmin:
            self.dim_rowmin = row
        elif row > self.dim_rowmax:
            self.dim_rowmax = row
        if self.dim_colmin is None:
            self.dim_colmin = self.dim_colmax = col
        elif col < self.dim_colmin:
            self.dim_colmin = col
        elif col > self.dim_colmax:
            self.dim_colmax = col
        return 0

    def write_string(self, row, col, string=_UNSET, cell_format=_UNSET):  # type: ignore[no-untyped-def, override]
        if row.__class__ is not int or string is _UNSET or self.constant_memory or len(string) > self.xls_strmax // 2:
            return super().write_string(*_given(row, col, string, cell_format))
        if self._widen_to(row, col):
            return -1
        strings = self.str_table  # its _get_shared_string_index, inline
        index = strings.string_table.setdefault(string, strings.unique_count)
        if index == strings.unique_count:
            strings.unique_count += 1
        strings.count += 1
        self.table[row][col] = _new(CellStringTuple, (index, None if cell_format is _UNSET else cell_format))
        return 0

    def write_number(self, row, col, number=_UNSET, cell_format=_UNSET):  # type: ignore[no-untyped-def, override]
        if row.__class__ is not int or number.__class__ is not float or number - number != 0 or self.constant_memory:
            return super().write_number(*_given(row, col, number, cell_format))  # ints, NaN, ±inf ... as XlsxWriter
        if self._widen_to(row, col):
            return -1
        self.table[row][col] = _new(CellNumberTuple, (number, None if cell_format is _UNSET else cell_format))
        return 0

    def write_blank(self, row, col, blank=_UNSET, cell_format=_UNSET):  # type: ignore[no-untyped-def, override]
        if row.__class__ is not int or blank is _UNSET or self.constant_memory:
            return super().write_blank(*_given(row, col, blank, cell_format))
        if cell_format is None or cell_format is _UNSET:  # no format: no cell, as XlsxWriter
            return 0
        if self._widen_to(row, col):
            return -1
        self.table[row][col] = _new(CellBlankTuple, (cell_format,))
        return 0

    def write_datetime(self, row, col, date=_UNSET, cell_format=_UNSET):  # type: ignore[no-untyped-def, override]
        if row.__class__ is not int or date is _UNSET or self.constant_memory:
            return super().write_datetime(*_given(row, col, date, cell_format))
        if self._widen_to(row, col):
            return -1
        if date.__class__ is dt.datetime and date.tzinfo is None:  # a plain datetime: its serial once per sheet
            number = self._serials.get(date)
            if number is None:
                number = self._serials[date] = self._convert_date_time(date)
        else:
            number = self._convert_date_time(date)
        if cell_format is None or cell_format is _UNSET:
            cell_format = self.default_date_format
        self.table[row][col] = _new(CellDatetimeTuple, (number, cell_format))
        return 0

    def set_row(self, row, height=None, cell_format=None, options=None):  # type: ignore[no-untyped-def, override]
        """XlsxWriter's set_row and set_row_pixels in one step for a row given no options (a
        project page sets ~10 rows' heights): the same dimension, row information and sizes."""
        if options is not None or row.__class__ is not int or self.constant_memory:
            return super().set_row(row, height, cell_format, options)
        if self._check_dimensions(row, self.dim_colmin if self.dim_colmin is not None else 0):
            return -1
        pixels = self.default_row_height if height is None else int(height * 4.0 / 3.0 + 0.5)
        hidden = pixels == 0  # a height of 0 hides the row, which keeps the default height
        if hidden:
            pixels = self.default_row_height
        self.row_info[row] = RowInfo(height=pixels, row_format=cell_format, hidden=hidden, level=0, collapsed=False)
        self.row_sizes[row] = [pixels, hidden]
        return 0

    # ---- a column's cells at once: what write_string / write_number / ... do one by one ----

    def _column_fits(self, rows: Sequence[int], col: int) -> bool:
        """True when every row of the column is in the sheet: the dimension is then widened to them
        once. False (or constant memory) sends the caller to XlsxWriter's writing, cell by cell."""
        if not rows or self.constant_memory:
            return False
        low, high = min(rows), max(rows)
        if low < 0 or col < 0 or high >= self.xls_rowmax or col >= self.xls_colmax:
            return False
        self._check_dimensions(low, col)
        self._check_dimensions(high, col)
        return True

    def write_strings(self, rows: Sequence[int], col: int, texts: Sequence[str], cell_format: Format | None = None) -> None:
        """`write_string(row, col, text, cell_format)` for each row and text, in that order."""
        if not self._column_fits(rows, col):
            for row, text in zip(rows, texts, strict=True):
                self.write_string(row, col, text, cell_format)
            return
        shared, table, longest = self.str_table._get_shared_string_index, self.table, self.xls_strmax // 2
        new = tuple.__new__  # the cell's named tuple without its Python-level __new__
        for row, text in zip(rows, texts, strict=True):
            if len(text) > longest:  # may need XlsxWriter's cut to Excel's limit
                self._write_string(row, col, text, cell_format)
            else:
                table[row][col] = new(CellStringTuple, (shared(text), cell_format))

    def write_numbers(self, rows: Sequence[int], col: int, numbers: Sequence[float], cell_format: Format | None = None) -> None:
        """`write_number(row, col, number, cell_format)` for each row and number (Python ints or floats)."""
        if not self._column_fits(rows, col) or not all(map(math.isfinite, numbers)):
            for row, number in zip(rows, numbers, strict=True):
                self.write_number(row, col, number, cell_format)
            return
        table, new = self.table, tuple.__new__
        for row, number in zip(rows, numbers, strict=True):
            table[row][col] = new(CellNumberTuple, (number, cell_format))

    def write_datetimes(self, rows: Sequence[int], col: int, moments: Sequence[dt.datetime],
                        cell_format: Format | None = None) -> None:
        """`write_datetime(row, col, moment, cell_format)` for each row and datetime."""
        if not self._column_fits(rows, col):
            for row, moment in zip(rows, moments, strict=True):
                self.write_datetime(row, col, moment, cell_format)
            return
        if cell_format is None:
            cell_format = self.default_date_format
        table, serials, new = self.table, {}, tuple.__new__
        for row, moment in zip(rows, moments, strict=True):
            serial = serials.get(moment)
            if serial is None:
                serial = serials[moment] = self._convert_date_time(moment)
            table[row][col] = new(CellDatetimeTuple, (serial, cell_format))

    # ---- a row's cells at once (a chart's data across a project page) ----

    def _row_fits(self, row: object, first_col: int, count: int) -> bool:
        """True when `count` cells from (row, first_col) are all in the sheet (and not in constant memory)."""
        return (row.__class__ is int and first_col.__class__ is int and not self.constant_memory
                and 0 <= row < self.xls_rowmax and 0 <= first_col and first_col + count <= self.xls_colmax)

    def write_numbers_across(self, row: int, first_col: int, numbers: Sequence[float], cell_format: Format | None = None) -> None:
        """`write_number(row, first_col + k, numbers[k], cell_format)` for each finite number; NaN and
        ±inf leave their cell unwritten (a chart's gap). Python floats: the cells stored at once."""
        if not self._row_fits(row, first_col, len(numbers)) or not set(map(type, numbers)) <= {float}:
            for col, number in enumerate(numbers, start=first_col):
                if number - number == 0:
                    self.write_number(row, col, number, cell_format)
            return
        total = sum(numbers)
        if numbers and total - total == 0:  # all finite (a NaN or ±inf makes the sum one), no gap: in one step
            self._widen_to(row, first_col)
            self._widen_to(row, first_col + len(numbers) - 1)
            self.table[row].update(zip(range(first_col, first_col + len(numbers)),
                                       map(_new, repeat(CellNumberTuple), zip(numbers, repeat(cell_format))), strict=True))
            return
        cols = [col for col, number in enumerate(numbers, start=first_col) if number - number == 0]  # finite
        if not cols:
            return  # no cell: the row stays unwritten (a chart reads a row without cells as one gap)
        self._widen_to(row, cols[0])
        self._widen_to(row, cols[-1])
        cells, new = self.table[row], tuple.__new__
        for col in cols:
            cells[col] = new(CellNumberTuple, (numbers[col - first_col], cell_format))

    def write_datetimes_across(self, row: int, first_col: int, moments: Sequence[dt.datetime],
                               cell_format: Format | None = None) -> None:
        """`write_datetime(row, first_col + k, moments[k], cell_format)` for each datetime (no time zone)."""
        if (not self._row_fits(row, first_col, len(moments)) or not moments
                or not all(moment.__class__ is dt.datetime and moment.tzinfo is None for moment in moments)):
            for col, moment in enumerate(moments, start=first_col):
                self.write_datetime(row, col, moment, cell_format)
            return
        if cell_format is None:
            cell_format = self.default_date_format
        self._widen_to(row, first_col)
        self._widen_to(row, first_col + len(moments) - 1)
        known, convert = self._serials, self._convert_date_time
        cells, new = self.table[row], tuple.__new__
        for col, moment in enumerate(moments, start=first_col):
            serial = known.get(moment)
            if serial is None:
                serial = known[moment] = convert(moment)
            cells[col] = new(CellDatetimeTuple, (serial, cell_format))

    def write_blanks(self, rows: Sequence[int], col: int, cell_format: Format | None) -> None:
        """`write_blank(row, col, None, cell_format)` for each row."""
        if cell_format is None:
            return
        if not self._column_fits(rows, col):
            for row in rows:
                self.write_blank(row, col, None, cell_format)
            return
        table, blank = self.table, CellBlankTuple(cell_format)
        for row in rows:
            table[row][col] = blank

    def merge_range(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        """XlsxWriter's merge_range, the same checks and cells, its places noted and its padding of
        blank cells stored a row at once (a project page merges ~16 ranges: 7,000 in the
        1,000-project report). A range over an earlier merge or table is refused by XlsxWriter's
        loop, place by place, as before."""
        if (kwargs or not 5 <= len(args) <= 6 or not all(v.__class__ is int for v in args[:4]) or self.constant_memory
                or (args[0] == args[2] and args[1] == args[3])):
            return super().merge_range(*args, **kwargs)  # A1 notation, a single cell (refused) ...
        first_row, first_col, last_row, last_col, data = args[:5]
        cell_format = args[5] if len(args) == 6 else None
        first_row, last_row = min(first_row, last_row), max(first_row, last_row)
        first_col, last_col = min(first_col, last_col), max(first_col, last_col)
        if self._widen_to(first_row, first_col) or self._widen_to(last_row, last_col):
            return -1
        # xl_range's text: the two corners (never one cell, see above)
        cell_range = f"{_column_name(first_col)}{first_row + 1}:{_column_name(last_col)}{last_row + 1}"
        places = list(product(range(first_row, last_row + 1), range(first_col, last_col + 1)))  # row by row
        merged, tables = self.merged_cells, self.table_cells
        if merged.keys().isdisjoint(places) and (not tables or tables.keys().isdisjoint(places)):
            merged.update(zip(places, repeat(cell_range)))
        else:
            for place in places:  # the first place over a merge or table: XlsxWriter's message
                if place in merged:
                    raise OverlappingRange(f"Merge range '{cell_range}' overlaps previous merge range '{merged[place]}'.")
                if tables and place in tables:
                    raise OverlappingRange(f"Merge range '{cell_range}' overlaps previous table range '{tables[place]}'.")
                merged[place] = cell_range
        self.merge.append([first_row, first_col, last_row, last_col])
        if data.__class__ is str and self._text_is_text():  # what write() does with it, without its type tests
            if data:
                self.write_string(first_row, first_col, data, cell_format)
            else:
                self.write_blank(first_row, first_col, data, cell_format)
        else:
            self._write(first_row, first_col, data, cell_format)
        if cell_format is not None:  # the rest of the range: blank cells in the format (none without one)
            table, blank = self.table, _new(CellBlankTuple, (cell_format,))
            for row in range(first_row, last_row + 1):
                table[row].update(zip(range(first_col + (row == first_row), last_col + 1), repeat(blank)))
        return 0

    def _text_is_text(self) -> bool:
        """write() writes text as text: no formula, link or number made of it, no handler of its own."""
        return not (self.strings_to_formulas or self.strings_to_urls or self.strings_to_numbers or self.write_handlers)

    def write_rich_string(self, row, col, *args):  # type: ignore[no-untyped-def, override]
        """XlsxWriter's write_rich_string, its XML made once per distinct fragments and formats
        (a report writes the same few RAG strips a thousand times; each costs a small XML writer),
        and a string of (format, text) runs put together from each run's XML, made once a run."""
        key = args
        simple = row.__class__ is int and not self.constant_memory
        known = self._rich_strings.get(key) if simple else None
        if known is None and simple:
            known = self._rich_string_of_runs(args)
            if known is not None:
                self._rich_strings[key] = known
        if known is None:
            result = super().write_rich_string(row, col, *args)
            if result == 0 and isinstance(row, int) and not self.constant_memory:
                self._rich_strings[key] = (self.rstring.fh.getvalue(), self.table[row][col].raw_string)
            return result
        if self._check_dimensions(row, col):
            return -1
        string, raw = known
        cell_format = args[-1] if isinstance(args[-1], Format) else None
        self.table[row][col] = CellRichStringTuple(self.str_table._get_shared_string_index(string), cell_format, raw)
        return 0

    def _rich_string_of_runs(self, args: tuple[object, ...]) -> tuple[str, str] | None:
        """The XML and plain text of a rich string made of two or more (format, text) runs, the
        text never empty, and within Excel's length; None for any other (XlsxWriter's own then)."""
        tokens = args[:-1] if isinstance(args[-1], Format) else args
        if len(tokens) < 4 or len(tokens) % 2:
            return None
        formats, texts = tokens[0::2], tokens[1::2]
        if not all(isinstance(f, Format) for f in formats) or not all(t.__class__ is str and t for t in texts):
            return None
        raw = "".join(texts)  # type: ignore[arg-type]
        if _utf16_len(raw) > self.xls_strmax:
            return None
        runs, xml = self._rich_runs, []
        for cell_format, text in zip(formats, texts, strict=True):
            run_key = (_FONT(cell_format), text)
            run = runs.get(run_key)
            if run is None:
                run = runs[run_key] = self._rich_run(cell_format, text)  # type: ignore[arg-type]
            xml.append(run)
        return "".join(xml), raw

    def _rich_run(self, cell_format: Format, text: str) -> str:
        """One run's XML as XlsxWriter's _write_rich_string writes a format followed by a text."""
        writer = XMLwriter()
        writer._set_filehandle(StringIO())
        self.rstring = writer
        writer._xml_start_tag("r")
        self._write_font(cell_format)
        writer._xml_data_element("t", text, [("xml:space", "preserve")] if _preserve_whitespace(text) else [])
        writer._xml_end_tag("r")
        return writer.fh.getvalue()

    def _write_font(self, xf_format: Format) -> None:
        """XlsxWriter's _write_font (a rich string's font run), its XML made once per font: the
        report's rich strings are RAG strips of a few fonts, ~7,000 runs. The key: every property
        it reads (a colour by its object: a colour given anew is a new key, at worst a miss)."""
        key = _FONT(xf_format)
        xml = self._font_runs.get(key)
        if xml is None:
            writer = self.rstring
            fh, writer.fh = writer.fh, StringIO()
            try:
                super()._write_font(xf_format)
                xml = self._font_runs[key] = writer.fh.getvalue()
            finally:
                writer.fh = fh
        self.rstring.fh.write(xml)

    def _prepare_formula(self, formula, expand_future_functions=False):  # type: ignore[no-untyped-def]
        """XlsxWriter's, its result kept per formula (see _prepared_formula)."""
        if formula.__class__ is not str:
            return super()._prepare_formula(formula, expand_future_functions)
        return _prepared_formula(formula, bool(expand_future_functions or self.use_future_functions))

    def autofit(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self._blocks:
            raise NotImplementedError("autofit does not see the cells of write_block; set widths instead")
        return super().autofit(*args, **kwargs)

    def _get_range_data(self, row_start, col_start, row_end, col_end):  # type: ignore[no-untyped-def]
        """XlsxWriter's cached values of a range a chart plots, blocks' cells included: a row no cell
        was written in is one None, a number "%.16g" text, a string the text itself, a blank ""."""
        if not self._blocks or self.constant_memory:
            return super()._get_range_data(row_start, col_start, row_end, col_end)
        data: list[object] = []
        for row_num in range(row_start, row_end + 1):
            tails = [(block.first_col, [tails[row_num - block.first_row] for tails in block.columns])
                     for block in self._blocks if 0 <= row_num - block.first_row < len(block.columns[0])]
            if row_num not in self.table and not any(tail is not None for _, row in tails for tail in row):
                data.append(None)  # as XlsxWriter: one None for a row without any cell
                continue
            cells = self.table.get(row_num, {})
            for col_num in range(col_start, col_end + 1):
                if col_num in cells:
                    data += super()._get_range_data(row_num, col_num, row_num, col_num)
                    continue
                found = [row[col_num - first] for first, row in tails
                         if 0 <= col_num - first < len(row) and row[col_num - first] is not None]
                data.append(_cached_value(self, found[0]) if found else None)
        return data

    # ---- writing the XML (called by XlsxWriter when the workbook closes) ----

    def _write_rows(self) -> None:
        """XlsxWriter's _write_rows and _calculate_spans, with the blocks' rows joined in."""
        if not self._blocks:
            self._write_rows_of_cells()
            return
        self._number_formats_in_writing_order()
        pieces_of = self._block_pieces()
        for row_num, cells in self.table.items():  # cells written one by one
            for col_num, cell in cells.items():
                pieces_of.setdefault(row_num, []).append((col_num, col_num, None, cell))
        for row_num, cols in self.comments.items():  # a comment widens the spans, nothing more
            for col_num in cols:
                pieces_of.setdefault(row_num, []).append((col_num, col_num, None, None))
        spans = self._spans(pieces_of)
        plain = self.default_row_height == self.original_row_height and self.excel_version != 2010
        write = self.fh.write
        for row_num in range(self.dim_rowmin, self.dim_rowmax + 1):
            pieces = pieces_of.get(row_num)
            info = self.row_info.get(row_num)
            if pieces is None:
                if info is not None:  # row attributes only
                    self._write_row(row_num, spans.get(row_num // 16), info, empty_row=True)
                continue
            span = spans.get(row_num // 16)
            if len(pieces) == 1 and pieces[0][2] is not None and info is None and plain:  # the common row
                write(f'<row r="{row_num + 1}" spans="{span}">{pieces[0][2]}</row>')
                continue
            if all(p[2] is None and p[3] is None for p in pieces):  # comments only
                self._write_row(row_num, span, info, empty_row=True)
                continue
            if info is None and plain:
                write(f'<row r="{row_num + 1}" spans="{span}">')
            else:
                self._write_row(row_num, span, info)
            pieces.sort(key=_first_column)
            for first, _, text, cell in pieces:
                if text is not None:
                    write(text)
                elif cell is not None:
                    self._write_cell(row_num, first, cell)
            write("</row>")

    def _write_row(self, row: int, spans: str | None, row_info=None, empty_row: bool = False) -> None:  # type: ignore[no-untyped-def]
        """XlsxWriter's _write_row, the attributes after the row number and spans made once per kind
        of row (its height, format, ...): a project page's rows are of a few kinds. The first row of
        a kind goes through XlsxWriter, which numbers its format then, as it always does."""
        kind = (empty_row, None if row_info is None else (row_info.height, row_info.row_format, row_info.hidden,
                                                          row_info.level, row_info.collapsed))
        rest = self._row_kinds.get(kind)
        if rest is None:
            fh, self.fh = self.fh, StringIO()
            try:
                super()._write_row(0, None, row_info, empty_row)
                rest = self._row_kinds[kind] = self.fh.getvalue()[len('<row r="1"'):]
            finally:
                self.fh = fh
        self.fh.write(f'<row r="{row + 1}" spans="{spans}"{rest}' if spans else f'<row r="{row + 1}"{rest}')

    def _write_rows_of_cells(self) -> None:
        """XlsxWriter's _write_rows for cells written one by one, with the same bytes: the spans from
        each row's first and last cell, and a number, date, shared string or blank cell made in one
        f-string (a cell reference and a style index never need the XML writer's escaping); other
        kinds of cell go through XlsxWriter's _write_cell. A format's style index is taken when the
        first cell with it is written, as XlsxWriter does (it numbers formats in that order). What
        follows a cell's reference is kept per value and format (statuses, dates and a merge's
        blanks repeat), but for the numbers 0.0 and -0.0: equal, written "0" and "-0"."""
        table, dims = self.table, (self.dim_colmin, self.dim_colmax)
        if self.comments or self.constant_memory:
            super()._write_rows()
            return
        columns_of = {row: sorted(cells) for row, cells in table.items() if cells}
        if any(cols[0] < dims[0] or cols[-1] > dims[1] for cols in columns_of.values()):  # not written by XlsxWriter
            super()._write_rows()
            return
        spans = self._spans_of({row: (cols[0], cols[-1]) for row, cols in columns_of.items()})
        row_info, write, write_cell = self.row_info, self.fh.write, super()._write_cell
        plain = self.default_row_height == self.original_row_height and self.excel_version != 2010
        names = {col: f'<c r="{xl_col_to_name(col)}' for col in range(dims[0], dims[1] + 1)}
        styles: dict[Format, str] = {}
        column_styles: dict[int, str] = {}
        # the XML after a cell's reference, by cell (value and format), one dict a kind of XML
        number_tails: dict[tuple[object, ...], str] = {}
        string_tails: dict[tuple[object, ...], str] = {}
        blank_tails: dict[tuple[object, ...], str] = {}
        for row_num in range(self.dim_rowmin, self.dim_rowmax + 1):
            cols = columns_of.get(row_num)
            info = row_info.get(row_num)
            if cols is None:
                if info is not None:  # row attributes only
                    self._write_row(row_num, spans.get(row_num // 16), info, empty_row=True)
                continue
            if info is None and plain:
                write(f'<row r="{row_num + 1}" spans="{spans[row_num // 16]}">')
            else:
                self._write_row(row_num, spans.get(row_num // 16), info)
            row_style = f' s="{info.row_format._get_xf_index()}"' if info is not None and info.row_format else None
            cells, number, xml = table[row_num], f'{row_num + 1}"', []
            for col_num in cols:
                cell = cells[col_num]
                kind = cell.__class__
                if kind is CellNumberTuple or kind is CellDatetimeTuple:
                    tails, cell_format = number_tails, cell[1]
                elif kind is CellStringTuple:
                    tails, cell_format = string_tails, cell[1]
                elif kind is CellBlankTuple:
                    tails, cell_format = blank_tails, cell[0]
                elif kind is CellRichStringTuple:  # as a string: its shared string index
                    tails, cell_format = None, cell[1]
                else:
                    write("".join(xml))
                    xml = []
                    write_cell(row_num, col_num, cell)
                    continue
                tail = tails.get(cell) if tails is not None and cell_format else None
                if tail is None:
                    if cell_format:
                        style = styles.get(cell_format)
                        if style is None:
                            style = styles[cell_format] = f' s="{cell_format._get_xf_index()}"'
                    elif row_style is not None:
                        style = row_style
                    else:
                        style = column_styles.get(col_num)
                        if style is None:
                            style = column_styles[col_num] = self._column_style(col_num)
                    if tails is number_tails:
                        tail = f'{style}><v>{cell[0]:.16G}</v></c>'
                        if cell_format and cell[0]:  # (not 0.0 and -0.0, equal keys)
                            tails[cell] = tail
                    else:
                        tail = f'{style}/>' if tails is blank_tails else f'{style} t="s"><v>{cell[0]}</v></c>'
                        if cell_format and tails is not None:
                            tails[cell] = tail
                xml.append(f"{names[col_num]}{number}{tail}")
            xml.append("</row>")
            write("".join(xml))

    def _write_merge_cells(self) -> None:
        """XlsxWriter's <mergeCells> element, each range's reference made in one f-string (its
        xl_rowcol_to_cell for both corners, without the XML writer: a reference needs no escaping).
        A project page has ~16 merged ranges: ~7,000 in the 1,000-project report."""
        if not self.merge:
            return
        refs = [f'<mergeCell ref="{_column_name(first_col)}{first_row + 1}:{_column_name(last_col)}{last_row + 1}"/>'
                for first_row, first_col, last_row, last_col in self.merge]
        self.fh.write(f'<mergeCells count="{len(refs)}">{"".join(refs)}</mergeCells>')

    def _write_cell(self, row: int, col: int, cell) -> None:  # type: ignore[no-untyped-def]
        """XlsxWriter's _write_cell (for cells written alone beside blocks), a number, date, shared
        string or blank made in one f-string, as _write_rows_of_cells makes them."""
        kind = cell.__class__
        if kind is CellNumberTuple or kind is CellDatetimeTuple:
            tail = f"><v>{cell.number:.16G}</v></c>"
        elif (kind is CellStringTuple or kind is CellRichStringTuple) and not self.constant_memory:
            tail = f' t="s"><v>{cell.string}</v></c>'
        elif kind is CellBlankTuple:
            tail = "/>"
        else:
            super()._write_cell(row, col, cell)
            return
        cell_format = cell.format
        if cell_format:
            style = f' s="{cell_format._get_xf_index()}"'
        else:
            info = self.row_info.get(row)
            style = f' s="{info.row_format._get_xf_index()}"' if info is not None and info.row_format else self._column_style(col)
        self.fh.write(f'<c r="{_column_name(col)}{row + 1}"{style}{tail}')

    def _number_formats_in_writing_order(self) -> None:
        """XlsxWriter numbers a format (its style index) the first time it writes it: row by row,
        a row's own format before the row's cells, cells left to right. The blocks' cells are put
        together before the rows are written, so their formats are numbered first, in that order."""
        first_use: list[tuple[int, int, Format]] = []
        low, high = self.dim_rowmin, self.dim_rowmax
        first_use += [(row, -1, info.row_format) for row, info in self.row_info.items()
                      if info.row_format and low <= row <= high]
        first_use += [(row, col, cell.format) for row, cells in self.table.items()
                      for col, cell in cells.items() if cell.format]
        for block in self._blocks:
            for k, (cell_format, tails) in enumerate(zip(block.formats, block.columns, strict=True)):
                col = block.first_col + k
                if not cell_format:
                    continue
                for index, tail in enumerate(tails):
                    alone = self.table.get(block.first_row + index)
                    if tail is not None and not (alone and col in alone):
                        first_use.append((block.first_row + index, col, cell_format))
                        break
        for _, _, cell_format in sorted(first_use, key=lambda use: use[:2]):
            cell_format._get_xf_index()

    def _block_pieces(self) -> dict[int, list[_Piece]]:
        """Per row: (first col, last col, XML, None) for the blocks' cells in it, as one piece per
        block, or one per cell in a row that also holds cells written on their own (they win)."""
        pieces_of: dict[int, list[_Piece]] = {}
        for block in self._blocks:
            first_row, first_col, count = block.first_row, block.first_col, len(block.columns[0])
            alone = {row - first_row: cells for row, cells in self.table.items()
                     if cells and first_row <= row < first_row + count}
            numbers = list(map(str, range(first_row + 1, first_row + count + 1)))  # made once, not per column
            cells_by_column = []
            for k, (cell_format, tails) in enumerate(zip(block.formats, block.columns, strict=True)):
                col = first_col + k
                head = f'<c r="{xl_col_to_name(col)}'
                style = self._style(cell_format, col)
                if style is None:  # no format of its own: the row's format, where a row has one
                    cells_by_column.append([f'{head}{number}"{self._row_style(row, col)}{tail}' if tail is not None else ""
                                            for row, number, tail in zip(range(first_row, first_row + count), numbers, tails,
                                                                         strict=True)])
                else:
                    cells_by_column.append([f'{head}{number}"{style}{tail}' if tail is not None else ""
                                            for number, tail in zip(numbers, tails, strict=True)])
            present = np.array([list(map(is_not, tails, repeat(None))) for tails in block.columns], dtype=bool)
            used = present.any(axis=0).nonzero()[0].tolist()
            firsts = (first_col + present.argmax(axis=0)).tolist()
            lasts = (first_col + len(block.columns) - 1 - present[::-1].argmax(axis=0)).tolist()
            texts = list(map("".join, zip(*cells_by_column, strict=True)))
            for index in used:
                pieces = pieces_of.setdefault(first_row + index, [])
                over = alone.get(index)
                if over is None:
                    pieces.append((firsts[index], lasts[index], texts[index], None))
                else:
                    pieces += [(first_col + k, first_col + k, column[index], None)
                               for k, column in enumerate(cells_by_column) if column[index] and first_col + k not in over]
        return pieces_of

    def _style(self, cell_format: Format | None, col: int) -> str | None:
        """The style attribute of a column's cells, or None when it depends on the row (no cell format)."""
        if cell_format:
            return f' s="{cell_format._get_xf_index()}"'
        if self.row_info:
            return None
        return self._column_style(col)

    def _row_style(self, row: int, col: int) -> str:
        info = self.row_info.get(row)
        if info is not None and info.row_format:
            return f' s="{info.row_format._get_xf_index()}"'
        return self._column_style(col)

    def _column_style(self, col: int) -> str:
        info = self.col_info.get(col)
        if info is not None and info.column_format is not None:
            return f' s="{info.column_format._get_xf_index()}"'
        return ""

    def _spans(self, pieces_of: dict[int, list[_Piece]]) -> dict[int, str]:
        """The `spans` of each group of 16 rows: first to last column with a cell or comment (1-based)."""
        return self._spans_of({row_num: (pieces[0][0], pieces[0][1]) if len(pieces) == 1
                               else (min(map(_first_column, pieces)), max(map(_last_column, pieces)))
                               for row_num, pieces in pieces_of.items()})

    def _spans_of(self, bounds_of_rows: dict[int, tuple[int, int]]) -> dict[int, str]:
        """The `spans` of each group of 16 rows, given each row's first and last column used."""
        bounds: dict[int, tuple[int, int]] = {}
        low_row, high_row = self.dim_rowmin, self.dim_rowmax
        for row_num, (low, high) in bounds_of_rows.items():
            if not low_row <= row_num <= high_row:
                continue
            group = row_num >> 4
            known = bounds.get(group)
            if known is None:
                bounds[group] = (low, high)
            elif low < known[0] or high > known[1]:
                bounds[group] = (min(low, known[0]), max(high, known[1]))
        return {group: f"{low + 1}:{high + 1}" for group, (low, high) in bounds.items()}
