"""The watching intake against a real Dovecot: IDLE hears new mail at once, polling without IDLE, and drops."""
from __future__ import annotations

import logging
import socket
import threading
import time
from contextlib import contextmanager

from sqlalchemy import func, select

from mpel_app.db.models import Enquiry
from mpel_app.inbox import imap as imap_client
from mpel_app.inbox.intake import watch
from tests.inbox import messages as m
from tests.inbox.conftest import _server, imap_settings

HOUR = 3600.0


class _Heard(logging.Handler):
    """Counts the intake's passes (its summary line) and notes how it said it watches."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.passes = 0
        self.modes: list[str] = []
        self.changed = threading.Condition()

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        with self.changed:
            if text.startswith("inbox: {"):
                self.passes += 1
            elif text.startswith("inbox: watching"):
                self.modes.append(text)
            self.changed.notify_all()

    def wait(self, predicate, timeout: float = 30.0) -> None:
        with self.changed:
            assert self.changed.wait_for(predicate, timeout), "the intake did not get there in time"


@contextmanager
def watching(services, server, **kwargs):
    """``watch`` in a thread (as `mpel inbox serve` runs it); yields its log listener; stops it at the end."""
    settings = imap_settings(server)
    heard = _Heard()
    logger = logging.getLogger("mpel_app.inbox.intake")
    logger.addHandler(heard)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    stop = threading.Event()
    result: dict = {}

    def run():
        try:
            result["summary"] = watch(lambda: imap_client.connect(settings, password=server.password),
                                      services.inbox, settings, stop=stop, **kwargs)
        except BaseException as exc:  # handed to the test
            result["error"] = exc

    thread = threading.Thread(target=run, name="inbox-watch")
    thread.start()
    try:
        yield heard
    finally:
        stop.set()
        thread.join(30)
        logger.removeHandler(heard)
        logger.setLevel(old_level)
        assert not thread.is_alive(), "the watch did not stop within 30 s of being told to"
        assert "error" not in result, result.get("error")


def enquiries(services) -> int:
    with services.uow.read() as s:
        return s.scalar(select(func.count(Enquiry.id)))


def wait_for(condition, timeout: float = 30.0) -> float:
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < timeout, "not in time"
        time.sleep(0.05)
    return time.monotonic() - start


def test_idle_takes_new_mail_in_as_it_arrives_not_at_the_next_poll(world, dovecot):
    with watching(world.services, dovecot, poll_seconds=HOUR, idle_seconds=HOUR) as heard:
        heard.wait(lambda: heard.passes >= 1)  # the first look: nothing waiting
        assert heard.modes and "with IDLE" in heard.modes[0]
        dovecot.deliver(m.raw(m.plain(subject="Arrives while idling")))
        # Within 30 s, where the next poll is an hour away: only IDLE can have told it.
        wait_for(lambda: enquiries(world.services) == 1 and not dovecot.uids("INBOX"))
        dovecot.deliver(m.raw(m.plain(subject="And another")))
        wait_for(lambda: enquiries(world.services) == 2 and not dovecot.uids("INBOX"))
    assert len(dovecot.uids("Processed")) == 2


def test_a_server_without_idle_is_polled(world):
    server = _server(idle=False)
    try:
        with watching(world.services, server, poll_seconds=0.2, idle_seconds=HOUR) as heard:
            heard.wait(lambda: heard.passes >= 1)
            assert "polling every 0.2 s (the server has no IDLE)" in heard.modes[0]
            server.deliver(m.raw(m.plain()))
            wait_for(lambda: enquiries(world.services) == 1 and not server.uids("INBOX"))
    finally:
        server.close()


def test_a_connection_dropped_during_idle_is_made_again_and_mail_still_comes_in(world, dovecot):
    with watching(world.services, dovecot, poll_seconds=HOUR, idle_seconds=HOUR, max_pause=1.0) as heard:
        heard.wait(lambda: heard.passes >= 1)
        dovecot.stop()  # the server goes down under the idling session (its connections cut)
        dovecot.start()
        dovecot.deliver(m.raw(m.plain(subject="After the outage")))
        wait_for(lambda: enquiries(world.services) == 1 and not dovecot.uids("INBOX"), timeout=60)
        assert len(heard.modes) >= 2  # it connected again
        assert all("with IDLE" in mode for mode in heard.modes)


def test_idle_ends_when_told_to_stop_and_after_its_time(world, dovecot):
    settings = imap_settings(dovecot)
    with imap_client.connect(settings, password=dovecot.password) as session:
        session.select("INBOX")
        start = time.monotonic()
        assert session.idle(0.5) is False  # nothing came: back after its time, the session still usable
        assert 0.4 < time.monotonic() - start < 5
        stop = threading.Event()
        stop.set()
        assert session.idle(HOUR, stop) is False
        session.noop()


def test_mail_that_came_just_before_idle_ends_the_wait_at_once(world, dovecot):
    """A message delivered between the intake's last look and its IDLE (the watcher reconnecting as mail
    arrives, the race behind a failure seen once under load) is announced as IDLE begins, in the same packet
    as the go-ahead: the wait must end at once, not when the server's next keep-alive (minutes away) stirs the
    socket.  The IDLE is stopped after 20 s: well past anything but a missed announcement."""
    settings = imap_settings(dovecot)
    with imap_client.connect(settings, password=dovecot.password) as session:
        session.select("INBOX")
        dovecot.deliver(m.raw(m.plain()))
        imap = session._imap
        read_line = imap.readline

        def read_late():
            # As on a loaded machine: the desk gets to read only after the server's next lines have landed, so
            # "+ idling" and "* 1 EXISTS" are read off the socket together (peeked at: nothing is consumed).
            deadline = time.monotonic() + 10
            while b"EXISTS" not in imap.sock.recv(4096, socket.MSG_PEEK) and time.monotonic() < deadline:
                time.sleep(0.01)
            imap.readline = read_line
            return read_line()

        imap.readline = read_late
        gave_up = threading.Event()
        timer = threading.Timer(20.0, gave_up.set)
        timer.start()
        try:
            assert session.idle(HOUR, gave_up) is True
            assert not gave_up.is_set()  # it heard the news itself, not on the way out after being told to stop
        finally:
            timer.cancel()
        session.uids()  # looked at again
        dovecot.deliver(m.raw(m.plain(subject="While nobody looks")))
        session.noop()  # the news comes with this reply: nothing is left for the next IDLE to tell
        assert session.uids() == [1, 2]
        stop = threading.Event()
        timer = threading.Timer(1.0, stop.set)
        timer.start()
        try:
            assert session.idle(20.0, stop) is False  # no news, so back only when told to stop
        finally:
            timer.cancel()


def test_idle_can_be_turned_off_for_a_server_whose_idle_misbehaves(world, dovecot):
    with watching(world.services, dovecot, poll_seconds=0.2, use_idle=False) as heard:
        heard.wait(lambda: heard.passes >= 1)
        assert heard.modes == ["inbox: watching INBOX on %s by polling every 0.2 s" % dovecot.address]
        dovecot.deliver(m.raw(m.plain()))
        wait_for(lambda: enquiries(world.services) == 1 and not dovecot.uids("INBOX"))
