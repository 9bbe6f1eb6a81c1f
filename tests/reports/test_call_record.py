"""The printed call record, read back from the PDF with pypdf."""
from __future__ import annotations

import dataclasses
import io
import re
from datetime import date, datetime, timezone

import pytest
from pypdf import PdfReader

from mpel_app.domain.records import (
    AuditEntry,
    CallerKind,
    Channel,
    Disclosure,
    EnquiryRecord,
    EnquiryStatus,
    MemberRecord,
    SubjectDetails,
)
from mpel_app.reports.call_record import render_call_record, save_call_record

UTC = timezone.utc
PRINTED_AT = datetime(2026, 11, 23, 14, 5, tzinfo=UTC)  # GMT: shown as 14:05

MEMBER = MemberRecord(
    id=7,
    name="Jane Doe",
    kind="MP",
    constituency="Exampleton North",
    region_code="LSE",
    privy_counsellor=True,
    office_phone="020 7219 3000",
    office_fax="020 7219 3001",
    office_email="jane.doe.mp@parliament.example",
)

QUESTION = "Has the further leave application been decided yet? The constituent is anxious."
ANSWER = "Application under consideration; no decision yet. Written confirmation to follow."
RESPONSE = "File obtained. Decision served on 20 November; copy sent to the MP's office."


def make_record(**changes) -> EnquiryRecord:
    record = EnquiryRecord(
        id=101,
        reference="LSE123456",
        channel=Channel.TELEPHONE,
        status=EnquiryStatus.WITH_REGION,
        received_at=datetime(2026, 7, 1, 13, 5, tzinfo=UTC),  # BST: shown as 14:05
        created_by="agent.smith",
        member=MEMBER,
        caller_kind=CallerKind.CASEWORKER,
        caller_name="Peter Clerk",
        passcode_verified=True,
        passcode_failures=1,
        disclosure=Disclosure(
            constituency_mp=True, authorised_representative=False,
            third_party=False, identity_confirmed=True,
        ),
        subject=SubjectDetails(
            name="Amira Haddad",
            date_of_birth=date(1981, 3, 4),
            nationality="Syrian",
            ho_reference="H1234567",
            cts_reference="B98765/26",
        ),
        question=QUESTION,
        answer=ANSWER,
        written_confirmation=True,
        region_code="LSE",
        file_needed=True,
        due_date=date(2026, 7, 15),
        acknowledged_at=datetime(2026, 7, 2, 8, 30, tzinfo=UTC),
        acknowledged_by="am.jones",
        response=RESPONSE,
        completed_at=None,
        deleted=False,
        version=3,
    )
    return dataclasses.replace(record, **changes)


AUDIT = (
    AuditEntry(at=datetime(2026, 7, 1, 13, 5, tzinfo=UTC), username="agent.smith",
               action="enquiry.create", entity="enquiry", entity_id=101,
               changes={"subject_name": "Amira Haddad"}),
    AuditEntry(at=datetime(2026, 7, 2, 8, 30, tzinfo=UTC), username="am.jones",
               action="enquiry.acknowledge", entity="enquiry", entity_id=101,
               changes={"secret_change_value": "SHOULD-NOT-PRINT"}),
)


def render(record: EnquiryRecord, **kwargs) -> bytes:
    kwargs.setdefault("printed_by", "tl.brown")
    kwargs.setdefault("printed_at", PRINTED_AT)
    return render_call_record(record, **kwargs)


def pages_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    """Collapse whitespace so wrapped lines compare as one string."""
    return re.sub(r"\s+", " ", text)


def all_text(data: bytes) -> str:
    return flat("\n".join(pages_text(data)))


# Full record ---------------------------------------------------------------

@pytest.fixture(scope="module")
def full_pdf() -> bytes:
    return render(make_record(), audit=AUDIT, region_name="London & South East")


def test_is_a4_pdf(full_pdf):
    assert full_pdf.startswith(b"%PDF")
    page = PdfReader(io.BytesIO(full_pdf)).pages[0]
    assert round(float(page.mediabox.width)) == 595
    assert round(float(page.mediabox.height)) == 842


