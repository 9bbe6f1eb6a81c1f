"""What an empty list says must be set up first (issue 14), so a new desk never dead-ends in silence.

One place for the words, used by the letters workstack, the letter's allocation
form and the registration form's allocation.
"""
from __future__ import annotations

from ..domain.records import Role

NO_UNITS = "No drafting units yet — an administrator adds them in Administration → Drafting units."
NOT_IN_A_UNIT = ("You are not in a drafting unit yet, so no letters reach you — an administrator adds you to "
                 "one in Administration → Drafting units.")
UNIT_ROLES = (Role.WORKFLOW_MANAGER, Role.CASE_OWNER, Role.SENIOR_CASEWORKER, Role.UNIT_TEAM_LEADER)
NOTHING_NOW = {
    Role.MPCS_ALLOCATOR: "Nothing to allocate: register a letter with Register letter… (Ctrl+Shift+N).",
    Role.PRIVATE_OFFICE: "No Ministerial reply is waiting for the Minister.",
}


def empty_workstack_text(role: Role | None, my_units: list[str] | None, units_exist: bool) -> str:
    """Why ``role``'s workstack is empty and what to do: set-up first, then "nothing to do now".

    ``my_units`` None: the user's units are not read yet, so no set-up advice.
    """
    if role is Role.MPCS_ALLOCATOR and not units_exist:
        return NO_UNITS
    if role in UNIT_ROLES and my_units is not None and not my_units:
        return NO_UNITS if not units_exist else NOT_IN_A_UNIT
    return NOTHING_NOW.get(role, "Nothing to do now: new work appears here as it reaches you.")
