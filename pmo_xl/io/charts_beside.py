"""A workbook's charts made into XML by worker processes while this one goes on with the rest.

When a workbook closes, XlsxWriter makes each part's XML in turn, in one Python thread. A chart's
XML needs nothing the worksheets' XML settles: by the time the parts are made, the drawings are
numbered and every chart holds its cached numbers (`Workbook._prepare_drawings` and
`_add_chart_data`); what a worksheet's XML settles as it is made (style indexes) is not in a
chart. So on a machine with a second core a forked worker (`pmo_xl.background`) makes the charts'
XML — 0.45 s of the 1,000-project report's close, 0.95 s with a History of 24 periods (one trend
chart more per project page) — while this process makes the worksheets' XML; the charts' parts
are then written from its answer, in their place and order, the same text.

Earlier still: once at least `MIN_CHARTS` charts are in sheets that are complete (the writer
says so, `sheet_written`) and read data from complete sheets only, a worker forked then makes
those charts' XML while the later sheets are written — the second core is free then, while at
close it also compresses the parts (`zip_behind`). A chart's number and axis ids depend only on
the sheets before it, so the worker numbers the drawings and reads the cached data as the close
will; the charts of later sheets are made at close as above. It first makes those sheets' own
XML parts (`sheets_beside`), then sends its charts a few at a time; at close, whenever none is
waiting, this process makes the early charts left from the last one back until the two meet (the
worker is then stopped): no waiting on a worker that a busy machine slows down. The bytes are the
same either way.

Earlier again: a long sheet of many charts, each reading its own rows (the project pages: ~440
pages, ~890 charts with a History), says when its charts so far are final (`charts_written`, at
25, 50 and 75 % of its pages): a worker is forked each time and makes the charts since the last
one while the next pages are written (the second core is otherwise idle until that sheet is
complete); the numbers of those charts are settled, as the sheets before are complete and a
sheet's later charts come after them. One more worker, forked when the sheet is complete, makes
the first sheets' parts and the charts from there on; the close takes each worker's charts in turn.
A worker's charts come compressed as the zip holds them (`zip_behind.deflated`), where the
workbook is a ZipBehindWorkbook: a tenth of the bytes through the pipe, which holds 1 MiB (a
worker forked early would otherwise stop, its pipe full, until the close reads it), and nothing
left to compress here.

Only where it pays: with at least `MIN_CHARTS` charts (a fork of a large process and the answer
through a pipe cost a few tens of milliseconds) and where `background` forks at all. Elsewhere,
or when the worker gives no answer, the charts are made here as XlsxWriter makes them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from io import StringIO
from typing import Any

import xlsxwriter
from xlsxwriter.chart import Chart
from xlsxwriter.exceptions import EmptyChartSeries
from xlsxwriter.packager import Packager

from pmo_xl.background import Answers, Pending, forks, in_background
from pmo_xl.io.chart_xml import add_chart_data
from pmo_xl.io.sheets_beside import SheetParts, complete_prefix, sheets_xml
from pmo_xl.io.zip_behind import DeflatedPart, ZipBehindWorkbook, deflated, inflated

MIN_CHARTS = 100  # the sample's report has ~20: made here; the 1,000-project one ~450
CHART_BATCH = 16  # the early worker's charts are sent so many at a time (~15 ms of XML)


def charts_xml(charts: Sequence[Chart]) -> list[str]:
    """Each chart's XML part, as XlsxWriter's packager makes it."""
    return [_part_xml(chart) for chart in charts]


def _part_xml(part: Any) -> str:
    """A part's XML (a chart's, a drawing's ...) as XlsxWriter's packager makes it, in memory."""
    handle = StringIO()
    part._set_xml_writer(handle)
    part._assemble_xml_file()
    return handle.getvalue()


def charts_parts(charts: Sequence[Chart], deflate: bool) -> list[str] | list[DeflatedPart]:
    """Each chart's XML part, compressed as the zip will hold it if `deflate` (a worker's answer to
    a ZipBehindWorkbook: a tenth of the bytes through the pipe, and no compression left to do here)."""
    parts = charts_xml(charts)
    return [deflated(part.encode("utf-8")) for part in parts] if deflate else parts


def _early_parts(workbook: ChartsBesideWorkbook, sheets: bool, made: int = 0,
                 ) -> Iterator[SheetParts | list[str] | list[DeflatedPart] | None]:
    """In a worker forked while later sheets (or pages) are still to be written, its answers: first
    the XML parts of every sheet so far (`sheets_beside`; None if not asked for), then the XML of every
    chart so far but the first `made` (an earlier worker's), in the order of their numbers,
    `CHART_BATCH` at a time (the close may make the last ones itself meanwhile:
    `_EarlyWorker.charts_xml`), compressed where the workbook zips compressed parts: the pipe
    holds 1 MiB, and a few hundred charts' XML would stop a worker forked early until the close
    reads them (~270 charts, 2.3 MB, with a History; compressed, a tenth of that). What the close settles first is settled as it will settle it, in the
    worker's own memory: for the charts, the drawings numbered and their cached data read (the text
    cells' strings by index, as the caches read them)."""
    if sheets:
        workbook._prepare_package(chart_data=False)  # ZipBehindWorkbook's: all but the charts' data
        yield sheets_xml(workbook)
    else:
        workbook._prepare_sst_string_data()
        workbook._prepare_drawings()
        yield None
    charts = list(workbook.charts)[made:]
    batch = CHART_BATCH if _read_alone(charts) else len(charts)
    deflate = isinstance(workbook, ZipBehindWorkbook)
    for start in range(0, len(charts), batch):
        workbook._add_data_of(charts[start:start + batch])
        yield charts_parts(charts[start:start + batch], deflate)


def _read_alone(charts: Sequence[Chart]) -> bool:
    """Whether each chart's cached data can be read on its own: none is given its data (XlsxWriter
    gives a range's given data to the later charts that read that range in the same pass)."""
    return all(data is None for chart in charts for part in (chart, chart.combined) if part
               for data in part.formula_data)


class _EarlyWorker:
    """The early worker's answers, each taken once, in order: the sheets' parts, then the charts'."""

    def __init__(self, answers: Answers[Any], charts: list[Chart]) -> None:
        self.answers = answers
        self.charts = charts  # the charts it makes (none when they are made at close after all)
        self._sheets_taken = False

    def sheets(self) -> SheetParts | None:
        if self._sheets_taken:
            return None
        self._sheets_taken = True
        return self.answers.next()  # type: ignore[no-any-return]

    def sheets_ready(self) -> bool:
        """Whether `sheets()` would not wait (taken already, or the answer is there)."""
        return self._sheets_taken or self.answers.ready()

    def charts_xml(self, workbook: ChartsBesideWorkbook, made: int = 0) -> list[str | DeflatedPart]:
        """The XML of this worker's charts (those of `workbook.charts` after the first `made`): the
        worker's (compressed, for a ZipBehindWorkbook), first to last, while this process, whenever no answer is waiting, makes them last
        to first; they meet in the middle. What the worker has not made when it is gone is made here."""
        self.sheets()  # (its answer comes first)
        charts = workbook.charts[made:made + len(self.charts)]
        front: list[str | DeflatedPart] = []  # the worker's, from the first chart on
        back: list[str] = []  # made here, from the last chart back
        steal = _read_alone(charts)
        while len(front) + len(back) < len(charts):
            if not steal or self.answers.ready():
                batch: list[str | DeflatedPart] | None = self.answers.next()  # type: ignore[assignment]
                if batch is None:  # the worker is gone
                    break
                front += batch
            else:
                chart = charts[len(charts) - 1 - len(back)]
                workbook._add_data_of([chart])
                back += charts_xml([chart])
        self.answers.stop()
        rest = charts[len(front):len(charts) - len(back)]
        if rest:
            workbook._add_data_of(rest)
            front += charts_xml(rest)
        return front[:len(charts) - len(back)] + back[::-1]


class ChartsBesideWorkbook(xlsxwriter.Workbook):
    """A workbook that has the charts of its complete sheets made by a worker while its later
    sheets are written (`sheet_written`), the others at close (`ChartsBesidePackager`); where it
    is also a ZipBehindWorkbook, that worker makes those sheets' parts too (`sheets_beside`).
    A long sheet of many charts may say when its charts so far are final (`charts_written`, at a
    few points): a worker is forked each time, and one more for the sheet's later charts once it
    is complete."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.complete_sheets: set[str] = set()
        self.early_workers: list[_EarlyWorker] = []  # in the order of their charts
        self._forked_in: str | None = None  # the sheet every worker so far was forked in the middle of
        self._sheets_read: dict[int, frozenset[str]] = {}  # id(chart) -> the sheets its ranges read (worked out once)

    @property
    def early(self) -> _EarlyWorker | None:
        """The first early worker, or None."""
        return self.early_workers[0] if self.early_workers else None

    def sheet_written(self, name: str) -> None:
        """Sheet `name` will not change any more: start the worker for the charts so far, once, when
        there are enough of them and all are drawn in complete sheets and read complete sheets only
        (once more when the first was started in the middle of this sheet, for its later charts)."""
        self.complete_sheets.add(name)
        if not self.early_workers:
            self._start_early(self.complete_sheets, sheets=True)
        elif self._forked_in == name:  # every worker so far forked in it (the first sheets' parts are worth a fork)
            self._forked_in = None
            self._start_early(self.complete_sheets, sheets=True, enough=0)

    def charts_written(self, name: str) -> None:
        """Sheet `name`, the last so far, is still being written, but its charts so far and every
        cell they read will not change any more (a page of a long sheet is done): start a worker
        for the charts so far not given to one (their XML only: the sheets' parts are made by the
        worker forked when this sheet is complete). Said again later in the same sheet, one more
        worker for the charts since: the second core takes each stretch of pages' charts while
        the next stretch is written, instead of idling until the sheet is complete."""
        sheets = self.worksheets()
        if not sheets or sheets[-1].name != name or (self.early_workers and self._forked_in != name):
            return
        if self._start_early(self.complete_sheets | {name}, sheets=False):
            self._forked_in = name

    def _start_early(self, settled: set[str], sheets: bool, enough: int | None = None) -> bool:
        """Fork a worker for the charts not yet given to one, if they are enough (`MIN_CHARTS`) and
        all are drawn in and read `settled` sheets only; it makes the parts of the sheets so far
        first if `sheets` and they are all complete."""
        made = sum(len(worker.charts) for worker in self.early_workers)
        charts = self.charts[made:]
        if len(charts) < (MIN_CHARTS if enough is None else enough) or not self.in_memory or not forks():
            return False
        drawn = {id(placed[2]) for sheet in self.worksheets() if sheet.name in settled for placed in sheet.charts}
        if not all(id(chart) in drawn and self._sheets_read_by(chart) <= settled for chart in charts):
            return False
        with_sheets = sheets and hasattr(self, "_prepare_package") and complete_prefix(self, self.complete_sheets)
        self.early_workers.append(_EarlyWorker(Answers(_early_parts, self, with_sheets, made), list(charts)))
        return True

    def early_sheets_waiting(self) -> bool:
        """Whether taking the early workers' parts of the first sheets would wait for a worker."""
        return not all(worker.sheets_ready() for worker in self.early_workers)

    def early_sheets(self) -> SheetParts | None:
        """An early worker's parts of the first sheets, or None (no worker made them, no answer)."""
        for worker in self.early_workers:
            parts = worker.sheets()
            if parts is not None:
                return parts
        return None

    def _sheets_read_by(self, chart: Chart) -> frozenset[str]:
        """The sheets whose cells a chart's cached data may be read from (not its given numbers):
        the sheet name of each range, split off as `_get_chart_range` splits it, without parsing
        its cells (a range whose cells do not parse is read from no sheet: its name here only
        makes the test stricter)."""
        known = self._sheets_read.get(id(chart))
        if known is None:
            names = set()
            for part in (chart, chart.combined) if chart.combined else (chart,):
                for formula, data_id in part.formula_ids.items():
                    at = formula.rfind("!")
                    if part.formula_data[data_id] is None and at > 0:
                        name = formula[:at].strip("'").replace("''", "'")
                        if not name.startswith("("):
                            names.add(name)
            known = self._sheets_read[id(chart)] = frozenset(names)
        return known

    def _add_chart_data(self) -> None:
        """The cached data of the charts the early workers have not made (they read their own). Runs
        after the drawings are numbered: the early charts must be the first charts of the package,
        each worker's after the one before — they are, but for a chart made early and drawn in a
        later sheet: then all are made at close."""
        early = [chart for worker in self.early_workers for chart in sorted(worker.charts, key=_number)]
        if [id(c) for c in self.charts[:len(early)]] != [id(c) for c in early]:
            for worker in self.early_workers:
                worker.charts = []
            early = []
        self._add_data_of(self.charts[len(early):])

    def _add_data_of(self, charts: list[Chart]) -> None:
        """XlsxWriter's _add_chart_data for these charts only (`chart_xml.add_chart_data`: the same
        lists, read faster)."""
        add_chart_data(self, charts)


def _number(chart: Chart) -> int:
    return chart.id


class ChartsBesidePackager(Packager):
    """XlsxWriter's Packager whose chart parts are made by a worker while the worksheets are."""

    _charts_pending: Pending[list[str]] | None = None
    _drawings_made: list[str] | None = None  # the drawings' XML, made while a worker was waited for

    def _write_worksheet_files(self) -> None:
        """The worksheets' parts, the first ones taken from an early worker (`sheets_beside`, next in
        line): while that worker is still making them, the drawings' XML is made here first (it
        reads only what `_prepare_drawings` settled, nothing a worksheet's XML settles) and written
        in its place later: the wait, ~0.1 s on an idle machine with a History, is filled."""
        waiting = getattr(self.workbook, "early_sheets_waiting", None)
        if self.drawing_count and waiting is not None and waiting():
            self._drawings_made = [_part_xml(drawing) for drawing in self.workbook.drawings]
        super()._write_worksheet_files()

    def _write_drawing_files(self) -> None:
        made, self._drawings_made = self._drawings_made, None
        if made is None:
            super()._write_drawing_files()
            return
        for index, xml_part in enumerate(made, start=1):
            self._filename(f"xl/drawings/drawing{index}.xml").write(xml_part)

    def _create_package(self) -> Any:
        charts = self.workbook.charts
        for index, chart in enumerate(charts, start=1):
            if not chart.series:  # XlsxWriter's own check, made before any part as it would stop there
                raise EmptyChartSeries(f"Chart{index} must contain at least one data series. See chart.add_series().")
        early = getattr(self.workbook, "early_workers", [])
        later = charts[sum(len(worker.charts) for worker in early):]
        if self.in_memory and len(later) >= MIN_CHARTS and forks():  # in memory: the parts are StringIO
            self._charts_pending = in_background(charts_xml, later)
        return super()._create_package()

    def _write_chart_files(self) -> None:
        workbook = self.workbook
        early = getattr(workbook, "early_workers", [])
        if not early and self._charts_pending is None:
            super()._write_chart_files()
            return
        made: list[str | DeflatedPart] = []
        for worker in early:
            made += worker.charts_xml(workbook, len(made))
        if self._charts_pending is not None:
            pending, self._charts_pending = self._charts_pending, None
            made += pending()  # made here if the worker gave no answer
        else:
            made += charts_xml(workbook.charts[len(made):])
        takes_deflated = getattr(self.filenames, "takes_deflated", False)
        for index, xml_part in enumerate(made, start=1):
            name = f"xl/charts/chart{index}.xml"
            if xml_part.__class__ is DeflatedPart:
                if takes_deflated:  # (ZipBehindWorkbook's list of parts: zipped as it is)
                    self.filenames.append((xml_part, name, False))
                    continue
                xml_part = inflated(xml_part)  # type: ignore[arg-type]
            self._filename(name).write(xml_part)
