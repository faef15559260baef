"""Problems in the user's data are data: an `Issue` record, never an exception.

Each issue points at one cell the user can click (`'Allocations'!D14`), says what is wrong in
words a project manager understands and what to do about it, and carries a stable kebab-case
code that tests, filters and the documentation rely on.
"""

from __future__ import annotations

import enum
import re
from dataclasses import asdict, dataclass

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    """Control characters (newlines, terminal escapes) shown as escapes: what reaches a terminal is one safe line."""
    return _CONTROL.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


class Severity(enum.StrEnum):
    ERROR = "error"  # the row is left out of the computations
    WARNING = "warning"  # the row is used, but a person should look
    INFO = "info"


SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def column_letter(index: int) -> str:
    """1-based column number to Excel letters: 1 -> A, 27 -> AA."""
    letters = ""
    while index > 0:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def quote_sheet(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


@dataclass(frozen=True)
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
    stage: str = "parse"

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
        data["cell"] = self.cell
        data["value"] = _plain(self.value)
        return data

    def as_line(self) -> str:
        return one_line(f"{self.address}: {self.severity} [{self.code}] {self.message}")


def _plain(value: object) -> object:
    """A JSON-friendly form of a cell value."""
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
        key=lambda i: (SEVERITY_ORDER[i.severity], i.sheet, i.row or 0, len(i.column or ""), i.column or "", i.code),
    )


def count_by_severity(issues: list[Issue]) -> dict[str, int]:
    counts = {str(s): 0 for s in Severity}
    for issue in issues:
        counts[str(issue.severity)] += 1
    return counts
