"""Validate read update files: against the template (`parse_reads`), then the portfolio (`assemble_all`).

`parse_reads` runs in the worker processes, on a batch of files at a time: the same table of
every file in the batch is stacked into one raw table and parsed once by `parse_register`
(pandas' fixed cost per column is paid once per batch, not once per file), then every issue and
row is given back to its file at the cell where the PM typed it. `assemble_all` runs in the main
process once the portfolio is read (the workers need not wait for it): it judges the header
(`rules.py`), runs the shared checks on every update as a one-project portfolio
(`checking.py`), and decides each file's status. Rows with an error are left out; the rest of
the file still counts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TypeVar

import pandas as pd

from pmo_xl.collect.checking import Checked, UpdateRows, check_updates
from pmo_xl.collect.form import HEADER_COLUMNS, PROGRESS_REGISTER, UPDATE_TABLES, UpdateTable
from pmo_xl.collect.model import Context, FileRead, Part, Status, Submission
from pmo_xl.collect.read import STAGE, issue
from pmo_xl.collect.rules import check_header, check_rows
from pmo_xl.issues import Issue, Severity, column_letter
from pmo_xl.model import ROW
from pmo_xl.options import default_options
from pmo_xl.parse.cells import convert_column
from pmo_xl.parse.register import parse_register
from pmo_xl.raw import RawTable
from pmo_xl.schema.columns import Register

T = TypeVar("T")


@dataclass
class ParsedPart:
    """One part after parsing: a typed dict per row (None where the row has an error) and its issues."""

    rows: list[dict[str, object] | None]
    issues: list[Issue]


def plain(value: object) -> object:
    """A parsed value as plain Python: dates as `datetime.date`, blanks as None."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return value.item()  # type: ignore[union-attr]
    return value


def by_date_system(parts: list[Part], parse: Callable[[list[Part], bool], list[T]]) -> list[T]:
    """`parse` run once per date system in the batch, results back in `parts` order.

    A serial number typed in a date cell means another day in a 1904 file (old Mac Excel), so
    files of the two systems are never stacked into one conversion.
    """
    results: list[T | None] = [None] * len(parts)
    for date1904 in sorted({part.date1904 for part in parts}):
        positions = [k for k, part in enumerate(parts) if part.date1904 == date1904]
        for k, result in zip(positions, parse([parts[k] for k in positions], date1904), strict=True):
            results[k] = result
    return results  # type: ignore[return-value]  # every position is filled: each part has one system


def parse_parts(register: Register, parts: list[Part]) -> list[ParsedPart]:
    """Parse the same table of many files in one `parse_register` call (one per date system) and split the result back."""
    return by_date_system(parts, lambda group, date1904: _parse_stacked(register, group, date1904))


def _parse_stacked(register: Register, parts: list[Part], date1904: bool) -> list[ParsedPart]:
    fields = register.fields
    results = [ParsedPart([None] * len(part.rows), []) for part in parts]
    stacked: list[list[object]] = []
    origin: list[tuple[int, int]] = []
    uncalculated: dict[tuple[int, int], str] = {}
    for p, part in enumerate(parts):
        take = [part.fields.index(f) for f in fields]
        for (i, field_name), formula in part.uncalculated.items():
            if field_name in fields:
                uncalculated[(len(stacked) + i, fields.index(field_name))] = formula
        for i, row in enumerate(part.rows):
            stacked.append([row[t] for t in take])
            origin.append((p, i))
    if not stacked:
        return results
    # header_row 0 and a table name: the stacked table has no layout of its own to report on
    raw = RawTable("(batch)", "(batch)", 0, 1, [c.header for c in register.columns], stacked,
                   list(range(1, len(stacked) + 1)), uncalculated=uncalculated, date1904=date1904)
    parsed = parse_register(raw, register)
    by_letter = {column_letter(1 + k): f for k, f in enumerate(fields)}
    for found in parsed.issues:
        if found.row is None or found.row < 1:
            continue  # header-level findings cannot arise: the stacked headers are the template's own
        p, i = origin[found.row - 1]
        part = parts[p]
        field_name = by_letter.get(found.column or "", "")
        if part.field_rows is None and field_name in part.missing and found.code == "required":
            continue  # the missing-column issue already says it, once
        row, letter = part.locate(i, field_name)
        results[p].issues.append(replace(found, sheet=part.sheet, row=row, column=letter, stage=STAGE))
    for record in parsed.frame.to_dict("records"):
        p, i = origin[int(record[ROW]) - 1]
        results[p].rows[i] = {f: plain(record[f]) for f in fields}
    return results


