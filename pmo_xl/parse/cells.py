"""Turn raw cell values into typed values, a whole column at a time.

ONE READER OF VALUES: the registers (`convert_column`) and the `=PMO_...` worksheet functions
(`pmo_xl.parse.read_cell`: `read_number`, `read_percent`, `read_date`, `read_text`, which call
`convert_column` on one cell) read cells by the same rules, so a value means the same in a cell
function as in a register, and a refused value gets the same words.

Every cell is first classified by its Python type in one C-level pass (`map(type)`, ~40 ns a
cell, cheaper than pandas' `infer_dtype`); a clean column then converts in one vectorised step,
and only the odd cells (text in a number column, a number in a date column...) take the slower
paths, which run over each distinct odd value once. Every problem is a `CellProblem` (positions
in the column, code, severity, message) that the register parser turns into located issues.
Conversion is total: whatever a cell holds ends in a value or a problem at that cell; even a bug
costs only its cells (`unreadable-value`), never the register.

The rules, each with a stable code from `pmo_xl.checks.codes`:
  - text that holds a number or a date is read and flagged (`number-as-text`, `date-as-text`,
    `non-ascii-digits`); numbers in text follow one separator rule (`text_numbers.SEPARATOR_RULE`:
    decimal point, commas or spaces between thousands; '1.500' and '1,500' are both
    `ambiguous-number`); text that cannot be read without guessing is an error (`decimal-comma`,
    `ambiguous-number`, `not-a-number`, `not-a-date`);
  - infinity and NaN, stored as numbers or typed as text, are refused in every column (`not-finite`);
  - percentages typed 0-100 where a fraction is expected are errors, never silently divided;
  - Excel serial numbers in a date column are read as dates (`serial-date`), but only in a
    plausible window, so a year (2026) or a small count is not turned into a 1905 date; any date
    outside 1990-2100 (including '9999-12-31' and '0001-01-01') is `date-out-of-range` at its cell;
  - error values (#N/A, #REF!...) and formulas Excel never calculated are errors.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from pmo_xl.issues import Severity
from pmo_xl.parse.text_dates import (
    DAY_MONTH,
    EXCEL_EPOCH,
    FIRST_DATE,
    FIRST_SERIAL,
    LAST_DATE,
    LAST_SERIAL,
    NAT,
    READ,
    SHORT_YEAR,
    UNREADABLE,
    as_date,
    text_date,
)
from pmo_xl.parse.text_numbers import NOT_FINITE_MESSAGE, read_text_number
from pmo_xl.raw import Factorized
from pmo_xl.schema.columns import DATE_KINDS, NUMERIC_KINDS, Column, Kind

EXCEL_MAX_TEXT = 32_767  # characters in one Excel cell
DAYS_1900_TO_1904 = 1462  # a 1904-system serial plus this is the 1900-system serial of the same day
EXCEL_ERRORS = frozenset({"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
                          "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"})

# Cell classes, decided once per cell from its Python type.
BLANK, TEXT, BOOL, NUMBER, DATE, OTHER = range(6)
# Per class, whether it is one of a few: indexed by an array of classes, what np.isin(classes, (...)) gives
# without its ~0.1 ms a call (a few calls for each of a workbook's ~200 columns)
_BY_OWN_TYPE = np.isin(np.arange(6), (BOOL, NUMBER, OTHER))  # equal values of these kinds may differ in type
_TEXT_OR_BLANK = np.isin(np.arange(6), (TEXT, BLANK))


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
    # When the column was classified value by value, or came factorized: per cell an index into `value_uniques`
    # (-1 for None, NaN, NaT), so dates and numbers are read once per distinct value. None when classified by
    # the cells' types alone.
    value_codes: np.ndarray | None = None
    value_uniques: np.ndarray | None = None
    floats: np.ndarray | None = None  # per cell, a number cell's value as float64 (NaN elsewhere); set by `_convert`

    def stripped(self, positions: np.ndarray | None = None) -> np.ndarray:
        """The stripped text of the text cells (of those at `positions`, a subset of text_index)."""
        return self.text_uniques[self.codes_at(positions)]

    def codes_at(self, positions: np.ndarray | None = None) -> np.ndarray:
        """Per text cell (at `positions`, a subset of text_index), its index into text_uniques."""
        if positions is None or len(positions) == len(self.text_index):  # a subset as long as the set is the set
            return self.text_codes
        return self.text_codes[np.searchsorted(self.text_index, positions)]


def classify(values: np.ndarray, by_value: bool = True, factorized: Factorized | None = None) -> Cells:
    """The class of every cell (BLANK, TEXT, ...) from its type; blank text counts as BLANK.

    Registers repeat their values (IDs, statuses, dates), so the column is factorized once and the
    type of each distinct value looked at once: one hashing pass instead of a type pass, a factorize of
    the types and another of the texts. Equal values of different kinds share a code (True == 1 ==
    1.0 == Decimal(1)), so the cells whose value is a boolean, a number or another object are classified
    by their own type; a column whose values cannot be hashed is classified cell by cell. A number
    column (`by_value` False) is classified cell by cell from the start: its cells are numbers.
    `factorized`: the cells as `pd.factorize(values)` would give them, when the reader knows (a large
    register read by columns): the classes are then found per distinct value, with nothing hashed.
    """
    if factorized is not None and len(factorized.codes) != len(values):
        factorized = None
    if not by_value:
        return _classify_by_type(values, factorized)
    try:
        cells = _classify_by_value(values, factorized)
    except (TypeError, ValueError):  # unhashable cells (a list), or values pandas cannot compare
        cells = None
    return cells if cells is not None else _classify_by_type(values)


def _classify_by_value(values: np.ndarray, factorized: Factorized | None = None) -> Cells | None:
    # None, NaN and NaT get -1
    codes, uniques = pd.factorize(values) if factorized is None else (factorized.codes, factorized.uniques)
    unique_classes = np.array([*map(_class_of, map(type, uniques)), BLANK], dtype=np.int8)
    text_uniques = np.flatnonzero(unique_classes[:-1] == TEXT)
    stripped = np.array([uniques[k].strip() for k in text_uniques.tolist()] + [""], dtype=object)[:-1]
    text_of_unique = np.full(len(uniques) + 1, -1, dtype=np.int64)  # value code -> index into `stripped`
    text_of_unique[text_uniques] = np.arange(len(text_uniques))
    classes = unique_classes[codes]
    text_index = np.flatnonzero(classes == TEXT)
    text_codes = text_of_unique[codes[text_index]]
    # None and NaT are blank, NaN a number (refused as not-finite); a boolean may hide behind an equal number
    by_type = (codes < 0) | _BY_OWN_TYPE[unique_classes][codes]
    if by_type.any():
        positions = np.flatnonzero(by_type)
        classes[positions] = _classify_by_type(values[positions]).classes
    blank = unique_classes.copy()
    blank[text_uniques[stripped == ""]] = BLANK
    if (blank != unique_classes).any():
        classes[text_index] = blank[codes[text_index]]
    return Cells(values, classes, text_index, text_codes, stripped, codes, np.asarray(uniques, dtype=object))


def _classify_by_type(values: np.ndarray, factorized: Factorized | None = None) -> Cells:
    if factorized is not None:
        return _classify_factorized_by_type(values, factorized)
    types = np.fromiter(map(type, values), dtype=object, count=len(values))
    # Factorize, not `types == kind`: numpy's == on the class pd.Timestamp is False even for itself.
    kinds, distinct = pd.factorize(types)
    classes = np.array([_class_of(kind) for kind in distinct] + [OTHER], dtype=np.int8)[kinds]
    text_index = np.flatnonzero(classes == TEXT)
    codes, uniques = pd.factorize(values[text_index])
    return _text_cells(values, classes, text_index, codes, uniques)


def _classify_factorized_by_type(values: np.ndarray, factorized: Factorized) -> Cells:
    """`_classify_by_type` from the cells' factorization: the class of each distinct value's type, and
    the text cells' own factorization taken from it (its text values keep their order of first appearance)."""
    uniques = factorized.uniques
    unique_classes = np.array([*map(_class_of, map(type, uniques)), OTHER], dtype=np.int8)
    classes = unique_classes[factorized.codes]
    text_index = np.flatnonzero(classes == TEXT)
    text_uniques = np.flatnonzero(unique_classes[:-1] == TEXT)
    rank = np.full(len(uniques), -1, dtype=np.int64)
    rank[text_uniques] = np.arange(len(text_uniques))
    cells = _text_cells(values, classes, text_index, rank[factorized.codes[text_index]], uniques[text_uniques])
    cells.value_codes, cells.value_uniques = factorized.codes, uniques  # numbers are then read once per value
    return cells


