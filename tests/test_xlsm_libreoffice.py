"""PMO.xlsm in a second real spreadsheet application: LibreOffice imports the VBA and binds the buttons.

LibreOffice is run headless by tests/lo_check.py under a Python that has `uno` (the system
python3 with python3-uno). Without LibreOffice these tests skip, unless PMO_REQUIRE_LIBREOFFICE
is set (CI sets it), in which case a missing LibreOffice is a failure, never a silent skip.
What LibreOffice cannot tell us (Excel compiling the source-only project, RunPython, UDFs) is
on docs/excel-checklist.md.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pmo_xl.excel.build_xlsm import build_pmo_xlsm
from pmo_xl.excel.layout import BUTTONS, Button

pytestmark = pytest.mark.libreoffice

LO_CHECK = Path(__file__).with_name("lo_check.py")
TIMEOUT = 240  # seconds for LibreOffice to start and load both workbooks
BROKEN = Button("Broken binding", "NoSuchMacro", "validate", "negative control: no such Sub")


def _uno_python() -> str | None:
    candidates = [
        os.environ.get("PMO_UNO_PYTHON"),
        "/usr/bin/python3",
        shutil.which("python3"),
        sys.executable,
    ]
    for candidate in dict.fromkeys(c for c in candidates if c):
        try:
            probe = subprocess.run([candidate, "-c", "import uno"], capture_output=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            return candidate
    return None


def _require_libreoffice() -> tuple[str, str]:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    python = _uno_python()
    if soffice and python:
        return soffice, python
    missing = "soffice" if not soffice else "a Python with the uno module (python3-uno)"
    if os.environ.get("PMO_REQUIRE_LIBREOFFICE"):
        pytest.fail(f"PMO_REQUIRE_LIBREOFFICE is set but {missing} is missing")
    pytest.skip(f"LibreOffice check needs {missing}")


def run_lo_check(*workbooks: Path) -> dict[str, dict]:
    soffice, python = _require_libreoffice()
    # Own session: on a timeout the whole group (lo_check and the soffice it started) is ended.
    process = subprocess.Popen(
        [python, str(LO_CHECK), *map(str, workbooks), "--soffice", soffice, "--timeout", str(TIMEOUT)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        out, err = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"LibreOffice check did not finish in {TIMEOUT} s")
    assert process.returncode == 0, err
    return json.loads(out)


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    folder = tmp_path_factory.mktemp("lo")
    product = build_pmo_xlsm(folder / "PMO.xlsm")
    broken = build_pmo_xlsm(folder / "PMO-broken.xlsm", buttons=(*BUTTONS, BROKEN), check_bindings=False)
    start = time.perf_counter()
    report = run_lo_check(product, broken)
    print(f"\nLibreOffice check of 2 workbooks: {time.perf_counter() - start:.1f} s")
    return {"product": report[str(product)], "broken": report[str(broken)]}


def _script(sub: str) -> str:
    return f"vnd.sun.star.script:VBAProject.PMOMacros.{sub}?language=Basic&location=document"


def test_libreoffice_opens_it_as_a_vba_workbook(checked: dict[str, dict]) -> None:
    assert "error" not in checked["product"]
    assert checked["product"]["vba_mode"] is True


def test_libreoffice_imports_every_module(checked: dict[str, dict]) -> None:
    modules = checked["product"]["modules"]
    assert {
        "ThisWorkbook",
        "Sheet1",
        "PMOMacros",
        "PMOFunctionHelp",
        "xlwings_udfs",
        "xlwings",
        "Dictionary",
    } <= set(modules)
    for button in BUTTONS:
        assert f'RunPython "import pmo_xl.macros as m; m.{button.python}()"' in modules["PMOMacros"]
    assert 'XLWINGS_VERSION As String = "0.37.8"' in modules["xlwings"]
    assert "Public Property Get CompareMode" in modules["Dictionary"]


def test_every_button_is_bound_to_its_macro(checked: dict[str, dict]) -> None:
    buttons = checked["product"]["buttons"]
    assert [b["label"] for b in buttons] == [b.caption for b in BUTTONS]
    for found, button in zip(buttons, BUTTONS, strict=True):
        assert found["sheet"] == "Home"
        assert [e["script"] for e in found["events"]] == [_script(button.sub)]


def test_a_button_pointing_at_a_missing_macro_comes_out_unbound(checked: dict[str, dict]) -> None:
    buttons = {b["label"]: b for b in checked["broken"]["buttons"]}
    assert buttons[BROKEN.caption]["events"] == []  # LibreOffice cannot resolve it: the check catches it
    assert [e["script"] for e in buttons["Validate"]["events"]] == [_script("Validate")]
