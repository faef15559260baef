"""Environment failures (not data problems) and their one-line descriptions for the user."""

from __future__ import annotations

import os

from pmo_xl.issues import one_line
from pmo_xl.raw import WorkbookReadError


class OutputError(Exception):
    """An output cannot be written (folder missing, file open in Excel, no permission)."""


def describe(error: BaseException) -> str:
    """The error as one line for the user: newlines and terminal escapes in names and messages escaped."""
    return one_line(_describe(error))


def _describe(error: BaseException) -> str:
    if isinstance(error, (WorkbookReadError, OutputError)):
        return str(error)
    if isinstance(error, PermissionError):
        return f"{error.filename}: permission denied — is the file open in Excel?"
    if isinstance(error, FileNotFoundError):
        return f"{error.filename}: no such file or folder"
    if isinstance(error, OSError):
        return f"{error.filename or ''}: {error.strerror or error}".lstrip(": ")
    if os.environ.get("PMO_XL_DEBUG"):
        raise error
    return f"unexpected error ({type(error).__name__}: {error}); run again with PMO_XL_DEBUG=1 for details"
