"""What changed since a person loaded a record: the refusal of a stale save, with who changed what.

Versioned records (enquiries, letters) add one to ``version`` on every save,
and a save carrying the version the person loaded (``expected_version``) is
refused with ``StaleRecord`` when the record has moved on.  To say *what*
moved it, every audit entry is stamped with its record's *base version*: the
version the record had when the writing transaction first read it (see
``track``; ``audit.record`` writes the stamp, ``audit.trail`` hides it).  The
entries with base version >= the version the person loaded are then exactly
the ones saved after they loaded it, whoever wrote them (another desk, a
sweep) and however many times the row was flushed on the way.  Entries
written without reading the record first (the logging of a new record, a
note that touches only the trail) carry no stamp and are never reported.

The stamp is bookkeeping, not a change: ``audit`` leaves it out wherever it
shows an entry's changes.
"""
from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import event, select
from sqlalchemy.orm import Session, object_session

from ..db.models import AuditLog, User
from ..domain.calendar import LONDON
from ..domain.errors import ConflictingChange, FieldChange, StaleRecord

BASE_VERSION_KEY = "_base_version"
_SESSION_KEY = "mpel_base_versions"
_WRITTEN_KEY = "mpel_versions_written"
_VALUE_TEXT = 60  # long values (a question, a draft) are cut in a message; screens can show more


def track(model: type, entity: str) -> None:
    """Remember the version of each ``model`` row a session reads, under the audit trail's ``entity`` name.

    A re-read before the session writes the row (a sweep that scans, then
    locks and reads again) moves the base on to what it read; a re-read
    after its own write (the refresh that builds the returned record) must
    not move it on to the version it just wrote.
    """
    @event.listens_for(model, "load")
    def _loaded(target, context) -> None:
        context.session.info.setdefault(_SESSION_KEY, {}).setdefault((entity, target.id), target.version)

    @event.listens_for(model, "refresh")
    def _refreshed(target, context, _attrs) -> None:
        info = context.session.info
        if (entity, target.id) not in info.get(_WRITTEN_KEY, ()):
            info.setdefault(_SESSION_KEY, {})[(entity, target.id)] = target.version

    @event.listens_for(model, "after_update")
    def _written(_mapper, _connection, target) -> None:
        session = object_session(target)
        if session is not None:
            session.info.setdefault(_WRITTEN_KEY, set()).add((entity, target.id))


def base_version(session: Session, entity: str, entity_id: int | None) -> int | None:
    """The version ``entity_id`` had when this session first read it; None if it never did."""
    return session.info.get(_SESSION_KEY, {}).get((entity, entity_id))


def changes_since(session: Session, entity: str, entity_id: int, seen_version: int, *,
                  withhold: bool = False) -> tuple[ConflictingChange, ...]:
    """The audited changes saved after version ``seen_version`` was read, oldest first.

    ``withhold`` names the fields but not their values (a record whose
    passcode is not verified carries no personal data, nor does its story).
    Entries that changed no field (printing, say) and the rows saying who
    looked at the record are left out: they did not make it stale.
    """
    # Imported here: audit stamps its rows with ``base_version`` from this module.
    from .audit import VIEW_ACTIONS

    rows = session.execute(
        select(AuditLog, User.full_name).outerjoin(User, User.id == AuditLog.user_id)
        .where(AuditLog.entity == entity, AuditLog.entity_id == entity_id).order_by(AuditLog.id))
    found = []
    for row, full_name in rows:
        changes = json.loads(row.changes or "{}")
        base = changes.pop(BASE_VERSION_KEY, None)
        if base is None or base < seen_version or not changes or row.action in VIEW_ACTIONS:
            continue
        found.append(ConflictingChange(
            at=row.at, username=row.username, full_name=full_name or "", action=row.action,
            fields=tuple(FieldChange.from_audit(k, v, withheld=withhold) for k, v in changes.items())))
    return tuple(found)


def stale_record(session: Session, entity: str, entity_id: int, reference: str, seen_version: int, *,
                 withhold: bool = False) -> StaleRecord:
    """The refusal of a save based on ``seen_version``, saying who changed what since."""
    changes = changes_since(session, entity, entity_id, seen_version, withhold=withhold)
    return StaleRecord(stale_message(reference, changes), reference=reference, changes=changes)


def stale_message(reference: str, changes: tuple[ConflictingChange, ...], *, advice: bool = True) -> str:
    """One line per change, for screens that show only the error's text.

    ``advice=False`` leaves out what to do next, for a screen that has
    already reloaded the record and says so itself.
    """
    head = f"{reference} was changed by someone else since you opened it"
    if not changes:
        return head + ("; reopen it to see their change" if advice else ".")
    lines = [head + ":"] + [f"• {describe(c)}" for c in changes]
    if advice:
        lines.append("Nothing of yours was saved. Reload it to see the record as it is now, then make your "
                     "change again.")
    return "\n".join(lines)


def describe(change: ConflictingChange) -> str:
    """'Tom Leader (leader) at 10:20 on 23 Nov 2026: details updated (question: 'a' → 'b')'."""
    at = change.at.astimezone(LONDON)
    fields = "; ".join(_field_text(f) for f in change.fields)
    return (f"{change.who} at {at:%H:%M} on {at.day} {at:%b %Y}: {change.action}"
            + (f" ({fields})" if fields else ""))


def _field_text(f: FieldChange) -> str:
    name = f.field.replace("_", " ")
    if f.withheld:
        return f"{name} (withheld)"
    if f.old_known:
        return f"{name}: {value_text(f.old)} → {value_text(f.new)}"
    return f"{name}: {value_text(f.new)}"


def value_text(value: object) -> str:
    """A value from the audit trail as a person reads it: blank, yes/no, London times, short text."""
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(value_text(v) for v in value)
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        # The trail keeps dates and instants as ISO text.
        try:
            if len(value) == 10:
                day = date.fromisoformat(value)
                return f"{day.day} {day:%b %Y}"
            at = datetime.fromisoformat(value).astimezone(LONDON)
            return f"{at:%H:%M} on {at.day} {at:%b %Y}"
        except ValueError:
            pass
    text = " ".join(str(value).split())
    text = text if len(text) <= _VALUE_TEXT else text[:_VALUE_TEXT - 1] + "…"
    return f"'{text}'" if isinstance(value, str) else text
