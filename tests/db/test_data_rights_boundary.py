"""PostgreSQL's boundary and erasure (issue 17): the data protection officer's own login erases a person
through the services; the audit log stays append-only for everyone, the officer included, and only the
narrow function (``mpel_erase_audit_values``) replaces values in it, callable by the officer and
administrators alone."""
from __future__ import annotations

import contextlib
import psycopg
import pytest
from sqlalchemy.engine import make_url

from mpel_app.app import open_database
from mpel_app.db import pg_provision
from mpel_app.domain.data_rights import combine
from mpel_app.domain.records import Role
from mpel_app.services import people as finder
from tests.support import people as p
from tests.support.letters_world import build_letters_world
from tests.db.test_pg_boundary import login, refused
from tests.support.world import PASSWORD


def _drop_person_logins(pg_cluster) -> None:
    """Logins are cluster-wide: another module's world (test_pg_boundary) has the same usernames."""
    with pg_cluster.connect() as su:
        for (name,) in su.execute("SELECT me.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
                                  "JOIN pg_roles me ON me.oid = m.member WHERE g.rolname = %s",
                                  (pg_provision.PERSON,)).fetchall():
            su.execute(f'DROP ROLE IF EXISTS "{name}"')


@contextlib.contextmanager
def rights_world(pg_cluster, prefix: str):
    """A database with per-person logins and Ali Rezaei in it: (url, services, letters world, person)."""
    _drop_person_logins(pg_cluster)
    try:
        with pg_cluster.temporary_database(prefix=prefix) as url:
            services = open_database(url, per_person_logins=True)
            try:
                lw = build_letters_world(services)
                yield url, services, lw, p.build_person(lw)
            finally:
                services.close()
    finally:
        _drop_person_logins(pg_cluster)


@pytest.fixture(scope="module")
def shared(pg_cluster):
    with rights_world(pg_cluster, "mpel_rights") as (url, services, lw, person):
        yield dict(url=url, dbname=make_url(url).database, services=services, lw=lw, person=person)


def test_audit_log_stays_append_only_and_the_function_is_narrow(pg_cluster, shared):
    for who in ("dpo", "admin", "agent", "leader"):
        with login(pg_cluster, shared, who) as conn:
            refused(conn, "UPDATE public.audit_log SET changes = '{}'")
            refused(conn, "DELETE FROM public.audit_log")
    for who in ("agent", "leader", "tl"):
        with login(pg_cluster, shared, who) as conn:
            refused(conn, "SELECT public.mpel_erase_audit_values(ARRAY[1]::bigint[], ARRAY['Ali Rezaei'])")
    with login(pg_cluster, shared, "dpo") as conn:
        with pytest.raises(psycopg.errors.InvalidParameterValue):  # "a" would blank the trail
            conn.execute("SELECT public.mpel_erase_audit_values(ARRAY[1]::bigint[], ARRAY['a'])")
        # Inside the function's transaction the trigger opened for it only: closed again afterwards.
        with conn.transaction():
            conn.execute("SELECT public.mpel_erase_audit_values(ARRAY[]::bigint[], ARRAY['nothing here'])")
            assert conn.execute("SELECT current_setting('mpel.migrating', true)").fetchone()[0] in ("", None)


def test_the_officers_login_erases_him(pg_cluster, shared):
    person, services = shared["person"], shared["services"]
    url = make_url(shared["url"]).set(username="dpo")
    desk = open_database(url.render_as_string(hide_password=False), upgrade=None)
    try:
        dpo = desk.users.authenticate("dpo", PASSWORD)
        match = combine(desk.subject_access.search(dpo, finder.BY_NAME, p.NAME, p.DOB))
        assert match.ids("letter") == [person.letter_id]
        desk.erasure.erase(dpo, match.ids("enquiry"), match.ids("letter"))
    finally:
        desk.close()
    assert p.scan(services.engine, p.erased_values(), dates=(p.DOB,), blobs=(p.SCAN_MARK,),
                  skip=p.sisters(person)) == []
    with pg_cluster.connect(shared["dbname"]) as su:  # the erasure's own row names the officer's login
        assert su.execute("SELECT username FROM audit_log WHERE action = 'erased'").fetchone() == ("dpo",)


def test_group_for_the_officer():
    from mpel_app.db import pg_roles
    assert pg_roles.GROUPS[Role.DATA_PROTECTION_OFFICER] == "mpel_data_protection_officer"
