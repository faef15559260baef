"""Windows Excel calling an `=PMO_...` function, replayed on Linux through xlwings' own code.

When a cell computes `=PMO_CPI(B2, C2)`, the generated VBA wrapper (module `xlwings_udfs`) calls
`XLPy.CallUDF("udfs.pmo_udfs", "PMO_CPI", Array(ev, ac), ThisWorkbook, Application.Caller)` on
the xlwings COM server, i.e. `xlwings.com_server.XLPython.CallUDF`, which runs
`xlwings.udfs.call_udf`: import the module, read every argument through the converter that its
decorator options name (`conversion.read`, with `ndim`, `err_to_str`, `dates`, type hints...),
call the function, write the result back through `conversion.write`, and hand VBA a scalar, a
row or a 2-D array. Here that very code of the pinned xlwings 0.37.8 runs, unmodified: the real
`_xlwindows` engine (`clean_value_data`, `prepare_xl_data_element`), the real decorators, the
real `CallUDF`. Only what needs Windows is stood in for:

  - pywin32's modules and ctypes' `windll`/`oledll`, so `xlwings._xlwindows` imports;
  - the COM objects Excel passes: a `Range` argument is an object whose type library says
    Range (`is_range_instance` asks exactly that) and whose `.Value` is what Excel's COM
    `Range.Value` returns: a scalar for one cell, a tuple of row tuples for a block, float for
    numbers, `None` for empty cells, `decimal.Decimal` for cells formatted as Currency (VT_CY),
    a UTC-stamped `pywintypes` datetime for dates (VT_DATE) and an int HRESULT for error cells
    (VT_ERROR); a whole-column reference is 1,048,576 rows, mostly empty;
  - literal arguments as VBA passes them: numbers as float, a missing optional argument as
    DISP_E_PARAMNOTFOUND, an error value as its VT_ERROR int, an array constant or a
    calculated array as a tuple of row tuples.

It runs in a separate, spawned process: the stand-ins must never leak into the test process
(other code would take this machine for Windows). Use it through the `excel` fixture of
`tests/test_udfs_excel_calls.py`: `excel.call("PMO_CPI", Cells([[2500]]), 2800.0)`.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import decimal
import sys
import traceback
import types
from dataclasses import dataclass, field
from typing import Any

UDF_MODULE = "udfs.pmo_udfs"  # what the generated VBA wrappers name in XLPy.CallUDF
EXCEL_ROWS = 1_048_576  # rows of a worksheet, so of a whole-column reference such as A:A
RANGE_IID = "{00020846-0000-0000-C000-000000000046}"  # Excel's Range interface
DISP_E_PARAMNOTFOUND = -2147352572  # what VBA passes for an omitted Optional argument
ERROR_CODES = {  # VT_ERROR values as pywin32 hands them to Python (xlwings._xlwindows.cell_errors)
    "#DIV/0!": -2146826281, "#N/A": -2146826246, "#NAME?": -2146826259, "#NULL!": -2146826288,
    "#NUM!": -2146826252, "#REF!": -2146826265, "#VALUE!": -2146826273,
}  # fmt: skip


@dataclass(frozen=True)
class ExcelError:
    """An error value (#N/A...), in a cell or as a literal argument."""

    text: str


@dataclass(frozen=True)
class Currency:
    """A number in a cell formatted as Currency: Excel's COM `Range.Value` gives it as VT_CY."""

    value: str


@dataclass(frozen=True)
class Cells:
    """A range reference argument (`B2`, `B2:F2`, `Table1[#All]`, `A:A`), by its cell values.

    `rows` are the cells, row by row; `whole_column` pads them with empty rows to a full
    worksheet column, as a reference like `A:A` arrives.
    """

    rows: list[list[Any]]
    whole_column: bool = False
    sheet: str = "Data"


@dataclass(frozen=True)
class Outcome:
    """What the VBA wrapper receives: `value` (the cell shows it), or the Python error that
    xlwings' COM server raised instead (the cell would show a traceback as its text)."""

    value: Any = None
    error: str | None = None
    error_type: str | None = None
    traceback: str = field(default="", repr=False)


@dataclass(frozen=True)
class Missing:
    """An optional argument left out, =PMO_EAC(B2, C2, D2): VBA passes DISP_E_PARAMNOTFOUND."""


MISSING = Missing()


# ---- the child process: Windows stand-ins, then xlwings' own code ---------------------------


class _Anything(types.ModuleType):
    """A pywin32 module: names xlwings only mentions (constants, base classes) exist."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        stand_in = type(name, (), {"__init__": lambda self, *a, **k: None})
        setattr(self, name, stand_in)
        return stand_in


class _NoDll:
    """ctypes' windll/oledll/PyDLL: xlwings resolves a few Win32 entry points at import."""

    def __getattr__(self, name: str) -> _NoDll:
        return self

    def __call__(self, *args: Any, **kwargs: Any) -> int:
        return 0


class TimeType(dt.datetime):
    """pywintypes' datetime: what pywin32 makes of a VT_DATE, stamped UTC (pywin32 >= 300)."""


def _not_a_gateway(obj: Any) -> Any:
    raise TypeError("not a wrapped Python object")  # win32com.server.util.unwrap on a plain value


def install_windows_stand_ins() -> None:
    names = ("pythoncom", "pywintypes", "win32api", "win32con", "win32gui", "win32process", "win32timezone",
             "win32event", "win32com", "win32com.client", "win32com.client.gencache", "win32com.server",
             "win32com.server.dispatcher", "win32com.server.policy", "win32com.server.util",
             "win32com.server.exception")  # fmt: skip
    for name in names:
        sys.modules[name] = _Anything(name)
    mods = sys.modules
    mods["win32com"].client = mods["win32com.client"]  # type: ignore[attr-defined]
    mods["win32com"].server = mods["win32com.server"]  # type: ignore[attr-defined]
    mods["win32com.server"].util = mods["win32com.server.util"]  # type: ignore[attr-defined]
    mods["pythoncom"].__file__ = "pythoncom311.dll"
    mods["pythoncom"].CoInitialize = lambda: None  # type: ignore[attr-defined]
    mods["pythoncom"].IID_IDispatch = "{00020400-0000-0000-C000-000000000046}"  # type: ignore[attr-defined]
    mods["pythoncom"].TypeIIDs = {"{00020400-0000-0000-C000-000000000046}": type("PyIDispatch", (), {})}  # type: ignore[attr-defined]
    mods["pywintypes"].com_error = type("com_error", (Exception,), {})  # type: ignore[attr-defined]
    mods["pywintypes"].IID = str  # type: ignore[attr-defined]
    mods["pywintypes"].TimeType = TimeType  # type: ignore[attr-defined]
    mods["win32timezone"].TimeZoneInfo = types.SimpleNamespace(utc=lambda: dt.UTC)  # type: ignore[attr-defined]
    mods["win32process"].GetWindowThreadProcessId = lambda hwnd: (1, 4242)  # type: ignore[attr-defined]
    mods["win32com.client"].Dispatch = lambda obj, *a, **k: obj  # type: ignore[attr-defined]
    mods["win32com.server.util"].unwrap = _not_a_gateway  # type: ignore[attr-defined]
    ctypes.windll = ctypes.oledll = _NoDll()  # type: ignore[attr-defined]
    ctypes.PyDLL = lambda *a, **k: _NoDll()  # type: ignore[assignment,misc]

    import xlwings

    # xlwings/__init__.py's Windows branch: the COM engine, and the decorators that record.
    import xlwings._xlwindows as windows
    import xlwings.udfs as udfs

    xlwings.engines.add(xlwings.main.Engine(impl=windows.engine))
    xlwings.engines.active = xlwings.engines["excel"]
    xlwings.func, xlwings.arg, xlwings.ret = udfs.xlfunc, udfs.xlarg, udfs.xlret
    xlwings.sub = xlwings.script = udfs.xlsub


class _TypeInfo:
    def GetTypeInfo(self) -> _TypeInfo:  # noqa: N802 - COM names
        return self

    def GetTypeAttr(self) -> Any:  # noqa: N802
        return types.SimpleNamespace(iid=RANGE_IID)


class _Count:
    def __init__(self, count: int) -> None:
        self.Count = count


class ComApplication:
    Hwnd = 1


class ComWorkbook:
    Name = "PMO.xlsm"
    Application = ComApplication()

    def __init__(self) -> None:
        self.Worksheets = [ComWorksheet(name, self) for name in ("Dashboard", "Projects", "Data")]


class ComWorksheet:
    def __init__(self, name: str, book: ComWorkbook) -> None:
        self.Name = name
        self.Parent = book


class ComRange:
    """An Excel Range as pywin32 hands it over: what `Range.Value` returns, and where it is."""

    _oleobj_ = _TypeInfo()

    def __init__(self, sheet: ComWorksheet, values: list[list[Any]], row: int = 2, column: int = 2) -> None:
        self.Worksheet, self.Row, self.Column = sheet, row, column
        self._values = values
        self.Rows, self.Columns = _Count(len(values)), _Count(len(values[0]))
        self.Count = len(values) * len(values[0])

    @property
    def Value(self) -> Any:  # noqa: N802
        if len(self._values) == 1 and len(self._values[0]) == 1:
            return self._values[0][0]
        return tuple(tuple(row) for row in self._values)


def com_value(value: Any) -> Any:
    """A Python test value as pywin32 gives it for a cell or a literal argument."""
    if isinstance(value, ExcelError):
        return ERROR_CODES[value.text]
    if isinstance(value, Currency):
        return decimal.Decimal(value.value)
    if isinstance(value, bool) or value is None or isinstance(value, str | decimal.Decimal):
        return value
    if isinstance(value, int | float):
        return float(value)  # Excel numbers are doubles; VBA passes a literal 5 as 5.0 too
    if isinstance(value, dt.datetime | dt.date):
        moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
        return TimeType(*moment.timetuple()[:6], tzinfo=dt.UTC)
    raise TypeError(f"no COM form for {value!r}")


def com_argument(argument: Any, book: ComWorkbook) -> Any:
    if isinstance(argument, Missing):
        return DISP_E_PARAMNOTFOUND
    if isinstance(argument, Cells):
        rows = [[com_value(v) for v in row] for row in argument.rows]
        if argument.whole_column:
            rows += [[None] * len(rows[0]) for _ in range(EXCEL_ROWS - len(rows))]
        sheet = next(s for s in book.Worksheets if s.Name == argument.sheet)
        return ComRange(sheet, rows)
    if isinstance(argument, tuple):  # an array constant {1,2,3} or a calculated array
        return tuple(tuple(com_value(v) for v in row) for row in argument)
    return com_value(argument)


_BOOK: ComWorkbook | None = None


def call(function: str, *arguments: Any, module: str = UDF_MODULE, path: str | None = None) -> Outcome:
    """Call `function` of `module` as a cell formula does; runs in the child process.

    `path`: a folder to import `module` from (xlwings finds UDF modules on PYTHONPATH).
    """
    global _BOOK
    from xlwings.com_server import XLPython

    if path is not None and path not in sys.path:
        sys.path.insert(0, path)
    if _BOOK is None:
        _BOOK = ComWorkbook()
    args = tuple(com_argument(a, _BOOK) for a in arguments)
    declared = _declared_arguments(module, function)
    if len(args) < declared:  # the wrapper's Array(...) names every argument; VBA fills the
        args += (DISP_E_PARAMNOTFOUND,) * (declared - len(args))  # omitted Optional ones as missing
    caller = ComRange(_BOOK.Worksheets[0], [[None]], row=10, column=10)  # the formula's own cell
    try:
        value = XLPython().CallUDF(module, function, args, _BOOK, caller)
    except Exception as error:  # the COM server turns it into Err.Description for the cell
        return Outcome(error=str(error), error_type=type(error).__name__, traceback=traceback.format_exc())
    return Outcome(value=_plain(value))


def _declared_arguments(module: str, function: str) -> int:
    import importlib

    return len(getattr(importlib.import_module(module), function).__xlfunc__["args"])


def _plain(value: Any) -> Any:
    """The result without pywin32 types, so it pickles back to the test process."""
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime):
        return dt.datetime(*value.timetuple()[:6]) if value.tzinfo else value
    return value
