"""A letter's documents through the services, on both databases: replies made from the templates and
kept as PDF and .docx (read back, checked for what must never appear), and the retention purge with
its report, leaving the case and its audit trail; the ``mpel purge-documents`` command."""
from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from pypdf import PdfReader

from mpel_app.domain.errors import InvalidTransition, PermissionDenied, ValidationError
from mpel_app.domain.letter_records import DocumentKind
from mpel_app.reports.letters import WELSH_LINE
from tests.support.letters_world import DRAFT, HO_REF, PASSWORD, SCAN, build_letters_world, london

SIGNER = dict(signatory_name="Tariq Leader", signatory_title="Team Leader, Asylum Casework Unit 1")
CONFIDENTIAL = "Mr Rezaei has a conviction which his mother does not know about."
FORWARDABLE = "A decision has been made on the claim and served on Mr Rezaei."


@pytest.fixture
def lw(services):
    return build_letters_world(services)


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    return " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def docx_xml(data: bytes) -> str:
    """Every XML part of the .docx (body, headers, properties): nothing can hide from this."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))


def _files(reply):
    return {(d.kind, d.filename): d for d in reply.documents}


def test_third_party_reply_is_kept_as_pdf_and_docx_without_the_home_office_reference(lw):
    letters = lw.services.letters
    rec = lw.drafting()
    reply = letters.generate_reply(lw.co, rec.id, template="third_party", body=DRAFT, **SIGNER)
    files = _files(reply)
    assert set(files) == {(DocumentKind.REPLY_PDF, "B00001-26-third_party.pdf"),
                          (DocumentKind.REPLY_DOCX, "B00001-26-third_party.docx")}
    pdf = pdf_text(files[DocumentKind.REPLY_PDF, "B00001-26-third_party.pdf"].data)
    xml = docx_xml(files[DocumentKind.REPLY_DOCX, "B00001-26-third_party.docx"].data)
    for text in (pdf, xml):
        assert "B00001/26" in text and "Ali Rezaei" in text and "Jane Smith MP" in text
        assert "Tariq Leader" in text and "UK Border Agency" in text
        assert HO_REF not in text and "R 1234567" not in text
    assert "The application was decided on 1 March" in pdf
    assert WELSH_LINE not in pdf
    # Kept with the letter, the bytes fetched on demand.
    stored = {d.filename: d for d in letters.get(lw.co, rec.id).documents}
    assert stored["B00001-26-third_party.pdf"].data is None  # lists carry no bytes
    pdf_doc = files[DocumentKind.REPLY_PDF, "B00001-26-third_party.pdf"]
    assert letters.document(lw.scw, pdf_doc.id).data == pdf_doc.data
    assert letters.history(lw.co, rec.id)[-1].action == "reply generated"


def test_the_drafted_reply_defaults_to_the_draft_and_the_welsh_line_follows_the_request(lw):
    letters = lw.services.letters
    # A Welsh reply only where the letter was in Welsh and one was asked for [CORR 5.3].
    rec = lw.in_qa(welsh_requested=True, letter_in_welsh=True)
    reply = letters.generate_reply(lw.scw, rec.id, template="third_party", **SIGNER)
    pdf = pdf_text(next(d.data for d in reply.documents if d.kind is DocumentKind.REPLY_PDF))
    assert "The application was decided on 1 March" in pdf and WELSH_LINE in pdf
    english = lw.in_qa(welsh_requested=True)
    reply = letters.generate_reply(lw.scw, english.id, template="third_party", **SIGNER)
    pdf = pdf_text(next(d.data for d in reply.documents if d.kind is DocumentKind.REPLY_PDF))
    assert "The application was decided on 1 March" in pdf and WELSH_LINE not in pdf
    assert any("[CORR 5.3]" in n for n in letters.reply_plan(lw.scw, english.id).notes)


def test_a_home_office_reference_or_address_typed_into_a_third_party_reply_is_refused(lw):
    letters = lw.services.letters
    rec = lw.drafting()
    with pytest.raises(ValidationError, match="must not carry the Home Office reference"):
        letters.generate_reply(lw.co, rec.id, template="third_party", body=f"Our ref {HO_REF}.", **SIGNER)
    with pytest.raises(ValidationError, match="postal address"):
        letters.generate_reply(lw.co, rec.id, template="third_party", body="He lives at 1 High St, LS1 4AB.",
                               **SIGNER)
    assert letters.get(lw.co, rec.id).documents[0].kind is DocumentKind.SCAN
    assert len(letters.get(lw.co, rec.id).documents) == 1  # nothing kept from the refused attempts


def test_in_confidence_reply_comes_with_its_forwardable_reply(lw):
    letters = lw.services.letters
    rec = lw.drafting("ministerial")
    with pytest.raises(ValidationError, match="forward"):
        letters.generate_reply(lw.co, rec.id, template="in_confidence", body=CONFIDENTIAL, **SIGNER)
    reply = letters.generate_reply(lw.co, rec.id, template="in_confidence", body=CONFIDENTIAL,
                                   forwardable_body=FORWARDABLE, **SIGNER)
    names = sorted(d.filename for d in reply.documents)
    assert names == ["M00001-26-in_confidence.docx", "M00001-26-in_confidence.pdf",
                     "M00001-26-in_confidence_forwardable.docx", "M00001-26-in_confidence_forwardable.pdf"]
    by_name = {d.filename: d.data for d in reply.documents}
    confidential = pdf_text(by_name["M00001-26-in_confidence.pdf"])
    forwardable = pdf_text(by_name["M00001-26-in_confidence_forwardable.pdf"])
    assert "IN CONFIDENCE" in confidential and HO_REF in confidential and CONFIDENTIAL in confidential
    assert FORWARDABLE in forwardable and HO_REF not in forwardable and CONFIDENTIAL not in forwardable
    assert "Home Office" in confidential  # a Ministerial reply's letterhead


def test_who_may_produce_a_reply_and_when(lw, clock):
    letters = lw.services.letters
    rec = lw.drafting()
    with pytest.raises(PermissionDenied, match="only the case owner"):
        letters.generate_reply(lw.co2, rec.id, template="third_party", body=DRAFT, **SIGNER)
    with pytest.raises(PermissionDenied):
        letters.generate_reply(lw.po, rec.id, template="third_party", body=DRAFT, **SIGNER)  # not Ministerial
    with pytest.raises(ValidationError, match="template must be one of"):
        letters.generate_reply(lw.co, rec.id, template="in_confidence_forwardable", body=DRAFT, **SIGNER)
    with pytest.raises(ValidationError, match=r"template 'mdl' is not the reply for this letter \(an MP gets a substantive reply"):
        letters.generate_reply(lw.co, rec.id, template="mdl", **SIGNER)
    with pytest.raises(InvalidTransition, match="cannot produce a reply"):
        letters.generate_reply(lw.mpcs, lw.register().id, template="third_party", body=DRAFT, **SIGNER)
    ministerial = letters.send_to_private_office(lw.tl, lw.with_team_leader("ministerial").id)
    reply = letters.generate_reply(lw.po, ministerial.id, template="third_party",
                                   signatory_name="Anne Minister", signatory_title="Minister of State")
    assert len(reply.documents) == 2


def test_after_dissolution_no_one_is_addressed_as_an_mp(lw, clock):
    letters = lw.services.letters
    rec = lw.drafting()
    letters.set_dissolution_date(lw.admin, date(2026, 11, 23))
    # Written after dissolution about a case: the election reply, not a substantive one [CORR 5.4].
    reply = letters.generate_reply(lw.co, rec.id, template="election_third_party", body=DRAFT, **SIGNER)
    pdf = pdf_text(next(d.data for d in reply.documents if d.kind is DocumentKind.REPLY_PDF))
    assert "Jane Smith" in pdf and "Jane Smith MP" not in pdf


def _dispatched_letter(lw, clock, year=2024):
    """Received 15 March, reply produced and dispatched in April."""
    letters = lw.services.letters
    clock.set(london(year, 3, 15, 11, 0))
    rec = lw.drafting()
    letters.generate_reply(lw.co, rec.id, template="third_party", body=DRAFT, **SIGNER)
    clock.set(london(year, 4, 2, 11, 0))
    rec = lw.services.letters.sign(lw.tl, _through_qa(lw, rec.id).id)
    return letters.dispatch(lw.tl, rec.id, reply_channel="letter")


def _through_qa(lw, letter_id):
    from tests.support.letters_world import NOTE

    letters = lw.services.letters
    letters.save_background_note(lw.co, letter_id, **NOTE)
    letters.submit_to_qa(lw.co, letter_id, draft=DRAFT)
    return letters.qa_pass(lw.scw, letter_id)


def test_purge_removes_scans_and_replies_past_retention_and_reports_them(lw, clock):
    letters = lw.services.letters
    old = _dispatched_letter(lw, clock)
    clock.set(london(2024, 12, 30, 11, 0))
    still_open = lw.drafting()  # received in 2024 too, its reply not sent
    letters.generate_reply(lw.co, still_open.id, template="third_party", body=DRAFT, **SIGNER)
    clock.set(london(2026, 12, 31, 17, 0))
    recent = lw.register()
    with pytest.raises(PermissionDenied):
        letters.purge_documents(lw.wm)
    assert letters.purge_documents(lw.admin).documents == ()  # kept until 31 December 2026
    clock.set(london(2027, 1, 1, 9, 0))
    due = letters.documents_due_for_purge(lw.admin)
    assert due.dry_run and len(due.documents) == 5
    report = letters.purge_documents(lw.admin)
    assert [(d.reference, d.kind, d.filename) for d in report.documents] == [
        (old.reference, DocumentKind.SCAN, "B00001-24-scan.pdf"),
        (old.reference, DocumentKind.REPLY_PDF, "B00001-24-third_party.pdf"),
        (old.reference, DocumentKind.REPLY_DOCX, "B00001-24-third_party.docx"),
        # The copy made for the Home Office file on dispatch [CORR 1.9] counts from dispatch, as the reply.
        (old.reference, DocumentKind.HOME_OFFICE_FILE, "B00001-24-home-office-file.pdf"),
        (still_open.reference, DocumentKind.SCAN, "B00002-24-scan.pdf"),
    ]
    assert report.lines()[-1] == "5 document(s) purged on 01 January 2027."
    assert letters.purge_documents(lw.admin).documents == ()  # nothing twice

    # The case and its audit trail remain; the rows say what there was and when it went.
    case = letters.get(lw.mpcs, old.id)
    assert case.state.value == "dispatched" and case.subject_name == "Ali Rezaei"
    assert all(d.purged and d.purged_at == clock.now() for d in case.documents)
    assert letters.document(lw.mpcs, case.documents[0].id).data is None
    trail = letters.history(lw.mpcs, old.id)
    assert trail[0].action == "register the letter"
    assert trail[-1].action == "documents purged (retention)" and trail[-1].username == "admin"
    assert trail[-1].changes["kept_until"] == ["2026-12-31", "2026-12-31", "2026-12-31", "2026-12-31"]
    # The open letter's reply stays; the recent letter's scan too.
    kept = {d.filename: d.purged for d in letters.get(lw.mpcs, still_open.id).documents}
    assert kept == {"B00002-24-scan.pdf": True, "B00002-24-third_party.pdf": False,
                    "B00002-24-third_party.docx": False}
    assert letters.document(lw.mpcs, letters.get(lw.mpcs, recent.id).documents[0].id).data == SCAN


def test_purge_command(lw, clock, db_url):
    from mpel_app import cli_purge

    _dispatched_letter(lw, clock, 2022)
    out, err = io.StringIO(), io.StringIO()
    # The command runs on the real clock, which is past 1 January 2025, when 2022's documents go.
    assert cli_purge.main(["--database", db_url, "--as", "admin", "--dry-run"], password=lambda _: PASSWORD,
                          out=out, err=err) == 0
    assert "B00001/22\tScanned letter\tB00001-22-scan.pdf" in out.getvalue()
    assert out.getvalue().rstrip().endswith("Dry run: nothing was removed.")
    assert cli_purge.main(["--database", db_url, "--as", "admin"], password=lambda _: "wrong",
                          out=out, err=err) == 1
    assert "wrong username or password" in err.getvalue()
    out = io.StringIO()
    assert cli_purge.main(["--database", db_url, "--as", "mpcs"], password=lambda _: PASSWORD,
                          out=out, err=err) == 1
    assert "may not purge" in err.getvalue()
    assert cli_purge.main(["--database", db_url, "--as", "admin"], password=lambda _: PASSWORD,
                          out=out, err=err) == 0
    assert "4 document(s) purged" in out.getvalue()  # scan, reply PDF and .docx, the Home Office file copy
    assert all(d.purged for d in lw.services.letters.get(lw.mpcs, 1).documents)
