"""Charts whose cached numbers are written in one pass: the bytes XlsxWriter writes, faster.

A chart keeps a copy of the numbers it plots (the `numCache` of each series' values and
categories) so a reader can draw it without recalculating. XlsxWriter writes every point through
its general XML writer: a start tag, an escaped data element and an end tag, each with the
regular expressions that guard text. The report has ~450 charts (two a project page) and ~50,000
points. The cache of a number cell is its value as "%.16g" text, which never needs escaping: each
point here is one f-string. A cache holding other text (a text cell a series points at) goes
through XlsxWriter as before.

`with_fast_caches(chart)` turns a chart made by `Workbook.add_chart` into the same chart type
with this writer mixed in (tests/test_block_sheet.py compares the files with XlsxWriter's own).

`ChartLooks` is for many charts drawn alike (a project page's S-curve: ~440 of them): XlsxWriter
parses a series' or an axis' options on every call (deep copies, colours, fonts); it keeps what
they come to and gives it to the next chart that asks with the same options, which then parses
only its ranges (tests/test_chart_xml.py compares the files).
"""

from __future__ import annotations

import copy
import re
import warnings
from collections.abc import Sequence
from typing import Any

from xlsxwriter.chart import Chart
from xlsxwriter.chart_title import ChartTitle
from xlsxwriter.utility import quote_sheetname, xl_col_to_name
from xlsxwriter.worksheet import CellDatetimeTuple, CellNumberTuple

# What XlsxWriter puts in a number cache for a number cell: its value as text, "%.16g".
_NUMBER_CHARACTERS = frozenset("0123456789.-+eE")


class _NumCacheInOnePass:
    """Mixed in before a chart class: its `_write_num_cache`, for caches of numbers and gaps."""

    def _write_num_cache(self, data: Sequence[object] | None) -> None:
        tokens = [token for token in data or () if token is not None]
        if (not data or not all(token.__class__ is str for token in tokens)
                or not _NUMBER_CHARACTERS.issuperset("".join(tokens))):  # type: ignore[arg-type]
            super()._write_num_cache(data)  # type: ignore[misc]  # text that may need escaping, other values
            return
        points = []
        for index, token in enumerate(data):
            if token is None:
                continue
            try:
                float(token)  # type: ignore[arg-type]
            except ValueError:
                token = 0  # as XlsxWriter: what is not a number is drawn as 0 (a blank cell's "")
            points.append(f'<c:pt idx="{index}"><c:v>{token}</c:v></c:pt>')
        self.fh.write(  # type: ignore[attr-defined]
            f'<c:numCache><c:formatCode>General</c:formatCode><c:ptCount val="{len(data)}"/>{"".join(points)}</c:numCache>')


    def _get_data_type(self, data: Sequence[object] | None) -> str:
        """XlsxWriter's test of a series' categories (numbers or text), one pass for number texts."""
        tokens = [token for token in data or () if token is not None]
        if (not data or data[0].__class__ is list or not all(token.__class__ is str for token in tokens)
                or not _NUMBER_CHARACTERS.issuperset("".join(tokens))):  # type: ignore[arg-type]
            return super()._get_data_type(data)  # type: ignore[misc]
        for token in tokens:  # no "_" or " " in them (XlsxWriter's first test): is each a number?
            try:
                float(token)  # type: ignore[arg-type]
            except ValueError:
                return "str"
        return "num"


_FAST: dict[type, type] = {}


def with_fast_caches(chart: Any) -> Any:
    """`chart`, its class now its own with the one-pass cache writer before it (None stays None)."""
    if not isinstance(chart, Chart):
        return chart
    kind = type(chart)
    fast = _FAST.get(kind)
    if fast is None:
        fast = _FAST[kind] = type(kind.__name__, (_NumCacheInOnePass, kind), {"__module__": __name__})
    chart.__class__ = fast
    return chart


# Series options whose parse touches only the series (no chart-wide state such as a secondary
# axis, a gap or the chart's fill): the ones ChartLooks may reuse. Other options go to XlsxWriter.
_SERIES_LOOK_OPTIONS = frozenset({"line", "border", "fill", "marker", "trendline", "smooth", "points", "data_labels",
                                  "x_error_bars", "y_error_bars", "invert_if_negative", "invert_if_negative_color"})
