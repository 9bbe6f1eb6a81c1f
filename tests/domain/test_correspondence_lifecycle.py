"""The CTS letter lifecycle: every action from every state, for every role and grade.

The expected tables below are written out from the guidance ([CORR 1],
[ASY], domain-rules §6), not read from the implementation, so a change to
the state machine's table fails here until the guidance table is changed too.
"""
from __future__ import annotations

from dataclasses import replace

import pytest

from mpel_app.domain.correspondence import (
    GRADES,
    PRIVATE_OFFICE,
    SYSTEM,
    LetterAction as A,
    LetterFacts,
    LetterKind,
    LetterState as S,
    allowed_actions,
    check,
    count_returns,
)
from mpel_app.domain.errors import InvalidTransition, PermissionDenied, ValidationError
from mpel_app.domain.records import Role

M, O = LetterKind.MINISTERIAL, LetterKind.OFFICIAL
MPCS, WM, CO = "mpcs_allocator", "workflow_manager", "case_owner"
SCW, TL = "senior_caseworker", "unit_team_leader"

# -- the expected tables --------------------------------------------------------

HELD_BY_UNIT = {S.ALLOCATED, S.ACCEPTED, S.DRAFTING, S.REALLOCATION_REQUESTED}
BEFORE_SIGNING = {S.REGISTERED, S.ALLOCATED, S.REJECTED_TO_MPCS, S.ESCALATED, S.ACCEPTED, S.DRAFTING,
                  S.REALLOCATION_REQUESTED, S.IN_QA, S.WITH_TEAM_LEADER, S.WITH_PRIVATE_OFFICE}

# action: (from-states, to-state or "same", roles for Official, roles for Ministerial)
EXPECTED = {
    A.REGISTER: ({None}, S.REGISTERED, {MPCS}, {MPCS}),
    A.ALLOCATE: ({S.REGISTERED, S.REJECTED_TO_MPCS, S.ESCALATED, S.FOR_CANCELLING}, S.ALLOCATED, {MPCS}, {MPCS}),
    A.ACCEPT: ({S.ALLOCATED}, S.ACCEPTED, {WM}, {WM}),
    A.REJECT: ({S.ALLOCATED, S.ACCEPTED, S.REALLOCATION_REQUESTED}, S.REJECTED_TO_MPCS, {WM}, {WM}),
    A.ESCALATE: ({S.REJECTED_TO_MPCS}, S.ESCALATED, {MPCS}, {MPCS}),
    A.ENFORCE: ({S.ESCALATED}, S.ALLOCATED, {MPCS}, {MPCS}),
    A.ENFORCE_TWO_DAY_RULE: ({S.ALLOCATED}, "same", {SYSTEM, MPCS}, {SYSTEM, MPCS}),
    A.LIFT_ENFORCEMENT: (HELD_BY_UNIT, S.ALLOCATED, {MPCS}, {MPCS}),
    A.ALLOCATE_TO_CASE_OWNER: ({S.ACCEPTED, S.DRAFTING, S.REALLOCATION_REQUESTED}, S.DRAFTING, {WM}, {WM}),
    A.REQUEST_REALLOCATION: ({S.DRAFTING}, S.REALLOCATION_REQUESTED, {CO}, {CO}),
    A.SAVE_BACKGROUND_NOTE: ({S.DRAFTING}, "same", {CO}, {CO}),
    A.SUBMIT_TO_QA: ({S.DRAFTING}, S.IN_QA, {CO}, {CO}),
    A.QA_RETURN: ({S.IN_QA}, S.DRAFTING, {SCW}, {SCW}),
    A.QA_PASS: ({S.IN_QA}, S.WITH_TEAM_LEADER, {SCW}, {SCW}),
    A.TL_RETURN: ({S.WITH_TEAM_LEADER}, S.DRAFTING, {TL}, {TL}),
    A.SIGN: ({S.WITH_TEAM_LEADER}, S.SIGNED, {TL}, {TL}),
    A.SEND_TO_PRIVATE_OFFICE: ({S.WITH_TEAM_LEADER}, S.WITH_PRIVATE_OFFICE, {TL}, {TL}),
    A.PO_RETURN: ({S.WITH_PRIVATE_OFFICE}, S.DRAFTING, {PRIVATE_OFFICE}, {PRIVATE_OFFICE}),
    A.MINISTER_SIGN: ({S.WITH_PRIVATE_OFFICE}, S.SIGNED, {PRIVATE_OFFICE}, {PRIVATE_OFFICE}),
    A.DISPATCH: ({S.SIGNED}, S.DISPATCHED, {TL, WM}, {PRIVATE_OFFICE}),
    A.REJECT_FOR_CANCELLING: (HELD_BY_UNIT, S.FOR_CANCELLING, {WM}, {WM}),
    A.CANCEL: ({S.REGISTERED, S.REJECTED_TO_MPCS, S.ESCALATED, S.FOR_CANCELLING}, S.CANCELLED, {MPCS}, {MPCS}),
    A.CONVERT_TO_OFFICIAL: (BEFORE_SIGNING, "same", {MPCS}, {MPCS}),
    # An off-line unit's reply checked in by MPCS [ASY]: Ministerial on to Private Office, Official closed.
    A.CHECK_IN_OFFLINE: (HELD_BY_UNIT | {S.IN_QA, S.WITH_TEAM_LEADER}, "offline", {MPCS}, {MPCS}),
}

