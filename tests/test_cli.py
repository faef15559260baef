"""The command line: exit codes, JSON, one clear line for unusable files, input never modified."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pmo_xl.cli import main


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pmo_xl", *args], capture_output=True, text=True, timeout=300)


def test_validate_finds_every_planted_mistake_at_its_cell(sample, sample_workbook):
    result = run_cli("validate", str(sample_workbook), "--json")
    assert result.returncode == 1, result.stderr
    issues = json.loads(result.stdout)
    found = {(i["sheet"], i["row"], i["column"], i["code"]) for i in issues}
    for planted in sample.planted:
        assert (planted.sheet, planted.row, planted.column, planted.code) in found, planted
    for issue in issues:
        assert {"code", "severity", "sheet", "row", "column", "cell", "field", "value", "message"} <= issue.keys()


def test_validate_text_lines_name_sheet_and_cell(sample_workbook, capsys):
    code = main(["validate", str(sample_workbook)])
    out = capsys.readouterr().out
    assert code == 1
    assert "'Allocations'!A5: error [unknown-reference] Project PRJ-999" in out


def test_blank_template_exits_zero(tmp_path):
    assert main(["new", str(tmp_path / "blank.xlsx")]) == 0
    assert main(["validate", str(tmp_path / "blank.xlsx")]) == 0


@pytest.mark.parametrize("content, name", [
    (b"just some text\n", "notes.xlsx"),
    (b"", "empty.xlsx"),
    (b"PK\x03\x04 truncated zip", "broken.xlsx"),
])
def test_unusable_files_exit_2_with_one_line(tmp_path, content, name):
    path = tmp_path / name
    path.write_bytes(content)
    result = run_cli("validate", str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and name in lines[0] and "Traceback" not in result.stderr


def test_a_zip_that_is_not_a_workbook_exits_2(tmp_path):
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    result = run_cli("validate", str(path))
    assert result.returncode == 2 and "not an Excel workbook" in result.stderr


def test_missing_file_exits_2(tmp_path):
    result = run_cli("validate", str(tmp_path / "nope.xlsx"))
    assert result.returncode == 2 and "no such file" in result.stderr


def test_report_never_modifies_the_input(sample_workbook, tmp_path):
    before = hashlib.sha256(sample_workbook.read_bytes()).hexdigest()
    out = tmp_path / "report.xlsx"
    assert main(["report", str(sample_workbook), "-o", str(out), "-q"]) == 1  # written; 1: the sample carries planted errors
    assert out.exists() and zipfile.is_zipfile(out)
    assert hashlib.sha256(sample_workbook.read_bytes()).hexdigest() == before


def test_report_refuses_a_bad_period(sample_workbook, tmp_path):
    assert main(["report", str(sample_workbook), "--period", "2026-13", "-o", str(tmp_path / "r.xlsx")]) == 2


def test_demo_writes_workbook_and_report(tmp_path):
    result = run_cli("demo", str(tmp_path / "demo"))
    assert result.returncode == 0, result.stderr
    written = [Path(line.removeprefix("wrote ")) for line in result.stdout.splitlines() if line.startswith("wrote ")]
    names = {p.name for p in written}
    assert {"PMO-sample.xlsx", "PMO-collected.xlsx", "PMO-report-2026-10.xlsx"} <= names
    assert sum(1 for p in written if p.parent.name == "updates") == 6
    assert any(p.name.endswith("-feedback.xlsx") for p in written), "the PM whose update had mistakes gets a feedback copy"
    assert all(p.exists() for p in written)
    assert "1 partly accepted, 2 held back, 1 superseded" in result.stdout


def test_every_command_has_help():
    commands = ("new", "demo", "validate", "report", "scenarios", "close", "collect", "import", "sample", "build", "excel-setup")
    assert set(commands) == set(command_names())
    for command in commands:
        result = run_cli(command, "--help")
        assert result.returncode == 0 and "usage: pmo-xl " + command in result.stdout, result.stderr


def command_names() -> list[str]:
    from pmo_xl.cli import build_parser

    subparsers = next(a for a in build_parser()._actions if a.dest == "command")
    return list(subparsers.choices)


# Start fast: help is printed, and a command's arguments parsed, before any of these is imported.
HEAVY_LIBRARIES = ("pandas", "numpy", "xlsxwriter", "xlwings", "python_calamine", "fastexcel", "highspy", "openpyxl")


@pytest.mark.parametrize("arguments", [["--help"], ["validate", "--help"], ["excel-setup", "--help"], ["collect", "--help"]])
def test_help_imports_no_data_or_excel_library(arguments):
    probe = (f"import sys\nfrom pmo_xl.cli import main\ntry:\n    main({arguments!r})\nexcept SystemExit:\n    pass\n"
             f"print('loaded:', sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY_LIBRARIES!r})))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "loaded: []"


# validate needs the reader, pandas and numpy; a workbook without projects needs no solver
# (scipy: ~0.3 s of a start) and no report (XlsxWriter, the report model).
NOT_FOR_VALIDATE = ("scipy", "xlsxwriter", "xlwings", "openpyxl", "highspy", "pmo_xl.report")


def test_validate_of_the_blank_template_imports_no_solver_or_report():
    template = Path(__file__).resolve().parents[1] / "workbooks" / "PMO-template.xlsx"
    probe = (f"import sys\nfrom pmo_xl.cli import main\ncode = main(['validate', {str(template)!r}])\n"
             f"print('exit', code, 'loaded:', sorted({{m for m in sys.modules if m.startswith({NOT_FOR_VALIDATE!r})}}))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "exit 0 loaded: []"


def test_outputs_get_the_usual_file_permissions(sample_workbook, tmp_path):
    import os
    import stat

    out = tmp_path / "report.xlsx"
    assert main(["report", str(sample_workbook), "-o", str(out), "-q"]) == 1  # the sample carries planted errors
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask
