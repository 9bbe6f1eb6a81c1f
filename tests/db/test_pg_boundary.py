"""PostgreSQL is the boundary (issue 19): each person's own login, with raw SQL, is refused what the services refuse.

A database on the session's throwaway cluster is set up through the services
(as the superuser that migrates it, with per-person logins on, so every
account created gets its login through the provisioning functions); then each
test connects AS one person's login with psycopg and tries, in plain SQL, what
the desk would never let them do.  The cluster trusts its unix socket, so the
logins here connect without their passwords; ``test_password_is_a_scram_verifier``
checks the stored verifier signs in with the password for real.
"""
from __future__ import annotations

import contextlib
import dataclasses
import uuid

import psycopg
import psycopg.sql
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from mpel_app.app import open_database
from mpel_app.db import pg_provision, pg_roles
from mpel_app.domain.errors import PermissionDenied
from mpel_app.domain.records import CallerKind, Channel, Disclosure, Role, SearchKey, SubjectDetails
from tests.support.letters_world import SCAN
from tests.support.world import OTHER_PASSCODE, PASSCODE, PASSWORD, build_world

SUBJECT = SubjectDetails(name="Zoë Núñez-García", ho_reference="N1234567", nationality="Colombian")
SCOT_SUBJECT = SubjectDetails(name="Fergus Doyle", ho_reference="D7654321", nationality="Irish")


def _detailed(e, actor, member, passcode, subject):
    rec = e.start(actor, Channel.TELEPHONE)
    e.set_caller(actor, rec.id, member_id=member.id, caller_kind=CallerKind.MEMBER)
    e.verify_passcode(actor, rec.id, passcode)
    e.record_disclosure(actor, rec.id, Disclosure(constituency_mp=True, identity_confirmed=True))
    return e.update_details(actor, rec.id, subject=subject, question="Where is the claim?", answer="",
                            written_confirmation=False)


@pytest.fixture(scope="module")
def boundary(pg_cluster):
    """One database with per-person logins; its logins (cluster-wide) are dropped after it, so that another
    module importing this fixture builds its own world with the same usernames."""
    with _dropping_logins(pg_cluster), pg_cluster.temporary_database(prefix="mpel_boundary") as url:
        services = open_database(url, per_person_logins=True)
        try:
            world = build_world(services)
            users, e = services.users, services.enquiries
            mpcs = users.create_user(world.admin, username="mpcs", full_name="Mo Allocator", password=PASSWORD,
                                     roles={Role.MPCS_ALLOCATOR}, demo=True)
            handler = users.create_user(world.admin, username="handler", full_name="Hana Handler",
                                        password=PASSWORD, roles={Role.CASE_OWNER}, demo=True)
            # Verified once, then the caller changed to another MP: locked again, its subject typed.
            relocked = _detailed(e, world.agent, world.mp, PASSCODE, SUBJECT)
            e.set_caller(world.agent, relocked.id, member_id=world.mp_scot.id, caller_kind=CallerKind.MEMBER)
            # A Scottish item with the SNI region: London's account manager must not read or change it.
            scot = _detailed(e, world.agent, world.mp_scot, OTHER_PASSCODE, SCOT_SUBJECT)
            e.mark_further_action(world.agent, scot.id)
            scot = e.send_to_region(world.leader, scot.id)
            london = _detailed(e, world.agent, world.mp, PASSCODE, SUBJECT)
            e.mark_further_action(world.agent, london.id)
            london = e.send_to_region(world.leader, london.id)
            letter = dict(kind="official", member_id=world.mp.id, issue="his claim", ho_reference="R1234567",
                          constituent_name="Mrs Rezaei", scanned_pdf=SCAN, signatory=None)
            open_letter = services.letters.register(mpcs, subject_name="Ali Rezaei", **letter)
            secret = services.letters.register(mpcs, subject_name="Staff Member", **letter)
            dbname = make_url(url).database
            with pg_cluster.connect(dbname) as su:  # restricted [CORR 2.5], its one named handler
                su.execute("UPDATE letters SET restricted = true WHERE id = %s", (secret.id,))
                su.execute("INSERT INTO letter_handlers (letter_id, user_id) VALUES (%s, %s)", (secret.id, handler.id))
            yield dict(url=url, dbname=dbname, services=services, world=world, relocked=relocked, scot=scot,
                       london=london, open_letter=open_letter, secret=secret, handler=handler)
        finally:
            services.close()


# Logins, and people's logins a deactivation left NOLOGIN; not the group roles, which other databases use.
_LOGINS = ("SELECT r.rolname FROM pg_roles r WHERE r.rolcanlogin OR EXISTS (SELECT 1 FROM pg_auth_members m "
           "JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid AND g.rolname = 'mpel_person')")


@contextlib.contextmanager
def _dropping_logins(pg_cluster):
    with pg_cluster.connect() as su:
        before = {r[0] for r in su.execute(_LOGINS)}
    try:
        yield
    finally:
        with pg_cluster.connect() as su:
            for (name,) in su.execute(_LOGINS).fetchall():
                if name not in before:
                    su.execute(psycopg.sql.SQL("DROP ROLE IF EXISTS {}").format(psycopg.sql.Identifier(name)))


@contextlib.contextmanager
def login(pg_cluster, boundary, who: str):
    conn = psycopg.connect(host=str(pg_cluster.socket_dir), user=who, dbname=boundary["dbname"], autocommit=True)
    try:
        yield conn
    finally:
        conn.close()


def refused(conn, statement: str, params=()) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(statement, params)


def test_every_account_has_its_login_in_its_groups(pg_cluster, boundary):
    with pg_cluster.connect(boundary["dbname"]) as su:
        rows = dict(su.execute(
            "SELECT r.rolname, array_agg(g.rolname ORDER BY g.rolname) FROM pg_roles r "
            "JOIN pg_auth_members m ON m.member = r.oid JOIN pg_roles g ON g.oid = m.roleid "
            "WHERE r.rolcanlogin AND r.rolname IN ('admin', 'agent', 'amlse', 'handler') GROUP BY r.rolname"))
    assert rows["agent"] == ["mpel_call_agent", "mpel_desk", "mpel_person"]
    assert rows["amlse"] == ["mpel_account_manager", "mpel_desk", "mpel_person"]
    assert rows["admin"] == ["mpel_administrator", "mpel_desk", "mpel_person"]
    assert rows["handler"] == ["mpel_case_owner", "mpel_desk", "mpel_person"]


def test_locked_subject_is_not_readable_by_raw_sql(pg_cluster, boundary):
    relocked, london = boundary["relocked"].id, boundary["london"].id
    for who in ("agent", "leader", "admin"):
        with login(pg_cluster, boundary, who) as conn:
            refused(conn, "SELECT subject_name FROM public.enquiries WHERE id = %s", (relocked,))
            refused(conn, "SELECT * FROM public.enquiries")
            # The reference and state stay readable: the desk needs them to check the passcode.
            assert conn.execute("SELECT reference FROM public.enquiries WHERE id = %s", (relocked,)).fetchone()
            # The login's own search_path reads the desk's view: the subject comes back blank.
            assert conn.execute("SELECT subject_name, ho_reference, subject_dob FROM enquiries WHERE id = %s",
                                (relocked,)).fetchone() == ("", "", None)
            assert conn.execute("SELECT subject_name FROM enquiries WHERE id = %s", (london,)).fetchone() \
                == (SUBJECT.name,)
            assert conn.execute("SELECT subject_name FROM enquiry_subjects WHERE id = %s",
                                (relocked,)).fetchall() == []
            assert conn.execute("SELECT count(*) FROM subject_name_tokens WHERE enquiry_id = %s",
                                (relocked,)).fetchone() == (0,)
            assert conn.execute("SELECT subject_name FROM enquiry_subjects WHERE id = %s",
                                (london,)).fetchone() == (SUBJECT.name,)
    with pg_cluster.connect(boundary["dbname"]) as su:  # it is there: the database withholds it
        assert su.execute("SELECT subject_name FROM enquiries WHERE id = %s", (relocked,)).fetchone() == (SUBJECT.name,)
        assert su.execute("SELECT count(*) FROM subject_name_tokens WHERE enquiry_id = %s",
                          (relocked,)).fetchone()[0] > 0


def test_account_manager_reads_and_changes_only_their_region(pg_cluster, boundary):
    scot, london = boundary["scot"].id, boundary["london"].id
    with login(pg_cluster, boundary, "amlse") as conn:
        assert conn.execute("SELECT id FROM enquiry_subjects WHERE id IN (%s, %s)", (scot, london)).fetchall() \
            == [(london,)]
        assert conn.execute("SELECT count(*) FROM subject_name_words WHERE enquiry_id = %s", (scot,)).fetchone() == (0,)
        for table in ("public.enquiries", "enquiries"):  # the table, and the desk's view of it
            updated = conn.execute(f"UPDATE {table} SET acknowledged_at = now() WHERE id = %s", (scot,))
            assert updated.rowcount == 0
            # Moving its own item into another region is refused by the policy's check.
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(f"UPDATE {table} SET region_code = 'SNI' WHERE id = %s", (london,))
    with login(pg_cluster, boundary, "amsni") as conn:
        assert conn.execute("SELECT subject_name FROM enquiry_subjects WHERE id = %s",
                            (scot,)).fetchone() == (SCOT_SUBJECT.name,)
        assert conn.execute("SELECT id FROM enquiry_subjects WHERE id = %s", (london,)).fetchall() == []


def test_restricted_letter_only_for_its_named_handler(pg_cluster, boundary):
    secret, open_letter = boundary["secret"].id, boundary["open_letter"].id
    for who in ("owner", "mpcs", "admin"):
        with login(pg_cluster, boundary, who) as conn:
            ids = [r[0] for r in conn.execute("SELECT id FROM letters ORDER BY id")]
            assert ids == [open_letter], who
            assert conn.execute("SELECT count(*) FROM letter_documents WHERE letter_id = %s",
                                (secret,)).fetchone() == (0,)
            assert conn.execute("UPDATE letters SET draft_text = 'x' WHERE id = %s", (secret,)).rowcount == 0
    with login(pg_cluster, boundary, "handler") as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM letters ORDER BY id")]
        assert ids == [open_letter, secret]
    with login(pg_cluster, boundary, "agent") as conn:  # no part in CTS letters at all
        refused(conn, "SELECT id FROM letters")


def test_audit_log_is_append_only_for_everyone(pg_cluster, boundary):
    for who in ("agent", "admin"):
        with login(pg_cluster, boundary, who) as conn:
            assert conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] > 0
            # Through the login's own view of the log (pg_private) and at the table itself.
            refused(conn, "UPDATE audit_log SET action = 'nothing happened'")
            refused(conn, "DELETE FROM audit_log")
            refused(conn, "UPDATE public.audit_log SET action = 'nothing happened'")
            refused(conn, "DELETE FROM public.audit_log")
            refused(conn, "TRUNCATE public.audit_log")
    with pg_cluster.connect(boundary["dbname"]) as su:  # even the owner (here a superuser)
        refused(su, "UPDATE audit_log SET action = 'nothing happened'")
        refused(su, "DELETE FROM audit_log")
        refused(su, "TRUNCATE audit_log")


def test_audit_entries_name_the_login_that_wrote_them(pg_cluster, boundary):
    admin_id, agent_id = boundary["world"].admin.id, boundary["world"].agent.id
    with login(pg_cluster, boundary, "agent") as conn:
        written = conn.execute(
            "INSERT INTO audit_log (at, user_id, username, entity, entity_id, action, changes) "
            "VALUES (now(), %s, 'admin', 'user', %s, 'roles changed', '{}') RETURNING id", (admin_id, agent_id)
        ).fetchone()[0]
    with pg_cluster.connect(boundary["dbname"]) as su:
        assert su.execute("SELECT user_id, username FROM audit_log WHERE id = %s",
                          (written,)).fetchone() == (agent_id, "agent")


