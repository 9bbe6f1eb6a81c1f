"""A region's queue, filtered and sorted in SQL as the person steering it asked (issue 14).

The desk reads a region's queue a page at a time (``repositories.read_queue_page``),
so a filter or an order applied to the rows on screen would be wrong past
the first page.  When someone filters or re-sorts it, the pages come from
here instead: the same filter as ``domain.queue_filter.matches`` (a test
checks both keep the same items), the order asked for with the id as the
tie-break, and pages by offset (a steered view is looked at, not worked
through to the 60,000th item; the unsteered queue keeps its keyset pages).

What makes it fast (1,000,000 enquiries, ``benchmarks.steered_queue``):

* a filter in the queue's own order (or worst status first, which is that
  order) walks the queue's index part by part
  (``repositories.read_queue_page``'s parts, keyset pages) and stops at a
  page's worth of matches, instead of sorting the whole queue by an expression;
* how many items a status filter keeps comes from the queue's counts by
  status (already counted from the index alone), not from a second scan;
* an order by a column that is never empty is not prefixed by "empty last",
  so subject and date of receipt are read in an index's order (migration 0022);
* how many items a text filter keeps is a count over a narrow covering index of
  the queue's texts (migration 0027), compared without a function per row on
  SQLite (``_words_in``);
* and it is counted once per steer: "Show more" carries the first page's counts in its cursor
  (``services.enquiry_queues``), and a page says whether another follows by reading one row more.

Sort columns are named as ``ui.models.Column`` values ("Due", "Queue status", …).
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import Connection, and_, case, func, or_, select, type_coerce

from ..domain.calendar import LONDON
from ..domain.queue_filter import QueueFilter, QueueOrder, received_before
from ..domain.targets import DueBands
from ..domain.text import fold
from ..domain.records import QueueCounts, QueueCursor, QueueStatus
from .models import Enquiry, Member
from .repositories import (_NOT_WAITING, _WAITING, _WITH_REGION, QUEUE_PARTS, UNDATED, URGENT_WAITING, E, M,
                           queue_item, queue_part, summary_select)


def _status_rank(bands: DueBands):
    """URGENT 0, OVERDUE 1, DUE SOON 2, ON TIME 3, no due date 4: worst first, as the Status column sorts."""
    return case((E.due_date.is_(None), 4), (_WAITING, 0), (E.due_date < bands.overdue_before, 1),
                (E.due_date <= bands.due_soon_until, 2), else_=3)


def _status_where(status: QueueStatus, bands: DueBands):
    due = E.due_date
    if status is QueueStatus.URGENT:
        return and_(due.is_not(None), _WAITING)
    if status is QueueStatus.OVERDUE:
        return and_(_NOT_WAITING, due < bands.overdue_before)
    if status is QueueStatus.DUE_SOON:
        return and_(_NOT_WAITING, due >= bands.overdue_before, due <= bands.due_soon_until)
    return and_(_NOT_WAITING, due > bands.due_soon_until)


def _words_in(columns: Sequence, text: str, sqlite: bool):
    """Every word of ``text`` in one of ``columns``, ignoring case (the Python rule also folds accents).

    On SQLite ``LIKE`` itself ignores case, for the ASCII letters exactly as its ``lower()`` does (both
    ASCII only), so the column is compared as it is: no function call per row and column, which is most
    of what a count over a whole queue costs (a fifth of it, with migration 0027's covering index).
    PostgreSQL's ``LIKE`` minds case: its ``lower()`` (Unicode) is kept.  A NULL column matches nothing
    either way.
    """
    words = fold(text).split()
    if sqlite:
        return and_(*(or_(*(c.contains(w, autoescape=True) for c in columns)) for w in words))
    return and_(*(or_(*(func.lower(func.coalesce(c, "")).contains(w, autoescape=True) for c in columns))
                  for w in words))


def _order_by(order: QueueOrder, bands: DueBands) -> list:
    columns = {"Reference": E.reference, "Received": E.received_at, "Member": func.lower(M.name),
               "Subject": func.lower(E.subject_name), "Due": E.due_date, "Queue status": _status_rank(bands),
               "Acknowledged": E.acknowledged_at.is_not(None), "File needed": E.file_needed,
               "Nationality": func.lower(E.nationality), "HO ref": E.ho_reference}
    column = columns.get(order.column)
    if column is None:  # the queue's own order
        return [case((E.due_date.is_(None), 2), (_WAITING, 0), else_=1), E.due_date, E.id]
    ordered = [column.desc() if order.descending else column.asc(), E.id]
    if order.column not in _NULLABLE:
        return ordered  # never empty: an index on the column can give the order
    # Items with nothing to sort by go last either way, as on the desk's in-memory lists.
    return [column.is_(None), *ordered]


# The sort columns that can be empty (a queue item without a due date, an enquiry without a Member).
_NULLABLE = frozenset({"Due", "Member"})


def _where(region_code: str, f: QueueFilter, bands: DueBands, today: date, *, sqlite: bool) -> list:
    where = [E.region_code == region_code, _WITH_REGION]
    if f.status:
        try:
            status = QueueStatus(fold(f.status))
        except ValueError:
            return [*where, E.id.is_(None)]  # no item has a status worded so
        where.append(_status_where(status, bands))
    if f.region and f.region != region_code:
        where.append(E.id.is_(None))
    if f.member.strip():
        where.append(_words_in([M.name], f.member, sqlite))
    if f.min_age_days > 0:
        last_day = received_before(today, f.min_age_days)
        start_of_next = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=LONDON)
        # Through coalesce, so the planner keeps to the region's queue index rather than scanning every
        # region's items by date of receipt (SQLite chose that and took ~20x longer on a 60,000-item queue).
        received = type_coerce(func.coalesce(E.received_at, E.received_at), E.received_at.type)
        where.append(received < start_of_next.astimezone(timezone.utc))
    if f.text.strip():
        where.append(_words_in([E.reference, E.subject_name, E.nationality, E.ho_reference, E.cts_reference],
                               f.text, sqlite))
    return where


def _own_order_rows(conn: Connection, where: list, after: QueueCursor | None, n: int) -> list:
    """Up to ``n`` filtered rows in the queue's own order after ``after``, part by part, each part an
    index range in (due date, id) order: the walk stops once it has ``n`` rows."""
    rows: list = []
    for part in QUEUE_PARTS[after.part if after else 0:]:
        stmt = summary_select().where(*where)
        if part == UNDATED:
            stmt = stmt.where(E.due_date.is_(None)).order_by(E.id)
            if after is not None and after.part == part:
                stmt = stmt.where(E.id > after.id)
        else:
            stmt = stmt.where(E.due_date.is_not(None), _WAITING if part == URGENT_WAITING else _NOT_WAITING)
            stmt = stmt.order_by(E.due_date, E.id)
            if after is not None and after.part == part:
                stmt = stmt.where(or_(E.due_date > after.due_date, and_(E.due_date == after.due_date,
                                                                         E.id > after.id)))
        rows += conn.execute(stmt.limit(n - len(rows))).all()
        if len(rows) >= n:
            break
    return rows


def in_own_order(order: QueueOrder) -> bool:
    """Whether ``order`` is the queue's own: worst status first ("Queue status" ascending) is, each
    status's items by due date (the queue's order) rather than by id."""
    return order.default or (order.column == "Queue status" and not order.descending)


def _matched_from_counts(region_code: str, f: QueueFilter, counts: QueueCounts) -> int | None:
    """How many items a filter by status (and region) alone keeps, from the queue's counts; None when the
    filter looks at anything else."""
    if f.member.strip() or f.min_age_days > 0 or f.text.strip():
        return None
    if f.region and f.region != region_code:
        return 0
    if not f.status:
        return counts.total
    try:
        status = QueueStatus(fold(f.status))
    except ValueError:
        return 0
    return {QueueStatus.URGENT: counts.urgent, QueueStatus.OVERDUE: counts.overdue,
            QueueStatus.DUE_SOON: counts.due_soon, QueueStatus.ON_TIME: counts.on_time}[status]


def steered_page(conn: Connection, region_code: str, bands: DueBands, today: date, f: QueueFilter,
                 order: QueueOrder, offset: int, limit: int, *, counts: QueueCounts,
                 after: QueueCursor | None = None,
                 matched: int | None = None) -> tuple[list, int, QueueCursor | None, bool]:
    """The items of a page (``limit`` from ``offset``), each with its status today, how many match, in the
    queue's own order where the next page starts (after the last item, when one follows), and whether
    another page follows.

    ``counts``: the whole queue's counts by status; ``after``: in the queue's own order, the last item of
    the previous page (the page is read on from it; ``offset`` is then only carried along); ``matched``:
    how many match, when an earlier page of the same steer counted it (not counted again, issue 14).
    """
    where = _where(region_code, f, bands, today, sqlite=conn.dialect.name == "sqlite")
    keyset = None
    if in_own_order(order):
        rows = _own_order_rows(conn, where, after, limit + 1)
    else:
        # One row more than the page says whether another follows, without the count (which may be carried).
        rows = conn.execute(summary_select().where(*where).order_by(*_order_by(order, bands))
                            .offset(offset).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    if more and in_own_order(order):
        last = queue_item(rows[-1], bands)
        keyset = QueueCursor(queue_part(last), last.due_date, last.id)
    if matched is None:
        matched = _matched_from_counts(region_code, f, counts)
    if matched is None:
        # Counted on enquiries alone unless the filter needs the member's name: the join costs a look-up per row.
        source = (Enquiry.__table__.outerjoin(Member.__table__, M.id == E.member_id) if f.member.strip()
                  else Enquiry.__table__)
        matched = conn.execute(select(func.count()).select_from(source)
                               .where(E.deleted_at.is_(None), *where)).scalar_one()
    return [queue_item(r, bands) for r in rows], matched, keyset, more
