"""The same workbook gives the same report, byte for byte — on an idle machine and on a busy one.

No figure may depend on wall-clock time or machine load (a time limit in the selection solver
once made the Priorities sheet differ between runs under load). Two `pmo-xl report` runs, as the
user starts them, the second while two other processes keep both cores busy.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def _report(workbook: Path, out: Path) -> bytes:
    done = subprocess.run([sys.executable, "-m", "pmo_xl", "report", str(workbook), "-o", str(out), "-q"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode in (0, 1), done.stderr  # 1: the sample's planted mistakes are data errors
    return out.read_bytes()


def test_two_reports_of_one_workbook_are_byte_identical_also_on_a_busy_machine(sample_workbook: Path, tmp_path: Path) -> None:
    idle = _report(sample_workbook, tmp_path / "idle.xlsx")
    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        loaded = _report(sample_workbook, tmp_path / "busy.xlsx")
    finally:
        for process in busy:
            process.kill()
            process.wait()
    assert idle == loaded
