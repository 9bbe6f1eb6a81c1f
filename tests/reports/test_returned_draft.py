"""Reading back a reply an off-line unit drafted in Word on MPCS's template [ASY]: what the file is, its
reference, and what the unit wrote (not the template's own wording)."""
from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document

from mpel_app.domain.errors import ValidationError
from mpel_app.reports.returned_draft import DRAFT_PLACEHOLDER, drafted_part, file_format, read_returned_draft

TEMPLATE = ("Thank you for your letter of 2 March.", DRAFT_PLACEHOLDER, "Your FOI request will be answered separately.")


def word(*paragraphs: str) -> bytes:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_what_a_file_is_comes_from_its_bytes_not_its_name():
    other_zip = io.BytesIO()
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert file_format(word("x")) == "docx"
    assert file_format(b"  %PDF-1.7\n...") == "pdf"
    assert file_format(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100) == "doc"
    assert file_format(other_zip.getvalue()) == "" and file_format(b"PK\x03\x04 broken") == ""
    assert file_format(b"plain text") == ""


def test_the_draft_is_read_between_the_salutation_and_the_sign_off():
    draft = read_returned_draft(word("Home Office", "Our ref: m00012/26", "Jane Smith MP", "Dear Jane Smith",
                                     "Thank you   for your letter of 2 March.", "", "It was decided.",
                                     "Yours sincerely", "A N Minister"))
    assert draft.cts_reference == "M00012/26"
    assert draft.paragraphs == ("Thank you for your letter of 2 March.", "It was decided.")
    assert read_returned_draft(word("Our ref: 12/26", "Dear Sir", "Text.", "Yours faithfully")).cts_reference == "12/26"
    with pytest.raises(ValidationError, match="not a reply on the draft template"):
        read_returned_draft(word("Just some notes."))
    with pytest.raises(ValidationError, match="cannot be read"):
        read_returned_draft(b"PK\x03\x04 broken")


def test_what_the_unit_wrote_is_kept_and_the_templates_own_paragraphs_dropped():
    got = ("Thank you for your letter of 2 March.", "It was decided on 1 March.", "An appeal is pending.",
           "Your FOI request will be answered separately.")
    assert drafted_part(got, TEMPLATE) == ("It was decided on 1 March.", "An appeal is pending.")
    # A template paragraph the unit reworded is theirs now, and kept.
    reworded = ("Thank you for your letter.", "It was decided.", "Your FOI request will be answered separately.")
    assert drafted_part(reworded, TEMPLATE) == ("Thank you for your letter.", "It was decided.")
    with pytest.raises(ValidationError, match="has not been drafted"):
        drafted_part(TEMPLATE, TEMPLATE)
    with pytest.raises(ValidationError, match="nothing besides the template"):
        drafted_part((TEMPLATE[0], TEMPLATE[2]), TEMPLATE)
