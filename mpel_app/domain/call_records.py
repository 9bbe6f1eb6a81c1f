"""What the call services hand out: plain immutable records of calls, the ringing strip, the report."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from .call_stats import CallCounts

# How a caller was recognised (Call.match_kind).
EXACT = "exact"        # a member's office number
LEARNED = "learned"    # a number seen on earlier calls linked to an enquiry for a member
NO_MATCH = "none"      # an unknown number, an extension, junk
WITHHELD = "withheld"  # the caller hid their number
MATCH_KINDS = (EXACT, LEARNED, NO_MATCH, WITHHELD)


@dataclass(frozen=True)
class OfficeEnquiry:
    """One of a ringing office's recent enquiries: reference, status and date only, never the subject."""

    id: int
    reference: str
    status: str
    channel: str
    received_at: datetime


@dataclass(frozen=True)
class RingingCall:
    """What the ringing strip shows, and what starting a record from the call needs."""

    call_id: str
    number: str  # formatted for a person, or "Number withheld"
    caller_e164: str
    who: str  # "Jane Smith MP's office", "caseworker for Jane Smith MP", "unknown number", "number withheld"
    match_kind: str
    member_id: int | None
    member_name: str
    queue: str | None
    offered_at: datetime
    answered_at: datetime | None
    answered_by_me: bool
    enquiry_id: int | None
    recent: tuple[OfficeEnquiry, ...]


@dataclass(frozen=True)
class CallRecord:
    """A stored call, as lists and the record window show it."""

    id: int
    call_id: str
    direction: str
    number: str
    caller_e164: str
    who: str
    match_kind: str
    member_id: int | None
    queue: str | None
    offered_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    wait_seconds: float | None
    talk_seconds: float | None
    outcome: str
    answered_by: str  # the user's name, or the PBX's name for the agent
    enquiry_id: int | None
    dealt_with_at: datetime | None
    dealt_with_by: str
    version: int


CALL_BACK_PENDING, CALL_BACK_PLACED, CALL_BACK_FAILED = "pending", "placed", "failed"


@dataclass(frozen=True)
class CallbackRequest:
    """Ring ``number`` from the agent's own phone: queued in the database (``id``) for the CTI bridge,
    which alone holds the phone system's session, to place with AMI ``Originate``."""

    call_id: str
    number: str  # E.164
    interface: str  # the agent's phone, e.g. PJSIP/2001
    extension: str
    id: int | None = None  # the queued call back (call_backs row)
    state: str = CALL_BACK_PENDING  # pending / placed / failed
    message: str = ""  # the phone system's answer, once placed or failed


@dataclass(frozen=True)
class AgentCounts:
    agent: str
    user_id: int | None
    counts: CallCounts
    rung: int = 0


@dataclass(frozen=True)
class LongWait:
    call_id: str
    offered_at: datetime
    wait_seconds: float
    outcome: str
    queue: str | None


@dataclass(frozen=True)
class CallReport:
    first: date
    last: date
    queue: str | None
    totals: CallCounts
    by_day: tuple[tuple[date, CallCounts], ...]  # every London day of the period, calls or not
    by_agent: tuple[AgentCounts, ...]
    by_hour: tuple[tuple[int, CallCounts], ...]  # London hour of the day 0-23, hours with calls
    longest: tuple[LongWait, ...]