# Which kinds of letter each action is for (others: InvalidTransition).
ONLY_KIND = {
    A.SIGN: O,  # Official replies are signed by the team leader [ASY]
    A.SEND_TO_PRIVATE_OFFICE: M,
    A.PO_RETURN: M,
    A.MINISTER_SIGN: M,
    A.CONVERT_TO_OFFICIAL: M,  # general election [CORR 5.4]
}

# Grade floors with the drafting officer at EO: QA at least one grade above the
# drafter [CORR 1.6]; Official signed SEO+ [CORR 1.8]; Ministerial cleared G7+ [CORR 1.6].
DRAFTER = "EO"
MIN_GRADE = {
    A.QA_RETURN: "HEO", A.QA_PASS: "HEO", A.TL_RETURN: "HEO",
    A.SIGN: "SEO", A.SEND_TO_PRIVATE_OFFICE: "G7",
    A.SUBMIT_TO_QA: "AO",  # any grade, but it must be recorded (QA is checked against it)
}

ALL_STATES = [None, *S]
ALL_ROLES = [*(r.value for r in Role), PRIVATE_OFFICE, SYSTEM]
ALL_GRADES = [None, *GRADES]
ORDER = ["AO", "EO", "HEO", "SEO", "G7", "G6", "SCS"]  # written out, not imported

BASE = LetterFacts(kind=O, unit="Asylum Team North", drafter_grade=DRAFTER, case_owner="alice",
                   background_note_complete=True)


def good_facts(action: A, kind: LetterKind) -> LetterFacts:
    facts = replace(BASE, kind=kind)
    if action is A.ESCALATE:
        facts = replace(facts, rejecting_units=frozenset({"Asylum Team North", "Legacy Directorate"}))
    if action is A.ENFORCE_TWO_DAY_RULE:
        facts = replace(facts, decision_overdue=True)
    if action is A.LIFT_ENFORCEMENT:
        facts = replace(facts, enforced=True)
    if action is A.CONVERT_TO_OFFICIAL:
        facts = replace(facts, election_period=True)
    if action is A.CHECK_IN_OFFLINE:
        facts = replace(facts, offline_unit=True)
    return facts


def good_fields(action: A, kind: LetterKind) -> dict:
    return {
        A.REGISTER: {"reference": "M12345/26" if kind is M else "B12345/26", "correspondent": "Ann Other MP"},
        A.ALLOCATE: {"unit": "Asylum Team North"},
        A.ACCEPT: {"barrier_to_removal": True},
        A.REJECT: {"reason": "a legacy case", "suggested_unit": "Legacy Directorate"},
        A.ENFORCE: {"unit": "Asylum Team North"},
        A.LIFT_ENFORCEMENT: {"agreeing_unit": "Legacy Directorate", "written_agreement": "attachment 17"},
        A.ALLOCATE_TO_CASE_OWNER: {"case_owner": "bob"},
        A.REQUEST_REALLOCATION: {"reason": "I interviewed the applicant"},
        A.SAVE_BACKGROUND_NOTE: {"background": "refused 2025; appeal pending",
                                 "drafting_officer_name": "Alice Case", "drafting_officer_location": "Leeds",
                                 "drafting_officer_phone": "0113 496 0000"},
        A.SUBMIT_TO_QA: {"draft": "draft.docx"},
        A.QA_RETURN: {"note": "check the dates"},
        A.TL_RETURN: {"note": "tone"},
        A.PO_RETURN: {"note": "Minister wants more on policy"},
        A.MINISTER_SIGN: {"signed_by": "Minister of State"},
        A.DISPATCH: {"reply_channel": "letter"},
        A.REJECT_FOR_CANCELLING: {"ground": "foi_only", "reason": "FOI request only"},
        A.CANCEL: {"reason": "duplicate of M12344/26"},
        A.CHECK_IN_OFFLINE: {"document": "signed-reply.pdf", "approved_by": "Carl Criminal, SEO"},
    }.get(action, {})


def expected_outcome(action: A, kind: LetterKind, state, role: str, grade: str | None):
    """The exception class expected, or the next state; in the documented order role, state, kind, grade."""
    sources, target, official_roles, ministerial_roles = EXPECTED[action]
    roles = ministerial_roles if kind is M else official_roles
    if role not in roles:
        return PermissionDenied
    if state not in sources:
        return InvalidTransition
    if action in ONLY_KIND and ONLY_KIND[action] is not kind:
        return InvalidTransition
    if action in MIN_GRADE and (grade is None or ORDER.index(grade) < ORDER.index(MIN_GRADE[action])):
        return PermissionDenied
    if target == "offline":
        return S.WITH_PRIVATE_OFFICE if kind is M else S.DISPATCHED
    if target == "same":
        return S.WITH_TEAM_LEADER if (action is A.CONVERT_TO_OFFICIAL and state is S.WITH_PRIVATE_OFFICE) else state
    return target


