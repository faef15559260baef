"""PMO.xlsm built from source: deterministic, its VBA decodes back to the sources, buttons bound."""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import time
import tomllib
import zipfile
from importlib.resources import files
from pathlib import Path

import openpyxl
import pytest
import xlwings
from oletools.olevba import VBA_Parser

from pmo_xl.excel import setup_excel
from pmo_xl.excel.build_xlsm import XlwingsConfig, build_pmo_xlsm
from pmo_xl.excel.layout import BUTTONS, CONFIG_SHEET, HOME_SHEET, NAMED_CELLS, TOOL_TABLES, Button
from pmo_xl.excel.vba_project import (
    VbaSourceError,
    build_vba_project,
    class_module,
    document_module,
    split_header,
    standard_module,
)
from pmo_xl.excel.vba_sources import (
    XLWINGS_PIN,
    macro_names,
    macros_source,
    public_subs,
    workbook_modules,
    xlwings_sources,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    start = time.perf_counter()
    path = build_pmo_xlsm(tmp_path_factory.mktemp("xlsm") / "PMO.xlsm")
    print(f"\nPMO.xlsm build: {time.perf_counter() - start:.2f} s, {path.stat().st_size:,} bytes")
    return path


@pytest.fixture(scope="module")
def parts(built: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(built) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture(scope="module")
def vba(parts: dict[str, bytes]) -> dict[str, str]:
    """Module name -> the text olevba decodes from the built vbaProject.bin."""
    parser = VBA_Parser("vbaProject.bin", data=parts["xl/vbaProject.bin"])
    return {Path(name).stem: code for _, _, name, code in parser.extract_macros()}


def test_building_twice_gives_identical_bytes(built: Path, tmp_path: Path) -> None:
    again = build_pmo_xlsm(tmp_path / "PMO.xlsm")
    assert again.read_bytes() == built.read_bytes()


def test_it_is_a_macro_workbook(parts: dict[str, bytes]) -> None:
    types = parts["[Content_Types].xml"].decode()
    assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types
    assert "xl/vbaProject.bin" in parts


def test_the_project_has_one_document_module_per_sheet_and_our_modules(
    vba: dict[str, str], parts: dict[str, bytes]
) -> None:
    sheets = len(re.findall(rb"<sheet ", parts["xl/workbook.xml"]))
    expected = {"ThisWorkbook", *(f"Sheet{i}" for i in range(1, sheets + 1)), "PMOMacros", "PMOFunctionHelp",
                "xlwings_udfs", "xlwings", "Dictionary"}  # fmt: skip
    assert set(vba) == expected


def test_every_module_decodes_to_exactly_the_text_we_stored(vba: dict[str, str]) -> None:
    code_names = sorted((n for n in vba if re.fullmatch(r"Sheet\d+", n)), key=lambda n: int(n[5:]))
    modules = workbook_modules(code_names)
    assert [m.name for m in modules] == ["ThisWorkbook", *code_names, "PMOMacros", "PMOFunctionHelp", "xlwings_udfs",
                                         "xlwings", "Dictionary"]  # fmt: skip
    for module in modules:
        assert vba[module.name] == module.text, module.name


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("PMOMacros", lambda: macros_source()),
        ("xlwings", lambda: xlwings_sources()[0]),
        ("Dictionary", lambda: xlwings_sources()[1]),
    ],
)
def test_source_modules_decode_back_to_their_source(vba: dict[str, str], module: str, source) -> None:
    # Equal code after the module-level attribute header (which Excel stores in its own form).
    assert split_header(vba[module])[1] == split_header(source())[1]


def test_licence_headers_of_the_bundled_vba_are_kept(vba: dict[str, str]) -> None:
    assert "xlwings is distributed under a BSD 3-clause license" in vba["xlwings"]
    assert "License: MIT" in vba["Dictionary"] and "Tim Hall" in vba["Dictionary"]


def test_class_and_document_modules_carry_excels_attributes(vba: dict[str, str]) -> None:
    assert 'Attribute VB_Base = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"' in vba["Dictionary"]
    assert 'Attribute VB_Base = "0{00020819-0000-0000-C000-000000000046}"' in vba["ThisWorkbook"]
    assert 'Attribute VB_Base = "0{00020820-0000-0000-C000-000000000046}"' in vba["Sheet1"]
    assert "VERSION 1.0 CLASS" not in vba["Dictionary"]  # export header is not module text