_SERIES_RANGES = frozenset({"name", "values", "categories"})
# What XlsxWriter's add_series keeps of those options (every other field comes from the ranges).
_SERIES_LOOK_FIELDS = ("line", "fill", "pattern", "gradient", "marker", "trendline", "labels", "invert_if_neg", "inverted_color",
                       "x2_axis", "y2_axis", "points", "error_bars", "smooth")
# Axis options that change more than the axis (a text axis, a title formula's data id). A date
# axis only sets the chart's date_category, which set_axis does itself.
_AXIS_WITH_SIDE_EFFECTS = frozenset({"text_axis", "name", "name_formula", "data"})
# Axis bounds XlsxWriter keeps as given when they are plain numbers (a datetime it converts): kept
# out of the key, so charts alike but for their range (a project page's MTA chart) share a look.
_AXIS_BOUNDS = ("min", "max")


class SeriesLook:
    """A series' options but its ranges (line, marker ...), for many series drawn alike:
    `ChartLooks.add_series(chart, {"name": ..., "values": ..., "categories": ...}, look)` takes
    them without looking at them again (a copy is kept: the caller's options may change later)."""

    __slots__ = ("options", "key", "reusable")

    def __init__(self, options: dict[str, Any]) -> None:
        if not _SERIES_RANGES.isdisjoint(options):
            raise ValueError(f"a series look has no ranges: {sorted(_SERIES_RANGES & set(options))}")
        self.options = copy.deepcopy(options)
        self.key = repr(self.options)
        self.reusable = _SERIES_LOOK_OPTIONS.issuperset(self.options)

    def with_ranges(self, ranges: dict[str, Any]) -> dict[str, Any]:
        """The whole options of a series of this look (for XlsxWriter's own add_series)."""
        return {**ranges, **copy.deepcopy(self.options)}


