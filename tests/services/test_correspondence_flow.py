"""CTS letters end to end through the services, on SQLite and PostgreSQL: registration to dispatch
through five different users, references per kind and year, deadlines on the workstacks."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from mpel_app.db.models import AuditLog
from mpel_app.domain.correspondence import LetterAction as A
from mpel_app.domain.correspondence import LetterKind, LetterState as S, SignatoryKind
from mpel_app.domain.letter_records import DocumentKind
from mpel_app.domain.records import QueueStatus, Role
from tests.support.letters_world import DRAFT, NOTE, SCAN, build_letters_world, london


@pytest.fixture
def lw(services):
    return build_letters_world(services)


def _in(stack, letter_id):
    return [i for i in stack if i.id == letter_id]


def test_official_letter_from_registration_to_dispatch_through_five_users(lw, clock):
    letters = lw.services.letters
    rec = letters.register(lw.mpcs, kind="official", member_id=lw.mp.id, subject_name="Ali Rezaei",
                           issue="his asylum claim", ho_reference="r123 4567", constituent_name="Mrs Leila Rezaei",
                           scanned_pdf=SCAN, scanned_filename="C:\\scans\\letter.pdf")
    assert (rec.reference, rec.kind, rec.state) == ("B00001/26", LetterKind.OFFICIAL, S.REGISTERED)
    assert rec.ho_reference == "R1234567"
    assert rec.signatory.kind is SignatoryKind.OFFICIAL
    assert [(d.kind, d.filename, d.size) for d in rec.documents] == [(DocumentKind.SCAN, "letter.pdf", len(SCAN))]
    assert letters.document(lw.mpcs, rec.documents[0].id).data == SCAN
    assert rec.allowed_actions == (A.ALLOCATE, A.CANCEL)
    # Monday 23 Nov 2026, 10:15: allocation by Wed 25, reply by Mon 21 Dec.
    assert rec.deadlines["allocation"] == date(2026, 11, 25) and rec.deadlines["reply"] == date(2026, 12, 21)
    assert _in(letters.workstack(lw.mpcs, Role.MPCS_ALLOCATOR), rec.id)[0].section == "To allocate"

    rec = letters.allocate(lw.mpcs, rec.id, "asy1")
    assert (rec.state, rec.unit_code, rec.deadlines["decision"]) == (S.ALLOCATED, "ASY1", date(2026, 11, 25))
    [line] = _in(letters.workstack(lw.wm, Role.WORKFLOW_MANAGER), rec.id)
    assert line.section == "To accept or reject" and line.decision_deadline == date(2026, 11, 25)

    rec = letters.accept(lw.wm, rec.id, barrier_to_removal=True)
    assert rec.state is S.ACCEPTED and rec.barrier_to_removal is True
    rec = letters.allocate_to_case_owner(lw.wm, rec.id, lw.co.id)
    assert rec.state is S.DRAFTING and rec.case_owner == lw.co.username
    # While it is drafted the workflow manager may still reallocate it or reject it for cancelling.
    assert set(rec.allowed_actions) == {A.ALLOCATE_TO_CASE_OWNER, A.REJECT_FOR_CANCELLING}
    assert set(letters.get(lw.co, rec.id).allowed_actions) == {
        A.REQUEST_REALLOCATION, A.SAVE_BACKGROUND_NOTE, A.SUBMIT_TO_QA}
    [line] = _in(letters.workstack(lw.co, Role.CASE_OWNER), rec.id)
    assert line.stage_deadline == date(2026, 12, 9) and line.reply_deadline == date(2026, 12, 21)

    rec = letters.save_background_note(lw.co, rec.id, **NOTE)
    assert rec.background_note.complete and rec.background_note.drafting_officer_phone == "020 8196 0000"
    result = letters.submit_to_qa(lw.co, rec.id, draft=DRAFT)
    assert not result.late and result.warning is None
    rec = result.letter
    assert (rec.state, rec.drafter_grade, rec.draft) == (S.IN_QA, "EO", DRAFT)
    assert _in(letters.workstack(lw.scw, Role.SENIOR_CASEWORKER), rec.id)[0].section == "For QA"

    rec = letters.qa_pass(lw.scw, rec.id)
    assert rec.state is S.WITH_TEAM_LEADER and rec.reached_signatory_at == clock.now()
    rec = letters.sign(lw.tl, rec.id)
    assert (rec.state, rec.signed_by) == (S.SIGNED, "Tariq Leader")
    assert rec.deadlines["signing"] == date(2026, 11, 27)  # 4 working days of reaching the signatory
    rec = letters.dispatch(lw.tl, rec.id, reply_channel="letter")
    assert rec.state is S.DISPATCHED and rec.reply_channel == "letter" and rec.dispatched_at == clock.now()
    assert rec.allowed_actions == () and rec.prompts == ()

    trail = letters.history(lw.tl, rec.id)
    assert [(t.username, t.action) for t in trail] == [
        ("mpcs", "register the letter"), ("mpcs", "allocate to a drafting unit"), ("wm", "accept for the unit"),
        ("wm", "allocate to a case owner"), ("owner", "write the background note"), ("owner", "submit to QA"),
        ("scw", "pass QA to the team leader"), ("tl", "sign the Official reply"), ("tl", "record dispatch")]
    assert len({t.username for t in trail}) == 5
    assert trail[2].changes["state"] == ["allocated", "accepted"]
    for stack_owner, role in ((lw.mpcs, Role.MPCS_ALLOCATOR), (lw.wm, Role.WORKFLOW_MANAGER),
                              (lw.co, Role.CASE_OWNER), (lw.scw, Role.SENIOR_CASEWORKER),
                              (lw.tl, Role.UNIT_TEAM_LEADER)):
        assert not _in(letters.workstack(stack_owner, role), rec.id)


def test_ministerial_letter_is_signed_and_sent_by_private_office(lw):
    letters = lw.services.letters
    rec = lw.register("ministerial")
    assert rec.reference == "M00001/26"
    assert (rec.signatory.kind, rec.signatory.who) == (SignatoryKind.MINISTER, "Minister for Immigration")
    rec = lw.with_team_leader("ministerial")
    assert rec.reference == "M00002/26" and rec.reached_signatory_at is None  # the Minister signs, not the TL
    assert A.SIGN not in rec.allowed_actions
    rec = letters.send_to_private_office(lw.tl, rec.id)
    assert rec.state is S.WITH_PRIVATE_OFFICE
    [line] = _in(letters.workstack(lw.po, Role.PRIVATE_OFFICE), rec.id)
    assert line.section == "For the Minister's approval and signature"
    assert line.stage_deadline == rec.deadlines["signing"]
    rec = letters.minister_sign(lw.po, rec.id, signed_by="Rt Hon Anne Minister MP")
    assert rec.state is S.SIGNED and rec.signed_by == "Rt Hon Anne Minister MP"
    assert _in(letters.workstack(lw.po, Role.PRIVATE_OFFICE), rec.id)[0].section == "Signed: to dispatch"
    assert not _in(letters.workstack(lw.tl, Role.UNIT_TEAM_LEADER), rec.id)  # Private Office dispatches it
    rec = letters.dispatch(lw.po, rec.id, reply_channel="letter")
    assert rec.state is S.DISPATCHED
    users = {t.username for t in letters.history(lw.po, rec.id)}
    assert users == {"mpcs", "wm", "owner", "scw", "tl", "po"}


def test_references_run_per_kind_and_per_year(lw, clock):
    assert [lw.register(k).reference for k in ("ministerial", "official", "ministerial", "official")] == [
        "M00001/26", "B00001/26", "M00002/26", "B00002/26"]
    clock.set(london(2027, 1, 4, 9, 30))
    assert lw.register("official").reference == "B00001/27"
    assert lw.register("ministerial").reference == "M00001/27"


def test_registration_needs_the_mpcs_role_and_a_pdf(lw):
    from mpel_app.domain.errors import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied, match="only an MPCS allocator"):
        lw.services.letters.register(lw.wm, kind="official", member_id=lw.mp.id, subject_name="A",
                                     issue="x")
    with pytest.raises(ValidationError, match="not a PDF"):
        lw.register(scanned_pdf=b"GIF89a")
    with pytest.raises(ValidationError, match="kind"):
        lw.register(kind="urgent")
    # A failed registration gives its number back: no gaps.
    assert lw.register().reference == "B00001/26"


def test_ophso_deadline_is_fixed_on_registration_and_caps_the_others(lw):
    rec = lw.register(ophso=True)
    assert rec.ophso_deadline == date(2026, 11, 30)  # 5 working days from Monday 23 Nov
    assert rec.deadlines["ophso"] == rec.deadlines["reply"] == rec.deadlines["unit"] == date(2026, 11, 30)
    assert rec.deadlines["allocation"] == date(2026, 11, 25)


def test_workstacks_show_urgent_first_then_by_deadline_with_status(lw, clock):
    letters = lw.services.letters
    older = lw.accepted()
    clock.set(london(2026, 11, 24, 10, 0))
    newer = lw.accepted()
    urgent = lw.accepted(urgent=True)
    stack = letters.workstack(lw.wm, Role.WORKFLOW_MANAGER, "ASY1")
    assert [i.id for i in stack] == [urgent.id, older.id, newer.id]
    assert all(i.section == "To allocate to a case owner" for i in stack)
    # Accepted: the stage is drafting up to the QA submission date (12 working days).
    assert stack[1].stage_deadline == date(2026, 12, 9) and stack[1].status is QueueStatus.ON_TIME
    clock.set(london(2026, 12, 8, 10, 0))
    stack = letters.workstack(lw.wm, Role.WORKFLOW_MANAGER)
    assert stack[1].status is QueueStatus.DUE_SOON
    clock.set(london(2026, 12, 10, 10, 0))
    assert letters.workstack(lw.wm, Role.WORKFLOW_MANAGER)[1].status is QueueStatus.OVERDUE
    record = letters.get(lw.wm, older.id)
    assert record.warnings and "QA deadline was" in record.warnings[0]


def test_every_change_is_audited_in_its_own_transaction(lw, services):
    rec = lw.drafting()
    with services.uow.read() as s:
        actions = list(s.scalars(select(AuditLog.action).where(AuditLog.entity == "letter",
                                                               AuditLog.entity_id == rec.id)
                                 .order_by(AuditLog.id)))
    assert actions == ["register the letter", "allocate to a drafting unit", "accept for the unit",
                       "allocate to a case owner"]
