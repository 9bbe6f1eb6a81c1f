"""A fake Asterisk Manager Interface on loopback, speaking the real protocol byte for byte.

What it does, as Asterisk 18/20 does: the banner ``Asterisk Call Manager/5.0.1``
on connect; ``Login`` → ``Response: Success`` / ``Message: Authentication
accepted`` then ``Event: FullyBooted``, or ``Response: Error`` / ``Message:
Authentication failed`` and the connection closed; ``Ping`` → ``Ping: Pong``;
``Originate`` → ``Originate successfully queued``; ``Logoff`` → ``Goodbye``.
No events are sent to a session that has not logged in.  The test scripts the
events (``send``), written in chunks cut at random byte offsets, and can drop
the connection (``drop``) or stop answering pings.
"""
from __future__ import annotations

import asyncio
import random
import ssl
import time

from mpel_app.telephony.ami_protocol import AmiParser, Frame, format_frame

BANNER = b"Asterisk Call Manager/5.0.1\r\n"


class FakeAsterisk:
    def __init__(self, *, username: str = "mpel", secret: str = "s3cret", seed: int = 1,
                 tls: ssl.SSLContext | None = None) -> None:
        self.username, self.secret = username, secret
        self.tls = tls  # AMI over TLS (Asterisk's tlsenable, port 5039)
        self.rng = random.Random(seed)
        self.actions: list[Frame] = []
        self.logins_ok = 0
        self.logins_refused = 0
        self.answer_pings = True
        # What CoreShowChannels lists: (Channel, Uniqueid, Linkedid) of the legs up now.
        self.channels_up: list[tuple[str, str, str]] = []
        self.port = 0
        self._server: asyncio.base_events.Server | None = None
        self._session: asyncio.StreamWriter | None = None
        self._logged_in = asyncio.Event()

    async def start(self, port: int = 0) -> FakeAsterisk:
        """Listen on loopback: a free port, or ``port`` (Asterisk coming back after a restart)."""
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", port, ssl=self.tls)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._session is not None:
            self._session.close()
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    # ----------------------------------------------------------- the server side

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(BANNER)
        parser = AmiParser(expect_banner=False)
        try:
            while True:
                data = await reader.read(4096)
                if not data:
                    return
                for frame in parser.feed(data):
                    self.actions.append(frame)
                    if not await self._answer(frame, writer):
                        return
        except ConnectionError:
            return
        finally:
            if self._session is writer:
                self._session = None
                self._logged_in.clear()
            writer.close()

    async def _answer(self, frame: Frame, writer: asyncio.StreamWriter) -> bool:
        action, action_id = frame.get("Action").lower(), frame.action_id
        if action == "login":
            if frame.get("Username") == self.username and frame.get("Secret") == self.secret:
                self.logins_ok += 1
                writer.write(format_frame([("Response", "Success"), ("ActionID", action_id),
                                           ("Message", "Authentication accepted")]))
                writer.write(format_frame([("Event", "FullyBooted"), ("Privilege", "system,all"),
                                           ("Uptime", "5"), ("LastReload", "5"), ("Status", "Fully Booted")]))
                await writer.drain()
                self._session = writer
                self._logged_in.set()
                return True
            self.logins_refused += 1
            writer.write(format_frame([("Response", "Error"), ("ActionID", action_id),
                                       ("Message", "Authentication failed")]))
            await writer.drain()
            return False
        if action == "ping":
            if self.answer_pings:
                writer.write(format_frame([("Response", "Success"), ("ActionID", action_id), ("Ping", "Pong"),
                                           ("Timestamp", f"{time.time():.6f}")]))
        elif action == "originate":
            writer.write(format_frame([("Response", "Success"), ("ActionID", action_id),
                                       ("Message", "Originate successfully queued")]))
        elif action == "coreshowchannels":
            writer.write(format_frame([("Response", "Success"), ("ActionID", action_id), ("EventList", "start"),
                                       ("Message", "Channels will follow")]))
            for channel, uniqueid, linkedid in self.channels_up:
                writer.write(format_frame([("Event", "CoreShowChannel"), ("ActionID", action_id),
                                           ("Channel", channel), ("ChannelState", "6"), ("ChannelStateDesc", "Up"),
                                           ("Context", "from-queue"), ("Exten", "s"), ("Priority", "1"),
                                           ("Uniqueid", uniqueid), ("Linkedid", linkedid),
                                           ("Application", "Queue"), ("ApplicationData", "enquiry-line"),
                                           ("Duration", "00:01:10"), ("BridgeId", "")]))
            writer.write(format_frame([("Event", "CoreShowChannelsComplete"), ("ActionID", action_id),
                                       ("EventList", "Complete"), ("ListItems", len(self.channels_up))]))
        elif action == "logoff":
            writer.write(format_frame([("Response", "Goodbye"), ("ActionID", action_id),
                                       ("Message", "Thanks for all the fish.")]))
            await writer.drain()
            return False
        else:
            writer.write(format_frame([("Response", "Error"), ("ActionID", action_id),
                                       ("Message", "Invalid/unknown command")]))
        await writer.drain()
        return True

    # ------------------------------------------------------------- the test's side

    async def logged_in(self, count: int = 1, timeout: float = 5.0) -> None:
        """Wait until ``count`` logins have succeeded and a session is open."""
        async def ready() -> None:
            while self.logins_ok < count or self._session is None:
                await asyncio.sleep(0.002)
        await asyncio.wait_for(ready(), timeout)

    async def send(self, *frames: bytes) -> None:
        """Write the frames to the logged-in session in chunks cut at random byte offsets."""
        writer = self._session
        assert writer is not None, "no client is logged in"
        data = b"".join(frames)
        position = 0
        while position < len(data):
            size = self.rng.randint(1, max(97, len(data) // 500))  # a 1 MB line need not take 20,000 writes
            writer.write(data[position:position + size])
            position += size
            await writer.drain()
            if self.rng.random() < 0.3:
                await asyncio.sleep(0)  # let the client read a partial frame

    async def drop(self) -> None:
        """The link dies: close the session's socket without a goodbye."""
        writer = self._session
        assert writer is not None
        self._session = None
        self._logged_in.clear()
        writer.transport.abort()
