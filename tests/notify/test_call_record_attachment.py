"""The call record a region gets with a call note (issue 16), on SQLite and PostgreSQL, through a real loopback
SMTP server: the sending transaction stores the record's facts with the message, not a PDF; the PDF is made when
the mail goes and says what the record said when it was sent, word for word as a PDF made at that moment."""
from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from mpel_app.db.models import OutboxMessage, Region
from mpel_app.notify.attachments import CALL_RECORD, LaterAttachment
from mpel_app.notify.outbox import enqueue
from mpel_app.reports.call_record import render_call_record
from mpel_app.services import audit
from tests.notify.test_outbox import INBOX, rows, sender_for
from tests.services.test_enquiry_flow import SUBJECT, detailed_call


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _sent_case(world):
    e = world.services.enquiries
    return e.send_to_region(world.leader, e.mark_further_action(world.agent, detailed_call(world).id).id)


def _arrived_call_note(server, reference: str):
    """The call note the region's inbox received (the MP's office also gets a written confirmation)."""
    [received] = [m for m in server.messages if reference in m.message["Subject"]
                  and list(m.message.iter_attachments())]
    return received


def _call_note(services, enquiry_id: int) -> OutboxMessage:
    [note] = [r for r in rows(services) if r.entity_id == enquiry_id and r.kind == "call_note"]
    return note


def test_sending_a_case_stores_the_record_as_facts_with_the_message_not_a_pdf(world, services):
    sent = _sent_case(world)
    note = _call_note(services, sent.id)
    assert note.attachment is None
    assert (note.attachment_name, note.attachment_mime) == (f"{sent.reference}-call-record.pdf", "application/pdf")
    stored = json.loads(note.attachment_snapshot)
    assert stored["kind"] == CALL_RECORD
    assert stored["facts"]["reference"] == sent.reference and stored["facts"]["status"] == "With region"
    assert stored["facts"]["footer"].startswith("Printed by Tom Leader on 23 Nov 2026 10:15")


def test_the_region_gets_the_record_as_it_was_sent_though_it_moved_before_the_mail_went(world, services,
                                                                                       smtp_server):
    e = services.enquiries
    sent = _sent_case(world)
    with services.uow.read() as s:
        region = s.get(Region, "LSE").name
        trail = audit.trail(s, "enquiry", sent.id)
    # What the desk used to render inside the send: the record as sent, its history up to the move.
    queued = max(i for i, entry in enumerate(trail) if entry.action == "call note queued")
    expected = _text(render_call_record(sent, audit=trail[:queued], printed_by=world.leader.full_name,
                                        printed_at=services.clock.now(), region_name=region))
    e.acknowledge(world.am_lse, sent.id)
    e.complete_with_response(world.am_lse, sent.id, "Told the office the fresh claim was accepted.")

    report = sender_for(services, smtp_server).deliver_due()

    assert report.sent >= 1
    [pdf] = list(_arrived_call_note(smtp_server, sent.reference).message.iter_attachments())
    assert pdf.get_filename() == f"{sent.reference}-call-record.pdf"
    printed = _text(pdf.get_content())
    assert printed == expected
    assert "With region" in printed and SUBJECT.name in printed and "Printed by Tom Leader" in printed
    assert "Lena South" not in printed and "fresh claim was accepted" not in printed  # acknowledged, answered: later


def test_a_message_whose_facts_cannot_be_rendered_fails_visibly_and_the_others_still_go(world, services,
                                                                                        smtp_server):
    with services.uow() as s:
        bad = enqueue(s, clock=services.clock, kind="call_note", entity="enquiry", entity_id=None, to_address=INBOX,
                      to_name="", subject="Call note with broken facts", body_text="note",
                      attachment=LaterAttachment("x-call-record.pdf", "application/pdf", CALL_RECORD,
                                                 {"reference": 7})).id
    sent = _sent_case(world)

    report = sender_for(services, smtp_server).deliver_due()

    assert report.failed == 1
    by_id = {r.id: r for r in rows(services)}
    assert by_id[bad].status == "pending" and "not a call record page" in by_id[bad].last_error
    assert by_id[bad].next_attempt_at is not None  # tried again later, shown as undelivered meanwhile
    assert _call_note(services, sent.id).status == "sent"
    assert _arrived_call_note(smtp_server, sent.reference)


def test_an_attachment_of_no_known_kind_is_refused_in_the_transaction(world, services):
    with pytest.raises(ValueError, match="no renderer"):
        with services.uow() as s:
            enqueue(s, clock=services.clock, kind="call_note", entity="enquiry", entity_id=1, to_address=INBOX,
                    to_name="", subject="x", body_text="x",
                    attachment=LaterAttachment("x.pdf", "application/pdf", "spreadsheet", {}))
    with services.uow.read() as s:
        assert s.scalar(select(OutboxMessage.id).where(OutboxMessage.subject == "x")) is None
