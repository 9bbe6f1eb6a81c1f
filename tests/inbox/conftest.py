"""Fixtures of the inbox tests: a real Dovecot on loopback (with and without MOVE), and the world to match.

Dovecot is started per test from its own configuration (tests/support/imapserver.py).
The tests are skipped, with a message saying how to install it, only when
Dovecot is not installed; a Dovecot that is installed but fails to start fails
the tests.
"""
from __future__ import annotations

import pytest

from mpel_app.inbox.imap import ImapSettings
from tests.notify.conftest import smtp_server, tls_files  # noqa: F401  (fixtures reused here)
from tests.support import imapserver


def _server(**kwargs):
    if not imapserver.available():
        pytest.skip(imapserver.SKIP_MESSAGE)
    server = imapserver.DovecotServer(**kwargs)
    try:
        server.start()
    except BaseException:
        server.close()
        raise
    return server


@pytest.fixture
def dovecot(tls_files):  # noqa: F811
    server = _server(cert=tls_files.cert, key=tls_files.key)
    yield server
    server.close()


@pytest.fixture
def dovecot_no_move():
    server = _server(move=False)
    yield server
    server.close()


def imap_settings(server, **overrides) -> ImapSettings:
    values = dict(host=server.host, port=server.port, user=server.user, security="plain", timeout=10.0)
    values.update(overrides)
    return ImapSettings(**values)


@pytest.fixture
def memory_keyring():
    """The process-wide keyring swapped for one in memory (as Credential Manager would hold it), then restored."""
    import keyring

    from mpel_app.notify import credentials
    from tests.notify.test_credentials import MemoryKeyring

    before = keyring.get_keyring()
    credentials.forget_session()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)
    credentials.forget_session()
