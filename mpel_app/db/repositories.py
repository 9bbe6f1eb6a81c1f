"""Queries that return domain records, and the counters references come from; shared by services and benchmarks."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import lru_cache

from sqlalchemy import ARRAY, Connection, Integer, Select, and_, any_, bindparam, exists, false, func, or_, select, true, tuple_, union, update
from sqlalchemy.sql import Executable, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ..domain.records import (Channel, EnquiryStatus, EnquirySummary, QueueCounts, QueueCursor, QueueStatus,
                              SearchKey)
from ..domain.alarms import needs_action_now
from ..domain.targets import DueBands
from ..domain.text import fold, name_tokens, normalise_reference
from .models import ClosureDay, CtsCounter, Enquiry, LegacyRecord, Member, ReferenceCounter, SubjectNameToken

SEARCH_LIMIT = 200


def reserve_numbers(session: Session, counter: type, key: dict[str, object], count: int = 1, *,
                    create: bool = False) -> range:
    """Take the next `count` numbers of one counter row inside the caller's transaction.

    `counter` is a model with a `last_number` column; `key` picks its row.  The
    UPDATE locks the row until commit (PostgreSQL) or holds the database write
    lock (SQLite), so two desks can never get the same number; a rolled-back
    transaction gives its numbers back, so failures leave no gaps.  With
    `create`, a missing row is first inserted at 0 (INSERT ... ON CONFLICT DO
    NOTHING, so two desks starting a new year at once do not collide).
    """
    if count < 0:
        raise ValueError(f"count must be 0 or more, got {count}")
    if create:
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.execute(insert(counter).values(**key, last_number=0).on_conflict_do_nothing())
    last = session.execute(
        update(counter).where(*(getattr(counter, k) == v for k, v in key.items()))
        .values(last_number=counter.last_number + count)
        .returning(counter.last_number)
    ).scalar_one_or_none()
    if last is None:
        raise ValueError(f"no {counter.__tablename__} row for {key}")
    return range(last - count + 1, last + 1)


def lock_key(session: Session, key: str) -> None:
    """Hold a lock named ``key`` until the transaction ends, so that desks creating the same row at once
    (the same rota evening, username, closure day, setting; the first administrator) take turns: the one
    that waited then finds the row the other made, and says so or updates it, instead of both inserting
    and the loser failing on the unique constraint.  PostgreSQL: a transaction-scoped advisory lock;
    SQLite: nothing, its writing transactions (BEGIN IMMEDIATE) already take turns."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(bindparam("key", key), 0))))


def reserve_reference_numbers(session: Session, prefix: str, count: int = 1) -> range:
    """Take the next `count` hotline numbers for a prefix (see `reserve_numbers`)."""
    try:
        return reserve_numbers(session, ReferenceCounter, {"prefix": prefix}, count)
    except ValueError:
        raise ValueError(f"no reference counter for prefix {prefix}") from None


def reserve_cts_number(session: Session, letter: str, year: int) -> int:
    """The next CTS sequence number for reference letter M or B in `year` (four digits)."""
    return reserve_numbers(session, CtsCounter, {"letter": letter, "year": year}, create=True)[0]


def next_reference_number(session: Session, prefix: str) -> int:
    return reserve_reference_numbers(session, prefix)[0]


def replace_name_tokens(session: Session, enquiry: Enquiry) -> None:
    session.query(SubjectNameToken).filter(SubjectNameToken.enquiry_id == enquiry.id).delete()
    for token in name_tokens(enquiry.subject_name):
        session.add(SubjectNameToken(enquiry_id=enquiry.id, token=token[:80]))


_CLOSURES = select(ClosureDay.__table__.c.day).where(
    or_(ClosureDay.__table__.c.nation == bindparam("nation"), ClosureDay.__table__.c.nation == "ALL"))


def closures_for(db: Session | Connection, nation: str) -> list[date]:
    """The closure days of a nation's calendar (its own and those for ALL); ``db`` a session or a connection."""
    return list(db.scalars(_CLOSURES, {"nation": nation}))


# ------------------------------------------------------------------ summaries and searches
#
# Statements over the tables' Core columns (E, M, T), built once with bound parameters and
# executed many times: building a statement costs ~0.3 ms, and a statement over ORM attributes
# goes through the ORM's compile step on every execution.  Searches and queues are read on a
# Core connection (UnitOfWork.reading), their rows turned straight into EnquirySummary records.

