"""Working-day calendars for the Enquiry Line's targets (domain-rules §3).

Targets are counted in working days: Monday to Friday, less the bank
holidays of the nation whose calendar applies, less any one-off closures an
administrator has added.  ``SNI`` (Scotland & Northern Ireland) uses
Scotland's bank holidays; every other region, and the hotline itself, uses
England & Wales'.  All clock rules are UK local time (Europe/London).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from types import MappingProxyType
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")

NATIONS = ("ENG", "SCT", "NIR")
REGION_CODES = ("LSE", "MEE", "NEY", "WSW", "NWE", "SNI")
HOTLINE_PREFIX = "MPH"

REGION_NAMES: Mapping[str, str] = MappingProxyType({
    "LSE": "London & South East",
    "MEE": "Midlands & East of England",
    "NEY": "North East, Yorkshire & Humber",
    "WSW": "Wales & South West",
    "NWE": "North West",
    "SNI": "Scotland & Northern Ireland",
})

# Decision (domain-rules §3): SNI follows Scotland; the hotline sits with the
# England & Wales regions.
REGION_NATION: Mapping[str, str] = MappingProxyType({
    HOTLINE_PREFIX: "ENG",
    "LSE": "ENG",
    "MEE": "ENG",
    "NEY": "ENG",
    "WSW": "ENG",
    "NWE": "ENG",
    "SNI": "SCT",
})

# Domain-rules §3: received after this local time counts as the next working day.
CUT_OFF = time(18, 0)
START_OF_DAY = time(9, 0)
END_OF_DAY = time(23, 59, 59)


# Weekday bank holidays per (nation, year), shared by all calendar objects,
# because services build a calendar per call and the holidays package is slow
# to compute -- and slow to import (it loads every country's module, ~0.1 s), so
# it is imported only when a year is not already known.  A desk primes this
# from its saved copy at start (``mpel_app.holiday_cache``).
_WEEKDAY_HOLIDAYS: dict[tuple[str, int], Mapping[date, str]] = {}


def _weekday_holidays(nation: str, year: int) -> Mapping[date, str]:
    found = _WEEKDAY_HOLIDAYS.get((nation, year))
    if found is None:
        found = _WEEKDAY_HOLIDAYS[(nation, year)] = _compute_weekday_holidays(nation, year)
    return found


def _compute_weekday_holidays(nation: str, year: int) -> Mapping[date, str]:
    import holidays  # noqa: PLC0415 (deliberately late: see _WEEKDAY_HOLIDAYS)

    # The package also lists the weekend date beside its "(observed)"
    # substitute; drop it so a display never shows a Saturday as the holiday.
    found = holidays.UK(subdiv=nation, years=year)
    return MappingProxyType({
        day: name.replace("(observed)", "(substitute day)")  # gov.uk's wording
        for day, name in sorted(found.items())
        if day.weekday() < 5
    })


def known_bank_holidays() -> dict[tuple[str, int], dict[date, str]]:
    """Every (nation, year) worked out or primed so far in this process, for saving."""
    return {key: dict(days) for key, days in _WEEKDAY_HOLIDAYS.items()}


def prime_bank_holidays(nation: str, year: int, days: Mapping[date, str]) -> None:
    """Take ``nation``'s weekday bank holidays of ``year`` as already worked out (a saved copy).

    Only the holidays package's own answer may be primed (the saved copy is keyed by its
    version); the weekend filter is applied again so a primed copy cannot disagree on that.
    """
    code = nation.strip().upper()
    if code not in NATIONS:
        raise ValueError(f"unknown nation {nation!r}; expected one of {', '.join(NATIONS)}")
    _WEEKDAY_HOLIDAYS[(code, year)] = MappingProxyType(
        {day: name for day, name in sorted(days.items()) if day.weekday() < 5})
    _DAY_INDEXES.clear()  # counted over the old list


class _DayIndex:
    """The working days of one calendar over whole years, numbered, so that stepping N working days or
    counting them is two list look-ups instead of a walk day by day.

    It is derived from ``WorkingCalendar.is_working_day`` (the one rule) and never replaces it: a
    workstack of 400 letters asks for ~10 deadlines each, each a walk of up to 28 days, and that walk
    was most of the workstack's time (issue 16).
    """

    __slots__ = ("first", "last", "working", "upto")

    def __init__(self, calendar: WorkingCalendar, first_year: int, last_year: int) -> None:
        self.first = date(first_year, 1, 1).toordinal()
        self.last = date(last_year, 12, 31).toordinal()
        self.working: list[int] = []  # ordinals of the working days, ascending
        self.upto: list[int] = []  # per day from ``first``: working days on or before it
        for ordinal in range(self.first, self.last + 1):
            if calendar.is_working_day(date.fromordinal(ordinal)):
                self.working.append(ordinal)
            self.upto.append(len(self.working))

    def covers(self, first: int, last: int) -> bool:
        return self.first <= first and last <= self.last


# Per (nation, closures): the index, grown by whole years as days outside it are asked about.  Shared
# by every calendar object with the same days (services build one per transaction); cleared when a
# year's bank holidays are primed.
_DAY_INDEXES: dict[tuple[str, frozenset[date]], _DayIndex] = {}
_MAX_INDEXES = 64  # distinct closure sets are few; a bound keeps a long-lived process from growing


class WorkingCalendar:
    """Working days of one nation, plus one-off closures."""

    __slots__ = ("_nation", "_closures")

    def __init__(self, nation: str, closures: Iterable[date] = frozenset()) -> None:
        code = nation.strip().upper()
        if code not in NATIONS:
            raise ValueError(f"unknown nation {nation!r}; expected one of {', '.join(NATIONS)}")
        self._nation = code
        self._closures = frozenset(closures)

    @property
    def nation(self) -> str:
        return self._nation

    @property
    def closures(self) -> frozenset[date]:
        return self._closures

    def __repr__(self) -> str:
        return f"WorkingCalendar({self._nation!r}, closures={sorted(self._closures)!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WorkingCalendar):
            return NotImplemented
        return (self._nation, self._closures) == (other._nation, other._closures)

    def __hash__(self) -> int:
        return hash((self._nation, self._closures))

    def with_closures(self, extra: Iterable[date]) -> WorkingCalendar:
        """A new calendar with ``extra`` added to this one's closures."""
        return WorkingCalendar(self._nation, self._closures | frozenset(extra))

    def bank_holidays(self, year: int) -> dict[date, str]:
        """Bank holidays falling on weekdays in ``year``, in date order."""
        return dict(_weekday_holidays(self._nation, year))

    def is_working_day(self, day: date) -> bool:
        return (
            day.weekday() < 5
            and day not in self._closures
            and day not in _weekday_holidays(self._nation, day.year)
        )

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        return self.add_working_days(day, 1)

    def previous_working_day(self, day: date) -> date:
        """The last working day strictly before ``day``."""
        return self.add_working_days(day, -1)

    def add_working_days(self, day: date, n: int) -> date:
        """Step ``n`` working days from ``day``; negative ``n`` steps back.

        ``n == 0`` returns ``day`` itself, even if it is not a working day.
        """
        if n == 0:
            return day
        ordinal = day.toordinal()
        # Working days up to ``day`` (n > 0) or strictly before it (n < 0), then n more along the list.
        span = 2 * abs(n) + 14
        while True:
            index = self._index(ordinal - (span if n < 0 else 1), ordinal + (span if n > 0 else 0))
            at = index.upto[ordinal - index.first - (0 if n > 0 else 1)] + n - (1 if n > 0 else 0)
            if 0 <= at < len(index.working):
                return date.fromordinal(index.working[at])
            if not (1 < ordinal - span and ordinal + span < date.max.toordinal()):
                raise OverflowError(f"{n} working days from {day} is outside the calendar")
            span *= 2  # closures so many that the index ran out of working days: look further

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 if end <= start)."""
        if end <= start:
            return 0
        first, last = start.toordinal(), end.toordinal()
        index = self._index(first, last)
        return index.upto[last - index.first] - index.upto[first - index.first]

    def _index(self, first: int, last: int) -> _DayIndex:
        """The shared index of this calendar's days, covering ordinals ``first`` to ``last``."""
        key = (self._nation, self._closures)
        index = _DAY_INDEXES.get(key)
        if index is not None and index.covers(first, last):
            return index
        # Whole years, no more than asked: each year's bank holidays are worked out (or primed) once.
        first_year = date.fromordinal(max(1, first)).year
        last_year = date.fromordinal(min(date.max.toordinal(), last)).year
        if index is not None:  # grow it: keep what it covered
            first_year = min(first_year, date.fromordinal(index.first).year)
            last_year = max(last_year, date.fromordinal(index.last).year)
        index = _DayIndex(self, first_year, last_year)
        if len(_DAY_INDEXES) >= _MAX_INDEXES:
            _DAY_INDEXES.clear()
        _DAY_INDEXES[key] = index
        return index

    def effective_receipt(self, received_at: datetime) -> datetime:
        """When ``received_at`` counts as received, in Europe/London time.

        Received on a non-working day, or at/after 18:00 local, counts as
        09:00 on the next working day.  An early-morning receipt on a working
        day keeps its own day: the rules only move late or closed-day receipts.
        """
        if received_at.tzinfo is None or received_at.utcoffset() is None:
            raise ValueError(
                "received_at must be timezone-aware (store instants in UTC); got a naive datetime"
            )
        local = received_at.astimezone(LONDON)
        day = local.date()
        if self.is_working_day(day) and local.time() < CUT_OFF:
            return local
        return datetime.combine(self.next_working_day(day), START_OF_DAY, tzinfo=LONDON)

    def due_date(self, received_at: datetime, working_days: int) -> date:
        """The day by the end of which something due in ``working_days`` is due.

        The day of effective receipt is day 0; the result is the N-th working
        day after it.
        """
        if working_days < 0:
            raise ValueError(f"working_days must be 0 or more, got {working_days}")
        day0 = self.effective_receipt(received_at).date()
        return self.add_working_days(day0, working_days)

    def due_deadline(self, received_at: datetime, working_days: int) -> datetime:
        """23:59:59 Europe/London on the due date."""
        return datetime.combine(self.due_date(received_at, working_days), END_OF_DAY, tzinfo=LONDON)


def region_calendar(region_code: str, closures: Iterable[date] = ()) -> WorkingCalendar:
    """The calendar for a region code, ``MPH``, or a nation code (case-insensitive)."""
    code = region_code.strip().upper()
    if code in NATIONS:
        return WorkingCalendar(code, closures)
    if code in REGION_NATION:
        return WorkingCalendar(REGION_NATION[code], closures)
    valid = ", ".join((*REGION_NATION, *NATIONS))
    raise ValueError(f"unknown region code {region_code!r}; expected one of {valid}")
