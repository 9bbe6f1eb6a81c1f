"""Asterisk Manager Interface events → the generic call events (``newCall``, ``answer``, ``hangup``).

Asterisk reports *channels* (legs); the desk wants *calls*.  Legs are grouped
by ``Linkedid`` (the ``Uniqueid`` of the call's first leg), falling back to
``Uniqueid``; a leg that enters a bridge already holding a call (a transfer)
is moved into that call.  The call ends when its last leg hangs up.

What becomes a call of the Enquiry Line:

* **Inbound queue call**: a leg from outside (not an extension) joins a queue
  (``QueueCallerJoin``) → ``newCall`` with the queue, timed at the join.
  ``AgentConnect`` → ``answer`` by that member's ``Interface``, with its
  ``HoldTime`` as the wait; ``QueueCallerAbandon`` records its ``HoldTime``
  as the wait of a call that then ends with cause ``cancel``.
* **Inbound direct call**: a leg from outside dials an extension (``DialBegin``)
  without having been in a queue → ``newCall`` with no queue, the extension as
  the user rung; ``DialEnd`` ``ANSWER`` → ``answer``.
* **Outbound call**: an extension dials a leg that is not an extension → a
  ``newCall`` with direction ``out``; ``DialEnd`` ``ANSWER`` → ``answer``.
* Extension-to-extension calls (including a transfer's consultation call) are
  internal: followed, so a transferred leg can join its call, but not reported.

An *extension* is a channel whose endpoint (``PJSIP/2001-0000001a`` → ``2001``,
``Local/2001@from-queue-…;1`` → ``2001``) matches ``extension_pattern``.

Each call gives one ``newCall`` when offered and one more for each further agent
rung before an answer (a ring group, a queue ringing all its members: each
names that agent, so every desk it rings shows the strip), at most one ``answer`` (a transfer
keeps the agent who answered) and one ``hangup``, timed when the outside party
left (the caller; the trunk leg of an outbound call).  Its ``users`` on ``hangup``
are every agent rung over the call's life.  Times are the event's
``Timestamp`` header (``timestampevents = yes``) or the injected clock's now.
Replayed frames (an identical timestamped frame seen again after a reconnect)
are dropped; after a reconnect ``after_login`` asks Asterisk which legs are
still up (``CoreShowChannels``) and ends, timed on receipt, a call whose legs
all went while the link was down; events for a call already ended are ignored; every ``CtiEvent``
carries ``event_key = "ami:<call>:<event>"`` so the bridge and the store can
recognise a repeat too.  Unknown events are ignored.
"""
from __future__ import annotations

import logging
import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from . import events as ev
from .ami_protocol import Frame
from .bridge import SeenSet
from .events import CtiEvent

log = logging.getLogger(__name__)

SOURCE = "asterisk"
DEFAULT_EXTENSION_PATTERN = r"\d{2,6}"

# Q.850 cause codes (Hangup ``Cause``) → generic causes.
Q850_CAUSES = {1: ev.NOT_FOUND, 16: ev.NORMAL_CLEARING, 17: ev.BUSY, 18: ev.NO_ANSWER,
               19: ev.NO_ANSWER, 34: ev.CONGESTION}
# DialEnd ``DialStatus`` → generic causes.
DIAL_STATUSES = {"BUSY": ev.BUSY, "NOANSWER": ev.NO_ANSWER, "CONGESTION": ev.CONGESTION,
                 "CHANUNAVAIL": ev.NOT_FOUND, "CANCEL": ev.CANCEL}
UNKNOWN_NUMBERS = {"<unknown>", "<UNKNOWN>"}


def interface_of(channel: str) -> str:
    """The channel's interface: ``PJSIP/2001-0000001a`` → ``PJSIP/2001``.

    ``Local/2001@from-queue-00000002;1`` → ``Local/2001@from-queue``.
    """
    name = channel.split(";", 1)[0]
    head, sep, tail = name.rpartition("-")
    return head if sep and head and re.fullmatch(r"[0-9a-fA-F]+", tail) else name


def endpoint_of(channel: str) -> str:
    """The endpoint (``2001``) of a channel name, without technology, context or sequence."""
    interface = interface_of(channel)
    return interface.split("/", 1)[-1].split("@", 1)[0]


