"""What an off-line unit sends back [ASY]: a Ministerial letter's approved draft in Word, an Official letter's signed
reply scanned as a PDF; anything else refused, saying what to ask the unit for."""
from __future__ import annotations

import pytest

from mpel_app.domain.correspondence import LetterKind
from mpel_app.domain.correspondence.offline import OFFLINE_ROUTE, check_offline_return, offline_return
from mpel_app.domain.errors import ValidationError


def test_a_ministerial_letter_comes_back_as_its_approved_draft_in_word():
    back = check_offline_return(LetterKind.MINISTERIAL, "docx")
    assert (back.file_format, back.suffix, back.what) == ("docx", ".docx", "approved draft")
    assert offline_return("ministerial") == back


def test_an_official_letter_comes_back_as_the_signed_reply_scanned():
    back = check_offline_return("official", "pdf")
    assert (back.suffix, back.what) == (".pdf", "signed reply") and "scanned as a PDF" in back.described


@pytest.mark.parametrize("kind, found, says", [
    ("ministerial", "pdf", "this file is a PDF"),
    ("ministerial", "doc", "older Word file (.doc)"),
    ("ministerial", "", "neither a Word document (.docx) nor a PDF"),
    ("official", "docx", "this file is a Word document"),
])
def test_the_wrong_file_is_refused_with_what_to_ask_for(kind, found, says):
    with pytest.raises(ValidationError) as refused:
        check_offline_return(kind, found)
    message = str(refused.value)
    assert says in message and "workflow manager" in message and "[ASY]" in message
    if kind == "ministerial":
        assert OFFLINE_ROUTE in message
