"""Use cases of MPs' letters on CTS (issue 4): from MPCS registration to dispatch of the reply.

Every change takes the acting user first and goes through the domain's
``check`` (``domain.correspondence.lifecycle``) with the facts filled from
the database and the clock, plus what only the database can tell: that a
unit's staff act on their own unit's letters, that only the case owner does
the case owner's part, and that a restricted letter is invisible to anyone
but its named handlers.  The audit trail (entity ``"letter"``) is written in
the same transaction as the change; results are immutable records
(``domain.letter_records``).

Mutating methods take ``expected_version`` (the version the person saw) and
raise ``StaleRecord`` when someone else changed the letter since.  Two desks
doing the same thing at once: the second waits for the first (a row lock on
PostgreSQL, the write lock on SQLite) and is then refused by the rules, so
exactly one succeeds.

Workstacks, "get next case" and the other queries are in
``letters.queries``; reply letters and the retention purge in
``letters.documents``; linking letters from several MPs about one person in
``letters.groups`` [CORR 2.6]; flagging a letter about Agency staff to the
line manager in ``letters.staff`` [CORR 2.5]; drafting units in
``letters.units``.

Several MPs on one person [CORR 2.6]: a letter that gets a copy of another
MP's reply goes through the lifecycle like any other, its reply being the
covering note, and is dispatched only after the reply it copies has gone; its
dispatch records which reply it copied (``domain.correspondence.links``).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import repositories as repo
from ..db.models import DraftingUnit, Letter, LetterDocument, LetterHandler, LetterRejection, Member, Setting, User
from ..domain import permissions as perm
from ..domain.calendar import LONDON
from ..domain.correspondence import (
    ACTIONS, SYSTEM, LetterAction, agency_staff_handling, count_returns, LetterFacts, LetterKind, LetterState, ReplyChannel, SignatoryFacts, check,
    check_copy_dispatch, ophso_deadline, roles_for, select_signatory)
from ..domain.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from ..domain.letter_records import DocumentKind, EnforcedHow, LetterRecord, QaSubmission
from ..domain.permissions import Action
from ..domain.phones import normalise_phone
from ..domain.records import UserRecord
from ..domain.references import CtsReference
from ..domain.text import clean_text, fold, normalise_reference
from ..domain.values import as_date, as_flag, as_instant, is_row_id
from ..notify.outbox import enqueue
from . import audit
from .letters.base import DISSOLUTION_KEY, ENTITY, Case, check_pdf
from .letters.cover import WorkstackCovers
from .letters.documents import LetterDocuments
from .letters.groups import LetterGroups, is_mp, link_reference
from .letters.queries import LetterQueries
from .home_secretary_list import on_list
from .letters.staff import StaffLetters, active_user_named
from .letters.units import active_unit, unit_code_of
from .letters.why_due import LetterDueExplanations

A = LetterAction
S = LetterState

MAX_TEXT = 10_000
_HO_REF_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-")
MAX_SEQUENCE = 99_999  # five digits on the reference
# Letters are registered within days of arriving; a date more than a year back is a typing slip.
LATEST_REGISTRATION = timedelta(days=366)


class CorrespondenceService(LetterQueries, LetterDocuments, LetterGroups, StaffLetters, WorkstackCovers,
                            LetterDueExplanations):

    # ------------------------------------------------------------- MPCS

    def register(self, actor: UserRecord, *, kind: LetterKind | str, member_id: int, subject_name: str,
                 issue: str, question: str = "", ho_reference: str = "", constituent_name: str = "",
                 member_letter_date: date | None = None, member_reference: str = "",
                 received_at: datetime | None = None, urgent: bool = False, ophso: bool = False,
                 foi: bool = False, welsh_requested: bool = False, restricted: bool = False,
                 named_handlers: Iterable[str] = (), staff_member: str = "",
                 scanned_pdf: bytes | None = None, scanned_filename: str = "",
                 signatory: SignatoryFacts | None = None, link_to_reference: str = "",
                 constituency_mp: bool = True, different_points: bool = False,
                 line_manager_id: int | None = None, line_manager: str = "",
                 **special: object) -> LetterRecord:
        """Register a letter or e-mail: a CTS reference from this year's counter, the scan attached.

        ``staff_member`` (a letter about a member of Agency staff) makes the
        letter restricted, and needs the line manager, by ``line_manager_id``
        or by username (``line_manager``): they are told at their e-mail
        address through the outbox in this transaction, and are not made a
        named handler (``letters.staff``) [CORR 2.5].  The registering allocator is
        always one of a restricted letter's named handlers.  ``signatory``
        decides who signs a Ministerial reply [CORR 1.8]; an Official reply is
        always signed by an official.  An OPHSO enquiry's short deadline is
        fixed now [ASY].

        ``link_to_reference``: another MP's letter about the same person; the
        new letter joins its group [CORR 2.6].  ``constituency_mp`` says the
        writer is the person's constituency MP (only an MP can be: for anyone
        else it is recorded false); ``different_points`` that they raised
        points of their own, so get a substantive reply of their own.

        ``special``: what kind of letter it is and what it asks
        (``category``, ``foi_only``, ``letter_in_welsh``, ``meeting_requested``,
        ``against_removal``, ...; see ``letters.special``).  A letter with an
        FOI request is told to the Information Access Team in this
        transaction [CORR 5.2].
        """
        letter_kind = _kind(kind)
        facts = LetterFacts(kind=letter_kind, ophso=ophso)
        _require_role(actor, A.REGISTER, facts)
        urgent, ophso, foi, welsh_requested, restricted, constituency_mp, different_points = (
            as_flag(value, field=name) for name, value in (
                ("urgent", urgent), ("ophso", ophso), ("foi", foi), ("welsh_requested", welsh_requested),
                ("restricted", restricted), ("constituency_mp", constituency_mp),
                ("different_points", different_points)))
        now = self._now()
        received_at = as_instant(received_at, field="received_at") or now
        if received_at > now + timedelta(minutes=1):
            raise ValidationError("a letter cannot be received in the future")
        if received_at < now - LATEST_REGISTRATION:
            raise ValidationError("received_at: a letter received more than a year ago is not registered now")
        received_day = received_at.astimezone(LONDON).date()
        member_letter_date = as_date(member_letter_date, field="member_letter_date") or received_day
        if member_letter_date > received_day:
            raise ValidationError("the Member's letter cannot be dated after it was received")
        if member_letter_date < received_day - LATEST_REGISTRATION:
            raise ValidationError("member_letter_date: the Member's letter is dated more than a year before "
                                  "it was received; check the date")
        values = dict(
            subject_name=clean_text(subject_name, field="Subject name", max_length=200),
            issue=clean_text(issue, field="Issue", max_length=300),
            question=clean_text(question, field="Question", max_length=MAX_TEXT, multiline=True),
            ho_reference=_ho_reference(ho_reference),
            constituent_name=clean_text(constituent_name, field="Constituent", max_length=200),
            member_reference=clean_text(member_reference, field="Member's reference", max_length=60),
        )
        if not values["subject_name"]:
            raise ValidationError("subject_name is required: whom the letter is about")
        if not values["issue"]:
            raise ValidationError("issue is required: what the letter is about, as the reply will word it")
        staff_as_typed = clean_text(staff_member, field="Member of staff", max_length=64)
        staff = staff_as_typed.lower()
        link_ref = link_reference(link_to_reference, field="link_to_reference")
        # Agency staff [CORR 2.5]: the domain says how (always restricted; off CTS if they could see it there).
        handling = None
        chosen = _signatory(letter_kind, signatory)
        scan_name = _pdf(scanned_pdf, scanned_filename, field="scanned_letter") if scanned_pdf is not None else ""
        with self._uow() as s:
            member = s.get(Member, member_id) if is_row_id(member_id) else None
            if member is None or not member.active:
                raise ValidationError("correspondent: choose a Member from the list")
            if signatory is not None and letter_kind is LetterKind.MINISTERIAL:
                # The Home Secretary's list is data an administrator keeps, not the form's say [CORR 1.8].
                chosen = _signatory(letter_kind, signatory, on_list(s, member.id))
            if staff:
                handling = agency_staff_handling(staff_has_system_access=active_user_named(s, staff) is not None)
                restricted = restricted or handling.restricted
            handlers = self._handler_users(s, actor, named_handlers, staff) if restricted else []
            flag = self._line_manager(s, line_manager_id, line_manager, staff)
            other = None
            if link_ref:
                # Locked before the reference counter, as every group change locks: never a cycle.
                other_id = s.scalar(select(Letter.id).where(Letter.cts_reference == link_ref))
                self._lock_groups(s, [other_id])
                other = self._link_target(s, actor, link_ref, other_id, field="link_to_reference")
            year = now.astimezone(LONDON).year
            letter_code = "M" if letter_kind is LetterKind.MINISTERIAL else "B"
            sequence = repo.reserve_cts_number(s, letter_code, year)
            if sequence > MAX_SEQUENCE:
                raise ValidationError(f"CTS references for {letter_code}…/{year % 100:02d} have run out")
            reference = str(CtsReference(letter_kind.value, sequence, year % 100))
            target = check(A.REGISTER, state=None, actor_roles=actor.roles, actor_grade=actor.grade, facts=facts,
                           fields={"reference": reference, "correspondent": member.name,
                                   "scanned_letter": scan_name})
            calendar = self._calendar(s, None)
            letter = Letter(
                cts_reference=reference, kind=letter_kind.value, sequence=sequence, year=year, state=target.value,
                received_at=received_at, registered_at=now, registered_by_id=actor.id, member_id=member.id,
                member_letter_date=member_letter_date, subject_name_folded=fold(values["subject_name"]),
                urgent=bool(urgent), ophso=bool(ophso),
                ophso_deadline=ophso_deadline(now, calendar) if ophso else None, foi=bool(foi),
                welsh_requested=bool(welsh_requested), restricted=restricted, staff_member=staff,
                constituency_mp=constituency_mp and is_mp(member.kind), different_points=different_points,
                signatory_kind=chosen.kind.value if chosen else None,
                signatory_who=chosen.who if chosen else "", signatory_reason=chosen.reason if chosen else "",
                enforced=False, returns_count=0, reply_still_wanted=False, qa_submitted_late=False, **values)
            s.add(letter)
            s.flush()
            for user in handlers:
                s.add(LetterHandler(letter_id=letter.id, user_id=user.id))
            if scanned_pdf is not None:
                self._add_document(s, actor, letter, DocumentKind.SCAN,
                                   scan_name or f"{_file_stem(reference)}-scan.pdf", "application/pdf", scanned_pdf)
            self._audit(s, actor, letter, ACTIONS_LABEL[A.REGISTER], {
                "state": [None, target.value], "reference": reference, "kind": letter_kind.value,
                "member_id": member.id, "received_at": received_at, "urgent": bool(urgent), "ophso": bool(ophso),
                "foi": bool(foi), "welsh_requested": bool(welsh_requested), "restricted": restricted,
                "named_handlers": [u.username for u in handlers], "scanned_letter": scan_name or None,
                "signatory": chosen.who if chosen else None, "constituency_mp": letter.constituency_mp,
                "different_points": letter.different_points, "link_to_reference": link_ref or None,
                "line_manager": flag[0].username if flag else None,
                "answer_off_system": handling.answer_off_system if handling else None})
            if flag is not None:
                self._flag_line_manager(s, actor, letter, *flag, staff_as_typed)
            if other is not None:
                self._join(s, actor, letter, other, field="link_to_reference")
            if special or letter.foi:
                self._apply_facts(s, actor, letter, special)
            return self._record(s, actor, letter)

    def allocate(self, actor: UserRecord, letter_id: int, unit_code: str, *,
                 expected_version: int | None = None) -> LetterRecord:
        """Allocate to a drafting unit; its two working days to decide start now [CORR 1.4]."""
        code = unit_code_of(unit_code)

        def change(s: Session, c: Case) -> LetterRecord:
            target = self._check(s, actor, c, A.ALLOCATE, {"unit": code})
            unit = active_unit(s, code)
            before = c.letter.unit_code
            self._hand_to_unit(c.letter, unit, enforced=None)
            emailed = self._on_allocate(s, actor, c, unit)  # an off-line unit gets the letter by e-mail [ASY]
            self._move(s, actor, c, A.ALLOCATE, target, {"unit": [before, unit.code], **emailed})
            return self._record(s, actor, c.letter)

        return self._change(actor, letter_id, change, expected_version)

    def escalate(self, actor: UserRecord, letter_id: int, *, expected_version: int | None = None) -> LetterRecord:
        """Rejected by two or more units: to the heads of the disputing units [CORR 1.4], by e-mail."""
        def change(s: Session, c: Case) -> LetterRecord:
            target = self._check(s, actor, c, A.ESCALATE)
            units = list(dict.fromkeys(r.unit_code for r in c.rejections))
            sent = []
            for code in units:
                unit = s.get(DraftingUnit, code)
                if unit is not None and unit.head_email:
                    enqueue(s, clock=self._clock, kind="letter_escalation", entity=ENTITY, entity_id=c.letter.id,
                            to_address=unit.head_email, to_name=f"Head of {unit.name}",
                            subject=f"CTS {c.letter.cts_reference}: disputed allocation, please agree which unit "
                                    "takes it",
                            body_text=_escalation_text(c, units))
                    sent.append(unit.head_email)
            self._move(s, actor, c, A.ESCALATE, target, {"disputing_units": units, "heads_emailed": sent})
            return self._record(s, actor, c.letter)

        return self._change(actor, letter_id, change, expected_version)

    def enforce(self, actor: UserRecord, letter_id: int, unit_code: str, *,
                expected_version: int | None = None) -> LetterRecord:
        """The Head of MPCS enforces an escalated case on a unit, which may then not reject it [CORR 1.4].

        *Decision*: the desk has no separate Head of MPCS role; the domain lets
        MPCS allocators take this action, and the audit trail says who did.
        """
        code = unit_code_of(unit_code)

        def change(s: Session, c: Case) -> LetterRecord:
            target = self._check(s, actor, c, A.ENFORCE, {"unit": code})
            unit = active_unit(s, code)
            self._hand_to_unit(c.letter, unit, enforced=EnforcedHow.HEAD_OF_MPCS)
            self._move(s, actor, c, A.ENFORCE, target, {"unit": [None, unit.code], "enforced": [False, True],
                                                         "enforced_how": EnforcedHow.HEAD_OF_MPCS.value})
            return self._record(s, actor, c.letter)

        return self._change(actor, letter_id, change, expected_version)

    def two_day_sweep(self) -> list[str]:
        """Enforce every letter a unit has held more than two working days undecided; run by a timer.

        Idempotent (an enforced letter is left alone) and safe to run on two
        machines at once: each letter is taken under a row lock that the other
        skips.  Returns the references enforced now.
        """
        enforced: list[str] = []
        with self._uow() as s:
            calendars: dict = {}
            due = []
            for letter in s.scalars(select(Letter).where(Letter.state == S.ALLOCATED.value,
                                                         Letter.enforced.is_(False))):
                c = self._context(s, letter, calendars=calendars)
                if c.facts.decision_overdue:
                    due.append(letter.id)
            for letter_id in due:
                locked = s.scalar(select(Letter.id).where(Letter.id == letter_id, Letter.state == S.ALLOCATED.value,
                                                          Letter.enforced.is_(False))
                                  .with_for_update(skip_locked=True))
                if locked is None:
                    continue  # another sweep has it, or a workflow manager decided meanwhile
                letter = s.get(Letter, letter_id, populate_existing=True)
                c = self._context(s, letter, calendars=calendars)
                target = check(A.ENFORCE_TWO_DAY_RULE, state=c.state, actor_roles={SYSTEM}, actor_grade=None,
                               facts=c.facts)
                letter.enforced, letter.enforced_how, letter.enforced_at = (
                    True, EnforcedHow.TWO_DAY_RULE.value, c.now)
                self._move(s, None, c, A.ENFORCE_TWO_DAY_RULE, target,
                           {"unit": letter.unit_code, "enforced": [False, True],
                            "enforced_how": EnforcedHow.TWO_DAY_RULE.value, "allocated_at": letter.allocated_at})
                enforced.append(letter.cts_reference)
        return enforced

    def lift_enforcement(self, actor: UserRecord, letter_id: int, *, agreeing_unit: str,
                         written_agreement: bytes, filename: str = "",
                         expected_version: int | None = None) -> LetterRecord:
        """Another CTS drafting unit agreed in writing to take an enforced case: the PDF is kept [CORR 1.4]."""
        code = unit_code_of(agreeing_unit)
        name = _pdf(written_agreement, filename, field="written_agreement")

        def change(s: Session, c: Case) -> LetterRecord:
            name_or_default = name or f"{_file_stem(c.letter.cts_reference)}-agreement-{code}.pdf"
            target = self._check(s, actor, c, A.LIFT_ENFORCEMENT,
                                 {"agreeing_unit": code, "written_agreement": name_or_default})
            unit = active_unit(s, code, field="agreeing_unit")
            before = c.letter.unit_code
            doc = self._add_document(s, actor, c.letter, DocumentKind.WRITTEN_AGREEMENT, name_or_default,
                                     "application/pdf", written_agreement)
            self._hand_to_unit(c.letter, unit, enforced=None)
            self._move(s, actor, c, A.LIFT_ENFORCEMENT, target,
                       {"unit": [before, unit.code], "enforced": [True, False], "written_agreement": doc.filename})
            return self._record(s, actor, c.letter)

        return self._change(actor, letter_id, change, expected_version)

    def cancel(self, actor: UserRecord, letter_id: int, reason: str, *,
               expected_version: int | None = None) -> LetterRecord:
        reason = clean_text(reason, field="Reason", max_length=1000)

        def change(s: Session, c: Case) -> LetterRecord:
            target = self._check(s, actor, c, A.CANCEL, {"reason": reason})
            c.letter.cancel_reason, c.letter.cancelled_at = reason, c.now
            c.letter.unit_code = None
            c.letter.case_owner_id, c.letter.case_owner = None, None
            self._move(s, actor, c, A.CANCEL, target, {"reason": reason})
            return self._record(s, actor, c.letter)

        return self._change(actor, letter_id, change, expected_version)

    def convert_to_official(self, actor: UserRecord, letter_id: int, *,
                            expected_version: int | None = None) -> LetterRecord:
        """General election: an outstanding Ministerial letter becomes an Official reply [CORR 5.4].

        The CTS reference keeps its M: it is what the Member's office quotes.
        """
        def change(s: Session, c: Case) -> LetterRecord:
            target = self._check(s, actor, c, A.CONVERT_TO_OFFICIAL)
            official = select_signatory(SignatoryFacts(kind=LetterKind.OFFICIAL))
            c.letter.kind = LetterKind.OFFICIAL.value
            c.letter.signatory_kind, c.letter.signatory_who, c.letter.signatory_reason = (
                official.kind.value, official.who, official.reason)
            self._move(s, actor, c, A.CONVERT_TO_OFFICIAL, target,
                       {"kind": [LetterKind.MINISTERIAL.value, LetterKind.OFFICIAL.value]})
            return self._record(s, actor, c.letter)

        return self._change(actor, letter_id, change, expected_version)

    def convert_outstanding_to_official(self, actor: UserRecord) -> list[str]:
        """General election: every outstanding Ministerial letter the actor can see becomes Official [CORR 5.4].

        Each goes through the same check as ``convert_to_official``; letters
        already signed (or gone) stay as they are.  Returns the references converted.
        """
        facts = LetterFacts(kind=LetterKind.MINISTERIAL)
        _require_role(actor, A.CONVERT_TO_OFFICIAL, facts)
        with self._uow.read() as s:
            ids = list(s.scalars(select(Letter.id).where(
                Letter.kind == LetterKind.MINISTERIAL.value,
                Letter.state.in_([st.value for st in ACTIONS[A.CONVERT_TO_OFFICIAL].sources if st is not None]))
                .order_by(Letter.id)))
        converted = []
        for letter_id in ids:
            try:
                converted.append(self.convert_to_official(actor, letter_id).reference)
            except NotFound:
                continue  # a restricted letter this allocator is not a handler of: its handlers convert it
            except InvalidTransition:
                continue  # signed (or gone) since the list was read
        return converted

    def set_dissolution_date(self, actor: UserRecord, day: date | None) -> date | None:
        """Record (or clear, once the new Parliament meets) the dissolution of Parliament [CORR 5.4].

        From that day no one is addressed as an MP and outstanding Ministerial
        letters may be converted to Official replies.
        """
        perm.require(actor, Action.SET_DISSOLUTION)
        day = as_date(day, field="Dissolution date")
        with self._uow() as s:
            repo.lock_key(s, f"settings: {DISSOLUTION_KEY}")  # two desks recording it first at once take turns
            row = s.get(Setting, DISSOLUTION_KEY)
            before = row.value if row is not None else ""
            value = day.isoformat() if day else ""
            if row is None:
                row = Setting(key=DISSOLUTION_KEY, value=value, updated_at=self._now(), updated_by_id=actor.id)
                s.add(row)
            else:
                row.value, row.updated_at, row.updated_by_id = value, self._now(), actor.id
            if before != value:
                audit.record(s, actor, self._now(), "setting", None, "dissolution of Parliament recorded",
                             {DISSOLUTION_KEY: [before or None, value or None]})
        return day

    def dissolution_date(self) -> date | None:
        with self._uow.read() as s:
            return self._dissolution(s)

    # ---------------------------------------------------- workflow manager

    def accept(self, actor: UserRecord, letter_id: int, *, barrier_to_removal: bool, no_barrier_reason: str = "",
               expected_version: int | None = None) -> LetterRecord:
        """Accept for the unit, recording whether the barrier to removal was entered [ASY], [CORR 2.2]."""
        reason = clean_text(no_barrier_reason, field="Reason", max_length=500)

        def change(s: Session, c: Case) -> LetterRecord:
            target = self._check(s, actor, c, A.ACCEPT,
                                 {"barrier_to_removal": barrier_to_removal, "no_barrier_reason": reason})
            c.letter.accepted_at = c.now
            c.letter.barrier_to_removal = bool(barrier_to_removal)
            c.letter.no_barrier_reason = "" if barrier_to_removal else reason
            self._move(s, actor, c, A.ACCEPT, target, {"unit": c.letter.unit_code,
                                                       "barrier_to_removal": bool(barrier_to_removal),
                                                       "no_barrier_reason": c.letter.no_barrier_reason or None})
            return self._record(s, actor, c.letter)

        return self._change(actor, letter_id, change, expected_version)

    def reject(self, actor: UserRecord, letter_id: int, *, reason: str, suggested_unit: str | None = None,
               expected_version: int | None = None) -> LetterRecord:
        """Misallocated: back to MPCS with a reason and, where possible, the unit it is for [CORR 1.4]."""
        reason = clean_text(reason, field="Reason", max_length=1000)
        suggested = unit_code_of(suggested_unit) or None

        def change(s: Session, c: Case) -> LetterRecord:
            target = self._check(s, actor, c, A.REJECT, {"reason": reason, "suggested_unit": suggested or ""})
            if suggested is not None:
                active_unit(s, suggested, field="suggested_unit")
            unit = c.letter.unit_code
            s.add(LetterRejection(letter_id=c.letter.id, unit_code=unit, reason=reason,
                                  suggested_unit_code=suggested, at=c.now, by_id=actor.id))
            self._back_to_mpcs(c.letter)
            self._move(s, actor, c, A.REJECT, target, {"unit": [unit, None], "reason": reason,
                                                       "suggested_unit": suggested})
            return self._record(s, actor, c.letter)

        return self._change(actor, letter_id, change, expected_version)

    def allocate_to_case_owner(self, actor: UserRecord, letter_id: int, case_owner_id: int, *,
                               expected_version: int | None = None) -> LetterRecord:
        """Give the case to a member of the unit to draft (also how a reallocation is done)."""
        def change(s: Session, c: Case) -> LetterRecord:
            owner = s.get(User, case_owner_id) if is_row_id(case_owner_id) else None
            if owner is None or not owner.active:
                raise ValidationError("case_owner: choose an active member of the unit")
            target = self._check(s, actor, c, A.ALLOCATE_TO_CASE_OWNER, {"case_owner": owner.username})
            self._check_case_owner(s, c, owner)
            before = c.letter.case_owner.username if c.letter.case_owner else None
            c.letter.case_owner_id, c.letter.case_owner = owner.id, owner
            self._move(s, actor, c, A.ALLOCATE_TO_CASE_OWNER, target, {"case_owner": [before, owner.username]})
            return self._record(s, actor, c.letter)

        return self._change(actor, letter_id, change, expected_version)

    def reject_for_cancelling(self, actor: UserRecord, letter_id: int, *, ground: str, reason: str,
                              expected_version: int | None = None) -> LetterRecord:
        """FOI only [CORR 5.2], or a Ministerial letter six months late the MP no longer wants [CORR 1.5]."""
        reason = clean_text(reason, field="Reason", max_length=1000)
        ground = clean_text(ground, field="ground", max_length=40)

        def change(s: Session, c: Case) -> LetterRecord:
            target = self._check(s, actor, c, A.REJECT_FOR_CANCELLING, {"ground": ground, "reason": reason})
            unit = c.letter.unit_code
            c.letter.cancel_ground, c.letter.cancel_reason = ground, reason
            self._back_to_mpcs(c.letter)
            self._move(s, actor, c, A.REJECT_FOR_CANCELLING, target,
                       {"unit": [unit, None], "ground": ground, "reason": reason})
            return self._record(s, actor, c.letter)

        return self._change(actor, letter_id, change, expected_version)

    # ---------------------------------------------------------- case owner

    def request_reallocation(self, actor: UserRecord, letter_id: int, reason: str, *,
                             expected_version: int | None = None) -> LetterRecord:
        reason = clean_text(reason, field="Reason", max_length=1000)

        def change(s: Session, c: Case) -> LetterRecord:
            target = self._check(s, actor, c, A.REQUEST_REALLOCATION, {"reason": reason})
            c.letter.reallocation_reason = reason
            self._move(s, actor, c, A.REQUEST_REALLOCATION, target, {"reason": reason})
            return self._record(s, actor, c.letter)

        return self._change(actor, letter_id, change, expected_version)

    def save_background_note(self, actor: UserRecord, letter_id: int, *, background: str,
                             drafting_officer_name: str, drafting_officer_location: str,
                             drafting_officer_phone: str, reply_still_wanted: bool = False,
                             expected_version: int | None = None) -> LetterRecord:
        """The minute for the signatory, with the drafting officer's name, location and phone [CORR 1.7].

        ``reply_still_wanted``: the MP confirmed a reply to a letter six months
        past target is still wanted [CORR 1.5].
        """
        fields = {
            "background": clean_text(background, field="Background", max_length=MAX_TEXT, multiline=True),
            "drafting_officer_name": clean_text(drafting_officer_name, field="Drafting officer", max_length=120),
            "drafting_officer_location": clean_text(drafting_officer_location, field="Location", max_length=120),
            "drafting_officer_phone": clean_text(drafting_officer_phone, field="Phone", max_length=40),
        }

        def change(s: Session, c: Case) -> LetterRecord:
            self._check(s, actor, c, A.SAVE_BACKGROUND_NOTE, fields)
            e = c.letter
            before = {k: getattr(e, k) for k in (*fields, "reply_still_wanted")}
            e.background = fields["background"]
            e.drafting_officer_name = fields["drafting_officer_name"]
            e.drafting_officer_location = fields["drafting_officer_location"]
            e.drafting_officer_phone = normalise_phone(fields["drafting_officer_phone"],
                                                       field="drafting_officer_phone")
            e.reply_still_wanted = as_flag(reply_still_wanted, field="reply_still_wanted")
            after = {k: getattr(e, k) for k in before}
            changes = audit.diff(before, after)
            if changes:
                self._audit(s, actor, e, ACTIONS_LABEL[A.SAVE_BACKGROUND_NOTE], changes)
            return self._record(s, actor, e)

        return self._change(actor, letter_id, change, expected_version)

    def submit_to_qa(self, actor: UserRecord, letter_id: int, *, draft: str,
                     expected_version: int | None = None) -> QaSubmission:
        """To a senior caseworker; due no fewer than 4 working days before the unit deadline [ASY].

        After that day the submission is still taken, and flagged on the letter as late.
        """
        draft = clean_text(draft, field="Draft", max_length=50_000, multiline=True)

        def change(s: Session, c: Case) -> QaSubmission:
            target = self._check(s, actor, c, A.SUBMIT_TO_QA, {"draft": draft})
            due = self._deadlines(c)["submit_to_qa"]
            late = c.now.astimezone(LONDON).date() > due
            e = c.letter
            e.draft_text, e.drafter_grade, e.submitted_to_qa_at, e.qa_submitted_late = draft, actor.grade, c.now, late
            self._move(s, actor, c, A.SUBMIT_TO_QA, target, {"drafter_grade": actor.grade, "qa_deadline": due,
                                                             "late": late})
            warning = (f"Submitted to QA after the QA deadline of {due:%A %d %B %Y}: flagged as late. The unit "
                       "deadline is at risk; tell the team leader." if late else None)
            return QaSubmission(self._record(s, actor, e), late, warning)

        return self._change(actor, letter_id, change, expected_version)

    # ---------------------------------------------------- QA and signing

    def qa_pass(self, actor: UserRecord, letter_id: int, *, expected_version: int | None = None) -> LetterRecord:
        def change(s: Session, c: Case) -> LetterRecord:
            target = self._check(s, actor, c, A.QA_PASS)
            if c.facts.kind is LetterKind.OFFICIAL:
                # The team leader signs an Official reply: it has reached its signatory [CORR 1.2].
                c.letter.reached_signatory_at = c.now
            self._move(s, actor, c, A.QA_PASS, target)
            return self._record(s, actor, c.letter)

        return self._change(actor, letter_id, change, expected_version)

    def qa_return(self, actor: UserRecord, letter_id: int, note: str, *,
                  expected_version: int | None = None) -> LetterRecord:
        return self._return(actor, letter_id, A.QA_RETURN, note, expected_version)

    def tl_return(self, actor: UserRecord, letter_id: int, note: str, *,
                  expected_version: int | None = None) -> LetterRecord:
        return self._return(actor, letter_id, A.TL_RETURN, note, expected_version)

    def po_return(self, actor: UserRecord, letter_id: int, note: str, *,
                  expected_version: int | None = None) -> LetterRecord:
        return self._return(actor, letter_id, A.PO_RETURN, note, expected_version)

    def sign(self, actor: UserRecord, letter_id: int, *, expected_version: int | None = None) -> LetterRecord:
        """The team leader signs an Official reply (SEO or above [CORR 1.8])."""
        def change(s: Session, c: Case) -> LetterRecord:
            target = self._check(s, actor, c, A.SIGN)
            c.letter.signed_by, c.letter.signed_at = actor.full_name, c.now
            self._move(s, actor, c, A.SIGN, target, {"signed_by": actor.full_name})
            return self._record(s, actor, c.letter)

        return self._change(actor, letter_id, change, expected_version)

    def send_to_private_office(self, actor: UserRecord, letter_id: int, *,
                               expected_version: int | None = None) -> LetterRecord:
        """A Ministerial draft cleared (G7 or above [CORR 1.6]) goes to the Minister's Private Office."""
        def change(s: Session, c: Case) -> LetterRecord:
            target = self._check(s, actor, c, A.SEND_TO_PRIVATE_OFFICE)
            c.letter.reached_signatory_at = c.now
            self._move(s, actor, c, A.SEND_TO_PRIVATE_OFFICE, target)
            return self._record(s, actor, c.letter)

        return self._change(actor, letter_id, change, expected_version)

    def minister_sign(self, actor: UserRecord, letter_id: int, *, signed_by: str,
                      expected_version: int | None = None) -> LetterRecord:
        """Private Office records the Minister's approval and signature."""
        signed_by = clean_text(signed_by, field="Signed by", max_length=120)

        def change(s: Session, c: Case) -> LetterRecord:
            target = self._check(s, actor, c, A.MINISTER_SIGN, {"signed_by": signed_by})
            c.letter.signed_by, c.letter.signed_at = signed_by, c.now
            self._move(s, actor, c, A.MINISTER_SIGN, target, {"signed_by": signed_by})
            return self._record(s, actor, c.letter)

        return self._change(actor, letter_id, change, expected_version)

    def dispatch(self, actor: UserRecord, letter_id: int, *, reply_channel: ReplyChannel | str,
                 mp_agreement: str = "", resolution_note: str = "",
                 expected_version: int | None = None) -> LetterRecord:
        """The reply has gone, and how [CORR 1.10]: Ministerial by letter only; Official another way
        only with the MP's agreement (and a note of the resolution for telephone or account manager).

        A letter whose MP gets a copy of another MP's reply [CORR 2.6] goes only after that reply has, and
        the trail records which reply was copied; the lead's records the copies to follow.
        """
        fields = {
            "reply_channel": str(reply_channel or "").strip(),
            "mp_agreement": clean_text(mp_agreement, field="MP's agreement", max_length=500),
            "resolution_note": clean_text(resolution_note, field="Resolution", max_length=MAX_TEXT, multiline=True),
        }

        def change(s: Session, c: Case) -> LetterRecord:
            target = self._check(s, actor, c, A.DISPATCH, fields)
            e = c.letter
            group = self._group(s, actor, e)
            copied = check_copy_dispatch(group.plan, e.cts_reference, group.lead) if group else None
            e.reply_channel = ReplyChannel(fields["reply_channel"]).value
            e.mp_agreement, e.resolution_note = fields["mp_agreement"], fields["resolution_note"]
            e.dispatched_at, e.dispatched_by_id = c.now, actor.id
            changes: dict = {k: v for k, v in fields.items() if v}
            if copied:
                changes["copy_of_reply"] = copied  # a copy of that reply went, with the covering note [CORR 2.6]
            elif group and group.plan and group.plan.lead == e.cts_reference:
                changes["copies_to_follow"] = list(group.plan.copies)
            self._on_dispatch(s, actor, c, changes)  # a Welsh reply's translation; the Home Office file copy
            self._move(s, actor, c, A.DISPATCH, target, changes)
            return self._record(s, actor, e)

        return self._change(actor, letter_id, change, expected_version)

    # ------------------------------------------------------------ helpers

    def _return(self, actor: UserRecord, letter_id: int, action: LetterAction, note: str,
                expected_version: int | None) -> LetterRecord:
        """Back to the case owner for corrections, with a note; every return is counted."""
        note = clean_text(note, field="Note", max_length=2000, multiline=True)

        def change(s: Session, c: Case) -> LetterRecord:
            target = self._check(s, actor, c, action, {"note": note})
            e = c.letter
            e.returns_count += count_returns([action])  # the domain says which actions are returns
            e.last_return_note = note
            e.reached_signatory_at = None  # it will reach the signatory again
            self._move(s, actor, c, action, target, {"note": note, "returns_count": e.returns_count})
            return self._record(s, actor, e)

        return self._change(actor, letter_id, change, expected_version)

    def _hand_to_unit(self, e: Letter, unit: DraftingUnit, *, enforced: EnforcedHow | None) -> None:
        """A fresh start with a unit: the two-day clock restarts, the last unit's decisions are cleared."""
        now = self._now()
        e.unit_code, e.allocated_at = unit.code, now
        e.enforced, e.enforced_how, e.enforced_at = (enforced is not None,
                                                     enforced.value if enforced else None,
                                                     now if enforced else None)
        e.accepted_at, e.barrier_to_removal, e.no_barrier_reason = None, None, ""
        e.case_owner_id, e.case_owner = None, None

    @staticmethod
    def _back_to_mpcs(e: Letter) -> None:
        e.unit_code, e.allocated_at = None, None
        e.enforced, e.enforced_how, e.enforced_at = False, None, None
        e.case_owner_id, e.case_owner = None, None
        e.reached_signatory_at = None

    def _handler_users(self, s: Session, actor: UserRecord, usernames: Iterable[str], staff: str) -> list[User]:
        wanted = [actor.username, *(str(u).strip().lower() for u in usernames if u and str(u).strip())]
        users: list[User] = []
        for username in dict.fromkeys(wanted):
            user = active_user_named(s, username)
            if user is None:
                raise ValidationError(f"named_handlers: there is no active user {username!r}")
            if staff and username == staff:
                raise ValidationError("named_handlers: the member of staff the letter is about may never see it "
                                      "[CORR 2.5]")
            users.append(user)
        return users

    def _add_document(self, s: Session, actor: UserRecord | None, letter: Letter, kind: DocumentKind,
                      filename: str, mime: str, data: bytes) -> LetterDocument:
        doc = LetterDocument(letter_id=letter.id, kind=kind.value, filename=filename[:200], mime=mime,
                             size=len(data), data=data, created_at=self._now(),
                             created_by_id=actor.id if actor else None)
        s.add(doc)
        s.flush()
        return doc


