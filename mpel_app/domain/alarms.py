"""Which alarm goes to whom, what it tells them to do, and how loud each status is (issue 14).

Alarm fatigue: a banner nobody can act on, or a queue of old overdue items
painted red, teaches people to ignore red.  So:

* each alarm goes only to the roles that can act on it (``shown_to``), the
  same permissions the services check;
* red (``Tone.ACT_NOW``) is kept for what needs action today: an urgent item
  nobody has acknowledged yet.  Overdue work is already late: it is said in
  words and a muted colour (``Tone.LATE``), so a queue of 200 overdue items is
  not a wall of red; due soon is amber (``Tone.SOON``).
"""
from __future__ import annotations

from enum import Enum, StrEnum

from . import permissions as perm
from .permissions import Action
from .records import QueueStatus, UserRecord


class Alarm(StrEnum):
    OUTBOX = "messages waiting to be delivered"
    ESCALATION = "urgent items escalated to a region's team leader"
    NEW_URGENT = "a new urgent item in a region's queue"
    NEW_LETTER = "a new letter in a workstack"


# Who can act: on undelivered mail, whoever may retry it or send it by other means; on an
# escalation, whoever may acknowledge the item (the region's staff, the duty board).
_ACTIONS: dict[Alarm, tuple[Action, ...]] = {
    Alarm.OUTBOX: (Action.WORK_OUTBOX,),
    Alarm.ESCALATION: (Action.WORK_REGION_QUEUE, Action.DUTY_BOARD),
    Alarm.NEW_URGENT: (Action.WORK_REGION_QUEUE, Action.DUTY_BOARD),
}


def shown_to(user: UserRecord, alarm: Alarm) -> bool:
    """Whether ``user`` gets ``alarm`` (a letter's arrival goes to whoever has the workstack it is in)."""
    actions = _ACTIONS.get(alarm)
    if actions is None:
        return user.active
    return any(perm.allowed(user, a) for a in actions)


OUTBOX_WHAT_TO_DO = ("Open the Outbox (Ctrl+Shift+O) to retry, or send each by other means and "
                     "record it as sent.")
ESCALATION_WHAT_TO_DO = "Acknowledge them in the region's queue (Ctrl+K) or from the Duty board."


class Tone(Enum):
    """How loud a status is shown."""

    QUIET = "quiet"
    SOON = "soon"  # amber
    LATE = "late"  # muted: already late, said in words
    ACT_NOW = "act now"  # red: needs action today


def tone(status: QueueStatus | None) -> Tone:
    if status is QueueStatus.URGENT:
        return Tone.ACT_NOW
    if status is QueueStatus.OVERDUE:
        return Tone.LATE
    if status is QueueStatus.DUE_SOON:
        return Tone.SOON
    return Tone.QUIET


def needs_action_now(urgent: bool, acknowledged: bool) -> bool:
    """An urgent item is URGENT until someone acknowledges it; after that its due date speaks for it.

    The one rule the queue's row, its status count and the selected case's heading all follow.
    """
    return urgent and not acknowledged
