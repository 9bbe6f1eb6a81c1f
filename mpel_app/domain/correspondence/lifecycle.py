"""The CTS letter lifecycle as a pure state machine [CORR 1], [ASY].

``ACTIONS`` is the one table of what may happen to a letter: from which
states, to which state, by which roles, at which grades, with which fields.
``check`` applies it to one attempt and returns the next state, or raises:

- ``PermissionDenied``  the actor lacks the role or the grade;
- ``InvalidTransition`` the letter's state or facts do not allow the action;
- ``ValidationError``   a required field is missing or wrong (the message
  names the field).

Checks run in that order: role, state, facts, grade, fields.  Services call
``check`` before changing anything; screens call ``allowed_actions``.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from ..errors import InvalidTransition, PermissionDenied, ValidationError
from ..phones import normalise_phone
from ..records import Role
from ..references import parse_cts_reference
from .allocation import needs_escalation
from .grades import above, at_least, is_grade
from .replies import check_reply_channel
from .states import PRIVATE_OFFICE, SYSTEM, LetterKind
from .states import LetterState as S


class LetterAction(StrEnum):
    REGISTER = "register"
    ALLOCATE = "allocate"
    ACCEPT = "accept"
    REJECT = "reject"
    ESCALATE = "escalate"
    ENFORCE = "enforce"
    ENFORCE_TWO_DAY_RULE = "enforce_two_day_rule"
    LIFT_ENFORCEMENT = "lift_enforcement"
    ALLOCATE_TO_CASE_OWNER = "allocate_to_case_owner"
    REQUEST_REALLOCATION = "request_reallocation"
    SAVE_BACKGROUND_NOTE = "save_background_note"
    SUBMIT_TO_QA = "submit_to_qa"
    QA_RETURN = "qa_return"
    QA_PASS = "qa_pass"
    TL_RETURN = "tl_return"
    SIGN = "sign"
    SEND_TO_PRIVATE_OFFICE = "send_to_private_office"
    PO_RETURN = "po_return"
    MINISTER_SIGN = "minister_sign"
    DISPATCH = "dispatch"
    REJECT_FOR_CANCELLING = "reject_for_cancelling"
    CANCEL = "cancel"
    CONVERT_TO_OFFICIAL = "convert_to_official"
    CHECK_IN_OFFLINE = "check_in_offline"

    @property
    def label(self) -> str:
        return ACTIONS[self].label


@dataclass(frozen=True)
class ActionRule:
    label: str
    sources: frozenset[S | None]  # None: a letter not yet registered
    target: S | None  # None: the letter stays in its state
    roles: frozenset[str]
    required: tuple[str, ...] = ()  # always required; conditional ones are in ``conditional``
    optional: tuple[str, ...] = ()
    conditional: str = ""  # fields required only in some cases, in words
    kinds: frozenset[LetterKind] = frozenset(LetterKind)
    qa: bool = False  # actor's grade must be above the drafting officer's [CORR 1.6]
    min_grade: str | None = None
    ministerial_roles: frozenset[str] | None = None  # replaces ``roles`` for Ministerial letters
    ophso_roles: frozenset[str] | None = None  # replaces ``roles`` for OPHSO enquiries [ASY]


_R = Role
MPCS = frozenset({_R.MPCS_ALLOCATOR.value})
WM = frozenset({_R.WORKFLOW_MANAGER.value})
CO = frozenset({_R.CASE_OWNER.value})
SCW = frozenset({_R.SENIOR_CASEWORKER.value})
TL = frozenset({_R.UNIT_TEAM_LEADER.value})
PO = frozenset({PRIVATE_OFFICE})

_UNIT_HOLDS = frozenset({S.ALLOCATED, S.ACCEPTED, S.DRAFTING, S.REALLOCATION_REQUESTED})
_BEFORE_SIGNING = frozenset({
    S.REGISTERED, S.ALLOCATED, S.REJECTED_TO_MPCS, S.ESCALATED, S.ACCEPTED, S.DRAFTING,
    S.REALLOCATION_REQUESTED, S.IN_QA, S.WITH_TEAM_LEADER, S.WITH_PRIVATE_OFFICE,
})
_ONLY_MINISTERIAL = frozenset({LetterKind.MINISTERIAL})
_ONLY_OFFICIAL = frozenset({LetterKind.OFFICIAL})

A = LetterAction
ACTIONS: Mapping[LetterAction, ActionRule] = {
    A.REGISTER: ActionRule(
        "register the letter", frozenset({None}), S.REGISTERED, MPCS,
        required=("reference", "correspondent"), optional=("scanned_letter",)),
    # MPCS re-allocates misallocated cases; after two rejections it escalates instead [CORR 1.4].
    A.ALLOCATE: ActionRule(
        "allocate to a drafting unit",
        frozenset({S.REGISTERED, S.REJECTED_TO_MPCS, S.ESCALATED, S.FOR_CANCELLING}), S.ALLOCATED, MPCS,
        required=("unit",)),
    # The workflow manager enters the barrier to removal on accepting [ASY], [CORR 2.2].
    A.ACCEPT: ActionRule(
        "accept for the unit", frozenset({S.ALLOCATED}), S.ACCEPTED, WM,
        required=("barrier_to_removal",),
        conditional="no_barrier_reason when barrier_to_removal is False"),
    # Misallocation; also the workflow manager's "return it to MPCS" after a case owner's request [ASY].
    A.REJECT: ActionRule(
        "reject to MPCS", frozenset({S.ALLOCATED, S.ACCEPTED, S.REALLOCATION_REQUESTED}), S.REJECTED_TO_MPCS,
        WM, required=("reason",), optional=("suggested_unit",)),
    A.ESCALATE: ActionRule(
        "escalate to the heads of the disputing units", frozenset({S.REJECTED_TO_MPCS}), S.ESCALATED, MPCS),
    # The Head of MPCS's devolved power; the enforced unit must then accept it.
    A.ENFORCE: ActionRule(
        "enforce on a unit", frozenset({S.ESCALATED}), S.ALLOCATED, MPCS, required=("unit",)),
    A.ENFORCE_TWO_DAY_RULE: ActionRule(
        "enforce under the two-day rule", frozenset({S.ALLOCATED}), None, frozenset({SYSTEM}) | MPCS),
    # Only while the enforced unit still holds the case; the agreeing unit then accepts it as usual.
    A.LIFT_ENFORCEMENT: ActionRule(
        "lift enforcement", _UNIT_HOLDS, S.ALLOCATED, MPCS,
        required=("agreeing_unit", "written_agreement")),
    A.ALLOCATE_TO_CASE_OWNER: ActionRule(
        "allocate to a case owner", frozenset({S.ACCEPTED, S.DRAFTING, S.REALLOCATION_REQUESTED}), S.DRAFTING,
        WM, required=("case_owner",)),
    A.REQUEST_REALLOCATION: ActionRule(
        "ask for reallocation", frozenset({S.DRAFTING}), S.REALLOCATION_REQUESTED, CO,
        required=("reason",), ophso_roles=SCW),
    A.SAVE_BACKGROUND_NOTE: ActionRule(
        "write the background note", frozenset({S.DRAFTING}), None, CO,
        required=("background", "drafting_officer_name", "drafting_officer_location",
                  "drafting_officer_phone"),
        ophso_roles=SCW),
    A.SUBMIT_TO_QA: ActionRule(
        "submit to QA", frozenset({S.DRAFTING}), S.IN_QA, CO, required=("draft",), ophso_roles=SCW),
    A.QA_RETURN: ActionRule(
        "return to the case owner (QA)", frozenset({S.IN_QA}), S.DRAFTING, SCW, required=("note",), qa=True),
    A.QA_PASS: ActionRule(
        "pass QA to the team leader", frozenset({S.IN_QA}), S.WITH_TEAM_LEADER, SCW, qa=True),
    A.TL_RETURN: ActionRule(
        "return to the case owner (team leader)", frozenset({S.WITH_TEAM_LEADER}), S.DRAFTING, TL,
        required=("note",), qa=True),
    A.SIGN: ActionRule(
        "sign the Official reply", frozenset({S.WITH_TEAM_LEADER}), S.SIGNED, TL,
        kinds=_ONLY_OFFICIAL, qa=True, min_grade="SEO"),
    A.SEND_TO_PRIVATE_OFFICE: ActionRule(
        "send to Private Office", frozenset({S.WITH_TEAM_LEADER}), S.WITH_PRIVATE_OFFICE, TL,
        kinds=_ONLY_MINISTERIAL, qa=True, min_grade="G7",
        conditional="facts.reply_still_wanted_confirmed when six months past target"),
    A.PO_RETURN: ActionRule(
        "return to the case owner (Private Office)", frozenset({S.WITH_PRIVATE_OFFICE}), S.DRAFTING, PO,
        required=("note",), kinds=_ONLY_MINISTERIAL),
    A.MINISTER_SIGN: ActionRule(
        "record the Minister's approval and signature", frozenset({S.WITH_PRIVATE_OFFICE}), S.SIGNED, PO,
        required=("signed_by",), kinds=_ONLY_MINISTERIAL),
    A.DISPATCH: ActionRule(
        "record dispatch", frozenset({S.SIGNED}), S.DISPATCHED, TL | WM,
        required=("reply_channel",),
        conditional="mp_agreement for a non-letter channel; resolution_note for telephone or account manager",
        ministerial_roles=PO),
    A.REJECT_FOR_CANCELLING: ActionRule(
        "reject to MPCS for cancelling", _UNIT_HOLDS, S.FOR_CANCELLING, WM,
        required=("ground", "reason")),
    A.CANCEL: ActionRule(
        "cancel", frozenset({S.REGISTERED, S.REJECTED_TO_MPCS, S.ESCALATED, S.FOR_CANCELLING}), S.CANCELLED,
        MPCS, required=("reason",)),
    # General election: outstanding Ministerial letters become Official [CORR 5.4].
    A.CONVERT_TO_OFFICIAL: ActionRule(
        "convert to an Official reply", _BEFORE_SIGNING, None, MPCS, kinds=_ONLY_MINISTERIAL),
    # A unit without CTS drafts, clears and (Official) signs and issues off the system; MPCS updates CTS
    # from what comes back through "MPCS CTS Offline Management" [ASY]: an approved Ministerial draft goes
    # on to Private Office, a signed and issued Official reply closes the case.
    A.CHECK_IN_OFFLINE: ActionRule(
        "check in the off-line unit's reply", _UNIT_HOLDS | {S.IN_QA, S.WITH_TEAM_LEADER}, None, MPCS,
        required=("document", "approved_by")),
}

RETURN_ACTIONS = frozenset({A.QA_RETURN, A.TL_RETURN, A.PO_RETURN})
"""Returns of the draft to the case owner; each needs a note and is counted."""

OWNER_ACTIONS = (A.REQUEST_REALLOCATION, A.SAVE_BACKGROUND_NOTE, A.SUBMIT_TO_QA)
"""The case owner's own part of the chain: only the person allocated the case takes these."""

