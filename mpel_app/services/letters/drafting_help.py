"""Help for the person drafting a reply, from the asylum teams' guidance [ASY] (issue 15).

- contributions commissioned from colleagues, each with the date it is due
  (never after the unit deadline), chased on the case view once overdue;
- a case owner's warning of delay, sent to the unit's senior caseworkers and
  workflow managers through the outbox;
- drafting units without CTS ("off-line"): a letter allocated to one goes to
  it by e-mail with the scanned letter and a draft template, and its approved
  draft (Ministerial) or signed reply (Official) comes back through the "MPCS
  CTS Offline Management" route, where MPCS checks it in on the letter.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...db.models import DraftingUnit, LetterContribution, OfflineUnit, UnitMember, User
from ...domain import permissions as perm
from ...domain.calendar import LONDON
from ...domain.correspondence import LetterAction, LetterKind, ReplyChannel
from ...domain.correspondence.case_steps import check_contribution_due, overdue_contributions
from ...domain.errors import NotFound, PermissionDenied, ValidationError
from ...domain.letter_records import DocumentKind, LetterRecord
from ...domain.permissions import Action
from ...domain.records import Role, UserRecord
from ...domain.text import clean_text
from ...domain.values import as_date, is_row_id
from ...notify.outbox import enqueue
from .. import audit
from .base import ENTITY, Case, check_pdf
from .steps import LetterSteps
from .units import active_unit, unit_code_of

A = LetterAction
OFFLINE_ROUTE = "MPCS CTS Offline Management"
CONTRIBUTION_KIND = "letter_contribution"
DELAY_KIND = "letter_delay"
OFFLINE_KIND = "letter_offline_unit"


@dataclass(frozen=True)
class ContributionRecord:
    id: int
    letter_id: int
    contributor_name: str
    contributor_email: str
    question: str
    due_on: date
    asked_at: datetime
    received_at: datetime | None
    answer: str
    overdue: bool


class DraftingHelp(LetterSteps):

    # ------------------------------------------------------- contributions

    def commission_contribution(self, actor: UserRecord, letter_id: int, *, contributor_name: str,
                                contributor_email: str, question: str, due_on: date) -> ContributionRecord:
        """Ask a colleague for a contribution to the reply, due by ``due_on`` (outbox, this transaction)."""
        name = clean_text(contributor_name, field="Contributor", max_length=120)
        email = clean_text(contributor_email, field="Contributor's e-mail", max_length=254)
        question = clean_text(question, field="Question", max_length=5000, multiline=True)
        if not name or not question:
            raise ValidationError("say whom you are asking, and what")
        due = as_date(due_on, field="due_on")

        def change(s: Session, c: Case) -> ContributionRecord:
            self._may_record(s, actor, c, unit_only=True)
            due_on = check_contribution_due(due, c.now.astimezone(LONDON).date(), self._deadlines(c)["unit"])
            row = LetterContribution(letter_id=c.letter.id, contributor_name=name, contributor_email=email,
                                     question=question, due_on=due_on, asked_at=c.now, asked_by_id=actor.id,
                                     answer="")
            s.add(row)
            s.flush()
            message = enqueue(
                s, clock=self._clock, kind=CONTRIBUTION_KIND, entity=ENTITY, entity_id=c.letter.id,
                to_address=email, to_name=name,
                subject=f"Contribution needed by {due_on:%d %B %Y}: CTS {c.letter.cts_reference}",
                body_text="\n".join([f"Dear {name},", "", f"For the reply to {c.letter.member.name}'s letter "
                                     f"(CTS {c.letter.cts_reference}), please send me by {due_on:%A %d %B %Y}:",
                                     "", question, "", actor.full_name]))
            self._audit(s, actor, c.letter, "contribution commissioned",
                        {"contributor": f"{name} <{email}>", "due_on": due_on, "outbox_id": message.id})
            return _contribution(row, c.now.astimezone(LONDON).date())

        return self._change(actor, letter_id, change)

    def contribution_received(self, actor: UserRecord, contribution_id: int, *, answer: str) -> ContributionRecord:
        answer = clean_text(answer, field="Contribution", max_length=20_000, multiline=True)
        if not answer:
            raise ValidationError("answer: paste the contribution")
        with self._uow.read() as s:
            row = s.get(LetterContribution, contribution_id) if is_row_id(contribution_id) else None
            if row is None:
                raise NotFound(f"no contribution with id {contribution_id}")
            letter_id = row.letter_id

        def change(s: Session, c: Case) -> ContributionRecord:
            self._may_record(s, actor, c, unit_only=True)
            row = s.get(LetterContribution, contribution_id)
            row.received_at, row.answer = c.now, answer
            self._audit(s, actor, c.letter, "contribution received",
                        {"contributor": row.contributor_name, "late": c.now.astimezone(LONDON).date() > row.due_on})
            return _contribution(row, c.now.astimezone(LONDON).date())

        return self._change(actor, letter_id, change)

    def contributions(self, actor: UserRecord, letter_id: int) -> list[ContributionRecord]:
        with self._uow.read() as s:
            c = self._context(s, self._get(s, letter_id))
            self._require_visible(actor, c)
            today = c.now.astimezone(LONDON).date()
            return [_contribution(r, today) for r in self._contribution_rows(s, letter_id)]

    @staticmethod
    def _contribution_rows(s: Session, letter_id: int) -> list[LetterContribution]:
        return list(s.scalars(select(LetterContribution).where(LetterContribution.letter_id == letter_id)
                              .order_by(LetterContribution.due_on, LetterContribution.id)))

    def _case_warnings(self, s: Session, actor: UserRecord, ctx: Case) -> tuple[str, ...]:
        rows = self._contribution_rows(s, ctx.letter.id)
        chase = overdue_contributions(((r.contributor_name, r.due_on, r.received_at is not None) for r in rows),
                                      ctx.now.astimezone(LONDON).date())
        return super()._case_warnings(s, actor, ctx) + chase

    # --------------------------------------------------------------- delay

    def warn_of_delay(self, actor: UserRecord, letter_id: int, *, reason: str, expected_on: date | None = None) -> int:
        """The case owner warns that the reply will be late: to the unit's senior caseworkers and workflow
        managers (outbox, this transaction).  Returns how many were told."""
        reason = clean_text(reason, field="Reason", max_length=2000, multiline=True)
        expected = as_date(expected_on, field="expected_on")
        if not reason:
            raise ValidationError("reason: say why the reply will be late")

        def change(s: Session, c: Case) -> int:
            if c.letter.case_owner_id not in self._acting_for(s, actor):
                raise PermissionDenied("the case owner warns of a delay on their own case [ASY]")
            wanted = {Role.SENIOR_CASEWORKER.value, Role.WORKFLOW_MANAGER.value}
            people = [u for u in s.scalars(select(User).join(UnitMember, UnitMember.user_id == User.id)
                                           .where(UnitMember.unit_code == c.letter.unit_code, User.active.is_(True))
                                           .order_by(User.username))
                      if wanted & set(u.roles.split(",")) and u.email]
            if not people:
                raise ValidationError(f"{c.letter.unit_code} has no senior caseworker or workflow manager with an "
                                      "e-mail address to warn")
            deadline = self._deadlines(c)["unit"]
            for person in people:
                enqueue(s, clock=self._clock, kind=DELAY_KIND, entity=ENTITY, entity_id=c.letter.id,
                        to_address=person.email, to_name=person.full_name,
                        subject=f"Reply will be late: CTS {c.letter.cts_reference} (unit deadline "
                                f"{deadline:%d %B %Y})",
                        body_text="\n".join([
                            f"Dear {person.full_name},", "",
                            f"The reply to CTS {c.letter.cts_reference} will miss its unit deadline of "
                            f"{deadline:%A %d %B %Y}.", "", f"Why: {reason}",
                            *([f"Expected: {expected:%A %d %B %Y}"] if expected else []), "", actor.full_name]))
            self._audit(s, actor, c.letter, "warning of delay sent",
                        {"to": [p.username for p in people], "reason": reason, "expected_on": expected})
            return len(people)

        return self._change(actor, letter_id, change)

    # ------------------------------------------------------- off-line units

    def set_unit_offline(self, actor: UserRecord, unit_code: str, email: str | None) -> None:
        """Mark a drafting unit as without CTS, at ``email``; ``None`` puts it back on CTS."""
        perm.require(actor, Action.MANAGE_UNITS)
        code = unit_code_of(unit_code)
        with self._uow() as s:
            unit = active_unit(s, code)
            row = s.get(OfflineUnit, unit.code)
            before = row.email if row else None
            if email is None:
                if row is not None:
                    s.delete(row)
            else:
                address = clean_text(email, field="Unit's e-mail", max_length=254)
                if "@" not in address:
                    raise ValidationError("email: give the unit's e-mail address")
                if row is None:
                    s.add(OfflineUnit(unit_code=unit.code, email=address, since=self._now()))
                else:
                    row.email = address
            after = None if email is None else address
            if before != after:
                audit.record(s, actor, self._now(), "drafting_unit", None, "unit off-line (no CTS) changed",
                             {"unit": unit.code, "offline_email": [before, after]})

    def offline_units(self) -> dict[str, str]:
        """The units without CTS, with the address their letters go to."""
        with self._uow.read() as s:
            return {r.unit_code: r.email for r in s.scalars(select(OfflineUnit).order_by(OfflineUnit.unit_code))}

    def _on_allocate(self, s: Session, actor: UserRecord, c: Case, unit: DraftingUnit) -> dict:
        """A letter allocated to an off-line unit goes to it by e-mail: the scan, then a draft template."""
        row = s.get(OfflineUnit, unit.code)
        if row is None:
            return {}
        e = c.letter
        scan = self._latest(s, e.id, DocumentKind.SCAN)
        back = ("the draft, once approved, for the Minister" if e.kind == LetterKind.MINISTERIAL.value
                else "the signed reply")
        common = dict(clock=self._clock, kind=OFFLINE_KIND, entity=ENTITY, entity_id=e.id, to_address=row.email,
                      to_name=unit.name)
        enqueue(s, subject=f"New case for {unit.name} (off-line): CTS {e.cts_reference}",
                body_text="\n".join([
                    f"Dear {unit.name},", "",
                    f"MPCS has allocated {e.member.name}'s letter (CTS {e.cts_reference}, {e.kind}) to you. The "
                    "scanned letter is attached; a draft template follows in a separate message.", "",
                    f"Please send {back} to {OFFLINE_ROUTE}, quoting the CTS reference: MPCS checks it in.", "",
                    "MPs' Correspondence Section"]),
                attachment=(scan.filename, "application/pdf", scan.data) if scan is not None and scan.data else None,
                **common)
        template = self._draft_template(s, actor, c)
        enqueue(s, subject=f"Draft template: CTS {e.cts_reference}",
                body_text=f"The draft template for CTS {e.cts_reference} is attached (Word).",
                attachment=(f"{e.cts_reference.replace('/', '-')}-draft.docx",
                            "application/vnd.openxmlformats-officedocument.wordprocessingml.document", template),
                **common)
        return {"offline_unit_emailed": row.email}

    def _draft_template(self, s: Session, actor: UserRecord, c: Case) -> bytes:
        from ...reports.letters import render_letter_docx

        plan = self._plan(s, actor, c.letter)
        template = plan.templates[0] if plan.templates else "full_reply"
        ctx = self._reply_context(s, c, template, "[Draft the reply here]", "[Reply for forwarding]",
                                  "[Signatory]", "[Title]", None, plan)
        return render_letter_docx(template, ctx)

    def check_in_offline_reply(self, actor: UserRecord, letter_id: int, *, pdf: bytes, filename: str = "",
                               approved_by: str, expected_version: int | None = None) -> LetterRecord:
        """MPCS checks in what an off-line unit sent back through MPCS CTS Offline Management [ASY], and
        updates CTS as the unit would have: an approved Ministerial draft goes on to Private Office for the
        Minister; a signed and issued Official reply closes the case (dispatched, by letter, with the copy
        for the Home Office file)."""
        approved_by = clean_text(approved_by, field="Approved or signed by", max_length=120)
        if not actor.has(Role.MPCS_ALLOCATOR):
            raise PermissionDenied(f"MPCS checks in replies from off-line units ({OFFLINE_ROUTE})")
        given_name = check_pdf(pdf, filename, field="reply")
        if not approved_by:
            raise ValidationError("approved_by: who approved the draft or signed the reply")

        def change(s: Session, c: Case) -> LetterRecord:
            if not c.facts.offline_unit:
                raise ValidationError(f"{c.letter.cts_reference} is not with an off-line unit")
            e = c.letter
            ministerial = e.kind == LetterKind.MINISTERIAL.value
            what = "approved draft" if ministerial else "signed reply"
            name = given_name or f"{e.cts_reference.replace('/', '-')}-offline-{what.replace(' ', '-')}.pdf"
            target = self._check(s, actor, c, A.CHECK_IN_OFFLINE, {"document": name, "approved_by": approved_by})
            self._add_document(s, actor, e, DocumentKind.REPLY_PDF, name, "application/pdf", bytes(pdf))
            changes: dict = {"document": name, "approved_by": approved_by, "unit": e.unit_code,
                             "route": OFFLINE_ROUTE}
            if ministerial:
                e.reached_signatory_at = c.now  # with Private Office for the Minister's approval and signature
            else:
                e.signed_by, e.signed_at = approved_by, c.now
                e.reached_signatory_at = e.reached_signatory_at or c.now
                e.reply_channel = ReplyChannel.LETTER.value
                e.dispatched_at, e.dispatched_by_id = c.now, actor.id
                bundle = self._home_office_file(s, actor, c, None)
                if bundle is not None:
                    changes["home_office_file"] = bundle.filename
            self._move(s, actor, c, A.CHECK_IN_OFFLINE, target, changes)
            self._audit(s, actor, e, f"{what} checked in from {OFFLINE_ROUTE}", {"document": name})
            return self._record(s, actor, e)

        return self._change(actor, letter_id, change, expected_version)

def _contribution(r: LetterContribution, today: date) -> ContributionRecord:
    return ContributionRecord(id=r.id, letter_id=r.letter_id, contributor_name=r.contributor_name,
                              contributor_email=r.contributor_email, question=r.question, due_on=r.due_on,
                              asked_at=r.asked_at, received_at=r.received_at, answer=r.answer,
                              overdue=r.received_at is None and r.due_on < today)
