"""The special cases of MPs' letters (issue 15): recorded on the letter and its Member, and told to whoever
must know, through the outbox in the same transaction.

- what kind of letter it is (``LetterFacts`` row): case, policy, support
  [CORR 3.4], allegation [CORR 3.5], family member or sponsor [CORR 3.2], an
  MDL challenging the policy [CORR 4.5]; FOI only [CORR 5.2]; in Welsh
  [CORR 5.3]; a meeting asked for [CORR 2.4]; the general-election facts
  [CORR 5.4];
- an FOI request: the Information Access Team is told at once [CORR 5.2];
- an allegation: passed to the appropriate unit, and recorded [CORR 3.5];
- a family member or sponsor: the limited-disclosure conditions [CORR 3.2];
- what happened to a Member (``MemberStatus`` row): death and by-election
  (the drafting units told of their letters to review) [CORR 5.1], the
  election result [CORR 5.4], an MDL who is also an MP or a devolved Minister
  [CORR 4.1];
- ``reply_plan``: the domain's ``plan_reply`` for one letter, which
  ``generate_reply`` (``letters.documents``) obeys.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...db.models import DraftingUnit, Letter, LetterFacts, Member, MemberStatus, Setting
from ...domain import permissions as perm
from ...domain.calendar import LONDON
from ...domain.correspondence import LetterState, ReplyRole, letters_to_review_on_death
from ...domain.correspondence.reply_plan import DISCLOSURE_CONDITIONS, Category, LetterCase, ReplyPlan, plan_reply
from ...domain.errors import NotFound, PermissionDenied, ValidationError
from ...domain.permissions import Action
from ...domain.records import Role, UserRecord
from ...domain.text import clean_text
from ...domain.values import as_date, as_flag, is_row_id
from ...notify.outbox import enqueue
from .. import actor_check, audit
from .base import _BUILDING, ENTITY, Case, LetterUseCases, remembered
from .units import is_member

S = LetterState
# Where FOI requests are recorded [CORR 5.2]; an administrator may change it (settings table).
IAT_EMAIL_KEY = "information_access_team_email"
IAT_DEFAULT = ("Information Access Team", "information.access@homeoffice.gov.uk")
FOI_KIND = "letter_foi"
ALLEGATION_KIND = "letter_allegation"
DEATH_KIND = "letter_member_death"
OUTCOMES = ("returned", "not_returned")
_LETTER_FLAGS = ("foi", "welsh_requested")
_FACT_FLAGS = ("foi_only", "letter_in_welsh", "meeting_requested", "against_removal", "answers_earlier_request",
               "raised_before")
# Who may say what a letter is: MPCS, and the staff of the unit holding it.
_FACT_ROLES = frozenset({Role.MPCS_ALLOCATOR, Role.WORKFLOW_MANAGER, Role.CASE_OWNER, Role.SENIOR_CASEWORKER,
                         Role.UNIT_TEAM_LEADER})


class SpecialLetters(LetterUseCases):

    # ------------------------------------------------------------ the letter

    def record_letter_facts(self, actor: UserRecord, letter_id: int, *, expected_version: int | None = None,
                            **facts: object) -> ReplyPlan:
        """Record what kind of letter it is and what it asks (module doc); returns the reply plan it makes.

        ``facts``: ``category`` and any of ``foi_only``, ``letter_in_welsh``,
        ``meeting_requested``, ``against_removal``, ``answers_earlier_request``,
        ``raised_before``.  FOI only marks the letter FOI too, and tells the
        Information Access Team if nobody has yet.
        """
        def change(s: Session, c: Case) -> ReplyPlan:
            self._may_record(s, actor, c)
            self._apply_facts(s, actor, c.letter, facts)
            return self._plan(s, actor, c.letter)

        return self._change(actor, letter_id, change, expected_version)

    def _apply_facts(self, s: Session, actor: UserRecord, letter: Letter, facts: Mapping[str, object]) -> None:
        unknown = set(facts) - {"category", *_FACT_FLAGS, *_LETTER_FLAGS}
        if unknown:
            raise ValidationError(f"unknown letter facts: {', '.join(sorted(unknown))}")
        row = self._facts_row(s, letter)
        before = {k: getattr(row, k) for k in ("category", *_FACT_FLAGS)}
        # Marked later than registration: an FOI request noticed by the unit, a Welsh reply asked for [CORR 5.2, 5.3].
        marked = {k: getattr(letter, k) for k in _LETTER_FLAGS}
        for name in _LETTER_FLAGS:
            if name in facts:
                setattr(letter, name, as_flag(facts[name], field=name))
        if letter.foi is False and marked["foi"] and row.foi_notified_at is not None:
            letter.foi = True  # the Information Access Team has it: an FOI request stays one
        marked = {k: [v, getattr(letter, k)] for k, v in marked.items() if v != getattr(letter, k)}
        if marked:
            self._audit(s, actor, letter, "letter marked", marked)
        if "category" in facts:
            try:
                category = Category(str(facts["category"]).strip())
            except ValueError:
                raise ValidationError("category must be one of " + ", ".join(c.value for c in Category)) from None
            if category is Category.POLICY_CHALLENGE and letter.member.kind.strip().upper() != "MDL":
                raise ValidationError("category: only an MDL's letter can challenge the policy on MDLs [CORR 4.5]")
            row.category = category.value
        for name in _FACT_FLAGS:
            if name in facts:
                setattr(row, name, as_flag(facts[name], field=name))
        if row.foi_only:
            letter.foi = True
        changes = audit.diff(before, {k: getattr(row, k) for k in before})
        if changes:
            self._audit(s, actor, letter, "letter facts recorded", changes)
        if letter.foi:
            self._tell_information_access_team(s, actor, letter, row)

    def _facts_row(self, s: Session, letter: Letter) -> LetterFacts:
        row = s.get(LetterFacts, letter.id)
        if row is None:
            row = LetterFacts(letter_id=letter.id, category=Category.CASE.value, foi_only=False,
                              letter_in_welsh=False, meeting_requested=False, against_removal=False,
                              answers_earlier_request=False, raised_before=False, allegation_unit="")
            s.add(row)
            s.flush()
        return row

    def _tell_information_access_team(self, s: Session, actor: UserRecord | None, letter: Letter,
                                      row: LetterFacts) -> None:
        """An FOI request is recorded by the Information Access Team at once, not answered here [CORR 5.2]."""
        if row.foi_notified_at is not None:
            return
        setting = s.get(Setting, IAT_EMAIL_KEY)
        address = setting.value if setting is not None and setting.value else IAT_DEFAULT[1]
        writer = letter.member.name
        what = ("only an FOI request: it will be rejected to MPCS for cancelling on CTS" if row.foi_only else
                "an FOI request among other points: the other points are answered on CTS, and the reply says the "
                "FOI request will be answered separately")
        message = enqueue(
            s, clock=self._clock, kind=FOI_KIND, entity=ENTITY, entity_id=letter.id, to_address=address,
            to_name=IAT_DEFAULT[0], subject=f"FOI request from {writer}: CTS {letter.cts_reference}",
            body_text="\n".join([
                "Dear Information Access Team,", "",
                f"{writer}'s letter of {letter.member_letter_date:%d %B %Y}, registered on CTS as "
                f"{letter.cts_reference}, contains a request under the Freedom of Information Act. It is {what}.",
                "", "Please record the request and deal with it under the FOI process. The scanned letter is on "
                    "CTS under that reference.", "", "MPs' Correspondence Section [CORR 5.2]"]))
        row.foi_notified_at = self._now()
        self._audit(s, actor, letter, "FOI request sent to the Information Access Team",
                    {"to": address, "outbox_id": message.id, "foi_only": row.foi_only})

    def record_disclosure_conditions(self, actor: UserRecord, letter_id: int, *, supports_case: bool,
                                     relationship_evidenced: bool, no_adverse_effect: bool,
                                     expected_version: int | None = None) -> ReplyPlan:
        """A family member or sponsor [CORR 3.2]: which conditions for limited disclosure are met.

        A reply that discloses anything is refused while any is not.
        """
        given = {"supports_case": supports_case, "relationship_evidenced": relationship_evidenced,
                 "no_adverse_effect": no_adverse_effect}

        def change(s: Session, c: Case) -> ReplyPlan:
            self._may_record(s, actor, c, unit_only=True)
            row = self._facts_row(s, c.letter)
            if row.category != Category.FAMILY_SPONSOR.value:
                raise ValidationError("the disclosure conditions are for a letter from a family member or sponsor "
                                      "[CORR 3.2]: record that first")
            before = {k: getattr(row, k) for k in DISCLOSURE_CONDITIONS}
            for key, value in given.items():
                setattr(row, key, as_flag(value, field=key))
            changes = audit.diff(before, {k: getattr(row, k) for k in before})
            if changes:
                self._audit(s, actor, c.letter, "disclosure conditions recorded", changes)
            return self._plan(s, actor, c.letter)

        return self._change(actor, letter_id, change, expected_version)

    def pass_allegation(self, actor: UserRecord, letter_id: int, *, unit_name: str, unit_email: str,
                        note: str = "", expected_version: int | None = None) -> ReplyPlan:
        """The drafting unit passes an allegation to the unit that deals with it [CORR 3.5], by e-mail.

        The message (outbox, this transaction) names the letter and the person
        it is about and carries the drafter's note; the letter records where
        it went and when.
        """
        unit_name = clean_text(unit_name, field="Unit", max_length=120)
        unit_email = clean_text(unit_email, field="Unit's e-mail", max_length=254)
        note = clean_text(note, field="Note", max_length=5000, multiline=True)
        if not unit_name:
            raise ValidationError("unit_name: say which unit the allegation goes to")

        def change(s: Session, c: Case) -> ReplyPlan:
            self._may_record(s, actor, c, unit_only=True)
            row = self._facts_row(s, c.letter)
            if row.category != Category.ALLEGATION.value:
                raise ValidationError("only an allegation letter is passed to another unit [CORR 3.5]")
            e = c.letter
            message = enqueue(
                s, clock=self._clock, kind=ALLEGATION_KIND, entity=ENTITY, entity_id=e.id, to_address=unit_email,
                to_name=unit_name, subject=f"Allegation passed on from an MP's letter: CTS {e.cts_reference}",
                body_text="\n".join([
                    f"Dear {unit_name},", "",
                    f"{e.member.name} has written (letter of {e.member_letter_date:%d %B %Y}, CTS "
                    f"{e.cts_reference}) making allegations about {e.subject_name}. We pass them to you for "
                    "consideration; the reply to the Member says only that they have been passed on, and gives "
                    "no assurance of any action [CORR 3.5].", "",
                    *([f"Note from the drafting unit: {note}", ""] if note else []),
                    f"What the letter says: {e.question or e.issue}", "",
                    f"{actor.full_name}, {e.unit_code or 'MPCS'}"]))
            row.allegation_unit, row.allegation_passed_at = f"{unit_name} <{unit_email}>", c.now
            self._audit(s, actor, e, "allegation passed to the appropriate unit",
                        {"to": unit_email, "unit": unit_name, "outbox_id": message.id, "note": note or None})
            return self._plan(s, actor, e)

        return self._change(actor, letter_id, change, expected_version)

    def special_facts(self, actor: UserRecord, letter_id: int) -> dict[str, object]:
        """What is recorded of the letter's special case, for the case view's sections to show and offer."""
        with actor_check.read(self._uow, actor) as s:
            c = self._context(s, self._get(s, letter_id))
            self._require_visible(actor, c)
            e, row = c.letter, s.get(LetterFacts, c.letter.id)
            return {"category": row.category if row else Category.CASE.value,
                    **{k: bool(row and getattr(row, k)) for k in _FACT_FLAGS},
                    **{k: bool(getattr(e, k)) for k in _LETTER_FLAGS},
                    **{k: getattr(row, k) if row else None for k in DISCLOSURE_CONDITIONS},
                    "allegation_unit": row.allegation_unit if row else "",
                    "meeting_referred_at": row.meeting_referred_at if row else None,
                    "translation_sent": bool(row and row.translation_sent_at),
                    "translation_received": bool(row and row.translation_received_at),
                    "offline_unit": c.facts.offline_unit, "ophso": e.ophso, "member_kind": e.member.kind,
                    "barrier_to_removal": e.barrier_to_removal, "unit": e.unit_code}

    def reply_plan(self, actor: UserRecord, letter_id: int) -> ReplyPlan:
        """The reply this letter may get now: its templates, sentences, language, and anything holding it."""
        with actor_check.read(self._uow, actor) as s:
            c = self._context(s, self._get(s, letter_id))
            self._require_visible(actor, c)
            return self._plan(s, actor, c.letter)

    def _may_record(self, s: Session, actor: UserRecord, c: Case, *, unit_only: bool = False) -> None:
        if not actor.has(*_FACT_ROLES):
            raise PermissionDenied(f"{actor.full_name} may not record what a letter is")
        if c.state in (S.DISPATCHED, S.CANCELLED):
            raise ValidationError(f"the letter is {c.state.label.lower()}: nothing more is recorded on it")
        held_by_unit = c.letter.unit_code is not None and is_member(s, actor.id, c.letter.unit_code)
        if unit_only and not held_by_unit:
            raise PermissionDenied(f"only {c.letter.unit_code or 'the drafting unit'}'s staff may do this on "
                                   f"{c.letter.cts_reference}")
        if not held_by_unit and not actor.has(Role.MPCS_ALLOCATOR):
            raise PermissionDenied(f"{actor.full_name} is not a member of {c.letter.unit_code}")

    # -------------------------------------------------------------- the plan

    def _letter_case(self, s: Session, actor: UserRecord, e: Letter) -> LetterCase:
        row = self._facts_read(s, e.id)
        status = remembered(s, _BUILDING, ("member status", e.member_id), lambda: s.get(MemberStatus, e.member_id))
        today = self._now().astimezone(LONDON).date()
        group = self._group(s, actor, e)
        return LetterCase(
            member_kind=e.member.kind, category=Category(row.category if row else Category.CASE.value),
            written_on=e.member_letter_date, today=today, dissolution=self._dissolution(s),
            election_outcome=status.election_outcome if status else None,
            answers_earlier_request=bool(row and row.answers_earlier_request),
            raised_before=bool(row and row.raised_before), against_removal=bool(row and row.against_removal),
            also_mp=bool(status and status.also_mp), devolved_minister=bool(status and status.devolved_minister),
            gets_copy_of_reply=bool(group and group.role_of(e.cts_reference) is ReplyRole.COPY),
            foi=e.foi, foi_only=bool(row and row.foi_only), letter_in_welsh=bool(row and row.letter_in_welsh),
            welsh_requested=e.welsh_requested, meeting_requested=bool(row and row.meeting_requested),
            meeting_referred=bool(row and row.meeting_requested and row.meeting_referred_at),
            disclosure=tuple((k, getattr(row, k) if row else None) for k in DISCLOSURE_CONDITIONS),
            allegation_passed=bool(row and row.allegation_passed_at),
            member_died=bool(status and status.died_on),
            after_by_election=bool(status and status.by_election_on and today >= status.by_election_on))

    def _plan(self, s: Session, actor: UserRecord, e: Letter) -> ReplyPlan:
        return plan_reply(self._letter_case(s, actor, e))

    @staticmethod
    def _facts_read(s: Session, letter_id: int) -> LetterFacts | None:
        """The letter's facts row; asked once while a record is built (``s.get`` asks again for a missing row)."""
        return remembered(s, _BUILDING, ("facts row", letter_id), lambda: s.get(LetterFacts, letter_id))

    def _built_plan(self, s: Session, actor: UserRecord, e: Letter) -> ReplyPlan:
        """``_plan``, once for the templates and the warnings of one record."""
        return remembered(s, _BUILDING, ("plan", actor.id, e.id), lambda: self._plan(s, actor, e))

    def _reply_templates(self, s: Session, actor: UserRecord, ctx: Case) -> tuple[str, ...]:
        try:
            return self._built_plan(s, actor, ctx.letter).templates
        except ValidationError:
            return ()

    def _case_warnings(self, s: Session, actor: UserRecord, ctx: Case) -> tuple[str, ...]:
        """On the case view: why the letter is held, and what the drafter must do besides the reply."""
        try:
            plan = self._built_plan(s, actor, ctx.letter)
        except ValidationError as exc:  # shown, never a case that cannot open
            return (str(exc),)
        held = (f"Held: {plan.held}",) if plan.held else ()
        return held + tuple(n for n in plan.notes if n != plan.held)

    # ------------------------------------------------------------ the Member

    def record_member_status(self, actor: UserRecord, member_id: int, **fields: object) -> None:
        """What happened to a Member: ``died_on``, ``by_election_on``, ``interim_handler`` [CORR 5.1],
        ``election_outcome`` ("returned", "not_returned" or None) [CORR 5.4], ``also_mp``,
        ``devolved_minister`` [CORR 4.1].

        Recording a death tells each drafting unit holding the late Member's
        letters which it must review (outbox, this transaction) [CORR 5.1].
        """
        perm.require(actor, Action.SET_DISSOLUTION)
        allowed = {"died_on", "by_election_on", "interim_handler", "election_outcome", "also_mp",
                   "devolved_minister"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValidationError(f"unknown Member facts: {', '.join(sorted(unknown))}")
        with self._uow() as s:
            member = s.get(Member, member_id) if is_row_id(member_id) else None
            if member is None:
                raise NotFound(f"no Member with id {member_id}")
            row = s.get(MemberStatus, member.id)
            if row is None:
                row = MemberStatus(member_id=member.id, interim_handler="", also_mp=False, devolved_minister=False)
                s.add(row)
            before = {k: getattr(row, k) for k in sorted(allowed)}
            for key in ("died_on", "by_election_on"):
                if key in fields:
                    setattr(row, key, as_date(fields[key], field=key))
            if "interim_handler" in fields:
                row.interim_handler = clean_text(str(fields["interim_handler"] or ""), field="Interim handler",
                                                 max_length=120)
            if "election_outcome" in fields:
                outcome = fields["election_outcome"] or None
                if outcome is not None and outcome not in OUTCOMES:
                    raise ValidationError(f"election_outcome must be one of {', '.join(OUTCOMES)} or empty")
                row.election_outcome = outcome
            for key in ("also_mp", "devolved_minister"):
                if key in fields:
                    setattr(row, key, as_flag(fields[key], field=key))
            today = self._now().astimezone(LONDON).date()
            if row.died_on and row.died_on > today:
                raise ValidationError("died_on: the date of death cannot be in the future")
            if row.by_election_on and not row.died_on:
                raise ValidationError("by_election_on: record the date of the Member's death first")
            if row.by_election_on and row.by_election_on < row.died_on:
                raise ValidationError("by_election_on: the by-election cannot be before the Member died")
            after = {k: getattr(row, k) for k in before}
            changes = audit.diff(before, after)
            if not changes:
                return
            audit.record(s, actor, self._now(), "member", member.id, "Member's status recorded", changes)
            if "died_on" in changes and row.died_on:
                self._tell_units_of_death(s, actor, member, row.died_on)

    def _tell_units_of_death(self, s: Session, actor: UserRecord, member: Member, died_on: date) -> None:
        """MPCS tells each drafting unit holding the late Member's letters which to review [CORR 5.1]."""
        by_unit: dict[str, list[tuple[str, str]]] = {}
        for e in s.scalars(select(Letter).where(Letter.member_id == member.id, Letter.unit_code.is_not(None))
                           .order_by(Letter.id)):
            by_unit.setdefault(e.unit_code, []).append((e.cts_reference, e.state))
        for code, letters in sorted(by_unit.items()):
            review = letters_to_review_on_death(letters)
            listed = [*review.undrafted, *review.awaiting_signature, *review.signed_not_sent]
            unit = s.get(DraftingUnit, code)
            if not listed or unit is None or not unit.head_email:
                continue
            lines = [f"Dear Head of {unit.name},", "",
                     f"{member.name} died on {died_on:%d %B %Y}. Your unit holds their letters below. Please "
                     "arrange for the replies to go before the by-election where you can, to 'The Office of the "
                     "late ...' at the constituency office, starting 'Dear Secretary'; the desk addresses them "
                     "so when the reply is produced [CORR 5.1].", ""]
            for title, refs in (("Not yet drafted", review.undrafted),
                                ("Awaiting signature", review.awaiting_signature),
                                ("Signed, not yet sent", review.signed_not_sent)):
                if refs:
                    lines += [f"{title}:", *(f"- {r}" for r in refs), ""]
            enqueue(s, clock=self._clock, kind=DEATH_KIND, entity="member", entity_id=member.id,
                    to_address=unit.head_email, to_name=f"Head of {unit.name}",
                    subject=f"Death of {member.name}: {len(listed)} letter(s) to review", body_text="\n".join(lines))
            audit.record(s, actor, self._now(), "member", member.id, "drafting unit told of the Member's death",
                         {"unit": code, "letters": listed})

    def member_status(self, member_id: int) -> dict[str, object]:
        """The recorded status of a Member (empty when nothing was recorded)."""
        with self._uow.read() as s:
            row = s.get(MemberStatus, member_id) if is_row_id(member_id) else None
            if row is None:
                return {}
            return {k: getattr(row, k) for k in ("died_on", "by_election_on", "interim_handler",
                                                 "election_outcome", "also_mp", "devolved_minister")}
