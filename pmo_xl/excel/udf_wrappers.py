"""Generate the VBA side of the `=PMO_...` worksheet functions, without Excel.

Classic xlwings UDFs need a VBA wrapper per function (module `xlwings_udfs`) that forwards the
call to the Python UDF server. Excel's "Import Python UDFs" writes it through COM; we write the
same text at build time with xlwings' own `generate_vba_wrapper`, so users never need "Import
Functions" or "Trust access to the VBA project object model" (research §1.2).

On Linux `xw.func/arg/ret` are no-ops, so the real decorators of `xlwings.udfs` are swapped in
and the UDF modules are imported afresh under them. That also *validates* the decorators the way
Windows Excel would at import time (keyword-only arguments, varargs with defaults, bad
categories raise here, in CI, not on a user's PC).

What "Import Python UDFs" also does and a pre-built wrapper cannot: `Application.MacroOptions`
(function-wizard descriptions and category). `function_help_module` generates a `PMOFunctionHelp`
module whose `RegisterFunctionHelp` the workbook calls from `Workbook_Open` (Windows only; only
real Excel can confirm it, see docs/excel-checklist.md).
"""

from __future__ import annotations

import contextlib
import importlib
import io
import re
import sys
import types
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

UDF_MODULE = "udfs.pmo_udfs"
UDF_CATEGORY = "PMO"
WRAPPER_MODULE = "xlwings_udfs"
HELP_MODULE = "PMOFunctionHelp"
HELP_SUB = "RegisterFunctionHelp"
MAX_DESCRIPTION = 255  # Excel's limit for MacroOptions descriptions

_PYWIN32_STUBS = ("pythoncom", "pywintypes", "win32com", "win32com.client")
_DECORATORS = {"func": "xlfunc", "arg": "xlarg", "ret": "xlret", "sub": "xlsub", "script": "xlsub"}


class UdfDefinitionError(ValueError):
    """A worksheet function is declared in a way Excel/xlwings would reject or we do not ship."""


@dataclass(frozen=True)
class UdfInfo:
    """What Excel will know about one worksheet function (from xlwings' `__xlfunc__`)."""

    name: str
    category: str | int
    volatile: bool
    call_in_wizard: bool
    async_mode: str | None
    is_sub: bool
    args: tuple[dict[str, Any], ...]
    ret_options: dict[str, Any]
    doc: str

    @property
    def visible_args(self) -> tuple[dict[str, Any], ...]:
        """The arguments Excel shows: `caller` and VBA-injected ones are filled in by xlwings."""
        return tuple(a for a in self.args if a["name"] != "caller" and not a.get("vba"))


@contextlib.contextmanager
def real_udf_decorators() -> Iterator[types.ModuleType]:
    """Make `xlwings.func/arg/ret/sub` the recording decorators of `xlwings.udfs`, then undo it.

    pywin32 is stubbed (only where it is missing) because `xlwings.udfs` imports it at module
    level; nothing here talks to COM. Every stub and the Linux-only import of `xlwings.udfs` are
    removed afterwards, so later code cannot mistake this machine for Windows.
    """
    import xlwings

    added: list[str] = []
    for name in _PYWIN32_STUBS:
        if name not in sys.modules:
            sys.modules[name] = types.ModuleType(name)
            added.append(name)
    if "pythoncom" in added:
        sys.modules["pythoncom"].CoInitialize = lambda: None  # type: ignore[attr-defined]
    if "pywintypes" in added:
        sys.modules["pywintypes"].com_error = type("com_error", (Exception,), {})  # type: ignore[attr-defined]
    if "win32com.client" in added:
        sys.modules["win32com.client"].Dispatch = lambda *a, **k: None  # type: ignore[attr-defined]
        sys.modules["win32com"].client = sys.modules["win32com.client"]  # type: ignore[attr-defined]
    had_udfs = "xlwings.udfs" in sys.modules
    saved = {name: getattr(xlwings, name) for name in _DECORATORS}
    try:
        udfs = importlib.import_module("xlwings.udfs")
        for name, real in _DECORATORS.items():
            setattr(xlwings, name, getattr(udfs, real))
        yield udfs
    finally:
        for name, original in saved.items():
            setattr(xlwings, name, original)
        if not had_udfs:
            sys.modules.pop("xlwings.udfs", None)
            if "udfs" in vars(xlwings):
                delattr(xlwings, "udfs")
        for name in added:
            sys.modules.pop(name, None)


