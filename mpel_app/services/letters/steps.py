"""What a drafting unit does on a case because a Member wrote, besides the reply (issue 15).

- a Welsh reply [CORR 5.3]: sent for translation (the English reply goes to
  the translator through the outbox), the translation received as a
  document, its time shown against the unit deadline; the reply is
  dispatched in Welsh (and English where asked), never before the
  translation is back;
- the barrier to removal lifted before replying [CORR 2.2];
- a case expedited on the Member's letter, with its audit note [CORR 2.1];
- an interim reply, only on MPCS's advice [CORR 1.5];
- on dispatch, the copy for the Home Office file: the Member's letter and
  the reply as one PDF, kept with the letter and recorded [CORR 1.9].

The rules are the domain's (``domain.correspondence.case_steps``); this
module stores, audits and tells.
"""
from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...db.models import LetterDocument, LetterFacts
from ...domain.calendar import LONDON
from ...domain.correspondence.case_steps import (
    check_barrier_lift, check_expedite_note, check_interim_reply, translation_note)
from ...domain.correspondence.reply_plan import ReplyPlan
from ...domain.errors import InvalidTransition, PermissionDenied, ValidationError
from ...domain.letter_records import DocumentKind
from ...domain.records import Role, UserRecord
from ...domain.text import clean_text
from ...domain.values import as_date, as_flag
from ...notify.outbox import enqueue
from .base import ENTITY, Case, check_pdf
from .special import SpecialLetters

TRANSLATION_KIND = "letter_translation"