def test_the_expected_table_covers_every_action():
    assert set(EXPECTED) == set(A)


@pytest.mark.parametrize("kind", [O, M], ids=str)
@pytest.mark.parametrize("action", list(A), ids=str)
def test_every_state_role_and_grade(action, kind):
    facts, fields = good_facts(action, kind), good_fields(action, kind)
    wrong = []
    for state in ALL_STATES:
        for role in ALL_ROLES:
            for grade in ALL_GRADES:
                want = expected_outcome(action, kind, state, role, grade)
                try:
                    got = check(action, state=state, actor_roles={role}, actor_grade=grade, facts=facts,
                                fields=fields)
                except (PermissionDenied, InvalidTransition, ValidationError) as exc:
                    got = type(exc)
                if got != want:
                    wrong.append((state, role, grade, want, got))
                listed = action in allowed_actions(state, {role}, grade, facts)
                if listed != (not isinstance(want, type)):
                    wrong.append((state, role, grade, "allowed_actions", listed))
    assert wrong == []


def test_only_a_letter_with_an_off_line_unit_has_its_reply_checked_in_by_mpcs():
    fields = good_fields(A.CHECK_IN_OFFLINE, O)
    with pytest.raises(InvalidTransition, match="works on CTS"):
        check(A.CHECK_IN_OFFLINE, state=S.DRAFTING, actor_roles={MPCS}, actor_grade=None, facts=BASE, fields=fields)
    facts = replace(BASE, offline_unit=True)
    with pytest.raises(ValidationError, match="approved_by"):
        check(A.CHECK_IN_OFFLINE, state=S.DRAFTING, actor_roles={MPCS}, actor_grade=None, facts=facts,
              fields={"document": "reply.pdf"})
    assert A.CHECK_IN_OFFLINE not in allowed_actions(S.DRAFTING, {MPCS}, None, BASE)


def test_an_actor_with_several_roles_may_use_any_of_them():
    facts = good_facts(A.ACCEPT, O)
    assert check(A.ACCEPT, state=S.ALLOCATED, actor_roles=[Role.CASE_OWNER, Role.WORKFLOW_MANAGER],
                 actor_grade="HEO", facts=facts, fields={"barrier_to_removal": True}) is S.ACCEPTED


def test_refusals_say_who_may_and_why():
    facts = good_facts(A.SIGN, O)
    with pytest.raises(PermissionDenied, match="only a unit team leader may sign the Official reply"):
        check(A.SIGN, state=S.WITH_TEAM_LEADER, actor_roles={CO}, actor_grade="SEO", facts=facts)
    with pytest.raises(InvalidTransition, match=r"cannot sign the Official reply: the letter is drafting"):
        check(A.SIGN, state=S.DRAFTING, actor_roles={TL}, actor_grade="SEO", facts=facts)
    with pytest.raises(InvalidTransition, match="signed by the Minister: send it to Private Office"):
        check(A.SIGN, state=S.WITH_TEAM_LEADER, actor_roles={TL}, actor_grade="G7", facts=replace(facts, kind=M))
    with pytest.raises(PermissionDenied, match=r"only an MPCS allocator may allocate"):
        check(A.ALLOCATE, state=S.REGISTERED, actor_roles={WM}, actor_grade="SEO", facts=facts)


# -- grades --------------------------------------------------------------------

QA_CASES = [
    # (action, kind, drafter, actor, allowed)
    (A.QA_PASS, O, "EO", "EO", False),
    (A.QA_PASS, O, "EO", "HEO", True),
    (A.QA_PASS, O, "HEO", "HEO", False),
    (A.QA_PASS, O, "HEO", "SEO", True),
    (A.QA_PASS, M, "SEO", "SEO", False),
    (A.QA_PASS, M, "SEO", "G7", True),
    (A.QA_RETURN, O, "HEO", "EO", False),
    (A.QA_RETURN, O, "HEO", "SEO", True),
    (A.TL_RETURN, O, "SEO", "SEO", False),
    (A.TL_RETURN, O, "SEO", "G7", True),
    (A.SIGN, O, "EO", "HEO", False),  # above the drafter, but below SEO [CORR 1.8]
    (A.SIGN, O, "EO", "SEO", True),
    (A.SIGN, O, "SEO", "SEO", False),  # SEO, but not above the drafter [CORR 1.6]
    (A.SIGN, O, "SEO", "G7", True),
    (A.SEND_TO_PRIVATE_OFFICE, M, "EO", "SEO", False),  # Ministerial cleared by G7+ [CORR 1.6]
    (A.SEND_TO_PRIVATE_OFFICE, M, "EO", "G7", True),
    (A.SEND_TO_PRIVATE_OFFICE, M, "G7", "G7", False),
    (A.SEND_TO_PRIVATE_OFFICE, M, "G7", "G6", True),
    (A.SEND_TO_PRIVATE_OFFICE, M, "G6", "SCS", True),
]


