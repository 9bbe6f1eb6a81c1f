"""The AMI client against the fake Asterisk: login, wrong secret, Ping, dropped links, Originate, bad bytes."""
from __future__ import annotations

import asyncio
import logging

import pytest

from mpel_app.telephony import events as ev
from mpel_app.telephony.ami_client import AmiClient, AmiConnectionLost, AmiError, originate_once
from mpel_app.telephony.bridge import Bridge
from mpel_app.telephony.events import CtiEvent
from tests.telephony.ami_calls import T0, Pbx
from tests.telephony.fake_asterisk import FakeAsterisk
from tests.telephony.loopback import Pipeline, expected, fake_and_pipeline, on_loopback


@on_loopback
async def test_login_then_events_and_logoff_on_stop():
    async with fake_and_pipeline() as (fake, pipe):
        await pipe.client.connected.wait()
        assert pipe.client.banner == "Asterisk Call Manager/5.0.1"
        login = fake.actions[0]
        assert (login.get("Action"), login.get("Username"), login.get("Secret")) == ("Login", "mpel", "s3cret")
        assert login.action_id
    assert fake.actions[-1].get("Action") == "Logoff"
    assert pipe.events == []  # FullyBooted is not a call


@on_loopback
async def test_wrong_secret_is_retried_with_back_off_and_logged_once_per_outage(caplog):
    with caplog.at_level(logging.INFO, logger="mpel_app.telephony"):
        async with fake_and_pipeline(fake_secret="the-right-one", secret="wrong", wait_login=False) as (fake, pipe):
            await pipe.until(lambda: fake.logins_refused >= 3)
            assert pipe.client.logins == 0 and not pipe.client.connected.is_set()
            refusals = [r for r in caplog.records if "refused the login" in r.getMessage()]
            assert len(refusals) == 1 and refusals[0].levelno == logging.WARNING
            assert "wrong" not in refusals[0].getMessage()  # the secret is never logged
            fake.secret = "wrong"  # the administrator fixes manager.conf
            await fake.logged_in()
            await pipe.client.connected.wait()
    assert sum("is back" in r.getMessage() for r in caplog.records) == 1
    assert sum("refused the login" in r.getMessage() for r in caplog.records) == 1


@on_loopback
async def test_ping_keeps_the_session_and_an_unanswered_ping_means_reconnect():
    async with fake_and_pipeline(ping_interval=0.02, response_timeout=0.3) as (fake, pipe):
        await pipe.until(lambda: sum(a.get("Action") == "Ping" for a in fake.actions) >= 3)
        assert pipe.client.logins == 1  # answered pings: the same session
        fake.answer_pings = False
        await fake.logged_in(2)
        await pipe.until(lambda: pipe.client.logins == 2)


@on_loopback
async def test_asterisk_restart_is_survived():
    fake = await FakeAsterisk().start()
    port = fake.port
    async with Pipeline(fake) as pipe:
        await fake.logged_in()
        await fake.stop()  # Asterisk goes away...
        await pipe.until(lambda: not pipe.client.connected.is_set())
        await asyncio.sleep(0.05)  # ...refused connections meanwhile...
        again = await FakeAsterisk().start(port)  # ...and comes back
        try:
            await again.logged_in()
            await pipe.until(lambda: pipe.client.logins == 2)
            call = Pbx().queue_call(T0, wait=4)
            await again.send(*call.frames)
            await pipe.count(3)
            assert pipe.events == expected(call, queue="enquiry-line", agent="PJSIP/2001", wait=4.0,
                                           cause=ev.NORMAL_CLEARING)
        finally:
            await again.stop()


@on_loopback
async def test_originate_rings_the_agents_own_extension():
    async with fake_and_pipeline(wait_login=False) as (fake, pipe):
        await pipe.client.connected.wait()
        response = await pipe.client.originate("PJSIP/2001", "02079460000", "from-internal",
                                               '"Call back" <02079460000>')
        assert response.response == "Success" and response.get("Message") == "Originate successfully queued"
        sent = next(a for a in fake.actions if a.get("Action") == "Originate")
        assert [(k, sent.get(k)) for k in ("Channel", "Exten", "Context", "Priority", "CallerID", "Async")] == [
            ("Channel", "PJSIP/2001"), ("Exten", "02079460000"), ("Context", "from-internal"),
            ("Priority", "1"), ("CallerID", '"Call back" <02079460000>'), ("Async", "true")]
        assert response.action_id == sent.action_id


@on_loopback
async def test_originate_once_logs_in_originates_and_logs_off():
    fake = await FakeAsterisk().start()
    try:
        response = await originate_once("127.0.0.1", fake.port, "mpel", "s3cret", channel="PJSIP/2003",
                                        exten="01179460000", context="from-internal", caller_id="01179460000",
                                        timeout=2)
        assert response.response == "Success"
        assert [a.get("Action") for a in fake.actions] == ["Login", "Originate", "Logoff"]
        with pytest.raises(AmiConnectionLost, match="refused the login"):
            await originate_once("127.0.0.1", fake.port, "mpel", "nope", channel="PJSIP/2003", exten="1",
                                 context="c", caller_id="1", timeout=0.3)
    finally:
        await fake.stop()


@on_loopback
async def test_action_without_a_session_is_refused_clearly():
    client = AmiClient("127.0.0.1", 1, "mpel", "x")
    with pytest.raises(AmiConnectionLost, match="not logged in"):
        await client.originate("PJSIP/2001", "1", "c", "1")


