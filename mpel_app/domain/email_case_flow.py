"""The e-mail enquiry's way through a region [MPEL]: the one table of who may move it where.

    unmatched --match--> allocated --accept--> accepted --submit--> with_qa --approve--> approved --reply--> replied
                                                  ^                    |
                                                  +------return---------+

* allocated: the region's support account managers see it; one accepts it.
* accepted: drafting (the draft may be saved any number of times).
* with_qa: a quality assurer of a grade above the drafter's approves it or
  returns it with a note (the letters' rule [CORR 1.6], domain/correspondence/grades.py).
* approved: the reply is sent by e-mail from the desk, threaded to the MP's message.

The off-line procedure (export as .docx, the reply checked in) runs beside the
states: it records when, and the checked-in text becomes the draft.
"""
from __future__ import annotations

from enum import StrEnum

from .correspondence.grades import above, is_grade
from .errors import InvalidTransition, ValidationError


class CaseState(StrEnum):
    UNMATCHED = "unmatched"
    ALLOCATED = "allocated"
    ACCEPTED = "accepted"
    WITH_QA = "with_qa"
    APPROVED = "approved"
    REPLIED = "replied"

    @property
    def label(self) -> str:
        return {"with_qa": "with quality assurance"}.get(self.value, self.value)


class CaseStep(StrEnum):
    MATCH = "match to a Member"
    ACCEPT = "accept"
    DRAFT = "save the draft"
    SUBMIT = "submit for quality assurance"
    APPROVE = "approve"
    RETURN = "return to the drafter"
    REPLY = "send the reply"
    CHECK_IN = "check in an off-line reply"


_S = CaseState
_MOVES: dict[CaseStep, tuple[frozenset[CaseState], CaseState | None]] = {
    CaseStep.MATCH: (frozenset({_S.UNMATCHED}), _S.ALLOCATED),
    CaseStep.ACCEPT: (frozenset({_S.ALLOCATED}), _S.ACCEPTED),
    CaseStep.DRAFT: (frozenset({_S.ACCEPTED}), None),
    CaseStep.SUBMIT: (frozenset({_S.ACCEPTED}), _S.WITH_QA),
    CaseStep.APPROVE: (frozenset({_S.WITH_QA}), _S.APPROVED),
    CaseStep.RETURN: (frozenset({_S.WITH_QA}), _S.ACCEPTED),
    CaseStep.REPLY: (frozenset({_S.APPROVED}), _S.REPLIED),
    # An off-line reply can come back while the case is anywhere short of replied.
    CaseStep.CHECK_IN: (frozenset({_S.ALLOCATED, _S.ACCEPTED, _S.WITH_QA, _S.APPROVED}), _S.ACCEPTED),
}


def next_state(state: CaseState, step: CaseStep) -> CaseState:
    allowed, target = _MOVES[step]
    if state not in allowed:
        raise InvalidTransition(f"cannot {step.value}: the e-mail enquiry is {state.label}")
    return target or state


def allowed_steps(state: CaseState) -> list[CaseStep]:
    return [step for step, (states, _) in _MOVES.items() if state in states]


def check_qa_grade(qa_grade: str | None, drafter_grade: str | None, *, same_person: bool) -> None:
    """Quality assurance is by someone else, of a grade above the drafter's [CORR 1.6]."""
    if same_person:
        raise ValidationError("the drafter cannot quality assure their own reply")
    if not is_grade(qa_grade) or not is_grade(drafter_grade):
        raise ValidationError("quality assurance needs both the drafter's and the assurer's grade on record")
    if not above(qa_grade, drafter_grade):
        raise ValidationError(f"quality assurance must be by a grade above the drafter's ({drafter_grade}); "
                              f"yours is {qa_grade}")
