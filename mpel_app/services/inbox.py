"""Taking messages from the central inbox into the desk, exactly once.

The intake (inbox/intake.py) hands each message it finds here with where it
was found (mailbox, UIDVALIDITY, UID); ``take_in`` decides in ONE transaction
what it is and records it, and only after that commit does the intake move
the message to its folder and call ``filed``.  So:

* a message is known by its delivery (mailbox, UIDVALIDITY, UID) and by its
  content (``content_hash``, which covers the Message-ID): a crash between the
  commit and the move leaves a delivery row that is not filed, and the next
  run only moves it (``delivery``); the same message delivered twice becomes
  a second delivery of the same row, never a second enquiry;
* a message that cannot be read is recorded as quarantined, raw bytes kept and
  the reason logged, then moved to "Quarantine"; the desk lists it;
* a message citing the CTS reference of an e-mail enquiry (a reply from the
  region under the off-line procedure, or the MP following up) is checked in
  against that enquiry instead of opening a new one;
* anything else becomes an enquiry (channel e-mail or fax): the sender matched
  to a Member's office by exact address; an e-mail gets a CTS reference in the
  letters' series (``B12345/26``: e-mail enquiries are Official replies).  A
  matched one is allocated to the Member's region at once (a note to the
  regional inbox through the outbox; a fax's image attached).  An unmatched
  one waits in the MPEL team leader's Further Action queue for a person to
  match it: nothing is lost and nothing goes to the wrong office.

The intake acts as the desk's "central inbox" account (``INTAKE_USERNAME``,
inactive: nobody signs in with it), so every row it writes has an author in
the audit trail.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from ..db import repositories as repo
from ..db.mappers import user_record
from ..db.models import (EmailCase, Enquiry, InboxAttachment, InboxDelivery, InboxMessage, Member, Region, Setting,
                         User)
from ..db.uow import UnitOfWork
from ..domain import email_notes
from ..domain.calendar import LONDON, REGION_NATION, region_calendar
from ..domain import permissions as perm
from ..domain.clock import Clock
from ..domain.errors import NotFound, ValidationError
from ..domain.permissions import Action
from ..domain.inbox_rules import (DEFAULT_FAX_GATEWAY, FaxGateway, find_cts_reference, fax_number_digits,
                                  is_fax, match_fax_office, match_office, offices_by_address)
from ..domain.inbox_rules import email_targets
from ..domain.records import Channel, EnquiryStatus, UserRecord
from ..domain.references import CtsReference
from ..domain.targets import regional_response_due
from ..inbox.parse import ParsedMessage, Unreadable, content_hash, parse
from ..notify.outbox import Attachment, enqueue
from . import audit

log = logging.getLogger(__name__)

INTAKE_USERNAME = "central-inbox"
ENTITY = "enquiry"
MESSAGE_ENTITY = "inbox_message"
TAKEN_IN, CHECKED_IN, QUARANTINED = "taken_in", "checked_in", "quarantined"
CREATED, ALREADY, QUARANTINE = "created", "already", "quarantined"
FAX_SENDERS_KEY, FAX_SUBJECT_KEY = "inbox.fax_senders", "inbox.fax_subject_pattern"
MAX_CTS_SEQUENCE = 99_999


@dataclass(frozen=True)
class Folders:
    processed: str = "Processed"
    quarantine: str = "Quarantine"


@dataclass(frozen=True)
class Outcome:
    """What became of one delivery: ``kind`` created / already / quarantined; ``folder`` where to move it."""

    kind: str
    delivery_id: int
    folder: str
    filed: bool = False  # already moved by an earlier run: nothing to do
    reference: str = ""  # the enquiry's hotline reference, when there is one
    cts_reference: str = ""
    reason: str = ""  # why it was quarantined
    checked_in: bool = False  # a reply or follow-up attached to an existing enquiry


@dataclass(frozen=True)
class Directory:
    """Who the Members' offices are, read once per pass: exact address -> member id, fax digits -> member id."""

    by_address: dict[str, int]
    by_fax: dict[str, int]
    gateway: FaxGateway


