"""Plain immutable records of CTS letters that cross the service boundary (issue 4).

Kept apart from ``records.py`` (the enquiry desk's records) so the two can
grow independently.  Services return these, never live ORM objects; every
instant is a timezone-aware UTC datetime and every date a London date.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from .calendar import LONDON
from .correspondence import (LatenessPrompt, LetterAction, LetterInGroup, LetterKind, LetterState, MultipleMpPlan,
                             ReplyRole, Signatory)
from .records import MemberRecord, QueueStatus


class DocumentKind(StrEnum):
    SCAN = "scan"  # the scanned letter or e-mail MPCS registered
    WRITTEN_AGREEMENT = "written_agreement"  # another unit's agreement to take an enforced case [CORR 1.4]
    REPLY_PDF = "reply_pdf"
    REPLY_DOCX = "reply_docx"
    TRANSLATION = "translation"  # the reply in Welsh, back from the translator [CORR 5.3]
    HOME_OFFICE_FILE = "home_office_file"  # the Member's letter and the reply, for the applicant's file [CORR 1.9]
    APOLOGY = "apology"  # a written apology after an error found on an OPHSO enquiry [ASY] (PDF and .docx)

    @property
    def label(self) -> str:
        return {
            DocumentKind.SCAN: "Scanned letter",
            DocumentKind.WRITTEN_AGREEMENT: "Written agreement to take the case",
            DocumentKind.REPLY_PDF: "Reply (PDF)",
            DocumentKind.REPLY_DOCX: "Reply (Word)",
            DocumentKind.TRANSLATION: "Reply in Welsh",
            DocumentKind.HOME_OFFICE_FILE: "Copy for the Home Office file",
            DocumentKind.APOLOGY: "Written apology (OPHSO)",
        }[self]


class EnforcedHow(StrEnum):
    TWO_DAY_RULE = "two_day_rule"  # the unit held it more than 2 working days undecided
    HEAD_OF_MPCS = "head_of_mpcs"  # after escalation nobody accepted it


@dataclass(frozen=True)
class DraftingUnitRecord:
    code: str
    name: str
    nation: str  # ENG, SCT or NIR: whose bank holidays count
    head_email: str
    active: bool
    members: tuple[str, ...] = ()  # usernames


@dataclass(frozen=True)
class RejectionRecord:
    """A unit's rejection of the letter as misallocated."""

    unit_code: str
    reason: str
    suggested_unit: str | None
    at: datetime
    by: str  # full name


@dataclass(frozen=True)
class LetterDocumentRecord:
    id: int
    letter_id: int
    reference: str
    kind: DocumentKind
    filename: str
    mime: str
    size: int
    created_at: datetime
    purged_at: datetime | None
    data: bytes | None = None  # only when the file itself was asked for (never in lists)

    @property
    def purged(self) -> bool:
        return self.purged_at is not None


@dataclass(frozen=True)
class BackgroundNote:
    """The minute that goes with every draft to the signatory [CORR 1.7]."""

    background: str
    drafting_officer_name: str
    drafting_officer_location: str
    drafting_officer_phone: str  # formatted for display
    reply_still_wanted: bool = False  # the MP confirmed it, for a letter six months past target [CORR 1.5]

    @property
    def complete(self) -> bool:
        return all(v.strip() for v in (self.background, self.drafting_officer_name,
                                       self.drafting_officer_location, self.drafting_officer_phone))


@dataclass(frozen=True, kw_only=True)
class LinkedLetter(LetterInGroup):
    """Another MP's letter about the same person, in the same group [CORR 2.6]."""

    id: int
    reply: ReplyRole | None  # None once cancelled: it has dropped out of the plan


