"""Deadlines of an MP's letter, lateness prompts, status and "get next case" priority.

Targets in working days from receipt at the Agency [CORR 1.2], counted as
domain-rules §3 says (day of receipt is day 0; due by the end of the N-th
working day after it):

allocation    2   MPCS allocates it.
draft        12   the drafting unit has drafted it.
reply        20   the reply has gone (the 20-working-day target).
unit         16   the unit deadline [ASY]: the approved draft reaches the
                  signatory; it is the reply deadline less the 4 working
                  days the signatory has to sign and dispatch [CORR 1.2].
submit_to_qa 12   the case owner sends the draft to QA no fewer than 4
                  working days before the unit deadline [ASY] (so it falls on
                  the 12-day drafting target, as it should).

OPHSO enquiries [ASY] have "a very short deadline".  *Decision*: 5 working
days from registration (one working week: the shortest target the desk
already uses), and no stage deadline of such an enquiry may fall after it.
"""
from __future__ import annotations

import calendar as _months
from dataclasses import dataclass
from datetime import date, datetime

from ..calendar import LONDON, WorkingCalendar
from ..records import QueueStatus
from ..targets import queue_status
from .allocation import decision_deadline
from .states import LetterKind
from .states import LetterState as S

ALLOCATION_DAYS = 2
DRAFT_DAYS = 12
REPLY_DAYS = 20
SIGNING_DAYS = 4
QA_LEAD_DAYS = 4
OPHSO_DAYS = 5

LATE_MONTHS = 1  # more than a month past target: contact the MP's office [CORR 1.5]
REPLY_WANTED_MONTHS = 6  # Ministerial, more than six months: is a reply still wanted? [CORR 1.5]


def _day(at: datetime | date) -> date:
    if isinstance(at, datetime):
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError("times must be timezone-aware (store instants in UTC); got a naive datetime")
        return at.astimezone(LONDON).date()
    return at


def letter_deadlines(received_at: datetime, kind: str, calendar: WorkingCalendar, *, ophso: bool = False,
                     allocated_at: datetime | None = None,
                     reached_signatory_at: datetime | None = None) -> dict[str, date]:
    """Every deadline of a letter, by name (see the module doc).

    Always: ``allocation``, ``draft``, ``reply``, ``unit``, ``submit_to_qa``;
    ``ophso`` for an OPHSO enquiry; ``decision`` (the unit's two-day rule)
    when ``allocated_at`` is given; ``signing`` when ``reached_signatory_at`` is.
    """
    LetterKind(kind)  # same targets for both kinds; refuse anything else
    reply = calendar.due_date(received_at, REPLY_DAYS)
    unit = calendar.add_working_days(reply, -SIGNING_DAYS)
    result = {
        "allocation": calendar.due_date(received_at, ALLOCATION_DAYS),
        "draft": calendar.due_date(received_at, DRAFT_DAYS),
        "reply": reply,
        "unit": unit,
        "submit_to_qa": calendar.add_working_days(unit, -QA_LEAD_DAYS),
    }
    if ophso:
        short = ophso_deadline(received_at, calendar)
        result = {key: min(day, short) for key, day in result.items()}
        result["ophso"] = short
    if allocated_at is not None:
        result["decision"] = decision_deadline(allocated_at, calendar)
    if reached_signatory_at is not None:
        result["signing"] = signing_deadline(reached_signatory_at, calendar)
    return result


def ophso_deadline(registered_at: datetime, calendar: WorkingCalendar) -> date:
    return calendar.due_date(registered_at, OPHSO_DAYS)


def signing_deadline(reached_signatory_at: datetime, calendar: WorkingCalendar) -> date:
    """Signed and dispatched within 4 working days of reaching the signatory [CORR 1.2]."""
    return calendar.due_date(reached_signatory_at, SIGNING_DAYS)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the last day of the month when that day does not exist."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = _months.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _past_target_by(received_at: datetime, now: datetime | date, calendar: WorkingCalendar,
                    months: int) -> bool:
    # "More than a month after the target": the day after the same date next month.
    target = calendar.due_date(received_at, REPLY_DAYS)
    return _day(now) > add_months(target, months)


def is_six_months_past_target(received_at: datetime, now: datetime | date, calendar: WorkingCalendar) -> bool:
    """For ``LetterFacts.six_months_past_target`` (checked only on Ministerial letters)."""
    return _past_target_by(received_at, now, calendar, REPLY_WANTED_MONTHS)


@dataclass(frozen=True)
class LatenessPrompt:
    code: str  # "contact_mp_office" or "ask_if_reply_wanted"
    text: str
    may_reject_for_cancelling: bool = False


def lateness_prompts(received_at: datetime, now: datetime | date, kind: str,
                     calendar: WorkingCalendar) -> list[LatenessPrompt]:
    """What the drafting unit must do about an unanswered letter this late [CORR 1.5].

    The target is the 20-working-day reply deadline.  Both prompts may apply
    at once: a Ministerial letter six months late still needs its office told.
    """
    letter_kind = LetterKind(kind)
    prompts = []
    if _past_target_by(received_at, now, calendar, LATE_MONTHS):
        prompts.append(LatenessPrompt(
            "contact_mp_office",
            "More than a month past target: contact the MP's office, explain the delay and say when "
            "they will have a reply [CORR 1.5]."))
    if letter_kind is LetterKind.MINISTERIAL and _past_target_by(received_at, now, calendar,
                                                                 REPLY_WANTED_MONTHS):
        prompts.append(LatenessPrompt(
            "ask_if_reply_wanted",
            "More than six months past target: ask the MP whether a reply is still wanted. If so, say so "
            "in the background note; if not, reject the letter to MPCS for cancelling [CORR 1.5].",
            may_reject_for_cancelling=True))
    return prompts


