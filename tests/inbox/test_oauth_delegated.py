"""A person's desk reading a Microsoft 365 mailbox: a device-code sign-in, then delegated tokens renewed from the
refresh token kept in the keyring, before they expire and when the server refuses one.  Real msal over HTTPS to the
fake OpenID provider on loopback, and a real Dovecot whose oauth2 passdb checks every token with that provider."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from mpel_app.db.models import Enquiry
from mpel_app.inbox.desk_intake import DeskIntake, DeskMailbox
from mpel_app.inbox.oauth import NeedsSignIn
from mpel_app.inbox.oauth_delegated import KEYRING_PART, KEYRING_SERVICE, load_refresh_token
from tests.inbox import messages as m

HOUR = 3600


@pytest.fixture
def o365(world, idp, oauth_dovecot, memory_keyring, monkeypatch):
    """The Microsoft 365 mailbox set up for the desks (`mpel inbox configure --xoauth2-client-id ...`).

    The provider's certificate is trusted the way a site trusts its own CA, through REQUESTS_CA_BUNDLE."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(idp.cert))
    mailbox = DeskMailbox(host=oauth_dovecot.host, port=oauth_dovecot.port, security="plain",
                          user=oauth_dovecot.user, oauth_client_id=idp.public_client_id, oauth_authority=idp.issuer)
    world.services.desk_intake.configure(world.admin, mailbox)
    return mailbox


def signed_in(world, idp, intake=None) -> DeskIntake:
    """The team leader signs in with the device code: the desk shows it, the person enters it in a browser."""
    intake = intake or world.services.desk_intake
    code = intake.begin_sign_in(world.leader)
    assert code.user_code in code.message and code.verification_uri in code.message
    assert intake.poll_sign_in(world.leader, code) is False  # not entered yet
    idp.approve(code.user_code)
    assert intake.poll_sign_in(world.leader, code) is True
    return intake


def stored_refresh_token(memory_keyring, mailbox) -> str | None:
    return load_refresh_token(mailbox.account)


def enquiries(world) -> int:
    with world.services.uow.read() as s:
        return s.scalar(select(func.count(Enquiry.id)))


def test_device_code_sign_in_keeps_the_refresh_token_in_the_keyring_and_the_next_session_renews_from_it(
        world, idp, oauth_dovecot, o365, memory_keyring):
    intake = world.services.desk_intake
    with pytest.raises(NeedsSignIn) as asked:
        intake.take_in_now(world.leader)
    assert asked.value.account == o365.account and not oauth_dovecot.uids("Processed")
    signed_in(world, idp)
    first_refresh = stored_refresh_token(memory_keyring, o365)
    assert first_refresh in idp.refresh_tokens
    assert list(memory_keyring.store) == [(KEYRING_SERVICE, o365.account)]  # the refresh token only
    assert "https://outlook.office365.com/IMAP.AccessAsUser.All" in idp.device_requests[-1]["scope"].split()
    oauth_dovecot.deliver(m.raw(m.plain()))
    assert intake.take_in_now(world.leader).enquiries_created == 1
    assert len(idp.logins_accepted()) == 1

    # The desk restarts (nothing in memory): the refresh token in the keyring gets a new pair, no sign-in.
    again = DeskIntake(world.services.uow, world.services.clock, world.services.inbox)
    oauth_dovecot.deliver(m.raw(m.plain(subject="Next session")))
    assert again.take_in_now(world.leader).enquiries_created == 1
    assert idp.grants()[-1] == "refresh_token"
    assert stored_refresh_token(memory_keyring, o365) not in (None, first_refresh)  # rotated, and kept
    assert first_refresh not in idp.refresh_tokens  # the provider took the old one back
    assert enquiries(world) == 2 and all(ok for _, ok in idp.checks)


