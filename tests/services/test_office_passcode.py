"""Issue #19 finding 4 (SQLite and PostgreSQL): passcodes cannot be guessed across calls.

Six wrong passcodes for one office within 24 hours, on any calls and desks, lock that office's passcode
(domain.office_passcode): no passcode of it is checked until the MPEL team leader or an administrator
clears it, the office is flagged, and every attempt is logged, refused ones too.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from mpel_app.db.models import PasscodeFailure
from mpel_app.domain.errors import InvalidTransition, PermissionDenied
from mpel_app.domain.office_passcode import OFFICE_FAILURE_LIMIT
from mpel_app.domain.records import CallerKind, Channel
from tests.services.test_audit_views import rows
from tests.support.racers import race
from tests.support.world import MONDAY_MORNING, PASSCODE


def call(world, member=None):
    e = world.services.enquiries
    rec = e.start(world.agent, Channel.TELEPHONE)
    return e.set_caller(world.agent, rec.id, member_id=(member or world.mp).id, caller_kind=CallerKind.MEMBER)


def wrong(world, rec, times):
    for _ in range(times):
        rec = world.services.enquiries.verify_passcode(world.agent, rec.id, "0000")
    return rec


def test_six_wrong_passcodes_over_calls_lock_the_office_until_cleared(world):
    services, e = world.services, world.services.enquiries
    wrong(world, call(world), 3)
    second = call(world)
    wrong(world, second, 2)
    assert not services.members.get(world.mp.id).passcode_locked
    wrong(world, second, 1)  # the sixth
    assert services.members.get(world.mp.id).passcode_locked
    assert [m.id for m in services.members.locked_offices(world.leader)] == [world.mp.id]
    assert [r.action for r in rows(services, entity="member", entity_id=world.mp.id)][-1] == \
        "passcode locked after repeated wrong passcodes"

    # A fourth call with the right passcode learns nothing, and the attempt is on the trail.
    third = call(world)
    with pytest.raises(InvalidTransition, match="locked"):
        e.verify_passcode(world.agent, third.id, PASSCODE)
    assert e.get(world.agent, third.id).locked
    assert "passcode attempt while the office is locked" in [r.action for r in rows(services, entity_id=third.id)]
    # Another office is not affected.
    assert not e.verify_passcode(world.agent, call(world, world.mp_scot).id, "5150").locked

    with pytest.raises(PermissionDenied):
        services.members.clear_passcode_lock(world.agent, world.mp.id)
    services.members.clear_passcode_lock(world.leader, world.mp.id)
    assert not e.verify_passcode(world.agent, third.id, PASSCODE).locked
    # Cleared, the earlier failures no longer count: one more wrong passcode does not lock again.
    wrong(world, call(world), 1)
    assert not services.members.get(world.mp.id).passcode_locked


def test_an_attempt_after_a_call_is_locked_is_logged(world):
    services, e = world.services, world.services.enquiries
    rec = wrong(world, call(world), 3)
    with pytest.raises(InvalidTransition):
        e.verify_passcode(world.agent, rec.id, PASSCODE)
    assert [r.action for r in rows(services, entity_id=rec.id)][-1] == "passcode attempt after the call was locked"


def test_failures_older_than_the_window_do_not_count(world, clock):
    wrong(world, call(world), 3)
    wrong(world, call(world), 2)
    clock.set(clock.now() + timedelta(hours=24, minutes=1))
    wrong(world, call(world), 1)
    assert not world.services.members.get(world.mp.id).passcode_locked


def test_a_new_passcode_ends_the_lock(world):
    wrong(world, call(world), 3)
    wrong(world, call(world), 3)
    world.services.members.set_passcode(world.admin, world.mp.id, "2468")
    assert not world.services.enquiries.verify_passcode(world.agent, call(world).id, "2468").locked


def test_desks_guessing_at_once_never_overshoot_the_limit(world, db_url):
    desks = OFFICE_FAILURE_LIMIT + 2
    calls = [call(world) for _ in range(desks)]
    outcomes = race("passcode", [{"url": db_url, "now": MONDAY_MORNING.isoformat(), "actor": "agent",
                                  "enquiry_id": c.id, "passcode": "0000"} for c in calls])
    assert all(o[0] in ("ok", "refused") for o in outcomes), outcomes
    with world.services.uow.read() as s:
        failures = s.scalar(select(func.count()).select_from(PasscodeFailure))
    assert failures == OFFICE_FAILURE_LIMIT
    assert [o[0] for o in outcomes].count("refused") == desks - OFFICE_FAILURE_LIMIT
    assert world.services.members.get(world.mp.id).passcode_locked
