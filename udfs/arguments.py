"""How every `=PMO_...` function is declared to xlwings and reads what Excel passes it.

No type hints on the worksheet functions. xlwings (`xlwings.udfs.xlfunc`) reads a function's
type hints as *converters*: an argument hinted `object` is read with `accessors[object]`, which
does not exist, so every call ends in "type object 'object' has no attribute 'reader'"; a result
hinted `float | None` fails the same way on the way back ("'types.UnionType' object has no
attribute 'router'"), and the VBA wrapper puts that text in the cell. Only a few hints are
converters at all (`float`, `list`, `dict`, `pd.DataFrame`, `Any`...), and none of them says
more than "whatever Excel passes". So the functions carry none, and say in their docstrings
what they take; tests/test_udfs_excel_calls.py calls each one through xlwings' own `CallUDF`
and fails on any hint that breaks a call.

Bad input is the cell's text, not a traceback. A Python exception raised in a UDF reaches the
cell as the COM server's error text, a traceback (xlwings/xlwings#1108); `worksheet_function`
turns a `ValueError` (what every reader below raises, with a sentence for the user) into the
text "PMO_CPI: ev must be a number, not '1,5'". Anything else is a bug and stays loud.

Arguments are declared with `arg`, which asks xlwings for error values as text (`err_to_str`):
without it a #N/A input arrives as `None`, indistinguishable from a blank cell, and a broken
lookup upstream would silently give an empty figure.

One reader of values: numbers, dates and text are read by `pmo_xl.parse.read_cell`, the very
conversion the register parser applies to a cell, so '1,5' is refused in `=PMO_CPI("1,5", 1)`
with the words Validate uses for it in a register, and a value means the same in both.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import xlwings as xw

from pmo_xl.parse.read_cell import read_date, read_number, read_text

CATEGORY = "PMO"


def arg(name: str, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`@xw.arg` for a worksheet function's argument: error values arrive as their text."""
    return xw.arg(name, err_to_str=True, **options)


def worksheet_function(function: Callable[..., Any]) -> Callable[..., Any]:
    """Apply first (innermost): a ValueError becomes the cell's text, prefixed by the name."""

    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except ValueError as error:
            return f"{function.__name__}: {error}"

    return call


def is_blank(value: Any) -> bool:
    """An empty cell: None (COM), "" (an empty text or formula), or NaN (from Python callers)."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, float) and math.isnan(value)


def _plain(value: Any) -> Any:
    """COM's and numpy's number types as plain floats: a cell formatted as Currency arrives as
    `decimal.Decimal` (Excel's COM `Range.Value` gives VT_CY for it), numpy scalars from Python."""
    if isinstance(value, decimal.Decimal | np.floating | np.integer):
        return float(value)
    return value


def _one_cell(value: Any, name: str, what: str) -> Any:
    value = _plain(value)
    if isinstance(value, list | tuple | np.ndarray):
        raise ValueError(f"{name} must be a single {what}, not a range")
    return value


def number(value: Any, name: str) -> float | None:
    """A cell value as a float, None for a blank cell, read exactly as the registers read a
    number cell (`pmo_xl.parse.read_cell`): what a register refuses ('1,5', TRUE, #N/A) is
    refused here with the same words, as a ValueError."""
    return read_number(_one_cell(value, name, "number"), name).get()  # type: ignore[return-value]


def date(value: Any, name: str) -> dt.date | None:
    """A cell value as a date, None for a blank cell, read as the registers read a date cell."""
    return read_date(_one_cell(value, name, "date"), name).get()  # type: ignore[return-value]


def text(value: Any, name: str) -> str | None:
    """A cell value as trimmed text, None for a blank cell, read as the registers read text."""
    return read_text(_one_cell(value, name, "value"), name).get()  # type: ignore[return-value]


def flat(values: Any) -> list[Any]:
    """A range (rows of cells, a row, or one value) as its cells, row by row."""
    if isinstance(values, np.ndarray):
        values = values.tolist()
    if isinstance(values, list | tuple):
        return [cell for item in values for cell in flat(item)]
    return [values]


def _blank_row(row: list[Any] | tuple[Any, ...]) -> bool:
    return all(v is None or is_blank(v) for v in row)


def rows(values: Any, *, drop_blank_bottom: bool = False) -> list[list[Any]]:
    """A range as a list of rows: a 2-D value as it is, a flat list as one row, a value as 1 x 1.

    `drop_blank_bottom`: leave out the empty rows at the bottom. A whole-column reference (B:B)
    arrives as 1,048,576 rows, nearly all empty; only its filled top is worth converting.
    """
    if isinstance(values, np.ndarray):
        values = values.tolist()
    if not isinstance(values, list | tuple):
        return [[values]]
    if not values or not all(isinstance(r, list | tuple) for r in values[:1]):
        return [list(values)]
    end = len(values)
    if drop_blank_bottom:
        empty = [[None] * len(values[-1]), (None,) * len(values[-1])]  # compared in C: fast
        while end and (values[end - 1] in empty or _blank_row(values[end - 1])):
            end -= 1
    table = values[:end]
    if not all(isinstance(r, list | tuple) for r in table):
        raise ValueError("a range must be given as rows of cells")
    return [list(r) for r in table]
