"""Turn one column of raw cell values into typed values, column at a time.

Clean columns take a fast path (one type check for the whole column); only columns that mix
types are examined cell by cell, and only their odd cells produce problems. Every problem is a
`CellProblem` (positions in the column, code, severity, message) that the register parser turns
into located issues.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from pmo_xl.issues import Severity
from pmo_xl.schema.columns import DATE_KINDS, NUMERIC_KINDS, Column, Kind

EXCEL_EPOCH = np.datetime64("1899-12-30")
MAX_SERIAL = 2958465  # 9999-12-31
EXCEL_ERRORS = frozenset({"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA"})
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_THOUSANDS_NUMBER = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$")
_MONTH_TEXT = re.compile(r"^(\d{4})-(\d{1,2})$")


@dataclass(frozen=True)
class CellProblem:
    positions: np.ndarray  # 0-based positions within the column
    code: str
    severity: Severity
    message: str  # may contain {value}; formatted per cell


@dataclass
class ConvertedColumn:
    values: pd.Series
    problems: list[CellProblem]


def blank_mask(raw: pd.Series) -> np.ndarray:
    """Empty cells: None, NaN, '' and text of only spaces."""
    mask = raw.isna().to_numpy() | (raw == "").to_numpy()
    text = _is_type(raw, str) & ~mask
    if text.any():
        mask[text] = raw[text].str.strip().eq("").to_numpy()
    return mask


def convert_column(raw: pd.Series, column: Column) -> ConvertedColumn:
    """Typed values for `column` plus the problems found, for one column of raw cells."""
    raw = raw.reset_index(drop=True)
    blank = blank_mask(raw)
    problems: list[CellProblem] = []
    errors = _excel_error_mask(raw, blank)
    if errors.any():
        problems.append(CellProblem(np.flatnonzero(errors), "excel-error", Severity.ERROR, "The cell shows the Excel error {value}; fix the formula or type the value"))
        blank = blank | errors
    if column.kind in NUMERIC_KINDS:
        values = _to_number(raw, blank, column, problems)
    elif column.kind in DATE_KINDS:
        values = _to_date(raw, blank, column, problems)
    elif column.kind == Kind.CHOICE:
        values = _to_choice(raw, blank, column, problems)
    else:
        values = _to_text(raw, blank, column.kind == Kind.ID)
    if column.required:
        missing = blank & ~errors
        if missing.any():
            problems.append(CellProblem(np.flatnonzero(missing), "required", Severity.ERROR, f"{column.header} is required — fill it in"))
    return ConvertedColumn(values, problems)


def _is_type(raw: pd.Series, kind: type) -> np.ndarray:
    return raw.map(lambda v: isinstance(v, kind), na_action="ignore").fillna(False).to_numpy(dtype=bool)


def _excel_error_mask(raw: pd.Series, blank: np.ndarray) -> np.ndarray:
    if infer_dtype(raw[~blank], skipna=True) not in ("string", "mixed", "mixed-integer", "mixed-integer-float"):
        return np.zeros(len(raw), dtype=bool)
    return raw.isin(EXCEL_ERRORS).to_numpy()


def _to_number(raw: pd.Series, blank: np.ndarray, column: Column, problems: list[CellProblem]) -> pd.Series:
    present = raw[~blank]
    if infer_dtype(present, skipna=True) in ("floating", "integer", "mixed-integer-float", "empty"):
        values = pd.to_numeric(raw.where(~blank), errors="coerce").astype("float64")
    else:
        values = pd.Series(np.nan, index=raw.index, dtype="float64")
        is_bool = _is_type(raw, bool) & ~blank
        is_number = (_is_type(raw, float) | _is_type(raw, int)) & ~is_bool & ~blank
        values[is_number] = raw[is_number].astype("float64")
        is_text = _is_type(raw, str) & ~blank
        if is_text.any():
            _text_numbers(raw, is_text, values, problems)
        other = ~blank & ~is_number & ~is_text
        if other.any():
            problems.append(CellProblem(np.flatnonzero(other), "wrong-type", Severity.ERROR, f"{column.header} must be a number, not {{value}}"))
    _check_range(values, column, problems)
    return values


def _text_numbers(raw: pd.Series, is_text: np.ndarray, values: pd.Series, problems: list[CellProblem]) -> None:
    text = raw[is_text].str.strip().str.replace("\u00a0", "", regex=False)
    plain = text.str.match(_PLAIN_NUMBER)
    thousands = text.str.match(_THOUSANDS_NUMBER)
    decimal_comma = text.str.match(_DECIMAL_COMMA) & ~thousands
    convertible = plain | thousands
    values[convertible[convertible].index] = pd.to_numeric(text[convertible].str.replace(",", "", regex=False))
    index = np.flatnonzero(is_text)
    if convertible.any():
        problems.append(CellProblem(index[convertible.to_numpy()], "number-as-text", Severity.WARNING, "The number {value} is stored as text; it was read as a number — re-type it as a number"))
    if decimal_comma.any():
        problems.append(CellProblem(index[decimal_comma.to_numpy()], "decimal-comma", Severity.ERROR, "{value} uses a decimal comma; type it with a decimal point (e.g. 1.5 for 1,5)"))
    rest = ~(convertible | decimal_comma)
    if rest.any():
        problems.append(CellProblem(index[rest.to_numpy()], "not-a-number", Severity.ERROR, "{value} is text where a number is expected — type a number"))


def _check_range(values: pd.Series, column: Column, problems: list[CellProblem]) -> None:
    array = values.to_numpy()
    if column.kind == Kind.PERCENT and (column.maximum or 0) <= 1:
        whole = (array > 1) & (array <= 100)
        if whole.any():
            problems.append(CellProblem(np.flatnonzero(whole), "percent-as-whole-number", Severity.ERROR, "{value} looks like a percentage typed as a whole number; type it as a fraction (0.4) or with a % sign (40%)"))
            array = np.where(whole, np.nan, array)
    else:
        whole = np.zeros(len(array), dtype=bool)
    if column.minimum is not None:
        low = (array < column.minimum) & ~whole
        if low.any():
            problems.append(CellProblem(np.flatnonzero(low), "out-of-range", Severity.ERROR, f"{{value}} is below the minimum {column.minimum:g} for {column.header}"))
    if column.maximum is not None:
        high = (array > column.maximum) & ~whole
        if high.any():
            problems.append(CellProblem(np.flatnonzero(high), "out-of-range", Severity.ERROR, f"{{value}} is above the maximum {column.maximum:g} for {column.header}"))
    if column.kind == Kind.INTEGER:
        fractional = ~np.isnan(array) & (np.floor(array) != array)
        if fractional.any():
            problems.append(CellProblem(np.flatnonzero(fractional), "not-whole-number", Severity.ERROR, f"{{value}} must be a whole number for {column.header}"))


def _to_date(raw: pd.Series, blank: np.ndarray, column: Column, problems: list[CellProblem]) -> pd.Series:
    values = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    is_date = (_is_type(raw, dt.date)) & ~blank  # datetime is a date subclass
    if is_date.any():
        values[is_date] = pd.to_datetime(raw[is_date].map(_as_datetime)).astype("datetime64[ns]")
    is_serial = (_is_type(raw, float) | _is_type(raw, int)) & ~_is_type(raw, bool) & ~blank
    if is_serial.any():
        serial = raw[is_serial].astype("float64").to_numpy()
        plausible = (serial >= 1) & (serial <= MAX_SERIAL)
        positions = np.flatnonzero(is_serial)
        days = np.floor(serial[plausible]).astype("int64")
        values.iloc[positions[plausible]] = (EXCEL_EPOCH + days.astype("timedelta64[D]")).astype("datetime64[ns]")
        problems.append(CellProblem(positions[plausible], "serial-date", Severity.INFO, "{value} is an Excel date serial number shown as a number; it was read as a date — format the cell as a date"))
        if (~plausible).any():
            problems.append(CellProblem(positions[~plausible], "not-a-date", Severity.ERROR, f"{{value}} is not a date; {column.header} needs a date"))
    is_text = _is_type(raw, str) & ~blank
    if is_text.any():
        _text_dates(raw, is_text, values, column, problems)
    other = ~blank & ~is_date & ~is_serial & ~is_text
    if other.any():
        problems.append(CellProblem(np.flatnonzero(other), "not-a-date", Severity.ERROR, f"{{value}} is not a date; {column.header} needs a date"))
    if column.kind == Kind.MONTH:
        values = values.dt.to_period("M").dt.start_time.astype("datetime64[ns]")
    return values


def _as_datetime(value: object) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime(value.year, value.month, value.day)  # type: ignore[attr-defined]


def _text_dates(raw: pd.Series, is_text: np.ndarray, values: pd.Series, column: Column, problems: list[CellProblem]) -> None:
    text = raw[is_text].str.strip()
    index = np.flatnonzero(is_text)
    iso = text.str.match(_ISO_DATE).to_numpy()
    month = text.str.match(_MONTH_TEXT).to_numpy() if column.kind == Kind.MONTH else np.zeros(len(text), dtype=bool)
    parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    if iso.any():
        parsed[iso] = pd.to_datetime(text[iso].str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    if month.any():
        parsed[month] = pd.to_datetime(text[month] + "-01", format="%Y-%m-%d", errors="coerce")
    ok = parsed.notna().to_numpy()
    values.iloc[index[ok]] = parsed[ok].to_numpy()
    as_text = ok & ~month  # YYYY-MM text is the documented way to type a period
    if as_text.any():
        problems.append(CellProblem(index[as_text], "date-as-text", Severity.WARNING, "The date {value} is stored as text; it was read as that date — re-type it as a date"))
    if (~ok).any():
        problems.append(CellProblem(index[~ok], "not-a-date", Severity.ERROR, f"{{value}} is not a date Excel understands; type {column.header} as a date (e.g. 2026-03-31)"))


def choice_key(text: str) -> str:
    return re.sub(r"[\s_]+", " ", text).strip().casefold()


def _to_choice(raw: pd.Series, blank: np.ndarray, column: Column, problems: list[CellProblem]) -> pd.Series:
    lookup = {choice_key(a): a for a in column.allowed}
    text = _to_text(raw, blank, False)
    keys = text.map(choice_key, na_action="ignore")
    values = keys.map(lookup)
    unknown = ~blank & values.isna().to_numpy()
    if unknown.any():
        allowed = ", ".join(column.allowed)
        problems.append(CellProblem(np.flatnonzero(unknown), "not-allowed", Severity.ERROR, f"{{value}} is not an allowed {column.header}; choose one of: {allowed}"))
    return values.astype(object).where(values.notna(), None)


def _to_text(raw: pd.Series, blank: np.ndarray, is_id: bool) -> pd.Series:
    if infer_dtype(raw[~blank], skipna=True) in ("string", "empty"):
        text = raw.astype(object)
        text = text.where(~blank, None)
        return text.str.strip().astype(object).where(~blank, None)
    return raw.map(_cell_text).astype(object).where(~blank, None)


def _cell_text(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        if value != value:
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()
