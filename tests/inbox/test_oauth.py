"""XOAUTH2 for Microsoft 365: the SASL string, what goes on the wire, and the token from msal's answer."""
from __future__ import annotations

import msal
import pytest

from mpel_app.inbox import imap as imap_client
from mpel_app.inbox.imap import ImapError
from mpel_app.inbox.oauth import APP_SCOPE, OAuthError, app_token, xoauth2_string
from tests.inbox.conftest import imap_settings


def test_sasl_string_is_exactly_the_xoauth2_format():
    assert xoauth2_string("mpel@homeoffice.example", "tok.en-1") == \
        b"user=mpel@homeoffice.example\x01auth=Bearer tok.en-1\x01\x01"
    with pytest.raises(OAuthError):
        xoauth2_string("mpel@x.example", "bad token")
    with pytest.raises(OAuthError):
        xoauth2_string("mpel\x01@x.example", "t")


class FakeApp:
    """Stands in for msal.ConfidentialClientApplication: records how it was built and asked."""

    def __init__(self, result):
        self.result = result
        self.calls = []

    def __call__(self, client_id, *, authority, client_credential):
        self.calls.append((client_id, authority, client_credential))
        return self

    def acquire_token_for_client(self, scopes):
        self.calls.append(tuple(scopes))
        return self.result


def test_app_token_asks_entra_for_the_imap_app_scope():
    app = FakeApp({"access_token": "abc"})
    assert app_token("tenant-1", "client-1", "secret", app_factory=app) == "abc"
    assert app.calls == [("client-1", "https://login.microsoftonline.com/tenant-1", "secret"), (APP_SCOPE,)]
    with pytest.raises(OAuthError, match="AADSTS7000215"):
        app_token("t", "c", "s", app_factory=FakeApp({"error": "invalid_client",
                                                        "error_description": "AADSTS7000215: bad secret"}))
    assert msal.ConfidentialClientApplication  # the pinned library offers what app_token uses


def test_xoauth2_reaches_the_server_as_authenticate(dovecot):
    """This Dovecot offers no XOAUTH2 (it would need an Entra ID to check tokens against), so it answers that the
    mechanism is unsupported: proof the client asked for AUTHENTICATE XOAUTH2, and the refusal is a login error."""
    settings = imap_settings(dovecot)
    with pytest.raises(ImapError) as refused:
        imap_client.connect(settings, oauth_token="token123")
    assert refused.value.auth and "mechanism" in str(refused.value).lower()


def test_cli_logs_in_with_xoauth2_when_given_a_tenant(world, dovecot, db_url):
    import io

    from mpel_app.__main__ import build_parser
    from mpel_app.cli_inbox import run

    args = build_parser().parse_args(["--database", db_url, "inbox", "serve", "--imap", dovecot.address, "--user",
                                      dovecot.user, "--password-stdin", "--plain", "--once",
                                      "--xoauth2-tenant", "t1", "--xoauth2-client-id", "c1"])
    app = FakeApp({"access_token": "tok"})
    err = io.StringIO()
    code = run(args, stdin=io.StringIO("client-secret\n"), out=io.StringIO(), err=err, oauth_app_factory=app)
    # The token was asked for with the client secret read from stdin, and offered as XOAUTH2 (this Dovecot has none).
    assert app.calls[0] == ("c1", "https://login.microsoftonline.com/t1", "client-secret")
    assert code == 3 and "mechanism" in err.getvalue().lower()
