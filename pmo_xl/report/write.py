"""Write the monthly report pack: lay a built report model out sheet by sheet (the write stage).

The output is deterministic (same portfolio and period, same bytes: a fixed document date,
stable sort orders everywhere, no clock or random input) and written atomically: to a
temporary file beside the target, renamed over it only when complete. The input workbook is
never opened for writing.
"""

from __future__ import annotations

import os
from pathlib import Path

from pmo_xl import __version__
from pmo_xl.gc_pause import without_cycle_collection
from pmo_xl.io.atomic import atomic_path
from pmo_xl.io.block_sheet import BlockSheet
from pmo_xl.io.chart_xml import with_fast_caches
from pmo_xl.io.charts_beside import ChartsBesidePackager, ChartsBesideWorkbook
from pmo_xl.io.shared_strings import OnePassPackager
from pmo_xl.io.sheets_beside import SheetsBesidePackager
from pmo_xl.io.write_template import FIXED_CREATED
from pmo_xl.io.xml_tags import with_fast_tags
from pmo_xl.io.zip_behind import ZipBehindWorkbook
from pmo_xl.report.model import ReportModel
from pmo_xl.report.sheets import SHEETS, Styles
from pmo_xl.report.sheets.scenarios import SheetContext, write_scenario_sheet
from pmo_xl.scenarios.compare import ComparisonView


class ReportPackager(ChartsBesidePackager, SheetsBesidePackager, OnePassPackager):
    """The first sheets' and the charts' XML made by workers beside, the shared strings in one pass
    (the charts' packager first: it makes the drawings while the sheets' worker is waited for)."""


class ReportWorkbook(ChartsBesideWorkbook, ZipBehindWorkbook):
    """A workbook for report sheets: text is text, parts assembled in memory and zipped by a
    worker thread while the next is made, every sheet a BlockSheet (a column of cells handed over
    at once, each cell's XML made in one step), every chart writing its cached numbers, the charts'
    XML made by a worker process beside the worksheets' (where there are many), sheets, charts and
    drawings writing elements with the common case first (io/xml_tags.py) and the shared strings
    part written in one pass: the bytes XlsxWriter writes, faster."""

    worksheet_class = BlockSheet
    packager_class = ReportPackager

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__(str(path), {
            # Register text is data: never a formula, never a link, whatever it starts with.
            "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
            "nan_inf_to_errors": False,
            # Assemble the parts in memory: no temporary file per part to write and delete.
            "in_memory": True,
        })

    def sheet_written(self, name: str) -> None:
        """As ChartsBesideWorkbook's; and where no worker has been started by the time two thirds of
        the pack's sheets are written (a small portfolio: fewer charts than `MIN_CHARTS`), one is
        started then all the same, for those sheets' XML and charts: the second core is otherwise
        idle while the last third is written, and the close makes the rest (on the 40-project
        sample, 0.06 s less CPU here, the fork included; the same bytes, `sheets_beside`)."""
        super().sheet_written(name)
        if not self.early_workers and len(self.complete_sheets) * 3 >= len(SHEETS) * 2:
            self._start_early(self.complete_sheets, sheets=True, enough=0)

    def add_chart(self, options):  # type: ignore[no-untyped-def]
        return with_fast_tags(with_fast_caches(super().add_chart(options)))

    def _prepare_drawings(self) -> None:  # XlsxWriter makes each sheet's drawing (chart anchors) here
        super()._prepare_drawings()
        for sheet in self.worksheets():
            if sheet.drawing:
                with_fast_tags(sheet.drawing)


def report_workbook(path: str | os.PathLike[str]) -> ReportWorkbook:
    return ReportWorkbook(path)


@without_cycle_collection
def write_report_model(model: ReportModel, out: str | os.PathLike[str]) -> Path:
    """Write an already built report model to `out` (.xlsx), atomically."""
    out = Path(out)
    with atomic_path(out) as temporary:
        workbook = report_workbook(temporary)
        workbook.set_properties({
            "title": f"{model.title} — monthly report {model.period_label}",
            "subject": "PMO monthly report pack",
            "creator": f"pmo-xl {__version__}",
            "created": FIXED_CREATED,
        })
        workbook.set_size(1600, 1000)
        styles = Styles(workbook, model)
        for name, writer in SHEETS:
            writer(workbook, styles, model)  # None: nothing to show in this pack (e.g. no project pages)
            workbook.sheet_written(name)  # its charts may be made beside from now on
        workbook.worksheets()[0].activate()
        workbook.close()
    return out


def write_scenario_workbook(view: ComparisonView, context: SheetContext, out: str | os.PathLike[str]) -> Path:
    """The comparison workbook of `pmo-xl scenarios`: the Scenarios sheet alone, atomically."""
    out = Path(out)
    with atomic_path(out) as temporary:
        workbook = report_workbook(temporary)
        workbook.set_properties({"title": f"{context.title} — what-if scenarios {context.period_label}",
                                 "creator": f"pmo-xl {__version__}", "created": FIXED_CREATED})
        # Styles reads only the money format of the model it is given: the context carries it.
        write_scenario_sheet(workbook, Styles(workbook, context), context, view)  # type: ignore[arg-type]
        workbook.close()
    return out
