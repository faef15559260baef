"""Assemble PMO.xlsm from source: sheets with XlsxWriter, macros from VBA text, no Excel needed.

Sheets, in order: Home (buttons, last-run block), the standard portfolio sheets of
`pmo_xl.io.write_template.write_portfolio_sheets` (Instructions, registers, Settings), the
tool-owned result sheets (layout.TOOL_TABLES) and the hidden `xlwings.conf`. The VBA project
is built from text (vba_sources, vba_project) with one document module per sheet, matching
the code names set here. A fixed creation date and a seeded VBA build make the output
byte-identical for the same sources: `python -m pmo_xl.excel.build_xlsm workbooks/PMO.xlsm`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pmo_xl import __version__
from pmo_xl.excel.layout import (
    BUTTONS,
    CONFIG_SHEET,
    HOME_SHEET,
    NAMED_CELLS,
    TOOL_TABLES,
    Button,
    ToolTable,
    XlwingsConfig,
)
from pmo_xl.excel.udf_wrappers import UDF_MODULE
from pmo_xl.excel.vba_project import build_vba_project
from pmo_xl.excel.vba_sources import (
    WORKBOOK_CODE_NAME,
    XLWINGS_PIN,
    macro_names,
    macros_source,
    public_subs,
    sheet_code_names,
    workbook_modules,
)

DEFAULT_OUTPUT = Path("workbooks/PMO.xlsm")
FIXED_CREATED = dt.datetime(2026, 1, 1)  # fixed document date: identical bytes on every build
TITLE_COLOUR = "#1F4E79"
TOOL_TAB_COLOUR = "#808080"  # grey tabs: sheets the buttons own and rewrite
BUTTON_SIZE = (200, 32)  # pixels
PortfolioWriter = Callable[[Workbook], object]


def build_pmo_xlsm(
    path: str | os.PathLike[str] = DEFAULT_OUTPUT,
    *,
    config: XlwingsConfig | None = None,
    portfolio_sheets: PortfolioWriter | None = None,
    buttons: Sequence[Button] = BUTTONS,
    udf_module: str = UDF_MODULE,
    check_bindings: bool = True,
    vba_reserved: int = 1,
) -> Path:
    """Write PMO.xlsm to `path` (atomically) and return the path.

    `portfolio_sheets` adds the standard portfolio sheets to the open workbook; by default the
    template writer of pmo_xl.io. `check_bindings=False` exists only so tests can build a
    deliberately broken variant and prove LibreOffice catches it. `vba_reserved` is the
    `_VBA_PROJECT` header variant (see vba_project.build_vba_project; a checklist fallback).
    """
    path = Path(path)
    if check_bindings:
        missing = sorted({b.sub for b in buttons} - set(public_subs(macros_source())))
        if missing:
            raise ValueError(f"buttons bound to macros missing from PMOMacros.bas: {', '.join(missing)}")
    if portfolio_sheets is None:
        from pmo_xl.io.write_template import write_portfolio_sheets

        portfolio_sheets = write_portfolio_sheets
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(prefix=".~build-", suffix=".xlsm", dir=path.parent)
    os.close(handle)
    try:
        workbook = xlsxwriter.Workbook(tmp_name, {"strings_to_formulas": False, "strings_to_urls": False})
        workbook.set_properties(
            {"title": "PMO portfolio workbook", "creator": f"pmo-xl {__version__}", "created": FIXED_CREATED}
        )
        write_home(workbook, buttons, macro_names(workbook_modules([], udf_module), [b.sub for b in buttons]))
        portfolio_sheets(workbook)
        for table in TOOL_TABLES:
            write_tool_sheet(workbook, table)
        write_config_sheet(workbook, config or XlwingsConfig())
        _attach_vba(workbook, udf_module, vba_reserved)
        workbook.close()
        os.replace(tmp_name, path)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return path


def _attach_vba(workbook: Workbook, udf_module: str, vba_reserved: int) -> None:
    """Code names on every sheet and the VBA project with a document module for each."""
    sheets = workbook.worksheets()
    names = sheet_code_names(len(sheets))
    workbook.set_vba_name(WORKBOOK_CODE_NAME)
    for sheet, name in zip(sheets, names, strict=True):
        if sheet.is_chartsheet:
            raise ValueError("chart sheets need a chart document module, which this build does not write")
        sheet.set_vba_name(name)
    data = build_vba_project(workbook_modules(names, udf_module), vba_reserved)
    workbook.add_vba_project(io.BytesIO(data), is_stream=True)  # type: ignore[arg-type]


def write_home(workbook: Workbook, buttons: Sequence[Button], macros: Mapping[str, str] | None = None) -> Worksheet:
    """The first sheet: what the workbook is, the buttons, and where the last run is recorded.

    `macros`: what each button's Sub is called in its FmlaMacro (vba_sources.macro_names);
    by default `PMOMacros.Sub`.
    """
    sheet = workbook.add_worksheet(HOME_SHEET)
    title = workbook.add_format({"bold": True, "font_size": 18, "font_color": TITLE_COLOUR})
    heading = workbook.add_format({"bold": True, "font_size": 12, "font_color": TITLE_COLOUR})
    wrap = workbook.add_format({"text_wrap": True, "valign": "vcenter"})
    label = workbook.add_format({"bold": True})
    value = workbook.add_format({"border": 1, "border_color": "#BFBFBF"})
    when = workbook.add_format({"border": 1, "border_color": "#BFBFBF", "num_format": "yyyy-mm-dd hh:mm"})
    entry = workbook.add_format({"border": 1, "border_color": "#BFBFBF", "bg_color": "#FFF2CC"})
    small = workbook.add_format({"font_color": "#595959", "italic": True})

    sheet.hide_gridlines(2)
    sheet.set_column(0, 0, 2)
    sheet.set_column(1, 1, 30)
    sheet.set_column(2, 2, 62)
    sheet.set_column(3, 3, 3)
    sheet.set_column(4, 4, 16)
    sheet.set_column(5, 5, 44)
    sheet.write_string(1, 1, "PMO portfolio workbook", title)
    sheet.write_string(2, 1, f"Engine: pmo-xl {__version__} with xlwings {XLWINGS_PIN}", small)
    sheet.write_string(4, 1, "How to use", heading)
    steps = (
        "1. Keep the registers (Projects, Resources, Allocations, ...) up to date; see Instructions.",
        "2. Click a button. Python does the work and writes into the grey-tab sheets only.",
        "3. Problems point at their cell: see the Validation sheet, then fix and validate again.",
        "First use on a PC: run `pmo-xl excel-setup` once (it installs Python for these buttons).",
    )
    for offset, text in enumerate(steps):
        sheet.write_string(5 + offset, 1, text)

    first_row = 10
    for index, button in enumerate(buttons):
        row = first_row + 2 * index
        sheet.set_row(row, BUTTON_SIZE[1] * 0.75)  # points
        sheet.insert_button(
            row, 1,
            {"macro": (macros or {}).get(button.sub, button.macro), "caption": button.caption, "width": BUTTON_SIZE[0], "height": BUTTON_SIZE[1],
             "description": button.explains},
        )  # fmt: skip
        sheet.write_string(row, 2, button.explains, wrap)
    footer = first_row + 2 * len(buttons) + 1
    sheet.write_string(
        footer, 1, "Windows Excel also offers the worksheet functions =PMO_... (see Instructions).", small
    )
    sheet.write_string(
        footer + 1, 1, "Grey-tab sheets are rewritten by the buttons: do not type into them.", small
    )

    sheet.write_string(4, 4, "Last run", heading)
    for cell in NAMED_CELLS:
        sheet.write_string(cell.row, cell.col - 1, cell.label, label)
        style = entry if cell.user_input else (when if cell.name == "pmoLastRun" else value)
        sheet.write_blank(cell.row, cell.col, None, style)
        workbook.define_name(cell.name, f"={cell.address}")
        if cell.note:  # a line of text, not a cell note: notes would share the buttons' VML part
            sheet.write_string(cell.row + 1, cell.col, cell.note, small)
    sheet.write_string(10, 4, "Settings for the buttons", heading)
    sheet.activate()
    return sheet


def write_tool_sheet(workbook: Workbook, table: ToolTable) -> Worksheet:
    """A grey-tab sheet with one empty Excel Table that a button fills and resizes."""
    sheet = workbook.add_worksheet(table.sheet)
    sheet.set_tab_color(TOOL_TAB_COLOUR)
    sheet.write_string(
        0, 0, table.title, workbook.add_format({"bold": True, "font_size": 14, "font_color": TITLE_COLOUR})
    )
    sheet.write_string(1, 0, "Written by the pmo-xl buttons and replaced on every run; edits here are lost.",
                       workbook.add_format({"font_color": "#595959", "italic": True}))  # fmt: skip
    for col, width in enumerate(table.widths):
        sheet.set_column(col, col, width)
    sheet.add_table(
        table.first_row, 0, table.first_row + 1, len(table.columns) - 1,
        {"name": table.table, "style": "Table Style Light 9", "columns": [{"header": h} for h in table.columns]},
    )  # fmt: skip
    sheet.freeze_panes(table.first_row + 1, 0)
    return sheet


def write_config_sheet(workbook: Workbook, config: XlwingsConfig) -> Worksheet:
    """The hidden `xlwings.conf` sheet: keys in A from A1 down without gaps, values in B."""
    sheet = workbook.add_worksheet(CONFIG_SHEET)
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 52)
    sheet.set_column(2, 2, 90)
    for row, (key, value, why) in enumerate(config.rows()):
        sheet.write_string(row, 0, key)
        if isinstance(value, bool):
            sheet.write_boolean(row, 1, value)
        else:
            sheet.write_string(row, 1, str(value))
        sheet.write_string(row, 2, why)  # column C: notes for IT, ignored by xlwings
    sheet.hide()
    return sheet


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m pmo_xl.excel.build_xlsm [OUT] [--interpreter-win P] [--interpreter-mac P]`."""
    parser = argparse.ArgumentParser(description="Build PMO.xlsm from source.")
    parser.add_argument("output", nargs="?", default=str(DEFAULT_OUTPUT))
    parser.add_argument("--interpreter-win", default=XlwingsConfig.interpreter_win)
    parser.add_argument("--interpreter-mac", default=XlwingsConfig.interpreter_mac)
    parser.add_argument(
        "--vba-reserved",
        type=int,
        choices=(0, 1, 3),
        default=1,
        help="_VBA_PROJECT header variant: 1 as the wheel's Excel-accepted files (default), 0 as EPPlus, 3 as ms-ovba",
    )
    args = parser.parse_args(argv)
    config = XlwingsConfig(interpreter_win=args.interpreter_win, interpreter_mac=args.interpreter_mac)
    print(build_pmo_xlsm(args.output, config=config, vba_reserved=args.vba_reserved))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