def _text_cells(values: np.ndarray, classes: np.ndarray, text_index: np.ndarray, codes: np.ndarray, uniques: np.ndarray) -> Cells:
    """Cells classified by type, their text cells factorized: blank text is BLANK."""
    stripped = np.array([u.strip() for u in uniques] + [""], dtype=object)[:-1] if len(uniques) else np.empty(0, dtype=object)
    empty = stripped == ""  # per distinct text, looked up by each text cell's code
    if empty.any():
        classes[text_index[empty[codes]]] = BLANK
    return Cells(values, classes, text_index, codes, stripped)


_CLASS_OF_TYPE: dict[type, int] = {}


def _class_of(kind: type) -> int:
    """The class of a cell of this type, worked out once per type (a column's distinct values are looked
    at one by one: 32 k of them in the 1,000-project sample, where the type tests took ~0.1 s)."""
    known = _CLASS_OF_TYPE.get(kind)
    if known is None:
        known = _CLASS_OF_TYPE[kind] = _class_of_type(kind)
    return known


def _class_of_type(kind: type) -> int:
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


def convert_column(raw: pd.Series | np.ndarray, column: Column, uncalculated: dict[int, str] | None = None,
                   date1904: bool = False, factorized: Factorized | None = None) -> ConvertedColumn:
    """Typed values for `column` plus the problems found, for one column of raw cells.

    `uncalculated` maps positions to the text of formulas that have no calculated value: their
    cell reads as blank, and they are reported as such instead of as a missing value.
    Total: whatever the cells hold, the answer is values and located problems, never an exception.
    `date1904`: the workbook counts serial numbers from 1904-01-01 (old Mac Excel), so a date
    typed as a plain number is that many days from there.
    `factorized`: the cells as `pd.factorize` gives them, when the reader knows (`pmo_xl.raw.Factorized`).
    """
    offset = DAYS_1900_TO_1904 if date1904 else 0
    values = raw.to_numpy(dtype=object) if isinstance(raw, pd.Series) else np.asarray(raw, dtype=object)
    if values.ndim != 1:  # np.asarray of a list of lists (a range passed as one cell): one cell each
        values = np.array(list(raw) + [None], dtype=object)[:-1]
    if not len(values) and not uncalculated:
        return _empty_column(column.kind, offset)
    try:
        return _convert(values, column, uncalculated or {}, offset, factorized)
    except Exception:  # noqa: BLE001 — a bug must cost only its cells, never the register: find them one by one
        return _convert_cell_by_cell(values, column, uncalculated or {}, offset)


