"""A desk's saved copy of the bank holidays it needs, so it starts without the holidays package.

Working out a year's bank holidays is quick, but importing the ``holidays`` package is not: it
loads every country's module, about a tenth of a second of every start (issue 16).  The desk
needs this year's holidays at once (the first queue's due dates count working days), so it keeps
what it worked out in a small JSON file in the user's data folder and primes
``domain.calendar`` from it on the next start.

The copy is keyed by the installed ``holidays`` version: a new version (new or moved bank
holidays) makes the desk work them out again.  A missing, unreadable or stale copy is never an
error; the package is then imported as before and the copy rewritten.
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Iterable
from datetime import date
from importlib import metadata
from pathlib import Path

from .domain import calendar

log = logging.getLogger(__name__)

FILE_NAME = "bank-holidays.json"
FORMAT = 1


def holidays_version() -> str:
    """The installed holidays package's version, read from its metadata without importing it."""
    try:
        return metadata.version("holidays")
    except metadata.PackageNotFoundError:  # a frozen build without the package's metadata
        from . import __version__  # the bundled package changes only with the app

        return f"bundled-with-{__version__}"


def load(path: Path) -> int:
    """Prime ``domain.calendar`` from the copy at ``path``; the number of (nation, year) entries taken."""
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return 0
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable bank-holiday copy %s: %s", path, exc)
        return 0
    if not isinstance(saved, dict) or saved.get("format") != FORMAT \
            or saved.get("holidays") != holidays_version():
        return 0
    taken = 0
    try:
        for key, days in saved["entries"].items():
            nation, year = key.split(":")
            calendar.prime_bank_holidays(
                nation, int(year), {date.fromisoformat(day): str(name) for day, name in days.items()})
            taken += 1
    except (KeyError, AttributeError, TypeError, ValueError) as exc:
        log.warning("ignoring malformed bank-holiday copy %s: %s", path, exc)
    return taken


def save(path: Path) -> None:
    """Write every (nation, year) this process knows to ``path``, atomically (never a half file)."""
    entries = {
        f"{nation}:{year}": {day.isoformat(): name for day, name in days.items()}
        for (nation, year), days in sorted(calendar.known_bank_holidays().items())
    }
    text = json.dumps({"format": FORMAT, "holidays": holidays_version(), "entries": entries},
                      indent=1, sort_keys=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".bank-holidays-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except OSError as exc:
        log.warning("could not save the bank-holiday copy %s: %s", path, exc)
        Path(temporary).unlink(missing_ok=True)


def warm(path: Path, nations: Iterable[str], years: Iterable[int]) -> bool:
    """Make sure each nation's holidays for ``years`` are known, from the copy where it has them.

    Returns True when something had to be worked out (and the copy was rewritten).
    """
    load(path)
    known = calendar.known_bank_holidays()
    missing = [(nation, year) for nation in nations for year in years if (nation, year) not in known]
    for nation, year in missing:
        calendar.WorkingCalendar(nation).bank_holidays(year)
    if missing:
        save(path)
    return bool(missing)
