"""0031: a call note's call record is kept as facts (``outbox_messages.attachment_snapshot``), on a database that
already holds mail, both ways, on both databases: messages already holding their PDF keep it and still send it;
going back to 0030 first makes the PDF of every message holding only facts, so nothing waiting is lost."""
from __future__ import annotations

import io

from alembic import command
from pypdf import PdfReader
from sqlalchemy import inspect, select, text

from mpel_app.db import migrate
from mpel_app.db.models import OutboxMessage
from mpel_app.notify.attachments import attachment_data
from mpel_app.notify.outbox import Attachment, enqueue
from tests.notify.test_outbox import INBOX
from tests.notify.test_smtp import make_pdf
from tests.services.test_enquiry_flow import SUBJECT, detailed_call

OLD_PDF = make_pdf("Call record LSE000001 (made by a desk before 0031)")


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _send(world):
    e = world.services.enquiries
    return e.send_to_region(world.leader, e.mark_further_action(world.agent, detailed_call(world).id).id)


def _attachments(engine) -> dict[str, bytes | None]:
    with engine.connect() as conn:
        return dict(conn.execute(text("SELECT subject, attachment FROM outbox_messages "
                                      "WHERE kind = 'call_note'")).all())


def test_0031_down_makes_the_pdfs_and_up_again_keeps_them(world, services):
    engine = services.engine
    with services.uow() as s:
        enqueue(s, clock=services.clock, kind="call_note", entity="enquiry", entity_id=None, to_address=INBOX,
                to_name="", subject="Sent before 0031", body_text="note",
                attachment=Attachment("LSE000001-call-record.pdf", "application/pdf", OLD_PDF))
    sent = _send(world)

    command.downgrade(migrate.alembic_config(engine), "0030")

    assert "attachment_snapshot" not in {c["name"] for c in inspect(engine).get_columns("outbox_messages")}
    made = _attachments(engine)
    assert made["Sent before 0031"] == OLD_PDF
    [note_subject] = [subject for subject in made if sent.reference in subject]
    printed = _pdf_text(made[note_subject])
    assert sent.reference in printed and SUBJECT.name in printed and "With region" in printed
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:  # the function as 0030 had it, so 0030's code can still export
            assert conn.scalar(text("SELECT pg_get_function_result('mpel_outbox_document(integer)'::regprocedure)")
                               ) == "TABLE(body_text text, attachment bytea)"

    migrate.upgrade(engine)

    with services.uow.read() as s:
        by_subject = {m.subject: m for m in s.scalars(select(OutboxMessage))}
        assert attachment_data(by_subject["Sent before 0031"]) == OLD_PDF
        assert by_subject[note_subject].attachment_snapshot is None
        assert sent.reference in _pdf_text(attachment_data(by_subject[note_subject]))
    again = _send(world)
    with services.uow.read() as s:
        note = s.scalar(select(OutboxMessage).where(OutboxMessage.entity_id == again.id,
                                                    OutboxMessage.kind == "call_note"))
        assert note.attachment is None and note.attachment_snapshot
