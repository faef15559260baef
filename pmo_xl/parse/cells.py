"""Turn one column of raw cell values into typed values, a whole column at a time.

Every cell is first classified by its Python type in one C-level pass (`map(type)`, ~40 ns a
cell, cheaper than pandas' `infer_dtype`); a clean column then converts in one vectorised step,
and only the odd cells (text in a number column, a number in a date column...) take the slower
paths, which run over those cells only. Every problem is a `CellProblem` (positions in the
column, code, severity, message) that the register parser turns into located issues.

The rules, each with a stable code from `pmo_xl.checks.codes`:
  - text that holds a number or a date is read and flagged (`number-as-text`, `date-as-text`);
    text that cannot be read without guessing is an error (`decimal-comma`, `ambiguous-number`,
    `not-a-number`, `not-a-date`);
  - percentages typed 0-100 where a fraction is expected are errors, never silently divided;
  - Excel serial numbers in a date column are read as dates (`serial-date`), but only in a
    plausible window, so a year (2026) or a small count is not turned into a 1905 date;
  - error values (#N/A, #REF!...) and formulas Excel never calculated are errors.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pmo_xl.issues import Severity
from pmo_xl.schema.columns import DATE_KINDS, NUMERIC_KINDS, Column, Kind

EXCEL_EPOCH = np.datetime64("1899-12-30")
EXCEL_ERRORS = frozenset({"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
                          "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"})
# Dates a PMO register can plausibly hold; outside this a date is a typo (or a 0 shown as 1900-01-00).
FIRST_DATE = pd.Timestamp("1990-01-01")
LAST_DATE = pd.Timestamp("2100-12-31")
FIRST_SERIAL = 32874  # 1990-01-01 as an Excel serial number
LAST_SERIAL = 73415  # 2100-12-31

_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_GROUPED_NUMBER = re.compile(r"^[+-]?\d{1,3}((,\d{3}){2,}(\.\d+)?|,\d{3}\.\d+)$")  # 1,234,567 or 1,234.5
_SPACE_GROUPED = re.compile(r"^[+-]?\d{1,3}( \d{3})+(\.\d+)?$")  # 1 234 567 (French/ISO grouping)
_ONE_GROUP = re.compile(r"^[+-]?\d{1,3},\d{3}$")  # 1,500: 1500 in English, 1.5 in most of Europe
_DECIMAL_COMMA = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+),\d+$")  # 1,5 or 1.234,56
_PERCENT_TEXT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)\s?%$")
_ISO_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?$")
_DAY_MONTH_YEAR = re.compile(r"^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$")
_MONTH_TEXT = re.compile(r"^(\d{4})[-/](\d{1,2})$")
_MONTH_NAME = re.compile(r"^[A-Za-z]{3,9}\.?[ -]\d{4}$")  # Oct 2026, October-2026

# Cell classes, decided once per cell from its Python type.
BLANK, TEXT, BOOL, NUMBER, DATE, OTHER = range(6)


@dataclass(frozen=True)
class CellProblem:
    """Cells of one column with the same problem; the message may contain {value}."""

    positions: np.ndarray  # 0-based positions within the column
    code: str
    severity: Severity
    message: str


@dataclass
class ConvertedColumn:
    values: pd.Series
    problems: list[CellProblem]


@dataclass
class Cells:
    """One column classified: the class of every cell, and its text cells stripped.

    Text is stripped once per distinct value (factorize, then strip the uniques): registers
    repeat the same IDs, statuses and roles, so this is far cheaper than stripping every cell.
    """

    values: np.ndarray
    classes: np.ndarray
    text_index: np.ndarray  # positions of the text cells (blank text included)
    text_codes: np.ndarray  # per text cell, an index into text_uniques
    text_uniques: np.ndarray  # distinct stripped texts

    def stripped(self, positions: np.ndarray | None = None) -> np.ndarray:
        """The stripped text of the text cells (of those at `positions`, a subset of text_index)."""
        if positions is None:
            return self.text_uniques[self.text_codes]
        lookup = np.searchsorted(self.text_index, positions)
        return self.text_uniques[self.text_codes[lookup]]


def classify(values: np.ndarray) -> Cells:
    """The class of every cell (BLANK, TEXT, ...) from its type; blank text counts as BLANK."""
    types = np.fromiter(map(type, values), dtype=object, count=len(values))
    classes = np.full(len(values), OTHER, dtype=np.int8)
    for kind in pd.unique(types):
        classes[types == kind] = _class_of(kind)
    floats = classes == NUMBER
    if floats.any():  # NaN is how pandas and some readers say "empty"
        nan = pd.isna(values[floats])
        if nan.any():
            classes[np.flatnonzero(floats)[nan]] = BLANK
    text_index = np.flatnonzero(classes == TEXT)
    codes, uniques = pd.factorize(values[text_index])
    stripped = np.array([u.strip() for u in uniques] + [""], dtype=object)[:-1] if len(uniques) else np.empty(0, dtype=object)
    empty = np.flatnonzero(stripped == "")
    if len(empty):
        classes[text_index[np.isin(codes, empty)]] = BLANK
    return Cells(values, classes, text_index, codes, stripped)


def _class_of(kind: type) -> int:
    if kind is type(None):
        return BLANK
    if issubclass(kind, str):
        return TEXT
    if issubclass(kind, (bool, np.bool_)):
        return BOOL
    if issubclass(kind, (int, float, np.integer, np.floating)):
        return NUMBER
    if issubclass(kind, (dt.date, np.datetime64)):  # datetime and pd.Timestamp are dates too
        return DATE
    if kind is type(pd.NaT):
        return BLANK
    return OTHER


def blank_mask(raw: pd.Series) -> np.ndarray:
    """Empty cells: None, NaN, '' and text of only spaces."""
    return classify(raw.to_numpy(dtype=object)).classes == BLANK


def convert_column(raw: pd.Series | np.ndarray, column: Column, uncalculated: dict[int, str] | None = None) -> ConvertedColumn:
    """Typed values for `column` plus the problems found, for one column of raw cells.

    `uncalculated` maps positions to the text of formulas that have no calculated value: their
    cell reads as blank, and they are reported as such instead of as a missing value.
    """
    values = raw.to_numpy(dtype=object) if isinstance(raw, pd.Series) else np.asarray(raw, dtype=object)
    cells = classify(values)
    classes = cells.classes
    problems: list[CellProblem] = []
    errors = np.zeros(len(values), dtype=bool)
    if len(cells.text_uniques):
        error_codes = np.flatnonzero(np.isin(cells.text_uniques, list(EXCEL_ERRORS)))
        if len(error_codes):
            errors[cells.text_index[np.isin(cells.text_codes, error_codes)]] = True
            errors &= classes == TEXT
            problems.append(CellProblem(np.flatnonzero(errors), "excel-error", Severity.ERROR,
                                        f"{column.header} shows the Excel error {{value}} — fix the formula or type the value"))
            classes[errors] = BLANK
    unknown = np.zeros(len(values), dtype=bool)
    if uncalculated:
        positions = np.fromiter(uncalculated, dtype=np.int64)
        unknown[positions] = True
        classes[unknown] = BLANK
        problems.append(CellProblem(positions, "uncalculated-formula", Severity.ERROR,
                                    f"{column.header} holds a formula that was never calculated, so its value is unknown — "
                                    "open the workbook in Excel and save it (or type the value)"))
    if column.kind in NUMERIC_KINDS:
        converted = _to_number(cells, column, problems)
    elif column.kind in DATE_KINDS:
        converted = _to_date(cells, column, problems)
    elif column.kind == Kind.CHOICE:
        converted = _to_choice(cells, column, problems)
    else:
        converted = _to_text(cells)
    if column.required:
        missing = (classes == BLANK) & ~errors & ~unknown
        if missing.any():
            problems.append(CellProblem(np.flatnonzero(missing), "required", Severity.ERROR,
                                        f"{column.header} is required — fill it in"))
    return ConvertedColumn(converted, problems)


def _to_number(cells: Cells, column: Column, problems: list[CellProblem]) -> pd.Series:
    values, classes = cells.values, cells.classes
    result = np.full(len(values), np.nan)
    number = classes == NUMBER
    result[number] = values[number].astype("float64")
    text = classes == TEXT
    if text.any():
        _text_numbers(cells, np.flatnonzero(text), result, column, problems)
    for cls, what in ((BOOL, "TRUE/FALSE"), (DATE, "a date"), (OTHER, "this kind of value")):
        wrong = classes == cls
        if wrong.any():
            problems.append(CellProblem(np.flatnonzero(wrong), "wrong-type", Severity.ERROR,
                                        f"{column.header} must be a number, not {what} ({{value}}) — type a number"))
    _check_range(result, column, problems)
    return pd.Series(result, dtype="float64")


def _text_numbers(cells: Cells, index: np.ndarray, result: np.ndarray, column: Column, problems: list[CellProblem]) -> None:
    """Numbers typed as text: read what is unambiguous (with a warning), refuse what is not."""
    text = pd.Series(cells.stripped(index), dtype=object).str.replace("\u00a0", " ", regex=False)
    plain = text.str.match(_PLAIN_NUMBER).to_numpy(dtype=bool)
    grouped = (text.str.match(_GROUPED_NUMBER) | text.str.match(_SPACE_GROUPED)).to_numpy(dtype=bool) & ~plain
    percent = text.str.match(_PERCENT_TEXT).to_numpy(dtype=bool) if column.kind == Kind.PERCENT else np.zeros(len(text), dtype=bool)
    one_group = text.str.match(_ONE_GROUP).to_numpy(dtype=bool)
    decimal_comma = text.str.match(_DECIMAL_COMMA).to_numpy(dtype=bool) & ~one_group & ~grouped
    readable = plain | grouped | percent
    if readable.any():
        cleaned = text[readable].str.replace(",", "", regex=False).str.replace(" ", "", regex=False)
        numbers = pd.to_numeric(cleaned.str.rstrip("%"), errors="coerce").to_numpy(dtype="float64")
        numbers = np.where(percent[readable], numbers / 100.0, numbers)
        result[index[readable]] = numbers
        problems.append(CellProblem(index[readable], "number-as-text", Severity.WARNING,
                                    "The number {value} is stored as text; it was read as a number — re-type it as a number"))
    if one_group.any():
        problems.append(CellProblem(index[one_group], "ambiguous-number", Severity.ERROR,
                                    "{value} is text that could mean a thousands separator or a decimal comma — "
                                    "type the number itself (e.g. 1500 or 1.5)"))
    if decimal_comma.any():
        problems.append(CellProblem(index[decimal_comma], "decimal-comma", Severity.ERROR,
                                    "{value} uses a decimal comma; type it with a decimal point (e.g. 1.5 for 1,5)"))
    rest = ~(readable | one_group | decimal_comma)
    if rest.any():
        problems.append(CellProblem(index[rest], "not-a-number", Severity.ERROR,
                                    f"{{value}} is text where {column.header} needs a number — type a number"))


def _check_range(array: np.ndarray, column: Column, problems: list[CellProblem]) -> None:
    """Range rules; a percentage typed as 0-100 is its own error and left out (set to NaN)."""
    with np.errstate(invalid="ignore"):
        whole = np.zeros(len(array), dtype=bool)
        if column.kind == Kind.PERCENT and column.maximum is not None and column.maximum <= 1:
            whole = (array > 1) & (array <= 100)
            if whole.any():
                problems.append(CellProblem(np.flatnonzero(whole), "percent-as-whole-number", Severity.ERROR,
                                            "{value} looks like a percentage typed as a whole number; type it as a fraction "
                                            "(0.4) or with a % sign (40%)"))
                array[whole] = np.nan
        if column.minimum is not None:
            low = array < column.minimum
            if low.any():
                what = "cannot be negative" if column.minimum == 0 else f"is below the minimum {column.minimum:g}"
                problems.append(CellProblem(np.flatnonzero(low), "out-of-range", Severity.ERROR,
                                            f"{column.header} {{value}} {what} — correct it"))
        if column.maximum is not None:
            high = array > column.maximum
            if high.any():
                problems.append(CellProblem(np.flatnonzero(high), "out-of-range", Severity.ERROR,
                                            f"{column.header} {{value}} is above the maximum {column.maximum:g} — correct it"))
        if column.kind == Kind.INTEGER:
            fractional = ~np.isnan(array) & (np.floor(array) != array)
            if fractional.any():
                problems.append(CellProblem(np.flatnonzero(fractional), "not-whole-number", Severity.ERROR,
                                            f"{column.header} must be a whole number, not {{value}}"))


def _to_date(cells: Cells, column: Column, problems: list[CellProblem]) -> pd.Series:
    values, classes = cells.values, cells.classes
    # Microseconds hold years 1-9999, so a date typed as year 20026 is reported, not overflowed.
    result = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[us]")
    date = classes == DATE
    if date.any():
        stamps = pd.to_datetime(pd.Series(values[date], dtype=object), errors="coerce")
        result[date] = stamps.dt.normalize().to_numpy(dtype="datetime64[us]")
    number = classes == NUMBER
    if number.any():
        _serial_dates(values, np.flatnonzero(number), result, column, problems)
    text = classes == TEXT
    if text.any():
        _text_dates(cells, np.flatnonzero(text), result, column, problems)
    wrong = (classes == BOOL) | (classes == OTHER)
    if wrong.any():
        problems.append(CellProblem(np.flatnonzero(wrong), "not-a-date", Severity.ERROR,
                                    f"{{value}} is not a date; {column.header} needs a date (e.g. 2026-03-31)"))
    present = ~np.isnat(result)
    odd = present & ((result < FIRST_DATE.to_datetime64()) | (result > LAST_DATE.to_datetime64()))
    if odd.any():
        problems.append(CellProblem(np.flatnonzero(odd), "date-out-of-range", Severity.ERROR,
                                    f"{column.header} {{value}} is outside 1990-2100 — a typo, or a 0 shown as a date; correct it"))
        result[odd] = np.datetime64("NaT")
    series = pd.Series(result.astype("datetime64[ns]"), dtype="datetime64[ns]")
    if column.kind == Kind.MONTH:
        series = series.dt.to_period("M").dt.start_time.astype("datetime64[ns]")
    return series


def _serial_dates(values: np.ndarray, index: np.ndarray, result: np.ndarray, column: Column, problems: list[CellProblem]) -> None:
    serial = values[index].astype("float64")
    plausible = (serial >= FIRST_SERIAL) & (serial <= LAST_SERIAL)
    days = np.floor(serial[plausible]).astype("int64")
    result[index[plausible]] = (EXCEL_EPOCH + days.astype("timedelta64[D]")).astype("datetime64[us]")
    if plausible.any():
        problems.append(CellProblem(index[plausible], "serial-date", Severity.INFO,
                                    "{value} is an Excel date serial number shown as a number; it was read as a date — "
                                    "format the cell as a date"))
    if (~plausible).any():
        problems.append(CellProblem(index[~plausible], "not-a-date", Severity.ERROR,
                                    f"{{value}} is a number, not a date; {column.header} needs a date (e.g. 2026-03-31)"))


def _text_dates(cells: Cells, index: np.ndarray, result: np.ndarray, column: Column, problems: list[CellProblem]) -> None:
    """Dates typed as text: year-first forms are unambiguous and read; day/month order is not."""
    text = pd.Series(cells.stripped(index), dtype=object)
    parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    iso = text.str.extract(_ISO_DATE)
    year_first = iso[0].notna().to_numpy()
    if year_first.any():
        parts = iso.loc[year_first, [0, 1, 2]].astype(int)
        parsed[year_first] = pd.to_datetime({"year": parts[0], "month": parts[1], "day": parts[2]}, errors="coerce")
    month = np.zeros(len(text), dtype=bool)
    if column.kind == Kind.MONTH:
        found = text.str.extract(_MONTH_TEXT)
        month = found[0].notna().to_numpy()
        if month.any():
            parts = found.loc[month].astype(int)
            parsed[month] = pd.to_datetime({"year": parts[0], "month": parts[1], "day": 1}, errors="coerce")
        named = text.str.match(_MONTH_NAME).to_numpy(dtype=bool) & ~month
        if named.any():
            parsed[named] = pd.to_datetime("1 " + text[named].str.replace("-", " ").str.rstrip("."), format="mixed", dayfirst=True, errors="coerce")
    ok = parsed.notna().to_numpy()
    result[index[ok]] = parsed[ok].to_numpy(dtype="datetime64[us]")
    as_text = ok & ~month  # YYYY-MM text is the documented way to type a period: no warning
    if as_text.any():
        problems.append(CellProblem(index[as_text], "date-as-text", Severity.WARNING,
                                    "The date {value} is stored as text; it was read as that date — re-type it as a date"))
    bad = ~ok
    if bad.any():
        day_month = text.str.match(_DAY_MONTH_YEAR).to_numpy(dtype=bool)
        if (bad & day_month).any():
            problems.append(CellProblem(index[bad & day_month], "not-a-date", Severity.ERROR,
                                        f"{{value}} is a date typed as text, and day/month order cannot be told for sure — "
                                        f"type {column.header} as a date (e.g. 2026-03-31)"))
        if (bad & ~day_month).any():
            problems.append(CellProblem(index[bad & ~day_month], "not-a-date", Severity.ERROR,
                                        f"{{value}} is not a date Excel understands; type {column.header} as a date (e.g. 2026-03-31)"))


def choice_key(text: str) -> str:
    """An allowed value as compared: case, spacing, underscores and hyphens do not matter."""
    return re.sub(r"[\s_\-]+", " ", text).strip().casefold()


def _to_choice(cells: Cells, column: Column, problems: list[CellProblem]) -> pd.Series:
    """Canonical allowed text; a value matching none (or several) is an error with a suggestion."""
    text = _to_text(cells)
    codes, uniques = pd.factorize(text)  # a few distinct values, however long the column
    keys = {choice_key(a): a for a in column.allowed}
    canonical = np.array([keys.get(choice_key(str(u))) for u in uniques] + [None], dtype=object)
    result = canonical[codes]  # code -1 (blank) picks the trailing None
    for position, unique in enumerate(uniques):
        if canonical[position] is not None:
            continue
        cells = np.flatnonzero(codes == position)
        near = difflib.get_close_matches(choice_key(str(unique)), list(keys), n=2, cutoff=0.6)
        hint = f"did you mean {' or '.join(repr(keys[k]) for k in near)}? " if near else ""
        problems.append(CellProblem(cells, "not-allowed", Severity.ERROR,
                                    f"{{value}} is not an allowed {column.header}; {hint}choose one of: {', '.join(column.allowed)}"))
    return pd.Series(result, dtype=object)


def _to_text(cells: Cells) -> pd.Series:
    """Trimmed text; numbers and dates typed in a text column become their text (1001 -> '1001')."""
    values, classes = cells.values, cells.classes
    result = np.full(len(values), None, dtype=object)
    text = classes == TEXT
    if text.any():
        result[text] = cells.stripped(np.flatnonzero(text))
    other = (classes != TEXT) & (classes != BLANK)
    if other.any():
        result[other] = [_cell_text(v) for v in values[other]]
    return pd.Series(result, dtype=object)


def _cell_text(value: object) -> str | None:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()
