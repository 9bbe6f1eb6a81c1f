"""Removing a person's values from records, in the caller's transaction: used by erasure and by retention.

* ``enquiries`` / ``letters``: the record's personal columns become empty (``domain.data_rights``), and
  every row hanging off it loses its personal text: name-search tokens (and on PostgreSQL the
  trigger-kept word and pair tables with them), notes of urgent calls, the outbox's copies of call notes
  and letters (body, subject, attachment), the e-mails that came in with their attachments, e-mail
  drafts and QA notes, letters' documents (the bytes go, the row says when), rejections and
  contributions.  What the statistics count (dates, region, unit, channel, status, flags, calls) stays.
* ``scrub_audit``: replaces the given values in named audit rows; on PostgreSQL only through
  ``mpel_erase_audit_values`` (db/pg_erasure.py), because the trail is append-only for everyone else.
* ``sweep``: replaces a person's values wherever else free text mentions them (another record's
  question, an e-mail's subject, the legacy import's notes), leaving other people's identifying columns
  alone: a family shares a Home Office reference, and the relative's record keeps it.

Each record anonymised gets an ``anonymised_records`` row, so it is done once.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import String, Text, delete, func, or_, select, text, update
from sqlalchemy.orm import Session

from ..db.models import (AnonymisedRecord, AuditLog, Base, EmailCase, Enquiry, InboxAttachment, InboxMessage,
                         Letter, LetterContribution, LetterDocument, LetterRejection, OutboxMessage,
                         SubjectNameToken, UrgentContact)
from ..domain.audit_actions import SEARCHED
from ..domain.data_rights import (AUDIT_PERSONAL_FIELDS, ENQUIRY_ERASED, ERASED, LETTER_ERASED, MIN_SWEPT_LENGTH,
                                  NOT_SWEPT)

_CHUNK = 500
# Other people's identifying columns: never swept (a relative shares the Home Office reference).
IDENTITY_COLUMNS = frozenset({("enquiries", "subject_name"), ("enquiries", "ho_reference"),
                              ("enquiries", "cts_reference"), ("letters", "subject_name"),
                              ("letters", "subject_name_folded"), ("letters", "ho_reference"),
                              ("letters", "constituent_name"), ("subject_name_tokens", "token")})


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    ids = list(ids)
    for i in range(0, len(ids), _CHUNK):
        yield ids[i:i + _CHUNK]


def _mark(s: Session, entity: str, ids: Sequence[int], at: datetime, ground: str) -> None:
    done = set()
    for chunk in _chunks(ids):
        done |= set(s.scalars(select(AnonymisedRecord.entity_id).where(
            AnonymisedRecord.entity == entity, AnonymisedRecord.entity_id.in_(chunk))))
    s.add_all(AnonymisedRecord(entity=entity, entity_id=i, at=at, ground=ground) for i in ids if i not in done)


def _outbox(s: Session, entity: str, chunk: list[int]) -> None:
    s.execute(update(OutboxMessage).where(OutboxMessage.entity == entity, OutboxMessage.entity_id.in_(chunk))
              .values(subject=ERASED, body_text="", attachment=None, attachment_snapshot=None, attachment_name=None,
                      to_name="", last_error="", version=OutboxMessage.version + 1))


def _table_itself(s: Session) -> dict:
    """On PostgreSQL a person's login reads ``enquiries`` through the desk's view (db/pg_desk_view), which
    writes a subject column only when it differs from what the person could read: a record locked to them
    would keep its values.  The anonymiser writes to the table itself (its grants and policies apply)."""
    return {"schema_translate_map": {None: "public"}} if s.get_bind().dialect.name == "postgresql" else {}


def anonymise_enquiries(s: Session, ids: Sequence[int], at: datetime, ground: str) -> None:
    for chunk in _chunks(ids):
        s.execute(update(Enquiry).where(Enquiry.id.in_(chunk)).values(**ENQUIRY_ERASED, version=Enquiry.version + 1),
                  execution_options=_table_itself(s))
        s.execute(delete(SubjectNameToken).where(SubjectNameToken.enquiry_id.in_(chunk)))
        s.execute(update(UrgentContact).where(UrgentContact.enquiry_id.in_(chunk)).values(note=""))
        _outbox(s, "enquiry", chunk)
        s.execute(update(EmailCase).where(EmailCase.enquiry_id.in_(chunk))
                  .values(draft_text="", qa_note="", version=EmailCase.version + 1))
        messages = select(InboxMessage.id).where(InboxMessage.enquiry_id.in_(chunk))
        s.execute(update(InboxAttachment).where(InboxAttachment.inbox_message_id.in_(messages))
                  .values(data=None, filename="erased", original_name="", note=""))
        s.execute(update(InboxMessage).where(InboxMessage.enquiry_id.in_(chunk))
                  .values(subject="", body_text="", raw=None, notes="", from_name="", references="",
                          in_reply_to="", reason=""))
    _mark(s, "enquiry", ids, at, ground)


def anonymise_letters(s: Session, ids: Sequence[int], at: datetime, ground: str) -> None:
    for chunk in _chunks(ids):
        s.execute(update(Letter).where(Letter.id.in_(chunk)).values(**LETTER_ERASED, version=Letter.version + 1))
        s.execute(update(LetterDocument).where(LetterDocument.letter_id.in_(chunk))
                  .values(data=None, filename=LetterDocument.kind, purged_at=func.coalesce(
                      LetterDocument.purged_at, at)))
        s.execute(update(LetterRejection).where(LetterRejection.letter_id.in_(chunk)).values(reason=""))
        s.execute(update(LetterContribution).where(LetterContribution.letter_id.in_(chunk))
                  .values(question="", answer=""))
        _outbox(s, "letter", chunk)
    _mark(s, "letter", ids, at, ground)


def compact_name_index(s: Session) -> None:
    """SQLite's FTS5 name index (migration 0008) keeps a deleted token in its older segments until they are
    merged: merge them now, so an erased name is gone from the file, not only from the answers."""
    if s.get_bind().dialect.name == "sqlite" and s.execute(text(
            "SELECT 1 FROM sqlite_master WHERE name = 'subject_name_fts'")).first():
        s.execute(text("INSERT INTO subject_name_fts (subject_name_fts) VALUES ('optimize')"))


# ------------------------------------------------------------------ values elsewhere


def json_forms(values: Iterable[str]) -> list[str]:
    """Each value as typed and as it appears inside the audit trail's JSON (quotes, newlines escaped)."""
    forms: set[str] = set()
    for v in values:
        if len(v) >= MIN_SWEPT_LENGTH:
            forms.add(v)
            forms.add(json.dumps(v, ensure_ascii=False)[1:-1])
    return sorted(forms, key=lambda v: (-len(v), v))