class InboxService:
    def __init__(self, uow: UnitOfWork, clock: Clock):
        self._uow = uow
        self._clock = clock

    # ------------------------------------------------------------------ set-up for a pass

    def directory(self) -> Directory:
        with self._uow.read() as s:
            rows = s.execute(select(Member.id, Member.office_email, Member.office_fax).where(Member.active)).all()
            senders = s.get(Setting, FAX_SENDERS_KEY)
            pattern = s.get(Setting, FAX_SUBJECT_KEY)
        gateway = (FaxGateway.from_text(senders.value if senders else "", pattern.value if pattern else "")
                   if senders or pattern else DEFAULT_FAX_GATEWAY)
        by_fax = {fax_number_digits(fax): mid for mid, _, fax in rows if fax_number_digits(fax)}
        return Directory(offices_by_address((mid, mail) for mid, mail, _ in rows), by_fax, gateway)

    def intake_actor(self) -> UserRecord:
        """The central inbox's own account (created inactive on first use)."""
        with self._uow() as s:
            user = s.scalar(select(User).where(User.username == INTAKE_USERNAME))
            if user is None:
                user = User(username=INTAKE_USERNAME, full_name="MPEL central inbox", password_hash="!",
                            roles="", active=False, failed_logins=0, created_at=self._clock.now())
                s.add(user)
                s.flush()
                audit.record(s, None, self._clock.now(), "user", user.id, "created",
                             {"username": INTAKE_USERNAME, "why": "the account the IMAP intake writes as"})
            return user_record(user)

    # ------------------------------------------------------------------ one message

    def delivery(self, mailbox: str, uidvalidity: int, uid: int, folders: Folders) -> Outcome | None:
        """What an earlier run recorded for this delivery, or None when it is new."""
        with self._uow.read() as s:
            row = s.execute(select(InboxDelivery, InboxMessage).join(InboxMessage).where(
                InboxDelivery.mailbox == mailbox, InboxDelivery.uidvalidity == uidvalidity,
                InboxDelivery.uid == uid)).first()
            if row is None:
                return None
            return _known(row[0], row[1], folders)

    def take_in(self, actor: UserRecord, mailbox: str, uidvalidity: int, uid: int, raw: bytes,
                directory: Directory, folders: Folders = Folders()) -> Outcome:
        """Record one message (see the module docstring) and say where it is to be filed."""
        try:
            parsed: ParsedMessage | None = parse(raw)
            reason = ""
        except Unreadable as exc:
            parsed, reason = None, str(exc)
        except Exception as exc:  # noqa: BLE001 - the parser choking on odd input is still "unreadable"
            log.warning("inbox: parsing %s UID %s failed", mailbox, uid, exc_info=True)
            parsed, reason = None, f"the message could not be read ({type(exc).__name__}: {exc})"
        digest = parsed.content_hash if parsed else content_hash(raw)
        try:
            with self._uow() as s:
                return self._record(s, actor, mailbox, uidvalidity, uid, raw, parsed, reason, digest, directory,
                                    folders)
        except IntegrityError:
            # Another intake (a second site's `mpel inbox serve`) recorded the same delivery or message at the
            # same moment: its row stands, and this one is what it is for that row.
            known = self.delivery(mailbox, uidvalidity, uid, folders)
            if known is not None:
                return known
            with self._uow() as s:
                return self._record(s, actor, mailbox, uidvalidity, uid, raw, parsed, reason, digest, directory,
                                    folders)
        except OperationalError:
            raise  # the database is unreachable: nothing is recorded and nothing moved; the next pass retries
        except Exception as exc:  # noqa: BLE001 - a message the database refuses must not block the mailbox
            if parsed is None:
                raise
            # Something in this message cannot be stored: quarantine it, whole, rather than fail on it at every
            # pass and hold up everything behind it.
            log.warning("inbox: %s UID %s could not be recorded", mailbox, uid, exc_info=True)
            reason = f"the message could not be recorded ({type(exc).__name__}: {' '.join(str(exc).split())[:300]})"
            with self._uow() as s:
                return self._record(s, actor, mailbox, uidvalidity, uid, raw, None, reason, digest, directory,
                                    folders)

    def deliveries(self, mailbox: str, uidvalidity: int, uids: Iterable[int], folders: Folders) -> dict[int, Outcome]:
        """``delivery`` for a batch of UIDs in one query: the ones an earlier run recorded, by UID."""
        wanted = list(uids)
        if not wanted:
            return {}
        with self._uow.read() as s:
            rows = s.execute(select(InboxDelivery, InboxMessage).join(InboxMessage).where(
                InboxDelivery.mailbox == mailbox, InboxDelivery.uidvalidity == uidvalidity,
                InboxDelivery.uid.in_(wanted))).all()
            return {d.uid: _known(d, m, folders) for d, m in rows}

    def filed(self, delivery_ids: Iterable[int]) -> None:
        """These deliveries have been moved to their folders (one transaction for a batch).

        Only a record of it: a crash before this runs leaves ``moved_at`` empty for
        messages already moved, and nothing else (they are no longer in the mailbox).
        """
        ids = list(delivery_ids)
        if not ids:
            return
        with self._uow() as s:
            s.execute(update(InboxDelivery).where(InboxDelivery.id.in_(ids), InboxDelivery.moved_at.is_(None))
                      .values(moved_at=self._clock.now()))

    # ------------------------------------------------------------------ releasing from quarantine

    def release(self, actor: UserRecord, message_id: int, folders: Folders = Folders()) -> Outcome:
        """A person (the MPEL team leader or an administrator) releases a quarantined message: it is taken in
        as any other (an enquiry, or a check-in against the enquiry it cites), in one transaction with the
        audit of who released it and why it had been held; the intake then moves it from "Quarantine" to
        "Processed" in the mailbox (``to_refile``).  The limits that held it no longer apply (``parse``)."""
        perm.require(actor, Action.FILTER_FURTHER_ACTION)
        directory = self.directory()
        with self._uow() as s:
            message = s.get(InboxMessage, message_id, with_for_update=True)
            if message is None:
                raise NotFound("no such message in quarantine")
            if message.status != QUARANTINED:
                raise ValidationError("this message has already been released and taken in")
            try:
                parsed = parse(message.raw or b"", released=True)
            except Exception as exc:  # noqa: BLE001 - whatever the parser says is the reason to show
                raise ValidationError(f"this message cannot be taken in, even released: {exc}") from None
            if parsed.content_hash != message.content_hash:
                parsed = replace(parsed, content_hash=message.content_hash)
            now, held_for = self._clock.now(), message.reason
            audit.record(s, actor, now, MESSAGE_ENTITY, message.id, "released from quarantine",
                         {"reason it was held": held_for, "subject": parsed.subject, "from": parsed.from_address})
            cited = find_cts_reference(parsed.subject)
            target = self._cited_enquiry(s, cited) if cited else None
            if target is not None:
                outcome = self._check_in(s, actor, target, parsed, "", 0, 0, folders, now, released=message)
            else:
                outcome = self._new_enquiry(s, actor, parsed, "", 0, 0, directory, folders, now, released=message)
            # Its copies in the mailbox now belong in "Processed": the intake moves them on its next pass.
            for delivery in s.scalars(select(InboxDelivery).where(InboxDelivery.inbox_message_id == message.id)):
                delivery.moved_at = None
            log.info("inbox: message %s released from quarantine by %s: %s", message.id, actor.username,
                     outcome.reference)
            return outcome

    def to_refile(self) -> list[tuple[int, str, str]]:
        """Released messages still to be moved out of the mailbox's quarantine folder: (delivery id, content
        hash, Message-ID).  A released message is the only kind that keeps its raw bytes once taken in."""
        with self._uow.read() as s:
            return [tuple(row) for row in s.execute(
                select(InboxDelivery.id, InboxMessage.content_hash, InboxMessage.message_id).join(InboxMessage)
                .where(InboxDelivery.moved_at.is_(None), InboxMessage.status != QUARANTINED,
                       InboxMessage.raw.is_not(None)).order_by(InboxDelivery.id))]

    # ------------------------------------------------------------------ recording

    def _record(self, s: Session, actor: UserRecord, mailbox: str, uidvalidity: int, uid: int, raw: bytes,
                parsed: ParsedMessage | None, reason: str, digest: str, directory: Directory,
                folders: Folders) -> Outcome:
        now = self._clock.now()
        known = s.execute(select(InboxDelivery, InboxMessage).join(InboxMessage).where(
            InboxDelivery.mailbox == mailbox, InboxDelivery.uidvalidity == uidvalidity,
            InboxDelivery.uid == uid)).first()
        if known is not None:
            return _known(known[0], known[1], folders)
        message = s.scalar(select(InboxMessage).where(InboxMessage.content_hash == digest))
        if message is not None:  # the same message again (a second delivery, or the mailbox was rebuilt)
            delivery = self._deliver(s, message, mailbox, uidvalidity, uid, folders, now)
            audit.record(s, actor, now, MESSAGE_ENTITY, message.id, "delivered again",
                         {"mailbox": mailbox, "uid": uid, "message_id": message.message_id})
            log.info("inbox: %s UID %s is a second delivery of message %s", mailbox, uid, message.id)
            return _known(delivery, message, folders)
        if parsed is None:
            return self._quarantine(s, actor, mailbox, uidvalidity, uid, raw, reason, digest, folders, now)
        cited = find_cts_reference(parsed.subject)
        target = self._cited_enquiry(s, cited) if cited else None
        if target is not None:
            return self._check_in(s, actor, target, parsed, mailbox, uidvalidity, uid, folders, now)
        return self._new_enquiry(s, actor, parsed, mailbox, uidvalidity, uid, directory, folders, now)

    def _deliver(self, s: Session, message: InboxMessage, mailbox: str, uidvalidity: int, uid: int,
                 folders: Folders, now: datetime) -> InboxDelivery:
        folder = folders.quarantine if message.status == QUARANTINED else folders.processed
        delivery = InboxDelivery(mailbox=mailbox, uidvalidity=uidvalidity, uid=uid, inbox_message_id=message.id,
                                 seen_at=now, folder=folder)
        s.add(delivery)
        s.flush()
        return delivery

    def _message(self, s: Session, parsed: ParsedMessage, status: str, now: datetime, *, channel: str | None,
                 enquiry_id: int | None, matched: bool, released: InboxMessage | None = None) -> InboxMessage:
        """The message's row, new; or ``released``, a quarantined row filled in now a person has released it
        (its raw bytes, reason and first arrival kept)."""
        values = dict(
            content_hash=parsed.content_hash, message_id=parsed.message_id[:250], status=status, channel=channel,
            enquiry_id=enquiry_id, from_address=parsed.from_address[:254], from_name=parsed.from_name[:200],
            subject=parsed.subject[:1000], sent_at=parsed.sent_at, in_reply_to=parsed.in_reply_to[:500],
            references=parsed.references, body_text=parsed.text, html_only=parsed.html_only, matched=matched,
            notes="\n".join(parsed.notes), size=parsed.size)
        if released is None:
            message = InboxMessage(**values, taken_in_at=now, reason="", raw=None)
            s.add(message)
        else:
            message = released
            for key, value in values.items():
                setattr(message, key, value)
        s.flush()
        for a in parsed.attachments:
            s.add(InboxAttachment(inbox_message_id=message.id, filename=a.filename[:200],
                                  original_name=a.original_name[:500], mime=a.mime[:100],
                                  kind=("fax_image" if channel == "fax" and a.kind == "image" else a.kind),
                                  size=a.size, note=a.note[:1000], data=a.data))
        for note in parsed.notes:
            log.warning("inbox: message from %s (%s): %s", parsed.from_address, parsed.message_id, note)
        return message

    def _quarantine(self, s: Session, actor: UserRecord, mailbox: str, uidvalidity: int, uid: int, raw: bytes,
                    reason: str, digest: str, folders: Folders, now: datetime) -> Outcome:
        message = InboxMessage(content_hash=digest, message_id="", status=QUARANTINED, channel=None,
                               from_address="", from_name="", subject=_raw_subject(raw), taken_in_at=now,
                               in_reply_to="", references="", body_text="", html_only=False, matched=False,
                               notes="", reason=reason.replace("\x00", "")[:1000], size=len(raw), raw=raw)
        s.add(message)
        s.flush()
        delivery = self._deliver(s, message, mailbox, uidvalidity, uid, folders, now)
        audit.record(s, actor, now, MESSAGE_ENTITY, message.id, "quarantined",
                     {"mailbox": mailbox, "uid": uid, "reason": reason})
        log.warning("inbox: %s UID %s quarantined: %s", mailbox, uid, reason)
        return Outcome(QUARANTINE, delivery.id, delivery.folder, reason=reason)

    def _cited_enquiry(self, s: Session, cited: CtsReference) -> Enquiry | None:
        return s.scalar(select(Enquiry).where(Enquiry.cts_reference == str(cited), Enquiry.deleted_at.is_(None),
                                              Enquiry.channel == Channel.EMAIL.value))

    def _check_in(self, s: Session, actor: UserRecord, e: Enquiry, parsed: ParsedMessage, mailbox: str,
                  uidvalidity: int, uid: int, folders: Folders, now: datetime,
                  released: InboxMessage | None = None) -> Outcome:
        message = self._message(s, parsed, CHECKED_IN, now, channel=Channel.EMAIL.value, enquiry_id=e.id,
                                matched=False, released=released)
        case = s.get(EmailCase, e.id)
        offline_reply = case is not None and case.offline_exported_at is not None and case.offline_reply_at is None
        if offline_reply:
            case.offline_reply_at = now
        action = "off-line reply checked in" if offline_reply else "further message checked in"
        if released is not None:
            audit.record(s, actor, now, ENTITY, e.id, action, {"from": parsed.from_address,
                         "subject": parsed.subject, "inbox_message": message.id, "released_from_quarantine": True})
            return Outcome(ALREADY, 0, folders.processed, reference=e.reference, cts_reference=e.cts_reference,
                           checked_in=True)
        delivery = self._deliver(s, message, mailbox, uidvalidity, uid, folders, now)
        audit.record(s, actor, now, ENTITY, e.id, action,
                     {"from": parsed.from_address, "subject": parsed.subject, "inbox_message": message.id})
        log.info("inbox: %s UID %s checked in against %s (%s)", mailbox, uid, e.cts_reference, action)
        return Outcome(ALREADY, delivery.id, delivery.folder, reference=e.reference, cts_reference=e.cts_reference,
                       checked_in=True)

    def _new_enquiry(self, s: Session, actor: UserRecord, parsed: ParsedMessage, mailbox: str, uidvalidity: int,
                     uid: int, directory: Directory, folders: Folders, now: datetime,
                     released: InboxMessage | None = None) -> Outcome:
        fax = is_fax(parsed.from_address, parsed.subject, directory.gateway)
        channel = Channel.FAX if fax else Channel.EMAIL
        member_id = (match_fax_office(parsed.subject, directory.by_fax) if fax else None) or \
            match_office(parsed.from_address, directory.by_address)
        member = s.get(Member, member_id) if member_id else None
        received = parsed.sent_at if parsed.sent_at and parsed.sent_at <= now else now
        # A released message was received when it first came, not when a person released it.
        arrived = released.taken_in_at if released is not None else now
        e = Enquiry(channel=channel.value, status=EnquiryStatus.FURTHER_ACTION.value, received_at=arrived,
                    created_by=s.get(User, actor.id), passcode_failures=0, member=member,
                    caller_name=(parsed.from_name or parsed.from_address)[:120], question=parsed.text)
        e.reference = f"MPH{repo.next_reference_number(s, 'MPH'):06d}"
        if channel is Channel.EMAIL:
            year = now.astimezone(LONDON).year
            sequence = repo.reserve_cts_number(s, "B", year)
            if sequence > MAX_CTS_SEQUENCE:
                raise RuntimeError(f"CTS references for B…/{year % 100:02d} have run out")
            e.cts_reference = str(CtsReference("official", sequence, year % 100))
        s.add(e)
        s.flush()
        message = self._message(s, parsed, TAKEN_IN, now, channel=channel.value, enquiry_id=e.id,
                                matched=member is not None, released=released)
        audit.record(s, actor, now, ENTITY, e.id, "taken in from the central inbox", {
            "reference": e.reference, "cts_reference": e.cts_reference, "channel": channel.value,
            "from": parsed.from_address, "subject": parsed.subject, "message_id": parsed.message_id,
            "sent": received.isoformat(), "member": member.name if member else "not matched: for a person to match"})
        # A fax is worked from the same list as an e-mail (matched, accepted, answered); only its targets differ.
        s.add(EmailCase(enquiry_id=e.id, inbox_message_id=message.id, state="unmatched", draft_text="",
                        qa_note="", reply_message_id=""))
        if member is not None:
            allocate_to_region(s, self._clock, actor, e, member.region_code, message)
        else:
            log.warning("inbox: %s from %s matches no Member's office: %s waits to be matched",
                        channel.value, parsed.from_address, e.reference)
        if released is not None:  # its deliveries are refiled by the caller (release)
            return Outcome(CREATED, 0, folders.processed, reference=e.reference, cts_reference=e.cts_reference)
        delivery = self._deliver(s, message, mailbox, uidvalidity, uid, folders, now)
        return Outcome(CREATED, delivery.id, delivery.folder, reference=e.reference, cts_reference=e.cts_reference)