class ChartLooks:
    """XlsxWriter's parse of series and axis options, made once per distinct options and chart type.

    `add_series(chart, options)` and `set_axis(chart, "x" | "y", options)` give the chart what
    `chart.add_series(options)` and `chart.set_x_axis(options)` would: the first chart asking with
    some options goes through XlsxWriter and its result is kept; a later one gets that result
    (nothing in it is changed after it is made: the charts may share it) with its own ranges, data
    ids and axis title. Options this cannot reuse safely always go through XlsxWriter.
    """

    def __init__(self) -> None:
        self._new_charts: dict[str, tuple[Chart, _CopyPlan]] = {}  # a chart as add_chart made it, per options
        self._series: dict[tuple[type, str], dict[str, Any]] = {}
        self._axes: dict[tuple[object, ...], dict[str, Any]] = {}
        self._sheets: dict[str, str] = {}  # sheet name -> as a formula quotes it
        self._columns: dict[int, str] = {}  # column -> "$P"
        self._names: dict[str, tuple[object, object]] = {}  # a series name -> (name, name formula)

    def add_chart(self, workbook: Any, options: dict[str, Any]) -> Any:
        """`workbook.add_chart(options)`: the first chart of these options made by the workbook; a
        later one a copy of it as it was new (a chart's constructor parses its four axes), added to
        the workbook's charts as add_chart adds it."""
        key = repr(options)
        made = self._new_charts.get(key)
        if made is None:
            chart = workbook.add_chart(options)
            if isinstance(chart, Chart) and not chart.series:
                new = _copy_of_new(chart)
                self._new_charts[key] = (new, _copy_plan(new))
            return chart
        chart = _copy_of_new(*made)
        workbook.charts.append(chart)
        return chart

    def add_series(self, chart: Chart, options: dict[str, Any], look: SeriesLook | None = None) -> None:
        """`chart.add_series(options)`; with a `look` (series_look(...): the options but the ranges,
        made once for many series), `options` holds only the ranges (name, values, categories)."""
        if look is None:
            look_options = {key: value for key, value in options.items() if key not in _SERIES_RANGES}
            reusable, look_key = _SERIES_LOOK_OPTIONS.issuperset(look_options), repr(look_options)
        else:
            if not _SERIES_RANGES.issuperset(options):
                raise ValueError(f"with a look, a series is given its ranges only, not {sorted(set(options) - _SERIES_RANGES)}")
            reusable, look_key = look.reusable, look.key
        if (not reusable or "values" not in options or len(chart.series) >= 254
                or (chart.requires_category and "categories" not in options)):
            chart.add_series(options if look is None else look.with_ranges(options))  # XlsxWriter's checks, chart-wide options
            return
        key = (type(chart), look_key)
        known = self._series.get(key)
        if known is None:
            chart.add_series(options if look is None else look.with_ranges(options))
            made = chart.series[-1]
            self._series[key] = {field: made[field] for field in _SERIES_LOOK_FIELDS}
            return
        # XlsxWriter's add_series for the ranges, its data ids taken in its order (categories, values, name).
        values = self._formula(chart, options.get("values"))
        categories = self._formula(chart, options.get("categories"))
        name, name_formula = self._name(chart, options.get("name"))
        cat_id = chart._get_data_id(categories, None)
        val_id = chart._get_data_id(values, None)
        name_id = chart._get_data_id(name_formula, None)
        chart.series.append({"values": values, "categories": categories, "name": name, "name_formula": name_formula,
                             "name_id": name_id, "val_data_id": val_id, "cat_data_id": cat_id, **known})

    def _name(self, chart: Chart, name: object) -> tuple[object, object]:
        """`chart._process_names(name, None)`: a [sheet, row, col] cell as its formula (the name ""),
        a text's test (does it look like a formula?) made once per text."""
        if name.__class__ is list and len(name) == 3 and all(v.__class__ is int and v >= 0 for v in name[1:]):
            sheet, row, col = name
            return "", self._formula(chart, [sheet, row, col, row, col])
        if name.__class__ is not str:
            return chart._process_names(name, None)
        processed = self._names.get(name)
        if processed is None:
            processed = self._names[name] = chart._process_names(name, None)
        return processed

    def _formula(self, chart: Chart, data: object) -> object:
        """`chart._list_to_formula(data)`: [sheet, first row, first col, last row, last col] as
        XlsxWriter's xl_range_formula writes it ('Sheet 1'!$A$1:$B$2, one cell alone $A$1), with
        the sheet's quoting and the column letters made once."""
        if data.__class__ is not list or len(data) != 5:
            return chart._list_to_formula(data)
        sheet, first_row, first_col, last_row, last_col = data
        if not (first_row.__class__ is int and first_col.__class__ is int and last_row.__class__ is int
                and last_col.__class__ is int and first_row >= 0 and first_col >= 0 and last_row >= 0 and last_col >= 0):
            return chart._list_to_formula(data)
        quoted = self._sheets.get(sheet)
        if quoted is None:
            quoted = self._sheets[sheet] = quote_sheetname(sheet)
        columns = self._columns
        first = f"{columns.get(first_col) or columns.setdefault(first_col, xl_col_to_name(first_col, True))}${first_row + 1}"
        last = f"{columns.get(last_col) or columns.setdefault(last_col, xl_col_to_name(last_col, True))}${last_row + 1}"
        return f"{quoted}!{first}" if first == last else f"{quoted}!{first}:{last}"

    def set_axis(self, chart: Chart, which: str, options: dict[str, Any]) -> None:
        """`chart.set_x_axis(options)` (which="x") or `chart.set_y_axis(options)` (which="y")."""
        attribute = f"{which}_axis"
        current = getattr(chart, attribute)
        if not _AXIS_WITH_SIDE_EFFECTS.isdisjoint(options):
            getattr(chart, f"set_{attribute}")(options)
            return
        look = options
        if any(bound in options for bound in _AXIS_BOUNDS):
            if not all(options[bound].__class__ in (int, float) for bound in _AXIS_BOUNDS if bound in options):
                getattr(chart, f"set_{attribute}")(options)  # datetimes, None ...: XlsxWriter's conversion
                return
            look = {key: value for key, value in options.items() if key not in _AXIS_BOUNDS}
        key = (type(chart), which, repr(look), chart.date_1904, chart.remove_timezone)
        axis = self._axes.get(key)
        if axis is None or axis["defaults"] != current["defaults"]:  # the defaults are the chart type's: the same
            getattr(chart, f"set_{attribute}")(options)
            self._axes.setdefault(key, getattr(chart, attribute))
            return
        axis = dict(axis)
        axis["defaults"] = current["defaults"]  # the chart's own, as XlsxWriter links it
        axis["title"] = _copy_title(axis["title"])  # an object per axis, as XlsxWriter makes it
        for bound in _AXIS_BOUNDS:  # as XlsxWriter: the option given, else the chart type's default
            axis[bound] = options[bound] if bound in options else current["defaults"].get(bound)
        if options.get("date_axis"):
            chart.date_category = True
        setattr(chart, attribute, axis)


