"""How performance against the targets is counted: the league table's one set of definitions.

domain-rules §9 (and [GP]: "league tables to identify the best and worst
performers"): items are grouped by the London date they were received and
counted as they stand when the report is made.  The targets themselves live
where they are used (``targets.response_days`` for enquiries,
``correspondence.deadlines`` for letters); this module names them for reports,
says how each figure is counted, and holds the pure arithmetic the SQL of
``services/performance.py`` is built from (periods, London-time spans,
working-day ordinals, percentages, ranking, ageing buckets).
"""
from __future__ import annotations

import calendar as _months
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from .calendar import CUT_OFF, LONDON, WorkingCalendar
from .correspondence.deadlines import ALLOCATION_DAYS, DRAFT_DAYS, REPLY_DAYS, SIGNING_DAYS
from .targets import EMAIL_DAYS_90, EMAIL_DAYS_100, REGIONAL_DAYS, REGIONAL_DAYS_FILE_NEEDED

UTC = timezone.utc


@dataclass(frozen=True)
class Target:
    """One published target: ``share`` per cent of the work within ``days`` working days."""

    key: str
    work: str
    days: int
    share: float
    text: str


# The targets of domain-rules §3 and §6, by key; the numbers come from the modules that apply them.
TARGETS: dict[str, Target] = {t.key: t for t in (
    Target("regional", "Regional enquiries (telephone, fax)", REGIONAL_DAYS, 100.0,
           f"response in {REGIONAL_DAYS} working days, {REGIONAL_DAYS_FILE_NEEDED} when the file is needed, "
           "counted from receipt at MPEL"),
    Target("email_90", "E-mail enquiries", EMAIL_DAYS_90, 90.0,
           f"90 % answered within {EMAIL_DAYS_90} working days"),
    Target("email_100", "E-mail enquiries", EMAIL_DAYS_100, 100.0,
           f"all answered within {EMAIL_DAYS_100} working days"),
    Target("urgent", "Urgent items", 0, 100.0,
           "acknowledged before they were escalated (30 minutes of working time)"),
    Target("allocation", "MPCS allocation", ALLOCATION_DAYS, 95.0,
           f"95 % allocated within {ALLOCATION_DAYS} working days; under 10 % misallocated"),
    Target("draft", "Drafting units", DRAFT_DAYS, 100.0,
           f"draft within {DRAFT_DAYS} working days of receipt"),
    Target("signing", "Signing", SIGNING_DAYS, 95.0,
           f"95 % signed and dispatched within {SIGNING_DAYS} working days of reaching the signatory"),
    Target("letters", "MPs' letters", REPLY_DAYS, 95.0,
           f"95 % answered within {REPLY_DAYS} working days"),
)}
MISALLOCATION_LIMIT = 10.0  # per cent of allocated letters rejected by the first unit [CORR 1.2]

# The share a row of the league table is held to: a region's work is all due by its due date;
# a unit's letters 95 % within 20 working days.
REGION_TARGET = TARGETS["regional"]
UNIT_TARGET = TARGETS["letters"]

DEFINITIONS: tuple[tuple[str, str], ...] = (
    ("Received", "items received in the period (London date of receipt at MPEL for enquiries, at the "
                 "Agency for letters). Deleted items and cancelled letters count nowhere; refused calls and "
                 "calls answered at first contact are not regional work."),
    ("Answered", "of those, the ones answered by the time the report was made (even after the period "
                 "ended): completed enquiries, dispatched letters."),
    ("Within target", "answered on or before the due date (the London date of the answer compared with "
                      "the due date: enquiries 5 working days, 10 when the file is needed, e-mail 10; "
                      "letters 20 working days from receipt)."),
    ("% within target", "100 × within target ÷ answered; blank when nothing was answered."),
    ("Open overdue", "received in the period, not answered yet, and already past the due date; shown "
                     "beside the percentage, never hidden in it."),
    ("Average working days", "working days from receipt (day 0; after 18:00 or on a closed day it counts "
                             "from the next working day) to the answer, over the answered items."),
)

AGEING_BUCKETS: tuple[tuple[int, int | None], ...] = ((0, 5), (6, 10), (11, 20), (21, None))


def bucket_label(bucket: tuple[int, int | None]) -> str:
    low, high = bucket
    return f"over {low - 1}" if high is None else f"{low}–{high}"


def percent(part: int, whole: int) -> float | None:
    """100 × part ÷ whole to one decimal place; None when whole is 0 (nothing to measure)."""
    return None if not whole else round(100.0 * part / whole, 1)


