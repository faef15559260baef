"""The report pack printed to PDF by LibreOffice headless, and pages rendered to PNG.

LibreOffice tests skip only when soffice is missing AND PMO_REQUIRE_LIBREOFFICE is unset (CI
sets it, so there they must run). The failure paths (no LibreOffice, a failing or hanging
soffice) are tested with stand-in scripts and need no LibreOffice.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pmo_xl.cli import main
from pmo_xl.io.write_template import write_portfolio_workbook
from pmo_xl.report.pdf import PdfError, convert_to_pdf, find_soffice
from pmo_xl.sample import Sample

REQUIRED = bool(os.environ.get("PMO_REQUIRE_LIBREOFFICE"))
HAVE_SOFFICE = find_soffice() is not None
needs_libreoffice = pytest.mark.skipif(not HAVE_SOFFICE and not REQUIRED, reason="LibreOffice (soffice) is not installed")
SHEET_TITLES = {
    "Dashboard": "Contoso transformation portfolio", "Exceptions": "Exceptions and what the committee is asked for", "Roadmap": "Roadmap", "Milestone timeline": "Milestone timeline", "Project index": "Project pages", "Portfolio": "Portfolio",
    "Priorities": "Priorities and portfolio selection", "Resources": "Resources: capacity and loading", "Over-allocations": "Over-allocations",
    "Earned Value": "Earned value and earned schedule", "EV forecasts": "Estimates at completion", "Risks": "Risks",
    "Milestones": "Milestones", "Trends": "Trends: RAG history", "Drift": "Drift: forecast finish and EAC",
    "Milestone trends": "Milestone trend analysis", "Data Quality": "Data quality",
}


def pdf_text(pdf: Path, page: int | None = None) -> str:
    command = ["pdftotext", "-layout"]
    if page is not None:
        command += ["-f", str(page), "-l", str(page)]
    return subprocess.run([*command, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def first_page_of(pdf: Path, sheet: str) -> int:
    """The first page printed from `sheet`: its name is in the page header (&A), right-aligned."""
    for page in range(1, page_count(pdf) + 1):
        lines = [line.strip() for line in pdf_text(pdf, page).splitlines() if line.strip()]
        if lines and lines[0].endswith(sheet):
            return page
    raise AssertionError(f"no page printed from {sheet}")


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory, sample: Sample) -> Path:
    if not HAVE_SOFFICE:
        pytest.fail("PMO_REQUIRE_LIBREOFFICE is set but LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("pdf")
    source = folder / "PMO.xlsx"
    write_portfolio_workbook(source, sample.data, sample.settings)
    report = folder / "PMO-report-2026-10.xlsx"
    assert main(["report", str(source), "-o", str(report), "--pdf", "-q"]) == 1  # written; 1: the sample carries planted errors
    return report.with_suffix(".pdf")


@pytest.mark.libreoffice
@needs_libreoffice
def test_pdf_has_every_sheet_with_headers_and_page_numbers(pdf: Path) -> None:
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")
    pages = page_count(pdf)
    assert pages >= 8
    order = [first_page_of(pdf, sheet) for sheet in SHEET_TITLES]
    assert order == sorted(order)  # printed in the pack's order
    text = pdf_text(pdf)
    for sheet, title in SHEET_TITLES.items():
        assert title in text, sheet
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    assert "Monthly report October 2026" in text and "October 2026 report · status date 31 Oct 2026" in text


@pytest.mark.libreoffice
@needs_libreoffice
def test_every_page_is_a4_landscape(pdf: Path) -> None:
    info = subprocess.run(["pdfinfo", "-l", str(page_count(pdf)), str(pdf)], capture_output=True, text=True, check=True).stdout
    sizes = set(re.findall(r"Page\s+\d+ size:\s+(.+)", info))
    assert sizes == {"841.89 x 595.304 pts (A4)"}  # one paper size and orientation for the whole pack


@pytest.mark.libreoffice
@needs_libreoffice
def test_pdf_shows_values_never_hashes_or_errors(pdf: Path) -> None:
    text = pdf_text(pdf)
    assert "###" not in text  # a column too narrow for its number prints as ###
    for error in ("#DIV/0!", "#VALUE!", "#NUM!", "#REF!", "#NAME?", "#N/A", "Err:"):
        assert error not in text, error
    assert not re.search(r"\b(nan|NaN|inf)\b", text)
    dashboard = pdf_text(pdf, first_page_of(pdf, "Dashboard"))
    # the stored values print (LibreOffice does not recalculate: nothing to recalculate)
    assert re.search(r"€ \d+(\.\d)?m", dashboard), "the BAC tile prints its stored value, e.g. € 14.9m"
    assert "Red projects" in dashboard and "Data-quality errors" in dashboard


@pytest.mark.libreoffice
@needs_libreoffice
def test_pdf_pages_are_fitted_to_width(pdf: Path) -> None:
    """The last column of each wide table is on the page: nothing is cut off to a second page across."""
    portfolio = pdf_text(pdf, first_page_of(pdf, "Portfolio"))
    assert "Project ID" in portfolio and "PM commentary" in portfolio
    ev = pdf_text(pdf, first_page_of(pdf, "Earned Value"))
    assert "SPI, 12 months" in ev and "Forecast finish" in ev
    resources = pdf_text(pdf, first_page_of(pdf, "Resources"))
    assert "Team" in resources and "Aug 2026" in resources and "Jul 2027" in resources  # the 12 months of the heat map
    dashboard = pdf_text(pdf, 1)
    assert "Projects by RAG" in dashboard and "Utilisation by team" in dashboard  # all four charts on page 1
    assert "Exceptions needing attention" not in dashboard  # they are on the Exceptions sheet, page 2
    assert "Exceptions needing attention" in pdf_text(pdf, 2) and "Needs from the committee" in pdf_text(pdf, 2)


@pytest.mark.libreoffice
@needs_libreoffice
def test_pages_render_to_png(pdf: Path, tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        if REQUIRED:
            pytest.fail("PMO_REQUIRE_LIBREOFFICE is set but pdftoppm (poppler-utils) is not installed")
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    for sheet in ("Dashboard", "Resources"):
        page = first_page_of(pdf, sheet)
        stem = tmp_path / sheet.lower()
        subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(stem)],
                       check=True, capture_output=True)
        image = stem.with_suffix(".png")
        assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and image.stat().st_size > 20_000


def _fake_soffice(folder: Path, body: str) -> Path:
    script = folder / "fake-soffice"
    script.write_text(f"#!{sys.executable}\nimport sys, time\n{body}\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def test_no_libreoffice_is_one_clear_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = tmp_path / "r.xlsx"
    report.write_bytes(b"x")
    monkeypatch.setattr("pmo_xl.report.pdf.find_soffice", lambda: None)
    with pytest.raises(PdfError, match="LibreOffice \\(soffice\\) is not installed") as caught:
        convert_to_pdf(report)
    assert "\n" not in str(caught.value)
    assert not report.with_suffix(".pdf").exists()


def test_a_failing_conversion_leaves_no_pdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = tmp_path / "r.xlsx"
    report.write_bytes(b"x")
    monkeypatch.setenv("PMO_XL_SOFFICE", str(_fake_soffice(tmp_path, "print('source file could not be loaded', file=sys.stderr); sys.exit(1)")))
    with pytest.raises(PdfError, match="failed to convert r.xlsx \\(source file could not be loaded\\)"):
        convert_to_pdf(report)
    assert not report.with_suffix(".pdf").exists()
    monkeypatch.setenv("PMO_XL_SOFFICE", str(_fake_soffice(tmp_path, "time.sleep(30)")))
    with pytest.raises(PdfError, match="did not finish within 1 s"):
        convert_to_pdf(report, timeout=1)


def _running(pid: int) -> bool:
    """Whether process `pid` still runs (a zombie waiting for its parent to reap it has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from /proc (Linux)")
def test_a_timeout_ends_libreoffice_and_its_children(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """soffice is a launcher whose soffice.bin child does the printing: a timeout must end both."""
    report = tmp_path / "r.xlsx"
    report.write_bytes(b"x")
    child_pid = tmp_path / "child.pid"
    body = ("import subprocess\n"
            f"child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
            f"open({str(child_pid)!r}, 'w').write(str(child.pid))\n"
            "time.sleep(60)")
    monkeypatch.setenv("PMO_XL_SOFFICE", str(_fake_soffice(tmp_path, body)))
    with pytest.raises(PdfError, match="did not finish within 2 s"):
        convert_to_pdf(report, timeout=2)
    pid = int(child_pid.read_text())
    for _ in range(50):  # the kill is sent before convert_to_pdf returns; give the kernel a moment
        if not _running(pid):
            break
        time.sleep(0.1)
    assert not _running(pid), f"the soffice.bin stand-in (pid {pid}) outlived the timeout"
    assert not report.with_suffix(".pdf").exists()


def test_cli_pdf_failure_is_exit_2_and_one_line(tmp_path: Path, sample: Sample, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "PMO.xlsx"
    write_portfolio_workbook(source, sample.data, sample.settings)
    monkeypatch.setattr("pmo_xl.report.pdf.find_soffice", lambda: None)
    assert main(["report", str(source), "-o", str(tmp_path / "r.xlsx"), "--pdf", "-q"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("pmo-xl: cannot make the PDF: LibreOffice (soffice) is not installed")
    assert (tmp_path / "r.xlsx").is_file()  # the workbook itself was written


def test_a_large_pack_may_print_for_longer(tmp_path: Path) -> None:
    """The timeout ends a hang; it grows with the workbook so a large honest pack is not refused."""
    from pmo_xl.report.pdf import SECONDS_PER_MB, TIMEOUT_SECONDS, default_timeout

    small, large = tmp_path / "small.xlsx", tmp_path / "large.xlsx"
    small.write_bytes(b"x" * 1000)
    large.write_bytes(b"x" * 2_400_000)
    assert default_timeout(small) == TIMEOUT_SECONDS
    assert default_timeout(large) == pytest.approx(2.4 * SECONDS_PER_MB) and default_timeout(large) > TIMEOUT_SECONDS
    assert default_timeout(tmp_path / "missing.xlsx") == TIMEOUT_SECONDS