def test_no_one_raises_their_own_rights(pg_cluster, boundary):
    admin_id = boundary["world"].admin.id
    with login(pg_cluster, boundary, "agent") as conn:
        refused(conn, "UPDATE users SET roles = 'administrator' WHERE username = 'agent'")
        refused(conn, "UPDATE users SET roles = 'call_agent' WHERE id = %s", (admin_id,))
        # Its own sign-in state it may change, but no one else's.
        assert conn.execute("UPDATE users SET failed_logins = 0 WHERE username = 'agent'").rowcount == 1
        assert conn.execute("UPDATE users SET failed_logins = 9 WHERE id = %s", (admin_id,)).rowcount == 0
        refused(conn, "SET ROLE mpel_administrator")
        refused(conn, "SET ROLE admin")
        refused(conn, "GRANT mpel_administrator TO agent")
        # Granting what one has no grant option on is a warning and grants nothing.
        conn.execute("GRANT UPDATE ON audit_log TO agent")
        conn.execute("GRANT SELECT ON public.enquiries TO agent")
        assert conn.execute("SELECT has_table_privilege('agent', 'audit_log', 'UPDATE'), "
                            "has_column_privilege('agent', 'public.enquiries', 'subject_name', 'SELECT'), "
                            "pg_has_role('agent', 'mpel_administrator', 'MEMBER')").fetchone() == (False, False, False)
        refused(conn, "SELECT mpel_set_login_roles('agent', ARRAY['mpel_administrator'])")
        refused(conn, "SELECT mpel_provision_login('mallory', NULL, ARRAY['mpel_administrator'])")
        refused(conn, "ALTER ROLE agent CREATEROLE")
        refused(conn, "CREATE ROLE mallory LOGIN")
    with login(pg_cluster, boundary, "admin") as conn:
        # An administrator changes people's MPEL roles, but only to MPEL roles, and only of people's logins.
        refused(conn, "SELECT mpel_set_login_roles('agent', ARRAY['pg_read_server_files'])")
        refused(conn, "SELECT mpel_set_login_roles('postgres', ARRAY['mpel_call_agent'])")
        refused(conn, "SELECT mpel_set_login_roles('mpel_provisioner', ARRAY['mpel_call_agent'])")
        refused(conn, "SET ROLE mpel_provisioner")
        refused(conn, "CREATE ROLE mallory LOGIN")


def test_service_logins_only_what_they_do(pg_cluster, boundary):
    with pg_cluster.connect(boundary["dbname"]) as su:
        su.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cti') THEN "
                   "CREATE ROLE cti LOGIN IN ROLE mpel_cti_service; END IF; END $$")
    with login(pg_cluster, boundary, "cti") as conn:
        assert conn.execute("SELECT count(*) FROM calls").fetchone() == (0,)
        refused(conn, "SELECT reference FROM enquiries")
        refused(conn, "SELECT * FROM enquiry_subjects")
        refused(conn, "SELECT id FROM letters")
        refused(conn, "SELECT count(*) FROM audit_log")
        refused(conn, "UPDATE users SET roles = 'administrator'")


def test_the_owner_and_sqlite_are_not_person_logins(boundary, sqlite_url):
    for url in (boundary["url"], sqlite_url):
        services = open_database(url)
        try:
            assert not services.users._logins.enabled
        finally:
            services.close()


def test_existing_accounts_get_their_logins_at_upgrade(pg_cluster, boundary):
    """README: a shared-role deployment's accounts, made before 0019, are given logins by one statement."""
    world = boundary["world"]
    shared = open_database(boundary["url"])  # the owner: Administration makes no logins
    try:
        shared.users.create_user(world.admin, username="legacy", full_name="Lee Gacy", password=PASSWORD,
                                 roles={Role.MPEL_TEAM_LEADER, Role.DUTY_MANAGER}, demo=True)
    finally:
        shared.close()
    with pg_cluster.connect(boundary["dbname"]) as su:
        assert su.execute("SELECT 1 FROM pg_roles WHERE rolname = 'legacy'").fetchone() is None
        made = [row[0] for row in su.execute(pg_provision.PROVISION_EXISTING)]
        assert made == ["legacy"]
        assert su.execute("SELECT pg_has_role('legacy', 'mpel_team_leader', 'MEMBER'), "
                          "pg_has_role('legacy', 'mpel_duty_manager', 'MEMBER'), "
                          "pg_has_role('legacy', 'mpel_administrator', 'MEMBER')").fetchone() == (True, True, False)
        assert list(su.execute(pg_provision.PROVISION_EXISTING)) == []  # run twice: nothing more


