"""The case owner's part [ASY], [CORR 1.7]: asking for reallocation, the background note, the draft to QA."""
from __future__ import annotations

from sqlalchemy.orm import Session

from ...domain.calendar import LONDON
from ...domain.letter_records import LetterRecord, QaSubmission
from ...domain.phones import normalise_phone
from ...domain.records import UserRecord
from ...domain.text import clean_text
from ...domain.values import as_flag
from .. import audit
from .base import Case, LetterUseCases
from .lifecycle_common import ACTIONS_LABEL, MAX_TEXT, A


class LetterDrafting(LetterUseCases):
    """The case owner drafts."""

    def request_reallocation(self, actor: UserRecord, letter_id: int, reason: str, *,
                             expected_version: int | None = None) -> LetterRecord:
        reason = clean_text(reason, field="Reason", max_length=1000)

        def change(s: Session, c: Case) -> LetterRecord:
            target = self._check(s, actor, c, A.REQUEST_REALLOCATION, {"reason": reason})
            c.letter.reallocation_reason = reason
            self._move(s, actor, c, A.REQUEST_REALLOCATION, target, {"reason": reason})
            return self._record(s, actor, c.letter)

        return self._change(actor, letter_id, change, expected_version)

    def save_background_note(self, actor: UserRecord, letter_id: int, *, background: str,
                             drafting_officer_name: str, drafting_officer_location: str,
                             drafting_officer_phone: str, reply_still_wanted: bool = False,
                             expected_version: int | None = None) -> LetterRecord:
        """The minute for the signatory, with the drafting officer's name, location and phone [CORR 1.7].

        ``reply_still_wanted``: the MP confirmed a reply to a letter six months
        past target is still wanted [CORR 1.5].
        """
        fields = {
            "background": clean_text(background, field="Background", max_length=MAX_TEXT, multiline=True),
            "drafting_officer_name": clean_text(drafting_officer_name, field="Drafting officer", max_length=120),
            "drafting_officer_location": clean_text(drafting_officer_location, field="Location", max_length=120),
            "drafting_officer_phone": clean_text(drafting_officer_phone, field="Phone", max_length=40),
        }

        def change(s: Session, c: Case) -> LetterRecord:
            self._check(s, actor, c, A.SAVE_BACKGROUND_NOTE, fields)
            e = c.letter
            before = {k: getattr(e, k) for k in (*fields, "reply_still_wanted")}
            e.background = fields["background"]
            e.drafting_officer_name = fields["drafting_officer_name"]
            e.drafting_officer_location = fields["drafting_officer_location"]
            e.drafting_officer_phone = normalise_phone(fields["drafting_officer_phone"],
                                                       field="drafting_officer_phone")
            e.reply_still_wanted = as_flag(reply_still_wanted, field="reply_still_wanted")
            after = {k: getattr(e, k) for k in before}
            changes = audit.diff(before, after)
            if changes:
                self._audit(s, actor, e, ACTIONS_LABEL[A.SAVE_BACKGROUND_NOTE], changes)
            return self._record(s, actor, e)

        return self._change(actor, letter_id, change, expected_version)

    def submit_to_qa(self, actor: UserRecord, letter_id: int, *, draft: str,
                     expected_version: int | None = None) -> QaSubmission:
        """To a senior caseworker; due no fewer than 4 working days before the unit deadline [ASY].

        After that day the submission is still taken, and flagged on the letter as late.
        """
        draft = clean_text(draft, field="Draft", max_length=50_000, multiline=True)

        def change(s: Session, c: Case) -> QaSubmission:
            target = self._check(s, actor, c, A.SUBMIT_TO_QA, {"draft": draft})
            due = self._deadlines(c)["submit_to_qa"]
            late = c.now.astimezone(LONDON).date() > due
            e = c.letter
            e.draft_text, e.drafter_grade, e.submitted_to_qa_at, e.qa_submitted_late = draft, actor.grade, c.now, late
            self._move(s, actor, c, A.SUBMIT_TO_QA, target, {"drafter_grade": actor.grade, "qa_deadline": due,
                                                             "late": late})
            warning = (f"Submitted to QA after the QA deadline of {due:%A %d %B %Y}: flagged as late. The unit "
                       "deadline is at risk; tell the team leader." if late else None)
            return QaSubmission(self._record(s, actor, e), late, warning)

        return self._change(actor, letter_id, change, expected_version)
