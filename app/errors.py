"""The app's one error type for people: a command could not be carried out, and why.

Also `disk_full`, which words a failed write to a full (or failing) disk, whichever layer
raised it, as one `DiskFull` sentence naming the folder to free space in.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path


class CommandError(Exception):
    """A command could not be carried out; str() is the one-line message for a person."""


class DiskFull(CommandError):
    """A write failed because the disk is full or could not be written; nothing was changed
    (SQLite rolls the transaction back; a file being written is removed)."""

    def __init__(self, folder: Path) -> None:
        super().__init__(
            f"The disk holding {folder} is full (or could not be written): free some space and"
            " try again; nothing was changed."
        )
        self.folder = folder


#: SQLite's primary result codes for "database or disk is full" and "disk I/O error" (the
#: latter is what a write past the end of the disk or past the file-size limit gives).
SQLITE_IOERR, SQLITE_FULL = 10, 13
#: No space, over quota, file larger than allowed (a file-size limit).
_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def disk_full(error: BaseException, folder: Path) -> DiskFull | None:
    """`error` as a DiskFull naming `folder` (for a file error, the file's own folder), or
    None if it is not a failed write to a full or failing disk."""
    if isinstance(error, DiskFull):
        return error
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        if code is not None and code & 0xFF in (SQLITE_IOERR, SQLITE_FULL):
            return DiskFull(folder)
        return None
    if isinstance(error, OSError) and error.errno in _FULL_ERRNOS:
        return DiskFull(Path(error.filename).parent if error.filename else folder)
    return None
