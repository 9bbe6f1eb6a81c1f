"""The people in the records (issue 17): what counts as a person's data, how long call records are kept,
when an erasure is refused, and how records found for a search are told apart into people.

Pure rules; the services (``services/subject_access``, ``services/erasure``, ``services/retention``) apply them.

*Decisions*:

* **What is personal**: the subject's name, date of birth, nationality, Home Office reference, the CTS
  reference an enquiry quotes, the constituent's name, the staff member a letter is about, the MP's own
  reference for the case, and every free text about the case (question, answer, response, drafts,
  background notes, notes of urgent calls, rejections, returns, contributions), the documents, the
  e-mails that came in and the copies that went out.  ``ENQUIRY_ERASED`` and ``LETTER_ERASED`` list the
  columns, each with the value it becomes.
* **What is kept** (the league tables and the 30-second report count these): the desk's own references
  (``MPH000123``, ``M00012/26``: numbers the desk issued, which say nothing once the record is empty),
  channel, status and state, region, unit, member, every date and time of the flow (received, due,
  sent, acknowledged, completed, dispatched), flags that are counted (urgent, file needed, enforced),
  the calls.  An erased enquiry still counts on the day it was received, against the same target.
* **Retention for call records**: a closed enquiry (answered, refused, completed, or deleted) is kept
  for the rest of the year it closed and ``years`` full years after (default 2: "two years plus the
  current year", as for CTS documents [CORR 1.9]); from 1 January after that it is anonymised
  (``retention_cutoff_at``: the instant the retention run binds into its query).  An
  administrator may set ``years`` (``MIN_RETENTION_YEARS``..``MAX_RETENTION_YEARS``).  Letters keep the
  guidance's rule for their documents (``correspondence.retention``); a letter's record is anonymised
  only by an erasure.  Records imported from the Access database follow the same rule as any enquiry.
* **Whose record is it**: a name with a date of birth is one person; a record without a date of birth
  (every letter) is never joined to anyone by a guess (two people may share a name, only one having given
  a date of birth): it is a candidate of its own, and the officer chooses (``people``, ``combine``).
* **Erasure is refused** while any of the person's records is open (the work is not finished), while
  any is under a legal hold, or while any closed less than ``min_days`` ago (the minimum retention an
  administrator sets; default 0: none).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone

from .calendar import LONDON
from .text import fold

ERASED = "[erased]"  # what a personal value becomes where a column may not be empty

DEFAULT_RETENTION_YEARS = 2
MIN_RETENTION_YEARS = 1
MAX_RETENTION_YEARS = 10
RETENTION_YEARS_KEY = "records_retention_years"  # settings table
MIN_ERASURE_DAYS_KEY = "erasure_minimum_days"  # settings table
DEFAULT_MIN_ERASURE_DAYS = 0

CLOSED_ENQUIRY_STATUSES = frozenset({"answered", "refused", "completed"})
CLOSED_LETTER_STATES = frozenset({"dispatched", "cancelled"})

# enquiries column -> what it becomes.  None: NULL.
ENQUIRY_ERASED: dict[str, object] = {
    "subject_name": "", "subject_dob": None, "nationality": "", "nationality_folded": "", "ho_reference": "",
    "cts_reference": "", "question": "", "answer": "", "response": "", "caller_name": "",
    "deletion_reason": "", "removal_at": None,
}
LETTER_ERASED: dict[str, object] = {
    "constituent_name": "", "subject_name": "", "subject_name_folded": "", "ho_reference": "",
    "member_reference": "", "issue": "", "question": "", "draft_text": "", "background": "",
    "reallocation_reason": "", "no_barrier_reason": "", "last_return_note": "", "resolution_note": "",
    "mp_agreement": "", "cancel_reason": "", "signatory_reason": "", "staff_member": "",
}
# Fields of the audit trail's changes that carry the person's values (for an erased record's own rows).
AUDIT_PERSONAL_FIELDS = frozenset({
    "subject_name", "subject_dob", "nationality", "ho_reference", "cts_reference", "question", "answer",
    "response", "caller_name", "reason", "removal_at", "constituent_name", "issue", "draft", "background",
    "staff_member", "member_reference", "text", "note", "return_note", "resolution_note", "agreement",
})
# Tables of staff, offices and configuration: no person in the records is named there as a subject.
# audit_log is swept only through its narrow path (services/anonymise.scrub_audit), never by an UPDATE.
NOT_SWEPT = frozenset({"users", "members", "regions", "legacy_people", "drafting_units", "guidance_contacts",
                       "guidance_answers", "settings", "alembic_version", "reference_counters", "cts_counters",
                       "closure_days", "duty_rota", "unit_members", "offline_units", "member_status",
                       "workstack_cover", "audit_log", "anonymised_records", "call_events_seen"})
# Shorter values are not swept from other records' text: "Li" or "A1" would wipe unrelated words.
MIN_SWEPT_LENGTH = 4



def retention_years(value: str | None) -> int:
    """The administrator's setting, or the default; a stored value out of range is clamped, never trusted."""
    try:
        years = int(value) if value not in (None, "") else DEFAULT_RETENTION_YEARS
    except ValueError:
        return DEFAULT_RETENTION_YEARS
    return max(MIN_RETENTION_YEARS, min(MAX_RETENTION_YEARS, years))


