"""The life of an enquiry: which step is allowed from which status, and the passcode rule.

domain-rules §2: the passcode comes before the enquiry; Further Action Cases
go to the MPEL team leader, who answers them or sends them to the region; the
region writes up its response and marks the enquiry completed.
"""
from __future__ import annotations

from enum import StrEnum

from .errors import InvalidTransition
from .records import EnquiryStatus as S

# After this many wrong passcodes on one call the agent must refuse the call.
MAX_PASSCODE_ATTEMPTS = 3


class Step(StrEnum):
    COMPLETE_FIRST_CONTACT = "complete at first contact"
    FURTHER_ACTION = "mark as Further Action Case"
    REFUSE = "close as refused"
    ANSWER_BY_LEADER = "answer (team leader)"
    SEND_TO_REGION = "send to region"
    SEND_URGENT = "send the urgent call note"
    RECORD_RESPONSE = "record the response and complete"
    CHANGE_REGION = "change region"


TRANSITIONS: dict[Step, tuple[frozenset[S], S]] = {
    Step.COMPLETE_FIRST_CONTACT: (frozenset({S.OPEN}), S.ANSWERED),
    Step.FURTHER_ACTION: (frozenset({S.OPEN}), S.FURTHER_ACTION),
    Step.REFUSE: (frozenset({S.OPEN}), S.REFUSED),
    Step.ANSWER_BY_LEADER: (frozenset({S.FURTHER_ACTION}), S.ANSWERED),
    Step.SEND_TO_REGION: (frozenset({S.FURTHER_ACTION}), S.WITH_REGION),
    # Urgent calls skip the team leader's filter: the call note goes to the region at once (§4).
    Step.SEND_URGENT: (frozenset({S.OPEN, S.FURTHER_ACTION}), S.WITH_REGION),
    Step.RECORD_RESPONSE: (frozenset({S.WITH_REGION}), S.COMPLETED),
    Step.CHANGE_REGION: (frozenset({S.WITH_REGION}), S.WITH_REGION),
}

EDITABLE = frozenset({S.OPEN, S.FURTHER_ACTION})
"""Statuses in which the subject details, question and answer may still be edited."""


def next_status(current: S, step: Step) -> S:
    sources, target = TRANSITIONS[step]
    if current not in sources:
        raise InvalidTransition(f"cannot {step.value}: the enquiry is {current.value.replace('_', ' ')}")
    return target


def steps_from(current: S) -> list[Step]:
    return [step for step, (sources, _) in TRANSITIONS.items() if current in sources]