def falls_short(value: float | None, target: Target) -> bool:
    return value is not None and value < target.share


def rank_key(percent_within: float | None, open_overdue: int, name: str) -> tuple:
    """Best first: the higher % within target, then fewer open overdue; no answers at all go last."""
    return (percent_within is None, -(percent_within or 0.0), open_overdue, name)


# -- periods -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """London dates ``start`` to ``end`` inclusive."""

    start: date
    end: date
    label: str = ""

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"the period ends ({self.end}) before it starts ({self.start})")

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """[first instant, first instant after) in UTC, for a range on a stored UTC column."""
        return london_midnight(self.start), london_midnight(self.end + timedelta(days=1))

    @property
    def title(self) -> str:
        span = f"{self.start:%d %b %Y} to {self.end:%d %b %Y}"
        return f"{self.label} ({span})" if self.label else span


def london_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LONDON).astimezone(UTC)


def this_week(today: date) -> Period:
    monday = today - timedelta(days=today.weekday())
    return Period(monday, monday + timedelta(days=6), "This week")


def last_month(today: date) -> Period:
    end = today.replace(day=1) - timedelta(days=1)
    return Period(end.replace(day=1), end, f"{end:%B %Y}")


def quarter(year: int, number: int) -> Period:
    """Calendar quarter ``number`` (1–4): Q1 is January to March."""
    if number not in (1, 2, 3, 4):
        raise ValueError(f"a quarter is 1 to 4, not {number}")
    first = 3 * (number - 1) + 1
    last = first + 2
    return Period(date(year, first, 1), date(year, last, _months.monthrange(year, last)[1]), f"Q{number} {year}")