_EMPTY: dict[tuple[Kind, int], pd.Series] = {}


def _empty_column(kind: Kind, offset: int) -> ConvertedColumn:
    """An empty column: an empty Series of the kind's type and no problem, whatever the column.

    Worked out once per kind: a new workbook's registers are all empty, and converting each of
    their ~120 columns on its own was a sixth of a blank workbook's `validate` after pandas'
    import (tests/test_cell_values.py checks this against the full conversion of every column).
    """
    key = (kind, offset)
    if key not in _EMPTY:
        _EMPTY[key] = _convert(np.empty(0, dtype=object), Column(field="empty", header="Empty", kind=kind, meaning=""), {}, offset).values
    return ConvertedColumn(_EMPTY[key].copy(), [])


def _convert_cell_by_cell(values: np.ndarray, column: Column, uncalculated: dict[int, str], offset: int = 0) -> ConvertedColumn:
    pieces: list[pd.Series] = []
    problems: list[CellProblem] = []
    for position, value in enumerate(values.tolist()):
        one = np.array([value, None], dtype=object)[:1]
        try:
            converted = _convert(one, column, {0: uncalculated[position]} if position in uncalculated else {}, offset)
        except Exception as error:  # noqa: BLE001
            converted = _convert(np.array([None], dtype=object), replace(column, required=False), {})
            converted.problems.append(CellProblem(np.zeros(1, dtype=np.int64), "unreadable-value", Severity.ERROR,
                                                  f"{column.header} {{value}} could not be read ({type(error).__name__}) — "
                                                  "retype the value"))
        pieces.append(converted.values)
        problems.extend(replace(p, positions=p.positions + position) for p in converted.problems)
    values_out = pd.concat(pieces, ignore_index=True) if pieces else _convert(values, column, {}).values
    return ConvertedColumn(values_out, problems)


