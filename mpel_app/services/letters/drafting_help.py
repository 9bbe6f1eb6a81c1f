"""Help for the person drafting a reply, from the asylum teams' guidance [ASY] (issue 15).

- contributions commissioned from colleagues, each with the date it is due
  (never after the unit deadline), chased on the case view once overdue;
- a case owner's warning of delay, sent to the unit's senior caseworkers and
  workflow managers through the outbox.

Drafting units without CTS ("off-line") are in ``letters.offline``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...db.models import LetterContribution, UnitMember, User
from ...domain.calendar import LONDON
from ...domain.correspondence.case_steps import check_contribution_due, overdue_contributions
from ...domain.errors import NotFound, PermissionDenied, ValidationError
from ...domain.records import Role, UserRecord
from ...domain.text import clean_text
from ...domain.values import as_date, is_row_id
from ...notify.outbox import enqueue
from .base import ENTITY, Case
from .offline import OfflineUnits

CONTRIBUTION_KIND = "letter_contribution"
DELAY_KIND = "letter_delay"


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


class DraftingHelp(OfflineUnits):

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


def _contribution(r: LetterContribution, today: date) -> ContributionRecord:
    return ContributionRecord(id=r.id, letter_id=r.letter_id, contributor_name=r.contributor_name,
                              contributor_email=r.contributor_email, question=r.question, due_on=r.due_on,
                              asked_at=r.asked_at, received_at=r.received_at, answer=r.answer,
                              overdue=r.received_at is None and r.due_on < today)