@pytest.mark.parametrize(("action", "kind", "drafter", "actor", "allowed"), QA_CASES)
def test_qa_and_signing_grades(action, kind, drafter, actor, allowed):
    role = SCW if action in (A.QA_PASS, A.QA_RETURN) else TL
    state = S.IN_QA if role == SCW else S.WITH_TEAM_LEADER
    facts = replace(BASE, kind=kind, drafter_grade=drafter)
    call = lambda: check(action, state=state, actor_roles={role}, actor_grade=actor, facts=facts,  # noqa: E731
                         fields=good_fields(action, kind))
    if allowed:
        assert call() in (S.DRAFTING, S.WITH_TEAM_LEADER, S.SIGNED, S.WITH_PRIVATE_OFFICE)
    else:
        with pytest.raises(PermissionDenied, match=r"CORR 1\.[68]"):
            call()


def test_qa_refused_when_the_drafters_grade_is_unknown():
    with pytest.raises(PermissionDenied, match="drafting officer's grade is not recorded"):
        check(A.QA_PASS, state=S.IN_QA, actor_roles={SCW}, actor_grade="SCS",
              facts=replace(BASE, drafter_grade=None))


@pytest.mark.parametrize("grade", [None, "G8"])
def test_submitting_needs_a_recorded_grade(grade):
    with pytest.raises(PermissionDenied, match="your grade is"):
        check(A.SUBMIT_TO_QA, state=S.DRAFTING, actor_roles={CO}, actor_grade=grade, facts=BASE,
              fields={"draft": "d"})


# -- required fields -----------------------------------------------------------

REQUIRED = {
    A.REGISTER: ["reference", "correspondent"],
    A.ALLOCATE: ["unit"],
    A.ACCEPT: ["barrier_to_removal"],
    A.REJECT: ["reason"],
    A.ENFORCE: ["unit"],
    A.LIFT_ENFORCEMENT: ["agreeing_unit", "written_agreement"],
    A.ALLOCATE_TO_CASE_OWNER: ["case_owner"],
    A.REQUEST_REALLOCATION: ["reason"],
    A.SAVE_BACKGROUND_NOTE: ["background", "drafting_officer_name", "drafting_officer_location",
                             "drafting_officer_phone"],
    A.SUBMIT_TO_QA: ["draft"],
    A.QA_RETURN: ["note"],
    A.TL_RETURN: ["note"],
    A.PO_RETURN: ["note"],
    A.MINISTER_SIGN: ["signed_by"],
    A.DISPATCH: ["reply_channel"],
    A.REJECT_FOR_CANCELLING: ["ground", "reason"],
    A.CANCEL: ["reason"],
    A.CHECK_IN_OFFLINE: ["document", "approved_by"],
}
REQUIRED_CASES = [(a, f) for a, fs in REQUIRED.items() for f in fs]


def allowed_call(action: A, kind: LetterKind, fields: dict):
    """Call check for an actor, state and facts that pass everything but the fields."""
    sources, _, official_roles, ministerial_roles = EXPECTED[action]
    state = sorted(sources, key=lambda s: "" if s is None else s.value)[0]
    role = next(iter(ministerial_roles if kind is M else official_roles))
    return check(action, state=state, actor_roles={role}, actor_grade="SCS",
                 facts=replace(good_facts(action, kind), drafter_grade="AO"), fields=fields)


def kind_for(action: A) -> LetterKind:
    return ONLY_KIND.get(action, O)


@pytest.mark.parametrize(("action", "field"), REQUIRED_CASES)
@pytest.mark.parametrize("how", ["missing", "blank"])
def test_a_missing_required_field_is_named(action, field, how):
    kind = kind_for(action)
    fields = good_fields(action, kind)
    assert allowed_call(action, kind, fields)  # the complete set passes
    if how == "missing":
        del fields[field]
    else:
        fields[field] = "   "
    with pytest.raises(ValidationError, match=field):
        allowed_call(action, kind, fields)


def test_actions_without_fields_need_none():
    for action in set(A) - set(REQUIRED):
        kind = kind_for(action)
        assert allowed_call(action, kind, {}), action


# -- allocation, rejection, escalation, enforcement -------------------------------

def mpcs(action, state, facts, **fields):
    return check(action, state=state, actor_roles={MPCS}, actor_grade=None, facts=facts, fields=fields)


def wm(action, state, facts, **fields):
    return check(action, state=state, actor_roles={WM}, actor_grade="HEO", facts=facts, fields=fields)


def test_accept_records_the_barrier_to_removal_or_why_not():
    assert wm(A.ACCEPT, S.ALLOCATED, BASE, barrier_to_removal=True) is S.ACCEPTED
    with pytest.raises(ValidationError, match="no_barrier_reason"):
        wm(A.ACCEPT, S.ALLOCATED, BASE, barrier_to_removal=False)
    assert wm(A.ACCEPT, S.ALLOCATED, BASE, barrier_to_removal=False,
              no_barrier_reason="policy letter: no applicant") is S.ACCEPTED
    with pytest.raises(ValidationError, match="barrier_to_removal"):
        wm(A.ACCEPT, S.ALLOCATED, BASE, barrier_to_removal="yes")


