"""The transactional outbox: emails written with the change that caused them, and their upkeep.

``enqueue`` is called *inside* the caller's unit of work (architecture rule 6):
the message row commits or rolls back together with the enquiry it is about,
so nothing is sent that was not saved and nothing saved is left unsent.  The
background sender (``sender.py``) delivers rows later.

``OutboxService`` is what the desk shows and does about undelivered mail: the
banner's count and last error, the list, "retry now", and the offline
procedure: export the call note as a document, send it by other means, and
mark the message "sent by hand" (audited).

Statuses::

    pending       waiting for its first or next attempt (next_attempt_at)
    sending       claimed by a sender right now (claimed_by, claimed_at)
    sent          the mail server accepted it (sent_at)
    failed        still undelivered after many attempts, or refused for good by
                  the server; shown as needing attention.  Transient failures
                  are still retried automatically (every 15 minutes); a
                  permanent refusal waits for a person (next_attempt_at is None)
    sent_by_hand  a person sent the call note by other means (offline procedure)

The exported document is an ``.eml`` file: the very message the sender would
deliver (same To, Subject, text, PDF attachment and Message-ID) marked
``X-Unsent: 1``, so Outlook opens it as a draft ready to send from any
account, any mail program can forward it, and its PDF can be printed.  A
plain-text file would lose the attachment the regions work from.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import make_msgid
from types import SimpleNamespace
from typing import NamedTuple

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, defer
from sqlalchemy.orm.exc import StaleDataError

from ..db import pg_private
from ..db.models import OutboxMessage
from ..db.uow import PERSON_LOGIN, UnitOfWork
from ..domain import permissions as perm
from ..domain.clock import Clock
from ..domain.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from ..domain.permissions import Action
from ..domain.records import UserRecord
from ..domain.text import clean_text
from ..domain.values import is_row_id
from ..services import actor_check, audit
from .attachments import LaterAttachment, snapshot_text
from .smtp import build_message

ENTITY = "outbox"
PENDING, SENDING, SENT, FAILED, SENT_BY_HAND = "pending", "sending", "sent", "failed", "sent_by_hand"
UNDELIVERED = (PENDING, SENDING, FAILED)
# The right-hand side of generated Message-IDs.  Fixed rather than
# socket.getfqdn(), which does a DNS lookup that can stall on a bad network.
MESSAGE_ID_DOMAIN = "mpel-desk.invalid"
MIN_NOTE = 5
# Lists need neither the body nor the PDF: leave them in the database.
_LIGHT = (defer(OutboxMessage.body_text), defer(OutboxMessage.attachment), defer(OutboxMessage.attachment_snapshot))


class Attachment(NamedTuple):
    filename: str
    content_type: str  # e.g. "application/pdf"
    data: bytes


class OutboxSummary(NamedTuple):
    """For the banner: how many messages are not delivered yet, and the latest error among them."""

    undelivered: int
    last_error: str | None


@dataclass(frozen=True)
class OutboxItem:
    """One outbox message as the desk shows it (no body or attachment)."""

    id: int
    created_at: datetime
    kind: str
    entity: str
    entity_id: int | None
    to_address: str
    to_name: str
    subject: str
    message_id: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str
    sent_at: datetime | None
    last_attempt_at: datetime | None
    attachment_name: str | None


def enqueue(session: Session, *, clock: Clock, kind: str, entity: str, entity_id: int | None,
            to_address: str, to_name: str, subject: str, body_text: str,
            attachment: Attachment | LaterAttachment | tuple[str, str, bytes] | None = None,
            message_id_domain: str = MESSAGE_ID_DOMAIN, headers: dict[str, str] | None = None) -> OutboxMessage:
    """Add a message to the outbox in the caller's transaction and return the (flushed) row.

    The Message-ID is fixed now, so every later attempt sends the same one.
    A ``LaterAttachment`` is stored as its facts and made when the message is
    built (notify/attachments.py): in this transaction all the same.
    """
    to_address = (to_address or "").strip()
    if not re.fullmatch(r"[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+", to_address):
        raise ValidationError(f"the email address {to_address!r} is not valid; check the region's inbox address")
    # A line break in a header would be refused at sending time (or worse, inject
    # headers): fold it to a space now, while the person is still at the desk.
    subject = " ".join((subject or "").split())
    if not subject:
        raise ValidationError("an email needs a subject")
    # The column limits, checked here because SQLite would not enforce them and
    # PostgreSQL would only fail at commit, with a message nobody can act on.
    if len(to_address) > 254:
        raise ValidationError("the email address is longer than 254 characters")
    if len(subject) > 400:
        raise ValidationError("the email subject is longer than 400 characters")
    snapshot = None
    if isinstance(attachment, LaterAttachment):
        snapshot = snapshot_text(attachment)
    elif attachment is not None:
        attachment = Attachment(*attachment)
    if attachment is not None:
        if len(attachment.filename) > 200 or len(attachment.content_type) > 100:
            raise ValidationError("the attachment's file name or type is too long")
    now = clock.now()
    row = OutboxMessage(
        created_at=now, kind=kind, entity=entity, entity_id=entity_id,
        to_address=to_address, to_name=" ".join((to_name or "").split())[:200], subject=subject,
        body_text=body_text or "",
        attachment_name=attachment.filename if attachment else None,
        attachment_mime=attachment.content_type if attachment else None,
        attachment=bytes(attachment.data) if isinstance(attachment, Attachment) else None,
        attachment_snapshot=snapshot,
        # No idstring: with one the header exceeds 78 characters and gets folded,
        # and some parsers then keep the fold's space in the value, spoiling de-duplication.
        message_id=make_msgid(domain=message_id_domain),
        status=PENDING, attempts=0, next_attempt_at=now, last_error="",
        # Threading and priority headers (smtp.ALLOWED_EXTRA_HEADERS); stored so every retry sends the same.
        headers=json.dumps(headers, ensure_ascii=False) if headers else "",
    )
    session.add(row)
    session.flush()
    return row


class OutboxService:
    """What people see and do about undelivered mail; the sending itself is OutboxSender's."""

    def __init__(self, uow: UnitOfWork, clock: Clock):
        self._uow = uow
        self._clock = clock

    # ------------------------------------------------------------------ reading

    def pending_summary(self, actor: UserRecord) -> OutboxSummary:
        """How many messages are undelivered, and the newest error, among those ``actor`` may see."""
        with self._uow.read() as s:
            undelivered = _visible_to(s, actor, OutboxMessage.status.in_(UNDELIVERED))
            count = s.scalar(select(func.count()).select_from(OutboxMessage).where(undelivered)) or 0
            if not count:
                return OutboxSummary(0, None)
            # claimed_at is the time of the latest attempt: the newest error is the one to show.
            error = s.scalar(select(OutboxMessage.last_error)
                             .where(undelivered, OutboxMessage.last_error != "")
                             .order_by(OutboxMessage.claimed_at.desc().nulls_last(), OutboxMessage.id.desc())
                             .limit(1))
            return OutboxSummary(count, error or None)

    def list_undelivered(self, actor: UserRecord) -> list[OutboxItem]:
        """Undelivered messages ``actor`` may see, oldest first."""
        with self._uow.read() as s:
            rows = s.scalars(select(OutboxMessage).options(*_LIGHT)
                             .where(_visible_to(s, actor, OutboxMessage.status.in_(UNDELIVERED)))
                             .order_by(OutboxMessage.created_at, OutboxMessage.id))
            return [_item(r) for r in rows]

    def messages_for(self, actor: UserRecord, entity: str, entity_id: int) -> list[OutboxItem]:
        """Every message caused by one record (e.g. an enquiry), delivered or not, oldest first."""
        if not is_row_id(entity_id):
            return []  # no record has such an id
        with self._uow.read() as s:
            rows = s.scalars(select(OutboxMessage).options(*_LIGHT)
                             .where(_visible_to(s, actor, OutboxMessage.entity == entity,
                                                OutboxMessage.entity_id == entity_id))
                             .order_by(OutboxMessage.created_at, OutboxMessage.id))
            return [_item(r) for r in rows]

    def get(self, actor: UserRecord, message_id: int) -> OutboxItem:
        with self._uow.read() as s:
            return _item(_load(s, message_id, actor))

    def export_document(self, actor: UserRecord, message_id: int, *, from_address: str = "") -> tuple[str, bytes]:
        """The message as an ``.eml`` document to send by other means: (file name, bytes).

        Outlook opens it as an unsent draft (``X-Unsent: 1``) with the PDF
        attached; the Message-ID is the outbox's, so if the sender also gets
        through later the region can tell the two copies are one message.
        """
        with self._uow() as s:
            row = _load(s, message_id, actor)  # first: a restricted letter's message is "not found"
            perm.require(actor, Action.WORK_OUTBOX)
            msg = build_message(_whole(s, row), from_address)
            if not from_address:
                del msg["From"]  # the agent's own mail program fills it in
            msg["X-Unsent"] = "1"
            stem = row.attachment_name.rsplit(".", 1)[0] if row.attachment_name else f"mpel-{row.kind}-{row.id}"
            filename = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.") or f"mpel-message-{row.id}"
            # The document carries the case's personal data (the call record): audited as read, against the
            # case it is about, in this transaction, so nothing leaves without its row.
            if row.entity in audit.SUBJECT_ENTITIES and row.entity_id is not None:
                audit.record_view(s, actor, self._clock.now(), row.entity, row.entity_id,
                                  f"{row.kind.replace('_', ' ')} exported as a document", message_id=row.message_id,
                                  document=f"{filename}.eml")
            else:
                audit.record(s, actor, self._clock.now(), ENTITY, row.id, audit.EXPORTED,
                             {"document": f"{filename}.eml", "message_id": row.message_id})
            return f"{filename}.eml", msg.as_bytes()

    # ------------------------------------------------------------------ acting

    def retry_now(self, actor: UserRecord, message_id: int) -> OutboxItem:
        """Make an undelivered message due at once (wake the background sender afterwards)."""
        perm.require(actor, Action.WORK_OUTBOX)
        now = self._clock.now()
        with self._uow() as s:
            row = _load(s, message_id, actor)
            if row.status not in (PENDING, FAILED):
                raise InvalidTransition(_not_undelivered(row))
            before = {"status": row.status, "next_attempt_at": row.next_attempt_at}
            row.status = PENDING
            row.next_attempt_at = now
            _flush(s)
            audit.record(s, actor, now, ENTITY, row.id, "retry requested",
                         audit.diff(before, {"status": row.status, "next_attempt_at": row.next_attempt_at}))
            return _item(row)

    def mark_sent_by_hand(self, actor: UserRecord, message_id: int, note: str) -> OutboxItem:
        """Offline procedure: the call note went by other means; record how, and stop sending it."""
        perm.require(actor, Action.WORK_OUTBOX)
        note = " ".join(clean_text(note, field="Note", max_length=2000, multiline=True).split())
        if len(note) < MIN_NOTE:
            raise ValidationError("say how and to whom the call note was sent (for example "
                                  "\"emailed from the team mailbox to MP INBOX – London at 14:20\")")
        if len(note) > 500:
            raise ValidationError("keep the note under 500 characters")
        now = self._clock.now()
        with self._uow() as s:
            row = _load(s, message_id, actor)
            if row.status not in (PENDING, FAILED):
                raise InvalidTransition(_not_undelivered(row))
            before = row.status
            row.status = SENT_BY_HAND
            row.sent_at = now
            row.next_attempt_at = None
            # The version check makes this lose cleanly against a sender that
            # claimed the row a moment ago: never both "by hand" and by the sender.
            _flush(s)
            changes = {"status": [before, SENT_BY_HAND], "note": note, "to": row.to_address,
                       "message_id": row.message_id}
            audit.record(s, actor, now, ENTITY, row.id, "sent by hand", changes)
            if row.entity != ENTITY and row.entity_id is not None:
                # Also on the record it is about, whose trail is where people look.
                audit.record(s, actor, now, row.entity, row.entity_id, f"{_kind_label(row.kind)} sent by hand",
                             {"outbox_id": row.id, **changes})
            return _item(row)


