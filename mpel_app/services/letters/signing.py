"""QA, signing and dispatch [CORR 1.6], [CORR 1.8], [CORR 1.10]: returns to the case owner counted; the
dispatch records how the reply went (and, for several MPs, which reply a copy followed [CORR 2.6])."""
from __future__ import annotations

from sqlalchemy.orm import Session

from ...domain.correspondence import LetterAction, count_returns, LetterKind, ReplyChannel, check_copy_dispatch
from ...domain.letter_records import LetterRecord
from ...domain.records import UserRecord
from ...domain.text import clean_text
from .base import Case, LetterUseCases
from .lifecycle_common import MAX_TEXT, A


class LetterSigning(LetterUseCases):
    """From QA to the reply going out."""

    def qa_pass(self, actor: UserRecord, letter_id: int, *, expected_version: int | None = None) -> LetterRecord:
        def change(s: Session, c: Case) -> LetterRecord:
            target = self._check(s, actor, c, A.QA_PASS)
            if c.facts.kind is LetterKind.OFFICIAL:
                # The team leader signs an Official reply: it has reached its signatory [CORR 1.2].
                c.letter.reached_signatory_at = c.now
            self._move(s, actor, c, A.QA_PASS, target)
            return self._record(s, actor, c.letter)

        return self._change(actor, letter_id, change, expected_version)

    def qa_return(self, actor: UserRecord, letter_id: int, note: str, *,
                  expected_version: int | None = None) -> LetterRecord:
        return self._return(actor, letter_id, A.QA_RETURN, note, expected_version)

    def tl_return(self, actor: UserRecord, letter_id: int, note: str, *,
                  expected_version: int | None = None) -> LetterRecord:
        return self._return(actor, letter_id, A.TL_RETURN, note, expected_version)

    def po_return(self, actor: UserRecord, letter_id: int, note: str, *,
                  expected_version: int | None = None) -> LetterRecord:
        return self._return(actor, letter_id, A.PO_RETURN, note, expected_version)

    def sign(self, actor: UserRecord, letter_id: int, *, expected_version: int | None = None) -> LetterRecord:
        """The team leader signs an Official reply (SEO or above [CORR 1.8])."""
        def change(s: Session, c: Case) -> LetterRecord:
            target = self._check(s, actor, c, A.SIGN)
            c.letter.signed_by, c.letter.signed_at = actor.full_name, c.now
            self._move(s, actor, c, A.SIGN, target, {"signed_by": actor.full_name})
            return self._record(s, actor, c.letter)

        return self._change(actor, letter_id, change, expected_version)

    def send_to_private_office(self, actor: UserRecord, letter_id: int, *,
                               expected_version: int | None = None) -> LetterRecord:
        """A Ministerial draft cleared (G7 or above [CORR 1.6]) goes to the Minister's Private Office."""
        def change(s: Session, c: Case) -> LetterRecord:
            target = self._check(s, actor, c, A.SEND_TO_PRIVATE_OFFICE)
            c.letter.reached_signatory_at = c.now
            self._move(s, actor, c, A.SEND_TO_PRIVATE_OFFICE, target)
            return self._record(s, actor, c.letter)

        return self._change(actor, letter_id, change, expected_version)

    def minister_sign(self, actor: UserRecord, letter_id: int, *, signed_by: str,
                      expected_version: int | None = None) -> LetterRecord:
        """Private Office records the Minister's approval and signature."""
        signed_by = clean_text(signed_by, field="Signed by", max_length=120)

        def change(s: Session, c: Case) -> LetterRecord:
            target = self._check(s, actor, c, A.MINISTER_SIGN, {"signed_by": signed_by})
            c.letter.signed_by, c.letter.signed_at = signed_by, c.now
            self._move(s, actor, c, A.MINISTER_SIGN, target, {"signed_by": signed_by})
            return self._record(s, actor, c.letter)

        return self._change(actor, letter_id, change, expected_version)

    def dispatch(self, actor: UserRecord, letter_id: int, *, reply_channel: ReplyChannel | str,
                 mp_agreement: str = "", resolution_note: str = "",
                 expected_version: int | None = None) -> LetterRecord:
        """The reply has gone, and how [CORR 1.10]: Ministerial by letter only; Official another way
        only with the MP's agreement (and a note of the resolution for telephone or account manager).

        A letter whose MP gets a copy of another MP's reply [CORR 2.6] goes only after that reply has, and
        the trail records which reply was copied; the lead's records the copies to follow.
        """
        fields = {
            "reply_channel": str(reply_channel or "").strip(),
            "mp_agreement": clean_text(mp_agreement, field="MP's agreement", max_length=500),
            "resolution_note": clean_text(resolution_note, field="Resolution", max_length=MAX_TEXT, multiline=True),
        }

        def change(s: Session, c: Case) -> LetterRecord:
            target = self._check(s, actor, c, A.DISPATCH, fields)
            e = c.letter
            group = self._group(s, actor, e)
            copied = check_copy_dispatch(group.plan, e.cts_reference, group.lead) if group else None
            e.reply_channel = ReplyChannel(fields["reply_channel"]).value
            e.mp_agreement, e.resolution_note = fields["mp_agreement"], fields["resolution_note"]
            e.dispatched_at, e.dispatched_by_id = c.now, actor.id
            changes: dict = {k: v for k, v in fields.items() if v}
            if copied:
                changes["copy_of_reply"] = copied  # a copy of that reply went, with the covering note [CORR 2.6]
            elif group and group.plan and group.plan.lead == e.cts_reference:
                changes["copies_to_follow"] = list(group.plan.copies)
            self._on_dispatch(s, actor, c, changes)  # a Welsh reply's translation; the Home Office file copy
            self._move(s, actor, c, A.DISPATCH, target, changes)
            return self._record(s, actor, e)

        return self._change(actor, letter_id, change, expected_version)

    def _return(self, actor: UserRecord, letter_id: int, action: LetterAction, note: str,
                expected_version: int | None) -> LetterRecord:
        """Back to the case owner for corrections, with a note; every return is counted."""
        note = clean_text(note, field="Note", max_length=2000, multiline=True)

        def change(s: Session, c: Case) -> LetterRecord:
            target = self._check(s, actor, c, action, {"note": note})
            e = c.letter
            e.returns_count += count_returns([action])  # the domain says which actions are returns
            e.last_return_note = note
            e.reached_signatory_at = None  # it will reach the signatory again
            self._move(s, actor, c, action, target, {"note": note, "returns_count": e.returns_count})
            return self._record(s, actor, e)

        return self._change(actor, letter_id, change, expected_version)

