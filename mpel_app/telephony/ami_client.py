"""A small asyncio client for the Asterisk Manager Interface: log in, stay connected, hear events, send actions.

Why our own rather than a library: the known Python AMI clients do not survive
what a service must survive (infrastructure notes): ``asterisk-ami`` stops
listening after an Asterisk restart, ``pyst2`` cannot reconnect ("threads can
only be started once"), and ``panoramisk`` has had no release since 2021.  The
protocol is small (see ``ami_protocol``), so a client we test against a fake
Asterisk speaking the real bytes costs less than working around those.

``AmiClient.run(stop)`` keeps a session up until ``stop`` is set:

* connect (TCP, or TLS with an ``ssl.SSLContext``), read the banner, ``Login``
  with ``Username``/``Secret``; ``Response: Success`` or a clear ``AmiAuthError``;
* every ``ping_interval`` seconds a ``Ping``; no answer within
  ``response_timeout`` (or the socket closing) means the connection is gone;
* then reconnect with exponential back-off (``backoff_initial`` doubling up to
  ``backoff_max``) and log in again.  An outage (refused connection, wrong
  secret, dropped link) is logged once when it starts and once when it ends,
  not at every retry.

Events (frames with ``Event``) go to ``on_event`` in the order received; an
exception there is logged and the session carries on.  ``on_login`` (a
coroutine function) runs after every login, the first and each re-login: the
bridge uses it to ask which channels are still up (``CoreShowChannels``), so a
call that ended while the link was down is ended too.  ``action`` sends any
action and returns its ``Response`` frame (matched by ``ActionID``);
``event_list`` sends one that answers with a list of events (``EventList``);
``originate`` is the one the desk needs (Call back).  The secret is never logged.
"""
from __future__ import annotations

import asyncio
import itertools
import logging
import ssl as ssl_module
from collections.abc import Awaitable, Callable, Mapping

from .ami_protocol import AmiParser, Frame, format_action

log = logging.getLogger(__name__)


class AmiError(Exception):
    """The AMI session failed."""


class AmiAuthError(AmiError):
    """Asterisk refused the login (wrong user name or secret, or not allowed from this address)."""


class AmiConnectionLost(AmiError):
    """The connection closed, or Asterisk stopped answering."""


