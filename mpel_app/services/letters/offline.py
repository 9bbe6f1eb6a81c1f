"""Drafting units without CTS ("off-line") [ASY] (issue 15): MPCS updates CTS for them.

- ``set_unit_offline``: an administrator marks a unit as working without
  CTS, at the e-mail address its letters go to (``None``: back on CTS);
- a letter allocated to one goes to it by e-mail (outbox, the allocation's
  transaction): the scanned letter with the deadline for the response, then
  the draft template as a Word file;
- ``check_in_offline_reply``: MPCS checks in what came back through "MPCS
  CTS Offline Management".  The form is the domain's rule
  (``domain.correspondence.offline``): a Ministerial letter's approved draft
  in Word, whose drafted text is loaded onto the letter as its draft for
  Private Office; an Official letter's signed and issued reply, scanned as a
  PDF, which closes the case.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...db.models import DraftingUnit, OfflineUnit
from ...domain import permissions as perm
from ...domain.correspondence import LetterAction, LetterKind, ReplyChannel
from ...domain.correspondence.offline import OFFLINE_ROUTE, WORD, check_offline_return, offline_return
from ...domain.errors import PermissionDenied, ValidationError
from ...domain.letter_records import DocumentKind, LetterRecord
from ...domain.permissions import Action
from ...domain.records import Role, UserRecord
from ...domain.text import clean_text
from ...notify.outbox import enqueue
from ...reports.returned_draft import DRAFT_PLACEHOLDER, drafted_part, file_format, read_returned_draft
from .. import audit
from .base import ENTITY, MAX_PDF_BYTES, Case, check_pdf
from .steps import LetterSteps
from .units import active_unit, unit_code_of
from ...reports.file_types import DOCX_MIME

A = LetterAction
OFFLINE_KIND = "letter_offline_unit"


class OfflineUnits(LetterSteps):

    def set_unit_offline(self, actor: UserRecord, unit_code: str, email: str | None) -> None:
        """Mark a drafting unit as without CTS, at ``email``; ``None`` puts it back on CTS."""
        perm.require(actor, Action.MANAGE_UNITS)
        code = unit_code_of(unit_code)
        with self._uow() as s:
            unit = active_unit(s, code)
            row = s.get(OfflineUnit, unit.code)
            before = row.email if row else None
            if email is None:
                if row is not None:
                    s.delete(row)
            else:
                address = clean_text(email, field="Unit's e-mail", max_length=254)
                if "@" not in address:
                    raise ValidationError("email: give the unit's e-mail address")
                if row is None:
                    s.add(OfflineUnit(unit_code=unit.code, email=address, since=self._now()))
                else:
                    row.email = address
            after = None if email is None else address
            if before != after:
                audit.record(s, actor, self._now(), "drafting_unit", None, "unit off-line (no CTS) changed",
                             {"unit": unit.code, "offline_email": [before, after]})

    def offline_units(self) -> dict[str, str]:
        """The units without CTS, with the address their letters go to."""
        with self._uow.read() as s:
            return {r.unit_code: r.email for r in s.scalars(select(OfflineUnit).order_by(OfflineUnit.unit_code))}

    def _on_allocate(self, s: Session, actor: UserRecord, c: Case, unit: DraftingUnit) -> dict:
        """A letter allocated to an off-line unit goes to it by e-mail: the scan and the deadline, then a
        draft template in Word [ASY]."""
        row = s.get(OfflineUnit, unit.code)
        if row is None:
            return {}
        e = c.letter
        scan = self._latest(s, e.id, DocumentKind.SCAN)
        back = offline_return(e.kind)
        # Counted in the unit's own working days, now that it holds the letter.
        deadlines = self._deadlines(self._context(s, e))
        common = dict(clock=self._clock, kind=OFFLINE_KIND, entity=ENTITY, entity_id=e.id, to_address=row.email,
                      to_name=unit.name)
        enqueue(s, subject=f"New case for {unit.name} (off-line): CTS {e.cts_reference}",
                body_text="\n".join([
                    f"Dear {unit.name},", "",
                    f"MPCS has allocated {e.member.name}'s letter (CTS {e.cts_reference}, {e.kind}) to you. The "
                    "scanned letter is attached; a draft template (Word) follows in a separate message.", "",
                    f"Deadline for your response: {deadlines['unit']:%A %d %B %Y} (the unit deadline; the reply "
                    f"is due to the Member by {deadlines['reply']:%d %B %Y}).", "",
                    f"What to send back to {OFFLINE_ROUTE}, quoting the CTS reference: {back.described}. MPCS "
                    "checks it in and updates CTS.", "",
                    "MPs' Correspondence Section"]),
                attachment=(scan.filename, "application/pdf", scan.data) if scan is not None and scan.data else None,
                **common)
        enqueue(s, subject=f"Draft template: CTS {e.cts_reference}",
                body_text=(f"The draft template for CTS {e.cts_reference} is attached (Word). Write the reply in "
                           f"place of {DRAFT_PLACEHOLDER} and keep the file in Word."),
                attachment=(f"{e.cts_reference.replace('/', '-')}-draft.docx", DOCX_MIME,
                            self._draft_template(s, actor, c)),
                **common)
        return {"offline_unit_emailed": row.email, "unit_deadline": deadlines["unit"]}

    def _template_letter(self, s: Session, actor: UserRecord, c: Case):
        """The draft template as composed for this letter: (template name, its context)."""
        plan = self._plan(s, actor, c.letter)
        template = plan.templates[0] if plan.templates else "full_reply"
        return template, self._reply_context(s, c, template, DRAFT_PLACEHOLDER, "[Reply for forwarding]",
                                             "[Signatory]", "[Title]", None, plan)

    def _draft_template(self, s: Session, actor: UserRecord, c: Case) -> bytes:
        from ...reports.letters import render_letter_docx

        return render_letter_docx(*self._template_letter(s, actor, c))

    def check_in_offline_reply(self, actor: UserRecord, letter_id: int, *, document: bytes, filename: str = "",
                               approved_by: str, expected_version: int | None = None) -> LetterRecord:
        """MPCS checks in what an off-line unit sent back through MPCS CTS Offline Management [ASY], and
        updates CTS as the unit would have: an approved Ministerial draft (Word) is loaded as the letter's
        draft and goes on to Private Office for the Minister; a signed and issued Official reply (a scanned
        PDF) closes the case (dispatched, by letter, with the copy for the Home Office file).  A file in the
        wrong form is refused, saying what to ask the unit for."""
        approved_by = clean_text(approved_by, field="Approved or signed by", max_length=120)
        if not actor.has(Role.MPCS_ALLOCATOR):
            raise PermissionDenied(f"MPCS checks in replies from off-line units ({OFFLINE_ROUTE})")
        if not isinstance(document, (bytes, bytearray)) or not document:
            raise ValidationError("document: attach the file the unit sent back")
        if len(document) > MAX_PDF_BYTES:
            raise ValidationError(f"document: the file is larger than {MAX_PDF_BYTES // (1024 * 1024)} MB")
        if not approved_by:
            raise ValidationError("approved_by: who approved the draft or signed the reply")
        found = file_format(document)

        def change(s: Session, c: Case) -> LetterRecord:
            if not c.facts.offline_unit:
                raise ValidationError(f"{c.letter.cts_reference} is not with an off-line unit")
            e = c.letter
            back = check_offline_return(e.kind, found)
            stem = f"{e.cts_reference.replace('/', '-')}-offline-{back.what.replace(' ', '-')}"
            name = _file_name(filename, back.suffix) or stem + back.suffix
            target = self._check(s, actor, c, A.CHECK_IN_OFFLINE, {"document": name, "approved_by": approved_by})
            changes: dict = {"document": name, "approved_by": approved_by, "unit": e.unit_code,
                             "route": OFFLINE_ROUTE}
            if back.file_format == WORD:
                drafted = self._load_draft(s, actor, c, bytes(document))
                self._add_document(s, actor, e, DocumentKind.REPLY_DOCX, name, DOCX_MIME, bytes(document))
                e.draft_text = "\n\n".join(drafted)
                changes["draft_loaded"] = f"{len(drafted)} paragraph(s)"
                e.reached_signatory_at = c.now  # with Private Office for the Minister's approval and signature
            else:
                check_pdf(document, name, field="reply")
                self._add_document(s, actor, e, DocumentKind.REPLY_PDF, name, "application/pdf", bytes(document))
                e.signed_by, e.signed_at = approved_by, c.now
                e.reached_signatory_at = e.reached_signatory_at or c.now
                e.reply_channel = ReplyChannel.LETTER.value
                e.dispatched_at, e.dispatched_by_id = c.now, actor.id
                bundle = self._home_office_file(s, actor, c, None)
                if bundle is not None:
                    changes["home_office_file"] = bundle.filename
            self._move(s, actor, c, A.CHECK_IN_OFFLINE, target, changes)
            self._audit(s, actor, e, f"{back.what} checked in from {OFFLINE_ROUTE}", {"document": name})
            return self._record(s, actor, e)

        return self._change(actor, letter_id, change, expected_version)

    def _load_draft(self, s: Session, actor: UserRecord, c: Case, data: bytes) -> tuple[str, ...]:
        """MPCS "checks the format" of a returned Word draft: this letter's, drafted on the template; returns
        what the unit wrote, to load as the letter's draft [ASY]."""
        from ...reports.letters import compose_letter

        draft = read_returned_draft(data)
        if draft.cts_reference and draft.cts_reference != c.letter.cts_reference:
            raise ValidationError(f"the Word file is the draft for {draft.cts_reference}, not "
                                  f"{c.letter.cts_reference}: check it in on that letter")
        template = compose_letter(*self._template_letter(s, actor, c))
        return drafted_part(draft.paragraphs, template.paragraphs)


def _file_name(given: str, suffix: str) -> str:
    """The name the person gave, as a name (never a path), with the suffix of what the file really is."""
    name = clean_text(given, field="File name", max_length=200).replace("\\", "/").rsplit("/", 1)[-1]
    if name and not name.lower().endswith(suffix):
        name = name.rsplit(".", 1)[0] + suffix if "." in name else name + suffix
    return name