@contextlib.contextmanager
def fresh_import(module_name: str) -> Iterator[types.ModuleType]:
    """Import `module_name` (and its top-level package) anew; restore the old modules afterwards.

    The UDF modules may already be imported with the no-op decorators (tests, the CLI); a fresh
    import under the real decorators must neither see nor replace those module objects.
    """
    top = module_name.split(".")[0]

    def ours(name: str) -> bool:
        return name == top or name.startswith(top + ".")

    saved = {name: module for name, module in sys.modules.items() if ours(name)}
    for name in saved:
        del sys.modules[name]
    try:
        yield importlib.import_module(module_name)
    finally:
        for name in [n for n in sys.modules if ours(n)]:
            del sys.modules[name]
        sys.modules.update(saved)


def _decorated(module: types.ModuleType) -> list[Callable[..., Any]]:
    # Same selection and order as xlwings.udfs.generate_vba_wrapper: dir() order, __xlfunc__.
    return [f for f in (getattr(module, attr) for attr in dir(module)) if hasattr(f, "__xlfunc__")]


def _info(function: Callable[..., Any]) -> UdfInfo:
    xlf = function.__xlfunc__  # type: ignore[attr-defined]
    return UdfInfo(
        name=xlf["name"],
        category=xlf["category"],
        volatile=xlf["volatile"],
        call_in_wizard=xlf["call_in_wizard"],
        async_mode=xlf["async_mode"],
        is_sub=xlf["sub"],
        args=tuple(dict(a) for a in xlf["args"]),
        ret_options=dict(xlf["ret"]["options"]),
        doc=function.__doc__ or "",
    )


def check_udfs(infos: list[UdfInfo]) -> list[str]:
    """Problems that keep a function out of PMO.xlsm, one line each (empty when all is well)."""
    problems: list[str] = []
    for info in infos:
        if info.category != UDF_CATEGORY:
            problems.append(f"{info.name}: category is {info.category!r}, expected {UDF_CATEGORY!r}")
        if info.volatile:
            problems.append(f"{info.name}: volatile=True recalculates on every change anywhere; not allowed")
        if "expand" in info.ret_options:
            problems.append(
                f"{info.name}: @xw.ret(expand=...) is the legacy array hack; return a 2-D value and let it spill"
            )
        if info.async_mode is not None:
            problems.append(f"{info.name}: async_mode is not supported in PMO.xlsm")
        if info.is_sub:
            problems.append(f"{info.name}: @xw.sub is not a worksheet function; use a macro button")
        if not info.doc.strip():
            problems.append(f"{info.name}: no docstring; it is the function-wizard description")
    return problems


def load_udfs(module_name: str = UDF_MODULE) -> tuple[list[UdfInfo], str]:
    """Import the UDF module under the real decorators: its functions and `xlwings_udfs` text.

    Raises `UdfDefinitionError` when xlwings rejects a declaration (it raises at import time).
    """
    with real_udf_decorators() as udfs, fresh_import(module_name) as module:
        functions = _decorated(module)
        buffer = io.StringIO()
        workbook = types.SimpleNamespace(Name="PMO.xlsm")  # ThisWorkbook, not ActiveWorkbook (.xlam)
        udfs.generate_vba_wrapper(module_name, module, buffer, workbook)
        return [_info(f) for f in functions], buffer.getvalue()


def wrapper_module_text(module_name: str = UDF_MODULE) -> tuple[list[UdfInfo], str]:
    """The `xlwings_udfs` module source, checked (raises `UdfDefinitionError` on any problem)."""
    import xlwings

    try:
        infos, body = load_udfs(module_name)
    except UdfDefinitionError:
        raise
    except Exception as error:  # xlwings raises plain Exception for bad declarations
        raise UdfDefinitionError(f"{module_name}: {error}") from error
    problems = check_udfs(infos)
    if problems:
        raise UdfDefinitionError("; ".join(problems))
    header = (
        f'Attribute VB_Name = "{WRAPPER_MODULE}"\n'
        f"' Generated by pmo_xl/excel/udf_wrappers.py from {module_name} with the\n"
        f"' generate_vba_wrapper of xlwings {xlwings.__version__} (BSD-3-Clause, (C) Zoomer Analytics LLC).\n"
        "' Do not edit: PMO.xlsm is rebuilt from source and this module with it.\n"
        '#Const App = "Microsoft Excel" \'Adjust when using outside of Excel\n'
    )
    return infos, header + body


