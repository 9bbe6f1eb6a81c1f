"""Who may do what: the one table of role permissions, checked by every service."""
from __future__ import annotations

from enum import StrEnum

from .errors import PermissionDenied
from .records import Role, UserRecord


class Action(StrEnum):
    LOG_ENQUIRY = "log an enquiry"
    FIND_ENQUIRY = "find and print enquiries"
    FILTER_FURTHER_ACTION = "filter Further Action Cases"
    WORK_REGION_QUEUE = "work a regional queue"
    WORK_ANY_REGION = "work any region's queue"
    DELETE_ENQUIRY = "delete an enquiry"
    MANAGE_USERS = "manage users"
    MANAGE_MEMBERS = "manage members and passcodes"
    MANAGE_CLOSURES = "manage closure days"
    VIEW_AUDIT = "view the audit trail"
    QUERY_AUDIT = "search and export the whole audit trail"
    MANAGE_ROTA = "maintain the duty rota"
    DUTY_BOARD = "watch and reassign urgent items"
    MANAGE_UNITS = "manage CTS drafting units and their members"
    PURGE_DOCUMENTS = "purge scanned letters and replies past retention"
    SET_DISSOLUTION = "record the dissolution of Parliament"
    WORK_OUTBOX = "retry undelivered e-mail or record it as sent by other means"
    VIEW_CALL_STATISTICS = "see the telephone line's service level and call statistics"
    VIEW_PERFORMANCE = "see performance against the targets and chase late work"
    IMPORT_LEGACY = "import the legacy Access database"
    MANAGE_REGIONS = "change the regions' inboxes, team leaders' addresses and fax numbers"
    MANAGE_HOME_SECRETARY_LIST = "keep the Home Secretary's list of Members"
    SUBJECT_ACCESS = "search for a person and export what the desk holds on them"
    ERASE_PERSON = "erase a person from the records"
    LEGAL_HOLD = "place or lift a legal hold on a record"
    PURGE_RECORDS = "anonymise call records past retention and set the retention rule"


_R = Role
_EVERYONE = frozenset(Role)
# Whoever logs calls, faxes and e-mails (and so queues call notes to regional inboxes).
_LOGGING = frozenset({_R.CALL_AGENT, _R.MPEL_TEAM_LEADER, _R.ACCOUNT_MANAGER, _R.SUPPORT_ACCOUNT_MANAGER,
                      _R.DUTY_MANAGER, _R.ADMINISTRATOR})

PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.LOG_ENQUIRY: _LOGGING,
    Action.FIND_ENQUIRY: _EVERYONE,
    Action.FILTER_FURTHER_ACTION: frozenset({_R.MPEL_TEAM_LEADER, _R.ADMINISTRATOR}),
    Action.WORK_REGION_QUEUE: frozenset({_R.ACCOUNT_MANAGER, _R.SUPPORT_ACCOUNT_MANAGER,
                                         _R.DUTY_MANAGER, _R.MPEL_TEAM_LEADER, _R.ADMINISTRATOR}),
    # Regional staff work their own region; these roles oversee every region.
    Action.WORK_ANY_REGION: frozenset({_R.DUTY_MANAGER, _R.MPEL_TEAM_LEADER, _R.ADMINISTRATOR}),
    # domain-rules §2 Decision: deletion is for "team leaders and administrators" of the enquiry log: the
    # MPEL team leader, not a CTS unit's team leader, who has no part in the enquiry log.
    Action.DELETE_ENQUIRY: frozenset({_R.MPEL_TEAM_LEADER, _R.ADMINISTRATOR}),
    Action.MANAGE_USERS: frozenset({_R.ADMINISTRATOR}),
    Action.MANAGE_MEMBERS: frozenset({_R.MPEL_TEAM_LEADER, _R.ADMINISTRATOR}),
    Action.MANAGE_CLOSURES: frozenset({_R.ADMINISTRATOR}),
    Action.VIEW_AUDIT: _EVERYONE,
    # VIEW_AUDIT is a record's own history, shown with the record; searching every record's
    # trail (who looked at or changed what) is oversight, for team leaders and administrators.
    Action.QUERY_AUDIT: frozenset({_R.MPEL_TEAM_LEADER, _R.UNIT_TEAM_LEADER, _R.ADMINISTRATOR}),
    # The evening duty rota is the Enquiry Line's (§4): the duty manager, the MPEL team leader and
    # administrators keep it; CTS unit team leaders have no part in urgent calls.
    Action.MANAGE_ROTA: frozenset({_R.DUTY_MANAGER, _R.MPEL_TEAM_LEADER, _R.ADMINISTRATOR}),
    Action.DUTY_BOARD: frozenset({_R.DUTY_MANAGER, _R.MPEL_TEAM_LEADER, _R.ADMINISTRATOR}),
    Action.MANAGE_UNITS: frozenset({_R.ADMINISTRATOR}),
    # Retention [CORR 1.9]: an administrator's purge command.
    Action.PURGE_DOCUMENTS: frozenset({_R.ADMINISTRATOR}),
    Action.IMPORT_LEGACY: frozenset({_R.ADMINISTRATOR}),
    # Reference data (issue 14): where call notes and escalations go, and whose letters the Home
    # Secretary answers himself, are kept by administrators.
    Action.MANAGE_REGIONS: frozenset({_R.ADMINISTRATOR}),
    Action.MANAGE_HOME_SECRETARY_LIST: frozenset({_R.ADMINISTRATOR}),
    # The people in the records (issue 17): the data protection officer answers subject-access and erasure
    # requests; administrators too, as the desk's owners.  Retention is the administrator's, as for documents.
    Action.SUBJECT_ACCESS: frozenset({_R.DATA_PROTECTION_OFFICER, _R.ADMINISTRATOR}),
    Action.ERASE_PERSON: frozenset({_R.DATA_PROTECTION_OFFICER, _R.ADMINISTRATOR}),
    Action.LEGAL_HOLD: frozenset({_R.DATA_PROTECTION_OFFICER, _R.ADMINISTRATOR}),
    Action.PURGE_RECORDS: frozenset({_R.ADMINISTRATOR}),
    # MPCS converts outstanding Ministerial letters at an election, so it may record the date too.
    Action.SET_DISSOLUTION: frozenset({_R.MPCS_ALLOCATOR, _R.ADMINISTRATOR}),
    # Whoever's work puts messages in the outbox looks after them when they fail: the Enquiry Line and the
    # regions (call notes, urgent escalations) and MPCS (a disputed letter's escalation to heads of unit, an
    # Agency staff member's line manager [CORR 2.5]).
    Action.WORK_OUTBOX: _LOGGING | {_R.MPCS_ALLOCATOR},
    # The 30-second report (issue 9) is the Enquiry Line's own oversight: its team leader, the duty manager
    # who runs the evening line, administrators.  Call agents see their calls, not their colleagues' figures.
    Action.VIEW_CALL_STATISTICS: frozenset({_R.MPEL_TEAM_LEADER, _R.DUTY_MANAGER, _R.ADMINISTRATOR}),
    # The people who answer for the targets (issue 11; domain-rules §1, §9): team leaders of the
    # Enquiry Line and of CTS units, duty managers, administrators.  Account managers see their
    # own queue's lights instead; figures across every region and unit are for those who manage.
    Action.VIEW_PERFORMANCE: frozenset({_R.MPEL_TEAM_LEADER, _R.UNIT_TEAM_LEADER, _R.DUTY_MANAGER,
                                        _R.ADMINISTRATOR}),
}


def allowed(user: UserRecord, action: Action) -> bool:
    return user.active and bool(user.roles & PERMISSIONS[action])


def require(user: UserRecord, action: Action) -> None:
    if not allowed(user, action):
        raise PermissionDenied(f"{user.full_name} ({user.username}) may not {action.value}")


def may_work_region(user: UserRecord, region_code: str | None) -> bool:
    if allowed(user, Action.WORK_ANY_REGION):
        return True
    return allowed(user, Action.WORK_REGION_QUEUE) and region_code is not None and user.region_code == region_code
