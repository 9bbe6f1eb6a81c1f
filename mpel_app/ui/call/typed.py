"""What the agent types into the call screen, read as dates and times, and what is wrong with it as it is typed.

``parse_*`` read a finished field (blank is ``None``; ``ValueError`` says
what is wrong, for the save).  ``*_problem`` look at a field while it is
being typed and say what is already wrong with it, so a date typed into
the time box (a habitual Tab) is named at once rather than truncated
silently (issue 13, finding 4).
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from ...domain.calendar import LONDON
from ...domain.urgency import IMMINENT_WINDOW, UrgentRouting
from ..models import format_span

_DAY = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*$")
_CLOCK = re.compile(r"^\s*(\d{1,2})\s*[:.h]?\s*(\d{2})\s*$")
# What a date may look like while it is being typed: digits and separators, in the dd/mm/yyyy order.
_DAY_SO_FAR = re.compile(r"^\s*\d{0,2}(\s*[/.\-]\s*\d{0,2}(\s*[/.\-]\s*\d{0,4})?)?\s*$")
_CLOCK_SO_FAR = re.compile(r"^\s*\d{0,2}(\s*[:.h]?\s*\d{0,2})?\s*$")
_LOOKS_LIKE_DATE = re.compile(r"\d{1,2}\s*[/\-]\s*\d{1,2}|\d{1,2}\.\d{1,2}\.")


def parse_day(text: str, field: str) -> date | None:
    """dd/mm/yyyy for ``field``; blank is None.  ValueError says what is wrong."""
    if not text.strip():
        return None
    match = _DAY.match(text)
    if not match:
        raise ValueError(f"{field}: type it as dd/mm/yyyy, for example 24/11/2026")
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{field}: {text.strip()} is not a real date") from None


def parse_dob(text: str) -> date | None:
    """dd/mm/yyyy (also with '.' or '-'); blank means not known.  ValueError says what is wrong."""
    try:
        return parse_day(text, "Date of birth")
    except ValueError as exc:
        if "not a real date" in str(exc):
            raise
        raise ValueError("Date of birth: type it as dd/mm/yyyy, for example 07/03/1985, or leave it blank") from None


def parse_clock(text: str, field: str) -> time | None:
    """A time of day, 24-hour: ``22:30``, ``22.30``, ``2230`` or ``9:05``; blank is None."""
    if not text.strip():
        return None
    match = _CLOCK.match(text)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise ValueError(f"{field}: type it as hh:mm on the 24-hour clock, for example 22:30")


def day_problem(text: str) -> str:
    """What is already wrong with a date being typed (``""`` while it can still become one)."""
    stripped = text.strip()
    if not stripped:
        return ""
    if not _DAY_SO_FAR.match(text):
        return "not a date: type dd/mm/yyyy"
    parts = re.split(r"\s*[/.\-]\s*", stripped)
    if _impossible(parts[0], 31):
        return f"there is no day {parts[0]} in a month"
    if len(parts) > 1 and _impossible(parts[1], 12):
        return f"there is no month {parts[1]}: type dd/mm/yyyy"
    if _DAY.match(text):
        try:
            parse_day(text, "Date")
        except ValueError:
            return f"not a date: {stripped} does not exist"
    return ""


def _impossible(number: str, highest: int) -> bool:
    """A day or month typed so far that no more typing can mend (``32``, ``00``, ``13`` for a month)."""
    return bool(number) and (int(number) > highest or (len(number) == 2 and int(number) == 0))


def clock_problem(text: str) -> str:
    """What is already wrong with a time being typed (``""`` while it can still become one)."""
    stripped = text.strip()
    if not stripped:
        return ""
    if _LOOKS_LIKE_DATE.search(stripped):
        return "that is a date: it goes in Removal date; type the time here as hh:mm"
    if not _CLOCK_SO_FAR.match(text):
        return "not a time: type hh:mm on the 24-hour clock"
    digits = re.sub(r"\D", "", stripped)
    if len(digits) >= 2 and int(digits[:2]) > 23 and not re.match(r"^\s*\d\s*[:.h]", text):
        return f"there is no hour {digits[:2]}: use the 24-hour clock, 00 to 23"
    match = _CLOCK.match(text)
    if match and int(match.group(2)) > 59:
        return f"there is no minute {match.group(2)}"
    return ""


def london(day: date, at: time) -> datetime:
    """A UK wall-clock date and time as an aware instant (the first of the two in the autumn's repeated hour)."""
    return datetime.combine(day, at, tzinfo=LONDON)


def countdown_text(removal_at: datetime, now: datetime, route: UrgentRouting) -> str:
    """The live countdown: ``Removal in 29 h 45 min — imminent (within 72 hours)``.

    The time left is counted from now; whether the removal is imminent comes
    from the routing rule, which counts from the time of the call.
    """
    left = removal_at - now
    if left < timedelta(0):
        return f"Removal time passed {format_span(-left)} ago: check the date and time"
    hours = int(IMMINENT_WINDOW.total_seconds() // 3600)
    if route.imminent_removal:
        return f"Removal in {format_span(left)} — imminent (within {hours} hours)"
    return f"Removal in {format_span(left)} — more than {hours} hours away — not imminent"