def parse_header(forms: list[Part]) -> list[tuple[dict[str, object], list[Issue]]]:
    """The header lines of every form, typed value by value (a bad optional line never hides the rest)."""
    return by_date_system(forms, _parse_header)


def _parse_header(forms: list[Part], date1904: bool) -> list[tuple[dict[str, object], list[Issue]]]:
    out: list[tuple[dict[str, object], list[Issue]]] = [({}, []) for _ in forms]
    for column in HEADER_COLUMNS:
        cells = pd.Series([form.rows[0][form.fields.index(column.field)] for form in forms], dtype=object)
        formulas = {p: form.uncalculated[(0, column.field)] for p, form in enumerate(forms) if (0, column.field) in form.uncalculated}
        converted = convert_column(cells, column, formulas, date1904=date1904)
        for p, value in enumerate(converted.values.tolist()):
            out[p][0][column.field] = plain(value)
        for problem in converted.problems:
            for p in problem.positions.tolist():
                row, letter = forms[p].locate(0, column.field)
                value = cells.iloc[p]
                out[p][1].append(Issue(code=problem.code, severity=problem.severity, sheet=forms[p].sheet, row=row, column=letter, field=column.header,
                                       value=value, message=problem.message.replace("{value}", _show(value)), stage=STAGE))
    return out


def _show(value: object) -> str:
    if isinstance(value, str):
        return repr(value.strip()) if value.strip() else "blank"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value.isoformat() if hasattr(value, "isoformat") else str(value)  # type: ignore[union-attr]


@dataclass
class Parsed:
    """One file read and checked against the template (in a worker); nothing about the portfolio yet."""

    read: FileRead
    header: dict[str, object] = field(default_factory=dict)
    header_issues: list[Issue] = field(default_factory=list)
    progress: ParsedPart | None = None
    tables: dict[str, ParsedPart | None] = field(default_factory=dict)
    failure: Issue | None = None  # pmo-xl failed on this file (a bug): it is refused, with the reason
    seconds: float = 0.0  # CPU seconds, this file's share of its batch


def validate_reads(reads: list[FileRead], context: Context) -> list[Submission]:
    """Check read files against the template, then against the portfolio: one Submission per file."""
    return assemble_all(parse_reads(reads, default_options(None).strict), context)


def parse_reads(reads: list[FileRead], strict: bool = False) -> list[Parsed]:
    """The workers' share of validation: types, required values, ranges, every table of every file.

    A bug on one file of a batch costs only that file, unless `strict` (the tests): then it raises."""
    started = time.process_time()
    usable = [r for r in reads if not r.fatal and r.form is not None]
    out = {id(r): Parsed(r) for r in reads}
    if usable:
        try:
            parsed = _parse_usable(usable)
        except Exception:
            if strict or len(usable) == 1:
                raise
            # One odd file must not cost the batch: parse file by file, so only it fails.
            parsed = [_parse_alone(read) for read in usable]
        out.update({id(p.read): p for p in parsed})
    share = (time.process_time() - started) / max(1, len(reads))
    for item in out.values():
        item.seconds = share
    return [out[id(r)] for r in reads]


def _parse_alone(read: FileRead) -> Parsed:
    try:
        return _parse_usable([read])[0]
    except Exception as error:
        found = issue("internal-error", Severity.ERROR, "(file)", None, None, None, None,
                      f"pmo-xl could not validate this file ({type(error).__name__}: {error}); it was not merged")
        return Parsed(read, failure=found)


def _parse_usable(reads: list[FileRead]) -> list[Parsed]:
    forms = [r.form for r in reads]  # type: ignore[misc]
    headers = parse_header(forms)  # type: ignore[arg-type]
    progress = parse_parts(PROGRESS_REGISTER, forms)  # type: ignore[arg-type]
    tables: dict[str, list[ParsedPart | None]] = {}
    for table in UPDATE_TABLES:
        present = [(k, r.tables[table.sheet]) for k, r in enumerate(reads) if table.sheet in r.tables]
        parsed = parse_parts(table.register, [part for _, part in present])
        tables[table.sheet] = [None] * len(reads)
        for (k, _), result in zip(present, parsed, strict=True):
            tables[table.sheet][k] = result
    return [Parsed(read, headers[k][0], headers[k][1], progress[k], {sheet: found[k] for sheet, found in tables.items()})
            for k, read in enumerate(reads)]


def assemble(parsed: Parsed, context: Context) -> Submission:
    """One file's share of validation against the portfolio (see `assemble_all`)."""
    return assemble_all([parsed], context)[0]