def _load(s: Session, message_id: int, actor: UserRecord) -> OutboxMessage:
    """The message (without its text and attachment), if ``actor`` may see it: a restricted letter's messages
    are "not found" for others."""
    actor_check.require_signed_in_as(s, actor)
    row = s.get(OutboxMessage, message_id, options=_LIGHT) if is_row_id(message_id) else None
    if row is None or (row.entity == "letter" and row.entity_id in audit.hidden_letter_ids(s, actor)):
        raise NotFound(f"there is no outbox message {message_id}")
    return row


def _whole(s: Session, row: OutboxMessage):
    """The message with its text and attachment, for the document.  A person's own PostgreSQL login may not read
    those columns (db/pg_private.py): the database hands them over only for a record the login may see."""
    if not s.info.get(PERSON_LOGIN):
        return row
    found = s.execute(pg_private.OUTBOX_DOCUMENT_CALL, {"id": row.id}).first()
    if found is None:
        raise PermissionDenied("the database keeps this message's text from your login: it is about a record "
                               "you may not see now (a passcode not verified, or another region's)")
    private = ("body_text", "attachment", "attachment_snapshot")
    fields = {c.key: getattr(row, c.key) for c in OutboxMessage.__table__.columns if c.key not in private}
    return SimpleNamespace(**fields, **{key: getattr(found, key) for key in private})