CANCEL_GROUNDS = {
    "foi_only": "the letter is only an FOI request [CORR 5.2]",
    "reply_not_wanted": "the MP no longer wants a reply to a Ministerial letter six months past target [CORR 1.5]",
}


@dataclass(frozen=True)
class LetterFacts:
    """What the rules need to know about a letter besides its state.

    Services fill the time-dependent flags from ``allocation.should_enforce``
    and ``deadlines.is_six_months_past_target`` at the moment of the check.
    """

    kind: LetterKind
    unit: str | None = None  # the drafting unit now holding it
    enforced: bool = False
    rejecting_units: frozenset[str] = frozenset()  # units that misallocated it (not cancel requests)
    decision_overdue: bool = False  # the two-day rule has run out
    case_owner: str | None = None
    drafter_grade: str | None = None  # recorded when the draft goes to QA
    background_note_complete: bool = False
    six_months_past_target: bool = False
    reply_still_wanted_confirmed: bool = False  # the MP said yes, recorded in the background note
    ophso: bool = False
    election_period: bool = False  # Ministerial letters are being converted to Official
    offline_unit: bool = False  # the unit holding it works without CTS; MPCS updates CTS for it [ASY]

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", LetterKind(self.kind))
        object.__setattr__(self, "rejecting_units", frozenset(self.rejecting_units))
        if self.drafter_grade is not None and not is_grade(self.drafter_grade):
            raise ValueError(f"unknown drafter grade {self.drafter_grade!r}")


