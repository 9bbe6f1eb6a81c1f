"""Registering an MP's letter on CTS (MPCS) [CORR 1.3]: the reference, the scan, the special cases told at once."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...db import repositories as repo
from ...db.models import Letter, LetterHandler, Member, User
from ...domain.calendar import LONDON
from ...domain.correspondence import (
    agency_staff_handling, LetterFacts, LetterKind, SignatoryFacts, check, ophso_deadline, select_signatory)
from ...domain.errors import ValidationError
from ...domain.letter_records import DocumentKind, LetterRecord
from ...domain.records import UserRecord
from ...domain.references import CtsReference
from ...domain.text import clean_text, fold, normalise_reference
from ...domain.values import as_date, as_flag, as_instant, is_row_id
from ..home_secretary_list import on_list
from .base import LetterUseCases, check_pdf
from .groups import is_mp, link_reference
from .lifecycle_common import ACTIONS_LABEL, MAX_TEXT, A, file_stem, letter_kind, require_role
from .staff import active_user_named


class LetterRegistration(LetterUseCases):
    """MPCS registers a letter."""

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
        kind_of = letter_kind(kind)
        facts = LetterFacts(kind=kind_of, ophso=ophso)
        require_role(actor, A.REGISTER, facts)
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
        chosen = _signatory(kind_of, signatory)
        scan_name = check_pdf(scanned_pdf, scanned_filename, field="scanned_letter") if scanned_pdf is not None else ""
        with self._uow() as s:
            member = s.get(Member, member_id) if is_row_id(member_id) else None
            if member is None or not member.active:
                raise ValidationError("correspondent: choose a Member from the list")
            if signatory is not None and kind_of is LetterKind.MINISTERIAL:
                # The Home Secretary's list is data an administrator keeps, not the form's say [CORR 1.8].
                chosen = _signatory(kind_of, signatory, on_list(s, member.id))
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
            letter_code = "M" if kind_of is LetterKind.MINISTERIAL else "B"
            sequence = repo.reserve_cts_number(s, letter_code, year)
            if sequence > MAX_SEQUENCE:
                raise ValidationError(f"CTS references for {letter_code}…/{year % 100:02d} have run out")
            reference = str(CtsReference(kind_of.value, sequence, year % 100))
            target = check(A.REGISTER, state=None, actor_roles=actor.roles, actor_grade=actor.grade, facts=facts,
                           fields={"reference": reference, "correspondent": member.name,
                                   "scanned_letter": scan_name})
            calendar = self._calendar(s, None)
            letter = Letter(
                cts_reference=reference, kind=kind_of.value, sequence=sequence, year=year, state=target.value,
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
                                   scan_name or f"{file_stem(reference)}-scan.pdf", "application/pdf", scanned_pdf)
            self._audit(s, actor, letter, ACTIONS_LABEL[A.REGISTER], {
                "state": [None, target.value], "reference": reference, "kind": kind_of.value,
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


_HO_REF_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-")
MAX_SEQUENCE = 99_999  # five digits on the reference
# Letters are registered within days of arriving; a date more than a year back is a typing slip.
LATEST_REGISTRATION = timedelta(days=366)


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