def _visible_to(s: Session, actor: UserRecord, *where):
    """``where``, less the messages about restricted letters ``actor`` may not see [CORR 2.5]."""
    actor_check.require_signed_in_as(s, actor)  # a forged record reads nothing either (issue 19)
    hidden = audit.hidden_letter_ids(s, actor)
    if hidden:
        where = (*where, ~((OutboxMessage.entity == "letter") & OutboxMessage.entity_id.in_(sorted(hidden))))
    return and_(*where)


def _flush(s: Session) -> None:
    try:
        s.flush()
    except StaleDataError as exc:
        raise InvalidTransition("the mail sender is working on this message right now; "
                                "look again in a minute") from exc


def _not_undelivered(row: OutboxMessage) -> str:
    if row.status == SENDING:
        return "the mail sender is working on this message right now; look again in a minute"
    if row.status == SENT:
        return "this message has already been delivered to the mail server"
    return "this message has already been sent by hand"


def _kind_label(kind: str) -> str:
    return kind.replace("_", " ")


def _item(r: OutboxMessage) -> OutboxItem:
    return OutboxItem(id=r.id, created_at=r.created_at, kind=r.kind, entity=r.entity, entity_id=r.entity_id,
                      to_address=r.to_address, to_name=r.to_name, subject=r.subject, message_id=r.message_id,
                      status=r.status, attempts=r.attempts, next_attempt_at=r.next_attempt_at,
                      last_error=r.last_error, sent_at=r.sent_at, last_attempt_at=r.claimed_at,
                      attachment_name=r.attachment_name)