def _convert(values: np.ndarray, column: Column, uncalculated: dict[int, str], serial_offset: int = 0,
             factorized: Factorized | None = None) -> ConvertedColumn:
    cells = classify(values, by_value=column.kind not in NUMERIC_KINDS, factorized=factorized)
    classes = cells.classes
    problems: list[CellProblem] = []
    refused = np.zeros(len(values), dtype=bool)  # cells already reported: not "required" as well
    if len(cells.text_uniques):
        # a set lookup per distinct text (np.isin compares each with every error value)
        error_codes = np.flatnonzero(np.fromiter(map(EXCEL_ERRORS.__contains__, cells.text_uniques), dtype=bool,
                                                 count=len(cells.text_uniques)))
        if len(error_codes):
            errors = np.zeros(len(values), dtype=bool)
            errors[cells.text_index[np.isin(cells.text_codes, error_codes)]] = True
            errors &= classes == TEXT
            problems.append(CellProblem(np.flatnonzero(errors), "excel-error", Severity.ERROR,
                                        f"{column.header} shows the Excel error {{value}} — fix the formula or type the value"))
            classes[errors] = BLANK
            refused |= errors
    if uncalculated:
        positions = np.fromiter(uncalculated, dtype=np.int64)
        refused[positions] = True
        classes[positions] = BLANK
        problems.append(CellProblem(positions, "uncalculated-formula", Severity.ERROR,
                                    f"{column.header} holds a formula that was never calculated, so its value is unknown — "
                                    "open the workbook in Excel and save it (or type the value)"))
    number = np.flatnonzero(classes == NUMBER)
    if len(number):
        # each number cell's float, made once for this test, the numbers and the serial dates (~20 ms a million cells)
        cells.floats = np.full(len(values), np.nan)
        cells.floats[number] = _number_floats(cells, number)
        with np.errstate(invalid="ignore", over="ignore"):
            infinite = number[~np.isfinite(cells.floats[number])]
        if len(infinite):  # 1e309, INF and NaN stored as numbers: no column takes them
            problems.append(CellProblem(infinite, "not-finite", Severity.ERROR, NOT_FINITE_MESSAGE.replace("{header}", column.header)))
            classes[infinite] = BLANK
            refused[infinite] = True
    if column.kind in NUMERIC_KINDS:
        converted = _to_number(cells, column, problems)
    elif column.kind in DATE_KINDS:
        converted = _to_date(cells, column, problems, serial_offset)
    elif column.kind == Kind.CHOICE:
        converted = _to_choice(cells, column, problems)
    else:
        converted = _to_text(cells)
        too_long = _too_long(cells)
        if len(too_long):  # Excel cannot hold it: it would be cut on the way out, so it is refused here
            problems.append(CellProblem(too_long, "text-too-long", Severity.ERROR,
                                        f"{column.header} holds more than {EXCEL_MAX_TEXT:,} characters, the most an Excel cell "
                                        "holds — shorten it (or link to a document)"))
            converted[too_long] = None
    if column.required:
        missing = (classes == BLANK) & ~refused
        if missing.any():
            problems.append(CellProblem(np.flatnonzero(missing), "required", Severity.ERROR,
                                        f"{column.header} is required — fill it in"))
    return ConvertedColumn(converted, problems)


def _number_floats(cells: Cells, number: np.ndarray) -> np.ndarray:
    """`values[number].astype("float64")`: per distinct value when the column came numbered (~3 ms a million
    cells instead of ~20), else cell by cell. A zero is read from its own cell (0.0 and -0.0 are one value to
    pd.factorize, not to a figure), and so is a number without a distinct value of its own (NaN)."""
    if cells.value_codes is None or cells.value_uniques is None:
        return cells.values[number].astype("float64")
    codes = cells.value_codes if len(number) == len(cells.value_codes) else cells.value_codes[number]
    seen = np.zeros(len(cells.value_uniques) + 1, dtype=bool)  # its last slot: code -1's
    seen[codes] = True
    distinct = np.flatnonzero(seen[:-1])
    table = np.full(len(seen), np.nan)
    table[distinct] = cells.value_uniques[distinct].astype("float64")
    floats = table[codes]
    again = np.flatnonzero((codes < 0) | (floats == 0))
    if len(again):
        floats[again] = cells.values[number[again]].astype("float64")
    return floats


