"""FastTags writes the very elements XlsxWriter's XMLwriter writes, escapes and all."""

from __future__ import annotations

from io import StringIO

import pytest
from xlsxwriter.chart_line import ChartLine
from xlsxwriter.xmlwriter import XMLwriter

from pmo_xl.io.xml_tags import FastTags, with_fast_tags


class _Text(str):
    pass


VALUES = [0, 1, -2, 1.0, 0.5, 1e-300, True, False, None, "", "plain", "a & b", '"quoted"', "<tag>", "line\nbreak",
          "tab\there", "_x0041_", "\x01control", "\ufffe", "ünïcödé ■", _Text("sub & class"), b"bytes"]


def _both(write) -> tuple[str, str]:
    texts = []
    for writer in (XMLwriter(), FastTags()):
        writer.fh = StringIO()
        write(writer)
        texts.append(writer.fh.getvalue())
    return texts[0], texts[1]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_elements_are_xmlwriters(value: object) -> None:
    def write(writer: XMLwriter) -> None:
        writer._xml_start_tag("c:tag", [("val", value), ("idx", 3)])
        writer._xml_empty_tag("c:empty", [("val", value)])
        writer._xml_empty_tag("c:bare")
        writer._xml_start_tag("c:bare")
        writer._xml_data_element("c:v", value)
        writer._xml_data_element("c:v", value, [("xml:space", "preserve"), ("n", value)])
        writer._xml_end_tag("c:tag")

    plain, fast = _both(write)
    assert fast == plain


def test_a_chart_keeps_its_class_and_writes_the_same() -> None:
    chart = with_fast_tags(ChartLine())
    assert isinstance(chart, ChartLine) and isinstance(chart, FastTags)
    assert with_fast_tags(chart) is chart and type(with_fast_tags(ChartLine())) is type(chart)
