"""A Member asks for a meeting [CORR 2.4]: on policy, the drafting unit refers it to the Private Office.

On an individual case the reply plan offers the drafter the standard lobby
line (``domain.correspondence.reply_plan``); on policy the Minister might
agree to meet, so the unit tells the Private Office through the outbox, in
the same transaction as the audit entry that records it, and the letter
keeps when (``letter_facts.meeting_referred_at``, migration 0026): the plan
and the case view read that, and a second referral is refused.  The
addressees are the desk's Private Office users with an e-mail address, else
the address in the setting ``private_office_email``.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...db.models import Letter, LetterFacts, Setting, User
from ...domain.calendar import LONDON
from ...domain.correspondence.reply_plan import Category, ReplyPlan
from ...domain.errors import ValidationError
from ...domain.records import Role, UserRecord
from ...domain.text import clean_text
from ...notify.outbox import enqueue
from .base import ENTITY, Case, LetterUseCases

MEETING_KIND = "letter_meeting_request"
REFERRED = "policy meeting referred to Private Office"
PO_EMAIL_KEY = "private_office_email"


class MeetingRequests(LetterUseCases):

    def refer_meeting_to_private_office(self, actor: UserRecord, letter_id: int, *, note: str = "",
                                        expected_version: int | None = None) -> ReplyPlan:
        """E-mail the Private Office that the Member asks to meet on policy [CORR 2.4]; returns the new plan."""
        note = clean_text(note, field="Note", max_length=2000, multiline=True)

        def change(s: Session, c: Case) -> ReplyPlan:
            self._may_record(s, actor, c, unit_only=True)
            row = s.get(LetterFacts, c.letter.id)
            if row is None or not row.meeting_requested:
                raise ValidationError("the letter does not ask for a meeting: record that first")
            if Category(row.category).individual_case:
                raise ValidationError("a meeting about an individual case gets the standard line in the reply; "
                                      "only a meeting on policy goes to the Private Office [CORR 2.4]")
            if row.meeting_referred_at is not None:
                raise ValidationError("the meeting was referred to the Private Office on "
                                      f"{row.meeting_referred_at.astimezone(LONDON):%d %B %Y at %H:%M}; the Outbox "
                                      "shows whether the e-mail has gone")
            e = c.letter
            to = self._private_office(s)
            ids = []
            for name, address in to:
                ids.append(enqueue(
                    s, clock=self._clock, kind=MEETING_KIND, entity=ENTITY, entity_id=e.id, to_address=address,
                    to_name=name, subject=f"{e.member.name} asks to meet on policy: CTS {e.cts_reference}",
                    body_text=_text(e, actor, note)).id)
            row.meeting_referred_at = c.now  # with the audit entry and the e-mails, in this transaction
            self._audit(s, actor, e, REFERRED, {"to": [a for _, a in to], "outbox_ids": ids, "note": note or None})
            return self._plan(s, actor, e)

        return self._change(actor, letter_id, change, expected_version)

    @staticmethod
    def _private_office(s: Session) -> list[tuple[str, str]]:
        people = [(u.full_name, u.email) for u in s.scalars(select(User).where(User.active.is_(True))
                                                            .order_by(User.username))
                  if Role.PRIVATE_OFFICE.value in u.roles.split(",") and u.email]
        if people:
            return people
        setting = s.get(Setting, PO_EMAIL_KEY)
        if setting is None or not setting.value:
            raise ValidationError("no Private Office e-mail address is recorded: give a Private Office user an "
                                  "e-mail address (Administration → Users), or set private_office_email")
        return [("Private Office", setting.value)]


def _text(e: Letter, actor: UserRecord, note: str) -> str:
    return "\n".join([
        "Dear Private Office,", "",
        f"{e.member.name}'s letter of {e.member_letter_date:%d %B %Y} (CTS {e.cts_reference}, {e.issue}) asks "
        "for a meeting on policy. The Minister might agree to meet on policy, so we refer the request to you "
        "[CORR 2.4]; the reply to the Member will not answer it.", "",
        *([f"Note from the drafting unit: {note}", ""] if note else []),
        f"{actor.full_name}, {e.unit_code}"])
