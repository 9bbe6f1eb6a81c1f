"""Issue #19 finding 5 through the services (SQLite and PostgreSQL): an administrator's closure day is
honoured by urgent routing (an imminent removal at 16:30 goes to OSCU) and by escalation (30 minutes of
working time do not run on a closed day)."""
from __future__ import annotations

from datetime import date, datetime

from mpel_app.domain.calendar import LONDON
from tests.services.test_urgent import _call


def test_imminent_removal_on_a_closure_day_goes_to_oscu(world, clock):
    world.services.rota.set_entry(world.leader, date(2026, 11, 23), "NWE", "Priya Shah", "0161 496 0123")
    world.services.reference.add_closure(world.admin, date(2026, 11, 23), "ALL", "Office move")
    rec = _call(world, clock, datetime(2026, 11, 23, 16, 30, tzinfo=LONDON))
    plan = world.services.urgent.send(world.agent, rec.id)
    assert plan.destination == "oscu"


def test_escalation_waits_over_a_closure_day(world, clock):
    world.services.reference.add_closure(world.admin, date(2026, 11, 30), "ENG", "Snow")
    rec = _call(world, clock, datetime(2026, 11, 27, 17, 50, tzinfo=LONDON))  # Friday evening
    world.services.urgent.send(world.agent, rec.id)
    clock.set(datetime(2026, 11, 30, 9, 25, tzinfo=LONDON))  # Monday, closed
    assert world.services.urgent.escalate_overdue() == []
    clock.set(datetime(2026, 12, 1, 9, 19, tzinfo=LONDON))
    assert world.services.urgent.escalate_overdue() == []
    clock.set(datetime(2026, 12, 1, 9, 20, tzinfo=LONDON))
    assert world.services.urgent.escalate_overdue() == [rec.reference]
