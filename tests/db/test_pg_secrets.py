"""Secrets a desk's login may use but never read (issue 19): password hashes, office passcodes.

Each person's own PostgreSQL login, with raw SQL, is refused the password and
passcode hashes; it can neither mark a passcode verified by itself nor guess
faster than the desk through ``mpel_check_passcode``; and the desk, on those
same logins, still signs in, changes a password and checks passcodes.
"""
from __future__ import annotations

import psycopg
import pytest

from mpel_app.domain.errors import AuthenticationFailed, InvalidTransition
from mpel_app.domain.office_passcode import OFFICE_FAILURE_LIMIT
from mpel_app.domain.records import CallerKind, Channel
from tests.db.test_pg_boundary import boundary, desk_as, login, refused  # noqa: F401 (fixture)
from tests.support.world import PASSCODE, PASSWORD

DESK_LOGINS = ("agent", "leader", "amlse", "admin", "mpcs")


def _open_call(services, world, member_id):
    e = services.enquiries
    rec = e.start(world.agent, Channel.TELEPHONE)
    return e.set_caller(world.agent, rec.id, member_id=member_id, caller_kind=CallerKind.MEMBER)


def test_no_login_reads_a_password_or_passcode_hash(pg_cluster, boundary):
    for who in DESK_LOGINS:
        with login(pg_cluster, boundary, who) as conn:
            refused(conn, "SELECT password_hash FROM users")
            refused(conn, "SELECT * FROM users")
            refused(conn, "SELECT passcode_hash FROM members")
            refused(conn, "SELECT passcode_verifier FROM members")
            refused(conn, "SELECT * FROM members")
            # What the desk needs stays readable.
            assert conn.execute("SELECT count(*) FROM users WHERE active").fetchone()[0] > 0
            assert conn.execute("SELECT name FROM members WHERE passcode_locked_at IS NULL").fetchall()
            # Its own hash, and only its own: a password it knows already.
            own = conn.execute("SELECT mpel_own_password_hash()").fetchone()[0]
            assert own.startswith("$argon2")
        with pg_cluster.connect(boundary["dbname"]) as su:
            assert su.execute("SELECT password_hash FROM users WHERE username = %s", (who,)).fetchone() == (own,)


def test_a_login_cannot_mark_a_passcode_verified_itself(pg_cluster, boundary):
    world = boundary["world"]
    call = _open_call(boundary["services"], world, world.mp.id)
    with login(pg_cluster, boundary, "agent") as conn:
        for table in ("public.enquiries", "enquiries"):  # the table, and the desk's view of it
            refused(conn, f"UPDATE {table} SET passcode_verified_at = now() WHERE id = %s", (call.id,))
        # Verified for one office, the record cannot be moved to another still open.
        assert conn.execute("SELECT mpel_check_passcode(%s, %s, now())", (call.id, PASSCODE)).fetchone() == (True,)
        conn.execute("UPDATE enquiries SET member_id = %s WHERE id = %s", (world.mp_scot.id, call.id))
        assert conn.execute("SELECT passcode_verified_at FROM enquiries WHERE id = %s", (call.id,)).fetchone() \
            == (None,)


