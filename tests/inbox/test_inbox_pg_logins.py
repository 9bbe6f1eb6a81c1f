"""The central inbox on a shared PostgreSQL where each person and service signs in as their own login:
the intake service's login takes mail in (a CTS reference included), the team leader's releases from quarantine."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from mpel_app.app import open_database
from mpel_app.db.models import Enquiry, InboxMessage
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
                # The intake's own account is made once by the owner (a service login may not create accounts).
                services.inbox.intake_actor()
                with pg_cluster.connect(make_url(url).database) as su:
                    su.execute("CREATE ROLE ibxintake LOGIN IN ROLE mpel_inbox_service")
                yield dict(url=url, services=services, leader=leader)
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