def roles_for(action: LetterAction, facts: LetterFacts) -> frozenset[str]:
    """The roles that may take ``action`` on this letter."""
    rule = ACTIONS[action]
    if facts.ophso and rule.ophso_roles is not None:
        return rule.ophso_roles
    if facts.kind is LetterKind.MINISTERIAL and rule.ministerial_roles is not None:
        return rule.ministerial_roles
    return rule.roles


def check(action: LetterAction | str, *, state: S | str | None, actor_roles: Iterable[Role | str],
          actor_grade: str | None, facts: LetterFacts,
          fields: Mapping[str, object] | None = None) -> S:
    """The state the letter moves to if ``action`` is allowed; raises otherwise (see module doc)."""
    act = LetterAction(action)
    current = None if state is None else S(state)
    _check_permitted(act, current, actor_roles, actor_grade, facts)
    _check_fields(act, current, facts, fields or {})
    return _target(act, current, facts.kind)


def allowed_actions(state: S | str | None, actor_roles: Iterable[Role | str], actor_grade: str | None,
                    facts: LetterFacts) -> list[LetterAction]:
    """The actions this actor may take now, in table order (fields not yet considered)."""
    current = None if state is None else S(state)
    roles = frozenset(actor_roles)
    result = []
    for act in LetterAction:
        try:
            _check_permitted(act, current, roles, actor_grade, facts)
        except (PermissionDenied, InvalidTransition):
            continue
        result.append(act)
    return result


