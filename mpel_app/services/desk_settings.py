"""Writing one desk-wide setting (the ``settings`` table), audited, for the services that own a setting."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ..db import repositories as repo
from ..db.models import Setting
from ..domain.records import UserRecord
from . import audit


def save_setting(s: Session, actor: UserRecord, now: datetime, key: str, value: str, action: str, field: str) -> None:
    """Set ``key`` to ``value`` in ``s``'s transaction, with an audit row ``action`` showing old and new."""
    repo.lock_key(s, f"settings: {key}")  # two desks saving it first at once take turns
    row = s.get(Setting, key)
    old = row.value if row else ""
    if row is None:
        row = Setting(key=key)
        s.add(row)
    row.value, row.updated_at, row.updated_by_id = value, now, actor.id
    audit.record(s, actor, now, "setting", None, action, {field: [old, value]})
