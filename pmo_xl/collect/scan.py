"""Find the update files in a folder, and say why every other path in it is not read.

The folder is walked with `os.scandir`, links not followed into folders, so a link loop or a
link to `/` cannot make the walk endless. Every path that is not read is listed with its
reason (collect's one-line-per-file output and its Collection sheet): Excel lock files, files
that are not workbooks, hidden dot-files and dot-folders, links to folders, links to nothing,
link loops, folders that cannot be opened, pipes and devices. A link to a file is read like the
file. File names are shown escaped (`shown_name`), one line each, whatever bytes they hold.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from pmo_xl.io.read_workbook import READABLE_SUFFIXES


@dataclass(frozen=True)
class Skipped:
    path: Path
    name: str  # as shown: relative to the folder, escaped
    reason: str


def shown_name(text: str) -> str:
    """A file name as shown on one line and in a workbook: control characters, bytes that are not
    UTF-8 (held by Python as lone surrogates) and backslashes escaped, so the text says exactly
    which file it is and never moves the cursor, rings a bell or splits a line."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:  # a byte of a name that is not UTF-8 (os.fsdecode's surrogateescape)
            out.append(f"\\x{code - 0xDC00:02x}")
        elif ch == "\\":
            out.append("\\\\")
        elif code < 0x20 or 0x7F <= code < 0xA0 or 0xD800 <= code < 0xE000 or ch in "\u2028\u2029":
            out.append(repr(ch)[1:-1] if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(ch)
    return "".join(out)


def not_a_folder_message(folder: Path) -> str | None:
    """Why `folder` cannot be walked, in words (None when it can)."""
    try:
        info = os.stat(folder)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return f"{shown_name(str(folder))}: a symbolic link loop, not a folder"
        if error.errno in (errno.ENOENT, errno.ENOTDIR):
            return f"{shown_name(str(folder))}: no such folder"
        return f"{shown_name(str(folder))}: the folder cannot be opened ({error.strerror or error})"
    if not stat.S_ISDIR(info.st_mode):
        return f"{shown_name(str(folder))}: this is a file, not a folder; give the folder that holds the updates"
    if not os.access(folder, os.R_OK | os.X_OK):
        return f"{shown_name(str(folder))}: the folder cannot be opened (permission denied)"
    return None


def scan_folder(folder: Path, excluded: set[Path], feedback: Path | None) -> tuple[list[Skipped], list[Path]]:
    """(paths not read with their reasons, workbook files to read), both sorted by name."""
    skipped: list[Skipped] = []
    candidates: list[Path] = []
    _walk(folder, folder, excluded, feedback, skipped, candidates)
    return skipped, candidates


def _walk(folder: Path, root: Path, excluded: set[Path], feedback: Path | None,
          skipped: list[Skipped], candidates: list[Path]) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as error:
        skipped.append(Skipped(folder, _name(folder, root) + "/", f"a folder that cannot be opened ({error.strerror or error}); "
                                                                  "its files were not read"))
        return
    for entry in entries:
        path = Path(entry.path)
        name = _name(path, root)
        try:
            resolved = path.resolve()
        except (OSError, RuntimeError):  # a link loop (RuntimeError before Python 3.13)
            resolved = path
        if resolved in excluded or (feedback is not None and (resolved == feedback or feedback in resolved.parents)):
            continue  # our own outputs, when they were written inside the folder
        reason = _reason_to_skip(entry, path)
        if reason == _FOLDER:
            _walk(path, root, excluded, feedback, skipped, candidates)
        elif reason:
            skipped.append(Skipped(path, name + ("/" if entry.is_dir(follow_symlinks=False) else ""), reason))
        else:
            candidates.append(path)


_FOLDER = "walk into it"


def _reason_to_skip(entry: os.DirEntry[str], path: Path) -> str | None:
    """Why this entry is not read (None: read it; _FOLDER: walk into it)."""
    if entry.name.startswith("~$"):
        return "Excel lock file (someone has the workbook open); ignored"
    if entry.name.startswith("."):
        return "a hidden dot-file or dot-folder (.DS_Store, ._x, .git ...); ignored"
    if entry.is_symlink():
        try:
            target = os.stat(path)
        except OSError as error:
            if error.errno == errno.ELOOP:
                return "a symbolic link loop; ignored"
            return "a symbolic link to nothing (its target is gone); ignored"
        if stat.S_ISDIR(target.st_mode):
            return "a symbolic link to a folder; links to folders are not followed — copy the files into the folder"
        if not stat.S_ISREG(target.st_mode):
            return "a symbolic link to something that is not a file; ignored"
    elif entry.is_dir(follow_symlinks=False):
        return _FOLDER
    elif not entry.is_file(follow_symlinks=False):
        return "not a regular file (a pipe, socket or device); ignored"
    if path.suffix.lower() not in READABLE_SUFFIXES:
        return f"not a workbook ({shown_name(path.suffix) or 'no extension'}); only {', '.join(READABLE_SUFFIXES)} files are read"
    return None


def _name(path: Path, root: Path) -> str:
    return shown_name(path.relative_to(root).as_posix())
