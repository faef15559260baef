"""The use cases every front door shares: the CLI, the Excel macros and the tests.

Each is a plain function from paths or raw tables to results, so `pmo-xl report` and the
*Generate monthly report* button can never disagree about a number.
"""

from __future__ import annotations

import os
from pathlib import Path

from pmo_xl.checks.run import run_checks
from pmo_xl.io.read_workbook import RawTable, read_workbook
from pmo_xl.model import Portfolio
from pmo_xl.parse.portfolio import parse_portfolio
from pmo_xl.schema.registers import REGISTERS
from pmo_xl.schema.settings import SETTINGS_TABLES

ALL_TABLES = (*REGISTERS, *SETTINGS_TABLES)


def load_portfolio_from_tables(tables: dict[str, RawTable], source: str = "") -> Portfolio:
    """Parse and check raw tables (from a file or from live Excel) into a clean portfolio."""
    portfolio = parse_portfolio(tables, source=source)
    run_checks(portfolio)
    return portfolio


def load_portfolio(path: str | os.PathLike[str]) -> Portfolio:
    """Read, parse and check a workbook file. Raises WorkbookReadError when it cannot be used."""
    raw = read_workbook(path, ALL_TABLES)
    portfolio = load_portfolio_from_tables(raw.tables, source=str(Path(path)))
    portfolio.issues[:0] = raw.issues  # sheets the reader refused (a stray cell far away): located, first
    return portfolio
