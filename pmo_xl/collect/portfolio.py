"""Read the portfolio a collection merges into: its rows as typed in, and what validation needs.

The rows are carried as the raw cell values (in schema order), not as parsed values, so a row
the PMO has not fixed yet (say, a status typo) is written to OUT exactly as it was instead of
being dropped. What the standard workbook has no place for (extra sheets, extra columns, macros)
is listed, so the user is told what OUT does not carry.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pmo_xl.collect.model import Context, ProjectInfo
from pmo_xl.collect.validate import plain
from pmo_xl.io.read_workbook import RawTable, WorkbookReadError, read_workbook
from pmo_xl.model import Settings
from pmo_xl.parse.cells import convert_column
from pmo_xl.parse.register import parse_register
from pmo_xl.parse.settings import parse_settings
from pmo_xl.raw import RawWorkbook
from pmo_xl.schema.columns import Register, normalise_header
from pmo_xl.schema.governance import ACTIONS, BENEFITS, CHANGE_REQUESTS, DECISIONS, ISSUE_LOG, LESSONS
from pmo_xl.schema.registers import PROGRESS, PROJECTS, REGISTERS, RESOURCES, RISKS
from pmo_xl.schema.settings import (
    AHP,
    BUDGETS,
    CRITERIA,
    HOLIDAYS,
    SCALAR_SETTINGS,
    SCENARIOS,
    SETTINGS_TABLE,
    THRESHOLDS,
)

ALL_TABLES: tuple[Register, ...] = (*REGISTERS, SETTINGS_TABLE, CRITERIA, HOLIDAYS, THRESHOLDS, BUDGETS, AHP, SCENARIOS)
STANDARD_SHEETS = frozenset({"Instructions", "Settings", "Collection", *(r.sheet_name for r in REGISTERS)})


@dataclass
class PortfolioRows:
    """The input portfolio as OUT will carry it: raw rows per register in schema order, and Settings."""

    path: Path
    rows: dict[str, list[list[object]]]  # register name -> rows (Projects: schema columns, then family scores)
    family_headers: list[str]  # Projects' `Score: <criterion>` headers, in the order found
    settings: dict[str, object]  # setting key -> the value as typed
    tables: dict[str, list[list[object]]]  # Criteria, Holidays, Thresholds, Budgets -> rows in schema order
    ahp: tuple[list[str], list[list[object]]] | None  # criteria across, rows down
    projects: dict[str, ProjectInfo]  # every project ID typed, in register order (a bad status reads as None)
    status_date: dt.date | None  # from Settings, when valid
    not_carried: list[str] = field(default_factory=list)
    typed_settings: Settings = field(default_factory=Settings)  # Settings parsed (defaults where blank or invalid)
    # Projects, Resources and Progress parsed as the workbook's own (clean rows), for the shared
    # checks an update is run through; a register the portfolio lacks is absent
    typed: dict[str, pd.DataFrame] = field(default_factory=dict)


def read_portfolio(path: str | os.PathLike[str]) -> PortfolioRows:
    """Read the portfolio once: raw rows to carry, and the few typed columns validation needs. Never writes to it.

    Only the columns the collection needs are parsed (IDs, names, statuses, progress figures), not
    whole registers: the portfolio read is on the critical path, beside the workers reading updates.
    """
    path = Path(path)
    return portfolio_rows(path, read_workbook(path, ALL_TABLES))


def portfolio_rows(path: Path, raw: RawWorkbook) -> PortfolioRows:
    """`read_portfolio` of a workbook already read (`pmo-xl close` reads it once for both uses)."""
    if raw.issues:  # a sheet the reader refused: its rows cannot be carried, so the portfolio cannot be rewritten
        first = raw.issues[0]
        raise WorkbookReadError(f"{path}: {first.address}: {first.message}")
    not_carried: list[str] = []
    rows: dict[str, list[list[object]]] = {}
    family: list[str] = []
    for register in REGISTERS:
        table = raw.tables.get(register.name)
        rows[register.name], extra, found_family = _rows_in_schema_order(table, register)
        if register is PROJECTS:
            family = found_family
        if extra:
            not_carried.append(f"{register.name}: column{'s' if len(extra) > 1 else ''} " + ", ".join(repr(e) for e in extra))
    tables = {r.name: _rows_in_schema_order(raw.tables.get(r.name), r)[0]
              for r in (CRITERIA, HOLIDAYS, THRESHOLDS, BUDGETS, SCENARIOS)}
    ahp_table = raw.tables.get(AHP.name)
    ahp = None
    if ahp_table is not None:
        ahp = ([str(h).strip() for h in ahp_table.headers[1:]], [[_cell(c) for c in row] for row in ahp_table.rows])
    extra_sheets = [s for s in raw.sheet_names if s not in STANDARD_SHEETS]
    if extra_sheets:
        not_carried.append("sheets " + ", ".join(repr(s) for s in extra_sheets))
    if path.suffix.lower() in (".xlsm", ".xlsb"):
        not_carried.append("the VBA macros and buttons (the input is macro-enabled; OUT is a plain .xlsx)")
    project_rows = rows["Projects"]
    columns = [typed_column(project_rows, PROJECTS, f) for f in ("project_id", "name", "manager", "status")]
    projects = {str(p): ProjectInfo(n, m, s) for p, n, m, s in zip(*columns, strict=True) if p is not None}
    settings, _ = parse_settings(raw.tables)  # its issues are validation's business, not the collection's
    # Their issues too: `pmo-xl validate` reports them; here they only leave the rows with errors out.
    typed = {r.name: parse_register(raw.tables[r.name], r).frame for r in (PROJECTS, RESOURCES, PROGRESS) if r.name in raw.tables}
    return PortfolioRows(path, rows, family, _settings(raw.tables.get(SETTINGS_TABLE.name)), tables, ahp, projects,
                         settings.status_date, not_carried, settings, typed)


def _cell(value: object) -> object:
    return None if value == "" else value


def _rows_in_schema_order(table: RawTable | None, register: Register) -> tuple[list[list[object]], list[str], list[str]]:
    """Raw rows re-ordered to the schema's columns (+ family columns); the headers that have no place."""
    if table is None:
        return [], [], []
    by_key = {key: k for k, column in enumerate(register.columns) for key in column.header_keys()}
    prefix = normalise_header(register.family_prefix).rstrip() if register.family_prefix else None
    take: dict[int, int] = {}  # schema position -> raw position
    family: list[tuple[str, int]] = []
    extra: list[str] = []
    for position, header in enumerate(table.headers):
        key = normalise_header(header)
        if not key:
            continue
        if key in by_key and by_key[key] not in take:
            take[by_key[key]] = position
        elif prefix and key.startswith(prefix):
            family.append((str(header).strip(), position))
        else:
            extra.append(str(header).strip())
    width = len(register.columns)
    # Raw position of each output column (-1: the register has no such column); a row shorter than
    # the table (a blank tail) is padded once, so the cells are then picked without a test each.
    positions = [take.get(k, -1) for k in range(width)] + [p for _, p in family]
    span = max(positions, default=-1) + 1
    pad = [""] * (span + 1)
    rows = []
    padded = -1 in positions  # position -1 reads the padding's last "" (a blank)
    for raw_row in table.rows:
        cells = [*raw_row[:span], *pad[len(raw_row[:span]):]] if padded or len(raw_row) < span else raw_row
        rows.append([None if cells[p] == "" else cells[p] for p in positions])
    return rows, extra, [h for h, _ in family]


