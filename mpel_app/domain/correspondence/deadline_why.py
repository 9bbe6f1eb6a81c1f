"""'Why is it due then?' for an MP's letter: each deadline of ``deadlines.letter_deadlines`` told step by step.

The counting is the regional one's (``domain.targets.explain_working_days``):
day 0, the 18:00 cut-off, each working day counted, the weekends and the
named bank holidays skipped.  The unit deadline and the date the draft goes
to QA are counted *back* from the reply deadline [ASY]; an OPHSO enquiry
caps every stage at its own short deadline.  ``explain_letter_deadline(key,
...).due`` is always ``letter_deadlines(...)[key]`` (a test holds it to it).
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from ..calendar import WorkingCalendar
from ..targets import DueExplanation, count_working_days, day_text, due_line, explain_working_days, skipped_lines
from .allocation import DECISION_WORKING_DAYS
from .deadlines import ALLOCATION_DAYS, DRAFT_DAYS, OPHSO_DAYS, QA_LEAD_DAYS, REPLY_DAYS, SIGNING_DAYS
from .states import LetterKind

STAGE_TITLES = {
    "allocation": "Allocation by MPCS",
    "decision": "Accept or reject (the two-day rule)",
    "draft": "Drafting",
    "submit_to_qa": "Draft to QA",
    "unit": "Unit deadline",
    "signing": "Signed and dispatched",
    "reply": "Reply due",
    "ophso": "OPHSO deadline",
}

_FORWARD = {  # key: (working days, the target as it is told, the event the count starts from)
    "allocation": (ALLOCATION_DAYS, f"{ALLOCATION_DAYS} working days: MPCS allocates the letter [CORR 1.2]"),
    "draft": (DRAFT_DAYS, f"{DRAFT_DAYS} working days: the drafting unit drafts the reply [CORR 1.2]"),
    "reply": (REPLY_DAYS, f"{REPLY_DAYS} working days: the reply reaches the MP [CORR 1.2]"),
    "ophso": (OPHSO_DAYS, f"{OPHSO_DAYS} working days: an OPHSO enquiry's very short deadline [ASY]"),
}


def _back(why: DueExplanation, calendar: WorkingCalendar, days: int, rule: str) -> DueExplanation:
    """``why``'s due date, less ``days`` working days counted back, with ``rule`` saying why."""
    counted, skipped = count_working_days(calendar, why.due, -days)
    lines = [*why.lines[:-1], f"From the {day_text(why.due)} deadline: {rule}.",
             "Counted back: " + ", ".join(f"{n} {day_text(d)[:-5]}" for n, d in enumerate(counted, 1)) + "."]
    lines += skipped_lines(skipped)
    due = counted[-1]
    lines.append(due_line(due))
    return replace(why, due=due, skipped=why.skipped + tuple(skipped), lines=tuple(lines))


def explain_letter_deadline(key: str, received_at: datetime, kind: str, calendar: WorkingCalendar, *,
                            ophso: bool = False, ophso_fixed: date | None = None,
                            allocated_at: datetime | None = None,
                            reached_signatory_at: datetime | None = None) -> DueExplanation:
    """Deadline ``key`` of a letter (see ``deadlines``' module doc), explained.

    ``ophso_fixed`` is an OPHSO deadline fixed when the letter was registered:
    like ``ophso`` it caps every other stage.
    """
    LetterKind(kind)
    if key in _FORWARD:
        days, target = _FORWARD[key]
        why = explain_working_days(received_at, calendar, days, target)
    elif key == "decision":
        if allocated_at is None:
            raise ValueError("the two-day rule counts from the allocation: give allocated_at")
        why = explain_working_days(allocated_at, calendar, DECISION_WORKING_DAYS,
                                   f"{DECISION_WORKING_DAYS} working days: the unit accepts or rejects the letter "
                                   "(the two-day rule) [CORR 1.4]", started="Allocated")
    elif key == "signing":
        if reached_signatory_at is None:
            raise ValueError("the signing target counts from when the draft reached the signatory")
        why = explain_working_days(reached_signatory_at, calendar, SIGNING_DAYS,
                                   f"{SIGNING_DAYS} working days: signed and dispatched [CORR 1.2]",
                                   started="Reached the signatory")
    elif key in ("unit", "submit_to_qa"):
        days, target = _FORWARD["reply"]
        why = _back(explain_working_days(received_at, calendar, days, target), calendar, SIGNING_DAYS,
                    f"the unit deadline is {SIGNING_DAYS} working days earlier, the signatory's time to sign "
                    "and dispatch [ASY]")
        if key == "submit_to_qa":
            why = _back(why, calendar, QA_LEAD_DAYS,
                        f"the draft goes to QA no fewer than {QA_LEAD_DAYS} working days before the unit "
                        "deadline [ASY]")
    else:
        raise ValueError(f"unknown letter deadline {key!r}")
    return _capped(why, key, received_at, calendar, ophso, ophso_fixed)


def _capped(why: DueExplanation, key: str, received_at: datetime, calendar: WorkingCalendar,
            ophso: bool, fixed: date | None) -> DueExplanation:
    """An OPHSO enquiry: no stage falls after its deadline (counted, or fixed at registration)."""
    if key == "ophso":
        if fixed is not None and fixed < why.due:
            return replace(why, due=fixed, lines=(*why.lines[:-1], f"Fixed at registration: {day_text(fixed)}.",
                                                  due_line(fixed)))
        return why
    caps = []
    # As letter_deadlines does: the counted OPHSO deadline caps the targets counted from receipt; the
    # two-day rule and the signing time start from their own events.  A fixed deadline caps all.
    if ophso and key not in ("decision", "signing"):
        caps.append(explain_working_days(received_at, calendar, OPHSO_DAYS, _FORWARD["ophso"][1]).due)
    if fixed is not None:
        caps.append(fixed)
    if not caps or min(caps) >= why.due:
        return why
    cap = min(caps)
    return replace(why, due=cap, lines=(*why.lines[:-1],
                                        f"That would be {day_text(why.due)}, but this is an OPHSO enquiry: no "
                                        f"stage may fall after its OPHSO deadline, {day_text(cap)}.", due_line(cap)))
