"""Test e-mails as the central inbox receives them: plain, HTML-only, fax, winmail.dat, broken ones."""
from __future__ import annotations

import io
import struct
import zipfile
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from tests.support.world import MONDAY_MORNING

OFFICE = "jane.smith.mp@parliament.example"  # the world's London MP
FAX_GATEWAY = "fax-gateway@faxes.example"
# A tiny but real one-page PDF (what a fax gateway sends), written by hand.
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def plain(subject: str = "Asylum claim of Mr A Example", body: str = "Please advise on the case of Mr A Example, "
          "HO ref E1234567.", sender: str = OFFICE, name: str = "Office of Jane Smith MP",
          message_id: str | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = f"{name} <{sender}>"
    msg["To"] = "mpel-inbox@homeoffice.example.gov.uk"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(MONDAY_MORNING)
    msg["Message-ID"] = message_id or make_msgid(domain="parliament.example")
    msg.set_content(body)
    return msg


def html_only(sender: str = OFFICE) -> EmailMessage:
    msg = plain(sender=sender, subject="Visa application of Ms B Example")
    msg.set_content("<html><head><script>alert('x')</script><style>p{}</style></head><body>"
                    "<p>Dear MPEL,</p><p>Please look at <b>Ms B Example</b>'s visa.</p>"
                    "<img src='https://tracker.example/x.png'><script>document.cookie</script></body></html>",
                    subtype="html")
    return msg


def fax(number: str = "020 7219 3001") -> EmailMessage:
    msg = plain(sender=FAX_GATEWAY, name="Fax gateway", subject=f"Fax from {number}",
                body="You have received a 1 page fax.")
    msg.add_attachment(PDF, maintype="application", subtype="pdf", filename="fax-0001.pdf")
    return msg


TNEF_SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "tnef"


def winmail(data: bytes | None = None, *, body: str = "Letter attached, please see.") -> EmailMessage:
    """An Outlook message whose attachments are inside a winmail.dat (by default a real one, two files)."""
    msg = plain(subject="Letter attached", body=body)
    msg.add_attachment(data if data is not None else (TNEF_SAMPLES / "two-files.tnef").read_bytes(),
                       maintype="application", subtype="ms-tnef", filename="winmail.dat")
    return msg


def tnef_stream(files: list[tuple[str, bytes]]) -> bytes:
    """A minimal TNEF stream holding ``files`` (for names no Outlook sample has, such as a path)."""
    out = bytearray(struct.pack("<IH", 0x223E9F78, 0x0001))

    def attribute(level: int, attr_id: int, attr_type: int, value: bytes) -> None:
        out.extend(struct.pack("<BII", level, (attr_type << 16) | attr_id, len(value)))
        out.extend(value)
        out.extend(struct.pack("<H", sum(value) & 0xFFFF))

    attribute(0x01, 0x9006, 0x0006, struct.pack("<I", 0x00010000))  # attTnefVersion
    for title, body in files:
        attribute(0x02, 0x9002, 0x0006, b"\0" * 14)  # attAttachRendData: a new attachment
        attribute(0x02, 0x8010, 0x0001, title.encode("cp1252") + b"\0")  # attAttachTitle
        attribute(0x02, 0x800F, 0x0006, body)  # attAttachData
    return bytes(out)


def with_attachment(filename: str, data: bytes, mime: str = "application/octet-stream") -> EmailMessage:
    msg = plain(subject=f"Attachment {filename[:20]}")
    maintype, subtype = mime.split("/")
    msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg


def zip_bomb() -> bytes:
    """A zip of 200 MB of zeros: about 200 KB packed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with z.open("zeros.bin", "w", force_zip64=True) as f:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(200):
                f.write(chunk)
    return buffer.getvalue()


def raw(msg: EmailMessage) -> bytes:
    return bytes(msg)


MALFORMED = (b"From: \r\nSubject: broken\r\nContent-Type: multipart/mixed\r\n"
             b"MIME-Version: 1.0\r\n\r\n--\r\nnot really mime\r\n")
WRONG_CHARSET = (b"From: Jane Smith MP <jane.smith.mp@parliament.example>\r\nSubject: charset\r\n"
                 b"Message-ID: <cs1@parliament.example>\r\nMIME-Version: 1.0\r\n"
                 b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                 b"Caf\xe9 owner M\xfcller needs help\r\n")
UNKNOWN_CHARSET = (b"From: jane.smith.mp@parliament.example\r\nSubject: =?x-klingon?q?qapla?=\r\n"
                   b"Message-ID: <cs2@parliament.example>\r\nMIME-Version: 1.0\r\n"
                   b"Content-Type: text/plain; charset=x-klingon\r\n\r\nplain ascii text\r\n")
NO_CHARSET = (b"From: jane.smith.mp@parliament.example\r\nSubject: no charset\r\n"
              b"Message-ID: <cs3@parliament.example>\r\n\r\nS\xf8ren's case\r\n")
