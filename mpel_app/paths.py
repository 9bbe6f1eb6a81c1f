"""Where things live: resources and migrations (source tree or frozen build) and the user's data."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "MPEL Desk"


def project_root() -> Path:
    # A PyInstaller build unpacks resources and migrations under sys._MEIPASS.
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    return project_root() / "resources"


def fonts_dir() -> Path:
    """The fonts the PDFs embed (resources/fonts): shipped with the desk, not looked for on the PC."""
    return resources_dir() / "fonts"


def migrations_dir() -> Path:
    return project_root() / "migrations"


def user_data() -> Path:
    path = Path(user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    # The database, drafts and log inside are the owner's alone (db/sqlite_files.py says what Windows does).
    if os.name == "posix" and path.stat().st_uid == os.getuid() and path.stat().st_mode & 0o077:
        path.chmod(0o700)
    return path


def default_database_url() -> str:
    return f"sqlite:///{user_data() / 'mpel.sqlite3'}"