def test_header(full_pdf):
    text = all_text(full_pdf)
    assert "MPs' Enquiry Line — Call record" in text
    assert "LSE123456" in text
    assert "With region" in text
    assert "Telephone" in text
    # received 13:05 UTC in July is 14:05 BST
    assert "1 Jul 2026 14:05" in text
    assert "DELETED RECORD" not in text


def test_member_and_caller(full_pdf):
    text = all_text(full_pdf)
    assert "Rt Hon Jane Doe MP" in text
    assert "Exampleton North" in text
    assert "020 7219 3000" in text
    assert "Peter Clerk" in text
    assert "Caseworker" in text


def test_disclosure_checks(full_pdf):
    text = all_text(full_pdf)
    assert "Passcode verified Yes" in text
    assert "Failed passcode attempts 1" in text
    assert "Constituency MP Yes" in text
    assert "Authorised representative No" in text
    assert "Third party No" in text
    assert "Identity confirmed Yes" in text


def test_subject_and_enquiry(full_pdf):
    text = all_text(full_pdf)
    assert "Amira Haddad" in text
    assert "4 March 1981" in text
    assert "Syrian" in text
    assert "H1234567" in text
    assert "B98765/26" in text
    assert flat(QUESTION) in text
    assert flat(ANSWER) in text
    assert "Written confirmation requested Yes" in text
    assert "Withheld" not in text


def test_regional_action(full_pdf):
    text = all_text(full_pdf)
    assert "London & South East (LSE)" in text
    assert "File needed Yes" in text
    assert "15 July 2026" in text
    assert "2 Jul 2026 09:30 by am.jones" in text  # 08:30 UTC is 09:30 BST
    assert flat(RESPONSE) in text


def test_history_prints_actions_but_not_changes(full_pdf):
    text = all_text(full_pdf)
    assert "History" in text
    assert "enquiry.create" in text
    assert "enquiry.acknowledge" in text
    assert "SHOULD-NOT-PRINT" not in text


def test_no_history_section_without_audit():
    assert "History" not in all_text(render(make_record()))


def test_footer_on_every_page(full_pdf):
    texts = pages_text(full_pdf)
    for number, text in enumerate(texts, start=1):
        assert (f"Printed by tl.brown on 23 Nov 2026 14:05 — OFFICIAL-SENSITIVE: PERSONAL"
                f" — page {number} of {len(texts)}") in flat(text)


def test_naive_printed_at_is_taken_as_utc():
    text = all_text(render(make_record(), printed_at=datetime(2026, 6, 1, 9, 0)))
    assert "Printed by tl.brown on 1 Jun 2026 10:00" in text


def test_deleted_record_is_marked():
    assert "DELETED RECORD" in all_text(render(make_record(deleted=True)))


def test_save_call_record_writes_pdf(tmp_path):
    path = save_call_record(tmp_path / "rec.pdf", make_record(), printed_by="x", printed_at=PRINTED_AT)
    assert path.read_bytes().startswith(b"%PDF")
    assert "LSE123456" in all_text(path.read_bytes())


# Locked record (passcode not verified) -----------------------------------------

LEAKS = ("Amira Haddad", "Syrian", "H1234567", "B98765/26", "4 March 1981",
         "further leave", "under consideration", "Decision served")


def test_locked_record_prints_no_personal_data():
    # The service should already have stripped these, but the report must
    # not rely on it: subject is None, yet question/answer/response are set.
    record = make_record(
        status=EnquiryStatus.REFUSED, passcode_verified=False, passcode_failures=3, subject=None,
    )
    text = all_text(render(record, audit=AUDIT))
    assert "Withheld: passcode not verified" in text
    assert "Passcode verified No" in text
    assert "Failed passcode attempts 3" in text
    assert "LSE123456" in text
    for leak in LEAKS:
        assert leak not in text, leak


def test_unverified_passcode_withholds_even_if_subject_present():
    text = all_text(render(make_record(passcode_verified=False)))
    assert "Withheld: passcode not verified" in text
    for leak in LEAKS:
        assert leak not in text, leak


