"""Issue #19 finding 11 (SQLite and PostgreSQL): a letter whose subject's name holds a character XML cannot
hold (U+FFFF, stored before the input checks refused it, or by another client) still gets its reply: the
.docx writer replaces it with U+FFFD instead of failing.  (Refusing it at input is in the bad-input suite.)"""
from __future__ import annotations

import pytest
from sqlalchemy import update

from mpel_app.db.models import Letter
from mpel_app.domain.errors import ValidationError
from mpel_app.domain.letter_records import DocumentKind
from tests.services.test_correspondence_documents import SIGNER, docx_xml, pdf_text
from tests.support.letters_world import DRAFT, build_letters_world


def test_a_reply_is_written_whatever_the_stored_name_holds(services):
    lw = build_letters_world(services)
    with pytest.raises(ValidationError, match="(?i)subject name"):
        lw.register(subject_name="Ali\uffff Rezaei")
    rec = lw.drafting()
    with services.uow() as s:
        s.execute(update(Letter).where(Letter.id == rec.id).values(subject_name="Ali\uffff\ufffe Rezaei"))
    reply = services.letters.generate_reply(lw.co, rec.id, template="third_party", body=DRAFT, **SIGNER)
    files = {d.kind: d for d in reply.documents}
    assert "Ali\ufffd\ufffd Rezaei" in docx_xml(files[DocumentKind.REPLY_DOCX].data)
    assert "Rezaei" in pdf_text(files[DocumentKind.REPLY_PDF].data)
