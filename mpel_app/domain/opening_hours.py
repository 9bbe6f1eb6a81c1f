"""The Enquiry Line's opening hours, and time counted only while the office is open.

domain-rules §1: Mon-Thu 09:00-18:00, Fri 10:30-18:00, UK local time, working
days only. Used for "30 minutes of working time" before an unacknowledged
urgent item is escalated: a call at 17:50 on Friday escalates at 10:50 on
Monday, not at 18:20 on Friday evening.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta

from .calendar import LONDON, WorkingCalendar

OPENING_HOURS: dict[int, tuple[time, time]] = {
    0: (time(9, 0), time(18, 0)),
    1: (time(9, 0), time(18, 0)),
    2: (time(9, 0), time(18, 0)),
    3: (time(9, 0), time(18, 0)),
    4: (time(10, 30), time(18, 0)),
}


def _open_span(day, calendar: WorkingCalendar) -> tuple[datetime, datetime] | None:
    if not calendar.is_working_day(day) or day.weekday() not in OPENING_HOURS:
        return None
    opens, closes = OPENING_HOURS[day.weekday()]
    return datetime.combine(day, opens, tzinfo=LONDON), datetime.combine(day, closes, tzinfo=LONDON)


def is_open(at: datetime, calendar: WorkingCalendar) -> bool:
    local = at.astimezone(LONDON)
    span = _open_span(local.date(), calendar)
    return span is not None and span[0] <= local < span[1]


def add_working_time(start: datetime, amount: timedelta, calendar: WorkingCalendar) -> datetime:
    """The instant when `amount` of opening time has passed since `start` (timezone-aware)."""
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    if amount < timedelta(0):
        raise ValueError("amount must not be negative")
    local = start.astimezone(LONDON)
    day = local.date()
    remaining = amount
    for _ in range(3660):  # ten years of days: a bound, never reached in practice
        span = _open_span(day, calendar)
        if span is not None:
            begin = max(span[0], local)
            if begin < span[1]:
                available = span[1] - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
        day += timedelta(days=1)
    raise ValueError("no opening hours found within ten years")


def working_time_between(start: datetime, end: datetime, calendar: WorkingCalendar) -> timedelta:
    """Opening time that passes between two instants (zero if end is not after start)."""
    total = timedelta(0)
    s, e = start.astimezone(LONDON), end.astimezone(LONDON)
    day = s.date()
    while day <= e.date():
        span = _open_span(day, calendar)
        if span is not None:
            lo, hi = max(span[0], s), min(span[1], e)
            if hi > lo:
                total += hi - lo
        day += timedelta(days=1)
    return total