def _copy_of_new(chart: Chart, plan: _CopyPlan | None = None) -> Chart:
    """A copy of a chart nothing was done to yet, as its constructor would make it again: its own
    lists, dicts and titles, two levels down (the axes' dicts and titles in them). XlsxWriter gives
    a chart new dicts when it is changed (set_x_axis, set_legend ...), it does not edit those.
    `plan` is `_copy_plan(chart)`, given when the same chart is copied again and again."""
    dicts, others = plan or _copy_plan(chart)
    copied = object.__new__(type(chart))
    state = chart.__dict__.copy()
    for name, inner_kinds in dicts:
        part = state[name] = state[name].copy()
        for key, kind in inner_kinds:
            inner = part[key]
            part[key] = inner.copy() if kind is dict else _copy_title(inner) if kind is ChartTitle else copy.deepcopy(inner)
    for name, kind in others:
        value = state[name]
        if kind is list:
            state[name] = copy.deepcopy(value) if value else []
        elif kind is ChartTitle:
            state[name] = _copy_title(value)
        else:
            state[name] = copy.deepcopy(value)  # nothing of the kind in a new chart today: copied whole
    copied.__dict__.update(state)
    return copied


# What _copy_of_new copies beyond the chart's attribute dict: (each dict attribute with the class of
# each of its values not a scalar), (each other attribute not a scalar, with its class).
_CopyPlan = tuple[tuple[tuple[str, tuple[tuple[object, type], ...]], ...], tuple[tuple[str, type], ...]]


def _copy_plan(chart: Chart) -> _CopyPlan:
    """Which of a chart's attributes, and which values in its dicts, _copy_of_new copies, and how
    (worked out once for a chart copied for every page: the four axes' ~30 values are mostly scalars)."""
    dicts, others = [], []
    for name, value in chart.__dict__.items():
        kind = value.__class__
        if kind is dict:
            dicts.append((name, tuple((key, inner.__class__) for key, inner in value.items()
                                      if not (inner is None or inner.__class__ in _SCALARS))))
        elif not (value is None or kind in _SCALARS):
            others.append((name, kind))
    return tuple(dicts), tuple(others)


def _copy_title(title: ChartTitle) -> ChartTitle:
    """copy.copy(title) (a plain object: a new one with the same attributes), without copy's protocol lookups."""
    copied = object.__new__(ChartTitle)
    copied.__dict__.update(title.__dict__)
    return copied


_SCALARS = frozenset({str, int, float, bool})


# ---- the charts' cached data read from the cells (XlsxWriter's Workbook._add_chart_data) ----

# A range as ChartLooks and XlsxWriter's xl_range_formula write it: Sheet!$A$1:$B$2 or Sheet!$A$1,
# its sheet quoted or not. Any other text goes through XlsxWriter's own parse.
_PLAIN_RANGE = re.compile(r"(.+)!\$?([A-Z]{1,3})\$?([0-9]+)(?::\$?([A-Z]{1,3})\$?([0-9]+))?")


