"""The one internal call-event model every CTI adapter produces and the call store consumes.

Its vocabulary is the generic CTI format that PBX connectors already speak
(Zammad's): three events, ``newCall``, ``answer`` and ``hangup``, with the
fields ``from``, ``to``, ``direction``, ``callId``, ``user``, ``queue`` and
``cause``.  The Asterisk adapter turns AMI legs into these; the HTTP endpoint
parses them from webhooks; the store (``services/calls.py``) records them.
No Qt, no SQLAlchemy here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

NEW_CALL = "newCall"
ANSWER = "answer"
HANGUP = "hangup"
EVENTS = (NEW_CALL, ANSWER, HANGUP)

INBOUND = "in"
OUTBOUND = "out"
DIRECTIONS = (INBOUND, OUTBOUND)

# Generic hangup causes (Zammad's words); the AMI adapter maps Q.850 codes onto them.
NORMAL_CLEARING = "normalClearing"
BUSY = "busy"
NO_ANSWER = "noAnswer"
NOT_FOUND = "notFound"
CONGESTION = "congestion"
CANCEL = "cancel"          # the caller hung up before anyone answered (an abandon when inbound)
FORWARDED = "forwarded"
CAUSES = (NORMAL_CLEARING, BUSY, NO_ANSWER, NOT_FOUND, CONGESTION, CANCEL, FORWARDED)


@dataclass(frozen=True)
class CtiEvent:
    """One thing that happened to one call, as the PBX reported it.

    ``at`` is timezone-aware: the PBX's own time when it gave one (AMI
    ``Timestamp``, a webhook's time field), otherwise the time of receipt.
    ``users`` are the agents rung (``newCall``) or the one who answered
    (``answer``): AMI interfaces such as ``PJSIP/2001``, or webhook user names.
    ``wait_seconds`` is the PBX's own measure of the wait when it has one
    (AMI ``HoldTime``); otherwise the store derives it from the times.
    ``event_key`` identifies the event at its source, so an event replayed
    after a reconnect is recognised and not counted twice.
    """

    event: str
    call_id: str
    at: datetime
    direction: str = INBOUND
    from_number: str = ""
    to_number: str = ""
    users: tuple[str, ...] = ()
    queue: str | None = None
    cause: str | None = None
    wait_seconds: float | None = None
    source: str = "http"
    event_key: str | None = None

    def __post_init__(self) -> None:
        if self.event not in EVENTS:
            raise ValueError(f"Unknown CTI event {self.event!r}: expected one of {', '.join(EVENTS)}")
        if self.direction not in DIRECTIONS:
            raise ValueError(f"Unknown call direction {self.direction!r}: expected 'in' or 'out'")
        if not self.call_id:
            raise ValueError("A CTI event needs a callId")
        if self.at.tzinfo is None:
            raise ValueError("A CTI event's time must be timezone-aware")


class CallEventSink(Protocol):
    """Where adapters deliver events: the call store in production, a list in unit tests."""

    def handle(self, event: CtiEvent) -> None: ...