E = Enquiry.__table__.c
M = Member.__table__.c
T = SubjectNameToken.__table__.c

_SUMMARY_COLUMNS = (
    E.id, E.reference, E.channel, E.status, E.received_at, M.name, E.subject_name, E.nationality,
    E.ho_reference, E.cts_reference, E.region_code, E.due_date,
    E.acknowledged_at.is_not(None),  # only whether: no timestamp to parse per row
    E.file_needed, E.urgent,
)
_NEWEST_FIRST = (E.received_at.desc(), E.id.desc())
_CHANNELS = {c.value: c for c in Channel}
_STATUSES = {s.value: s for s in EnquiryStatus}
_new = object.__new__


_NO_VALUE = object()


def one_of_ids(column, dialect: str, name: str = "ids", ids=_NO_VALUE):
    """``column IN ids`` (``ids`` given now, or later as parameter ``name``).  On PostgreSQL one array
    parameter (``= ANY``): one statement text whatever the number of ids, which the driver prepares once,
    where ``IN`` with a few hundred parameters was compiled and bound afresh on every call (issue 16)."""
    value = {} if ids is _NO_VALUE else {"value": list(ids)}
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(Integer), **value))
    return column.in_(bindparam(name, expanding=True, **value))


def summary_select() -> Select:
    """Live enquiries as summary rows (see ``summary``)."""
    return (select(*_SUMMARY_COLUMNS)
            .select_from(Enquiry.__table__.outerjoin(Member.__table__, M.id == E.member_id))
            .where(E.deleted_at.is_(None)))


def search_select() -> Select:
    """``summary_select`` with one column more, whether the record is locked (its passcode not verified),
    for the passcode gate of a search: read with the row, not by a second statement (``search_results``)."""
    return summary_select().add_columns(E.passcode_verified_at.is_(None))


def summary(r: Sequence, queue_status: QueueStatus | None = None) -> EnquirySummary:
    """One row of summary_select() as a record.

    Filled in place rather than through the frozen dataclass's __init__, which sets its 16 fields
    one object.__setattr__ call at a time: 1.6 of the 2.6 us per row, a third of a nationality
    search's time in Python (200 rows).  The record is the same; tests/db compare it field by field.
    """
    item = _new(EnquirySummary)
    item.__dict__.update(id=r[0], reference=r[1], channel=_CHANNELS[r[2]], status=_STATUSES[r[3]],
                         received_at=r[4], member_name=r[5] or "", subject_name=r[6], nationality=r[7],
                         ho_reference=r[8], cts_reference=r[9], region_code=r[10], due_date=r[11],
                         acknowledged=r[12], file_needed=r[13], urgent=r[14], queue_status=queue_status)
    return item


def summaries(db: Session | Connection, stmt: Executable, params: dict | None = None) -> list[EnquirySummary]:
    """Summary rows of ``stmt`` as records; ``db`` a session or a connection."""
    return [summary(r) for r in db.execute(stmt, params)]


def search_results(db: Session | Connection, stmt: Executable,
                   params: dict | None = None) -> list[tuple[EnquirySummary, bool]]:
    """Rows of a ``search_select`` statement as (record, locked) pairs."""
    return [(summary(r), r[_LOCKED]) for r in db.execute(stmt, params)]


_LOCKED = len(_SUMMARY_COLUMNS)  # search_select's extra column


def _prefix_range(column, n: int):
    """column starts with the n-th word (parameters lo{n}, hi{n}: ``prefix_params``), as an index range scan."""
    return and_(column >= bindparam(f"lo{n}"), column < bindparam(f"hi{n}"))


def prefix_params(words: Sequence[str]) -> dict[str, str]:
    """lo{n} and hi{n} for each word: the range of strings that start with it."""
    params = {}
    for n, word in enumerate(words):
        params[f"lo{n}"], params[f"hi{n}"] = word, word[:-1] + chr(ord(word[-1]) + 1)
    return params


_SEARCH_COLUMNS = {SearchKey.REFERENCE: E.reference, SearchKey.HO_REFERENCE: E.ho_reference,
                   SearchKey.CTS_REFERENCE: E.cts_reference, SearchKey.NATIONALITY: E.nationality_folded}
