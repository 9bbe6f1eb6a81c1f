"""How a person steers a queue: which items a filter keeps, and the order they asked for (issue 14).

One rule for every list the desk shows (Further Action, a region's queue, the
duty board, a letters workstack, Find's results): a filter by status, region,
member, age and free text.  The views hand each item's ``FilterFields`` to
``matches``; a region's queue, read a page at a time from the database,
applies the same filter in SQL (``db.queue_steer_sql``), and a test checks that
both keep the same items.

Age is counted in calendar days between the London dates of receipt and of
today ("received at least 5 days ago"): people steering a queue count on the
wall calendar; deadlines, which count working days, are the status's business.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from .calendar import LONDON
from .text import fold


@dataclass(frozen=True)
class QueueFilter:
    """What to keep; an empty field keeps everything.

    ``status``: the status as the list words it (e.g. ``"overdue"``, ``"With region"``), compared
    case-insensitively; ``region``: a region code; ``member``: part of the Member's name;
    ``min_age_days``: received at least this many days ago; ``text``: part of any of the item's
    texts (reference, subject, nationality, references), case- and accent-insensitive.
    """

    status: str = ""
    region: str = ""
    member: str = ""
    min_age_days: int = 0
    text: str = ""

    @property
    def empty(self) -> bool:
        return not (self.status or self.region or self.member.strip() or self.min_age_days > 0 or self.text.strip())


@dataclass(frozen=True)
class QueueOrder:
    """The order asked for: a column's name (as the list heads it) and the direction; "" is the list's own."""

    column: str = ""
    descending: bool = False

    @property
    def default(self) -> bool:
        return not self.column


@dataclass(frozen=True)
class FilterFields:
    """What the filter looks at in one item."""

    status: str
    region: str | None
    member: str
    received_at: datetime | None
    texts: tuple[str, ...]


def age_days(received_at: datetime, today: date) -> int:
    """Calendar days from the London date of receipt to ``today`` (0 on the day itself)."""
    return (today - received_at.astimezone(LONDON).date()).days


def received_before(today: date, min_age_days: int) -> date:
    """The latest London date of receipt old enough for ``min_age_days`` (SQL filters on it)."""
    return date.fromordinal(today.toordinal() - min_age_days)


def contains(haystacks: Iterable[str], needle: str) -> bool:
    """Every word of ``needle`` occurs in one of ``haystacks`` (folded: 'zoe' finds 'Zoë')."""
    words = fold(needle).split()
    folded = " | ".join(fold(h or "") for h in haystacks)
    return all(w in folded for w in words)


def matches(fields: FilterFields, f: QueueFilter, today: date) -> bool:
    """Whether an item passes the filter (every field given must hold)."""
    if f.status and fold(fields.status) != fold(f.status):
        return False
    if f.region and (fields.region or "") != f.region:
        return False
    if f.member.strip() and not contains((fields.member,), f.member):
        return False
    if f.min_age_days > 0:
        if fields.received_at is None or age_days(fields.received_at, today) < f.min_age_days:
            return False
    if f.text.strip() and not contains(fields.texts, f.text):
        return False
    return True
