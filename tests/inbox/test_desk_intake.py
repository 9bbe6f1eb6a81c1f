"""A desk taking the central inbox in by itself: the mailbox from the settings, the password from the keyring,
one intake at a time across desks sharing the database (SQLite and PostgreSQL), against a real Dovecot."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from mpel_app.app import open_database
from mpel_app.db.models import Enquiry
from mpel_app.domain.errors import PermissionDenied
from mpel_app.inbox.desk_intake import (KEYRING_SERVICE, LEASE_SECONDS, DeskIntake, DeskMailbox, IntakeBusy,
                                        NeedsPassword, NotConfigured)
from mpel_app.inbox.imap import ImapError
from tests.inbox import messages as m


def mailbox_of(server) -> DeskMailbox:
    return DeskMailbox(host=server.host, port=server.port, security="plain", user=server.user)


def enquiries(services) -> int:
    with services.uow.read() as s:
        return s.scalar(select(func.count(Enquiry.id)))


def test_configured_desk_takes_the_mailbox_in_with_the_password_from_the_keyring(world, dovecot, memory_keyring):
    services = world.services
    intake = services.desk_intake
    with pytest.raises(NotConfigured, match="mpel inbox configure"):
        intake.take_in_now(world.leader)
    assert intake.configure(world.admin, mailbox_of(dovecot), dovecot.password) is True
    assert memory_keyring.store[(KEYRING_SERVICE, f"{dovecot.user}@{dovecot.host}")] == dovecot.password
    assert intake.mailbox() == mailbox_of(dovecot)
    dovecot.deliver(m.raw(m.plain()), m.MALFORMED)
    summary = intake.take_in_now(world.leader)
    assert (summary.fetched, summary.enquiries_created, summary.quarantined) == (2, 1, 1)
    assert len(dovecot.uids("Processed")) == 1 and len(dovecot.uids("Quarantine")) == 1
    assert intake.take_in_now(world.leader).fetched == 0
    with pytest.raises(PermissionDenied):
        intake.take_in_now(world.agent)


def test_without_a_keyring_entry_the_person_is_asked_and_a_refused_password_is_forgotten(world, dovecot,
                                                                                        memory_keyring):
    intake = world.services.desk_intake
    intake.configure(world.admin, mailbox_of(dovecot))
    with pytest.raises(NeedsPassword) as asked:
        intake.take_in_now(world.leader)
    assert asked.value.account == f"{dovecot.user}@{dovecot.host}"
    with pytest.raises(ImapError) as refused:
        intake.take_in_now(world.leader, password="wrong")
    assert refused.value.auth and memory_keyring.store == {}  # not kept, so the next pass asks again
    dovecot.deliver(m.raw(m.plain()))
    assert intake.take_in_now(world.leader, password=dovecot.password).enquiries_created == 1
    assert memory_keyring.store  # the right one is kept
    assert intake.take_in_now(world.leader).fetched == 0  # and used without asking


def test_one_intake_at_a_time_across_desks_sharing_the_database(world, db_url, dovecot, memory_keyring):
    services = world.services
    other = open_database(db_url, clock=services.clock)  # a second desk on the same file or server
    try:
        mine = DeskIntake(services.uow, services.clock, services.inbox, holder="desk-1:100")
        theirs = DeskIntake(other.uow, other.clock, other.inbox, holder="desk-2:200")
        mine.configure(world.admin, mailbox_of(dovecot), dovecot.password)
        mine.acquire()
        with pytest.raises(IntakeBusy, match=r"desk-1:100"):
            theirs.take_in_now(world.leader)
        mine.release()
        dovecot.deliver(m.raw(m.plain()))
        assert theirs.take_in_now(world.leader).enquiries_created == 1
        # A desk that died holding the lease frees the mailbox once the lease runs out.
        mine.acquire()
        services.clock.advance(seconds=LEASE_SECONDS + 1)
        theirs.acquire()
        with pytest.raises(IntakeBusy, match="desk-2:200"):
            mine.acquire()
        theirs.release()

        # Both at the very same moment, many times over: each time exactly one of them gets the mailbox.
        for _ in range(10):
            won, barrier = [], threading.Barrier(2)

            def race(intake):
                barrier.wait()
                try:
                    intake.acquire()
                    won.append(intake.holder)
                except IntakeBusy:
                    pass

            threads = [threading.Thread(target=race, args=(i,)) for i in (mine, theirs)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
            assert len(won) == 1, won
            (mine if won == [mine.holder] else theirs).release()
    finally:
        other.close()
    assert enquiries(services) == 1