@dataclass(frozen=True)
class LetterRecord:
    """One letter as the case view shows it, for the user who asked (``allowed_actions`` is theirs)."""

    id: int
    reference: str
    kind: LetterKind
    state: LetterState
    received_at: datetime
    registered_at: datetime
    registered_by: str
    member: MemberRecord
    member_letter_date: date
    member_reference: str
    constituent_name: str
    subject_name: str
    ho_reference: str
    issue: str
    question: str
    urgent: bool
    ophso: bool
    ophso_deadline: date | None
    foi: bool
    welsh_requested: bool
    restricted: bool
    named_handlers: tuple[str, ...]  # usernames; empty unless restricted
    staff_member: str
    signatory: Signatory | None
    unit_code: str | None
    allocated_at: datetime | None
    enforced: bool
    enforced_how: EnforcedHow | None
    accepted_at: datetime | None
    barrier_to_removal: bool | None  # None until the unit accepts
    no_barrier_reason: str
    case_owner: str | None  # username
    case_owner_name: str
    reallocation_reason: str
    draft: str
    drafter_grade: str | None
    background_note: BackgroundNote
    submitted_to_qa_at: datetime | None
    qa_submitted_late: bool
    returns_count: int
    last_return_note: str
    reached_signatory_at: datetime | None
    signed_by: str
    signed_at: datetime | None
    reply_channel: str | None
    mp_agreement: str
    resolution_note: str
    dispatched_at: datetime | None
    cancel_ground: str | None
    cancel_reason: str
    cancelled_at: datetime | None
    rejections: tuple[RejectionRecord, ...]
    documents: tuple[LetterDocumentRecord, ...]  # without their bytes
    deadlines: Mapping[str, date]  # letter_deadlines' keys
    stage_deadline: date | None
    status: QueueStatus | None  # against the stage deadline
    prompts: tuple[LatenessPrompt, ...]
    warnings: tuple[str, ...]  # e.g. the QA deadline is near or past
    allowed_actions: tuple[LetterAction, ...]
    version: int
    # Several MPs on one person [CORR 2.6]: the group's other letters this user may see, and the plan.
    constituency_mp: bool = True
    different_points: bool = False  # the MP raised points of their own: a substantive reply of its own
    linked_letters: tuple[LinkedLetter, ...] = ()
    reply_plan: MultipleMpPlan | None = None  # who gets the substantive reply, who a copy with a covering note
    reply_role: ReplyRole = ReplyRole.SUBSTANTIVE
    copy_of: str | None = None  # the reference whose reply this letter's MP gets a copy of
    may_link: bool = False  # this user may link it with (or unlink it from) other MPs' letters
    # Agency staff [CORR 2.5]: whom the letter was flagged to, and when.
    line_manager: str | None = None  # username
    line_manager_name: str = ""
    line_manager_flagged_at: datetime | None = None
    # The special cases (issue 15): the templates the reply may be made from now, the plan's first.
    reply_templates: tuple[str, ...] = ()

    @property
    def linked(self) -> bool:
        return bool(self.linked_letters)

    @property
    def rejecting_units(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.unit_code for r in self.rejections))


@dataclass(frozen=True)
class LetterSummary:
    """One line of a workstack or search result."""

    id: int
    reference: str
    kind: LetterKind
    state: LetterState
    section: str  # the workstack heading it belongs under, e.g. "Awaiting unit decision"
    received_at: datetime
    member_name: str
    subject_name: str
    unit_code: str | None
    case_owner_name: str
    urgent: bool
    ophso: bool
    enforced: bool
    restricted: bool
    returns_count: int
    stage_deadline: date | None
    reply_deadline: date  # the case deadline: the 20-working-day target
    status: QueueStatus | None
    decision_deadline: date | None  # the unit's two-day clock, while allocated
    rejections: tuple[RejectionRecord, ...]
    priority: int
    version: int


@dataclass(frozen=True)
class QaSubmission:
    """What submitting to QA did: late submissions are flagged on the letter and said here."""

    letter: LetterRecord
    late: bool
    warning: str | None


@dataclass(frozen=True)
class LateLetter:
    summary: LetterSummary
    prompts: tuple[LatenessPrompt, ...]


@dataclass(frozen=True)
class GeneratedReply:
    """The reply documents made from a template (a companion letter's too), with their bytes."""

    letter_id: int
    reference: str
    template: str
    documents: tuple[LetterDocumentRecord, ...]


@dataclass(frozen=True)
class PurgedDocument:
    reference: str
    kind: DocumentKind
    filename: str
    created_at: datetime


@dataclass(frozen=True)
class PurgeReport:
    """What the retention purge removed (or, on a dry run, would remove) [CORR 1.9].

    The case records and their audit trail remain.
    """

    run_at: datetime
    today: date
    documents: tuple[PurgedDocument, ...]
    dry_run: bool = False

    def lines(self) -> list[str]:
        """The report as text, one tab-separated line per document, then a total."""
        if not self.documents:
            return [f"{self.today:%d %B %Y}: no scanned letters or replies are due for purging."]
        verb = "due for purging" if self.dry_run else "purged"
        lines = [f"{d.reference}\t{d.kind.label}\t{d.filename}\t{d.created_at.astimezone(LONDON):%d %b %Y}"
                 for d in self.documents]
        return lines + [f"{len(self.documents)} document(s) {verb} on {self.today:%d %B %Y}."]
