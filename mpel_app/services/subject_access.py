"""Subject access (issue 17): everything MPEL Desk holds on one person, for the person.

``search`` finds the people matching an identifying detail (``people.find``: name with date of birth,
Home Office reference, CTS reference) and shows each match separately: a family shares a Home Office
reference, and the officer picks one person.  ``export`` re-reads that person's records (refused if
they are more than one person's), and gathers what hangs off them: enquiries (with their origin in the
Access database), CTS letters, their documents, call notes and letters sent, e-mails received, drafts,
notes of urgent calls, the telephone calls, and the audit entries about them or naming them (with the
staff's names: staff acting in their official role are named, as the law allows).  The result is plain
data (``SubjectAccessExport``), written out as a PDF a person can read and a JSON bundle with the
documents by ``write_bundle``.  Both the search and the export are audited, in their own transaction.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.models import (AuditLog, Call, EmailCase, Enquiry, InboxAttachment, InboxMessage, LegacyRecord, Letter,
                         LetterDocument, OutboxMessage, UrgentContact, User)
from ..db.uow import UnitOfWork
from ..domain import permissions as perm
from ..domain.audit_actions import EXPORTED, SEARCHED
from ..domain.clock import Clock
from ..domain.data_rights import Found, PersonMatch
from ..domain.permissions import Action
from ..domain.records import UserRecord
from ..notify.attachments import attachment_data
from . import anonymise, audit, people
from .erasure import PERSON


@dataclass(frozen=True)
class ExportSection:
    title: str
    where: str  # the tables it came from, for the summary
    items: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class ExportDocument:
    name: str  # unique in the bundle: "documents/<n>-<file name>"
    mime: str
    where: str
    data: bytes


@dataclass(frozen=True)
class SubjectAccessExport:
    name: str
    date_of_birth: date | None
    made_at: datetime
    made_by: str
    sections: tuple[ExportSection, ...]
    documents: tuple[ExportDocument, ...]

    def summary(self) -> list[tuple[str, int, str]]:
        rows = [(s.title, len(s.items), s.where) for s in self.sections]
        return rows + [("Documents", len(self.documents), "letter_documents, outbox_messages, inbox_attachments")]

    def as_json(self) -> dict[str, Any]:
        return {"person": {"name": self.name, "date_of_birth": _plain(self.date_of_birth)},
                "made_at": _plain(self.made_at), "made_by": self.made_by,
                "summary": [{"what": t, "count": n, "where": w} for t, n, w in self.summary()],
                "sections": {s.title: list(s.items) for s in self.sections},
                "documents": [{"file": d.name, "mime": d.mime, "where": d.where, "size": len(d.data)}
                              for d in self.documents]}


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, bytes):
        return None
    return value


def _row(obj: Any, columns: tuple[str, ...]) -> dict[str, Any]:
    return {c: _plain(getattr(obj, c)) for c in columns}


_ENQUIRY = ("reference", "channel", "status", "received_at", "region_code", "caller_kind", "caller_name",
            "subject_name", "subject_dob", "nationality", "ho_reference", "cts_reference", "question", "answer",
            "urgent", "removal_at", "file_needed", "due_date", "sent_to_region_at", "acknowledged_at", "response",
            "completed_at", "deleted_at", "deletion_reason")
_LETTER = ("cts_reference", "kind", "state", "received_at", "member_letter_date", "member_reference",
           "constituent_name", "subject_name", "ho_reference", "issue", "question", "unit_code", "draft_text",
           "background", "signed_by", "signed_at", "reply_channel", "dispatched_at", "cancel_reason", "cancelled_at")
_OUTBOX = ("created_at", "kind", "to_address", "to_name", "subject", "body_text", "status", "sent_at")
_INBOX = ("taken_in_at", "channel", "from_address", "from_name", "subject", "sent_at", "body_text")
_CALL = ("offered_at", "direction", "caller_e164", "answered_at", "ended_at", "wait_seconds", "outcome")


class SubjectAccessService:
    def __init__(self, uow: UnitOfWork, clock: Clock):
        self._uow = uow
        self._clock = clock

    def search(self, actor: UserRecord, by: str, text: str, date_of_birth: date | None = None) -> list[PersonMatch]:
        perm.require(actor, Action.SUBJECT_ACCESS)
        with self._uow() as s:
            matches = people.find(s, by, text, date_of_birth)
            audit.record(s, actor, self._clock.now(), PERSON, None, SEARCHED, {
                "by": f"subject access: {by}", "text": text, "date_of_birth": _plain(date_of_birth),
                "rows": len(matches), "records": [r.label for m in matches for r in m.records]})
            return matches

    def export(self, actor: UserRecord, enquiry_ids: list[int], letter_ids: list[int]) -> SubjectAccessExport:
        perm.require(actor, Action.SUBJECT_ACCESS)
        now = self._clock.now()
        with self._uow() as s:
            records = people.chosen(s, enquiry_ids, letter_ids)
            result = _gather(s, records, now, actor)
            audit.record(s, actor, now, PERSON, None, EXPORTED, {
                "records": sorted(r.label for r in records),
                "rows": sum(n for _, n, _ in result.summary()), "what": "subject access export"})
            return result


def _gather(s: Session, records: list[Found], now: datetime, actor: UserRecord) -> SubjectAccessExport:
    e_ids = [r.id for r in records if r.entity == "enquiry"]
    l_ids = [r.id for r in records if r.entity == "letter"]
    documents: list[ExportDocument] = []

    def document(name: str, mime: str | None, where: str, data: bytes | None) -> str:
        if not data:
            return ""
        path = f"documents/{len(documents) + 1:03d}-{name or 'file'}"
        documents.append(ExportDocument(path, mime or "application/octet-stream", where, bytes(data)))
        return path

    enquiries = []
    for e in s.scalars(select(Enquiry).where(Enquiry.id.in_(e_ids)).order_by(Enquiry.received_at)):
        item = _row(e, _ENQUIRY)
        item["member"] = e.member.name if e.member else ""
        legacy = s.get(LegacyRecord, e.id)
        if legacy is not None:
            item["imported_from_access"] = {"access_id": legacy.access_id, "reference": legacy.reference_as_stored}
        enquiries.append(item)
    letters = []
    for x in s.scalars(select(Letter).where(Letter.id.in_(l_ids)).order_by(Letter.received_at)):
        item = _row(x, _LETTER)
        item["member"] = x.member.name
        item["documents"] = [document(d.filename, d.mime, "letter_documents", d.data) or f"{d.filename} (purged)"
                             for d in s.scalars(select(LetterDocument).where(LetterDocument.letter_id == x.id))]
        letters.append(item)
    sent = []
    for entity, ids in (("enquiry", e_ids), ("letter", l_ids)):
        for m in s.scalars(select(OutboxMessage).where(OutboxMessage.entity == entity, OutboxMessage.entity_id.in_(ids))
                           .order_by(OutboxMessage.created_at)):
            item = _row(m, _OUTBOX)
            # A call note's PDF is made from the facts its row keeps (notify/attachments.py), as the region got it.
            item["attachment"] = document(m.attachment_name or "", m.attachment_mime, "outbox_messages",
                                          attachment_data(m))
            sent.append(item)
    received = []
    for m in s.scalars(select(InboxMessage).where(InboxMessage.enquiry_id.in_(e_ids))):
        item = _row(m, _INBOX)
        item["attachments"] = [document(a.filename, a.mime, "inbox_attachments", a.data)
                               for a in s.scalars(select(InboxAttachment).where(InboxAttachment.inbox_message_id == m.id))]
        received.append(item)
    drafts = [{"enquiry_id": c.enquiry_id, "state": c.state, "draft": c.draft_text, "qa_note": c.qa_note}
              for c in s.scalars(select(EmailCase).where(EmailCase.enquiry_id.in_(e_ids)))]
    urgent = [_row(u, ("at", "kind", "spoken_to", "note"))
              for u in s.scalars(select(UrgentContact).where(UrgentContact.enquiry_id.in_(e_ids)))]
    calls = [_row(c, _CALL) for c in s.scalars(select(Call).where(Call.enquiry_id.in_(e_ids)).order_by(Call.offered_at))]
    trail = _trail(s, records, e_ids, l_ids)
    name = next((r.name for r in records if r.name), "")
    dob = next((r.date_of_birth for r in records if r.date_of_birth), None)
    sections = (
        ExportSection("Enquiries", "enquiries, legacy_records", tuple(enquiries)),
        ExportSection("CTS letters", "letters, letter_documents", tuple(letters)),
        ExportSection("Call notes and letters sent", "outbox_messages", tuple(sent)),
        ExportSection("E-mails and faxes received", "inbox_messages, inbox_attachments", tuple(received)),
        ExportSection("E-mail reply drafts", "email_cases", tuple(drafts)),
        ExportSection("Urgent calls made", "urgent_contacts", tuple(urgent)),
        ExportSection("Telephone calls", "calls", tuple(calls)),
        ExportSection("Audit entries", "audit_log", tuple(trail)),
    )
    return SubjectAccessExport(name, dob, now, actor.full_name, sections, tuple(documents))


def _trail(s: Session, records: list[Found], e_ids: list[int], l_ids: list[int]) -> list[dict[str, Any]]:
    own = anonymise.own_audit_values(s, "enquiry", e_ids)[0] + anonymise.own_audit_values(s, "letter", l_ids)[0]
    naming = anonymise.audit_rows_mentioning(s, sorted({r.name for r in records if r.name}))
    ids = sorted(set(own) | set(naming))
    names = dict(s.execute(select(User.id, User.full_name)).all())
    labels = {(r.entity, r.id): r.label for r in records}
    rows = []
    for row in s.scalars(select(AuditLog).where(AuditLog.id.in_(ids)).order_by(AuditLog.at, AuditLog.id)):
        if row.entity in ("enquiry", "letter") and row.entity_id is not None and (row.entity, row.entity_id) \
                not in labels:
            continue  # another record's row naming him: a namesake's or a relative's, theirs and not his
        rows.append({"at": _plain(row.at), "staff": f"{names.get(row.user_id, '')} ({row.username})".strip(),
                     "record": labels.get((row.entity, row.entity_id), f"{row.entity} {row.entity_id or ''}".strip()), "action": row.action,
                     "changes": json.loads(row.changes or "{}")})
    return rows
