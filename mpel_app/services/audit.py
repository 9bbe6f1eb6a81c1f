"""The audit trail: written inside the caller's transaction, read back per record, searched for oversight.

* ``record`` writes one row (who, when, which record, what changed) in the
  transaction of the change itself (architecture rule 6); ``diff`` gives the
  fields that changed.  ``trail`` is one record's history.
* ``record_view`` writes the one row saying that a person was shown a
  subject's personal data: action "viewed", the record, and which fields were
  shown: their names, never their values, so the trail does not copy the
  data it guards.  Services write it in the transaction that read the data,
  so nothing leaves the service unless its row is committed.
* ``AuditService`` lets team leaders and administrators search every
  record's trail, open one entry and export a selection (``Action.QUERY_AUDIT``).

What counts as a subject's personal data (the decision):

* An enquiry: the subject's name, date of birth, nationality, Home Office and
  CTS references, and the case text (question, answer given, the region's
  response).  The caller's name (an MP's caseworker), the member (a public
  figure), the status, region and dates are not the subject's.  A record
  whose passcode is not verified carries none of it (``db.mappers``);
  opening one still writes a row, "shown: no personal data" and why it was
  withheld, so "who opened MPH000123, and what did they see?" has a
  complete answer.
* A CTS letter: the subject's and the constituent's names, the Home Office
  reference, the issue and question, the draft reply, the background note
  and the name of the staff member it is about [CORR 2.5].
* A search is a disclosure (issue #13): its results show names, nationalities
  and references.  ``record_search`` writes one row per search: action
  "searched", by which key, the text typed, how many records were shown and
  their hotline references.  The text typed is itself personal data (a
  name, a Home Office reference), so it is kept only as a value of the row,
  like the old and new values of a change: the oversight list shows that a
  search was made and its non-personal fields, and opening the entry, which
  is audited, shows the text.  Queues, workstacks and the duty board are not
  audited: each line there is the work of the person's own team, shown so
  that they can pick it, and a row for every refresh of every queue would
  drown the views that matter.
* The trail itself holds personal values (a "details updated" row keeps the
  old and new name).  So the oversight search lists each entry with the
  names of the fields it touched only; opening an entry (``entry``) shows the
  values and is audited against the record it is about; an export is audited
  with its filters and its number of rows.  While an enquiry's passcode is
  not verified its personal values are withheld here too, as everywhere.

A record's own history (``trail``: the record window, the printed call
record) leaves the view rows out: it is what happened to the record; who
looked at it is for the oversight search.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, Select, and_, insert, or_, select, text
from sqlalchemy.orm import Session

from ..db.models import AuditLog, Enquiry, Letter, LetterHandler, Member, User
from ..db import pg_private
from ..db.uow import PERSON_LOGIN, UnitOfWork, write_once
from ..domain import permissions as perm
from ..domain.calendar import LONDON
from ..domain.clock import Clock
from ..domain.audit_fields import ENQUIRY_PERSONAL_FIELDS, LETTER_PERSONAL_FIELDS, WITHHELD  # noqa: F401 (re-exported)
from ..domain.audit_actions import EXPORTED, HISTORY_VIEWED, SEARCHED, VIEW_ACTIONS, VIEWED, VIEWED_IN_AUDIT
from ..domain.correspondence import may_see_letter
from ..domain.errors import NotFound, ValidationError
from ..domain.letter_records import LetterRecord
from ..domain.permissions import Action
from ..domain.records import AuditEntry, EnquiryRecord, UserRecord
from ..domain.text import clean_text, normalise_reference
from ..domain.values import as_date, as_limit, is_row_id
from . import actor_check, conflicts

AUDIT_ENTITY = "audit_log"
# Entities whose rows are about a person's case, so opening one of their entries shows personal data.
SUBJECT_ENTITIES = frozenset({"enquiry", "letter"})

NOTHING_SHOWN = "no personal data"
# Fields whose values are never a subject's personal data, so a search result may show them.
NON_PERSONAL_FIELDS = frozenset({
    "status", "state", "region_code", "channel", "reference", "shown", "withheld", "rows", "cut at",
    "audit_entry", "file_needed", "due_date", "acknowledged_at", "unit", "kind", "via", "to", "message_id",
    "by", "records", "document", "member_id", "failures", "office_failures", "enquiry_reference",
})
# What a search by each key shows of every record it lists.
SEARCH_SHOWS = "subject's name, nationality, Home Office reference, CTS reference"

SEARCH_LIMIT = 500  # enough to scan by eye; narrower filters find older entries
EXPORT_LIMIT = 100_000
_IN_CHUNK = 900  # ids per IN (...) list: well under every backend's limit on bound parameters


# ------------------------------------------------------------------ writing

def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def record(session: Session, actor: UserRecord | None, at: datetime, entity: str, entity_id: int | None,
           action: str, changes: dict[str, Any] | None = None) -> None:
    """One row of the trail, in ``session``'s transaction, stamped with the record's base version (conflicts.py)."""
    changes = dict(changes or {})
    base = conflicts.base_version(session, entity, entity_id)
    if base is not None:
        changes[conflicts.BASE_VERSION_KEY] = base
    _write(session, actor, at, entity, entity_id, action, changes)


AUDITED = "mpel_audited"  # session.info key: the (entity, id) pairs this transaction wrote a row about


def audited(session: Session, entity: str, entity_id: int | None) -> bool:
    """Whether ``session``'s transaction has written a row about the record (a change or a view)."""
    return (entity, entity_id) in session.info.get(AUDITED, ())


