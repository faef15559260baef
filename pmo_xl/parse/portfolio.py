"""Raw tables of one workbook -> a `Portfolio` of typed registers, settings and issues."""

from __future__ import annotations

from pmo_xl.guard import guarded, internal_error
from pmo_xl.issues import Issue, Severity, Stage
from pmo_xl.model import ROW, SCORE_PREFIX, Portfolio, Settings
from pmo_xl.options import RunOptions, default_options
from pmo_xl.parse.register import ParsedRegister, empty_frame, parse_register
from pmo_xl.parse.settings import parse_settings_tables
from pmo_xl.raw import RawTable
from pmo_xl.schema.columns import Register
from pmo_xl.schema.registers import PROJECTS, REGISTERS
from pmo_xl.schema.settings import CRITERIA


def parse_portfolio(tables: dict[str, RawTable], source: str = "", options: RunOptions | None = None) -> Portfolio:
    """Parse every register and the settings; the rows with errors are left out and listed.

    `Portfolio.layout` holds, per register and per settings table, the column letter of every
    field as laid out in the workbook read, so later checks point at the right cells.
    """
    strict = default_options(options).strict
    parsed_settings = parse_settings_tables(tables)
    issues: list[Issue] = list(parsed_settings.issues)
    registers = {}
    rejected: dict[str, list[int]] = {}
    layout: dict[str, dict[str, str]] = dict(parsed_settings.layout)
    known_ids: dict[str, set[str]] = {}
    rejected_ids: dict[str, dict[int, str]] = {}
    parsed_projects: ParsedRegister | None = None
    for register in REGISTERS:
        parsed = _parse_safely(tables.get(register.name), register, strict)
        registers[register.name] = parsed.frame
        issues.extend(parsed.issues)
        layout[register.name] = parsed.layout
        known_ids[register.name] = parsed.known_ids
        if parsed.rejected_rows:
            rejected[register.name] = parsed.rejected_rows
        if parsed.rejected_ids:
            rejected_ids[register.name] = dict(parsed.rejected_ids)
        if register is PROJECTS and tables.get(register.name) is not None:
            parsed_projects = parsed
    if parsed_projects is not None:
        issues.extend(_score_column_issues(parsed_settings.settings, parsed_projects, tables[PROJECTS.name], layout))
    return Portfolio(settings=parsed_settings.settings, registers=registers, issues=issues, rejected=rejected, source=source,
                     known_ids=known_ids, layout=layout, rejected_ids=rejected_ids)


def _parse_safely(raw: RawTable | None, register: Register, strict: bool) -> ParsedRegister:
    """Parse one register; a bug while parsing it is an `internal-error` issue, and the run goes on
    without that register's rows (when `strict`, as in the tests, it raises instead)."""

    def failed(error: Exception) -> ParsedRegister:
        issue = internal_error(Stage.PARSE, register.sheet_name, register.name,
                               f"Reading the {register.name} register failed ({type(error).__name__}: {error}); its rows were "
                               "left out — please report this")
        return ParsedRegister(empty_frame(register), [issue], list(raw.row_numbers) if raw is not None else [])

    return guarded(lambda: parse_register(raw, register, keep_rows=True), strict=strict, on_error=failed)


def _score_column_issues(settings: Settings, projects: ParsedRegister, raw: RawTable,
                         layout: dict[str, dict[str, str]]) -> list[Issue]:
    """Every criterion has its `Score: <criterion>` column in Projects, and every such column a criterion."""
    criteria = settings.criteria
    if criteria is None or criteria.empty:
        return []
    listed = {str(c).strip().casefold(): (str(c).strip(), int(r)) for c, r in zip(criteria["criterion"], criteria[ROW], strict=True) if c}
    columns = {f[len(SCORE_PREFIX):].strip().casefold(): f for f in projects.layout if f.startswith(SCORE_PREFIX)}
    issues: list[Issue] = []
    letter = layout.get(CRITERIA.name, {}).get("criterion")
    for key, (name, row) in listed.items():
        if key not in columns:
            issues.append(Issue(code="missing-score-column", severity=Severity.ERROR, sheet=CRITERIA.sheet_name, row=row, column=letter, field="Criterion", value=name,
                                message=f"Criterion {name!r} has no column 'Score: {name}' in Projects — add the column or remove the criterion"))
    for key, field_name in columns.items():
        if key not in listed:
            header = "Score: " + field_name[len(SCORE_PREFIX):]
            issues.append(Issue(code="unknown-criterion", severity=Severity.WARNING, sheet=raw.sheet, row=raw.header_row, column=projects.layout[field_name], field=header, value=header,
                                message=f"Column {header!r} has no criterion {field_name[len(SCORE_PREFIX):]!r} in Settings — add the criterion "
                                "or remove the column; it is ignored"))
    return issues
