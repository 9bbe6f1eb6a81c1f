"""Files handed to the desktop's viewer: opening them, and clearing away the copies made for it.

``default_opener`` opens a file in the program the desktop has for it (a PDF
viewer, a word processor); the views take an ``Opener`` parameter instead, so
tests open no native window.  ``open_in_viewer`` says whether it worked and
never lets a broken viewer lose the file's location.  The printouts and
document copies the desk writes for the viewer carry personal data:
``remove_old_copies`` deletes those older than a day.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

log = logging.getLogger(__name__)

Opener = Callable[[Path], object]  # False means the file could not be opened

# A day is long enough to have read or printed a copy handed to the viewer.
COPY_LIFETIME_SECONDS = 24 * 3600


def default_opener(path: Path) -> bool:
    """Open a file in the desktop's program for it."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def open_in_viewer(opener: Opener, path: Path) -> bool:
    """Hand ``path`` to ``opener``: False when it answered False or failed (logged), so the caller says where it is."""
    try:
        return opener(path) is not False
    except Exception as exc:  # a broken viewer must not lose the file's location
        log.warning("could not open %s", path, exc_info=exc)
        return False


def remove_old_copies(folder: Path, pattern: str = "*") -> None:
    """Delete the files in ``folder`` matching ``pattern`` (every file, by default) written over a day ago."""
    # File ages are wall-clock facts about this machine, not a business rule,
    # so the real time is right here rather than the injected clock.
    cutoff = time.time() - COPY_LIFETIME_SECONDS
    for old in folder.glob(pattern):
        try:
            if old.is_file() and old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            log.warning("could not remove the old copy %s", old, exc_info=True)
