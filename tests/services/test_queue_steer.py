"""A region's queue steered in SQL (issue 14): sorted and filtered over the whole queue, page after page,
keeping exactly the items the desk's one filter rule keeps; on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import timedelta

import pytest

from mpel_app.domain.errors import ValidationError
from mpel_app.domain.queue_filter import QueueFilter, QueueOrder, matches
from mpel_app.domain.records import QueueCursor
from mpel_app.ui.steer_specs import summary_fields
from tests.support.world import MONDAY_MORNING
from tests.ui.test_queues import with_region
from tests.ui.test_urgent_ui import urgent_item

SUBJECTS = ["Delta Adeyemi", "alpha Okafor", "Charlie Mensah", "Bravo Nunez", "Echo Sandoval"]


@pytest.fixture
def queue(world, clock):
    # Received 0, 3, 6, 9 and 12 days before Monday 23 Nov: on time, on time, due soon, due soon, overdue.
    return [with_region(world, clock, MONDAY_MORNING - timedelta(days=3 * n), s) for n, s in enumerate(SUBJECTS)]


def read_all(services, user, steer, limit=2):
    got, after, pages = [], None, 0
    while True:
        page = services.enquiries.region_queue_page(user, "LSE", limit=limit, after=after, steer=steer)
        got += page.items
        pages += 1
        if page.next is None:
            return got, page, pages
        after = page.next


def test_sorting_goes_to_the_query_not_the_page_shown(services, world, queue):
    items, last, pages = read_all(services, world.leader, (QueueFilter(), QueueOrder("Subject")))
    assert pages == 3 and last.matched == 5 and last.counts.total == 5
    assert [i.subject_name for i in items] == sorted(SUBJECTS, key=str.casefold)
    items, _, _ = read_all(services, world.leader, (QueueFilter(), QueueOrder("Received", descending=True)))
    assert [i.subject_name for i in items] == SUBJECTS  # newest first: the order they were made in
    items, _, _ = read_all(services, world.leader, (QueueFilter(), QueueOrder("Queue status")))
    assert [i.queue_status.value for i in items] == ["overdue", "due soon", "due soon", "on time", "on time"]


FILTERS = [
    QueueFilter(status="Overdue"), QueueFilter(status="Due soon"), QueueFilter(status="On time"),
    QueueFilter(status="URGENT"), QueueFilter(text="ch"), QueueFilter(text="MPH"), QueueFilter(member="smith"),
    QueueFilter(member="angus"), QueueFilter(min_age_days=6), QueueFilter(status="due soon", min_age_days=7),
    QueueFilter(region="SNI"),
    # Case ignored word by word, across the texts (SQLite compares the columns with LIKE alone, which ignores
    # case as its lower() does; PostgreSQL lowers them): as the desk's rule does.
    QueueFilter(text="ALPHA okaFOR"), QueueFilter(text="ghanaian K7654321"),
]


def test_the_sql_filter_keeps_what_the_desks_rule_keeps(services, world, queue):
    whole = services.enquiries.region_queue(world.leader, "LSE")
    kept_any = set()
    for f in FILTERS:
        expected = sorted(i.id for i in whole if matches(summary_fields(i), f, MONDAY_MORNING.date()))
        items, last, _ = read_all(services, world.leader, (f, QueueOrder()))
        assert (f, sorted(i.id for i in items)) == (f, expected)
        assert last.matched == len(expected)
        kept_any.add(len(expected))
    assert len(kept_any) >= 4  # the filters tell the items apart (none, some, all)


def test_a_steered_page_refuses_an_unsteered_cursor(services, world, queue):
    with pytest.raises(ValidationError):
        services.enquiries.region_queue_page(world.leader, "LSE", after=QueueCursor(1, None, 1),
                                             steer=(QueueFilter(text="a"), QueueOrder()))


def test_a_filter_in_the_queues_own_order_reads_on_page_after_page(services, world, queue):
    whole = services.enquiries.region_queue(world.leader, "LSE")
    for f in (QueueFilter(text="a"), QueueFilter(status="Due soon"), QueueFilter(min_age_days=1)):
        expected = [i.id for i in whole if matches(summary_fields(i), f, MONDAY_MORNING.date())]
        for limit in (1, 2, 10):
            items, last, pages = read_all(services, world.leader, (f, QueueOrder()), limit=limit)
            assert [i.id for i in items] == expected  # the queue's order, no item twice or missed
            assert last.matched == len(expected) and pages == max(1, -(-len(expected) // limit))


def test_a_status_filter_counts_what_the_queues_counts_say(services, world, queue):
    page = services.enquiries.region_queue_page(world.leader, "LSE", steer=(QueueFilter(status="due soon"),
                                                                            QueueOrder("Subject")))
    assert page.matched == page.counts.due_soon == 2 and len(page.items) == 2
    assert services.enquiries.region_queue_page(
        world.leader, "LSE", steer=(QueueFilter(status="no such"), QueueOrder())).matched == 0


def test_worst_status_first_is_the_queues_own_order(services, world, queue):
    whole = [i.id for i in services.enquiries.region_queue(world.leader, "LSE")]
    items, last, pages = read_all(services, world.leader, (QueueFilter(), QueueOrder("Queue status")))
    assert [i.id for i in items] == whole and pages == 3 and last.matched == 5
    items, _, _ = read_all(services, world.leader, (QueueFilter(), QueueOrder("Queue status", descending=True)))
    assert [i.queue_status.value for i in items] == ["on time", "on time", "due soon", "due soon", "overdue"]


def test_a_steered_page_carries_the_queues_urgent_items_waiting(services, world, queue, clock):
    rec, _plan = urgent_item(world, clock, MONDAY_MORNING + timedelta(minutes=5))
    steer = (QueueFilter(text="mensah"), QueueOrder("Subject"))
    page = services.enquiries.region_queue_page(world.leader, "LSE", steer=steer)
    assert [i.subject_name for i in page.items] == ["Charlie Mensah"]
    assert [i.id for i in page.urgent_waiting] == [rec.id]
    assert [i.id for i in services.enquiries.region_queue_page(world.leader, "LSE").urgent_waiting] == [rec.id]
    services.enquiries.acknowledge(world.leader, rec.id)
    assert services.enquiries.region_queue_page(world.leader, "LSE", steer=steer).urgent_waiting == ()


@pytest.mark.parametrize("order", [QueueOrder(), QueueOrder("Subject")], ids=["own order", "by subject"])
def test_show_more_reuses_the_first_pages_count(services, world, queue, order):
    """Issue 14: the first page of a filtered queue counts it; "Show more" carries that count on, so the
    following pages of the same steer issue no count statement.  A changed filter or a fresh start counts."""
    from sqlalchemy import event

    counted: list[str] = []

    def note(_conn, _cursor, statement, _params, _context, _many):
        if "count(" in statement.lower():
            counted.append(statement)

    event.listen(services.engine, "before_cursor_execute", note)
    try:
        steer = (QueueFilter(text="MPH"), order)  # every item: three pages of two
        first = services.enquiries.region_queue_page(world.leader, "LSE", limit=2, steer=steer)
        assert counted and first.matched == 5 and first.next is not None
        counted.clear()
        second = services.enquiries.region_queue_page(world.leader, "LSE", limit=2, after=first.next, steer=steer)
        third = services.enquiries.region_queue_page(world.leader, "LSE", limit=2, after=second.next, steer=steer)
        assert counted == []
        assert (second.matched, second.counts, third.matched, third.counts) == (5, first.counts, 5, first.counts)
        assert third.next is None and len({i.id for p in (first, second, third) for i in p.items}) == 5

        # The filter changed under a cursor of the old one: counted afresh, not carried.
        narrower = (QueueFilter(text="ch"), order)
        page = services.enquiries.region_queue_page(world.leader, "LSE", limit=2, after=first.next, steer=narrower)
        assert counted and page.matched == 2
        counted.clear()
        # A refresh starts again from the first page, and counts.
        services.enquiries.region_queue_page(world.leader, "LSE", limit=2, steer=steer)
        assert counted
    finally:
        event.remove(services.engine, "before_cursor_execute", note)
