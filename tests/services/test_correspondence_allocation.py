"""Allocation and what follows it, through the services on both databases: the two-day rule at its
edges (bank holidays, the unit's own calendar), escalation after two rejections, enforcement and its
lifting with a written agreement, returns counted, lateness, cancelling, elections, a late MP's letters."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from mpel_app.db.models import OutboxMessage
from mpel_app.domain.correspondence import LetterAction as A
from mpel_app.domain.correspondence import LetterKind, LetterState as S
from mpel_app.domain.errors import InvalidTransition, PermissionDenied, ValidationError
from mpel_app.domain.letter_records import DocumentKind, EnforcedHow
from mpel_app.domain.records import Role
from tests.support.letters_world import AGREEMENT, DRAFT, NOTE, build_letters_world, london


@pytest.fixture
def lw(services):
    return build_letters_world(services)


def test_two_day_rule_at_its_edges_over_christmas(lw, clock):
    letters = lw.services.letters
    clock.set(london(2026, 12, 23, 15, 0))
    rec = lw.register()
    clock.set(london(2026, 12, 24, 10, 0))  # Thursday; 25 and 28 December are bank holidays
    rec = letters.allocate(lw.mpcs, rec.id, "ASY1")
    assert rec.deadlines["decision"] == date(2026, 12, 30)
    clock.set(london(2026, 12, 30, 23, 59, 59))
    assert letters.two_day_sweep() == []
    assert A.REJECT in letters.get(lw.wm, rec.id).allowed_actions  # still the unit's to decide
    clock.set(london(2026, 12, 31, 0, 0))
    assert letters.two_day_sweep() == [rec.reference]
    assert letters.two_day_sweep() == []  # idempotent
    rec = letters.get(lw.wm, rec.id)
    assert (rec.state, rec.enforced, rec.enforced_how) == (S.ALLOCATED, True, EnforcedHow.TWO_DAY_RULE)
    assert A.REJECT not in rec.allowed_actions and A.ACCEPT in rec.allowed_actions
    with pytest.raises(InvalidTransition, match="enforced on your unit"):
        letters.reject(lw.wm, rec.id, reason="not ours")
    last = letters.history(lw.wm, rec.id)[-1]
    assert (last.username, last.action, last.changes["enforced_how"]) == (
        "system", "enforce under the two-day rule", "two_day_rule")
    assert letters.accept(lw.wm, rec.id, barrier_to_removal=True).state is S.ACCEPTED


def test_an_allocation_after_six_counts_from_the_next_working_day(lw, clock):
    letters = lw.services.letters
    rec = lw.register()
    clock.set(london(2026, 11, 27, 18, 30))  # Friday evening
    rec = letters.allocate(lw.mpcs, rec.id, "ASY1")
    assert rec.deadlines["decision"] == date(2026, 12, 2)  # day 0 is Monday 30 Nov
    clock.set(london(2026, 12, 2, 17, 0))
    assert letters.two_day_sweep() == []
    clock.set(london(2026, 12, 3, 8, 0))
    assert letters.two_day_sweep() == [rec.reference]


def test_the_units_own_calendar_counts(lw, clock):
    lw.services.units.create_unit(lw.admin, code="SCOT", name="Glasgow Casework", nation="SCT")
    letters = lw.services.letters
    clock.set(london(2026, 12, 30, 10, 0))
    eng = letters.allocate(lw.mpcs, lw.register().id, "ASY1")
    scot = letters.allocate(lw.mpcs, lw.register().id, "SCOT")
    assert eng.deadlines["decision"] == date(2027, 1, 4)  # 31 Dec, then 4 Jan (1 Jan a holiday)
    assert scot.deadlines["decision"] == date(2027, 1, 5)  # Scotland also has 2 Jan, moved to Monday 4th
    clock.set(london(2027, 1, 5, 9, 0))
    assert letters.two_day_sweep() == [eng.reference]


def test_a_decision_overdue_before_the_sweep_runs_cannot_be_rejected(lw, clock):
    letters = lw.services.letters
    rec = letters.allocate(lw.mpcs, lw.register().id, "ASY1")
    clock.set(london(2026, 11, 26, 9, 0))
    with pytest.raises(InvalidTransition, match="enforced on your unit"):
        letters.reject(lw.wm, rec.id, reason="not ours")
    [line] = letters.workstack(lw.mpcs, Role.MPCS_ALLOCATOR)
    assert line.section == "Awaiting unit decision (two-day rule)" and line.decision_deadline == date(2026, 11, 25)
    assert line.status.value == "overdue"


def test_escalation_after_two_rejections_then_enforcement_and_lifting(lw, services):
    letters = lw.services.letters
    rec = letters.allocate(lw.mpcs, lw.register().id, "ASY1")
    rec = letters.reject(lw.wm, rec.id, reason="A European national: EEA casework", suggested_unit="eur")
    assert rec.state is S.REJECTED_TO_MPCS and rec.unit_code is None
    [line] = letters.workstack(lw.mpcs, Role.MPCS_ALLOCATOR)
    assert line.section == "Rejected: re-allocate"
    assert [(r.unit_code, r.reason, r.suggested_unit, r.by) for r in line.rejections] == [
        ("ASY1", "A European national: EEA casework", "EUR", "Walter Manager")]
    rec = letters.allocate(lw.mpcs, rec.id, "EUR")
    rec = letters.reject(lw.wm_eur, rec.id, reason="Asylum claim outstanding: asylum casework")
    [line] = letters.workstack(lw.mpcs, Role.MPCS_ALLOCATOR)
    assert line.section == "Rejected by two or more units: escalate"
    with pytest.raises(InvalidTransition, match="escalate it"):
        letters.allocate(lw.mpcs, rec.id, "CRT")

    rec = letters.escalate(lw.mpcs, rec.id)
    assert rec.state is S.ESCALATED
    with services.uow.read() as s:
        mails = s.execute(select(OutboxMessage.to_address, OutboxMessage.subject, OutboxMessage.body_text)
                          .where(OutboxMessage.entity == "letter", OutboxMessage.entity_id == rec.id)
                          .order_by(OutboxMessage.id)).all()
    assert [m[0] for m in mails] == ["head.asy1@ukba.example.gov.uk", "head.eur@ukba.example.gov.uk"]
    assert rec.reference in mails[0][1] and "EEA casework" in mails[0][2] and "Ali Rezaei" not in mails[0][2]

    rec = letters.enforce(lw.mpcs, rec.id, "ASY1")
    assert (rec.state, rec.unit_code, rec.enforced, rec.enforced_how) == (
        S.ALLOCATED, "ASY1", True, EnforcedHow.HEAD_OF_MPCS)
    with pytest.raises(InvalidTransition, match="enforced on your unit"):
        letters.reject(lw.wm, rec.id, reason="still not ours")
    rec = letters.accept(lw.wm, rec.id, barrier_to_removal=True)

    with pytest.raises(ValidationError, match="written_agreement"):
        letters.lift_enforcement(lw.mpcs, rec.id, agreeing_unit="EUR", written_agreement=b"")
    with pytest.raises(ValidationError, match="another CTS drafting unit"):
        letters.lift_enforcement(lw.mpcs, rec.id, agreeing_unit="ASY1", written_agreement=AGREEMENT)
    with pytest.raises(PermissionDenied):
        letters.lift_enforcement(lw.wm, rec.id, agreeing_unit="EUR", written_agreement=AGREEMENT)
    rec = letters.lift_enforcement(lw.mpcs, rec.id, agreeing_unit="eur", written_agreement=AGREEMENT,
                                   filename="eur-agreement.pdf")
    assert (rec.state, rec.unit_code, rec.enforced, rec.barrier_to_removal) == (S.ALLOCATED, "EUR", False, None)
    [doc] = [d for d in rec.documents if d.kind is DocumentKind.WRITTEN_AGREEMENT]
    assert doc.filename == "eur-agreement.pdf" and letters.document(lw.mpcs, doc.id).data == AGREEMENT
    assert letters.accept(lw.wm_eur, rec.id, barrier_to_removal=True).unit_code == "EUR"
    with pytest.raises(InvalidTransition, match="not enforced"):
        letters.lift_enforcement(lw.mpcs, rec.id, agreeing_unit="CRT", written_agreement=AGREEMENT)


def test_returns_go_back_to_the_case_owner_with_a_note_and_are_counted(lw):
    letters = lw.services.letters
    rec = lw.in_qa("ministerial")
    with pytest.raises(ValidationError, match="note is required"):
        letters.qa_return(lw.scw, rec.id, " ")
    rec = letters.qa_return(lw.scw, rec.id, "Say when the decision was served.")
    assert (rec.state, rec.returns_count, rec.last_return_note) == (
        S.DRAFTING, 1, "Say when the decision was served.")
    assert [i.section for i in letters.workstack(lw.co, Role.CASE_OWNER)] == ["Returned for corrections"]
    rec = letters.submit_to_qa(lw.co, rec.id, draft=DRAFT + " It was served on 3 March.").letter
    rec = letters.qa_pass(lw.scw, rec.id)
    rec = letters.tl_return(lw.tl, rec.id, "Too long.")
    rec = letters.submit_to_qa(lw.co, rec.id, draft=DRAFT).letter
    rec = letters.send_to_private_office(lw.tl, letters.qa_pass(lw.scw, rec.id).id)
    rec = letters.po_return(lw.po, rec.id, "The Minister wants the appeal mentioned.")
    assert (rec.state, rec.returns_count, rec.reached_signatory_at) == (S.DRAFTING, 3, None)
    actions = [t.action for t in letters.history(lw.co, rec.id)]
    assert actions.count("submit to QA") == 3


def test_late_submission_to_qa_is_flagged(lw, clock):
    letters = lw.services.letters
    rec = lw.drafting()
    letters.save_background_note(lw.co, rec.id, **NOTE)
    clock.set(london(2026, 12, 10, 9, 0))  # the QA deadline was Wednesday 9 December
    result = letters.submit_to_qa(lw.co, rec.id, draft=DRAFT)
    assert result.late and result.letter.qa_submitted_late
    assert "after the QA deadline of Wednesday 09 December 2026" in result.warning
    assert letters.history(lw.co, rec.id)[-1].changes["late"] is True


def test_late_letters_prompt_and_a_reply_no_longer_wanted_is_cancelled(lw, clock):
    letters = lw.services.letters
    official = lw.drafting()
    ministerial = lw.drafting("ministerial")
    clock.set(london(2027, 1, 21, 23, 0))  # reply target 21 Dec; "more than a month" from 22 Jan
    assert letters.late_letters(lw.wm) == []
    clock.set(london(2027, 1, 22, 0, 0))
    late = letters.late_letters(lw.wm)
    assert [(x.summary.id, [p.code for p in x.prompts]) for x in late] == [
        (official.id, ["contact_mp_office"]), (ministerial.id, ["contact_mp_office"])]
    assert letters.late_letters(lw.wm_eur) == []
    assert len(letters.late_letters(lw.mpcs)) == 2
    with pytest.raises(ValidationError, match="six months past target"):
        letters.reject_for_cancelling(lw.wm, ministerial.id, ground="reply_not_wanted", reason="MP said no")
    clock.set(london(2027, 6, 22, 10, 0))
    late = {x.summary.id: [p.code for p in x.prompts] for x in letters.late_letters(lw.co)}
    assert late[ministerial.id] == ["contact_mp_office", "ask_if_reply_wanted"]
    # Still wanted: the background note must say so before it goes to the Minister.
    letters.save_background_note(lw.co, ministerial.id, **NOTE)
    rec = letters.submit_to_qa(lw.co, ministerial.id, draft=DRAFT).letter
    rec = letters.qa_pass(lw.scw, rec.id)
    with pytest.raises(ValidationError, match="reply_still_wanted"):
        letters.send_to_private_office(lw.tl, rec.id)
    rec = letters.tl_return(lw.tl, rec.id, "Ask the MP whether a reply is still wanted.")
    # Not wanted after all: back to MPCS for cancelling.
    rec = letters.reject_for_cancelling(lw.wm, rec.id, ground="reply_not_wanted",
                                        reason="The MP's office said on 21 June no reply is needed")
    assert rec.state is S.FOR_CANCELLING and rec.unit_code is None
    assert [i.section for i in letters.workstack(lw.mpcs, Role.MPCS_ALLOCATOR)] == ["For cancelling"]
    rec = letters.cancel(lw.mpcs, rec.id, "MP no longer wants a reply")
    assert rec.state is S.CANCELLED and rec.cancel_ground == "reply_not_wanted"
    assert [x.summary.id for x in letters.late_letters(lw.mpcs)] == [official.id]


def test_foi_only_letter_is_rejected_for_cancelling(lw):
    letters = lw.services.letters
    rec = lw.accepted(foi=True)
    assert rec.foi
    rec = letters.reject_for_cancelling(lw.wm, rec.id, ground="foi_only", reason="Only an FOI request")
    assert rec.state is S.FOR_CANCELLING
    assert letters.cancel(lw.mpcs, rec.id, "FOI only: passed to the Information Access Team").state is S.CANCELLED


def test_general_election_converts_ministerial_letters_to_official(lw, clock):
    letters = lw.services.letters
    rec = letters.send_to_private_office(lw.tl, lw.with_team_leader("ministerial").id)
    with pytest.raises(InvalidTransition, match="outside a general election period"):
        letters.convert_to_official(lw.mpcs, rec.id)
    with pytest.raises(PermissionDenied):
        letters.set_dissolution_date(lw.wm, date(2026, 11, 30))
    letters.set_dissolution_date(lw.mpcs, date(2026, 11, 30))
    assert letters.dissolution_date() == date(2026, 11, 30)
    with pytest.raises(InvalidTransition, match="outside a general election period"):
        letters.convert_to_official(lw.mpcs, rec.id)  # not dissolved yet on Monday 23rd
    clock.set(london(2026, 11, 30, 9, 0))
    rec = letters.convert_to_official(lw.mpcs, rec.id)
    assert (rec.kind, rec.state, rec.reference) == (LetterKind.OFFICIAL, S.WITH_TEAM_LEADER, "M00001/26")
    assert rec.signatory.kind.value == "official"
    assert letters.sign(lw.tl, rec.id).state is S.SIGNED
    # The rest in one go: outstanding Ministerial letters only, signed ones stay Ministerial.
    drafting, registered = lw.drafting("ministerial"), lw.register("ministerial")
    signed = letters.minister_sign(lw.po, letters.send_to_private_office(
        lw.tl, lw.with_team_leader("ministerial").id).id, signed_by="Anne Minister")
    official = lw.register()
    assert letters.convert_outstanding_to_official(lw.mpcs) == [drafting.reference, registered.reference]
    assert letters.get(lw.mpcs, signed.id).kind is LetterKind.MINISTERIAL
    assert letters.get(lw.mpcs, official.id).kind is LetterKind.OFFICIAL
    with pytest.raises(PermissionDenied):
        letters.convert_outstanding_to_official(lw.wm)


def test_letters_of_a_deceased_member(lw):
    letters = lw.services.letters
    undrafted = lw.drafting()
    unsigned = lw.in_qa()
    signed = letters.sign(lw.tl, lw.with_team_leader().id)
    gone = letters.dispatch(lw.tl, letters.sign(lw.tl, lw.with_team_leader().id).id, reply_channel="letter")
    other = lw.register(member_id=lw.base.mp_scot.id)
    review = letters.letters_of_deceased_member(lw.mpcs, lw.mp.id)
    assert review.undrafted == (undrafted.reference,)
    assert review.awaiting_signature == (unsigned.reference,)
    assert review.signed_not_sent == (signed.reference,)
    assert gone.reference not in review.undrafted + review.awaiting_signature + review.signed_not_sent
    assert other.reference not in review.undrafted
