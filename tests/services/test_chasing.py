"""Chasing lists and the Chase action on SQLite and PostgreSQL: what is listed, who holds it, and that a
chase is sent through the outbox and recorded on the item in one transaction."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from mpel_app.db.models import AuditLog, Letter, OutboxMessage
from mpel_app.domain.chasing import AWAITING_ACCEPTANCE, DUE_SOON, OVERDUE
from mpel_app.domain.errors import NotFound, PermissionDenied
from tests.services.test_performance import _add_enquiries, _unit, london
from tests.support.world import staff_email

# Report day: Fri 15 Jan 2027; "due within a working day" reaches Mon 18 Jan.
ROWS = [
    ("overdue", "LSE", "telephone", False, london("2026-12-29 10:00"), date(2027, 1, 6), None, "with_region",
     {"acknowledged_at": london("2026-12-29 11:00")}),
    ("due-monday", "LSE", "telephone", False, london("2027-01-11 10:00"), date(2027, 1, 18), None, "with_region", {}),
    ("due-tuesday", "LSE", "telephone", False, london("2027-01-12 10:00"), date(2027, 1, 19), None, "with_region", {}),
    ("done", "SNI", "telephone", False, london("2026-12-29 10:00"), date(2027, 1, 6), london("2027-01-06 10:00"),
     "completed", {}),
    ("deleted", "LSE", "telephone", False, london("2026-12-29 10:00"), date(2027, 1, 6), None, "with_region",
     {"deleted_at": london("2027-01-07 10:00")}),
]


@pytest.fixture
def late_world(world, clock):
    _add_enquiries(world, ROWS)
    _unit(world, "ASY")
    with world.services.uow() as s:
        from mpel_app.db.models import Enquiry
        s.get(Enquiry, 1).acknowledged_by_id = world.am_lse.id
        for i, (state, received, allocated) in enumerate([
                ("drafting", london("2026-12-08 11:00"), None),  # reply due Fri 8 Jan: overdue
                ("drafting", london("2027-01-04 11:00"), None),  # due 1 Feb: not listed
                ("allocated", london("2027-01-13 11:00"), london("2027-01-14 09:00"))], start=1):  # decide by Mon 18
            s.add(Letter(cts_reference=f"B{i:05d}/26", kind="official", sequence=i, year=2026, state=state,
                         received_at=received, registered_at=received, registered_by_id=world.admin.id,
                         member_id=world.mp.id, member_letter_date=received.date(), unit_code="ASY",
                         allocated_at=allocated or received))
    clock.set(london("2027-01-15 10:00"))
    return world


def test_lists_overdue_and_due_soon_with_holders(late_world):
    w = late_world
    items = w.services.chasing.chase_list(w.leader)
    assert [(i.reference, i.reason, i.holder) for i in items] == [
        ("LSE000001", OVERDUE, "Lena South"),
        ("B00001/26", OVERDUE, "Head of unit, Unit ASY"),
        ("LSE000002", DUE_SOON, "MP INBOX – London & South East"),
    ]
    assert items[0].holder_email == staff_email("Lena South")
    waiting = w.services.chasing.awaiting_acceptance(w.leader)
    assert [(i.reference, i.reason, i.due) for i in waiting] == [("B00003/26", AWAITING_ACCEPTANCE, date(2027, 1, 18))]


def test_chase_sends_through_the_outbox_and_is_recorded_on_the_item(late_world):
    w = late_world
    item = w.services.chasing.chase(w.leader, "enquiry", 1)
    assert item.last_chased_by == "leader" and item.chased_text.startswith("chased 15 Jan 10:00 by leader")
    with w.services.uow.read() as s:
        message = s.execute(select(OutboxMessage.entity, OutboxMessage.entity_id, OutboxMessage.to_address,
                                   OutboxMessage.subject).where(OutboxMessage.kind == "chase")).one()
        chased = s.execute(select(AuditLog.username, AuditLog.changes).where(
            AuditLog.entity == "enquiry", AuditLog.entity_id == 1, AuditLog.action == "chased")).one()
    assert tuple(message[:3]) == ("enquiry", 1, staff_email("Lena South"))
    assert "LSE000001 is overdue" in message.subject
    assert chased.username == "leader" and '"to": "Lena South"' in chased.changes
    listed = {i.reference: i for i in w.services.chasing.chase_list(w.leader)}
    assert listed["LSE000001"].last_chased_by == "leader"
    assert listed["LSE000002"].last_chased_at is None
    # A letter's unit head is chased for the decision.
    w.services.chasing.chase(w.admin, "letter", 3)
    assert w.services.chasing.awaiting_acceptance(w.leader)[0].last_chased_by == "admin"


def test_nothing_to_chase_and_who_may(late_world):
    w = late_world
    with pytest.raises(NotFound):
        w.services.chasing.chase(w.leader, "enquiry", 3)  # due Tuesday: not yet
    with pytest.raises(NotFound):
        w.services.chasing.chase(w.leader, "enquiry", 5)  # deleted
    with pytest.raises(PermissionDenied):
        w.services.chasing.chase_list(w.agent)
    with pytest.raises(PermissionDenied):
        w.services.chasing.chase(w.am_lse, "enquiry", 1)
