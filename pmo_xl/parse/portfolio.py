"""Raw tables of one workbook -> a `Portfolio` of typed registers, settings and issues."""

from __future__ import annotations

from pmo_xl.io.read_workbook import RawTable
from pmo_xl.issues import Issue
from pmo_xl.model import Portfolio
from pmo_xl.parse.register import parse_register
from pmo_xl.parse.settings import parse_settings
from pmo_xl.schema.registers import REGISTERS


def parse_portfolio(tables: dict[str, RawTable], source: str = "") -> Portfolio:
    """Parse every register and the settings; the rows with errors are left out and listed."""
    issues: list[Issue] = []
    settings, settings_issues = parse_settings(tables)
    issues.extend(settings_issues)
    registers = {}
    rejected: dict[str, list[int]] = {}
    layout: dict[str, dict[str, str]] = {}
    known_ids: dict[str, set[str]] = {}
    for register in REGISTERS:
        parsed = parse_register(tables.get(register.name), register)
        registers[register.name] = parsed.frame
        issues.extend(parsed.issues)
        layout[register.name] = parsed.layout
        known_ids[register.name] = parsed.known_ids
        if parsed.rejected_rows:
            rejected[register.name] = parsed.rejected_rows
    return Portfolio(settings=settings, registers=registers, issues=issues, rejected=rejected, source=source,
                     known_ids=known_ids, layout=layout)
