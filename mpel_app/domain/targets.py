"""Regional response targets and the traffic-light status of queued work.

The numbers come from domain-rules §3 ([MPEL]): phone and fax enquiries sent
to a region are answered in 5 working days, or 10 if the file is needed;
email enquiries 90 % within 10 working days and 100 % within 20.  ``response_days``
is the one place that picks the number for an enquiry.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from mpel_app.domain.calendar import CUT_OFF, LONDON, START_OF_DAY, WorkingCalendar, region_calendar
from mpel_app.domain.records import QueueStatus

REGIONAL_DAYS = 5
REGIONAL_DAYS_FILE_NEEDED = 10

EMAIL_DAYS_90 = 10  # 90 % of email enquiries within this many working days
EMAIL_DAYS_100 = 20  # and all of them within this many

EMAIL = "email"  # Channel.EMAIL's value (records.Channel); compared as text so stored values work too


def response_days(channel: str, file_needed: bool) -> int:
    """Working days a region has to respond: the one rule behind every due date.

    E-mail enquiries are due in ``EMAIL_DAYS_90`` (the day by which 90 % must be
    answered; the league table also reports the 100 % line, ``EMAIL_DAYS_100``),
    whether or not the file is needed: the e-mail target has no file allowance.
    Telephone and fax: 5 working days, or 10 when the file is needed.
    """
    if str(channel) == EMAIL:
        return EMAIL_DAYS_90
    return REGIONAL_DAYS_FILE_NEEDED if file_needed else REGIONAL_DAYS


def target_text(channel: str, file_needed: bool) -> str:
    """How a person is told an enquiry's target, e.g. in the queue's detail view."""
    days = response_days(channel, file_needed)
    if str(channel) == EMAIL:
        return f"{days} working days (e-mail: 90 % within {EMAIL_DAYS_90}, all within {EMAIL_DAYS_100})"
    return f"{days} working days" + (" (file needed)" if file_needed else "")


def regional_response_due(
    received_at: datetime,
    region_code: str,
    file_needed: bool,
    closures: Iterable[date] = (),
    *,
    channel: str = "telephone",
) -> date:
    """Due date of a region's response (``response_days``), counted on that region's calendar.

    The same day as ``explain_regional_due(...).due``, without writing out the explanation (twenty
    times the cost: the legacy import asks for hundreds of thousands of these); both count with
    ``WorkingCalendar`` from the day of effective receipt, and tests/domain/test_regional_due_agrees.py
    holds them equal."""
    return region_calendar(region_code, closures).due_date(received_at, response_days(channel, file_needed))


NATION_CALENDARS = {"ENG": "England and Wales", "SCT": "Scotland", "NIR": "Northern Ireland"}
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _day(d: date) -> str:
    return f"{_DAYS[d.weekday()]} {d.day} {_MONTHS[d.month - 1]} {d.year}"


@dataclass(frozen=True)
class DueExplanation:
    """Why a due date is what it is, step by step, as "Why is it due then?" says it."""

    due: date
    day0: date
    working_days: int
    skipped: tuple[tuple[date, str], ...]  # each day passed over, and why (weekend, a named bank holiday, closure)
    lines: tuple[str, ...]


def day_text(d: date) -> str:
    """A date as every explanation writes it: ``Wed 6 Jan 2027``."""
    return _day(d)


def count_working_days(calendar: WorkingCalendar, start: date, n: int) -> tuple[list[date], list[tuple[date, str]]]:
    """The ``n`` working days after ``start`` (before it when ``n`` is negative), and each day
    passed over with its reason: a weekend, a bank holiday by name, or a closure."""
    holidays = {**calendar.bank_holidays(start.year - 1), **calendar.bank_holidays(start.year),
                **calendar.bank_holidays(start.year + 1)}
    step = timedelta(days=1 if n >= 0 else -1)
    counted: list[date] = []
    skipped: list[tuple[date, str]] = []
    day = start
    while len(counted) < abs(n):
        day += step
        if calendar.is_working_day(day):
            counted.append(day)
        elif day.weekday() >= 5:
            skipped.append((day, "weekend"))
        elif day in holidays:
            skipped.append((day, f"bank holiday ({NATION_CALENDARS[calendar.nation]}): {holidays[day]}"))
        else:
            skipped.append((day, "office closed"))
    return counted, skipped


def skipped_lines(skipped: Iterable[tuple[date, str]]) -> list[str]:
    """How the days passed over are told: weekends counted, the rest by date and name."""
    skipped = list(skipped)
    lines = []
    named = [f"{_day(d)} — {why}" for d, why in skipped if why != "weekend"]
    weekends = sum(1 for _d, why in skipped if why == "weekend")
    if weekends:
        lines.append(f"Skipped {weekends} weekend day{'s' if weekends != 1 else ''}.")
    if named:
        lines.append("Skipped: " + "; ".join(named) + ".")
    return lines


def due_line(due: date) -> str:
    return f"Due by the end (23:59) of {_day(due)}."


def explain_working_days(start_at: datetime, calendar: WorkingCalendar, days: int, target: str, *,
                         started: str = "Received") -> DueExplanation:
    """Due ``days`` working days after ``start_at`` (``WorkingCalendar.due_date``), told step by step.

    Day 0 is the day of ``start_at``, or the next working day at 09:00 when it
    came after 18:00 or on a closed day; due by the end of the N-th working day
    after it.  ``target`` says which target this is; ``started`` names the event
    the count starts from ("Received", "Allocated", ...).
    """
    received = start_at.astimezone(LONDON)
    day0 = calendar.effective_receipt(start_at).date()
    lines = [f"{started} {_day(received.date())} at {received:%H:%M} (UK time)."]
    if day0 != received.date():
        why = (f"after the {CUT_OFF:%H:%M} cut-off" if calendar.is_working_day(received.date())
               else "on a day the office is closed")
        lines.append(f"That was {why}, so it counts as {started.lower()} at {START_OF_DAY:%H:%M} on {_day(day0)}.")
    lines.append(f"Day 0 is {_day(day0)}.")
    lines.append(f"Target: {target}.")
    counted, skipped = count_working_days(calendar, day0, days)
    lines.append("Working days counted: " + ", ".join(f"{n} {_day(d)[:-5]}" for n, d in enumerate(counted, 1)) + ".")
    lines.extend(skipped_lines(skipped))
    due = counted[-1] if counted else day0
    lines.append(due_line(due))
    return DueExplanation(due=due, day0=day0, working_days=days, skipped=tuple(skipped), lines=tuple(lines))


def explain_regional_due(received_at: datetime, region_code: str, file_needed: bool,
                         closures: Iterable[date] = (), *, channel: str = "telephone") -> DueExplanation:
    """The regional response target (domain-rules §3), counted day by day with the reasons.

    Counted by ``explain_working_days`` with the reasons; ``regional_response_due`` gives the same
    day without them (both from ``response_days`` on the region's calendar; a test holds them equal).
    """
    calendar = region_calendar(region_code, closures)
    days = response_days(channel, file_needed)
    if str(channel) == EMAIL:
        target = f"{days} working days: an e-mail enquiry (90 % within {EMAIL_DAYS_90}, all within {EMAIL_DAYS_100})"
    elif file_needed:
        target = f"{days} working days: the file is needed ({REGIONAL_DAYS} otherwise)"
    else:
        target = f"{days} working days: no file needed ({REGIONAL_DAYS_FILE_NEEDED} if the file is needed)"
    return explain_working_days(received_at, calendar, days, target)


@dataclass(frozen=True)
class DueBands:
    """The traffic-light rule on one day: the due dates that split the lights, and ``status``.

    Due before ``overdue_before`` -> OVERDUE; due from then up to and including
    ``due_soon_until`` -> DUE_SOON; due later -> ON_TIME.  Worked out once per
    day and calendar (``due_bands``), so a long queue can be counted by due-date
    ranges in SQL with exactly the rule each item's status comes from.
    """

    overdue_before: date
    due_soon_until: date

    def status(self, due: date, *, urgent: bool = False, done: bool = False) -> QueueStatus:
        """In order:
        - urgent and not done -> URGENT, whatever the date: it needs action now;
        - done -> ON_TIME: nothing is left to chase (lateness of finished work is
          a reporting question, answered from the completion time, not here);
        - otherwise by the due date's band.
        """
        if urgent and not done:
            return QueueStatus.URGENT
        if done:
            return QueueStatus.ON_TIME
        if due < self.overdue_before:
            return QueueStatus.OVERDUE
        if due <= self.due_soon_until:
            return QueueStatus.DUE_SOON
        return QueueStatus.ON_TIME


def due_bands(today: date, calendar: WorkingCalendar) -> DueBands:
    """Overdue once the due day has passed; due soon when due today or by the next working day
    (so on a Friday or at a weekend, Monday's items are already flagged).  A range rather than
    equality, so a due date that is itself a closed day (possible for hand-entered dates) still
    turns amber in time."""
    return DueBands(overdue_before=today, due_soon_until=calendar.next_working_day(today))


def queue_status(
    due: date,
    today: date,
    calendar: WorkingCalendar,
    *,
    urgent: bool = False,
    done: bool = False,
) -> QueueStatus:
    """Traffic light for an item due by the end of ``due``, seen on ``today`` (``DueBands.status``)."""
    return due_bands(today, calendar).status(due, urgent=urgent, done=done)