def test_group_names_follow_the_roles():
    assert pg_roles.GROUPS[Role.CALL_AGENT] == "mpel_call_agent"
    assert pg_roles.GROUPS[Role.MPEL_TEAM_LEADER] == "mpel_team_leader"
    assert pg_roles.GROUPS[Role.ADMINISTRATOR] == "mpel_administrator"
    assert len(set(pg_roles.GROUPS.values())) == len(Role)


@contextlib.contextmanager
def desk_as(boundary, who: str):
    """The services as a desk signed in to the database as ``who`` (not migrating: a desk never does)."""
    url = make_url(boundary["url"]).set(username=who)
    desk = open_database(url.render_as_string(hide_password=False), upgrade=None)
    try:
        assert desk.users._logins.enabled  # found out from the login itself: no setting to forget
        yield desk
    finally:
        desk.close()


def test_admin_login_creates_a_user_and_their_login(pg_cluster, boundary):
    with desk_as(boundary, "admin") as desk:
        made = desk.users.create_user(boundary["world"].admin, username="newagent", full_name="Nina New",
                                      password=PASSWORD, roles={Role.CALL_AGENT}, demo=True)
        assert made.username == "newagent"
    with pg_cluster.connect(boundary["dbname"]) as su:
        assert su.execute("SELECT rolcanlogin, pg_has_role('newagent', 'mpel_call_agent', 'MEMBER'), "
                          "pg_has_role('newagent', 'mpel_administrator', 'MEMBER') FROM pg_roles "
                          "WHERE rolname = 'newagent'").fetchone() == (True, True, False)


def test_admin_login_changes_roles_and_deactivates_with_the_login(pg_cluster, boundary):
    world = boundary["world"]
    with desk_as(boundary, "admin") as desk:
        made = desk.users.create_user(world.admin, username="temp", full_name="Tem Porary", password=PASSWORD,
                                      roles={Role.CALL_AGENT}, demo=True)
        desk.users.set_roles(world.admin, made.id, {Role.MPEL_TEAM_LEADER})
        with pg_cluster.connect(boundary["dbname"]) as su:
            assert su.execute("SELECT pg_has_role('temp', 'mpel_team_leader', 'MEMBER'), "
                              "pg_has_role('temp', 'mpel_call_agent', 'MEMBER')").fetchone() == (True, False)
        desk.users.set_active(world.admin, made.id, False)
        with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
            psycopg.connect(host=str(pg_cluster.socket_dir), user="temp", dbname=boundary["dbname"])
        desk.users.set_active(world.admin, made.id, True)
        psycopg.connect(host=str(pg_cluster.socket_dir), user="temp", dbname=boundary["dbname"]).close()


