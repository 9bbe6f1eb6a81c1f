"""The league table's aggregate SQL, the same on SQLite and PostgreSQL.

The figures are counted by the database (GROUP BY over the period's rows), never by loading
rows into Python.  Two things the rules need are not in SQL itself, so they are handed to it
as small lookup tables built from the one source of each rule in ``domain/``:

* London time: PostgreSQL converts with ``timezone('Europe/London', …)``; SQLite, which has
  no time zones, adds the offset of the span an instant falls in (``london_offset_spans``:
  a CASE of at most a few BST spans).
* Working days: a VALUES table of ``DayOrdinal`` rows (one per day and nation, from the
  domain calendar with its bank holidays and closures), so "within N working days" and
  "working days taken" are subtractions of ordinals after an equality join on the date.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import (Date, Integer, String, and_, case, cast, column, extract, func, literal, literal_column, or_,
                        select, text)
from sqlalchemy.sql import ColumnElement, Select

from ..db.models import DraftingUnit, Enquiry, Letter, LetterRejection
from ..domain.calendar import LONDON, NATIONS, REGION_NATION
from ..domain.correspondence.deadlines import ALLOCATION_DAYS, DRAFT_DAYS, REPLY_DAYS, SIGNING_DAYS
from ..domain.correspondence.states import TERMINAL_STATES, LetterState
from ..domain.performance import AGEING_BUCKETS, CUT_OFF_HOUR, DayOrdinal, OffsetSpan
from ..domain.records import EnquiryStatus
from ..domain.targets import EMAIL, EMAIL_DAYS_100

ET, LT, UT = Enquiry.__table__, Letter.__table__, DraftingUnit.__table__
E, L, U = ET.c, LT.c, UT.c
LR = LetterRejection.__table__.c

REGIONAL_WORK = (EnquiryStatus.WITH_REGION.value, EnquiryStatus.COMPLETED.value)
OPEN_ENQUIRY = EnquiryStatus.WITH_REGION.value
ANSWERED_ENQUIRY = EnquiryStatus.COMPLETED.value
COUNTED_LETTER_STATES = tuple(s.value for s in LetterState if s is not LetterState.CANCELLED)
OPEN_LETTER_STATES = tuple(s.value for s in LetterState if s not in TERMINAL_STATES)


@dataclass(frozen=True)
class Lookups:
    """What a statement needs from Python: the dialect, London offsets, working-day ordinals, today."""

    dialect: str
    spans: Sequence[OffsetSpan]
    ordinals: Sequence[DayOrdinal]
    today: date
    today_ordinal: dict[str, int]  # nation -> ordinal of today
    _table: object = field(default=None, compare=False, repr=False)

    def table(self):
        """The working-day ordinals as a CTE: one row per day, two columns per nation
        (``<nation>_ord``, ``<nation>_nxt``), over a VALUES list written out as SQL text.

        One row per day, so each join is on the date alone: joined on (nation, day), PostgreSQL
        misjudged the rows and merged on the nation, testing the date as a filter (a cross product
        per nation).  Text, not SQLAlchemy's ``values()``: compiling ~1,500 values as bound
        parameters took longer than the database took to answer.  Safe as text: every value is
        ours (dates and integers), none comes from a person."""
        if self._table is None:
            date_sql = "DATE '{}'" if self.dialect == "postgresql" else "'{}'"
            by_day: dict = {}
            for r in self.ordinals:
                by_day.setdefault(r.day, {})[r.nation] = (int(r.ordinal), int(r.after))
            rows = ", ".join(
                "(" + ", ".join([date_sql.format(day.isoformat())] +
                                [str(v) for n in NATIONS for v in nations.get(n, (0, 0))]) + ")"
                for day, nations in sorted(by_day.items()))
            names = ["day"] + [f"{n.lower()}_{w}" for n in NATIONS for w in ("ord", "nxt")]
            sql = (f"SELECT {', '.join(f'column{i + 1} AS {name}' for i, name in enumerate(names))} "
                   f"FROM (VALUES {rows}) AS v")
            object.__setattr__(self, "_table", text(sql).columns(
                column("day", Date), *(column(name, Integer) for name in names[1:])))
        return self._table.cte("wd")

    @staticmethod
    def pick(table, nation: ColumnElement, which: str) -> ColumnElement:
        """``table``'s ``<nation>_<which>`` column for each row's nation (England & Wales by default)."""
        cols = table.c
        return case(*((nation == n, cols[f"{n.lower()}_{which}"]) for n in NATIONS if n != "ENG"),
                    else_=cols[f"eng_{which}"])

    def local(self, instant: ColumnElement) -> ColumnElement:
        """London wall-clock time of a stored UTC instant (PostgreSQL)."""
        return func.timezone(str(LONDON), instant)

    def _offset(self, instant: ColumnElement) -> ColumnElement:
        """SQLite: London's offset from UTC in hours (0 or 1) at a stored instant, by comparing the
        stored text with the BST spans' bounds (text compares as time does in SQLite's format)."""
        whens = [(and_(instant >= s.start, instant < s.end), s.hours) for s in self.spans if s.hours]
        return case(*whens, else_=0) if whens else literal(0)

    def local_date(self, instant: ColumnElement) -> ColumnElement:
        if self.dialect == "postgresql":
            return cast(self.local(instant), Date)
        # SQLite stores 'YYYY-MM-DD HH:MM:SS…' in UTC: London's date is the stored date, except in
        # summer time for 23:xx UTC, which is already the next day.  String work, no datetime()
        # per row: a tenth of the cost over a year's rows.
        rolled = and_(self._offset(instant) == 1, func.substr(instant, 12, 2) == "23")
        return case((rolled, func.date(instant, "+1 hour")), else_=func.substr(instant, 1, 10))

    def after_cut_off(self, instant: ColumnElement) -> ColumnElement:
        if self.dialect == "postgresql":
            return extract("hour", self.local(instant)) >= CUT_OFF_HOUR
        hour = cast(func.substr(instant, 12, 2), Integer) + self._offset(instant)
        return and_(hour >= CUT_OFF_HOUR, hour < 24)  # 24 is 00:xx on the next London day

    def today_ord(self, nation: ColumnElement) -> ColumnElement:
        return case(self.today_ordinal, value=nation, else_=self.today_ordinal.get("ENG"))


# _FENCE: the period's rows are selected in a subquery with OFFSET 0, which neither database merges
# into the outer query.  Merged, PostgreSQL joined the working days on the nation alone and
# re-evaluated the London date of each answer for every day of the table (a filter, not a hash
# key): seconds for a year.  Fenced, the London dates are columns, computed once per row, and both
# joins are plain equality (hash joins; SQLite's automatic indexes).


def _count(cond) -> ColumnElement:
    return func.sum(case((cond, 1), else_=0))


def _with_days(lk: Lookups, rows, received: str, done: str, stages: Sequence[tuple[str, bool]] = ()):
    """``rows`` (a subquery with ``nation``, ``<received>_date``, ``<received>_late`` and
    ``<done>_date``) joined to the working-day ordinals: adds ``day0`` (the working day receipt
    counts from) and ``done_ord`` (the answer's working day; NULL when not answered).

    ``stages``: more dates of each row, ``(name, with_cut_off)``, read from ``<name>_date`` (and
    ``<name>_late``): each adds ``<name>_ord``, the working day it fell on (or, with the cut-off,
    the working day it counts from), NULL when the row has no such date."""
    wd = lk.table()
    r, c = wd.alias("r"), wd.alias("c")
    q = rows.c
    day0 = case((q[f"{received}_late"], lk.pick(r, q.nation, "nxt")), else_=lk.pick(r, q.nation, "ord"))
    columns = [*q, day0.label("day0"), lk.pick(c, q.nation, "ord").label("done_ord")]
    joined = rows.join(r, r.c.day == q[f"{received}_date"]).outerjoin(c, c.c.day == q[f"{done}_date"])
    for name, with_cut_off in stages:
        at = wd.alias(f"{name}_wd")
        ordinal = lk.pick(at, q.nation, "ord")
        if with_cut_off:
            ordinal = case((q[f"{name}_late"], lk.pick(at, q.nation, "nxt")), else_=ordinal)
        columns.append(ordinal.label(f"{name}_ord"))
        joined = joined.outerjoin(at, at.c.day == q[f"{name}_date"])
    return select(*columns).select_from(joined).subquery("d")


def _group_key(d) -> ColumnElement:
    """The row's key ('' for letters with no unit), as an expression no index matches: otherwise
    SQLite walks a whole (region, …) or (unit, …) index in key order to save sorting a few groups,
    instead of reading only the period through (status, received_at)."""
    return func.coalesce(d.c.key, literal_column("''"))  # a literal: PostgreSQL must see one expression


def _figures(lk: Lookups, d, answered, within, is_open, overdue) -> list[ColumnElement]:
    """The columns every row of the league table has (``domain.performance.LeagueRow``)."""
    age = lk.today_ord(d.c.nation) - d.c.day0
    ageing = []
    for i, (low, high) in enumerate(AGEING_BUCKETS):
        cond = and_(is_open, age >= low) if high is None else and_(is_open, age >= low, age <= high)
        ageing.append(_count(cond).label(f"age{i}"))
    return [
        _group_key(d).label("key"),
        func.count().label("received"),
        _count(answered).label("answered"),
        _count(within).label("within"),
        _count(overdue).label("open_overdue"),
        _count(is_open).label("open"),
        func.min(case((is_open, d.c.received_at))).label("oldest_open"),
        func.avg(case((answered, d.c.done_ord - d.c.day0))).label("average_days"),
        *ageing,
    ]


def enquiry_league(lk: Lookups, lo: datetime, hi: datetime) -> Select:
    """One row per region: the regional work received in [lo, hi) as it stands now."""
    nation = case({code: n for code, n in REGION_NATION.items()}, value=E.region_code, else_="ENG")
    answered_now = E.status == ANSWERED_ENQUIRY
    rows = (
        select(E.region_code.label("key"), E.status, E.channel, E.urgent, E.acknowledged_at, E.escalated_at,
               E.due_date, E.received_at, nation.label("nation"),
               lk.local_date(E.received_at).label("received_date"),
               lk.after_cut_off(E.received_at).label("received_late"),
               # The answer's London date, only for answered items (a reopened one's old time is ignored).
               case((answered_now, lk.local_date(E.completed_at))).label("done_date"))
        # Found through (status, received_at): two index ranges.
        .where(E.status.in_(REGIONAL_WORK), E.received_at >= lo, E.received_at < hi, E.deleted_at.is_(None),
               E.region_code.is_not(None))
        .offset(0)  # see _FENCE
        .subquery("e")
    )
    d = _with_days(lk, rows, "received", "done")
    answered = d.c.status == ANSWERED_ENQUIRY
    is_open = d.c.status == OPEN_ENQUIRY
    within = and_(answered, d.c.done_date <= d.c.due_date)
    email = d.c.channel == EMAIL
    return (
        select(
            *_figures(lk, d, answered, within, is_open, and_(is_open, d.c.due_date < lk.today)),
            _count(and_(email, answered)).label("email_answered"),
            _count(and_(email, within)).label("email_within_10"),
            _count(and_(email, answered, d.c.done_ord <= d.c.day0 + EMAIL_DAYS_100)).label("email_within_20"),
            _count(d.c.urgent).label("urgent"),
            _count(and_(d.c.urgent, d.c.acknowledged_at.is_not(None), d.c.escalated_at.is_(None)))
            .label("urgent_in_time"),
        )
        .group_by(_group_key(d))
    )


def letter_league(lk: Lookups, lo: datetime, hi: datetime, *, stages: bool = False) -> Select:
    """One row per drafting unit now holding the letters received in [lo, hi) (NULL: with MPCS).

    ``stages``: also the stage targets of domain-rules §3 [CORR 1.2], in the same pass over the
    rows: allocated within 2 working days of receipt (and how many a unit rejected as
    misallocated), drafted (sent to QA) within 12, signed and dispatched within 4 of reaching the
    signatory.  (A second statement over the same rows took as long again as the first.)"""
    answered_now = L.state == LetterState.DISPATCHED.value
    stage_columns = []
    if stages:
        stage_columns = [lk.local_date(L.allocated_at).label("allocated_date"),
                         lk.local_date(L.submitted_to_qa_at).label("drafted_date"),
                         lk.local_date(L.reached_signatory_at).label("signatory_date"),
                         lk.after_cut_off(L.reached_signatory_at).label("signatory_late"),
                         select(LR.id).where(LR.letter_id == L.id).exists().label("rejected")]
    rows = (
        select(L.unit_code.label("key"), L.state, L.ophso_deadline, L.received_at,
               func.coalesce(U.nation, "ENG").label("nation"),
               lk.local_date(L.received_at).label("received_date"),
               lk.after_cut_off(L.received_at).label("received_late"),
               case((answered_now, lk.local_date(L.dispatched_at))).label("done_date"),
               *stage_columns)
        .select_from(LT).outerjoin(UT, U.code == L.unit_code)
        # Every state but cancelled, named: (state, received_at) then serves it as index ranges.
        .where(L.state.in_(COUNTED_LETTER_STATES), L.received_at >= lo, L.received_at < hi)
        .offset(0)  # see _FENCE
        .subquery("l")
    )
    d = _with_days(lk, rows, "received", "done",
                   (("allocated", False), ("drafted", False), ("signatory", True)) if stages else ())
    answered = d.c.state == LetterState.DISPATCHED.value
    is_open = d.c.state.in_(OPEN_LETTER_STATES)
    reply_ord = d.c.day0 + REPLY_DAYS
    # An OPHSO enquiry's own deadline is fixed at registration; no deadline may fall after it [ASY].
    ophso_ok = or_(d.c.ophso_deadline.is_(None), d.c.done_date <= d.c.ophso_deadline)
    within = and_(answered, d.c.done_ord <= reply_ord, ophso_ok)
    overdue = and_(is_open, or_(lk.today_ord(d.c.nation) > reply_ord,
                                and_(d.c.ophso_deadline.is_not(None), d.c.ophso_deadline < lk.today)))
    stage_figures = []
    if stages:
        allocated = d.c.allocated_date.is_not(None)
        drafted = d.c.drafted_date.is_not(None)
        signed = and_(d.c.signatory_date.is_not(None), d.c.done_date.is_not(None))
        stage_figures = [
            _count(allocated).label("allocated"),
            _count(and_(allocated, d.c.allocated_ord <= d.c.day0 + ALLOCATION_DAYS)).label("allocated_in_time"),
            _count(and_(allocated, d.c.rejected)).label("misallocated"),
            _count(drafted).label("drafted"),
            _count(and_(drafted, d.c.drafted_ord <= d.c.day0 + DRAFT_DAYS)).label("drafted_in_time"),
            _count(signed).label("signed"),
            _count(and_(signed, d.c.done_ord <= d.c.signatory_ord + SIGNING_DAYS)).label("signed_in_time"),
        ]
    return (select(*_figures(lk, d, answered, within, is_open, overdue),
                   # The Cabinet Office return's "within 20 working days", OPHSO's shorter deadline aside.
                   _count(and_(answered, d.c.done_ord <= reply_ord)).label("within_20"),
                   *stage_figures)
            .group_by(_group_key(d)))


def raw_enquiry_league(lo: datetime, hi: datetime) -> Select:
    """The plainest aggregate over the same rows (no London time, no working days): the benchmark's
    baseline, to show what the rules cost on top of reading the rows."""
    answered = E.status == ANSWERED_ENQUIRY
    return (select(E.region_code, func.count(), _count(answered),
                   _count(and_(answered, cast(E.completed_at, Date) <= E.due_date)))
            .where(E.received_at >= lo, E.received_at < hi, E.deleted_at.is_(None),
                   E.region_code.is_not(None), E.status.in_(REGIONAL_WORK))
            .group_by(E.region_code))


def raw_letter_league(lo: datetime, hi: datetime) -> Select:
    answered = L.state == LetterState.DISPATCHED.value
    return (select(L.unit_code, func.count(), _count(answered), _count(L.state.in_(OPEN_LETTER_STATES)))
            .where(L.state.in_(COUNTED_LETTER_STATES), L.received_at >= lo, L.received_at < hi)
            .group_by(L.unit_code))


__all__ = ["Lookups", "enquiry_league", "letter_league", "raw_enquiry_league", "raw_letter_league"]
