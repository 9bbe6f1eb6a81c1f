"""The demo shows the whole desk (issue 14): drafting units, their members, and letters at every CTS stage, so
every letters role has work on first start (SQLite and PostgreSQL)."""
from __future__ import annotations

from mpel_app.demo import seed_demo
from mpel_app.domain.correspondence import LetterState
from mpel_app.domain.records import QueueStatus, Role

ROLES = {"MPCS allocator": (Role.MPCS_ALLOCATOR, {"To allocate", "Rejected: re-allocate",
                                                  "Awaiting unit decision (two-day rule)"}),
         "workflow manager": (Role.WORKFLOW_MANAGER, {"To accept or reject", "To allocate to a case owner"}),
         "case owner": (Role.CASE_OWNER, {"Drafting"}),
         "senior caseworker": (Role.SENIOR_CASEWORKER, {"For QA"}),
         "unit team leader": (Role.UNIT_TEAM_LEADER, {"For final QA and signature"}),
         "Private Office": (Role.PRIVATE_OFFICE, {"For the Minister's approval and signature",
                                                  "Signed: to dispatch"})}


def test_every_letters_role_has_work_on_a_fresh_demo(services):
    info = seed_demo(services, members=12, enquiries=20)
    assert info.letters == 23
    units = {u.code: u for u in services.units.list_units()}
    assert set(units) == {"ASY1", "EUR", "CRT"}
    assert set(units["ASY1"].members) == {"workflow", "caseowner", "senior", "unittl"}
    for label, (role, sections) in ROLES.items():
        user = services.users.authenticate(info.usernames[label], info.password)
        stack = services.letters.workstack(user, role)
        assert {line.section for line in stack} == sections, label
    admin = services.users.authenticate(info.usernames["administrator"], info.password)
    states = {services.letters.get(admin, line.id).state
              for line in services.letters.workstack(
                  services.users.authenticate(info.usernames["MPCS allocator"], info.password),
                  Role.MPCS_ALLOCATOR)}
    assert LetterState.REJECTED_TO_MPCS in states and LetterState.REGISTERED in states


def test_the_demo_has_late_letters_to_chase_and_an_urgent_one_in_red(services):
    info = seed_demo(services, members=12, enquiries=20)
    leader = services.users.authenticate(info.usernames["MPEL team leader"], info.password)
    chased = [i for i in services.chasing.chase_list(leader) if i.entity == "letter"]
    assert len([i for i in chased if i.reason == "overdue"]) >= 3  # the chasing list has letters to chase
    unit_leader = services.users.authenticate(info.usernames["unit team leader"], info.password)
    signing = services.letters.workstack(unit_leader, Role.UNIT_TEAM_LEADER)
    assert [line.urgent for line in signing].count(True) == 1  # red in the team leader's workstack
    stacks = [line for label, role in (("senior caseworker", Role.SENIOR_CASEWORKER), ("case owner", Role.CASE_OWNER))
              for line in services.letters.workstack(
                  services.users.authenticate(info.usernames[label], info.password), role)]
    assert len([line for line in stacks if line.status is QueueStatus.OVERDUE]) >= 2
    late = services.letters.late_letters(unit_leader)
    assert len(late) == 1 and late[0].prompts  # more than a month past target: what to do about it
