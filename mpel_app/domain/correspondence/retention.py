"""How long scanned letters and replies are kept [CORR 1.9].

"Two years plus the current year": *Decision* — a scanned letter or reply is
kept for the rest of the calendar year it was created in and the two
calendar years after, and is purged from 1 January of the third year after.
A letter received on 15 March 2024 is kept until 31 December 2026 and purged
from 1 January 2027.  Each document counts from its own date: the letter
from its receipt, the reply from its dispatch.  The case record and its
audit trail are never purged.
"""
from __future__ import annotations

from datetime import date, datetime

from ..calendar import LONDON

RETAINED_FULL_YEARS = 2


def purge_from(created: date | datetime) -> date:
    """The first day on which the document may be purged."""
    if isinstance(created, datetime):
        if created.tzinfo is None or created.utcoffset() is None:
            raise ValueError("created must be timezone-aware (store instants in UTC); got a naive datetime")
        created = created.astimezone(LONDON).date()  # the year as the UK saw it
    return date(created.year + RETAINED_FULL_YEARS + 1, 1, 1)


def purge_due(created: date | datetime, today: date) -> bool:
    return today >= purge_from(created)