def _too_long(cells: Cells) -> np.ndarray:
    """Positions of text cells longer than Excel's cell limit (checked once per distinct text)."""
    if not len(cells.text_uniques):
        return np.empty(0, dtype=np.int64)
    long_codes = np.flatnonzero(np.fromiter(map(len, cells.text_uniques), dtype=np.int64, count=len(cells.text_uniques)) > EXCEL_MAX_TEXT)
    if not len(long_codes):
        return np.empty(0, dtype=np.int64)
    return cells.text_index[np.isin(cells.text_codes, long_codes)]


def _to_number(cells: Cells, column: Column, problems: list[CellProblem]) -> pd.Series:
    values, classes = cells.values, cells.classes
    number = classes == NUMBER
    result = np.full(len(values), np.nan) if cells.floats is None else np.where(number, cells.floats, np.nan)
    text = classes == TEXT
    if text.any():
        _text_numbers(cells, np.flatnonzero(text), result, column, problems)
    for cls, what in ((BOOL, "TRUE/FALSE"), (DATE, "a date"), (OTHER, "this kind of value")):
        wrong = classes == cls
        if wrong.any():
            problems.append(CellProblem(np.flatnonzero(wrong), "wrong-type", Severity.ERROR,
                                        f"{column.header} must be a number, not {what} ({{value}}) — type a number"))
    _check_range(result, column, problems)
    return pd.Series(result, dtype="float64", copy=False)  # the array just made: no copy of it


def _text_numbers(cells: Cells, index: np.ndarray, result: np.ndarray, column: Column, problems: list[CellProblem]) -> None:
    """Numbers typed as text, read by `SEPARATOR_RULE`: each distinct text once, cells grouped by outcome."""
    codes = cells.codes_at(index)
    distinct = np.unique(codes)
    reads = [read_text_number(cells.text_uniques[code], percent=column.kind == Kind.PERCENT) for code in distinct.tolist()]
    numbers = np.array([np.nan if read.number is None else read.number for read in reads], dtype="float64")
    result[index] = numbers[np.searchsorted(distinct, codes)]
    outcomes: dict[tuple[str, str], list[int]] = {}  # (code, message) -> the distinct texts with that outcome
    for code, read in zip(distinct.tolist(), reads, strict=True):
        outcomes.setdefault((read.code, read.message), []).append(code)
    for members in outcomes.values():
        read = reads[int(np.searchsorted(distinct, members[0]))]
        severity = Severity.ERROR if read.number is None else Severity.WARNING
        problems.append(CellProblem(index[np.isin(codes, members)], read.code, severity, read.message.replace("{header}", column.header)))


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


def _to_date(cells: Cells, column: Column, problems: list[CellProblem], serial_offset: int = 0) -> pd.Series:
    values, classes = cells.values, cells.classes
    # Microseconds hold years 1-9999, so a date typed as year 9999 is reported, not overflowed.
    date = np.flatnonzero(classes == DATE)
    if len(date) == len(values):  # every cell a date (a large register's column): its days are the result
        result = _date_cells(cells, date)
    else:
        result = np.full(len(values), NAT, dtype="datetime64[us]")
    if len(date):
        if len(date) < len(values):
            result[date] = _date_cells(cells, date)
        unreadable = date[np.isnat(result[date])]
        if len(unreadable):
            problems.append(CellProblem(unreadable, "not-a-date", Severity.ERROR,
                                        f"{{value}} is not a date Excel understands; type {column.header} as a date (e.g. 2026-03-31)"))
    number = classes == NUMBER
    if number.any():
        _serial_dates(cells.floats, np.flatnonzero(number), result, column, problems, serial_offset)
    text = classes == TEXT
    if text.any():
        _text_dates(cells, np.flatnonzero(text), result, column, problems)
    wrong = (classes == BOOL) | (classes == OTHER)
    if wrong.any():
        problems.append(CellProblem(np.flatnonzero(wrong), "not-a-date", Severity.ERROR,
                                    f"{{value}} is not a date; {column.header} needs a date (e.g. 2026-03-31)"))
    present = ~np.isnat(result)
    odd = present & ((result < FIRST_DATE) | (result > LAST_DATE))
    if odd.any():
        problems.append(CellProblem(np.flatnonzero(odd), "date-out-of-range", Severity.ERROR,
                                    f"{column.header} {{value}} is outside 1990-2100 — a typo, or a 0 shown as a date; correct it"))
        result[odd] = NAT
    series = pd.Series(result.astype("datetime64[ns]"), dtype="datetime64[ns]", copy=False)
    if column.kind == Kind.MONTH:
        series = series.dt.to_period("M").dt.start_time.astype("datetime64[ns]")
    return series


