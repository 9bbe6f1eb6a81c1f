"""The outbox end to end on SQLite and PostgreSQL, delivered to a real loopback SMTP server.

Nothing is sent that was not saved; everything saved arrives, once, through
outages, restarts and two senders racing; failures are visible and can be
retried or handled by hand.
"""
from __future__ import annotations

import email
import io
import threading
from collections import Counter
from datetime import timedelta
from email import policy

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from mpel_app.app import open_database
from mpel_app.db.models import OutboxMessage
from mpel_app.domain.errors import InvalidTransition, PermissionDenied, ValidationError
from mpel_app.domain.records import UserRecord
from mpel_app.notify import outbox
from mpel_app.notify.outbox import Attachment, OutboxService, enqueue
from mpel_app.notify.sender import MAX_ATTEMPTS, BackgroundSender, DeliveryReport, OutboxSender, retry_delay
from mpel_app.notify.smtp import SmtpTransport
from mpel_app.services import audit
from tests.notify.conftest import REFUSED_DOMAIN, SMTP_PASSWORD
from tests.notify.test_smtp import make_pdf

# Whoever looks at the outbox: these messages are about enquiries, which every desk user may see.
READER = UserRecord(id=0, username="reader", full_name="A desk user", roles=frozenset(), region_code=None,
                    grade=None, active=True)

INBOX = "mp.inbox.lse@region.example"
SUBJECT = "URGENT – IMMINENT REMOVAL – 24 Nov 2026 06:00 – LSE000123"


def put(services, n: int = 1, *, subject: str = SUBJECT, to: str = INBOX, entity_id: int = 1) -> list[int]:
    """Enqueue n call notes in one unit of work; their ids."""
    ids = []
    with services.uow() as s:
        for i in range(n):
            row = enqueue(s, clock=services.clock, kind="call_note", entity="enquiry", entity_id=entity_id + i,
                          to_address=to, to_name="MP INBOX – London and South East",
                          subject=subject if n == 1 else f"{subject} #{i}",
                          body_text=f"Call note {i}.\nRemoval 24 Nov 2026 06:00.\n",
                          attachment=Attachment(f"LSE00012{i}-call-record.pdf", "application/pdf",
                                                make_pdf(f"Call record LSE00012{i}")))
            ids.append(row.id)
    return ids


def sender_for(services, server, *, password: str = SMTP_PASSWORD, **kwargs) -> OutboxSender:
    return OutboxSender(services.uow, services.clock, lambda: SmtpTransport(server.settings(), password), **kwargs)


def rows(services) -> list[OutboxMessage]:
    with services.uow.read() as s:
        found = list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        s.expunge_all()  # keep them readable after the read-only transaction rolls back
        return found


def arrivals(server) -> Counter:
    return Counter(m.message_id for m in server.messages)


# ------------------------------------------------------------------ transaction


def test_rolled_back_enqueue_sends_nothing(services, smtp_server):
    with pytest.raises(RuntimeError):
        with services.uow() as s:
            enqueue(s, clock=services.clock, kind="call_note", entity="enquiry", entity_id=7,
                    to_address=INBOX, to_name="", subject=SUBJECT, body_text="note")
            audit.record(s, None, services.clock.now(), "enquiry", 7, "logged")
            raise RuntimeError("saving the enquiry failed")
    report = sender_for(services, smtp_server).deliver_due()
    assert report == DeliveryReport(sent=0, failed=0, waiting=0)
    assert rows(services) == [] and smtp_server.messages == []


def test_enqueue_refuses_a_bad_address_and_folds_line_breaks(services):
    with services.uow() as s:
        with pytest.raises(ValidationError, match="not valid"):
            enqueue(s, clock=services.clock, kind="call_note", entity="enquiry", entity_id=1,
                    to_address="", to_name="", subject="x", body_text="")
        row = enqueue(s, clock=services.clock, kind="call_note", entity="enquiry", entity_id=1,
                      to_address=INBOX, to_name="", subject="URGENT\r\nBcc: evil@example.com", body_text="")
        assert row.subject == "URGENT Bcc: evil@example.com"
        assert row.message_id.startswith("<") and row.message_id.endswith("@mpel-desk.invalid>")


# ------------------------------------------------------------------ delivery


