"""Realistic AMI event sequences for scripted calls, with the field sets Asterisk 18/20 sends.

Every event carries ``Privilege`` then ``Timestamp`` (``timestampevents = yes``)
then the channel snapshot (``Channel`` … ``Linkedid``), the ``Dest…`` snapshot
of the other leg where Asterisk gives one, then the event's own fields.  Each
builder returns the frames (bytes) of one whole call and the times at which
the call was offered, answered and ended, for the test to state its expectations.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from mpel_app.telephony.ami_protocol import format_frame

T0 = 1_780_000_000.0  # Thu 28 May 2026 20:26:40 UTC
STATES = {0: "Down", 4: "Ring", 5: "Ringing", 6: "Up"}
CAUSE_TEXT = {16: "Normal Clearing", 17: "User busy", 19: "No answer", 26: "Answered elsewhere"}


def utc(t: float) -> datetime:
    """The time an event stamped ``t`` carries, as the frames write it (microseconds)."""
    seconds, micros = f"{t:.6f}".split(".")
    return datetime.fromtimestamp(int(seconds), tz=UTC) + timedelta(microseconds=int(micros))


@dataclass(frozen=True)
class Leg:
    channel: str
    uniqueid: str
    linkedid: str
    number: str
    name: str = "<unknown>"
    context: str = "from-trunk"
    exten: str = "s"
    state: int = 0
    connected: str = "<unknown>"

    def fields(self, prefix: str = "") -> list[tuple[str, str]]:
        return [(prefix + "Channel", self.channel), (prefix + "ChannelState", str(self.state)),
                (prefix + "ChannelStateDesc", STATES[self.state]), (prefix + "CallerIDNum", self.number),
                (prefix + "CallerIDName", self.name), (prefix + "ConnectedLineNum", self.connected),
                (prefix + "ConnectedLineName", "<unknown>"), (prefix + "Language", "en"),
                (prefix + "AccountCode", ""), (prefix + "Context", self.context), (prefix + "Exten", self.exten),
                (prefix + "Priority", "1"), (prefix + "Uniqueid", self.uniqueid),
                (prefix + "Linkedid", self.linkedid)]

    def at(self, state: int) -> Leg:
        return replace(self, state=state)


def event(name: str, t: float | None, leg: Leg, dest: Leg | None = None, *extra: tuple[str, object],
          privilege: str = "call,all") -> bytes:
    pairs: list[tuple[str, object]] = [("Event", name), ("Privilege", privilege)]
    if t is not None:
        pairs.append(("Timestamp", f"{t:.6f}"))
    pairs += leg.fields()
    if dest is not None:
        pairs += dest.fields("Dest")
    pairs += list(extra)
    return format_frame(pairs)


def hangup(t: float, leg: Leg, cause: int = 16) -> bytes:
    return event("Hangup", t, leg, None, ("Cause", cause), ("Cause-txt", CAUSE_TEXT.get(cause, "Unknown")))


@dataclass
class Call:
    frames: list[bytes]
    caller: Leg
    offered: float
    answered: float | None
    ended: float
    # agents rung after the call was offered, each told by a further newCall: (interface, time)
    rings: list[tuple[str, float]] = field(default_factory=list)

    @property
    def call_id(self) -> str:
        return self.caller.linkedid

    def legs_up(self) -> list[tuple[str, str, str]]:
        """(Channel, Uniqueid, Linkedid) of the call's legs, as CoreShowChannels lists them mid-call."""
        legs = []
        for frame in self.frames:
            if frame.startswith(b"Event: Newchannel"):
                pairs = dict(line.split(": ", 1) for line in frame.decode().split("\r\n") if ": " in line)
                legs.append((pairs["Channel"], pairs["Uniqueid"], pairs["Linkedid"]))
        return legs


