"""Intake from a real Dovecot on loopback into SQLite and PostgreSQL: each kind of message, exactly once."""
from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from mpel_app.db.models import EmailCase, Enquiry, InboxAttachment, InboxDelivery, InboxMessage, OutboxMessage
from mpel_app.inbox import imap as imap_client
from mpel_app.inbox.intake import run_once
from mpel_app.inbox.imap import ImapError
from tests.inbox import messages as m
from tests.inbox.conftest import imap_settings


def take_in(services, server, **kwargs):
    settings = imap_settings(server, **{k: v for k, v in kwargs.items() if k != "after_commit"})
    with imap_client.connect(settings, password=server.password) as imap:
        return run_once(imap, services.inbox, settings, after_commit=kwargs.get("after_commit"))


def rows(services, model, *where):
    with services.uow.read() as s:
        found = list(s.scalars(select(model).where(*where).order_by(*model.__table__.primary_key.columns)))
        s.expunge_all()  # plain loaded objects, readable after the session ends
        return found


def test_plain_email_becomes_an_allocated_email_enquiry_with_a_cts_reference(world, dovecot):
    services = world.services
    dovecot.deliver(m.raw(m.plain()))
    summary = take_in(services, dovecot)
    assert summary.as_dict() == {"fetched": 1, "enquiries_created": 1, "already_taken_in": 0, "quarantined": 0,
                                 "replies_checked_in": 0}
    (e,) = rows(services, Enquiry)
    assert e.channel == "email" and e.member_id == world.mp.id and e.region_code == "LSE"
    assert e.status == "with_region" and e.cts_reference == "B00001/26" and e.reference.startswith("MPH")
    assert "HO ref E1234567" in e.question
    # 10 working days from Monday 23/11/2026 (England and Wales) is Monday 7/12.
    assert e.due_date.isoformat() == "2026-12-07"
    (case,) = rows(services, EmailCase)
    assert case.state == "allocated"
    (note,) = rows(services, OutboxMessage)
    assert note.to_address and "B00001/26" in note.subject and "Jane Smith" in note.subject
    assert "URGENT" not in note.subject
    # Filed in Processed, never marked seen, and INBOX left empty.
    assert dovecot.uids("INBOX") == [] and len(dovecot.uids("Processed")) == 1
    assert dovecot.uids("Quarantine") == []
    assert "\\Seen" not in dovecot.flags("Processed")[0]


def test_second_run_takes_nothing_and_a_duplicate_delivery_is_not_a_second_enquiry(world, dovecot):
    services = world.services
    first = m.raw(m.plain(message_id="<dup@parliament.example>"))
    dovecot.deliver(first)
    take_in(services, dovecot)
    assert take_in(services, dovecot).fetched == 0
    # The same message delivered again (a second Received line, a new UID).
    dovecot.deliver(b"Received: from relay2.example by mx.example; Mon, 23 Nov 2026 10:20:00 +0000\r\n" + first)
    summary = take_in(services, dovecot)
    assert (summary.fetched, summary.enquiries_created, summary.already_taken_in) == (1, 0, 1)
    assert len(rows(services, Enquiry)) == 1
    assert len(rows(services, InboxDelivery)) == 2
    assert len(dovecot.uids("Processed")) == 2 and dovecot.uids("INBOX") == []


class Crash(BaseException):
    """The intake dying between the commit and the move (as a kill -9 would leave it)."""


def test_crash_between_commit_and_move_next_run_only_moves(world, dovecot):
    services = world.services
    dovecot.deliver(m.raw(m.plain()), m.raw(m.plain(subject="Second case")))

    def crash(uid):
        raise Crash()

    with pytest.raises(Crash):
        take_in(services, dovecot, after_commit=crash)
    assert len(rows(services, Enquiry)) == 1  # committed
    assert len(dovecot.uids("INBOX")) == 2  # but not moved
    summary = take_in(services, dovecot)
    assert summary.as_dict() == {"fetched": 2, "enquiries_created": 1, "already_taken_in": 1, "quarantined": 0,
                                 "replies_checked_in": 0}
    assert len(rows(services, Enquiry)) == 2
    assert dovecot.uids("INBOX") == [] and len(dovecot.uids("Processed")) == 2
    assert all(d.moved_at is not None for d in rows(services, InboxDelivery))


def test_server_without_move_uses_copy_and_expunge(world, dovecot_no_move):
    services = world.services
    dovecot_no_move.deliver(m.raw(m.plain()), m.raw(m.plain(subject="Other")))
    settings = imap_settings(dovecot_no_move)
    with imap_client.connect(settings, password=dovecot_no_move.password) as imap:
        assert not imap.has_move and imap.has_uidplus
        summary = run_once(imap, services.inbox, settings)
    assert summary.enquiries_created == 2
    assert dovecot_no_move.uids("INBOX") == [] and len(dovecot_no_move.uids("Processed")) == 2
    assert not any("\\Seen" in f or "\\Deleted" in f for f in dovecot_no_move.flags("Processed"))


def test_server_without_move_or_uidplus_falls_back_to_expunge(world):
    from tests.support import imapserver

    if not imapserver.available():
        pytest.skip(imapserver.SKIP_MESSAGE)
    server = imapserver.DovecotServer(move=False, uidplus=False)
    try:
        server.start()
        server.deliver(m.raw(m.plain()), m.raw(m.plain(subject="Other")))
        settings = imap_settings(server)
        with imap_client.connect(settings, password=server.password) as imap:
            assert not imap.has_move and not imap.has_uidplus
            assert run_once(imap, world.services.inbox, settings).enquiries_created == 2
        assert server.uids("INBOX") == [] and len(server.uids("Processed")) == 2
    finally:
        server.close()


