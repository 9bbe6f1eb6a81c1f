"""Plain immutable records that cross the service boundary.

Services return these, never live ORM objects, so the UI, reports and
scripts can hold them freely on any thread.  All instants are timezone-aware
UTC datetimes; the UI converts to Europe/London for display.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from .region_contacts import inbox_problem


class Channel(StrEnum):
    TELEPHONE = "telephone"
    FAX = "fax"
    EMAIL = "email"


class EnquiryStatus(StrEnum):
    """Where an enquiry is in its life.

    open            -> being logged by the call agent
    refused         -> closed at the passcode gate; no personal data recorded
    answered        -> answered at first contact (by the agent or the MPEL team leader)
    further_action  -> waiting in the MPEL team leader's filter queue
    with_region     -> sent to a regional team, response due
    completed       -> the region's response is written up
    """

    OPEN = "open"
    REFUSED = "refused"
    ANSWERED = "answered"
    FURTHER_ACTION = "further_action"
    WITH_REGION = "with_region"
    COMPLETED = "completed"


class CallerKind(StrEnum):
    MEMBER = "member"
    CASEWORKER = "caseworker"


class Role(StrEnum):
    CALL_AGENT = "call_agent"
    MPEL_TEAM_LEADER = "mpel_team_leader"
    ACCOUNT_MANAGER = "account_manager"
    SUPPORT_ACCOUNT_MANAGER = "support_account_manager"
    DUTY_MANAGER = "duty_manager"
    MPCS_ALLOCATOR = "mpcs_allocator"
    WORKFLOW_MANAGER = "workflow_manager"
    CASE_OWNER = "case_owner"
    SENIOR_CASEWORKER = "senior_caseworker"
    UNIT_TEAM_LEADER = "unit_team_leader"
    PRIVATE_OFFICE = "private_office"
    ADMINISTRATOR = "administrator"
    # Answers the people in the records (issue 17): subject access, erasure, legal holds.
    DATA_PROTECTION_OFFICER = "data_protection_officer"

    @property
    def label(self) -> str:
        text = self.value.replace("_", " ").replace("mpel", "MPEL").replace("mpcs", "MPCS")
        return text[:1].upper() + text[1:]


class QueueStatus(StrEnum):
    """Traffic-light status of an item against its due date."""

    ON_TIME = "on time"
    DUE_SOON = "due soon"
    OVERDUE = "overdue"
    URGENT = "urgent"


@dataclass(frozen=True)
class RegionRecord:
    code: str
    name: str
    inbox_name: str
    inbox_address: str
    fax_number: str
    phone_number: str
    team_leader_email: str = ""

    @property
    def inbox_problem(self) -> str | None:
        """Why a note sent to this region's inbox would not arrive (domain.region_contacts); None if it would."""
        return inbox_problem(self.inbox_address)


@dataclass(frozen=True)
class MemberRecord:
    id: int
    name: str
    kind: str  # "MP", "Peer", "MEP", "MDL", "PPC"
    constituency: str
    region_code: str
    privy_counsellor: bool
    office_phone: str  # formatted for display
    office_fax: str  # formatted for display
    office_email: str
    # Too many wrong passcodes for this office across calls: none is accepted until cleared (office_passcode).
    passcode_locked: bool = False
    party: str = ""
    # An inactive Member (no longer in the House) is not offered at the desk; their records still name them.
    active: bool = True
    passcode_set: bool = False  # whether the office has a passcode: the passcode itself is never shown

    @property
    def display_name(self) -> str:
        prefix = "Rt Hon " if self.privy_counsellor else ""
        suffix = " MP" if self.kind == "MP" else ""
        return f"{prefix}{self.name}{suffix}"


# Wrong passwords in a row that lock an account until an administrator unlocks it.
MAX_FAILED_SIGN_INS = 5


@dataclass(frozen=True)
class UserRecord:
    id: int
    username: str
    full_name: str
    roles: frozenset[Role]
    region_code: str | None
    grade: str | None
    active: bool
    locked: bool = False  # after MAX_FAILED_SIGN_INS wrong passwords in a row, until an administrator unlocks it
    must_change_password: bool = False  # an administrator reset it: the person chooses their own at sign-in
    email: str = ""  # "" when nobody has recorded one

    def has(self, *roles: Role) -> bool:
        return any(r in self.roles for r in roles)


@dataclass(frozen=True)
class Disclosure:
    """The disclosure checks the agent recorded (domain-rules §5)."""

    constituency_mp: bool = False
    authorised_representative: bool = False
    third_party: bool = False
    identity_confirmed: bool = False
    # What the answer gave (domain.disclosure decides whether that was allowed to this caller):
    personal_information: bool = False  # information about the applicant or their case
    limited_facts_only: bool = False  # to a third party: only limited facts, no address, no reasons for a refusal


@dataclass(frozen=True)
class SubjectDetails:
    """Personal data about the person the enquiry is about."""

    name: str = ""
    date_of_birth: date | None = None
    nationality: str = ""
    ho_reference: str = ""
    cts_reference: str = ""


@dataclass(frozen=True)
class LegacyOrigin:
    """Where an enquiry imported from the legacy Access database came from (services/legacy_import)."""

    access_id: int
    file_name: str
    reference_as_stored: str
    mp_name: str
    constituency: str
    call_agent: str
    completed_by: str
    passcode_given: bool
    decisions: tuple[str, ...] = ()


