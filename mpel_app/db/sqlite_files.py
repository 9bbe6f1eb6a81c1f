"""The embedded SQLite database is its owner's alone: files created owner-only (issue 19).

On POSIX the database file is created ``0600`` before SQLite opens it, and an
existing one (with its ``-wal``, ``-shm`` and ``-journal``) is tightened to
``0600`` if it is looser: SQLite gives the write-ahead log and shared-memory
files the main file's permissions, so they follow it.  The user data directory
holding it, the drafts and the log is ``0700`` (``paths.user_data``).

On Windows nothing is changed here: ``os.chmod`` only sets the read-only flag
there.  The database, drafts and log live under the user's profile
(``%LOCALAPPDATA%\\MPEL Desk``), whose inherited ACL gives access to that user,
SYSTEM and Administrators only; a database placed elsewhere by a ``--database``
URL keeps that folder's ACL (say so to whoever chooses it).
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlalchemy.engine import URL

OWNER_ONLY_FILE = 0o600
OWNER_ONLY_DIR = 0o700
_COMPANIONS = ("", "-wal", "-shm", "-journal")


def database_path(url: URL) -> Path | None:
    """The file of a SQLite URL, or None for memory databases and other backends."""
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:" \
            or url.database.startswith("file:"):
        return None
    return Path(url.database)


def make_owner_only(path: Path) -> None:
    """Create ``path`` owner-only if it is missing, and tighten it and its SQLite companions if looser."""
    if os.name != "posix":
        return
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY_FILE))
    except FileExistsError:
        pass
    except OSError:
        return  # a folder that does not exist, or not ours: SQLite reports it in its own words
    for suffix in _COMPANIONS:
        tighten(Path(f"{path}{suffix}"), OWNER_ONLY_FILE)


def tighten(path: Path, mode: int) -> None:
    """Take group and other permissions off ``path`` if it exists and is ours (POSIX; nothing elsewhere)."""
    if os.name != "posix":
        return
    try:
        st = path.stat()
        if st.st_uid == os.getuid() and stat.S_IMODE(st.st_mode) & ~mode:
            path.chmod(stat.S_IMODE(st.st_mode) & mode)
    except OSError:
        pass