@on_loopback
async def test_bad_bytes_on_the_wire_do_not_stop_the_bridge(caplog):
    pbx = Pbx()
    call = pbx.queue_call(T0, wait=30)
    junk = [b"Event: Newchannel\r\nCallerIDName: " + b"X" * 1_048_576 + b"\r\nUniqueid: 1\r\n\r\n",
            b"Event: Newchannel\r\nCallerIDName: \xff\xfe\xfd\r\nUniqueid: 77.1\r\nLinkedid: 77.1\r\n\r\n",
            b"garbage without a colon\r\n\r\n",
            b"Event: SomethingNew\r\nPrivilege: call,all\r\nUniqueid: 78.1\r\nLinkedid: 78.1\r\n\r\n",
            b"Event: AgentConnect\r\nUniqueid: 79.1\r\nLinkedid: 79.1\r\nQueue: q\r\nHoldTime: soon\r\n\r\n",
            b"Event: Hangup\r\nUniqueid: 80.1\r\nCause: not-a-number\r\n\r\n"]
    with caplog.at_level(logging.WARNING):
        async with fake_and_pipeline() as (fake, pipe):
            await fake.send(*junk, *call.frames)
            await pipe.count(3)
            assert pipe.events == expected(call, queue="enquiry-line", agent="PJSIP/2001", wait=30.0,
                                           cause=ev.NORMAL_CLEARING)
            assert pipe.client.logins == 1  # the session itself survived


@on_loopback
async def test_a_sink_failure_for_one_event_is_logged_and_the_bridge_goes_on(caplog):
    class Flaky:
        def __init__(self):
            self.events = []

        def handle(self, event: CtiEvent) -> None:
            if event.event == ev.ANSWER and "boom" not in self.events:
                self.events.append("boom")
                raise RuntimeError("database away")
            self.events.append(event.event)

    pbx = Pbx()
    first, second = pbx.queue_call(T0, wait=5), pbx.queue_call(T0 + 100, wait=6)
    with caplog.at_level(logging.ERROR):
        async with fake_and_pipeline(wait_login=False) as (fake, pipe):
            flaky = Flaky()
            pipe.bridge.sink = flaky
            await fake.logged_in()
            await fake.send(*first.frames, *second.frames)
            await pipe.until(lambda: flaky.events.count(ev.HANGUP) == 2)
    assert flaky.events == [ev.NEW_CALL, ev.NEW_CALL, "boom", ev.HANGUP, ev.NEW_CALL, ev.NEW_CALL, ev.ANSWER,
                            ev.HANGUP]
    assert pipe.bridge.failed == 1
    assert sum("refused answer" in r.getMessage() for r in caplog.records) == 1


def test_bridge_queue_filter_and_replay_memory():
    seen = []

    class Sink:
        def handle(self, event):
            seen.append(event)

    from datetime import UTC, datetime

    at = datetime(2026, 5, 28, tzinfo=UTC)
    bridge = Bridge(Sink(), queues=["enquiry-line"], seen_limit=2)
    ours = CtiEvent(event=ev.NEW_CALL, call_id="1", at=at, queue="enquiry-line", event_key="k1")
    other = CtiEvent(event=ev.NEW_CALL, call_id="2", at=at, queue="sales", event_key="k2")
    direct = CtiEvent(event=ev.NEW_CALL, call_id="3", at=at, event_key="k3")
    assert [bridge.deliver(e) for e in (ours, other, direct, ours)] == [True, False, True, False]
    assert seen == [ours, direct]
    bridge.deliver(CtiEvent(event=ev.HANGUP, call_id="4", at=at, event_key="k4"))
    assert bridge.deliver(ours)  # the memory is bounded: the oldest key was forgotten


@pytest.fixture(scope="module")
def ami_tls(tmp_path_factory):
    import ssl

    from tests.notify.conftest import _make_cert_with_cryptography

    folder = tmp_path_factory.mktemp("ami-tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    _make_cert_with_cryptography(cert, key)
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert, key)
    return server, ssl.create_default_context(cafile=str(cert))


@on_loopback
async def test_ami_over_tls(ami_tls):
    server, trusting = ami_tls
    async with fake_and_pipeline(tls=server, ssl=trusting) as (fake, pipe):
        call = Pbx().queue_call(T0, wait=31)
        await fake.send(*call.frames)
        await pipe.count(3)
        assert pipe.events == expected(call, queue="enquiry-line", agent="PJSIP/2001", wait=31.0,
                                       cause=ev.NORMAL_CLEARING)


@on_loopback
async def test_ami_tls_with_an_untrusted_certificate_never_logs_in(ami_tls, caplog):
    import ssl

    server, _ = ami_tls
    with caplog.at_level(logging.WARNING, logger="mpel_app.telephony"):
        system_cas_only = ssl.create_default_context()
        async with fake_and_pipeline(tls=server, ssl=system_cas_only, wait_login=False) as (fake, pipe):
            await asyncio.sleep(0.3)
            assert fake.logins_ok == 0 and pipe.client.logins == 0
    problems = [r.getMessage() for r in caplog.records if "no AMI connection" in r.getMessage()]
    assert len(problems) == 1 and "CERTIFICATE_VERIFY_FAILED" in problems[0]


@on_loopback
async def test_event_list_collects_core_show_channels_and_a_refusal_is_clear():
    async with fake_and_pipeline() as (fake, pipe):
        await pipe.client.connected.wait()
        fake.channels_up = [("PJSIP/2001-0000001a", "1780000000.2", "1780000000.1"),
                            ("PJSIP/siptrunk-0000001b", "1780000000.1", "1780000000.1")]
        listed = await pipe.client.event_list("CoreShowChannels")
        assert [(f.event, f.get("Uniqueid")) for f in listed] == [
            ("CoreShowChannel", "1780000000.2"), ("CoreShowChannel", "1780000000.1")]
        with pytest.raises(AmiError, match="Invalid/unknown command"):
            await pipe.client.event_list("NoSuchList")
        assert pipe.events == [] and pipe.client.logins == 1
