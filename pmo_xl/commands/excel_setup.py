"""`pmo-xl excel-setup`: prepare Python, pmo-xl and xlwings for PMO.xlsm on Windows or Mac."""

from __future__ import annotations

import argparse

from pmo_xl.excel import setup_excel


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "excel-setup", help="prepare this PC's Excel for PMO.xlsm (Windows or Mac)",
        description="Create a private Python environment for Excel (%LOCALAPPDATA%\\pmo-xl\\venv on Windows, "
        "~/.pmo-xl/venv on Mac), install pmo-xl and xlwings into it, run `xlwings runpython install` on Mac, "
        "and write a PMO.xlsm whose xlwings.conf points at that interpreter. --dry-run prints the steps.")
    setup_excel.add_arguments(parser)
    parser.set_defaults(run=setup_excel.run)