_UNIX_ORDINAL = dt.date(1970, 1, 1).toordinal()


def _date_cells(cells: Cells, index: np.ndarray) -> np.ndarray:
    """The day of the date cells at `index` (date, datetime, pd.Timestamp, datetime64) as datetime64[us]:
    once per distinct date when the column was classified by value, else cell by cell."""
    if cells.value_codes is None or cells.value_uniques is None:
        return _days(cells.values[index])
    # every cell a date (index is then every position): the codes as they are, not gathered
    codes = cells.value_codes if len(index) == len(cells.value_codes) else cells.value_codes[index]
    # The distinct values these cells hold, ascending, read once each into a table looked up by code
    # (a mark per distinct value, not a sort of a million codes); its last slot, code -1's, stays NaT
    seen = np.zeros(len(cells.value_uniques) + 1, dtype=bool)
    seen[codes] = True
    distinct = np.flatnonzero(seen[:-1])
    days = np.full(len(seen), NAT, dtype="datetime64[us]")
    days[distinct] = _days(cells.value_uniques[distinct])
    result = days[codes]
    unknown = np.flatnonzero(codes < 0)  # NaT has no distinct value of its own: read alone
    if len(unknown):
        result[unknown] = _days(cells.values[index[unknown]])
    return result


def _days(cells: np.ndarray) -> np.ndarray:
    """The day of each date value as datetime64[us].

    What calamine gives (plain `date` and naive `datetime`) goes through `toordinal` in one C-level
    map, ~30x faster than numpy's cast of an object array (4 us a cell: 4 s for a 1 M-row column);
    any other kind keeps numpy's cast, and a cell numpy cannot take is read alone (NaT if it is none).
    """
    result = np.full(len(cells), NAT, dtype="datetime64[us]")
    kinds, types = pd.factorize(np.fromiter(map(type, cells), dtype=object, count=len(cells)))
    for code, kind in enumerate(types):
        positions = np.flatnonzero(kinds == code)
        values = cells[positions]
        if kind is dt.date or (kind is dt.datetime and not any(map(_tzinfo, values))):
            days = np.fromiter(map(dt.date.toordinal, values), dtype=np.int64, count=len(values)) - _UNIX_ORDINAL
            result[positions] = days.astype("datetime64[D]")
            continue
        try:  # one vectorised step; a cell numpy cannot take is read alone
            result[positions] = values.astype("datetime64[D]").astype("datetime64[us]")
        except (ValueError, TypeError, OverflowError):
            result[positions] = [as_date(v) for v in values]
    return result


def _tzinfo(value: dt.datetime) -> object:
    return value.tzinfo


def _serial_dates(floats: np.ndarray, index: np.ndarray, result: np.ndarray, column: Column, problems: list[CellProblem],
                  serial_offset: int = 0) -> None:
    serial = floats[index] + serial_offset  # as a 1900-system serial
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
    """Dates typed as text: read when only one reading is a date (2026-03-15, 15/03/2026); refused
    when day/month order could go either way (03/04/2026) or the century is a guess (15/03/26)."""
    codes = cells.codes_at(index)
    distinct = np.unique(codes)
    reads = [text_date(cells.text_uniques[code], column.kind == Kind.MONTH) for code in distinct.tolist()]
    result[index] = np.array([day for day, _ in reads] + [NAT], dtype="datetime64[us]")[:-1][np.searchsorted(distinct, codes)]
    how = np.array([way for _, way in reads], dtype=object)[np.searchsorted(distinct, codes)]
    if (how == READ).any():
        problems.append(CellProblem(index[how == READ], "date-as-text", Severity.WARNING,
                                    "The date {value} is stored as text; it was read as that date — re-type it as a date"))
    if (how == DAY_MONTH).any():
        problems.append(CellProblem(index[how == DAY_MONTH], "not-a-date", Severity.ERROR,
                                    "{value} is a date typed as text, and day/month order cannot be told for sure — "
                                    f"type {column.header} as a date (e.g. 2026-03-31)"))
    if (how == SHORT_YEAR).any():
        problems.append(CellProblem(index[how == SHORT_YEAR], "not-a-date", Severity.ERROR,
                                    "{value} is a date typed as text with a two-digit year, so its century is a guess — "
                                    f"type {column.header} as a date (e.g. 2026-03-31)"))
    if (how == UNREADABLE).any():
        problems.append(CellProblem(index[how == UNREADABLE], "not-a-date", Severity.ERROR,
                                    f"{{value}} is not a date Excel understands; type {column.header} as a date (e.g. 2026-03-31)"))


