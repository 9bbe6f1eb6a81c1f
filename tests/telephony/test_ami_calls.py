"""Calls on a fake Asterisk over loopback AMI become exactly the right generic call events.

Every scenario goes over the wire: the fake writes realistic Asterisk 18/20
frames cut at random byte offsets; the client parses them; the translator and
the bridge turn them into ``CtiEvent``s.
"""
from __future__ import annotations

import asyncio

import pytest

from mpel_app.telephony import events as ev
from tests.telephony.ami_calls import T0, Pbx
from tests.telephony.loopback import expected, fake_and_pipeline, on_loopback


async def _run_calls(*calls, queues=()):
    async with fake_and_pipeline(queues=queues) as (fake, pipe):
        for call in calls:
            await fake.send(*call.frames)
        await pipe.until(lambda: sum(e.event == ev.HANGUP for e in pipe.events) >= len(calls))
        await asyncio.sleep(0.02)
        return list(pipe.events)


@pytest.mark.parametrize("wait", [29, 30, 31])
@on_loopback
async def test_queue_call_answered_after_its_wait(wait):
    pbx = Pbx()
    call = pbx.queue_call(T0, wait=wait, talk=95)
    events = await _run_calls(call)
    assert events == expected(call, queue="enquiry-line", agent="PJSIP/2001", wait=float(wait),
                              cause=ev.NORMAL_CLEARING)
    answer = next(e for e in events if e.event == ev.ANSWER)
    assert answer.wait_seconds == wait and (answer.at - events[0].at).total_seconds() == wait


@pytest.mark.parametrize("wait, agent_rung", [(3, False), (20, True), (45, True)])
@on_loopback
async def test_queue_call_abandoned_is_cancelled_with_its_wait(wait, agent_rung):
    pbx = Pbx()
    call = pbx.queue_call(T0, wait=wait, answered=False, ring_agent=agent_rung)
    events = await _run_calls(call)
    assert events == expected(call, queue="enquiry-line", agent=None, wait=float(wait), cause=ev.CANCEL,
                              rung=("PJSIP/2001",) if agent_rung else ())
    # the agent rung is told by a newCall of its own: the join named nobody
    assert [e.event for e in events] == ([ev.NEW_CALL, ev.NEW_CALL, ev.HANGUP] if agent_rung
                                         else [ev.NEW_CALL, ev.HANGUP])


@on_loopback
async def test_direct_call_to_an_extension_is_the_enquiry_lines_whatever_the_queues():
    pbx = Pbx()
    call = pbx.direct_call(T0, agent="2002")
    events = await _run_calls(call, queues=("enquiry-line",))
    assert events == expected(call, queue=None, agent="PJSIP/2002", wait=None, cause=ev.NORMAL_CLEARING,
                              offered_users=("PJSIP/2002",))


@pytest.mark.parametrize("status, cause, generic", [("BUSY", 17, ev.BUSY), ("NOANSWER", 19, ev.NO_ANSWER)])
@on_loopback
async def test_direct_call_not_answered_keeps_the_reason(status, cause, generic):
    pbx = Pbx()
    call = pbx.direct_call(T0, agent="2002", answered=False, agent_status=status, cause=cause)
    events = await _run_calls(call)
    assert events == expected(call, queue=None, agent=None, wait=None, cause=generic, rung=("PJSIP/2002",),
                              offered_users=("PJSIP/2002",))


@pytest.mark.parametrize("transferred", [False, True], ids=["plain", "blind-transferred"])
@on_loopback
async def test_outbound_call_from_an_agent_extension(transferred):
    """A transferred outbound call lasts until the outside party leaves, not the agent who dialled."""
    pbx = Pbx()
    if transferred:
        call = pbx.transferred_outbound_call(T0, agent="2001", to="2002", dialled="902079460000")
    else:
        call = pbx.outbound_call(T0, agent="2001", dialled="902079460000")
    events = await _run_calls(call)
    assert events == expected(call, queue=None, agent="PJSIP/2001", wait=None, cause=ev.NORMAL_CLEARING,
                              direction=ev.OUTBOUND, to="902079460000", offered_users=("PJSIP/2001",))


