"""A letter's documents: replies made from the standard templates, and the retention purge.

``generate_reply`` fills a template (``reports.letters``) from the case and
keeps the PDF (to send) and the .docx (to edit in Word) with the letter.
The context is built here from the case, and it has no field for an
applicant's address; the Home Office reference is handed over so that the
renderer's guard can refuse it on every letter but the "in confidence" one.

Several MPs on one person [CORR 2.6]: the group's reply plan decides the
letter.  The letter with the substantive reply lists the MPs who get a copy
("cc"; on an "in confidence" reply, only the reply for forwarding does: what
is confided to one Member is not copied to others).  A letter whose MP gets a
copy produces the covering note (``copy_covering_note``), naming whose reply
goes with it, and nothing else.

``purge_documents`` removes the bytes of scanned letters and replies kept
longer than two years plus the current year [CORR 1.9]; the rows stay (what
there was, and when it went), as do the case and its audit trail.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ...db.models import Letter, LetterDocument, Member, MemberStatus
from ...domain import permissions as perm
from ...domain.calendar import LONDON
from ...domain.correspondence import (
    LetterKind, LetterState, ReplyRole, check_reply_template, late_mp_addressing, parliament_dissolved, purge_due,
    purge_from)
from ...domain.correspondence.reply_plan import ReplyPlan, check_plan_template, chosen_lines
from ...domain.errors import InvalidTransition, PermissionDenied, ValidationError
from ...domain.letter_records import DocumentKind, GeneratedReply, PurgedDocument, PurgeReport
from ...domain.permissions import Action
from ...domain.records import Role, UserRecord
from ...domain.text import clean_text
from ...domain.values import as_date
from ...reports.letters import (
    COMPANIONS, COVERING_NOTES, TEMPLATES, Addressee, LetterContext, render_letter_docx, render_letter_pdf)
from .. import actor_check, audit
from .base import ENTITY, Case, GroupView, document_record
from .drafting_help import DraftingHelp
from .units import is_member
from ...reports.file_types import DOCX_MIME

S = LetterState

# A reply can be produced once there is a case owner, and until it has gone.
REPLY_STATES = frozenset({S.DRAFTING, S.REALLOCATION_REQUESTED, S.IN_QA, S.WITH_TEAM_LEADER,
                          S.WITH_PRIVATE_OFFICE, S.SIGNED})
# *Decision*: the members table keeps no postal address, so replies go to the
# Member at their House; other Members are addressed by name only.
PARLIAMENT_ADDRESS = {
    "MP": ("House of Commons", "London", "SW1A 0AA"),
    "Peer": ("House of Lords", "London", "SW1A 0PW"),
}
_ADDRESSEE_KINDS = {"MP": "MP", "PEER": "Peer", "MEP": "MEP", "MDL": "MDL", "PPC": "MP"}
# Retention counts from the document's own date [CORR 1.9]: the scan (and the
# written agreement that came with the case) from receipt, a reply from dispatch.
_FROM_RECEIPT = frozenset({DocumentKind.SCAN.value, DocumentKind.WRITTEN_AGREEMENT.value})
# What may be asked for: each reply (a companion comes with its letter) and the covering note.
REPLY_TEMPLATES = (*(t for t in TEMPLATES if t not in COMPANIONS.values()), *COVERING_NOTES)


class LetterDocuments(DraftingHelp):

    def generate_reply(self, actor: UserRecord, letter_id: int, *, template: str,
                       body: str | Sequence[str] | None = None,
                       forwardable_body: str | Sequence[str] | None = None,
                       signatory_name: str, signatory_title: str, offered_lines: Sequence[str] = (),
                       expected_version: int | None = None) -> GeneratedReply:
        """Make the reply from ``template`` (and its companion letter) as PDF and .docx, and keep them.

        ``body`` defaults to the draft submitted to QA.  May be done by the
        case owner, the unit's senior caseworkers and team leaders, and
        Private Office for a Ministerial letter.  Raises ValidationError (and
        keeps nothing) when the letter would carry what it must not.  A letter
        linked with other MPs' letters follows the group's plan (module doc).
        ``offered_lines``: the standard lines the plan offers (a meeting's
        lobby line [CORR 2.4]) that the drafter chose to add.
        """
        if template not in REPLY_TEMPLATES:
            raise ValidationError(f"template must be one of {', '.join(REPLY_TEMPLATES)}")
        signatory_name = clean_text(signatory_name, field="Signatory", max_length=120)
        signatory_title = clean_text(signatory_title, field="Signatory's title", max_length=120)

        def change(s: Session, c: Case) -> GeneratedReply:
            self._may_produce_reply(s, actor, c)
            group = self._group(s, actor, c.letter)
            check_reply_template(group.role_of(c.letter.cts_reference) if group else ReplyRole.SUBSTANTIVE,
                                 template, group.lead if group else None)
            plan = self._plan(s, actor, c.letter)
            check_plan_template(plan, template)  # the special cases: MDLs, Peers, elections, FOI, support, ...
            plan = replace(plan, sentences=plan.sentences + chosen_lines(plan, offered_lines))
            context = self._reply_context(s, c, template, body, forwardable_body, signatory_name, signatory_title,
                                          group, plan)
            stem = c.letter.cts_reference.replace("/", "-")
            made = []
            for name in (template, *([COMPANIONS[template]] if template in COMPANIONS else [])):
                for kind, suffix, mime, render in ((DocumentKind.REPLY_PDF, "pdf", "application/pdf",
                                                    render_letter_pdf),
                                                   (DocumentKind.REPLY_DOCX, "docx", DOCX_MIME, render_letter_docx)):
                    # "In confidence" goes to one Member only; the copies go with the reply for forwarding.
                    data = render(name, replace(context, cc=()) if name == "in_confidence" else context)
                    doc = LetterDocument(letter_id=c.letter.id, kind=kind.value, filename=f"{stem}-{name}.{suffix}",
                                         mime=mime, size=len(data), data=data, created_at=c.now,
                                         created_by_id=actor.id)
                    s.add(doc)
                    made.append(doc)
            s.flush()
            self._audit(s, actor, c.letter, "reply generated",
                        {"template": template, "documents": [d.filename for d in made],
                         "signatory": f"{signatory_name}, {signatory_title}",
                         "cc": [m.display_name(dissolved=context.dissolved) for m in context.cc] or None,
                         "copy_of": (context.copy_of.display_name(dissolved=context.dissolved)
                                     if context.copy_of else None),
                         "addressee": context.addressee.display_name(dissolved=context.dissolved),
                         "sentences_added": list(context.extra_paragraphs) or None,
                         "language": plan.language})
            return GeneratedReply(letter_id=c.letter.id, reference=c.letter.cts_reference, template=template,
                                  documents=tuple(document_record(d, c.letter.cts_reference, with_data=True)
                                                  for d in made))

        return self._change(actor, letter_id, change, expected_version)

    def _may_produce_reply(self, s: Session, actor: UserRecord, c: Case) -> None:
        if c.state not in REPLY_STATES:
            raise InvalidTransition(f"cannot produce a reply: the letter is {c.state.label.lower()}")
        e = c.letter
        if e.case_owner_id in self._acting_for(s, actor):  # the case owner, or who covers for them [ASY]
            return
        if actor.has(Role.SENIOR_CASEWORKER, Role.UNIT_TEAM_LEADER) and is_member(s, actor.id, e.unit_code):
            return
        if actor.has(Role.PRIVATE_OFFICE) and e.kind == LetterKind.MINISTERIAL.value:
            return
        raise PermissionDenied(f"only the case owner, {e.unit_code}'s senior caseworkers and team leaders, or "
                               f"Private Office for a Ministerial letter may produce the reply to {e.cts_reference}")

    def _reply_context(self, s: Session, c: Case, template: str, body, forwardable_body, signatory_name: str,
                       signatory_title: str, group: GroupView | None = None,
                       plan: ReplyPlan | None = None) -> LetterContext:
        e = c.letter
        member = e.member
        today = c.now.astimezone(LONDON).date()
        addressee = _addressee(member, with_address=True)
        opening = ""
        status = s.get(MemberStatus, e.member_id)
        if status is not None and status.died_on is not None:
            # The late Member's letters [CORR 5.1]: addressed as the domain says, the new Member never copied.
            how = late_mp_addressing(
                member.name, after_by_election=bool(status.by_election_on and today >= status.by_election_on),
                interim_handler=status.interim_handler or None,
                constituent_name=e.constituent_name or e.subject_name, late_mp_letter_date=e.member_letter_date)
            if how.send_to == "constituency_office":
                addressee = replace(_addressee(member), deceased=True)
            else:
                addressee = Addressee(name=how.addressee, kind="Public", salutation=how.salutation)
                opening = how.opening or ""
        # A candidate is no longer an MP: never "MP" after the name, whatever the date.
        dissolved = parliament_dissolved(self._dissolution(s), today) or member.kind.strip().upper() == "PPC"
        cc: tuple[Addressee, ...] = ()
        copy_of = None
        if group is not None and group.plan is not None:
            if group.plan.lead == e.cts_reference:
                cc = tuple(_addressee(group.letter(r).member) for r in group.plan.copies)
            elif group.role_of(e.cts_reference) is ReplyRole.COPY:
                copy_of = _addressee(group.letter(group.plan.lead).member)
        drafted = e.draft_text if body is None else body
        return LetterContext(
            cts_reference=e.cts_reference, kind=e.kind, date=today, addressee=addressee,
            subject_name=e.subject_name, constituent_name=e.constituent_name or e.subject_name,
            member_letter_date=e.member_letter_date, issue=e.issue,
            signatory_name=signatory_name, signatory_title=signatory_title,
            body=() if template == "mdl" else (drafted or ()),
            forwardable_body=forwardable_body or (),
            # Given so the guard can refuse it where it must not appear; printed on "in confidence" only.
            ho_reference=e.ho_reference, your_reference=e.member_reference,
            dissolved=dissolved, cc=() if opening else cc, copy_of=copy_of,
            welsh_requested=plan.language == "cy" if plan else False,
            extra_paragraphs=plan.sentences if plan else (), opening=opening)

    # ---------------------------------------------------------------- retention

    def purge_documents(self, actor: UserRecord, today: date | None = None) -> PurgeReport:
        """Purge scanned letters and replies past retention; report what went [CORR 1.9].

        A scan (and a written agreement) counts from the letter's receipt, a
        reply from its dispatch (or cancellation); a reply to a letter still
        open is never purged.  Each letter's audit trail records its purge.
        """
        return self._purge(actor, today, dry_run=False)

    def documents_due_for_purge(self, actor: UserRecord, today: date | None = None) -> PurgeReport:
        """What ``purge_documents`` would remove today, removing nothing."""
        return self._purge(actor, today, dry_run=True)

    def _purge(self, actor: UserRecord, today: date | None, *, dry_run: bool) -> PurgeReport:
        perm.require(actor, Action.PURGE_DOCUMENTS)
        now = self._now()
        today = as_date(today, field="today") or now.astimezone(LONDON).date()
        if today > now.astimezone(LONDON).date():
            raise ValidationError("the purge cannot be run for a day in the future")
        purged: list[PurgedDocument] = []
        with (actor_check.read(self._uow, actor) if dry_run else self._uow()) as s:
            rows = s.execute(
                select(LetterDocument.id, LetterDocument.kind, LetterDocument.filename, LetterDocument.created_at,
                       Letter.id, Letter.cts_reference, Letter.received_at, Letter.dispatched_at,
                       Letter.cancelled_at)
                .join(Letter, Letter.id == LetterDocument.letter_id)
                .where(LetterDocument.purged_at.is_(None))
                .order_by(Letter.cts_reference, LetterDocument.id)).all()
            by_letter: dict[int, list] = {}
            for doc_id, kind, filename, created_at, letter_id, reference, received, dispatched, cancelled in rows:
                counted_from = received if kind in _FROM_RECEIPT else (dispatched or cancelled)
                if counted_from is None or not purge_due(counted_from, today):
                    continue
                by_letter.setdefault(letter_id, []).append((doc_id, filename, counted_from))
                purged.append(PurgedDocument(reference=reference, kind=DocumentKind(kind), filename=filename,
                                             created_at=created_at))
            if not dry_run:
                self._remove(s, actor, now, today, by_letter)
        return PurgeReport(run_at=now, today=today, documents=tuple(purged), dry_run=dry_run)

    def _remove(self, s: Session, actor: UserRecord, now, today: date, by_letter: dict[int, list]) -> None:
        ids = [doc_id for docs in by_letter.values() for doc_id, _, _ in docs]
        if ids:
            # The bytes go; the row stays, so the case still shows what there was and when it went.
            s.execute(update(LetterDocument).where(LetterDocument.id.in_(ids)).values(data=None, purged_at=now),
                      execution_options={"synchronize_session": False})
        for letter_id, docs in by_letter.items():
            audit.record(s, actor, now, ENTITY, letter_id, "documents purged (retention)",
                         {"documents": [f for _, f, _ in docs],
                          "kept_until": [(purge_from(c) - timedelta(days=1)).isoformat() for _, _, c in docs]})
        audit.record(s, actor, now, "letter_documents", None, "retention purge run",
                     {"today": today, "documents": len(ids), "letters": len(by_letter)})


def _addressee(member: Member, *, with_address: bool = False) -> Addressee:
    """A Member as a letter names them: the one written to (at their House), or one copied or quoted (by name)."""
    kind = _ADDRESSEE_KINDS.get(member.kind.strip().upper())
    if kind is None:
        raise ValidationError(f"cannot write to a member of kind {member.kind!r}")
    return Addressee(name=member.name, kind=kind, title="Rt Hon" if member.privy_counsellor else "",
                     constituency=member.constituency,
                     address_lines=PARLIAMENT_ADDRESS.get(kind, ()) if with_address else ())