# On a person's own PostgreSQL login ``enquiries`` is the desk's masking view (pg_desk_view), whose subject
# columns are CASE expressions no index serves; ``enquiry_subjects`` has the same rule as a WHERE, and its
# columns are the table's, so an equality (a leak-proof operator) reaches the table's index through it.  The
# newest matching ids are taken there first (an ARRAY, evaluated once): as "id IN (...)" the planner, unable
# to estimate the view's rule, hashed the matches and read every live enquiry to join them (benchmarks.rls_latency).
_NEWEST_VISIBLE = ("enquiries.id = ANY(ARRAY(SELECT s.id FROM enquiry_subjects s WHERE s.{column} = :value "
                   "AND s.deleted_at IS NULL ORDER BY s.received_at DESC, s.id DESC LIMIT :limit))")


@lru_cache(maxsize=None)
def _search(key: SearchKey, words: int = 0, masked: bool = False) -> Select:
    stmt = search_select()
    if key is SearchKey.SUBJECT_NAME:
        # Every word typed must begin some word of the name: "zoe nun" finds "Zoë Núñez".
        for n in range(words):
            stmt = stmt.where(exists().where(T.enquiry_id == E.id, _prefix_range(T.token, n)))
    elif key is SearchKey.REFERENCE:
        # A hotline reference is unique; an imported legacy record is also found by its reference as the
        # Access database held it (a duplicated or invalid one was given a new reference on import).
        legacy = select(LegacyRecord.__table__.c.enquiry_id).where(
            LegacyRecord.__table__.c.reference_key == bindparam("value"))
        # One id list from both look-ups, not an OR: PostgreSQL cannot use an index for
        # "reference = x OR id IN (...)" and read all the enquiries (300 ms at a million).
        by_reference = select(E.id).where(E.reference == bindparam("value"))
        stmt = stmt.where(E.id.in_(union(by_reference, legacy)))
    elif masked:
        # Only records whose subject the login may see match (as through the view), found by the index.
        stmt = stmt.where(text(_NEWEST_VISIBLE.format(column=_SEARCH_COLUMNS[key].name)))
    else:
        stmt = stmt.where(_SEARCH_COLUMNS[key] == bindparam("value"))
    stmt = stmt.order_by(*_NEWEST_FIRST)
    return stmt.limit(bindparam("limit", type_=Integer))


def search_query(key: SearchKey, text: str, limit: int = SEARCH_LIMIT, *,
                 masked: bool = False) -> tuple[Select, dict] | None:
    """The statement and parameters for one search key, or None when the text cannot match anything.
    ``masked``: on a person's own PostgreSQL login (see ``_SUBJECTS``)."""
    if key is SearchKey.SUBJECT_NAME:
        words = name_tokens(text)
        return (_search(key, len(words)), {**prefix_params(words), "limit": limit}) if words else None
    if key not in _SEARCH_COLUMNS:
        raise ValueError(f"unknown search key {key!r}")
    value = fold(text) if key is SearchKey.NATIONALITY else normalise_reference(text)
    return (_search(key, 0, masked), {"value": value, "limit": limit}) if value else None


def search_statement(key: SearchKey, text: str, limit: int = SEARCH_LIMIT) -> Select | None:
    """search_query's statement with its parameters bound (for tests, benchmarks and one-off use)."""
    query = search_query(key, text, limit)
    return query[0].params(query[1]) if query else None


# ------------------------------------------------------------------ a region's queue
#
# The queue's order: urgent items nobody has acknowledged first, then the rest, each by due date and
# id; items without a due date (never expected: sending to a region sets one) last, by id.  Each of
# these three parts is one index range (ix_enquiries_urgent_waiting, ix_enquiries_region_queue), so
# a page costs the same on a queue of 300 or of 60,000, and the next page starts after the last item
# shown (a QueueCursor), not at an offset.

URGENT_WAITING, QUEUED, UNDATED = 0, 1, 2
QUEUE_PARTS = (URGENT_WAITING, QUEUED, UNDATED)

_REGION = bindparam("region")
_WITH_REGION = E.status == EnquiryStatus.WITH_REGION.value
# "= 1" / "= true", the form the index's leading column is searched by.
_WAITING = and_(E.urgent == true(), E.acknowledged_at.is_(None))
_NOT_WAITING = or_(E.urgent == false(), E.acknowledged_at.is_not(None))


def queue_item(r: Sequence, bands: DueBands) -> EnquirySummary:
    """A row of summary_select() as a queue item, its status today given by ``bands``."""
    due, acknowledged, urgent = r[11], r[12], r[14]
    return summary(r, None if due is None else bands.status(due, urgent=needs_action_now(urgent, acknowledged)))