ACTIONS_LABEL = {a: a.label for a in LetterAction}


def _kind(value: LetterKind | str) -> LetterKind:
    try:
        return LetterKind(value)
    except ValueError:
        raise ValidationError("kind must be 'ministerial' or 'official'") from None


def _require_role(actor: UserRecord, action: LetterAction, facts: LetterFacts) -> None:
    """Permission first, before any input is looked at; the domain words the refusal."""
    if not actor.active:
        raise PermissionDenied(f"{actor.full_name} ({actor.username}) is not an active user")
    if not {str(r) for r in actor.roles} & roles_for(action, facts):
        check(action, state=None, actor_roles=actor.roles, actor_grade=actor.grade, facts=facts)


def _signatory(kind: LetterKind, facts: SignatoryFacts | None, on_list: bool | None = None):
    """Who signs; for a Ministerial letter None until ``on_list`` (the Member on the Home Secretary's
    list, read in the transaction) is known: the list, not the caller, says it [CORR 1.8]."""
    if facts is not None and not isinstance(facts, SignatoryFacts):
        raise ValidationError("signatory: give the facts that decide who signs (SignatoryFacts)")
    if facts is None:
        return select_signatory(SignatoryFacts(kind=kind)) if kind is LetterKind.OFFICIAL else None
    if facts.kind is not kind:
        raise ValidationError(f"signatory: the facts are for a {facts.kind.value} letter, not {kind.value}")
    if kind is LetterKind.MINISTERIAL and on_list is None:
        return None
    return select_signatory(replace(facts, on_home_secretary_list=bool(on_list)))


def _ho_reference(text: str) -> str:
    value = normalise_reference(clean_text(text, field="Home Office reference", max_length=40))
    if value and not set(value) <= _HO_REF_CHARS:
        raise ValidationError("a Home Office reference has only letters, digits, '/' and '-'")
    return value


def _pdf(data: bytes | None, filename: str, *, field: str) -> str:
    return check_pdf(data, filename, field=field)


def _file_stem(reference: str) -> str:
    return reference.replace("/", "-")


def _escalation_text(c: Case, units: list[str]) -> str:
    lines = [
        f"CTS {c.letter.cts_reference} ({LetterKind(c.letter.kind).value}) has been rejected by "
        f"{len(units)} drafting units: {', '.join(units)}.",
        "",
        "The reasons given:",
    ]
    for r in c.rejections:
        suggested = f" (suggested unit: {r.suggested_unit_code})" if r.suggested_unit_code else ""
        lines.append(f"- {r.unit_code}: {r.reason}{suggested}")
    lines += ["", "Please agree between you which unit takes the case and tell MPCS. If none accepts it, the "
                  "Head of MPCS will enforce it on a unit [CORR 1.4]."]
    return "\n".join(lines)
