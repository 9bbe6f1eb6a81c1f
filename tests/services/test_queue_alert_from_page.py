"""The urgent items waiting that a region queue's first page carries for the new-work alert (issue 16).

A first page of at least ``URGENT_ALERT_LIMIT`` items begins with the urgent items nobody has
acknowledged, in the queue's order, so the alert takes them from the page instead of reading them
again; a shorter page still reads them.  Either way the alert is the same: the first
``URGENT_ALERT_LIMIT`` urgent items waiting, in the queue's order, on SQLite and PostgreSQL.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import event

from mpel_app.db.models import Enquiry
from mpel_app.domain.records import EnquiryStatus
from mpel_app.services.enquiry_queues import URGENT_ALERT_LIMIT

RECEIVED = datetime(2026, 11, 2, 10, 0, tzinfo=timezone.utc)
FIRST_DUE = date(2026, 11, 9)


def fill(world, rows: list[dict]) -> list[int]:
    """Queue rows written straight into enquiries (the flow is tested elsewhere), in one transaction."""
    ids = []
    with world.services.uow() as s:
        for n, row in enumerate(rows, start=1):
            e = Enquiry(reference=f"{row.get('region', 'LSE')}{n:06d}", channel="telephone",
                        status=EnquiryStatus.WITH_REGION.value, received_at=RECEIVED + timedelta(minutes=n),
                        created_by_id=world.agent.id, passcode_failures=0, subject_name=f"Subject {n}",
                        region_code=row.get("region", "LSE"), due_date=row["due"], urgent=row.get("urgent", False),
                        acknowledged_at=RECEIVED if row.get("acknowledged") else None,
                        deleted_at=RECEIVED if row.get("deleted") else None)
            s.add(e)
            s.flush()
            ids.append(e.id)
    return ids


def test_the_alert_is_the_first_urgent_items_waiting_whatever_the_page_size(world):
    # More urgent items waiting than the alert holds, their due dates out of id order, among others
    # the alert must skip: urgent but acknowledged, deleted, another region's, not urgent.
    urgent_dues = [FIRST_DUE + timedelta(days=(7 * n) % 31) for n in range(URGENT_ALERT_LIMIT + 8)]
    rows = [{"due": due, "urgent": True} for due in urgent_dues]
    rows += [{"due": FIRST_DUE, "urgent": True, "acknowledged": True}, {"due": FIRST_DUE, "urgent": True, "deleted": True},
             {"due": FIRST_DUE, "urgent": True, "region": "MEE"}, {"due": FIRST_DUE}, {"due": None, "urgent": True}]
    ids = fill(world, rows)
    waiting = sorted(zip(urgent_dues, ids[:len(urgent_dues)]))  # the queue's order: due date, then id
    expected = [i for _due, i in waiting][:URGENT_ALERT_LIMIT]

    e = world.services.enquiries
    for limit in (200, URGENT_ALERT_LIMIT, URGENT_ALERT_LIMIT - 1, 3):
        page = e.region_queue_page(world.leader, "LSE", limit=limit)
        assert [i.id for i in page.urgent_waiting] == expected, limit
        assert all(i.urgent and not i.acknowledged for i in page.urgent_waiting)
    # The following pages carry none: the alert is made from the first.
    first = e.region_queue_page(world.leader, "LSE", limit=URGENT_ALERT_LIMIT)
    assert e.region_queue_page(world.leader, "LSE", after=first.next, limit=URGENT_ALERT_LIMIT).urgent_waiting == ()


def test_a_queue_with_no_urgent_item_waiting_alerts_nothing(world):
    fill(world, [{"due": FIRST_DUE}, {"due": FIRST_DUE, "urgent": True, "acknowledged": True}, {"due": None}])
    page = world.services.enquiries.region_queue_page(world.leader, "LSE")
    assert len(page.items) == 3 and page.urgent_waiting == ()


def test_a_full_first_page_reads_the_urgent_items_once(world):
    fill(world, [{"due": FIRST_DUE, "urgent": True}, {"due": FIRST_DUE + timedelta(days=1)}])
    engine, sent = world.services.engine, []

    def seen(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        page = world.services.enquiries.region_queue_page(world.leader, "LSE")
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert [i.urgent for i in page.items] == [True, False] and len(page.urgent_waiting) == 1
    # The calendar's closures, the counts, then the page's two parts (urgent waiting, the rest): no fifth.
    assert len(sent) == 4, sent
