"""Chasing late work [GP]: what is on the chasing list, and the reminder its holder is sent.

"Effective systems in place to monitor and chase replies"; "transfers monitored until the
receiving unit accepts".  On the list: every open item overdue or due within a working day
(the desk's traffic light, ``targets.due_bands``: overdue or due soon), across all regions and
units, with who holds it; and every letter sent to a unit that has not yet accepted it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from .calendar import LONDON, WorkingCalendar
from .records import QueueStatus
from .targets import due_bands

OVERDUE = "overdue"
DUE_SOON = "due within a working day"
AWAITING_ACCEPTANCE = "sent to the unit, not yet accepted"


def chase_reason(due: date, today: date, calendar: WorkingCalendar) -> str | None:
    """Why an open item due on ``due`` is chased today, or None when it need not be."""
    status = due_bands(today, calendar).status(due)
    if status is QueueStatus.OVERDUE:
        return OVERDUE
    if status is QueueStatus.DUE_SOON:
        return DUE_SOON
    return None


@dataclass(frozen=True)
class ChaseItem:
    entity: str  # "enquiry" or "letter", as in the audit trail
    entity_id: int
    reference: str
    where: str  # region code or drafting unit code ("MPCS")
    holder: str  # who holds it: a person, a regional inbox, a unit
    holder_email: str  # "" when nobody can be written to
    due: date
    reason: str
    last_chased_at: datetime | None = None
    last_chased_by: str = ""

    @property
    def chased_text(self) -> str:
        if self.last_chased_at is None:
            return "not chased"
        return f"chased {self.last_chased_at.astimezone(LONDON):%d %b %H:%M} by {self.last_chased_by}"


def chase_subject(item: ChaseItem) -> str:
    return f"Reminder: {item.reference} is {item.reason} (due {item.due:%a %d %b %Y})"


def chase_body(item: ChaseItem, chaser: str) -> str:
    action = ("Please accept or reject it today: a unit has two working days to decide [CORR 1.4]."
              if item.reason == AWAITING_ACCEPTANCE else
              "Please reply to the MP's office, or tell us when a reply will go and why it is late.")
    return (f"{item.reference} ({item.where}) is {item.reason}: it was due by the end of "
            f"{item.due:%A %d %B %Y}.\n\n{action}\n\n{chaser}\n(Sent from MPEL Desk's chasing list; "
            "the reminder is recorded on the item.)")