def test_enqueued_note_arrives_with_recipient_subject_body_and_pdf(services, smtp_server):
    [oid] = put(services)
    report = sender_for(services, smtp_server).deliver_due()
    assert report == DeliveryReport(sent=1, failed=0, waiting=0)

    [received] = smtp_server.messages
    assert received.rcpt_tos == [INBOX]
    msg = received.message
    assert msg["Subject"] == SUBJECT
    assert msg["To"].addresses[0].addr_spec == INBOX
    assert "Removal 24 Nov 2026 06:00" in msg.get_body(("plain",)).get_content()
    [pdf] = list(msg.iter_attachments())
    assert pdf.get_filename() == "LSE000120-call-record.pdf"
    assert "Call record LSE000120" in PdfReader(io.BytesIO(pdf.get_content())).pages[0].extract_text()

    [row] = rows(services)
    assert row.id == oid and row.status == "sent" and row.attempts == 1
    assert row.sent_at == services.clock.now()
    assert received.message_id == row.message_id
    # On one line, unfolded: every mail system then reads the same Message-ID.
    assert f"Message-ID: {row.message_id}\r\n".encode() in received.data
    assert OutboxService(services.uow, services.clock).pending_summary(READER) == (0, None)
    # A second round finds nothing: sent means sent.
    assert sender_for(services, smtp_server).deliver_due() == DeliveryReport(0, 0, 0)
    assert len(smtp_server.messages) == 1


def test_server_down_waits_with_back_off_then_all_arrive_once(services, smtp_server):
    ids = put(services, 3)
    smtp_server.stop()
    sender = sender_for(services, smtp_server)
    clock = services.clock
    start = clock.now()

    assert sender.deliver_due() == DeliveryReport(sent=0, failed=3, waiting=3)
    for row in rows(services):
        assert row.status == "pending" and row.attempts == 1
        assert "cannot reach the mail server" in row.last_error
        assert row.next_attempt_at == start + timedelta(seconds=30)
    count, error = OutboxService(services.uow, clock).pending_summary(READER)
    assert count == 3 and "cannot reach the mail server" in error

    # Not due yet: nothing is tried.
    clock.advance(seconds=29)
    assert sender.deliver_due() == DeliveryReport(sent=0, failed=0, waiting=3)
    clock.advance(seconds=1)
    assert sender.deliver_due() == DeliveryReport(sent=0, failed=3, waiting=3)
    assert {r.attempts for r in rows(services)} == {2}
    assert {r.next_attempt_at for r in rows(services)} == {clock.now() + timedelta(minutes=1)}

    smtp_server.start()
    clock.advance(minutes=1)
    assert sender.deliver_due() == DeliveryReport(sent=3, failed=0, waiting=0)
    assert sender.deliver_due() == DeliveryReport(sent=0, failed=0, waiting=0)
    expected = {r.message_id for r in rows(services)}
    assert arrivals(smtp_server) == Counter({mid: 1 for mid in expected})
    assert [r.id for r in rows(services) if r.status == "sent"] == ids


def test_delivery_resumes_across_an_app_restart(db_url, clock, smtp_server):
    first = open_database(db_url, clock=clock)
    put(first, 2)
    smtp_server.stop()
    assert sender_for(first, smtp_server).deliver_due().failed == 2
    first.close()  # the desk is closed; the mail server comes back overnight

    smtp_server.start()
    clock.advance(minutes=5)
    second = open_database(db_url, clock=clock)
    try:
        assert sender_for(second, smtp_server).deliver_due() == DeliveryReport(sent=2, failed=0, waiting=0)
        assert sorted(arrivals(smtp_server).values()) == [1, 1]
    finally:
        second.close()


def test_enqueued_before_restart_is_sent_by_the_next_session(db_url, clock, smtp_server):
    first = open_database(db_url, clock=clock)
    put(first)
    first.close()  # closed before any sender ran
    second = open_database(db_url, clock=clock)
    try:
        assert sender_for(second, smtp_server).deliver_due().sent == 1
    finally:
        second.close()
    assert len(smtp_server.messages) == 1


