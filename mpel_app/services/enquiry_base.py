"""What every enquiry use case shares: load under a version check, audit, move through the flow,
and dispatch to a region with the call note in the outbox, all in one transaction.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Callable

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ..db import repositories as repo
from ..db.mappers import enquiry_record
from ..db.models import Enquiry, Region
from ..db.uow import PERSON_LOGIN, UnitOfWork
from ..domain import permissions as perm
from ..domain.calendar import LONDON, REGION_CODES, REGION_NATION
from ..domain.call_note import call_note_body, call_note_subject
from ..domain.clock import Clock
from ..domain.enquiry_flow import Step, next_status
from ..domain.errors import InvalidTransition, NotFound, PasscodeRequired, PermissionDenied, ValidationError
from ..domain.records import EnquiryRecord, EnquiryStatus, UserRecord
from ..domain.targets import regional_response_due
from ..domain.values import is_row_id
from ..domain.written_confirmation import (KIND as CONFIRMATION_KIND, can_be_emailed, confirmation_body,
                                          confirmation_subject)
from ..notify.attachments import CALL_RECORD, LaterAttachment
from ..notify.outbox import enqueue
from ..reports.call_record import call_record_page
from . import actor_check, audit, conflicts

ENTITY = "enquiry"
conflicts.track(Enquiry, ENTITY)


class EnquiryUseCases:
    def __init__(self, uow: UnitOfWork, clock: Clock):
        self._uow = uow
        self._clock = clock

    def _today(self) -> date:
        return self._clock.now().astimezone(LONDON).date()

    def _change(self, actor: UserRecord, enquiry_id: int, change: Callable[[Session, Enquiry], Any],
                expected_version: int | None = None) -> EnquiryRecord:
        """Run ``change`` on the locked enquiry in one transaction.

        With ``expected_version`` (the version the person loaded), a record
        saved by anyone since is refused with ``StaleRecord`` naming who
        changed what (services/conflicts.py), and nothing is written.

        The whole record goes back to the caller, so a call that changed
        nothing (acknowledged again, the file-needed flag set as it was, a
        passcode given on a call already verified) is audited as a view of
        it: no personal data leaves without a row on the trail.
        """
        with self._uow() as s:
            e = self._lock(s, enquiry_id)
            actor_check.require_signed_in_as(s, actor)
            _require_database_allows(s, e)
            if expected_version is not None and e.version != expected_version:
                raise conflicts.stale_record(s, ENTITY, e.id, e.reference, expected_version,
                                             withhold=e.passcode_verified_at is None)
            change(s, e)
            s.flush()
            if not audit.audited(s, ENTITY, e.id):
                return self._viewed(s, actor, e)
            return self._record(s, e)

    def _lock(self, s: Session, enquiry_id: int) -> Enquiry:
        """The enquiry, its row locked until commit on PostgreSQL (SQLite's writer already holds the lock).

        A second desk changing the same enquiry waits here and then sees the
        first one's change: its version check, or the flow's rules, refuse it
        with a reason, instead of a bare failure when the UPDATE finds the
        version moved.  Locking the id alone: PostgreSQL refuses FOR UPDATE
        over the outer joins of the eager relationships.
        """
        # FOR NO KEY UPDATE (key_share): the lock an UPDATE takes anyway, so rows that merely refer to the
        # enquiry (its name tokens, urgent contacts) can still be written by others meanwhile.
        if not is_row_id(enquiry_id) or s.scalar(
                select(Enquiry.id).where(Enquiry.id == enquiry_id).with_for_update(key_share=True)) is None:
            raise NotFound(f"no enquiry with id {enquiry_id}")
        return self._load(s, enquiry_id)

    def _load(self, s: Session, enquiry_id: int, *, include_deleted: bool = False) -> Enquiry:
        # An id no row can have (text, a number past 64 bits) is simply not found.
        e = s.get(Enquiry, enquiry_id) if is_row_id(enquiry_id) else None
        if e is None or (e.deleted_at is not None and not include_deleted):
            raise NotFound(f"no enquiry with id {enquiry_id}")
        return e

    def _record(self, s: Session, e: Enquiry) -> EnquiryRecord:
        s.flush()
        s.refresh(e)
        return enquiry_record(e)

    def _viewed(self, s: Session, actor: UserRecord, e: Enquiry, *, just_loaded: bool = False) -> EnquiryRecord:
        """The record for ``actor`` to read, and in the same (writing) transaction the one audit row
        saying which of the subject's personal data they were shown (services/audit.py).

        ``just_loaded``: ``e`` was read in this transaction and nothing changed it, so it is read as it is,
        not loaded a second time (opening a record: one statement fewer, issue 16)."""
        record = enquiry_record(e) if just_loaded else self._record(s, e)
        audit.record_view(s, actor, self._clock.now(), ENTITY, e.id, audit.enquiry_shown(record),
                          withheld="" if record.passcode_verified else "passcode not verified")
        return record

    def _audit(self, s: Session, actor: UserRecord, e: Enquiry, action: str, changes: dict | None = None) -> None:
        audit.record(s, actor, self._clock.now(), ENTITY, e.id, action, changes)

    def _move(self, s: Session, actor: UserRecord, e: Enquiry, step: Step, changes: dict | None = None) -> None:
        target = next_status(EnquiryStatus(e.status), step)
        before = e.status
        e.status = target.value
        self._audit(s, actor, e, step.value, {"status": [before, target.value], **(changes or {})})

    @staticmethod
    def _require_status(e: Enquiry, allowed: set[EnquiryStatus] | frozenset[EnquiryStatus], doing: str) -> None:
        if EnquiryStatus(e.status) not in allowed:
            raise InvalidTransition(f"cannot {doing}: {e.reference} is {e.status.replace('_', ' ')}")

    @staticmethod
    def _require_unlocked(e: Enquiry) -> None:
        if e.passcode_verified_at is None:
            raise PasscodeRequired("verify the MP office's passcode before taking the enquiry")

    @staticmethod
    def _require_region(actor: UserRecord, e: Enquiry) -> None:
        if not perm.may_work_region(actor, e.region_code):
            raise PermissionDenied(f"{actor.full_name} may not work {e.reference} ({e.region_code or 'no region'})")

    def _set_due(self, s: Session, e: Enquiry) -> None:
        # No autoflush: the change under way is written in one UPDATE at the end, not one per read (issue 16).
        with s.no_autoflush:
            closures = repo.closures_for(s, REGION_NATION[e.region_code])
        e.due_date = regional_response_due(e.received_at, e.region_code, e.file_needed, closures, channel=e.channel)

    def _dispatch(self, s: Session, actor: UserRecord, e: Enquiry, region_code: str) -> None:
        """Hand the enquiry to a region: due date from receipt at MPEL, call note to the regional inbox."""
        with s.no_autoflush:  # the status just moved is written with the rest below, in one UPDATE
            region = s.get(Region, region_code)
        e.region_code = region_code
        e.sent_to_region_at = self._clock.now()
        e.acknowledged_at = e.acknowledged_by_id = None
        self._set_due(s, e)
        s.flush()
        record = enquiry_record(e)
        trail = audit.trail(s, ENTITY, e.id)
        # The call record as it is now, sent with the note: its facts are stored with the message in this
        # transaction and the PDF is made when the mail is built (notify/attachments.py), not while the desk waits.
        page = call_record_page(record, audit=trail, printed_by=actor.full_name, printed_at=self._clock.now(),
                                region_name=region.name)
        message = enqueue(
            s, clock=self._clock, kind="call_note", entity=ENTITY, entity_id=e.id,
            to_address=region.inbox_address, to_name=region.inbox_name,
            subject=call_note_subject(e.reference, imminent_removal=e.imminent_removal,
                                      compassionate=e.compassionate, removal_at=e.removal_at),
            body_text=call_note_body(record, region_name=region.name, removal_at=e.removal_at,
                                     imminent_removal=e.imminent_removal, compassionate=e.compassionate),
            attachment=LaterAttachment(f"{e.reference}-call-record.pdf", "application/pdf", CALL_RECORD,
                                       page.to_json()),
        )
        self._audit(s, actor, e, "call note queued", {"to": region.inbox_name, "message_id": message.message_id})

    def _confirm_in_writing(self, s: Session, actor: UserRecord, e: Enquiry, outcome: str, *,
                            required: bool = True, region_name: str = "") -> bool:
        """The written confirmation the office asked for on the call (``domain.written_confirmation``), to its
        e-mail through the outbox, recorded: in the same transaction as the step that finished the call, so
        nothing is sent that was not saved and nothing saved is left unsent.

        With no e-mail address for the office, a ``required`` confirmation (answered at first contact: it is
        all the call produces) refuses the step; otherwise (a case handed on to the team leader or a region
        must not wait for it) the trail records that it was not queued, and the screen says to send a letter
        by hand.  True when queued.
        """
        member = e.member
        if member is None or not can_be_emailed(member.office_email):
            who = f"{member.name}'s office" if member is not None else "The member's office"
            if required:
                raise ValidationError(f"written confirmation was requested but {who} has no e-mail address on "
                                      "record: add it (Administration, Members) or untick it and send a letter "
                                      "by hand")
            self._audit(s, actor, e, "written confirmation not queued",
                        {"reason": f"{who} has no e-mail address on record: send a letter by hand"})
            return False
        s.flush()
        record = enquiry_record(e)
        message = enqueue(s, clock=self._clock, kind=CONFIRMATION_KIND, entity=ENTITY, entity_id=e.id,
                          to_address=member.office_email, to_name=f"{record.member.display_name}'s office",
                          subject=confirmation_subject(record),
                          body_text=confirmation_body(record, agent_name=actor.full_name, outcome=outcome,
                                                      region_name=region_name))
        self._audit(s, actor, e, "written confirmation queued",
                    {"to": member.office_email, "message_id": message.message_id, "outcome": outcome})
        return True


def region_code_of(value: str | None) -> str:
    code = value.strip().upper() if isinstance(value, str) else ""
    if code not in REGION_CODES:
        raise ValidationError(f"choose a region: one of {', '.join(REGION_CODES)}")
    return code


def region_code_or_default(value: str | None, e: Enquiry) -> str:
    """The region chosen, or by default the member's constituency region."""
    return region_code_of(value or (e.member.region_code if e.member else None))


def _require_database_allows(s: Session, e: Enquiry) -> None:
    """On a person's own login, an item the row policy keeps from them (another region's) is refused as such,
    not left for the UPDATE to find nothing and be taken for someone else's change (``StaleRecord``)."""
    if s.info.get(PERSON_LOGIN) and not s.scalar(text("SELECT mpel_works_region(:region, :creator)"),
                                                  {"region": e.region_code, "creator": e.created_by_id}):
        raise PermissionDenied(f"{e.reference} belongs to the {e.region_code} region: the database lets your "
                               "login change only your own region's items")