class Pbx:
    """Hands out channel names and unique ids as one Asterisk would."""

    def __init__(self, start: float = T0) -> None:
        self.start = start
        self._ids = itertools.count(1)
        self._seq = itertools.count(0x1a)

    def leg(self, endpoint: str, number: str, *, linkedid: str | None = None, tech: str = "PJSIP",
            **kw: object) -> Leg:
        uniqueid = f"{int(self.start)}.{next(self._ids)}"
        channel = f"{tech}/{endpoint}-{next(self._seq):08x}"
        return Leg(channel, uniqueid, linkedid or uniqueid, number, **kw)  # type: ignore[arg-type]

    def bridge(self) -> str:
        return f"5d3b7c1e-0a4f-4c6b-9f2e-{next(self._ids):012x}"

    # ------------------------------------------------------------------ calls

    def queue_call(self, start: float, *, caller: str = "02079460000", did: str = "03001234567",
                   queue: str = "enquiry-line", agent: str = "2001", wait: int = 10, talk: int = 60,
                   answered: bool = True, ring_agent: bool = True) -> Call:
        c = self.leg("siptrunk", caller, exten=did, state=4)
        joined = start + 0.5
        frames = [event("Newchannel", start, c),
                  event("Newstate", start + 0.2, c.at(6)),
                  event("QueueCallerJoin", joined, c.at(6), None, ("Queue", queue), ("Position", 1), ("Count", 1),
                        privilege="agent,all")]
        a = self.leg(agent, agent, linkedid=c.linkedid, context="from-queue", exten=agent, connected=caller)
        rings = [(f"PJSIP/{agent}", joined + 0.1)] if ring_agent else []
        if ring_agent:
            frames += [event("Newchannel", joined + 0.1, a),
                       event("DialBegin", joined + 0.1, c.at(6), a, ("DialString", agent)),
                       event("AgentCalled", joined + 0.1, c.at(6), a, ("Queue", queue), ("Interface", f"PJSIP/{agent}"),
                             ("MemberName", f"Agent {agent}"), privilege="agent,all"),
                       event("Newstate", joined + 0.15, a.at(5))]
        done = joined + wait
        if answered:
            bridge = self.bridge()
            ended = done + talk
            bridged = [("BridgeUniqueid", bridge), ("BridgeType", "basic"), ("BridgeTechnology", "simple_bridge"),
                       ("BridgeCreator", "<unknown>"), ("BridgeName", "<unknown>"), ("BridgeNumChannels", 1),
                       ("BridgeVideoSourceMode", "none")]
            frames += [event("Newstate", done, a.at(6)),
                       event("DialEnd", done, c.at(6), a.at(6), ("DialStatus", "ANSWER")),
                       event("QueueCallerLeave", done, c.at(6), None, ("Queue", queue), ("Count", 0), ("Position", 1),
                             privilege="agent,all"),
                       event("AgentConnect", done, c.at(6), a.at(6), ("Queue", queue), ("Interface", f"PJSIP/{agent}"),
                             ("MemberName", f"Agent {agent}"), ("HoldTime", wait), ("RingTime", max(wait - 1, 0)),
                             privilege="agent,all"),
                       event("BridgeEnter", done + 0.01, c.at(6), None, *bridged),
                       event("BridgeEnter", done + 0.01, a.at(6), None,
                             *[(k, 2 if k == "BridgeNumChannels" else v) for k, v in bridged]),
                       hangup(ended, c.at(6)),
                       event("AgentComplete", ended, c.at(6), a.at(6), ("Queue", queue),
                             ("Interface", f"PJSIP/{agent}"), ("MemberName", f"Agent {agent}"), ("HoldTime", wait),
                             ("TalkTime", talk), ("Reason", "caller"), privilege="agent,all"),
                       hangup(ended + 0.02, a.at(6))]
            return Call(frames, c, joined, done, ended, rings)
        frames += [event("QueueCallerAbandon", done, c.at(6), None, ("Queue", queue), ("Position", 1),
                         ("OriginalPosition", 1), ("HoldTime", wait), privilege="agent,all"),
                   event("QueueCallerLeave", done, c.at(6), None, ("Queue", queue), ("Count", 0), ("Position", 1),
                         privilege="agent,all"),
                   hangup(done, c.at(6))]
        if ring_agent:
            frames += [event("DialEnd", done + 0.01, c.at(6), a.at(5), ("DialStatus", "CANCEL")),
                       hangup(done + 0.01, a.at(5))]
        return Call(frames, c, joined, None, done, rings)

    def direct_call(self, start: float, *, caller: str = "01179460000", did: str = "02079460123",
                    agent: str = "2002", ring: float = 6.0, talk: float = 30.0, answered: bool = True,
                    agent_status: str = "ANSWER", cause: int = 16) -> Call:
        c = self.leg("siptrunk", caller, exten=did, state=4)
        a = self.leg(agent, agent, linkedid=c.linkedid, context="from-internal", exten=did, connected=caller)
        rang = start + 0.3
        frames = [event("Newchannel", start, c), event("Newchannel", rang, a),
                  event("DialBegin", rang, c, a, ("DialString", f"PJSIP/{agent}")),
                  event("Newstate", rang + 0.05, a.at(5))]
        done = rang + ring
        if answered:
            bridge = self.bridge()
            frames += [event("Newstate", done, a.at(6)), event("Newstate", done, c.at(6)),
                       event("DialEnd", done, c.at(6), a.at(6), ("DialStatus", "ANSWER")),
                       event("BridgeEnter", done + 0.01, c.at(6), None, ("BridgeUniqueid", bridge),
                             ("BridgeType", "basic"), ("BridgeNumChannels", 1)),
                       event("BridgeEnter", done + 0.01, a.at(6), None, ("BridgeUniqueid", bridge),
                             ("BridgeType", "basic"), ("BridgeNumChannels", 2)),
                       hangup(done + talk, a.at(6)), hangup(done + talk + 0.01, c.at(6))]
            return Call(frames, c, rang, done, done + talk + 0.01)
        frames += [event("DialEnd", done, c, a.at(5), ("DialStatus", agent_status)),
                   hangup(done, a.at(5), cause), hangup(done + 0.02, c, cause)]
        return Call(frames, c, rang, None, done + 0.02)

    def ring_group_call(self, start: float, *, caller: str = "01179460001", did: str = "02079460124",
                        agents: tuple[str, ...] = ("2001", "2002", "2003"), answerer: str = "2002",
                        ring: float = 7.0, talk: float = 40.0) -> Call:
        """A direct call to a ring group (``Dial(PJSIP/2001&PJSIP/2002&PJSIP/2003)``): every phone rings,
        ``answerer`` picks up, Asterisk cancels the others (cause 26, answered elsewhere)."""
        c = self.leg("siptrunk", caller, exten=did, state=4)
        legs = {a: self.leg(a, a, linkedid=c.linkedid, context="from-internal", exten=did, connected=caller)
                for a in agents}
        rang = start + 0.3
        frames = [event("Newchannel", start, c)]
        for i, (agent, leg) in enumerate(legs.items()):
            t = rang + 0.01 * i
            frames += [event("Newchannel", t, leg), event("DialBegin", t, c, leg, ("DialString", f"PJSIP/{agent}")),
                       event("Newstate", t + 0.05, leg.at(5))]
        done = rang + ring
        won = legs[answerer].at(6)
        bridge = self.bridge()
        frames += [event("Newstate", done, won), event("Newstate", done, c.at(6)),
                   event("DialEnd", done, c.at(6), won, ("DialStatus", "ANSWER"))]
        for agent, leg in legs.items():
            if agent != answerer:
                frames += [event("DialEnd", done, c.at(6), leg.at(5), ("DialStatus", "CANCEL")),
                           hangup(done + 0.01, leg.at(5), 26)]
        frames += [event("BridgeEnter", done + 0.02, c.at(6), None, ("BridgeUniqueid", bridge),
                         ("BridgeType", "basic"), ("BridgeNumChannels", 1)),
                   event("BridgeEnter", done + 0.02, won, None, ("BridgeUniqueid", bridge),
                         ("BridgeType", "basic"), ("BridgeNumChannels", 2)),
                   hangup(done + talk, c.at(6)), hangup(done + talk + 0.01, won)]
        rings = [(f"PJSIP/{a}", rang + 0.01 * i) for i, a in enumerate(agents) if i]
        return Call(frames, c, rang, done, done + talk, rings)

    def ringall_queue_call(self, start: float, *, caller: str = "02079460002", queue: str = "enquiry-line",
                           agents: tuple[str, ...] = ("2001", "2002"), answerer: str = "2002", wait: int = 9,
                           talk: int = 50, answered: bool = True) -> Call:
        """A queue with ``strategy = ringall``: AgentCalled for every member; one answers (or the caller
        gives up and the queue stops ringing them all)."""
        c = self.leg("siptrunk", caller, exten="03001234567", state=4)
        joined = start + 0.5
        frames = [event("Newchannel", start, c), event("Newstate", start + 0.2, c.at(6)),
                  event("QueueCallerJoin", joined, c.at(6), None, ("Queue", queue), ("Position", 1), ("Count", 1),
                        privilege="agent,all")]
        legs = {a: self.leg(a, a, linkedid=c.linkedid, context="from-queue", exten=a, connected=caller)
                for a in agents}
        for i, (agent, leg) in enumerate(legs.items()):
            t = joined + 0.1 + 0.01 * i
            frames += [event("Newchannel", t, leg), event("DialBegin", t, c.at(6), leg, ("DialString", agent)),
                       event("AgentCalled", t, c.at(6), leg, ("Queue", queue), ("Interface", f"PJSIP/{agent}"),
                             ("MemberName", f"Agent {agent}"), privilege="agent,all"),
                       event("Newstate", t + 0.05, leg.at(5))]
        rings = [(f"PJSIP/{a}", joined + 0.1 + 0.01 * i) for i, a in enumerate(agents)]
        done = joined + wait
        if not answered:
            frames += [event("QueueCallerAbandon", done, c.at(6), None, ("Queue", queue), ("Position", 1),
                             ("OriginalPosition", 1), ("HoldTime", wait), privilege="agent,all"),
                       hangup(done, c.at(6))]
            frames += [hangup(done + 0.01, leg.at(5), 16) for leg in legs.values()]
            return Call(frames, c, joined, None, done, rings)
        won = legs[answerer].at(6)
        bridge = self.bridge()
        frames += [event("Newstate", done, won), event("DialEnd", done, c.at(6), won, ("DialStatus", "ANSWER"))]
        frames += [hangup(done + 0.01, leg.at(5), 26) for a, leg in legs.items() if a != answerer]
        frames += [event("AgentConnect", done, c.at(6), won, ("Queue", queue), ("Interface", f"PJSIP/{answerer}"),
                         ("MemberName", f"Agent {answerer}"), ("HoldTime", wait), ("RingTime", wait - 1),
                         privilege="agent,all"),
                   event("BridgeEnter", done + 0.01, c.at(6), None, ("BridgeUniqueid", bridge), ("BridgeNumChannels", 1)),
                   event("BridgeEnter", done + 0.01, won, None, ("BridgeUniqueid", bridge), ("BridgeNumChannels", 2)),
                   hangup(done + talk, c.at(6)), hangup(done + talk + 0.01, won)]
        return Call(frames, c, joined, done, done + talk, rings)

    def outbound_call(self, start: float, *, agent: str = "2001", dialled: str = "902079460000",
                      ring: float = 4.0, talk: float = 20.0, status: str = "ANSWER", cause: int = 16) -> Call:
        a = self.leg(agent, agent, context="from-internal", exten=dialled, state=4, name=f"Agent {agent}")
        t = self.leg("siptrunk", dialled[1:], linkedid=a.linkedid, context="from-trunk", exten=dialled[1:])
        rang = start + 0.1
        frames = [event("Newchannel", start, a), event("Newchannel", rang, t),
                  event("DialBegin", rang, a, t, ("DialString", f"siptrunk/{dialled[1:]}")),
                  event("Newstate", rang + 0.5, t.at(5))]
        done = rang + ring
        if status == "ANSWER":
            bridge = self.bridge()
            frames += [event("Newstate", done, t.at(6)), event("Newstate", done, a.at(6)),
                       event("DialEnd", done, a.at(6), t.at(6), ("DialStatus", "ANSWER")),
                       event("BridgeEnter", done, a.at(6), None, ("BridgeUniqueid", bridge), ("BridgeNumChannels", 1)),
                       event("BridgeEnter", done, t.at(6), None, ("BridgeUniqueid", bridge), ("BridgeNumChannels", 2)),
                       hangup(done + talk, t.at(6)), hangup(done + talk + 0.01, a.at(6))]
            return Call(frames, a, rang, done, done + talk)
        frames += [event("DialEnd", done, a, t.at(5), ("DialStatus", status)),
                   hangup(done, t.at(5), cause), hangup(done + 0.01, a, cause)]
        return Call(frames, a, rang, None, done)

    def transferred_outbound_call(self, start: float, *, agent: str = "2001", to: str = "2002",
                                  dialled: str = "902079460000") -> Call:
        """An agent's outbound call, blind-transferred to a colleague, who talks on after the agent has gone."""
        base = self.outbound_call(start, agent=agent, dialled=dialled, talk=1000)
        frames = [f for f in base.frames if not f.startswith(b"Event: Hangup")]
        a, t = base.caller.at(6), _leg_of(base.frames, "DestChannel", "siptrunk")
        b = self.leg(to, to, linkedid=a.linkedid, context="from-internal", exten=to, state=6)
        bridge = _bridge_of(base.frames)
        moved = base.answered + 30
        ended = moved + 90
        frames += [event("BlindTransfer", moved, a, None, ("Result", "Success"), ("TransfereeChannel", t.channel),
                         ("Extension", to), ("Context", "from-internal")),
                   event("Newchannel", moved, b.at(0)),
                   event("Newstate", moved + 4, b),
                   event("BridgeEnter", moved + 4, b, None, ("BridgeUniqueid", bridge), ("BridgeNumChannels", 2)),
                   hangup(moved + 0.01, a),
                   hangup(ended, t), hangup(ended + 0.01, b)]
        return Call(frames, base.caller, base.offered, base.answered, ended)

    def transferred_queue_call(self, start: float, *, queue: str = "enquiry-line", caller: str = "02079460001",
                               first: str = "2001", second: str = "2002", wait: int = 12) -> tuple[Call, float]:
        """A queue call answered by ``first``, who transfers it (attended) to ``second``; returns the end time too."""
        base = self.queue_call(start, caller=caller, queue=queue, agent=first, wait=wait, talk=1000)
        # Keep the call up to its BridgeEnter events; the transfer and the end follow.
        frames = [f for f in base.frames if b"Event: Hangup" not in f and b"AgentComplete" not in f]
        c = base.caller.at(6)
        a1 = _agent_leg(base.frames, first)
        t = base.answered + 20  # consultation starts
        consult = self.leg(first, first, context="from-internal", exten=second, state=4, name=f"Agent {first}")
        b = self.leg(second, second, linkedid=consult.linkedid, context="from-internal", exten=second,
                     connected=first)
        bridge_2 = self.bridge()
        bridge_1 = _bridge_of(base.frames)
        frames += [event("Newchannel", t, consult),
                   event("Newchannel", t + 0.05, b),
                   event("DialBegin", t + 0.05, consult, b, ("DialString", f"PJSIP/{second}")),
                   event("DialEnd", t + 3, consult.at(6), b.at(6), ("DialStatus", "ANSWER")),
                   event("BridgeEnter", t + 3, consult.at(6), None, ("BridgeUniqueid", bridge_2),
                         ("BridgeNumChannels", 1)),
                   event("BridgeEnter", t + 3, b.at(6), None, ("BridgeUniqueid", bridge_2), ("BridgeNumChannels", 2)),
                   # the transfer completes: the second agent moves into the caller's bridge
                   event("AttendedTransfer", t + 10, consult.at(6), None, ("Result", "Success"),
                         ("TransfereeChannel", c.channel), ("TransferTargetChannel", b.channel),
                         ("DestType", "Bridge"), ("DestBridgeUniqueid", bridge_1)),
                   event("BridgeLeave", t + 10, b.at(6), None, ("BridgeUniqueid", bridge_2)),
                   event("BridgeEnter", t + 10, b.at(6), None, ("BridgeUniqueid", bridge_1), ("BridgeNumChannels", 2)),
                   hangup(t + 10.01, a1),
                   hangup(t + 10.02, consult.at(6))]
        ended = t + 70
        frames += [hangup(ended, c), hangup(ended + 0.01, b.at(6))]
        return Call(frames, base.caller, base.offered, base.answered, ended, base.rings), ended


