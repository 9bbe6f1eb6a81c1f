"""Issue #19 findings 2 and 7: the sign-in lockout holds against parallel desks, and the time a sign-in
takes does not say whether the username exists.

2. Six processes with three wrong passwords each, on the real PostgreSQL cluster (and on SQLite): every
   failure is counted (no lost update), the account locks, and the right password is then refused.
7. An unknown username costs one argon2 verification, as a real one does (counted, not timed: a test
   never asserts on time; the figure is in benchmarks/sign_in_timing.py).
"""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from mpel_app.db.models import AuditLog, User
from mpel_app.domain.errors import AuthenticationFailed
from mpel_app.domain.records import MAX_FAILED_SIGN_INS, Role
from mpel_app.services import security
from tests.support.racers import race
from tests.support.world import MONDAY_MORNING, PASSWORD

DESKS, TRIES = 6, 3


def test_parallel_wrong_passwords_are_all_counted_and_lock_the_account(world, db_url):
    services = world.services
    # A real (full-cost) hash, as production users have: the race window is the verification's length.
    target = services.users.create_user(world.admin, username="target", full_name="Tara Get", password=PASSWORD,
                                        roles={Role.CALL_AGENT})
    outcomes = race("sign_in", [{"url": db_url, "now": MONDAY_MORNING.isoformat(), "username": "target",
                                 "password": "not the password"} for _ in range(DESKS)])
    assert all(o[0] == "ok" for o in outcomes), outcomes
    with services.uow.read() as s:
        failed = s.scalar(select(User.failed_logins).where(User.id == target.id))
        counted = [json.loads(r.changes)["failed_logins"] for r in s.scalars(
            select(AuditLog).where(AuditLog.entity == "user", AuditLog.entity_id == target.id,
                                   AuditLog.action == "sign-in failed"))]
    assert failed >= MAX_FAILED_SIGN_INS
    # Each failure saw the count the one before it left: none was lost.
    assert sorted(counted) == list(range(1, failed + 1))
    with pytest.raises(AuthenticationFailed, match="locked"):
        services.users.authenticate("target", PASSWORD)


def test_a_right_password_is_refused_once_the_account_is_locked(world):
    users = world.services.users
    users.create_user(world.admin, username="target", full_name="Tara Get", password=PASSWORD,
                      roles={Role.CALL_AGENT}, demo=True)
    for _ in range(MAX_FAILED_SIGN_INS):
        with pytest.raises(AuthenticationFailed):
            users.authenticate("target", "wrong password")
    with pytest.raises(AuthenticationFailed, match="locked"):
        users.authenticate("target", PASSWORD)
    assert users.list_users(world.admin)[-1].locked


def test_an_unknown_username_costs_a_real_verification(world, monkeypatch):
    from mpel_app.services import users as users_module
    calls = []

    def counting(stored, secret):
        calls.append(stored)
        return security.verify_secret(stored, secret)

    monkeypatch.setattr(users_module, "verify_secret", counting)
    users = world.services.users
    for name in ("nobody", "agent"):
        with pytest.raises(AuthenticationFailed, match="wrong username or password"):
            users.authenticate(name, "not the password")
    # One argon2 verification each; the unknown user's against a hash of the real cost.
    assert len(calls) == 2
    assert calls[0] == security.dummy_hash() and calls[0].startswith("$argon2id$")
    assert f"m={security._HASHER.memory_cost}" in calls[0]


def test_a_right_password_checked_while_other_desks_lock_the_account_is_refused(world, monkeypatch):
    """The right password arrives while other desks' wrong ones lock the account during its (slow) check:
    it must not reset the count and sign in."""
    from sqlalchemy import update

    from mpel_app.services import users as users_module
    services = world.services
    target = services.users.create_user(world.admin, username="target", full_name="Tara Get", password=PASSWORD,
                                        roles={Role.CALL_AGENT}, demo=True)

    def locked_meanwhile(stored, secret):
        with services.uow() as s:  # another desk's failures land while this one verifies
            s.execute(update(User).where(User.id == target.id).values(failed_logins=MAX_FAILED_SIGN_INS))
        return security.verify_secret(stored, secret)

    monkeypatch.setattr(users_module, "verify_secret", locked_meanwhile)
    with pytest.raises(AuthenticationFailed, match="locked"):
        services.users.authenticate("target", PASSWORD)
    with services.uow.read() as s:
        assert s.scalar(select(User.failed_logins).where(User.id == target.id)) == MAX_FAILED_SIGN_INS
