"""Read one project-update file into `Part`s: raw cell values in template order, with their cells.

Runs in the worker processes. Nothing is interpreted here beyond finding things: which line of
the form is which field (older names are recognised and reported), which column of a table is
which field, which template version the file is. Anything that makes the whole file unusable
becomes a fatal issue on the `FileRead`, never an exception.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from pmo_xl.collect.form import (
    FORM_COLUMNS,
    READ_REGISTERS,
    RETIRED_LINES,
    TEMPLATE_VERSION,
    UPDATE_SHEET,
    UPDATE_TABLE,
    UPDATE_TABLES,
    VERSION_NAME,
    form_line_keys,
)
from pmo_xl.collect.model import FileRead, Limits, Part
from pmo_xl.io.read_workbook import RawTable, WorkbookReadError, read_workbook
from pmo_xl.issues import Issue, Severity, Stage, column_letter
from pmo_xl.schema.columns import Register, normalise_header

STAGE = Stage.COLLECT
_DEFINED_VERSION = re.compile(rf'<definedName[^>]*name="{VERSION_NAME}"[^>]*>\s*=?\s*(\d+)\s*</definedName>')
PROJECT_KEY = normalise_header("Project ID")


def issue(code: str, severity: Severity, sheet: str, row: int | None, column: str | None, field: str | None,
          value: object, message: str) -> Issue:
    """An issue of the collection stage."""
    return Issue(code=code, severity=severity, sheet=sheet, row=row, column=column, field=field, value=value, message=message, stage=STAGE)


def fatal(read: FileRead, code: str, message: str, sheet: str = "(file)") -> FileRead:
    read.issues.append(issue(code, Severity.ERROR, sheet, None, None, None, None, message))
    read.fatal = True
    return read


def read_update_file(path: str, name: str, size: int, mtime: float, digest: str, limits: Limits) -> FileRead:
    """Read one update file; every way it can be unusable ends as a fatal issue on the result."""
    started = time.process_time()  # CPU time: comparable whatever else the machine is doing
    read = FileRead(path=path, name=name, size=size, mtime=mtime, digest=digest)
    try:
        _read_into(read, limits)
    finally:
        read.seconds = time.process_time() - started
    return read


def _read_into(read: FileRead, limits: Limits) -> None:
    if read.size > limits.max_bytes:
        fatal(read, "too-large", f"The file is {_size(read.size)}; a project update is capped at {_size(limits.max_bytes)} "
                                 "— is this really an update? Send the filled-in template only")
        return
    path = read.path
    try:
        with _readable_path(read.path) as path:
            raw = read_workbook(path, READ_REGISTERS)
    except WorkbookReadError as error:
        message = str(error)
        message = message[len(path) + 2:] if message.startswith(path + ": ") else message
        fatal(read, "unreadable", message[:1].upper() + message[1:])
        return
    read.issues.extend(replace(i, stage=STAGE) for i in raw.issues)  # a sheet refused (a stray cell far away)
    form = raw.tables.get(UPDATE_SHEET)
    if form is None:
        fatal(read, "not-an-update", f"No {UPDATE_SHEET} sheet (table {UPDATE_TABLE}): this is not a project-update "
                                     "workbook — fill in the project-update template")
        return
    for table in (form, *(raw.tables.get(t.sheet) for t in UPDATE_TABLES)):
        if table is not None and len(table.rows) > limits.max_rows:
            fatal(read, "too-large", f"Sheet {table.sheet!r} has {len(table.rows):,} rows; an update is capped at "
                                     f"{limits.max_rows:,} rows per sheet", table.sheet)
            return
    read.form = _form_part(form, read.issues)
    read.version = _version(read)
    if read.version is not None and read.version > TEMPLATE_VERSION:
        fatal(read, "newer-template", f"The file says template version {read.version}, newer than this pmo-xl knows "
                                      f"({TEMPLATE_VERSION}); update pmo-xl or use the PMO's current template", UPDATE_SHEET)
        return
    if read.version is None:
        read.issues.append(issue("old-template", Severity.INFO, UPDATE_SHEET, None, None, None, None,
                                 "No template version recorded: read as template version 1 (older line names are "
                                 "recognised) — please use the current template next month"))
    newer: list[str] = []  # sheets the file's template version did not have yet: one note for all of them
    for table in UPDATE_TABLES:
        found = raw.tables.get(table.sheet)
        if found is None and (read.version or 1) < table.since:
            newer.append(table.sheet)
            continue
        if found is None:
            read.issues.append(issue("missing-sheet", Severity.WARNING, table.sheet, None, None, None, table.register.table,
                                     f"No {table.sheet} sheet (table {table.register.table}): nothing about "
                                     f"{table.sheet.lower()} was merged"))
            continue
        read.tables[table.sheet] = _table_part(found, table.register, read.issues)
    if newer:
        sheets = ", ".join(newer)
        read.issues.append(issue("missing-sheet", Severity.INFO, newer[0], None, None, None, None,
                                 f"No {sheets} sheet{'s' if len(newer) > 1 else ''}: this older template has "
                                 f"{'them' if len(newer) > 1 else 'it'} not yet, so nothing about them was merged — "
                                 f"the current template (version {TEMPLATE_VERSION}) has them"))
    ours = {UPDATE_SHEET, *(t.sheet for t in UPDATE_TABLES)}
    for sheet in sorted(raw.hidden_sheets):
        if sheet in ours:
            read.issues.append(issue("hidden-sheet", Severity.WARNING, sheet, None, None, None, sheet,
                                     f"The sheet {sheet!r} is hidden; its rows were read and merged anyway — "
                                     "unhide it if that was not meant"))
        else:
            read.issues.append(issue("hidden-sheet", Severity.INFO, sheet, None, None, None, sheet,
                                     f"The hidden sheet {sheet!r} is not part of the template and was ignored"))


@contextlib.contextmanager
def _readable_path(path: str) -> Iterator[str]:
    """`path`, or for a name that is not UTF-8 (which calamine cannot open by name) the same file
    through its open descriptor in /proc (Linux), so such a file is read like any other."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        if os.path.isdir("/proc/self/fd"):
            descriptor = os.open(path, os.O_RDONLY)
            try:
                yield f"/proc/self/fd/{descriptor}"
            finally:
                os.close(descriptor)
            return
    yield path


