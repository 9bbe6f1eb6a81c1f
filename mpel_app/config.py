"""Typed settings of one desk, stored with QSettings, with defaults that work with no set-up.

Only what a desk needs before anyone signs in lives here: which database to
open and how long the window may sit idle before it locks.  The environment
variable ``MPEL_DATABASE_URL`` wins over the stored value, so a deployment
script or a test can point a desk elsewhere without touching its settings.
"""
from __future__ import annotations

import os
from collections.abc import Mapping

from PySide6.QtCore import QSettings

from . import paths

ORGANISATION = "MPEL"
APPLICATION = "MPEL Desk"
DATABASE_URL_ENV = "MPEL_DATABASE_URL"
DEFAULT_IDLE_LOCK_MINUTES = 15
# A lock shorter than a long call would interrupt agents mid-call; a day-long
# one would leave personal data open on an empty desk.
MIN_IDLE_LOCK_MINUTES, MAX_IDLE_LOCK_MINUTES = 1, 240


class Settings:
    """Typed view over QSettings("MPEL", "MPEL Desk"); pass a QSettings of your own in tests."""

    def __init__(self, store: QSettings | None = None, environ: Mapping[str, str] | None = None):
        self._store = store if store is not None else QSettings(ORGANISATION, APPLICATION)
        self._environ = os.environ if environ is None else environ

    @property
    def database_url(self) -> str:
        from_env = (self._environ.get(DATABASE_URL_ENV) or "").strip()
        if from_env:
            return from_env
        stored = self._store.value("database/url", "", str)
        return stored.strip() or paths.default_database_url()

    @database_url.setter
    def database_url(self, url: str) -> None:
        self._store.setValue("database/url", url.strip())

    @property
    def idle_lock_minutes(self) -> int:
        raw = self._store.value("security/idle_lock_minutes", DEFAULT_IDLE_LOCK_MINUTES)
        try:
            minutes = int(raw)
        except (TypeError, ValueError):
            # A hand-edited settings file must not stop the desk starting.
            return DEFAULT_IDLE_LOCK_MINUTES
        return min(max(minutes, MIN_IDLE_LOCK_MINUTES), MAX_IDLE_LOCK_MINUTES)

    @idle_lock_minutes.setter
    def idle_lock_minutes(self, minutes: int) -> None:
        self._store.setValue("security/idle_lock_minutes", int(minutes))


def describe_database(url: str) -> str:
    """A short, password-free description for the status bar: 'SQLite file …' or 'PostgreSQL …'."""
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except Exception:
        return "Unknown database"
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return f"SQLite file {parsed.database}" if parsed.database else "SQLite in memory"
    if backend == "postgresql":
        host = parsed.host or "localhost"
        return f"PostgreSQL {parsed.database or ''} on {host}".replace("  ", " ")
    return backend.capitalize()
