"""SQLAlchemy 2 models of MPEL Desk's tables."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (BigInteger, Boolean, Date, Float, ForeignKey, Index, Integer, LargeBinary, String, Text,
                        UniqueConstraint, false, text, true)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from .types import UTCDateTime, search_key


class Base(DeclarativeBase):
    pass


class Region(Base):
    __tablename__ = "regions"
    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    inbox_name: Mapped[str] = mapped_column(String(120))
    inbox_address: Mapped[str] = mapped_column(String(254))
    fax_number: Mapped[str] = mapped_column(String(32))
    phone_number: Mapped[str] = mapped_column(String(32))
    # Where an urgent item nobody acknowledged is escalated to (the region's team leader).
    team_leader_email: Mapped[str] = mapped_column(String(254), default="", server_default="")


class Member(Base):
    __tablename__ = "members"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    name_folded: Mapped[str] = mapped_column(search_key(120), index=True)
    kind: Mapped[str] = mapped_column(String(8), default="MP")
    constituency: Mapped[str] = mapped_column(String(120), default="")
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    privy_counsellor: Mapped[bool] = mapped_column(Boolean, default=False)
    office_phone: Mapped[str] = mapped_column(String(32), default="", index=True)  # E.164; caller-ID match
    office_fax: Mapped[str] = mapped_column(String(32), default="")  # E.164
    office_email: Mapped[str] = mapped_column(String(254), default="")
    # From the Members list import (issue 14): shown beside the name, never used by a rule.
    party: Mapped[str] = mapped_column(String(60), default="", server_default="")
    # Deferred: never read with the row (on PostgreSQL desks may not read it; issue 19).
    passcode_hash: Mapped[str | None] = mapped_column(String(200), deferred=True)
    # PostgreSQL only: a bcrypt verifier the database itself checks (db/pg_secrets.py); unused on SQLite.
    passcode_verifier: Mapped[str | None] = mapped_column(String(100), deferred=True)
    passcode_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when too many wrong passcodes were given for this office across calls (domain.office_passcode):
    # no passcode of the office is accepted until a team leader or an administrator clears it.
    passcode_locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When it was last cleared (or the passcode changed): failures before it no longer count.
    passcode_cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(200), deferred=True)  # desks read only their own
    roles: Mapped[str] = mapped_column(String(400))  # comma-separated Role values
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"))
    grade: Mapped[str | None] = mapped_column(String(8))
    phone: Mapped[str] = mapped_column(String(32), default="")
    # Where the desk writes to the person (e.g. a line manager told of a letter [CORR 2.5]); "" for none.
    email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    # Set when an administrator resets the password: the person picks their own at the next sign-in.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Phone identity (issue 9, migration 0011): the PBX's names for this person's phone, so a ringing
    # call finds their desk.  Comma-separated AMI interfaces ("PJSIP/2001"), the extension, the queues.
    phone_interfaces: Mapped[str] = mapped_column(String(200), default="", server_default="")
    phone_extension: Mapped[str] = mapped_column(String(16), default="", server_default="")
    phone_queues: Mapped[str] = mapped_column(String(400), default="", server_default="")


class PasscodeFailure(Base):
    """One wrong passcode given for an MP's office, on any call: counted per office over a window."""

    __tablename__ = "passcode_failures"
    __table_args__ = (Index("ix_passcode_failures_member_at", "member_id", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    enquiry_id: Mapped[int | None] = mapped_column(ForeignKey("enquiries.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReferenceCounter(Base):
    """The last number issued per prefix; updated in the logging transaction."""

    __tablename__ = "reference_counters"
    prefix: Mapped[str] = mapped_column(String(3), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class ClosureDay(Base):
    """A one-off day the office is closed, on top of the bank holidays."""

    __tablename__ = "closure_days"
    __table_args__ = (UniqueConstraint("day", "nation"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    nation: Mapped[str] = mapped_column(String(3))  # ENG, SCT, NIR or ALL
    reason: Mapped[str] = mapped_column(String(200))


class Enquiry(Base):
    __tablename__ = "enquiries"
    __table_args__ = (
        # A region's queue, live items only, in the queue's order (due date, id): a page is an index
        # range and its counts by due-date band are counted from the index alone.  deleted_at is a
        # column too, always NULL here, only so that SQLite sees the index as covering the counts.
        Index("ix_enquiries_region_queue", "region_code", "status", "due_date", "id", "deleted_at",
              sqlite_where=text("deleted_at IS NULL"), postgresql_where=text("deleted_at IS NULL")),
        # Urgent items nobody has acknowledged go first in a queue: found without walking the queue.
        # "urgent = 1" is how SQLite is asked (repositories' true()), so its planner matches it.
        Index("ix_enquiries_urgent_waiting", "region_code", "status", "due_date",
              sqlite_where=text("urgent = 1 AND deleted_at IS NULL AND acknowledged_at IS NULL"),
              postgresql_where=text("urgent AND deleted_at IS NULL AND acknowledged_at IS NULL")),
        Index("ix_enquiries_status_received", "status", "received_at"),
        Index("ix_enquiries_nationality", "nationality_folded", "received_at"),
        # Name search walks live enquiries newest first; skipping deleted ones from the index alone
        # means a row is read only when its name matches (see db/name_search.py).
        Index("ix_enquiries_live_received", "received_at",
              sqlite_where=text("deleted_at IS NULL"), postgresql_where=text("deleted_at IS NULL")),
        # The newest of a few thousand enquiries found by name, by id: their time of receipt from this
        # small index instead of a read of each (wide) row.
        Index("ix_enquiries_live_id_received", "id", "received_at",
              sqlite_where=text("deleted_at IS NULL"), postgresql_where=text("deleted_at IS NULL")),
        # A ringing office's last five enquiries (the screen pop, issue 9): an index range, newest first.
        Index("ix_enquiries_member_received", "member_id", "received_at",
              sqlite_where=text("deleted_at IS NULL"), postgresql_where=text("deleted_at IS NULL")),
        # A region's queue sorted by subject or by date of receipt (issue 14, db/queue_steer_sql.py): a
        # page is read in the index's order instead of sorting the whole queue (migration 0022).
        Index("ix_enquiries_region_subject", "region_code", "status", text("lower(subject_name)"), "id",
              sqlite_where=text("deleted_at IS NULL"), postgresql_where=text("deleted_at IS NULL")),
        Index("ix_enquiries_region_received", "region_code", "status", "received_at", "id",
              sqlite_where=text("deleted_at IS NULL"), postgresql_where=text("deleted_at IS NULL")),
        # How many of a region's queue a text filter keeps, counted from this narrow index alone instead of
        # each item's wide row (issue 14, migration 0027); deleted_at only so that SQLite sees it as covering.
        Index("ix_enquiries_region_texts", "region_code", "status", "reference", "subject_name", "nationality",
              "ho_reference", "cts_reference", "deleted_at",
              sqlite_where=text("deleted_at IS NULL"), postgresql_where=text("deleted_at IS NULL")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(9), unique=True)
    channel: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    caller_kind: Mapped[str | None] = mapped_column(String(12))
    caller_name: Mapped[str] = mapped_column(String(120), default="")
    passcode_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    passcode_failures: Mapped[int] = mapped_column(Integer, default=0)
    constituency_mp: Mapped[bool] = mapped_column(Boolean, default=False)
    authorised_representative: Mapped[bool] = mapped_column(Boolean, default=False)
    third_party: Mapped[bool] = mapped_column(Boolean, default=False)
    identity_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    # What the answer gave, against which the checks above are enforced (domain.disclosure; migration 0016).
    personal_information: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    limited_facts_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    subject_name: Mapped[str] = mapped_column(String(200), default="")
    subject_dob: Mapped[date | None] = mapped_column(Date)
    nationality: Mapped[str] = mapped_column(String(80), default="")
    nationality_folded: Mapped[str] = mapped_column(search_key(80), default="")
    ho_reference: Mapped[str] = mapped_column(String(40), default="", index=True)
    cts_reference: Mapped[str] = mapped_column(String(20), default="", index=True)
    question: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    written_confirmation: Mapped[bool] = mapped_column(Boolean, default=False)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    compassionate: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    removal_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    imminent_removal: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # An MP's intervention defers an imminent removal until the MP has a reply [CORR 2.2].
    barrier_to_removal: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    urgent_destination: Mapped[str | None] = mapped_column(String(12))  # region / duty_region / oscu
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"))
    file_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    due_date: Mapped[date | None] = mapped_column(Date)
    sent_to_region_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    response: Mapped[str] = mapped_column(Text, default="")
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    deletion_reason: Mapped[str] = mapped_column(String(500), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    member: Mapped[Member | None] = relationship(lazy="joined")
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id], lazy="joined")
    acknowledged_by: Mapped[User | None] = relationship(foreign_keys=[acknowledged_by_id], lazy="joined")
    # Only for records imported from the legacy Access database (issue 10).
    legacy: Mapped[LegacyRecord | None] = relationship(lazy="joined", viewonly=True)

    __mapper_args__ = {"version_id_col": version}


class SubjectNameToken(Base):
    """One folded word of a subject's name, for word-prefix search on both databases."""

    __tablename__ = "subject_name_tokens"
    __table_args__ = (Index("ix_subject_name_tokens_token", "token", "enquiry_id"),)
    enquiry_id: Mapped[int] = mapped_column(ForeignKey("enquiries.id", ondelete="CASCADE"), primary_key=True)
    token: Mapped[str] = mapped_column(search_key(80), primary_key=True)


class AuditLog(Base):
    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_entity", "entity", "entity_id", "at"),
        # The audit viewer lists and filters the whole trail by time.
        Index("ix_audit_at", "at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(80))
    changes: Mapped[str] = mapped_column(Text, default="{}")  # JSON


# -- outbox (notify/) ----------------------------------------------------------


class OutboxMessage(Base):
    """An email to another team, saved in the same transaction as the change that caused it.

    The background sender delivers it later (notify/sender.py).  ``message_id``
    is fixed when the row is written, so a retry re-sends the same Message-ID
    and the recipient's mail system can recognise a duplicate.  ``claimed_by``
    and ``claimed_at`` record which sender took the row and when: a claim
    older than a few minutes belongs to a sender that died and is taken over.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
        Index("ix_outbox_messages_entity", "entity", "entity_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(32))  # e.g. "call_note"
    entity: Mapped[str] = mapped_column(String(32))  # what caused it, as in the audit trail
    entity_id: Mapped[int | None] = mapped_column(Integer)
    to_address: Mapped[str] = mapped_column(String(254))
    to_name: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(String(400))
    body_text: Mapped[str] = mapped_column(Text)
    attachment_name: Mapped[str | None] = mapped_column(String(200))
    attachment_mime: Mapped[str | None] = mapped_column(String(100))
    attachment: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Or, in place of the bytes, the facts the attachment is made from when the message is built (JSON,
    # notify/attachments.py): the call record as it was sent, rendered by the sender, not the sending desk.
    attachment_snapshot: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(250), unique=True)
    # pending, sending, sent, failed, sent_by_hand
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # None: no automatic attempt (the server refused the message for good); a person must retry.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Extra headers as JSON (threading: In-Reply-To, References; priority: Importance, X-Priority); "" for none.
    headers: Mapped[str] = mapped_column(Text, default="", server_default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


# -- urgent cases (issue 3) ------------------------------------------------------


class UrgentContact(Base):
    """A telephone call MPEL made about an urgent enquiry: the regional team, the duty AM, or OSCU."""

    __tablename__ = "urgent_contacts"
    id: Mapped[int] = mapped_column(primary_key=True)
    enquiry_id: Mapped[int] = mapped_column(ForeignKey("enquiries.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(16))  # region / duty_region / oscu
    spoken_to: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(32), default="")
    note: Mapped[str] = mapped_column(String(500), default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class DutyRota(Base):
    """Tonight's duty region and its account manager, one row an evening."""

    __tablename__ = "duty_rota"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    manager_name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(32))  # E.164
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


# -- CTS correspondence: MPs' letters (issue 4) ------------------------------------
#
# The lifecycle's rules live in domain/correspondence; these tables only hold
# what the rules are checked against.  Deadlines are not stored (they follow
# from received_at, allocated_at, reached_signatory_at and the unit's calendar)
# except the OPHSO deadline, which is fixed when the enquiry is registered [ASY].


class DraftingUnit(Base):
    """A CTS drafting unit: letters are allocated to it and its staff draft, QA and sign them."""

    __tablename__ = "drafting_units"
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # Whose bank holidays count for this unit's deadlines (domain-rules §3: England & Wales by default).
    nation: Mapped[str] = mapped_column(String(3), default="ENG", server_default="ENG")
    # The head of unit: where an escalation of a disputed letter is sent [CORR 1.4].
    head_email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class UnitMember(Base):
    """A user's membership of a drafting unit: "their unit" for workstacks and unit-bound actions."""

    __tablename__ = "unit_members"
    unit_code: Mapped[str] = mapped_column(ForeignKey("drafting_units.code"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)


class CtsCounter(Base):
    """The last CTS sequence number issued per reference letter (M or B) and year."""

    __tablename__ = "cts_counters"
    letter: Mapped[str] = mapped_column(String(1), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)  # four digits; the reference shows two
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Setting(Base):
    """Desk-wide settings an authorised person changes at run time, e.g. Parliament's dissolution date."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Letter(Base):
    """An MP's letter or e-mail on CTS, from registration by MPCS to dispatch of the reply."""

    __tablename__ = "letters"
    __table_args__ = (
        Index("ix_letters_unit_state", "unit_code", "state"),
        Index("ix_letters_state_received", "state", "received_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    cts_reference: Mapped[str] = mapped_column(String(9), unique=True)  # M12345/26
    kind: Mapped[str] = mapped_column(String(12))  # ministerial / official (may become official at an election)
    sequence: Mapped[int] = mapped_column(Integer)
    year: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(24))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The correspondent: the Member who wrote, and the constituent they wrote for.
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    member_letter_date: Mapped[date] = mapped_column(Date)
    member_reference: Mapped[str] = mapped_column(String(60), default="")
    constituent_name: Mapped[str] = mapped_column(String(200), default="")
    subject_name: Mapped[str] = mapped_column(String(200), default="")
    subject_name_folded: Mapped[str] = mapped_column(search_key(200), default="", index=True)
    ho_reference: Mapped[str] = mapped_column(String(40), default="", index=True)
    issue: Mapped[str] = mapped_column(String(300), default="")  # as the reply words it
    question: Mapped[str] = mapped_column(Text, default="")
    urgent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    ophso: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    ophso_deadline: Mapped[date | None] = mapped_column(Date)
    foi: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    welsh_requested: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Agency staff [CORR 2.5]: visible only to the named handlers (letter_handlers), never to the staff member.
    restricted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    staff_member: Mapped[str] = mapped_column(String(64), default="")  # username, when they have one
    # The staff member's line manager, told of the letter so they can consider the Civil Service Code [CORR 2.5].
    line_manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", name="fk_letters_line_manager"))
    line_manager_flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Several MPs writing about one person [CORR 2.6]: every letter of the group points at the first one
    # registered (the group's own id); ``constituency_mp`` marks the writer who is the person's constituency MP.
    link_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("letters.id", name="fk_letters_link_group"), index=True)
    constituency_mp: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    different_points: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Who signs [CORR 1.8], decided by MPCS.
    signatory_kind: Mapped[str | None] = mapped_column(String(16))
    signatory_who: Mapped[str] = mapped_column(String(120), default="")
    signatory_reason: Mapped[str] = mapped_column(String(500), default="")
    # Allocation and the two-day rule [CORR 1.4].
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("drafting_units.code"))
    allocated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    enforced: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    enforced_how: Mapped[str | None] = mapped_column(String(16))  # two_day_rule / head_of_mpcs
    enforced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    barrier_to_removal: Mapped[bool | None] = mapped_column(Boolean)  # None until the unit accepts
    no_barrier_reason: Mapped[str] = mapped_column(String(500), default="")
    # Drafting.
    case_owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    reallocation_reason: Mapped[str] = mapped_column(String(1000), default="")
    draft_text: Mapped[str] = mapped_column(Text, default="")
    drafter_grade: Mapped[str | None] = mapped_column(String(8))
    background: Mapped[str] = mapped_column(Text, default="")
    drafting_officer_name: Mapped[str] = mapped_column(String(120), default="")
    drafting_officer_location: Mapped[str] = mapped_column(String(120), default="")
    drafting_officer_phone: Mapped[str] = mapped_column(String(32), default="")  # E.164
    reply_still_wanted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    submitted_to_qa_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    qa_submitted_late: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    returns_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_return_note: Mapped[str] = mapped_column(String(2000), default="")
    # Signing and dispatch.
    reached_signatory_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    signed_by: Mapped[str] = mapped_column(String(120), default="")
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reply_channel: Mapped[str | None] = mapped_column(String(16))
    mp_agreement: Mapped[str] = mapped_column(String(500), default="")
    resolution_note: Mapped[str] = mapped_column(Text, default="")
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    dispatched_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Cancelling [CORR 1.5], [CORR 5.2].
    cancel_ground: Mapped[str | None] = mapped_column(String(20))
    cancel_reason: Mapped[str] = mapped_column(String(1000), default="")
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    member: Mapped[Member] = relationship(lazy="joined")
    case_owner: Mapped[User | None] = relationship(foreign_keys=[case_owner_id], lazy="joined")

    __mapper_args__ = {"version_id_col": version}


class LetterHandler(Base):
    """A user named to handle a restricted letter; nobody else sees it [CORR 2.5]."""

    __tablename__ = "letter_handlers"
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)


class LetterRejection(Base):
    """A unit's rejection of a letter as misallocated, with its reason and a suggested unit [CORR 1.4]."""

    __tablename__ = "letter_rejections"
    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("drafting_units.code"))
    reason: Mapped[str] = mapped_column(String(1000))
    suggested_unit_code: Mapped[str | None] = mapped_column(ForeignKey("drafting_units.code"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class LetterDocument(Base):
    """A file kept with a letter: the scan, a unit's written agreement, a reply (PDF or .docx).

    ``data`` becomes NULL when the retention purge removes the file [CORR 1.9];
    the row stays so the case shows what there was and when it went.
    """

    __tablename__ = "letter_documents"
    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # scan / written_agreement / reply_pdf / reply_docx
    filename: Mapped[str] = mapped_column(String(200))
    mime: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer, default=0)
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


# -- Telephony (issue 9) -------------------------------------------------------------
#
# One row per call, kept up to date by services/calls.py as the PBX's events
# arrive (in any order).  The facts (times, cause, who was rung and answered)
# are stored; outcome, wait and talk follow from them by domain/call_stats.py
# and are stored too so the report is plain SQL aggregates.


class Call(Base):
    """A telephone call the PBX reported: who rang, who answered, how long they waited, what became of it."""

    __tablename__ = "calls"
    __table_args__ = (
        # The report: calls by London day, optionally one queue.
        Index("ix_calls_day_queue", "offered_day", "queue"),
        # "Learned" caller-ID matches: earlier calls from this number that were linked to an enquiry.
        Index("ix_calls_caller_offered", "caller_e164", "offered_at"),
        # What is ringing now (a handful of rows whatever the size of the table).
        Index("ix_calls_ringing", "outcome", sqlite_where=text("ended_at IS NULL"),
              postgresql_where=text("ended_at IS NULL")),
        # The missed-calls list: ended inbound calls nobody logged and nobody has dealt with yet.
        Index("ix_calls_missed", "offered_at", sqlite_where=text("dealt_with_at IS NULL AND enquiry_id IS NULL"),
              postgresql_where=text("dealt_with_at IS NULL AND enquiry_id IS NULL")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[str] = mapped_column(String(128), unique=True)  # the PBX's (AMI Linkedid, webhook callId)
    source: Mapped[str] = mapped_column(String(16), default="http")
    direction: Mapped[str] = mapped_column(String(3))  # in / out
    caller_raw: Mapped[str] = mapped_column(String(64), default="")
    caller_e164: Mapped[str] = mapped_column(String(32), default="")  # "" when withheld, an extension, unknown
    called_number: Mapped[str] = mapped_column(String(64), default="")
    queue: Mapped[str | None] = mapped_column(String(80))
    agents_rung: Mapped[str] = mapped_column(String(1000), default="")  # comma-separated, as the PBX named them
    answered_by: Mapped[str | None] = mapped_column(String(80))  # as the PBX named the agent
    answered_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    offered_day: Mapped[date] = mapped_column(Date)  # London day of offered_at
    offered_hour: Mapped[int] = mapped_column(Integer)  # London hour of offered_at
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hangup_cause: Mapped[str | None] = mapped_column(String(20))
    wait_seconds: Mapped[float | None] = mapped_column(Float)
    wait_from_pbx: Mapped[bool] = mapped_column(Boolean, default=False)  # the PBX measured it (AMI HoldTime)
    talk_seconds: Mapped[float | None] = mapped_column(Float)
    outcome: Mapped[str] = mapped_column(String(12))  # ringing / answered / abandoned / missed / outbound
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    match_kind: Mapped[str] = mapped_column(String(10), default="none")  # exact / learned / none / withheld
    enquiry_id: Mapped[int | None] = mapped_column(ForeignKey("enquiries.id"), index=True)
    dealt_with_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    dealt_with_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class CallBack(Base):
    """A call back asked for at a desk, placed by the CTI bridge (which alone holds the AMI session).

    The desk never holds the phone system's secret: it writes this row (audited); ``mpel cti serve``
    picks up pending rows, rings the agent's own phone with AMI ``Originate`` and records the result.
    """

    __tablename__ = "call_backs"
    __table_args__ = (Index("ix_call_backs_pending", "requested_at", sqlite_where=text("state = 'pending'"),
                            postgresql_where=text("state = 'pending'")),)
    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    number_e164: Mapped[str] = mapped_column(String(32))
    interface: Mapped[str] = mapped_column(String(80))  # the agent's phone, e.g. PJSIP/2001
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(10), default="pending")  # pending / placed / failed
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    message: Mapped[str] = mapped_column(String(200), default="")  # the PBX's answer


class CallEventSeen(Base):
    """An event already recorded, by its key at the source: a replay after a reconnect is not counted twice."""

    __tablename__ = "call_events_seen"
    event_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    call_id: Mapped[str] = mapped_column(String(128))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime())


class GuidanceContact(Base):
    """A number in the MPEL team leader's contacts directory: one the agent may give to MPs, or must not (§5)."""

    __tablename__ = "guidance_contacts"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    team: Mapped[str] = mapped_column(String(120), default="", server_default="")
    phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    may_give_out: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    note: Mapped[str] = mapped_column(String(500), default="", server_default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class GuidanceAnswer(Base):
    """A frequently asked question with its model answer, or a rule an agent needs mid-call (kind "faq"/"rule")."""

    __tablename__ = "guidance_answers"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    question: Mapped[str] = mapped_column(String(500))
    answer: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


# -- the legacy Access database (issue 10) -------------------------------------
#
# What the import of the MPEL Access database brought in, beside the enquiries it
# created: which database (a source), the people named in it (call agents and
# completers: never users, so nobody signs in as them), and for each imported
# enquiry its Access ID, its reference as Access held it and the import's decisions.


class LegacySource(Base):
    """One legacy Access database, known by a fingerprint of its oldest call record (services/legacy_import)."""

    __tablename__ = "legacy_sources"
    id: Mapped[int] = mapped_column(primary_key=True)
    identity: Mapped[str] = mapped_column(String(64), unique=True)
    file_name: Mapped[str] = mapped_column(String(260))
    first_imported_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LegacyPerson(Base):
    """A call agent (tblAgent) or a completer (free text) of the Access database: a name, never a user."""

    __tablename__ = "legacy_people"
    __table_args__ = (UniqueConstraint("source_id", "kind", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("legacy_sources.id"))
    kind: Mapped[str] = mapped_column(String(10))  # agent / completer
    key: Mapped[str] = mapped_column(String(120))  # the tblAgent ID, or the completer's folded name
    name: Mapped[str] = mapped_column(String(120))
    login: Mapped[str] = mapped_column(String(40), default="")
    team: Mapped[str] = mapped_column(String(20), default="")


class LegacyRecord(Base):
    """Where an imported enquiry came from: its Access ID, its reference as stored, what was decided."""

    __tablename__ = "legacy_records"
    __table_args__ = (UniqueConstraint("source_id", "access_id"),)
    enquiry_id: Mapped[int] = mapped_column(ForeignKey("enquiries.id", ondelete="CASCADE"), primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("legacy_sources.id"))
    access_id: Mapped[int] = mapped_column(Integer)
    reference_as_stored: Mapped[str] = mapped_column(String(40), default="")
    # The stored reference compared as references are searched (domain/text.normalise_reference):
    # a duplicated or invalid Access reference is still found by what Access held.
    reference_key: Mapped[str] = mapped_column(String(40), default="", index=True)
    mp_name: Mapped[str] = mapped_column(String(120), default="")
    constituency: Mapped[str] = mapped_column(String(120), default="")
    call_agent_id: Mapped[int | None] = mapped_column(ForeignKey("legacy_people.id"))
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("legacy_people.id"))
    passcode_given: Mapped[bool] = mapped_column(Boolean, default=False)
    decisions: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of what the import decided

    source: Mapped[LegacySource] = relationship(lazy="joined")
    call_agent: Mapped[LegacyPerson | None] = relationship(foreign_keys=[call_agent_id], lazy="joined")
    completed_by: Mapped[LegacyPerson | None] = relationship(foreign_keys=[completed_by_id], lazy="joined")


# -- the central inbox: e-mails and faxes taken in over IMAP (issue 18) ---------------


class InboxMessage(Base):
    """One message taken in from the central mailbox, whatever became of it (enquiry, check-in, quarantine).

    ``content_hash`` (services/inbox.py, inbox/parse.py) is unique: the same
    message delivered twice is one row with two deliveries.  ``raw`` is kept
    for a quarantined message, so nothing that could not be read is lost.
    """

    __tablename__ = "inbox_messages"
    __table_args__ = (Index("ix_inbox_messages_status", "status", "taken_in_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    message_id: Mapped[str] = mapped_column(String(250), default="", index=True)
    status: Mapped[str] = mapped_column(String(16))  # taken_in / checked_in / quarantined / released
    channel: Mapped[str | None] = mapped_column(String(10))  # email / fax; None when quarantined
    enquiry_id: Mapped[int | None] = mapped_column(ForeignKey("enquiries.id"), index=True)
    from_address: Mapped[str] = mapped_column(String(254), default="")
    from_name: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(String(1000), default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    taken_in_at: Mapped[datetime] = mapped_column(UTCDateTime())
    in_reply_to: Mapped[str] = mapped_column(String(500), default="")
    references: Mapped[str] = mapped_column(Text, default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    html_only: Mapped[bool] = mapped_column(Boolean, default=False)
    matched: Mapped[bool] = mapped_column(Boolean, default=False)  # the sender is a Member's office
    notes: Mapped[str] = mapped_column(Text, default="")  # what was odd but survivable, one per line
    reason: Mapped[str] = mapped_column(String(1000), default="")  # why it was quarantined
    size: Mapped[int] = mapped_column(Integer, default=0)
    raw: Mapped[bytes | None] = mapped_column(LargeBinary)


class InboxDelivery(Base):
    """A copy of a message seen in a mailbox (mailbox, UIDVALIDITY, UID), and whether it has been filed."""

    __tablename__ = "inbox_deliveries"
    __table_args__ = (UniqueConstraint("mailbox", "uidvalidity", "uid", name="uq_inbox_deliveries_uid"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    mailbox: Mapped[str] = mapped_column(String(200))
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    uid: Mapped[int] = mapped_column(BigInteger)
    inbox_message_id: Mapped[int] = mapped_column(ForeignKey("inbox_messages.id", ondelete="CASCADE"), index=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    folder: Mapped[str] = mapped_column(String(200))  # where it is to be filed
    moved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class InboxAttachment(Base):
    """A file that came with an inbox message: kept as it came (``data``), or not kept with the reason."""

    __tablename__ = "inbox_attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    inbox_message_id: Mapped[int] = mapped_column(ForeignKey("inbox_messages.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))  # safe: a bare name
    original_name: Mapped[str] = mapped_column(String(500), default="")
    mime: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))  # attachment / fax_image / image / tnef / msg / archive / html / not_kept
    size: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(String(1000), default="")
    data: Mapped[bytes | None] = mapped_column(LargeBinary)


class EmailCase(Base):
    """An e-mail enquiry's way through the region: allocated, accepted, drafted, quality assured, replied."""

    __tablename__ = "email_cases"
    enquiry_id: Mapped[int] = mapped_column(ForeignKey("enquiries.id", ondelete="CASCADE"), primary_key=True)
    inbox_message_id: Mapped[int | None] = mapped_column(ForeignKey("inbox_messages.id"))
    state: Mapped[str] = mapped_column(String(16))
    allocated_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    allocated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    draft_text: Mapped[str] = mapped_column(Text, default="")
    drafter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    drafter_grade: Mapped[str | None] = mapped_column(String(8))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    qa_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    qa_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    qa_note: Mapped[str] = mapped_column(String(2000), default="")
    reply_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reply_message_id: Mapped[str] = mapped_column(String(250), default="")
    offline_exported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    offline_reply_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class LetterFacts(Base):
    """What kind of letter it is, and the special cases it raises (issue 15): one row per letter, made on demand.

    ``category``: case, policy, support [CORR 3.4], allegation [CORR 3.5],
    family_sponsor [CORR 3.2] or policy_challenge (an MDL challenging the
    policy on MDLs [CORR 4.5]).  The three disclosure conditions are None until
    someone has looked.
    """

    __tablename__ = "letter_facts"
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), primary_key=True)
    category: Mapped[str] = mapped_column(String(20), default="case", server_default="case")
    foi_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    foi_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    letter_in_welsh: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    meeting_requested: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    against_removal: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    answers_earlier_request: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    raised_before: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    supports_case: Mapped[bool | None] = mapped_column(Boolean)
    relationship_evidenced: Mapped[bool | None] = mapped_column(Boolean)
    no_adverse_effect: Mapped[bool | None] = mapped_column(Boolean)
    allegation_unit: Mapped[str] = mapped_column(String(254), default="", server_default="")
    allegation_passed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A meeting on policy referred to the Private Office [CORR 2.4] (migration 0027).
    meeting_referred_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A Welsh reply [CORR 5.3]: out to the translator and back; ``english_also`` the English one goes too.
    translation_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    translation_sent_to: Mapped[str] = mapped_column(String(254), default="", server_default="")
    translation_received_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    english_also: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The barrier to removal lifted before the reply [CORR 2.2].
    removal_on: Mapped[date | None] = mapped_column(Date)
    barrier_lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class MemberStatus(Base):
    """What happened to a Member that changes how their letters are answered [CORR 4.1], [CORR 5.1], [CORR 5.4]."""

    __tablename__ = "member_status"
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    died_on: Mapped[date | None] = mapped_column(Date)
    by_election_on: Mapped[date | None] = mapped_column(Date)
    interim_handler: Mapped[str] = mapped_column(String(120), default="", server_default="")
    election_outcome: Mapped[str | None] = mapped_column(String(16))  # returned / not_returned
    also_mp: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    devolved_minister: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class LetterContribution(Base):
    """A contribution to a reply commissioned from a colleague, with the date it is due [ASY]."""

    __tablename__ = "letter_contributions"
    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    contributor_name: Mapped[str] = mapped_column(String(120))
    contributor_email: Mapped[str] = mapped_column(String(254))
    question: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    asked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answer: Mapped[str] = mapped_column(Text, default="", server_default="")


class OfflineUnit(Base):
    """A drafting unit without CTS: letters reach it by e-mail and its replies come back through MPCS [ASY]."""

    __tablename__ = "offline_units"
    unit_code: Mapped[str] = mapped_column(ForeignKey("drafting_units.code", ondelete="CASCADE"), primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    since: Mapped[datetime] = mapped_column(UTCDateTime())


class WorkstackCover(Base):
    """Inbox cover during an absence: the delegate sees and acts on the absent person's workstack [ASY]."""

    __tablename__ = "workstack_cover"
    id: Mapped[int] = mapped_column(primary_key=True)
    absent_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    delegate_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class HomeSecretaryListEntry(Base):
    """A Member on the Home Secretary's published list: he replies himself to their letters to him [CORR 1.8].

    Kept by an administrator (issue 14) instead of ticked per letter; the signatory rule reads it.
    """

    __tablename__ = "home_secretary_list"
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
# -- the people in the records (issue 17) -------------------------------------------


class LegalHold(Base):
    """A record that must not be erased or anonymised (litigation, an inquiry) until the hold is lifted."""

    __tablename__ = "legal_holds"
    __table_args__ = (Index("ix_legal_holds_entity", "entity", "entity_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(32))  # enquiry / letter
    entity_id: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(500))
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    placed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class AnonymisedRecord(Base):
    """A record whose personal values are gone (an erasure or the retention rule): done once, never undone."""

    __tablename__ = "anonymised_records"
    entity: Mapped[str] = mapped_column(String(32), primary_key=True)
    entity_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    ground: Mapped[str] = mapped_column(String(16))  # erasure / retention
