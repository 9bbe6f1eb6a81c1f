"""A region's queue a page at a time, with the whole queue's counts by status, on SQLite and PostgreSQL.

The queue's rows are written straight into the enquiries table (the flow that
puts them there is tested in test_enquiry_flow.py), so that due dates can sit
exactly on the traffic lights' boundaries.  The expected statuses always come
from the one rule, ``domain.targets.queue_status``, item by item.
"""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta, timezone

import pytest

from mpel_app.db import repositories as repo
from mpel_app.db.models import ClosureDay, Enquiry
from mpel_app.domain.calendar import REGION_NATION, region_calendar
from mpel_app.domain.errors import PermissionDenied, ValidationError
from mpel_app.domain.records import EnquiryStatus, QueueCounts, QueueCursor, QueueStatus
from mpel_app.domain.targets import queue_status
from tests.support.world import LONDON

RECEIVED = datetime(2026, 11, 2, 10, 0, tzinfo=timezone.utc)


class Queue:
    """Writes queue rows for one world; references LSE000001, ... in the order written."""

    def __init__(self, world):
        self.world = world
        self.n = 0

    def add(self, due: date | None, *, region: str = "LSE", urgent: bool = False, acknowledged: bool = False,
            status: EnquiryStatus = EnquiryStatus.WITH_REGION, deleted: bool = False) -> int:
        self.n += 1
        with self.world.services.uow() as s:
            e = Enquiry(reference=f"{region}{self.n:06d}", channel="telephone", status=status.value,
                        received_at=RECEIVED + timedelta(minutes=self.n), created_by_id=self.world.agent.id,
                        passcode_failures=0, subject_name=f"Subject {self.n}", region_code=region, due_date=due,
                        urgent=urgent, acknowledged_at=RECEIVED if acknowledged else None,
                        deleted_at=RECEIVED if deleted else None)
            s.add(e)
            s.flush()
            return e.id


def expected_status(item, today: date, calendar) -> QueueStatus | None:
    if item.due_date is None:
        return None
    return queue_status(item.due_date, today, calendar, urgent=item.urgent and not item.acknowledged)


def whole_queue(services, user, code: str, limit: int):
    """Every page, following page.next; returns (items, the pages)."""
    pages = [services.enquiries.region_queue_page(user, code, limit=limit)]
    while pages[-1].next is not None:
        pages.append(services.enquiries.region_queue_page(user, code, after=pages[-1].next, limit=limit))
    return [i for p in pages for i in p.items], pages


