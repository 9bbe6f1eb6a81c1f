"""Column types that behave the same on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import DateTime, String
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Stores an aware instant as UTC and always gives back an aware UTC datetime.

    SQLite has no time zones; without this a value read back would be naive and
    compare wrongly against the clock.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("refusing to store a naive datetime; pass an aware one")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def search_key(length: int) -> String:
    """A folded search key compared by byte order on both databases.

    PostgreSQL's default collation would make range (prefix) scans inexact, so
    the column is collated "C" there; SQLite compares bytes already.
    """
    return String(length).with_variant(String(length, collation="C"), "postgresql")
