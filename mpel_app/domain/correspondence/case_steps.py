"""Steps a drafting unit takes on a case because a Member wrote (issue 15): pure checks, no storage.

- lifting the barrier to removal [CORR 2.2]: only where the Member supports
  a removal that is imminent, and the reply is still tried before it;
- expediting a case on a Member's letter [CORR 2.1]: the audit note must say
  the nature of the intervention, the reason, and the decisions taken;
- an interim reply [CORR 1.5]: only with MPCS's advice, recorded;
- a Welsh translation [CORR 5.3]: how long it has taken, against the unit deadline.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from ..errors import ValidationError

# *Decision*: "imminent" is a removal set for within this many days; further off, the reply comes first.
IMMINENT_REMOVAL_DAYS = 14

EXPEDITE_NOTE_FIELDS = {
    "intervention": "the nature of the Member's intervention",
    "reason": "the reason for expediting the case",
    "decisions": "the decisions or actions taken in direct response to the intervention",
}


def check_barrier_lift(*, member_supports_removal: bool, removal_on: date | None, today: date,
                       reason: str) -> str:
    """Why the barrier may be lifted, or ValidationError; returns the note for the drafter [CORR 2.2].

    A Member's letter is a barrier to removal until the reply is sent; the
    drafting unit may lift it first only where the Member supports a removal
    that is imminent, and must still try to reply before it.
    """
    if not member_supports_removal:
        raise ValidationError("the barrier to removal stays until the reply is sent: it may be lifted first only "
                              "where the Member supports the removal [CORR 2.2]")
    if removal_on is None:
        raise ValidationError("removal_on: give the date set for removal")
    if removal_on < today:
        raise ValidationError("removal_on: the removal date has passed")
    if (removal_on - today).days > IMMINENT_REMOVAL_DAYS:
        raise ValidationError(f"the removal is not imminent (more than {IMMINENT_REMOVAL_DAYS} days away): reply "
                              "first, the barrier stays [CORR 2.2]")
    if not reason.strip():
        raise ValidationError("reason: record why the barrier is lifted before the reply")
    return (f"barrier to removal lifted; removal set for {removal_on.day} {removal_on:%B %Y}: make every effort "
            "to send the reply before then [CORR 2.2]")


def check_expedite_note(note: Mapping[str, str]) -> dict[str, str]:
    """The audit note for a case expedited on a Member's letter, complete, or ValidationError [CORR 2.1]."""
    missing = [text for key, text in EXPEDITE_NOTE_FIELDS.items() if not str(note.get(key) or "").strip()]
    if missing:
        raise ValidationError("expediting on a Member's letter needs an audit note giving " + "; ".join(missing)
                              + " [CORR 2.1]")
    return {key: " ".join(str(note[key]).split()) for key in EXPEDITE_NOTE_FIELDS}


def check_interim_reply(mpcs_advice: str) -> None:
    """An interim reply goes only on MPCS's advice, which is recorded [CORR 1.5]."""
    if not mpcs_advice.strip():
        raise ValidationError("mpcs_advice: an interim reply is sent only on MPCS's advice; record who advised "
                              "and what [CORR 1.5]")


def translation_note(sent_on: date, received_on: date | None, working_days_taken: int, unit_deadline: date,
                     today: date) -> str:
    """The translation's time against the deadline, for the case view [CORR 5.3]."""
    deadline = f"{unit_deadline.day} {unit_deadline:%B %Y}"
    if received_on is None:
        late = " — past the unit deadline" if today > unit_deadline else ""
        return (f"with the translator since {sent_on.day} {sent_on:%B %Y} ({working_days_taken} working days); "
                f"unit deadline {deadline}{late} [CORR 5.3]")
    return (f"Welsh translation received {received_on.day} {received_on:%B %Y} after {working_days_taken} working "
            f"days; unit deadline {deadline} [CORR 5.3]")


def check_contribution_due(due_on: date | None, today: date, unit_deadline: date) -> date:
    """A contribution commissioned from a colleague is due by a date that leaves the reply its deadline [ASY]."""
    if due_on is None:
        raise ValidationError("due_on: give the date the contribution is needed by")
    if due_on < today:
        raise ValidationError("due_on: the date has passed")
    if due_on > unit_deadline:
        raise ValidationError(f"due_on: the contribution would come after the unit deadline "
                              f"({unit_deadline.day} {unit_deadline:%B %Y}); ask for it sooner")
    return due_on


def overdue_contributions(contributions: Iterable[tuple[str, date, bool]], today: date) -> tuple[str, ...]:
    """(contributor, due on, received) → a warning for each contribution past its date and not in [ASY]."""
    return tuple(f"contribution from {who} was due {due.day} {due:%B %Y} and has not come in: chase it"
                 for who, due, received in contributions if not received and due < today)
