"""RunPython entry points of the PMO.xlsm buttons (PMOMacros.bas calls these by name).

Each is `book = xw.Book.caller(); run the action on XlwingsPort(book)`. The actions themselves
(`pmo_xl.excel.actions`) are written against the port and tested on `MemoryPort`. Whatever goes
wrong becomes one alert in plain words and a status line on Home, never a traceback; the
traceback goes to a log file for whoever supports the workbook.
"""

from __future__ import annotations

import datetime as dt
import sys
import traceback
from pathlib import Path

from pmo_xl.excel.actions import ACTIONS, RunResult, UserFacingError
from pmo_xl.port import WorkbookPort, XlwingsPort

ALERT_TITLE = "PMO"
LOG_FILE = Path.home() / ".pmo-xl" / "logs" / "macros.log"


def validate() -> RunResult | None:
    """Button *Validate*."""
    return _from_excel("Validate")


def refresh_priorities() -> RunResult | None:
    """Button *Refresh priorities*."""
    return _from_excel("Refresh priorities")


def refresh_loading() -> RunResult | None:
    """Button *Refresh loading*."""
    return _from_excel("Refresh loading")


def collect_updates() -> RunResult | None:
    """Button *Collect updates*."""
    return _from_excel("Collect updates")


def import_schedules() -> RunResult | None:
    """Button *Import schedules*."""
    return _from_excel("Import schedules")


def generate_monthly_report() -> RunResult | None:
    """Button *Generate monthly report*."""
    return _from_excel("Generate monthly report")


def compare_scenarios() -> RunResult | None:
    """Button *Compare scenarios*."""
    return _from_excel("Compare scenarios")


def close_period() -> RunResult | None:
    """Button *Close period*."""
    return _from_excel("Close period")


def _from_excel(action: str) -> RunResult | None:
    import xlwings as xw

    try:
        book = xw.Book.caller()
    except Exception as error:
        # No workbook to talk to. RunPython shows what we print to stderr in a message box
        # when Python exits with an error, so this is still one plain line for the user.
        print(f"{action}: start this from the button in PMO.xlsm ({error})", file=sys.stderr)
        raise SystemExit(1) from None
    return run_action(XlwingsPort(book), action)


def run_action(port: WorkbookPort, action: str) -> RunResult | None:
    """Run one button's action on `port`, turning any failure into an alert and a status line."""
    try:
        with port.batch():
            return ACTIONS[action](port)
    except Exception as error:
        message = f"{action} stopped: {plain_words(error)}"
        log = log_error(action, error)
        detail = f"\n\nDetails for whoever supports this workbook: {log}" if log else ""
        try:
            port.set_status(message)
            port.alert(message + detail, ALERT_TITLE)
        except Exception:  # Excel itself is gone or busy: fall back to RunPython's error box
            print(message, file=sys.stderr)
            raise SystemExit(1) from None
        return None


def plain_words(error: BaseException) -> str:
    """One sentence a PMO officer can act on; the type and text of anything unexpected."""
    from pmo_xl.errors import OutputError
    from pmo_xl.io.read_workbook import WorkbookReadError

    if isinstance(error, UserFacingError | WorkbookReadError | OutputError):
        return str(error)
    if isinstance(error, PermissionError):
        return f"{error.filename or 'a file'} cannot be written; is it open in Excel? Close it and try again."
    if isinstance(error, FileNotFoundError):
        return f"{error.filename or 'a file'} does not exist."
    if isinstance(error, OSError):
        return f"{error.filename or 'a file'}: {error.strerror or error}"
    return f"an unexpected problem inside pmo-xl ({type(error).__name__}: {error})."


def log_error(action: str, error: BaseException, log_file: Path | None = None) -> Path | None:
    """Append the traceback to the log file; None when even that is not possible."""
    path = log_file or LOG_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"--- {dt.datetime.now().isoformat(timespec='seconds')} {action}\n")
            handle.write("".join(traceback.format_exception(error)))
        return path
    except OSError:
        return None
