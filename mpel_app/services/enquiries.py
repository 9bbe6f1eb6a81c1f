"""Use cases of the enquiry log: log a call behind the passcode gate, filter, send to region, respond, find, delete.

Every method takes the acting user first, checks permissions here (not only
in the UI), writes the audit trail in the same transaction as the change and
returns immutable records.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db import pg_secrets, repositories as repo
from ..db.mappers import enquiry_record
from ..db.name_search import subject_name_summaries
from ..db.models import Enquiry, Member, PasscodeFailure, Region, User
from ..domain import office_passcode, passcode_gate
from ..domain import permissions as perm
from ..domain.audit_actions import PRINTED
from ..domain.calendar import HOTLINE_PREFIX, LONDON, REGION_CODES
from ..domain.disclosure import check_answer
from ..domain.written_confirmation import ANSWERED, FURTHER_ACTION
from ..domain.enquiry_flow import EDITABLE, MAX_PASSCODE_ATTEMPTS, Step
from ..domain.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from ..domain.permissions import Action
from ..domain.records import (AuditEntry, CallerKind, Channel, Disclosure, EnquiryRecord, EnquiryStatus,
                              EnquirySummary, Role, SearchKey, SubjectDetails, UserRecord)
from ..domain.references import parse_cts_reference, parse_hotline_reference
from ..domain.text import clean_name, clean_text, fold, normalise_reference
from ..domain.values import as_choice, as_date, as_flag, as_limit, is_row_id
from . import actor_check, audit
from .enquiry_base import ENTITY, region_code_of, region_code_or_default
from .enquiry_queues import QUEUE_PAGE_SIZE, EnquiryQueues  # noqa: F401 (the page size, for the views)
from .security import hash_passcode, passcode_hash_too_costly, verify_secret

WITHHELD = audit.WITHHELD
PERSONAL_FIELDS = frozenset(audit.ENQUIRY_PERSONAL_FIELDS)  # one list of the subject's personal data
MAX_TEXT = 10_000
MIN_DELETION_REASON = 5
_HO_REF_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-")


class EnquiryService(EnquiryQueues):

    # ----------------------------------------------------------------- logging

    def start(self, actor: UserRecord, channel: Channel | str, *, prefix: str | None = None) -> EnquiryRecord:
        """Open a new enquiry; its reference is issued at once."""
        perm.require(actor, Action.LOG_ENQUIRY)
        channel = _channel(channel)
        prefix = self._prefix_for(actor, prefix)
        with self._uow() as s:
            # Whatever needs no number comes first: the prefix's counter row stays locked from the
            # reservation to the commit, and every desk logging under the prefix queues on it.  So the
            # creator is read before, and the record is built from the row just written, not read back.
            enquiry = Enquiry(channel=channel.value, status=EnquiryStatus.OPEN.value, received_at=self._clock.now(),
                              created_by=s.get(User, actor.id), passcode_failures=0)
            number = repo.next_reference_number(s, prefix)
            enquiry.reference = f"{prefix}{number:06d}"
            s.add(enquiry)
            s.flush()
            self._audit(s, actor, enquiry, "logged", {"reference": enquiry.reference, "channel": channel.value})
            return enquiry_record(enquiry)

    def set_caller(self, actor: UserRecord, enquiry_id: int, *, member_id: int, caller_kind: CallerKind | str,
                   caller_name: str = "") -> EnquiryRecord:
        perm.require(actor, Action.LOG_ENQUIRY)
        kind = as_choice(caller_kind, CallerKind, field="Caller kind")
        name = clean_name(caller_name, field="Caller name", max_length=120)
        if kind is CallerKind.CASEWORKER and not name:
            raise ValidationError("give the caseworker's name")

        def change(s: Session, e: Enquiry) -> None:
            self._require_status(e, {EnquiryStatus.OPEN}, "change the caller")
            member = s.get(Member, member_id) if is_row_id(member_id) else None
            if member is None or not member.active:
                raise ValidationError("choose a member from the list")
            before = {"member_id": e.member_id, "caller_kind": e.caller_kind, "caller_name": e.caller_name}
            if e.member_id not in (None, member_id) and e.passcode_verified_at is not None:
                # The passcode belongs to one office: another member means checking again.
                e.passcode_verified_at = None
                before["passcode_verified"] = True
            e.member_id, e.caller_kind, e.caller_name = member_id, kind.value, name
            e.member = member
            after = {"member_id": member_id, "caller_kind": kind.value, "caller_name": name}
            if "passcode_verified" in before:
                after["passcode_verified"] = False
            self._audit(s, actor, e, "caller set", audit.diff(before, after))

        return self._change(actor, enquiry_id, change)

    def verify_passcode(self, actor: UserRecord, enquiry_id: int, passcode: str) -> EnquiryRecord:
        """Check the passcode the caller gave against their member's office; count failures, per call and
        per office across calls (domain.office_passcode), and log every attempt, refused ones too."""
        perm.require(actor, Action.LOG_ENQUIRY)
        passcode = clean_text(passcode, field="Passcode", max_length=64)

        def refuse_logged(s: Session, e: Enquiry, action: str, message: str) -> None:
            # The attempt is kept though the call is refused: committed before the refusal rolls back.
            self._audit(s, actor, e, action, {"member_id": e.member_id})
            s.commit()
            raise InvalidTransition(message)

        def change(s: Session, e: Enquiry) -> None:
            self._require_status(e, {EnquiryStatus.OPEN}, "check a passcode")
            if e.member is None:
                raise ValidationError("choose the member before checking the passcode")
            if e.passcode_verified_at is not None:
                return  # nothing to check: the record goes back audited as a view (_change)
            if e.passcode_failures >= MAX_PASSCODE_ATTEMPTS:
                refuse_logged(s, e, "passcode attempt after the call was locked",
                              f"{MAX_PASSCODE_ATTEMPTS} wrong passcodes: no information may be given on this call")
            now = self._clock.now()
            # The office's row locked (PostgreSQL; SQLite's writer holds the lock): desks counting the same
            # office's failures at once queue here, so the limit is never overshot.
            # populate_existing: the member was loaded with the enquiry, before the lock; read it again under it.
            member = s.scalar(select(Member).where(Member.id == e.member_id).with_for_update()
                              .execution_options(populate_existing=True))
            if member.passcode_locked_at is not None:
                refuse_logged(s, e, "passcode attempt while the office is locked",
                              office_passcode.locked_message(member.name))
            if self._passcode_right(s, e, member, passcode, now):
                e.passcode_verified_at = now
                # Verified again after another member was chosen, the details typed before show again.
                shown = audit.enquiry_shown(enquiry_record(e))
                self._audit(s, actor, e, "passcode verified",
                            {"member_id": e.member_id, **({"shown": shown} if shown else {})})
                return
            if not self._uow.person_login:  # else the database counted it (db/pg_secrets.py)
                e.passcode_failures += 1
                s.add(PasscodeFailure(member_id=member.id, enquiry_id=e.id, user_id=actor.id, at=now))
            s.flush()
            office_failures = s.scalar(select(func.count()).select_from(PasscodeFailure).where(
                PasscodeFailure.member_id == member.id,
                PasscodeFailure.at > office_passcode.counting_from(now, member.passcode_cleared_at)))
            self._audit(s, actor, e, "passcode failed", {"member_id": e.member_id, "failures": e.passcode_failures,
                                                         "office_failures": office_failures})
            if office_passcode.office_locks(office_failures):
                member.passcode_locked_at = now
                audit.record(s, actor, now, "member", member.id, "passcode locked after repeated wrong passcodes",
                             {"office_failures": office_failures, "enquiry_reference": e.reference})

        return self._change(actor, enquiry_id, change)

    def _passcode_right(self, s: Session, e: Enquiry, member: Member, passcode: str, now) -> bool:
        """Whether the passcode is the office's: checked here (argon2), or on a person's own PostgreSQL login by
        the database, which alone may mark the record verified and counts a wrong one itself (db/pg_secrets.py)."""
        if not self._uow.person_login:
            right = verify_secret(member.passcode_hash, passcode)
            if right and passcode_hash_too_costly(member.passcode_hash):
                member.passcode_hash = hash_passcode(passcode)  # the same passcode, at the passcodes' cost
            return right
        s.flush()
        right = s.scalar(pg_secrets.check_passcode_statement(), {"enquiry": e.id, "passcode": passcode, "at": now})
        if right is None:
            raise InvalidTransition(f"the passcode of {member.name}'s office was set before this database checked "
                                    "passcodes itself: the MPEL team leader must set it again")
        s.refresh(e)  # what the database wrote: the verification or the count, and the version
        return right

    def record_disclosure(self, actor: UserRecord, enquiry_id: int, checks: Disclosure) -> EnquiryRecord:
        perm.require(actor, Action.LOG_ENQUIRY)
        if not isinstance(checks, Disclosure):
            raise ValidationError("disclosure checks: give the checks made (a Disclosure)")
        for name, value in vars(checks).items():
            as_flag(value, field=f"disclosure check {name.replace('_', ' ')}")

        def change(s: Session, e: Enquiry) -> None:
            self._require_unlocked(e)
            self._require_status(e, EDITABLE, "record the disclosure checks")
            before = _disclosure(e)
            e.constituency_mp = checks.constituency_mp
            e.authorised_representative = checks.authorised_representative
            e.third_party = checks.third_party
            e.identity_confirmed = checks.identity_confirmed
            e.personal_information = checks.personal_information
            e.limited_facts_only = checks.limited_facts_only
            changes = audit.diff(before, _disclosure(e))
            if changes:
                self._audit(s, actor, e, "disclosure checks recorded", changes)

        return self._change(actor, enquiry_id, change)

    def update_details(self, actor: UserRecord, enquiry_id: int, *, subject: SubjectDetails, question: str,
                       answer: str, written_confirmation: bool, expected_version: int | None = None) -> EnquiryRecord:
        """Record the subject, the question and the answer given (only once the passcode is verified)."""
        perm.require(actor, Action.LOG_ENQUIRY)
        values = _validated_details(subject, question, answer, self._today())
        values["written_confirmation"] = as_flag(written_confirmation, field="Written confirmation")

        def change(s: Session, e: Enquiry) -> None:
            self._require_unlocked(e)
            self._require_status(e, EDITABLE, "edit the details")
            before = _details(e)
            for key, value in values.items():
                setattr(e, key, value)
            e.nationality_folded = fold(e.nationality)
            changes = audit.diff(before, _details(e))
            if "subject_name" in changes:
                s.flush()
                repo.replace_name_tokens(s, e)
            if changes:
                self._audit(s, actor, e, "details updated", changes)

        return self._change(actor, enquiry_id, change, expected_version)

    def complete_first_contact(self, actor: UserRecord, enquiry_id: int) -> EnquiryRecord:
        perm.require(actor, Action.LOG_ENQUIRY)

        def change(s: Session, e: Enquiry) -> None:
            self._require_unlocked(e)
            if not e.question.strip() or not e.answer.strip():
                raise ValidationError("write up the question and the answer given before completing")
            # Answered at first contact means something was said: only what this caller may hear (§5).
            check_answer(_checks(e))
            self._move(s, actor, e, Step.COMPLETE_FIRST_CONTACT)
            e.completed_at, e.completed_by_id = self._clock.now(), actor.id
            if e.written_confirmation:
                self._confirm_in_writing(s, actor, e, ANSWERED)

        return self._change(actor, enquiry_id, change)

    def mark_further_action(self, actor: UserRecord, enquiry_id: int) -> EnquiryRecord:
        perm.require(actor, Action.LOG_ENQUIRY)

        def change(s: Session, e: Enquiry) -> None:
            self._require_unlocked(e)
            if not e.question.strip():
                raise ValidationError("write up the question before passing the case on")
            self._move(s, actor, e, Step.FURTHER_ACTION)
            if e.written_confirmation:  # handing the case on never waits for an office's e-mail address
                self._confirm_in_writing(s, actor, e, FURTHER_ACTION, required=False)

        return self._change(actor, enquiry_id, change)

    def refuse(self, actor: UserRecord, enquiry_id: int, reason: str) -> EnquiryRecord:
        """Close a call at the passcode gate: nothing was disclosed and nothing personal recorded."""
        perm.require(actor, Action.LOG_ENQUIRY)
        reason = clean_text(reason, field="Reason", max_length=500)
        if not reason:
            raise ValidationError("give a reason for closing the call")

        def change(s: Session, e: Enquiry) -> None:
            if e.passcode_verified_at is not None:
                raise InvalidTransition("the passcode was verified: complete the call or pass it on instead")
            self._move(s, actor, e, Step.REFUSE, {"reason": reason})
            e.answer = reason
            e.completed_at, e.completed_by_id = self._clock.now(), actor.id

        return self._change(actor, enquiry_id, change)

    # --------------------------------------------------- MPEL team leader filter

    def leader_answer(self, actor: UserRecord, enquiry_id: int, answer: str) -> EnquiryRecord:
        perm.require(actor, Action.FILTER_FURTHER_ACTION)
        answer = clean_text(answer, field="Answer", max_length=MAX_TEXT, multiline=True)
        if not answer:
            raise ValidationError("write the answer given")

        def change(s: Session, e: Enquiry) -> None:
            self._move(s, actor, e, Step.ANSWER_BY_LEADER, {"answer": [e.answer, answer]})
            e.answer = answer
            e.completed_at, e.completed_by_id = self._clock.now(), actor.id

        return self._change(actor, enquiry_id, change)

    def send_to_region(self, actor: UserRecord, enquiry_id: int, region_code: str | None = None) -> EnquiryRecord:
        """Send a Further Action Case to a region; the member's constituency decides the default."""
        perm.require(actor, Action.FILTER_FURTHER_ACTION)

        def change(s: Session, e: Enquiry) -> None:
            code = region_code_or_default(region_code, e)
            self._move(s, actor, e, Step.SEND_TO_REGION, {"region_code": code})
            self._dispatch(s, actor, e, code)

        return self._change(actor, enquiry_id, change)

    def change_region(self, actor: UserRecord, enquiry_id: int, region_code: str) -> EnquiryRecord:
        perm.require(actor, Action.FILTER_FURTHER_ACTION)
        code = region_code_of(region_code)

        def change(s: Session, e: Enquiry) -> None:
            self._move(s, actor, e, Step.CHANGE_REGION, {"region_code": [e.region_code, code]})
            e.region_code = code
            e.acknowledged_at = e.acknowledged_by_id = None
            self._set_due(s, e)

        return self._change(actor, enquiry_id, change)

    # ------------------------------------------------------------ regional team

    def acknowledge(self, actor: UserRecord, enquiry_id: int) -> EnquiryRecord:
        def change(s: Session, e: Enquiry) -> None:
            self._require_region(actor, e)
            self._require_status(e, {EnquiryStatus.WITH_REGION}, "acknowledge")
            if e.acknowledged_at is None:
                e.acknowledged_at, e.acknowledged_by_id = self._clock.now(), actor.id
                self._audit(s, actor, e, "acknowledged", {"acknowledged_at": e.acknowledged_at})
            elif e.acknowledged_by_id != actor.id:
                # Two account managers at once: the second waited on the row lock and must hear that it
                # lost, not that it succeeded, or both think they are the one the MP's office will hear from.
                who = e.acknowledged_by.full_name if e.acknowledged_by else "someone else"
                raise InvalidTransition(f"{e.reference} was acknowledged already, by {who} at "
                                        f"{e.acknowledged_at.astimezone(LONDON):%H:%M on %d %b %Y}")

        return self._change(actor, enquiry_id, change)

    def set_file_needed(self, actor: UserRecord, enquiry_id: int, needed: bool) -> EnquiryRecord:
        """Recording that the file is needed moves the target from 5 to 10 working days."""
        needed = as_flag(needed, field="File needed")

        def change(s: Session, e: Enquiry) -> None:
            self._require_region(actor, e)
            self._require_status(e, {EnquiryStatus.WITH_REGION}, "change whether the file is needed")
            if e.file_needed != needed:
                before = {"file_needed": e.file_needed, "due_date": e.due_date}
                e.file_needed = needed
                self._set_due(s, e)
                self._audit(s, actor, e, "file needed changed",
                            audit.diff(before, {"file_needed": needed, "due_date": e.due_date}))

        return self._change(actor, enquiry_id, change)

    def complete_with_response(self, actor: UserRecord, enquiry_id: int, response: str) -> EnquiryRecord:
        response = clean_text(response, field="Response", max_length=MAX_TEXT, multiline=True)
        if not response:
            raise ValidationError("write up the response given to the MP's office")

        def change(s: Session, e: Enquiry) -> None:
            self._require_region(actor, e)
            self._move(s, actor, e, Step.RECORD_RESPONSE, {"response": response})
            e.response = response
            e.completed_at, e.completed_by_id = self._clock.now(), actor.id
            if e.acknowledged_at is None:
                e.acknowledged_at, e.acknowledged_by_id = e.completed_at, actor.id

        return self._change(actor, enquiry_id, change)

    # ------------------------------------------------------------- find & view

    def get(self, actor: UserRecord, enquiry_id: int) -> EnquiryRecord:
        """Open the record: audited as a view of what it shows, in the same transaction.

        A writing transaction (on SQLite BEGIN IMMEDIATE, the write lock for
        the few milliseconds of one read and one insert): a read-only one
        upgraded to write at the insert could fail at once with SQLITE_BUSY
        when another desk wrote meanwhile, where the lock taken up front waits.
        """
        perm.require(actor, Action.FIND_ENQUIRY)
        with self._uow() as s:
            return self._viewed(s, actor, self._load(s, enquiry_id), just_loaded=True)

    def get_if_changed(self, actor: UserRecord, enquiry_id: int, known_version: int) -> EnquiryRecord | None:
        """The record again if it changed since ``known_version``, else None.

        For a list refreshing itself while a record stays selected: showing the
        same data again is not a new view, so nothing is audited (and nothing
        written) unless there is something new to show; then it is a view.
        """
        perm.require(actor, Action.FIND_ENQUIRY)
        if not is_row_id(enquiry_id):
            return self.get(actor, enquiry_id)  # says "not found"
        with actor_check.read(self._uow, actor) as s:
            version = s.scalar(select(Enquiry.version).where(Enquiry.id == enquiry_id,
                                                             Enquiry.deleted_at.is_(None)))
        if version is not None and version == known_version:
            return None
        return self.get(actor, enquiry_id)

    def get_by_reference(self, actor: UserRecord, reference: str) -> EnquiryRecord:
        perm.require(actor, Action.FIND_ENQUIRY)
        ref = str(parse_hotline_reference(reference))  # malformed: ValidationError saying what is wrong
        with self._uow() as s:
            e = s.scalar(select(Enquiry).where(Enquiry.reference == ref, Enquiry.deleted_at.is_(None)))
            if e is None:
                raise NotFound(f"no enquiry {ref}")
            return self._viewed(s, actor, e)

    def header(self, actor: UserRecord, enquiry_id: int) -> EnquiryRecord:
        """The record without the subject's personal data or the case text (reference, status, dates),
        for a status line or a list: no view of personal data, so nothing to audit."""
        perm.require(actor, Action.FIND_ENQUIRY)
        with actor_check.read(self._uow, actor) as s:
            record = self._record(s, self._load(s, enquiry_id))
        return replace(record, subject=None, question=None, answer=None, response=None)

    def find(self, actor: UserRecord, key: SearchKey | str, text: str,
             limit: int = repo.SEARCH_LIMIT) -> list[EnquirySummary]:
        """Find records by one of the five keys; deleted records never show.

        A search discloses (names, nationalities, references): the passcode gate
        decides what each result may show (domain.passcode_gate), and the search is
        audited (who, by what, the text typed kept as a personal value, how many
        records were shown) before its results leave the service.
        """
        perm.require(actor, Action.FIND_ENQUIRY)
        key = as_choice(key, SearchKey, field="Search by")
        text = clean_text(text, field="Search text", max_length=200)
        limit = as_limit(limit, field="Number of results", maximum=repo.SEARCH_LIMIT)
        invalid: ValidationError | None = None
        # A mistyped reference is told what is wrong with it, rather than "no records found".
        if key is SearchKey.REFERENCE:
            try:
                text = str(parse_hotline_reference(text))
            except ValidationError as exc:
                invalid = exc  # an invalid reference the legacy Access database held ('TBC', 'MPH12345') is still found
        elif key is SearchKey.CTS_REFERENCE and text:
            text = str(parse_cts_reference(text))
        # One connection for the whole search (issue 16): the rows with whether each is locked, then the
        # audit row, committed before the results leave the service.
        with actor_check.reading(self._uow, actor) as conn:
            if key is SearchKey.SUBJECT_NAME:
                found = subject_name_summaries(conn, text, limit, repo.search_results)
            else:
                query = repo.search_query(key, text, limit, masked=self._uow.person_login)
                found = repo.search_results(conn, *query) if query is not None else []
            if invalid is not None and not found:
                raise invalid
            shown = [r for r in (passcode_gate.search_result(actor, key, f, not locked) for f, locked in found) if r]
            audit.record_search_read(conn, actor, self._clock.now(), ENTITY, key.value, text, shown)
        return shown

    def audit_trail(self, actor: UserRecord, enquiry_id: int) -> list[AuditEntry]:
        """The record's history; personal values are withheld unless the passcode gate lets ``actor`` see them,
        and shown ones are audited (who saw which personal values of it) in the same transaction."""
        perm.require(actor, Action.VIEW_AUDIT)
        with self._uow() as s:
            e = self._load(s, enquiry_id, include_deleted=perm.allowed(actor, Action.DELETE_ENQUIRY))
            trail = audit.trail(s, ENTITY, enquiry_id)
            if not passcode_gate.may_see_personal_data(actor, passcode_verified=e.passcode_verified_at is not None):
                # A record can lock again (another member chosen after the details were typed):
                # its history must not give away what the record itself now withholds.
                trail = [replace(t, changes=audit.withhold_personal(t.changes)) for t in trail]
            audit.record_history_view(s, actor, self._clock.now(), ENTITY, e.id, trail,
                                      audit.ENQUIRY_PERSONAL_FIELDS)
        return trail

    def record_printed(self, actor: UserRecord, enquiry_id: int) -> None:
        """Printing takes personal data off the screen: the audit trail says who printed what, when."""
        perm.require(actor, Action.FIND_ENQUIRY)
        with self._uow() as s:
            self._audit(s, actor, self._load(s, enquiry_id), PRINTED)

    def regions(self) -> list[str]:
        with self._uow.read() as s:
            return list(s.scalars(select(Region.code).order_by(Region.code)))

    # ------------------------------------------------------------------ delete

    def delete(self, actor: UserRecord, enquiry_id: int, reason: str) -> EnquiryRecord:
        """Soft delete: hidden from search and queues, kept with its audit trail."""
        perm.require(actor, Action.DELETE_ENQUIRY)
        reason = clean_text(reason, field="Reason for deletion", max_length=500)
        if len(reason) < MIN_DELETION_REASON:
            raise ValidationError("give a reason for deleting the record")

        def change(s: Session, e: Enquiry) -> None:
            e.deleted_at, e.deleted_by_id, e.deletion_reason = self._clock.now(), actor.id, reason
            self._audit(s, actor, e, "deleted", {"reason": reason})

        return self._change(actor, enquiry_id, change)

    # ----------------------------------------------------------------- helpers

    def _prefix_for(self, actor: UserRecord, prefix: str | None) -> str:
        if prefix is None:
            prefix = actor.region_code if (actor.region_code and not perm.allowed(
                actor, Action.FILTER_FURTHER_ACTION) and not actor.has(Role.CALL_AGENT)) else HOTLINE_PREFIX
        prefix = prefix.strip().upper() if isinstance(prefix, str) else repr(prefix)
        if prefix == HOTLINE_PREFIX:
            return prefix
        if prefix not in REGION_CODES:
            raise ValidationError(f"unknown reference prefix {prefix!r}")
        if not perm.may_work_region(actor, prefix):
            raise PermissionDenied(f"{actor.full_name} may not log enquiries for {prefix}")
        return prefix