def test_project_stream_declares_each_module_kind(parts: dict[str, bytes]) -> None:
    import olefile

    ole = olefile.OleFileIO(parts["xl/vbaProject.bin"])
    project = ole.openstream("PROJECT").read().decode("cp1252").splitlines()
    assert "Document=ThisWorkbook/&H00000000" in project
    assert "Document=Sheet1/&H00000000" in project
    assert "Module=PMOMacros" in project and "Module=xlwings" in project
    assert "Class=Dictionary" in project
    assert {"PROJECT", "PROJECTwm"} <= {entry[0] for entry in ole.listdir()}


def test_code_names_match_the_document_modules(parts: dict[str, bytes], vba: dict[str, str]) -> None:
    assert b'codeName="ThisWorkbook"' in parts["xl/workbook.xml"]
    names = []
    for part, data in parts.items():
        if part.startswith("xl/worksheets/sheet") and part.endswith(".xml"):
            match = re.search(rb'<sheetPr[^>]*codeName="([^"]+)"', data)
            assert match, f"{part} has no code name"
            names.append(match.group(1).decode())
    assert sorted(names) == sorted(n for n in vba if re.fullmatch(r"Sheet\d+", n))


def _button_macros(parts: dict[str, bytes]) -> list[str]:
    macros = []
    for part, data in parts.items():
        if part.startswith("xl/drawings/vmlDrawing"):
            macros += re.findall(r"<x:FmlaMacro>\[0\]!([^<]+)</x:FmlaMacro>", data.decode())
    return macros


def test_every_button_runs_a_public_sub_of_pmomacros(parts: dict[str, bytes]) -> None:
    macros = _button_macros(parts)
    assert macros == [b.sub for b in BUTTONS]  # unqualified, as Excel writes them: each name is unique
    subs = set(public_subs(macros_source()))
    assert all(macro in subs for macro in macros)


def test_a_sub_name_another_module_also_uses_stays_qualified() -> None:
    other = standard_module("Helpers", "Attribute VB_Name = \"Helpers\"\nFunction Validate(x)\nEnd Function\n")
    private = standard_module("Quiet", "Attribute VB_Name = \"Quiet\"\nPrivate Sub RefreshLoading()\nEnd Sub\n")
    modules = [standard_module("PMOMacros", macros_source()), other, private]
    names = macro_names(modules, ["Validate", "RefreshLoading"])
    assert names == {"Validate": "PMOMacros.Validate", "RefreshLoading": "RefreshLoading"}


def test_each_macro_is_one_runpython_call_to_an_existing_python_function() -> None:
    import pmo_xl.macros

    source = macros_source()
    for button in BUTTONS:
        body = re.search(
            rf"Public Sub {button.sub}\(\)\s*\n(.*?)\nEnd Sub", source.replace("\r\n", "\n"), re.S
        )
        assert body, button.sub
        assert body.group(1).strip() == f'RunPython "import pmo_xl.macros as m; m.{button.python}()"'
        assert callable(getattr(pmo_xl.macros, button.python))
    assert sorted(public_subs(source)) == sorted(b.sub for b in BUTTONS)


def test_home_comes_first_with_the_last_run_cells(built: Path) -> None:
    book = openpyxl.load_workbook(built)
    assert book.sheetnames[0] == HOME_SHEET and book.active.title == HOME_SHEET
    for cell in NAMED_CELLS:
        assert book.defined_names[cell.name].attr_text == cell.address
    assert book[HOME_SHEET]["B2"].value == "PMO portfolio workbook"


def test_tool_owned_sheets_hold_their_tables(built: Path) -> None:
    book = openpyxl.load_workbook(built)
    for tool in TOOL_TABLES:
        sheet = book[tool.sheet]
        assert tool.table in sheet.tables
        header = [c.value for c in sheet[tool.first_row + 1]][: len(tool.columns)]
        assert header == list(tool.columns)
        assert sheet.sheet_properties.tabColor is not None


def test_standard_portfolio_sheets_come_from_the_template_writer(built: Path) -> None:
    from pmo_xl.schema.registers import REGISTERS

    book = openpyxl.load_workbook(built)
    tables = {name for sheet in book.worksheets for name in sheet.tables}
    assert {r.table for r in REGISTERS} <= tables
    assert "Settings" in book.sheetnames and "Instructions" in book.sheetnames