def test_call_agent_login_logs_a_call(boundary):
    world = boundary["world"]
    with desk_as(boundary, "agent") as desk:
        e = desk.enquiries
        rec = e.start(world.agent, Channel.TELEPHONE)
        rec = e.set_caller(world.agent, rec.id, member_id=world.mp.id, caller_kind=CallerKind.MEMBER)
        rec = e.verify_passcode(world.agent, rec.id, PASSCODE)
        assert not rec.locked
        e.record_disclosure(world.agent, rec.id, Disclosure(constituency_mp=True, identity_confirmed=True))
        rec = e.update_details(world.agent, rec.id, subject=SCOT_SUBJECT, question="Any news?", answer="",
                               written_confirmation=False)
        assert e.get(world.agent, rec.id).subject.name == SCOT_SUBJECT.name
        # Another MP on the line: locked again, and the database shows the desk a blank subject.
        e.set_caller(world.agent, rec.id, member_id=world.mp_scot.id, caller_kind=CallerKind.MEMBER)
        with desk.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT subject_name FROM enquiries WHERE id = %(i)s",
                                        {"i": rec.id}).scalar_one() == ""
    with psycopg.connect(host=str(make_url(boundary["url"]).query["host"]), user="postgres",
                         dbname=boundary["dbname"]) as su:  # written through the view, unharmed by the blank
        assert su.execute("SELECT subject_name FROM enquiries WHERE id = %s", (rec.id,)).fetchone() \
            == (SCOT_SUBJECT.name,)


def test_a_claimed_region_does_not_fool_the_database(boundary):
    """The attack of issue 19: a desk process that hands the service a doctored user record."""
    world = boundary["world"]
    with desk_as(boundary, "amsni") as desk:
        forged = dataclasses.replace(world.am_sni, region_code="LSE", roles=frozenset({Role.ADMINISTRATOR}))
        # The desk's record is not the login's account: refused as such (not a lost race, nor a bare
        # "permission denied" from the row policy leaving the update nothing to change).
        with pytest.raises(PermissionDenied, match="sign in again"):
            desk.enquiries.acknowledge(forged, boundary["london"].id)
        assert desk.enquiries.header(world.am_sni, boundary["london"].id).acknowledged_at is None
        with pytest.raises(DBAPIError, match="permission denied"):
            desk.users.create_user(forged, username="mallory", full_name="Mal Lory", password=PASSWORD,
                                   roles={Role.ADMINISTRATOR}, demo=True)


def test_find_and_queues_as_a_person_show_no_locked_or_foreign_subject(boundary):
    """Finding 1 of issue 19 at the database: a re-locked record's subject is not there to be found."""
    world, relocked, london = boundary["world"], boundary["relocked"].id, boundary["london"].id
    with desk_as(boundary, "agent") as desk:
        for key, text in ((SearchKey.SUBJECT_NAME, "Núñez"), (SearchKey.HO_REFERENCE, SUBJECT.ho_reference),
                          (SearchKey.NATIONALITY, SUBJECT.nationality)):
            found = {row.id: row for row in desk.enquiries.find(world.agent, key, text)}
            assert london in found and relocked not in found, key
            assert found[london].subject_name == SUBJECT.name
    with desk_as(boundary, "amlse") as desk:
        queue = desk.enquiries.region_queue(world.am_lse, "LSE")
        assert [row.subject_name for row in queue if row.id == london] == [SUBJECT.name]


def test_account_manager_login_acknowledges_their_item(boundary):
    world = boundary["world"]
    with desk_as(boundary, "amlse") as desk:
        rec = desk.enquiries.acknowledge(world.am_lse, boundary["london"].id)
        assert rec.acknowledged_by == "Lena South"


def test_password_is_a_scram_verifier_that_signs_in(pg_cluster, boundary):
    """The desk sends PostgreSQL a SCRAM verifier, never the password; the login then signs in with the password."""
    world = boundary["world"]
    hba = pg_cluster.dir / "data" / "pg_hba.conf"
    original = hba.read_text()
    # Only this one login is asked for its password; every other keeps the cluster's trust.
    hba.write_text("local all pwcheck scram-sha-256\n" + original)
    try:
        with pg_cluster.connect(boundary["dbname"]) as su:
            su.execute("SELECT pg_reload_conf()")
        boundary["services"].users.create_user(world.admin, username="pwcheck", full_name="Pat Word",
                                               password="a long pass phrase 42", roles={Role.CALL_AGENT})
        with pg_cluster.connect(boundary["dbname"]) as su:
            stored = su.execute("SELECT rolpassword FROM pg_authid WHERE rolname = 'pwcheck'").fetchone()[0]
        assert stored.startswith("SCRAM-SHA-256$4096:")
        conn = psycopg.connect(host=str(pg_cluster.socket_dir), user="pwcheck", dbname=boundary["dbname"],
                               password="a long pass phrase 42")
        assert conn.execute("SELECT session_user, mpel_user_id() IS NOT NULL").fetchone() == ("pwcheck", True)
        conn.close()
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(host=str(pg_cluster.socket_dir), user="pwcheck", dbname=boundary["dbname"],
                            password="a wrong guess")
    finally:
        hba.write_text(original)
        with pg_cluster.connect(boundary["dbname"]) as su:
            su.execute("SELECT pg_reload_conf()")


