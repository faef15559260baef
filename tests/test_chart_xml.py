"""ChartLooks (charts drawn alike: their options parsed once) against XlsxWriter's own calls: the same file, byte for byte."""

from __future__ import annotations

import datetime as dt
import warnings
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from pmo_xl.io.chart_xml import ChartLooks, SeriesLook, with_fast_caches
from pmo_xl.io.write_template import FIXED_CREATED

LINE = {"color": "#4472C4", "width": 1.75, "dash_type": "dash"}


def _draw(path: Path, looks: ChartLooks | None) -> None:
    """Charts in three looks on two sheets (one name needs quoting), through `looks` or XlsxWriter."""
    workbook = xlsxwriter.Workbook(str(path), {"in_memory": True})
    workbook.set_properties({"created": FIXED_CREATED})  # not the clock: the two files are made apart
    sheets = [workbook.add_worksheet("Data"), workbook.add_worksheet("Project pages")]
    for sheet in sheets:
        for row in range(40):
            sheet.write_string(row, 0, f"Series {row}")
            for col in range(1, 7):
                if (row + col) % 5:  # gaps
                    sheet.write_number(row, col, row * 10.5 + col)
        for col in range(1, 7):
            sheet.write_datetime(40, col, dt.datetime(2026, col, 1), workbook.add_format({"num_format": "mmm yy"}))

    def add_chart(options: dict[str, object]):  # type: ignore[no-untyped-def]
        chart = looks.add_chart(workbook, options) if looks else workbook.add_chart(options)
        return with_fast_caches(chart)

    def add_series(chart, options: dict[str, object], split: bool = False) -> None:  # type: ignore[no-untyped-def]
        if looks and split:  # the ranges alone, the rest as a SeriesLook
            ranges = {key: value for key, value in options.items() if key in ("name", "values", "categories")}
            looks.add_series(chart, ranges, SeriesLook({key: value for key, value in options.items() if key not in ranges}))
        else:
            (looks.add_series(chart, options) if looks else chart.add_series(options))

    def set_axis(chart, which: str, options: dict[str, object]) -> None:  # type: ignore[no-untyped-def]
        (looks.set_axis(chart, which, options) if looks else getattr(chart, f"set_{which}_axis")(options))

    for index in range(12):
        sheet = sheets[index % 2]
        r = 3 * index
        chart = add_chart({"type": "line"} if index % 3 else {"type": "column"})
        for offset, dash in enumerate(("dash", "solid", "round_dot"), start=1):
            add_series(chart, {"name": f"S{offset}" if index % 4 else [sheet.name, r + offset, 0],
                               "categories": [sheet.name, 40, 1, 40, 6], "values": [sheet.name, r + offset, 1, r + offset, 6],
                               "line": {**LINE, "dash_type": dash}, "marker": {"type": "circle", "size": 3}}, split=index % 2 == 0)
        add_series(chart, {"values": [sheet.name, r, 1, r, 1], "categories": [sheet.name, 40, 1, 40, 1]})  # one cell
        # a formula; a chart-wide option
        add_series(chart, {"values": f"='{sheet.name}'!$B$1:$C$1", "gap": 50}, split=index % 4 == 0)
        set_axis(chart, "x", {"num_format": "mmm yy", "num_font": {"size": 7}} if index % 5 else {"date_axis": True})
        # Bounds differ from chart to chart (numbers: the look is shared; a datetime: XlsxWriter's conversion).
        bounds = ({}, {"min": index * 3, "max": 400.5 + index}, {"max": dt.datetime(2026, 1, index + 1)})[index % 3]
        set_axis(chart, "y", {"num_format": "#,##0" if index % 2 else "0.0", "num_font": {"size": 7}, **bounds,
                              "major_gridlines": {"visible": True, "line": {"color": "#EEEEEE"}}})
        if index % 3 == 1:
            chart.set_title({"name": f"Chart {index}", "name_font": {"size": 8}})
        chart.set_legend({"position": "bottom"})
        sheet.insert_chart(r, 8, chart)
    workbook.close()