def test_the_token_is_renewed_before_it_expires(world, idp, oauth_dovecot, o365, memory_keyring):
    intake = signed_in(world, idp)
    for subject in ("One", "Two"):
        oauth_dovecot.deliver(m.raw(m.plain(subject=subject)))
        intake.take_in_now(world.leader)
    assert idp.grants()[-1].endswith("device_code")  # an hour's token serves both passes
    first = idp.logins_accepted()[0]
    world.services.clock.advance(seconds=HOUR - 299)  # within five minutes of its end
    oauth_dovecot.deliver(m.raw(m.plain(subject="Three")))
    assert intake.take_in_now(world.leader).enquiries_created == 1
    assert idp.grants()[-1] == "refresh_token"
    renewed = idp.logins_accepted()[-1]
    assert renewed != first and idp.issued[first] > time.monotonic()  # renewed while the old one still lived
    assert all(ok for _, ok in idp.checks)  # the server never saw a token it refused
    assert enquiries(world) == 3


def test_a_token_the_server_refuses_is_renewed_and_the_login_made_again(world, idp, oauth_dovecot, o365,
                                                                     memory_keyring):
    intake = signed_in(world, idp)
    intake.take_in_now(world.leader)
    current = idp.logins_accepted()[-1]
    idp.revoke(current)  # withdrawn before its time (a password change, an administrator's sign-out)
    oauth_dovecot.deliver(m.raw(m.plain()))
    assert intake.take_in_now(world.leader).enquiries_created == 1
    assert (current, False) in idp.checks and idp.grants()[-1] == "refresh_token"
    assert idp.checks[-1][1] is True and idp.checks[-1][0] != current


def test_a_refused_refresh_token_is_forgotten_and_the_person_signs_in_again(world, idp, oauth_dovecot, o365,
                                                                           memory_keyring):
    intake = signed_in(world, idp)
    intake.take_in_now(world.leader)
    idp.revoke_refresh_tokens()  # the sign-in ended at the provider
    idp.revoke(idp.logins_accepted()[-1])
    oauth_dovecot.deliver(m.raw(m.plain()))
    with pytest.raises(NeedsSignIn, match="AADSTS700082"):
        intake.take_in_now(world.leader)
    assert stored_refresh_token(memory_keyring, o365) is None and memory_keyring.store == {}
    with pytest.raises(NeedsSignIn):  # asked again, not retried with what the provider refused
        intake.take_in_now(world.leader)
    signed_in(world, idp, intake)
    assert intake.take_in_now(world.leader).enquiries_created == 1
    assert oauth_dovecot.uids("INBOX") == []


def test_a_refresh_token_too_long_for_one_credential_is_kept_in_parts(world, idp, oauth_dovecot, o365,
                                                                     memory_keyring):
    """Windows Credential Manager holds 1,280 characters a credential; Entra ID's refresh tokens can be longer."""
    idp.refresh_token_length = 2500
    intake = signed_in(world, idp)
    issued = next(iter(idp.refresh_tokens))
    assert len(issued) == 2500 and stored_refresh_token(memory_keyring, o365) == issued
    assert len(memory_keyring.store) == 3 and all(len(v) <= KEYRING_PART + 3 for v in memory_keyring.store.values())
    idp.refresh_token_length = 0  # the next one is short: the parts left over go
    oauth_dovecot.deliver(m.raw(m.plain()))
    again = DeskIntake(world.services.uow, world.services.clock, world.services.inbox)
    assert again.take_in_now(world.leader).enquiries_created == 1
    assert stored_refresh_token(memory_keyring, o365) in idp.refresh_tokens
    assert list(memory_keyring.store) == [(KEYRING_SERVICE, o365.account)]
    assert intake.take_in_now(world.leader).fetched == 0


def test_configure_on_the_command_line_sets_the_desks_up_for_a_microsoft_365_sign_in(world, db_url, capsys):
    from mpel_app.__main__ import main

    argv = ["--database", db_url, "inbox", "configure", "--imap", "outlook.office365.com", "--user",
            "mpel-inbox@example.gov.uk", "--xoauth2-client-id", "desk-app-id", "--xoauth2-tenant", "example-tenant"]
    assert main(argv) == 0
    assert "each person signs in to Microsoft 365 on their desk" in capsys.readouterr().out
    mailbox = world.services.desk_intake.mailbox()
    assert (mailbox.security, mailbox.port, mailbox.oauth_client_id, mailbox.oauth_tenant) == \
        ("ssl", 993, "desk-app-id", "example-tenant")
    assert mailbox.uses_oauth and mailbox.oauth_authority == ""
    assert main(argv[:-4] + ["--xoauth2-tenant", "example-tenant"]) == 2  # a tenant without the app
