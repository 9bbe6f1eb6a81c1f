"""Role x action matrix for the enquiry desk: permissions hold in the services, whatever the UI shows."""
from __future__ import annotations

import pytest

from mpel_app.domain.errors import PermissionDenied
from mpel_app.domain.records import CallerKind, Channel, Role, SearchKey
from tests.support.world import PASSCODE, PASSWORD

ROLES = list(Role)


def _user(services, admin, role: Role):
    region = "LSE" if role in (Role.ACCOUNT_MANAGER, Role.SUPPORT_ACCOUNT_MANAGER) else None
    return services.users.create_user(admin, username=f"u_{role.value}", full_name=role.label,
                                      password=PASSWORD, roles={role}, region_code=region, demo=True)


def _further_action_case(world):
    e = world.services.enquiries
    rec = e.start(world.agent, Channel.TELEPHONE)
    e.set_caller(world.agent, rec.id, member_id=world.mp.id, caller_kind=CallerKind.MEMBER)
    e.verify_passcode(world.agent, rec.id, PASSCODE)
    e.update_details(world.agent, rec.id, subject=e.get(world.agent, rec.id).subject, question="q?",
                     answer="", written_confirmation=False)
    return e.mark_further_action(world.agent, rec.id)


LOGGERS = {Role.CALL_AGENT, Role.MPEL_TEAM_LEADER, Role.ACCOUNT_MANAGER, Role.SUPPORT_ACCOUNT_MANAGER,
           Role.DUTY_MANAGER, Role.ADMINISTRATOR}
FILTERERS = {Role.MPEL_TEAM_LEADER, Role.ADMINISTRATOR}
REGION_WORKERS = {Role.ACCOUNT_MANAGER, Role.SUPPORT_ACCOUNT_MANAGER, Role.DUTY_MANAGER,
                  Role.MPEL_TEAM_LEADER, Role.ADMINISTRATOR}
DELETERS = {Role.MPEL_TEAM_LEADER, Role.UNIT_TEAM_LEADER, Role.ADMINISTRATOR}

ACTIONS = {
    "log a call": (LOGGERS, lambda w, u, case: w.services.enquiries.start(
        u, Channel.TELEPHONE, prefix="LSE" if u.region_code else "MPH")),
    "find": (set(ROLES), lambda w, u, case: w.services.enquiries.find(u, SearchKey.REFERENCE, case.reference)),
    "see Further Action queue": (FILTERERS, lambda w, u, case: w.services.enquiries.further_action_queue(u)),
    "send to region": (FILTERERS, lambda w, u, case: w.services.enquiries.send_to_region(u, case.id)),
    "work the LSE queue": (REGION_WORKERS, lambda w, u, case: w.services.enquiries.region_queue(u, "LSE")),
    "acknowledge": (REGION_WORKERS, lambda w, u, case: w.services.enquiries.acknowledge(
        u, w.services.enquiries.send_to_region(w.leader, case.id).id)),
    "delete": (DELETERS, lambda w, u, case: w.services.enquiries.delete(u, case.id, "entered twice by mistake")),
    "create a user": ({Role.ADMINISTRATOR}, lambda w, u, case: w.services.users.create_user(
        u, username="newbie", full_name="New Person", password=PASSWORD, roles={Role.CALL_AGENT}, demo=True)),
    "change a passcode": (FILTERERS, lambda w, u, case: w.services.members.set_passcode(u, w.mp.id, "8888")),
}


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value)
def test_matrix(sqlite_services, role, action):
    from tests.support.world import build_world

    world = build_world(sqlite_services)
    user = _user(sqlite_services, world.admin, role)
    case = _further_action_case(world)
    allowed_roles, do = ACTIONS[action]
    if role in allowed_roles:
        do(world, user, case)
    else:
        with pytest.raises(PermissionDenied):
            do(world, user, case)