def check_retention_years(years: int) -> int:
    if not MIN_RETENTION_YEARS <= int(years) <= MAX_RETENTION_YEARS:
        raise ValueError(f"Keep call records for {MIN_RETENTION_YEARS} to {MAX_RETENTION_YEARS} years after "
                         "the year they closed")
    return int(years)


def closed_on(closed_at: datetime | None) -> date | None:
    if closed_at is None:
        return None
    if closed_at.tzinfo is None or closed_at.utcoffset() is None:
        raise ValueError("closed_at must be timezone-aware (store instants in UTC)")
    return closed_at.astimezone(LONDON).date()


def anonymise_from(closed: date, years: int = DEFAULT_RETENTION_YEARS) -> date:
    """The first day a record closed on ``closed`` is anonymised: 1 January after ``years`` full years."""
    return date(closed.year + years + 1, 1, 1)


def retention_cutoff(today: date, years: int = DEFAULT_RETENTION_YEARS) -> date:
    """Records that closed before this day are past retention today (``anonymise_from(closed) <= today``)."""
    return date(today.year - years, 1, 1)


def retention_cutoff_at(today: date, years: int = DEFAULT_RETENTION_YEARS) -> datetime:
    """The instant (UTC) that starts the cut-off day in London: a record that closed before it is past
    retention today.  The retention run binds it into its query as it is; nothing else restates the rule."""
    return datetime.combine(retention_cutoff(today, years), time(0), tzinfo=LONDON).astimezone(timezone.utc)


def past_retention(closed_at: datetime | None, cutoff_at: datetime) -> bool:
    """Whether a record that closed at ``closed_at`` (None: still open) is past the cut-off."""
    return closed_at is not None and closed_at < cutoff_at


def enquiry_closed_at(status: str, completed_at: datetime | None, received_at: datetime,
                      deleted_at: datetime | None) -> datetime | None:
    """When an enquiry closed, or None while it is open.  A deleted one closed when deleted; an answered or
    refused one when completed (or, if the desk never stamped it, when received)."""
    if deleted_at is not None:
        return deleted_at
    if status in CLOSED_ENQUIRY_STATUSES:
        return completed_at or received_at
    return None


def letter_closed_at(state: str, dispatched_at: datetime | None, cancelled_at: datetime | None,
                     received_at: datetime) -> datetime | None:
    if state not in CLOSED_LETTER_STATES:
        return None
    return dispatched_at or cancelled_at or received_at


@dataclass(frozen=True)
class RecordState:
    """What the refusal rules need of one of the person's records."""

    label: str  # "MPH000123", "M00012/26"
    closed_at: datetime | None  # None: open
    on_hold: bool = False


