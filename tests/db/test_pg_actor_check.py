"""The services re-check the acting user against the database login (issue 19): a forged record gets nothing.

Each desk here runs the services on one person's own PostgreSQL login and
hands them a ``UserRecord`` doctored with ``dataclasses.replace``: more roles,
another region, another person's id.  Where the database's grants would let
the change through (a call agent may UPDATE enquiries), only the re-check
stops it; it must say why, and write nothing.
"""
from __future__ import annotations

import dataclasses

import pytest

from mpel_app.domain.errors import PermissionDenied
from mpel_app.domain.records import Role
from tests.db.test_pg_boundary import SUBJECT, _detailed, boundary, desk_as  # noqa: F401 (fixture)
from tests.support.world import PASSCODE, PASSWORD


def test_a_call_agent_claiming_team_leader_cannot_send_to_a_region(boundary):
    world, services = boundary["world"], boundary["services"]
    rec = _detailed(services.enquiries, world.agent, world.mp, PASSCODE, SUBJECT)
    services.enquiries.mark_further_action(world.agent, rec.id)
    forged = dataclasses.replace(world.agent, roles=frozenset({Role.MPEL_TEAM_LEADER}))
    before = services.enquiries.header(world.leader, rec.id)
    with desk_as(boundary, "agent") as desk:
        with pytest.raises(PermissionDenied, match="sign in again"):
            desk.enquiries.send_to_region(forged, rec.id)
        # The genuine record is still the agent's to use, and the item did not move.
        assert desk.enquiries.header(world.agent, rec.id).status is before.status
    assert services.enquiries.header(world.leader, rec.id).region_code is None


def test_a_desk_cannot_act_as_another_account(boundary):
    world = boundary["world"]
    with desk_as(boundary, "agent") as desk:
        with pytest.raises(PermissionDenied, match="signed in to the database as agent, not as admin"):
            desk.enquiries.start(world.admin, "telephone")
        with pytest.raises(PermissionDenied, match="not as admin"):
            desk.enquiries.verify_passcode(world.admin, boundary["relocked"].id, PASSCODE)


def test_an_account_changed_since_sign_in_is_told_to_sign_in_again(boundary):
    """An administrator moves a person to another region while they are signed in: their desk's copy of their
    account is out of date, and the database's row policy would refuse the change: said plainly, not as a race."""
    world = boundary["world"]
    admin_services = boundary["services"]
    moved = admin_services.users.create_user(world.admin, username="mover", full_name="Mo Ver", password=PASSWORD,
                                             roles={Role.ACCOUNT_MANAGER}, region_code="LSE", demo=True)
    with desk_as(boundary, "mover") as desk:
        signed_in = desk.users.authenticate("mover", PASSWORD)
        with admin_services.uow() as s:  # the administrator's change, made elsewhere
            from mpel_app.db.models import User
            s.get(User, moved.id).region_code = "SNI"
        with pytest.raises(PermissionDenied, match="sign in again"):
            desk.enquiries.acknowledge(signed_in, boundary["london"].id)
    # Read as the administrator: this desk may not read as another account (nor, now, as its old self).
    assert admin_services.enquiries.header(world.admin, boundary["london"].id).acknowledged_at is None
