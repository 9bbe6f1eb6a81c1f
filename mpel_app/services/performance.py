"""Performance against the targets: the league table, its trend and the Cabinet Office return.

For the people who answer for the targets (``Action.VIEW_PERFORMANCE``).  Every figure is an
aggregate computed by the database (``performance_sql``); this service builds the lookup
tables the SQL needs from the domain's calendars, checks the permission and turns the few
grouped rows into ``LeagueRow`` records.  How each figure is counted is said once, in
``domain/performance.py`` (its ``DEFINITIONS`` are printed under every table).

Another source of figures adds one function to ``EXTRA_FIGURES``: it gets the connection, the
period and its UTC bounds and returns a ``MoreFigure`` (its JSON key and value, and the lines a
person reads) or None (the figure is then absent, not zero).  The calls answered within 30 s (``services.call_report.league_figure``) are the first.
"""
from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import Connection, select

from ..db import repositories as repo
from . import call_report
from ..db.models import DraftingUnit, Region
from ..db.uow import UnitOfWork
from ..domain import permissions as perm
from ..domain.calendar import LONDON, NATIONS, WorkingCalendar
from ..domain.clock import Clock
from ..domain.correspondence.deadlines import REPLY_DAYS
from ..domain.performance import (AGEING_BUCKETS, LeagueRow, LeagueTable, MoreFigure, Period, day_ordinals,
                                  london_offset_spans, percent, quarters, ranked, trend_buckets)
from ..domain.permissions import Action
from ..domain.records import UserRecord
from .performance_sql import Lookups, enquiry_league, letter_league

MPCS = "MPCS"  # the row of letters no drafting unit holds (registered, rejected, escalated)
# Working days before the period's first day and after today the ordinal table must reach: the
# first working day after a long closure (Christmas) and the due dates of the newest items.
_BEFORE = timedelta(days=14)
_AFTER = timedelta(days=60)

ExtraFigure = Callable[[Connection, Period, datetime, datetime], "MoreFigure | None"]
# The line's calls answered within 30 s (issue 9's stored calls): absent for a period with no calls.
EXTRA_FIGURES: list[ExtraFigure] = [call_report.league_figure]


@dataclass(frozen=True)
class TrendPoint:
    step: Period
    key: str
    answered: int
    within: int


@dataclass(frozen=True)
class QuarterReturn:
    """One line of the quarterly return to the Cabinet Office (domain-rules §9)."""

    quarter: Period
    letters_received: int
    target_days: int
    answered: int
    answered_within_target: int
    answered_within_20: int

    @property
    def percent_within_target(self) -> float | None:
        return percent(self.answered_within_target, self.answered)

    @property
    def percent_within_20(self) -> float | None:
        return percent(self.answered_within_20, self.answered)