def test_xlwings_conf_is_hidden_and_contiguous_from_a1(built: Path) -> None:
    sheet = openpyxl.load_workbook(built)[CONFIG_SHEET]
    assert sheet.sheet_state == "hidden"
    keys = [sheet.cell(row, 1).value for row in range(1, sheet.max_row + 2)]
    count = keys.index(None)
    assert count == len(XlwingsConfig().rows()) and all(keys[:count])  # VBA reads A1:End(xlDown)
    config = {sheet.cell(r, 1).value: sheet.cell(r, 2).value for r in range(1, count + 1)}
    assert config["Interpreter_Win"] == r"%LOCALAPPDATA%\pmo-xl\venv\Scripts\pythonw.exe"
    assert config["Interpreter_Mac"] == "$HOME/.pmo-xl/venv/bin/python"
    assert config["UDF Modules"] == "udfs.pmo_udfs"
    assert config["ADD_WORKBOOK_TO_PYTHONPATH"] is False


def test_custom_interpreters_land_in_xlwings_conf(tmp_path: Path) -> None:
    config = XlwingsConfig(
        interpreter_win=r"D:\envs\pmo\Scripts\pythonw.exe", interpreter_mac="/opt/pmo/bin/python"
    )
    sheet = openpyxl.load_workbook(build_pmo_xlsm(tmp_path / "PMO.xlsm", config=config))[CONFIG_SHEET]
    assert (sheet["B1"].value, sheet["B2"].value) == (config.interpreter_win, config.interpreter_mac)


def test_xlwings_pin_is_one_version_everywhere() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    pins = [d for d in pyproject["project"]["dependencies"] if d.startswith("xlwings")]
    assert pins == [f"xlwings=={XLWINGS_PIN}"]
    assert xlwings.__version__ == XLWINGS_PIN
    assert f'XLWINGS_VERSION As String = "{XLWINGS_PIN}"' in xlwings_sources()[0]


def test_a_button_bound_to_a_missing_macro_is_refused(tmp_path: Path) -> None:
    broken = (*BUTTONS, Button("Broken", "NoSuchMacro", "validate", "negative control"))
    with pytest.raises(ValueError, match="NoSuchMacro"):
        build_pmo_xlsm(tmp_path / "PMO.xlsm", buttons=broken)
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_the_build_leaves_no_trace_outside_its_output(tmp_path: Path) -> None:
    """Fixes 1 and 4: no scratch files in the cwd or beside ms-ovba's files; random state untouched."""
    import ms_ovba

    blank = Path(ms_ovba.__file__).parent / "blank_files"
    before_blank = sorted(p.name for p in blank.iterdir())
    cwd_before = sorted(os.listdir())
    random.seed(1234)
    expected = random.random()
    random.seed(1234)
    build_vba_project([document_module("ThisWorkbook", "0{00020819-0000-0000-C000-000000000046}"),
                       standard_module("PMOMacros", macros_source())])  # fmt: skip
    assert random.random() == expected
    assert sorted(os.listdir()) == cwd_before
    assert sorted(p.name for p in blank.iterdir()) == before_blank


def test_vba_text_outside_the_code_page_is_refused_with_its_line() -> None:
    module = standard_module("Bad", 'Attribute VB_Name = "Bad"\nSub X()\n    MsgBox "≠"\nEnd Sub\n')
    with pytest.raises(VbaSourceError, match="line 3"):
        build_vba_project([module])


def test_module_names_are_checked() -> None:
    with pytest.raises(VbaSourceError):
        standard_module("PMOMacros", 'Attribute VB_Name = "Other"\n')
    with pytest.raises(VbaSourceError):
        class_module("1Bad", "")
    with pytest.raises(VbaSourceError, match="same name"):
        build_vba_project([standard_module("A", ""), standard_module("a", "")])


def test_class_export_header_is_dropped() -> None:
    source = files("xlwings").joinpath("addin", "Dictionary.cls").read_text()
    attributes, code = split_header(source)
    assert attributes[0] == ("Name", '"Dictionary"')
    assert not code.startswith(("VERSION", "BEGIN", "Attribute VB_Name"))
    assert "\r\n" in code and "\n" not in code.replace("\r\n", "")


# --- pmo-xl excel-setup -------------------------------------------------------------------------


def _setup_args(**overrides: object) -> argparse.Namespace:
    values = {"dry_run": False, "platform": None, "venv": None, "workbook": None, "package": None}
    return argparse.Namespace(**{**values, **overrides})


