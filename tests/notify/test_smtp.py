"""SmtpTransport and build_message against a real aiosmtpd server with STARTTLS and AUTH required."""
from __future__ import annotations

import io
import socket
import time
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from mpel_app.notify.smtp import MailError, SmtpTransport, build_message
from tests.notify.conftest import FROM_ADDRESS, REFUSED_DOMAIN, SMTP_PASSWORD

SUBJECT = "URGENT – IMMINENT REMOVAL – 24 Nov 2026 06:00 – LSE000123"


def make_pdf(text: str) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(72, 720, text)
    canvas.save()
    return buffer.getvalue()


def fake_row(**overrides):
    values = dict(to_address="mp.inbox.lse@region.example", to_name="MP INBOX – London and South East",
                  subject=SUBJECT, body_text="Call note for LSE000123.\nRemoval: 24 Nov 2026 06:00.\n",
                  message_id="<1.call_note@mpel-desk.invalid>",
                  created_at=datetime(2026, 11, 23, 16, 30, tzinfo=timezone.utc),
                  attachment=make_pdf("Call record LSE000123"), attachment_name="LSE000123-call-record.pdf",
                  attachment_mime="application/pdf")
    values.update(overrides)
    return SimpleNamespace(**values)


def test_build_message_keeps_subject_message_id_body_and_pdf():
    msg = build_message(fake_row(), FROM_ADDRESS)
    assert msg["Subject"] == SUBJECT
    assert msg["Message-ID"] == "<1.call_note@mpel-desk.invalid>"
    assert msg["To"].addresses[0].addr_spec == "mp.inbox.lse@region.example"
    assert msg["To"].addresses[0].display_name == "MP INBOX – London and South East"
    assert "Call note for LSE000123" in msg.get_body(("plain",)).get_content()
    [pdf] = list(msg.iter_attachments())
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_filename() == "LSE000123-call-record.pdf"


def test_message_without_attachment_is_plain_text():
    msg = build_message(fake_row(attachment=None, attachment_name=None, attachment_mime=None), FROM_ADDRESS)
    assert msg.get_content_type() == "text/plain"


def test_send_over_starttls_with_login(smtp_server):
    SmtpTransport(smtp_server.settings(), SMTP_PASSWORD).send(build_message(fake_row(), FROM_ADDRESS))
    [received] = smtp_server.messages
    assert received.rcpt_tos == ["mp.inbox.lse@region.example"]
    assert received.mail_from == FROM_ADDRESS
    msg = received.message
    assert msg["Subject"] == SUBJECT
    [pdf] = list(msg.iter_attachments())
    assert "Call record LSE000123" in PdfReader(io.BytesIO(pdf.get_content())).pages[0].extract_text()


def test_wrong_password_is_a_clear_error_not_a_hang(smtp_server):
    transport = SmtpTransport(smtp_server.settings(timeout=4.0), "not-the-password")
    started = time.monotonic()
    with pytest.raises(MailError, match="the mail server refused the user name or password") as caught:
        transport.send(build_message(fake_row(), FROM_ADDRESS))
    assert time.monotonic() - started < 5
    assert caught.value.server_wide and not caught.value.permanent
    assert "not-the-password" not in str(caught.value)
    assert smtp_server.messages == []


def test_server_down_is_cannot_reach(smtp_server):
    smtp_server.stop()
    with pytest.raises(MailError, match=rf"cannot reach the mail server 127\.0\.0\.1:{smtp_server.port}"):
        SmtpTransport(smtp_server.settings(), SMTP_PASSWORD).send(build_message(fake_row(), FROM_ADDRESS))


def test_untrusted_certificate_is_a_tls_failure(smtp_server):
    # Without the test CA the self-signed certificate must be refused, not silently accepted.
    transport = SmtpTransport(smtp_server.settings(ca_file=None), SMTP_PASSWORD)
    with pytest.raises(MailError, match="secure connection \\(TLS\\).*not trusted"):
        transport.send(build_message(fake_row(), FROM_ADDRESS))
    assert smtp_server.messages == []


def test_silent_server_times_out_within_the_timeout():
    # A listener that accepts but never greets: the SMTP timeout must bound the wait.
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        from mpel_app.notify.smtp import SmtpSettings
        transport = SmtpTransport(SmtpSettings(host="127.0.0.1", port=port, username="u", timeout=1.0,
                                               from_address=FROM_ADDRESS), "pw")
        started = time.monotonic()
        with pytest.raises(MailError, match="cannot reach the mail server|did not answer"):
            transport.send(build_message(fake_row(), FROM_ADDRESS))
        assert time.monotonic() - started < 3


def test_refused_recipient_is_permanent_and_about_the_message(smtp_server):
    row = fake_row(to_address=f"nobody@{REFUSED_DOMAIN}")
    with pytest.raises(MailError, match="refused the recipient") as caught:
        SmtpTransport(smtp_server.settings(), SMTP_PASSWORD).send(build_message(row, FROM_ADDRESS))
    assert caught.value.permanent and not caught.value.server_wide


def test_password_never_sent_in_clear(smtp_server):
    with pytest.raises(MailError, match="unencrypted"):
        SmtpTransport(smtp_server.settings(starttls=False), SMTP_PASSWORD).send(
            build_message(fake_row(), FROM_ADDRESS))


def test_missing_password_says_so(smtp_server):
    with pytest.raises(MailError, match="password .* is not known"):
        SmtpTransport(smtp_server.settings(), None).send(build_message(fake_row(), FROM_ADDRESS))