def test_claim_abandoned_by_a_dead_sender_is_taken_over(services, smtp_server):
    [oid] = put(services)
    clock = services.clock
    with services.uow() as s:
        s.execute(update(OutboxMessage.__table__).where(OutboxMessage.__table__.c.id == oid)
                  .values(status="sending", claimed_by="dead-desk:1:x", claimed_at=clock.now()))
    sender = sender_for(services, smtp_server)
    clock.advance(minutes=4)
    assert sender.deliver_due() == DeliveryReport(0, 0, 1)  # it may still be at work
    clock.advance(minutes=1, seconds=1)
    assert sender.deliver_due() == DeliveryReport(1, 0, 0)
    [row] = rows(services)
    assert row.status == "sent" and row.claimed_by == sender.name


def test_wrong_password_is_recorded_quickly_and_clearly(services, smtp_server):
    import time

    put(services, 2)
    started = time.monotonic()
    report = sender_for(services, smtp_server, password="wrong").deliver_due()
    assert time.monotonic() - started < 5
    assert report == DeliveryReport(sent=0, failed=2, waiting=2)
    _, error = OutboxService(services.uow, services.clock).pending_summary(READER)
    assert "the mail server refused the user name or password" in error
    assert smtp_server.messages == []


def test_refused_recipient_waits_for_a_person_and_does_not_block_others(services, smtp_server):
    [bad] = put(services, to=f"old.inbox@{REFUSED_DOMAIN}")
    [good] = put(services, entity_id=2)
    assert sender_for(services, smtp_server).deliver_due() == DeliveryReport(sent=1, failed=1, waiting=1)
    by_id = {r.id: r for r in rows(services)}
    assert by_id[good].status == "sent"
    assert by_id[bad].status == "failed" and by_id[bad].next_attempt_at is None
    assert "refused the recipient" in by_id[bad].last_error
    services.clock.advance(hours=1)
    assert sender_for(services, smtp_server).deliver_due() == DeliveryReport(0, 0, 1)


def test_after_many_attempts_failed_but_still_tried(services, smtp_server):
    put(services)
    smtp_server.stop()
    sender = sender_for(services, smtp_server)
    for _ in range(MAX_ATTEMPTS):
        assert sender.deliver_due().failed == 1
        services.clock.advance(minutes=15)
    [row] = rows(services)
    assert row.status == "failed" and row.attempts == MAX_ATTEMPTS and row.next_attempt_at is not None
    assert [i.status for i in OutboxService(services.uow, services.clock).list_undelivered(READER)] == ["failed"]
    smtp_server.start()
    assert sender.deliver_due().sent == 1


def test_retry_delays_double_from_30_seconds_to_15_minutes():
    assert [retry_delay(n).total_seconds() for n in range(1, 9)] == [30, 60, 120, 240, 480, 900, 900, 900]
    assert retry_delay(10_000) == timedelta(minutes=15)


# ------------------------------------------------------------------ concurrency


def test_two_senders_at_once_never_send_a_message_twice(db_url, clock, smtp_server):
    desks = [open_database(db_url, clock=clock) for _ in range(2)]
    try:
        put(desks[0], 24)
        senders = [sender_for(d, smtp_server, batch=50) for d in desks]
        barrier = threading.Barrier(2)
        reports: list[DeliveryReport] = []
        errors: list[BaseException] = []

        def run(sender: OutboxSender) -> None:
            try:
                barrier.wait(timeout=10)
                reports.append(sender.deliver_due())
            except BaseException as exc:  # surfaced below
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(s,)) for s in senders]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not errors, errors
        assert sum(r.sent for r in reports) == 24 and sum(r.failed for r in reports) == 0
        counts = arrivals(smtp_server)
        assert len(counts) == 24 and set(counts.values()) == {1}
        assert {r.status for r in rows(desks[0])} == {"sent"}
    finally:
        for d in desks:
            d.close()


# ------------------------------------------------------------------ background thread


def test_background_sender_delivers_when_woken_and_stops(services, smtp_server):
    delivered = threading.Event()
    reports: list[DeliveryReport] = []

    def on_report(report: DeliveryReport) -> None:
        reports.append(report)
        if report.sent:
            delivered.set()

    background = BackgroundSender(sender_for(services, smtp_server), interval=3600, on_report=on_report)
    background.start()
    try:
        put(services)
        background.wake()
        assert delivered.wait(timeout=20)
    finally:
        assert background.stop(timeout=20)
    assert not background.running
    assert len(smtp_server.messages) == 1 and sum(r.sent for r in reports) == 1