class AmiClient:
    def __init__(self, host: str, port: int, username: str, secret: str, *,
                 on_event: Callable[[Frame], object] = lambda frame: None,
                 on_login: Callable[[AmiClient], Awaitable[object]] | None = None,
                 ssl: ssl_module.SSLContext | None = None,
                 ping_interval: float = 20.0, response_timeout: float = 10.0,
                 connect_timeout: float = 10.0,
                 backoff_initial: float = 1.0, backoff_max: float = 60.0) -> None:
        self.host, self.port, self.username = host, port, username
        self._secret = secret
        self.on_event = on_event
        self.on_login = on_login
        self.ssl = ssl
        self.ping_interval, self.response_timeout = ping_interval, response_timeout
        self.connect_timeout = connect_timeout
        self.backoff_initial, self.backoff_max = backoff_initial, backoff_max
        self.connected = asyncio.Event()  # set while logged in
        self.logins = 0                   # successful logins so far (a reconnect adds one)
        self.banner: str | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._pending: dict[str, asyncio.Future[Frame]] = {}
        self._lists: dict[str, list[Frame]] = {}  # ActionID → the events of an EventList being collected
        self._ids = itertools.count(1)
        self._outage: str | None = None

    def __repr__(self) -> str:  # never the secret
        return f"AmiClient({self.username}@{self.host}:{self.port})"

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    # --------------------------------------------------------------- session

    async def run(self, stop: asyncio.Event) -> None:
        """Stay connected and logged in until ``stop`` is set; then log off and return."""
        delay = self.backoff_initial
        while not stop.is_set():
            logins = self.logins
            try:
                await self._session(stop)
            except AmiAuthError as exc:
                self._outage_started(f"Asterisk refused the login of manager user {self.username!r} ({exc}); "
                                     "check the AMI user and secret (manager.conf)")
            except (OSError, AmiError, asyncio.TimeoutError, EOFError) as exc:
                self._outage_started(f"no AMI connection to {self.where} ({_describe(exc)})")
            if stop.is_set():
                break
            if self.logins > logins:
                delay = self.backoff_initial  # the session had worked: start the back-off again
            log.debug("AMI: next attempt in %.3g s", delay)
            try:
                await asyncio.wait_for(stop.wait(), timeout=delay)
            except asyncio.TimeoutError:
                pass
            delay = min(delay * 2, self.backoff_max)

    def _outage_started(self, problem: str) -> None:
        if self._outage is None:
            log.warning("%s; retrying with back-off (logged once until it works again)", problem)
        self._outage = problem

    async def _session(self, stop: asyncio.Event) -> None:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(self.host, self.port, ssl=self.ssl,
                                    server_hostname=self.host if self.ssl else None),
            timeout=self.connect_timeout)
        self._writer = writer
        parser = AmiParser()
        tasks: list[asyncio.Task[object]] = []
        try:
            reading = asyncio.create_task(self._read(reader, parser))
            tasks.append(reading)
            answer = await self._send("Login", {"Username": self.username, "Secret": self._secret,
                                                "Events": "on"})
            if answer.response.lower() != "success":
                raise AmiAuthError(answer.get("Message") or answer.response or "no reason given")
            self.banner = parser.banner
            self.logins += 1
            self.connected.set()
            if self._outage is not None:
                log.warning("AMI connection to %s is back (logged in as %s)", self.where, self.username)
                self._outage = None
            else:
                log.info("AMI: logged in to %s as %s (%s)", self.where, self.username, self.banner or "no banner")
            if self.on_login is not None:
                try:
                    await self.on_login(self)
                except (AmiConnectionLost, OSError):
                    raise
                except AmiError as exc:  # e.g. the manager user may not run that action
                    log.warning("AMI: after login: %s; carrying on without it", exc)
                except Exception:
                    log.exception("AMI: the after-login step failed; carrying on")
            stopping = asyncio.create_task(stop.wait())
            pinging = asyncio.create_task(self._keep_alive())
            tasks += [stopping, pinging]
            done, _ = await asyncio.wait({reading, stopping, pinging}, return_when=asyncio.FIRST_COMPLETED)
            if stopping in done:
                await self._log_off()
                return
            for task in done:
                task.result()  # raises what ended the session
            raise AmiConnectionLost("the session ended")
        finally:
            self.connected.clear()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self._fail_pending(AmiConnectionLost("connection closed"))
            self._writer = None
            writer.close()
            try:
                await asyncio.wait_for(writer.wait_closed(), timeout=1.0)
            except (OSError, asyncio.TimeoutError, ssl_module.SSLError):
                pass

    async def _read(self, reader: asyncio.StreamReader, parser: AmiParser) -> None:
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    raise AmiConnectionLost("closed by Asterisk")
                for frame in parser.feed(data):
                    self._dispatch(frame)
        except BaseException as exc:
            self._fail_pending(exc if isinstance(exc, AmiError) else AmiConnectionLost(_describe(exc)))
            raise

    def _dispatch(self, frame: Frame) -> None:
        if "Response" in frame:
            waiter = self._pending.pop(frame.action_id, None)
            if waiter is not None and not waiter.done():
                waiter.set_result(frame)
            return
        collected = self._lists.get(frame.action_id) if frame.action_id else None
        if collected is not None and frame.event:
            collected.append(frame)
            if frame.get("EventList").lower() == "complete" or frame.event.endswith("Complete"):
                waiter = self._pending.pop(f"{frame.action_id}/list", None)
                if waiter is not None and not waiter.done():
                    waiter.set_result(frame)
            return
        if frame.event:
            try:
                self.on_event(frame)
            except Exception:  # one event the handler chokes on must not end the session
                log.exception("AMI %s event could not be handled", frame.event)

    def _fail_pending(self, exc: BaseException) -> None:
        pending, self._pending = self._pending, {}
        for waiter in pending.values():
            if not waiter.done():
                waiter.set_exception(exc)

    async def _keep_alive(self) -> None:
        while True:
            await asyncio.sleep(self.ping_interval)
            try:
                await self._send("Ping", {})
            except asyncio.TimeoutError:
                raise AmiConnectionLost(f"no answer to Ping within {self.response_timeout:g} s") from None

    async def _log_off(self) -> None:
        try:
            await asyncio.wait_for(self._send("Logoff", {}), timeout=min(self.response_timeout, 2.0))
        except (OSError, AmiError, asyncio.TimeoutError):
            pass  # leaving anyway

    # --------------------------------------------------------------- actions

    async def _send(self, action: str, fields: Mapping[str, object]) -> Frame:
        writer = self._writer
        if writer is None:
            raise AmiConnectionLost("not connected")
        action_id = f"mpel-{next(self._ids)}"
        waiter: asyncio.Future[Frame] = asyncio.get_running_loop().create_future()
        self._pending[action_id] = waiter
        try:
            writer.write(format_action(action, action_id, fields))
            await writer.drain()
            return await asyncio.wait_for(waiter, timeout=self.response_timeout)
        finally:
            self._pending.pop(action_id, None)

    async def action(self, action: str, fields: Mapping[str, object] | None = None) -> Frame:
        """Send an action on the live session and return its ``Response`` frame."""
        if not self.connected.is_set():
            raise AmiConnectionLost(f"not logged in to {self.where}")
        return await self._send(action, fields or {})

    async def event_list(self, action: str, fields: Mapping[str, object] | None = None) -> list[Frame]:
        """Send an action answered by a list of events (``CoreShowChannels``); return those events."""
        if not self.connected.is_set():
            raise AmiConnectionLost(f"not logged in to {self.where}")
        writer = self._writer
        assert writer is not None
        action_id = f"mpel-{next(self._ids)}"
        loop = asyncio.get_running_loop()
        answered: asyncio.Future[Frame] = loop.create_future()
        finished: asyncio.Future[Frame] = loop.create_future()
        self._pending[action_id], self._pending[f"{action_id}/list"] = answered, finished
        self._lists[action_id] = collected = []
        try:
            writer.write(format_action(action, action_id, fields or {}))
            await writer.drain()
            response = await asyncio.wait_for(answered, timeout=self.response_timeout)
            if response.response.lower() != "success":
                raise AmiError(f"{action} refused: {response.get('Message') or response.response}")
            await asyncio.wait_for(finished, timeout=self.response_timeout)
            return [frame for frame in collected if frame.get("EventList").lower() != "complete"
                    and not frame.event.endswith("Complete")]
        finally:
            self._pending.pop(action_id, None)
            self._pending.pop(f"{action_id}/list", None)
            self._lists.pop(action_id, None)

    async def originate(self, channel: str, exten: str, context: str, caller_id: str, *,
                        priority: int = 1, timeout_ms: int = 30_000) -> Frame:
        """Ring ``channel`` (the agent's own extension, e.g. ``PJSIP/2001``); when answered, dial ``exten``.

        ``Async: true`` so Asterisk answers at once ("Originate successfully queued")
        rather than after the agent picks up; the outcome follows as an
        ``OriginateResponse`` event.
        """
        return await self.action("Originate", {"Channel": channel, "Exten": exten, "Context": context,
                                               "Priority": priority, "CallerID": caller_id,
                                               "Timeout": timeout_ms, "Async": "true"})


async def originate_once(host: str, port: int, username: str, secret: str, *, channel: str, exten: str,
                         context: str, caller_id: str, ssl: ssl_module.SSLContext | None = None,
                         timeout: float = 10.0) -> Frame:
    """Connect, log in, send one ``Originate``, log off: Call back from a desk that holds no session."""
    stop = asyncio.Event()
    client = AmiClient(host, port, username, secret, ssl=ssl, response_timeout=timeout,
                       connect_timeout=timeout, backoff_initial=timeout, backoff_max=timeout)
    runner = asyncio.create_task(client.run(stop))
    try:
        waiting = asyncio.create_task(client.connected.wait())
        done, _ = await asyncio.wait({waiting, runner}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if waiting not in done:
            waiting.cancel()
            raise AmiConnectionLost(client._outage or f"could not log in to {host}:{port} within {timeout:g} s")
        return await client.originate(channel, exten, context, caller_id)
    finally:
        stop.set()
        await runner


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