def test_raw_guessing_is_counted_and_stopped_like_the_desk(pg_cluster, boundary):
    world, services = boundary["world"], boundary["services"]
    office = services.members.add(world.leader, name="Guessed Office MP", region_code="LSE", passcode="9911")
    agent_id = world.agent.id
    calls = [_open_call(services, world, office.id) for _ in range(3)]
    with login(pg_cluster, boundary, "agent") as conn:
        check = "SELECT mpel_check_passcode(%s, %s, now())"
        for guess in ("0000", "1111", "2222"):
            assert conn.execute(check, (calls[0].id, guess)).fetchone() == (False,)
        # The call's three tries are spent, whatever the login writes in the record's own counter.
        conn.execute("UPDATE enquiries SET passcode_failures = 0 WHERE id = %s", (calls[0].id,))
        refused(conn, check, (calls[0].id, "3333"))
        for guess in ("4444", "5555", "6666"):  # a new call: the office's limit is reached at six
            assert conn.execute(check, (calls[1].id, guess)).fetchone() == (False,)
        # Clearing the office's lock column (which a desk may set) does not reopen it; nor does a past date.
        conn.execute("UPDATE members SET passcode_locked_at = NULL WHERE id = %s", (office.id,))
        refused(conn, check, (calls[2].id, "9911"))
        refused(conn, "SELECT mpel_check_passcode(%s, %s, now() - interval '3 days')", (calls[2].id, "9911"))
        refused(conn, "DELETE FROM passcode_failures")
        refused(conn, "UPDATE passcode_failures SET at = at - interval '3 days'")
    with pg_cluster.connect(boundary["dbname"]) as su:
        assert su.execute("SELECT count(*), min(user_id), max(user_id) FROM passcode_failures WHERE member_id = %s",
                          (office.id,)).fetchone() == (OFFICE_FAILURE_LIMIT, agent_id, agent_id)


def test_desks_on_their_own_logins_check_passcodes_through_the_database(boundary):
    world = boundary["world"]
    with desk_as(boundary, "leader") as leader_desk:  # a passcode set by the team leader's own login
        office = leader_desk.members.add(world.leader, name="New Office MP", region_code="LSE", passcode="4321")
    with desk_as(boundary, "agent") as desk:
        e = desk.enquiries
        rec = _open_call(desk, world, office.id)
        rec = e.verify_passcode(world.agent, rec.id, "1234")
        assert rec.locked and rec.passcode_failures == 1
        rec = e.verify_passcode(world.agent, rec.id, "4321")
        assert not rec.locked
        actions = [a.action for a in e.audit_trail(world.agent, rec.id)]
        assert "passcode failed" in actions and "passcode verified" in actions


def test_an_office_without_a_verifier_asks_for_a_new_passcode(pg_cluster, boundary):
    """An office whose passcode was set before schema 0024 (no verifier) is not checked, and says why."""
    world = boundary["world"]
    office = boundary["services"].members.add(world.leader, name="Old Office MP", region_code="LSE", passcode="7777")
    with pg_cluster.connect(boundary["dbname"]) as su:
        su.execute("UPDATE members SET passcode_verifier = NULL WHERE id = %s", (office.id,))
    with desk_as(boundary, "agent") as desk:
        rec = _open_call(desk, world, office.id)
        with pytest.raises(InvalidTransition, match="set it again"):
            desk.enquiries.verify_passcode(world.agent, rec.id, "7777")


def test_desk_logins_sign_in_and_change_only_their_own_password(boundary):
    world = boundary["world"]
    with desk_as(boundary, "mpcs") as desk:
        assert desk.users.authenticate("mpcs", PASSWORD).username == "mpcs"
        # Another account's password cannot be checked from this login: it cannot read that hash.
        with pytest.raises(AuthenticationFailed):
            desk.users.authenticate("admin", PASSWORD)
        me = desk.users.authenticate("mpcs", PASSWORD)
        desk.users.change_password(me, PASSWORD, "another long pass phrase")
        assert desk.users.authenticate("mpcs", "another long pass phrase").username == "mpcs"
        with pytest.raises(AuthenticationFailed):
            desk.users.change_password(me, PASSWORD, "yet another pass phrase")
    assert world.admin.username == "admin"


def test_the_owner_still_checks_argon2_and_the_database_has_the_verifier(pg_cluster, boundary):
    with pg_cluster.connect(boundary["dbname"]) as su:
        hashed, verifier = su.execute("SELECT passcode_hash, passcode_verifier FROM members WHERE id = %s",
                                      (boundary["world"].mp.id,)).fetchone()
        assert hashed.startswith("$argon2") and verifier.startswith("$2a$")
        assert su.execute("SELECT crypt(%s, %s) = %s", (PASSCODE, verifier, verifier)).fetchone() == (True,)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with login(pg_cluster, boundary, "leader") as conn:
            conn.execute("SELECT passcode_verifier FROM members")
