"""Reading CTS letters: the case view, search, each role's workstack, late letters, a late MP's
letters, documents; and "get next case", which hands a case owner the unit's most pressing case.

Everyone signed in may look a letter up (MPs' offices ring the Enquiry Line
quoting CTS references), except that a restricted letter exists only for its
named handlers [CORR 2.5]: it is left out of every list and "not found" by id.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, joinedload, load_only

from ...db.models import Letter, LetterDocument, Member, OfflineUnit, User
from ...domain.correspondence import (
    TERMINAL_STATES, DeathReview, LetterAction, LetterKind, LetterState, check, lateness_prompts,
    letters_to_review_on_death, needs_escalation)
from ...domain.correspondence.deadlines import DeadlineBook, workstack_order
from ...domain.errors import NotFound, PermissionDenied, ValidationError
from ...domain.letter_records import LateLetter, LetterDocumentRecord, LetterRecord, LetterSummary
from ...domain.records import AuditEntry, Role, UserRecord
from ...domain.text import clean_text, fold, normalise_reference
from ...domain.values import as_limit, as_row_id, is_row_id
from .. import actor_check, audit
from .base import _STEADY, ENTITY, Case, LetterUseCases, _full_names, document_record
from .units import unit_code_of, units_of

A = LetterAction
S = LetterState
R = Role

SEARCH_LIMIT = 200
# Prefilter for late letters: the reply target (20 working days) is at least
# 28 calendar days after receipt and "more than a month past it" at least 28
# more, so nothing younger than 56 days can be late; the rule itself decides.
LATE_AT_THE_EARLIEST = timedelta(days=56)

_DRAFTING = (S.DRAFTING, S.REALLOCATION_REQUESTED)

# What a list's line and its rules read of a letter (``_summaries``): the facts (``_context``), the line
# (``_summary``, ``_deadlines``, ``_priority``), the sections and who may see it.  The rest of the
# letter's ~60 columns (the draft, the question, the Member's details) stays in the database, and
# reading one of them raises instead of sending one more statement per line.
SUMMARY_COLUMNS = (
    Letter.id, Letter.cts_reference, Letter.kind, Letter.state, Letter.received_at, Letter.member_id,
    Letter.subject_name, Letter.unit_code, Letter.case_owner_id, Letter.urgent, Letter.ophso,
    Letter.ophso_deadline, Letter.enforced, Letter.restricted, Letter.staff_member, Letter.returns_count,
    Letter.version, Letter.allocated_at, Letter.reached_signatory_at, Letter.submitted_to_qa_at,
    Letter.drafter_grade, Letter.reply_still_wanted, Letter.background, Letter.drafting_officer_name,
    Letter.drafting_officer_location, Letter.drafting_officer_phone)
_SUMMARY_LOAD = (
    load_only(*SUMMARY_COLUMNS, raiseload=True),
    joinedload(Letter.member).load_only(Member.id, Member.name, raiseload=True),
    joinedload(Letter.case_owner).load_only(User.id, User.username, User.full_name, raiseload=True),
)


# An off-line unit's letter waits with it until MPCS checks its reply in (lifecycle ``check_in_offline``).
_OFFLINE_HELD = (S.ALLOCATED, S.ACCEPTED, S.DRAFTING, S.REALLOCATION_REQUESTED, S.IN_QA, S.WITH_TEAM_LEADER)

def _mpcs_section(c: Case) -> str:
    if c.facts.offline_unit and c.state in _OFFLINE_HELD:
        return "Off-line unit: check in its reply [ASY]"  # MPCS updates CTS for a unit without it
    if c.state is S.REJECTED_TO_MPCS:
        if needs_escalation(c.facts.rejecting_units):
            return "Rejected by two or more units: escalate"
        return "Rejected: re-allocate"
    return {
        S.REGISTERED: "To allocate",
        S.ALLOCATED: "Awaiting unit decision (two-day rule)",
        S.ESCALATED: "Escalated: allocate or enforce",
        S.FOR_CANCELLING: "For cancelling",
    }[c.state]


def _owner_section(c: Case) -> str:
    if c.state is S.REALLOCATION_REQUESTED:
        return "Reallocation asked for"
    if c.letter.submitted_to_qa_at is not None and c.letter.returns_count:
        return "Returned for corrections"
    return "Drafting"


_SECTIONS: dict[Role, Callable[[Case], str]] = {
    R.MPCS_ALLOCATOR: _mpcs_section,
    R.WORKFLOW_MANAGER: lambda c: {
        S.ALLOCATED: "To accept or reject", S.ACCEPTED: "To allocate to a case owner",
        S.REALLOCATION_REQUESTED: "Reallocation requested", S.SIGNED: "Signed: to dispatch"}[c.state],
    R.CASE_OWNER: _owner_section,
    R.SENIOR_CASEWORKER: lambda c: "For QA" if c.state is S.IN_QA else f"OPHSO: {_owner_section(c).lower()}",
    R.UNIT_TEAM_LEADER: lambda c: {S.WITH_TEAM_LEADER: "For final QA and signature",
                                   S.SIGNED: "Signed: to dispatch"}[c.state],
    R.PRIVATE_OFFICE: lambda c: {S.WITH_PRIVATE_OFFICE: "For the Minister's approval and signature",
                                 S.SIGNED: "Signed: to dispatch"}[c.state],
}
WORKSTACK_ROLES = tuple(_SECTIONS)
_UNIT_WORKSTACKS = frozenset({R.WORKFLOW_MANAGER, R.CASE_OWNER, R.SENIOR_CASEWORKER, R.UNIT_TEAM_LEADER})
# Who sees every unit's late letters; unit staff see their own units'.
_SEE_ALL_LATE = frozenset({R.MPCS_ALLOCATOR, R.PRIVATE_OFFICE, R.ADMINISTRATOR})


class LetterQueries(LetterUseCases):

    # ------------------------------------------------------------ one letter

    def get(self, actor: UserRecord, letter_id: int) -> LetterRecord:
        """The case view, with the actions this actor may take now.

        Opening it is audited (who, when, which personal data: services/audit.py)
        in the same transaction, so it is a writing one (see EnquiryService.get).
        """
        with self._uow() as s:
            s.info[_STEADY] = {}
            c = self._context(s, self._get(s, letter_id))
            self._require_visible(actor, c)
            record = self._record_of(s, actor, c, self._units_of(s, actor))
            audit.record_view(s, actor, self._now(), ENTITY, letter_id, audit.letter_shown(record))
            return record

    def get_by_reference(self, actor: UserRecord, reference: str) -> LetterRecord:
        ref = normalise_reference(reference)
        with actor_check.read(self._uow, actor) as s:
            letter_id = s.scalar(select(Letter.id).where(Letter.cts_reference == ref))
            if letter_id is None:
                raise NotFound(f"no letter {ref}")
        try:
            return self.get(actor, letter_id)
        except NotFound:
            raise NotFound(f"no letter {ref}") from None

    def history(self, actor: UserRecord, letter_id: int) -> list[AuditEntry]:
        """The letter's history; its personal values (the background note, the draft...) are audited as
        read, like opening the letter, in the same (writing) transaction."""
        with self._uow() as s:
            self._require_visible(actor, self._context(s, self._get(s, letter_id)))
            trail = audit.trail(s, ENTITY, letter_id)
            audit.record_history_view(s, actor, self._now(), ENTITY, letter_id, trail, audit.LETTER_PERSONAL_FIELDS)
            return trail

    def document(self, actor: UserRecord, document_id: int) -> LetterDocumentRecord:
        """One document with its bytes (None once purged).

        A scanned letter or a reply is the case's personal data: handing out its
        bytes is audited like opening the letter, in the same (writing) transaction.
        """
        with self._uow() as s:
            doc = s.get(LetterDocument, document_id) if is_row_id(document_id) else None
            if doc is None:
                raise NotFound(f"no document {document_id}")
            c = self._context(s, self._get(s, doc.letter_id))
            try:
                self._require_visible(actor, c)
            except NotFound:
                raise NotFound(f"no document {document_id}") from None
            record = document_record(doc, c.letter.cts_reference, with_data=True)
            if record.data is not None:
                audit.record_view(s, actor, self._now(), ENTITY, doc.letter_id, f"document {doc.filename}",
                                  document_id=doc.id, document_kind=doc.kind)
            return record

    def search(self, actor: UserRecord, text: str, limit: int = SEARCH_LIMIT) -> list[LetterSummary]:
        """By CTS reference, Home Office reference, or any part of the subject's name."""
        text = clean_text(text, field="Search text", max_length=200)
        limit = as_limit(limit, field="Number of results", maximum=SEARCH_LIMIT * 25)
        if not text:
            return []
        ref, name = normalise_reference(text), fold(text)
        like = "%" + name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = (select(Letter).where(or_(Letter.cts_reference == ref, Letter.ho_reference == ref,
                                         Letter.subject_name_folded.like(like, escape="\\")))
                .order_by(Letter.received_at.desc(), Letter.id.desc()).limit(limit))
        with actor_check.read(self._uow, actor) as s:
            found = [summary for _, summary in self._summaries(s, actor, stmt, lambda c: c.state.label)]
        # A search is a disclosure (names, references): audited like the enquiry log's (services/audit.py).
        with self._uow() as s:
            audit.record_search(s, actor, self._now(), ENTITY, "CTS reference, Home Office reference or name",
                                text, found)
        return found

    # ------------------------------------------------------------ workstacks

    def workstack(self, actor: UserRecord, role: Role | str, unit: str | None = None) -> list[LetterSummary]:
        """What ``role`` has to do now, urgent first and then by stage deadline.

        Each line carries its stage deadline, the case (reply) deadline and
        its status against the stage deadline; ``section`` groups the lines.
        MPCS sees letters awaiting a unit's decision with the two-day clock
        (``decision_deadline``), rejected letters with the reasons and
        suggested units, and those rejected by two or more units to escalate.
        Unit roles see their own unit (``unit``) or all their units.
        """
        try:
            role = Role(role)
        except ValueError:
            raise ValidationError(f"no workstack for role {role!r}") from None
        if role not in _SECTIONS:
            raise ValidationError(f"no CTS workstack for {role.label.lower()}")
        if not actor.active or role not in actor.roles:
            raise PermissionDenied(f"{actor.full_name} is not a {role.label.lower()}")
        with actor_check.read(self._uow, actor) as s:
            stmt = self._workstack_statement(s, actor, role, unit)
            if stmt is None:
                return []
            found = [summary for _, summary in self._summaries(s, actor, stmt, _SECTIONS[role])]
        return sorted(found, key=lambda i: workstack_order(i.urgent, i.stage_deadline, i.received_at, i.id))

    def _workstack_statement(self, s: Session, actor: UserRecord, role: Role, unit: str | None) -> Select | None:
        stmt = select(Letter)
        if role in _UNIT_WORKSTACKS:
            mine = units_of(s, actor.id)
            if unit:
                code = unit_code_of(unit)
                if code not in mine:
                    raise PermissionDenied(f"{actor.full_name} is not a member of {code}")
                mine = {code}
            if not mine:
                return None
            stmt = stmt.where(Letter.unit_code.in_(sorted(mine)))
        states = lambda *xs: Letter.state.in_([x.value for x in xs])  # noqa: E731
        official = Letter.kind == LetterKind.OFFICIAL.value
        if role is R.MPCS_ALLOCATOR:
            offline = Letter.unit_code.in_(select(OfflineUnit.unit_code))
            return stmt.where(or_(states(S.REGISTERED, S.ALLOCATED, S.REJECTED_TO_MPCS, S.ESCALATED,
                                         S.FOR_CANCELLING), offline & states(*_OFFLINE_HELD)))
        if role is R.WORKFLOW_MANAGER:
            return stmt.where(or_(states(S.ALLOCATED, S.ACCEPTED, S.REALLOCATION_REQUESTED),
                                  states(S.SIGNED) & official))
        if role is R.CASE_OWNER:
            # With the workstacks of anyone the actor covers for today [ASY].
            return stmt.where(Letter.case_owner_id.in_(sorted(self._acting_for(s, actor))), states(*_DRAFTING))
        if role is R.SENIOR_CASEWORKER:
            return stmt.where(or_(states(S.IN_QA), Letter.case_owner_id.in_(sorted(self._acting_for(s, actor)))
                                  & states(*_DRAFTING)))
        if role is R.UNIT_TEAM_LEADER:
            return stmt.where(or_(states(S.WITH_TEAM_LEADER), states(S.SIGNED) & official))
        return stmt.where(Letter.kind == LetterKind.MINISTERIAL.value,
                          states(S.WITH_PRIVATE_OFFICE, S.SIGNED))

    def _summaries(self, s: Session, actor: UserRecord, stmt: Select,
                   section: Callable[[Case], str]) -> list[tuple[Case, LetterSummary]]:
        """The lines of a list read by ``stmt`` (``select(Letter)``), the letters ``actor`` may see.

        Read-only: the columns a line shows and its rules need (``SUMMARY_COLUMNS``; any other raises,
        so a new use must add it), the facts only if a section asks, and the date arithmetic shared
        between lines (``DeadlineBook``): a workstack of 400 letters (issue 16).
        """
        letters = list(s.scalars(stmt.options(*_SUMMARY_LOAD)).unique())
        ids = [e.id for e in letters]
        handlers, rejections = self._handlers(s, ids), self._rejections(s, ids)
        calendars: dict = {}
        dissolution = self._dissolution(s)
        names = _full_names(s, {r.by_id for rs in rejections.values() for r in rs})
        book = DeadlineBook(self._now())
        found = []
        for e in letters:
            if not self._may_see(actor, e, handlers[e.id]):
                continue
            c = self._context(s, e, calendars=calendars, handlers=handlers[e.id], rejections=rejections[e.id],
                              dissolution=dissolution, deferred_facts=True)
            found.append((c, self._summary(s, c, section(c), names, book)))
        return found

    def late_letters(self, actor: UserRecord) -> list[LateLetter]:
        """Open letters far enough past target that someone must act [CORR 1.5], oldest first.

        MPCS, Private Office and administrators see every unit's; unit staff
        their own units'.
        """
        if not actor.active:
            raise PermissionDenied(f"{actor.full_name} is not an active user")
        stmt = select(Letter).where(Letter.state.not_in([x.value for x in TERMINAL_STATES]),
                                    Letter.received_at <= self._now() - LATE_AT_THE_EARLIEST)
        with actor_check.read(self._uow, actor) as s:
            if not actor.roles & _SEE_ALL_LATE:
                mine = units_of(s, actor.id)
                if not mine:
                    return []
                stmt = stmt.where(Letter.unit_code.in_(sorted(mine)))
            found = []
            for c, summary in self._summaries(s, actor, stmt.order_by(Letter.received_at, Letter.id),
                                              lambda c: "Late"):
                prompts = tuple(lateness_prompts(c.letter.received_at, c.now, c.letter.kind, c.calendar))
                if prompts:
                    found.append(LateLetter(summary, prompts))
            return found

    def letters_of_deceased_member(self, actor: UserRecord, member_id: int) -> DeathReview:
        """The late MP's letters still to be drafted, signed or sent, by CTS reference [CORR 5.1]."""
        if not actor.active:
            raise PermissionDenied(f"{actor.full_name} is not an active user")
        member_id = as_row_id(member_id, field="Member")
        with actor_check.read(self._uow, actor) as s:
            letters = list(s.scalars(select(Letter).where(Letter.member_id == member_id)
                                     .order_by(Letter.received_at, Letter.id)))
            handlers = self._handlers(s, [e.id for e in letters])
            return letters_to_review_on_death(
                (e.cts_reference, e.state) for e in letters if self._may_see(actor, e, handlers[e.id]))

    # -------------------------------------------------------- get next case

    def get_next_case(self, actor: UserRecord, unit: str | None = None) -> LetterRecord | None:
        """Make ``actor`` the case owner of the unit's highest-priority case nobody owns yet; None if none.

        Priority is the domain's ``priority`` (urgency, Ministerial type,
        working days elapsed), ties to the letter received first.  Two people
        asking at once never get the same case: each candidate is taken with
        SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL (so the second person
        gets the next case instead of waiting), under the write lock on SQLite.

        *Decision*: "get next case" is the workflow manager's standing
        allocation through the unit's queue, so the domain checks it as the
        workflow manager's "allocate to a case owner" (state and fields); the
        service checks that the actor may own the case (a unit member, a named
        handler if restricted, and whom the domain's ``check_case_owner``
        allows: a case owner, or a senior caseworker for an OPHSO enquiry), so
        a senior caseworker who is not also a case owner is offered OPHSO
        enquiries only.
        """
        if not actor.active or not actor.has(R.CASE_OWNER, R.SENIOR_CASEWORKER):
            raise PermissionDenied(f"{actor.full_name} is not a case owner")
        with self._uow() as s:
            code = self._own_unit(s, actor, unit)
            me = s.get(User, actor.id)
            candidates = list(s.scalars(select(Letter).where(
                Letter.unit_code == code, Letter.state == S.ACCEPTED.value, Letter.case_owner_id.is_(None))))
            handlers = self._handlers(s, [e.id for e in candidates])
            calendars: dict = {}
            book = DeadlineBook(self._now())
            ranked: list[tuple[int, object, int, Case]] = []
            for e in candidates:
                c = self._context(s, e, calendars=calendars, handlers=handlers[e.id])
                try:
                    self._check_case_owner(s, c, me)
                except ValidationError:
                    continue  # e.g. an OPHSO enquiry and the actor is not a senior caseworker
                ranked.append((-self._priority(c, book), e.received_at, e.id, c))
            for *_, c in sorted(ranked, key=lambda r: r[:3]):
                taken = s.scalar(select(Letter.id).where(
                    Letter.id == c.letter.id, Letter.state == S.ACCEPTED.value, Letter.case_owner_id.is_(None))
                    .with_for_update(skip_locked=True))
                if taken is None:
                    continue  # someone else is taking it right now, or has taken it
                letter = s.get(Letter, taken, populate_existing=True)
                c = self._context(s, letter, calendars=calendars, handlers=handlers[letter.id])
                target = check(A.ALLOCATE_TO_CASE_OWNER, state=c.state, actor_roles={R.WORKFLOW_MANAGER.value},
                               actor_grade=actor.grade, facts=c.facts, fields={"case_owner": actor.username})
                letter.case_owner_id, letter.case_owner = me.id, me
                self._move(s, actor, c, A.ALLOCATE_TO_CASE_OWNER, target,
                           {"case_owner": [None, actor.username], "via": "get next case"})
                return self._record(s, actor, letter)
            return None

    def _own_unit(self, s: Session, actor: UserRecord, unit: str | None) -> str:
        mine = units_of(s, actor.id)
        if unit:
            code = unit_code_of(unit)
            if code not in mine:
                raise PermissionDenied(f"{actor.full_name} is not a member of {code}")
            return code
        if len(mine) != 1:
            raise ValidationError("unit: choose which of your units to take a case from" if mine
                                  else f"{actor.full_name} is not a member of any drafting unit")
        return next(iter(mine))