def replaced(text: str, values: Sequence[str]) -> str:
    for v in values:
        text = re.sub(re.escape(v), ERASED, text, flags=re.IGNORECASE)
    return text


def _personal_strings(value, out: set[str]) -> None:
    if isinstance(value, str):
        if len(value.strip()) >= MIN_SWEPT_LENGTH:
            out.add(value.strip())
    elif isinstance(value, (list, tuple)):
        for v in value:
            _personal_strings(v, out)
    elif isinstance(value, dict):
        for v in value.values():
            _personal_strings(v, out)


def own_audit_values(s: Session, entity: str, ids: Sequence[int]) -> tuple[list[int], set[str]]:
    """The audit rows about these records, and the personal values their changes carry."""
    rows: list[int] = []
    values: set[str] = set()
    for chunk in _chunks(ids):
        for row_id, changes in s.execute(select(AuditLog.id, AuditLog.changes).where(
                AuditLog.entity == entity, AuditLog.entity_id.in_(chunk))):
            rows.append(row_id)
            try:
                data = json.loads(changes or "{}")
            except ValueError:
                continue
            for key, value in data.items() if isinstance(data, dict) else ():
                if key in AUDIT_PERSONAL_FIELDS:
                    _personal_strings(value, values)
    return rows, values


def scrub_audit(s: Session, row_ids: Sequence[int], values: Iterable[str]) -> int:
    """Replace ``values`` in the changes of the audit rows ``row_ids``; the number of rows changed."""
    forms = json_forms(values)
    if not row_ids or not forms:
        return 0
    changed = 0
    if s.get_bind().dialect.name == "postgresql":
        for chunk in _chunks(sorted(set(row_ids))):
            changed += s.scalar(select(func.mpel_erase_audit_values(chunk, forms))) or 0
        return changed
    for chunk in _chunks(sorted(set(row_ids))):
        for row_id, changes in s.execute(select(AuditLog.id, AuditLog.changes).where(AuditLog.id.in_(chunk))):
            new = replaced(changes or "", forms)
            if new != changes:
                s.execute(update(AuditLog).where(AuditLog.id == row_id).values(changes=new))
                changed += 1
    return changed


def audit_rows_mentioning(s: Session, values: Iterable[str], *, searches_only: bool = False) -> list[int]:
    forms = json_forms(values)
    if not forms:
        return []
    query = select(AuditLog.id, AuditLog.changes).where(or_(*(AuditLog.changes.ilike(f"%{_like(v)}%", escape="\\")
                                                           for v in forms)))
    if searches_only:
        query = query.where(AuditLog.action == SEARCHED)
    folded = [v.casefold() for v in forms]
    return [i for i, changes in s.execute(query) if any(v in (changes or "").casefold() for v in folded)]


def _like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def sweep(s: Session, values: Sequence[str]) -> dict[str, int]:
    """Replace ``values`` in every free-text column of every table holding records (not the audit trail):
    table -> rows changed."""
    forms = json_forms(values)
    changed: dict[str, int] = {}
    if not forms:
        return changed
    folded = [v.casefold() for v in forms]
    for table in Base.metadata.sorted_tables:
        if table.name in NOT_SWEPT:
            continue
        keys = list(table.primary_key.columns)
        for column in table.columns:
            if not isinstance(column.type, (String, Text)) or column.primary_key or column.unique \
                    or (table.name, column.name) in IDENTITY_COLUMNS:
                continue
            query = select(*keys, column).where(or_(*(column.ilike(f"%{_like(v)}%", escape="\\") for v in forms)))
            for row in s.execute(query).all():
                current = row[-1] or ""
                if not any(v in current.casefold() for v in folded):
                    continue
                new = replaced(current, forms)
                s.execute(update(table).where(*(k == row[i] for i, k in enumerate(keys))).values({column.name: new}))
                changed[table.name] = changed.get(table.name, 0) + 1
    return changed
