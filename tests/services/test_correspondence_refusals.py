"""What the CTS services refuse, and that nothing changes when they do: wrong role, wrong unit, wrong
grade, not the case owner, missing fields, and restricted letters hidden from all but their handlers."""
from __future__ import annotations

import pytest

from mpel_app.domain.correspondence import LetterState as S
from mpel_app.domain.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from mpel_app.domain.records import Role
from tests.support.letters_world import DRAFT, NOTE, PASSWORD, build_letters_world


@pytest.fixture
def lw(services):
    return build_letters_world(services)


def _user(lw, username, roles, grade=None, unit=None):
    rec = lw.services.users.create_user(lw.admin, username=username, full_name=username.title(), password=PASSWORD,
                                        roles=roles, grade=grade, demo=True)
    if unit:
        lw.services.units.add_member(lw.admin, unit, rec.id)
    return rec


def _unchanged(lw, before):
    after = lw.services.letters.get(lw.mpcs, before.id)
    assert (after.state, after.version) == (before.state, before.version)


def test_wrong_role(lw):
    letters = lw.services.letters
    rec = lw.register()
    with pytest.raises(PermissionDenied, match="only an MPCS allocator may allocate"):
        letters.allocate(lw.wm, rec.id, "ASY1")
    rec = letters.allocate(lw.mpcs, rec.id, "ASY1")
    with pytest.raises(PermissionDenied, match="only a workflow manager may accept"):
        letters.accept(lw.mpcs, rec.id, barrier_to_removal=True)
    with pytest.raises(PermissionDenied):
        letters.accept(lw.co, rec.id, barrier_to_removal=True)
    _unchanged(lw, rec)
    with pytest.raises(PermissionDenied):
        letters.workstack(lw.co, Role.WORKFLOW_MANAGER)


def test_wrong_unit(lw):
    letters = lw.services.letters
    rec = letters.allocate(lw.mpcs, lw.register().id, "ASY1")
    with pytest.raises(PermissionDenied, match="not a member of ASY1"):
        letters.accept(lw.wm_eur, rec.id, barrier_to_removal=True)
    _unchanged(lw, rec)
    assert not [i for i in letters.workstack(lw.wm_eur, Role.WORKFLOW_MANAGER) if i.id == rec.id]
    with pytest.raises(PermissionDenied, match="not a member of ASY1"):
        letters.workstack(lw.wm_eur, Role.WORKFLOW_MANAGER, "ASY1")
    rec = letters.accept(lw.wm, rec.id, barrier_to_removal=True)
    with pytest.raises(ValidationError, match="not a member of ASY1"):
        letters.allocate_to_case_owner(lw.wm, rec.id, lw.co_eur.id)
    # A senior caseworker of another unit may not QA it either.
    rec = lw.in_qa()
    other_scw = _user(lw, "scweur", {Role.SENIOR_CASEWORKER}, "G7", "EUR")
    with pytest.raises(PermissionDenied, match="not a member of ASY1"):
        letters.qa_pass(other_scw, rec.id)


def test_wrong_grade(lw):
    letters = lw.services.letters
    eo_scw = _user(lw, "scweo", {Role.SENIOR_CASEWORKER}, "EO", "ASY1")
    rec = lw.in_qa()  # drafted by an EO
    with pytest.raises(PermissionDenied, match="at least one above the drafting officer"):
        letters.qa_pass(eo_scw, rec.id)
    rec = letters.qa_pass(lw.scw, rec.id)  # HEO
    heo_tl = _user(lw, "tlheo", {Role.UNIT_TEAM_LEADER}, "HEO", "ASY1")
    with pytest.raises(PermissionDenied, match="signed at SEO or above"):
        letters.sign(heo_tl, rec.id)
    _unchanged(lw, rec)
    seo_tl = _user(lw, "tlseo", {Role.UNIT_TEAM_LEADER}, "SEO", "ASY1")
    ministerial = lw.with_team_leader("ministerial")
    with pytest.raises(PermissionDenied, match="G7 or above"):
        letters.send_to_private_office(seo_tl, ministerial.id)
    no_grade = _user(lw, "nograde", {Role.CASE_OWNER}, None, "ASY1")
    drafting = lw.drafting()
    drafting = letters.allocate_to_case_owner(lw.wm, drafting.id, no_grade.id)
    letters.save_background_note(no_grade, drafting.id, **NOTE)
    with pytest.raises(PermissionDenied, match="grade is not recorded"):
        letters.submit_to_qa(no_grade, drafting.id, draft=DRAFT)