class PerformanceService:
    def __init__(self, uow: UnitOfWork, clock: Clock):
        self._uow = uow
        self._clock = clock

    def today(self) -> date:
        return self._clock.now().astimezone(LONDON).date()

    # -- the league table ------------------------------------------------------------------

    def league_table(self, actor: UserRecord, period: Period, *, stages: bool = True) -> LeagueTable:
        """``stages``: also the letters' stage figures per unit (four more joins in the letters'
        aggregate; the main figures do not need them)."""
        perm.require(actor, Action.VIEW_PERFORMANCE)
        now = self._clock.now()
        lo, hi = period.utc_bounds()
        with self._uow.reading() as conn:
            lk = self.lookups(conn, period)
            names = dict(conn.execute(select(Region.code, Region.name)).all())
            names.update(conn.execute(select(DraftingUnit.code, DraftingUnit.name)).all())
            names[MPCS] = "MPCS (not yet with a unit)"

        def letters() -> list:
            with self._uow.reading() as conn:
                return list(conn.execute(letter_league(lk, lo, hi, stages=stages)))

        # The letters' aggregate runs on a second connection while this one counts the enquiries:
        # each is one core's work, and together they were most of a year's table (issue 11).
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="league-letters") as pool:
            letter_rows = pool.submit(letters)
            with self._uow.reading() as conn:
                regions = [_row(r, names, extra=(("email_90", r.email_within_10, r.email_answered),
                                                 ("email_100", r.email_within_20, r.email_answered),
                                                 ("urgent", r.urgent_in_time, r.urgent)))
                           for r in conn.execute(enquiry_league(lk, lo, hi))]
                more = tuple(found for figure in EXTRA_FIGURES
                             if (found := figure(conn, period, lo, hi)) is not None)
            units = [_row(r, names, extra=_stage_extra(r) if stages else ()) for r in letter_rows.result()]
        return LeagueTable(period=period, made_at=now, regions=ranked(regions), units=ranked(units), more=more)

    def trend(self, actor: UserRecord, period: Period) -> list[TrendPoint]:
        """% within target per region and unit, week by week (or month by month over 3 months):
        one grouped query per step, so a year is 12 small aggregates."""
        perm.require(actor, Action.VIEW_PERFORMANCE)
        points: list[TrendPoint] = []
        with self._uow.reading() as conn:
            lk = self.lookups(conn, period)
            for step in trend_buckets(period):
                lo, hi = step.utc_bounds()
                for statement in (enquiry_league(lk, lo, hi), letter_league(lk, lo, hi)):
                    for r in conn.execute(statement):
                        points.append(TrendPoint(step, r.key or MPCS, int(r.answered or 0), int(r.within or 0)))
        return points

    def quarterly_return(self, actor: UserRecord, period: Period) -> list[QuarterReturn]:
        """Per calendar quarter touching ``period``: letters received, the 20-day target, % answered
        within target (an OPHSO enquiry by its own shorter deadline) and % within 20 working days."""
        perm.require(actor, Action.VIEW_PERFORMANCE)
        lines = []
        spanned = quarters(period.start, period.end)
        with self._uow.reading() as conn:
            lk = self.lookups(conn, Period(spanned[0].start, spanned[-1].end))
            for q in spanned:
                lo, hi = q.utc_bounds()
                received = answered = within = within_20 = 0
                for r in conn.execute(letter_league(lk, lo, hi)):
                    received += int(r.received)
                    answered += int(r.answered or 0)
                    within += int(r.within or 0)
                    within_20 += int(r.within_20 or 0)
                lines.append(QuarterReturn(q, received, REPLY_DAYS, answered, within, within_20))
        return lines

    # -- lookups ---------------------------------------------------------------------------

    def lookups(self, conn: Connection, period: Period) -> Lookups:
        today = self.today()
        first = min(period.start, today) - _BEFORE
        last = max(period.end, today) + _AFTER
        ordinals = []
        today_ordinal = {}
        for nation in NATIONS:
            rows = day_ordinals(WorkingCalendar(nation, repo.closures_for(conn, nation)), first, last)
            ordinals.extend(rows)
            today_ordinal[nation] = next(r.ordinal for r in rows if r.day == today)
        lo = datetime.combine(first, datetime.min.time(), tzinfo=LONDON)
        hi = datetime.combine(last, datetime.min.time(), tzinfo=LONDON)
        return Lookups(conn.dialect.name, london_offset_spans(lo, hi), ordinals, today, today_ordinal)


def _row(r, names: dict[str, str], extra: tuple = ()) -> LeagueRow:
    key = r.key or MPCS
    avg = r.average_days
    return LeagueRow(
        key=key, name=names.get(key, key), received=int(r.received), answered=int(r.answered or 0),
        answered_within_target=int(r.within or 0), open_overdue=int(r.open_overdue or 0), open=int(r.open or 0),
        oldest_open=_instant(r.oldest_open), average_working_days=None if avg is None else round(float(avg), 1),
        extra=tuple((k, int(part or 0), int(whole or 0)) for k, part, whole in extra),
        ageing=tuple(int(getattr(r, f"age{i}") or 0) for i in range(len(AGEING_BUCKETS))),
    )


def _stage_extra(r) -> tuple:
    """A unit's stage figures (``letter_league(stages=True)``) as (target key, within, of)."""
    return (("allocation", r.allocated_in_time, r.allocated), ("misallocation", r.misallocated, r.allocated),
            ("draft", r.drafted_in_time, r.drafted), ("signing", r.signed_in_time, r.signed))


def _instant(value) -> datetime | None:
    """min() over a UTC column comes back untyped: text on SQLite, aware or naive datetime elsewhere."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
