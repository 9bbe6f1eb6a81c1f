"""Every letter the guidance describes (issue 15), end to end through the services on SQLite and PostgreSQL:
registered with what it is, the reply produced from the template the case needs, and read back from the PDF
(pypdf) and the .docx (python-docx); whoever must be told is told through the outbox."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from docx import Document
from pypdf import PdfReader, PdfWriter
from sqlalchemy import select

from mpel_app.db.models import OutboxMessage
from mpel_app.domain.correspondence.elections import REMOVAL_SENTENCE
from mpel_app.domain.correspondence.special_cases import FOI_SENTENCE, MEETING_LINE
from mpel_app.domain.errors import InvalidTransition, PermissionDenied, ValidationError
from mpel_app.domain.letter_records import DocumentKind
from mpel_app.domain.records import Role
from tests.support.letters_world import DRAFT, HO_REF, PASSWORD, build_letters_world

SIGNER = dict(signatory_name="Tariq Leader", signatory_title="Team Leader, Asylum Casework Unit 1")
DISSOLUTION = date(2026, 11, 9)  # the clock reads Monday 23 November 2026


@pytest.fixture
def lw(services):
    return build_letters_world(services)


def read_back(reply, template: str) -> tuple[str, str]:
    """(PDF text, .docx text) of one letter of a generated reply, whitespace folded."""
    def doc(suffix):
        return next(d.data for d in reply.documents if d.filename.endswith(f"-{template}.{suffix}"))
    pdf = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(doc("pdf"))).pages)
    docx = "\n".join(p.text for p in Document(io.BytesIO(doc("docx"))).paragraphs)
    return " ".join(pdf.split()), " ".join(docx.split())


def both_say(reply, template: str, *texts: str, never: tuple[str, ...] = ()) -> str:
    pdf, docx = read_back(reply, template)
    for text in (pdf, docx):
        for wanted in texts:
            assert wanted in text, f"{template}: {wanted!r} missing from {text!r}"
        for unwanted in never:
            assert unwanted not in text, f"{template}: {unwanted!r} printed"
    return pdf


def outbox(lw, kind: str) -> list[OutboxMessage]:
    with lw.services.uow.read() as s:
        rows = list(s.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)))
        s.expunge_all()
        return rows


def trail(lw, rec) -> list[str]:
    return [t.action for t in lw.services.letters.history(lw.mpcs, rec.id)]


# -- support and allegation letters [CORR 3.4], [CORR 3.5] -----------------------------------

def test_a_support_letter_gets_its_own_reply_not_the_third_party_letter(lw):
    letters = lw.services.letters
    rec = lw.drafting(category="support")
    assert rec.reply_templates == ("support",)  # the case view offers it first
    with pytest.raises(ValidationError, match="use support"):
        letters.generate_reply(lw.co, rec.id, template="third_party", body="", **SIGNER)
    reply = letters.generate_reply(lw.co, rec.id, template="support", body="", **SIGNER)
    both_say(reply, "support", "in support of Ali Rezaei", "placed on the file of Ali Rezaei",
             "Mrs Leila Rezaei has expressed", never=(HO_REF, "written consent"))


def test_an_allegation_is_passed_on_through_the_outbox_before_the_reply_and_the_reply_promises_nothing(lw):
    letters = lw.services.letters
    rec = lw.drafting(category="allegation", question="Mr Rezaei is working illegally at a car wash.")
    with pytest.raises(ValidationError, match="pass the allegation to the appropriate unit first"):
        letters.generate_reply(lw.co, rec.id, template="allegation", body="", **SIGNER)
    with pytest.raises(PermissionDenied):  # the drafting unit passes it on, not MPCS
        letters.pass_allegation(lw.mpcs, rec.id, unit_name="Immigration Enforcement",
                                unit_email="enforcement@homeoffice.example.gov.uk")
    plan = letters.pass_allegation(lw.co, rec.id, unit_name="Immigration Enforcement",
                                   unit_email="enforcement@homeoffice.example.gov.uk", note="Car wash, Holborn.")
    assert plan.templates == ("allegation",)
    [message] = outbox(lw, "letter_allegation")
    assert message.to_address == "enforcement@homeoffice.example.gov.uk" and message.entity_id == rec.id
    assert "working illegally at a car wash" in message.body_text and "Car wash, Holborn." in message.body_text
    assert "allegation passed to the appropriate unit" in trail(lw, rec)
    reply = letters.generate_reply(lw.co, rec.id, template="allegation", body="", **SIGNER)
    both_say(reply, "allegation", "passed to the appropriate unit for consideration",
             never=("car wash", "will investigate", "assure", "written consent", HO_REF))


# -- family members and sponsors [CORR 3.2] ------------------------------------------------

def test_a_disclosing_reply_to_a_family_member_waits_for_every_condition_and_never_prints_an_address(lw):
    letters = lw.services.letters
    rec = lw.drafting(category="family_sponsor")
    with pytest.raises(ValidationError, match="clearly supports the applicant's case"):
        letters.generate_reply(lw.co, rec.id, template="full_reply", body=DRAFT, **SIGNER)
    letters.generate_reply(lw.co, rec.id, template="third_party", body="", **SIGNER)  # always open to them
    plan = letters.record_disclosure_conditions(lw.co, rec.id, supports_case=True, relationship_evidenced=True,
                                                no_adverse_effect=False)
    assert plan.unmet_conditions == ("there is no evidence that disclosure would harm the applicant (e.g. a "
                                     "forced marriage)",)
    with pytest.raises(ValidationError, match="no evidence that disclosure would harm"):
        letters.generate_reply(lw.co, rec.id, template="full_reply", body=DRAFT, **SIGNER)
    plan = letters.record_disclosure_conditions(lw.co, rec.id, supports_case=True, relationship_evidenced=True,
                                                no_adverse_effect=True)
    assert plan.unmet_conditions == () and "full_reply" in plan.templates
    assert "disclosure conditions recorded" in trail(lw, rec)
    with pytest.raises(ValidationError, match="postal address"):
        letters.generate_reply(lw.co, rec.id, template="full_reply",
                               body="He lives at 4 Mill Lane, Leeds LS2 7EW.", **SIGNER)
    reply = letters.generate_reply(lw.co, rec.id, template="full_reply", body=DRAFT, **SIGNER)
    both_say(reply, "full_reply", "on behalf of your constituent Mrs Leila Rezaei", "decided on 1 March",
             never=("LS2", HO_REF))


def test_disclosure_conditions_belong_to_family_or_sponsor_letters_only(lw):
    rec = lw.drafting()
    with pytest.raises(ValidationError, match="family member or sponsor"):
        lw.services.letters.record_disclosure_conditions(lw.co, rec.id, supports_case=True,
                                                         relationship_evidenced=True, no_adverse_effect=True)


# -- FOI [CORR 5.2] -------------------------------------------------------------------------

def test_an_foi_request_is_sent_to_the_information_access_team_at_once_and_answered_separately(lw):
    letters = lw.services.letters
    rec = lw.drafting(foi=True)
    [message] = outbox(lw, "letter_foi")  # at registration, before anyone drafts
    assert message.entity_id == rec.id and message.to_name == "Information Access Team"
    assert rec.reference in message.subject and "answered separately" in message.body_text
    assert "FOI request sent to the Information Access Team" in trail(lw, rec)
    reply = letters.generate_reply(lw.co, rec.id, template="full_reply", body=DRAFT, **SIGNER)
    pdf = both_say(reply, "full_reply", FOI_SENTENCE)
    assert pdf.index("decided on 1 March") < pdf.index(FOI_SENTENCE) < pdf.index("Yours sincerely")
    # Recording it again tells nobody twice.
    letters.record_letter_facts(lw.co, rec.id, meeting_requested=False)
    assert len(outbox(lw, "letter_foi")) == 1


def test_an_foi_only_letter_has_no_reply_and_goes_back_to_mpcs_for_cancelling(lw):
    letters = lw.services.letters
    rec = lw.drafting(foi_only=True)
    assert letters.get(lw.co, rec.id).foi
    assert "rejected to MPCS for cancelling" in outbox(lw, "letter_foi")[0].body_text
    plan = letters.reply_plan(lw.co, rec.id)
    assert plan.templates == () and "reject the letter to MPCS for cancelling" in plan.held
    with pytest.raises(ValidationError, match="no reply can be produced"):
        letters.generate_reply(lw.co, rec.id, template="full_reply", body=DRAFT, **SIGNER)
    rec = letters.reject_for_cancelling(lw.wm, rec.id, ground="foi_only", reason="FOI request only")
    assert rec.state.value == "for_cancelling"
    assert letters.cancel(lw.mpcs, rec.id, "FOI only: with the Information Access Team").state.value == "cancelled"


# -- meetings [CORR 2.4] --------------------------------------------------------------------

def test_a_meeting_on_a_case_is_offered_the_standard_line_and_one_on_policy_is_referred_to_private_office(lw):
    letters = lw.services.letters
    rec = lw.drafting(meeting_requested=True)
    plan = letters.reply_plan(lw.co, rec.id)
    assert plan.offered == (MEETING_LINE,) and MEETING_LINE not in plan.sentences  # offered, not forced
    plain = letters.generate_reply(lw.co, rec.id, template="full_reply", body=DRAFT, **SIGNER)
    both_say(plain, "full_reply", DRAFT, never=(MEETING_LINE,))
    with pytest.raises(ValidationError, match="offered_lines"):
        letters.generate_reply(lw.co, rec.id, template="full_reply", body=DRAFT, offered_lines=["We will meet."],
                               **SIGNER)
    reply = letters.generate_reply(lw.co, rec.id, template="full_reply", body=DRAFT, offered_lines=[MEETING_LINE],
                                   **SIGNER)
    both_say(reply, "full_reply", DRAFT, MEETING_LINE)
    with pytest.raises(ValidationError, match="only a meeting on policy"):
        letters.refer_meeting_to_private_office(lw.co, rec.id)

    policy = lw.drafting(category="policy", meeting_requested=True)
    plan = letters.reply_plan(lw.co, policy.id)
    assert plan.offered == () and MEETING_LINE not in plan.sentences
    assert any("refer it to the relevant Private Office" in n for n in plan.notes)
    with pytest.raises(PermissionDenied):
        letters.refer_meeting_to_private_office(lw.co_eur, policy.id)
    plan = letters.refer_meeting_to_private_office(lw.co, policy.id, note="The Member proposes January.")
    assert not any("Private Office" in n for n in plan.notes)
    [mail] = outbox(lw, "letter_meeting_request")
    assert mail.to_address == lw.po.email and policy.reference in mail.subject
    assert "asks for a meeting on policy" in mail.body_text and "The Member proposes January." in mail.body_text
    assert "policy meeting referred to Private Office" in trail(lw, policy)


# -- Members of devolved legislatures [CORR 4.1], [CORR 4.5]; Peers [CORR 4.3] --------------------

def _member(lw, name, kind, **kw):
    return lw.services.members.add(lw.admin, name=name, kind=kind, region_code="SNI", demo=True, **kw)


def test_an_mdl_gets_the_mdl_letter_on_a_case_a_full_reply_on_policy_or_as_an_mp_and_a_challenge_is_held(lw):
    letters = lw.services.letters
    msp = _member(lw, "Morag Reid", "MDL", constituency="Glasgow Kelvin")
    case = lw.drafting(member_id=msp.id)
    with pytest.raises(ValidationError, match="use mdl"):
        letters.generate_reply(lw.co, case.id, template="full_reply", body=DRAFT, **SIGNER)
    reply = letters.generate_reply(lw.co, case.id, template="mdl", **SIGNER)
    both_say(reply, "mdl", "reserved to the Westminster Parliament", never=(DRAFT,))
    policy = lw.drafting(member_id=msp.id, category="policy")
    letters.generate_reply(lw.co, policy.id, template="full_reply", body=DRAFT, **SIGNER)
    lw.services.letters.record_member_status(lw.mpcs, msp.id, devolved_minister=True)
    reply = letters.generate_reply(lw.co, case.id, template="full_reply", body=DRAFT, **SIGNER)
    both_say(reply, "full_reply", "Morag Reid", DRAFT)
    challenge = lw.drafting(member_id=msp.id, category="policy_challenge")
    plan = letters.reply_plan(lw.co, challenge.id)
    assert plan.templates == () and "cleared lines" in plan.held
    with pytest.raises(ValidationError, match="cannot be answered until MPCS have the Minister's cleared lines"):
        letters.generate_reply(lw.co, challenge.id, template="full_reply", body=DRAFT, **SIGNER)
    with pytest.raises(ValidationError, match="only an MDL's letter"):
        lw.drafting(category="policy_challenge")


def test_a_peer_writing_after_the_constituency_mp_gets_a_copy_of_the_mps_reply(lw):
    letters = lw.services.letters
    peer = _member(lw, "Lord Patel", "Peer")
    mp_letter = lw.drafting()
    peer_letter = lw.drafting(member_id=peer.id, link_to_reference=mp_letter.reference)
    plan = letters.reply_plan(lw.co, peer_letter.id)
    assert plan.templates == ("copy_covering_note",) and "[CORR 4.3]" in plan.decision.reason
    with pytest.raises(ValidationError):
        letters.generate_reply(lw.co, peer_letter.id, template="full_reply", body=DRAFT, **SIGNER)
    reply = letters.generate_reply(lw.co, peer_letter.id, template="copy_covering_note", body="", **SIGNER)
    both_say(reply, "copy_covering_note", "Lord Patel", "Jane Smith MP")
    alone = lw.drafting(member_id=peer.id)  # no MP wrote: the Peer gets a substantive reply
    assert "full_reply" in letters.reply_plan(lw.co, alone.id).templates


# -- the death of a Member [CORR 5.1] -----------------------------------------------------------

def test_a_late_members_letters_go_to_the_office_of_the_late_member_then_to_the_constituent(lw, clock):
    letters = lw.services.letters
    rec = lw.drafting(member_letter_date=date(2026, 11, 20))
    with pytest.raises(PermissionDenied):
        letters.record_member_status(lw.co, lw.mp.id, died_on=date(2026, 11, 22))
    letters.record_member_status(lw.mpcs, lw.mp.id, died_on=date(2026, 11, 22))
    [told] = outbox(lw, "letter_member_death")
    assert told.to_address == "head.asy1@ukba.example.gov.uk" and rec.reference in told.body_text
    reply = letters.generate_reply(lw.co, rec.id, template="full_reply", body=DRAFT, **SIGNER)
    both_say(reply, "full_reply", "The Office of the late Jane Smith", "Dear Secretary",
             "on behalf of Mrs Leila Rezaei", never=("Jane Smith MP", "House of Commons", "your constituent"))
    # A neighbouring Member takes on the casework meanwhile: a full reply to them.
    letters.record_member_status(lw.mpcs, lw.mp.id, interim_handler="Ann Neighbour")
    reply = letters.generate_reply(lw.co, rec.id, template="full_reply", body=DRAFT, **SIGNER)
    both_say(reply, "full_reply", "Dear Ann Neighbour", DRAFT, never=("Dear Secretary",))
    # After the by-election: straight to the constituent, no copy to the new Member.
    letters.record_member_status(lw.mpcs, lw.mp.id, by_election_on=date(2026, 11, 23))
    with pytest.raises(ValidationError, match="use late_member_constituent"):
        letters.generate_reply(lw.co, rec.id, template="full_reply", body=DRAFT, **SIGNER)
    reply = letters.generate_reply(lw.co, rec.id, template="late_member_constituent", body=DRAFT, **SIGNER)
    both_say(reply, "late_member_constituent", "Dear Mrs Leila Rezaei",
             "Jane Smith previously wrote on 20 November 2026 about Ali Rezaei", DRAFT,
             never=("cc", "Jane Smith MP", HO_REF))


# -- a general election [CORR 5.4] ----------------------------------------------------------

def test_after_dissolution_a_case_letter_gets_the_election_reply_with_the_removal_sentence(lw):
    letters = lw.services.letters
    before = lw.drafting(member_letter_date=date(2026, 11, 2))
    after = lw.drafting(member_letter_date=date(2026, 11, 20), against_removal=True)
    raised = lw.drafting(member_letter_date=date(2026, 11, 20), raised_before=True)
    policy = lw.drafting(member_letter_date=date(2026, 11, 20), category="policy")
    letters.set_dissolution_date(lw.admin, DISSOLUTION)
    assert "full_reply" in letters.reply_plan(lw.co, before.id).templates
    assert "full_reply" in letters.reply_plan(lw.co, raised.id).templates
    assert "full_reply" in letters.reply_plan(lw.co, policy.id).templates
    with pytest.raises(ValidationError, match="use election_third_party"):
        letters.generate_reply(lw.co, after.id, template="full_reply", body=DRAFT, **SIGNER)
    reply = letters.generate_reply(lw.co, after.id, template="election_third_party", body="", **SIGNER)
    both_say(reply, "election_third_party", "Jane Smith", "since Parliament was dissolved", REMOVAL_SENTENCE,
             never=("Jane Smith MP", "your constituent", HO_REF))
    reply = letters.generate_reply(lw.co, before.id, template="full_reply", body=DRAFT, **SIGNER)
    both_say(reply, "full_reply", DRAFT, never=("Jane Smith MP",))


def test_after_the_election_returned_members_are_answered_and_unsuccessful_candidates_as_third_parties(lw):
    letters = lw.services.letters
    rec = lw.drafting(member_letter_date=date(2026, 11, 20))
    scot = lw.drafting(member_id=lw.base.mp_scot.id, member_letter_date=date(2026, 11, 20))
    letters.set_dissolution_date(lw.admin, DISSOLUTION)
    letters.record_member_status(lw.mpcs, lw.mp.id, election_outcome="returned")
    letters.record_member_status(lw.mpcs, lw.base.mp_scot.id, election_outcome="not_returned")
    assert "full_reply" in letters.reply_plan(lw.co, rec.id).templates
    assert letters.reply_plan(lw.co, scot.id).templates == ("third_party",)
    reply = letters.generate_reply(lw.co, scot.id, template="third_party", body="", **SIGNER)
    both_say(reply, "third_party", "Rt Hon Angus MacLeod", "written consent", never=("MacLeod MP",))
    with pytest.raises(ValidationError, match="election_outcome must be one of"):
        letters.record_member_status(lw.mpcs, lw.mp.id, election_outcome="won")


# -- Agency staff [CORR 2.5] and OPHSO [ASY] ------------------------------------------------------

def test_a_letter_about_staff_who_can_see_cts_is_recorded_as_to_be_answered_off_the_system(lw):
    staff = lw.services.users.create_user(lw.admin, username="kim", full_name="Kim Staff", password=PASSWORD,
                                          roles={Role.CASE_OWNER}, grade="EO", demo=True)
    rec = lw.register(staff_member=staff.username, line_manager=lw.wm.username)
    assert rec.restricted
    [registered] = [t for t in lw.services.letters.history(lw.mpcs, rec.id) if t.action == "register the letter"]
    assert registered.changes["answer_off_system"] is True


def test_ophso_apologies_are_produced_for_applicant_and_representative_and_the_consult_recorded(lw):
    letters = lw.services.letters
    rec = lw.register(ophso=True)
    letters.allocate(lw.mpcs, rec.id, "ASY1")
    letters.accept(lw.wm, rec.id, barrier_to_removal=True)
    error = "We wrote to you at an old address, so you did not receive our decision of 2 March."
    with pytest.raises(PermissionDenied, match="senior caseworker"):
        letters.record_ophso_remedy(lw.co, rec.id, error_found=error, apology_to_applicant=True,
                                    apology_to_representative=True, representative_name="Ms Jo Solicitor")
    with pytest.raises(ValidationError, match="written apology to the applicant and to the representative"):
        letters.record_ophso_remedy(lw.scw, rec.id, error_found=error, apology_to_applicant=True,
                                    apology_to_representative=False, representative_name="Ms Jo Solicitor")
    with pytest.raises(ValidationError, match="representative_name"):
        letters.record_ophso_remedy(lw.scw, rec.id, error_found=error, apology_to_applicant=True,
                                    apology_to_representative=True)
    made = letters.record_ophso_remedy(lw.scw, rec.id, error_found=error, apology_to_applicant=True,
                                       apology_to_representative=True, representative_name="Ms Jo Solicitor",
                                       consolatory_payment_consulted="UKBA Briefing and Complaints Unit")
    assert {d.kind for d in made.documents} == {DocumentKind.APOLOGY} and len(made.documents) == 4
    applicant = both_say(made, "ophso-apology-applicant", "Dear Ali Rezaei", error, "I am sorry for this error",
                         never=(HO_REF, "Jane Smith", "House of Commons"))
    assert lw.scw.full_name in applicant and "Senior Caseworker, ASY1" in applicant
    both_say(made, "ophso-apology-representative", "Dear Ms Jo Solicitor", "your client Ali Rezaei", error,
             never=(HO_REF,))
    [entry] = [t for t in letters.history(lw.mpcs, rec.id) if t.action == "OPHSO error: apologies sent"]
    assert entry.changes["consolatory_payment_consulted"] == "UKBA Briefing and Complaints Unit"
    assert len(entry.changes["documents"]) == 4
    kept = letters.get(lw.scw, rec.id).documents
    assert sum(d.kind is DocumentKind.APOLOGY for d in kept) == 4


def test_letter_facts_are_refused_when_unknown_or_from_someone_outside_the_unit(lw):
    letters = lw.services.letters
    with pytest.raises(ValidationError, match="unknown letter facts: colour"):
        lw.register(colour="red")
    with pytest.raises(ValidationError, match="category must be one of"):
        lw.register(category="gossip")
    rec = lw.drafting()
    with pytest.raises(PermissionDenied):
        letters.record_letter_facts(lw.co_eur, rec.id, category="policy")
    assert letters.record_letter_facts(lw.co, rec.id, category="policy").templates[0] == "full_reply"


# -- the case steps: Welsh, removal, expediting, interim replies, the Home Office file ---------------

WELSH_PDF = b"%PDF-1.4\n% Ateb yn Gymraeg\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _signed(lw, rec):
    from tests.support.letters_world import NOTE
    letters = lw.services.letters
    letters.save_background_note(lw.co, rec.id, **NOTE)
    letters.submit_to_qa(lw.co, rec.id, draft=DRAFT)
    letters.qa_pass(lw.scw, rec.id)
    return letters.sign(lw.tl, rec.id)


def test_a_welsh_reply_goes_to_the_translator_and_is_dispatched_only_in_welsh_once_back(lw):
    letters = lw.services.letters
    rec = lw.drafting(welsh_requested=True, letter_in_welsh=True)
    with pytest.raises(ValidationError, match="produce the reply first"):
        letters.send_for_translation(lw.co, rec.id, translator_email="cyfieithu@homeoffice.example.gov.uk")
    reply = letters.generate_reply(lw.co, rec.id, template="full_reply", body=DRAFT, **SIGNER)
    both_say(reply, "full_reply", "a Welsh language version of this letter will follow")
    plan = letters.send_for_translation(lw.co, rec.id, translator_email="cyfieithu@homeoffice.example.gov.uk",
                                        english_also=True)
    [message] = outbox(lw, "letter_translation")
    assert message.attachment_name == f"{rec.reference.replace('/', '-')}-full_reply.pdf"
    assert any("with the translator since 23 November 2026 (0 working days); unit deadline" in n
               for n in plan.notes)
    signed = _signed(lw, rec)
    with pytest.raises(Exception, match="translation has not come back"):
        letters.dispatch(lw.tl, signed.id, reply_channel="letter")
    with pytest.raises(ValidationError, match="translation: the file is not a PDF"):
        letters.translation_received(lw.co, rec.id, pdf=b"not a pdf")
    plan = letters.translation_received(lw.co, rec.id, pdf=WELSH_PDF, filename="ateb.pdf")
    assert any("Welsh translation received 23 November 2026 after 0 working days" in n for n in plan.notes)
    done = letters.dispatch(lw.tl, signed.id, reply_channel="letter")
    [entry] = [t for t in letters.history(lw.mpcs, rec.id) if t.action == "record dispatch"]
    assert entry.changes["languages"] == ["cy", "en"]
    kinds = [d.kind for d in done.documents]
    assert DocumentKind.TRANSLATION in kinds and DocumentKind.HOME_OFFICE_FILE in kinds


def one_page_scan() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_on_dispatch_the_members_letter_and_the_reply_go_on_the_home_office_file_as_one_pdf(lw):
    letters = lw.services.letters
    rec = lw.drafting(scanned_pdf=one_page_scan())
    letters.generate_reply(lw.co, rec.id, template="full_reply", body=DRAFT, **SIGNER)
    done = letters.dispatch(lw.tl, _signed(lw, rec).id, reply_channel="letter")
    [bundle] = [d for d in done.documents if d.kind is DocumentKind.HOME_OFFICE_FILE]
    data = letters.document(lw.tl, bundle.id).data
    pages = PdfReader(io.BytesIO(data)).pages
    text = " ".join(" ".join(p.extract_text() for p in pages).split())
    assert len(pages) == 2 and DRAFT in text  # the scan's page, then the reply's
    [entry] = [t for t in letters.history(lw.mpcs, rec.id) if t.action == "record dispatch"]
    assert entry.changes["home_office_file"] == bundle.filename


def test_the_barrier_to_removal_is_lifted_only_for_an_imminent_removal_the_member_supports(lw):
    letters = lw.services.letters
    rec = lw.drafting()
    soon = date(2026, 11, 30)
    with pytest.raises(PermissionDenied):
        letters.lift_barrier_to_removal(lw.co, rec.id, member_supports_removal=True, removal_on=soon,
                                        reason="The Member asks that removal go ahead")
    with pytest.raises(ValidationError, match="only where the Member supports the removal"):
        letters.lift_barrier_to_removal(lw.wm, rec.id, member_supports_removal=False, removal_on=soon,
                                        reason="x")
    with pytest.raises(ValidationError, match="not imminent"):
        letters.lift_barrier_to_removal(lw.wm, rec.id, member_supports_removal=True,
                                        removal_on=date(2027, 1, 30), reason="x")
    plan = letters.lift_barrier_to_removal(lw.wm, rec.id, member_supports_removal=True, removal_on=soon,
                                           reason="The Member asks that removal go ahead")
    assert any("removal set for 30 November 2026: make every effort" in n for n in plan.notes)
    got = letters.get(lw.co, rec.id)
    assert got.barrier_to_removal is False and got.no_barrier_reason.startswith("lifted before the reply")
    assert "barrier to removal lifted" in trail(lw, rec)


def test_expediting_needs_its_audit_note_and_an_interim_reply_needs_mpcs_advice(lw):
    letters = lw.services.letters
    rec = lw.drafting()
    with pytest.raises(ValidationError, match="the decisions or actions taken"):
        letters.record_expedited(lw.co, rec.id, intervention="New medical evidence", reason="Serious illness",
                                 decisions="")
    letters.record_expedited(lw.co, rec.id, intervention="New medical evidence", reason="Serious illness",
                             decisions="Decision brought forward to this week")
    [entry] = [t for t in letters.history(lw.mpcs, rec.id) if t.action == "case expedited on the Member's letter"]
    assert entry.changes["decisions"] == "Decision brought forward to this week"
    with pytest.raises(ValidationError, match="only on MPCS's advice"):
        letters.record_interim_reply(lw.co, rec.id, mpcs_advice="  ", summary="Still with the caseworker")
    letters.record_interim_reply(lw.co, rec.id, mpcs_advice="Mona Allocator, 23 Nov: send an interim",
                                 summary="Still with the caseworker")
    assert "interim reply sent on MPCS's advice" in trail(lw, rec)


def test_the_case_view_shows_why_a_letter_is_held_and_what_the_drafter_must_do(lw):
    letters = lw.services.letters
    msp = _member(lw, "Morag Reid", "MDL")
    challenge = lw.drafting(member_id=msp.id, category="policy_challenge")
    assert any(w.startswith("Held: an MDL challenging the policy") for w in letters.get(lw.co, challenge.id).warnings)
    meeting = lw.drafting(category="policy", meeting_requested=True)
    assert any("refer it to the relevant Private Office" in w for w in letters.get(lw.co, meeting.id).warnings)
    plain = lw.drafting()
    assert not any("[CORR" in w for w in letters.get(lw.co, plain.id).warnings)


# -- drafting help and off-line units [ASY] ----------------------------------------------------

def test_contributions_are_commissioned_with_due_dates_and_chased_once_overdue(lw, clock):
    letters = lw.services.letters
    rec = lw.drafting()
    with pytest.raises(ValidationError, match="after the unit deadline"):
        letters.commission_contribution(lw.co, rec.id, contributor_name="Dev Detention",
                                        contributor_email="dev@homeoffice.example.gov.uk",
                                        question="Is he still detained?", due_on=date(2027, 3, 1))
    asked = letters.commission_contribution(lw.co, rec.id, contributor_name="Dev Detention",
                                            contributor_email="dev@homeoffice.example.gov.uk",
                                            question="Is he still detained?", due_on=date(2026, 11, 25))
    [message] = outbox(lw, "letter_contribution")
    assert message.to_address == "dev@homeoffice.example.gov.uk" and "Is he still detained?" in message.body_text
    assert not asked.overdue
    clock.set(clock.now() + timedelta(days=3))  # Thursday 26 November
    [listed] = letters.contributions(lw.co, rec.id)
    assert listed.overdue
    assert any("contribution from Dev Detention was due 25 November 2026" in w
               for w in letters.get(lw.co, rec.id).warnings)
    done = letters.contribution_received(lw.co, asked.id, answer="Released on 20 November.")
    assert not done.overdue and done.answer == "Released on 20 November."
    assert not any("contribution from" in w for w in letters.get(lw.co, rec.id).warnings)


def test_the_case_owner_warns_the_senior_caseworker_and_workflow_manager_of_a_delay(lw):
    letters = lw.services.letters
    rec = lw.drafting()
    with pytest.raises(PermissionDenied, match="case owner"):
        letters.warn_of_delay(lw.co2, rec.id, reason="Waiting for the file")
    assert letters.warn_of_delay(lw.co, rec.id, reason="Waiting for the file from storage") == 2
    told = {m.to_address for m in outbox(lw, "letter_delay")}
    assert told == {lw.scw.email, lw.wm.email}
    assert "warning of delay sent" in trail(lw, rec)


def test_an_offline_unit_gets_the_letter_and_a_draft_by_email_and_mpcs_checks_its_reply_in(lw):
    letters = lw.services.letters
    with pytest.raises(PermissionDenied):
        letters.set_unit_offline(lw.mpcs, "CRT", "crt.casework@homeoffice.example.gov.uk")
    letters.set_unit_offline(lw.admin, "CRT", "crt.casework@homeoffice.example.gov.uk")
    rec = lw.register()
    letters.allocate(lw.mpcs, rec.id, "CRT")
    scan_mail, draft_mail = outbox(lw, "letter_offline_unit")
    assert scan_mail.to_address == "crt.casework@homeoffice.example.gov.uk"
    assert scan_mail.attachment_name.endswith("scan.pdf") and "MPCS CTS Offline Management" in scan_mail.body_text
    assert "the signed and issued reply, scanned as a PDF" in scan_mail.body_text
    with lw.services.uow.read() as s:
        data = s.get(OutboxMessage, draft_mail.id).attachment
    draft = " ".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert "[Draft the reply here]" in draft and "Jane Smith MP" in draft
    with pytest.raises(PermissionDenied):
        letters.check_in_offline_reply(lw.wm_crt, rec.id, document=WELSH_PDF, approved_by="Carl Criminal")
    [waiting] = [i for i in letters.workstack(lw.mpcs, "mpcs_allocator") if i.reference == rec.reference]
    assert waiting.section.startswith("Off-line unit: check in its reply")  # MPCS updates CTS for the unit
    got = letters.check_in_offline_reply(lw.mpcs, rec.id, document=WELSH_PDF, approved_by="Carl Criminal, SEO")
    assert any(d.filename.endswith("offline-signed-reply.pdf") for d in got.documents)
    assert rec.reference not in {i.reference for i in letters.workstack(lw.mpcs, "mpcs_allocator")}
    assert "signed reply checked in from MPCS CTS Offline Management" in trail(lw, rec)
    # Signed and issued by the unit: MPCS closes the case on CTS, with the copy for the Home Office file.
    assert got.state.value == "dispatched" and got.signed_by == "Carl Criminal, SEO"
    assert any(d.kind is DocumentKind.HOME_OFFICE_FILE for d in got.documents)
    with pytest.raises(InvalidTransition):
        letters.check_in_offline_reply(lw.mpcs, rec.id, document=WELSH_PDF, approved_by="Carl Criminal, SEO")
    # A Ministerial letter's approved draft comes back in Word (tests/services/test_letter_offline_word.py).
    on_cts = lw.register()
    with pytest.raises(ValidationError, match="not with an off-line unit"):
        letters.check_in_offline_reply(lw.mpcs, on_cts.id, document=WELSH_PDF, approved_by="x")


def test_a_delegate_covers_an_absent_case_owners_workstack_and_acts_on_it(lw, clock):
    from tests.support.letters_world import NOTE
    letters = lw.services.letters
    rec = lw.drafting()  # owned by Owen (lw.co)
    assert rec.reference not in {i.reference for i in letters.workstack(lw.co2, "case_owner")}
    with pytest.raises(PermissionDenied):
        letters.save_background_note(lw.co2, rec.id, **NOTE)
    with pytest.raises(PermissionDenied, match="set by the absent person"):
        letters.set_cover(lw.co2, absent_user_id=lw.co.id, delegate_user_id=lw.co2.id,
                          starts_on=date(2026, 11, 23), ends_on=date(2026, 11, 27))
    with pytest.raises(ValidationError, match="not in a drafting unit with"):
        letters.set_cover(lw.co, absent_user_id=lw.co.id, delegate_user_id=lw.co_eur.id,
                          starts_on=date(2026, 11, 23), ends_on=date(2026, 11, 27))
    letters.set_cover(lw.wm, absent_user_id=lw.co.id, delegate_user_id=lw.co2.id,
                      starts_on=date(2026, 11, 23), ends_on=date(2026, 11, 27))
    assert [c.absent for c in letters.covers_for(lw.co2)] == [lw.co.username]
    assert rec.reference in {i.reference for i in letters.workstack(lw.co2, "case_owner")}
    letters.save_background_note(lw.co2, rec.id, **NOTE)
    reply = letters.generate_reply(lw.co2, rec.id, template="full_reply", body=DRAFT, **SIGNER)
    both_say(reply, "full_reply", DRAFT)
    assert letters.history(lw.mpcs, rec.id)[-1].username == lw.co2.username  # the delegate, by name
    clock.set(clock.now() + timedelta(days=7))  # the absence is over
    assert rec.reference not in {i.reference for i in letters.workstack(lw.co2, "case_owner")}
    with pytest.raises(PermissionDenied):
        letters.submit_to_qa(lw.co2, rec.id, draft=DRAFT)
