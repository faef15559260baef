"""BlockSheet writes table bodies in one go: every file must be byte for byte what XlsxWriter
writes cell by cell (the same shared strings, styles, dimension, spans, rows and cells).

Each case builds one workbook twice, with `new_workbook(path)` (BlockSheet) and with
`new_workbook(path, Worksheet)` (XlsxWriter's own sheet, so `write_table` writes cell by cell),
and compares every part of the two packages.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from xlsxwriter.exceptions import OverlappingRange
from xlsxwriter.worksheet import Worksheet

from pmo_xl.collect.output import write_collection_sheet, write_merged_sheets
from pmo_xl.collect.portfolio import read_portfolio
from pmo_xl.io.block_sheet import BlockSheet, write_cell
from pmo_xl.io.write_template import FIXED_CREATED, Styles, new_workbook, write_portfolio_sheets, write_table
from pmo_xl.sample import generate_sample, write_sample_workbook
from pmo_xl.schema.columns import Column, Kind


def _both(tmp_path: Path, build) -> tuple[Path, Path]:
    paths = []
    for name, sheets in (("block.xlsx", BlockSheet), ("cells.xlsx", Worksheet)):
        workbook = new_workbook(tmp_path / name, sheets)
        build(workbook, Styles(workbook))
        workbook.close()
        paths.append(tmp_path / name)
    return paths[0], paths[1]


def _assert_same_bytes(block: Path, cells: Path) -> None:
    with zipfile.ZipFile(block) as a, zipfile.ZipFile(cells) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            assert a.read(name) == b.read(name), f"{name} differs"


def test_sample_portfolio_is_byte_identical(tmp_path):
    sample = generate_sample(projects=12, seed=3)
    block, cells = _both(tmp_path, lambda wb, styles: write_portfolio_sheets(
        wb, sample.data, sample.settings, styles=styles, settings_tables=sample.settings_tables))
    _assert_same_bytes(block, cells)


def test_collect_output_is_byte_identical(tmp_path):
    from pmo_xl.collect.model import CollectionResult

    source = write_sample_workbook(tmp_path / "in.xlsx", generate_sample(projects=8, seed=5))
    portfolio = read_portfolio(source)

    def build(workbook, styles):
        write_merged_sheets(workbook, styles, portfolio, portfolio.rows)
        write_collection_sheet(workbook, styles, CollectionResult(None, dt.date(2026, 3, 1), [], [], []), "in.xlsx")

    _assert_same_bytes(*_both(tmp_path, build))


EDGE_COLUMNS = [Column(f"c{k}", f"Column {k}", kind, "An edge case.", width=10) for k, kind in enumerate(
    (Kind.TEXT, Kind.NUMBER, Kind.DATE, Kind.MONEY, Kind.TEXT, Kind.PERCENT))]
EDGE_ROWS = [
    ["text", 1.5, dt.date(2026, 3, 31), 10, "", 0.25],
    [None, None, None, None, None, None],  # a row with no cell at all
    ["=SUM(A1)", float("nan"), dt.datetime(2026, 3, 31, 12, 30), True, "x" * 20_000, float("inf")],
    ["short row"],
    [Decimal("1.25"), np.float64(2.5), np.int64(7), -0.0, "text", 1e-300],
    [12, 2**60, dt.date(1900, 1, 1), False, "ünïcödé & <tags>", float("-inf")],
    *[[f"row {k}", k * 0.1, dt.date(2026, 1, 1) + dt.timedelta(days=k), None, "text", None] for k in range(40)],
]


def test_edge_values_and_cells_written_alone_are_byte_identical(tmp_path):
    def build(workbook, styles):
        sheet = workbook.add_worksheet("Edges")
        sheet.write_string(2, 2, "written before the table: replaced")
        sheet.write_string(3, 3, "written before, where the table has no value: kept")
        sheet.set_row(6, None, styles.bold)  # a row format: cells without their own format take it
        sheet.set_row(9, 30)
        sheet.write_comment(50, 8, "a comment widens the spans")
        write_table(sheet, styles, "tblEdges", 1, 1, EDGE_COLUMNS, EDGE_ROWS)
        sheet.write_number(8, 1, 99)  # written after the table, over a table cell: wins
        sheet.write_string(0, 0, "title")
        sheet.write_string(8, 9, "beside the table")
        second = workbook.add_worksheet("Side by side")
        for k in range(3):
            write_table(second, styles, f"tblSide{k}", 1, 8 * k, EDGE_COLUMNS, EDGE_ROWS[k * 3:], validate=k != 1)
        second.write_string(3, 9, "inside the second table's rows")

    block, cells = _both(tmp_path, build)
    _assert_same_bytes(block, cells)
    values = openpyxl.load_workbook(block)["Edges"]  # and what it holds reads back as written
    assert values["B3"].value == "text" and values["C3"].value == 1.5 and values["B4"].value is None
    assert values["B9"].value == 99 and values["D4"].value == "written before, where the table has no value: kept"


def test_overlapping_blocks_last_write_wins(tmp_path):
    def build(workbook, styles):
        sheet = workbook.add_worksheet("Blocks")
        formats = [None, styles.for_format("0.00")]
        if isinstance(sheet, BlockSheet):
            sheet.write_block(0, 0, [["a", 1], ["b", 2], ["c", None]], formats)
            sheet.write_block(1, 1, [[20, "x"], [None, "y"]], formats)
        else:  # the same writes, cell by cell, column by column
            for first_row, first_col, rows in ((0, 0, [["a", 1], ["b", 2], ["c", None]]), (1, 1, [[20, "x"], [None, "y"]])):
                for k in range(2):
                    for i, row in enumerate(rows):
                        if row[k] is not None:
                            write_cell(sheet, first_row + i, first_col + k, row[k], formats[k])

    _assert_same_bytes(*_both(tmp_path, build))


def test_a_block_sheet_refuses_what_cannot_see_its_cells(tmp_path):
    workbook = new_workbook(tmp_path / "x.xlsx")
    sheet = workbook.add_worksheet("S")
    sheet.write_block(0, 0, [[1, 2]], [None, None])
    with pytest.raises(NotImplementedError):
        sheet.autofit()
    workbook.close()


def test_overlapping_tables_are_still_refused(tmp_path):
    workbook = new_workbook(tmp_path / "x.xlsx")
    sheet = workbook.add_worksheet("S")
    columns = [{"header": "A"}, {"header": "B"}]
    sheet.add_table(0, 0, 500, 1, {"name": "tblLong", "columns": columns})
    with pytest.raises(OverlappingRange):
        sheet.add_table(400, 1, 600, 2, {"name": "tblOver", "columns": columns})  # overlaps the long table's body
    sheet.merge_range(700, 0, 701, 1, "merged")
    with pytest.raises(OverlappingRange):
        sheet.add_table(690, 0, 700, 1, {"name": "tblMerge", "columns": columns})
    workbook.close()



def test_column_writers_and_cells_written_one_by_one_are_byte_identical(tmp_path):
    """write_strings / write_numbers / write_datetimes / write_blanks and the rich-string cache
    give XlsxWriter's bytes for the same cells written one by one; so does the row writer of a
    sheet without blocks (row and column formats, rows with attributes only, cells over cells)."""
    texts, numbers = ["a", "b & <c>", "a", "ünïcödé", "x" * 20_000], [1.5, 2, -0.0, 1e-300, 2**60]
    moments = [dt.datetime(2026, 3, 31), dt.datetime(2026, 3, 31), dt.datetime(2026, 4, 1, 12, 30)]
    rows = [2, 3, 4, 6, 9]

    def build(workbook, styles):
        sheet = workbook.add_worksheet("Columns")
        red = workbook.add_format({"font_color": "#C00000"})
        sheet.set_column(5, 5, 12, styles.bold)  # a column format: cells without their own take it
        sheet.set_row(4, None, red)  # a row format wins over the column's
        sheet.set_row(40, 30)  # a row with attributes only
        sheet.write_string(2, 1, "written first, then replaced")
        for col, cell_format in ((1, None), (5, None), (6, red)):
            if isinstance(sheet, BlockSheet):
                sheet.write_strings(rows, col, texts, cell_format)
                sheet.write_numbers([r + 20 for r in rows], col, numbers, cell_format)
                sheet.write_datetimes([30, 31, 32], col, moments, cell_format)
                sheet.write_blanks([33, 34], col, red)
                sheet.write_blanks([35], col, None)  # no format: no cell
            else:  # the same, one by one
                for row, text in zip(rows, texts, strict=True):
                    sheet.write_string(row, col, text, cell_format)
                for row, number in zip([r + 20 for r in rows], numbers, strict=True):
                    sheet.write_number(row, col, number, cell_format)
                for row, moment in zip([30, 31, 32], moments, strict=True):
                    sheet.write_datetime(row, col, moment, cell_format)
                for row in (33, 34, 35):
                    sheet.write_blank(row, col, None, red if row < 35 else None)
        for row in range(50, 53):  # the same rich string three times (made once), then others
            sheet.write_rich_string(row, 0, styles.bold, "■", red, "□", styles.bold)
        sheet.write_rich_string(53, 0, red, "■", styles.bold, "■")
        sheet.write_rich_string(54, 3, "plain ", red, "red")
        underlined = workbook.add_format({"underline": 2, "font_script": 1, "font_name": "Arial", "italic": True})
        themed = workbook.add_format({"font_color": "#C00000"})  # red's font by another format: same XML
        sheet.write_rich_string(56, 4, red, " spaced ", underlined, "a & <b>", themed, "■")  # runs made once a run
        sheet.write_rich_string(56, 5, themed, " spaced ", red, "■", styles.bold)
        with pytest.warns(UserWarning):  # an empty run, a single run: XlsxWriter refuses them, as before
            assert sheet.write_rich_string(56, 6, red, "■", red, "") == -4
        with pytest.warns(UserWarning):
            assert sheet.write_rich_string(56, 7, red, "only one run") == -5
        sheet.write_formula(55, 0, "=1+1", None, 2)
        sheet.write_boolean(55, 1, True)
        for col, value in enumerate([1.5, 7, -0.0, 2**60, 1e-300]):  # one by one: floats, ints
            sheet.write_number(63, col, value, red if col % 2 else None)
        sheet.write_string(64, 0, "y" * 20_000, red)  # cut to Excel's limit by XlsxWriter
        sheet.write_string("B65", "in A1 notation")
        sheet.write_blank(64, 2, None, red)
        sheet.write_blank(64, 3, None)  # no format: no cell
        sheet.write_datetime(64, 4, dt.datetime(2026, 2, 28, 6))
        sheet.write_datetime(64, 5, dt.datetime(2026, 2, 28), red)
        assert sheet.write_string(1_048_576, 0, "beyond the last row") == -1
        assert sheet.write_number(0, 16_384, 1.0) == -1
        assert sheet.write_rich_string(1_048_576, 0, red, "a", red, "b") == -1
        sheet.set_row(70, 24, red, {"hidden": True, "level": 2})  # rows of several kinds, each kind twice
        sheet.set_row(71, 24, red, {"hidden": True, "level": 2})
        sheet.set_row(72, 0)  # hidden
        sheet.set_row(73, 0)
        for row in range(70, 74):
            sheet.write_string(row, 1, "in a row of its kind")
        sheet.merge_range(57, 0, 58, 3, "merged text", red)  # merges: the first cell's value, blanks in the format
        sheet.merge_range(59, 2, 59, 0, 12.5, styles.bold)  # given right to left
        sheet.merge_range(60, 0, 60, 2, "", None)  # no format: no blank cells
        sheet.merge_range("A62:C62", "in A1 notation", red)
        with pytest.raises(OverlappingRange):
            sheet.merge_range(58, 3, 58, 5, "over a merge", red)

    block, cells = _both(tmp_path, build)
    _assert_same_bytes(block, cells)
    values = openpyxl.load_workbook(block)["Columns"]
    assert values["B3"].value == "a" and values["G24"].value == 2 and values["A52"].value == "■□"


def test_row_writers_and_conditional_formats_are_byte_identical(tmp_path):
    """write_numbers_across / write_datetimes_across (a chart's data across a row: NaN and ±inf
    leave gaps, a row of gaps no cell at all) and the formula cache of conditional formats give
    XlsxWriter's bytes for the same cells written one by one and the same rules."""
    numbers = [1.5, float("nan"), -0.0, float("inf"), 1e-300, 2.0]
    moments = [dt.datetime(2026, 1, 31), dt.datetime(2026, 2, 28), dt.datetime(2026, 1, 31)]

    def build(workbook, styles):
        sheet = workbook.add_worksheet("Rows")
        red = workbook.add_format({"font_color": "#C00000"})
        rows = ((2, numbers, red), (3, [float("nan")] * 3, red), (4, [7, 2.5, float("nan")], None),
                (7, [0.5, -0.0, 1e-300, 3.0], red), (8, [1e308, 1e308], None))  # all finite (the second sums to inf)
        for row, values, cell_format in rows:
            if isinstance(sheet, BlockSheet):
                sheet.write_numbers_across(row, 3, values, cell_format)
            else:
                for col, number in enumerate(values, start=3):
                    if number - number == 0:
                        sheet.write_number(row, col, number, cell_format)
        for row, cell_format in ((5, red), (6, None)):
            if isinstance(sheet, BlockSheet):
                sheet.write_datetimes_across(row, 1, moments, cell_format)
            else:
                for col, moment in enumerate(moments, start=1):
                    sheet.write_datetime(row, col, moment, cell_format)
        for _ in range(2):  # the same rules twice: the second from the cache
            sheet.conditional_format(2, 3, 6, 8, {"type": "cell", "criteria": "==", "value": '"Red"', "format": red})
            sheet.conditional_format(2, 3, 6, 8, {"type": "formula", "criteria": "=ACOT(D3)+LEN(XLOOKUP(D3,A1:A2,B1:B2))>1", "format": red})
        chart = workbook.add_chart({"type": "line"})
        chart.add_series({"categories": ["Rows", 5, 1, 5, 3], "values": ["Rows", 2, 3, 2, 5]})
        chart.add_series({"categories": ["Rows", 5, 1, 5, 3], "values": ["Rows", 3, 3, 3, 5]})  # no cell in the row
        sheet.insert_chart(10, 0, chart)

    _assert_same_bytes(*_both(tmp_path, build))