def plain_text(text: str, limit: int = MAX_DESCRIPTION) -> str:
    """Text for a VBA string literal: one line, cp1252 only, quotes doubled, at most `limit`."""
    replacements = {
        "−": "-",
        "–": "-",
        "—": "-",
        "→": "->",
        "≤": "<=",
        "≥": ">=",
        "×": "x",
        "·": "*",
        "…": "...",
    }
    text = "".join(replacements.get(ch, ch) for ch in text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.encode("cp1252", errors="replace").decode("cp1252")
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > limit:
        text = text[: limit - 3].rstrip() + "..."
    return text.replace('"', '""')


def description(doc: str) -> str:
    """The function-wizard description: the docstring's first paragraph."""
    return plain_text(doc.strip().split("\n\n")[0])


def argument_docs(info: UdfInfo) -> list[str]:
    """Per visible argument: `@xw.arg(doc=...)`, else its line in an `Args:` docstring section."""
    documented = _docstring_args(info.doc)
    docs = []
    for arg in info.visible_args:
        text = arg.get("doc") or ""
        if text.startswith("Positional argument "):  # xlwings' placeholder says nothing
            text = documented.get(arg["name"], arg["name"])
        docs.append(plain_text(text))
    return docs


def _docstring_args(doc: str) -> dict[str, str]:
    """`name: text` lines of a Google-style `Args:` section (continuation lines appended)."""
    found: dict[str, str] = {}
    in_args = False
    current: str | None = None
    for line in doc.splitlines():
        stripped = line.strip()
        if stripped.lower() in ("args:", "arguments:", "parameters:"):
            in_args, current = True, None
        elif not in_args:
            continue
        elif not stripped or re.fullmatch(r"[A-Z][\w ]*:", stripped):
            in_args, current = False, None  # a blank line or the next section (Returns:) ends it
        elif match := re.match(r"^\*{0,2}(\w+)\s*(?:\([^)]*\))?\s*:\s*(.*)$", stripped):
            current = match.group(1)
            found[current] = match.group(2)
        elif current:
            found[current] += " " + stripped
    return found


def function_help_module(infos: list[UdfInfo]) -> str:
    """Source of the `PMOFunctionHelp` module: MacroOptions for every worksheet function."""
    lines = [
        f'Attribute VB_Name = "{HELP_MODULE}"',
        "' Generated by pmo_xl/excel/udf_wrappers.py from the UDF docstrings. Do not edit.",
        "' Gives the PMO_ worksheet functions their function-wizard descriptions and category,",
        "' which Excel's \"Import Python UDFs\" would otherwise have set (MacroOptions).",
        "Option Explicit",
        "",
        f"Public Sub {HELP_SUB}()",
        "#If Mac Then",
        "    ' Mac Excel runs no xlwings UDFs: nothing to describe.",
        "#Else",
        "    Dim wasSaved As Boolean",
        "    Dim a() As Variant",
        "    wasSaved = ThisWorkbook.Saved",
        "    ' Help text is a convenience: it must never stop the workbook from opening.",
        "    On Error Resume Next",
    ]
    for info in infos:
        docs = argument_docs(info)
        category = f'"{plain_text(info.category)}"' if isinstance(info.category, str) else str(info.category)
        if docs:
            lines.append(f"    ReDim a(0 To {len(docs) - 1})")
            lines += [f'    a({i}) = "{text}"' for i, text in enumerate(docs)]
            lines.append(f'    Describe "{info.name}", "{description(info.doc)}", {category}, a')
        else:
            lines.append(f'    Describe "{info.name}", "{description(info.doc)}", {category}, Empty')
    lines += [
        "    On Error GoTo 0",
        "    ' Registering descriptions marks the workbook changed; it is not a change of the user's.",
        "    ThisWorkbook.Saved = wasSaved",
        "#End If",
        "End Sub",
        "",
        "Private Sub Describe(ByVal functionName As String, ByVal text As String, ByVal category As Variant, ByVal args As Variant)",
        "    Dim macroName As String",
        '    macroName = "\'" & Replace(ThisWorkbook.Name, "\'", "\'\'") & "\'!" & functionName',
        "    If IsEmpty(args) Then",
        "        Application.MacroOptions Macro:=macroName, Description:=text, Category:=category",
        "    Else",
        "        Application.MacroOptions Macro:=macroName, Description:=text, Category:=category, ArgumentDescriptions:=args",
        "    End If",
        "End Sub",
        "",
    ]
    return "\n".join(lines)
