"""The telephone line's statistics: the one place their definitions live.

"MPEL will aim to answer all calls within 30 seconds" [MPEL].  Definitions
(the report, the Calls view, the CLI and the tests all take them from here):

* **offered**: an inbound call that reached one of the Enquiry Line's queues
  or rang an extension directly.  The bridge passes on only the line's calls
  (``cti serve --queue``), so every inbound call stored is offered; outbound
  calls never are.
* **wait**: from offered to answered (or, unanswered, to the end), unless the
  PBX measured it itself (AMI ``HoldTime``), which is then taken as it is.
* **answered within threshold**: answered after a wait of at most
  ``THRESHOLD_SECONDS`` (inclusive).
* **abandoned**: an offered call that ended unanswered, whether the caller
  gave up (outcome ``abandoned``) or the line let it ring out or turned it
  away (``missed``: no answer, busy, congestion): either way nobody answered
  it, so both count against the service level.
* **short abandon**: abandoned after a wait of at most
  ``SHORT_ABANDON_SECONDS``: a wrong number or a change of mind, not a
  failure of the line, so left out of the service level's denominator.
* **service level** = answered within threshold / (answered + abandoned −
  short abandons); ``None`` when that is 0.
* **mean wait**: the mean wait of answered calls (the speed of answer);
  **longest wait**: the longest wait of any offered call, answered or not.
* **days** are London days (BST/GMT) of the time the call was offered.

Pure: no Qt, no SQLAlchemy; the service turns these into SQL aggregates.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterable

from .calendar import LONDON

THRESHOLD_SECONDS = 30
SHORT_ABANDON_SECONDS = 5
FORMULA = (f"Service level = calls answered within {THRESHOLD_SECONDS} s ÷ (calls answered + calls abandoned − "
           f"calls abandoned within {SHORT_ABANDON_SECONDS} s). Offered: inbound calls that reached the line's "
           f"queues or rang an extension directly. Mean wait: answered calls. Days are London days.")

# Outcomes of a call (Call.outcome).
RINGING = "ringing"      # offered, not yet answered or ended
ANSWERED = "answered"    # answered (talking, or ended after talking)
ABANDONED = "abandoned"  # inbound, ended unanswered because the caller hung up
MISSED = "missed"        # inbound, ended unanswered by the line: rang out, busy, congestion, not found
OUTBOUND = "outbound"    # a call the line made
UNANSWERED_OUTCOMES = (ABANDONED, MISSED)
OUTCOMES = (RINGING, ANSWERED, ABANDONED, MISSED, OUTBOUND)

# Generic hangup causes (telephony.events) that mean the line, not the caller, ended an unanswered call.
_LINE_ENDED = frozenset({"noAnswer", "busy", "notFound", "congestion"})


def is_offered(direction: str) -> bool:
    return direction == "in"


def outcome_of(direction: str, answered_at: datetime | None, ended_at: datetime | None, cause: str | None) -> str:
    if direction != "in":
        return OUTBOUND
    if answered_at is not None:
        return ANSWERED
    if ended_at is None:
        return RINGING
    return MISSED if cause in _LINE_ENDED else ABANDONED


def wait_of(offered_at: datetime, answered_at: datetime | None, ended_at: datetime | None,
            pbx_wait: float | None) -> float | None:
    """Seconds waited (to the millisecond), or None while still ringing."""
    if pbx_wait is not None:
        return round(max(float(pbx_wait), 0.0), 3)
    until = answered_at or ended_at
    if until is None:
        return None
    return round(max((until - offered_at).total_seconds(), 0.0), 3)


def talk_of(answered_at: datetime | None, ended_at: datetime | None) -> float | None:
    if answered_at is None or ended_at is None:
        return None
    return round(max((ended_at - answered_at).total_seconds(), 0.0), 3)


def within_threshold(wait: float | None) -> bool:
    return wait is not None and wait <= THRESHOLD_SECONDS


def is_short_abandon(wait: float | None) -> bool:
    return wait is not None and wait <= SHORT_ABANDON_SECONDS


def service_level(answered_within: int, answered: int, abandoned: int, abandoned_short: int) -> float | None:
    denominator = answered + abandoned - abandoned_short
    return None if denominator <= 0 else answered_within / denominator


def london_day(at: datetime) -> date:
    return at.astimezone(LONDON).date()


def london_hour(at: datetime) -> int:
    return at.astimezone(LONDON).hour


@dataclass(frozen=True)
class CallCounts:
    """The counts of one group of calls (a day, an agent, an hour, or the whole period)."""

    offered: int = 0
    answered: int = 0
    answered_within_threshold: int = 0
    abandoned: int = 0
    abandoned_short: int = 0
    answered_wait_total: float = 0.0  # for the mean: sums add up across groups, means do not
    longest_wait: float | None = None
    talk_total: float = 0.0

    @property
    def service_level(self) -> float | None:
        return service_level(self.answered_within_threshold, self.answered, self.abandoned, self.abandoned_short)

    @property
    def mean_wait(self) -> float | None:
        return None if not self.answered else round(self.answered_wait_total / self.answered, 3)

    @property
    def mean_talk(self) -> float | None:
        return None if not self.answered else round(self.talk_total / self.answered, 3)

    def __add__(self, other: "CallCounts") -> "CallCounts":
        longest = [w for w in (self.longest_wait, other.longest_wait) if w is not None]
        return CallCounts(self.offered + other.offered, self.answered + other.answered,
                          self.answered_within_threshold + other.answered_within_threshold,
                          self.abandoned + other.abandoned, self.abandoned_short + other.abandoned_short,
                          self.answered_wait_total + other.answered_wait_total,
                          max(longest) if longest else None, self.talk_total + other.talk_total)

    def as_json(self) -> dict:
        return {"offered": self.offered, "answered": self.answered,
                "answered_within_threshold": self.answered_within_threshold, "abandoned": self.abandoned,
                "abandoned_short": self.abandoned_short, "service_level": _round(self.service_level),
                "mean_wait_seconds": self.mean_wait, "longest_wait_seconds": self.longest_wait}


LEAGUE_TITLE = f"Telephone calls answered within {THRESHOLD_SECONDS} seconds"


def league_lines(c: CallCounts) -> tuple[str, ...]:
    """The calls figure as a person reads it under the league table (screen, PDF, text)."""
    level = c.service_level
    share = "no call counts towards it" if level is None else f"{level * 100:.1f} %"
    answered = f"{c.answered:,} answered" + (f" ({c.answered * 100 / c.offered:.1f} %)" if c.offered else "")
    abandoned = (f"{c.abandoned:,} abandoned, {c.abandoned_short:,} of those within {SHORT_ABANDON_SECONDS} s"
                 if c.abandoned else "none abandoned")
    return (
        f"Service level: {share} (aim: every call answered within {THRESHOLD_SECONDS} s).",
        f"{c.offered:,} calls offered; {answered}, {c.answered_within_threshold:,} of them within "
        f"{THRESHOLD_SECONDS} s; {abandoned}.",
        FORMULA,
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def total(groups: Iterable[CallCounts]) -> CallCounts:
    result = CallCounts()
    for counts in groups:
        result = result + counts
    return result


# Periods the Calls view groups days into.
DAY, WEEK, MONTH = "day", "week", "month"
PERIODS = (DAY, WEEK, MONTH)


def period_start(day: date, period: str) -> date:
    """The first day of the week (Monday) or month holding ``day``; the day itself for DAY."""
    if period == WEEK:
        return day - timedelta(days=day.weekday())
    if period == MONTH:
        return day.replace(day=1)
    return day


def by_period(days: Iterable[tuple[date, CallCounts]], period: str) -> list[tuple[date, CallCounts]]:
    """Days' counts added up into weeks or months (starting dates), in order."""
    found: dict[date, CallCounts] = {}
    for day, counts in days:
        key = period_start(day, period)
        found[key] = found.get(key, CallCounts()) + counts
    return sorted(found.items())


def period_label(start: date, period: str) -> str:
    if period == WEEK:
        return f"w/c {start.strftime('%d %b %Y')}"
    if period == MONTH:
        return start.strftime("%b %Y")
    return start.strftime("%a %d %b %Y")


def dates_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]



