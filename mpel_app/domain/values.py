"""Checks of the typed values callers hand the services: dates, instants, yes/no flags, choices, row ids.

A screen or a script that passes the wrong kind of value (the text "no" for a
flag, a string for a date, a naive datetime) must be told so, naming the field,
before anything is written: not fail deep inside the database driver, and not
be quietly taken for something else (``bool("no")`` is True).
"""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TypeVar

from .errors import ValidationError

E = TypeVar("E", bound=StrEnum)

# The largest id a database row can have (a signed 64-bit integer on both backends).
MAX_ROW_ID = 2**63 - 1


def as_date(value: object, *, field: str) -> date | None:
    """A calendar date or None; a datetime is refused (its time and zone would be dropped silently)."""
    if value is None:
        return None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValidationError(f"{field} must be a date, not {_kind(value)}")
    return value


def as_instant(value: object, *, field: str) -> datetime | None:
    """A timezone-aware datetime or None."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise ValidationError(f"{field} must be a date and time, not {_kind(value)}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(f"{field} must say its time zone (a naive date and time is ambiguous)")
    return value


def as_flag(value: object, *, field: str) -> bool:
    """True or False, nothing else: the text "no" is not False."""
    if not isinstance(value, bool):
        raise ValidationError(f"{field} must be yes or no (True or False), not {_kind(value)}")
    return value


def as_choice(value: object, choices: type[E], *, field: str) -> E:
    """One of an enumeration's values (given as the member or its text)."""
    try:
        return choices(value)
    except (ValueError, TypeError):
        allowed = ", ".join(c.value for c in choices)
        raise ValidationError(f"{field} must be one of {allowed}, not {value!r}") from None


def as_limit(value: object, *, field: str, maximum: int) -> int:
    """How many results to return: a whole number from 1 to ``maximum`` (not a bool, not 10**30)."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationError(f"{field} must be a whole number, not {_kind(value)}")
    if not 1 <= value <= maximum:
        raise ValidationError(f"{field} must be from 1 to {maximum}, not {str(value)[:40]}")
    return value


def as_row_id(value: object, *, field: str) -> int:
    """A row's id as a caller may hand it: a whole number a row can have; anything else is a clear refusal."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{field} must be a record's number, not {_kind(value)}")
    if not is_row_id(value):
        raise ValidationError(f"{field} {str(value)[:40]} is not a record's number")
    return value


def is_row_id(value: object) -> bool:
    """Whether ``value`` could be a row's id: a positive integer the databases can hold (not a bool)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ROW_ID


def _kind(value: object) -> str:
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    return f"{type(value).__name__} {str(value)[:40]!r}"
