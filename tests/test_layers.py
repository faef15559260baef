"""The layer rule of ARCHITECTURE.md, enforced: only adapters touch Excel libraries or files.

Adapters read and write workbooks (`io/`, the report writer and its sheets, collect's output and
template, the schedule reader and output, `excel/`, `macros`, the `=PMO_...` functions in `udfs/`); the front doors
(`commands/`, `cli`, `pipeline`, `usecases`, `build`, `sample`) wire them to the core. The core —
the data shapes, schema, parse, checks, compute and the report model — imports no Excel library
and no adapter, and does no file I/O, so it runs the same on a file, on live Excel and in tests.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "pmo_xl"
EXCEL_LIBRARIES = ("openpyxl", "xlsxwriter", "python_calamine", "xlwings")
ADAPTERS = ("io/", "report/write.py", "report/sheets/", "report/pdf.py", "collect/", "schedules/read.py", "schedules/output.py",
            "excel/", "macros.py")
CORE = ("model.py", "issues.py", "options.py", "results.py", "guard.py", "raw.py", "schema/", "parse/", "checks/",
        "compute/", "report/model.py", "report/model_views.py", "report/model_dashboard.py", "report/model_trends.py",
        "report/formats.py", "close/freeze.py", "close/changes.py", "scenarios/")
ADAPTER_MODULES = ("pmo_xl.io", "pmo_xl.excel", "pmo_xl.collect", "pmo_xl.macros", "pmo_xl.report.write",
                   "pmo_xl.report.sheets", "pmo_xl.report.pdf", "pmo_xl.commands", "pmo_xl.cli", "pmo_xl.pipeline",
                   "pmo_xl.usecases")
FILE_CALLS = {"open", "read_text", "write_text", "read_bytes", "write_bytes", "unlink", "mkdir", "rmdir", "makedirs",
              "copyfile", "copy2", "rmtree", "to_excel", "to_csv", "to_parquet", "ExcelWriter"}  # (not rename: DataFrame.rename)


def _modules(prefixes: tuple[str, ...]) -> list[Path]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        if any(name == p or (p.endswith("/") and name.startswith(p)) for p in prefixes):
            found.append(path)
    return found


def _imports(tree: ast.Module) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _excel_importers(paths: list[Path]) -> dict[str, list[str]]:
    out = {}
    for path in paths:
        libraries = [n for n in _imports(ast.parse(path.read_text())) if n.split(".")[0] in EXCEL_LIBRARIES]
        if libraries:
            out[path.relative_to(ROOT).as_posix()] = libraries
    return out


def test_the_core_list_covers_real_modules() -> None:
    core = _modules(CORE)
    assert len(core) > 40
    assert {p.relative_to(PACKAGE).parts[0] for p in core} >= {"schema", "parse", "checks", "compute", "report"}


def test_only_adapters_import_excel_libraries() -> None:
    everything = sorted(PACKAGE.rglob("*.py")) + sorted((ROOT / "udfs").rglob("*.py"))
    adapters = set(_modules(ADAPTERS)) | set((ROOT / "udfs").rglob("*.py"))
    offenders = _excel_importers([p for p in everything if p not in adapters])
    assert offenders == {}
    assert _excel_importers(sorted(adapters))  # the scan does see the adapters' imports


def test_the_core_imports_no_adapter() -> None:
    offenders = {}
    for path in _modules(CORE):
        wrong = [n for n in _imports(ast.parse(path.read_text())) if n.startswith(ADAPTER_MODULES)]
        if wrong:
            offenders[path.relative_to(ROOT).as_posix()] = wrong
    assert offenders == {}


def _file_calls(tree: ast.Module) -> list[str]:
    calls = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            devnull = node.args and isinstance(node.args[0], ast.Attribute) and node.args[0].attr == "devnull"
            if name in FILE_CALLS and not devnull:  # os.devnull: silencing a solver's console, not data
                calls.append(f"{name}() line {node.lineno}")
    return calls


def test_the_core_does_no_file_io() -> None:
    offenders = {p.relative_to(ROOT).as_posix(): calls for p in _modules(CORE) if (calls := _file_calls(ast.parse(p.read_text())))}
    assert offenders == {}


@pytest.mark.parametrize("source", ["import io\nopen('x.xlsx')\n", "from pathlib import Path\nPath('x').write_bytes(b'')\n"])
def test_the_file_scan_can_fail(source: str) -> None:
    assert _file_calls(ast.parse(source))


def test_importing_the_core_loads_no_excel_library() -> None:
    """At run time too: the model, the checks, every computation and the report model, imported
    in a fresh interpreter, leave every Excel library unloaded."""
    core = ["pmo_xl.parse.portfolio", "pmo_xl.checks.run", "pmo_xl.report.model", "pmo_xl.results", "pmo_xl.options",
            *(f"pmo_xl.compute.{p}" for p in ("time", "earned_value", "loading", "selection", "priority", "risk", "milestones"))]
    code = (f"import sys\nfor m in {core!r}: __import__(m)\n"
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {EXCEL_LIBRARIES!r}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]", done.stdout