class LetterSteps(SpecialLetters):

    # ------------------------------------------------------------ Welsh

    def send_for_translation(self, actor: UserRecord, letter_id: int, *, translator_email: str,
                             english_also: bool = False, expected_version: int | None = None) -> ReplyPlan:
        """Send the reply produced in English to the translator [CORR 5.3] (outbox, with the PDF)."""
        translator_email = clean_text(translator_email, field="Translator's e-mail", max_length=254)

        def change(s: Session, c: Case) -> ReplyPlan:
            self._may_record(s, actor, c, unit_only=True)
            if self._plan(s, actor, c.letter).language != "cy":
                raise ValidationError("a translation is for a Welsh reply to a letter in Welsh [CORR 5.3]")
            reply = self._latest(s, c.letter.id, DocumentKind.REPLY_PDF)
            if reply is None:
                raise ValidationError("produce the reply first: the translator works from it")
            row = self._facts_row(s, c.letter)
            message = enqueue(
                s, clock=self._clock, kind=TRANSLATION_KIND, entity=ENTITY, entity_id=c.letter.id,
                to_address=translator_email, to_name="Welsh translation",
                subject=f"Welsh translation please: CTS {c.letter.cts_reference}",
                body_text="\n".join([
                    "Please translate the attached reply into Welsh and send it back to the drafting unit "
                    f"({c.letter.unit_code}).", "",
                    f"Unit deadline: {self._deadlines(c)['unit']:%d %B %Y}.", "",
                    f"{actor.full_name}"]),
                attachment=(reply.filename, "application/pdf", reply.data))
            row.translation_sent_at, row.translation_sent_to = c.now, translator_email
            row.translation_received_at = None
            row.english_also = as_flag(english_also, field="english_also")
            self._audit(s, actor, c.letter, "sent for Welsh translation",
                        {"to": translator_email, "outbox_id": message.id, "reply": reply.filename,
                         "english_also": row.english_also})
            return self._plan(s, actor, c.letter)

        return self._change(actor, letter_id, change, expected_version)

    def translation_received(self, actor: UserRecord, letter_id: int, *, pdf: bytes, filename: str = "",
                             expected_version: int | None = None) -> ReplyPlan:
        """The Welsh reply is back: kept as a document, its time recorded against the deadline."""
        given_name = check_pdf(pdf, filename, field="translation")

        def change(s: Session, c: Case) -> ReplyPlan:
            self._may_record(s, actor, c, unit_only=True)
            row = self._facts_row(s, c.letter)
            if row.translation_sent_at is None:
                raise ValidationError("the reply was not sent for translation")
            name = given_name or f"{c.letter.cts_reference.replace('/', '-')}-cy.pdf"
            self._add_document(s, actor, c.letter, DocumentKind.TRANSLATION, name, "application/pdf", bytes(pdf))
            row.translation_received_at = c.now
            self._audit(s, actor, c.letter, "Welsh translation received",
                        {"document": name, "note": self._translation_note(c, row)})
            return self._plan(s, actor, c.letter)

        return self._change(actor, letter_id, change, expected_version)

    def _translation_note(self, c: Case, row: LetterFacts) -> str:
        sent = row.translation_sent_at
        back = row.translation_received_at
        taken = c.calendar.working_days_between(sent.astimezone(LONDON).date(),
                                                (back or c.now).astimezone(LONDON).date())
        return translation_note(sent.astimezone(LONDON).date(), back.astimezone(LONDON).date() if back else None,
                                taken, self._deadlines(c)["unit"], c.now.astimezone(LONDON).date())

    def _plan(self, s: Session, actor: UserRecord, e) -> ReplyPlan:
        plan = super()._plan(s, actor, e)
        row = self._facts_read(s, e.id)
        extra = []
        if row is not None and row.translation_sent_at is not None:
            extra.append(self._translation_note(self._context(s, e), row))
        if row is not None and row.removal_on is not None and e.dispatched_at is None:
            extra.append(f"removal set for {row.removal_on.day} {row.removal_on:%B %Y}: make every effort to "
                         "send the reply before then [CORR 2.2]")
        return replace(plan, notes=plan.notes + tuple(extra)) if extra else plan

    # -------------------------------------------------- removal, expediting, interim replies

    def lift_barrier_to_removal(self, actor: UserRecord, letter_id: int, *, member_supports_removal: bool,
                                removal_on: date, reason: str, expected_version: int | None = None) -> ReplyPlan:
        """The drafting unit lifts the barrier before replying: the Member supports an imminent removal."""
        reason = clean_text(reason, field="Reason", max_length=500)
        removal_on = as_date(removal_on, field="removal_on")

        def change(s: Session, c: Case) -> ReplyPlan:
            self._may_record(s, actor, c, unit_only=True)
            if not actor.has(Role.WORKFLOW_MANAGER, Role.UNIT_TEAM_LEADER):
                raise PermissionDenied("the unit's workflow manager or team leader decides to lift the barrier to "
                                       "removal [CORR 2.2]")
            if not c.letter.barrier_to_removal:
                raise InvalidTransition("no barrier to removal is entered on this letter")
            note = check_barrier_lift(member_supports_removal=as_flag(member_supports_removal,
                                                                      field="member_supports_removal"),
                                      removal_on=removal_on, today=c.now.astimezone(LONDON).date(), reason=reason)
            row = self._facts_row(s, c.letter)
            c.letter.barrier_to_removal = False
            c.letter.no_barrier_reason = f"lifted before the reply: {reason}"[:500]
            row.removal_on, row.barrier_lifted_at = removal_on, c.now
            self._audit(s, actor, c.letter, "barrier to removal lifted",
                        {"barrier_to_removal": [True, False], "removal_on": removal_on, "reason": reason,
                         "note": note})
            return self._plan(s, actor, c.letter)

        return self._change(actor, letter_id, change, expected_version)

    def record_expedited(self, actor: UserRecord, letter_id: int, *, intervention: str, reason: str,
                         decisions: str, expected_version: int | None = None) -> None:
        """The case was expedited on the Member's letter: the audit note the guidance asks for [CORR 2.1]."""
        note = check_expedite_note({"intervention": intervention, "reason": reason, "decisions": decisions})
        note = {k: clean_text(v, field=k, max_length=2000) for k, v in note.items()}

        def change(s: Session, c: Case) -> None:
            self._may_record(s, actor, c, unit_only=True)
            self._audit(s, actor, c.letter, "case expedited on the Member's letter", note)

        self._change(actor, letter_id, change, expected_version)

    def record_interim_reply(self, actor: UserRecord, letter_id: int, *, mpcs_advice: str, summary: str,
                             expected_version: int | None = None) -> None:
        """An interim reply was sent, on MPCS's advice [CORR 1.5]."""
        mpcs_advice = clean_text(mpcs_advice, field="MPCS's advice", max_length=1000)
        summary = clean_text(summary, field="Summary", max_length=2000, multiline=True)
        check_interim_reply(mpcs_advice)
        if not summary:
            raise ValidationError("summary: say what the interim reply told the Member")

        def change(s: Session, c: Case) -> None:
            self._may_record(s, actor, c, unit_only=True)
            self._audit(s, actor, c.letter, "interim reply sent on MPCS's advice",
                        {"mpcs_advice": mpcs_advice, "summary": summary})

        self._change(actor, letter_id, change, expected_version)

    # ------------------------------------------------------------ dispatch

    def _on_dispatch(self, s: Session, actor: UserRecord, c: Case, changes: dict) -> None:
        """Called by ``dispatch`` before the move: a Welsh reply needs its translation; the file copy is made."""
        plan = self._plan(s, actor, c.letter)
        row = s.get(LetterFacts, c.letter.id)
        translation = self._latest(s, c.letter.id, DocumentKind.TRANSLATION)
        if plan.language == "cy":
            if translation is None or row is None or row.translation_received_at is None:
                raise InvalidTransition("the reply is to go in Welsh and the translation has not come back "
                                        "[CORR 5.3]")
            changes["languages"] = ["cy", "en"] if row.english_also else ["cy"]
        bundle = self._home_office_file(s, actor, c, translation if plan.language == "cy" else None)
        if bundle is not None:
            changes["home_office_file"] = bundle.filename

    def _home_office_file(self, s: Session, actor: UserRecord, c: Case,
                          translation: LetterDocument | None) -> LetterDocument | None:
        """The Member's letter and the reply as one PDF for the applicant's file; None with no written reply."""
        from pypdf import PdfReader, PdfWriter  # only a dispatch needs it

        reply = self._latest(s, c.letter.id, DocumentKind.REPLY_PDF)
        if reply is None:
            return None
        replies = [d for d in self._documents(s, c.letter.id, DocumentKind.REPLY_PDF)
                   if d.created_at == reply.created_at]
        scan = self._latest(s, c.letter.id, DocumentKind.SCAN)
        writer = PdfWriter()
        for doc in [scan, *replies, translation]:
            if doc is None or doc.data is None:
                continue
            try:
                for page in PdfReader(io.BytesIO(doc.data)).pages:
                    writer.add_page(page)
            except Exception:  # noqa: BLE001 - a scan pypdf cannot read still leaves the reply on file
                self._audit(s, actor, c.letter, "Home Office file: a document could not be included",
                            {"document": doc.filename})
        writer.add_metadata({"/Title": f"Letter {c.letter.cts_reference}: copy for the Home Office file"})
        out = io.BytesIO()
        writer.write(out)
        name = f"{c.letter.cts_reference.replace('/', '-')}-home-office-file.pdf"
        return self._add_document(s, actor, c.letter, DocumentKind.HOME_OFFICE_FILE, name, "application/pdf",
                                  out.getvalue())

    @staticmethod
    def _documents(s: Session, letter_id: int, kind: DocumentKind) -> list[LetterDocument]:
        return list(s.scalars(select(LetterDocument).where(LetterDocument.letter_id == letter_id,
                                                           LetterDocument.kind == kind.value,
                                                           LetterDocument.purged_at.is_(None))
                              .order_by(LetterDocument.created_at, LetterDocument.id)))

    def _latest(self, s: Session, letter_id: int, kind: DocumentKind) -> LetterDocument | None:
        found = self._documents(s, letter_id, kind)
        return found[-1] if found else None