def add_chart_data(workbook: Any, charts: Sequence[Chart]) -> None:
    """`workbook._add_chart_data()` for these charts (as if they were all its charts): each range's
    cached values read from its sheet's cells, a range seen before in this call given the same
    list, a series' given data kept and given to later charts reading that range — the same lists.
    Faster: a plain range's sheet and cells split with one regular expression (XlsxWriter parses
    each corner under a warnings filter), and a row or column of number and date cells read in one
    pass (any other cell, and a sheet of blocks, read by the sheet's own _get_range_data)."""
    worksheets = {sheet.name: sheet for sheet in workbook.worksheets()}
    seen: dict[str, object] = {}
    for part in [part for chart in charts for part in (chart, chart.combined) if part]:
        formula_data = part.formula_data
        for c_range, r_id in part.formula_ids.items():
            given = formula_data[r_id]
            if given is not None:  # the series' own data
                if seen.get(c_range) is None:
                    seen[c_range] = given
                continue
            if c_range in seen:
                formula_data[r_id] = seen[c_range]
                continue
            sheetname, cells = _chart_range(workbook, c_range)
            if sheetname is None:
                continue
            if sheetname.startswith("(") or sheetname not in worksheets:
                if not sheetname.startswith("("):
                    warnings.warn(f"Unknown worksheet reference '{sheetname}' in range '{c_range}' passed to add_series()",
                                  stacklevel=2)
                formula_data[r_id] = seen[c_range] = []
                continue
            formula_data[r_id] = seen[c_range] = _range_data(worksheets[sheetname], *cells)


def _chart_range(workbook: Any, c_range: str) -> tuple[str | None, list[int] | None]:
    """`workbook._get_chart_range(c_range)`: (sheet name, [first row, first col, last row, last col])."""
    match = _PLAIN_RANGE.fullmatch(c_range)
    if match is None:
        with warnings.catch_warnings():  # as _add_chart_data: a defined name is not a range
            warnings.simplefilter("ignore")
            return workbook._get_chart_range(c_range)  # type: ignore[no-any-return]
    sheetname, first_col, first_row, last_col, last_row = match.groups()
    if last_col is None:
        last_col, last_row = first_col, first_row
    row_start, col_start, row_end, col_end = int(first_row) - 1, _column(first_col), int(last_row) - 1, _column(last_col)
    if row_start != row_end and col_start != col_end:
        return None, None  # XlsxWriter reads 1D ranges only
    return sheetname.strip("'").replace("''", "'"), [row_start, col_start, row_end, col_end]


def _column(letters: str) -> int:
    """A column's letters as xl_cell_to_rowcol counts them (A is 0)."""
    col = 0
    for letter in letters:
        col = col * 26 + ord(letter) - 64
    return col - 1


_NUMBERS_OR_GAPS = frozenset({CellNumberTuple, CellDatetimeTuple, type(None)})


def _range_data(sheet: Any, row_start: int, col_start: int, row_end: int, col_end: int) -> list[object]:
    """`sheet._get_range_data(...)`: None for a row without cells or a cell not written, a number's or
    date's value as "%.16g" text; other cells (text, blanks, formulas ...) as the sheet reads them."""
    if getattr(sheet, "_blocks", None) or sheet.constant_memory:
        return sheet._get_range_data(row_start, col_start, row_end, col_end)  # type: ignore[no-any-return]
    table, data = sheet.table, []
    if row_start == row_end:  # a row (a project page's chart data): numbers, dates and gaps at once
        cells = table.get(row_start)
        if cells is None:
            return [None]
        found = [cells.get(col) for col in range(col_start, col_end + 1)]
        if _NUMBERS_OR_GAPS.issuperset(map(type, found)):
            return [None if cell is None else f"{cell.number:.16g}" for cell in found]
    for row in range(row_start, row_end + 1):
        cells = table.get(row)
        if cells is None:
            data.append(None)
            continue
        for col in range(col_start, col_end + 1):
            cell = cells.get(col)
            if cell is None:
                data.append(None)
            elif cell.__class__ is CellNumberTuple or cell.__class__ is CellDatetimeTuple:
                data.append(f"{cell.number:.16g}")
            else:
                data += sheet._get_range_data(row, col, row, col)
    return data
