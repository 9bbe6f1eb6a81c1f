"""An off-line unit's Ministerial draft goes out and comes back in Word [ASY] (issue 15), on SQLite and PostgreSQL.

MPCS e-mails the unit the scan, the deadline and a draft template (.docx); the
unit drafts on it in Word; MPCS checks the Word file in, which loads the
drafted text onto the letter for Private Office.  A PDF, an old .doc, an
undrafted template or another letter's draft is refused, saying what to ask
for; an Official reply still comes back as the scanned signed letter (PDF).
Everything is read back with python-docx and pypdf.
"""
from __future__ import annotations

import io

import pytest
from docx import Document
from pypdf import PdfReader
from sqlalchemy import select

from mpel_app.db.models import OutboxMessage
from mpel_app.domain.errors import ValidationError
from mpel_app.domain.letter_records import DocumentKind
from mpel_app.reports.returned_draft import DRAFT_PLACEHOLDER
from tests.support.letters_world import build_letters_world

SCANNED = b"%PDF-1.4\n% signed and issued\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
OLD_WORD = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504  # a Word 97-2003 .doc
FIRST = "Mr Rezaei's claim was refused on 2 March; he has appealed and the appeal is listed for 14 January."
SECOND = "I hope this explains the position."


@pytest.fixture
def lw(services):
    return build_letters_world(services)


def offline_mail(lw, letter_id: int) -> tuple[OutboxMessage, bytes]:
    """The covering message of the letter sent to the off-line unit, and the draft template's bytes."""
    with lw.services.uow.read() as s:
        rows = list(s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "letter_offline_unit",
                                                          OutboxMessage.entity_id == letter_id)
                              .order_by(OutboxMessage.id)))
        scan_mail, draft_mail = rows
        template = draft_mail.attachment
        s.expunge_all()
    return scan_mail, template


def drafted(template: bytes, *paragraphs: str) -> bytes:
    """The unit's draft: written in Word in place of the placeholder, the rest of the template kept."""
    doc = Document(io.BytesIO(template))
    [slot] = [p for p in doc.paragraphs if p.text.strip() == DRAFT_PLACEHOLDER]
    for text in paragraphs[:-1]:
        slot.insert_paragraph_before(text)
    slot.text = paragraphs[-1]
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def docx_text(data: bytes) -> str:
    return " ".join(" ".join(p.text for p in Document(io.BytesIO(data)).paragraphs).split())


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def test_a_ministerial_draft_goes_to_the_offline_unit_in_word_and_comes_back_in_word(lw):
    letters = lw.services.letters
    letters.set_unit_offline(lw.admin, "CRT", "crt.casework@homeoffice.example.gov.uk")
    rec = lw.register("ministerial")
    letters.allocate(lw.mpcs, rec.id, "CRT")
    unit_deadline = letters.get(lw.mpcs, rec.id).deadlines["unit"]
    scan_mail, template = offline_mail(lw, rec.id)
    assert f"Deadline for your response: {unit_deadline:%A %d %B %Y}" in scan_mail.body_text  # [ASY]
    assert "approved draft as a Word document (.docx)" in scan_mail.body_text
    assert DRAFT_PLACEHOLDER in docx_text(template) and f"Our ref: {rec.reference}" in docx_text(template)

    # The wrong files are refused, each saying what to ask the unit for; nothing moves.
    with pytest.raises(ValidationError, match=r"approved draft in Word \(\.docx\).*this file is a PDF"):
        letters.check_in_offline_reply(lw.mpcs, rec.id, document=SCANNED, filename="draft.pdf",
                                       approved_by="Carl Criminal, G7")
    with pytest.raises(ValidationError, match=r"older Word file \(\.doc\)"):
        letters.check_in_offline_reply(lw.mpcs, rec.id, document=OLD_WORD, approved_by="Carl Criminal, G7")
    with pytest.raises(ValidationError, match="has not been drafted"):
        letters.check_in_offline_reply(lw.mpcs, rec.id, document=template, approved_by="Carl Criminal, G7")
    other = lw.register("ministerial")
    letters.allocate(lw.mpcs, other.id, "CRT")
    _, other_template = offline_mail(lw, other.id)
    with pytest.raises(ValidationError, match=f"the draft for {other.reference}, not {rec.reference}"):
        letters.check_in_offline_reply(lw.mpcs, rec.id, document=drafted(other_template, FIRST),
                                       approved_by="Carl Criminal, G7")
    assert letters.get(lw.mpcs, rec.id).state.value == "allocated"

    word = drafted(template, FIRST, SECOND)
    got = letters.check_in_offline_reply(lw.mpcs, rec.id, document=word, filename="C:\\Drafts\\approved draft",
                                         approved_by="Carl Criminal, G7")
    assert got.state.value == "with_private_office"
    # Loaded onto the letter as its draft: what the unit wrote, not the template's own wording.
    assert got.draft == f"{FIRST}\n\n{SECOND}"
    [kept] = [d for d in got.documents if d.kind is DocumentKind.REPLY_DOCX]
    assert kept.filename == "approved draft.docx" and kept.mime.endswith("wordprocessingml.document")
    assert FIRST in docx_text(letters.document(lw.mpcs, kept.id).data)
    assert "approved draft checked in from MPCS CTS Offline Management" in [
        t.action for t in letters.history(lw.mpcs, rec.id)]

    # Private Office makes the reply from the loaded draft: the unit's words once, the template's once.
    reply = letters.generate_reply(lw.po, rec.id, template="full_reply", signatory_name="A N Minister",
                                   signatory_title="Minister of State for Immigration")
    pdf = pdf_text(next(d.data for d in reply.documents if d.filename.endswith("full_reply.pdf")))
    docx = docx_text(next(d.data for d in reply.documents if d.filename.endswith("full_reply.docx")))
    for text in (pdf, docx):
        assert text.count("Thank you for your letter") == 1 and text.count("listed for 14 January") == 1
        assert SECOND in text and DRAFT_PLACEHOLDER not in text
    letters.minister_sign(lw.po, rec.id, signed_by="Minister for Immigration")
    done = letters.dispatch(lw.po, rec.id, reply_channel="letter")
    assert done.state.value == "dispatched"
    assert any(d.kind is DocumentKind.HOME_OFFICE_FILE for d in done.documents)


def test_an_official_reply_from_an_offline_unit_comes_back_as_the_scanned_signed_letter(lw):
    letters = lw.services.letters
    letters.set_unit_offline(lw.admin, "CRT", "crt.casework@homeoffice.example.gov.uk")
    rec = lw.register()
    letters.allocate(lw.mpcs, rec.id, "CRT")
    scan_mail, template = offline_mail(lw, rec.id)
    assert "signed and issued reply, scanned as a PDF" in scan_mail.body_text
    with pytest.raises(ValidationError, match="scanned as a PDF.*this file is a Word document"):
        letters.check_in_offline_reply(lw.mpcs, rec.id, document=drafted(template, FIRST),
                                       approved_by="Carl Criminal, SEO")
    with pytest.raises(ValidationError, match="neither a Word document"):
        letters.check_in_offline_reply(lw.mpcs, rec.id, document=b"signed, honest", approved_by="Carl Criminal")
    got = letters.check_in_offline_reply(lw.mpcs, rec.id, document=SCANNED, filename="signed.docx",
                                         approved_by="Carl Criminal, SEO")
    assert got.state.value == "dispatched"
    [kept] = [d for d in got.documents if d.kind is DocumentKind.REPLY_PDF]
    assert kept.filename == "signed.pdf"  # named for what it is