def event_time(frame: Frame) -> datetime | None:
    """The frame's ``Timestamp`` (epoch seconds with microseconds) as a UTC time; None if absent or bad."""
    text = frame.get("Timestamp").strip()
    match = re.fullmatch(r"(\d{1,12})(?:\.(\d{1,6})\d*)?", text)
    if not match:
        return None
    seconds, fraction = match.groups()
    micros = int((fraction or "0").ljust(6, "0"))
    return datetime.fromtimestamp(int(seconds), tz=UTC) + timedelta(microseconds=micros)


def _seconds(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value >= 0 else None


def _number(text: str) -> str:
    return "" if text.strip() in UNKNOWN_NUMBERS else text.strip()


@dataclass
class _Call:
    key: str
    channels: set[str] = field(default_factory=set)
    origin_channel: str = ""
    from_number: str = ""
    to_number: str = ""
    direction: str | None = None
    internal: bool = False
    queue: str | None = None
    offered: bool = False
    answered: bool = False
    rung: list[str] = field(default_factory=list)
    abandon_wait: float | None = None
    dial_cause: str | None = None
    origin_cause: int | None = None
    origin_hangup_at: datetime | None = None
    last_hangup_at: datetime | None = None
    outside_leg: str = ""  # an outbound call's trunk leg: the call lasts as long as the outside party
    outside_hangup_at: datetime | None = None

    def ring(self, interface: str) -> None:
        if interface and interface not in self.rung:
            self.rung.append(interface)


class AsteriskTranslator:
    """Feed AMI event frames in; ``CtiEvent``s come out (returned, and handed to ``emit`` if given)."""

    def __init__(self, emit: Callable[[CtiEvent], object] | None = None, *,
                 clock: Callable[[], datetime] | None = None,
                 extension_pattern: str = DEFAULT_EXTENSION_PATTERN,
                 memory: int = 20_000) -> None:
        self._emit = emit
        self._clock = clock or (lambda: datetime.now(UTC))
        self._extension = re.compile(extension_pattern)
        self._calls: OrderedDict[str, _Call] = OrderedDict()
        self._channel_call: dict[str, str] = {}
        self._bridges: dict[str, str] = {}
        self._finished = SeenSet(memory)
        self._gone = SeenSet(memory)  # legs hung up: events about them after (AgentComplete) must not revive them
        self._frames = SeenSet(memory)
        self._memory = memory
        self._handlers: dict[str, Callable[[_Call, Frame, datetime], list[CtiEvent]]] = {
            # Newchannel / Newstate: _call_for takes what they tell (the leg, the caller, the number dialled)
            "Newchannel": self._nothing, "Newstate": self._nothing,
            "QueueCallerJoin": self._queue_join, "AgentCalled": self._agent_called,
            "AgentConnect": self._agent_connect, "AgentComplete": self._nothing,
            "QueueCallerAbandon": self._queue_abandon, "DialBegin": self._dial_begin,
            "DialEnd": self._dial_end, "BridgeEnter": self._bridge_enter, "Hangup": self._hangup,
        }

    def known_legs(self) -> set[str]:
        """The legs followed now (their Uniqueids): taken before asking Asterisk which are still up."""
        return set(self._channel_call)

    def resync(self, asked_about: set[str], still_up: set[str]) -> list[CtiEvent]:
        """After a reconnect: legs we followed that Asterisk no longer has hung up while we were away.

        ``asked_about`` are the legs known when ``CoreShowChannels`` was sent (a leg
        that appeared since is not judged); ``still_up`` the Uniqueids it listed.
        A call left with no legs ends now, timed on receipt (its real end was missed).
        """
        produced: list[CtiEvent] = []
        for uid in asked_about - still_up:
            key = self._channel_call.pop(uid, None)
            self._gone.add(uid)
            call = self._calls.get(key or "")
            if call is None:
                continue
            call.channels.discard(uid)
            if not call.channels:
                call.last_hangup_at = self._clock()
                produced += self._end_if_empty(call)
        if produced:
            log.warning("%d call(s) ended while the AMI connection was down: ended now", len(produced))
        if self._emit is not None:
            for event in produced:
                self._emit(event)
        return produced

    async def after_login(self, client: object) -> None:
        """``AmiClient.on_login``: end the calls whose legs all went while we were not listening."""
        asked_about = self.known_legs()
        if not asked_about:
            return
        listed = await client.event_list("CoreShowChannels")  # type: ignore[attr-defined]
        self.resync(asked_about, {frame.get("Uniqueid").strip() for frame in listed})

    def is_extension(self, channel: str) -> bool:
        return bool(channel) and self._extension.fullmatch(endpoint_of(channel)) is not None

    # ------------------------------------------------------------------ input

    def feed(self, frame: Frame) -> list[CtiEvent]:
        handler = self._handlers.get(frame.event)
        if handler is None:
            return []  # FullyBooted, VarSet, Newexten, QueueMemberStatus, … : not about call outcomes
        if "Timestamp" in frame and not self._frames.add(repr(frame.pairs)):
            log.debug("replayed %s frame ignored", frame.event)
            return []
        call = self._call_for(frame)
        if call is None:
            return []
        at = event_time(frame) or self._clock()
        try:
            produced = handler(call, frame, at)
        except (ValueError, KeyError) as exc:  # a frame with impossible values: skip it, keep the call
            log.warning("AMI %s event not understood (%s): skipped", frame.event, exc)
            produced = []
        if frame.event == "Hangup":
            produced += self._end_if_empty(call)
        if self._emit is not None:
            for event in produced:
                self._emit(event)
        return produced

    def _call_for(self, frame: Frame) -> _Call | None:
        uid, lid = frame.get("Uniqueid").strip(), frame.get("Linkedid").strip()
        if not uid and not lid:
            return None
        # The leg's own call first: after a transfer a leg can belong to a call other than its Linkedid.
        key = self._channel_call.get(uid) or lid or uid
        if key in self._finished:
            return None
        call = self._calls.get(key)
        if call is None:
            call = self._calls[key] = _Call(key)
            if len(self._calls) > self._memory:  # calls whose end we never heard (a long outage)
                stale_key, stale = self._calls.popitem(last=False)
                for channel in stale.channels:
                    self._channel_call.pop(channel, None)
                log.warning("forgot call %s: no hangup heard for it", stale_key)
        if uid and frame.event != "Hangup":
            self._attach(call, uid)
        if uid == key or not call.origin_channel:
            self._set_origin(call, frame, is_origin=uid == key)
        return call

    def _attach(self, call: _Call, uid: str) -> None:
        if uid in self._gone:
            return
        previous = self._channel_call.get(uid)
        if previous == call.key:
            return
        if previous is not None and previous in self._calls:
            old = self._calls[previous]
            old.channels.discard(uid)
            if not old.channels and not old.offered:
                self._forget(old)  # an internal consultation call whose last leg moved on
        self._channel_call[uid] = call.key
        call.channels.add(uid)

    def _set_origin(self, call: _Call, frame: Frame, *, is_origin: bool) -> None:
        """The caller's leg: from its first frame, or any leg's until the caller's own is seen."""
        if is_origin and call.origin_channel != frame.get("Channel") and frame.get("Channel"):
            call.origin_channel, call.from_number, call.to_number = frame.get("Channel"), "", ""
        call.origin_channel = call.origin_channel or frame.get("Channel")
        if not call.from_number:
            call.from_number = _number(frame.get("CallerIDNum"))
        exten = frame.get("Exten").strip()
        if not call.to_number and exten and exten != "s":
            call.to_number = exten

    # --------------------------------------------------------------- handlers

    def _nothing(self, call: _Call, frame: Frame, at: datetime) -> list[CtiEvent]:
        return []

    def _from_outside(self, call: _Call) -> bool:
        # No channel name at all is a broken frame, not a caller: never offer a call on it.
        return bool(call.origin_channel) and not self.is_extension(call.origin_channel)

    def _queue_join(self, call: _Call, frame: Frame, at: datetime) -> list[CtiEvent]:
        if call.offered or not self._from_outside(call):
            return []
        call.queue = frame.get("Queue").strip() or None
        return [self._new_call(call, at, ev.INBOUND)]

    def _queue_offer(self, call: _Call, frame: Frame, at: datetime) -> list[CtiEvent]:
        """A queue event for a call whose join we missed (connected mid-call): offer it first."""
        if call.offered or not self._from_outside(call):
            return []
        call.queue = frame.get("Queue").strip() or None
        wait = _seconds(frame.get("HoldTime"))
        return [self._new_call(call, at - timedelta(seconds=wait or 0), ev.INBOUND)]

    def _agent_called(self, call: _Call, frame: Frame, at: datetime) -> list[CtiEvent]:
        produced = self._queue_offer(call, frame, at)
        self._attach_dest(call, frame)
        return produced + self._ring_more(call, frame.get("Interface").strip() or interface_of(frame.get("DestChannel")),
                                          at)

    def _agent_connect(self, call: _Call, frame: Frame, at: datetime) -> list[CtiEvent]:
        produced = self._queue_offer(call, frame, at)
        self._attach_dest(call, frame)
        if not call.offered or call.answered or call.queue is None:
            return produced
        agent = frame.get("Interface").strip() or interface_of(frame.get("DestChannel"))
        call.ring(agent)
        return produced + [self._answer(call, at, agent, _seconds(frame.get("HoldTime")))]

    def _queue_abandon(self, call: _Call, frame: Frame, at: datetime) -> list[CtiEvent]:
        produced = self._queue_offer(call, frame, at)
        if call.offered and not call.answered:
            call.abandon_wait = _seconds(frame.get("HoldTime"))
        return produced

    def _dial_begin(self, call: _Call, frame: Frame, at: datetime) -> list[CtiEvent]:
        self._attach_dest(call, frame)
        caller, dest = frame.get("Channel"), frame.get("DestChannel")
        if call.offered:
            # A ring group (Dial(PJSIP/2001&PJSIP/2002)) or a follow-me: each extension rung is told.
            # A queue's members are named by AgentCalled, with the queue's own interface names.
            if self.is_extension(dest) and call.direction == ev.INBOUND and call.queue is None:
                return self._ring_more(call, interface_of(dest), at)
            return []
        if call.queue is not None or call.internal:
            return []
        caller_ext, dest_ext = self.is_extension(caller), self.is_extension(dest)
        if not caller_ext and dest_ext:
            call.ring(interface_of(dest))
            return [self._new_call(call, at, ev.INBOUND)]
        if caller_ext and not dest_ext:
            call.outside_leg = frame.get("DestUniqueid").strip()
            call.to_number = frame.get("Exten").strip() or call.to_number
            call.from_number = _number(frame.get("CallerIDNum")) or call.from_number
            return [self._new_call(call, at, ev.OUTBOUND, users=(interface_of(caller),))]
        if caller_ext and dest_ext:
            call.internal = True
        return []

    def _dial_end(self, call: _Call, frame: Frame, at: datetime) -> list[CtiEvent]:
        status = frame.get("DialStatus").strip().upper()
        if not call.offered or call.answered or call.queue is not None:
            return []
        if status == "ANSWER":
            agent = frame.get("Channel") if call.direction == ev.OUTBOUND else frame.get("DestChannel")
            return [self._answer(call, at, interface_of(agent), None)]
        if status in DIAL_STATUSES and call.dial_cause is None:
            call.dial_cause = DIAL_STATUSES[status]
        return []

    def _bridge_enter(self, call: _Call, frame: Frame, at: datetime) -> list[CtiEvent]:
        bridge, uid = frame.get("BridgeUniqueid").strip(), frame.get("Uniqueid").strip()
        owner = self._calls.get(self._bridges.get(bridge, ""))
        if owner is not None and owner is not call and uid:
            if owner.offered or not call.offered:
                self._attach(owner, uid)  # a transfer: this leg now belongs to the call in that bridge
                return []
            # Our call's leg enters an internal call's bridge (bridges merged): those legs join our call.
            for channel in list(owner.channels):
                self._attach(call, channel)
            owner = None
        if bridge and owner is None:
            self._bridges[bridge] = call.key
        channel = frame.get("Channel")
        if (call.offered and not call.answered and call.queue is None and call.direction == ev.INBOUND
                and self.is_extension(channel)):
            return [self._answer(call, at, interface_of(channel), None)]  # the DialEnd went missing
        return []

    def _hangup(self, call: _Call, frame: Frame, at: datetime) -> list[CtiEvent]:
        uid = frame.get("Uniqueid").strip()
        self._gone.add(uid)
        call.channels.discard(uid)
        self._channel_call.pop(uid, None)
        try:
            code: int | None = int(frame.get("Cause").strip())
        except ValueError:
            code = None
        if uid and uid == call.outside_leg:
            call.outside_hangup_at = at
        if uid == call.key or frame.get("Channel") == call.origin_channel:
            call.origin_cause = code
            call.origin_hangup_at = at
        elif not call.answered and call.dial_cause is None and code is not None:
            cause = Q850_CAUSES.get(code)
            if cause not in (None, ev.NORMAL_CLEARING):
                call.dial_cause = cause
        call.last_hangup_at = at
        return []

    # ----------------------------------------------------------------- output

    def _attach_dest(self, call: _Call, frame: Frame) -> None:
        dest = frame.get("DestUniqueid").strip()
        if dest:
            self._attach(call, dest)

    def _event(self, call: _Call, name: str, at: datetime, *, key: str | None = None, **fields: object) -> CtiEvent:
        return CtiEvent(event=name, call_id=call.key, at=at, direction=call.direction or ev.INBOUND,
                        from_number=call.from_number, to_number=call.to_number, queue=call.queue,
                        source=SOURCE, event_key=f"ami:{call.key}:{key or name}", **fields)  # type: ignore[arg-type]

    def _new_call(self, call: _Call, at: datetime, direction: str,
                  users: tuple[str, ...] | None = None) -> CtiEvent:
        call.offered, call.direction = True, direction
        return self._event(call, ev.NEW_CALL, at, users=users if users is not None else tuple(call.rung))

    def _ring_more(self, call: _Call, interface: str, at: datetime) -> list[CtiEvent]:
        """A call already offered now rings ``interface`` too: a further ``newCall`` naming it, so that
        agent's desk shows the strip as well (until someone answers)."""
        if not interface or interface in call.rung:
            return []
        call.ring(interface)
        if not call.offered or call.answered:
            return []
        return [self._event(call, ev.NEW_CALL, at, users=(interface,), key=f"{ev.NEW_CALL}:{interface}")]

    def _answer(self, call: _Call, at: datetime, agent: str, wait: float | None) -> CtiEvent:
        call.answered = True
        call.ring(agent)
        return self._event(call, ev.ANSWER, at, users=(agent,), wait_seconds=wait)

    def _end_if_empty(self, call: _Call) -> list[CtiEvent]:
        if call.channels:
            return []
        if not call.offered:
            self._forget(call)  # internal, or legs of a call we joined late: nothing to report
            return []
        # The call ends when the outside party leaves: the caller, or an outbound call's trunk leg
        # (the agent who dialled may have transferred it and gone).
        at = call.outside_hangup_at or call.origin_hangup_at or call.last_hangup_at or self._clock()
        wait = call.abandon_wait if not call.answered else None
        self._forget(call)
        self._finished.add(call.key)
        return [self._event(call, ev.HANGUP, at, users=tuple(call.rung), cause=self._cause(call),
                            wait_seconds=wait)]

    def _cause(self, call: _Call) -> str:
        if call.answered:
            return ev.NORMAL_CLEARING
        if call.abandon_wait is not None:
            return ev.CANCEL
        if call.dial_cause is not None:
            return call.dial_cause
        origin = Q850_CAUSES.get(call.origin_cause) if call.origin_cause is not None else None
        if origin not in (None, ev.NORMAL_CLEARING):
            return origin
        return ev.CANCEL  # the caller (or the agent dialling out) gave up before an answer

    def _forget(self, call: _Call) -> None:
        self._calls.pop(call.key, None)
        for channel in call.channels:
            if self._channel_call.get(channel) == call.key:
                del self._channel_call[channel]
        for bridge in [b for b, owner in self._bridges.items() if owner == call.key]:
            del self._bridges[bridge]