def may_own_case(owner_roles: Iterable[Role | str], facts: LetterFacts) -> bool:
    """Whether someone with ``owner_roles`` may be made this letter's case owner (see ``check_case_owner``)."""
    held = {str(r) for r in owner_roles}
    return all(held & roles_for(act, facts) for act in OWNER_ACTIONS)


def check_case_owner(owner_roles: Iterable[Role | str], facts: LetterFacts, owner_name: str) -> None:
    """Refuse to make ``owner_name`` the case owner unless they may do the case owner's whole part.

    The case owner writes the background note, submits the draft to QA and may
    ask for reallocation; giving the case to someone the lifecycle then refuses
    those would leave it stuck.  So the rule follows ``ACTIONS``: an OPHSO
    enquiry goes to a senior caseworker [ASY], any other letter to a case owner
    (a senior caseworker who is not also a case owner QAs those instead).
    """
    roles = {str(r) for r in owner_roles}
    if may_own_case(roles, facts):
        return
    if facts.ophso:
        raise ValidationError(f"case_owner: {owner_name} is not a senior caseworker; OPHSO enquiries are handled "
                              "by a senior caseworker [ASY]")
    if _R.SENIOR_CASEWORKER.value in roles:
        raise ValidationError(f"case_owner: {owner_name} is a senior caseworker but not a case owner: only OPHSO "
                              "enquiries go to a senior caseworker to draft [ASY]; other letters go to a case "
                              "owner, and the senior caseworker QAs the draft")
    raise ValidationError(f"case_owner: {owner_name} is not a case owner")


def count_returns(actions: Iterable[LetterAction | str]) -> int:
    """How many times the draft went back to the case owner, from a letter's action history."""
    return sum(1 for a in actions if a in RETURN_ACTIONS)


# -- the checks ---------------------------------------------------------------


def _role_label(role: str) -> str:
    """'a workflow manager', 'an MPCS allocator', 'Private Office': fit to follow 'only'."""
    if role == PRIVATE_OFFICE:
        return "Private Office"
    if role == SYSTEM:
        return "the system (two-day rule)"
    try:
        name = Role(role).label.lower().replace("mpcs", "MPCS").replace("mpel", "MPEL")
    except ValueError:
        return role
    # "an MPCS allocator", "an administrator", but "a unit team leader".
    return ("an " if name.startswith(("a", "e", "i", "o", "MPCS", "MPEL")) else "a ") + name


def _state_label(state: S | None) -> str:
    return "not yet registered" if state is None else state.label.lower()


def _check_permitted(act: LetterAction, state: S | None, actor_roles: Iterable[Role | str],
                     actor_grade: str | None, facts: LetterFacts) -> None:
    rule = ACTIONS[act]
    needed = roles_for(act, facts)
    held = {str(r) for r in actor_roles}
    if not held & needed:
        who = " or ".join(sorted(_role_label(r) for r in needed))
        why = " (OPHSO enquiries are handled by a senior caseworker [ASY])" if needed is rule.ophso_roles else ""
        raise PermissionDenied(f"only {who} may {rule.label}{why}")
    if state not in rule.sources:
        raise InvalidTransition(f"cannot {rule.label}: the letter is {_state_label(state)}")
    _check_facts(act, state, facts)
    _check_grade(act, actor_grade, facts)