def _channel(value: Channel | str) -> Channel:
    try:
        return Channel(value)
    except ValueError:
        raise ValidationError(f"channel must be one of {', '.join(c.value for c in Channel)}") from None


def _checks(e: Enquiry) -> Disclosure:
    return Disclosure(**_disclosure(e))


def _disclosure(e: Enquiry) -> dict[str, bool]:
    return {"constituency_mp": e.constituency_mp, "authorised_representative": e.authorised_representative,
            "third_party": e.third_party, "identity_confirmed": e.identity_confirmed,
            "personal_information": bool(e.personal_information), "limited_facts_only": bool(e.limited_facts_only)}


def _details(e: Enquiry) -> dict[str, Any]:
    return {"subject_name": e.subject_name, "subject_dob": e.subject_dob, "nationality": e.nationality,
            "ho_reference": e.ho_reference, "cts_reference": e.cts_reference, "question": e.question,
            "answer": e.answer, "written_confirmation": e.written_confirmation}


def _validated_details(subject: SubjectDetails, question: str, answer: str, today: date) -> dict[str, Any]:
    if not isinstance(subject, SubjectDetails):
        raise ValidationError("subject: give the subject's details (a SubjectDetails)")
    dob = as_date(subject.date_of_birth, field="Date of birth")
    if dob is not None and not (date(1900, 1, 1) <= dob <= today):
        raise ValidationError("date of birth must be between 1 January 1900 and today")
    ho_ref = normalise_reference(clean_text(subject.ho_reference, field="Home Office reference", max_length=40))
    if ho_ref and not set(ho_ref) <= _HO_REF_CHARS:
        raise ValidationError("a Home Office reference has only letters, digits, '/' and '-'")
    cts_text = clean_text(subject.cts_reference, field="CTS reference", max_length=20)
    cts_ref = ""
    if cts_text:
        try:
            cts_ref = str(parse_cts_reference(cts_text))
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
    return {
        "subject_name": clean_name(subject.name, field="Subject name", max_length=200),
        "subject_dob": dob,
        "nationality": clean_text(subject.nationality, field="Nationality", max_length=80),
        "ho_reference": ho_ref,
        "cts_reference": cts_ref,
        "question": clean_text(question, field="Question", max_length=MAX_TEXT, multiline=True),
        "answer": clean_text(answer, field="Answer", max_length=MAX_TEXT, multiline=True),
    }
