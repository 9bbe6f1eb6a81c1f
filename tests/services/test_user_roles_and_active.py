"""An administrator changes someone's roles and deactivates or reactivates their account (SQLite and PostgreSQL)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from mpel_app.db.models import AuditLog
from mpel_app.domain.errors import AuthenticationFailed, PermissionDenied, ValidationError
from mpel_app.domain.records import Role
from tests.support.world import PASSWORD, fresh_user


def test_roles_changed_by_an_administrator_only_and_audited(world):
    users = world.services.users
    changed = users.set_roles(world.admin, world.agent.id, {Role.CALL_AGENT, Role.MPEL_TEAM_LEADER})
    assert changed.roles == {Role.CALL_AGENT, Role.MPEL_TEAM_LEADER}
    assert fresh_user(world.services, world.agent.id).roles == {Role.CALL_AGENT, Role.MPEL_TEAM_LEADER}
    with pytest.raises(PermissionDenied):
        users.set_roles(world.leader, world.agent.id, {Role.ADMINISTRATOR})
    with pytest.raises(ValidationError):
        users.set_roles(world.admin, world.agent.id, {Role.ACCOUNT_MANAGER})  # no region
    with pytest.raises(ValidationError):
        users.set_roles(world.admin, world.agent.id, set())
    with world.services.engine.connect() as conn:
        trail = conn.execute(select(AuditLog.action, AuditLog.changes).where(
            AuditLog.entity == "user", AuditLog.entity_id == world.agent.id, AuditLog.action == "roles changed")).all()
    assert len(trail) == 1 and "call_agent,mpel_team_leader" in trail[0].changes


def test_deactivated_account_cannot_sign_in_until_reactivated(world):
    users = world.services.users
    users.set_active(world.admin, world.agent.id, False)
    with pytest.raises(AuthenticationFailed):
        users.authenticate("agent", PASSWORD)
    with pytest.raises(ValidationError):
        users.set_active(world.admin, world.admin.id, False)
    with pytest.raises(PermissionDenied):
        users.set_active(world.leader, world.agent.id, True)
    users.set_active(world.admin, world.agent.id, True)
    assert users.authenticate("agent", PASSWORD).username == "agent"
