"""One desk's committed change reaches another desk's listener: NOTIFY/LISTEN on PostgreSQL, data_version on SQLite.

Two "desks" are two ``Services`` over the same database, each with its own
engine (as two PCs would have).  The listener runs on the second desk's engine;
the tests wait on a condition for its notices, never sleep.
"""
from __future__ import annotations

import threading
import time
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy.engine import make_url

from mpel_app.app import open_database
from mpel_app.db import changes
from mpel_app.db.models import Enquiry
from mpel_app.db.changes import ALL, ENQUIRIES, LETTERS, ROTA, URGENT, ChangeListener
from mpel_app.domain.records import CallerKind, Channel
from mpel_app.services import audit
from tests.support.letters_world import build_letters_world
from tests.support.world import LONDON, PASSCODE, build_world

WAIT = 10.0  # generous for a loaded 2-core machine; a pass takes well under a second


class Heard:
    """The notices a listener delivered, with a way to wait for one."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.notices: list[frozenset[str]] = []

    def __call__(self, entities: frozenset[str]) -> None:
        with self._cond:
            self.notices.append(entities)
            self._cond.notify_all()

    def wait_for(self, entity: str, *, after: int = 0, timeout: float = WAIT) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: any(entity in n for n in self.notices[after:]), timeout)

    @property
    def seen(self) -> set[str]:
        with self._cond:
            return set().union(*self.notices)


@pytest.fixture
def desks(services, db_url):
    """Desk A (the services fixture) and desk B (a second engine on the same database), and the world."""
    world = build_world(services)
    other = open_database(db_url, clock=services.clock)
    yield world, other
    other.close()


@pytest.fixture
def listen():
    started: list[ChangeListener] = []

    def start(engine) -> Heard:
        heard = Heard()
        listener = ChangeListener(engine, heard, poll_seconds=0.05, wait_seconds=0.2)
        listener.start()
        started.append(listener)
        assert listener.wait_ready(WAIT), "the listener never started watching"
        return heard

    def stop_all() -> None:
        while started:
            assert started.pop().stop(WAIT)

    start.stop_all = stop_all
    yield start
    stop_all()


def test_another_desk_hears_an_enquiry_logged(desks, listen):
    world, desk_b = desks
    heard = listen(desk_b.engine)
    world.services.enquiries.start(world.agent, Channel.TELEPHONE)
    assert heard.wait_for(ENQUIRIES)
    # An ordinary call is not an urgent item: the duty board has no reason to reload.
    assert URGENT not in heard.seen


def test_urgent_items_rota_and_letters_are_announced_by_name(desks, listen):
    world, desk_b = desks
    heard = listen(desk_b.engine)
    s = world.services
    rec = s.enquiries.start(world.agent, Channel.TELEPHONE)
    s.enquiries.set_caller(world.agent, rec.id, member_id=world.mp.id, caller_kind=CallerKind.MEMBER)
    s.enquiries.verify_passcode(world.agent, rec.id, PASSCODE)
    call_time = datetime(2026, 11, 23, 10, 15, tzinfo=LONDON)
    s.urgent.flag(world.agent, rec.id, removal_at=call_time + timedelta(hours=30), compassionate=False)
    assert heard.wait_for(URGENT)
    s.rota.set_entry(world.admin, date(2026, 11, 23), "LSE", "Lena South", "020 7946 0000")
    assert heard.wait_for(ROTA)
    assert LETTERS not in heard.seen


def test_a_registered_letter_is_announced(services, db_url, listen):
    letters = build_letters_world(services)
    other = open_database(db_url, clock=services.clock)
    try:
        heard = listen(other.engine)
        letters.register()
        assert heard.wait_for(LETTERS)
    finally:
        other.close()


def test_a_rolled_back_change_announces_nothing(desks, listen):
    world, desk_b = desks
    heard = listen(desk_b.engine)
    s = world.services
    rec = s.enquiries.start(world.agent, Channel.TELEPHONE)
    assert heard.wait_for(ENQUIRIES)
    before = len(heard.notices)

    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned):
        with s.uow() as session:
            audit.record(session, world.agent, s.clock.now(), "enquiry", rec.id, "details updated", {"x": [1, 2]})
            session.flush()
            raise Abandoned
    # Notices arrive in commit order: once the rota change is heard, an enquiry notice would have come first.
    s.rota.set_entry(world.admin, date(2026, 11, 24), "LSE", "Lena South", "020 7946 0000")
    assert heard.wait_for(ROTA, after=before)
    assert all(ENQUIRIES not in n for n in heard.notices[before:])


def test_reading_a_record_announces_nothing(desks, listen):
    """Opening or printing a record is audited, but it is not a change: no desk is told to refresh.

    Otherwise two desks showing the same queue would refresh each other for ever,
    each refresh viewing the selected record again.
    """
    world, desk_b = desks
    s = world.services
    rec = s.enquiries.start(world.agent, Channel.TELEPHONE)
    heard = listen(desk_b.engine)
    s.enquiries.get(world.agent, rec.id)
    s.enquiries.record_printed(world.agent, rec.id)
    s.rota.set_entry(world.admin, date(2026, 11, 25), "LSE", "Lena South", "020 7946 0000")
    assert heard.wait_for(ROTA)
    assert heard.seen == {ROTA}


def test_stop_is_prompt(services):
    listener = ChangeListener(services.engine, lambda _e: None)  # the real intervals: 2 s poll, 0.5 s wait
    listener.start()
    assert listener.wait_ready(WAIT)
    started = time.monotonic()
    assert listener.stop(WAIT)
    assert time.monotonic() - started < 3.0
    assert not listener.running


def test_notify_goes_out_in_the_writers_transaction(pg_cluster):
    """On PostgreSQL the notice is sent inside the unit of work and delivered only when it commits."""
    with pg_cluster.temporary_database(prefix="mpel_notify") as url:
        desk = open_database(url)
        try:
            world = build_world(desk)
            with pg_cluster.connect(make_url(url).database) as watcher:
                watcher.execute(f"LISTEN {changes.CHANNEL}")
                rec = desk.enquiries.start(world.agent, Channel.TELEPHONE)
                assert [n.payload for n in watcher.notifies(timeout=WAIT, stop_after=1)] == [ENQUIRIES]
                with desk.uow() as session:
                    enquiry = session.get(Enquiry, rec.id)  # loaded (and held): known not to be urgent
                    assert enquiry.urgent is False
                    audit.record(session, world.agent, desk.clock.now(), "enquiry", rec.id, "details updated")
                    assert changes.announce(session) == {ENQUIRIES}  # NOTIFY sent, not yet delivered
                    early = [n.payload for n in watcher.notifies(timeout=0.3)]
                    assert early == [], "a notice was delivered before its transaction committed"
                assert [n.payload for n in watcher.notifies(timeout=WAIT, stop_after=1)] == [ENQUIRIES]
        finally:
            desk.close()


def test_a_dropped_connection_reconnects_and_reports_everything(pg_cluster, listen):
    stop_all = listen.stop_all
    with pg_cluster.temporary_database(prefix="mpel_listen") as url:
        desk_a, desk_b = open_database(url), open_database(url)
        try:
            world = build_world(desk_a)
            heard = listen(desk_b.engine)
            with pg_cluster.connect() as admin:
                killed = admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND query = %s",
                    (make_url(url).database, f"LISTEN {changes.CHANNEL}")).fetchall()
            assert killed == [(True,)], "the listener's connection was not found"
            # Reconnected: whatever was announced while it was away is lost, so it reports everything.
            assert heard.wait_for(ROTA)
            assert ALL <= heard.seen
            before = len(heard.notices)
            world.services.enquiries.start(world.agent, Channel.TELEPHONE)
            assert heard.wait_for(ENQUIRIES, after=before)
        finally:
            stop_all()  # before the database is dropped under it
            desk_a.close()
            desk_b.close()


def test_an_sqlite_listener_woken_looks_at_once_rather_than_at_its_poll(sqlite_services):
    """``wake()`` (the desk calls it when the database file is written) ends the poll's wait: with an hour's
    poll, a change is heard only if the wake works."""
    world = build_world(sqlite_services)
    heard = Heard()
    listener = ChangeListener(sqlite_services.engine, heard, poll_seconds=3600)
    listener.start()
    try:
        assert listener.wait_ready(WAIT)
        world.services.enquiries.start(world.agent, Channel.TELEPHONE)
        assert not heard.wait_for(ENQUIRIES, timeout=0.3)  # no wake, no look
        listener.wake()
        assert heard.wait_for(ENQUIRIES)
    finally:
        started = time.monotonic()
        assert listener.stop(WAIT)
        assert time.monotonic() - started < 3.0  # stop wakes it too
