"""Problems in the user's data are data: an `Issue` record, never an exception.

Each issue points at one cell the user can click (`'Allocations'!D14`), says what is wrong in
words a project manager understands and what to do about it, and carries a stable kebab-case
code that tests, filters and the documentation rely on.

This module is the one issue model every front door shares: the order of severities
(`Severity.rank`), the stage that found an issue (`Stage`), one plain form of an offending value
(`flatten`), one table of issues (`issue_table`) and one summary line (`summary_text`).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    """Control characters (newlines, terminal escapes) shown as escapes: what reaches a terminal is one safe line."""
    return _CONTROL.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


class Severity(enum.StrEnum):
    """How bad an issue is; ordered by `rank` (0 = most severe, the first a person fixes)."""

    ERROR = "error"  # the row is left out of the computations
    WARNING = "warning"  # the row is used, but a person should look
    INFO = "info"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def at_least(self, minimum: Severity | str) -> bool:
        """Whether this severity is `minimum` or worse (`--min-severity`)."""
        return self.rank <= _RANK[Severity(minimum)]


_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


class Stage(enum.StrEnum):
    """Which step of the run found an issue (shown in Data Quality's Stage column)."""

    PARSE = "parse"  # a cell that is not what its column holds
    CHECK = "check"  # a rule across rows, registers or periods
    COMPUTE = "compute"  # earned value: why a figure is undefined
    LOADING = "loading"
    PRIORITY = "priority"  # scores, weights and selection
    RISK = "risk"
    REPORT = "report"  # a computation that failed while building the report
    COLLECT = "collect"  # a PM's update file
    IMPORT = "import"  # an imported schedule (MSPDI, XER)


def column_letter(index: int) -> str:
    """1-based column number to Excel letters: 1 -> A, 27 -> AA."""
    letters = ""
    while index > 0:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def quote_sheet(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


@dataclass(frozen=True, kw_only=True)
class Issue:
    """One problem, located at a cell (or a whole sheet/row when no cell applies)."""

    code: str
    severity: Severity
    sheet: str
    row: int | None  # 1-based Excel row
    column: str | None  # column letter
    field: str | None  # the header text of the column, as the user sees it
    value: object
    message: str
    stage: Stage = Stage.PARSE

    @classmethod
    def at_rows(
        cls, rows: Iterable[int | None], values: Iterable[object], messages: Iterable[str], **same: object
    ) -> list[Issue]:
        """One issue per row: `Issue(row=row, value=value, message=message, **same)` for the
        rows, values and messages side by side, alike in everything else.

        For tens of thousands at a time (bench_loading's overdue allocations: 19,381): the
        frozen dataclass's __init__ sets each of the nine fields through object.__setattr__,
        about 5 µs an issue; here the first issue is made by __init__ (which checks the fields)
        and each other one gets a copy of its fields, in the same order, with the three that vary.
        """
        template = cls(row=None, value=None, message="", **same)  # type: ignore[arg-type]
        fields = template.__dict__
        new, set_fields = object.__new__, object.__setattr__
        issues = []
        for row, value, message in zip(rows, values, messages, strict=True):
            own = fields.copy()
            own["row"], own["value"], own["message"] = row, value, message
            issue = new(cls)
            set_fields(issue, "__dict__", own)
            issues.append(issue)
        return issues

    @property
    def cell(self) -> str:
        if self.row is None:
            return ""
        return f"{self.column or 'A'}{self.row}"

    @property
    def address(self) -> str:
        """Where to click: `'Sheet'!D14`, or just the sheet."""
        if self.row is None:
            return quote_sheet(self.sheet)
        return f"{quote_sheet(self.sheet)}!{self.cell}"

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = str(self.severity)
        data["stage"] = str(self.stage)
        data["cell"] = self.cell
        data["value"] = flatten(self.value)
        return data

    def as_line(self) -> str:
        return one_line(f"{self.address}: {self.severity} [{self.code}] {self.message}")


def flatten(value: object) -> object:
    """The one plain form of an offending value: text, number, bool or None (JSON-friendly)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        if isinstance(value, float) and value != value:  # NaN
            return None
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def sort_issues(issues: list[Issue]) -> list[Issue]:
    """Errors first, then by sheet and position: the order a person fixes them in."""
    return sorted(
        issues,
        key=lambda i: (i.severity.rank, i.sheet, i.row or 0, len(i.column or ""), i.column or "", i.code),
    )


def count_by_severity(issues: Iterable[Issue]) -> dict[str, int]:
    counts = {str(s): 0 for s in Severity}
    for issue in issues:
        counts[str(issue.severity)] += 1
    return counts


def summary_text(issues: Iterable[Issue]) -> str:
    """The one summary line every front door prints: "2 errors, 5 warnings, 1 notes"."""
    counts = count_by_severity(issues)
    return f"{counts['error']} errors, {counts['warning']} warnings, {counts['info']} notes"


ISSUE_COLUMNS = ("severity", "code", "sheet", "cell", "field", "value", "message", "stage")


def issue_table(issues: Iterable[Issue]) -> pd.DataFrame:
    """One row per issue, in the order given: severity, code, sheet, cell, field, value (flattened),
    message, stage. Plain attribute reads: `as_dict` deep-copies, 80 µs an issue."""
    import pandas as pd  # here, not at the top: `pmo-xl --help` starts without pandas

    issues = list(issues)
    return pd.DataFrame({
        "severity": [str(i.severity) for i in issues], "code": [i.code for i in issues], "sheet": [i.sheet for i in issues],
        "cell": [i.cell for i in issues], "field": [i.field for i in issues], "value": [flatten(i.value) for i in issues],
        "message": [i.message for i in issues], "stage": [str(i.stage) for i in issues],
    }, columns=list(ISSUE_COLUMNS))
