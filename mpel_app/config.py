"""Typed settings of one desk, stored with QSettings, with defaults that work with no set-up.

Only what a desk needs before anyone signs in lives here: which database to
open, how long the window may sit idle before it locks, and the mail server
the outbox delivers through.  Environment variables win over stored values
(``MPEL_DATABASE_URL``, ``MPEL_SMTP_HOST``, ``MPEL_SMTP_PORT``, …), so a
deployment script or a test can point a desk elsewhere without touching its
settings.

The database URL is saved without its password: ``mpel db configure`` keeps a
shared PostgreSQL database's password in the OS keyring
(``notify.credentials``), and the composition root adds it when the engine is
built.

Mail: with no SMTP host set, nothing is sent; messages wait in the outbox and
the desk says so (``smtp_settings()`` returns None).  The SMTP password is never
a setting: it lives in the OS keyring (``notify.credentials``).
"""
from __future__ import annotations

import logging
import os
from collections.abc import Mapping

from PySide6.QtCore import QSettings

from . import paths
from .notify.smtp import DEFAULT_TIMEOUT, SmtpSettings

log = logging.getLogger(__name__)

ORGANISATION = "MPEL"
APPLICATION = "MPEL Desk"
DATABASE_URL_ENV = "MPEL_DATABASE_URL"
DEFAULT_IDLE_LOCK_MINUTES = 15
# A lock shorter than a long call would interrupt agents mid-call; a day-long
# one would leave personal data open on an empty desk.
MIN_IDLE_LOCK_MINUTES, MAX_IDLE_LOCK_MINUTES = 1, 240

DEFAULT_SMTP_PORT = 587  # submission, with STARTTLS
# (setting name, environment variable): the stored value is "smtp/<name>".
SMTP_ENV = {
    "host": "MPEL_SMTP_HOST",
    "port": "MPEL_SMTP_PORT",
    "username": "MPEL_SMTP_USERNAME",
    "starttls": "MPEL_SMTP_STARTTLS",
    "from_address": "MPEL_SMTP_FROM",
    "timeout": "MPEL_SMTP_TIMEOUT",
    "ca_file": "MPEL_SMTP_CA_FILE",
}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


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
        """Save the URL, which must carry no password (``mpel db configure`` keeps that in the keyring)."""
        from sqlalchemy.engine import make_url

        if make_url(url.strip()).password:
            raise ValueError("a database password is never saved in the settings: keep it in the keyring "
                             "(mpel db configure)")
        self._store.setValue("database/url", url.strip())
        self._store.sync()  # a command-line process may end before Qt would write it

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

    # ------------------------------------------------------------------ mail

    def smtp_settings(self) -> SmtpSettings | None:
        """The mail server to deliver the outbox through, or None when no host is set (mail not set up)."""
        host = self._smtp_text("host")
        if not host:
            return None
        port = self._smtp_number("port", DEFAULT_SMTP_PORT, int, 1, 65535)
        timeout = self._smtp_number("timeout", DEFAULT_TIMEOUT, float, 1.0, 300.0)
        return SmtpSettings(host=host, port=port, username=self._smtp_text("username"),
                            starttls=self._smtp_flag("starttls", True),
                            from_address=self._smtp_text("from_address"), timeout=timeout,
                            ca_file=self._smtp_text("ca_file") or None)

    def set_smtp(self, **values: object) -> None:
        """Store mail settings by name (host, port, username, starttls, from_address, timeout, ca_file)."""
        for name, value in values.items():
            if name not in SMTP_ENV:
                raise KeyError(f"no mail setting {name!r}")
            self._store.setValue(f"smtp/{name}", "" if value is None else str(value))

    def _smtp_raw(self, name: str) -> str:
        from_env = (self._environ.get(SMTP_ENV[name]) or "").strip()
        if from_env:
            return from_env
        stored = self._store.value(f"smtp/{name}", "")
        return str(stored if stored is not None else "").strip()

    def _smtp_text(self, name: str) -> str:
        return self._smtp_raw(name)

    def _smtp_number(self, name: str, default, kind, low, high):
        raw = self._smtp_raw(name)
        if not raw:
            return default
        try:
            value = kind(raw)
        except ValueError:
            # A typo in the settings must not stop the desk starting: say so in the log, use the default.
            log.warning("mail setting %s=%r is not a number; using %s", name, raw, default)
            return default
        return min(max(value, low), high)

    def _smtp_flag(self, name: str, default: bool) -> bool:
        raw = self._smtp_raw(name).lower()
        if raw in _TRUE:
            return True
        if raw in _FALSE:
            return False
        if raw:
            log.warning("mail setting %s=%r is not yes or no; using %s", name, raw, default)
        return default


def smtp_settings(settings: Settings | None = None) -> SmtpSettings | None:
    """The desk's mail server settings (stored, overridden by MPEL_SMTP_*), or None when no host is set."""
    return (settings or Settings()).smtp_settings()


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
