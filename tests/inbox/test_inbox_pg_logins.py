"""The central inbox on a shared PostgreSQL where each person and service signs in as their own login:
the intake service's login takes mail in (a CTS reference included), the team leader's releases from quarantine,
and where no service runs the team leader's desk takes the mailbox in itself (the lease its login may write)."""
from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from mpel_app.app import open_database
from mpel_app.db.models import AuditLog, Enquiry, InboxMessage, Setting
from mpel_app.inbox.desk_intake import LEASE_KEY, DeskIntake, DeskMailbox, IntakeBusy
from tests.db.test_pg_boundary import desk_as
from tests.inbox import messages as m
from mpel_app.domain.records import Role
from tests.support.world import PASSCODE, PASSWORD


# Logins are cluster-wide: names of this module's own, so another module's world (admin, leader…) never collides.
LOGINS = ("ibxadmin", "ibxleader", "ibxintake")


@pytest.fixture
def shared(pg_cluster):
    try:
        with pg_cluster.temporary_database(prefix="mpel_inbox_logins") as url:
            services = open_database(url, per_person_logins=True)
            try:
                admin = services.users.create_first_admin("ibxadmin", "Ada Administrator", PASSWORD)
                leader = services.users.create_user(admin, username="ibxleader", full_name="Tom Leader",
                                                    password=PASSWORD, roles={Role.MPEL_TEAM_LEADER}, grade="HEO",
                                                    demo=True)
                services.members.add(admin, name="Jane Smith", constituency="Holborn and St Pancras",
                                     region_code="LSE", office_phone="020 7219 3000", office_email=m.OFFICE,
                                     passcode=PASSCODE, demo=True)
                yield dict(url=url, services=services, leader=leader, cluster=pg_cluster)
            finally:
                services.close()
    finally:
        # Logins belong to the whole cluster: drop them (their database is gone) for the next test's world.
        with pg_cluster.connect() as su:
            for name in LOGINS:
                su.execute(f"DROP ROLE IF EXISTS {name}")


def as_login(shared, who: str):
    url = make_url(shared["url"]).set(username=who)
    return open_database(url.render_as_string(hide_password=False), upgrade=None, per_person_logins=False)


def test_intake_login_takes_mail_in_and_team_leader_login_releases(shared):
    # The intake's own account is made once by the owner (a service login may not create accounts).
    shared["services"].inbox.intake_actor()
    with shared["cluster"].connect(make_url(shared["url"]).database) as su:
        su.execute("CREATE ROLE ibxintake LOGIN IN ROLE mpel_inbox_service")
    intake = as_login(shared, "ibxintake")
    try:
        inbox = intake.inbox
        actor, directory = inbox.intake_actor(), inbox.directory()
        assert inbox.take_in(actor, "INBOX", 3, 1, m.raw(m.plain()), directory).cts_reference == "B00001/26"
        assert inbox.take_in(actor, "INBOX", 3, 2, m.MALFORMED, directory).kind == "quarantined"
    finally:
        intake.close()
    with desk_as({"url": shared["url"]}, "ibxleader") as desk:
        with desk.uow.read() as s:
            held = s.scalar(select(InboxMessage.id).where(InboxMessage.status == "quarantined"))
        outcome = desk.inbox.release(shared["leader"], held)
        assert outcome.cts_reference == "B00002/26"
    with shared["services"].uow.read() as s:
        assert sorted(s.scalars(select(Enquiry.cts_reference))) == ["B00001/26", "B00002/26"]


def test_team_leader_desk_takes_the_mailbox_in_under_its_own_login(shared, dovecot, memory_keyring):
    """No `mpel inbox serve` for the site: the administrator sets the mailbox up once (`mpel inbox configure`),
    then the team leader's desk, signed in to the database as the team leader, takes the lease and the mail in
    (as the team leader: the database signs every change with the login); another desk is kept out meanwhile."""
    mailbox = DeskMailbox(host=dovecot.host, port=dovecot.port, security="plain", user=dovecot.user)
    shared["services"].desk_intake.configure(None, mailbox, dovecot.password)
    dovecot.deliver(m.raw(m.plain()), m.MALFORMED)
    with desk_as({"url": shared["url"]}, "ibxleader") as desk:
        summary = desk.desk_intake.take_in_now(shared["leader"])
        assert (summary.fetched, summary.enquiries_created, summary.quarantined) == (2, 1, 1)
        mine = DeskIntake(desk.uow, desk.clock, desk.inbox, holder="leader-desk:1")
        mine.acquire()  # the lease, written by the team leader's login
        other = DeskIntake(shared["services"].uow, shared["services"].clock, shared["services"].inbox,
                           holder="other-desk:2")
        with pytest.raises(IntakeBusy, match="leader-desk:1"):
            other.take_in_now(shared["leader"])
        mine.release()
    with shared["services"].uow.read() as s:
        assert s.get(Setting, LEASE_KEY).value == ""
        assert list(s.scalars(select(Enquiry.cts_reference))) == ["B00001/26"]
        assert set(s.scalars(select(AuditLog.username).where(AuditLog.action.like("%central inbox%")))) == \
            {"ibxleader"}
    assert len(dovecot.uids("Processed")) == 1 and len(dovecot.uids("Quarantine")) == 1


def test_team_leader_login_writes_the_lease_and_no_other_setting(shared):
    """The lease is the one setting the team leader's login may write: by raw SQL, another is refused (a new
    one) or untouched (an existing one: the row policy hides it from the update)."""
    shared["services"].desk_intake.configure(None, DeskMailbox(host="imap.example", port=993, security="ssl",
                                                               user="mpel"))
    db = make_url(shared["url"])
    with psycopg.connect(host=db.query["host"], dbname=db.database, user="ibxleader", autocommit=True) as leader:
        leader.execute("INSERT INTO settings (key, value, updated_at) VALUES (%s, 'x|2000-01-01', now())",
                       (LEASE_KEY,))
        assert leader.execute("UPDATE settings SET value = '' WHERE key = %s", (LEASE_KEY,)).rowcount == 1
        assert leader.execute("UPDATE settings SET value = 'evil.example' "
                              "WHERE key = 'inbox.imap_host'").rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            leader.execute("INSERT INTO settings (key, value, updated_at) VALUES ('records_retention_years', "
                           "'99', now())")
    with shared["services"].uow.read() as s:
        assert s.get(Setting, "inbox.imap_host").value == "imap.example"
