"""Read one schedule file, whatever its name says: the content decides MSPDI or XER.

Everything that makes a file unusable becomes `ScheduleReadError` with one sentence the user can
act on (a zip renamed .xml, an .mpp, a damaged export); nothing here writes to the file.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from pmo_xl.issues import Issue
from pmo_xl.schedules.model import Schedule, ScheduleReadError
from pmo_xl.schedules.mspdi import read_mspdi
from pmo_xl.schedules.xer import read_xer

SUFFIXES = (".xml", ".xer")
MAX_BYTES = 512 * 1024 * 1024  # far beyond any real export; a cap on what one file may cost
ZIP, OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"


@dataclass
class ScheduleFile:
    """One file as read: its projects, or why it cannot be used."""

    path: str
    name: str
    schedules: list[Schedule] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    error: str = ""  # set when the file could not be read at all
    seconds: float = 0.0


def read_schedule(path: str | Path, name: str | None = None) -> ScheduleFile:
    """Read `path`; an unusable file is a ScheduleFile with `error`, never an exception."""
    started = time.process_time()
    result = ScheduleFile(str(path), name or Path(path).name)
    try:
        result.schedules, result.issues = _read(Path(path))
    except ScheduleReadError as error:
        result.error = str(error)
    except OSError as error:
        result.error = f"cannot be opened ({error.strerror or error})"
    result.seconds = time.process_time() - started
    return result


def _read(path: Path) -> tuple[list[Schedule], list[Issue]]:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ScheduleReadError(f"{size / 2**20:,.0f} MB is beyond any schedule export (cap {MAX_BYTES // 2**20} MB)")
    with open(path, "rb") as handle:
        head = handle.read(4096)
        if head.startswith(ZIP):
            raise ScheduleReadError("a zip archive (an .xlsx, .docx or compressed folder?), not a schedule: save the "
                                    "schedule from Project as XML, or export it from P6 as XER")
        if head.startswith(OLE):
            raise ScheduleReadError("a binary Office file (an .mpp?), not a schedule export: in Project use "
                                    "File > Save As > XML")
        if head.lstrip(b"\xef\xbb\xbf").startswith(b"ERMHDR"):
            handle.seek(0)
            return read_xer(path, handle.read())
        stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if stripped.startswith(b"<") or head.startswith((b"\xff\xfe", b"\xfe\xff")):
            handle.seek(0)
            schedule, issues = read_mspdi(path, handle, size)
            return [schedule], issues
    if not head.strip():
        raise ScheduleReadError("the file is empty")
    raise ScheduleReadError("neither Microsoft Project XML nor a Primavera P6 XER export")