def test_merges_over_merges_and_tables_are_refused_as_xlsxwriter_refuses_them(tmp_path):
    """The same message, and the same places noted before the refusal, as XlsxWriter's own sheet."""
    seen = []
    for sheets in (BlockSheet, Worksheet):
        workbook = new_workbook(tmp_path / f"{sheets.__name__}.xlsx", sheets)
        sheet = workbook.add_worksheet("S")
        sheet.add_table(0, 0, 1, 1, {"name": "tblSmall", "columns": [{"header": "A"}, {"header": "B"}]})
        sheet.merge_range(5, 0, 6, 3, "merged")
        messages = []
        for args in ((1, 1, 2, 3, "over the table"), (6, 3, 6, 5, "over the merge"), (4, 2, 5, 2, "")):
            with pytest.raises(OverlappingRange) as refused:
                sheet.merge_range(*args)
            messages.append(str(refused.value))
        seen.append((messages, sorted(sheet.merged_cells.items()), sheet.merge))
        workbook.close()
    assert seen[0] == seen[1]


def test_charts_with_one_pass_caches_are_byte_identical(tmp_path):
    """with_fast_caches: numbers, dates, gaps, blank and text cells in a series, as XlsxWriter writes them."""
    import xlsxwriter

    from pmo_xl.io.chart_xml import with_fast_caches

    paths = []
    for name, fast in (("fast.xlsx", True), ("plain.xlsx", False)):
        workbook = xlsxwriter.Workbook(str(tmp_path / name), {"in_memory": True})
        workbook.set_properties({"created": FIXED_CREATED})  # not the clock: the two files are made seconds apart
        sheet = workbook.add_worksheet("Data")
        bold = workbook.add_format({"bold": True})
        for col, value in enumerate([1.5, -2, 1e-300, 2**60, 0.1 + 0.2]):
            sheet.write_number(0, col, value)
        for col in range(5):
            sheet.write_datetime(1, col, dt.datetime(2026, 1 + col, 1))
        sheet.write_number(2, 0, 3)  # then a gap, a blank cell, text that reads as a number, text
        sheet.write_blank(2, 2, None, bold)
        sheet.write_string(2, 3, "2.5")
        sheet.write_string(2, 4, "n/a & <more>")
        for kind in ("line", "scatter", "column"):
            chart = workbook.add_chart({"type": kind})
            if fast:
                chart = with_fast_caches(chart)
            for row in (0, 2):
                chart.add_series({"categories": ["Data", 1, 0, 1, 4], "values": ["Data", row, 0, row, 4]})
            chart.add_series({"categories": ["Data", 2, 0, 2, 4], "values": ["Data", 0, 0, 0, 4]})  # text categories
            chart.add_series({"categories": ["Data", 0, 0, 0, 4], "values": ["Data", 1, 0, 1, 4]})  # number categories
            chart.add_series({"categories": ["Data", 2, 0, 2, 2], "values": ["Data", 0, 0, 0, 2]})  # a number, a gap, a blank
            sheet.insert_chart(5, 0, chart)
        workbook.close()
        paths.append(tmp_path / name)
    _assert_same_bytes(*paths)