def quarter_of(day: date) -> Period:
    return quarter(day.year, (day.month - 1) // 3 + 1)


def quarters(start: date, end: date) -> list[Period]:
    """The calendar quarters touching ``start``..``end``, in order."""
    found, q = [], quarter_of(start)
    while q.start <= end:
        found.append(q)
        q = quarter_of(q.end + timedelta(days=1))
    return found


def trend_buckets(period: Period) -> list[Period]:
    """The steps of a "% within target over time" chart: weeks for up to 3 months, else months."""
    if (period.end - period.start).days <= 92:
        steps, day = [], period.start - timedelta(days=period.start.weekday())
        while day <= period.end:
            steps.append(Period(max(day, period.start), min(day + timedelta(days=6), period.end),
                                f"w/c {day:%d %b}"))
            day += timedelta(days=7)
        return steps
    steps, day = [], period.start.replace(day=1)
    while day <= period.end:
        last = day.replace(day=_months.monthrange(day.year, day.month)[1])
        steps.append(Period(max(day, period.start), min(last, period.end), f"{day:%b %Y}"))
        day = last + timedelta(days=1)
    return steps


# -- London time and working days as lookup tables for SQL ---------------------------------


@dataclass(frozen=True)
class OffsetSpan:
    """UTC instants in [start, end) are ``hours`` ahead in London (0 in GMT, 1 in BST)."""

    start: datetime
    end: datetime
    hours: int


def london_offset_spans(lo: datetime, hi: datetime) -> list[OffsetSpan]:
    """The spans of constant London offset covering [lo, hi): for turning stored UTC into London
    time in a database without time zones.  Walks days, and hours only across a day whose offset
    changes (UK changes happen at 01:00 UTC, but nothing here assumes so)."""
    spans: list[OffsetSpan] = []
    at = lo.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    hi = hi.astimezone(UTC)
    start, hours = at, _offset_hours(at)
    day = timedelta(days=1)
    while at < hi:
        step = day if _offset_hours(min(at + day, hi)) == hours else timedelta(hours=1)
        at = min(at + step, hi)
        now = _offset_hours(at)
        if now != hours or at >= hi:
            spans.append(OffsetSpan(start, at, hours))
            start, hours = at, now
    return spans


def _offset_hours(at: datetime) -> int:
    return int(at.astimezone(LONDON).utcoffset().total_seconds() // 3600)


CUT_OFF_HOUR = CUT_OFF.hour  # received at or after this London hour counts from the next working day


@dataclass(frozen=True)
class DayOrdinal:
    """A day's place in the working days of a calendar, so SQL can count working days by subtraction.

    ``ordinal``: the number of the first working day on or after ``day`` (a closed day stands for the
    next working day, so "answered on or before due date D" is ``ordinal(answer) <= ordinal(D)``);
    ``after``: the number of the first working day strictly after ``day`` (where a receipt at or after
    18:00 counts from).
    """

    nation: str
    day: date
    ordinal: int
    after: int


def day_ordinals(calendar: WorkingCalendar, first: date, last: date) -> list[DayOrdinal]:
    """``DayOrdinal`` of every day from ``first`` to ``last`` on ``calendar``."""
    rows: list[DayOrdinal] = []
    count = 0
    day = first
    pending: list[date] = []  # closed days waiting for the next working day's number
    while True:
        if calendar.is_working_day(day):
            count += 1
            for closed in pending:
                rows.append(DayOrdinal(calendar.nation, closed, count, count))
            pending.clear()
            if day > last:
                break
            rows.append(DayOrdinal(calendar.nation, day, count, count + 1))
        else:
            pending.append(day)
        day += timedelta(days=1)
    rows.sort(key=lambda r: r.day)
    return [r for r in rows if r.day <= last]


def ordinal_of(rows: Iterable[DayOrdinal], day: date) -> int:
    for r in rows:
        if r.day == day:
            return r.ordinal
    raise KeyError(day)


def ageing_bucket(working_days: int) -> tuple[int, int | None]:
    for bucket in AGEING_BUCKETS:
        low, high = bucket
        if working_days >= low and (high is None or working_days <= high):
            return bucket
    return AGEING_BUCKETS[0]


def bucket_bounds() -> Sequence[tuple[int, int | None]]:
    return AGEING_BUCKETS


# -- the figures, as plain records ---------------------------------------------------------


@dataclass(frozen=True)
class LeagueRow:
    """One region's enquiries or one drafting unit's letters received in the period."""

    key: str  # region code, or drafting unit code ("MPCS" for letters no unit holds)
    name: str
    received: int
    answered: int
    answered_within_target: int
    open_overdue: int
    open: int
    oldest_open: datetime | None
    average_working_days: float | None
    # Extra lines of the table, by target key (e.g. "email_90": (within, of)); absent when not measured.
    extra: tuple[tuple[str, int, int], ...] = ()
    ageing: tuple[int, ...] = (0, 0, 0, 0)  # open items by AGEING_BUCKETS

    @property
    def percent_within_target(self) -> float | None:
        return percent(self.answered_within_target, self.answered)

    def extra_percent(self, key: str) -> float | None:
        for k, part, whole in self.extra:
            if k == key:
                return percent(part, whole)
        return None

    def as_json(self, key_name: str) -> dict:
        data = {
            key_name: self.key, "name": self.name, "received": self.received, "answered": self.answered,
            "answered_within_target": self.answered_within_target,
            "percent_within_target": self.percent_within_target, "open_overdue": self.open_overdue,
            "open": self.open,
            "oldest_open": self.oldest_open.isoformat() if self.oldest_open else None,
            "average_working_days": self.average_working_days,
            "ageing": {bucket_label(b): n for b, n in zip(AGEING_BUCKETS, self.ageing)},
        }
        for k, part, whole in self.extra:
            data[k] = {"within": part, "of": whole, "percent": percent(part, whole)}
        return data


@dataclass(frozen=True)
class MoreFigure:
    """A figure another source adds to the league table (calls answered within 30 s), once it exists.

    ``key`` and ``data`` are its entry in the JSON (``report league-table --json``); ``title`` and
    ``lines`` are what a person reads under "More figures" on screen, on paper and as text."""

    key: str
    title: str
    data: Mapping[str, object]
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class LeagueTable:
    period: Period
    made_at: datetime
    regions: tuple[LeagueRow, ...]  # best first
    units: tuple[LeagueRow, ...]  # best first
    # Figures a later source adds (e.g. calls answered within 30 s); absent until it exists.
    more: tuple[MoreFigure, ...] = ()

    def as_json(self) -> dict:
        data = {
            "from": self.period.start.isoformat(), "to": self.period.end.isoformat(),
            "made_at": self.made_at.isoformat(),
            "regions": [r.as_json("region") for r in self.regions],
            "units": [r.as_json("unit") for r in self.units],
        }
        for figure in self.more:
            data[figure.key] = dict(figure.data)
        return data


def ranked(rows: Iterable[LeagueRow]) -> tuple[LeagueRow, ...]:
    return tuple(sorted(rows, key=lambda r: rank_key(r.percent_within_target, r.open_overdue, r.key)))
