"""Passcode guessing across calls: the limit per MP's office (domain-rules §5; issue #19 finding 4).

The three-try limit is per call; someone guessing an office's passcode simply calls again.  So wrong
passcodes are also counted per office, on every call and desk:

*Decision*: ``OFFICE_FAILURE_LIMIT`` (6) wrong passcodes for one office within ``OFFICE_WINDOW`` (24 hours),
counted since the office's passcode was last cleared or changed, lock that office's passcode.  Two calls
that each used up their three tries are already more than a forgetful caseworker makes in a day.  While
locked no passcode of that office is checked at all (so guessing learns nothing), every attempt is still
logged, and the MPEL team leader or an administrator clears the lock (``MemberService.clear_passcode_lock``)
or gives the office a new passcode, after speaking to the office.
"""
from __future__ import annotations

from datetime import datetime, timedelta

OFFICE_FAILURE_LIMIT = 6
OFFICE_WINDOW = timedelta(hours=24)


def counting_from(now: datetime, cleared_at: datetime | None) -> datetime:
    """The first instant whose failures count towards the office's limit now."""
    start = now - OFFICE_WINDOW
    return max(start, cleared_at) if cleared_at is not None else start


def office_locks(failures: int) -> bool:
    """Whether this many failures in the window lock the office's passcode."""
    return failures >= OFFICE_FAILURE_LIMIT


def locked_message(office: str) -> str:
    return (f"the passcode of {office}'s office is locked after repeated wrong passcodes: no information may "
            "be given; the MPEL team leader or an administrator must speak to the office and clear it")
