"""Use cases of an e-mail enquiry on the desk: match, accept, draft, QA, reply by e-mail, the off-line procedure.

The states and who may move them are domain/email_case_flow.py's; the reply's
wording and threading domain/email_notes.py's; the targets domain/inbox_rules.py's.
Every change is audited in its own transaction, and every e-mail (the reply
to the MP's office, the off-line document to the regional inbox) goes through
the outbox in that same transaction.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..db import repositories as repo
from ..db.models import EmailCase, Enquiry, InboxAttachment, InboxMessage, Member, Region, User
from ..db.uow import UnitOfWork
from ..domain import email_notes
from ..domain import permissions as perm
from ..domain.calendar import LONDON, REGION_NATION, region_calendar
from ..domain.clock import Clock
from ..domain.email_case_flow import CaseState, CaseStep, allowed_steps, check_qa_grade, next_state
from ..domain.errors import NotFound, PermissionDenied, StaleRecord, ValidationError
from ..domain.inbox_rules import EmailTargets, email_targets
from ..domain.permissions import Action
from ..domain.records import EnquiryStatus, UserRecord
from ..domain.text import clean_text
from ..notify.outbox import Attachment, enqueue
from . import actor_check, audit
from .inbox import QUARANTINED, allocate_to_region, send_regional_note
from ..reports.file_types import DOCX_MIME

ENTITY = "enquiry"
MAX_DRAFT = 20_000


@dataclass(frozen=True)
class AttachmentInfo:
    id: int
    filename: str
    kind: str
    mime: str
    size: int
    note: str
    kept: bool


@dataclass(frozen=True)
class EmailCaseView:
    enquiry_id: int
    reference: str
    cts_reference: str
    channel: str
    state: CaseState
    region_code: str | None
    member_name: str
    member_email: str
    sender: str
    sender_name: str
    subject: str
    received_at: datetime
    text: str
    html_only: bool
    notes: str
    attachments: tuple[AttachmentInfo, ...]
    compassionate: bool
    allocated_to: str
    draft_text: str
    drafter: str
    drafter_grade: str | None
    qa_by: str
    qa_note: str
    reply_sent_at: datetime | None
    offline_exported_at: datetime | None
    offline_reply_at: datetime | None
    targets: EmailTargets | None  # an e-mail's 10 and 20 working days
    due_date: date | None  # the response due date (a fax's 5 or 10 working days; an e-mail's 10)
    target_status: str
    steps: tuple[CaseStep, ...]
    version: int
    later_messages: tuple[tuple[str, str, str], ...]  # (from, subject, text) checked in since


@dataclass(frozen=True)
class EmailCaseSummary:
    """One line of the inbox list: which case, from whom, where it is, when due."""

    enquiry_id: int
    reference: str
    cts_reference: str
    channel: str
    state: CaseState
    region_code: str | None
    member_name: str
    subject: str
    received_at: datetime
    due_date: date | None


@dataclass(frozen=True)
class QuarantineItem:
    id: int
    taken_in_at: datetime
    subject: str
    reason: str
    size: int


class EmailCaseService:
    def __init__(self, uow: UnitOfWork, clock: Clock):
        self._uow = uow
        self._clock = clock

    # ------------------------------------------------------------------ reading

    def view(self, actor: UserRecord, enquiry_id: int) -> EmailCaseView:
        with self._uow() as s:
            e, case = self._load(s, actor, enquiry_id)
            record = self._view(s, e, case)
            audit.record_view(s, actor, self._clock.now(), ENTITY, e.id, "e-mail text, attachments, draft reply")
            return record

    def queue(self, actor: UserRecord, *, include_replied: bool = False) -> list[EmailCaseSummary]:
        """The e-mail enquiries ``actor`` works: their region's (every region's for those who oversee all),
        and the unmatched ones for the MPEL team leader; oldest due first."""
        may_filter = perm.allowed(actor, Action.FILTER_FURTHER_ACTION)
        may_work = perm.allowed(actor, Action.WORK_REGION_QUEUE)
        if not (may_filter or may_work):
            raise PermissionDenied(f"{actor.full_name} ({actor.username}) may not work e-mail enquiries")
        query = (select(Enquiry.id, Enquiry.reference, Enquiry.cts_reference, Enquiry.channel, EmailCase.state,
                        Enquiry.region_code, Member.name, InboxMessage.subject, Enquiry.received_at, Enquiry.due_date)
                 .join(EmailCase, EmailCase.enquiry_id == Enquiry.id)
                 .outerjoin(Member, Member.id == Enquiry.member_id)
                 .outerjoin(InboxMessage, InboxMessage.id == EmailCase.inbox_message_id)
                 .where(Enquiry.deleted_at.is_(None)))
        if not include_replied:
            query = query.where(EmailCase.state != CaseState.REPLIED.value)
        if not perm.allowed(actor, Action.WORK_ANY_REGION):
            mine = [EmailCase.state == CaseState.UNMATCHED.value] if may_filter else []
            if may_work and actor.region_code:
                mine.append(Enquiry.region_code == actor.region_code)
            query = query.where(or_(*mine)) if mine else query.where(Enquiry.id.is_(None))
        query = query.order_by(Enquiry.due_date.is_(None), Enquiry.due_date, Enquiry.id).limit(1000)
        with actor_check.read(self._uow, actor) as s:
            return [EmailCaseSummary(r[0], r[1], r[2], r[3], CaseState(r[4]), r[5], r[6] or "", r[7] or "", r[8],
                                     r[9]) for r in s.execute(query)]

    def quarantine(self, actor: UserRecord) -> list[QuarantineItem]:
        """The messages the intake could not read, newest first, for the MPEL team leader to deal with."""
        perm.require(actor, Action.FILTER_FURTHER_ACTION)
        with actor_check.read(self._uow, actor) as s:
            found = s.execute(select(InboxMessage.id, InboxMessage.taken_in_at, InboxMessage.subject,
                                     InboxMessage.reason, InboxMessage.size)
                              .where(InboxMessage.status == QUARANTINED)
                              .order_by(InboxMessage.taken_in_at.desc(), InboxMessage.id.desc()).limit(500))
            return [QuarantineItem(*row) for row in found]

    def attachment(self, actor: UserRecord, attachment_id: int) -> tuple[str, str, bytes]:
        """(file name, type, bytes) of a kept attachment, to save as a file (never opened by the desk)."""
        with self._uow() as s:
            a = s.get(InboxAttachment, attachment_id)
            message = s.get(InboxMessage, a.inbox_message_id) if a else None
            if a is None or message is None or message.enquiry_id is None or a.data is None:
                raise NotFound("no such attachment kept")
            self._load(s, actor, message.enquiry_id)
            audit.record_view(s, actor, self._clock.now(), ENTITY, message.enquiry_id, f"attachment {a.filename}")
            return a.filename, a.mime, a.data

    # ------------------------------------------------------------------ the lifecycle

    def match_member(self, actor: UserRecord, enquiry_id: int, member_id: int) -> EmailCaseView:
        """An unmatched sender matched to a Member's office by a person: the case goes to its region."""
        perm.require(actor, Action.FILTER_FURTHER_ACTION)

        def change(s: Session, e: Enquiry, case: EmailCase) -> None:
            member = s.get(Member, member_id)
            if member is None or not member.active:
                raise ValidationError("choose a Member from the list")
            self._step(s, actor, e, case, CaseStep.MATCH, {"member": member.name})
            e.member, e.member_id = member, member.id  # the note to the region follows (allocate_to_region)
            allocate_to_region(s, self._clock, actor, e, member.region_code, s.get(InboxMessage,
                                                                                      case.inbox_message_id))

        return self._change(actor, enquiry_id, change, team_leader=True)

    def flag_compassionate(self, actor: UserRecord, enquiry_id: int) -> EmailCaseView:
        """Compelling or compassionate (domain-rules §4): noted, and the region told again, URGENT and flagged."""

        def change(s: Session, e: Enquiry, case: EmailCase) -> None:
            if case.state == CaseState.REPLIED.value:
                raise ValidationError("the reply has been sent: nothing is left to hurry")
            if e.compassionate:
                return
            e.compassionate = e.urgent = True
            changes: dict = {"compassionate": [False, True]}
            if e.region_code:
                message = s.get(InboxMessage, case.inbox_message_id)
                outgoing, _ = send_regional_note(s, self._clock, e, message)
                changes["message_id"] = outgoing.message_id
            audit.record(s, actor, self._clock.now(), ENTITY, e.id, "flagged compelling or compassionate", changes)

        return self._change(actor, enquiry_id, change)

    def accept(self, actor: UserRecord, enquiry_id: int) -> EmailCaseView:
        def change(s: Session, e: Enquiry, case: EmailCase) -> None:
            self._step(s, actor, e, case, CaseStep.ACCEPT)
            case.allocated_to_id, case.accepted_at = actor.id, self._clock.now()
            e.acknowledged_at, e.acknowledged_by_id = self._clock.now(), actor.id

        return self._change(actor, enquiry_id, change)

    def save_draft(self, actor: UserRecord, enquiry_id: int, text: str,
                   expected_version: int | None = None) -> EmailCaseView:
        text = clean_text(text, field="Draft reply", max_length=MAX_DRAFT, multiline=True)

        def change(s: Session, e: Enquiry, case: EmailCase) -> None:
            self._step(s, actor, e, case, CaseStep.DRAFT, {"draft": "changed"})
            case.draft_text, case.drafter_id, case.drafter_grade = text, actor.id, actor.grade

        return self._change(actor, enquiry_id, change, expected_version)

    def submit(self, actor: UserRecord, enquiry_id: int) -> EmailCaseView:
        def change(s: Session, e: Enquiry, case: EmailCase) -> None:
            self._step(s, actor, e, case, CaseStep.SUBMIT)  # the state first: its refusal says the most
            if not case.draft_text.strip():
                raise ValidationError("write the reply before submitting it for quality assurance")
            if case.drafter_id is None:
                case.drafter_id, case.drafter_grade = actor.id, actor.grade
            case.submitted_at = self._clock.now()

        return self._change(actor, enquiry_id, change)

    def approve(self, actor: UserRecord, enquiry_id: int) -> EmailCaseView:
        def change(s: Session, e: Enquiry, case: EmailCase) -> None:
            check_qa_grade(actor.grade, case.drafter_grade, same_person=case.drafter_id == actor.id)
            self._step(s, actor, e, case, CaseStep.APPROVE, {"qa_grade": actor.grade})
            case.qa_by_id, case.qa_at, case.qa_note = actor.id, self._clock.now(), ""

        return self._change(actor, enquiry_id, change)

    def return_to_drafter(self, actor: UserRecord, enquiry_id: int, note: str) -> EmailCaseView:
        note = clean_text(note, field="Note", max_length=2000, multiline=True)
        if not note:
            raise ValidationError("say what needs changing")

        def change(s: Session, e: Enquiry, case: EmailCase) -> None:
            check_qa_grade(actor.grade, case.drafter_grade, same_person=case.drafter_id == actor.id)
            self._step(s, actor, e, case, CaseStep.RETURN, {"note": note})
            case.qa_by_id, case.qa_at, case.qa_note = actor.id, self._clock.now(), note

        return self._change(actor, enquiry_id, change)

    def send_reply(self, actor: UserRecord, enquiry_id: int) -> EmailCaseView:
        """The approved reply to the MP's office, threaded to their message, through the outbox."""

        def change(s: Session, e: Enquiry, case: EmailCase) -> None:
            message = s.get(InboxMessage, case.inbox_message_id) if case.inbox_message_id else None
            to = (e.member.office_email if e.member and e.member.office_email else
                  message.from_address if message else "")
            self._step(s, actor, e, case, CaseStep.REPLY, {"to": to})
            outgoing = enqueue(
                s, clock=self._clock, kind="email_reply", entity=ENTITY, entity_id=e.id, to_address=to,
                to_name=e.member.name if e.member else "",
                subject=email_notes.reply_subject(message.subject if message else "", e.cts_reference),
                body_text=case.draft_text,
                headers=email_notes.threading_headers(message.message_id if message else "",
                                                      message.references if message else ""))
            now = self._clock.now()
            case.reply_sent_at, case.reply_message_id = now, outgoing.message_id
            e.response, e.completed_at, e.completed_by_id = case.draft_text, now, actor.id
            e.status = EnquiryStatus.COMPLETED.value
            audit.record(s, actor, now, ENTITY, e.id, "reply queued", {"message_id": outgoing.message_id})

        return self._change(actor, enquiry_id, change)

    # ------------------------------------------------------------------ off-line procedure

    def export_docx(self, actor: UserRecord, enquiry_id: int, *, send_to_region: bool) -> tuple[str, bytes]:
        """The e-mail as a Word document with its CTS reference; with ``send_to_region`` also to the regional inbox."""
        from ..reports.email_docx import OfflineEmail, render

        with self._uow() as s:
            e, case = self._load(s, actor, enquiry_id)
            view = self._view(s, e, case)
            region = s.get(Region, e.region_code) if e.region_code else None
            due = (f"{view.targets.due_90:%d/%m/%Y} (10 working days); at the latest {view.targets.due_100:%d/%m/%Y}"
                   if view.targets else "")
            data = render(OfflineEmail(
                cts_reference=e.cts_reference, reference=e.reference, member=view.member_name,
                sender=f"{view.sender_name} <{view.sender}>" if view.sender_name else view.sender,
                subject=view.subject, received=f"{e.received_at.astimezone(LONDON):%d/%m/%Y %H:%M}",
                region=region.name if region else "", due=due, text=view.text,
                attachments=tuple(a.filename for a in view.attachments if a.kind != "html")))
            filename = f"{e.cts_reference.replace('/', '-')}-email.docx"
            now = self._clock.now()
            case.offline_exported_at = now
            changes = {"file": filename}
            if send_to_region:
                if region is None:
                    raise ValidationError("match the sender to a Member first: the region is not known yet")
                outgoing = enqueue(s, clock=self._clock, kind="offline_email", entity=ENTITY, entity_id=e.id,
                                   to_address=region.inbox_address, to_name=region.inbox_name,
                                   subject=email_notes.regional_subject(
                                       channel=e.channel, reference=e.reference, cts_reference=e.cts_reference,
                                       member_name=view.member_name, compassionate=e.compassionate)
                                   + " – off-line procedure",
                                   body_text=("CTS is unavailable: the e-mail enquiry is attached as a Word "
                                              "document. Please write the reply under its Reply heading and send "
                                              f"it back to the central inbox with {e.cts_reference} in the subject."),
                                   attachment=Attachment(filename, DOCX_MIME, data),
                                   headers=email_notes.priority_headers(e.compassionate))
                changes["message_id"] = outgoing.message_id
            audit.record(s, actor, now, ENTITY, e.id, "exported for the off-line procedure", changes)
            return filename, data

    def check_in_file(self, actor: UserRecord, data: bytes) -> EmailCaseView:
        """A reply that came back as a Word file: checked in against the enquiry its CTS reference names."""
        from ..reports.email_docx import read_reply

        try:
            reply = read_reply(data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        if not reply.cts_reference:
            raise ValidationError("the file names no CTS reference: check it in from the enquiry itself")
        if not reply.text:
            raise ValidationError(f"nothing is written under the Reply heading of {reply.cts_reference}")
        with actor_check.read(self._uow, actor) as s:
            enquiry_id = s.scalar(select(Enquiry.id).where(Enquiry.cts_reference == reply.cts_reference,
                                                           Enquiry.deleted_at.is_(None)))
        if enquiry_id is None:
            raise NotFound(f"no e-mail enquiry {reply.cts_reference}")

        def change(s: Session, e: Enquiry, case: EmailCase) -> None:
            self._step(s, actor, e, case, CaseStep.CHECK_IN, {"from": "file"})
            case.draft_text, case.offline_reply_at = reply.text[:MAX_DRAFT], self._clock.now()
            case.drafter_id, case.drafter_grade = actor.id, actor.grade

        return self._change(actor, enquiry_id, change)

    def target_counts(self, actor: UserRecord, region_code: str, since: date) -> tuple[int, int, int]:
        """E-mail enquiries of a region received since ``since`` and replied: (replied, within 10, within 20)."""
        if not perm.may_work_region(actor, region_code):
            raise PermissionDenied(f"{actor.full_name} may not see {region_code}'s e-mail enquiries")
        with actor_check.read(self._uow, actor) as s:
            calendar = region_calendar(region_code, repo.closures_for(s, REGION_NATION[region_code]))
            rows = s.execute(select(Enquiry.received_at, EmailCase.reply_sent_at).join(EmailCase).where(
                Enquiry.region_code == region_code, EmailCase.reply_sent_at.is_not(None),
                Enquiry.received_at >= datetime(since.year, since.month, since.day, tzinfo=LONDON))).all()
        replied = len(rows)
        within = [email_targets(r, calendar) for r, _ in rows]
        in_10 = sum(sent.astimezone(LONDON).date() <= t.due_90 for (_, sent), t in zip(rows, within))
        in_20 = sum(sent.astimezone(LONDON).date() <= t.due_100 for (_, sent), t in zip(rows, within))
        return replied, in_10, in_20

    # ------------------------------------------------------------------ helpers

    def _load(self, s: Session, actor: UserRecord, enquiry_id: int, *, lock: bool = False,
              team_leader: bool = False) -> tuple[Enquiry, EmailCase]:
        query = select(EmailCase).where(EmailCase.enquiry_id == enquiry_id)
        case = s.scalar(query.with_for_update() if lock else query)
        e = s.get(Enquiry, enquiry_id) if case else None
        if case is None or e is None or e.deleted_at is not None:
            raise NotFound(f"no e-mail enquiry with id {enquiry_id}")
        if team_leader or (case.state == CaseState.UNMATCHED.value and perm.allowed(actor, Action.FILTER_FURTHER_ACTION)):
            perm.require(actor, Action.FILTER_FURTHER_ACTION)
        else:
            perm.require(actor, Action.WORK_REGION_QUEUE)
            if not perm.may_work_region(actor, e.region_code):
                raise PermissionDenied(f"{actor.full_name} may not work {e.cts_reference} "
                                       f"({e.region_code or 'no region yet'})")
        return e, case

    def _change(self, actor: UserRecord, enquiry_id: int, change: Callable[[Session, Enquiry, EmailCase], None],
                expected_version: int | None = None, *, team_leader: bool = False) -> EmailCaseView:
        with self._uow() as s:
            e, case = self._load(s, actor, enquiry_id, lock=True, team_leader=team_leader)
            if expected_version is not None and case.version != expected_version:
                raise StaleRecord("someone else changed this e-mail enquiry since you opened it; your text is still "
                                  "on screen: reopen the enquiry, then save again")
            change(s, e, case)
            s.flush()
            return self._view(s, e, case)

    def _step(self, s: Session, actor: UserRecord, e: Enquiry, case: EmailCase, step: CaseStep,
              changes: dict | None = None) -> None:
        before = case.state
        case.state = next_state(CaseState(case.state), step).value
        audit.record(s, actor, self._clock.now(), ENTITY, e.id, f"e-mail enquiry: {step.value}",
                     {"state": [before, case.state], **(changes or {})})

    def _view(self, s: Session, e: Enquiry, case: EmailCase) -> EmailCaseView:
        message = s.get(InboxMessage, case.inbox_message_id) if case.inbox_message_id else None
        files = list(s.scalars(select(InboxAttachment).where(
            InboxAttachment.inbox_message_id == message.id).order_by(InboxAttachment.id))) if message else []
        later = s.execute(select(InboxMessage.from_address, InboxMessage.subject, InboxMessage.body_text).where(
            InboxMessage.enquiry_id == e.id, InboxMessage.status == "checked_in").order_by(InboxMessage.id)).all()
        names = {u.id: u.full_name for u in s.scalars(select(User).where(
            User.id.in_([i for i in (case.allocated_to_id, case.drafter_id, case.qa_by_id) if i])))}
        targets = None
        status = ""
        if e.region_code and e.channel == "email":
            calendar = region_calendar(e.region_code, repo.closures_for(s, REGION_NATION[e.region_code]))
            targets = email_targets(e.received_at, calendar)
            status = targets.status_text(self._clock.now().astimezone(LONDON).date(),
                                         done=case.reply_sent_at is not None)
        return EmailCaseView(
            enquiry_id=e.id, reference=e.reference, cts_reference=e.cts_reference, channel=e.channel,
            state=CaseState(case.state), region_code=e.region_code, member_name=e.member.name if e.member else "",
            member_email=e.member.office_email if e.member else "",
            sender=message.from_address if message else "", sender_name=message.from_name if message else "",
            subject=message.subject if message else "", received_at=e.received_at,
            text=message.body_text if message else e.question, html_only=bool(message and message.html_only),
            notes=message.notes if message else "",
            attachments=tuple(AttachmentInfo(a.id, a.filename, a.kind, a.mime, a.size, a.note, a.data is not None)
                              for a in files),
            compassionate=e.compassionate, allocated_to=names.get(case.allocated_to_id, ""),
            draft_text=case.draft_text, drafter=names.get(case.drafter_id, ""), drafter_grade=case.drafter_grade,
            qa_by=names.get(case.qa_by_id, ""), qa_note=case.qa_note, reply_sent_at=case.reply_sent_at,
            offline_exported_at=case.offline_exported_at, offline_reply_at=case.offline_reply_at,
            targets=targets, due_date=e.due_date, target_status=status, steps=tuple(allowed_steps(CaseState(case.state))),
            version=case.version, later_messages=tuple(tuple(r) for r in later))