def test_reject_needs_a_reason_and_the_suggested_unit_must_be_another():
    assert wm(A.REJECT, S.ALLOCATED, BASE, reason="not asylum") is S.REJECTED_TO_MPCS
    with pytest.raises(ValidationError, match="suggested_unit"):
        wm(A.REJECT, S.ALLOCATED, BASE, reason="not ours", suggested_unit=" asylum team  NORTH")


def test_escalation_after_two_units_reject():
    one = replace(BASE, rejecting_units=frozenset({"Asylum Team North"}))
    two = replace(BASE, rejecting_units=frozenset({"Asylum Team North", "Legacy Directorate"}))
    same_twice = replace(BASE, rejecting_units=frozenset({"Asylum Team North", "asylum team north "}))
    # One rejection: MPCS re-allocates; it may not escalate.
    assert mpcs(A.ALLOCATE, S.REJECTED_TO_MPCS, one, unit="Legacy Directorate") is S.ALLOCATED
    with pytest.raises(InvalidTransition, match="two or more units"):
        mpcs(A.ESCALATE, S.REJECTED_TO_MPCS, one)
    with pytest.raises(InvalidTransition, match="two or more units"):
        mpcs(A.ESCALATE, S.REJECTED_TO_MPCS, same_twice)
    # Two: it must escalate, not re-allocate; then a unit's head accepts (allocate) or MPCS enforces.
    with pytest.raises(InvalidTransition, match="escalate"):
        mpcs(A.ALLOCATE, S.REJECTED_TO_MPCS, two, unit="Third Unit")
    assert mpcs(A.ESCALATE, S.REJECTED_TO_MPCS, two) is S.ESCALATED
    assert mpcs(A.ALLOCATE, S.ESCALATED, two, unit="Legacy Directorate") is S.ALLOCATED
    assert mpcs(A.ENFORCE, S.ESCALATED, two, unit="Legacy Directorate") is S.ALLOCATED


def test_an_enforced_unit_cannot_reject_but_must_accept():
    enforced = replace(BASE, enforced=True)
    for state in (S.ALLOCATED, S.ACCEPTED, S.REALLOCATION_REQUESTED):
        with pytest.raises(InvalidTransition, match="enforced on your unit"):
            wm(A.REJECT, state, enforced, reason="not ours")
    assert wm(A.ACCEPT, S.ALLOCATED, enforced, barrier_to_removal=True) is S.ACCEPTED
    assert A.REJECT not in allowed_actions(S.ALLOCATED, {WM}, "HEO", enforced)
    assert A.ACCEPT in allowed_actions(S.ALLOCATED, {WM}, "HEO", enforced)
    # Cancelling (FOI only) is not a dispute about ownership: still allowed.
    assert wm(A.REJECT_FOR_CANCELLING, S.DRAFTING, enforced, ground="foi_only", reason="FOI") is S.FOR_CANCELLING


def test_two_day_rule_enforcement_only_once_the_time_has_run_out():
    for actor in (SYSTEM, MPCS):
        with pytest.raises(InvalidTransition, match="have not yet run out"):
            check(A.ENFORCE_TWO_DAY_RULE, state=S.ALLOCATED, actor_roles={actor}, actor_grade=None, facts=BASE)
        overdue = replace(BASE, decision_overdue=True)
        assert check(A.ENFORCE_TWO_DAY_RULE, state=S.ALLOCATED, actor_roles={actor}, actor_grade=None,
                     facts=overdue) is S.ALLOCATED
    with pytest.raises(InvalidTransition, match="already enforced"):
        mpcs(A.ENFORCE_TWO_DAY_RULE, S.ALLOCATED, replace(BASE, decision_overdue=True, enforced=True))


def test_lifting_enforcement_needs_another_units_written_agreement():
    enforced = replace(BASE, enforced=True)
    with pytest.raises(InvalidTransition, match="not enforced"):
        mpcs(A.LIFT_ENFORCEMENT, S.DRAFTING, BASE, agreeing_unit="Legacy", written_agreement="a.pdf")
    with pytest.raises(ValidationError, match="written_agreement"):
        mpcs(A.LIFT_ENFORCEMENT, S.DRAFTING, enforced, agreeing_unit="Legacy")
    with pytest.raises(ValidationError, match="agreeing_unit must be another"):
        mpcs(A.LIFT_ENFORCEMENT, S.DRAFTING, enforced, agreeing_unit="Asylum Team North",
             written_agreement="a.pdf")
    assert mpcs(A.LIFT_ENFORCEMENT, S.DRAFTING, enforced, agreeing_unit="Legacy",
                written_agreement="a.pdf") is S.ALLOCATED
    with pytest.raises(InvalidTransition, match="the letter is in qa"):
        mpcs(A.LIFT_ENFORCEMENT, S.IN_QA, enforced, agreeing_unit="Legacy", written_agreement="a.pdf")


