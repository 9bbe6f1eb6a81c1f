"""The SMTP password: kept in the operating system's keyring, never in a file.

``get_password`` asks the keyring (Windows Credential Manager, macOS Keychain,
Secret Service on Linux) under the service name ``"MPEL Desk SMTP"`` and the
SMTP user name.  Where there is no keyring (a headless machine, a locked-down
profile) ``keyring`` raises ``NoKeyringError``; then the password is asked for
through the ``prompt`` callable the UI supplies (a password dialog) and kept in
this process's memory for the session only.  Nothing here ever writes the
password to disk: a plain-text or base64 file (``keyrings.alt``) is exactly
what the keyring is there to avoid.

The prompt is called on the thread that calls ``get_password``: the UI should
ask on the main thread (at sign-in or from the mail settings) and the
background sender should call with ``prompt=None``, which never blocks.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import keyring
from keyring.errors import PasswordDeleteError

SERVICE_NAME = "MPEL Desk SMTP"

log = logging.getLogger(__name__)

_lock = threading.Lock()
_session: dict[str, str] = {}  # user name -> password, this process only


def get_password(username: str, prompt: Callable[[], str | None] | None = None) -> str | None:
    """The password for ``username``: keyring, then this session's memory, then ``prompt``.

    A prompted answer is offered to the keyring (so the next session need not
    ask) and, if there is none, remembered in memory until the process ends.
    Returns None when nothing is known and there is no prompt or it was cancelled.
    """
    try:
        stored = keyring.get_password(SERVICE_NAME, username)
    except Exception as exc:  # KeyringError, or a backend's own D-Bus/OS error: fall back all the same
        log.info("no usable keyring for the SMTP password (%s); using this session's memory", type(exc).__name__)
        stored = None
    if stored:
        return stored
    with _lock:
        remembered = _session.get(username)
    if remembered:
        return remembered
    if prompt is None:
        return None
    answer = prompt()
    if not answer:
        return None
    set_password(username, answer)
    return answer


def set_password(username: str, password: str) -> bool:
    """Remember the password: in the keyring if there is one (True), else in memory for this session (False)."""
    try:
        keyring.set_password(SERVICE_NAME, username, password)
    except Exception as exc:  # as in get_password: any backend failure means "no keyring here"
        log.info("cannot store the SMTP password in a keyring (%s); keeping it for this session only",
                 type(exc).__name__)
        with _lock:
            _session[username] = password
        return False
    with _lock:
        # The keyring now holds it; a stale in-memory copy must not outlive a change.
        _session.pop(username, None)
    return True


def forget_password(username: str) -> None:
    """Forget the password everywhere we keep it (after the server refused it, or on request)."""
    with _lock:
        _session.pop(username, None)
    try:
        keyring.delete_password(SERVICE_NAME, username)
    except PasswordDeleteError:
        pass  # nothing stored: already forgotten
    except Exception as exc:
        log.info("cannot remove the SMTP password from the keyring (%s)", type(exc).__name__)


def forget_session() -> None:
    """Drop every password held in memory (sign-out; tests)."""
    with _lock:
        _session.clear()
