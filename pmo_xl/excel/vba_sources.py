"""The VBA modules of PMO.xlsm, as text: ours, xlwings' and the generated ones.

- `PMOMacros` (pmo_xl/excel/vba/PMOMacros.bas, in git): one Sub per Home button.
- `xlwings` and `Dictionary`: read from the *installed* xlwings wheel, which must be the pinned
  version, because the module's `XLWINGS_VERSION` names the UDF DLL and the Mac AppleScript
  that must match the Python package (research §0, §4). `xlwings.bas` is BSD-3-Clause
  (Copyright (C) 2014-present, Zoomer Analytics LLC); `addin/Dictionary.cls` is Tim Hall's
  VBA-Dictionary, MIT. Both keep their licence headers in the stored module text.
- `xlwings_udfs` and `PMOFunctionHelp`: generated from the UDF modules (udf_wrappers.py).
- Document modules: `ThisWorkbook` (its Workbook_Open registers function help) and one per sheet.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from importlib.resources import files

from pmo_xl.excel.udf_wrappers import (
    HELP_MODULE,
    HELP_SUB,
    UDF_MODULE,
    function_help_module,
    wrapper_module_text,
)
from pmo_xl.excel.vba_project import (
    WORKBOOK_BASE,
    WORKSHEET_BASE,
    VbaModule,
    class_module,
    document_module,
    standard_module,
)

XLWINGS_PIN = "0.37.8"  # must equal the `xlwings==` pin in pyproject.toml (a test checks)
MACROS_MODULE = "PMOMacros"
WORKBOOK_CODE_NAME = "ThisWorkbook"

# Any procedure of a module: Sub or Function, Public by default in a standard module.
_PROCEDURE = re.compile(
    r"^[ \t]*(?:(Public|Private|Friend)[ \t]+)?(?:Static[ \t]+)?(?:Sub|Function)[ \t]+(\w+)", re.IGNORECASE | re.MULTILINE
)
_PUBLIC_SUB = re.compile(r"^\s*Public\s+Sub\s+(\w+)\s*\(\s*\)", re.IGNORECASE | re.MULTILINE)
_VERSION = re.compile(r'^Public Const XLWINGS_VERSION As String = "([^"]+)"', re.MULTILINE)

THIS_WORKBOOK_CODE = f"""Option Explicit

Private Sub Workbook_Open()
    ' Descriptions of the PMO_ worksheet functions for the function wizard (Windows only).
    {HELP_MODULE}.{HELP_SUB}
End Sub
"""


class XlwingsVersionError(RuntimeError):
    """The installed xlwings is not the version PMO.xlsm must be built from."""


def macros_source() -> str:
    """The text of PMOMacros.bas as kept in git."""
    return files("pmo_xl.excel").joinpath("vba", f"{MACROS_MODULE}.bas").read_text(encoding="ascii")


def public_subs(source: str) -> list[str]:
    """Names of the argument-less Public Subs of a module: what a button may be bound to."""
    return _PUBLIC_SUB.findall(source)


def macro_names(modules: Sequence[VbaModule], subs: Sequence[str]) -> dict[str, str]:
    """How a button names each Sub of PMOMacros in its FmlaMacro: unqualified (`Validate`), as
    Excel writes it, where no other standard module has a public procedure of that name;
    `PMOMacros.Validate` where one does, so the button never runs the wrong procedure."""
    count = Counter(
        name.casefold()
        for module in modules
        if module.kind == "standard"
        for scope, name in _PROCEDURE.findall(module.code())
        if scope.casefold() != "private"
    )
    return {sub: sub if count[sub.casefold()] == 1 else f"{MACROS_MODULE}.{sub}" for sub in subs}


def xlwings_sources() -> tuple[str, str]:
    """(xlwings.bas, Dictionary.cls) from the installed wheel, after checking its version."""
    import xlwings  # pandas and more: only when PMO.xlsm is built, not when `excel-setup` starts

    package = files("xlwings")
    bas = package.joinpath("xlwings.bas").read_text(encoding="cp1252")
    cls = package.joinpath("addin", "Dictionary.cls").read_text(encoding="cp1252")
    found = _VERSION.search(bas)
    in_vba = found.group(1) if found else None
    if not (in_vba == xlwings.__version__ == XLWINGS_PIN):
        raise XlwingsVersionError(
            f"PMO.xlsm is built from xlwings {XLWINGS_PIN}; installed package {xlwings.__version__}, "
            f"its VBA module says {in_vba}. Install xlwings=={XLWINGS_PIN}."
        )
    return bas, cls


def sheet_code_names(count: int) -> list[str]:
    """Code names for the workbook's sheets, in order: Sheet1, Sheet2, ... as Excel names them."""
    return [f"Sheet{i}" for i in range(1, count + 1)]


def workbook_modules(code_names: Sequence[str], udf_module: str = UDF_MODULE) -> list[VbaModule]:
    """Every module of the PMO.xlsm VBA project, in project order."""
    bas, cls = xlwings_sources()
    infos, wrappers = wrapper_module_text(udf_module)
    return [
        document_module(WORKBOOK_CODE_NAME, WORKBOOK_BASE, THIS_WORKBOOK_CODE),
        *(document_module(name, WORKSHEET_BASE) for name in code_names),
        standard_module(MACROS_MODULE, macros_source()),
        standard_module(HELP_MODULE, function_help_module(infos)),
        standard_module("xlwings_udfs", wrappers),
        standard_module("xlwings", bas),
        class_module("Dictionary", cls),
    ]
