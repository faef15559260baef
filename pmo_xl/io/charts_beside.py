"""A workbook's charts made into XML by a worker process while this one makes the worksheets'.

When a workbook closes, XlsxWriter makes each part's XML in turn, in one Python thread. A chart's
XML needs nothing the worksheets' XML settles: by the time the parts are made, the drawings are
numbered and every chart holds its cached numbers (`Workbook._prepare_drawings` and
`_add_chart_data`); what a worksheet's XML settles as it is made (style indexes) is not in a
chart. So on a machine with a second core a forked worker (`pmo_xl.background`) makes the charts'
XML — 0.45 s of the 1,000-project report's close, 0.95 s with a History of 24 periods (one trend
chart more per project page) — while this process makes the worksheets' XML; the charts' parts
are then written from its answer, in their place and order, the same text.

Only where it pays: with at least `MIN_CHARTS` charts (a fork of a large process and the answer
through a pipe cost a few tens of milliseconds) and where `background` forks at all. Elsewhere,
or when the worker gives no answer, the charts are made here as XlsxWriter makes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import StringIO
from typing import Any

from xlsxwriter.chart import Chart
from xlsxwriter.exceptions import EmptyChartSeries
from xlsxwriter.packager import Packager

from pmo_xl.background import Pending, forks, in_background

MIN_CHARTS = 100  # the sample's report has ~20: made here; the 1,000-project one ~450


def charts_xml(charts: Sequence[Chart]) -> list[str]:
    """Each chart's XML part, as XlsxWriter's packager makes it."""
    parts = []
    for chart in charts:
        handle = StringIO()
        chart._set_xml_writer(handle)
        chart._assemble_xml_file()
        parts.append(handle.getvalue())
    return parts


class ChartsBesidePackager(Packager):
    """XlsxWriter's Packager whose chart parts are made by a worker while the worksheets are."""

    _charts_pending: Pending[list[str]] | None = None

    def _create_package(self) -> Any:
        charts = self.workbook.charts
        for index, chart in enumerate(charts, start=1):
            if not chart.series:  # XlsxWriter's own check, made before any part as it would stop there
                raise EmptyChartSeries(f"Chart{index} must contain at least one data series. See chart.add_series().")
        if self.in_memory and len(charts) >= MIN_CHARTS and forks():  # in memory: the parts are StringIO
            self._charts_pending = in_background(charts_xml, charts)
        return super()._create_package()

    def _write_chart_files(self) -> None:
        if self._charts_pending is None:
            super()._write_chart_files()
            return
        pending, self._charts_pending = self._charts_pending, None
        for index, xml in enumerate(pending(), start=1):  # made here if the worker gave no answer
            self._filename(f"xl/charts/chart{index}.xml").write(xml)
