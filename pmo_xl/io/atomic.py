"""Write outputs atomically: to a temporary file beside the target, then rename over it."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from pmo_xl.errors import OutputError


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path; on success it replaces `target`, on failure it is removed.

    A crash never leaves half a file, and the user's file is only replaced once the new one is
    complete. A target locked by Excel (Windows) fails here with a clear message.
    """
    target = Path(target)
    if not target.parent.exists():
        raise OutputError(f"{target.parent}: the output folder does not exist")
    lock = target.parent / f"~${target.name}"
    if lock.exists():
        raise OutputError(f"{target}: the file is open in Excel (lock file {lock.name} present); close it and try again")
    handle, temporary = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=target.suffix, dir=target.parent)
    os.close(handle)
    temporary_path = Path(temporary)
    # mkstemp makes the file private (0600); an output should get the usual permissions, as if
    # it had been created with open(): 0666 less the user's umask.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temporary_path, 0o666 & ~umask)
    try:
        yield temporary_path
        try:
            os.replace(temporary_path, target)
        except PermissionError:
            raise OutputError(f"{target}: cannot be replaced — is it open in Excel? Close it and try again") from None
    finally:
        if temporary_path.exists():
            temporary_path.unlink()