@pytest.mark.parametrize("status, q850, generic", [("BUSY", 17, ev.BUSY), ("CONGESTION", 34, ev.CONGESTION),
                                                   ("CHANUNAVAIL", 1, ev.NOT_FOUND)])
@on_loopback
async def test_outbound_call_not_answered_maps_the_cause(status, q850, generic):
    pbx = Pbx()
    call = pbx.outbound_call(T0, status=status, cause=q850)
    events = await _run_calls(call)
    assert [e.event for e in events] == [ev.NEW_CALL, ev.HANGUP]
    assert events[-1].cause == generic and events[-1].direction == ev.OUTBOUND


@on_loopback
async def test_calls_in_other_queues_are_ignored():
    pbx = Pbx()
    ours = pbx.queue_call(T0, queue="enquiry-line", wait=5)
    theirs = pbx.queue_call(T0 + 1, queue="sales", agent="3001", wait=7)
    direct = pbx.direct_call(T0 + 2)
    async with fake_and_pipeline(queues=("enquiry-line",)) as (fake, pipe):
        await fake.send(*ours.frames, *theirs.frames, *direct.frames)
        await pipe.until(lambda: {e.call_id for e in pipe.events if e.event == ev.HANGUP}
                         == {ours.call_id, direct.call_id})
        await asyncio.sleep(0.02)
        assert {e.call_id for e in pipe.events} == {ours.call_id, direct.call_id}
        assert pipe.bridge.delivered == 7  # ours: offered, agent rung, answered, ended; direct: 3


@on_loopback
async def test_transfer_keeps_one_call_and_the_agent_who_answered():
    pbx = Pbx()
    call, _ = pbx.transferred_queue_call(T0, first="2001", second="2002", wait=12)
    events = await _run_calls(call)
    assert events == expected(call, queue="enquiry-line", agent="PJSIP/2001", wait=12.0,
                              cause=ev.NORMAL_CLEARING)


@on_loopback
async def test_interleaved_calls_are_kept_apart():
    pbx = Pbx()
    a = pbx.queue_call(T0, caller="02079460010", wait=30, talk=40)
    b = pbx.queue_call(T0 + 0.2, caller="02079460020", agent="2002", wait=31, answered=False)
    # one frame of each in turn, as Asterisk interleaves simultaneous calls
    mixed = [f for pair in zip(a.frames, b.frames) for f in pair]
    mixed += a.frames[len(b.frames):] + b.frames[len(a.frames):]
    async with fake_and_pipeline() as (fake, pipe):
        await fake.send(*mixed)
        await pipe.count(5)
        assert [e for e in pipe.events if e.call_id == a.call_id] == expected(
            a, queue="enquiry-line", agent="PJSIP/2001", wait=30.0, cause=ev.NORMAL_CLEARING)
        assert [e for e in pipe.events if e.call_id == b.call_id] == expected(
            b, queue="enquiry-line", agent=None, wait=31.0, cause=ev.CANCEL, rung=("PJSIP/2002",))


@on_loopback
async def test_reconnect_mid_call_with_replayed_events_counts_the_call_once():
    pbx = Pbx()
    call = pbx.queue_call(T0, wait=30, talk=50)
    join = next(i for i, f in enumerate(call.frames) if f.startswith(b"Event: AgentCalled"))
    async with fake_and_pipeline() as (fake, pipe):
        await fake.send(*call.frames[:join + 1])
        await pipe.until(lambda: len(pipe.events) == 1)
        await fake.drop()
        fake.channels_up = call.legs_up()  # the call is still up when we are back
        await fake.logged_in(2)
        await pipe.until(lambda: pipe.client.logins == 2)  # the client may read its answer a moment later
        # a proxy replays what it had sent before the drop, then the call goes on
        await fake.send(*call.frames[:join + 1], *call.frames[join + 1:], *call.frames)
        await pipe.count(3)
        assert pipe.events == expected(call, queue="enquiry-line", agent="PJSIP/2001", wait=30.0,
                                       cause=ev.NORMAL_CLEARING)