def choice_key(text: str) -> str:
    """An allowed value as compared: case, spacing, underscores and hyphens do not matter."""
    return re.sub(r"[\s_\-]+", " ", text).strip().casefold()


def _to_choice(cells: Cells, column: Column, problems: list[CellProblem]) -> pd.Series:
    """Canonical allowed text; a value matching none (or several) is an error with a suggestion."""
    # a few distinct values, however long the column
    codes, uniques = _factorized_text(cells) if _text_or_blank(cells) else pd.factorize(_to_text(cells))
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
    return pd.Series(result, dtype=object, copy=False)  # the array just made: no copy of it


def _text_or_blank(cells: Cells) -> bool:
    return bool(_TEXT_OR_BLANK[cells.classes].all())


def _factorized_text(cells: Cells) -> tuple[np.ndarray, np.ndarray]:
    """`pd.factorize(_to_text(cells))` for a column of text and blank cells, from the codes its text cells
    already have: no million strings hashed again. Two texts may strip alike ('Flat', 'Flat '), so the
    distinct stripped texts are found first; the cells are then numbered in order of first appearance."""
    same, stripped = pd.factorize(cells.text_uniques)
    key = np.full(len(cells.classes), -1, dtype=np.intp)  # -1: blank, as pd.factorize gives None
    key[cells.text_index] = same[cells.text_codes]
    key[cells.classes != TEXT] = -1  # blank text, error values, formulas never calculated
    codes, order = _in_order_of_appearance(key, len(stripped))
    return codes, np.asarray(stripped, dtype=object)[order]


def _in_order_of_appearance(key: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """`pd.factorize(key)` for integers in [0, count) and -1 for a blank, whose -1 stays -1: the keys present
    numbered in order of first appearance, and those keys in that order. Found from each key's first position
    (no hashing of a million cells)."""
    present = np.flatnonzero(key >= 0)
    first = np.full(count, len(key), dtype=np.intp)
    np.minimum.at(first, key[present], present)
    order = np.argsort(first, kind="stable")[: int((first < len(key)).sum())]  # absent keys sort last
    number = np.full(count + 1, -1, dtype=np.intp)  # the last slot: key -1
    number[order] = np.arange(len(order))
    return number[key], order


def _to_text(cells: Cells) -> pd.Series:
    """Trimmed text; numbers and dates typed in a text column become their text (1001 -> '1001')."""
    values, classes = cells.values, cells.classes
    # per cell, its stripped text's index, or the trailing None's: one pass taking objects, not a fill and a masked copy
    pick = np.full(len(values), len(cells.text_uniques), dtype=np.intp)
    pick[cells.text_index] = cells.text_codes
    pick[classes != TEXT] = len(cells.text_uniques)  # blank text, error values, formulas never calculated
    result = np.append(cells.text_uniques, None)[pick]
    other = (classes != TEXT) & (classes != BLANK)
    if other.any():
        result[other] = [_cell_text(v) for v in values[other]]
    return pd.Series(result, dtype=object, copy=False)  # the array just made: no copy of it


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


_SHOWN_TEXT = 80


def show_value(value: object) -> str:
    """A cell value as quoted in a message: text in quotes, whole numbers without '.0'."""
    if value is None:
        return "blank"
    if isinstance(value, str):
        text = value.strip()
        if len(text) > _SHOWN_TEXT:  # a message quotes the start of a long text, not all of it
            return repr(text[:_SHOWN_TEXT]) + f"… ({len(text):,} characters)"
        return repr(text) if text else "blank"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        text = value.isoformat()  # type: ignore[union-attr]
        return text[:10] if text.endswith("T00:00:00") else text
    return str(value)