def test_excel_setup_on_linux_explains_and_dry_run_shows_both_platforms() -> None:
    lines: list[str] = []
    assert setup_excel.run(_setup_args(), out=lines.append) == 2
    assert "Windows or Mac" in lines[0] and "--dry-run" in lines[0]
    lines.clear()
    assert setup_excel.run(_setup_args(dry_run=True), out=lines.append) == 0
    text = "\n".join(lines)
    assert "for Windows:" in text and "for Mac:" in text
    assert "-m venv " in text and "-m pip install --upgrade pmo-xl==" in text
    assert "runpython install" in text and text.count("runpython install") == 1  # Mac only
    assert "Interpreter_Win = %LOCALAPPDATA%\\pmo-xl\\venv\\Scripts\\pythonw.exe" in text


def test_excel_setup_plans_use_the_venv_for_everything() -> None:
    windows = setup_excel.plan_setup(
        "windows", env={"LOCALAPPDATA": r"C:\Users\ann\AppData\Local", "USERPROFILE": r"C:\Users\ann"}
    )
    assert [s.argv[:3] for s in windows.steps][1:] == [
        (r"C:\Users\ann\AppData\Local\pmo-xl\venv\Scripts\python.exe", "-m", "pip"),
        (r"C:\Users\ann\AppData\Local\pmo-xl\venv\Scripts\python.exe", "-m", "pmo_xl.excel.build_xlsm"),
    ]
    assert str(windows.workbook) == r"C:\Users\ann\Documents\PMO.xlsm"
    # The default venv is written with its variable, so the same workbook works for every user.
    assert windows.config == XlwingsConfig()
    mac = setup_excel.plan_setup("mac", env={"HOME": "/Users/ann"})
    assert mac.steps[2].argv == ("/Users/ann/.pmo-xl/venv/bin/xlwings", "runpython", "install")
    assert mac.config.interpreter_mac == "$HOME/.pmo-xl/venv/bin/python"
    custom = setup_excel.plan_setup("mac", venv="/opt/pmo", env={"HOME": "/Users/ann"})
    assert custom.config.interpreter_mac == "/opt/pmo/bin/python"


def test_excel_setup_stops_at_the_first_failing_step_and_never_overwrites(tmp_path: Path) -> None:
    plan = setup_excel.plan_setup("mac", workbook=str(tmp_path / "PMO.xlsm"), env={"HOME": str(tmp_path)})
    ran: list[tuple[str, ...]] = []
    lines: list[str] = []
    assert (
        setup_excel.run_plan(
            plan, runner=lambda argv: ran.append(tuple(argv)) or (1 if len(ran) == 2 else 0), out=lines.append
        )
        == 2
    )
    assert len(ran) == 2 and "step 2 failed" in lines[-1]
    (tmp_path / "PMO.xlsm").write_bytes(b"the user's workbook")
    assert setup_excel.run_plan(plan, runner=lambda argv: 0, out=lines.append) == 2
    assert "never overwritten" in lines[-1] and (tmp_path / "PMO.xlsm").read_bytes() == b"the user's workbook"


def test_excel_setup_build_step_is_a_working_command(tmp_path: Path) -> None:
    plan = setup_excel.plan_setup(
        "mac", venv="/opt/pmo", workbook=str(tmp_path / "PMO.xlsm"), env={"HOME": "/Users/ann"}
    )
    build = plan.steps[-1].argv
    completed = subprocess.run([sys.executable, *build[1:]], capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    sheet = openpyxl.load_workbook(tmp_path / "PMO.xlsm")[CONFIG_SHEET]
    assert (sheet["B1"].value, sheet["B2"].value) == (
        r"%LOCALAPPDATA%\pmo-xl\venv\Scripts\pythonw.exe",
        "/opt/pmo/bin/python",
    )


@pytest.mark.parametrize(("reserved", "header"), [(1, "cc61ffff000100"), (0, "cc61ffff000000")])
def test_vba_project_header_is_source_only_in_both_variants(tmp_path: Path, reserved: int, header: str) -> None:
    """Version 0xFFFF = no p-code: Office compiles from source. 1 is the wheel's Excel-accepted
    source-only files' header (the default), 0 EPPlus's variant (checklist fallback)."""
    import olefile

    path = build_pmo_xlsm(tmp_path / "PMO.xlsm", vba_reserved=reserved)
    with zipfile.ZipFile(path) as archive:
        ole = olefile.OleFileIO(archive.read("xl/vbaProject.bin"))
    assert ole.openstream("VBA/_VBA_PROJECT").read().hex() == header