def _row(actor: UserRecord | None, at: datetime, entity: str, entity_id: int | None, action: str,
         changes: Mapping[str, Any]) -> dict[str, Any]:
    """The columns of one audit row."""
    return {"at": at, "user_id": actor.id if actor else None, "username": actor.username if actor else "system",
            "entity": entity, "entity_id": entity_id, "action": action,
            "changes": json.dumps({k: _plain(v) for k, v in changes.items()}, ensure_ascii=False)}


def _write(session: Session, actor: UserRecord | None, at: datetime, entity: str, entity_id: int | None,
           action: str, changes: Mapping[str, Any]) -> None:
    actor_check.require_signed_in_as(session, actor)  # the one door every change passes (issue 19)
    session.info.setdefault(AUDITED, set()).add((entity, entity_id))
    session.add(AuditLog(**_row(actor, at, entity, entity_id, action, changes)))


def _changes(row: AuditLog) -> dict[str, Any]:
    """A row's changes as a person reads them: without the base-version stamp."""
    changes = json.loads(row.changes or "{}")
    changes.pop(conflicts.BASE_VERSION_KEY, None)
    return changes


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Field -> [old, new] for the fields whose value changed."""
    return {k: [_plain(before.get(k)), _plain(v)] for k, v in after.items() if before.get(k) != v}


def record_view(session: Session, actor: UserRecord, at: datetime, entity: str, entity_id: int | None,
                shown: str, *, withheld: str = "", action: str = VIEWED, **extra: Any) -> None:
    """One row: ``actor`` was shown ``shown`` (field names) of the record; one insert, in the reading transaction."""
    changes: dict[str, Any] = {**extra, "shown": shown or NOTHING_SHOWN}
    if withheld:
        changes["withheld"] = withheld
    # Not stamped with a base version: a view changes nothing, so it never makes anyone's copy stale.
    _write(session, actor, at, entity, entity_id, action, changes)


def record_search(session: Session, actor: UserRecord, at: datetime, entity: str, by: str, text: str,
                  shown: Iterable[Any]) -> None:
    """One row: ``actor`` searched ``entity`` records by ``by`` for ``text`` and was shown ``shown``
    (records with a ``reference``).  ``text`` is kept as a value: personal data (see the module's note)."""
    _write(session, actor, at, entity, None, SEARCHED, _searched(by, text, shown))


_INSERT_ROW = insert(AuditLog.__table__)  # Core, built once: its compiled SQL is cached


def record_search_read(conn: Connection, actor: UserRecord, at: datetime, entity: str, by: str, text: str,
                       shown: Iterable[Any]) -> None:
    """``record_search`` on the Core connection the search read on (``actor_check.reading``, which compared
    ``actor`` with the login already), written and committed before this returns: one INSERT in the
    same round trip as any statement, where an ORM unit of work cost a second connection, a flush and
    a transaction (issue 16: 1-3 ms a search)."""
    write_once(conn, _INSERT_ROW, _row(actor, at, entity, None, SEARCHED, _searched(by, text, shown)))


def _searched(by: str, text: str, shown: Iterable[Any]) -> dict[str, Any]:
    references = [r.reference for r in shown]
    return {"by": by, "text": text, "rows": len(references), "records": references,
            "shown": f"{SEARCH_SHOWS} of {len(references)} record{'' if len(references) == 1 else 's'}"
            if references else NOTHING_SHOWN}


def record_history_view(session: Session, actor: UserRecord, at: datetime, entity: str, entity_id: int,
                        entries: Iterable[AuditEntry], names: Mapping[str, str]) -> None:
    """One row when a record's history shown to ``actor`` carries personal values (``names``: which
    fields are), saying which; a history without any writes nothing."""
    fields: list[str] = []
    for entry in entries:
        fields += [k for k, v in entry.changes.items() if k in names and v != WITHHELD and k not in fields]
    if fields:
        _write(session, actor, at, entity, entity_id, HISTORY_VIEWED,
               {"shown": ", ".join(names[k] for k in fields)})


def _shown(values: Mapping[str, Any], names: Mapping[str, str]) -> str:
    return ", ".join(names[key] for key, value in values.items() if value not in (None, "", ()))


def enquiry_shown(record: EnquiryRecord) -> str:
    """The subject's personal data an enquiry record carries, by name ("" when none: a locked record)."""
    subject = record.subject
    values = {
        "subject_name": subject.name if subject else None,
        "subject_dob": subject.date_of_birth if subject else None,
        "nationality": subject.nationality if subject else None,
        "ho_reference": subject.ho_reference if subject else None,
        "cts_reference": subject.cts_reference if subject else None,
        "question": record.question, "answer": record.answer, "response": record.response,
    }
    return _shown(values, ENQUIRY_PERSONAL_FIELDS)


def letter_shown(record: LetterRecord) -> str:
    """The subject's personal data a CTS letter's case view carries, by name."""
    values = {
        "subject_name": record.subject_name, "constituent_name": record.constituent_name,
        "ho_reference": record.ho_reference, "issue": record.issue, "question": record.question,
        "draft": record.draft, "background": record.background_note.background,
        "staff_member": record.staff_member,
    }
    return _shown(values, LETTER_PERSONAL_FIELDS)


def withhold_personal(changes: Mapping[str, Any]) -> dict[str, Any]:
    """An enquiry's changes with the subject's values replaced by a note (its passcode is not verified)."""
    return {k: (WITHHELD if k in ENQUIRY_PERSONAL_FIELDS else v) for k, v in changes.items()}


# ------------------------------------------------------------ one record

def trail(session: Session, entity: str, entity_id: int, *, views: bool = False) -> list[AuditEntry]:
    """A record's history, oldest first; ``views=True`` includes who looked at it."""
    stmt = select(AuditLog).where(AuditLog.entity == entity, AuditLog.entity_id == entity_id)
    if not views:
        stmt = stmt.where(AuditLog.action.not_in(sorted(VIEW_ACTIONS)))
    rows = session.scalars(stmt.order_by(AuditLog.at, AuditLog.id))
    return [AuditEntry(at=r.at, username=r.username, action=r.action, entity=r.entity,
                       entity_id=r.entity_id, changes=_changes(r)) for r in rows]


# ------------------------------------------------------- oversight search

@dataclass(frozen=True)
class AuditFilter:
    """What to look for; empty fields do not filter.  Dates are London dates, both ends included."""

    username: str = ""
    action: str = ""
    entity: str = ""
    reference: str = ""  # a hotline or CTS reference: that record's entries
    date_from: date | None = None
    date_to: date | None = None
    text: str = ""  # anywhere in the action, the user name or the changes

    def described(self) -> dict[str, str]:
        """The filters in use, for the audit row of an export."""
        found = {"user": self.username, "action": self.action, "record type": self.entity,
                 "reference": self.reference, "from": self.date_from.isoformat() if self.date_from else "",
                 "to": self.date_to.isoformat() if self.date_to else "", "text": self.text}
        return {k: v for k, v in found.items() if v}


@dataclass(frozen=True)
class AuditLine:
    """One audit entry for the oversight screen and the export.

    ``fields`` names every field the entry touched.  In a search result
    ``changes`` holds the values of the fields that are never anyone's
    personal data (status, region, what a view showed…) and ``complete`` is
    False; ``AuditService.entry`` and ``export``, which are audited, give them
    all.
    """

    id: int
    at: datetime
    username: str
    action: str
    entity: str
    entity_id: int | None
    reference: str  # the record's reference or name where it has one: MPH000123, M00012/26, a username
    fields: tuple[str, ...]
    changes: Mapping[str, Any]
    complete: bool


@dataclass(frozen=True)
class AuditPage:
    lines: tuple[AuditLine, ...]
    limit: int
    more: bool  # more entries matched than ``limit``: the oldest were left out


@dataclass(frozen=True)
class AuditChoices:
    """What the filters can choose from."""

    usernames: tuple[tuple[str, str], ...]  # (username, full name), with ("system", "the desk itself")
    actions: tuple[str, ...]
    entities: tuple[str, ...]


class AuditService:
    """Oversight of the whole trail for team leaders and administrators (``Action.QUERY_AUDIT``).

    Searching writes nothing (a search result carries no personal values);
    opening an entry and exporting are audited.  Newest first means in the
    order written: see ``_statement``.
    """

    def __init__(self, uow: UnitOfWork, clock: Clock):
        self._uow = uow
        self._clock = clock

    def choices(self, actor: UserRecord) -> AuditChoices:
        perm.require(actor, Action.QUERY_AUDIT)
        with actor_check.read(self._uow, actor) as s:
            users = tuple((u, n) for u, n in s.execute(select(User.username, User.full_name).order_by(User.username)))
            actions = tuple(s.scalars(select(AuditLog.action).distinct().order_by(AuditLog.action)))
            entities = tuple(s.scalars(select(AuditLog.entity).distinct().order_by(AuditLog.entity)))
        return AuditChoices(usernames=users + (("system", "the desk itself"),), actions=actions, entities=entities)

    def search(self, actor: UserRecord, filters: AuditFilter, limit: int = SEARCH_LIMIT) -> AuditPage:
        """The newest ``limit`` entries matching ``filters``, newest first, without their values."""
        perm.require(actor, Action.QUERY_AUDIT)
        filters = _checked(filters)
        limit = as_limit(limit, field="Number of entries", maximum=EXPORT_LIMIT)
        with actor_check.read(self._uow, actor) as s:
            return _page(s, actor, filters, limit, complete=False)

    def entry(self, actor: UserRecord, entry_id: int) -> AuditLine:
        """One entry with its values; opening an entry about a case is itself audited, against that case."""
        perm.require(actor, Action.QUERY_AUDIT)
        with self._uow() as s:
            actor_check.require_signed_in_as(s, actor)
            row = s.get(AuditLog, entry_id) if is_row_id(entry_id) else None
            if row is None or not _visible(s, actor, row):
                raise NotFound(f"no audit entry {entry_id}")
            references, locked = _resolve(s, [row])
            line = _line(row, references, complete=True, locked=locked)
            # A case's entry, or a search's (its text is a personal value), is itself a disclosure.
            if row.entity in SUBJECT_ENTITIES and (row.entity_id is not None or row.action == SEARCHED):
                record_view(s, actor, self._clock.now(), row.entity, row.entity_id,
                            f"{row.action}: {', '.join(line.fields)}" if line.fields else row.action,
                            action=VIEWED_IN_AUDIT, audit_entry=row.id)
            return line

    def export(self, actor: UserRecord, filters: AuditFilter, limit: int = EXPORT_LIMIT) -> AuditPage:
        """Every entry matching ``filters`` (up to ``limit``), newest first, with values; audited as an export.

        Read, then the audit row committed, then returned: nothing reaches a
        file unless the export is on the trail.  Two transactions, unlike a
        record's view: reading a hundred thousand entries under SQLite's write
        lock would hold up every desk's saving for seconds.
        """
        perm.require(actor, Action.QUERY_AUDIT)
        filters = _checked(filters)
        limit = as_limit(limit, field="Number of entries", maximum=EXPORT_LIMIT)
        with actor_check.read(self._uow, actor) as s:
            page = _page(s, actor, filters, limit, complete=True)
        with self._uow() as s:
            record(s, actor, self._clock.now(), AUDIT_ENTITY, None, EXPORTED,
                   {**filters.described(), "rows": len(page.lines), **({"cut at": limit} if page.more else {})})
        return page


# -- helpers -----------------------------------------------------------------------


def _checked(f: AuditFilter) -> AuditFilter:
    """The filters as typed, each checked: text that is text, dates that are dates (a clear refusal naming
    the filter, never an AttributeError or a driver's error)."""
    if not isinstance(f, AuditFilter):
        raise ValidationError("filters: give an AuditFilter")
    date_from = as_date(f.date_from, field="The 'from' date")
    date_to = as_date(f.date_to, field="The 'to' date")
    if date_from and date_to and date_from > date_to:
        raise ValidationError("the 'from' date is after the 'to' date")
    return replace(f, username=clean_text(f.username, field="User", max_length=64),
                   action=clean_text(f.action, field="Action", max_length=80),
                   entity=clean_text(f.entity, field="Record type", max_length=32),
                   reference=normalise_reference(clean_text(f.reference, field="Reference", max_length=20)),
                   date_from=date_from, date_to=date_to,
                   text=clean_text(f.text, field="Text", max_length=200))


def _page(s: Session, actor: UserRecord, filters: AuditFilter, limit: int, *, complete: bool) -> AuditPage:
    actor_check.require_signed_in_as(s, actor)
    stmt = _statement(s, actor, filters)
    rows = list(s.scalars(stmt.limit(limit + 1))) if stmt is not None else []
    references, locked = _resolve(s, rows[:limit])
    return AuditPage(tuple(_line(r, references, complete=complete, locked=locked) for r in rows[:limit]),
                     limit, more=len(rows) > limit)


def london_midnight(day: date) -> datetime:
    """The instant a London day starts (00:00 GMT or BST)."""
    return datetime.combine(day, time(0), tzinfo=LONDON)


def _statement(s: Session, actor: UserRecord, f: AuditFilter) -> Select | None:
    """The matching entries, newest first; None when nothing can match (an unknown reference)."""
    stmt = select(AuditLog)
    if f.username:
        stmt = stmt.where(AuditLog.username == f.username)
    if f.action:
        stmt = stmt.where(AuditLog.action == f.action)
    if f.entity:
        stmt = stmt.where(AuditLog.entity == f.entity)
    if f.date_from:
        stmt = stmt.where(AuditLog.at >= london_midnight(f.date_from))
    if f.date_to:
        stmt = stmt.where(AuditLog.at < london_midnight(f.date_to + timedelta(days=1)))
    if f.text:
        like = "%" + f.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        # A locked enquiry's values are withheld from the list, so they must not be matched either:
        # a hit would say which locked record holds, say, a nationality.
        locked = select(Enquiry.id).where(Enquiry.passcode_verified_at.is_(None))
        values_visible = or_(AuditLog.entity != "enquiry", AuditLog.entity_id.is_(None),
                             AuditLog.entity_id.not_in(locked))
        stmt = stmt.where(or_(and_(values_visible, AuditLog.changes.ilike(like, escape="\\")),
                              AuditLog.action.ilike(like, escape="\\"), AuditLog.username.ilike(like, escape="\\")))
    if f.reference:
        targets = [("enquiry", i) for i in s.scalars(select(Enquiry.id).where(Enquiry.reference == f.reference))]
        if reads_letters(s):
            targets += [("letter", i) for i in s.scalars(select(Letter.id).where(Letter.cts_reference == f.reference))]
        if not targets:
            return None
        stmt = stmt.where(or_(*(and_(AuditLog.entity == e, AuditLog.entity_id == i) for e, i in targets)))
    hidden = hidden_letter_ids(s, actor)
    if hidden:
        # A restricted letter exists only for its named handlers [CORR 2.5]: its entries too.
        stmt = stmt.where(or_(AuditLog.entity != "letter", AuditLog.entity_id.is_(None),
                              AuditLog.entity_id.not_in(sorted(hidden))))
    # Newest first in the order the entries were written (the primary key): the order of ``at`` on one
    # database, and a backward walk of the primary key, where ORDER BY at would sort the whole table
    # (2.7 s for a million rows on SQLite; audit_log has no index on ``at``).
    return stmt.order_by(AuditLog.id.desc())


def reads_letters(s: Session) -> bool:
    """Whether this session's login may read CTS letters: on a person's own PostgreSQL login, only the letters'
    roles and the data protection officer may (pg_roles); their entries then show no CTS reference."""
    return not s.info.get(PERSON_LOGIN) or bool(s.scalar(text("SELECT has_table_privilege('letters', 'SELECT')")))


def hidden_letter_ids(s: Session, actor: UserRecord) -> set[int]:
    """Restricted letters (Agency staff) ``actor`` may not see: nothing about them is shown to them [CORR 2.5]."""
    if s.info.get(PERSON_LOGIN):
        # The login may not read letters at all, or only those the row policy shows it: the database answers.
        return set(s.scalars(pg_private.HIDDEN_LETTERS_CALL))
    restricted = dict(s.execute(select(Letter.id, Letter.staff_member).where(Letter.restricted.is_(True))).all())
    if not restricted:
        return set()
    handlers: dict[int, list[str]] = {i: [] for i in restricted}
    for letter_id, username in s.execute(select(LetterHandler.letter_id, User.username)
                                         .join(User, User.id == LetterHandler.user_id)
                                         .where(LetterHandler.letter_id.in_(list(restricted)))):
        handlers[letter_id].append(username)
    return {i for i, staff in restricted.items()
            if not may_see_letter(actor.username, restricted=True, named_handlers=handlers[i],
                                  staff_member=staff or None)}


def _visible(s: Session, actor: UserRecord, row: AuditLog) -> bool:
    return not (row.entity == "letter" and row.entity_id in hidden_letter_ids(s, actor))


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), _IN_CHUNK):
        yield ordered[start:start + _IN_CHUNK]


