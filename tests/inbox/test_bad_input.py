"""Hostile and broken messages through a real Dovecot: each has a clear, logged outcome and nothing is lost."""
from __future__ import annotations

import logging

from sqlalchemy import select

from mpel_app.db.models import Enquiry, InboxAttachment, InboxMessage
from mpel_app.domain.inbox_rules import safe_filename
from mpel_app.inbox import parse as parsing
from tests.inbox import messages as m
from tests.inbox.test_intake import rows, take_in


def test_malformed_mime_without_sender_is_quarantined_with_the_reason_and_raw_kept(world, dovecot, caplog):
    caplog.set_level(logging.WARNING, logger="mpel_app.services.inbox")
    dovecot.deliver(m.MALFORMED)
    summary = take_in(world.services, dovecot)
    assert (summary.fetched, summary.quarantined) == (1, 1)
    (q,) = rows(world.services, InboxMessage)
    assert q.status == "quarantined" and "no sender" in q.reason and q.raw == m.MALFORMED
    assert q.subject == "broken"
    assert "quarantined" in caplog.text and "no sender" in caplog.text
    assert dovecot.uids("INBOX") == [] and len(dovecot.uids("Quarantine")) == 1
    assert rows(world.services, Enquiry) == []


def test_wrong_unknown_and_missing_charsets_are_read_not_refused(world, dovecot):
    dovecot.deliver(m.WRONG_CHARSET, m.UNKNOWN_CHARSET, m.NO_CHARSET)
    summary = take_in(world.services, dovecot)
    assert summary.enquiries_created == 3
    texts = sorted(e.question for e in rows(world.services, Enquiry))
    assert texts == ["Café owner Müller needs help", "Søren's case", "plain ascii text"]
    notes = "\n".join(x.notes for x in rows(world.services, InboxMessage))
    assert "character set" in notes


def test_a_30_mb_attachment_is_recorded_not_stored_and_the_message_stays_in_processed(world, dovecot):
    big = b"%PDF-1.4\n" + bytes(range(256)) * (30 * 4096)
    dovecot.deliver(m.raw(m.with_attachment("bundle.pdf", big, "application/pdf")))
    summary = take_in(world.services, dovecot)
    assert summary.enquiries_created == 1
    (a,) = rows(world.services, InboxAttachment)
    assert a.kind == "not_kept" and a.data is None and a.size == len(big) and "Processed" in a.note
    assert len(dovecot.uids("Processed")) == 1  # the original, whole, is still there


def test_a_zip_bomb_is_kept_as_it_came_and_never_unpacked(world, dovecot):
    bomb = m.zip_bomb()
    assert len(bomb) < 1024 * 1024
    dovecot.deliver(m.raw(m.with_attachment("papers.zip", bomb, "application/zip")))
    take_in(world.services, dovecot)
    (a,) = rows(world.services, InboxAttachment)
    assert a.kind == "archive" and a.data == bomb and "never unpacks" in a.note


def test_attachment_named_with_a_path_is_sanitised(world, dovecot):
    dovecot.deliver(m.raw(m.with_attachment("..\\..\\x.exe", b"MZ fake exe")))
    take_in(world.services, dovecot)
    (a,) = rows(world.services, InboxAttachment)
    assert a.filename == "x.exe" and a.original_name == "..\\..\\x.exe" and a.data == b"MZ fake exe"
    (msg,) = rows(world.services, InboxMessage)
    assert "saved as “x.exe”" in msg.notes


def test_safe_filename_rules():
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("C:\\Windows\\evil.dll") == "evil.dll"
    assert safe_filename("..") == "attachment"
    assert safe_filename("CON.txt") == "_CON.txt"
    assert safe_filename("a\x00b\r\n.pdf") == "ab.pdf"
    assert len(safe_filename("x" * 500 + ".pdf")) <= 120 and safe_filename("x" * 500 + ".pdf").endswith(".pdf")


def test_html_with_scripts_is_never_kept_as_live_html():
    parsed = parsing.parse(m.raw(m.html_only()))
    assert parsed.html_only and "script" not in parsed.text.lower() and "document.cookie" not in parsed.text
    (html,) = [a for a in parsed.attachments if a.kind == "html"]
    assert html.mime == "text/plain"  # opened as text, never by a browser engine


def test_content_hash_ignores_trace_headers_only():
    raw = m.raw(m.plain(message_id="<h@x.example>"))
    assert parsing.content_hash(b"Received: from a\r\n by b\r\n" + raw) == parsing.content_hash(raw)
    assert parsing.content_hash(raw.replace(b"Mr A Example", b"Mr B Example")) != parsing.content_hash(raw)


NUL_TEXT = (b"From: Jane Smith MP <jane.smith.mp@parliament.example>\r\nSubject: nul\x00here\r\n"
            b"Message-ID: <nul@parliament.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            b"before\x00after\r\n")


def test_nul_characters_are_removed_not_a_reason_to_block_the_mailbox(world):
    """Dovecot itself turns NULs into 0x80 on saving, so the bytes are handed to the service as another IMAP
    server (or a file) could deliver them: PostgreSQL cannot store NUL in text, so they are dropped, noted."""
    inbox = world.services.inbox
    outcome = inbox.take_in(inbox.intake_actor(), "INBOX", 7, 1, NUL_TEXT, inbox.directory())
    assert outcome.kind == "created"
    (msg,) = rows(world.services, InboxMessage)
    assert (msg.subject, msg.body_text) == ("nulhere", "beforeafter") and "NUL" in msg.notes


def test_a_message_the_parser_chokes_on_is_quarantined_not_retried_for_ever(world, dovecot, monkeypatch):
    from mpel_app.services import inbox as inbox_service

    def choke(raw):
        raise LookupError("unexpected parser failure")

    monkeypatch.setattr(inbox_service, "parse", choke)
    dovecot.deliver(m.raw(m.plain()))
    summary = take_in(world.services, dovecot)
    assert summary.quarantined == 1
    (q,) = rows(world.services, InboxMessage)
    assert "LookupError" in q.reason and q.raw


def test_outlook_msg_and_tiff_fax_are_kept_as_documents(world):
    inbox = world.services.inbox
    msg = m.with_attachment("Letter from constituent.msg", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 ole2",
                            "application/vnd.ms-outlook")
    fax = m.fax()
    fax.add_attachment(b"II*\x00 tiff page", maintype="image", subtype="tiff", filename="page2.tif")
    actor, directory = inbox.intake_actor(), inbox.directory()
    inbox.take_in(actor, "INBOX", 9, 1, m.raw(msg), directory)
    inbox.take_in(actor, "INBOX", 9, 2, m.raw(fax), directory)
    kinds = {a.filename: a.kind for a in rows(world.services, InboxAttachment)}
    assert kinds == {"Letter from constituent.msg": "msg", "fax-0001.pdf": "fax_image", "page2.tif": "fax_image"}
