"""Writing and reading the audit trail, always inside the caller's transaction."""
from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.models import AuditLog
from ..domain.records import AuditEntry, UserRecord


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def record(session: Session, actor: UserRecord | None, at: datetime, entity: str, entity_id: int | None,
           action: str, changes: dict[str, Any] | None = None) -> None:
    session.add(AuditLog(
        at=at,
        user_id=actor.id if actor else None,
        username=actor.username if actor else "system",
        entity=entity,
        entity_id=entity_id,
        action=action,
        changes=json.dumps({k: _plain(v) for k, v in (changes or {}).items()}, ensure_ascii=False),
    ))


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Field -> [old, new] for the fields whose value changed."""
    return {k: [_plain(before.get(k)), _plain(v)] for k, v in after.items() if before.get(k) != v}


def trail(session: Session, entity: str, entity_id: int) -> list[AuditEntry]:
    rows = session.scalars(
        select(AuditLog).where(AuditLog.entity == entity, AuditLog.entity_id == entity_id)
        .order_by(AuditLog.at, AuditLog.id)
    )
    return [AuditEntry(at=r.at, username=r.username, action=r.action, entity=r.entity,
                       entity_id=r.entity_id, changes=json.loads(r.changes or "{}")) for r in rows]