# -- drafting, returns ------------------------------------------------------------

def test_reallocation_goes_to_someone_else():
    asked = replace(BASE, case_owner="Alice")
    assert check(A.REQUEST_REALLOCATION, state=S.DRAFTING, actor_roles={CO}, actor_grade="EO", facts=asked,
                 fields={"reason": "conflict of interest"}) is S.REALLOCATION_REQUESTED
    with pytest.raises(ValidationError, match="case_owner: alice already has the case"):
        wm(A.ALLOCATE_TO_CASE_OWNER, S.REALLOCATION_REQUESTED, asked, case_owner="alice")
    assert wm(A.ALLOCATE_TO_CASE_OWNER, S.REALLOCATION_REQUESTED, asked, case_owner="Bob") is S.DRAFTING
    # Or the workflow manager returns it to MPCS.
    assert wm(A.REJECT, S.REALLOCATION_REQUESTED, asked, reason="a legacy case") is S.REJECTED_TO_MPCS


def test_background_note_needs_a_real_phone_number_and_must_exist_before_qa():
    fields = good_fields(A.SAVE_BACKGROUND_NOTE, O) | {"drafting_officer_phone": "call me"}
    with pytest.raises(ValidationError, match="drafting_officer_phone"):
        check(A.SAVE_BACKGROUND_NOTE, state=S.DRAFTING, actor_roles={CO}, actor_grade="EO", facts=BASE,
              fields=fields)
    without_note = replace(BASE, background_note_complete=False)
    with pytest.raises(ValidationError, match="background note is missing"):
        check(A.SUBMIT_TO_QA, state=S.DRAFTING, actor_roles={CO}, actor_grade="EO", facts=without_note,
              fields={"draft": "d"})


@pytest.mark.parametrize(("action", "state", "role", "kind"), [
    (A.QA_RETURN, S.IN_QA, SCW, O),
    (A.TL_RETURN, S.WITH_TEAM_LEADER, TL, O),
    (A.TL_RETURN, S.WITH_TEAM_LEADER, TL, M),
    (A.PO_RETURN, S.WITH_PRIVATE_OFFICE, PRIVATE_OFFICE, M),
])
def test_returns_go_to_the_case_owner_with_a_note(action, state, role, kind):
    facts = replace(BASE, kind=kind)
    assert check(action, state=state, actor_roles={role}, actor_grade="G7", facts=facts,
                 fields={"note": "fix the date"}) is S.DRAFTING
    with pytest.raises(ValidationError, match="note"):
        check(action, state=state, actor_roles={role}, actor_grade="G7", facts=facts, fields={})


def test_returns_are_counted():
    history = [A.REGISTER, A.ALLOCATE, A.ACCEPT, A.ALLOCATE_TO_CASE_OWNER, A.SUBMIT_TO_QA, A.QA_RETURN,
               A.SUBMIT_TO_QA, A.QA_PASS, A.TL_RETURN, A.SUBMIT_TO_QA, A.QA_PASS, A.SEND_TO_PRIVATE_OFFICE,
               "po_return", A.SUBMIT_TO_QA]
    assert count_returns(history) == 3
    assert count_returns([A.REJECT, A.REJECT_FOR_CANCELLING, A.REQUEST_REALLOCATION]) == 0


# -- late letters, cancelling, FOI ------------------------------------------------

def test_ministerial_six_months_late_needs_the_mps_confirmation_before_private_office():
    late = replace(BASE, kind=M, six_months_past_target=True)
    with pytest.raises(ValidationError, match="still wants a reply"):
        check(A.SEND_TO_PRIVATE_OFFICE, state=S.WITH_TEAM_LEADER, actor_roles={TL}, actor_grade="G7", facts=late)
    confirmed = replace(late, reply_still_wanted_confirmed=True)
    assert check(A.SEND_TO_PRIVATE_OFFICE, state=S.WITH_TEAM_LEADER, actor_roles={TL}, actor_grade="G7",
                 facts=confirmed) is S.WITH_PRIVATE_OFFICE


def test_reply_not_wanted_only_for_ministerial_six_months_late():
    fields = {"ground": "reply_not_wanted", "reason": "MP's office said no reply needed"}
    with pytest.raises(ValidationError, match="reply_not_wanted applies only"):
        wm(A.REJECT_FOR_CANCELLING, S.DRAFTING, replace(BASE, kind=M), **fields)
    with pytest.raises(ValidationError, match="reply_not_wanted applies only"):
        wm(A.REJECT_FOR_CANCELLING, S.DRAFTING, replace(BASE, kind=O, six_months_past_target=True), **fields)
    late = replace(BASE, kind=M, six_months_past_target=True)
    assert wm(A.REJECT_FOR_CANCELLING, S.DRAFTING, late, **fields) is S.FOR_CANCELLING
    with pytest.raises(ValidationError, match="ground 'bored'"):
        wm(A.REJECT_FOR_CANCELLING, S.DRAFTING, late, ground="bored", reason="x")
    assert mpcs(A.CANCEL, S.FOR_CANCELLING, late, reason="MP confirmed no reply wanted") is S.CANCELLED


