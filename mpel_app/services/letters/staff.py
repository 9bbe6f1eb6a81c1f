"""Letters about a member of Agency staff [CORR 2.5]: the line manager is told, through the outbox.

When an MP writes on behalf of a member of Agency staff, MPCS names the staff
member's line manager on registering the letter.  In the same transaction a
message is written to the outbox (``notify.outbox.enqueue``): an MP has
written on behalf of that member of staff, the CTS reference, and a request to
consider whether they breached the Civil Service Code by engaging their MP.
It never carries the draft, any answer, or what the letter asks: the member
of staff must have no advance notice of the reply.  ``line_manager_flagged_at``
records when, and the audit trail to whom.

*Decisions*:

- **Not a named handler.**  The line manager is told so they can consider a
  conduct question; they have no part in answering the MP, so they are not
  made a named handler and cannot see the letter.  Answering is kept apart
  from the people closest to the member of staff, the surest way to keep the
  answer from them early.  MPCS may still name the line manager explicitly
  where there is a reason.
- **The address** is the line manager's own e-mail address, recorded on their
  user account by an administrator.  A line manager with none recorded is
  refused at registration, saying so: flagging the letter is part of the
  rule, and nothing saved may be left unsent.
- **Naming the line manager**: by user id (``line_manager_id``) or by
  username (``line_manager``, as MPCS types it), resolved as named handlers
  are; both may be given only when they are the same person.
- **The subject line** carries neither the reference nor a name: the desk's
  outbox list shows subjects, and the letter is restricted.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...db.mappers import member_record
from ...db.models import Letter, User
from ...domain.calendar import LONDON
from ...domain.errors import ValidationError
from ...domain.records import UserRecord
from ...domain.text import clean_text
from ...domain.values import is_row_id
from ...notify.outbox import enqueue
from .base import ENTITY, LetterUseCases

FLAGGED = "flagged to the line manager (Civil Service Code)"
OUTBOX_KIND = "letter_line_manager"
SUBJECT = "An MP has written on behalf of a member of your staff: Civil Service Code"


class StaffLetters(LetterUseCases):

    def _line_manager(self, s: Session, line_manager_id: int | None, line_manager: str,
                      staff: str) -> tuple[User, str] | None:
        """The line manager to flag a letter about ``staff`` to, and their address; None when not about staff.

        Named by id, by username, or by both when they are the same person.
        """
        username = clean_text(line_manager, field="line_manager", max_length=64).lower()
        if not staff:
            if line_manager_id is not None or username:
                raise ValidationError("line_manager: name a line manager only for a letter about a member of "
                                      "Agency staff (give the member of staff too) [CORR 2.5]")
            return None
        if line_manager_id is None and not username:
            raise ValidationError("line_manager: name the member of staff's line manager; a letter about Agency "
                                  "staff is flagged to them [CORR 2.5]")
        manager = None
        if line_manager_id is not None:
            manager = s.get(User, line_manager_id) if is_row_id(line_manager_id) else None
            if manager is None or not manager.active:
                raise ValidationError("line_manager: choose an active user as the line manager")
        if username:
            named = active_user_named(s, username)
            if named is None:
                raise ValidationError(f"line_manager: there is no active user {username!r}")
            if manager is not None and manager.id != named.id:
                raise ValidationError(f"line_manager: line_manager_id names {manager.username} but line_manager "
                                      f"names {named.username}; name the line manager once")
            manager = named
        if manager.username == staff:
            raise ValidationError("line_manager: the member of staff the letter is about cannot be flagged to "
                                  "themselves; name their line manager")
        if not manager.email:
            raise ValidationError(f"line_manager: {manager.full_name} ({manager.username}) has no e-mail address "
                                  "on the desk, so cannot be told of the letter; ask an administrator to add it "
                                  "(Administration, Users, Change e-mail), then register the letter [CORR 2.5]")
        return manager, manager.email

    def _flag_line_manager(self, s: Session, actor: UserRecord, letter: Letter, manager: User, address: str,
                           staff_as_typed: str) -> None:
        """Tell the line manager (outbox, this transaction), record when, and audit it."""
        staff_user = s.scalar(select(User).where(User.username == letter.staff_member))
        staff_name = staff_user.full_name if staff_user is not None else " ".join(staff_as_typed.split())
        message = enqueue(s, clock=self._clock, kind=OUTBOX_KIND, entity=ENTITY, entity_id=letter.id,
                          to_address=address, to_name=manager.full_name, subject=SUBJECT,
                          body_text=line_manager_text(manager.full_name, letter, staff_name))
        letter.line_manager_id, letter.line_manager_flagged_at = manager.id, self._now()
        self._audit(s, actor, letter, FLAGGED, {"line_manager": manager.username, "to": address,
                                                 "outbox_id": message.id,
                                                 "flagged_at": letter.line_manager_flagged_at})


def line_manager_text(manager_name: str, letter: Letter, staff_name: str) -> str:
    """The message: who wrote for whom, the reference, the Civil Service Code; nothing of the case or the answer."""
    received = letter.received_at.astimezone(LONDON)
    writer = member_record(letter.member).display_name
    return "\n".join([
        f"Dear {manager_name},",
        "",
        f"{writer} has written to us on behalf of {staff_name}, a member of your staff. The letter is "
        f"registered on the Correspondence Tracking System as {letter.cts_reference} (received "
        f"{received:%d %B %Y}).",
        "",
        "It is a long-established rule that civil servants should not bring political or outside influence to "
        "bear in support of their own personal claims as civil servants. Please consider whether, by engaging "
        "their MP, they may have breached the Civil Service Code, and take whatever action you judge right.",
        "",
        "The MP will receive a substantive reply in the usual way; no preferential treatment is given because a "
        "member of staff is involved. The letter and its reply are restricted: you will not be sent the reply, "
        f"and nothing about what it may say should reach {staff_name} in advance.",
        "",
        f"If you need to know more, contact MPCS quoting {letter.cts_reference}.",
    ])


def active_user_named(s: Session, username: str) -> User | None:
    """The active user with this username (stored lower case), or None; MPCS types usernames in any case."""
    name = username.strip().lower()
    # A name with a NUL (or another unprintable character) is nobody's; PostgreSQL refuses to compare it.
    if not name or not name.isprintable():
        return None
    user = s.scalar(select(User).where(User.username == name))
    return user if user is not None and user.active else None
