"""XOAUTH2 tokens renewed while watching: real msal against a fake OpenID provider on loopback (real HTTPS), and a
real Dovecot whose oauth2 passdb checks every token with that provider, refusing expired ones."""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select

from mpel_app.db.models import Enquiry
from mpel_app.inbox import imap as imap_client
from mpel_app.inbox.imap import ImapError
from mpel_app.inbox.intake import watch
from mpel_app.inbox.oauth import TokenSource
from tests.inbox import messages as m
from tests.inbox.conftest import imap_settings


def source(idp, secret=None, **kwargs) -> TokenSource:
    return TokenSource("unused-tenant", idp.client_id, secret or idp.client_secret, oidc_authority=idp.issuer,
                       verify=str(idp.cert), **kwargs)


def test_msal_gets_a_token_over_https_and_answers_again_from_its_cache(idp):
    tokens = source(idp)
    first = tokens.token()
    again = tokens.token()
    assert first.access_token == again.access_token and len(idp.token_requests) == 1  # msal's cache
    assert idp.token_requests[0]["grant_type"] == "client_credentials"
    assert idp.token_requests[0]["scope"] == "https://outlook.office365.com/.default"
    assert 3200 < first.renew_at - time.monotonic() <= 3300  # five minutes before the hour is up


def test_dovecot_accepts_the_xoauth2_login_and_refuses_a_wrong_secret(idp, oauth_dovecot):
    settings = imap_settings(oauth_dovecot)
    with imap_client.connect(settings, tokens=source(idp)) as imap:
        assert imap.select("INBOX") > 0 and imap.renew_at is not None
    assert idp.logins_accepted() == [next(iter(idp.issued))]  # checked by Dovecot with the provider
    with pytest.raises(ImapError) as refused:
        imap_client.connect(settings, tokens=source(idp, secret="wrong"))
    assert refused.value.auth and "AADSTS7000215" in str(refused.value)


def test_an_expired_token_is_refused_by_the_server(idp, oauth_dovecot):
    idp.lifetime = 1
    tokens = source(idp)
    token = tokens.token()
    time.sleep(1.2)  # let it expire (the provider's own clock decides)
    with pytest.raises(ImapError) as refused:
        imap_client.connect(imap_settings(oauth_dovecot), oauth_token=token.access_token)
    assert refused.value.auth and idp.checks[-1] == (token.access_token, False)


def test_watching_renews_the_token_before_it_expires_and_logs_in_again(world, idp, oauth_dovecot):
    idp.lifetime = 4  # seconds: a renewal every 2 s (half its life), so several happen within the test
    tokens = source(idp, margin=2.0)
    settings = imap_settings(oauth_dovecot)
    stop, result = threading.Event(), {}

    def run():
        try:
            result["summary"] = watch(lambda: imap_client.connect(settings, tokens=tokens), world.services.inbox,
                                      settings, stop=stop, poll_seconds=3600, idle_seconds=3600, max_pause=0.5)
        except BaseException as exc:  # handed to the test
            result["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    try:
        for i in range(3):  # mail arrives across several token lifetimes
            oauth_dovecot.deliver(m.raw(m.plain(subject=f"Case {i}")))
            deadline = time.monotonic() + 30
            while oauth_dovecot.uids("INBOX") and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(2.5)
    finally:
        stop.set()
        thread.join(30)
    assert "error" not in result, result.get("error")
    with world.services.uow.read() as s:
        assert s.scalar(select(func.count(Enquiry.id))) == 3
    accepted = idp.logins_accepted()
    assert len(accepted) >= 3  # a new token, and a new log-in with it, every couple of seconds
    assert all(ok for _, ok in idp.checks)  # never a log-in with a token that had run out
    assert len(idp.token_requests) >= len(accepted)


def test_serve_once_logs_in_with_a_token_from_the_provider(world, db_url, idp, oauth_dovecot):
    import json
    import subprocess
    import sys

    oauth_dovecot.deliver(m.raw(m.plain()))
    argv = [sys.executable, "-m", "mpel_app", "--database", db_url, "inbox", "serve", "--imap",
            oauth_dovecot.address, "--user", oauth_dovecot.user, "--password-stdin", "--plain", "--once",
            "--xoauth2-tenant", "t1", "--xoauth2-client-id", idp.client_id, "--xoauth2-authority", idp.issuer,
            "--ca-file", str(idp.cert)]
    done = subprocess.run(argv, input=idp.client_secret + "\n", capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["enquiries_created"] == 1
    assert len(idp.logins_accepted()) == 1 and idp.token_requests[0]["client_id"] == idp.client_id