# -- dispatch and reply channels ------------------------------------------------------

def dispatch(kind, **fields):
    role = PRIVATE_OFFICE if kind is M else TL
    return check(A.DISPATCH, state=S.SIGNED, actor_roles={role}, actor_grade="SEO", facts=replace(BASE, kind=kind),
                 fields=fields)


@pytest.mark.parametrize("channel", ["email", "telephone", "account_manager"])
def test_ministerial_replies_are_letters_only(channel):
    with pytest.raises(ValidationError, match="Ministerial reply must be a letter"):
        dispatch(M, reply_channel=channel, mp_agreement="agreed", resolution_note="done")
    assert dispatch(M, reply_channel="letter") is S.DISPATCHED


@pytest.mark.parametrize(("fields", "error"), [
    ({"reply_channel": "letter"}, None),
    ({"reply_channel": "email"}, "mp_agreement"),
    ({"reply_channel": "email", "mp_agreement": "caseworker agreed by phone 3 May"}, None),
    ({"reply_channel": "telephone", "resolution_note": "explained"}, "mp_agreement"),
    ({"reply_channel": "telephone", "mp_agreement": "yes"}, "resolution_note"),
    ({"reply_channel": "telephone", "mp_agreement": "yes", "resolution_note": "explained"}, None),
    ({"reply_channel": "account_manager", "mp_agreement": "yes"}, "resolution_note"),
    ({"reply_channel": "account_manager", "mp_agreement": "yes", "resolution_note": "AM resolved"}, None),
    ({"reply_channel": "pigeon"}, "reply_channel 'pigeon' is not one of"),
    ({}, "reply_channel is required"),
])
def test_official_reply_channels(fields, error):
    if error is None:
        assert dispatch(O, **fields) is S.DISPATCHED
    else:
        with pytest.raises(ValidationError, match=error):
            dispatch(O, **fields)


# -- registration ---------------------------------------------------------------------

@pytest.mark.parametrize(("reference", "kind", "error"), [
    ("M12345/26", M, None),
    (" b00001/10 ", O, None),
    ("B12345/26", M, "for a official letter, not ministerial"),
    ("M12345/26", O, "for a ministerial letter, not official"),
    ("X12345/26", O, "reference: "),
    ("M1234/26", M, "reference: "),
])
def test_registration_reference_matches_the_kind(reference, kind, error):
    def call():
        return mpcs(A.REGISTER, None, replace(BASE, kind=kind), reference=reference, correspondent="Ann Other MP")
    if error is None:
        assert call() is S.REGISTERED
    else:
        with pytest.raises(ValidationError, match=error):
            call()


# -- OPHSO, general election -------------------------------------------------------------

@pytest.mark.parametrize("action", [A.REQUEST_REALLOCATION, A.SAVE_BACKGROUND_NOTE, A.SUBMIT_TO_QA])
def test_ophso_enquiries_are_drafted_by_a_senior_caseworker(action):
    ophso = replace(BASE, ophso=True)
    fields = good_fields(action, O)
    with pytest.raises(PermissionDenied, match="OPHSO enquiries are handled by a senior caseworker"):
        check(action, state=S.DRAFTING, actor_roles={CO}, actor_grade="SEO", facts=ophso, fields=fields)
    assert check(action, state=S.DRAFTING, actor_roles={SCW}, actor_grade="SEO", facts=ophso, fields=fields)
    assert action not in allowed_actions(S.DRAFTING, {CO}, "SEO", ophso)
    assert action in allowed_actions(S.DRAFTING, {SCW}, "SEO", ophso)


def test_conversion_to_official_in_an_election():
    campaign = replace(BASE, kind=M, election_period=True)
    assert mpcs(A.CONVERT_TO_OFFICIAL, S.DRAFTING, campaign) is S.DRAFTING
    # With Private Office but not yet signed: back to the team leader to sign as Official.
    assert mpcs(A.CONVERT_TO_OFFICIAL, S.WITH_PRIVATE_OFFICE, campaign) is S.WITH_TEAM_LEADER
    with pytest.raises(InvalidTransition, match="outside a general election"):
        mpcs(A.CONVERT_TO_OFFICIAL, S.DRAFTING, replace(campaign, election_period=False))
    with pytest.raises(InvalidTransition, match="already an Official reply"):
        mpcs(A.CONVERT_TO_OFFICIAL, S.DRAFTING, replace(campaign, kind=O))
    with pytest.raises(InvalidTransition, match="the letter is signed"):
        mpcs(A.CONVERT_TO_OFFICIAL, S.SIGNED, campaign)


# -- whole journeys and what each person sees ---------------------------------------------

def walk(kind: LetterKind, steps):
    facts = replace(BASE, kind=kind, drafter_grade=None, background_note_complete=False)
    state = None
    for action, role, grade, fields in steps:
        state = check(action, state=state, actor_roles={role}, actor_grade=grade, facts=facts, fields=fields)
        if action is A.SAVE_BACKGROUND_NOTE:
            facts = replace(facts, background_note_complete=True)
        if action is A.SUBMIT_TO_QA:
            facts = replace(facts, drafter_grade=grade)
    return state