def allocate_to_region(s: Session, clock: Clock, actor: UserRecord, e: Enquiry, region_code: str,
                       message: InboxMessage) -> None:
    """Give an e-mail or fax enquiry to a region: due dates, the case's state, the note to the regional inbox.

    A fax's image goes with the note ("the fax itself sent on"); a compassionate
    case is flagged in the subject and the headers (domain/email_notes.py).
    """
    now = clock.now()
    region = s.get(Region, region_code)
    closures = repo.closures_for(s, REGION_NATION[region_code])
    e.region_code, e.status, e.sent_to_region_at = region_code, EnquiryStatus.WITH_REGION.value, now
    if e.channel == Channel.EMAIL.value:
        e.due_date = email_targets(e.received_at, region_calendar(region_code, closures)).due_90
    else:
        e.due_date = regional_response_due(e.received_at, region_code, e.file_needed, closures)
    case = s.get(EmailCase, e.id)
    if case is not None:
        case.state, case.allocated_at = "allocated", now
    outgoing, image = send_regional_note(s, clock, e, message)
    audit.record(s, actor, now, ENTITY, e.id, "sent to region",
                 {"region": region_code, "due_date": e.due_date.isoformat(), "to": region.inbox_name,
                  "message_id": outgoing.message_id, "fax_image": image})