def test_only_the_case_owner_does_the_case_owners_part(lw):
    letters = lw.services.letters
    rec = lw.drafting()
    with pytest.raises(PermissionDenied, match=r"only the case owner \(Owen Caseworker\)"):
        letters.save_background_note(lw.co2, rec.id, **NOTE)
    with pytest.raises(PermissionDenied, match="only the case owner"):
        letters.request_reallocation(lw.co2, rec.id, "not mine")
    letters.save_background_note(lw.co, rec.id, **NOTE)
    with pytest.raises(PermissionDenied, match="only the case owner"):
        letters.submit_to_qa(lw.co2, rec.id, draft=DRAFT)
    # Reallocation: asked for with a reason, then the workflow manager gives it to someone else.
    rec = letters.request_reallocation(lw.co, rec.id, "I dealt with the applicant's brother's case")
    assert rec.state is S.REALLOCATION_REQUESTED
    assert [i.section for i in letters.workstack(lw.wm, Role.WORKFLOW_MANAGER) if i.id == rec.id] == [
        "Reallocation requested"]
    rec = letters.allocate_to_case_owner(lw.wm, rec.id, lw.co2.id)
    assert rec.case_owner == "co2" and rec.state is S.DRAFTING
    with pytest.raises(PermissionDenied, match=r"only the case owner \(Cora Second\)"):
        letters.submit_to_qa(lw.co, rec.id, draft=DRAFT)


def test_required_fields(lw):
    letters = lw.services.letters
    rec = letters.allocate(lw.mpcs, lw.register().id, "ASY1")
    with pytest.raises(ValidationError, match="reason is required"):
        letters.reject(lw.wm, rec.id, reason="  ")
    with pytest.raises(ValidationError, match="no_barrier_reason is required"):
        letters.accept(lw.wm, rec.id, barrier_to_removal=False)
    with pytest.raises(ValidationError, match="suggested_unit must be another unit"):
        letters.reject(lw.wm, rec.id, reason="not ours", suggested_unit="asy1")
    with pytest.raises(ValidationError, match="suggested_unit: choose"):
        letters.reject(lw.wm, rec.id, reason="not ours", suggested_unit="NOPE")
    _unchanged(lw, rec)
    rec = letters.accept(lw.wm, rec.id, barrier_to_removal=False, no_barrier_reason="removal not set")
    assert rec.barrier_to_removal is False and rec.no_barrier_reason == "removal not set"
    rec = letters.allocate_to_case_owner(lw.wm, rec.id, lw.co.id)
    with pytest.raises(ValidationError, match="background note is missing"):
        letters.submit_to_qa(lw.co, rec.id, draft=DRAFT)
    with pytest.raises(ValidationError, match="drafting_officer_phone"):
        letters.save_background_note(lw.co, rec.id, **{**NOTE, "drafting_officer_phone": ""})
    with pytest.raises(ValidationError, match="not a valid number|not a telephone number"):
        letters.save_background_note(lw.co, rec.id, **{**NOTE, "drafting_officer_phone": "12"})
    with pytest.raises(ValidationError, match="unit: choose"):
        letters.allocate(lw.mpcs, lw.register().id, "NOWHERE")


