"""User accounts on SQLite and PostgreSQL: locking after failed sign-ins, unlocking, an administrator's
password reset, a person changing their own password, and e-mail addresses, each audited and refused to
whoever may not."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from mpel_app.db.models import AuditLog
from mpel_app.domain.errors import AuthenticationFailed, NotFound, PermissionDenied, ValidationError
from mpel_app.domain.records import MAX_FAILED_SIGN_INS, Role
from tests.support.world import PASSWORD, fresh_user

NEW_PASSWORD = "a brand new phrase"


def _lock(services, username: str) -> None:
    for _ in range(MAX_FAILED_SIGN_INS):
        with pytest.raises(AuthenticationFailed, match="wrong username or password"):
            services.users.authenticate(username, "not the password")


def _audit(services, user_id: int) -> list[tuple[str, str, dict]]:
    with services.uow.read() as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.entity == "user", AuditLog.entity_id == user_id)
                         .order_by(AuditLog.id))
        return [(r.username, r.action, json.loads(r.changes or "{}")) for r in rows]


def _listed(services, admin, user_id: int):
    return next(u for u in services.users.list_users(admin) if u.id == user_id)


def test_five_wrong_passwords_lock_the_account_until_an_administrator_unlocks_it(services, world):
    users, agent = services.users, world.agent
    assert not _listed(services, world.admin, agent.id).locked
    _lock(services, "agent")
    assert _listed(services, world.admin, agent.id).locked
    assert fresh_user(services, agent.id).locked
    # Locked: even the right password is refused, with a message saying why.
    with pytest.raises(AuthenticationFailed, match="locked"):
        users.authenticate("agent", PASSWORD)
    assert _audit(services, agent.id)[-1] == ("system", "sign-in failed",
                                              {"failed_logins": MAX_FAILED_SIGN_INS, "locked": True})

    with pytest.raises(PermissionDenied):
        users.unlock(world.leader, agent.id)
    assert _listed(services, world.admin, agent.id).locked

    users.unlock(world.admin, agent.id)
    assert not _listed(services, world.admin, agent.id).locked
    assert users.authenticate("agent", PASSWORD).id == agent.id
    assert ("admin", "unlocked", {}) in _audit(services, agent.id)


def test_administrator_resets_a_forgotten_password_which_also_unlocks(services, world):
    users, agent = services.users, world.agent
    _lock(services, "agent")
    record = users.reset_password(world.admin, agent.id, NEW_PASSWORD)
    assert record.username == "agent" and not record.locked
    with pytest.raises(AuthenticationFailed):
        users.authenticate("agent", PASSWORD)
    assert users.authenticate("agent", NEW_PASSWORD).id == agent.id
    reset = [entry for entry in _audit(services, agent.id) if entry[1] == "password reset"]
    # Who reset it and that it unlocked the account; never the password or its hash.
    assert reset == [("admin", "password reset", {"username": "agent", "unlocked": True})]


def test_password_reset_refused_to_non_administrators_and_for_weak_or_own_passwords(services, world):
    users = services.users
    for actor in (world.leader, world.agent, world.case_owner):
        with pytest.raises(PermissionDenied):
            users.reset_password(actor, world.agent.id, NEW_PASSWORD)
    with pytest.raises(ValidationError, match="at least 10 characters"):
        users.reset_password(world.admin, world.agent.id, "short")
    with pytest.raises(ValidationError, match="spaces"):
        users.reset_password(world.admin, world.agent.id, " padded password ")
    with pytest.raises(ValidationError, match="Change my password"):
        users.reset_password(world.admin, world.admin.id, NEW_PASSWORD)
    with pytest.raises(NotFound):
        users.reset_password(world.admin, 99_999, NEW_PASSWORD)
    # Nothing changed: the old passwords still work, and nothing was audited as reset.
    assert users.authenticate("agent", PASSWORD).id == world.agent.id
    assert users.authenticate("admin", PASSWORD).id == world.admin.id
    assert not [e for e in _audit(services, world.agent.id) if e[1] == "password reset"]


def test_changing_ones_own_password_needs_the_current_one(services, world):
    users, leader = services.users, world.leader
    with pytest.raises(AuthenticationFailed, match="current password is wrong"):
        users.change_password(leader, "not my password", NEW_PASSWORD)
    with pytest.raises(ValidationError, match="at least 10"):
        users.change_password(leader, PASSWORD, "short")
    assert users.authenticate("leader", PASSWORD).id == leader.id

    users.change_password(leader, PASSWORD, NEW_PASSWORD)
    with pytest.raises(AuthenticationFailed):
        users.authenticate("leader", PASSWORD)
    assert users.authenticate("leader", NEW_PASSWORD).id == leader.id
    assert ("leader", "password changed", {}) in _audit(services, leader.id)


def test_an_administrator_records_changes_and_removes_e_mail_addresses(services, world):
    users = services.users
    # Given at creation (checked like every address the desk stores), or later.
    created = users.create_user(world.admin, username="nia", full_name="Nia Agent", password=PASSWORD,
                                roles={Role.CALL_AGENT}, email=" nia.agent@homeoffice.example.gov.uk ", demo=True)
    assert created.email == "nia.agent@homeoffice.example.gov.uk"
    assert _listed(services, world.admin, created.id).email == "nia.agent@homeoffice.example.gov.uk"
    assert _audit(services, created.id)[0][2]["email"] == "nia.agent@homeoffice.example.gov.uk"
    for bad in ("nia at homeoffice", "nia@homeoffice", "two@at@signs.example", "nia@home office.example"):
        with pytest.raises(ValidationError, match="E-mail: .* is not an e-mail address"):
            users.create_user(world.admin, username="bad", full_name="Bad Address", password=PASSWORD,
                              roles={Role.CALL_AGENT}, email=bad, demo=True)
    assert "bad" not in {u.username for u in users.list_users(world.admin)}

    assert users.set_email(world.admin, created.id, "Nia.Agent@ukba.example.gov.uk").email == \
        "Nia.Agent@ukba.example.gov.uk"
    assert fresh_user(services, created.id).email == "Nia.Agent@ukba.example.gov.uk"
    assert users.set_email(world.admin, created.id, "").email == ""
    assert fresh_user(services, created.id).email == ""
    changes = [e for e in _audit(services, created.id) if e[1] == "e-mail address changed"]
    assert changes == [
        ("admin", "e-mail address changed", {"username": "nia", "email": ["nia.agent@homeoffice.example.gov.uk",
                                                                          "Nia.Agent@ukba.example.gov.uk"]}),
        ("admin", "e-mail address changed", {"username": "nia", "email": ["Nia.Agent@ukba.example.gov.uk", None]}),
    ]
    users.set_email(world.admin, created.id, "")  # no change: nothing audited
    assert len([e for e in _audit(services, created.id) if e[1] == "e-mail address changed"]) == 2


def test_e_mail_addresses_are_an_administrators_to_set(services, world):
    users = services.users
    before = fresh_user(services, world.agent.id).email
    # Not even one's own: the address is where the desk tells people things, so it is kept by administrators.
    for actor in (world.leader, world.agent, world.case_owner):
        with pytest.raises(PermissionDenied):
            users.set_email(actor, world.agent.id, "someone.else@example.com")
    with pytest.raises(ValidationError, match="not an e-mail address"):
        users.set_email(world.admin, world.agent.id, "not an address")
    with pytest.raises(ValidationError, match="E-mail must be text"):
        users.set_email(world.admin, world.agent.id, 42)
    with pytest.raises(ValidationError, match="E-mail contains control characters"):
        users.set_email(world.admin, world.agent.id, "carla\x00@example.com")
    for missing in (99_999, "1", None):
        with pytest.raises(NotFound):
            users.set_email(world.admin, missing, "x@example.com")
    assert fresh_user(services, world.agent.id).email == before == "carla.agent@homeoffice.example.gov.uk"
    assert not [e for e in _audit(services, world.agent.id) if e[1] == "e-mail address changed"]