def _resolve(s: Session, rows: list[AuditLog]) -> tuple[dict[tuple[str, int], str], set[int]]:
    """The reference (or name) of each record the rows are about, and which of the enquiries are locked now."""
    wanted: dict[str, set[int]] = {}
    for r in rows:
        if r.entity_id is not None:
            wanted.setdefault(r.entity, set()).add(r.entity_id)
    references: dict[tuple[str, int], str] = {}
    locked: set[int] = set()
    for ids in _chunks(wanted.get("enquiry", ())):
        for i, ref, verified in s.execute(select(Enquiry.id, Enquiry.reference, Enquiry.passcode_verified_at)
                                          .where(Enquiry.id.in_(ids))):
            references[("enquiry", i)] = ref
            if verified is None:
                locked.add(i)
    for entity, key, name in ((("letter", Letter.id, Letter.cts_reference),) if reads_letters(s) else ()) + (
            ("user", User.id, User.username), ("member", Member.id, Member.name)):
        for ids in _chunks(wanted.get(entity, ())):
            references.update(((entity, i), ref) for i, ref in s.execute(select(key, name).where(key.in_(ids))))
    return references, locked


def _line(r: AuditLog, references: Mapping[tuple[str, int], str], *, complete: bool = False,
          locked: set[int] = frozenset()) -> AuditLine:
    changes = _changes(r)
    if r.entity == "enquiry" and r.entity_id in locked:
        changes = withhold_personal(changes)
    fields = tuple(changes)
    if not complete:
        changes = {k: v for k, v in changes.items() if k in NON_PERSONAL_FIELDS}
    reference = references.get((r.entity, r.entity_id), "") if r.entity_id is not None else ""
    return AuditLine(id=r.id, at=r.at, username=r.username, action=r.action, entity=r.entity,
                     entity_id=r.entity_id, reference=reference, fields=fields, changes=changes, complete=complete)