class DeadlineBook:
    """``letter_deadlines``, ``deadline_status`` and ``working_days_elapsed`` for many letters seen at one
    moment (a workstack of hundreds), each worked out once per distinct input that decides it.

    A due date depends on an instant only through its day of effective receipt
    (``WorkingCalendar.due_date``), and most letters on a workstack share their
    days of receipt, allocation and reaching the signatory with others: the
    book keys on those days, so the answers are the functions' own (issue 16).
    Hand out copies: callers may change what they get.
    """

    def __init__(self, now: datetime) -> None:
        self._now = now
        self._today = _day(now)
        self._seen: dict[tuple, object] = {}

    def _remember(self, key: tuple, work):
        found = self._seen.get(key, self)
        if found is self:
            found = self._seen[key] = work()
        return found

    def _effective(self, calendar: WorkingCalendar, at: datetime | None) -> date | None:
        # Each letter's receipt is asked for twice (its deadlines, its days elapsed).
        return None if at is None else self._remember(
            ("effective", calendar, at), lambda: calendar.effective_receipt(at).date())

    def deadlines(self, received_at: datetime, kind: str, calendar: WorkingCalendar, *, ophso: bool = False,
                  allocated_at: datetime | None = None,
                  reached_signatory_at: datetime | None = None) -> dict[str, date]:
        key = ("deadlines", calendar, kind, ophso, self._effective(calendar, received_at),
               self._effective(calendar, allocated_at), self._effective(calendar, reached_signatory_at))
        return dict(self._remember(key, lambda: letter_deadlines(
            received_at, kind, calendar, ophso=ophso, allocated_at=allocated_at,
            reached_signatory_at=reached_signatory_at)))

    def status(self, due: date, calendar: WorkingCalendar, *, done: bool = False) -> QueueStatus:
        return self._remember(("status", calendar, due, done),
                              lambda: deadline_status(due, self._today, calendar, done=done))

    def working_days_elapsed(self, received_at: datetime, calendar: WorkingCalendar) -> int:
        return self._remember(("elapsed", calendar, self._effective(calendar, received_at)),
                              lambda: working_days_elapsed(received_at, self._now, calendar))


def deadline_status(due: date, today: date, calendar: WorkingCalendar, *, done: bool = False) -> QueueStatus:
    """On time, due soon (today or the next working day) or overdue: the desk's one traffic light."""
    return queue_status(due, today, calendar, done=done)


_STAGE_KEY = {
    S.REGISTERED: "allocation", S.REJECTED_TO_MPCS: "allocation", S.ESCALATED: "allocation",
    S.FOR_CANCELLING: "allocation",
    S.ALLOCATED: "decision",
    S.ACCEPTED: "submit_to_qa", S.DRAFTING: "submit_to_qa", S.REALLOCATION_REQUESTED: "submit_to_qa",
    S.IN_QA: "unit", S.WITH_TEAM_LEADER: "unit",
    S.WITH_PRIVATE_OFFICE: "signing", S.SIGNED: "signing",
}
_FALLBACK = {"decision": "allocation", "signing": "reply"}


# An Official reply with its team leader has reached its signatory (the team leader signs it [CORR 1.2]):
# its next deadline is signing's 4 working days, not the unit deadline it has already met (issue 14).
_REACHED_SIGNATORY = {S.WITH_TEAM_LEADER}


def stage_key(state: S | str, deadlines: dict[str, date]) -> str | None:
    """Which of ``deadlines`` is the next one of the stage the letter is at; None once it is closed."""
    state = S(state)
    key = _STAGE_KEY.get(state)
    if key is None:
        return None
    if state in _REACHED_SIGNATORY and "signing" in deadlines:
        return "signing"
    return key if deadlines.get(key) else _FALLBACK.get(key, key)


def stage_deadline(state: S | str, deadlines: dict[str, date]) -> date | None:
    """The next deadline of the stage the letter is at, for a workstack and the case alike; None once closed."""
    key = stage_key(state, deadlines)
    return None if key is None else deadlines[key]


def workstack_order(urgent: bool, stage: date | None, received_at: datetime, letter_id: int) -> tuple:
    """The one order of a workstack: urgent letters first, then by the stage's next deadline (date order)."""
    return (not urgent, stage or date.max, received_at, letter_id)


URGENT_WEIGHT = 1000
MINISTERIAL_WEIGHT = 5
MAX_ELAPSED = URGENT_WEIGHT - MINISTERIAL_WEIGHT - 1


def priority(urgent: bool, kind: str, working_days_elapsed: int) -> int:
    """Higher is handed out first by "get next case".

    priority = 1000 if urgent + 5 if Ministerial + working days elapsed (capped at 994)

    Urgent cases always come first (the cap keeps even an ancient letter below
    them); a Ministerial letter counts as five working days older than an
    Official one (a quarter of the 20-day target), because it still has to go
    through Private Office.  Ties go to the letter received first.
    """
    if working_days_elapsed < 0:
        raise ValueError(f"working_days_elapsed must be 0 or more, got {working_days_elapsed}")
    score = min(working_days_elapsed, MAX_ELAPSED)
    if LetterKind(kind) is LetterKind.MINISTERIAL:
        score += MINISTERIAL_WEIGHT
    if urgent:
        score += URGENT_WEIGHT
    return score


def working_days_elapsed(received_at: datetime, now: datetime | date, calendar: WorkingCalendar) -> int:
    """Working days since effective receipt (day 0), for ``priority``."""
    day0 = calendar.effective_receipt(received_at).date()
    return calendar.working_days_between(day0, _day(now))