def test_dispatch_channels(lw):
    letters = lw.services.letters
    rec = letters.sign(lw.tl, lw.with_team_leader().id)
    with pytest.raises(ValidationError, match="mp_agreement is required"):
        letters.dispatch(lw.tl, rec.id, reply_channel="telephone")
    with pytest.raises(ValidationError, match="resolution_note is required"):
        letters.dispatch(lw.tl, rec.id, reply_channel="telephone", mp_agreement="Agreed by phone, 24 Nov")
    rec = letters.dispatch(lw.wm, rec.id, reply_channel="telephone", mp_agreement="Agreed by phone, 24 Nov",
                           resolution_note="Told the caseworker the decision was served.")
    assert (rec.state, rec.reply_channel) == (S.DISPATCHED, "telephone")
    ministerial = letters.minister_sign(lw.po, letters.send_to_private_office(
        lw.tl, lw.with_team_leader("ministerial").id).id, signed_by="Anne Minister")
    with pytest.raises(ValidationError, match="Ministerial reply must be a letter"):
        letters.dispatch(lw.po, ministerial.id, reply_channel="email", mp_agreement="yes")
    with pytest.raises(PermissionDenied, match="only Private Office"):
        letters.dispatch(lw.tl, ministerial.id, reply_channel="letter")


def test_restricted_letter_is_hidden_from_all_but_its_named_handlers(lw):
    letters = lw.services.letters
    staff = _user(lw, "kim", {Role.CASE_OWNER}, "EO", "ASY1")  # the member of staff the MP wrote about
    with pytest.raises(ValidationError, match="may never see it"):
        lw.register(restricted=True, staff_member="kim", named_handlers=["wm", "kim"])
    # The line manager (the team leader, e-mailed at their address on the desk) is told [CORR 2.5].
    rec = lw.register(staff_member="kim", named_handlers=["wm", "co2", "scw", "tl", "po"], subject_name="Kim Staff",
                      line_manager_id=lw.tl.id)
    assert rec.restricted and rec.named_handlers == ("co2", "mpcs", "po", "scw", "tl", "wm")
    rec = letters.allocate(lw.mpcs, rec.id, "ASY1")
    for outsider in (lw.co, staff, lw.base.agent, lw.admin):
        with pytest.raises(NotFound):
            letters.get(outsider, rec.id)
        assert letters.search(outsider, "Kim Staff") == []
        assert letters.search(outsider, rec.reference) == []
        with pytest.raises(NotFound):
            letters.history(outsider, rec.id)
        with pytest.raises(NotFound):
            letters.document(outsider, rec.documents[0].id)
    assert [i.id for i in letters.search(lw.wm, "kim")] == [rec.id]
    assert [i.id for i in letters.workstack(lw.mpcs, Role.MPCS_ALLOCATOR)] == [rec.id]
    other_mpcs = _user(lw, "mpcs2", {Role.MPCS_ALLOCATOR}, "EO")
    assert letters.workstack(other_mpcs, Role.MPCS_ALLOCATOR) == []
    with pytest.raises(NotFound):
        letters.allocate(other_mpcs, rec.id, "EUR")
    rec = letters.accept(lw.wm, rec.id, barrier_to_removal=True)
    # Only a named handler can own it, and only one who may draft it: a case owner who is one can.
    with pytest.raises(ValidationError, match="not a named handler"):
        letters.allocate_to_case_owner(lw.wm, rec.id, lw.co.id)
    with pytest.raises(ValidationError, match="senior caseworker but not a case owner"):
        letters.allocate_to_case_owner(lw.wm, rec.id, lw.scw.id)
    rec = letters.allocate_to_case_owner(lw.wm, rec.id, lw.co2.id)
    assert rec.case_owner == "co2"
    assert letters.get_next_case(lw.co) is None  # nothing visible for the others to take either