def assemble_all(parsed: list[Parsed], context: Context) -> list[Submission]:
    """The portfolio's share of validation (in the main process): who and when, the shared checks
    on every update's rows (`collect/checking.py`), rows of other projects; then each file's status."""
    pending: list[tuple[Submission, UpdateRows, bool]] = []
    submissions = []
    for item in parsed:
        read = item.read
        if read.fatal or read.form is None or item.failure is not None or item.progress is None:
            extra = [item.failure] if item.failure is not None else []
            submission = Submission(read, Status.REJECTED, [*read.issues, *extra], seconds=item.seconds)
        else:
            submission, rows, incomplete = _prepare(item, context)
            if rows is not None:
                pending.append((submission, rows, incomplete))
        submissions.append(submission)
    checked = check_updates([rows for _, rows, _ in pending], context)
    for (submission, rows, incomplete), found in zip(pending, checked, strict=True):
        _finish(submission, rows, incomplete, found, context)
    return submissions


def _prepare(parsed: Parsed, context: Context) -> tuple[Submission, UpdateRows | None, bool]:
    """The header judged, the rows the shared checks are to judge (None: the file is refused), and
    whether a table lacks a required column (none of its rows can be taken)."""
    read, header, progress = parsed.read, parsed.header, parsed.progress
    assert read.form is not None and progress is not None
    issues = [*read.issues, *parsed.header_issues]
    submission = Submission(read, Status.ACCEPTED, issues, header=header, seconds=parsed.seconds)
    header_errors = [i for i in parsed.header_issues if i.severity == Severity.ERROR and i.field in ("Project ID", "Period")]
    if header_errors or not check_header(submission, context):
        submission.status = Status.REJECTED
        submission.note = "the Project ID or Period cannot be used"
        return submission, None, True
    issues.extend(progress.issues)
    tables: list[tuple[UpdateTable, Part, list[dict[str, object] | None]]] = []
    incomplete = False
    for table in UPDATE_TABLES:
        found = parsed.tables.get(table.sheet)
        part = read.tables.get(table.sheet)
        if found is None or part is None:
            continue
        issues.extend(found.issues)
        if any(c.required for c in table.register.columns if c.field in part.missing):
            submission.rows[table.target.name] = []  # the missing-column issue explains why nothing was taken
            incomplete = True
        else:
            tables.append((table, part, found.rows))
    line = progress.rows[0] if progress.rows else None
    return submission, UpdateRows(str(header["project_id"]), header["period"], read.form, line, tuple(tables)), incomplete  # type: ignore[arg-type]


def _finish(submission: Submission, rows: UpdateRows, incomplete: bool, checked: Checked, context: Context) -> None:
    """What the checks found added; the rows without an error kept; the file's status."""
    issues = submission.issues
    problems = incomplete or any(i.severity == Severity.ERROR for i in issues)  # something is left out
    issues.extend(checked.issues)
    if rows.progress is not None and not checked.progress_refused:
        submission.progress = {"project_id": rows.project_id, "period": rows.period, **rows.progress}
    for table, part, typed in rows.tables:
        refused = checked.refused.get(part.sheet, set()) | check_rows(submission, table, part, typed, context)
        accepted = [r for index, r in enumerate(typed) if r is not None and index not in refused]
        problems = problems or len(accepted) < len(typed)
        submission.rows[table.target.name] = [{"project_id": rows.project_id, **r} for r in accepted]
    problems = problems or any(i.severity == Severity.ERROR for i in issues)
    merged_anything = submission.progress is not None or any(submission.rows.values())
    submission.status = Status.PARTLY if problems and merged_anything else (Status.REJECTED if problems else Status.ACCEPTED)
    if submission.status == Status.REJECTED:
        submission.note = "every part of it has errors"
    submission.fingerprint = fingerprint(submission.read)


def fingerprint(read: FileRead) -> str:
    """A digest of what the file says (not of its bytes): equal for the same figures saved twice."""
    form = read.form
    assert form is not None
    values = {f: _blank(v) for f, v in zip(form.fields, form.rows[0], strict=True) if f not in ("submitted", "template_version")}
    tables = {sheet: [[_blank(v) for v in row] for row in part.rows] for sheet, part in read.tables.items() if part.rows}
    text = json.dumps({"form": values, **dict(sorted(tables.items()))}, sort_keys=True, default=_json_default)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _blank(value: object) -> object:
    """An empty cell reads as '' or None depending on the file; both mean blank."""
    return None if value == "" else value


def _json_default(value: object) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return repr(value)


__all__ = ["validate_reads", "parse_reads", "assemble", "assemble_all", "parse_parts", "plain", "Parsed"]
