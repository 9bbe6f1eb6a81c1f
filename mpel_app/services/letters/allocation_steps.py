"""Allocation on CTS [CORR 1.4]: MPCS allocates, escalates, enforces and cancels; the unit's workflow manager
accepts, rejects or hands the case to a case owner; the two-day rule's sweep."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...db.models import DraftingUnit, Letter, LetterRejection, User
from ...domain.correspondence import SYSTEM, LetterKind, check
from ...domain.errors import ValidationError
from ...domain.letter_records import DocumentKind, EnforcedHow, LetterRecord
from ...domain.records import UserRecord
from ...domain.text import clean_text
from ...domain.values import is_row_id
from ...notify.outbox import enqueue
from .base import ENTITY, Case, LetterUseCases, check_pdf
from .lifecycle_common import A, S, file_stem
from .units import active_unit, unit_code_of


class LetterAllocation(LetterUseCases):
    """From MPCS to a case owner, and back to MPCS."""

    def allocate(self, actor: UserRecord, letter_id: int, unit_code: str, *,
                 expected_version: int | None = None) -> LetterRecord:
        """Allocate to a drafting unit; its two working days to decide start now [CORR 1.4]."""
        code = unit_code_of(unit_code)

        def change(s: Session, c: Case) -> LetterRecord:
            target = self._check(s, actor, c, A.ALLOCATE, {"unit": code})
            unit = active_unit(s, code)
            before = c.letter.unit_code
            self._hand_to_unit(c.letter, unit, enforced=None)
            emailed = self._on_allocate(s, actor, c, unit)  # an off-line unit gets the letter by e-mail [ASY]
            self._move(s, actor, c, A.ALLOCATE, target, {"unit": [before, unit.code], **emailed})
            return self._record(s, actor, c.letter)

        return self._change(actor, letter_id, change, expected_version)

    def escalate(self, actor: UserRecord, letter_id: int, *, expected_version: int | None = None) -> LetterRecord:
        """Rejected by two or more units: to the heads of the disputing units [CORR 1.4], by e-mail."""
        def change(s: Session, c: Case) -> LetterRecord:
            target = self._check(s, actor, c, A.ESCALATE)
            units = list(dict.fromkeys(r.unit_code for r in c.rejections))
            sent = []
            for code in units:
                unit = s.get(DraftingUnit, code)
                if unit is not None and unit.head_email:
                    enqueue(s, clock=self._clock, kind="letter_escalation", entity=ENTITY, entity_id=c.letter.id,
                            to_address=unit.head_email, to_name=f"Head of {unit.name}",
                            subject=f"CTS {c.letter.cts_reference}: disputed allocation, please agree which unit "
                                    "takes it",
                            body_text=_escalation_text(c, units))
                    sent.append(unit.head_email)
            self._move(s, actor, c, A.ESCALATE, target, {"disputing_units": units, "heads_emailed": sent})
            return self._record(s, actor, c.letter)

        return self._change(actor, letter_id, change, expected_version)

    def enforce(self, actor: UserRecord, letter_id: int, unit_code: str, *,
                expected_version: int | None = None) -> LetterRecord:
        """The Head of MPCS enforces an escalated case on a unit, which may then not reject it [CORR 1.4].

        *Decision*: the desk has no separate Head of MPCS role; the domain lets
        MPCS allocators take this action, and the audit trail says who did.
        """
        code = unit_code_of(unit_code)

        def change(s: Session, c: Case) -> LetterRecord:
            target = self._check(s, actor, c, A.ENFORCE, {"unit": code})
            unit = active_unit(s, code)
            self._hand_to_unit(c.letter, unit, enforced=EnforcedHow.HEAD_OF_MPCS)
            self._move(s, actor, c, A.ENFORCE, target, {"unit": [None, unit.code], "enforced": [False, True],
                                                         "enforced_how": EnforcedHow.HEAD_OF_MPCS.value})
            return self._record(s, actor, c.letter)

        return self._change(actor, letter_id, change, expected_version)

    def two_day_sweep(self) -> list[str]:
        """Enforce every letter a unit has held more than two working days undecided; run by a timer.

        Idempotent (an enforced letter is left alone) and safe to run on two
        machines at once: each letter is taken under a row lock that the other
        skips.  Returns the references enforced now.
        """
        enforced: list[str] = []
        with self._uow() as s:
            calendars: dict = {}
            due = []
            for letter in s.scalars(select(Letter).where(Letter.state == S.ALLOCATED.value,
                                                         Letter.enforced.is_(False))):
                c = self._context(s, letter, calendars=calendars)
                if c.facts.decision_overdue:
                    due.append(letter.id)
            for letter_id in due:
                locked = s.scalar(select(Letter.id).where(Letter.id == letter_id, Letter.state == S.ALLOCATED.value,
                                                          Letter.enforced.is_(False))
                                  .with_for_update(skip_locked=True))
                if locked is None:
                    continue  # another sweep has it, or a workflow manager decided meanwhile
                letter = s.get(Letter, letter_id, populate_existing=True)
                c = self._context(s, letter, calendars=calendars)
                target = check(A.ENFORCE_TWO_DAY_RULE, state=c.state, actor_roles={SYSTEM}, actor_grade=None,
                               facts=c.facts)
                letter.enforced, letter.enforced_how, letter.enforced_at = (
                    True, EnforcedHow.TWO_DAY_RULE.value, c.now)
                self._move(s, None, c, A.ENFORCE_TWO_DAY_RULE, target,
                           {"unit": letter.unit_code, "enforced": [False, True],
                            "enforced_how": EnforcedHow.TWO_DAY_RULE.value, "allocated_at": letter.allocated_at})
                enforced.append(letter.cts_reference)
        return enforced

    def lift_enforcement(self, actor: UserRecord, letter_id: int, *, agreeing_unit: str,
                         written_agreement: bytes, filename: str = "",
                         expected_version: int | None = None) -> LetterRecord:
        """Another CTS drafting unit agreed in writing to take an enforced case: the PDF is kept [CORR 1.4]."""
        code = unit_code_of(agreeing_unit)
        name = check_pdf(written_agreement, filename, field="written_agreement")

        def change(s: Session, c: Case) -> LetterRecord:
            name_or_default = name or f"{file_stem(c.letter.cts_reference)}-agreement-{code}.pdf"
            target = self._check(s, actor, c, A.LIFT_ENFORCEMENT,
                                 {"agreeing_unit": code, "written_agreement": name_or_default})
            unit = active_unit(s, code, field="agreeing_unit")
            before = c.letter.unit_code
            doc = self._add_document(s, actor, c.letter, DocumentKind.WRITTEN_AGREEMENT, name_or_default,
                                     "application/pdf", written_agreement)
            self._hand_to_unit(c.letter, unit, enforced=None)
            self._move(s, actor, c, A.LIFT_ENFORCEMENT, target,
                       {"unit": [before, unit.code], "enforced": [True, False], "written_agreement": doc.filename})
            return self._record(s, actor, c.letter)

        return self._change(actor, letter_id, change, expected_version)

    def cancel(self, actor: UserRecord, letter_id: int, reason: str, *,
               expected_version: int | None = None) -> LetterRecord:
        reason = clean_text(reason, field="Reason", max_length=1000)

        def change(s: Session, c: Case) -> LetterRecord:
            target = self._check(s, actor, c, A.CANCEL, {"reason": reason})
            c.letter.cancel_reason, c.letter.cancelled_at = reason, c.now
            c.letter.unit_code = None
            c.letter.case_owner_id, c.letter.case_owner = None, None
            self._move(s, actor, c, A.CANCEL, target, {"reason": reason})
            return self._record(s, actor, c.letter)

        return self._change(actor, letter_id, change, expected_version)

    def accept(self, actor: UserRecord, letter_id: int, *, barrier_to_removal: bool, no_barrier_reason: str = "",
               expected_version: int | None = None) -> LetterRecord:
        """Accept for the unit, recording whether the barrier to removal was entered [ASY], [CORR 2.2]."""
        reason = clean_text(no_barrier_reason, field="Reason", max_length=500)

        def change(s: Session, c: Case) -> LetterRecord:
            target = self._check(s, actor, c, A.ACCEPT,
                                 {"barrier_to_removal": barrier_to_removal, "no_barrier_reason": reason})
            c.letter.accepted_at = c.now
            c.letter.barrier_to_removal = bool(barrier_to_removal)
            c.letter.no_barrier_reason = "" if barrier_to_removal else reason
            self._move(s, actor, c, A.ACCEPT, target, {"unit": c.letter.unit_code,
                                                       "barrier_to_removal": bool(barrier_to_removal),
                                                       "no_barrier_reason": c.letter.no_barrier_reason or None})
            return self._record(s, actor, c.letter)

        return self._change(actor, letter_id, change, expected_version)

    def reject(self, actor: UserRecord, letter_id: int, *, reason: str, suggested_unit: str | None = None,
               expected_version: int | None = None) -> LetterRecord:
        """Misallocated: back to MPCS with a reason and, where possible, the unit it is for [CORR 1.4]."""
        reason = clean_text(reason, field="Reason", max_length=1000)
        suggested = unit_code_of(suggested_unit) or None

        def change(s: Session, c: Case) -> LetterRecord:
            target = self._check(s, actor, c, A.REJECT, {"reason": reason, "suggested_unit": suggested or ""})
            if suggested is not None:
                active_unit(s, suggested, field="suggested_unit")
            unit = c.letter.unit_code
            s.add(LetterRejection(letter_id=c.letter.id, unit_code=unit, reason=reason,
                                  suggested_unit_code=suggested, at=c.now, by_id=actor.id))
            self._back_to_mpcs(c.letter)
            self._move(s, actor, c, A.REJECT, target, {"unit": [unit, None], "reason": reason,
                                                       "suggested_unit": suggested})
            return self._record(s, actor, c.letter)

        return self._change(actor, letter_id, change, expected_version)

    def allocate_to_case_owner(self, actor: UserRecord, letter_id: int, case_owner_id: int, *,
                               expected_version: int | None = None) -> LetterRecord:
        """Give the case to a member of the unit to draft (also how a reallocation is done)."""
        def change(s: Session, c: Case) -> LetterRecord:
            owner = s.get(User, case_owner_id) if is_row_id(case_owner_id) else None
            if owner is None or not owner.active:
                raise ValidationError("case_owner: choose an active member of the unit")
            target = self._check(s, actor, c, A.ALLOCATE_TO_CASE_OWNER, {"case_owner": owner.username})
            self._check_case_owner(s, c, owner)
            before = c.letter.case_owner.username if c.letter.case_owner else None
            c.letter.case_owner_id, c.letter.case_owner = owner.id, owner
            self._move(s, actor, c, A.ALLOCATE_TO_CASE_OWNER, target, {"case_owner": [before, owner.username]})
            return self._record(s, actor, c.letter)

        return self._change(actor, letter_id, change, expected_version)

    def reject_for_cancelling(self, actor: UserRecord, letter_id: int, *, ground: str, reason: str,
                              expected_version: int | None = None) -> LetterRecord:
        """FOI only [CORR 5.2], or a Ministerial letter six months late the MP no longer wants [CORR 1.5]."""
        reason = clean_text(reason, field="Reason", max_length=1000)
        ground = clean_text(ground, field="ground", max_length=40)

        def change(s: Session, c: Case) -> LetterRecord:
            target = self._check(s, actor, c, A.REJECT_FOR_CANCELLING, {"ground": ground, "reason": reason})
            unit = c.letter.unit_code
            c.letter.cancel_ground, c.letter.cancel_reason = ground, reason
            self._back_to_mpcs(c.letter)
            self._move(s, actor, c, A.REJECT_FOR_CANCELLING, target,
                       {"unit": [unit, None], "ground": ground, "reason": reason})
            return self._record(s, actor, c.letter)

        return self._change(actor, letter_id, change, expected_version)

    def _hand_to_unit(self, e: Letter, unit: DraftingUnit, *, enforced: EnforcedHow | None) -> None:
        """A fresh start with a unit: the two-day clock restarts, the last unit's decisions are cleared."""
        now = self._now()
        e.unit_code, e.allocated_at = unit.code, now
        e.enforced, e.enforced_how, e.enforced_at = (enforced is not None,
                                                     enforced.value if enforced else None,
                                                     now if enforced else None)
        e.accepted_at, e.barrier_to_removal, e.no_barrier_reason = None, None, ""
        e.case_owner_id, e.case_owner = None, None

    @staticmethod
    def _back_to_mpcs(e: Letter) -> None:
        e.unit_code, e.allocated_at = None, None
        e.enforced, e.enforced_how, e.enforced_at = False, None, None
        e.case_owner_id, e.case_owner = None, None
        e.reached_signatory_at = None


def _escalation_text(c: Case, units: list[str]) -> str:
    lines = [
        f"CTS {c.letter.cts_reference} ({LetterKind(c.letter.kind).value}) has been rejected by "
        f"{len(units)} drafting units: {', '.join(units)}.",
        "",
        "The reasons given:",
    ]
    for r in c.rejections:
        suggested = f" (suggested unit: {r.suggested_unit_code})" if r.suggested_unit_code else ""
        lines.append(f"- {r.unit_code}: {r.reason}{suggested}")
    lines += ["", "Please agree between you which unit takes the case and tell MPCS. If none accepts it, the "
                  "Head of MPCS will enforce it on a unit [CORR 1.4]."]
    return "\n".join(lines)
