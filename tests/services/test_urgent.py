"""Urgent calls end to end through the services: flags, routing by time of day, the call note in the
outbox, the calls made, the duty board, reassignment, escalation and the rota."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from mpel_app.db.models import OutboxMessage
from mpel_app.domain.calendar import LONDON
from mpel_app.domain.errors import InvalidTransition, PermissionDenied, ValidationError
from mpel_app.domain.records import CallerKind, Channel, EnquiryStatus, Role, SubjectDetails
from tests.support.world import PASSCODE, PASSWORD

SUBJECT = SubjectDetails(name="Ali Rezaei", nationality="Iranian", ho_reference="R1234567")


def _call(world, clock, when, *, removal_in=timedelta(hours=30), compassionate=False):
    clock.set(when)
    e, u = world.services.enquiries, world.services.urgent
    rec = e.start(world.agent, Channel.TELEPHONE)
    e.set_caller(world.agent, rec.id, member_id=world.mp.id, caller_kind=CallerKind.CASEWORKER, caller_name="Sam")
    e.verify_passcode(world.agent, rec.id, PASSCODE)
    e.update_details(world.agent, rec.id, subject=SUBJECT, question="Removal directions set for tomorrow.",
                     answer="", written_confirmation=False)
    return u.flag(world.agent, rec.id, removal_at=when + removal_in if removal_in else None,
                  compassionate=compassionate)


def _outbox(world, enquiry_id):
    with world.services.uow.read() as s:
        return [(m.to_address, m.subject, m.attachment_name) for m in
                s.scalars(select(OutboxMessage).where(OutboxMessage.entity_id == enquiry_id).order_by(OutboxMessage.id))]


def _duty_manager(world):
    return world.services.users.create_user(world.admin, username="duty", full_name="Dee Duty", password=PASSWORD,
                                            roles={Role.DUTY_MANAGER}, demo=True)


def test_imminent_removal_at_half_past_four_goes_to_tonights_duty_region(world, clock):
    world.services.rota.set_entry(world.leader, date(2026, 11, 23), "NWE", "Priya Shah", "0161 496 0123")
    rec = _call(world, clock, datetime(2026, 11, 23, 16, 30, tzinfo=LONDON))
    assert rec.urgent
    plan = world.services.urgent.send(world.agent, rec.id)
    assert plan.destination == "duty_region" and plan.region_code == "NWE"
    assert "Priya Shah" in plan.call_name and plan.call_phone == "0161 496 0123"
    after = world.services.enquiries.get(world.agent, rec.id)
    assert after.status is EnquiryStatus.WITH_REGION and after.region_code == "NWE"
    [(to, subject, attachment)] = _outbox(world, rec.id)
    assert to == "mp-inbox-nwe@mpel.example.gov.uk"
    assert subject.startswith("URGENT – IMMINENT REMOVAL Tue 24 Nov 2026 22:30")
    assert attachment == f"{rec.reference}-call-record.pdf"
    contact = world.services.urgent.record_contact(world.agent, rec.id, kind="duty_region", spoken_to="Priya Shah",
                                                   phone="0161 496 0123")
    assert contact.recorded_by == "Carla Agent"
    duty = _duty_manager(world)
    board = world.services.urgent.unacknowledged(duty)
    assert [i.reference for i in board] == [rec.reference]
    assert board[0].contacts[0].spoken_to == "Priya Shah" and board[0].removal_at == rec.received_at + timedelta(hours=30)
    world.services.enquiries.acknowledge(duty, rec.id)
    assert world.services.urgent.unacknowledged(duty) == []


def test_no_rota_falls_back_to_the_members_region_and_says_so(world, clock):
    rec = _call(world, clock, datetime(2026, 11, 23, 16, 5, tzinfo=LONDON))
    plan = world.services.urgent.send(world.agent, rec.id)
    assert plan.rota_missing and plan.region_code == "LSE" and plan.call_phone == "020 7946 0100"
    assert "No duty region" in plan.instruction


def test_morning_call_phones_the_regional_team(world, clock):
    rec = _call(world, clock, datetime(2026, 11, 23, 11, 0, tzinfo=LONDON))
    plan = world.services.urgent.send(world.agent, rec.id)
    assert (plan.destination, plan.region_code, plan.call_phone) == ("region", "LSE", "020 7946 0100")


def test_evening_call_is_for_oscu_and_the_note_still_goes_to_the_region(world, clock):
    rec = _call(world, clock, datetime(2026, 11, 23, 17, 30, tzinfo=LONDON))
    plan = world.services.urgent.send(world.agent, rec.id)
    assert plan.destination == "oscu" and plan.call_phone == "020 7946 0999" and "OSCU" in plan.call_name
    assert _outbox(world, rec.id)[0][0] == "mp-inbox-lse@mpel.example.gov.uk"


def test_compassionate_case_goes_to_own_region_marked_urgent(world, clock):
    world.services.rota.set_entry(world.leader, date(2026, 11, 23), "NWE", "Priya Shah", "0161 496 0123")
    rec = _call(world, clock, datetime(2026, 11, 23, 16, 30, tzinfo=LONDON), removal_in=None, compassionate=True)
    assert rec.urgent
    plan = world.services.urgent.send(world.agent, rec.id)
    assert plan.region_code == "LSE" and plan.destination == "region"
    assert _outbox(world, rec.id)[0][1].startswith("URGENT – MPH")


def test_removal_beyond_72_hours_is_not_urgent(world, clock):
    rec = _call(world, clock, datetime(2026, 11, 23, 12, 0, tzinfo=LONDON), removal_in=timedelta(hours=80))
    assert not rec.urgent
    with pytest.raises(InvalidTransition):
        world.services.urgent.send(world.agent, rec.id)


def test_removal_before_the_call_refused(world, clock):
    with pytest.raises(ValidationError, match="before the call"):
        _call(world, clock, datetime(2026, 11, 23, 12, 0, tzinfo=LONDON), removal_in=timedelta(hours=-2))


def test_unacknowledged_after_thirty_working_minutes_is_escalated(world, clock):
    rec = _call(world, clock, datetime(2026, 11, 27, 17, 50, tzinfo=LONDON))  # Friday evening
    world.services.urgent.send(world.agent, rec.id)
    clock.set(datetime(2026, 11, 27, 18, 30, tzinfo=LONDON))
    assert world.services.urgent.escalate_overdue() == []
    clock.set(datetime(2026, 11, 30, 9, 19, tzinfo=LONDON))
    assert world.services.urgent.escalate_overdue() == []
    clock.set(datetime(2026, 11, 30, 9, 20, tzinfo=LONDON))
    assert world.services.urgent.escalate_overdue() == [rec.reference]
    assert world.services.urgent.escalate_overdue() == []  # once only
    subjects = [m[1] for m in _outbox(world, rec.id)]
    assert any(s.startswith("ESCALATED – URGENT") for s in subjects)
    assert world.services.enquiries.audit_trail(world.agent, rec.id)[-1].action == "escalated to the region's team leader"


def test_duty_manager_reassigns_and_agents_cannot_see_the_board(world, clock):
    rec = _call(world, clock, datetime(2026, 11, 23, 11, 0, tzinfo=LONDON))
    world.services.urgent.send(world.agent, rec.id)
    duty = _duty_manager(world)
    with pytest.raises(PermissionDenied):
        world.services.urgent.unacknowledged(world.agent)
    moved = world.services.urgent.reassign(duty, rec.id, "MEE")
    assert moved.region_code == "MEE"
    assert [m[0] for m in _outbox(world, rec.id)] == ["mp-inbox-lse@mpel.example.gov.uk",
                                                      "mp-inbox-mee@mpel.example.gov.uk"]


def test_rota_csv_import_is_all_or_nothing_and_gaps_are_listed(world, clock):
    rota = world.services.rota
    bad = "Date,Region,Duty account manager,Telephone\n24/11/2026,LSE,Ann,020 7946 0111\n25/11/2026,ZZZ,Bob,020 7946 0112\n"
    result = rota.import_csv(world.leader, bad)
    assert result.imported == 0 and [p.line for p in result.problems] == [3]
    assert rota.entries(date(2026, 11, 1), date(2026, 12, 31)) == []
    good = bad.replace("ZZZ", "SNI")
    assert rota.import_csv(world.leader, good).imported == 2
    assert [(r.day, r.region_code, r.phone) for r in rota.entries(date(2026, 11, 24), date(2026, 11, 25))] == [
        (date(2026, 11, 24), "LSE", "020 7946 0111"), (date(2026, 11, 25), "SNI", "020 7946 0112")]
    gaps = rota.uncovered()
    assert date(2026, 11, 23) in gaps and date(2026, 11, 24) not in gaps and date(2026, 11, 28) not in gaps
    with pytest.raises(PermissionDenied):
        rota.import_csv(world.agent, good)
