"""A PDF of the report pack, printed by LibreOffice headless (research/perf-limits.md §5).

`convert_to_pdf(report.xlsx)` writes `report.pdf` beside it. LibreOffice runs with a private
profile in a temporary folder (`-env:UserInstallation`), so it neither disturbs nor waits for
a LibreOffice the user has open, and two conversions can run at once. The profile is seeded
with `OOXMLRecalcMode = 1` (never recalculate on load): the report stores every value, so
what prints is exactly what was written. The PDF is converted into a scratch folder and then
moved into place atomically; a failure is one clear line (PdfError), never half a file.

`soffice` is a launcher: the work is done by a child `soffice.bin`. Killing the launcher alone
on a timeout would leave that child printing (and holding the profile) after we gave up, so
LibreOffice runs in a process group (a session) of its own and the whole group is ended.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from pmo_xl.errors import OutputError
from pmo_xl.io.atomic import atomic_path

TIMEOUT_SECONDS = 300  # at the least; a larger pack gets SECONDS_PER_MB for each megabyte
# LibreOffice prints a 2.4 MB pack of 1,000 projects with every project page (about 770 pages) in
# well over 300 s on a loaded machine; a fixed limit refused that pack every time. The limit is
# there to end a hang, not to cap honest work, so it grows with the workbook.
SECONDS_PER_MB = 900
CANDIDATES = ("soffice", "libreoffice", "/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice",
              "/opt/libreoffice/program/soffice", "/Applications/LibreOffice.app/Contents/MacOS/soffice",
              r"C:\Program Files\LibreOffice\program\soffice.exe")
PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>1</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""


class PdfError(OutputError):
    """The PDF could not be made (no LibreOffice, a timeout, a failed conversion)."""


def pdf_page_count(path: str | os.PathLike[str]) -> int:
    """Pages of a PDF written by LibreOffice: its page objects (it writes them uncompressed)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", Path(path).read_bytes()))


def find_soffice() -> str | None:
    """The LibreOffice executable: $PMO_XL_SOFFICE, else the usual names and places."""
    configured = os.environ.get("PMO_XL_SOFFICE")
    if configured:
        return configured if Path(configured).exists() or shutil.which(configured) else None
    for candidate in CANDIDATES:
        found = shutil.which(candidate) or (candidate if Path(candidate).is_file() else None)
        if found:
            return found
    return None


def default_timeout(xlsx_path: str | os.PathLike[str]) -> float:
    """Seconds LibreOffice may take to print `xlsx_path`: TIMEOUT_SECONDS, more for a large workbook."""
    try:
        size = Path(xlsx_path).stat().st_size
    except OSError:
        return float(TIMEOUT_SECONDS)
    return max(float(TIMEOUT_SECONDS), SECONDS_PER_MB * size / 1e6)


def convert_to_pdf(xlsx_path: str | os.PathLike[str], out: str | os.PathLike[str] | None = None,
                   timeout: float | None = None) -> Path:
    """Print `xlsx_path` to PDF (default: the same name with .pdf) with LibreOffice; return the PDF path.

    `timeout` (seconds) defaults to `default_timeout(xlsx_path)`."""
    source = Path(xlsx_path)
    timeout = default_timeout(source) if timeout is None else timeout
    target = Path(out) if out is not None else source.with_suffix(".pdf")
    soffice = find_soffice()
    if soffice is None:
        raise PdfError("cannot make the PDF: LibreOffice (soffice) is not installed — install it "
                       "(e.g. apt-get install libreoffice-calc) or set PMO_XL_SOFFICE; the .xlsx report was written")
    if not source.is_file():
        raise PdfError(f"{source}: no such report to convert")
    with tempfile.TemporaryDirectory(prefix="pmo-xl-pdf-") as scratch:
        scratch_path = Path(scratch)
        profile = scratch_path / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(PROFILE_SETTINGS, encoding="utf-8")
        outdir = scratch_path / "out"
        outdir.mkdir()
        command = [soffice, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--invisible", "--norestore",
                   "--nologo", "--nodefault", "--nolockcheck", "--convert-to", "pdf:calc_pdf_Export", "--outdir", str(outdir), str(source.resolve())]
        returncode, output = _run_in_own_group(command, timeout)
        produced = outdir / f"{source.stem}.pdf"
        if returncode != 0 or not produced.is_file():
            detail = output.strip().splitlines()
            why = detail[-1] if detail else f"exit code {returncode}"
            raise PdfError(f"cannot make the PDF: LibreOffice failed to convert {source.name} ({why})")
        with atomic_path(target) as temporary:
            shutil.copyfile(produced, temporary)
    return target


def _run_in_own_group(command: list[str], timeout: float) -> tuple[int, str]:
    """Run LibreOffice; return its exit code and its stderr (else stdout).

    On a timeout every process of its group is killed (the launcher and its soffice.bin) and
    waited for, so nothing is left running and the scratch profile can be removed.
    """
    posix = os.name == "posix"
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   start_new_session=posix,
                                   creationflags=0 if posix else subprocess.CREATE_NEW_PROCESS_GROUP)  # type: ignore[attr-defined]
    except OSError as error:
        raise PdfError(f"cannot make the PDF: LibreOffice could not start ({error.strerror or error})") from None
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise PdfError(f"cannot make the PDF: LibreOffice did not finish within {timeout:.0f} s") from None
    except BaseException:  # Ctrl+C while printing: leave no LibreOffice behind either
        _kill_group(process)
        raise
    return process.returncode, stderr or stdout or ""


def _kill_group(process: subprocess.Popen[str]) -> None:
    """Kill `process` and every process of its group, then reap it."""
    if os.name == "posix":
        try:
            os.killpg(process.pid, signal.SIGKILL)  # the group id is the launcher's pid (start_new_session)
        except ProcessLookupError:
            pass
    else:  # Windows: taskkill /T ends the whole tree
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(process.pid)], capture_output=True, check=False)
    process.kill()
    process.communicate()