# ------------------------------------------------------------------ by hand


def test_retry_now_makes_a_waiting_message_due(world, smtp_server):
    services = world.services
    put(services)
    smtp_server.stop()
    sender = sender_for(services, smtp_server)
    sender.deliver_due()
    smtp_server.start()
    assert sender.deliver_due().sent == 0  # backing off
    svc = OutboxService(services.uow, services.clock)
    [item] = svc.list_undelivered(READER)
    svc.retry_now(world.agent, item.id)
    assert sender.deliver_due().sent == 1
    with pytest.raises(InvalidTransition, match="already been delivered"):
        svc.retry_now(world.agent, item.id)
    with services.uow.read() as s:
        assert [e.action for e in audit.trail(s, outbox.ENTITY, item.id)] == ["retry requested"]


def test_offline_procedure_export_then_mark_sent_by_hand(world, smtp_server):
    services = world.services
    [oid] = put(services, entity_id=41)
    svc = OutboxService(services.uow, services.clock)

    # The document carries the call record: only whoever works the outbox exports it, and it is audited.
    with pytest.raises(PermissionDenied):
        svc.export_document(world.case_owner, oid)
    filename, data = svc.export_document(world.agent, oid)
    assert filename == "LSE000120-call-record.eml"
    with services.uow.read() as s:
        [exported] = [e for e in audit.trail(s, "enquiry", 41, views=True) if e.username == "agent"]
    assert exported.action == "viewed" and exported.changes["document"] == filename
    doc = email.message_from_bytes(data, policy=policy.default)
    assert doc["X-Unsent"] == "1" and doc["Subject"] == SUBJECT and doc["To"].addresses[0].addr_spec == INBOX
    [pdf] = list(doc.iter_attachments())
    assert pdf.get_content_type() == "application/pdf"
    [row] = rows(services)
    assert doc["Message-ID"] == row.message_id

    with pytest.raises(PermissionDenied):
        svc.mark_sent_by_hand(world.case_owner, oid, "faxed to the region")
    with pytest.raises(ValidationError, match="say how"):
        svc.mark_sent_by_hand(world.agent, oid, "  ")
    item = svc.mark_sent_by_hand(world.agent, oid, "Emailed from the team mailbox at 14:20")
    assert item.status == "sent_by_hand" and item.sent_at == services.clock.now()
    assert svc.pending_summary(READER) == (0, None)
    # The sender leaves it alone: the region must not get it twice.
    assert sender_for(services, smtp_server).deliver_due() == DeliveryReport(0, 0, 0)
    assert smtp_server.messages == []
    with services.uow.read() as s:
        [entry] = audit.trail(s, "enquiry", 41)
    assert entry.action == "call note sent by hand" and entry.username == "agent"
    assert entry.changes["note"] == "Emailed from the team mailbox at 14:20"
    with pytest.raises(InvalidTransition, match="already been sent by hand"):
        svc.mark_sent_by_hand(world.agent, oid, "again, by fax")


def test_by_hand_refused_while_the_sender_holds_the_message(world):
    services = world.services
    [oid] = put(services)
    with services.uow() as s:
        s.execute(update(OutboxMessage.__table__).where(OutboxMessage.__table__.c.id == oid)
                  .values(status="sending", claimed_by="other", claimed_at=services.clock.now()))
    with pytest.raises(InvalidTransition, match="working on this message"):
        OutboxService(services.uow, services.clock).mark_sent_by_hand(world.agent, oid, "faxed it over")


def test_unusable_mail_settings_keep_messages_waiting(services):
    put(services, 2)
    calls = []

    def no_transport():
        calls.append(1)
        raise RuntimeError("no SMTP host configured")

    report = OutboxSender(services.uow, services.clock, no_transport).deliver_due()
    assert report == DeliveryReport(sent=0, failed=2, waiting=2)
    assert len(calls) == 1  # asked once a round, not once a message
    assert {r.status for r in rows(services)} == {"pending"}
    _, error = OutboxService(services.uow, services.clock).pending_summary(READER)
    assert error == "the mail settings cannot be used: RuntimeError: no SMTP host configured"
