"""The off-line procedure's Word document: an e-mail enquiry as a .docx, and reading a reply back.

When CTS is unavailable the e-mail is saved as a Word document and sent to
the regional inbox (guidance, "Emails – Off Line Procedure").  The document
carries the CTS reference in its title and in its core properties, so a reply
written into it (or a file coming back) can be checked in against the right
enquiry (``read_reply``).  python-docx is imported only when a document is
made or read.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

from ..domain.inbox_rules import find_cts_reference

REPLY_HEADING = "Reply"
REPLY_PLACEHOLDER = "(write the reply below this line)"


@dataclass(frozen=True)
class OfflineEmail:
    cts_reference: str
    reference: str
    member: str
    sender: str
    subject: str
    received: str  # shown time, Europe/London
    region: str
    due: str
    text: str
    attachments: tuple[str, ...] = ()


def render(email: OfflineEmail) -> bytes:
    from docx import Document

    doc = Document()
    doc.core_properties.title = f"{email.cts_reference} – e-mail enquiry"
    doc.core_properties.subject = email.cts_reference
    doc.core_properties.keywords = f"MPEL {email.cts_reference} {email.reference}"
    doc.add_heading(f"E-mail enquiry {email.cts_reference}", level=1)
    table = doc.add_table(rows=0, cols=2)
    for label, value in (("CTS reference", email.cts_reference), ("Hotline reference", email.reference),
                         ("Member", email.member or "— (not matched)"), ("From", email.sender),
                         ("Subject", email.subject), ("Received at MPEL", email.received),
                         ("Region", email.region), ("Response due", email.due)):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    if email.attachments:
        doc.add_paragraph("Attachments (in the desk): " + ", ".join(email.attachments))
    doc.add_heading("The e-mail as received", level=2)
    for paragraph in (email.text or "(no text)").split("\n"):
        doc.add_paragraph(paragraph)
    doc.add_heading(REPLY_HEADING, level=2)
    doc.add_paragraph(REPLY_PLACEHOLDER)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class ReturnedReply:
    cts_reference: str  # "" when the file names none
    text: str  # what was written under the Reply heading ("" when nothing)


def read_reply(data: bytes) -> ReturnedReply:
    """The CTS reference (core properties, else the first heading) and the text under the Reply heading."""
    from docx import Document

    try:
        doc = Document(io.BytesIO(data))
    except Exception as exc:  # not a .docx, or a damaged one
        raise ValueError(f"the file is not a Word document the desk can read: {exc}") from None
    ref = find_cts_reference(doc.core_properties.subject or "") or find_cts_reference(
        doc.core_properties.title or "")
    paragraphs = [p.text for p in doc.paragraphs]
    if ref is None:
        ref = next((r for r in map(find_cts_reference, paragraphs) if r), None)
    reply: list[str] = []
    after = False
    for text in paragraphs:
        if after and text.strip() != REPLY_PLACEHOLDER:
            reply.append(text)
        if text.strip() == REPLY_HEADING:
            after = True
    return ReturnedReply(str(ref) if ref else "", "\n".join(reply).strip())
