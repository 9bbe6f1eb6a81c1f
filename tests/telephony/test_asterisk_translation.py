"""The AMI → call event translation on its own: names, times, causes, and what is not a call."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mpel_app.telephony import events as ev
from mpel_app.telephony.ami_protocol import AmiParser, Frame
from mpel_app.telephony.asterisk import AsteriskTranslator, endpoint_of, event_time, interface_of
from tests.telephony.ami_calls import T0, Pbx, event, hangup


def _frames(*data: bytes) -> list[Frame]:
    return AmiParser(expect_banner=False).feed(b"".join(data))


def _translate(*data: bytes, **kw) -> list:
    translator = AsteriskTranslator(**kw)
    return [e for f in _frames(*data) for e in translator.feed(f)]


@pytest.mark.parametrize("channel, interface, endpoint", [
    ("PJSIP/2001-0000001a", "PJSIP/2001", "2001"),
    ("SIP/2001-00000003", "SIP/2001", "2001"),
    ("Local/2001@from-queue-00000002;1", "Local/2001@from-queue", "2001"),
    ("PJSIP/siptrunk-0000000b", "PJSIP/siptrunk", "siptrunk"),
    ("PJSIP/my-trunk", "PJSIP/my-trunk", "my-trunk"),
    ("Local/2001@from-queue/n", "Local/2001@from-queue/n", "2001"),  # a queue member's Interface
])
def test_channel_names(channel, interface, endpoint):
    assert (interface_of(channel), endpoint_of(channel)) == (interface, endpoint)


@pytest.mark.parametrize("text, expected", [
    ("1780000000.123456", datetime(2026, 5, 28, 20, 26, 40, 123456, tzinfo=UTC)),
    ("1780000000", datetime(2026, 5, 28, 20, 26, 40, tzinfo=UTC)),
    ("1780000000.5", datetime(2026, 5, 28, 20, 26, 40, 500000, tzinfo=UTC)),
    ("yesterday", None), ("", None), ("-5", None),
])
def test_timestamps(text, expected):
    assert event_time(Frame.of(Event="X", Timestamp=text)) == expected


@pytest.mark.parametrize("q850, generic", [(1, ev.NOT_FOUND), (17, ev.BUSY), (18, ev.NO_ANSWER),
                                           (19, ev.NO_ANSWER), (34, ev.CONGESTION), (16, ev.CANCEL)])
def test_outbound_unanswered_cause_from_the_hangup_codes_alone(q850, generic):
    pbx = Pbx()
    call = pbx.outbound_call(T0, status="ANSWER", talk=1)
    # keep the dial, drop the DialEnd and everything after it; the trunk leg then hangs up with q850
    frames = [f for f in call.frames if not f.startswith((b"Event: DialEnd", b"Event: Hangup", b"Event: Bridge"))]
    frames = [f for f in frames if b"ChannelState: 6" not in f]
    trunk = next(f for f in call.frames if f.startswith(b"Event: Newchannel") and b"siptrunk" in f)
    legs = [f for f in _frames(trunk, frames[0])]
    out = _translate(*frames, *[hangup(T0 + 9, _leg(legs[0]), q850), hangup(T0 + 9.1, _leg(legs[1]), q850)])
    assert [e.event for e in out] == [ev.NEW_CALL, ev.HANGUP]
    assert out[-1].cause == generic  # 16 from both legs: the agent gave up before an answer


def _leg(frame: Frame):
    from tests.telephony.ami_calls import Leg

    return Leg(frame.get("Channel"), frame.get("Uniqueid"), frame.get("Linkedid"), frame.get("CallerIDNum"),
               context=frame.get("Context"), exten=frame.get("Exten"), state=int(frame.get("ChannelState")))


def test_internal_calls_and_unoffered_calls_give_nothing():
    pbx = Pbx()
    a = pbx.leg("2001", "2001", context="from-internal", exten="2002", state=4)
    b = pbx.leg("2002", "2002", linkedid=a.linkedid, context="from-internal", exten="2002")
    internal = [event("Newchannel", T0, a), event("Newchannel", T0, b), event("DialBegin", T0, a, b),
                event("DialEnd", T0 + 2, a.at(6), b.at(6), ("DialStatus", "ANSWER")),
                hangup(T0 + 9, a.at(6)), hangup(T0 + 9, b.at(6))]
    ivr = pbx.leg("siptrunk", "02079460000", exten="03001234567", state=4)
    hung_up_in_the_menu = [event("Newchannel", T0, ivr), event("Newstate", T0, ivr.at(6)), hangup(T0 + 5, ivr.at(6))]
    assert _translate(*internal, *hung_up_in_the_menu) == []


def test_an_internal_caller_in_a_queue_is_not_an_enquiry_line_call():
    pbx = Pbx()
    call = pbx.queue_call(T0, caller="2005")
    frames = [f.replace(b"PJSIP/siptrunk-", b"PJSIP/2005-") for f in call.frames]
    assert _translate(*frames) == []


def test_joining_mid_call_offers_the_queue_call_from_its_hold_time():
    pbx = Pbx()
    call = pbx.queue_call(T0, wait=30, talk=10)
    connect = next(i for i, f in enumerate(call.frames) if f.startswith(b"Event: AgentConnect"))
    out = _translate(*call.frames[connect:])
    assert [e.event for e in out] == [ev.NEW_CALL, ev.ANSWER, ev.HANGUP]
    assert (out[1].at - out[0].at).total_seconds() == 30 and out[1].wait_seconds == 30


def test_receipt_time_comes_from_the_injected_clock():
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    pbx = Pbx()
    c = pbx.leg("siptrunk", "02079460000", exten="03001234567", state=4)
    join = event("QueueCallerJoin", None, c.at(6), None, ("Queue", "q"), ("Position", 1), ("Count", 1))
    (offered,) = _translate(event("Newchannel", None, c), join, clock=lambda: when)
    assert offered.at == when and offered.queue == "q"


def test_a_finished_call_replayed_without_timestamps_is_not_counted_again():
    pbx = Pbx()
    call = pbx.queue_call(T0, wait=5)
    plain = [b"".join(l + b"\r\n" for l in f.split(b"\r\n")[:-2] if not l.startswith(b"Timestamp:")) + b"\r\n"
             for f in call.frames]
    out = _translate(*plain, *plain, clock=lambda: datetime(2026, 1, 1, tzinfo=UTC))
    assert [e.event for e in out] == [ev.NEW_CALL, ev.NEW_CALL, ev.ANSWER, ev.HANGUP]
