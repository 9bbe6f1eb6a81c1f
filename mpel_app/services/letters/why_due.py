"""'Why is it due then?' for a letter: the deadline of the stage it is at, and the reply's, told step by step.

The steps come from ``domain.correspondence.deadline_why`` (the counting of
``letter_deadlines``, with its reasons), on the calendar of the unit holding
the letter and its closures.  A restricted letter stays out of sight of
whoever may not see it ("not found", as everywhere else).
"""
from __future__ import annotations

from ...domain.correspondence.deadline_why import STAGE_TITLES, explain_letter_deadline
from ...domain.correspondence.deadlines import stage_key
from ...domain.correspondence.states import LetterState
from ...domain.records import UserRecord
from ...domain.targets import DueExplanation
from .base import LetterUseCases


class LetterDueExplanations(LetterUseCases):
    def explain_deadlines(self, actor: UserRecord, letter_id: int) -> tuple[str, list[tuple[str, DueExplanation]]]:
        """(CTS reference, [(title, why)]): the stage deadline the workstack shows, then the reply deadline.

        Only the reply deadline once the letter's stage has none (closed); each
        ``why.due`` is the date the workstack shows for it.
        """
        with self._uow.read() as s:
            c = self._context(s, self._get(s, letter_id))
            self._require_visible(actor, c)
            deadlines = self._deadlines(c)
            e = c.letter
            keys = [k for k in dict.fromkeys((stage_key(c.state, deadlines), "reply")) if k is not None]
            return e.cts_reference, [
                (STAGE_TITLES[k], explain_letter_deadline(
                    k, e.received_at, e.kind, c.calendar, ophso=e.ophso, ophso_fixed=e.ophso_deadline,
                    # As ``_deadlines``: the two-day clock only while the unit is deciding.
                    allocated_at=e.allocated_at if c.state is LetterState.ALLOCATED else None,
                    reached_signatory_at=e.reached_signatory_at))
                for k in keys]