def test_pages_follow_the_queue_order_and_skip_what_is_not_in_it(world):
    q = Queue(world)
    d = date(2026, 11, 23)
    ids = {
        "on time": q.add(d + timedelta(days=7)),
        "overdue": q.add(d - timedelta(days=3)),
        "urgent late": q.add(d + timedelta(days=9), urgent=True),
        "urgent early": q.add(d - timedelta(days=1), urgent=True),
        "urgent acknowledged": q.add(d - timedelta(days=2), urgent=True, acknowledged=True),
        "same day a": q.add(d + timedelta(days=1)),
        "same day b": q.add(d + timedelta(days=1)),
        "no due date": q.add(None),
        "no due date, urgent": q.add(None, urgent=True),
    }
    q.add(d, deleted=True)
    q.add(d, region="SNI")
    q.add(d, status=EnquiryStatus.COMPLETED)
    q.add(d, status=EnquiryStatus.FURTHER_ACTION)
    # Urgent items nobody acknowledged first, then the rest by due date and id, undated ones last.
    order = ["urgent early", "urgent late", "overdue", "urgent acknowledged", "same day a", "same day b", "on time",
             "no due date", "no due date, urgent"]
    expected = [ids[k] for k in order]

    e = world.services.enquiries
    for limit in (1, 2, 3, 4, 200):
        items, pages = whole_queue(world.services, world.am_lse, "LSE", limit)
        assert [i.id for i in items] == expected, limit
        assert [len(p.items) for p in pages[:-1]] == [limit] * (len(pages) - 1)
        assert 1 <= len(pages[-1].items) <= limit and len(pages) == -(-len(expected) // limit)
        assert all(p.counts == pages[0].counts for p in pages)
    assert [i.id for i in e.region_queue(world.am_lse, "LSE")] == expected
    page = e.region_queue_page(world.am_lse, "LSE", limit=3)
    assert page.region_code == "LSE" and page.next == QueueCursor(1, d - timedelta(days=3), ids["overdue"])

    statuses = {i.id: i.queue_status for i in items}
    assert statuses[ids["urgent late"]] is QueueStatus.URGENT
    assert statuses[ids["urgent acknowledged"]] is QueueStatus.OVERDUE
    assert statuses[ids["no due date, urgent"]] is None
    assert page.counts == QueueCounts(total=9, urgent=2, overdue=2, due_soon=2, on_time=1)


# Today (London), the region: boundaries of the due-soon band, weekends, bank holidays and closures.
DAYS = [
    (date(2026, 11, 23), "LSE"),  # Monday (a closure day on Tuesday, see below)
    (date(2026, 11, 27), "LSE"),  # Friday: Monday's items are due soon
    (date(2026, 11, 28), "LSE"),  # Saturday
    (date(2026, 11, 27), "SNI"),  # Friday before St Andrew's Day (Monday 30, Scotland only)
    (date(2026, 12, 24), "NWE"),  # Christmas Eve: next working day Tuesday 29 December
]


def test_counts_in_sql_follow_the_one_rule_every_day(world, clock):
    q = Queue(world)
    with world.services.uow() as s:
        s.add(ClosureDay(day=date(2026, 11, 24), nation="ENG", reason="Office move"))
    for today, region in DAYS:
        for offset in range(-2, 8):
            due = today + timedelta(days=offset)
            q.add(due, region=region)
            if offset in (-1, 1, 4):
                q.add(due, region=region, urgent=True)
                q.add(due, region=region, urgent=True, acknowledged=True)
        q.add(None, region=region)

    for today, region in DAYS:
        clock.set(datetime.combine(today, datetime.min.time().replace(hour=11), tzinfo=LONDON))
        with world.services.uow.read() as s:
            calendar = region_calendar(region, repo.closures_for(s, REGION_NATION[region]))
        page = world.services.enquiries.region_queue_page(world.leader, region, limit=5)
        items, _ = whole_queue(world.services, world.leader, region, 7)
        expected = {i.id: expected_status(i, today, calendar) for i in items}
        assert {i.id: i.queue_status for i in items} == expected, (today, region)
        seen = Counter(expected.values())
        assert page.counts == QueueCounts(total=len(items), urgent=seen[QueueStatus.URGENT],
                                          overdue=seen[QueueStatus.OVERDUE], due_soon=seen[QueueStatus.DUE_SOON],
                                          on_time=seen[QueueStatus.ON_TIME]), (today, region)
        # Every band is exercised on every day.
        assert all(seen[s] for s in QueueStatus), (today, region, seen)


def test_only_those_who_work_the_region_and_sensible_pages(world):
    e = world.services.enquiries
    Queue(world).add(date(2026, 11, 30))
    with pytest.raises(PermissionDenied):
        e.region_queue_page(world.am_sni, "LSE")
    with pytest.raises(PermissionDenied):
        e.region_queue(world.agent, "LSE")
    for bad in (0, -5, True, "10"):
        with pytest.raises(ValidationError):
            e.region_queue_page(world.am_lse, "LSE", limit=bad)
    with pytest.raises(ValidationError):
        e.region_queue_page(world.am_lse, "LSE", after=("LSE", 1))
    page = e.region_queue_page(world.am_lse, "lse")
    assert page.next is None and len(page.items) == 1 and page.counts.total == 1


def _plan(conn, stmt, params) -> list[str]:
    compiled = stmt.compile(dialect=conn.dialect)
    values = compiled.construct_params(params)
    return [row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + str(compiled),
                                                   tuple(values[name] for name in compiled.positiontup))]


def test_each_part_and_count_is_an_index_range_on_sqlite(sqlite_services):
    """What keeps a page and its counts cheap on a queue of 60,000: no statement scans enquiries."""
    bands_params = {"region": "LSE", "overdue_before": date(2026, 11, 23), "due_soon_until": date(2026, 11, 24)}
    with sqlite_services.uow.reading() as conn:
        plans = {"counts": _plan(conn, repo.queue_counts_statement(), bands_params)}
        for part in repo.QUEUE_PARTS:
            for after in (False, True):
                params = {"region": "LSE", "n": 201, "after_id": 5, "after_due": date(2026, 11, 20)}
                plans[part, after] = _plan(conn, repo.queue_part_statement(part, after), params)
    for key, plan in plans.items():
        on_enquiries = [step for step in plan if "enquiries" in step]
        assert on_enquiries and all(step.startswith("SEARCH enquiries USING") for step in on_enquiries), (key, plan)
        assert not any("TEMP B-TREE" in step for step in plan), (key, plan)  # already in order
    assert all("ix_enquiries_region_queue" in step or "ix_enquiries_urgent_waiting" in step
               for step in plans["counts"] if "enquiries" in step)
    assert "ix_enquiries_urgent_waiting" in plans[repo.URGENT_WAITING, False][0]
    assert sum("COVERING INDEX ix_enquiries_region_queue" in step for step in plans["counts"]) == 4, plans["counts"]