def test_an_official_letter_from_registration_to_dispatch():
    steps = [
        (A.REGISTER, MPCS, "EO", {"reference": "B00042/26", "correspondent": "Ann Other MP"}),
        (A.ALLOCATE, MPCS, "EO", {"unit": "Asylum Team North"}),
        (A.ACCEPT, WM, "HEO", {"barrier_to_removal": True}),
        (A.ALLOCATE_TO_CASE_OWNER, WM, "HEO", {"case_owner": "bob"}),
        (A.SAVE_BACKGROUND_NOTE, CO, "EO", good_fields(A.SAVE_BACKGROUND_NOTE, O)),
        (A.SUBMIT_TO_QA, CO, "EO", {"draft": "d1"}),
        (A.QA_RETURN, SCW, "HEO", {"note": "spelling"}),
        (A.SUBMIT_TO_QA, CO, "EO", {"draft": "d2"}),
        (A.QA_PASS, SCW, "HEO", {}),
        (A.SIGN, TL, "SEO", {}),
        (A.DISPATCH, TL, "SEO", {"reply_channel": "email", "mp_agreement": "caseworker agreed"}),
    ]
    assert walk(O, steps) is S.DISPATCHED


def test_a_ministerial_letter_from_registration_to_dispatch():
    steps = [
        (A.REGISTER, MPCS, "EO", {"reference": "M00042/26", "correspondent": "Rt Hon Ann Other MP"}),
        (A.ALLOCATE, MPCS, "EO", {"unit": "Asylum Team North"}),
        (A.ACCEPT, WM, "HEO", {"barrier_to_removal": True}),
        (A.ALLOCATE_TO_CASE_OWNER, WM, "HEO", {"case_owner": "bob"}),
        (A.SAVE_BACKGROUND_NOTE, CO, "HEO", good_fields(A.SAVE_BACKGROUND_NOTE, M)),
        (A.SUBMIT_TO_QA, CO, "HEO", {"draft": "d1"}),
        (A.QA_PASS, SCW, "SEO", {}),
        (A.SEND_TO_PRIVATE_OFFICE, TL, "G7", {}),
        (A.PO_RETURN, PRIVATE_OFFICE, None, {"note": "more on policy"}),
        (A.SUBMIT_TO_QA, CO, "HEO", {"draft": "d2"}),
        (A.QA_PASS, SCW, "SEO", {}),
        (A.SEND_TO_PRIVATE_OFFICE, TL, "G7", {}),
        (A.MINISTER_SIGN, PRIVATE_OFFICE, None, {"signed_by": "Minister of State for Borders"}),
        (A.DISPATCH, PRIVATE_OFFICE, None, {"reply_channel": "letter"}),
    ]
    assert walk(M, steps) is S.DISPATCHED


@pytest.mark.parametrize(("state", "role", "grade", "facts", "expected"), [
    (None, MPCS, None, BASE, [A.REGISTER]),
    (S.REGISTERED, MPCS, None, BASE, [A.ALLOCATE, A.CANCEL]),
    (S.ALLOCATED, WM, "HEO", BASE, [A.ACCEPT, A.REJECT, A.REJECT_FOR_CANCELLING]),
    (S.ALLOCATED, MPCS, None, replace(BASE, enforced=True), [A.LIFT_ENFORCEMENT]),
    (S.DRAFTING, CO, "EO", BASE, [A.REQUEST_REALLOCATION, A.SAVE_BACKGROUND_NOTE, A.SUBMIT_TO_QA]),
    (S.IN_QA, SCW, "EO", BASE, []),
    (S.IN_QA, SCW, "HEO", BASE, [A.QA_RETURN, A.QA_PASS]),
    (S.WITH_TEAM_LEADER, TL, "SEO", BASE, [A.TL_RETURN, A.SIGN]),
    (S.WITH_TEAM_LEADER, TL, "SEO", replace(BASE, kind=M), [A.TL_RETURN]),
    (S.WITH_TEAM_LEADER, TL, "G7", replace(BASE, kind=M), [A.TL_RETURN, A.SEND_TO_PRIVATE_OFFICE]),
    (S.WITH_PRIVATE_OFFICE, PRIVATE_OFFICE, None, replace(BASE, kind=M), [A.PO_RETURN, A.MINISTER_SIGN]),
    (S.SIGNED, WM, "HEO", BASE, [A.DISPATCH]),
    (S.DISPATCHED, MPCS, "SCS", BASE, []),
    (S.CANCELLED, WM, "SCS", BASE, []),
])
def test_allowed_actions_for_the_screens(state, role, grade, facts, expected):
    assert allowed_actions(state, {role}, grade, facts) == expected


def test_private_office_is_spelt_as_the_future_role_member():
    assert PRIVATE_OFFICE == "private_office"
    assert SYSTEM == "system" and SYSTEM not in {r.value for r in Role}
