"""A region's queue, filtered and sorted in SQL as the person steering it asked (issue 14).

The desk reads a region's queue a page at a time (``repositories.read_queue_page``),
so a filter or an order applied to the rows on screen would be wrong past
the first page.  When someone filters or re-sorts it, the pages come from
here instead: the same filter as ``domain.queue_filter.matches`` (a test
checks both keep the same items), the order asked for with the id as the
tie-break, and pages by offset (a steered view is looked at, not worked
through to the 60,000th item; the unsteered queue keeps its keyset pages).

Sort columns are named as ``ui.models.Column`` values ("Due", "Queue status", …).
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import Connection, and_, case, func, or_, select, type_coerce

from ..domain.calendar import LONDON
from ..domain.queue_filter import QueueFilter, QueueOrder, received_before
from ..domain.records import QueueStatus
from ..domain.targets import DueBands
from ..domain.text import fold
from .models import Enquiry, Member
from .repositories import _NOT_WAITING, _WAITING, _WITH_REGION, E, M, queue_item, summary_select


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


def _words_in(columns: Sequence, text: str):
    """Every word of ``text`` in one of ``columns`` (lower case; the Python rule also folds accents)."""
    words = fold(text).split()
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
    # Items with nothing to sort by go last either way, as on the desk's in-memory lists.
    return [column.is_(None), column.desc() if order.descending else column.asc(), E.id]


def _where(region_code: str, f: QueueFilter, bands: DueBands, today: date) -> list:
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
        where.append(_words_in([M.name], f.member))
    if f.min_age_days > 0:
        last_day = received_before(today, f.min_age_days)
        start_of_next = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=LONDON)
        # Through coalesce, so the planner keeps to the region's queue index rather than scanning every
        # region's items by date of receipt (SQLite chose that and took ~20x longer on a 60,000-item queue).
        received = type_coerce(func.coalesce(E.received_at, E.received_at), E.received_at.type)
        where.append(received < start_of_next.astimezone(timezone.utc))
    if f.text.strip():
        where.append(_words_in([E.reference, E.subject_name, E.nationality, E.ho_reference, E.cts_reference],
                               f.text))
    return where


def steered_page(conn: Connection, region_code: str, bands: DueBands, today: date, f: QueueFilter,
                 order: QueueOrder, offset: int, limit: int) -> tuple[list, int]:
    """The items of a page (``limit`` from ``offset``), each with its status today, and how many match."""
    where = _where(region_code, f, bands, today)
    rows = conn.execute(summary_select().where(*where).order_by(*_order_by(order, bands))
                        .offset(offset).limit(limit)).all()
    # Counted on enquiries alone unless the filter needs the member's name: the join costs a look-up per row.
    source = (Enquiry.__table__.outerjoin(Member.__table__, M.id == E.member_id) if f.member.strip()
              else Enquiry.__table__)
    matched = conn.execute(select(func.count()).select_from(source)
                           .where(E.deleted_at.is_(None), *where)).scalar_one()
    return [queue_item(r, bands) for r in rows], matched
