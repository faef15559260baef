"""One cell at a time: the reader the `=PMO_...` worksheet functions share with the registers.

Each function reads one cell value exactly as the register parser reads a cell of that kind
(`pmo_xl.parse.cells.convert_column` on a column of one), so `=PMO_CPI("1,5", 1)` is refused with
the words a register gives for '1,5' in a Budget cell. Each returns a `CellValue`:

    read_number("1,5", "AC")      -> CellValue(value=None, code="decimal-comma", severity=ERROR, message="'1,5' uses ...")
    read_number("1500", "AC")     -> CellValue(value=1500.0, code="number-as-text", severity=WARNING, message=...)
    read_number(None, "AC")       -> CellValue(value=None)          # a blank cell: no code
    read_number(float("inf"))     -> refused, code "not-finite"
    read_percent("40%", "Weight") -> CellValue(value=0.4, ...); read_percent(40) -> refused ("percent-as-whole-number")
    read_date(46100.0, "Finish")  -> CellValue(value=datetime.date(2026, 3, 19), code="serial-date", ...)
    read_text(1001.0, "ID")       -> CellValue(value="1001")
    read_number(x, "EV").get()    -> the value, or raises CellRefused (a ValueError) whose str() is the message

`name` is the argument's name as the user should read it in the message (the column header in a
register). Values: float (a percentage as a fraction), datetime.date, str, or None.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from pmo_xl.issues import Severity
from pmo_xl.parse.cells import convert_column, show_value
from pmo_xl.schema.columns import Column, Kind

__all__ = ["CellRefused", "CellValue", "read_date", "read_number", "read_percent", "read_text"]


class CellRefused(ValueError):
    """A cell value the register rules refuse; str() is the message the register parser gives."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class CellValue:
    """One cell read by the register rules: its value, or why it was refused.

    `value` is a float (number, percentage as a fraction), a `datetime.date`, a str, or None (a
    blank cell, or a refused one). `code`/`message` are None for a clean read, a warning's code
    and text for a value read with a note ('1500' typed as text), an error's for a refusal.
    """

    value: object
    code: str | None = None
    severity: Severity | None = None
    message: str | None = None

    @property
    def refused(self) -> bool:
        return self.severity == Severity.ERROR

    def get(self) -> object:
        """The value; raises `CellRefused` with the register's message when the cell is refused."""
        if self.refused:
            raise CellRefused(str(self.code), str(self.message))
        return self.value


def read_number(value: object, name: str = "Value", *, minimum: float | None = None, maximum: float | None = None,
                whole: bool = False) -> CellValue:
    """A number as a register reads it: text by `SEPARATOR_RULE`, infinity and NaN refused, range checked."""
    kind = Kind.INTEGER if whole else Kind.NUMBER
    return _read_one(value, Column(name, name, kind, "", minimum=minimum, maximum=maximum))


def read_percent(value: object, name: str = "Value", *, minimum: float | None = None, maximum: float | None = 1.0) -> CellValue:
    """A fraction: 0.4 or '40%'; 40 where at most 1 is allowed is refused (`percent-as-whole-number`)."""
    return _read_one(value, Column(name, name, Kind.PERCENT, "", minimum=minimum, maximum=maximum))


def read_date(value: object, name: str = "Date") -> CellValue:
    """A date (datetime.date): a date cell, a year-first text date, or a plausible serial number."""
    read = _read_one(value, Column(name, name, Kind.DATE, ""))
    if isinstance(read.value, pd.Timestamp):
        return replace(read, value=read.value.date())
    return read


def read_text(value: object, name: str = "Text") -> CellValue:
    """Trimmed text; a number or a date becomes its text (1001 -> '1001'); infinity is refused."""
    return _read_one(value, Column(name, name, Kind.TEXT, ""))


def _read_one(value: object, column: Column) -> CellValue:
    converted = convert_column(np.array([value, None], dtype=object)[:1], column)
    result = converted.values.iloc[0]
    if result is None or result is pd.NaT or (isinstance(result, float) and np.isnan(result)):
        result = None
    elif isinstance(result, float):
        result = float(result)  # a plain float, not numpy's
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    problems = sorted(converted.problems, key=lambda p: order[p.severity])
    if not problems:
        return CellValue(result)
    first = problems[0]
    message = first.message.replace("{value}", show_value(value))
    return CellValue(None if first.severity == Severity.ERROR else result, first.code, first.severity, message)