def _settings(table: RawTable | None) -> dict[str, object]:
    if table is None:
        return {}
    by_label = {normalise_header(s.label): s.key for s in SCALAR_SETTINGS}
    by_label.update({normalise_header(s.key): s.key for s in SCALAR_SETTINGS})
    headers = [normalise_header(h) for h in table.headers]
    key_pos = headers.index("setting") if "setting" in headers else 0
    value_pos = headers.index("value") if "value" in headers else 1
    values: dict[str, object] = {}
    for row in table.rows:
        key = by_label.get(normalise_header(row[key_pos] if key_pos < len(row) else ""))
        if key is not None and value_pos < len(row):
            values[key] = _cell(row[value_pos])
    return values


def typed_column(rows: list[list[object]], register: Register, field_name: str) -> list[object]:
    """One column of raw rows parsed to plain typed values (None where blank or unreadable)."""
    position = register.fields.index(field_name)
    cells = pd.Series([row[position] for row in rows], dtype=object)
    return [plain(v) for v in convert_column(cells, register.column(field_name)).values.tolist()]


def milestone_key(name: object) -> str:
    """Milestones are matched by name ignoring case and spacing: 'Go-live' and 'go-live ' are one."""
    return normalise_header(name)


def build_context(portfolio: PortfolioRows, period: dt.date | None = None) -> Context:
    """What validation needs to know about the portfolio; `period` defaults to the Settings status month."""
    risk_rows = portfolio.rows["Risks"]
    risk_projects = {str(k): str(p) for k, p in zip(typed_column(risk_rows, RISKS, "risk_id"),
                                                    typed_column(risk_rows, RISKS, "project_id"), strict=True)
                     if k is not None and p is not None}
    if period is None and portfolio.status_date is not None:
        period = portfolio.status_date.replace(day=1)
    resources = typed_column(portfolio.rows["Resources"], RESOURCES, "resource_id")
    return Context(
        projects=portfolio.projects,
        known_projects=frozenset(portfolio.projects),
        known_resources=frozenset(str(r) for r in resources if r is not None),
        risk_projects=risk_projects,
        period=period,
        project_rows=_by_project(portfolio.typed.get("Projects")),
        progress_rows=_by_project(portfolio.typed.get("Progress")),
        resources=portfolio.typed.get("Resources"),
        owners={register.name: _owners(portfolio.rows.get(register.name, []), register) for register in OWNED},
    )


# The registers beside the plan whose rows belong to a project by their ID (what an update may change).
OWNED = (ISSUE_LOG, ACTIONS, DECISIONS, CHANGE_REQUESTS, LESSONS, BENEFITS)


def _owners(rows: list[list[object]], register: Register) -> dict[str, str]:
    """ID -> project of a register's rows whose ID and project can be read."""
    key = register.key[0]
    return {str(k): str(p) for k, p in zip(typed_column(rows, register, key), typed_column(rows, register, "project_id"), strict=True)
            if k is not None and p is not None}


def _by_project(frame: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    """A register's rows split by project, once (each update is checked with its own project's rows)."""
    if frame is None or frame.empty:
        return {}
    return {str(key): rows.reset_index(drop=True) for key, rows in frame.groupby("project_id", sort=False)}


__all__ = ["PortfolioRows", "read_portfolio", "build_context", "typed_column", "milestone_key"]