def test_readme_steps_on_a_fresh_database_with_an_ordinary_owner(pg_cluster):
    """The README, followed: an owner with CREATEROLE (no superuser) upgrades, the first administrator gets
    a login, creates users of three roles from Administration as themselves, and each signs in as themselves."""
    tag = uuid.uuid4().hex[:8]
    owner, name = f"owner_{tag}", f"mpel_readme_{tag}"
    with pg_cluster.connect() as su:
        su.execute(f"CREATE ROLE {owner} LOGIN CREATEROLE")
        su.execute(f"CREATE DATABASE {name} OWNER {owner} TEMPLATE template0")
    host = str(pg_cluster.socket_dir)
    url_of = lambda who: f"postgresql+psycopg://{who}@/{name}?host={host}"  # noqa: E731
    try:
        setup = open_database(url_of(owner))  # `mpel db upgrade`, then the first-start walk-through
        try:
            assert not setup.users._logins.enabled
            ada = setup.users.create_first_admin(f"ada{tag}", "Ada Lovelace", PASSWORD)
        finally:
            setup.close()
        with psycopg.connect(host=host, user=owner, dbname=name, autocommit=True) as conn:  # README step 2
            conn.execute("SELECT mpel_provision_login(%s, NULL, ARRAY['mpel_administrator'])", (ada.username,))
        desk = open_database(url_of(ada.username), upgrade=None)
        try:
            ada = desk.users.authenticate(ada.username, PASSWORD)
            made = {role: desk.users.create_user(ada, username=f"{role.value[:6]}{tag}", full_name="Pat Person",
                                                 password=PASSWORD, roles={role}, region_code=region)
                    for role, region in ((Role.CALL_AGENT, None), (Role.ACCOUNT_MANAGER, "LSE"),
                                         (Role.MPEL_TEAM_LEADER, None))}
        finally:
            desk.close()
        for role, user in made.items():
            own = open_database(url_of(user.username), upgrade=None)
            try:
                signed_in = own.users.authenticate(user.username, PASSWORD)
                assert signed_in.roles == {role}
                with own.engine.connect() as conn:
                    assert conn.exec_driver_sql("SELECT session_user").scalar_one() == user.username
                if role is Role.CALL_AGENT:
                    assert own.enquiries.start(signed_in, Channel.TELEPHONE).reference.startswith("MPH")
                with own.engine.connect() as conn, pytest.raises(DBAPIError, match="permission denied"):
                    conn.exec_driver_sql("SELECT subject_name FROM public.enquiries")
            finally:
                own.close()
    finally:
        pg_cluster.drop_database(name)


def test_0019_downgrades_and_upgrades_again(pg_cluster):
    from alembic import command

    from mpel_app.db import migrate
    from mpel_app.db.engine import make_engine

    with pg_cluster.temporary_database(prefix="mpel_down") as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(engine)
            command.downgrade(migrate.alembic_config(engine), "0017")
            with engine.connect() as conn:
                assert conn.exec_driver_sql("SELECT count(*) FROM pg_policies").scalar_one() == 0
                assert conn.exec_driver_sql("SELECT to_regclass('mpel_desk_view.enquiries'), "
                                            "to_regprocedure('mpel_user_id()')").one() == (None, None)
            migrate.upgrade(engine)
            with engine.connect() as conn:
                assert conn.exec_driver_sql("SELECT count(*) FROM pg_policies").scalar_one() > 0
        finally:
            engine.dispose()
