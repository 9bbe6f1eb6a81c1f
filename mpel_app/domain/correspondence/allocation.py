"""Allocation to a drafting unit: the two-day rule and escalation [CORR 1.4].

A unit has two working days from allocation to accept or reject a letter.
Counting follows domain-rules §3: the day of allocation is day 0 (an
allocation at or after 18:00, or on a non-working day, counts from 09:00 on
the next working day), and the decision is due by the end (23:59:59 London
time) of the 2nd working day after it.  So a letter allocated on Thursday 24
December 2026 is due by the end of Wednesday 30 December (25 and 28 December
are bank holidays), and is enforced from 00:00 on Thursday 31 December.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from ..calendar import LONDON, WorkingCalendar

DECISION_WORKING_DAYS = 2
ESCALATE_AFTER_REJECTIONS = 2


def decision_deadline(allocated_at: datetime, calendar: WorkingCalendar) -> date:
    """The last day on which the unit may still accept or reject the letter."""
    return calendar.due_date(allocated_at, DECISION_WORKING_DAYS)


def should_enforce(allocated_at: datetime, now: datetime, calendar: WorkingCalendar) -> bool:
    """True once the unit has held the letter for more than two working days undecided.

    Enforcement starts at the first instant of the day after the decision
    deadline, London time.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware (store instants in UTC); got a naive datetime")
    return now.astimezone(LONDON).date() > decision_deadline(allocated_at, calendar)


def _unit_key(unit: str) -> str:
    return " ".join(unit.split()).casefold()


def needs_escalation(rejecting_units: Iterable[str]) -> bool:
    """Rejected by two or more different units: MPCS escalates to their heads [CORR 1.4].

    A unit that rejects the same letter twice counts once; names are compared
    without regard to case or spacing, and blank names are ignored.
    """
    distinct = {_unit_key(u) for u in rejecting_units if u and u.strip()}
    return len(distinct) >= ESCALATE_AFTER_REJECTIONS