def erasure_refusals(records: Iterable[RecordState], today: date, min_days: int) -> list[str]:
    """Every reason the erasure is refused (empty: it may go ahead)."""
    reasons = []
    for r in records:
        if r.on_hold:
            reasons.append(f"{r.label} is under a legal hold")
        if r.closed_at is None:
            reasons.append(f"{r.label} is still open")
        elif min_days and (today - closed_on(r.closed_at)).days < min_days:
            reasons.append(f"{r.label} closed less than {min_days} days ago (the minimum retention)")
    return reasons


# ------------------------------------------------------------------ telling people apart


@dataclass(frozen=True)
class Found:
    """One record a subject-access search found, with what says whose it is."""

    entity: str  # enquiry / letter
    id: int
    label: str
    name: str
    date_of_birth: date | None
    ho_reference: str
    cts_reference: str  # the letter's own, or the one an enquiry quotes


@dataclass(frozen=True)
class PersonMatch:
    """The records that are one person's: the same name (folded) and, where known, date of birth."""

    name: str
    date_of_birth: date | None
    records: tuple[Found, ...] = field(default_factory=tuple)

    @property
    def key(self) -> tuple[str, date | None]:
        return fold(self.name), self.date_of_birth

    def ids(self, entity: str) -> list[int]:
        return [r.id for r in self.records if r.entity == entity]

    @property
    def ho_references(self) -> list[str]:
        return sorted({r.ho_reference for r in self.records if r.ho_reference})


def people(found: Sequence[Found]) -> list[PersonMatch]:
    """Group records into the candidates an officer chooses from.  A name with a date of birth is one
    person.  A record without a date of birth (every letter; an enquiry where none was taken) is never
    joined to anyone by a guess: two people may share a name and only one have given a date of birth, and
    the officer must not be handed another's data.  It stands as a candidate of its own, for the officer
    to add to the person's (``combine``) when the record shows it is theirs."""
    groups: dict[tuple[str, date | None], list[Found]] = {}
    alone: list[Found] = []
    for r in found:
        if r.date_of_birth is not None and fold(r.name):
            groups.setdefault((fold(r.name), r.date_of_birth), []).append(r)
        else:
            alone.append(r)
    matches = [PersonMatch(name=next((r.name for r in records if r.name), "(no name recorded)"),
                           date_of_birth=dob, records=tuple(records)) for (_, dob), records in groups.items()]
    matches += [PersonMatch(name=r.name or "(no name recorded)", date_of_birth=None, records=(r,)) for r in alone]
    return sorted(matches, key=lambda m: (fold(m.name), m.date_of_birth is None, m.date_of_birth or date.min,
                                          m.records[0].label))


def combine(matches: Sequence[PersonMatch]) -> PersonMatch:
    """The candidates an officer chose, as one person's records; ValueError unless they can be one person's
    (one name, at most one date of birth: ``same_person``)."""
    records = tuple(r for m in matches for r in m.records)
    if not records:
        raise ValueError("Choose the person's records first")
    if not same_person(records):
        raise ValueError("The rows chosen are more than one person's (different names or dates of birth): "
                         "choose one person's rows")
    return PersonMatch(name=next((r.name for r in records if r.name), "(no name recorded)"),
                       date_of_birth=next((r.date_of_birth for r in records if r.date_of_birth), None),
                       records=records)


def same_person(records: Sequence[Found]) -> bool:
    """Whether the chosen records can be one person's: one folded name, at most one date of birth."""
    names = {fold(r.name) for r in records}
    births = {r.date_of_birth for r in records if r.date_of_birth is not None}
    return len(names) <= 1 and len(births) <= 1


def erased_values(records: Iterable[Found], extra: Iterable[str] = ()) -> list[str]:
    """The person's values to sweep from every other text (longest first, so a full name goes before a part)."""
    values: set[str] = set()
    for r in records:
        for v in (r.name, r.ho_reference):
            if v and len(v.strip()) >= MIN_SWEPT_LENGTH:
                values.add(v.strip())
    values.update(v.strip() for v in extra if v and len(v.strip()) >= MIN_SWEPT_LENGTH)
    return sorted(values, key=lambda v: (-len(v), v))