def _size(count: int) -> str:
    return f"{count / 1e6:.1f} MB" if count >= 1e6 else f"{count / 1e3:.0f} KB"


def _version(read: FileRead) -> int | None:
    """The template version: the form's line, else the defined name (kept for a PM who deletes the line)."""
    value = read.form.rows[0][read.form.fields.index("template_version")] if read.form else None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    if Path(read.path).suffix.lower() in (".xlsx", ".xlsm"):  # opened only when the line is gone: it costs a zip read
        try:
            with zipfile.ZipFile(read.path) as archive:
                match = _DEFINED_VERSION.search(archive.read("xl/workbook.xml").decode("utf-8", "replace"))
            if match:
                return int(match.group(1))
        except (OSError, KeyError, zipfile.BadZipFile):
            pass
    return None


def _form_part(raw: RawTable, issues: list[Issue]) -> Part:
    """The form as one row: its values in FORM_COLUMNS order, each remembering its own line."""
    headers = [normalise_header(h) for h in raw.headers]
    item_pos = headers.index("item") if "item" in headers else 0
    value_pos = headers.index("value") if "value" in headers else 1
    letter = column_letter(raw.first_column + value_pos)
    item_letter = column_letter(raw.first_column + item_pos)
    keys = form_line_keys()
    fields = tuple(c.field for c in FORM_COLUMNS)
    values: dict[str, object] = {}
    field_rows: dict[str, int] = {}
    for row, number in zip(raw.rows, raw.row_numbers, strict=True):
        label = row[item_pos] if item_pos < len(row) else ""
        key = normalise_header(label)
        if not key:
            continue
        column = keys.get(key)
        if column is None:
            if key in RETIRED_LINES:
                issues.append(issue("retired-line", Severity.WARNING, raw.sheet, number, item_letter, str(label), label,
                                    RETIRED_LINES[key]))
            else:
                issues.append(issue("unknown-line", Severity.INFO, raw.sheet, number, item_letter, str(label), label,
                                    f"{str(label).strip()!r} is not a line of the update template; it was ignored"))
            continue
        if column.field in values:
            issues.append(issue("duplicate-line", Severity.ERROR, raw.sheet, number, item_letter, str(label), label,
                                f"{column.header!r} appears twice; the first line (row {field_rows[column.field]}) was used "
                                "— delete this one"))
            continue
        if key not in (normalise_header(column.header), normalise_header(column.field)):
            issues.append(issue("renamed-line", Severity.INFO, raw.sheet, number, item_letter, str(label), label,
                                f"{str(label).strip()!r} was read as {column.header!r} (its older or short name)"))
        values[column.field] = row[value_pos] if value_pos < len(row) else None
        field_rows[column.field] = number
    missing = tuple(f for f in fields if f not in values)
    line_field = {number: f for f, number in field_rows.items()}
    uncalculated = {(0, line_field[raw.row_numbers[i]]): formula for (i, position), formula in raw.uncalculated.items()
                    if position == value_pos and raw.row_numbers[i] in line_field}
    issues.extend(_layout_issues(raw))
    return Part(raw.sheet, fields, [[values.get(f) for f in fields]], [0], {f: letter for f in fields}, field_rows, missing,
                raw.hidden, uncalculated, raw.date1904)