def test_chart_looks_write_xlsxwriters_bytes(tmp_path: Path) -> None:
    paths = [tmp_path / "looks.xlsx", tmp_path / "plain.xlsx"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no option dropped with a warning on either side
        _draw(paths[0], ChartLooks())
        _draw(paths[1], None)
    with zipfile.ZipFile(paths[0]) as a, zipfile.ZipFile(paths[1]) as b:
        assert a.namelist() == b.namelist()
        assert sum(name.startswith("xl/charts/chart") for name in a.namelist()) == 12
        for name in a.namelist():
            assert a.read(name) == b.read(name), f"{name} differs"


def test_chart_looks_parse_each_look_once() -> None:
    """The second chart of the same options takes the first one's parse (its own ranges and ids)."""
    workbook = xlsxwriter.Workbook("unused.xlsx", {"in_memory": True})
    looks = ChartLooks()
    charts = [looks.add_chart(workbook, {"type": "line"}) for _ in range(2)]
    assert workbook.charts == charts and charts[0] is not charts[1]
    for row, chart in enumerate(charts):
        looks.add_series(chart, {"name": "PV", "values": ["Data", row, 1, row, 4], "line": LINE})
        looks.set_axis(chart, "y", {"num_format": "0.0"})
    first, second = (chart.series[0] for chart in charts)
    assert second["line"] is first["line"]  # parsed once, shared
    assert (first["values"], second["values"]) == ("Data!$B$1:$E$1", "Data!$B$2:$E$2")
    assert charts[1].y_axis["num_format"] == "0.0" and charts[1].y_axis["title"] is not charts[0].y_axis["title"]
    assert charts[0].series is not charts[1].series and charts[0].formula_ids is not charts[1].formula_ids


def test_chart_looks_share_an_axis_look_across_bounds() -> None:
    """Axes alike but for their numeric min and max: one parse, each chart its own bounds and date axis."""
    workbook = xlsxwriter.Workbook("unused.xlsx", {"in_memory": True})
    looks = ChartLooks()
    charts = [looks.add_chart(workbook, {"type": "line"}) for _ in range(2)]
    for low, chart in zip((10, 20), charts, strict=True):
        looks.set_axis(chart, "x", {"date_axis": True, "num_format": "mmm yy"})
        looks.set_axis(chart, "y", {"num_format": "0.0", "num_font": {"size": 7}, "min": low, "max": low + 5.5})
    assert all(chart.date_category for chart in charts)
    assert [(chart.y_axis["min"], chart.y_axis["max"]) for chart in charts] == [(10, 15.5), (20, 25.5)]
    assert charts[1].y_axis["num_font"] is charts[0].y_axis["num_font"]  # the look parsed once


def test_a_series_look_takes_ranges_only() -> None:
    """A SeriesLook keeps its own copy of the options; ranges go with each series, never in the look."""
    line = {"color": "#4472C4", "width": 1.75}
    look = SeriesLook({"line": line})
    line["color"] = "#FF0000"  # the caller's options changed later: the look is as it was made
    assert look.options == {"line": {"color": "#4472C4", "width": 1.75}}
    with pytest.raises(ValueError):
        SeriesLook({"line": line, "values": ["Data", 0, 1, 0, 4]})
    workbook = xlsxwriter.Workbook("unused.xlsx", {"in_memory": True})
    chart = ChartLooks().add_chart(workbook, {"type": "line"})
    with pytest.raises(ValueError):
        ChartLooks().add_series(chart, {"values": ["Data", 0, 1, 0, 4], "marker": {"type": "none"}}, look)


def _charts_reading_every_kind_of_range(workbook: xlsxwriter.Workbook) -> list:  # type: ignore[type-arg]
    """Charts whose series read numbers, dates, text, blanks, formulas and gaps; rows, columns,
    single cells, 2D ranges, unknown sheets, defined names, non-contiguous ranges and given data."""
    sheet = workbook.add_worksheet("It's data")
    other = workbook.add_worksheet("Plain")
    sheet.write_row(0, 0, [1.5, 2, None, 1e-7, 123456789.123456789])
    sheet.write_datetime(0, 6, dt.datetime(2026, 10, 31))
    sheet.write_row(1, 0, ["a", "", 3.25, "=1+1"])
    sheet.write_blank(1, 5, None, workbook.add_format({"bold": True}))
    sheet.write_boolean(1, 6, True)
    other.write_column(0, 0, [4, 5, "six", None, 7])
    workbook.define_name("Named", "=Plain!$A$1:$A$3")
    ranges = ["='It''s data'!$A$1:$G$1", "='It''s data'!$A$2:$G$2", "='It''s data'!$A$1", "='It''s data'!A1:B1",
              "=Plain!$A$1:$A$5", "=Plain!$A$1:$B$2", "=Nowhere!$A$1:$A$2", "=Named", "=(Plain!$A$1,Plain!$A$3)",
              "='It''s data'!$A$9:$C$9", "=Plain!$a$1:$a$2", "='It''s data'!$A$1:$G$1"]
    charts = []
    for values in ranges:
        chart = workbook.add_chart({"type": "line"})
        chart.add_series({"values": values, "categories": "=Plain!$A$1:$A$5", "name": "='It''s data'!$A$2"})
        charts.append(chart)
    given = workbook.add_chart({"type": "column"})
    given.add_series({"values": "=Plain!$A$1:$A$5", "categories": "=Plain!$A$1:$A$5"})
    given.formula_data[given.formula_ids["Plain!$A$1:$A$5"]] = [9, 8, 7]  # given data: later charts reading it get it
    later = workbook.add_chart({"type": "line"})
    later.add_series({"values": "=Plain!$A$1:$A$5"})
    line = workbook.add_chart({"type": "line"})
    line.add_series({"values": "=Plain!$A$2:$A$4"})
    combined = workbook.add_chart({"type": "column"})
    combined.add_series({"values": "=Plain!$A$2:$A$4"})
    line.combine(combined)
    return [*charts, given, later, line]


def test_the_charts_data_are_read_as_xlsxwriter_reads_them() -> None:
    from pmo_xl.io.chart_xml import add_chart_data

    data = []
    for ours in (False, True):
        workbook = xlsxwriter.Workbook(None, {"in_memory": True})  # never closed: only its charts' data are read
        charts = _charts_reading_every_kind_of_range(workbook)
        workbook._prepare_sst_string_data()  # (as the close does first: text cells read by index)
        with warnings.catch_warnings(record=True) as warned:
            warnings.simplefilter("always")
            if ours:
                add_chart_data(workbook, charts)
            else:
                workbook._add_chart_data()
        data.append(([part.formula_data for chart in charts for part in (chart, chart.combined) if part],
                     [str(warning.message) for warning in warned]))
    assert data[0] == data[1]
    assert data[1][0][0][1] == ["1.5", "2", None, "1e-07", "123456789.1234568", None, "46326"]
    assert data[1][1] == ["Unknown worksheet reference 'Nowhere' in range 'Nowhere!$A$1:$A$2' passed to add_series()"]