def test_report_workbook_writes_xlsxwriters_bytes(tmp_path):
    """ReportWorkbook (BlockSheet sheets, one-pass chart caches and shared strings) against a plain
    XlsxWriter workbook with the same options: text that needs escaping, white space kept,
    control characters, escape look-alikes, rich text, a table as a block and a chart on it."""
    import xlsxwriter

    from pmo_xl.report.write import ReportWorkbook

    texts = ["plain", " leading", "trailing ", "tab\tinside", "line\nbreak", "a & b < c > d", 'say "x"', "_x0041_ stays",
             "bell\x07", "non-character \ufffe", "no-break space\u00a0", "ünïcödé", "", "plain"]

    def build(workbook):
        workbook.set_properties({"created": FIXED_CREATED})
        sheet = workbook.add_worksheet("Texts")
        bold = workbook.add_format({"bold": True})
        for row, text in enumerate(texts):
            if text:
                sheet.write_string(row, 0, text)
        sheet.write_rich_string(20, 0, bold, "rich ", "text")
        columns = [[1.5, 2.5, None, 4.0], ["a", "b & c", None, "d"]]
        if isinstance(sheet, BlockSheet):
            sheet.write_columns(30, 0, columns, [bold, None])
        else:
            for col, values in enumerate(columns):
                for index, value in enumerate(values):
                    if value is not None:
                        write_cell(sheet, 30 + index, col, value, [bold, None][col])
        chart = workbook.add_chart({"type": "line"})
        chart.add_series({"categories": ["Texts", 30, 1, 33, 1], "values": ["Texts", 30, 0, 33, 0],
                          "name": 'Series "one" & <two>'})
        chart.set_title({"name": "Title & <escapes> \"quoted\" _x0041_"})
        chart.set_x_axis({"name": "bell\x07 axis", "num_format": '0.0 "days"'})
        sheet.insert_chart(40, 0, chart)

    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
               "nan_inf_to_errors": False, "in_memory": True}
    report = ReportWorkbook(tmp_path / "report.xlsx")
    build(report)
    report.close()
    plain = xlsxwriter.Workbook(str(tmp_path / "plain.xlsx"), options)
    build(plain)
    plain.close()
    _assert_same_bytes(tmp_path / "report.xlsx", tmp_path / "plain.xlsx")