def queue_part(item: EnquirySummary) -> int:
    """Which part of the queue an item is in (the same rule as the statements below)."""
    if item.due_date is None:
        return UNDATED
    return URGENT_WAITING if item.urgent and not item.acknowledged else QUEUED


@lru_cache(maxsize=None)
def queue_part_statement(part: int, after: bool) -> Select:
    """One part of a region's queue in order, at most :n items; with ``after``, those after
    (:after_due, :after_id).  Parameters: region, n (and after_due, after_id)."""
    stmt = summary_select().where(E.region_code == _REGION, _WITH_REGION)
    if part == UNDATED:
        stmt = stmt.where(E.due_date.is_(None))
        if after:
            stmt = stmt.where(E.id > bindparam("after_id", type_=Integer))
        order = (E.id,)
    else:
        stmt = stmt.where(E.due_date.is_not(None), _WAITING if part == URGENT_WAITING else _NOT_WAITING)
        if after:
            stmt = stmt.where(tuple_(E.due_date, E.id) > tuple_(
                bindparam("after_due", type_=E.due_date.type), bindparam("after_id", type_=Integer)))
        order = (E.due_date, E.id)
    return stmt.order_by(*order).limit(bindparam("n", type_=Integer))


def read_queue_page(execute: Callable[[Select, dict], list], region_code: str, after: QueueCursor | None,
                    n: int, sizes: Sequence[int] | None = None) -> list:
    """The next ``n`` rows of a region's queue after ``after`` (from the start when None), part by part.

    ``execute(statement, params)`` runs a statement and returns its rows (on the service's
    connection, or on a raw DBAPI cursor in the benchmarks).  ``sizes``: how many items each part
    holds (``queue_part_sizes``), to skip the empty ones (most queues have no undated item).
    """
    rows: list = []
    for part in QUEUE_PARTS[after.part if after else 0:]:
        if sizes is not None and not sizes[part]:
            continue
        keyset = after is not None and part == after.part
        params = {"region": region_code, "n": n - len(rows)}
        if keyset:
            params["after_id"] = after.id
            if part != UNDATED:
                params["after_due"] = after.due_date
        rows += execute(queue_part_statement(part, keyset), params)
        if len(rows) >= n:
            break
    return rows


def _count(*where) -> object:
    return select(func.count()).select_from(Enquiry.__table__).where(*where).scalar_subquery()


@lru_cache(maxsize=None)
def queue_counts_statement() -> Select:
    """Counts of a whole queue by due-date band, each an index range counted from the index alone.
    Parameters: region, overdue_before, due_soon_until (a DueBands).  See queue_counts()."""
    due = E.due_date
    live = (E.region_code == _REGION, _WITH_REGION, E.deleted_at.is_(None))
    waiting = (*live, _WAITING, due.is_not(None))
    not_overdue = due >= bindparam("overdue_before", type_=due.type)
    due_soon = and_(not_overdue, due <= bindparam("due_soon_until", type_=due.type))
    return select(_count(*live), _count(*live, due.is_(None)), _count(*live, not_overdue), _count(*live, due_soon),
                  _count(*waiting), _count(*waiting, not_overdue), _count(*waiting, due_soon))


def queue_counts_params(region_code: str, bands: DueBands) -> dict:
    return {"region": region_code, "overdue_before": bands.overdue_before, "due_soon_until": bands.due_soon_until}


def queue_part_sizes(row: Sequence[int]) -> tuple[int, int, int]:
    """How many items each part of the queue holds, from queue_counts_statement()'s row."""
    total, undated, urgent = row[0], row[1], row[4]
    return urgent, total - undated - urgent, undated


def queue_counts(row: Sequence[int]) -> QueueCounts:
    """The counts by status from queue_counts_statement()'s row: an urgent item waiting counts as urgent
    whatever its band (queue_status's rule), an item without a due date in the total only."""
    total, undated, not_overdue, due_soon, urgent, urgent_not_overdue, urgent_due_soon = row
    return QueueCounts(total=total, urgent=urgent,
                       overdue=(total - undated - not_overdue) - (urgent - urgent_not_overdue),
                       due_soon=due_soon - urgent_due_soon,
                       on_time=(not_overdue - due_soon) - (urgent_not_overdue - urgent_due_soon))


def further_action_statement() -> Select:
    return summary_select().where(E.status == EnquiryStatus.FURTHER_ACTION.value).order_by(E.received_at, E.id)