def _check_facts(act: LetterAction, state: S | None, facts: LetterFacts) -> None:
    rule = ACTIONS[act]
    if facts.kind not in rule.kinds:
        hint = {
            A.SIGN: "a Ministerial reply is signed by the Minister: send it to Private Office",
            A.SEND_TO_PRIVATE_OFFICE: "an Official reply is signed by the team leader, not Private Office",
            A.CONVERT_TO_OFFICIAL: "it is already an Official reply",
        }.get(act, f"not for {facts.kind.value} letters")
        raise InvalidTransition(f"cannot {rule.label}: {hint}")
    if act is A.ALLOCATE and state is S.REJECTED_TO_MPCS and needs_escalation(facts.rejecting_units):
        raise InvalidTransition(
            "cannot allocate: rejected by two or more units, so escalate it to the heads of those units "
            "[CORR 1.4]")
    if act is A.REJECT and facts.enforced:
        raise InvalidTransition(
            "cannot reject: the case is enforced on your unit; MPCS lifts enforcement only with another "
            "CTS drafting unit's written agreement to take it [CORR 1.4]")
    if act is A.ESCALATE and not needs_escalation(facts.rejecting_units):
        raise InvalidTransition("cannot escalate: only a letter rejected by two or more units is escalated "
                                "[CORR 1.4]; re-allocate it instead")
    if act is A.ENFORCE_TWO_DAY_RULE:
        if facts.enforced:
            raise InvalidTransition("cannot enforce: the case is already enforced on the unit")
        if not facts.decision_overdue:
            raise InvalidTransition("cannot enforce under the two-day rule: the unit's two working days "
                                    "have not yet run out")
    if act is A.LIFT_ENFORCEMENT and not facts.enforced:
        raise InvalidTransition("cannot lift enforcement: the case is not enforced")
    if act is A.CHECK_IN_OFFLINE and not facts.offline_unit:
        raise InvalidTransition("cannot check in a reply from MPCS CTS Offline Management: the unit holding the "
                                "letter works on CTS [ASY]")
    if act is A.CONVERT_TO_OFFICIAL and not facts.election_period:
        raise InvalidTransition("cannot convert to an Official reply outside a general election period "
                                "[CORR 5.4]")


def _check_grade(act: LetterAction, actor_grade: str | None, facts: LetterFacts) -> None:
    rule = ACTIONS[act]
    if not (rule.qa or rule.min_grade or act is A.SUBMIT_TO_QA):
        return
    if actor_grade is None or not is_grade(actor_grade):
        shown = "not recorded" if actor_grade is None else f"{actor_grade!r}, not a known grade"
        raise PermissionDenied(f"cannot {rule.label}: your grade is {shown}; an administrator must set it, "
                               "because QA and signing depend on it")
    if rule.qa:
        if facts.drafter_grade is None:
            raise PermissionDenied(f"cannot {rule.label}: the drafting officer's grade is not recorded, so "
                                   "the QA grade cannot be checked")
        if not above(actor_grade, facts.drafter_grade):
            raise PermissionDenied(
                f"cannot {rule.label}: QA must be by a grade at least one above the drafting officer "
                f"({facts.drafter_grade}); you are {actor_grade} [CORR 1.6]")
    if rule.min_grade and not at_least(actor_grade, rule.min_grade):
        why = ("Ministerial drafts are cleared by G7 or above [CORR 1.6]" if act is A.SEND_TO_PRIVATE_OFFICE
               else "Official replies are signed at SEO or above [CORR 1.8]")
        raise PermissionDenied(f"cannot {rule.label}: {why}; you are {actor_grade}")


def _text(fields: Mapping[str, object], name: str) -> str:
    value = fields.get(name)
    return value.strip() if isinstance(value, str) else ""


def _need(fields: Mapping[str, object], name: str, why: str) -> str:
    value = _text(fields, name)
    if not value:
        raise ValidationError(f"{name} is required: {why}")
    return value