def _table_part(raw: RawTable, register: Register, issues: list[Issue]) -> Part:
    """A table's columns mapped to the register's fields by header (moved columns are fine)."""
    by_key = {key: column for column in register.columns for key in column.header_keys()}
    positions: dict[str, int] = {}
    letters: dict[str, str] = {}
    for position, header in enumerate(raw.headers):
        key = normalise_header(header)
        if not key:
            continue
        letter = column_letter(raw.first_column + position)
        if key == PROJECT_KEY:  # a pasted Project ID column: kept to check it names this project
            positions.setdefault("project_id", position)
            letters.setdefault("project_id", letter)
            continue
        column = by_key.get(key)
        if column is None:
            issues.append(issue("extra-column", Severity.INFO, raw.sheet, raw.header_row, letter, str(header), header,
                                f"Column {str(header).strip()!r} is not part of {register.name}; it was ignored"))
        elif column.field in positions:
            issues.append(issue("duplicate-column", Severity.ERROR, raw.sheet, raw.header_row, letter, str(header), header,
                                f"Column {column.header!r} appears twice in {register.name}; the first one was used "
                                "— delete or rename this one"))
        else:
            positions[column.field] = position
            letters[column.field] = letter
    fields = register.fields + (("project_id",) if "project_id" in positions else ())
    rows = [[row[positions[f]] if f in positions and positions[f] < len(row) else None for f in fields] for row in raw.rows]
    missing = tuple(f for f in register.fields if f not in positions)
    for field_name in missing:
        column = register.column(field_name)
        if column.required:
            issues.append(issue("missing-column", Severity.ERROR, raw.sheet, raw.header_row, None, column.header, None,
                                f"The required column {column.header!r} is missing from {register.name}, so none of its "
                                "rows could be merged — add the column back from the template"))
    by_position = {position: f for f, position in positions.items()}
    uncalculated = {(i, by_position[position]): formula for (i, position), formula in raw.uncalculated.items()
                    if position in by_position}
    issues.extend(_layout_issues(raw))
    return Part(raw.sheet, fields, rows, list(raw.row_numbers), letters, None, missing, raw.hidden, uncalculated, raw.date1904)


def _layout_issues(raw: RawTable) -> list[Issue]:
    """Hidden rows are read like the others, merged cells lose values: both worth a word to the PM."""
    found: list[Issue] = [replace(i, stage=STAGE) for i in raw.issues]  # rows typed below the table: merged, and said
    letter = column_letter(raw.first_column)
    for row in raw.hidden_rows:
        found.append(issue("hidden-rows", Severity.INFO, raw.sheet, row, letter, None, None,
                           f"Row {row} is hidden; it was read like any other — unhide it so everyone sees it"))
    for merged in raw.merged:
        top_left = merged.split(":")[0]
        found.append(issue("merged-cells", Severity.WARNING, raw.sheet, int("".join(c for c in top_left if c.isdigit())),
                           "".join(c for c in top_left if c.isalpha()), None, merged,
                           f"Cells {merged} are merged: only {top_left} keeps a value and the others read as blank — unmerge them"))
    return found


__all__ = ["read_update_file", "issue", "fatal", "STAGE"]
