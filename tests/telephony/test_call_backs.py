"""Call back: queued at the desk, placed by the CTI bridge over the AMI, its outcome shown to the desk.

The desk holds no phone-system secret: it queues the call back in the database
(``CallService.callback_request``); the bridge (``cli_cti.place_call_backs``,
the one process logged in to the AMI) rings the agent's own phone with
``Originate`` and records what Asterisk said (``CallBackQueue``).
"""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from mpel_app.app import open_database
from mpel_app.cli_cti import place_call_backs
from mpel_app.domain.call_records import CALL_BACK_FAILED, CALL_BACK_PENDING, CALL_BACK_PLACED
from mpel_app.domain.caller_id import dial_string
from mpel_app.domain.clock import FixedClock
from mpel_app.domain.errors import NotFound
from mpel_app.services.call_backs import NOT_TAKEN, STALE_AFTER
from mpel_app.telephony.ami_client import AmiClient
from tests.services.test_calls import abandoned_call, set_phone
from tests.support.world import MONDAY_MORNING, build_world
from tests.telephony.fake_asterisk import FakeAsterisk


@pytest.mark.parametrize("e164, prefix, dialled", [
    ("+442079460000", "9", "902079460000"),
    ("+441179460000", "", "01179460000"),
    ("+33142685300", "9", "90033142685300"),
])
def test_dial_string_is_the_number_as_dialled_from_the_uk(e164, prefix, dialled):
    assert dial_string(e164, outside_line_prefix=prefix) == dialled


@pytest.mark.parametrize("junk", ["", "2001", "02079460000", "+44", "anonymous"])
def test_no_dial_string_for_what_is_not_a_number(junk):
    with pytest.raises(ValueError, match="not a number to call back"):
        dial_string(junk)


def test_a_call_back_is_queued_placed_and_reported_to_whoever_asked(world):
    services, clock = world.services, world.services.clock
    set_phone(world, world.agent, "2001")
    abandoned_call(services, "c1", 20, from_number="020 7946 0000")
    asked = services.calls.callback_request("c1", world.agent)
    assert (asked.state, asked.interface, asked.number) == (CALL_BACK_PENDING, "PJSIP/2001", "+442079460000")
    assert [r.id for r in services.call_backs.pending()] == [asked.id]
    services.call_backs.finish(asked.id, placed=True, message="Originate successfully queued")
    services.call_backs.finish(asked.id, placed=False, message="too late")  # a finished one stays as it is
    assert services.call_backs.pending() == []
    told = services.call_backs.status(world.agent, asked.id)
    assert (told.state, told.message) == (CALL_BACK_PLACED, "Originate successfully queued")
    with pytest.raises(NotFound):
        services.call_backs.status(world.leader, asked.id)  # not theirs


def test_a_call_back_nobody_takes_tells_the_agent_to_dial(world):
    services, clock = world.services, world.services.clock
    set_phone(world, world.agent, "2001")
    abandoned_call(services, "c1", 20, from_number="020 7946 0000")
    asked = services.calls.callback_request("c1", world.agent)
    clock.set(clock.now() + STALE_AFTER + timedelta(seconds=1))
    assert services.call_backs.pending() == []  # the bridge does not ring a phone half a minute late
    told = services.call_backs.status(world.agent, asked.id)
    assert (told.state, told.message) == (CALL_BACK_FAILED, NOT_TAKEN)


def test_the_bridge_rings_the_agents_phone_and_records_the_answer(sqlite_url):
    services = open_database(sqlite_url, clock=FixedClock(MONDAY_MORNING))
    try:
        world = build_world(services)
        set_phone(world, world.agent, "2001")
        abandoned_call(services, "c1", 20, from_number="020 7946 0000")
        abandoned_call(services, "c2", 20, from_number="+33 1 42 68 53 00")
        first = services.calls.callback_request("c1", world.agent)
        second = services.calls.callback_request("c2", world.agent)

        async def run() -> FakeAsterisk:
            fake = await FakeAsterisk().start()
            stop = asyncio.Event()
            client = AmiClient("127.0.0.1", fake.port, "mpel", "s3cret", backoff_initial=0.05)
            session = asyncio.create_task(client.run(stop))
            placing = asyncio.create_task(place_call_backs(client, services, stop, context="from-internal",
                                                           prefix="9", poll=0.05))
            for _ in range(200):
                if not services.call_backs.pending():
                    break
                await asyncio.sleep(0.05)
            stop.set()
            await asyncio.gather(session, placing)
            await fake.stop()
            return fake

        fake = asyncio.run(run())
        originates = [a for a in fake.actions if a.get("Action") == "Originate"]
        assert [(a.get("Channel"), a.get("Exten"), a.get("Context")) for a in originates] == [
            ("PJSIP/2001", "902079460000", "from-internal"), ("PJSIP/2001", "90033142685300", "from-internal")]
        for asked in (first, second):
            told = services.call_backs.status(world.agent, asked.id)
            assert (told.state, told.message) == (CALL_BACK_PLACED, "Originate successfully queued")
    finally:
        services.close()
