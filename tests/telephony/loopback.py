"""The AMI pipeline under test, wired as ``mpel cti serve --ami`` wires it, against the fake Asterisk.

client (wire) → AsteriskTranslator → Bridge (queue filter, de-duplication) → a list.
Back-off starts at 10 ms so reconnects take no real time; Ping is left to the tests about it
(a busy machine must not make a scripted call's test see a dead link).
"""
from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import AsyncIterator
from collections.abc import Callable, Coroutine
from typing import Any

from mpel_app.telephony import events as ev
from mpel_app.telephony.ami_client import AmiClient
from mpel_app.telephony.asterisk import AsteriskTranslator
from mpel_app.telephony.bridge import Bridge
from mpel_app.telephony.events import CtiEvent
from tests.telephony.ami_calls import Call, utc
from tests.telephony.fake_asterisk import FakeAsterisk


def on_loopback(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async test in its own event loop, bounded in time."""
    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(asyncio.wait_for(test(*args, **kwargs), timeout=20))
    return run


class ListSink:
    def __init__(self) -> None:
        self.events: list[CtiEvent] = []

    def handle(self, event: CtiEvent) -> None:
        self.events.append(event)


class Pipeline:
    def __init__(self, fake: FakeAsterisk, *, secret: str = "s3cret", queues: tuple[str, ...] = (),
                 clock: Callable[[], Any] | None = None, ping_interval: float = 10.0,
                 response_timeout: float = 2.0, ssl: Any = None) -> None:
        self.sink = ListSink()
        self.bridge = Bridge(self.sink, queues=queues)
        self.translator = AsteriskTranslator(self.bridge.deliver, clock=clock)
        self.client = AmiClient("127.0.0.1", fake.port, "mpel", secret, on_event=self.translator.feed,
                                on_login=self.translator.after_login,
                                ping_interval=ping_interval, response_timeout=response_timeout, ssl=ssl,
                                backoff_initial=0.01, backoff_max=0.05, connect_timeout=2)
        self.stop = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    @property
    def events(self) -> list[CtiEvent]:
        return self.sink.events

    async def __aenter__(self) -> Pipeline:
        self.task = asyncio.create_task(self.client.run(self.stop))
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.stop.set()
        assert self.task is not None
        await asyncio.wait_for(self.task, timeout=5)

    async def until(self, condition: Callable[[], bool], timeout: float = 5.0) -> None:
        async def poll() -> None:
            while not condition():
                await asyncio.sleep(0.002)
        await asyncio.wait_for(poll(), timeout)

    async def count(self, n: int) -> list[CtiEvent]:
        await self.until(lambda: len(self.events) >= n)
        await asyncio.sleep(0.02)  # and nothing more arrives
        return self.events


@contextlib.asynccontextmanager
async def fake_and_pipeline(*, tls: Any = None, secret: str = "s3cret", fake_secret: str = "s3cret",
                            wait_login: bool = True, **pipeline: Any) -> AsyncIterator[tuple[FakeAsterisk, Pipeline]]:
    """A fake Asterisk and the pipeline logged in to it (unless ``wait_login`` is False); both stopped after."""
    fake = await FakeAsterisk(tls=tls, secret=fake_secret).start()
    try:
        async with Pipeline(fake, secret=secret, **pipeline) as pipe:
            if wait_login:
                await fake.logged_in()
            yield fake, pipe
    finally:
        await fake.stop()


def expected(call: Call, *, queue: str | None, agent: str | None, wait: float | None, cause: str,
             direction: str = ev.INBOUND, rung: tuple[str, ...] | None = None, to: str = "",
             offered_users: tuple[str, ...] = (), from_number: str | None = None) -> list[CtiEvent]:
    """The exact events one scripted call must give."""
    common = dict(call_id=call.call_id, direction=direction,
                  from_number=call.caller.number if from_number is None else from_number,
                  to_number=to or call.caller.exten, queue=queue, source="asterisk")
    key = f"ami:{call.call_id}:"
    out = [CtiEvent(event=ev.NEW_CALL, at=utc(call.offered), users=offered_users, event_key=key + ev.NEW_CALL,
                    **common)]
    out += [CtiEvent(event=ev.NEW_CALL, at=utc(t), users=(interface,), event_key=f"{key}{ev.NEW_CALL}:{interface}",
                     **common) for interface, t in call.rings]
    if call.answered is not None:
        out.append(CtiEvent(event=ev.ANSWER, at=utc(call.answered), users=(agent,) if agent else (),
                            wait_seconds=wait if queue else None, event_key=key + ev.ANSWER, **common))
    users = rung if rung is not None else ((agent,) if agent else ())
    out.append(CtiEvent(event=ev.HANGUP, at=utc(call.ended), users=users, cause=cause,
                        wait_seconds=wait if call.answered is None and queue else None,
                        event_key=key + ev.HANGUP, **common))
    return out
