"""`pmo-xl validate --annotate`: the copy marks every problem cell (fill by severity, comment),
lists every issue on an Issues sheet with a link to its cell, keeps macros in an .xlsm, opens in
LibreOffice — and the user's workbook is never touched."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from pmo_xl.cli import main
from pmo_xl.io.annotate import FILLS, write_annotated_copy
from pmo_xl.io.write_template import write_portfolio_workbook
from pmo_xl.issues import Severity, sort_issues
from pmo_xl.usecases import load_portfolio

ROOT = Path(__file__).resolve().parents[1]
SCORES = [3] * 6


def _project(project_id: str, status: str = "Active", finish: object = dt.date(2026, 12, 31), bac: object = 100000.0) -> list[object]:
    return [project_id, f"Project {project_id}", None, None, None, None, None, status, None, dt.date(2026, 1, 1), finish, bac,
            None, None, None, None, None, *SCORES]


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    """Errors, a warning and a note at known cells; a PM's text that looks like a formula."""
    path = tmp_path / "portfolio.xlsx"
    projects = [_project("P1"), _project("P2", status="Actve"), _project("P3", finish="2026-12-31"), _project("P4", status="=Active")]
    resources = [["R1", "Ann", "Developer", None, 1.0, None, None, None, None, None, 80.0]]
    allocations = [["PRJ-9", "R1", None, dt.date(2026, 2, 1), dt.date(2026, 2, 28), 40.0, None, None, "Committed", None],
                   ["P1", "R1", None, 46054.0, dt.date(2026, 2, 28), 40.0, None, None, "Committed", None]]
    write_portfolio_workbook(path, {"Projects": projects, "Resources": resources, "Allocations": allocations})
    book = openpyxl.load_workbook(path)  # a date typed where the cell is formatted General: a serial number
    book["Allocations"]["D3"].number_format = "General"
    book.save(path)
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_problem_cell_is_filled_and_commented_and_linked(workbook, tmp_path):
    before = _digest(workbook)
    out = tmp_path / "annotated.xlsx"
    assert main(["validate", str(workbook), "--annotate", str(out)]) == 1
    assert _digest(workbook) == before  # the input is only read
    issues = sort_issues(load_portfolio(workbook).issues)
    marked = {(i.sheet, i.cell): i for i in issues if i.row is not None}
    assert {("Projects", "H3"), ("Projects", "K4"), ("Projects", "H5"), ("Allocations", "A2"), ("Allocations", "D3")} <= set(marked)

    book = openpyxl.load_workbook(out)
    expected_fill = {("Projects", "H3"): Severity.ERROR, ("Projects", "K4"): Severity.WARNING, ("Allocations", "D3"): Severity.INFO}
    for (sheet, address), severity in expected_fill.items():
        cell = book[sheet][address]
        assert cell.fill.fgColor.rgb.endswith(FILLS[severity].fgColor.rgb[-6:]), (sheet, address)
        assert f"[{marked[(sheet, address)].code}]" in cell.comment.text and cell.comment.author == "pmo-xl"
    assert book["Projects"]["A2"].comment is None and book["Projects"]["A2"].fill.fgColor.rgb in (None, "00000000")

    assert book.sheetnames[0] == "Issues" and book.active.title == "Issues"
    sheet = book["Issues"]
    assert "COPY" in sheet["A2"].value and "missing" in sheet["A2"].value  # says what openpyxl may drop
    rows = list(sheet.iter_rows(min_row=5, values_only=False))
    assert len(rows) == len(issues)
    for row, issue in zip(rows, issues, strict=True):
        severity, code, sheet_name, address, _, value, message = (c.value for c in row)
        assert (severity, code, sheet_name, message) == (str(issue.severity), issue.code, issue.sheet, issue.message)
        if issue.row is not None and issue.sheet in book.sheetnames:
            link = row[3].hyperlink
            assert address == issue.cell and link is not None and link.location == f"'{issue.sheet}'!{issue.cell}"
            assert link.target is None  # internal: no external relationship
    formula_text = next(r for r in rows if r[5].value == "=Active")[5]
    assert formula_text.data_type == "s"  # a PM's '=...' stays text in the copy


def test_a_macro_workbook_keeps_its_macros_in_an_xlsm_copy(tmp_path):
    source = tmp_path / "PMO.xlsm"
    shutil.copy(ROOT / "workbooks" / "PMO.xlsm", source)
    before = _digest(source)
    out = tmp_path / "PMO-annotated.xlsm"
    result = write_annotated_copy(source, out, load_portfolio(source).issues)
    assert result.path == out and _digest(source) == before
    with zipfile.ZipFile(out) as archive:
        assert "xl/vbaProject.bin" in archive.namelist()
        assert b"macroEnabled" in archive.read("[Content_Types].xml")
    plain = tmp_path / "PMO-annotated.xlsx"
    write_annotated_copy(source, plain, [])
    with zipfile.ZipFile(plain) as archive:
        assert "xl/vbaProject.bin" not in archive.namelist()
        assert b"macroEnabled" not in archive.read("[Content_Types].xml")


def test_impossible_copies_are_refused_with_one_line_before_reading(workbook, tmp_path):
    cases = [(workbook, "the annotated copy needs another name"), (tmp_path / "copy.xlsm", "has no macros"),
             (tmp_path / "copy.csv", "must be an .xlsx")]
    for target, words in cases:
        result = subprocess.run([sys.executable, "-m", "pmo_xl", "validate", str(workbook), "--annotate", str(target)],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 2 and result.stdout == ""
        assert len(result.stderr.strip().splitlines()) == 1 and words in result.stderr


def test_an_existing_issues_sheet_is_not_overwritten(tmp_path):
    path = tmp_path / "has-issues.xlsx"
    book = xlsxwriter.Workbook(path)
    book.add_worksheet("Issues").write(0, 0, "my own notes")
    book.close()
    out = tmp_path / "out.xlsx"
    result = write_annotated_copy(path, out, load_portfolio(path).issues)
    copy = openpyxl.load_workbook(out)
    assert result.sheet == "Issues 2" and copy["Issues"]["A1"].value == "my own notes"


@pytest.mark.libreoffice
def test_the_annotated_copy_opens_in_libreoffice(workbook, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("PMO_REQUIRE_LIBREOFFICE"):
            pytest.fail("LibreOffice is required here (PMO_REQUIRE_LIBREOFFICE) but soffice is missing")
        pytest.skip("LibreOffice (soffice) is not installed")
    out = tmp_path / "annotated.xlsx"
    write_annotated_copy(workbook, out, load_portfolio(workbook).issues)
    profile = tmp_path / "lo-profile"  # a profile of its own: other soffice runs may be going on
    subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(out)], check=True, capture_output=True, timeout=240)
    pdf = tmp_path / "annotated.pdf"
    assert pdf.exists() and pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 5000
