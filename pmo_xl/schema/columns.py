"""The vocabulary a register is declared in: column kinds, columns and registers.

Everything the workbook contract says about a column lives on one `Column`: the header the
user sees, what it means, its kind, whether it is required, the allowed values, the range and
the Excel number format. The template writer, the reader, the parser, the validation and
CONTRACT.md all read these declarations; none of them repeats a header text or a rule.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field


class Kind(enum.StrEnum):
    """What a cell holds, in the user's terms. Decides parsing, validation and formatting."""

    TEXT = "text"
    ID = "id"  # text, trimmed, compared exactly: project, resource and risk IDs
    INTEGER = "integer"
    NUMBER = "number"
    MONEY = "money"
    HOURS = "hours"
    PERCENT = "percent"  # a fraction 0-1, shown as a percentage
    DATE = "date"
    MONTH = "month"  # a reporting period: any date in the month, or text YYYY-MM
    CHOICE = "choice"  # one of `allowed`


NUMERIC_KINDS = frozenset({Kind.INTEGER, Kind.NUMBER, Kind.MONEY, Kind.HOURS, Kind.PERCENT})
DATE_KINDS = frozenset({Kind.DATE, Kind.MONTH})


_SPACES = re.compile(r"\s+")


def normalise_header(text: object) -> str:
    """Header text as compared: case, spacing and punctuation spacing do not matter."""
    return _SPACES.sub(" ", str(text or "")).strip().casefold()


@dataclass(frozen=True)
class Column:
    """One column of a register, declared once."""

    field: str  # snake_case name used in code and DataFrames
    header: str  # the header text exactly as printed in the template
    kind: Kind
    meaning: str
    required: bool = False
    allowed: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    width: float = 14
    example: object = None
    aliases: tuple[str, ...] = ()  # older or common header texts the reader also accepts
    refers_to: str | None = None  # the register whose key this column names (checked: checks/governance.py)

    @property
    def number_format(self) -> str | None:
        """The Excel number format for this kind (currency comes from Settings at write time)."""
        return {
            Kind.INTEGER: "0",
            Kind.NUMBER: "#,##0.00",
            Kind.MONEY: "#,##0",
            Kind.HOURS: "#,##0.0",
            Kind.PERCENT: "0%",
            Kind.DATE: "yyyy-mm-dd",
            Kind.MONTH: "yyyy-mm",
        }.get(self.kind)

    def header_keys(self) -> tuple[str, ...]:
        return tuple(normalise_header(h) for h in (self.header, self.field, *self.aliases))


@dataclass(frozen=True)
class Register:
    """A register: one Excel Table on its own sheet, one row per record."""

    name: str  # sheet name as the user sees it
    table: str  # the stable Excel Table name
    meaning: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()  # fields that identify a row uniquely
    # Columns whose header starts with this prefix form a family (one per Settings criterion).
    family_prefix: str | None = None
    family_kind: Kind | None = None
    family_meaning: str = ""
    family_range: tuple[float, float] | None = None
    instructions: tuple[str, ...] = field(default=())
    sheet: str | None = None  # the sheet the table sits on, when it is not `name`
    # Absent is normal (History: written by `pmo-xl close` once a period is closed), so a
    # workbook without it has no `missing-register` issue.
    optional: bool = False

    @property
    def sheet_name(self) -> str:
        return self.sheet or self.name

    def column(self, field_name: str) -> Column:
        for column in self.columns:
            if column.field == field_name:
                return column
        raise KeyError(f"{self.name} has no field {field_name!r}")

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(c.field for c in self.columns)