def send_regional_note(s: Session, clock: Clock, e: Enquiry, message: InboxMessage):
    """Queue the note telling the region's inbox about this e-mail or fax enquiry (a fax's image attached,
    a compassionate case flagged URGENT); the outbox row and the name of the image sent ("" for none)."""
    region = s.get(Region, e.region_code)
    closures = repo.closures_for(s, REGION_NATION[e.region_code])
    if e.channel == Channel.EMAIL.value:
        targets = email_targets(e.received_at, region_calendar(e.region_code, closures))
        due_text = f"{targets.due_90:%d/%m/%Y} (10 working days; at the latest {targets.due_100:%d/%m/%Y}, 20)"
    else:
        due_text = f"{e.due_date:%d/%m/%Y}"
    files = list(s.scalars(select(InboxAttachment).where(InboxAttachment.inbox_message_id == message.id)))
    image = next((a for a in files if a.kind == "fax_image" and a.data is not None), None)
    member_name = e.member.name if e.member else ""
    outgoing = enqueue(
        s, clock=clock, kind="fax_note" if e.channel == Channel.FAX.value else "email_note", entity=ENTITY,
        entity_id=e.id, to_address=region.inbox_address, to_name=region.inbox_name,
        subject=email_notes.regional_subject(channel=e.channel, reference=e.reference, cts_reference=e.cts_reference,
                                             member_name=member_name, compassionate=e.compassionate),
        body_text=email_notes.regional_body(
            channel=e.channel, reference=e.reference, cts_reference=e.cts_reference, region_name=region.name,
            member_name=member_name, sender=message.from_address, subject=message.subject,
            received_at=e.received_at, text=message.body_text, compassionate=e.compassionate, due_text=due_text,
            attachments=[a.filename for a in files if a.kind != "html"]),
        attachment=Attachment(image.filename, image.mime, image.data) if image else None,
        headers=email_notes.priority_headers(e.compassionate))
    return outgoing, image.filename if image else ""


def _known(delivery: InboxDelivery, message: InboxMessage, folders: Folders) -> Outcome:
    kind = QUARANTINE if message.status == QUARANTINED else ALREADY
    # Filed by what the message is now (a quarantined one may since have been released), in this pass's folders.
    folder = folders.quarantine if kind == QUARANTINE else folders.processed
    return Outcome(kind, delivery.id, folder, filed=delivery.moved_at is not None, reason=message.reason,
                   checked_in=message.status == CHECKED_IN)


def _raw_subject(raw: bytes) -> str:
    """The Subject line of a message that could not be parsed, as far as it can be read, for the desk's list."""
    head = raw[:64 * 1024].split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]
    for line in head.splitlines():
        if line.lower().startswith(b"subject:"):
            return line[8:].decode("utf-8", "replace").replace("\x00", "").strip()[:1000]
    return ""
