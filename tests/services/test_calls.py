"""The call store: events recorded idempotently in any order, callers matched, the ringing strip's data,
missed calls, and the 30-second statistics (SQLite and PostgreSQL)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from mpel_app.db.models import AuditLog, Call, CallEventSeen
from mpel_app.domain.call_records import EXACT, LEARNED, NO_MATCH, WITHHELD
from mpel_app.domain.errors import PermissionDenied, ValidationError
from mpel_app.domain.records import Channel, CallerKind
from mpel_app.services import calls as calls_module
from mpel_app.telephony.events import ANSWER, CANCEL, HANGUP, NEW_CALL, NO_ANSWER, NORMAL_CLEARING, CtiEvent
from tests.support.world import MONDAY_MORNING

T0 = MONDAY_MORNING.astimezone(timezone.utc)


def ev(kind: str, call_id: str, seconds: float, **fields) -> CtiEvent:
    fields.setdefault("from_number", "020 7219 3000")
    fields.setdefault("to_number", "0300 123 4567")
    return CtiEvent(event=kind, call_id=call_id, at=T0 + timedelta(seconds=seconds), **fields)


def answered_call(services, call_id: str, wait: float, talk: float = 60, **fields) -> None:
    services.calls.record(ev(NEW_CALL, call_id, 0, users=("PJSIP/2001",), **fields))
    services.calls.record(ev(ANSWER, call_id, wait, users=("PJSIP/2001",), **fields))
    services.calls.record(ev(HANGUP, call_id, wait + talk, cause=NORMAL_CLEARING, **fields))


def abandoned_call(services, call_id: str, wait: float, **fields) -> None:
    services.calls.record(ev(NEW_CALL, call_id, 0, **fields))
    services.calls.record(ev(HANGUP, call_id, wait, cause=CANCEL, **fields))


def row(services, call_id: str) -> Call:
    with services.uow.read() as s:
        call = s.scalar(select(Call).where(Call.call_id == call_id))
        s.expunge_all()
        return call


def set_phone(world, user, extension: str, queues: str = "mpel") -> None:
    world.services.calls.set_identity(world.admin, user.id, interfaces=f"PJSIP/{extension}", extension=extension,
                                      queues=queues)


def enquiry_for(world, member_id: int, user=None) -> int:
    svc = world.services.enquiries
    actor = user or world.agent
    record = svc.start(actor, Channel.TELEPHONE)
    svc.set_caller(actor, record.id, member_id=member_id, caller_kind=CallerKind.CASEWORKER,
                   caller_name="Sam Case")
    return record.id


# ------------------------------------------------------------------ matching

@pytest.mark.parametrize("number, kind, display", [
    ("020 7219 3000", EXACT, "Jane Smith MP's office"),
    ("+44 (0)20 7219 3000", EXACT, "Jane Smith MP's office"),
    ("00442072193000", EXACT, "Jane Smith MP's office"),
    ("9 020 7219 3000", EXACT, "Jane Smith MP's office"),  # the outside-line prefix some PBXs leave on
    ("01414960999", EXACT, "Rt Hon Angus MacLeod MP's office"),
    ("anonymous", WITHHELD, "number withheld"),
    ("", WITHHELD, "number withheld"),
    ("unknown", WITHHELD, "number withheld"),
    ("2001", NO_MATCH, "unknown number"),
    ("00441179460000", NO_MATCH, "unknown number"),
    ("+33 1 42 68 53 00", NO_MATCH, "unknown number"),
    ("not a number", NO_MATCH, "unknown number"),
])
def test_callers_are_matched(world, number, kind, display):
    calls = world.services.calls
    calls.record(ev(NEW_CALL, "c1", 0, from_number=number))
    ringing = calls.ringing("c1", world.agent)
    assert (ringing.match_kind, ringing.who) == (kind, display)
    assert (ringing.member_id is not None) == (kind == EXACT)


def test_numbers_are_stored_raw_and_as_e164(world):
    calls = world.services.calls
    for call_id, number, e164 in (("a", "+44 (0)20 7946 0000", "+442079460000"),
                                  ("b", "00441179460000", "+441179460000"),
                                  ("c", "+33 1 42 68 53 00", "+33142685300"), ("d", "2001", ""),
                                  ("e", "anonymous", "")):
        calls.record(ev(NEW_CALL, call_id, 0, from_number=number))
        stored = row(world.services, call_id)
        assert (stored.caller_raw, stored.caller_e164) == (number, e164)
    assert calls.ringing("c", world.agent).number == "+33 1 42 68 53 00"
    assert calls.ringing("a", world.agent).number == "020 7946 0000"


def test_a_number_seen_on_a_call_linked_to_an_enquiry_is_learned(world):
    calls = world.services.calls
    calls.record(ev(NEW_CALL, "first", 0, from_number="07700 900123"))
    assert calls.ringing("first", world.agent).match_kind == NO_MATCH
    calls.link_enquiry("first", enquiry_for(world, world.mp.id), world.agent)
    calls.record(ev(NEW_CALL, "second", 600, from_number="+447700900123"))
    ringing = calls.ringing("second", world.agent)
    assert (ringing.match_kind, ringing.member_id, ringing.who) == (LEARNED, world.mp.id,
                                                                    "caseworker for Jane Smith MP")


def test_the_strip_shows_the_offices_last_five_enquiries_and_nothing_personal(world):
    ids = [enquiry_for(world, world.mp.id) for _ in range(7)]
    enquiry_for(world, world.mp_scot.id)
    world.services.calls.record(ev(NEW_CALL, "c1", 0))
    ringing = world.services.calls.ringing("c1", world.agent)
    assert [e.id for e in ringing.recent] == sorted(ids, reverse=True)[:5]
    assert {type(e).__name__ for e in ringing.recent} == {"OfficeEnquiry"}
    assert set(vars(ringing.recent[0])) == {"id", "reference", "status", "channel", "received_at"}


# ------------------------------------------------------------------ recording

def test_wait_and_talk_come_from_the_times(world):
    answered_call(world.services, "c1", wait=12.5, talk=95)
    call = row(world.services, "c1")
    assert (call.outcome, call.wait_seconds, call.talk_seconds) == ("answered", 12.5, 95)
    assert call.offered_at == T0 and call.answered_at == T0 + timedelta(seconds=12.5)


def test_the_pbx_wait_is_taken_when_given(world):
    calls = world.services.calls
    calls.record(ev(NEW_CALL, "q1", 0, queue="mpel"))
    calls.record(ev(ANSWER, "q1", 40, queue="mpel", users=("PJSIP/2001",), wait_seconds=31))
    calls.record(ev(HANGUP, "q1", 100, queue="mpel", cause=NORMAL_CLEARING))
    call = row(world.services, "q1")
    assert (call.wait_seconds, call.wait_from_pbx, call.talk_seconds) == (31, True, 60)


def test_an_answering_agent_is_linked_to_their_user(world):
    set_phone(world, world.agent, "2001")
    answered_call(world.services, "c1", wait=5)
    assert row(world.services, "c1").answered_by_user_id == world.agent.id
    # A channel name with its suffix, as AMI gives it, is the same phone.
    world.services.calls.record(ev(NEW_CALL, "c2", 0))
    world.services.calls.record(ev(ANSWER, "c2", 3, users=("PJSIP/2001-0000002a",)))
    assert row(world.services, "c2").answered_by_user_id == world.agent.id


def test_replayed_events_are_not_counted_twice(world):
    calls = world.services.calls
    events = [ev(NEW_CALL, "c1", 0, event_key="ami:1"), ev(ANSWER, "c1", 10, users=("PJSIP/2001",), event_key="ami:2"),
              ev(HANGUP, "c1", 70, cause=NORMAL_CLEARING, event_key="ami:3")]
    assert [calls.record(e) for e in events] == [True, True, True]
    assert [calls.record(e) for e in events] == [False, False, False]  # after a reconnect
    # The same facts again under other keys (a webhook retried): nothing changes either.
    assert calls.record(ev(HANGUP, "c1", 75, cause=NORMAL_CLEARING, event_key="http:9")) is False
    with world.services.uow.read() as s:
        assert s.scalar(select(func.count()).select_from(Call)) == 1
        assert s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.entity == "call")) == 3
        assert s.scalar(select(func.count()).select_from(CallEventSeen)) == 4
    report = calls.call_report(T0.date(), T0.date())
    assert (report.totals.offered, report.totals.answered) == (1, 1)
    assert row(world.services, "c1").ended_at == T0 + timedelta(seconds=70)


def test_events_out_of_order_give_the_same_call(world):
    calls = world.services.calls
    calls.record(ev(HANGUP, "c1", 70, cause=NORMAL_CLEARING))
    calls.record(ev(ANSWER, "c1", 20, users=("PJSIP/2001",)))
    calls.record(ev(NEW_CALL, "c1", 0, users=("PJSIP/2001", "PJSIP/2002")))
    call = row(world.services, "c1")
    assert (call.offered_at, call.outcome, call.wait_seconds, call.talk_seconds) == (T0, "answered", 20, 50)
    assert call.agents_rung == "PJSIP/2001,PJSIP/2002"
    assert call.match_kind == EXACT  # matched from the first event seen


def test_a_call_is_stored_whole_or_not_at_all(world, monkeypatch):
    calls = world.services.calls

    def broken(*_args, **_kwargs):
        raise RuntimeError("the database went away mid-event")

    monkeypatch.setattr(calls_module.audit, "record", broken)
    with pytest.raises(RuntimeError):
        calls.record(ev(NEW_CALL, "half", 0, event_key="ami:half"))
    monkeypatch.undo()
    with world.services.uow.read() as s:
        assert s.scalar(select(func.count()).select_from(Call)) == 0
        assert s.scalar(select(func.count()).select_from(CallEventSeen)) == 0
    assert calls.record(ev(NEW_CALL, "half", 0, event_key="ami:half")) is True  # so its replay is stored


@pytest.mark.parametrize("bad", [
    dict(call_id="x" * 129), dict(call_id="a\x00b"), dict(event_key=""), dict(wait_seconds=-1.0),
])
def test_impossible_events_are_refused_before_anything_is_stored(world, bad):
    fields = {"call_id": "c1", **bad}
    with pytest.raises(ValidationError):
        world.services.calls.record(ev(NEW_CALL, fields.pop("call_id"), 0, **fields))
    with world.services.uow.read() as s:
        assert s.scalar(select(func.count()).select_from(Call)) == 0


# ------------------------------------------------------------------ the desk

def test_a_call_rings_for_the_phone_it_rings_and_goes_when_answered_elsewhere(world):
    set_phone(world, world.agent, "2001")
    set_phone(world, world.leader, "2002")
    calls = world.services.calls
    calls.record(ev(NEW_CALL, "c1", 0, users=("PJSIP/2001",)))
    assert [r.call_id for r in calls.ringing_for(world.agent)] == ["c1"]
    assert calls.ringing_for(world.leader) == []
    calls.record(ev(NEW_CALL, "c1", 1, users=("PJSIP/2002",)))  # the queue rings the next agent too
    assert [r.call_id for r in calls.ringing_for(world.leader)] == ["c1"]
    calls.record(ev(ANSWER, "c1", 8, users=("PJSIP/2002",)))
    assert calls.ringing_for(world.agent) == []
    mine = calls.ringing_for(world.leader)
    assert [(r.call_id, r.answered_by_me) for r in mine] == [("c1", True)]  # start a record from it
    calls.link_enquiry("c1", enquiry_for(world, world.mp.id, world.leader), world.leader)
    assert calls.ringing_for(world.leader) == []


def test_a_queue_call_nobody_is_rung_for_yet_shows_to_the_queues_agents(world):
    set_phone(world, world.agent, "2001", queues="mpel")
    set_phone(world, world.leader, "2002", queues="other")
    world.services.calls.record(ev(NEW_CALL, "q1", 0, queue="mpel"))
    assert [r.call_id for r in world.services.calls.ringing_for(world.agent)] == ["q1"]
    assert world.services.calls.ringing_for(world.leader) == []


def test_missed_calls_list_and_dealing_with_them(world):
    calls = world.services.calls
    abandoned_call(world.services, "gave-up", 45)
    calls.record(ev(NEW_CALL, "rang-out", 0))
    calls.record(ev(HANGUP, "rang-out", 60, cause=NO_ANSWER))
    answered_call(world.services, "not-logged", 5)
    answered_call(world.services, "logged", 5)
    calls.link_enquiry("logged", enquiry_for(world, world.mp.id), world.agent)
    calls.record(ev(NEW_CALL, "out", 0, direction="out"))
    calls.record(ev(HANGUP, "out", 30, direction="out", cause=NORMAL_CLEARING))
    calls.record(ev(NEW_CALL, "still-ringing", 0))
    missed = calls.missed_calls(world.agent)
    assert {m.call_id: m.outcome for m in missed} == {"gave-up": "abandoned", "rang-out": "missed",
                                                     "not-logged": "answered"}
    done = calls.mark_dealt_with("gave-up", world.agent)
    assert done.dealt_with_by == "Carla Agent"
    assert "gave-up" not in {m.call_id for m in calls.missed_calls(world.agent)}
    with pytest.raises(PermissionDenied):
        calls.missed_calls(world.case_owner)


def test_call_back_needs_a_number_and_the_agents_phone(world):
    calls = world.services.calls
    abandoned_call(world.services, "c1", 20)
    abandoned_call(world.services, "hidden", 20, from_number="anonymous")
    with pytest.raises(ValidationError, match="not set up"):
        calls.callback_request("c1", world.agent)
    set_phone(world, world.agent, "2001")
    request = calls.callback_request("c1", world.agent)
    assert (request.number, request.interface, request.extension) == ("+442072193000", "PJSIP/2001", "2001")
    with pytest.raises(ValidationError, match="no number"):
        calls.callback_request("hidden", world.agent)


def test_calls_for_an_enquiry_show_wait_and_talk(world):
    answered_call(world.services, "c1", wait=14, talk=200)
    enquiry_id = enquiry_for(world, world.mp.id)
    world.services.calls.link_enquiry("c1", enquiry_id, world.agent)
    [call] = world.services.calls.calls_for_enquiry(enquiry_id, world.agent)
    assert (call.wait_seconds, call.talk_seconds, call.who) == (14, 200, "Jane Smith MP's office")


def test_phone_identities_are_checked_and_unique(world):
    calls = world.services.calls
    with pytest.raises(ValidationError):
        calls.set_identity(world.admin, world.agent.id, interfaces="2001", extension="", queues="")
    with pytest.raises(ValidationError):
        calls.set_identity(world.admin, world.agent.id, interfaces="", extension="20x1", queues="")
    with pytest.raises(PermissionDenied):
        calls.set_identity(world.leader, world.agent.id, interfaces="PJSIP/2001", extension="2001", queues="")
    set_phone(world, world.agent, "2001")
    with pytest.raises(ValidationError, match="already set"):
        calls.set_identity(world.admin, world.leader.id, interfaces="PJSIP/2001", extension="2002", queues="")
    assert calls.identity(world.agent, world.agent.id).interfaces == ("PJSIP/2001",)


def test_two_bridges_recording_the_same_call_at_once_store_it_once(world, db_url, clock):
    """A second bridge (or a replay racing the original) inserts the same call id at the same moment:
    the loser's transaction is done again and finds the winner's row."""
    import threading

    from mpel_app.app import open_database

    other = open_database(db_url, clock=clock)
    try:
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def bridge(services, kind, seconds, key):
            try:
                barrier.wait(5)
                services.calls.record(ev(kind, "raced", seconds, users=("PJSIP/2001",), event_key=key))
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

        for round_ in range(5):
            threads = [threading.Thread(target=bridge, args=(world.services, NEW_CALL, 0, f"a{round_}")),
                       threading.Thread(target=bridge, args=(other, ANSWER, 4, f"b{round_}"))]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        assert errors == []
        with world.services.uow.read() as s:
            assert s.scalar(select(func.count()).select_from(Call)) == 1
        call = row(world.services, "raced")
        assert (call.offered_at, call.outcome, call.wait_seconds) == (T0, "answered", 4)
    finally:
        other.close()


def test_a_call_whose_end_never_came_stops_ringing(world, clock):
    from mpel_app.services.calls import RINGING_FOR_AT_MOST

    set_phone(world, world.agent, "2001")
    world.services.calls.record(ev(NEW_CALL, "lost", 0, users=("PJSIP/2001",)))
    assert len(world.services.calls.ringing_for(world.agent)) == 1
    clock.advance(seconds=RINGING_FOR_AT_MOST.total_seconds() + 1)
    assert world.services.calls.ringing_for(world.agent) == []


def test_an_answer_arriving_before_its_new_call_is_stored_whole(world):
    set_phone(world, world.agent, "2001")
    calls = world.services.calls
    calls.record(ev(ANSWER, "late-offer", 12, users=("PJSIP/2001",)))
    calls.record(ev(NEW_CALL, "late-offer", 0, users=("PJSIP/2001",)))
    call = row(world.services, "late-offer")
    assert (call.offered_at, call.wait_seconds, call.answered_by_user_id, call.offered_day) == (
        T0, 12, world.agent.id, MONDAY_MORNING.date())


def test_odd_fields_from_a_pbx_are_trimmed_not_fatal(world):
    calls = world.services.calls
    calls.record(CtiEvent(event=NEW_CALL, call_id="odd", at=T0, from_number=None, to_number="\x00" * 10 + "9" * 200,
                          users=("x" * 500, "", "PJSIP/2001"), queue="q" * 200, source=None))
    calls.record(CtiEvent(event=HANGUP, call_id="odd", at=T0 + timedelta(seconds=4), cause="c" * 100))
    call = row(world.services, "odd")
    assert (call.match_kind, call.source, len(call.queue), len(call.called_number)) == (WITHHELD, "http", 80, 64)
    assert call.agents_rung == "x" * 80 + ",PJSIP/2001" and len(call.hangup_cause) == 20
    assert call.outcome == "abandoned"


@pytest.mark.parametrize("dialled, kind, display", [
    ("9 020 7219 3000", EXACT, "020 7219 3000"),
    ("+44 20 7219 3000", EXACT, "020 7219 3000"),
    ("07700 900999", NO_MATCH, "07700 900999"),
])
def test_an_outbound_call_is_matched_on_the_number_dialled(world, dialled, kind, display):
    calls = world.services.calls
    calls.record(ev(NEW_CALL, "out-1", 0, direction="out", from_number="2001", to_number=dialled,
                    users=("PJSIP/2001",)))
    ringing = calls.ringing("out-1", world.agent)
    assert (ringing.match_kind, ringing.number) == (kind, display)
    assert ringing.member_id == (world.mp.id if kind == EXACT else None)