def _agent_leg(frames: list[bytes], agent: str) -> Leg:
    """The first agent's leg as the AgentConnect frame described it."""
    for frame in frames:
        if frame.startswith(b"Event: AgentConnect"):
            pairs = dict(line.split(": ", 1) for line in frame.decode().split("\r\n") if ": " in line)
            return Leg(pairs["DestChannel"], pairs["DestUniqueid"], pairs["DestLinkedid"], agent,
                       context="from-queue", exten=agent, state=6)
    raise AssertionError("no AgentConnect")


def _leg_of(frames: list[bytes], prefix: str, endpoint: str) -> Leg:
    """A leg as a ``Dest…`` snapshot of the frames described it (state Up)."""
    for frame in frames:
        pairs = dict(line.split(": ", 1) for line in frame.decode().split("\r\n") if ": " in line)
        if endpoint in pairs.get(prefix, ""):
            p = prefix[:-len("Channel")]
            return Leg(pairs[prefix], pairs[p + "Uniqueid"], pairs[p + "Linkedid"], pairs[p + "CallerIDNum"],
                       context=pairs[p + "Context"], exten=pairs[p + "Exten"], state=6)
    raise AssertionError(f"no {prefix} with {endpoint}")


def _bridge_of(frames: list[bytes]) -> str:
    for frame in frames:
        if frame.startswith(b"Event: BridgeEnter"):
            return frame.decode().split("BridgeUniqueid: ", 1)[1].split("\r\n", 1)[0]
    raise AssertionError("no BridgeEnter")