@dataclass(frozen=True)
class EnquiryRecord:
    id: int
    reference: str
    channel: Channel
    status: EnquiryStatus
    received_at: datetime
    created_by: str
    member: MemberRecord | None
    caller_kind: CallerKind | None
    caller_name: str
    passcode_verified: bool
    passcode_failures: int
    disclosure: Disclosure
    # Personal data and case content: None when the passcode is not verified.
    subject: SubjectDetails | None
    question: str | None
    answer: str | None
    written_confirmation: bool
    region_code: str | None
    file_needed: bool
    due_date: date | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    response: str | None
    completed_at: datetime | None
    deleted: bool
    version: int
    urgent: bool = False
    legacy: LegacyOrigin | None = None  # imported from the legacy Access database

    @property
    def locked(self) -> bool:
        return not self.passcode_verified


@dataclass(frozen=True)
class EnquirySummary:
    """One row of a search result or queue."""

    id: int
    reference: str
    channel: Channel
    status: EnquiryStatus
    received_at: datetime
    member_name: str
    subject_name: str
    nationality: str
    ho_reference: str
    cts_reference: str
    region_code: str | None
    due_date: date | None
    acknowledged: bool
    file_needed: bool
    urgent: bool = False
    queue_status: QueueStatus | None = None


@dataclass(frozen=True)
class QueueCounts:
    """How many items a whole queue holds, by status today (every item, not just a page of them)."""

    total: int
    urgent: int
    overdue: int
    due_soon: int
    on_time: int


@dataclass(frozen=True)
class QueueCursor:
    """Where the next page of a region's queue starts: after this item, in the queue's order."""

    part: int  # 0: urgent items waiting for acknowledgement, 1: the rest, 2: items without a due date
    due_date: date | None
    id: int


@dataclass(frozen=True)
class SteerCount:
    """What the first page of a steered queue counted, carried on to its following pages (issue 14): the
    steer it was counted for (a filter and an order), the day (statuses change at midnight), the whole
    queue's counts and how many items the filter keeps."""

    steer: tuple  # (QueueFilter, QueueOrder)
    day: date
    counts: QueueCounts
    matched: int


@dataclass(frozen=True)
class SteeredCursor:
    """Where the next page of a filtered or re-sorted region queue starts: after this many items, and,
    when filtered in the queue's own order, after this item (read on from there, not counted off again).
    ``counted``: the first page's counts, reused by "Show more" rather than counting the queue again."""

    offset: int
    keyset: QueueCursor | None = None
    counted: SteerCount | None = None


@dataclass(frozen=True)
class QueuePage:
    """A page of a region's queue, urgent first and then by due date (or as steered), with the whole
    queue's counts, and how many items the filter keeps (``matched``; None when unfiltered)."""

    region_code: str
    items: tuple[EnquirySummary, ...]
    counts: QueueCounts
    next: QueueCursor | SteeredCursor | None  # None: this page ends the queue
    matched: int | None = None
    # The queue's urgent items nobody has acknowledged (the first of them), whatever the filter or order:
    # new urgent work is announced from these, not from the page shown (issue 14).
    urgent_waiting: tuple[EnquirySummary, ...] = ()


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    username: str
    action: str
    entity: str
    entity_id: int | None
    changes: dict = field(default_factory=dict)


class SearchKey(StrEnum):
    """The five ways to find a call record (the Access database's 'find call record')."""

    REFERENCE = "hotline reference"
    HO_REFERENCE = "Home Office reference"
    CTS_REFERENCE = "CTS reference"
    SUBJECT_NAME = "subject name"
    NATIONALITY = "nationality"


@dataclass(frozen=True)
class ContactRecord:
    """A telephone number from the directory; some may be given to MPs' offices, some must not."""

    key: str
    name: str
    phone: str  # formatted
    may_give_to_mps: bool
    note: str = ""


@dataclass(frozen=True)
class RotaRecord:
    day: date
    region_code: str
    region_name: str
    manager_name: str
    phone: str  # formatted


@dataclass(frozen=True)
class UrgentContactRecord:
    at: datetime
    kind: str  # region / duty_region / oscu
    spoken_to: str
    phone: str
    note: str
    recorded_by: str


@dataclass(frozen=True)
class UrgentPlan:
    """What the agent must do next with an urgent call, worked out from the local time of the call."""

    reference: str
    destination: str  # region / duty_region / oscu
    imminent_removal: bool
    compassionate: bool
    removal_at: datetime | None
    region_code: str
    region_name: str
    call_name: str  # whom to telephone
    call_phone: str  # formatted
    instruction: str
    rota_missing: bool = False
    # Why the call note to the region's inbox will reach nobody (region_contacts.inbox_problem), or None.
    inbox_problem: str | None = None


@dataclass(frozen=True)
class UrgentItem:
    """A line of the duty manager's board: an urgent item not yet acknowledged."""

    id: int
    reference: str
    received_at: datetime
    member_name: str
    subject_name: str
    region_code: str | None
    destination: str | None
    imminent_removal: bool
    compassionate: bool
    removal_at: datetime | None
    escalated_at: datetime | None
    contacts: tuple[UrgentContactRecord, ...]