def test_a_senior_caseworker_owns_only_ophso_enquiries_so_no_letter_is_stuck(lw):
    """OPHSO enquiries go to a senior caseworker [ASY], other letters to a case owner: the one rule
    (domain ``check_case_owner``) holds for allocation and "get next case" alike, so nobody is given a
    case whose background note, reallocation or submission to QA the lifecycle would then refuse them."""
    letters = lw.services.letters
    official = lw.accepted()
    # Not offered: a senior caseworker asking for the next case gets nothing while only other letters wait.
    assert letters.get_next_case(lw.scw) is None
    # Nor given by the workflow manager, with a message saying why; nothing changes.
    with pytest.raises(ValidationError, match="case_owner: Sana Senior is a senior caseworker but not a case owner: "
                                              "only OPHSO enquiries go to a senior caseworker to draft"):
        letters.allocate_to_case_owner(lw.wm, official.id, lw.scw.id)
    _unchanged(lw, official)
    assert letters.get(lw.wm, official.id).case_owner is None

    # Reallocating a case being drafted to a senior caseworker is refused the same way.
    drafting = letters.allocate_to_case_owner(lw.wm, official.id, lw.co.id)
    with pytest.raises(ValidationError, match="senior caseworker but not a case owner"):
        letters.allocate_to_case_owner(lw.wm, drafting.id, lw.scw.id)
    _unchanged(lw, drafting)

    # OPHSO: the other way round.
    ophso = lw.accepted(ophso=True)
    with pytest.raises(ValidationError, match="case_owner: Owen Caseworker is not a senior caseworker; OPHSO "
                                              "enquiries are handled by a senior caseworker"):
        letters.allocate_to_case_owner(lw.wm, ophso.id, lw.co.id)
    _unchanged(lw, ophso)
    taken = letters.get_next_case(lw.scw)
    assert (taken.id, taken.case_owner) == (ophso.id, "scw")
    letters.save_background_note(lw.scw, ophso.id, **NOTE)
    assert letters.submit_to_qa(lw.scw, ophso.id, draft=DRAFT).letter.state is S.IN_QA

    # Someone who is both may own either kind, and drafts an Official letter right through to QA.
    both = _user(lw, "dual", {Role.CASE_OWNER, Role.SENIOR_CASEWORKER}, "HEO", "ASY1")
    other = lw.accepted()
    got = letters.get_next_case(both)
    assert (got.id, got.case_owner) == (other.id, "dual")
    letters.save_background_note(both, other.id, **NOTE)
    assert letters.submit_to_qa(both, other.id, draft=DRAFT).letter.state is S.IN_QA


def test_invalid_transitions_are_refused(lw):
    letters = lw.services.letters
    rec = lw.register()
    with pytest.raises(InvalidTransition, match="cannot accept"):
        letters.accept(lw.wm, rec.id, barrier_to_removal=True)
    with pytest.raises(InvalidTransition, match="only a letter rejected by two or more units"):
        letters.escalate(lw.mpcs, letters.reject(lw.wm, letters.allocate(lw.mpcs, rec.id, "ASY1").id,
                                                 reason="not ours").id)
    with pytest.raises(InvalidTransition, match="Ministerial reply is signed by the Minister"):
        letters.sign(lw.tl, lw.with_team_leader("ministerial").id)
    with pytest.raises(NotFound):
        letters.get(lw.mpcs, 999_999)


def test_inactive_unit_cannot_be_allocated_and_units_are_admin_only(lw):
    units = lw.services.units
    with pytest.raises(PermissionDenied):
        units.create_unit(lw.mpcs, code="NEW", name="New unit")
    with pytest.raises(PermissionDenied):
        units.add_member(lw.wm, "ASY1", lw.co_eur.id)
    units.update_unit(lw.admin, "CRT", active=False)
    with pytest.raises(ValidationError, match="no longer an active drafting unit"):
        lw.services.letters.allocate(lw.mpcs, lw.register().id, "CRT")
    assert [u.code for u in units.list_units(active_only=True)] == ["ASY1", "EUR"]
    assert "owner" in units.list_units()[0].members
    with pytest.raises(ValidationError, match="already a drafting unit"):
        units.create_unit(lw.admin, code="asy1", name="Again")