@on_loopback
async def test_events_without_timestamps_are_timed_on_receipt():
    from datetime import UTC, datetime

    received = datetime(2026, 5, 28, 21, 0, tzinfo=UTC)
    pbx = Pbx()
    call = pbx.queue_call(T0, wait=8)
    frames = [b"".join(l + b"\r\n" for l in f.split(b"\r\n")[:-2] if not l.startswith(b"Timestamp:")) + b"\r\n"
              for f in call.frames]
    async with fake_and_pipeline(clock=lambda: received) as (fake, pipe):
        await fake.send(*frames)
        events = await pipe.count(4)
        assert [e.at for e in events] == [received] * 4
        assert [e.event for e in events] == [ev.NEW_CALL, ev.NEW_CALL, ev.ANSWER, ev.HANGUP]
        assert events[2].wait_seconds == 8.0  # HoldTime still gives the wait


@on_loopback
async def test_a_call_that_ended_while_the_link_was_down_is_ended_after_the_reconnect():
    from datetime import UTC, datetime

    back = datetime(2026, 5, 28, 21, 0, tzinfo=UTC)
    pbx = Pbx()
    gone = pbx.queue_call(T0, caller="02079460030", wait=10, talk=30)
    lasting = pbx.queue_call(T0 + 1, caller="02079460040", agent="2002", wait=12, talk=600)
    hangs = [i for i, f in enumerate(gone.frames) if f.startswith(b"Event: Hangup")]
    first_hangup = next(i for i, f in enumerate(lasting.frames) if f.startswith(b"Event: Hangup"))
    async with fake_and_pipeline(clock=lambda: back) as (fake, pipe):
        await fake.send(*gone.frames[:hangs[0]], *lasting.frames[:first_hangup])
        await pipe.count(6)  # both offered, their agents rung, and answered
        await fake.drop()
        # meanwhile the first call ends unheard; the second one's legs are still up
        fake.channels_up = lasting.legs_up()
        await fake.logged_in(2)
        await pipe.count(7)
        assert pipe.events[:6] == [e for e in expected(gone, queue="enquiry-line", agent="PJSIP/2001", wait=10.0,
                                                       cause=ev.NORMAL_CLEARING)[:3]] + [
            e for e in expected(lasting, queue="enquiry-line", agent="PJSIP/2002", wait=12.0,
                                cause=ev.NORMAL_CLEARING)[:3]]
        ended = pipe.events[6]
        assert (ended.event, ended.call_id, ended.at, ended.cause) == (ev.HANGUP, gone.call_id, back,
                                                                      ev.NORMAL_CLEARING)
        assert any(a.get("Action") == "CoreShowChannels" for a in fake.actions)
        await fake.send(*lasting.frames[first_hangup:])
        await pipe.count(8)
        assert pipe.events[7] == expected(lasting, queue="enquiry-line", agent="PJSIP/2002", wait=12.0,
                                          cause=ev.NORMAL_CLEARING)[3]


@on_loopback
async def test_a_ring_group_tells_every_extension_it_rings():
    pbx = Pbx()
    call = pbx.ring_group_call(T0, agents=("2001", "2002", "2003"), answerer="2002")
    events = await _run_calls(call, queues=("enquiry-line",))
    assert events == expected(call, queue=None, agent="PJSIP/2002", wait=None, cause=ev.NORMAL_CLEARING,
                              offered_users=("PJSIP/2001",), rung=("PJSIP/2001", "PJSIP/2002", "PJSIP/2003"))
    assert [e.users for e in events if e.event == ev.NEW_CALL] == [("PJSIP/2001",), ("PJSIP/2002",), ("PJSIP/2003",)]


@pytest.mark.parametrize("answered", [True, False])
@on_loopback
async def test_a_ringall_queue_names_every_member_it_rings(answered):
    pbx = Pbx()
    call = pbx.ringall_queue_call(T0, agents=("2001", "2002"), answerer="2002", wait=9, answered=answered)
    events = await _run_calls(call)
    assert events == expected(call, queue="enquiry-line", agent="PJSIP/2002" if answered else None, wait=9.0,
                              cause=ev.NORMAL_CLEARING if answered else ev.CANCEL,
                              rung=("PJSIP/2001", "PJSIP/2002"))