def test_wrong_password_is_refused_with_a_clear_error_and_nothing_taken(world, dovecot):
    dovecot.deliver(m.raw(m.plain()))
    settings = imap_settings(dovecot)
    with pytest.raises(ImapError) as refused:
        imap_client.connect(settings, password="wrong")
    assert refused.value.auth and "refused the login" in str(refused.value)
    assert rows(world.services, Enquiry) == [] and len(dovecot.uids("INBOX")) == 1


def test_dropped_connection_then_the_next_run_finishes_exactly_once(world, dovecot):
    services = world.services
    dovecot.deliver(*(m.raw(m.plain(subject=f"Case {i}")) for i in range(3)))

    def drop(uid):
        dovecot.stop()  # the server goes away right after the first commit

    with pytest.raises(ImapError) as lost:
        take_in(services, dovecot, after_commit=drop)
    assert "lost" in str(lost.value)
    dovecot.start()
    summary = take_in(services, dovecot)
    assert (summary.fetched, summary.enquiries_created, summary.already_taken_in) == (3, 2, 1)
    assert len(rows(services, Enquiry)) == 3 and dovecot.uids("INBOX") == []


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_connections_check_the_certificate(world, dovecot, tls_files, security):
    dovecot.deliver(m.raw(m.plain()))
    port = dovecot.ssl_port if security == "ssl" else dovecot.port
    ok = imap_settings(dovecot, security=security, port=port, host="localhost", ca_file=str(tls_files.cert))
    with imap_client.connect(ok, password=dovecot.password) as imap:
        assert run_once(imap, world.services.inbox, ok).enquiries_created == 1
    untrusted = imap_settings(dovecot, security=security, port=port, host="localhost")
    with pytest.raises(ImapError, match="TLS|certificate"):
        imap_client.connect(untrusted, password=dovecot.password)


def test_html_only_is_kept_as_text_never_live(world, dovecot):
    dovecot.deliver(m.raw(m.html_only()))
    take_in(world.services, dovecot)
    (e,) = rows(world.services, Enquiry)
    assert "Please look at Ms B Example's visa." in e.question
    assert "alert" not in e.question and "cookie" not in e.question and "<" not in e.question
    (msg,) = rows(world.services, InboxMessage)
    assert msg.html_only
    (html,) = rows(world.services, InboxAttachment)
    assert html.kind == "html" and html.mime == "text/plain"


def test_fax_with_pdf_is_sent_on_to_the_region_with_the_image(world, dovecot):
    services = world.services
    with services.uow() as s:  # the London MP's office fax
        from mpel_app.db.models import Member
        s.get(Member, world.mp.id).office_fax = "+442072193001"
    dovecot.deliver(m.raw(m.fax()))
    take_in(services, dovecot)
    (e,) = rows(services, Enquiry)
    assert e.channel == "fax" and e.cts_reference == "" and e.member_id == world.mp.id
    assert e.region_code == "LSE" and e.due_date.isoformat() == "2026-11-30"  # 5 working days
    (image,) = rows(services, InboxAttachment)
    assert image.kind == "fax_image" and image.data == m.PDF
    (note,) = rows(services, OutboxMessage)
    assert note.kind == "fax_note" and note.attachment == m.PDF and note.attachment_name == "fax-0001.pdf"


def test_winmail_dat_is_kept_and_its_files_split_out_as_attachments_of_their_own(world, dovecot):
    sample = (m.TNEF_SAMPLES / "two-files.tnef").read_bytes()  # written by Outlook
    dovecot.deliver(m.raw(m.winmail(sample)))
    take_in(world.services, dovecot)
    tnef, *inner = rows(world.services, InboxAttachment)
    assert tnef.kind == "tnef" and tnef.filename == "winmail.dat" and tnef.data == sample
    assert "split out: AUTHORS, README" in tnef.note
    assert [(a.filename, a.size, a.kind, a.note) for a in inner] == [
        ("AUTHORS", 244, "attachment", "from winmail.dat"), ("README", 893, "attachment", "from winmail.dat")]
    assert inner[1].data.split()[:2] == [b"TNEF", b"===="]  # the file itself, not a listing of it
    (e,) = rows(world.services, Enquiry)
    (message,) = rows(world.services, InboxMessage)
    assert message.enquiry_id == e.id and "Letter attached" in message.body_text


def test_unknown_sender_and_bare_domain_are_created_unmatched_for_a_person(world, dovecot, caplog):
    dovecot.deliver(m.raw(m.plain(sender="someone@parliament.example")),
                    m.raw(m.plain(sender="parliament.example@", subject="odd")))
    caplog.set_level(logging.WARNING, logger="mpel_app.services.inbox")
    summary = take_in(world.services, dovecot)
    assert summary.enquiries_created + summary.quarantined == 2
    unmatched = rows(world.services, Enquiry)
    assert unmatched and all(e.member_id is None and e.status == "further_action" for e in unmatched)
    assert "matches no Member's office" in caplog.text
    assert rows(world.services, OutboxMessage) == []  # nothing goes to a region until a person matches it
