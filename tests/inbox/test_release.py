"""Releasing a quarantined message: who may, audited, taken in as any other, and refiled in the real mailbox."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from mpel_app.db.models import AuditLog, EmailCase, Enquiry, InboxMessage, OutboxMessage
from mpel_app.domain.errors import PermissionDenied, ValidationError
from mpel_app.inbox.parse import MAX_PARTS
from tests.inbox import messages as m
from tests.inbox.test_intake import rows, take_in


def too_many_parts() -> bytes:
    """A message from the London MP's office with more parts than the intake takes in unattended."""
    msg = m.plain(subject="Supporting documents for Mr A Example")
    for i in range(MAX_PARTS + 1):
        msg.add_attachment(b"page %d" % i, maintype="text", subtype="plain", filename=f"page-{i}.txt")
    return m.raw(msg)


def quarantined(services) -> list[InboxMessage]:
    return rows(services, InboxMessage, InboxMessage.status == "quarantined")


def test_team_leader_releases_a_held_message_it_is_taken_in_as_normal_and_refiled(world, dovecot):
    services = world.services
    dovecot.deliver(too_many_parts())
    assert take_in(services, dovecot).quarantined == 1
    (held,) = quarantined(services)
    assert "parts" in held.reason and len(dovecot.uids("Quarantine")) == 1

    services.clock.advance(days=1)  # the team leader looks at it the next day
    outcome = services.inbox.release(world.leader, held.id)

    (e,) = rows(services, Enquiry)
    assert outcome.reference == e.reference and e.cts_reference == "B00001/26"
    assert e.member_id == world.mp.id and e.region_code == "LSE" and e.status == "with_region"
    assert e.received_at == held.taken_in_at  # counted from when it came, not from the release
    (message,) = rows(services, InboxMessage)
    assert message.status == "taken_in" and message.enquiry_id == e.id and message.reason == held.reason
    assert len(rows(services, EmailCase)) == 1 and len(rows(services, OutboxMessage)) == 1  # the region told
    assert services.email_cases.quarantine(world.leader) == []
    (entry,) = rows(services, AuditLog, AuditLog.action == "released from quarantine")
    assert entry.user_id == world.leader.id and entry.entity_id == held.id and "parts" in entry.changes

    summary = take_in(services, dovecot)  # the next pass files it where a taken-in message belongs
    assert summary.fetched == 0
    assert dovecot.uids("Quarantine") == [] and len(dovecot.uids("Processed")) == 1
    assert take_in(services, dovecot).fetched == 0 and len(dovecot.uids("Processed")) == 1  # once


def test_a_message_without_a_sender_released_waits_to_be_matched_by_a_person(world, dovecot):
    services = world.services
    dovecot.deliver(m.MALFORMED)
    take_in(services, dovecot)
    (held,) = quarantined(services)
    services.inbox.release(world.admin, held.id)
    (e,) = rows(services, Enquiry)
    assert e.member_id is None and e.region_code is None and e.status == "further_action"
    (message,) = rows(services, InboxMessage)
    assert "not really mime" in message.body_text  # shown as received, as text
    assert "released from quarantine" in message.notes
    take_in(services, dovecot)
    assert dovecot.uids("Quarantine") == [] and len(dovecot.uids("Processed")) == 1


def test_only_the_team_leader_or_an_administrator_may_release_and_only_once(world):
    services = world.services
    inbox = services.inbox
    inbox.take_in(inbox.intake_actor(), "INBOX", 7, 1, m.MALFORMED, inbox.directory())
    (held,) = quarantined(services)
    for someone in (world.agent, world.am_lse, world.case_owner):
        with pytest.raises(PermissionDenied):
            inbox.release(someone, held.id)
    assert rows(services, Enquiry) == [] and len(quarantined(services)) == 1
    inbox.release(world.leader, held.id)
    with pytest.raises(ValidationError, match="already been released"):
        inbox.release(world.leader, held.id)
    assert len(rows(services, Enquiry)) == 1


def test_an_empty_message_cannot_be_taken_in_even_released(world):
    inbox = world.services.inbox
    inbox.take_in(inbox.intake_actor(), "INBOX", 7, 1, b"\r\n\r\n", inbox.directory())
    (held,) = quarantined(world.services)
    with pytest.raises(ValidationError, match="empty"):
        inbox.release(world.leader, held.id)
    assert len(quarantined(world.services)) == 1
    with world.services.uow.read() as s:
        assert s.scalar(select(AuditLog).where(AuditLog.action == "released from quarantine")) is None