def test_locked_record_with_nothing_recorded():
    record = make_record(
        status=EnquiryStatus.REFUSED, passcode_verified=False, subject=None, question=None,
        answer=None, response=None, member=None, caller_kind=None, caller_name="",
        region_code=None, due_date=None, acknowledged_at=None, acknowledged_by=None,
        file_needed=False, written_confirmation=False,
    )
    text = all_text(render(record))
    assert "Withheld: passcode not verified" in text
    assert "page 1 of 1" in text


# Markup, accents and long text -----------------------------------------------

MARKUP_QUESTION = 'Is <b>x</b> & <font color="red">y</font> ok? <para>z</para> a<br/>b &amp; c'
LONG_TOKENS = [f"w{i:04d}" for i in range(500)]  # 500 × 6 chars = 3000 chars
LONG_ANSWER = " ".join(LONG_TOKENS) + " END-OF-ANSWER"


@pytest.fixture(scope="module")
def tricky_pdf() -> bytes:
    record = make_record(
        reference="MPH000042",
        member=dataclasses.replace(MEMBER, name="Siân <i>Llŷr</i>", constituency="Ynys Môn & <Co>"),
        caller_name="Zoë <b>Ñúñez</b>",
        subject=SubjectDetails(
            name="Zoë Ñúñez", date_of_birth=date(1990, 12, 31), nationality="Señorian <x>",
            ho_reference="N&<1>", cts_reference="M12345/10",
        ),
        question=MARKUP_QUESTION,
        answer=LONG_ANSWER,
    )
    return render(record, printed_by="Zoë & <co>", region_name="<b>Bold</b> region")


def test_accented_names_survive(tricky_pdf):
    text = all_text(tricky_pdf)
    assert "Zoë Ñúñez" in text
    assert "Siân <i>Llŷr</i> MP" in text
    assert "31 December 1990" in text


def test_markup_like_text_appears_literally(tricky_pdf):
    text = all_text(tricky_pdf)
    assert flat(MARKUP_QUESTION) in text
    assert "Zoë <b>Ñúñez</b>" in text
    assert "Ynys Môn & <Co>" in text
    assert "Señorian <x>" in text
    assert "N&<1>" in text
    assert "<b>Bold</b> region (LSE)" in text
    assert "Printed by Zoë & <co> on" in text


def test_long_text_wraps_over_pages_and_nothing_is_lost(tricky_pdf):
    texts = pages_text(tricky_pdf)
    assert len(texts) > 1
    text = flat("\n".join(texts))
    assert "END-OF-ANSWER" in text
    words = set(text.split())
    missing = [t for t in LONG_TOKENS if t not in words]
    assert not missing
    # Content after the long answer is still printed.
    assert flat(RESPONSE) in text
    assert f"page {len(texts)} of {len(texts)}" in flat(texts[-1])


def test_long_unbroken_word_and_newlines():
    blob = "X" * 1500
    record = make_record(answer=f"first line\nsecond line\n{blob}\nlast-line-marker")
    text = all_text(render(record))
    assert "first line second line" in text
    assert "last-line-marker" in text
    # The unbroken word is split over lines (perhaps pages), but no letter is lost.
    assert text.count("X") == 1500


def test_answer_longer_than_a_page_splits():
    tokens = [f"t{i:05d}" for i in range(2000)]  # 14,000 characters
    record = make_record(answer=" ".join(tokens) + " END-OF-VERY-LONG-ANSWER")
    texts = pages_text(render(record))
    assert len(texts) >= 3
    words = set(flat("\n".join(texts)).split())
    assert [t for t in tokens if t not in words] == []
    assert "END-OF-VERY-LONG-ANSWER" in words


def test_falls_back_to_helvetica_without_dejavu(monkeypatch, tmp_path):
    from mpel_app.reports import fonts

    # The shipped fonts missing (a broken install): reports/fonts.py falls back to the built-in Helvetica.
    monkeypatch.setattr(fonts, "fonts_dir", lambda: tmp_path / "no-fonts-here")
    monkeypatch.setattr(fonts, "_state", fonts._Fonts())
    record = make_record(subject=dataclasses.replace(make_record().subject, name="Zoë Ñúñez"))
    text = all_text(render(record))
    assert fonts.font_names() == ("Helvetica", "Helvetica-Bold")
    assert "Zoë Ñúñez" in text
    assert "page 1 of" in text

