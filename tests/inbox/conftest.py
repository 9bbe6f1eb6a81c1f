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
from tests.support.oauthserver import FakeIdentityProvider
from tests.ui.test_outbox_ui import memory_keyring  # noqa: F401  (the in-memory keyring fixture, reused)


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


@pytest.fixture
def idp(tls_files):  # noqa: F811
    """A fake OpenID provider on loopback (tests/support/oauthserver.py)."""
    provider = FakeIdentityProvider(cert=tls_files.cert, key=tls_files.key)
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture
def oauth_dovecot(idp):
    """Dovecot checking XOAUTH2 logins with the fake provider."""
    server = _server(oauth_tokeninfo=idp.tokeninfo_url)
    yield server
    server.close()


def imap_settings(server, **overrides) -> ImapSettings:
    values = dict(host=server.host, port=server.port, user=server.user, security="plain", timeout=10.0)
    values.update(overrides)
    return ImapSettings(**values)
