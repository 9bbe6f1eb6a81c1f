"""The enquiry log's queues: Further Action, and a region's queue a page at a time (issues 5, 14).

Part of ``EnquiryService`` (``services.enquiries``): reads only, checked against the actor's
rights here; counts and steering done in SQL over the whole queue, never on the page on screen.
"""
from __future__ import annotations

from itertools import takewhile

from ..db import repositories as repo
from ..db.queue_steer_sql import steered_page
from ..domain import permissions as perm
from ..domain.calendar import REGION_NATION, region_calendar
from ..domain.errors import PermissionDenied, ValidationError
from ..domain.permissions import Action
from ..domain.queue_filter import QueueFilter, QueueOrder
from ..domain.records import EnquirySummary, QueueCursor, QueuePage, SteerCount, SteeredCursor, UserRecord
from ..domain.targets import due_bands
from . import actor_check
from .enquiry_base import EnquiryUseCases, region_code_of

QUEUE_PAGE_SIZE = 200  # a region queue's page: a screenful or two, fetched in a few milliseconds
WHOLE_QUEUE_PAGE = 5_000
URGENT_ALERT_LIMIT = 100  # urgent items waiting that a queue page carries for the new-work announcement


class EnquiryQueues(EnquiryUseCases):
    """Further Action and the region queues."""

    def further_action_queue(self, actor: UserRecord) -> list[EnquirySummary]:
        perm.require(actor, Action.FILTER_FURTHER_ACTION)
        with actor_check.read(self._uow, actor) as s:
            return repo.summaries(s, repo.further_action_statement())

    def region_queue_page(self, actor: UserRecord, region_code: str, *,
                          after: QueueCursor | SteeredCursor | None = None, limit: int = QUEUE_PAGE_SIZE,
                          steer: tuple[QueueFilter, QueueOrder] | None = None) -> QueuePage:
        """A page of a region's open items (urgent first, then by due date), each with its status today,
        and the whole queue's counts by status.

        The next page starts after the last item of this one (``page.next``).  The counts come
        from SQL, by the due-date bands the one rule gives for today (``targets.due_bands``), so a
        queue of 60,000 costs what a queue of 300 does.

        ``steer``: a filter and an order the person chose (issue 14), applied in SQL to the whole
        queue (``db.queue_steer_sql``), not to the page on screen; ``page.matched`` says how many
        items the filter keeps, and the next page starts at an offset (a ``SteeredCursor``).
        """
        code = region_code_of(region_code)
        if not perm.may_work_region(actor, code):
            raise PermissionDenied(f"{actor.full_name} may not work the {code} queue")
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
            raise ValidationError("a page holds at least one item")
        steered = steer is not None and (not steer[0].empty or not steer[1].default)
        if after is not None and not isinstance(after, SteeredCursor if steered else QueueCursor):
            raise ValidationError("start the next page after the cursor of the previous page")
        today = self._today()
        with actor_check.reading(self._uow, actor) as conn:
            bands = due_bands(today, region_calendar(code, repo.closures_for(conn, REGION_NATION[code])))
            if steered:
                return self._steered_page(conn, code, bands, today, steer, after, limit)
            counted = conn.execute(repo.queue_counts_statement(), repo.queue_counts_params(code, bands)).one()
            # A first page of at least URGENT_ALERT_LIMIT items starts with the urgent items waiting: the
            # alert takes them from it (issue 16: a statement and 100 rows less); a shorter page reads them.
            read_waiting = after is None and limit < URGENT_ALERT_LIMIT
            waiting = self._urgent_waiting(conn, code, bands, counted) if read_waiting else ()
            # One row more than the page: whether another page follows.
            rows = repo.read_queue_page(lambda stmt, params: conn.execute(stmt, params).all(), code, after,
                                        limit + 1, repo.queue_part_sizes(counted))
        counts = repo.queue_counts(counted)
        items = tuple(repo.queue_item(r, bands) for r in rows[:limit])
        if after is None and not read_waiting:
            waiting = tuple(takewhile(_is_urgent_waiting, items[:URGENT_ALERT_LIMIT]))
        last = items[-1] if len(rows) > limit else None
        return QueuePage(region_code=code, items=items, counts=counts,
                         next=QueueCursor(repo.queue_part(last), last.due_date, last.id) if last else None,
                         urgent_waiting=waiting)

    def _steered_page(self, conn, code: str, bands, today, steer: tuple[QueueFilter, QueueOrder],
                      after: SteeredCursor | None, limit: int) -> QueuePage:
        """A page of a filtered or re-sorted queue.  The first page counts (the queue by status, the items
        the filter keeps); "Show more" reuses those counts, carried in the cursor, for the following pages
        of the same steer on the same day rather than counting the whole filtered queue again each time
        (issue 14).  A new filter or order, or a refresh, starts from the first page and counts afresh."""
        offset = after.offset if after is not None else 0
        carried = after.counted if after is not None else None
        if carried is not None and carried.steer == steer and carried.day == today:
            counts, known, waiting = carried.counts, carried.matched, ()
        else:
            counted = conn.execute(repo.queue_counts_statement(), repo.queue_counts_params(code, bands)).one()
            counts, known = repo.queue_counts(counted), None
            waiting = self._urgent_waiting(conn, code, bands, counted) if after is None else ()
        found, matched, keyset, more = steered_page(conn, code, bands, today, *steer, offset, limit, counts=counts,
                                                    after=after.keyset if after else None, matched=known)
        nxt = (SteeredCursor(offset + len(found), keyset, SteerCount(steer, today, counts, matched))
               if more and found else None)
        return QueuePage(region_code=code, items=tuple(found), counts=counts, next=nxt, matched=matched,
                         urgent_waiting=waiting)

    @staticmethod
    def _urgent_waiting(conn, code: str, bands, counted) -> tuple[EnquirySummary, ...]:
        """The first ``URGENT_ALERT_LIMIT`` urgent items nobody has acknowledged, in the queue's order: one
        range of their small index, read only when the counts say there are some."""
        if not repo.queue_part_sizes(counted)[repo.URGENT_WAITING]:
            return ()
        rows = conn.execute(repo.queue_part_statement(repo.URGENT_WAITING, False),
                            {"region": code, "n": URGENT_ALERT_LIMIT}).all()
        return tuple(repo.queue_item(r, bands) for r in rows)

    def region_queue(self, actor: UserRecord, region_code: str) -> list[EnquirySummary]:
        """The whole of a region's queue in its order, each item with its status today (for scripts and
        reports; the desk shows it a page at a time with ``region_queue_page``)."""
        items: list[EnquirySummary] = []
        after = None
        while True:
            page = self.region_queue_page(actor, region_code, after=after, limit=WHOLE_QUEUE_PAGE)
            items += page.items
            if page.next is None:
                return items
            after = page.next


def _is_urgent_waiting(item: EnquirySummary) -> bool:
    return repo.queue_part(item) == repo.URGENT_WAITING
