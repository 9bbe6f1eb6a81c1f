"""Who gets which of the desk's views, and the keys that jump to one, known without importing the views.

The main window decides its tabs when it opens, but builds (and imports) a view only when it is
first shown (``ui.view_registry``, issue 16: a faster start).  So the rules that say who has a
view live here, free of the views' own modules; the views use them too, for one source.
"""
from __future__ import annotations

from ..domain import permissions as perm
from ..domain.permissions import Action
from ..domain.records import Role, UserRecord

# The letters workstack's roles: each has a workstack in the Letters view.
CTS_ROLES = (Role.MPCS_ALLOCATOR, Role.WORKFLOW_MANAGER, Role.CASE_OWNER, Role.SENIOR_CASEWORKER,
             Role.UNIT_TEAM_LEADER, Role.PRIVATE_OFFICE)
# What Administration's tabs are for: whoever may do one of these gets the view.
ADMINISTRATION = (Action.MANAGE_USERS, Action.MANAGE_MEMBERS, Action.MANAGE_CLOSURES, Action.MANAGE_ROTA,
                  Action.MANAGE_UNITS, Action.SET_DISSOLUTION)

AUDIT_SHORTCUT = "Ctrl+Shift+A"  # the audit trail, from any view


def has_cts_role(user: UserRecord) -> bool:
    return user.has(*CTS_ROLES)


def administers(user: UserRecord) -> bool:
    return any(perm.allowed(user, action) for action in ADMINISTRATION)


def works_enquiry_queues(user: UserRecord) -> bool:
    """Whoever works a region's queue or the Further Action queue (the central inbox's e-mails go to both)."""
    return perm.allowed(user, Action.WORK_REGION_QUEUE) or perm.allowed(user, Action.FILTER_FURTHER_ACTION)