def _same_unit(a: str | None, b: str | None) -> bool:
    return bool(a and b) and " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _check_fields(act: LetterAction, state: S | None, facts: LetterFacts, fields: Mapping[str, object]) -> None:
    if act is A.REGISTER:
        ref = _need(fields, "reference", "the CTS reference, e.g. M12345/10")
        try:
            parsed = parse_cts_reference(ref)
        except ValueError as exc:
            raise ValidationError(f"reference: {exc}") from None
        if parsed.kind != facts.kind.value:
            raise ValidationError(f"reference {parsed} is for a {parsed.kind} letter, not {facts.kind.value}: "
                                  "M is Ministerial, B is Official")
        _need(fields, "correspondent", "who wrote the letter")
    elif act in (A.ALLOCATE, A.ENFORCE):
        _need(fields, "unit", "the drafting unit")
    elif act is A.ACCEPT:
        barrier = fields.get("barrier_to_removal")
        if not isinstance(barrier, bool):
            raise ValidationError("barrier_to_removal is required: record whether the barrier to removal was "
                                  "entered [ASY], [CORR 2.2]")
        if not barrier:
            _need(fields, "no_barrier_reason", "say why no barrier to removal was entered")
    elif act is A.REJECT:
        _need(fields, "reason", "say why the case is not for your unit [CORR 1.4]")
        if _same_unit(_text(fields, "suggested_unit"), facts.unit):
            raise ValidationError("suggested_unit must be another unit, not the one rejecting it")
    elif act is A.LIFT_ENFORCEMENT:
        agreeing = _need(fields, "agreeing_unit", "the CTS drafting unit taking the case on")
        if _same_unit(agreeing, facts.unit):
            raise ValidationError("agreeing_unit must be another CTS drafting unit [CORR 1.4]")
        _need(fields, "written_agreement", "attach the agreeing unit's written agreement [CORR 1.4]")
    elif act is A.ALLOCATE_TO_CASE_OWNER:
        owner = _need(fields, "case_owner", "who will draft the reply")
        if state in (S.DRAFTING, S.REALLOCATION_REQUESTED) and facts.case_owner and \
                owner.casefold() == facts.case_owner.strip().casefold():
            raise ValidationError(f"case_owner: {owner} already has the case; choose someone else")
    elif act is A.REQUEST_REALLOCATION:
        _need(fields, "reason", "say why someone else should answer it [ASY]")
    elif act is A.SAVE_BACKGROUND_NOTE:
        _need(fields, "background", "what the signatory needs to know [CORR 1.7]")
        _need(fields, "drafting_officer_name", "the drafting officer's name [CORR 1.7]")
        _need(fields, "drafting_officer_location", "the drafting officer's location [CORR 1.7]")
        phone = _need(fields, "drafting_officer_phone", "the drafting officer's contact number [CORR 1.7]")
        normalise_phone(phone, field="drafting_officer_phone")
    elif act is A.SUBMIT_TO_QA:
        if not facts.background_note_complete:
            raise ValidationError("background note is missing: write it (with the drafting officer's name, "
                                  "location and phone) before submitting to QA [CORR 1.7]")
        _need(fields, "draft", "attach the draft reply")
    elif act in RETURN_ACTIONS:
        _need(fields, "note", "tell the case owner what to correct")
    elif act is A.SEND_TO_PRIVATE_OFFICE:
        if facts.six_months_past_target and not facts.reply_still_wanted_confirmed:
            raise ValidationError("reply_still_wanted: this letter is more than six months past target; the "
                                  "background note must confirm the MP still wants a reply [CORR 1.5]")
    elif act is A.MINISTER_SIGN:
        _need(fields, "signed_by", "the Minister who signed")
    elif act is A.DISPATCH:
        check_reply_channel(facts.kind, fields)
    elif act is A.REJECT_FOR_CANCELLING:
        ground = _need(fields, "ground", "one of " + ", ".join(CANCEL_GROUNDS))
        if ground not in CANCEL_GROUNDS:
            raise ValidationError(f"ground {ground!r} is not one of {', '.join(CANCEL_GROUNDS)}")
        if ground == "reply_not_wanted" and not (
                facts.kind is LetterKind.MINISTERIAL and facts.six_months_past_target):
            raise ValidationError("ground reply_not_wanted applies only to a Ministerial letter more than six "
                                  "months past target [CORR 1.5]")
        _need(fields, "reason", "record what the MP said, or that the letter is FOI only")
    elif act is A.CANCEL:
        _need(fields, "reason", "why the letter is cancelled")
    elif act is A.CHECK_IN_OFFLINE:
        _need(fields, "document", "the approved draft or the signed reply, as sent back [ASY]")
        _need(fields, "approved_by", "who approved the draft or signed the reply")


def _target(act: LetterAction, state: S | None, kind: LetterKind) -> S:
    rule = ACTIONS[act]
    if act is A.CONVERT_TO_OFFICIAL and state is S.WITH_PRIVATE_OFFICE:
        # No longer the Minister's to sign: back to the team leader to sign as an Official reply.
        return S.WITH_TEAM_LEADER
    if act is A.CHECK_IN_OFFLINE:
        # Ministerial: on to the Minister; Official: signed and issued by the unit already [ASY].
        return S.WITH_PRIVATE_OFFICE if kind is LetterKind.MINISTERIAL else S.DISPATCHED
    if rule.target is None:
        assert state is not None  # every self-loop starts from a real state
        return state
    return rule.target
