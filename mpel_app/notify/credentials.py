"""Passwords the desk needs (the SMTP account's, the shared database's): in the OS keyring, never in a file.

``get_password`` asks the keyring (Windows Credential Manager, macOS Keychain,
Secret Service on Linux) under a service name (``"MPEL Desk SMTP"`` by
default, ``DATABASE_SERVICE`` for the shared PostgreSQL database) and an
account name.  Where there is no keyring (a headless machine, a locked-down
profile) ``keyring`` raises ``NoKeyringError``; then the password is asked for
through the ``prompt`` callable the UI supplies (a password dialog) and kept in
this process's memory for the session only.  Nothing here ever writes the
password to disk: a plain-text or base64 file (``keyrings.alt``) is exactly
what the keyring is there to avoid.

The prompt is called on the thread that calls ``get_password``: the UI should
ask on the main thread (at sign-in or from the mail settings) and background
work should call with ``prompt=None``, which never blocks.

The database password is filed under the account ``user@host:port/database``
(``database_account``), so that the saved database URL itself never carries a
password: ``with_database_password(url)`` adds the stored one when the engine
is built.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy.engine import URL, make_url

SERVICE_NAME = "MPEL Desk SMTP"
DATABASE_SERVICE = "MPEL Desk database"

log = logging.getLogger(__name__)

_lock = threading.Lock()
_session: dict[tuple[str, str], str] = {}  # (service, account) -> password, this process only


def _keyring():
    """The keyring package, imported on first use: it takes ~30 ms (its backends, entry points)
    and a desk on its own SQLite file needs no password before its window is up (issue 16)."""
    import keyring  # noqa: PLC0415

    return keyring


def get_password(username: str, prompt: Callable[[], str | None] | None = None, *,
                 service: str = SERVICE_NAME) -> str | None:
    """The password for ``username``: keyring, then this session's memory, then ``prompt``.

    A prompted answer is offered to the keyring (so the next session need not
    ask) and, if there is none, remembered in memory until the process ends.
    Returns None when nothing is known and there is no prompt or it was cancelled.
    """
    try:
        stored = _keyring().get_password(service, username)
    except Exception as exc:  # KeyringError, or a backend's own D-Bus/OS error: fall back all the same
        log.info("no usable keyring for the %s password (%s); using this session's memory",
                 service, type(exc).__name__)
        stored = None
    if stored:
        return stored
    with _lock:
        remembered = _session.get((service, username))
    if remembered:
        return remembered
    if prompt is None:
        return None
    answer = prompt()
    if not answer:
        return None
    set_password(username, answer, service=service)
    return answer


def set_password(username: str, password: str, *, service: str = SERVICE_NAME) -> bool:
    """Remember the password: in the keyring if there is one (True), else in memory for this session (False)."""
    try:
        _keyring().set_password(service, username, password)
    except Exception as exc:  # as in get_password: any backend failure means "no keyring here"
        log.info("cannot store the %s password in a keyring (%s); keeping it for this session only",
                 service, type(exc).__name__)
        with _lock:
            _session[(service, username)] = password
        return False
    with _lock:
        # The keyring now holds it; a stale in-memory copy must not outlive a change.
        _session.pop((service, username), None)
    return True


def forget_password(username: str, *, service: str = SERVICE_NAME) -> None:
    """Forget the password everywhere we keep it (after the server refused it, or on request)."""
    with _lock:
        _session.pop((service, username), None)
    try:
        _keyring().delete_password(service, username)
    except _keyring().errors.PasswordDeleteError:
        pass  # nothing stored: already forgotten
    except Exception as exc:
        log.info("cannot remove the %s password from the keyring (%s)", service, type(exc).__name__)


def forget_session() -> None:
    """Drop every password held in memory (sign-out; tests)."""
    with _lock:
        _session.clear()


# ------------------------------------------------------------- the database

def database_account(url: str | URL) -> str | None:
    """The keyring account for a server database's password (``user@host:port/db``); None for SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" or not parsed.username:
        return None
    host = parsed.host or parsed.query.get("host") or "localhost"
    if isinstance(host, tuple):  # several hosts in the query: the first names the account
        host = host[0]
    port = f":{parsed.port}" if parsed.port else ""
    return f"{parsed.username}@{host}{port}/{parsed.database or ''}"


def without_password(url: str | URL) -> str:
    """The URL as text with any password left out: what may be saved in settings or shown."""
    parsed = make_url(url)
    if isinstance(url, str) and not parsed.password:
        return url.strip()  # as the administrator wrote it
    return parsed._replace(password=None).render_as_string(hide_password=False)  # set() ignores None


def with_database_password(url: str | URL) -> str | URL:
    """The URL with the stored database password added, when it has none of its own and one is stored.

    Returned unchanged otherwise: SQLite, a URL that carries a password, or a
    server that needs none (peer or certificate authentication).
    """
    parsed = make_url(url)
    account = database_account(parsed)
    if account is None or parsed.password:
        return url
    password = get_password(account, service=DATABASE_SERVICE)
    return parsed.set(password=password) if password else url
